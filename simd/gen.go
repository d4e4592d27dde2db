package simd

// The amd64 kernels are generated with avo by the program in _asm/ (its own module, so
// avo is not a dependency of this one). `make check-generate` verifies that the committed
// files are what the generator writes.
//go:generate go run -C _asm . -out ../kernels_amd64.s -stubs ../kernels_amd64.go -pkg simd
