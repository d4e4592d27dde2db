// Package fixed holds the engine's exact integer arithmetic: decimal-text parsing into
// scaled integers, named rounding rules, integer square root, a fixed-point base-2
// logarithm with a stated error bound, and 128-bit intermediates. No floating point.
//
// The full specification is docs/NUMERICS.md.
package fixed

// MaxFeature is the largest magnitude of a stored feature value: |x| ≤ 2^24 − 1.
const MaxFeature = 1<<24 - 1

// LogFracBits is the number of fractional bits of Log2's result.
const LogFracBits = 24

// Decimal is a parsed decimal number: (-1)^Neg · Coef · 10^Exp exactly, unless Sticky,
// in which case significant digits beyond the 19 kept in Coef were dropped and the true
// magnitude is slightly larger than Coef·10^Exp (used only to round correctly).
type Decimal struct {
	Coef   uint64
	Exp    int32
	Neg    bool
	Sticky bool
}

// ParseDecimal parses s, of the form [+-]digits[.digits][(e|E)[+-]digits] (digits may be
// absent on one side of the point but not both). It rejects, with an error that says
// why, empty text, NaN, Inf, hexadecimal, underscores, spaces and exponents beyond ±1000.
func ParseDecimal(s string) (Decimal, error) { panic("TODO") }

// FracDigits returns the number of digits after the decimal point needed to write d
// exactly (trailing zeros ignored); a Sticky decimal needs more than it has.
func (d Decimal) FracDigits() int { panic("TODO") }

// IntDigits returns the number of digits of d's integer part (0 for |d| < 1).
func (d Decimal) IntDigits() int { panic("TODO") }

// Scaled returns d·10^k rounded to an integer by RoundHalfEven, and whether rounding
// changed the value. It returns an error if the result does not fit in int64.
func (d Decimal) Scaled(k int) (v int64, rounded bool, err error) { panic("TODO") }

// Pow10 returns 10^k for 0 ≤ k ≤ 18; it panics otherwise.
func Pow10(k int) int64 { panic("TODO") }

// DivRoundHalfEven returns num/den rounded to the nearest integer, ties to even.
// den must be non-zero.
func DivRoundHalfEven(num, den int64) int64 { panic("TODO") }

// DivFloor returns ⌊num/den⌋ (toward −∞). den must be non-zero.
func DivFloor(num, den int64) int64 { panic("TODO") }

// Clamp returns v limited to [-lim, lim]; lim ≥ 0.
func Clamp(v, lim int64) int64 { panic("TODO") }

// Isqrt returns ⌊√x⌋ exactly.
func Isqrt(x uint64) uint64 { panic("TODO") }

// Log2 returns log2(x) in units of 2^-LogFracBits, for x ≥ 1, with
// |Log2(x) − log2(x)·2^LogFracBits| < 1 (see docs/NUMERICS.md for the proof).
// It panics if x == 0.
func Log2(x uint64) int64 { panic("TODO") }

// Uint128 is an unsigned 128-bit integer.
type Uint128 struct{ Hi, Lo uint64 }

// Mul64 returns the exact 128-bit product a·b.
func Mul64(a, b uint64) Uint128 { panic("TODO") }

// Cmp returns -1, 0 or +1 as x <, ==, > y.
func (x Uint128) Cmp(y Uint128) int { panic("TODO") }

// Add returns x+y and whether it overflowed 128 bits.
func (x Uint128) Add(y Uint128) (Uint128, bool) { panic("TODO") }

// MulDiv returns ⌊a·b/c⌋ with a 128-bit intermediate, and false if c == 0 or the
// quotient does not fit in 64 bits.
func MulDiv(a, b, c uint64) (uint64, bool) { panic("TODO") }

// MulCmp compares a·b with c·d exactly (all unsigned), returning -1, 0 or +1.
func MulCmp(a, b, c, d uint64) int { panic("TODO") }
