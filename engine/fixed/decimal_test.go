package fixed

import (
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestParseDecimal(t *testing.T) {
	tests := []struct {
		in   string
		want Decimal
	}{
		{"0", Decimal{}},
		{"-0", Decimal{}},
		{"+0.000e5", Decimal{}},
		{"000", Decimal{}},
		{"0.", Decimal{}},
		{".0", Decimal{}},
		{"1", Decimal{Coef: 1}},
		{"+1", Decimal{Coef: 1}},
		{"-1", Decimal{Coef: 1, Neg: true}},
		{"1.50", Decimal{Coef: 15, Exp: -1}},
		{"-12.5e3", Decimal{Coef: 125, Exp: 2, Neg: true}},
		{"5.", Decimal{Coef: 5}},
		{".5", Decimal{Coef: 5, Exp: -1}},
		{"-.5E-2", Decimal{Coef: 5, Exp: -3, Neg: true}},
		{"000123", Decimal{Coef: 123}},
		{"0.00123", Decimal{Coef: 123, Exp: -5}},
		{"100", Decimal{Coef: 1, Exp: 2}},
		{"1E+2", Decimal{Coef: 1, Exp: 2}},
		{"1e0", Decimal{Coef: 1}},
		{"1e-0", Decimal{Coef: 1}},
		{"1e000000000000000000000000000000001", Decimal{Coef: 1, Exp: 1}},
		{"1e1000", Decimal{Coef: 1, Exp: 1000}},
		{"1e-1000", Decimal{Coef: 1, Exp: -1000}},
		{"0.001e-1000", Decimal{Coef: 1, Exp: -1003}},
		{"1000e1000", Decimal{Coef: 1, Exp: 1003}},
		{"3.14159", Decimal{Coef: 314159, Exp: -5}},
		{"16777215", Decimal{Coef: 16777215}},
		// 19 significant digits are kept exactly.
		{"1234567890123456789", Decimal{Coef: 1234567890123456789}},
		{"9999999999999999999", Decimal{Coef: 9999999999999999999}},
		{"0.0009999999999999999999", Decimal{Coef: 9999999999999999999, Exp: -22}},
		// Dropped zeros keep the value exact.
		{"12345678901234567890", Decimal{Coef: 1234567890123456789, Exp: 1}},
		{"1000000000000000000000", Decimal{Coef: 1, Exp: 21}},
		{"1.2345678901234567890000", Decimal{Coef: 1234567890123456789, Exp: -18}},
		// Dropped non-zero digits set Sticky; the 19 kept digits stay as they are.
		{"12345678901234567891", Decimal{Coef: 1234567890123456789, Exp: 1, Sticky: true}},
		{"18446744073709551615", Decimal{Coef: 1844674407370955161, Exp: 1, Sticky: true}},
		{"10000000000000000000000001", Decimal{Coef: 1000000000000000000, Exp: 7, Sticky: true}},
		{"0.12345678901234567890001", Decimal{Coef: 1234567890123456789, Exp: -19, Sticky: true}},
		{"-2.5000000000000000000001e3", Decimal{Coef: 2500000000000000000, Exp: -15, Neg: true, Sticky: true}},
	}
	for _, tc := range tests {
		got, err := ParseDecimal(tc.in)
		if err != nil {
			t.Errorf("ParseDecimal(%q): %v", tc.in, err)
			continue
		}
		if got != tc.want {
			t.Errorf("ParseDecimal(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

func TestParseDecimalErrors(t *testing.T) {
	tests := []struct{ in, why string }{
		{"", "empty text"},
		{"+", "no digits"},
		{"-", "no digits"},
		{".", "no digits"},
		{"+.", "no digits"},
		{"e5", "no digits"},
		{".e1", "no digits"},
		{"1e", "exponent has no digits"},
		{"1e+", "exponent has no digits"},
		{"1E-", "exponent has no digits"},
		{"NaN", "NaN is not accepted"},
		{"nan", "NaN is not accepted"},
		{"-nAn", "NaN is not accepted"},
		{"Inf", "infinity is not accepted"},
		{"-inf", "infinity is not accepted"},
		{"+INF", "infinity is not accepted"},
		{"infinity", "infinity is not accepted"},
		{"-Infinity", "infinity is not accepted"},
		{"0x10", "hexadecimal is not accepted"},
		{"-0X1F", "hexadecimal is not accepted"},
		{"1_000", "underscores are not accepted"},
		{"1e1_0", "underscores are not accepted"},
		{" 1", "invalid character ' '"},
		{"1 ", "invalid character ' '"},
		{"1\t", "invalid character '\\t'"},
		{"1,5", "invalid character ','"},
		{"--1", "invalid character '-'"},
		{"+-1", "invalid character '-'"},
		{"1/2", "invalid character '/'"},
		{"0b1", "invalid character 'b'"},
		{"1e5.5", "invalid character '.'"},
		{"1e5e5", "invalid character 'e'"},
		{"1e+-5", "invalid character '-'"},
		{"nanx", "invalid character 'n'"},
		{"1\xff", "invalid byte 0xff"},
		{"１", "invalid character '１'"},
		{"1.2.3", "more than one decimal point"},
		{"1..", "more than one decimal point"},
		{"1e1001", "exponent beyond ±1000"},
		{"1e-1001", "exponent beyond ±1000"},
		{"0e2000", "exponent beyond ±1000"},
		{"1e99999999999999999999999999", "exponent beyond ±1000"},
	}
	for _, tc := range tests {
		d, err := ParseDecimal(tc.in)
		if err == nil {
			t.Errorf("ParseDecimal(%q) = %+v, want an error saying %q", tc.in, d, tc.why)
			continue
		}
		if !errors.Is(err, ErrSyntax) {
			t.Errorf("ParseDecimal(%q): error %v does not wrap ErrSyntax", tc.in, err)
		}
		want := strconv.Quote(tc.in) + " is not a number: " + tc.why
		if err.Error() != want {
			t.Errorf("ParseDecimal(%q): error %q, want %q", tc.in, err.Error(), want)
		}
	}
	// The example message of the specification, byte for byte.
	if _, err := ParseDecimal("NaN"); err == nil || err.Error() != `"NaN" is not a number: NaN is not accepted` {
		t.Errorf("ParseDecimal(NaN): %v", err)
	}
	// Long input is quoted only in part.
	long := strings.Repeat("1", 100) + "x"
	_, err := ParseDecimal(long)
	if err == nil || len(err.Error()) > 100 || !strings.Contains(err.Error(), "invalid character 'x'") {
		t.Errorf("ParseDecimal(long): %v", err)
	}
}

func TestDigits(t *testing.T) {
	tests := []struct {
		in         string
		frac, ints int
	}{
		{"0", 0, 0},
		{"-0.000", 0, 0},
		{"1.50", 1, 1},
		{"123.456", 3, 3},
		{"-123.456", 3, 3},
		{"0.001", 3, 0},
		{"0.999", 3, 0},
		{"1e5", 0, 6},
		{"1.5e-3", 4, 0},
		{"12.5e1", 0, 3},
		{"16777215", 0, 8},
		{"1e-1000", 1000, 0},
		{"12345678901234567891", 1, 20},           // Sticky: dropped digits unknown
		{"0.99999999999999999999", 20, 0},         // Sticky, 19 nines kept at 10^-19
		{"99999999999999999999.9", 1, 20},         // Sticky
		{"123456789012345678.91", 2, 18},          // 20 digits, Sticky, Exp -1
		{"1234567890123456789.0000000001", 1, 19}, // Sticky, Exp 0
	}
	for _, tc := range tests {
		d, err := ParseDecimal(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if f, i := d.FracDigits(), d.IntDigits(); f != tc.frac || i != tc.ints {
			t.Errorf("%q (%+v): FracDigits, IntDigits = %d, %d; want %d, %d", tc.in, d, f, i, tc.frac, tc.ints)
		}
	}
	// Hand-built, non-canonical values.
	if f := (Decimal{Coef: 1500, Exp: -3}).FracDigits(); f != 1 {
		t.Errorf("FracDigits(1500e-3) = %d, want 1", f)
	}
	if i := (Decimal{Coef: 1500, Exp: -3}).IntDigits(); i != 1 {
		t.Errorf("IntDigits(1500e-3) = %d, want 1", i)
	}
}

// decRat returns the exact rational Coef·10^Exp of d with its sign, ignoring Sticky.
func decRat(d Decimal) *big.Rat {
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(absInt32(d.Exp))), nil)
	r := new(big.Rat).SetInt(new(big.Int).SetUint64(d.Coef))
	if d.Exp >= 0 {
		r.Mul(r, new(big.Rat).SetInt(p))
	} else {
		r.Quo(r, new(big.Rat).SetInt(p))
	}
	if d.Neg {
		r.Neg(r)
	}
	return r
}

func absInt32(e int32) int64 {
	if e < 0 {
		return -int64(e)
	}
	return int64(e)
}

// refRound returns x rounded to an integer, ties to even, and whether it was inexact.
func refRound(x *big.Rat) (*big.Int, bool) {
	num, den := x.Num(), x.Denom() // den > 0
	fl := new(big.Int)
	m := new(big.Int)
	fl.DivMod(num, den, m) // Euclidean: floor, 0 ≤ m < den
	if m.Sign() == 0 {
		return fl, false
	}
	c := new(big.Int).Lsh(m, 1).Cmp(den)
	if c > 0 || c == 0 && fl.Bit(0) == 1 {
		fl.Add(fl, big.NewInt(1))
	}
	return fl, true
}

var (
	minI64 = big.NewInt(math.MinInt64)
	maxI64 = big.NewInt(math.MaxInt64)
)

func TestScaled(t *testing.T) {
	type res int
	const (
		ok res = iota
		overflow
		precision
		badK
	)
	tests := []struct {
		in      string
		k       int
		v       int64
		rounded bool
		err     res
	}{
		{"0", 0, 0, false, ok},
		{"-0", 18, 0, false, ok},
		{"0.5", 0, 0, true, ok},
		{"1.5", 0, 2, true, ok},
		{"2.5", 0, 2, true, ok},
		{"-2.5", 0, -2, true, ok},
		{"-3.5", 0, -4, true, ok},
		{"2.4999", 0, 2, true, ok},
		{"2.5001", 0, 3, true, ok},
		{"2.5000000000000000000001", 0, 3, true, ok},   // Sticky breaks the tie upward
		{"-2.5000000000000000000001", 0, -3, true, ok}, // symmetric
		{"4.9999999999999999999999", 0, 5, true, ok},
		{"0.125", 2, 12, true, ok},
		{"0.135", 2, 14, true, ok},
		{"1.23", 2, 123, false, ok},
		{"1.23", 5, 123000, false, ok},
		{"-1.23", 9, -1230000000, false, ok},
		{"1e-30", 0, 0, true, ok},
		{"-1e-30", 18, 0, true, ok},
		{"5e-19", 18, 0, true, ok},
		{"5.000000000000000000001e-19", 18, 1, true, ok},
		{"1.5e-18", 18, 2, true, ok},
		{"1e-18", 18, 1, false, ok},
		{"1e18", 0, 1e18, false, ok},
		{"1e18", 1, 0, false, overflow},
		{"1e1000", 0, 0, false, overflow},
		{"-1e1000", 18, 0, false, overflow},
		{"1e-1000", 18, 0, true, ok},
		{"9223372036854775807", 0, math.MaxInt64, false, ok},
		{"9223372036854775808", 0, 0, false, overflow},
		{"-9223372036854775808", 0, math.MinInt64, false, ok},
		{"-9223372036854775809", 0, 0, false, overflow},
		{"922337203685477580.7", 1, math.MaxInt64, false, ok},
		{"-922337203685477580.8", 1, math.MinInt64, false, ok},
		{"0.9223372036854775807", 18, 922337203685477581, true, ok},
		{"18446744073709551615", 0, 0, false, overflow},
		{"9223372036854775807.4", 0, 0, false, precision}, // 20 digits: the 20th is unknown
		{"1234567890123456789.5", 0, 0, false, precision},
		{"123456789012345678.95", 1, 0, false, precision},
		{"123456789012345678.95", 0, 123456789012345679, true, ok},
		{"1", -1, 0, false, badK},
		{"1", 19, 0, false, badK},
	}
	for _, tc := range tests {
		d, err := ParseDecimal(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		v, rounded, err := d.Scaled(tc.k)
		switch tc.err {
		case ok:
			if err != nil || v != tc.v || rounded != tc.rounded {
				t.Errorf("%q.Scaled(%d) = %d, %v, %v; want %d, %v", tc.in, tc.k, v, rounded, err, tc.v, tc.rounded)
			}
		case overflow:
			if !errors.Is(err, ErrOverflow) {
				t.Errorf("%q.Scaled(%d) = %d, %v, %v; want ErrOverflow", tc.in, tc.k, v, rounded, err)
			}
		case precision:
			if !errors.Is(err, ErrPrecision) {
				t.Errorf("%q.Scaled(%d) = %d, %v, %v; want ErrPrecision", tc.in, tc.k, v, rounded, err)
			}
		case badK:
			if err == nil || errors.Is(err, ErrOverflow) || errors.Is(err, ErrPrecision) {
				t.Errorf("%q.Scaled(%d) = %d, %v, %v; want a scale error", tc.in, tc.k, v, rounded, err)
			}
		}
	}
	// Hand-built Decimals.
	if _, _, err := (Decimal{Coef: 5, Sticky: true}).Scaled(0); !errors.Is(err, ErrPrecision) {
		t.Errorf("Sticky 5 at scale 0: %v, want ErrPrecision", err)
	}
	if v, r, err := (Decimal{Coef: math.MaxUint64, Exp: -1}).Scaled(0); err != nil || v != 1844674407370955162 || !r {
		t.Errorf("MaxUint64e-1 = %d, %v, %v", v, r, err)
	}
	if v, r, err := (Decimal{Coef: math.MaxUint64, Exp: -19, Neg: true}).Scaled(0); err != nil || v != -2 || !r {
		t.Errorf("-MaxUint64e-19 = %d, %v, %v", v, r, err)
	}
}

// randDecimalText returns random decimal text of the accepted grammar, biased to the
// edges (many digits, ties, int64 limits).
func randDecimalText(r *rand.Rand) string {
	var b strings.Builder
	switch r.IntN(3) {
	case 0:
		b.WriteByte('-')
	case 1:
		b.WriteByte('+')
	}
	digits := func(n int) {
		for range n {
			switch r.IntN(4) {
			case 0:
				b.WriteByte('0')
			case 1:
				b.WriteByte('9')
			case 2:
				b.WriteByte('5')
			default:
				b.WriteByte(byte('0' + r.IntN(10)))
			}
		}
	}
	switch r.IntN(6) {
	case 0:
		b.WriteString(strconv.FormatInt(math.MaxInt64-int64(r.IntN(3)), 10))
	case 1:
		b.WriteString(strconv.FormatUint(r.Uint64(), 10))
	default:
		digits(r.IntN(25))
	}
	if r.IntN(2) == 0 {
		b.WriteByte('.')
		n := r.IntN(25)
		digits(n)
		if n > 0 && r.IntN(3) == 0 {
			b.WriteByte('5')
		}
	}
	b.WriteByte('1') // at least one digit
	if r.IntN(3) == 0 {
		b.WriteByte("eE"[r.IntN(2)])
		if r.IntN(2) == 0 {
			b.WriteByte("+-"[r.IntN(2)])
		}
		b.WriteString(strconv.Itoa(r.IntN(40)))
	}
	return b.String()
}

func TestScaledRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		s := randDecimalText(r)
		checkScaled(t, s, r.IntN(19))
	}
}

// checkScaled holds ParseDecimal(s).Scaled(k) against math/big.
func checkScaled(t *testing.T, s string, k int) {
	t.Helper()
	d, err := ParseDecimal(s)
	if err != nil {
		return
	}
	x, ok := new(big.Rat).SetString(s)
	if !ok {
		t.Fatalf("big.Rat rejects %q, which ParseDecimal accepts", s)
	}
	v, rounded, err := d.Scaled(k)
	if k < 0 || k > 18 {
		if err == nil {
			t.Fatalf("%q.Scaled(%d) accepted an out-of-range scale", s, k)
		}
		return
	}
	x.Mul(x, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(k)), nil)))
	want, inexact := refRound(x)
	fits := want.Cmp(minI64) >= 0 && want.Cmp(maxI64) <= 0
	switch {
	case err == nil:
		if !fits || v != want.Int64() || rounded != inexact {
			t.Fatalf("%q.Scaled(%d) = %d, %v; want %v, %v", s, k, v, rounded, want, inexact)
		}
	case errors.Is(err, ErrOverflow):
		if fits {
			t.Fatalf("%q.Scaled(%d): %v; want %v", s, k, err, want)
		}
	case errors.Is(err, ErrPrecision):
		// Only when dropped digits decide the result: Sticky, with all 19 kept digits
		// left of the point after scaling, so |result| ≥ 10^18.
		if !d.Sticky || int64(d.Exp)+int64(k) < 0 || new(big.Int).Abs(want).Cmp(big.NewInt(1e18)) < 0 {
			t.Fatalf("%q.Scaled(%d): %v; want %v", s, k, err, want)
		}
	default:
		t.Fatalf("%q.Scaled(%d): unexpected error %v", s, k, err)
	}
}

