package fixed

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

func TestPow10(t *testing.T) {
	p := int64(1)
	for k := 0; k <= 18; k++ {
		if got := Pow10(k); got != p {
			t.Errorf("Pow10(%d) = %d, want %d", k, got, p)
		}
		p *= 10
	}
	for _, k := range []int{-1, 19, 100} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Pow10(%d) did not panic", k)
				}
			}()
			Pow10(k)
		}()
	}
}

func TestDivRoundHalfEven(t *testing.T) {
	const minI, maxI = math.MinInt64, math.MaxInt64
	tests := []struct{ num, den, want int64 }{
		{0, 5, 0},
		{7, 2, 4}, {5, 2, 2}, {-5, 2, -2}, {-7, 2, -4}, {5, -2, -2}, {-5, -2, 2}, {7, -2, -4},
		{1, 3, 0}, {2, 3, 1}, {-2, 3, -1}, {-1, 3, 0}, {4, 3, 1}, {5, 3, 2},
		{15, 10, 2}, {25, 10, 2}, {-25, 10, -2}, {26, 10, 3}, {24, 10, 2},
		{9, 1, 9}, {-9, -1, 9},
		{maxI, 1, maxI}, {minI, 1, minI}, {maxI, -1, -maxI},
		{minI, -1, minI}, // the one quotient that does not fit: wraps like Go's `/`
		{minI, 2, minI / 2}, {minI, minI, 1}, {maxI, minI, -1}, {1, minI, 0}, {-1, minI, 0},
		{minI / 2, minI, 0}, // (−2^62)/(−2^63) = 1/2 exactly → 0 (even)
		{minI/2 - 1, minI, 1},
		{maxI, 2, 4611686018427387904},      // …903.5 → …904 (even)
		{minI + 1, 2, -4611686018427387904}, // −…903.5 → −…904
		{minI, 3, -3074457345618258603},     // −…602.67
		{maxI, maxI, 1}, {maxI - 1, maxI, 1}, {maxI / 2, maxI, 0}, {maxI/2 + 1, maxI, 1},
	}
	for _, tc := range tests {
		if got := DivRoundHalfEven(tc.num, tc.den); got != tc.want {
			t.Errorf("DivRoundHalfEven(%d, %d) = %d, want %d", tc.num, tc.den, got, tc.want)
		}
	}
}

func TestDivFloorClamp(t *testing.T) {
	const minI, maxI = math.MinInt64, math.MaxInt64
	floors := []struct{ num, den, want int64 }{
		{7, 2, 3}, {-7, 2, -4}, {7, -2, -4}, {-7, -2, 3}, {6, 3, 2}, {-6, 3, -2}, {0, -3, 0},
		{-1, 3, -1}, {1, -3, -1}, {minI, -1, minI}, {minI, 1, minI}, {minI, maxI, -2},
		{maxI, minI, -1}, {minI, minI, 1}, {-1, minI, 0}, {1, minI, -1},
	}
	for _, tc := range floors {
		if got := DivFloor(tc.num, tc.den); got != tc.want {
			t.Errorf("DivFloor(%d, %d) = %d, want %d", tc.num, tc.den, got, tc.want)
		}
	}
	clamps := []struct{ v, lim, want int64 }{
		{5, 3, 3}, {-5, 3, -3}, {2, 3, 2}, {-3, 3, -3}, {0, 0, 0}, {7, 0, 0}, {-7, 0, 0},
		{minI, maxI, -maxI}, {maxI, maxI, maxI}, {minI, 0, 0},
	}
	for _, tc := range clamps {
		if got := Clamp(tc.v, tc.lim); got != tc.want {
			t.Errorf("Clamp(%d, %d) = %d, want %d", tc.v, tc.lim, got, tc.want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("Clamp with a negative limit did not panic")
		}
	}()
	Clamp(1, -1)
}

// randI64 returns an int64 biased to the edges and to small magnitudes.
func randI64(r *rand.Rand) int64 {
	switch r.IntN(6) {
	case 0:
		return math.MinInt64 + int64(r.IntN(4))
	case 1:
		return math.MaxInt64 - int64(r.IntN(4))
	case 2:
		return int64(r.IntN(41)) - 20
	case 3:
		return r.Int64N(1<<20) - 1<<19
	}
	return int64(r.Uint64())
}

func TestDivRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 100000 {
		num, den := randI64(r), randI64(r)
		if den == 0 || num == math.MinInt64 && den == -1 {
			continue
		}
		x := new(big.Rat).SetFrac(big.NewInt(num), big.NewInt(den))
		want, _ := refRound(x)
		if got := DivRoundHalfEven(num, den); !want.IsInt64() || got != want.Int64() {
			t.Fatalf("DivRoundHalfEven(%d, %d) = %d, want %v", num, den, got, want)
		}
		fl := new(big.Int).Div(x.Num(), x.Denom()) // Euclidean with a positive divisor: floor
		if got := DivFloor(num, den); got != fl.Int64() {
			t.Fatalf("DivFloor(%d, %d) = %d, want %v", num, den, got, fl)
		}
	}
}
