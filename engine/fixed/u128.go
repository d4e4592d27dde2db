package fixed

import "math/bits"

// Mul64 returns the exact 128-bit product a·b.
func Mul64(a, b uint64) Uint128 {
	hi, lo := bits.Mul64(a, b)
	return Uint128{Hi: hi, Lo: lo}
}

// Cmp returns -1, 0 or +1 as x <, ==, > y.
func (x Uint128) Cmp(y Uint128) int {
	switch {
	case x.Hi < y.Hi:
		return -1
	case x.Hi > y.Hi:
		return 1
	case x.Lo < y.Lo:
		return -1
	case x.Lo > y.Lo:
		return 1
	}
	return 0
}

// Add returns x+y and whether it overflowed 128 bits.
// On overflow the sum wraps modulo 2^128.
func (x Uint128) Add(y Uint128) (Uint128, bool) {
	lo, c := bits.Add64(x.Lo, y.Lo, 0)
	hi, c := bits.Add64(x.Hi, y.Hi, c)
	return Uint128{Hi: hi, Lo: lo}, c != 0
}

// MulDiv returns ⌊a·b/c⌋ with a 128-bit intermediate, and false if c == 0 or the
// quotient does not fit in 64 bits.
//
// It never panics: a·b = hi·2^64 + lo with lo < 2^64, so the quotient fits in 64 bits
// exactly when hi < c, which is also bits.Div64's precondition.
func MulDiv(a, b, c uint64) (uint64, bool) {
	if c == 0 {
		return 0, false
	}
	hi, lo := bits.Mul64(a, b)
	if hi >= c {
		return 0, false
	}
	q, _ := bits.Div64(hi, lo, c)
	return q, true
}

// MulCmp compares a·b with c·d exactly (all unsigned), returning -1, 0 or +1.
// The sparse nearest-centroid model uses it to compare E_a·n_b² with E_b·n_a².
func MulCmp(a, b, c, d uint64) int {
	return Mul64(a, b).Cmp(Mul64(c, d))
}
