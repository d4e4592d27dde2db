package fixed

import (
	"errors"
	"fmt"
	"math/bits"
	"unicode/utf8"
)

// Errors reported by this package; test for them with errors.Is.
var (
	// ErrSyntax: the text is not an accepted decimal number.
	ErrSyntax = errors.New("not an accepted decimal number")
	// ErrOverflow: the result does not fit its integer type.
	ErrOverflow = errors.New("value out of range")
	// ErrPrecision: digits dropped by ParseDecimal (Sticky) decide the result, which
	// therefore cannot be computed exactly. A parsed Decimal meets it only in Scaled when
	// its 19 kept digits all lie at or left of the units place after scaling, so
	// |result| ≥ 10^18.
	ErrPrecision = errors.New("more significant digits than can be rounded exactly")
)

const (
	maxKeptDigits = 19   // significant digits kept in Decimal.Coef
	maxTextExp    = 1000 // largest accepted |exponent| written after e/E
	maxQuoted     = 40   // bytes of the input quoted in an error message
)

// syntaxError says why a text is not an accepted decimal number.
type syntaxError struct {
	text   string
	reason string
}

func (e *syntaxError) Error() string {
	t := e.text
	if len(t) > maxQuoted {
		return fmt.Sprintf("%q… is not a number: %s", t[:maxQuoted], e.reason)
	}
	return fmt.Sprintf("%q is not a number: %s", t, e.reason)
}

func (e *syntaxError) Unwrap() error { return ErrSyntax }

func syntaxErr(s, reason string) error { return &syntaxError{text: s, reason: reason} }

// badChar explains the unexpected byte at s[i].
func badChar(s string, i int) error {
	r, size := utf8.DecodeRuneInString(s[i:])
	switch {
	case r == utf8.RuneError && size <= 1:
		return syntaxErr(s, fmt.Sprintf("invalid byte 0x%02x", s[i]))
	case r == '_':
		return syntaxErr(s, "underscores are not accepted")
	}
	return syntaxErr(s, fmt.Sprintf("invalid character %q", r))
}

// asciiLowerEq reports whether s equals the lower-case ASCII word w, ignoring case.
func asciiLowerEq(s, w string) bool {
	if len(s) != len(w) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != w[i] {
			return false
		}
	}
	return true
}

// ParseDecimal parses s, of the form [+-]digits[.digits][(e|E)[+-]digits] (digits may be
// absent on one side of the point but not both). It rejects, with an error that says
// why, empty text, NaN, Inf, hexadecimal, underscores, spaces and exponents beyond ±1000.
//
// The conversion is exact: the first 19 significant digits are kept in Coef and any
// further non-zero digit sets Sticky. The result is canonical (see Decimal); "-0" is
// zero. Errors wrap ErrSyntax.
func ParseDecimal(s string) (Decimal, error) {
	if s == "" {
		return Decimal{}, syntaxErr(s, "empty text")
	}
	i := 0
	neg := false
	if s[0] == '+' || s[0] == '-' {
		neg = s[0] == '-'
		i = 1
	}
	body := s[i:]
	switch {
	case asciiLowerEq(body, "nan"):
		return Decimal{}, syntaxErr(s, "NaN is not accepted")
	case asciiLowerEq(body, "inf"), asciiLowerEq(body, "infinity"):
		return Decimal{}, syntaxErr(s, "infinity is not accepted")
	case len(body) >= 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X'):
		return Decimal{}, syntaxErr(s, "hexadecimal is not accepted")
	}

	var (
		coef   uint64
		kept   int   // significant digits in coef
		exp    int64 // power of ten of coef's last digit, before the written exponent
		sticky bool
		digits int // mantissa digits seen, zeros included
		point  bool
	)
mantissa:
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			digits++
			d := uint64(c - '0')
			switch {
			case kept == 0 && d == 0: // leading zero
				if point {
					exp--
				}
			case kept < maxKeptDigits:
				coef = coef*10 + d
				kept++
				if point {
					exp--
				}
			default: // dropped digit
				if !point {
					exp++
				}
				if d != 0 {
					sticky = true
				}
			}
		case c == '.':
			if point {
				return Decimal{}, syntaxErr(s, "more than one decimal point")
			}
			point = true
		case c == 'e' || c == 'E':
			break mantissa
		default:
			return Decimal{}, badChar(s, i)
		}
	}
	if digits == 0 {
		return Decimal{}, syntaxErr(s, "no digits")
	}

	if i < len(s) { // s[i] is 'e' or 'E'
		i++
		eneg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			eneg = s[i] == '-'
			i++
		}
		if i == len(s) {
			return Decimal{}, syntaxErr(s, "exponent has no digits")
		}
		var e int64
		for ; i < len(s); i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return Decimal{}, badChar(s, i)
			}
			if e <= maxTextExp { // saturate just past the limit: no overflow on long input
				e = e*10 + int64(c-'0')
			}
		}
		if e > maxTextExp {
			return Decimal{}, syntaxErr(s, "exponent beyond ±1000")
		}
		if eneg {
			e = -e
		}
		exp += e
	}

	if coef == 0 { // all digits zero; sticky is only set after 19 kept digits
		return Decimal{}, nil
	}
	if !sticky {
		for coef%10 == 0 {
			coef /= 10
			exp++
		}
	}
	if exp > 1<<31-1 || exp < -(1<<31) { // needs more than 2^31 bytes of text
		return Decimal{}, syntaxErr(s, "text too long")
	}
	return Decimal{Coef: coef, Exp: int32(exp), Neg: neg, Sticky: sticky}, nil
}

