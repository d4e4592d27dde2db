//go:build !purego

package simd

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
	"unsafe"
)

// Every NEON kernel (the assembly and its Go glue, called directly, independent of the
// dispatch table) is held against the portable kernel: all lengths 0..300, random longer
// lengths, starts that are not 16-byte aligned, the int32 extremes, and the aliasing
// cases the glue must route. Under QEMU these run by `make test` (.ci/qemu-arm64.sh).

// neonExtremes returns n values drawn only from the int32 extremes and their neighbours.
func neonExtremes(r *rand.Rand, n int) []int32 {
	x := make([]int32, n)
	for i := range x {
		x[i] = [...]int32{math.MinInt32, math.MinInt32 + 1, math.MaxInt32, math.MaxInt32 - 1, -1, 0, 1}[r.IntN(7)]
	}
	return x
}

// neonInputs returns a few kinds of vectors of length n starting at element offset off of
// a larger buffer (so starts are 0, 4, 8 or 12 bytes past a 16-byte boundary).
func neonInputs(r *rand.Rand, n, off int) [][]int32 {
	mk := func(fill func(int) []int32) []int32 {
		buf := make([]int32, n+off+3)
		copy(buf[off:], fill(n))
		return buf[off : off+n : off+n]
	}
	all := func(v int32) func(int) []int32 {
		return func(n int) []int32 {
			x := make([]int32, n)
			for i := range x {
				x[i] = v
			}
			return x
		}
	}
	return [][]int32{
		mk(func(n int) []int32 { return randI32(r, n) }),
		mk(func(n int) []int32 { return neonExtremes(r, n) }),
		mk(all(math.MinInt32)),
		mk(all(math.MaxInt32)),
	}
}

// neonForLengths calls f with every length 0..300 and some random longer ones, at each
// start offset 0..3.
func neonForLengths(t *testing.T, f func(r *rand.Rand, n, off int)) {
	r := rand.New(rand.NewPCG(7, 11))
	lens := make([]int, 0, 320)
	for n := 0; n <= 300; n++ {
		lens = append(lens, n)
	}
	for range 12 {
		lens = append(lens, 301+r.IntN(5000))
	}
	if !testing.Short() {
		lens = append(lens, 1<<16+5, 100003)
	}
	for _, n := range lens {
		for off := range 4 {
			f(r, n, off)
			if t.Failed() {
				t.Fatalf("failed at length %d, offset %d", n, off)
			}
		}
	}
}

func TestNEONDotSqDist(t *testing.T) {
	neonForLengths(t, func(r *rand.Rand, n, off int) {
		as := neonInputs(r, n, off)
		bs := neonInputs(r, n, (off+1)%4)
		for _, a := range as {
			for _, b := range bs {
				if got, want := dotNEON(a, b), dotGeneric(a, b); got != want {
					t.Errorf("dot n=%d: NEON %d, generic %d", n, got, want)
				}
				if got, want := sqDistNEON(a, b), sqDistGeneric(a, b); got != want {
					t.Errorf("sqDist n=%d: NEON %d, generic %d", n, got, want)
				}
			}
		}
	})
}

// TestNEONSqDistExtremes pins the largest terms: (2^31−1 − (−2^31))² = (2^32−1)²
// overflows int64 and wraps; the sum of n such terms wraps again.
func TestNEONSqDistExtremes(t *testing.T) {
	for _, n := range []int{1, 3, 4, 7, 16, 17, 33, 1000} {
		a := make([]int32, n)
		b := make([]int32, n)
		for i := range a {
			a[i], b[i] = math.MinInt32, math.MaxInt32
			if i%2 == 1 {
				a[i], b[i] = b[i], a[i]
			}
		}
		d := uint64(1<<32 - 1)
		want := int64(d * d * uint64(n)) // wrapping, as Go's int64 arithmetic
		if got := sqDistNEON(a, b); got != want || got != sqDistGeneric(a, b) {
			t.Errorf("n=%d: NEON %d, generic %d, want %d", n, got, sqDistGeneric(a, b), want)
		}
		if got, want := dotNEON(a, b), dotGeneric(a, b); got != want {
			t.Errorf("dot n=%d: NEON %d, generic %d", n, got, want)
		}
		if got, want := dotNEON(a, a), dotGeneric(a, a); got != want {
			t.Errorf("dot a·a n=%d: NEON %d, generic %d", n, got, want)
		}
	}
}

