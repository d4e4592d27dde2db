package fixed

import "fmt"

// Pow10 returns 10^k for 0 ≤ k ≤ 18; it panics otherwise.
func Pow10(k int) int64 {
	if k < 0 || k > 18 {
		panic(fmt.Sprintf("fixed.Pow10: exponent %d outside [0, 18]", k))
	}
	return int64(pow10u[k])
}

// absU returns |v| as a uint64; absU(MinInt64) == 2^63.
func absU(v int64) uint64 {
	if v < 0 {
		return -uint64(v)
	}
	return uint64(v)
}

// DivRoundHalfEven returns num/den rounded to the nearest integer, ties to even.
// den must be non-zero.
//
// It is exact for every pair except num = MinInt64, den = −1, whose quotient 2^63 does
// not fit: like Go's `/` it then returns MinInt64 (wrapped). It panics if den == 0.
func DivRoundHalfEven(num, den int64) int64 {
	q, r := num/den, num%den
	if r == 0 {
		return q
	}
	// |r| < |den| ≤ 2^63, so 2|r| < 2^64 does not overflow.
	twice, ad := 2*absU(r), absU(den)
	if twice > ad || twice == ad && q&1 != 0 {
		// |den| ≥ 2 here, so |q| ≤ 2^62 and the step cannot overflow.
		if (num < 0) != (den < 0) {
			q--
		} else {
			q++
		}
	}
	return q
}

// DivFloor returns ⌊num/den⌋ (toward −∞). den must be non-zero.
//
// num = MinInt64, den = −1 returns MinInt64 (wrapped), as Go's `/` does. It panics if
// den == 0.
func DivFloor(num, den int64) int64 {
	q := num / den
	if num%den != 0 && (num < 0) != (den < 0) {
		q-- // |den| ≥ 2 here, so q > MinInt64
	}
	return q
}

// Clamp returns v limited to [-lim, lim]; lim ≥ 0.
//
// It panics if lim < 0 (a caller bug, never a data error).
func Clamp(v, lim int64) int64 {
	if lim < 0 {
		panic(fmt.Sprintf("fixed.Clamp: negative limit %d", lim))
	}
	switch {
	case v > lim:
		return lim
	case v < -lim:
		return -lim
	}
	return v
}
