//go:build purego || !(amd64 || arm64 || (wasip1 && merit_hostkernels))

package simd

// Without assembly (the purego tag, or an architecture with no kernels of its own) only
// the portable kernels exist. The WebAssembly guest built with the merit_hostkernels tag
// has its own file, dispatch_wasmhost.go.

func archLevels() []Level { return nil }

func archUse(Level, *kernelTable) {}