func TestNEONBatch(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	for dim := 0; dim <= 40; dim++ {
		for _, nrows := range []int{0, 1, 2, 5, 17} {
			rows := randI32(r, dim*nrows)
			q := randI32(r, dim)
			got := make([]int64, nrows)
			want := make([]int64, nrows)
			dotBatchNEON(rows, q, got)
			dotBatchGeneric(rows, q, want)
			if !slices.Equal(got, want) {
				t.Fatalf("dotBatch dim=%d rows=%d: %v, want %v", dim, nrows, got, want)
			}
			sqDistBatchNEON(rows, q, got)
			sqDistBatchGeneric(rows, q, want)
			if !slices.Equal(got, want) {
				t.Fatalf("sqDistBatch dim=%d rows=%d: %v, want %v", dim, nrows, got, want)
			}
		}
	}
}

// neonLimits are the lim values AddScaledSat is tried with, including the non-positive
// ones the glue sends to the portable kernel.
var neonLimits = []int32{1, 2, 7, 1000, 1 << 20, math.MaxInt32 - 1, math.MaxInt32, 0, -1, -1000, math.MinInt32}

func TestNEONAddScaledSat(t *testing.T) {
	scales := []int32{0, 1, -1, 2, -3, 1 << 16, math.MaxInt32, math.MinInt32}
	neonForLengths(t, func(r *rand.Rand, n, off int) {
		if n > 2000 && off > 0 {
			return // the long lengths at offset 0 suffice; keeps the run short
		}
		for _, dst0 := range neonInputs(r, n, off) {
			x := neonInputs(r, n, (off+3)%4)[r.IntN(4)]
			s := scales[r.IntN(len(scales))]
			if r.IntN(2) == 0 {
				s = int32(r.Uint32())
			}
			lim := neonLimits[r.IntN(len(neonLimits))]
			neonCheckAddScaledSat(t, dst0, x, s, lim)
		}
	})
}

func neonCheckAddScaledSat(t *testing.T, dst0, x []int32, s, lim int32) {
	t.Helper()
	got, want := slices.Clone(dst0), slices.Clone(dst0)
	addScaledSatNEONGlue(got, s, x, lim)
	addScaledSatGeneric(want, s, x, lim)
	if !slices.Equal(got, want) {
		t.Errorf("addScaledSat n=%d s=%d lim=%d: differs", len(x), s, lim)
	}
	got, want = slices.Clone(dst0), slices.Clone(dst0)
	ge := addScaledSatExactNEONGlue(got, s, x, lim)
	we := addScaledSatExactGeneric(want, s, x, lim)
	if ge != we || !slices.Equal(got, want) {
		t.Errorf("addScaledSatExact n=%d s=%d lim=%d: exact %v, want %v; equal %v", len(x), s, lim, ge, we, slices.Equal(got, want))
	}
}

// TestNEONAddScaledSatExactFlag checks the exact flag at the edge: t == ±lim is not
// clamped, t == ±(lim+1) is, in every lane position of a vector group and in the tail.
func TestNEONAddScaledSatExactFlag(t *testing.T) {
	for _, n := range []int{1, 7, 8, 9, 16, 21} {
		for pos := range n {
			for _, lim := range []int32{5, math.MaxInt32} {
				for _, v := range []int64{int64(lim), -int64(lim), int64(lim) + 1, -int64(lim) - 1} {
					dst := make([]int32, n)
					x := make([]int32, n)
					// dst[pos] + 1·x[pos] = v
					if v > math.MaxInt32 {
						dst[pos], x[pos] = math.MaxInt32, int32(v-math.MaxInt32)
					} else if v < math.MinInt32 {
						dst[pos], x[pos] = math.MinInt32, int32(v-math.MinInt32)
					} else {
						x[pos] = int32(v)
					}
					neonCheckAddScaledSat(t, dst, x, 1, lim)
				}
			}
		}
	}
}

