//go:build !purego

package simd

// purego is true in a build with the purego tag: no assembly, portable kernels only.
const purego = false
