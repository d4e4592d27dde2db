// Package lint holds repository-wide source checks that run as ordinary tests.
//
// nofloat_test.go enforces the first rule of determinism (docs/NUMERICS.md): no
// floating point in the non-test Go files of engine/ and simd/. It flags the identifiers
// float32, float64, complex64 and complex128; floating-point and imaginary literals
// (1.5, 1e6, 2i); every selector of package math except its integer limits (MaxInt64,
// MinInt32, MaxUint64, …); strconv's float and complex parsing and formatting; math/big's
// Float; package math/cmplx; and any selector named Float32, Float64, Float32bits,
// Float32frombits, Float64bits or Float64frombits (such as a method r.Float64()).
//
// A file that only formats output for people may be exempted: its first comment group
// (the comments at the top of the file, before the first blank line) must contain the line
//
//	//merit:human-output-only
//
// If the file has a //go:build line, put the directive in the same comment group, e.g. on
// the line right after it.
package lint