// TestNEONAliasing: dst the same slice as an input runs the vector path and must agree;
// dst shifted against an input must take the portable path and agree too.
func TestNEONAliasing(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for n := 0; n <= 40; n++ {
		for shift := -5; shift <= 5; shift++ {
			buf := randI32(r, n+12)
			lim := neonLimits[r.IntN(len(neonLimits))]
			s := int32(r.IntN(7)) - 3
			dst := func(b []int32) []int32 { return b[6 : 6+n] }
			x := func(b []int32) []int32 { return b[6+shift : 6+shift+n] }

			g, w := slices.Clone(buf), slices.Clone(buf)
			addScaledSatNEONGlue(dst(g), s, x(g), lim)
			addScaledSatGeneric(dst(w), s, x(w), lim)
			if !slices.Equal(g, w) {
				t.Fatalf("addScaledSat aliased n=%d shift=%d lim=%d", n, shift, lim)
			}
			g, w = slices.Clone(buf), slices.Clone(buf)
			ge := addScaledSatExactNEONGlue(dst(g), s, x(g), lim)
			we := addScaledSatExactGeneric(dst(w), s, x(w), lim)
			if ge != we || !slices.Equal(g, w) {
				t.Fatalf("addScaledSatExact aliased n=%d shift=%d lim=%d", n, shift, lim)
			}
			other := randI32(r, n)
			g, w = slices.Clone(buf), slices.Clone(buf)
			subI32NEONGlue(dst(g), x(g), other)
			subI32Generic(dst(w), x(w), other)
			if !slices.Equal(g, w) {
				t.Fatalf("subI32 dst~a n=%d shift=%d", n, shift)
			}
			g, w = slices.Clone(buf), slices.Clone(buf)
			subI32NEONGlue(dst(g), other, x(g))
			subI32Generic(dst(w), other, x(w))
			if !slices.Equal(g, w) {
				t.Fatalf("subI32 dst~b n=%d shift=%d", n, shift)
			}
			// dst an int64 view of the same memory as x (only unsafe code can make one):
			// any overlap must take the portable path.
			buf2 := randI32(r, 2*n+24)
			as64 := func(b []int32) []int64 { return unsafe.Slice((*int64)(unsafe.Pointer(&b[10])), n) }
			x2 := func(b []int32) []int32 { return b[10+shift : 10+shift+n] }
			g, w = slices.Clone(buf2), slices.Clone(buf2)
			addScaled64NEONGlue(as64(g), int64(s), x2(g))
			addScaled64Generic(as64(w), int64(s), x2(w))
			if !slices.Equal(g, w) {
				t.Fatalf("addScaled64 overlapping n=%d shift=%d", n, shift)
			}
		}
	}
}

func neonRandI64(r *rand.Rand, n int) []int64 {
	x := make([]int64, n)
	for i := range x {
		switch r.IntN(4) {
		case 0:
			x[i] = int64(r.Uint64())
		case 1:
			x[i] = [...]int64{math.MinInt64, math.MaxInt64, -1, 0}[r.IntN(4)]
		default:
			x[i] = r.Int64N(1<<20) - 1<<19
		}
	}
	return x
}

