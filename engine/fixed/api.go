// Package fixed holds the engine's exact integer arithmetic: decimal-text parsing into
// scaled integers, named rounding rules, integer square root, a fixed-point base-2
// logarithm with a stated error bound, and 128-bit intermediates. No floating point.
//
// The full specification is docs/NUMERICS.md.
//
// Files: decimal.go (ParseDecimal, Decimal's methods, ChooseScale), round.go (Pow10 and
// the named rounding helpers), isqrt.go, log.go, u128.go.
package fixed

// MaxFeature is the largest magnitude of a stored feature value: |x| ≤ 2^24 − 1.
const MaxFeature = 1<<24 - 1

// LogFracBits is the number of fractional bits of Log2's result.
const LogFracBits = 24

// Decimal is a parsed decimal number: (-1)^Neg · Coef · 10^Exp exactly, unless Sticky,
// in which case significant digits beyond the 19 kept in Coef were dropped and the true
// magnitude is slightly larger than Coef·10^Exp (used only to round correctly).
//
// ParseDecimal returns a canonical Decimal: zero is {0, 0, false, false}; otherwise Coef
// has no leading zeros and, unless Sticky, no trailing zeros (so equal values give equal
// structs); a Sticky Coef always holds exactly 19 digits, and the true magnitude lies
// strictly between Coef·10^Exp and (Coef+1)·10^Exp.
type Decimal struct {
	Coef   uint64
	Exp    int32
	Neg    bool
	Sticky bool
}

// Uint128 is an unsigned 128-bit integer.
type Uint128 struct{ Hi, Lo uint64 }
