package market

import "math/bits"

// mulDivFloor returns ⌊a·b/c⌋ with a 128-bit intermediate, and false if c == 0 or the
// quotient does not fit in 64 bits.
func mulDivFloor(a, b, c uint64) (uint64, bool) {
	q, _, ok := mulDivRem(a, b, c)
	return q, ok
}

// mulDivCeil returns ⌈a·b/c⌉, and false if c == 0 or the result does not fit.
func mulDivCeil(a, b, c uint64) (uint64, bool) {
	q, r, ok := mulDivRem(a, b, c)
	if !ok {
		return 0, false
	}
	if r != 0 {
		if q == ^uint64(0) {
			return 0, false
		}
		q++
	}
	return q, true
}

func mulDivRem(a, b, c uint64) (q, r uint64, ok bool) {
	if c == 0 {
		return 0, 0, false
	}
	hi, lo := bits.Mul64(a, b)
	if hi >= c { // quotient ≥ 2^64; also bits.Div64's precondition
		return 0, 0, false
	}
	q, r = bits.Div64(hi, lo, c)
	return q, r, true
}

// lessRatio reports whether a/b < c/d (b, d > 0), exactly.
func lessRatio(a, b, c, d uint64) bool {
	h1, l1 := bits.Mul64(a, d)
	h2, l2 := bits.Mul64(c, b)
	return h1 < h2 || h1 == h2 && l1 < l2
}

// absScore returns |s| for s > MinInt64.
func absScore(s int64) uint64 {
	if s < 0 {
		return uint64(-s)
	}
	return uint64(s)
}