func TestNEONAddScaled64AddConst(t *testing.T) {
	scales := []int64{0, 1, -1, math.MaxInt32, math.MinInt32, math.MaxInt32 + 1, math.MinInt32 - 1, math.MinInt64, math.MaxInt64}
	neonForLengths(t, func(r *rand.Rand, n, off int) {
		buf := neonRandI64(r, n+off)
		dst0 := buf[off:]
		for _, x := range neonInputs(r, n, (off+2)%4) {
			s := scales[r.IntN(len(scales))]
			if r.IntN(2) == 0 {
				s = int64(int32(r.Uint32()))
			}
			got, want := slices.Clone(dst0), slices.Clone(dst0)
			addScaled64NEONGlue(got, s, x)
			addScaled64Generic(want, s, x)
			if !slices.Equal(got, want) {
				t.Errorf("addScaled64 n=%d s=%d differs", n, s)
			}
		}
		c := neonRandI64(r, 1)[0]
		got, want := slices.Clone(dst0), slices.Clone(dst0)
		addConstI64NEON(got, c)
		addConstI64Generic(want, c)
		if !slices.Equal(got, want) {
			t.Errorf("addConstI64 n=%d c=%d differs", n, c)
		}
	})
}

func TestNEONReductions(t *testing.T) {
	neonForLengths(t, func(r *rand.Rand, n, off int) {
		for _, x := range neonInputs(r, n, off) {
			if got, want := sumNEON(x), sumGeneric(x); got != want {
				t.Errorf("sum n=%d: NEON %d, generic %d", n, got, want)
			}
			if got, want := countZeroNEON(x), countZeroGeneric(x); got != want {
				t.Errorf("countZero n=%d: NEON %d, generic %d", n, got, want)
			}
			v := int32(r.IntN(3) - 1)
			if n > 0 && r.IntN(2) == 0 {
				v = x[r.IntN(n)]
			}
			if got, want := countEqNEONGlue(x, v), countEqGeneric(x, v); got != want {
				t.Errorf("countEq n=%d v=%d: NEON %d, generic %d", n, v, got, want)
			}
			gl, gh := minMaxNEONGlue(x)
			wl, wh := minMaxGeneric(x)
			if gl != wl || gh != wh {
				t.Errorf("minMax n=%d: NEON %d,%d, generic %d,%d", n, gl, gh, wl, wh)
			}
		}
		// The extreme element alone at each position must be found.
		if n > 0 && n <= 40 {
			for pos := range n {
				x := make([]int32, n)
				x[pos] = math.MinInt32
				if lo, _ := minMaxNEONGlue(x); lo != math.MinInt32 {
					t.Errorf("minMax n=%d pos=%d: lo %d", n, pos, lo)
				}
				x[pos] = math.MaxInt32
				if _, hi := minMaxNEONGlue(x); hi != math.MaxInt32 {
					t.Errorf("minMax n=%d pos=%d: hi %d", n, pos, hi)
				}
			}
		}
	})
}

func TestNEONSubI32(t *testing.T) {
	neonForLengths(t, func(r *rand.Rand, n, off int) {
		as, bs := neonInputs(r, n, off), neonInputs(r, n, (off+1)%4)
		for i := range as {
			a, b := as[i], bs[(i+1)%len(bs)]
			got, want := make([]int32, n), make([]int32, n)
			subI32NEONGlue(got, a, b)
			subI32Generic(want, a, b)
			if !slices.Equal(got, want) {
				t.Errorf("subI32 n=%d differs", n)
			}
		}
	})
}

// TestNEONLevel checks the dispatch hook: NEON is the default on arm64 (every arm64
// CPU has ASIMD), MERIT_SIMD=generic selects the portable kernels, and the NEON table
// installs the NEON kernels.
func TestNEONLevel(t *testing.T) {
	if !Supported(NEON) || Best() != NEON {
		t.Fatalf("NEON not offered: Levels() = %v, features %v", Levels(), Features())
	}
	want := NEON
	if os.Getenv(EnvVar) == "generic" {
		want = Generic
	}
	if Current() != want {
		t.Errorf("%s=%q: Current() = %v, want %v", EnvVar, os.Getenv(EnvVar), Current(), want)
	}
	tab := tableFor(NEON)
	a, b := []int32{math.MinInt32, 3, 4, 5, 6}, []int32{math.MaxInt32, 1, 2, 3, 4}
	if tab.sqDist(a, b) != sqDistGeneric(a, b) || tab.dot(a, b) != dotGeneric(a, b) {
		t.Error("NEON table disagrees with the portable kernels")
	}
}

