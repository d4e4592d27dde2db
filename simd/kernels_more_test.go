package simd

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// Each kernel in kernels_more.go is checked against a direct, obviously correct loop on
// random inputs (including extreme values), and on the edge cases its doc names.

func randI32(r *rand.Rand, n int) []int32 {
	x := make([]int32, n)
	for i := range x {
		switch r.IntN(8) {
		case 0:
			x[i] = 0
		case 1:
			x[i] = int32(r.Uint32()) // anything, including ±2^31 extremes
		case 2:
			x[i] = [...]int32{-1 << 31, 1<<31 - 1, -1, 1}[r.IntN(4)]
		default:
			x[i] = int32(r.IntN(511)) - 255
		}
	}
	return x
}

// randIdx returns a strictly increasing index list below n.
func randIdx(r *rand.Rand, n int) []uint32 {
	var idx []uint32
	for i := range n {
		if r.IntN(3) == 0 {
			idx = append(idx, uint32(i))
		}
	}
	return idx
}

func TestMinMaxCountZeroSum(t *testing.T) {
	if lo, hi := MinMax(nil); lo != 0 || hi != 0 {
		t.Fatalf("MinMax(nil) = %d, %d", lo, hi)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 40 {
		x := randI32(r, n)
		var zeros int
		var sum int64
		for _, v := range x {
			if v == 0 {
				zeros++
			}
			sum += int64(v)
		}
		if n > 0 {
			lo, hi := MinMax(x)
			if lo != slices.Min(x) || hi != slices.Max(x) {
				t.Fatalf("MinMax(%v) = %d, %d", x, lo, hi)
			}
		}
		if got := CountZero(x); got != zeros {
			t.Fatalf("CountZero = %d, want %d", got, zeros)
		}
		if got := Sum(x); got != sum {
			t.Fatalf("Sum = %d, want %d", got, sum)
		}
	}
}

func TestSortedBelow(t *testing.T) {
	cases := []struct {
		idx   []uint32
		limit uint32
		want  bool
	}{
		{nil, 0, true},
		{[]uint32{0}, 0, false},
		{[]uint32{0}, 1, true},
		{[]uint32{0, 1, 5}, 6, true},
		{[]uint32{0, 1, 5}, 5, false},
		{[]uint32{1, 1}, 5, false},
		{[]uint32{2, 1}, 5, false},
		{[]uint32{0, 1<<32 - 1}, 1<<32 - 1, false},
		{[]uint32{0, 1<<32 - 2}, 1<<32 - 1, true},
	}
	for _, c := range cases {
		if got := SortedBelow(c.idx, c.limit); got != c.want {
			t.Errorf("SortedBelow(%v, %d) = %v, want %v", c.idx, c.limit, got, c.want)
		}
	}
}

func TestScatterGather(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for n := 1; n < 40; n++ {
		w := randI32(r, n)
		idx := randIdx(r, n)
		val := randI32(r, len(idx))

		var want int64
		for _, j := range idx {
			want += int64(w[j])
		}
		if got := GatherSum(w, idx); got != want {
			t.Fatalf("GatherSum = %d, want %d", got, want)
		}

		d64 := make([]int64, n)
		for i := range d64 {
			d64[i] = int64(r.Uint64())
		}
		ref := slices.Clone(d64)
		s := int64(r.IntN(7)) - 3
		for i, j := range idx {
			ref[j] += s * int64(val[i])
		}
		ScatterAdd64(d64, idx, val, s)
		if !slices.Equal(d64, ref) {
			t.Fatalf("ScatterAdd64 = %v, want %v", d64, ref)
		}

		inc := slices.Clone(w)
		refInc := slices.Clone(w)
		for _, j := range idx {
			refInc[j]++ // wraps at 2^31 − 1 like the kernel
		}
		ScatterInc(inc, idx)
		if !slices.Equal(inc, refInc) {
			t.Fatalf("ScatterInc = %v, want %v", inc, refInc)
		}

		dense := randI32(r, n) // garbage that Densify must clear
		Densify(dense, idx, val)
		refDense := make([]int32, n)
		for i, j := range idx {
			refDense[j] = val[i]
		}
		if !slices.Equal(dense, refDense) {
			t.Fatalf("Densify = %v, want %v", dense, refDense)
		}

		// NonZeroIdx on w and on a copy with about half its elements zero (and some
		// −2^31, whose negation is itself), after a prefix, with and without spare
		// capacity.
		sp := slices.Clone(w)
		for i := range sp {
			switch r.IntN(8) {
			case 0, 1, 2, 3:
				sp[i] = 0
			case 4:
				sp[i] = math.MinInt32
			}
		}
		for _, x := range [][]int32{w, sp} {
			var nz []uint32
			for i, v := range x {
				if v != 0 {
					nz = append(nz, uint32(i))
				}
			}
			for _, dst := range [][]uint32{{99}, append(make([]uint32, 0, len(x)+5), 99)} {
				// Sentinels past len(dst)+len(x), which NonZeroIdx must not write.
				full := dst[:cap(dst)]
				for i := 1 + len(x); i < len(full); i++ {
					full[i] = 7
				}
				if got := NonZeroIdx(dst, x); !slices.Equal(got[1:], nz) || got[0] != 99 {
					t.Fatalf("NonZeroIdx(%v) = %v, want [99] + %v", x, got, nz)
				}
				for i := 1 + len(x); i < len(full); i++ {
					if full[i] != 7 {
						t.Fatalf("NonZeroIdx wrote past len(dst)+len(x), at %d", i)
					}
				}
			}
		}
	}
}

func TestQuoTrunc(t *testing.T) {
	num := []int64{0, 1, -1, 7, -7, 8, -8, 1 << 32, -(1 << 32)}
	got := make([]int32, len(num))
	QuoTrunc(got, num, 4)
	// Truncation toward zero: -7/4 = -1 (floor would give -2).
	want := []int32{0, 0, 0, 1, -1, 2, -2, 1 << 30, -(1 << 30)}
	if !slices.Equal(got, want) {
		t.Fatalf("QuoTrunc = %v, want %v", got, want)
	}
	QuoTrunc(got, num, -3)
	want = []int32{0, 0, 0, -2, 2, -2, 2, -1431655765, 1431655765}
	if !slices.Equal(got, want) {
		t.Fatalf("QuoTrunc by -3 = %v, want %v", got, want)
	}
}

func TestKernelsMorePanicOnCallerBugs(t *testing.T) {
	mustPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s did not panic", name)
			}
		}()
		f()
	}
	mustPanic("ScatterAdd64 length", func() { ScatterAdd64(make([]int64, 3), []uint32{0}, nil, 1) })
	mustPanic("QuoTrunc zero", func() { QuoTrunc(make([]int32, 1), make([]int64, 1), 0) })
	mustPanic("QuoTrunc length", func() { QuoTrunc(make([]int32, 1), make([]int64, 2), 1) })
	mustPanic("Densify length", func() { Densify(make([]int32, 3), []uint32{0}, nil) })
	mustPanic("GatherSum range", func() { GatherSum(make([]int32, 3), []uint32{3}) })
}
