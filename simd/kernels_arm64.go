//go:build !purego

package simd

import "unsafe"

// The NEON kernels of kernels_arm64.s and the Go glue around them. Each assembly
// function needs slices of equal length; the glue reslices the way the portable kernel
// does (so a short slice panics the same way instead of being read past its end) and
// handles the rest of the contract (lim > 0, overlapping slices, chunking) by falling
// back to the portable kernel, so the NEON table gives identical bits for every input.

//go:noescape
func dotNEON(a, b []int32) int64

//go:noescape
func sqDistNEON(a, b []int32) int64

//go:noescape
func addScaledSatNEON(dst, x []int32, s, lim int32) (exact bool)

//go:noescape
func addScaled64NEON(dst []int64, x []int32, s int32)

//go:noescape
func sumNEON(x []int32) int64

//go:noescape
func countEqNEON(x []int32, v int32) int

//go:noescape
func minMaxNEON(x []int32) (lo, hi int32)

//go:noescape
func addConstI64NEON(dst []int64, c int64)

//go:noescape
func subI32NEON(dst, a, b []int32)

func dotNEONGlue(a, b []int32) int64    { return dotNEON(a, b[:len(a)]) }
func sqDistNEONGlue(a, b []int32) int64 { return sqDistNEON(a, b[:len(a)]) }

// dotBatchNEON and sqDistBatchNEON run the single-row kernel over each row: the rows
// are contiguous, so each call streams one row against the (cached) query.
func dotBatchNEON(rows, q []int32, out []int64) {
	dim := len(q)
	for r := range out {
		out[r] = dotNEON(rows[r*dim:(r+1)*dim], q)
	}
}

func sqDistBatchNEON(rows, q []int32, out []int64) {
	dim := len(q)
	for r := range out {
		out[r] = sqDistNEON(rows[r*dim:(r+1)*dim], q)
	}
}

// overlapsPartly reports whether a and b share memory without being the same slice
// (same start; lengths are equal wherever it is used). The vector kernels load a group
// of elements before storing it, which matches the portable element-by-element order
// when dst is the same slice as an input or disjoint from it, but not when dst is
// shifted against an input: then the portable kernel runs.
func overlapsPartly(a, b []int32) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	pa, pb := unsafe.Pointer(unsafe.SliceData(a)), unsafe.Pointer(unsafe.SliceData(b))
	return pa != pb && overlaps(pa, 4*len(a), pb, 4*len(b))
}

// overlaps reports whether the byte ranges [p, p+n) and [q, q+m) intersect.
func overlaps(p unsafe.Pointer, n int, q unsafe.Pointer, m int) bool {
	a, b := uintptr(p), uintptr(q)
	return n > 0 && m > 0 && a < b+uintptr(m) && b < a+uintptr(n)
}

// addScaledSatNEONGlue and addScaledSatExactNEONGlue need lim > 0 (the assembly's
// proof uses [−lim, lim] ⊆ int32); any other lim, or a dst shifted against x, takes
// the portable path.
func addScaledSatNEONGlue(dst []int32, s int32, x []int32, lim int32) {
	dst = dst[:len(x)]
	if lim <= 0 || overlapsPartly(dst, x) {
		addScaledSatGeneric(dst, s, x, lim)
		return
	}
	addScaledSatNEON(dst, x, s, lim)
}

func addScaledSatExactNEONGlue(dst []int32, s int32, x []int32, lim int32) bool {
	dst = dst[:len(x)]
	if lim <= 0 || overlapsPartly(dst, x) {
		return addScaledSatExactGeneric(dst, s, x, lim)
	}
	return addScaledSatNEON(dst, x, s, lim)
}

// addScaled64NEONGlue uses the widening multiply when s fits in int32 (then s·x[i] is
// the exact product of two int32 values); a wider s, or a dst sharing memory with x
// (possible only through unsafe views), takes the portable path.
func addScaled64NEONGlue(dst []int64, s int64, x []int32) {
	dst = dst[:len(x)]
	if s != int64(int32(s)) || overlaps(unsafe.Pointer(unsafe.SliceData(dst)), 8*len(dst), unsafe.Pointer(unsafe.SliceData(x)), 4*len(x)) {
		addScaled64Generic(dst, s, x)
		return
	}
	addScaled64NEON(dst, x, int32(s))
}

// countChunk bounds the elements passed to countEqNEON in one call, so that none of
// its uint32 lane counts can wrap (each sees at most ⌈countChunk/8⌉ elements).
const countChunk = 1 << 31

func countEqNEONGlue(x []int32, v int32) int {
	n := 0
	for len(x) > countChunk {
		n += countEqNEON(x[:countChunk], v)
		x = x[countChunk:]
	}
	return n + countEqNEON(x, v)
}

func countZeroNEON(x []int32) int { return countEqNEONGlue(x, 0) }

func minMaxNEONGlue(x []int32) (lo, hi int32) {
	if len(x) == 0 {
		return 0, 0
	}
	return minMaxNEON(x)
}

func subI32NEONGlue(dst, a, b []int32) {
	dst, b = dst[:len(a)], b[:len(a)]
	if overlapsPartly(dst, a) || overlapsPartly(dst, b) {
		subI32Generic(dst, a, b)
		return
	}
	subI32NEON(dst, a, b)
}