// Fuzz targets: the seed corpus runs as part of `go test`; `go test -fuzz` explores
// further (on arm64 hardware or under QEMU).

// neonDecodeI32 turns fuzz bytes into int32 values (4 bytes each, little endian).
func neonDecodeI32(b []byte) []int32 {
	x := make([]int32, len(b)/4)
	for i := range x {
		x[i] = int32(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return x
}

func neonEncodeI32(x ...int32) []byte {
	b := make([]byte, 4*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint32(b[4*i:], uint32(v))
	}
	return b
}

func neonAddSeeds(f *testing.F) {
	f.Add([]byte{}, uint8(0))
	f.Add(neonEncodeI32(1, 2, 3, 4, 5, 6, 7, 8, 9), uint8(1))
	f.Add(neonEncodeI32(math.MinInt32, math.MaxInt32, math.MinInt32, math.MaxInt32, 0, -1, 1, math.MinInt32,
		math.MaxInt32, math.MinInt32, math.MaxInt32, math.MinInt32, 5, 5, 5, 5, 5, 5, 5, 5, math.MaxInt32, math.MinInt32), uint8(3))
	r := rand.New(rand.NewPCG(1, 1))
	for _, n := range []int{17, 33, 64, 150} {
		f.Add(neonEncodeI32(randI32(r, n)...), uint8(n))
	}
}

// neonHalves splits the fuzz input into two equal-length vectors, the second starting
// off%4 elements into its backing array (an unaligned start).
func neonHalves(data []byte, off uint8) (a, b []int32) {
	x := neonDecodeI32(data)
	n := len(x) / 2
	o := int(off % 4)
	buf := make([]int32, n+o)
	copy(buf[o:], x[n:2*n])
	return x[:n], buf[o:]
}

func FuzzNEONDot(f *testing.F) {
	neonAddSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, off uint8) {
		a, b := neonHalves(data, off)
		if got, want := dotNEON(a, b), dotGeneric(a, b); got != want {
			t.Fatalf("dot: NEON %d, generic %d", got, want)
		}
	})
}

func FuzzNEONSqDist(f *testing.F) {
	neonAddSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, off uint8) {
		a, b := neonHalves(data, off)
		if got, want := sqDistNEON(a, b), sqDistGeneric(a, b); got != want {
			t.Fatalf("sqDist: NEON %d, generic %d", got, want)
		}
	})
}

func FuzzNEONBatch(f *testing.F) {
	neonAddSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, off uint8) {
		x := neonDecodeI32(data)
		dim := int(off%16) + 1
		nrows := len(x)/dim - 1
		if nrows < 0 {
			return
		}
		q, rows := x[:dim], x[dim:dim+nrows*dim]
		got, want := make([]int64, nrows), make([]int64, nrows)
		dotBatchNEON(rows, q, got)
		dotBatchGeneric(rows, q, want)
		if !slices.Equal(got, want) {
			t.Fatalf("dotBatch: NEON %v, generic %v", got, want)
		}
		sqDistBatchNEON(rows, q, got)
		sqDistBatchGeneric(rows, q, want)
		if !slices.Equal(got, want) {
			t.Fatalf("sqDistBatch: NEON %v, generic %v", got, want)
		}
	})
}

func FuzzNEONAddScaledSat(f *testing.F) {
	neonAddSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, off uint8) {
		dst, x := neonHalves(data, off)
		if len(dst) == 0 {
			return
		}
		// The first pair supplies the scale and the limit.
		s, lim := dst[0], x[0]
		neonCheckAddScaledSat(t, dst[1:], x[1:], s, lim)
	})
}

