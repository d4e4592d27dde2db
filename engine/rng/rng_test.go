package rng

import (
	"math/big"
	"testing"
)

// The golden values below were computed once by a separate implementation of the package
// comment's specification (written in Python with arbitrary-precision integers masked to
// 64 bits), not by this package; any change to the generator breaks them.

func TestSplitMix64Golden(t *testing.T) {
	want := []uint64{0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, 0x06c45d188009454f, 0xf88bb8a8724c81ec}
	z := uint64(0)
	for i, w := range want {
		if got := SplitMix64(&z); got != w {
			t.Fatalf("SplitMix64 output %d from seed 0 = %#x, want %#x", i, got, w)
		}
	}
	if z != 0x78dde6e5fd29f054 { // 4·0x9e3779b97f4a7c15 mod 2^64
		t.Fatalf("state after 4 steps = %#x", z)
	}
}

func TestSeeding(t *testing.T) {
	r := New(0)
	want := [4]uint64{0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, 0x06c45d188009454f, 0xf88bb8a8724c81ec}
	if r.State() != want {
		t.Fatalf("New(0) state = %#x, want %#x", r.State(), want)
	}
}

func TestUint64Golden(t *testing.T) {
	cases := map[uint64][]uint64{
		0:  {0x99ec5f36cb75f2b4, 0xbf6e1f784956452a, 0x1a5f849d4933e6e0, 0x6aa594f1262d2d2c, 0xbba5ad4a1f842e59},
		1:  {0xb3f2af6d0fc710c5, 0x853b559647364cea, 0x92f89756082a4514, 0x642e1c7bc266a3a7, 0xb27a48e29a233673},
		42: {0x15780b2e0c2ec716, 0x6104d9866d113a7e, 0xae17533239e499a1, 0xecb8ad4703b360a1, 0xfde6dc7fe2ec5e64},
	}
	for seed, want := range cases {
		r := New(seed)
		for i, w := range want {
			if got := r.Uint64(); got != w {
				t.Fatalf("seed %d output %d = %#x, want %#x", seed, i, got, w)
			}
		}
	}
}

// refXoshiro is a second, deliberately different implementation of the specification:
// big.Int arithmetic reduced modulo 2^64, state held in a slice.
type refXoshiro struct{ s []*big.Int }

var mod64 = new(big.Int).Lsh(big.NewInt(1), 64)

func mask(x *big.Int) *big.Int { return x.Mod(x, mod64) }

func refRotl(x *big.Int, k uint) *big.Int {
	hi := new(big.Int).Lsh(x, k)
	lo := new(big.Int).Rsh(x, 64-k)
	return mask(hi.Or(hi, lo))
}

func newRef(seed uint64) *refXoshiro {
	z := new(big.Int).SetUint64(seed)
	gamma, _ := new(big.Int).SetString("9e3779b97f4a7c15", 16)
	m1, _ := new(big.Int).SetString("bf58476d1ce4e5b9", 16)
	m2, _ := new(big.Int).SetString("94d049bb133111eb", 16)
	r := &refXoshiro{}
	for i := 0; i < 4; i++ {
		z = mask(z.Add(z, gamma))
		x := new(big.Int).Set(z)
		x = mask(x.Mul(new(big.Int).Xor(x, new(big.Int).Rsh(x, 30)), m1))
		x = mask(x.Mul(new(big.Int).Xor(x, new(big.Int).Rsh(x, 27)), m2))
		x.Xor(x, new(big.Int).Rsh(x, 31))
		r.s = append(r.s, x)
	}
	return r
}

func (r *refXoshiro) next() uint64 {
	s := r.s
	res := mask(new(big.Int).Mul(refRotl(mask(new(big.Int).Mul(s[1], big.NewInt(5))), 7), big.NewInt(9)))
	t := mask(new(big.Int).Lsh(s[1], 17))
	s[2].Xor(s[2], s[0])
	s[3].Xor(s[3], s[1])
	s[1].Xor(s[1], s[2])
	s[0].Xor(s[0], s[3])
	s[2].Xor(s[2], t)
	s[3] = refRotl(s[3], 45)
	return res.Uint64()
}

func TestAgainstReference(t *testing.T) {
	for _, seed := range []uint64{0, 1, 2, 42, 1 << 63, ^uint64(0), 0x0123456789abcdef} {
		r, ref := New(seed), newRef(seed)
		for i := 0; i < 200; i++ {
			if a, b := r.Uint64(), ref.next(); a != b {
				t.Fatalf("seed %#x step %d: got %#x, reference %#x", seed, i, a, b)
			}
		}
	}
}

func TestUintnGolden(t *testing.T) {
	r := New(42)
	want := []uint64{0, 3, 6, 9, 9, 7, 7, 8, 7, 5, 6, 2, 8, 3, 7, 8, 6, 8, 7, 7}
	for i, w := range want {
		if got := r.Uintn(10); got != w {
			t.Fatalf("Uintn(10) draw %d = %d, want %d", i, got, w)
		}
	}
	// n = 2^63+1 rejects almost half of all draws: exercises the rejection loop.
	r = New(2024)
	want = []uint64{664589519293982720, 1473118889992868405, 2258546705306200698}
	for i, w := range want {
		if got := r.Uintn(1<<63 + 1); got != w {
			t.Fatalf("Uintn(2^63+1) draw %d = %d, want %d", i, got, w)
		}
	}
	if got := r.Uint64(); got != 7274211378853734312 {
		t.Fatalf("value after rejections = %d: wrong number of values consumed", got)
	}
}

