package dataset

import (
	"bytes"
	"fmt"
	"math/bits"

	"github.com/meritchain/merit/engine/fixed"
)

// scaler checks values as they are parsed (first pass, so that an error can name the
// value's line and column) and chooses the scale exponent afterwards.
//
// The rule is docs/NUMERICS.md's, and fixed.ChooseScale is its one implementation:
// ScaleExp = min(exact, fit), where exact is the largest FracDigits and fit the largest
// k ≤ MaxScale with max|value|·10^k ≤ MaxFeature, compared exactly. A value with
// |value| > MaxFeature (auto) or |value|·10^k > MaxFeature (k requested) is an error.
type scaler struct {
	auto bool
	k    int // the requested exponent, if not auto
}

func newScaler(scaleExp int) *scaler {
	if scaleExp == AutoScale {
		return &scaler{auto: true}
	}
	return &scaler{k: scaleExp}
}

// pow10u[i] = 10^i.
var pow10u = [...]uint64{
	1,
	10,
	100,
	1000,
	10000,
	100000,
	1000000,
	10000000,
	100000000,
	1000000000,
	10000000000,
	100000000000,
	1000000000000,
	10000000000000,
	100000000000000,
	1000000000000000,
	10000000000000000,
	100000000000000000,
	1000000000000000000,
	10000000000000000000,
}

// fits reports whether |d|·10^k ≤ MaxFeature, compared exactly (a Sticky d lies strictly
// between Coef·10^Exp and (Coef+1)·10^Exp).
func fits(d fixed.Decimal, k int) bool {
	const m = fixed.MaxFeature
	if d.Coef == 0 && !d.Sticky {
		return true
	}
	e := int64(d.Exp) + int64(k)
	if e >= 0 {
		if e > 7 {
			return false // Coef ≥ 1, so |d|·10^k ≥ 10^8 > m
		}
		hi, lo := bits.Mul64(d.Coef, pow10u[e])
		switch {
		case hi != 0 || lo > m:
			return false
		case lo == m:
			return !d.Sticky
		case !d.Sticky:
			return true
		}
		hi, lo = bits.Mul64(d.Coef+1, pow10u[e])
		return d.Coef+1 != 0 && hi == 0 && lo <= m
	}
	f := -e
	if f >= int64(len(pow10u)) {
		return true // m·10^f ≥ 10^20 > Coef+1
	}
	hi, b := bits.Mul64(m, pow10u[f])
	switch {
	case hi != 0 || d.Coef < b: // then Coef+1 ≤ m·10^f
		return true
	case d.Coef == b:
		return !d.Sticky
	}
	return false
}

// add checks value d (text t, for messages); it returns "" or an error message.
func (sc *scaler) add(d fixed.Decimal, t []byte) string {
	if sc.auto {
		if !fits(d, 0) {
			return fmt.Sprintf("%q does not fit: |value| > %d even at ScaleExp 0", t, fixed.MaxFeature)
		}
	} else if !fits(d, sc.k) {
		return fmt.Sprintf("%q does not fit at ScaleExp %d: |value|·10^%d > %d", t, sc.k, sc.k, fixed.MaxFeature)
	}
	return ""
}

// scale returns the exponent to store vals at.
func (sc *scaler) scale(vals []fixed.Decimal) (int, error) {
	if !sc.auto {
		return sc.k, nil
	}
	k, err := fixed.ChooseScale(vals, MaxScale)
	if err != nil {
		// add has checked every value against MaxFeature already.
		return 0, fmt.Errorf("internal error: %w", err)
	}
	return k, nil
}

// convert scales every value to k, returning the int32 values and how many were rounded.
func convert(vals []fixed.Decimal, k int) ([]int32, int, error) {
	out := make([]int32, len(vals))
	rounded := 0
	for i, d := range vals {
		v, r, err := d.Scaled(k)
		if err != nil || v < -fixed.MaxFeature || v > fixed.MaxFeature {
			// Unreachable: every value fits at k (a value within the integer MaxFeature
			// before rounding stays within it after).
			return nil, 0, fmt.Errorf("internal error: value %d does not fit at ScaleExp %d", i, k)
		}
		if r {
			rounded++
		}
		out[i] = int32(v)
	}
	return out, rounded, nil
}

// parseNumber parses one numeric field; it returns "" or an error message.
func parseNumber(raw []byte) (fixed.Decimal, string) {
	t := trimSpace(raw)
	if len(t) == 0 {
		return fixed.Decimal{}, "empty field: want a number"
	}
	if bytes.ContainsAny(t, "\"'") {
		return fixed.Decimal{}, fmt.Sprintf("quotes are not allowed in numeric fields: %q", t)
	}
	d, err := fixed.ParseDecimal(string(t))
	if err != nil {
		if isNaNInf(t) {
			return fixed.Decimal{}, fmt.Sprintf("%q is not a finite number", t)
		}
		return fixed.Decimal{}, err.Error() // `"text" is not a number: reason`
	}
	return d, ""
}

// isNumber reports whether the trimmed field parses as a number.
func isNumber(raw []byte) bool {
	t := trimSpace(raw)
	if len(t) == 0 || bytes.ContainsAny(t, "\"'") {
		return false
	}
	_, err := fixed.ParseDecimal(string(t))
	return err == nil
}

func isNaNInf(t []byte) bool {
	if len(t) > 0 && (t[0] == '+' || t[0] == '-') {
		t = t[1:]
	}
	l := bytes.ToLower(t)
	return bytes.Equal(l, []byte("nan")) || bytes.Equal(l, []byte("inf")) || bytes.Equal(l, []byte("infinity"))
}

// parseLabel parses a class index: an integer in [0, classes) if classes > 0, else in
// [0, MaxClasses). It returns "" or an error message.
func parseLabel(raw []byte, classes int) (int32, string) {
	d, msg := parseNumber(raw)
	if msg != "" {
		return 0, "label: " + msg
	}
	t := trimSpace(raw)
	if d.Neg && d.Coef != 0 {
		return 0, fmt.Sprintf("label %q is negative: want a class index ≥ 0", t)
	}
	if d.Sticky || d.FracDigits() > 0 {
		return 0, fmt.Sprintf("label %q is not an integer class index", t)
	}
	limit := classes
	if limit == 0 {
		limit = MaxClasses
	}
	v, _, err := d.Scaled(0)
	if err != nil || v >= int64(limit) {
		if classes > 0 {
			return 0, fmt.Sprintf("label %q out of range: %d classes (0..%d)", t, classes, classes-1)
		}
		return 0, fmt.Sprintf("label %q out of range: at most %d classes (0..%d)", t, MaxClasses, MaxClasses-1)
	}
	return int32(v), ""
}