func FuzzNEONAddScaled64(f *testing.F) {
	neonAddSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, off uint8) {
		a, x := neonHalves(data, off)
		dst0 := make([]int64, len(a))
		for i, v := range a {
			dst0[i] = int64(v) << (off % 40)
		}
		s := int64(0)
		if len(x) > 0 {
			s = int64(x[0]) << (off % 3 * 16)
		}
		got, want := slices.Clone(dst0), slices.Clone(dst0)
		addScaled64NEONGlue(got, s, x)
		addScaled64Generic(want, s, x)
		if !slices.Equal(got, want) {
			t.Fatalf("addScaled64 s=%d: NEON %v, generic %v", s, got, want)
		}
		got, want = slices.Clone(dst0), slices.Clone(dst0)
		addConstI64NEON(got, s)
		addConstI64Generic(want, s)
		if !slices.Equal(got, want) {
			t.Fatalf("addConstI64 c=%d differs", s)
		}
	})
}

func FuzzNEONReductions(f *testing.F) {
	neonAddSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, off uint8) {
		x := neonDecodeI32(data)
		x = x[min(int(off%4), len(x)):]
		if got, want := sumNEON(x), sumGeneric(x); got != want {
			t.Fatalf("sum: NEON %d, generic %d", got, want)
		}
		if got, want := countZeroNEON(x), countZeroGeneric(x); got != want {
			t.Fatalf("countZero: NEON %d, generic %d", got, want)
		}
		v := int32(off) - 128
		if len(x) > 0 {
			v = x[int(off)%len(x)]
		}
		if got, want := countEqNEONGlue(x, v), countEqGeneric(x, v); got != want {
			t.Fatalf("countEq: NEON %d, generic %d", got, want)
		}
		gl, gh := minMaxNEONGlue(x)
		wl, wh := minMaxGeneric(x)
		if gl != wl || gh != wh {
			t.Fatalf("minMax: NEON %d,%d, generic %d,%d", gl, gh, wl, wh)
		}
	})
}

func FuzzNEONSubI32(f *testing.F) {
	neonAddSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, off uint8) {
		a, b := neonHalves(data, off)
		got, want := make([]int32, len(a)), make([]int32, len(a))
		subI32NEONGlue(got, a, b)
		subI32Generic(want, a, b)
		if !slices.Equal(got, want) {
			t.Fatalf("subI32: NEON %v, generic %v", got, want)
		}
	})
}

// TestNEONGlueLengths: the table entries accept what the portable ones accept (a longer
// second operand is cut to the first's length) and panic where they panic (a shorter
// one), rather than reading past a slice.
func TestNEONGlueLengths(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	a, long := randI32(r, 21), randI32(r, 30)
	if dotNEONGlue(a, long) != dotGeneric(a, long) || sqDistNEONGlue(a, long) != sqDistGeneric(a, long) {
		t.Error("longer b: NEON differs")
	}
	g, w := slices.Clone(long), slices.Clone(long)
	addScaledSatNEONGlue(g, 3, a, 100)
	addScaledSatGeneric(w, 3, a, 100)
	if !slices.Equal(g, w) {
		t.Error("addScaledSat longer dst differs")
	}
	g, w = slices.Clone(long), slices.Clone(long)
	subI32NEONGlue(g, a, long)
	subI32Generic(w, a, long)
	if !slices.Equal(g, w) {
		t.Error("subI32 longer dst, b differs")
	}
	mustPanic := func(name string, f func()) {
		defer func() {
			if recover() == nil {
				t.Errorf("%s: no panic", name)
			}
		}()
		f()
	}
	short := a[:5:5] // capacity 5: reslicing past it must panic
	mustPanic("dot", func() { dotNEONGlue(a, short) })
	mustPanic("sqDist", func() { sqDistNEONGlue(a, short) })
	mustPanic("addScaledSat", func() { addScaledSatNEONGlue(short, 1, a, 9) })
	mustPanic("addScaledSatExact", func() { addScaledSatExactNEONGlue(short, 1, a, 9) })
	mustPanic("addScaled64", func() { addScaled64NEONGlue(make([]int64, 5), 1, a) })
	mustPanic("subI32", func() { subI32NEONGlue(short, a, a) })
}
