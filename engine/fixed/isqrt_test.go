package fixed

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

func TestIsqrt(t *testing.T) {
	tests := []struct{ x, want uint64 }{
		{0, 0}, {1, 1}, {2, 1}, {3, 1}, {4, 2}, {5, 2}, {8, 2}, {9, 3}, {15, 3}, {16, 4},
		{99, 9}, {100, 10}, {1 << 32, 1 << 16}, {1<<32 - 1, 1<<16 - 1},
		{1 << 62, 1 << 31}, {1 << 63, 3037000499}, {math.MaxInt64, 3037000499},
		{4294967295 * 4294967295, 4294967295},
		{4294967295*4294967295 - 1, 4294967294},
		{4294967295*4294967295 + 1, 4294967295},
		{math.MaxUint64, 4294967295},
	}
	for _, tc := range tests {
		if got := Isqrt(tc.x); got != tc.want {
			t.Errorf("Isqrt(%d) = %d, want %d", tc.x, got, tc.want)
		}
	}
	// k²−1, k², k²+1 for small k and for k just below 2^32.
	check := func(k uint64) {
		sq := k * k
		if got := Isqrt(sq); got != k {
			t.Fatalf("Isqrt(%d²) = %d", k, got)
		}
		if k > 0 {
			if got := Isqrt(sq - 1); got != k-1 {
				t.Fatalf("Isqrt(%d²−1) = %d", k, got)
			}
		}
		if sq != math.MaxUint64 {
			if got := Isqrt(sq + 1); got != k && !(k == 0 && got == 1) {
				t.Fatalf("Isqrt(%d²+1) = %d", k, got)
			}
		}
	}
	for k := uint64(0); k < 100000; k++ {
		check(k)
	}
	for k := uint64(1<<32 - 1); k >= 1<<32-100000; k-- {
		check(k)
	}
	for k := uint64(1<<16 - 100); k < 1<<16+100; k++ {
		check(k)
	}
}

func TestIsqrtRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for range 100000 {
		x := r.Uint64() >> r.IntN(64)
		want := new(big.Int).Sqrt(new(big.Int).SetUint64(x)).Uint64()
		if got := Isqrt(x); got != want {
			t.Fatalf("Isqrt(%d) = %d, want %d", x, got, want)
		}
	}
}

func BenchmarkIsqrt(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	xs := make([]uint64, 1024)
	for i := range xs {
		xs[i] = r.Uint64() >> r.IntN(64)
	}
	var s uint64
	for i := 0; b.Loop(); i++ {
		s += Isqrt(xs[i&1023])
	}
	sink = s
}

var sink uint64
