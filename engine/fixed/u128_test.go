package fixed

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

func u128Big(x Uint128) *big.Int {
	v := new(big.Int).SetUint64(x.Hi)
	v.Lsh(v, 64)
	return v.Or(v, new(big.Int).SetUint64(x.Lo))
}

func randU64(r *rand.Rand) uint64 {
	switch r.IntN(5) {
	case 0:
		return uint64(r.IntN(4))
	case 1:
		return math.MaxUint64 - uint64(r.IntN(4))
	case 2:
		return 1<<32 + uint64(r.IntN(5)) - 2
	}
	return r.Uint64() >> r.IntN(64)
}

func TestUint128Table(t *testing.T) {
	const max = math.MaxUint64
	if got := Mul64(max, max); got != (Uint128{Hi: max - 1, Lo: 1}) {
		t.Errorf("Mul64(max, max) = %+v", got)
	}
	if got := Mul64(1<<32, 1<<32); got != (Uint128{Hi: 1}) {
		t.Errorf("Mul64(2^32, 2^32) = %+v", got)
	}
	cmps := []struct {
		x, y Uint128
		want int
	}{
		{Uint128{}, Uint128{}, 0},
		{Uint128{0, 1}, Uint128{0, 2}, -1},
		{Uint128{1, 0}, Uint128{0, max}, 1},
		{Uint128{max, max}, Uint128{max, max}, 0},
		{Uint128{2, 0}, Uint128{3, 0}, -1},
	}
	for _, tc := range cmps {
		if got := tc.x.Cmp(tc.y); got != tc.want {
			t.Errorf("%+v.Cmp(%+v) = %d, want %d", tc.x, tc.y, got, tc.want)
		}
	}
	if s, o := (Uint128{0, max}).Add(Uint128{0, 1}); s != (Uint128{1, 0}) || o {
		t.Errorf("carry: %+v %v", s, o)
	}
	if s, o := (Uint128{max, max}).Add(Uint128{0, 1}); s != (Uint128{}) || !o {
		t.Errorf("overflow: %+v %v", s, o)
	}
	divs := []struct {
		a, b, c, want uint64
		ok            bool
	}{
		{6, 7, 4, 10, true},
		{max, max, max, max, true},
		{max, max, max - 1, 0, false}, // quotient 2^64 + 1
		{1 << 32, 1 << 32, 1, 0, false},
		{1 << 32, 1 << 32, 2, 1 << 63, true},
		{max, 2, 3, (max / 3) * 2, true},
		{5, 5, 0, 0, false},
		{0, max, 7, 0, true},
	}
	for _, tc := range divs {
		if got, ok := MulDiv(tc.a, tc.b, tc.c); got != tc.want || ok != tc.ok {
			t.Errorf("MulDiv(%d, %d, %d) = %d, %v; want %d, %v", tc.a, tc.b, tc.c, got, ok, tc.want, tc.ok)
		}
	}
	if MulCmp(max, max, max, max-1) != 1 || MulCmp(2, 3, 3, 2) != 0 || MulCmp(1<<32, 1<<32, max, 1) != 1 {
		t.Error("MulCmp table")
	}
}

func TestUint128Random(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	two128 := new(big.Int).Lsh(big.NewInt(1), 128)
	for range 100000 {
		a, b, c, d := randU64(r), randU64(r), randU64(r), randU64(r)
		ab := new(big.Int).Mul(new(big.Int).SetUint64(a), new(big.Int).SetUint64(b))
		cd := new(big.Int).Mul(new(big.Int).SetUint64(c), new(big.Int).SetUint64(d))
		p, q := Mul64(a, b), Mul64(c, d)
		if u128Big(p).Cmp(ab) != 0 {
			t.Fatalf("Mul64(%d, %d) = %+v", a, b, p)
		}
		if got, want := p.Cmp(q), ab.Cmp(cd); got != want {
			t.Fatalf("Cmp: %d, want %d", got, want)
		}
		if got, want := MulCmp(a, b, c, d), ab.Cmp(cd); got != want {
			t.Fatalf("MulCmp(%d, %d, %d, %d) = %d, want %d", a, b, c, d, got, want)
		}
		sum := new(big.Int).Add(ab, cd)
		s, o := p.Add(q)
		if o != (sum.Cmp(two128) >= 0) || u128Big(s).Cmp(new(big.Int).Mod(sum, two128)) != 0 {
			t.Fatalf("Add: %+v %v for %v", s, o, sum)
		}
		got, ok := MulDiv(a, b, c)
		if c == 0 {
			if ok {
				t.Fatalf("MulDiv(%d, %d, 0) ok", a, b)
			}
			continue
		}
		quo := new(big.Int).Quo(ab, new(big.Int).SetUint64(c))
		if ok != quo.IsUint64() || ok && got != quo.Uint64() {
			t.Fatalf("MulDiv(%d, %d, %d) = %d, %v; want %v", a, b, c, got, ok, quo)
		}
	}
}
