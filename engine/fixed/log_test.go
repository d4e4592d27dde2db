package fixed

import (
	"math"
	"math/big"
	"math/rand/v2"
	"sort"
	"testing"
)

// bound is the proven error bound of Log2 (docs/NUMERICS.md): 1/2 + 2^-38.
const bound = 0.5 + 1.0/(1<<38)

// floatSlack covers math.Log2's own error, scaled by 2^24: a few ulps of a result
// below 64, i.e. below 2^-20 after scaling.
const floatSlack = 1e-6

func log2Err(x uint64) float64 {
	return float64(Log2(x)) - math.Log2(float64(x))*(1<<LogFracBits)
}

func TestLog2Small(t *testing.T) {
	worst := 0.0
	prev := int64(-1)
	for x := uint64(1); x <= 100000; x++ {
		e := math.Abs(log2Err(x))
		if e > bound+floatSlack {
			t.Fatalf("Log2(%d) = %d, error %.9f", x, Log2(x), e)
		}
		worst = max(worst, e)
		if l := Log2(x); l < prev {
			t.Fatalf("Log2 not monotone at %d: %d < %d", x, l, prev)
		} else {
			prev = l
		}
	}
	t.Logf("largest |error| on 1..100000: %.9f units of 2^-24", worst)
}

func TestLog2Edges(t *testing.T) {
	for k := 0; k < 64; k++ {
		p := uint64(1) << k
		if got := Log2(p); got != int64(k)<<LogFracBits {
			t.Errorf("Log2(2^%d) = %d, want %d", k, got, int64(k)<<LogFracBits)
		}
		for _, x := range []uint64{p - 1, p + 1, p + p/2, p*3 - 1} {
			if x == 0 {
				continue
			}
			if e := math.Abs(log2Err(x)); e > bound+floatSlack {
				t.Errorf("Log2(%d) = %d, error %.9f", x, Log2(x), e)
			}
		}
	}
	if got := Log2(math.MaxUint64); got != 1<<30 {
		t.Errorf("Log2(MaxUint64) = %d, want 2^30", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("Log2(0) did not panic")
		}
	}()
	Log2(0)
}

func TestLog2Random(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	xs := make([]uint64, 200000)
	for i := range xs {
		xs[i] = r.Uint64()>>r.IntN(64) | 1
		if e := math.Abs(log2Err(xs[i])); e > bound+floatSlack {
			t.Fatalf("Log2(%d) = %d, error %.9f", xs[i], Log2(xs[i]), e)
		}
	}
	sort.Slice(xs, func(i, j int) bool { return xs[i] < xs[j] })
	for i := 1; i < len(xs); i++ {
		if Log2(xs[i]) < Log2(xs[i-1]) {
			t.Fatalf("Log2 not monotone: Log2(%d) < Log2(%d)", xs[i], xs[i-1])
		}
	}
}

// exactLog2 returns log2(x)·2^24 to prec bits, by the series
// ln y = 2·atanh((y−1)/(y+1)) with y = x/2^n ∈ [1, 2).
func exactLog2(x uint64, prec uint) *big.Float {
	newF := func() *big.Float { return new(big.Float).SetPrec(prec) }
	atanh := func(s *big.Float) *big.Float { // s ≤ 1/3
		sum, term, s2 := newF().Set(s), newF().Set(s), newF().Mul(s, s)
		eps := newF().SetMantExp(big.NewFloat(1), -int(prec)-8)
		for k := int64(3); ; k += 2 {
			term.Mul(term, s2)
			q := newF().Quo(term, newF().SetInt64(k))
			sum.Add(sum, q)
			if q.Cmp(eps) < 0 {
				return sum
			}
		}
	}
	lnOf := func(y *big.Float) *big.Float { // y ∈ [1, 2)
		one := newF().SetInt64(1)
		s := newF().Quo(newF().Sub(y, one), newF().Add(y, one))
		return newF().Mul(atanh(s), newF().SetInt64(2))
	}
	n := 63
	for x>>n == 0 {
		n--
	}
	y := newF().SetMantExp(newF().SetUint64(x), -n)
	l := newF().Quo(lnOf(y), lnOf(newF().SetInt64(2)))
	l.Add(l, newF().SetInt64(int64(n)))
	return l.Mul(l, newF().SetInt64(1<<LogFracBits))
}

// TestLog2Exact holds Log2 to its proven bound against a 200-bit reference, without
// float64's own error in the way.
func TestLog2Exact(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	xs := []uint64{3, 5, 7, 1<<63 - 1, 1<<63 + 1, math.MaxUint64, math.MaxUint64 - 1, 1000003}
	for range 400 {
		xs = append(xs, r.Uint64()>>r.IntN(64)|1)
	}
	worst := new(big.Float)
	lim := new(big.Float).SetMantExp(big.NewFloat(1), -38)
	lim.Add(lim, big.NewFloat(0.5))
	for _, x := range xs {
		e := new(big.Float).SetPrec(200).SetInt64(Log2(x))
		e.Sub(e, exactLog2(x, 200)).Abs(e)
		if e.Cmp(lim) >= 0 {
			t.Fatalf("Log2(%d) = %d: error %v ≥ 1/2 + 2^-38", x, Log2(x), e)
		}
		if e.Cmp(worst) > 0 {
			worst = e
		}
	}
	t.Logf("largest |error| on %d samples: %.12f units of 2^-24", len(xs), worst)
}

func BenchmarkLog2(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	xs := make([]uint64, 1024)
	for i := range xs {
		xs[i] = r.Uint64()>>r.IntN(64) | 1
	}
	var s int64
	for i := 0; b.Loop(); i++ {
		s += Log2(xs[i&1023])
	}
	sink = uint64(s)
}
