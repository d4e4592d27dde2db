//go:build purego || !amd64

package simd

// streamAsm returns the vector read anchors: none without amd64 assembly.
func streamAsm() map[string]func(x []int64) int64 { return nil }
