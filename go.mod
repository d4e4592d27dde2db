module github.com/meritchain/merit

go 1.26
