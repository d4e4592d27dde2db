// Package simd holds the integer kernels behind every hot loop of the engine.
//
// Each kernel is an exact integer function: the portable Go version in this package is
// the reference, and every accelerated version must return identical bits for every
// input. Sums are accumulated in int64 with two's-complement wrapping, so any summation
// order gives the same result; callers validate their inputs against the documented
// bounds (docs/NUMERICS.md) so that accepted data never wraps.
//
// Kernels panic only on caller bugs (slices of mismatched length), never on data.
//
// # Levels
//
// The kernels exist at several levels (Level): Generic, the portable Go of kernels*.go,
// available everywhere and the reference; AVX2 and AVX512 on amd64 (kernels_amd64.s,
// generated with avo by the program in _asm/: run `go generate` here or `make generate`,
// and `make check-generate` verifies the committed output); NEON on arm64. The best
// level the CPU supports (github.com/klauspost/cpuid/v2, operating-system support for
// the wide registers included) is chosen once at package init; the environment variable
// MERIT_SIMD=generic|avx2|avx512|neon forces one, and Init reports an unknown or
// unsupported value (the best level then stays in use). SetLevel switches level, for
// tests and start-up code. The purego build tag removes all assembly. In the WebAssembly
// guest built with the merit_hostkernels tag (wasm/guest), one more level, Host, calls the
// host's native kernels as imported functions (dispatch_wasmhost.go, docs/WASM.md).
//
// The accelerated kernels are checked against the portable ones for every length 0..300,
// longer random lengths, unaligned starts, the int32 extremes and overlapping outputs
// (levels_test.go), by fuzz targets (fuzz_test.go), and through the engine's own tests
// run once per level (the Makefile's test target). A level this machine cannot run is
// reported by the tests as not tested.
package simd