// scripted returns a stream that yields vals in order and counts how many were taken.
func scripted(vals ...uint64) (func() uint64, *int) {
	n := 0
	return func() uint64 { v := vals[n]; n++; return v }, &n
}

func TestUintnRejection(t *testing.T) {
	// n = 3: t = (2^64−3) mod 3 = 1, so only a draw whose low product half is 0 is
	// rejected: x = 0 gives lo = 0.
	next, used := scripted(0, 0, 1<<62)
	if got := uintn(next, 3); got != 0 || *used != 3 {
		t.Fatalf("uintn(3) = %d after %d draws, want 0 after 3", got, *used)
	}
	// Largest x maps to n−1; no rejection.
	next, used = scripted(^uint64(0))
	if got := uintn(next, 3); got != 2 || *used != 1 {
		t.Fatalf("uintn(3, max) = %d after %d draws", got, *used)
	}
	// n = 2^63+1: t = 2^63−1. x = 1 gives lo = n ≥ t: accepted at hi = 0.
	n := uint64(1<<63 + 1)
	next, used = scripted(1)
	if got := uintn(next, n); got != 0 || *used != 1 {
		t.Fatalf("uintn(2^63+1, 1) = %d after %d", got, *used)
	}
	// x = 2 gives lo = 2 < t: rejected; x = 3 gives lo = 2^63+3 ≥ t: hi = 1.
	next, used = scripted(2, 3)
	if got := uintn(next, n); got != 1 || *used != 2 {
		t.Fatalf("uintn(2^63+1, 2,3) = %d after %d", got, *used)
	}
	// Powers of two never reject and take the top bits.
	next, used = scripted(0xfedcba9876543210)
	if got := uintn(next, 16); got != 0xf || *used != 1 {
		t.Fatalf("uintn(16) = %#x after %d", got, *used)
	}
	if got := New(1).Uintn(0); got != 0 {
		t.Fatalf("Uintn(0) = %d", got)
	}
	if got := New(1).Uintn(1); got != 0 {
		t.Fatalf("Uintn(1) = %d", got)
	}
}

func TestUintnUniform(t *testing.T) {
	// A coarse check: 70000 draws into 7 bins; each bin within ±5% of 10000.
	r := New(99)
	var bins [7]int
	for i := 0; i < 70000; i++ {
		bins[r.Uintn(7)]++
	}
	for b, c := range bins {
		if c < 9500 || c > 10500 {
			t.Fatalf("bin %d has %d draws: %v", b, c, bins)
		}
	}
}

func TestPermGolden(t *testing.T) {
	got := New(7).Perm(10)
	want := []int{1, 8, 3, 0, 4, 5, 9, 6, 2, 7}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Perm(10) with seed 7 = %v, want %v", got, want)
		}
	}
}

func TestPermIsPermutation(t *testing.T) {
	r := New(5)
	for n := 0; n < 50; n++ {
		p := r.Perm(n)
		if len(p) != n {
			t.Fatalf("len(Perm(%d)) = %d", n, len(p))
		}
		seen := make([]bool, n)
		for _, v := range p {
			if v < 0 || v >= n || seen[v] {
				t.Fatalf("Perm(%d) = %v is not a permutation", n, p)
			}
			seen[v] = true
		}
	}
	if p := r.Perm(-3); len(p) != 0 {
		t.Fatalf("Perm(-3) = %v", p)
	}
}

func TestShuffleCalls(t *testing.T) {
	// Shuffle must call swap for i = n−1 down to 1 with j = Uintn(i+1) drawn from the same
	// stream, and nothing else.
	r1, r2 := New(11), New(11)
	var is []int
	r1.Shuffle(6, func(i, j int) {
		is = append(is, i)
		if want := int(r2.Uintn(uint64(i) + 1)); j != want {
			t.Fatalf("swap(%d, %d), want j = %d", i, j, want)
		}
	})
	if len(is) != 5 || is[0] != 5 || is[4] != 1 {
		t.Fatalf("swap called with i = %v, want 5..1", is)
	}
	if r1.Uint64() != r2.Uint64() {
		t.Fatal("Shuffle consumed a different number of values")
	}
	calls := 0
	for _, n := range []int{-1, 0, 1} {
		New(1).Shuffle(n, func(i, j int) { calls++ })
	}
	if calls != 0 {
		t.Fatalf("Shuffle of n ≤ 1 called swap %d times", calls)
	}
}

func TestIntn(t *testing.T) {
	a, b := New(3), New(3)
	for i := 0; i < 100; i++ {
		if x, y := a.Intn(13), int(b.Uintn(13)); x != y {
			t.Fatalf("Intn(13) = %d, Uintn(13) = %d", x, y)
		}
	}
	if New(3).Intn(0) != 0 || New(3).Intn(-5) != 0 {
		t.Fatal("Intn(n ≤ 0) != 0")
	}
}

func BenchmarkUint64(b *testing.B) {
	r := New(1)
	var s uint64
	for i := 0; i < b.N; i++ {
		s += r.Uint64()
	}
	_ = s
}

func BenchmarkUintn(b *testing.B) {
	r := New(1)
	var s uint64
	for i := 0; i < b.N; i++ {
		s += r.Uintn(1000003)
	}
	_ = s
}
