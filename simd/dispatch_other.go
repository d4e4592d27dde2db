//go:build purego || !(amd64 || arm64)

package simd

// Without assembly (the purego tag, or an architecture with no kernels of its own) only
// the portable kernels exist.

func archLevels() []Level { return nil }

func archUse(Level, *kernelTable) {}