// numDigits returns the number of decimal digits of c (0 for c == 0).
func numDigits(c uint64) int {
	n := 0
	for c != 0 {
		c /= 10
		n++
	}
	return n
}

// FracDigits returns the number of digits after the decimal point needed to write d
// exactly (trailing zeros ignored); a Sticky decimal needs more than it has.
//
// For a Sticky decimal, whose dropped digits are unknown, it returns one more than
// Coef·10^Exp needs: max(0, −Exp) + 1.
func (d Decimal) FracDigits() int {
	e := int64(d.Exp)
	if d.Sticky {
		return int(max(0, -e)) + 1
	}
	c := d.Coef
	if c == 0 {
		return 0
	}
	for c%10 == 0 {
		c /= 10
		e++
	}
	return int(max(0, -e))
}

// IntDigits returns the number of digits of d's integer part (0 for |d| < 1).
// It is exact for Sticky decimals too: the dropped digits never carry into a new digit.
func (d Decimal) IntDigits() int {
	return int(max(0, int64(numDigits(d.Coef))+int64(d.Exp)))
}

// pow10u[k] = 10^k; 10^19 is the largest power of ten below 2^64.
var pow10u = func() (p [20]uint64) {
	p[0] = 1
	for k := 1; k < len(p); k++ {
		p[k] = p[k-1] * 10
	}
	return p
}()

// Scaled returns d·10^k rounded to an integer by RoundHalfEven, and whether rounding
// changed the value. It returns an error if the result does not fit in int64.
//
// k must be in [0, 18]; otherwise Scaled returns an error. Ties (exactly half-way) go
// to the even integer; a Sticky decimal is never exactly half-way, so its dropped digits
// break the tie away from zero. Rounding is symmetric: Scaled of −d is −Scaled of d.
// Errors: ErrOverflow if the rounded value is outside [MinInt64, MaxInt64];
// ErrPrecision if d is Sticky and Exp + k ≥ 0 (the last kept digit is at or left of the
// units place, so the unknown dropped digits decide the result). It never panics.
func (d Decimal) Scaled(k int) (v int64, rounded bool, err error) {
	if k < 0 || k > 18 {
		return 0, false, fmt.Errorf("fixed: scale exponent %d outside [0, 18]", k)
	}
	if d.Coef == 0 && !d.Sticky {
		return 0, false, nil
	}
	limit := uint64(1<<63 - 1) // largest magnitude of the result
	if d.Neg {
		limit = 1 << 63
	}
	overflow := func() (int64, bool, error) {
		return 0, false, fmt.Errorf("fixed: %s·10^%d does not fit in int64: %w", d, k, ErrOverflow)
	}
	e := int64(d.Exp) + int64(k)
	var mag uint64
	if e >= 0 {
		if e >= int64(len(pow10u)) {
			if d.Coef != 0 {
				return overflow()
			}
			return 0, false, fmt.Errorf("fixed: %s·10^%d: %w", d, k, ErrPrecision)
		}
		hi, lo := bits.Mul64(d.Coef, pow10u[e])
		if hi != 0 || lo > limit {
			return overflow()
		}
		if d.Sticky {
			return 0, false, fmt.Errorf("fixed: %s·10^%d: %w", d, k, ErrPrecision)
		}
		mag = lo
	} else if f := -e; f >= int64(len(pow10u)) {
		// |d|·10^k < (Coef+1)·10^−20 ≤ 2^64·10^−20 < 1/2: rounds to zero.
		mag, rounded = 0, true
	} else {
		p := pow10u[f]
		q, r := d.Coef/p, d.Coef%p
		half := p / 2 // p is even
		switch {
		case r > half, r == half && (d.Sticky || q&1 == 1):
			q++
		}
		if q > limit { // defensive: q ≤ ⌈(2^64 − 1)/10⌉ < 2^63
			return overflow()
		}
		mag, rounded = q, r != 0 || d.Sticky
	}
	v = int64(mag) // mag == 2^63 only when Neg: wraps to MinInt64, and −MinInt64 == MinInt64
	if d.Neg {
		v = -v
	}
	return v, rounded, nil
}