// acceptedRE is the grammar of ParseDecimal, less the exponent limit.
var acceptedRE = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?([0-9]+))?$`)

// checkParse holds ParseDecimal(s) against math/big and the grammar.
func checkParse(t *testing.T, s string) {
	t.Helper()
	d, err := ParseDecimal(s)
	m := acceptedRE.FindStringSubmatch(s)
	if err != nil {
		if !errors.Is(err, ErrSyntax) {
			t.Fatalf("ParseDecimal(%q): error %v does not wrap ErrSyntax", s, err)
		}
		if m != nil {
			e, _ := new(big.Int).SetString(m[3], 10)
			if m[3] == "" || e.Cmp(big.NewInt(maxTextExp)) <= 0 {
				t.Fatalf("ParseDecimal(%q) rejected grammatical text: %v", s, err)
			}
		}
		return
	}
	if m == nil {
		t.Fatalf("ParseDecimal(%q) = %+v accepted text outside the grammar", s, d)
	}
	x, ok := new(big.Rat).SetString(s)
	if !ok {
		t.Fatalf("big.Rat rejects %q, which ParseDecimal accepts", s)
	}
	if d.Coef == 0 {
		if d != (Decimal{}) || x.Sign() != 0 {
			t.Fatalf("ParseDecimal(%q) = %+v, want canonical zero (value %v)", s, d, x)
		}
		return
	}
	got := decRat(d)
	if !d.Sticky {
		if got.Cmp(x) != 0 {
			t.Fatalf("ParseDecimal(%q) = %+v = %v, want %v", s, d, got, x)
		}
		if d.Coef%10 == 0 {
			t.Fatalf("ParseDecimal(%q) = %+v has trailing zeros", s, d)
		}
		return
	}
	// Sticky: Coef has 19 digits and |x| lies strictly between Coef and Coef+1 units.
	if d.Coef < 1e18 || d.Coef > 9999999999999999999 {
		t.Fatalf("ParseDecimal(%q) = %+v: Sticky Coef without 19 digits", s, d)
	}
	up := decRat(Decimal{Coef: d.Coef + 1, Exp: d.Exp, Neg: d.Neg})
	ax, lo, hi := new(big.Rat).Abs(x), new(big.Rat).Abs(got), new(big.Rat).Abs(up)
	if ax.Cmp(lo) <= 0 || ax.Cmp(hi) >= 0 {
		t.Fatalf("ParseDecimal(%q) = %+v: %v not strictly inside (%v, %v)", s, d, ax, lo, hi)
	}
	if d.Neg != (x.Sign() < 0) {
		t.Fatalf("ParseDecimal(%q) = %+v: wrong sign", s, d)
	}
}

func TestParseDecimalRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		checkParse(t, randDecimalText(r))
	}
}

var fuzzSeeds = []string{
	"0", "-0", "1", "1.5", "-2.5", "5.", ".5", "1e5", "1E-5", "1e+1000", "1e-1001",
	"", "+", ".", "1e", "1e+", "NaN", "nan", "Inf", "-inf", "infinity", "0x10", "1_000",
	" 1", "1 ", "12345678901234567891", "0.12345678901234567890001", "9223372036854775807.5",
	"-9223372036854775808", "00000000000000000000000000001.0000000000000000000000000001",
	"1/2", "0b1", "1e5.5", "\xff",
}

func FuzzParseDecimal(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkParse(t, s)
	})
}

func FuzzScaled(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add(s, i%20)
	}
	f.Fuzz(func(t *testing.T, s string, k int) {
		checkScaled(t, s, k)
	})
}

func TestChooseScale(t *testing.T) {
	tests := []struct {
		vals []string
		max  int
		want int // -1: ErrOverflow
	}{
		{nil, 9, 0},
		{[]string{"1", "-2", "300"}, 9, 0},
		{[]string{"1.5", "2.25", "-3"}, 9, 2},
		{[]string{"1.50", "2.20"}, 9, 1},
		{[]string{"1.5", "0.123456789012"}, 9, 7},
		{[]string{"0.0015", "0.0123456789012"}, 9, 9},
		{[]string{"0.0015", "0.0123456789012"}, 4, 4},
		{[]string{"16777215"}, 9, 0},
		{[]string{"-16777215"}, 9, 0},
		{[]string{"16777215.5"}, 9, -1},
		{[]string{"1", "-16777216"}, 9, -1},
		{[]string{"1677721.5"}, 9, 1},
		{[]string{"-1677721.51"}, 9, 0},
		{[]string{"-167772.151"}, 9, 1},
		{[]string{"1677721.6"}, 9, 0},
		{[]string{"0.001", "1000"}, 9, 3},
		{[]string{"0.001", "100000"}, 9, 2},
		{[]string{"0.001", "-100000"}, 9, 2},
		{[]string{"0.016777215"}, 9, 9},
		{[]string{"0.016777216"}, 9, 8},
		{[]string{"0.12345678901234567890123"}, 9, 8}, // Sticky
		{[]string{"0.5", "1e-30"}, 9, 7},
		{[]string{"0.005", "1e-30"}, 9, 9},
		{[]string{"1e7"}, 9, 0},
		{[]string{"1e8"}, 9, -1},
		{[]string{"12345678901234567891"}, 9, -1},
	}
	for _, tc := range tests {
		vals := make([]Decimal, len(tc.vals))
		for i, s := range tc.vals {
			d, err := ParseDecimal(s)
			if err != nil {
				t.Fatal(err)
			}
			vals[i] = d
		}
		got, err := ChooseScale(vals, tc.max)
		if tc.want < 0 {
			if !errors.Is(err, ErrOverflow) {
				t.Errorf("ChooseScale(%q, %d) = %d, %v; want ErrOverflow", tc.vals, tc.max, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ChooseScale(%q, %d) = %d, %v; want %d", tc.vals, tc.max, got, err, tc.want)
		}
		for i, v := range vals { // every value then fits at the chosen scale
			if x, _, err := v.Scaled(got); err != nil || x > MaxFeature || x < -MaxFeature {
				t.Errorf("ChooseScale(%q): %s at scale %d = %d, %v", tc.vals, tc.vals[i], got, x, err)
			}
		}
	}
	for _, m := range []int{-1, 19} {
		if _, err := ChooseScale(nil, m); err == nil {
			t.Errorf("ChooseScale(nil, %d) accepted", m)
		}
	}
}

func TestCmpAbsScaled(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	ms := []uint64{0, 1, 5, 9, 10, MaxFeature, 1e18, math.MaxInt64, math.MaxUint64}
	for range 20000 {
		s := randDecimalText(r)
		d, err := ParseDecimal(s)
		if err != nil {
			continue
		}
		k := r.IntN(19)
		m := ms[r.IntN(len(ms))]
		if r.IntN(2) == 0 {
			m = uint64(r.IntN(1 << 25))
		}
		x, _ := new(big.Rat).SetString(s)
		x.Abs(x)
		x.Mul(x, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(k)), nil)))
		want := x.Cmp(new(big.Rat).SetInt(new(big.Int).SetUint64(m)))
		got := cmpAbsScaled(d, k, m)
		if d.Sticky && m >= 1e18 && got == 1 {
			continue // documented: unknown dropped digits may straddle m; reports +1
		}
		if got != want {
			t.Fatalf("cmpAbsScaled(%q, %d, %d) = %d, want %d", s, k, m, got, want)
		}
	}
}
