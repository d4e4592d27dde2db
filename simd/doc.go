// Package simd holds the integer kernels behind every hot loop of the engine.
//
// Each kernel is an exact integer function: the portable Go version in this package is
// the reference, and every accelerated version must return identical bits for every
// input. Sums are accumulated in int64 with two's-complement wrapping, so any summation
// order gives the same result; callers validate their inputs against the documented
// bounds (docs/NUMERICS.md) so that accepted data never wraps.
//
// Kernels panic only on caller bugs (slices of mismatched length), never on data.
package simd