// String formats d for error messages, e.g. "-12345e-3" or "1234567890123456789…e2".
func (d Decimal) String() string {
	sign := ""
	if d.Neg {
		sign = "-"
	}
	more := ""
	if d.Sticky {
		more = "…"
	}
	return fmt.Sprintf("%s%d%se%d", sign, d.Coef, more, d.Exp)
}

// cmpAbsScaled compares |d|·10^k with m exactly, returning -1, 0 or +1. For a Sticky d
// whose unknown dropped digits could fall on either side of m it returns +1 (ParseDecimal
// never produces such a d for m < 10^18, since its Sticky Coef has 19 digits).
func cmpAbsScaled(d Decimal, k int, m uint64) int {
	e := int64(d.Exp) + int64(k)
	if e >= 0 {
		if e >= int64(len(pow10u)) {
			if d.Coef == 0 && !d.Sticky {
				return cmpU(0, m)
			}
			return 1
		}
		hi, a := bits.Mul64(d.Coef, pow10u[e])
		switch {
		case hi != 0 || a > m:
			return 1
		case a == m:
			if d.Sticky {
				return 1
			}
			return 0
		case !d.Sticky:
			return -1
		}
		// Sticky: the value lies in (a, (Coef+1)·10^e).
		if hi, b := bits.Mul64(d.Coef+1, pow10u[e]); hi == 0 && b <= m && d.Coef+1 != 0 {
			return -1
		}
		return 1
	}
	if m == 0 {
		if d.Coef == 0 && !d.Sticky {
			return 0
		}
		return 1
	}
	// Compare Coef (+ a fraction if Sticky) with m·10^−e.
	f := -e
	if f >= int64(len(pow10u)) {
		return -1 // m·10^f ≥ 10^20 > Coef+1
	}
	hi, b := bits.Mul64(m, pow10u[f])
	switch {
	case hi != 0 || d.Coef < b:
		return -1 // Coef+1 ≤ m·10^f, so even a Sticky value is below m
	case d.Coef > b:
		return 1
	case d.Sticky:
		return 1
	}
	return 0
}

func cmpU(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ChooseScale picks the scale exponent at which a loader stores vals (docs/NUMERICS.md):
// the smallest k that writes every value exactly (the largest FracDigits), capped at
// maxScale and at the largest k for which max|v|·10^k ≤ MaxFeature. It returns an
// ErrOverflow error if some |v| > MaxFeature (no scale fits), and an error if maxScale
// is outside [0, 18]. The values are then stored with Scaled(k), which rounds half-even
// those that the cap made inexact.
func ChooseScale(vals []Decimal, maxScale int) (int, error) {
	if maxScale < 0 || maxScale > 18 {
		return 0, fmt.Errorf("fixed: maximum scale %d outside [0, 18]", maxScale)
	}
	k := 0          // smallest exact scale so far (capped at maxScale)
	fit := maxScale // largest scale at which every value so far fits
	for _, v := range vals {
		if f := v.FracDigits(); f > k {
			k = min(f, maxScale)
		}
		for cmpAbsScaled(v, fit, MaxFeature) > 0 {
			if fit == 0 {
				return 0, fmt.Errorf("fixed: |%s| exceeds %d at every scale: %w", v, MaxFeature, ErrOverflow)
			}
			fit--
		}
	}
	return min(k, fit), nil
}
