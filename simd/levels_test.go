package simd

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unsafe"
)

// Every level's kernel table is held against the portable one (genericTable): the same
// inputs must give the same bits. The inputs cover every length 0..300, longer random
// lengths, starts at offsets 1..7 from an allocation (unaligned for the vector loads), and
// values that include math.MinInt32 and math.MaxInt32 so that products, squares and sums
// wrap.

// archLevels lists the accelerated levels of each architecture, whether or not this
// machine supports them: the ones it does not are reported as not tested.
var allArchLevels = map[string][]Level{"amd64": {AVX2, AVX512}, "arm64": {NEON}}

// testLevels returns, for every accelerated level this machine runs, its kernel table
// (under the level's name) and the exported kernels run at that level (under
// "<level>/exported": each call switches the package to the level and back), and logs
// the levels of this architecture that it cannot run (not verified here).
func testLevels(t testing.TB) map[string]kernelTable {
	m := map[string]kernelTable{}
	for _, l := range allArchLevels[runtime.GOARCH] {
		if !Supported(l) {
			t.Logf("level %v is not available on this machine (features: %v; purego=%v): NOT TESTED", l, Features(), purego)
			continue
		}
		m[l.String()] = tableFor(l)
		m[l.String()+"/exported"] = exportedAt(l)
	}
	return m
}

// exportedAt returns a table whose entries call the exported kernels with level l in use.
func exportedAt(l Level) kernelTable {
	at := func() func() {
		prevImpl, prev := impl, current
		impl, current = tableFor(l), l
		return func() { impl, current = prevImpl, prev }
	}
	return kernelTable{
		dot:    func(a, b []int32) int64 { defer at()(); return Dot(a, b) },
		sqDist: func(a, b []int32) int64 { defer at()(); return SqDist(a, b) },
		dotBatch: func(rows, q []int32, out []int64) {
			defer at()()
			DotBatch(rows, q, out)
		},
		sqDistBatch: func(rows, q []int32, out []int64) {
			defer at()()
			SqDistBatch(rows, q, out)
		},
		addScaledSat: func(dst []int32, s int32, x []int32, lim int32) {
			defer at()()
			AddScaledSat(dst, s, x, lim)
		},
		addScaledSatExact: func(dst []int32, s int32, x []int32, lim int32) bool {
			defer at()()
			return AddScaledSatExact(dst, s, x, lim)
		},
		addScaled64: func(dst []int64, s int64, x []int32) { defer at()(); AddScaled64(dst, s, x) },
		gatherDot:   func(w []int32, idx []uint32, val []int32) int64 { defer at()(); return GatherDot(w, idx, val) },
		gatherSum:   func(w []int32, idx []uint32) int64 { defer at()(); return GatherSum(w, idx) },
		gatherDotRows: func(w []int32, ptr []int, idx []uint32, val []int32, out []int64) {
			defer at()()
			GatherDotRows(w, ptr, idx, val, out)
		},
		gatherSumRows: func(w []int32, ptr []int, idx []uint32, out []int64) {
			defer at()()
			GatherSumRows(w, ptr, idx, out)
		},
		sum:          func(x []int32) int64 { defer at()(); return Sum(x) },
		countZero:    func(x []int32) int { defer at()(); return CountZero(x) },
		countEq:      func(x []int32, v int32) int { defer at()(); return CountEq(x, v) },
		minMax:       func(x []int32) (int32, int32) { defer at()(); return MinMax(x) },
		addScaledI64: func(dst []int64, s int64, src []int64) { defer at()(); AddScaledI64(dst, s, src) },
		addConstI64:  func(dst []int64, c int64) { defer at()(); AddConstI64(dst, c) },
		subI32:       func(dst, a, b []int32) { defer at()(); SubI32(dst, a, b) },
		sqNormRows: func(ptr []int, val []int32, out, sum []int64) {
			defer at()()
			SqNormRows(ptr, val, out, sum)
		},
		addColsScaled: func(colptr []int, ents []uint64, idx []uint32, x []int32, out []int64) {
			defer at()()
			AddColsScaled(colptr, ents, idx, x, out)
		},
		addColsConst: func(colptr []int, ents []uint64, idx []uint32, c int64, out []int64) {
			defer at()()
			AddColsConst(colptr, ents, idx, c, out)
		},
		addMatchCounts: func(bits, q []uint64, c int64, out []int64) {
			defer at()()
			AddMatchCounts(bits, q, c, out)
		},
	}
}

// vals fills x with values of the kind picked by mode: 0 mixed, 1 all extreme, 2 small.
func vals(r *rand.Rand, x []int32, mode int) {
	for i := range x {
		switch {
		case mode == 1:
			x[i] = [...]int32{math.MinInt32, math.MaxInt32, math.MinInt32 + 1, -1}[r.IntN(4)]
		case mode == 2:
			x[i] = int32(r.IntN(511)) - 255
		default:
			switch r.IntN(6) {
			case 0:
				x[i] = int32(r.Uint32())
			case 1:
				x[i] = [...]int32{math.MinInt32, math.MaxInt32, 0, -1, 1}[r.IntN(5)]
			default:
				x[i] = int32(r.IntN(1<<16)) - 1<<15
			}
		}
	}
}

// at returns a fresh slice of n values starting off elements into its allocation.
func at(r *rand.Rand, n, off, mode int) []int32 {
	buf := make([]int32, n+off+8)
	vals(r, buf, mode)
	return buf[off : off+n : off+n]
}

func at64(r *rand.Rand, n, off int) []int64 {
	buf := make([]int64, n+off+4)
	for i := range buf {
		switch r.IntN(4) {
		case 0:
			buf[i] = [...]int64{math.MinInt64, math.MaxInt64, 0, -1}[r.IntN(4)]
		case 1:
			buf[i] = int64(r.Uint64())
		default:
			buf[i] = int64(r.IntN(1<<20)) - 1<<19
		}
	}
	return buf[off : off+n : off+n]
}

// lengths returns every length 0..300 and some longer random ones.
func lengths(r *rand.Rand) []int {
	var ns []int
	for n := range 301 {
		ns = append(ns, n)
	}
	for range 12 {
		ns = append(ns, 301+r.IntN(5000))
	}
	return ns
}

// scalars are the s and c multipliers tried by the scaled kernels.
var scalars64 = []int64{0, 1, -1, 2, -2, 3, 255, math.MaxInt32, math.MinInt32, math.MaxInt64, math.MinInt64, 1 << 32, -(1 << 33) + 5}

func TestLevelsDotSqDist(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for l, k := range testLevels(t) {
		for _, n := range lengths(r) {
			for mode := range 3 {
				a, b := at(r, n, r.IntN(8), mode), at(r, n, r.IntN(8), mode)
				if got, want := k.dot(a, b), dotGeneric(a, b); got != want {
					t.Fatalf("%v: Dot n=%d mode=%d: %d, want %d", l, n, mode, got, want)
				}
				if got, want := k.sqDist(a, b), sqDistGeneric(a, b); got != want {
					t.Fatalf("%v: SqDist n=%d mode=%d: %d, want %d", l, n, mode, got, want)
				}
			}
		}
		// The extremes, where every product or square is as large as it gets.
		for _, n := range []int{1, 7, 8, 9, 33, 64, 65, 300} {
			for _, p := range [][2]int32{{math.MinInt32, math.MinInt32}, {math.MinInt32, math.MaxInt32}, {math.MaxInt32, math.MaxInt32}, {math.MaxInt32, math.MinInt32}} {
				a, b := make([]int32, n), make([]int32, n)
				for i := range a {
					a[i], b[i] = p[0], p[1]
				}
				if k.dot(a, b) != dotGeneric(a, b) || k.sqDist(a, b) != sqDistGeneric(a, b) {
					t.Fatalf("%v: n=%d all %v: Dot %d want %d, SqDist %d want %d", l, n, p, k.dot(a, b), dotGeneric(a, b), k.sqDist(a, b), sqDistGeneric(a, b))
				}
			}
		}
	}
}

func TestLevelsBatch(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	for l, k := range testLevels(t) {
		for dim := range 301 {
			for _, rows := range []int{0, 1, 3} {
				mode := dim % 3
				x, q := at(r, rows*dim, r.IntN(8), mode), at(r, dim, r.IntN(8), mode)
				checkBatch(t, l, k, x, q, rows)
			}
		}
		for range 20 {
			dim, rows := r.IntN(2000), r.IntN(40)
			checkBatch(t, l, k, at(r, rows*dim, r.IntN(8), 0), at(r, dim, r.IntN(8), 0), rows)
		}
	}
}

func checkBatch(t *testing.T, l string, k kernelTable, x, q []int32, rows int) {
	t.Helper()
	for _, c := range []struct {
		name      string
		got, want func(rows, q []int32, out []int64)
	}{{"DotBatch", k.dotBatch, dotBatchGeneric}, {"SqDistBatch", k.sqDistBatch, sqDistBatchGeneric}} {
		got, want := make([]int64, rows+1), make([]int64, rows+1)
		got[rows], want[rows] = 42, 42 // must not be written
		c.got(x, q, got[:rows])
		c.want(x, q, want[:rows])
		if !slices.Equal(got, want) {
			t.Fatalf("%v: %s rows=%d dim=%d: %v, want %v", l, c.name, rows, len(q), got, want)
		}
	}
}

func TestLevelsAddScaledSat(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	lims := []int32{1, 7, 255, 1 << 20, math.MaxInt32, 0, -1, -100, math.MinInt32}
	ss := []int32{0, 1, -1, 3, -7, 1 << 15, math.MaxInt32, math.MinInt32}
	for l, k := range testLevels(t) {
		for _, n := range lengths(r) {
			for rep := range 3 {
				lim := lims[r.IntN(len(lims))]
				s := ss[r.IntN(len(ss))]
				if rep == 0 {
					lim = lims[n%len(lims)]
				}
				dst, x := at(r, n, r.IntN(8), n%3), at(r, n, r.IntN(8), (n+rep)%3)
				if lim > 0 && r.IntN(2) == 0 {
					for i := range dst { // within the engine's invariant |dst| ≤ lim
						dst[i] = max(min(dst[i], lim), -lim)
					}
				}
				want := slices.Clone(dst)
				addScaledSatGeneric(want, s, x, lim)
				got := slices.Clone(dst)
				k.addScaledSat(got, s, x, lim)
				if !slices.Equal(got, want) {
					t.Fatalf("%v: AddScaledSat n=%d s=%d lim=%d:\n got %v\nwant %v", l, n, s, lim, got, want)
				}
				want = slices.Clone(dst)
				wantExact := addScaledSatExactGeneric(want, s, x, lim)
				got = slices.Clone(dst)
				if exact := k.addScaledSatExact(got, s, x, lim); exact != wantExact || !slices.Equal(got, want) {
					t.Fatalf("%v: AddScaledSatExact n=%d s=%d lim=%d: exact %v, want %v; equal %v", l, n, s, lim, exact, wantExact, slices.Equal(got, want))
				}
			}
		}
		// Exactness is reported for a clamp in any position, vector body or tail.
		for _, n := range []int{1, 8, 9, 16, 17, 40} {
			for pos := range n {
				dst, x := make([]int32, n), make([]int32, n)
				x[pos] = 11
				for _, lim := range []int32{10, 11} {
					got := slices.Clone(dst)
					want := slices.Clone(dst)
					e, we := k.addScaledSatExact(got, 1, x, lim), addScaledSatExactGeneric(want, 1, x, lim)
					e2, we2 := k.addScaledSatExact(got, -2, x, lim), addScaledSatExactGeneric(want, -2, x, lim)
					if e != we || e2 != we2 || !slices.Equal(got, want) {
						t.Fatalf("%v: AddScaledSatExact n=%d pos=%d lim=%d: %v %v, want %v %v", l, n, pos, lim, e, e2, we, we2)
					}
				}
			}
		}
	}
}

func TestLevelsScaled64(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	for l, k := range testLevels(t) {
		for _, n := range lengths(r) {
			s := scalars64[r.IntN(len(scalars64))]
			x := at(r, n, r.IntN(8), n%3)
			dst := at64(r, n, r.IntN(4))
			want := slices.Clone(dst)
			addScaled64Generic(want, s, x)
			got := slices.Clone(dst)
			k.addScaled64(got, s, x)
			if !slices.Equal(got, want) {
				t.Fatalf("%v: AddScaled64 n=%d s=%d", l, n, s)
			}
			src := at64(r, n, r.IntN(4))
			want = slices.Clone(dst)
			addScaledI64Generic(want, s, src)
			got = slices.Clone(dst)
			k.addScaledI64(got, s, src)
			if !slices.Equal(got, want) {
				t.Fatalf("%v: AddScaledI64 n=%d s=%d", l, n, s)
			}
			want = slices.Clone(dst)
			addConstI64Generic(want, s)
			got = slices.Clone(dst)
			k.addConstI64(got, s)
			if !slices.Equal(got, want) {
				t.Fatalf("%v: AddConstI64 n=%d c=%d", l, n, s)
			}
		}
	}
}

func TestLevelsReductions(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	for l, k := range testLevels(t) {
		for _, n := range lengths(r) {
			for mode := range 3 {
				x := at(r, n, r.IntN(8), mode)
				if n > 0 && r.IntN(2) == 0 {
					x[r.IntN(n)] = 0
				}
				if got, want := k.sum(x), sumGeneric(x); got != want {
					t.Fatalf("%v: Sum n=%d: %d, want %d", l, n, got, want)
				}
				if got, want := k.countZero(x), countZeroGeneric(x); got != want {
					t.Fatalf("%v: CountZero n=%d: %d, want %d", l, n, got, want)
				}
				v := int32(-1)
				if n > 0 {
					v = x[r.IntN(n)]
				}
				if got, want := k.countEq(x, v), countEqGeneric(x, v); got != want {
					t.Fatalf("%v: CountEq n=%d: %d, want %d", l, n, got, want)
				}
				lo, hi := k.minMax(x)
				wlo, whi := minMaxGeneric(x)
				if lo != wlo || hi != whi {
					t.Fatalf("%v: MinMax n=%d: %d %d, want %d %d", l, n, lo, hi, wlo, whi)
				}
				// Extremes at every position class: first, last, inside the vector body.
				if n > 0 {
					for _, p := range []int{0, n - 1, r.IntN(n)} {
						y := slices.Clone(x)
						y[p] = [...]int32{math.MinInt32, math.MaxInt32}[r.IntN(2)]
						lo, hi := k.minMax(y)
						wlo, whi := minMaxGeneric(y)
						if lo != wlo || hi != whi {
							t.Fatalf("%v: MinMax n=%d extreme at %d: %d %d, want %d %d", l, n, p, lo, hi, wlo, whi)
						}
					}
				}
				a, b := at(r, n, r.IntN(8), mode), at(r, n, r.IntN(8), mode)
				got, want := at(r, n, r.IntN(8), 0), make([]int32, n)
				k.subI32(got, a, b)
				subI32Generic(want, a, b)
				if !slices.Equal(got, want) {
					t.Fatalf("%v: SubI32 n=%d", l, n)
				}
			}
		}
	}
}

// randIdxAny returns n indices below limit, unsorted and with repeats.
func randIdxAny(r *rand.Rand, n, limit int) []uint32 {
	idx := make([]uint32, n+r.IntN(8))
	for i := range idx {
		idx[i] = uint32(r.IntN(limit))
	}
	off := len(idx) - n
	return idx[off:]
}

func TestLevelsGather(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	for l, k := range testLevels(t) {
		for _, n := range lengths(r) {
			for mode := range 3 {
				wn := 1 + r.IntN(3000)
				w := at(r, wn, r.IntN(8), mode)
				idx := randIdxAny(r, n, wn)
				if n > 0 {
					idx[r.IntN(n)] = uint32(wn - 1) // the last element of w
				}
				val := at(r, n, r.IntN(8), mode)
				if got, want := k.gatherDot(w, idx, val), gatherDotGeneric(w, idx, val); got != want {
					t.Fatalf("%v: GatherDot n=%d: %d, want %d", l, n, got, want)
				}
				if got, want := k.gatherSum(w, idx), gatherSumGeneric(w, idx); got != want {
					t.Fatalf("%v: GatherSum n=%d: %d, want %d", l, n, got, want)
				}
			}
		}
		// CSR rows.
		for range 50 {
			wn := 1 + r.IntN(1000)
			w := at(r, wn, r.IntN(8), 0)
			rows := r.IntN(20)
			ptr := []int{0}
			var idx []uint32
			var val []int32
			for range rows {
				m := r.IntN(60)
				idx = append(idx, randIdxAny(r, m, wn)...)
				val = append(val, at(r, m, 0, r.IntN(3))...)
				ptr = append(ptr, len(idx))
			}
			got, want := make([]int64, rows), make([]int64, rows)
			k.gatherDotRows(w, ptr, idx, val, got)
			gatherDotRowsGeneric(w, ptr, idx, val, want)
			if !slices.Equal(got, want) {
				t.Fatalf("%v: GatherDotRows", l)
			}
			k.gatherSumRows(w, ptr, idx, got)
			gatherSumRowsGeneric(w, ptr, idx, want)
			if !slices.Equal(got, want) {
				t.Fatalf("%v: GatherSumRows", l)
			}
		}
		// CSC columns.
		for range 50 {
			nrows, ncols := 1+r.IntN(40), 1+r.IntN(30)
			colptr := []int{0}
			var rows []uint32
			for range ncols {
				rows = append(rows, randIdxAny(r, r.IntN(30), nrows)...)
				colptr = append(colptr, len(rows))
			}
			vals := at(r, len(rows), r.IntN(8), r.IntN(3))
			ents := make([]uint64, len(rows))
			for i, row := range rows {
				ents[i] = CSCEntry(row, vals[i])
			}
			idx := randIdxAny(r, r.IntN(2*ncols), ncols)
			x := at(r, len(idx), r.IntN(8), r.IntN(3))
			nout := 1 << bits.Len(uint(nrows-1))
			got, want := make([]int64, nout), make([]int64, nout)
			k.addColsScaled(colptr, ents, idx, x, got)
			addColsScaledGeneric(colptr, ents, idx, x, want)
			if !slices.Equal(got, want) {
				t.Fatalf("%v: AddColsScaled", l)
			}
			c := int64(r.Uint64())
			k.addColsConst(colptr, ents, idx, c, got)
			addColsConstGeneric(colptr, ents, idx, c, want)
			if !slices.Equal(got, want) {
				t.Fatalf("%v: AddColsConst", l)
			}
		}
	}
}

// An index out of range panics at every level, in the vector body and in the tail, and
// with an empty w; the kernels never read w there.
func TestLevelsGatherOutOfRange(t *testing.T) {
	panics := func(f func()) (p bool) {
		defer func() { p = recover() != nil }()
		f()
		return false
	}
	for l, k := range testLevels(t) {
		for _, n := range []int{1, 5, 8, 16, 17, 40, 64, 65, 71, 80, 100, 131} {
			for _, wn := range []int{0, 1, 7, 100} {
				for _, bad := range []uint32{uint32(wn), uint32(wn) + 1, 1 << 31, math.MaxUint32} {
					for _, pos := range []int{0, n / 2, n - 1} {
						w := make([]int32, wn)
						idx := make([]uint32, n)
						idx[pos] = bad
						val := make([]int32, n)
						if !panics(func() { k.gatherDot(w, idx, val) }) || !panics(func() { k.gatherSum(w, idx) }) {
							t.Fatalf("%v: gather with index %d of len(w) %d at %d/%d did not panic", l, bad, wn, pos, n)
						}
						if !panics(func() { k.gatherDotRows(w, []int{0, n}, idx, val, make([]int64, 1)) }) ||
							!panics(func() { k.gatherSumRows(w, []int{0, n}, idx, make([]int64, 1)) }) {
							t.Fatalf("%v: gather rows with index %d of len(w) %d did not panic", l, bad, wn)
						}
					}
				}
			}
		}
	}
}

// The exported kernels follow SetLevel, and every level returns the portable bits through
// them too.
func TestSetLevel(t *testing.T) {
	defer func(l Level) {
		if err := SetLevel(l); err != nil {
			t.Fatal(err)
		}
	}(Current())
	r := rand.New(rand.NewPCG(7, 7))
	a, b := at(r, 1000, 3, 0), at(r, 1000, 5, 0)
	want := dotGeneric(a, b)
	for _, l := range Levels() {
		if err := SetLevel(l); err != nil {
			t.Fatalf("SetLevel(%v) on a supported level: %v", l, err)
		}
		if Current() != l || LevelName() != l.String() {
			t.Fatalf("SetLevel(%v): Current() = %v", l, Current())
		}
		if got := Dot(a, b); got != want {
			t.Fatalf("%v: Dot = %d, want %d", l, got, want)
		}
	}
	for _, l := range []Level{AVX2, AVX512, NEON, Level(99)} {
		if Supported(l) {
			continue
		}
		before := Current()
		err := SetLevel(l)
		if err == nil {
			t.Fatalf("SetLevel(%v) on an unsupported level: no error", l)
		}
		if Current() != before {
			t.Fatalf("SetLevel(%v) failed but changed the level to %v", l, Current())
		}
		t.Logf("SetLevel(%v): %v", l, err)
	}
}

func TestParseLevel(t *testing.T) {
	for _, l := range []Level{Generic, AVX2, AVX512, NEON} {
		got, err := ParseLevel(l.String())
		if err != nil || got != l {
			t.Errorf("ParseLevel(%q) = %v, %v", l.String(), got, err)
		}
	}
	for _, s := range []string{"", "AVX2", "sse", "avx-512", "auto"} {
		if _, err := ParseLevel(s); err == nil {
			t.Errorf("ParseLevel(%q): no error", s)
		}
	}
	if s := Level(200).String(); s != "Level(200)" {
		t.Errorf("Level(200).String() = %q", s)
	}
}

// The level chosen at start-up is the best one unless MERIT_SIMD names another, and
// Init reports a bad MERIT_SIMD. (The variable itself is exercised by running the whole
// suite with it set: see the Makefile's test target.)
func TestStartupLevel(t *testing.T) {
	if !Supported(Best()) || Levels()[0] != Generic {
		t.Fatalf("Best() = %v, Levels() = %v", Best(), Levels())
	}
	t.Logf("levels %v, best %v, in use %v, CPU features %v, Init() = %v", Levels(), Best(), Current(), Features(), Init())
	if err := Init(); err != nil {
		t.Logf("MERIT_SIMD rejected: %v", err)
	}
	if purego && Best() != Generic {
		t.Fatalf("purego build: best level %v", Best())
	}
	if runtime.GOARCH == "amd64" && !purego && slices.Contains(Features(), "avx2") != Supported(AVX2) {
		t.Fatalf("features %v but AVX2 supported = %v", Features(), Supported(AVX2))
	}
}

// MERIT_SIMD is read once, at package init: each case runs this test binary again with the
// variable set, and the child reports Init() and Current().
func TestInitFromEnv(t *testing.T) {
	if os.Getenv("MERIT_SIMD_CHILD") == "1" {
		fmt.Printf("level=%v err=%v\n", Current(), Init())
		return
	}
	cases := map[string]string{ // MERIT_SIMD → what the child must print
		"":        "level=" + Best().String() + " err=<nil>",
		"generic": "level=generic err=<nil>",
		"bogus":   "level=" + Best().String() + " err=MERIT_SIMD=bogus: simd: unknown kernel level",
	}
	for _, l := range []Level{AVX2, AVX512, NEON} {
		if Supported(l) {
			cases[l.String()] = "level=" + l.String() + " err=<nil>"
		} else {
			cases[l.String()] = "level=" + Best().String() + " err=MERIT_SIMD=" + l.String() + ": simd: kernel level " + l.String() + ": not supported"
		}
	}
	for env, want := range cases {
		cmd := exec.Command(os.Args[0], "-test.run=^TestInitFromEnv$", "-test.count=1")
		cmd.Env = append(os.Environ(), "MERIT_SIMD_CHILD=1", EnvVar+"="+env)
		out, err := cmd.CombinedOutput()
		var pe *os.PathError
		if errors.As(err, &pe) { // the binary cannot start itself (e.g. under QEMU without binfmt)
			t.Skipf("cannot re-run the test binary: %v", err)
		}
		if err != nil {
			t.Fatalf("MERIT_SIMD=%q: %v\n%s", env, err, out)
		}
		if !strings.Contains(string(out), want) {
			t.Errorf("MERIT_SIMD=%q: child printed\n%s\nwant a line starting %q", env, out, want)
		}
	}
}

func ExampleCurrent() {
	l := Current()
	fmt.Println(Supported(l))
	// Output: true
}

// Outputs that overlap inputs (the same slice, or shifted against it, or int64s over
// int32s) give the portable result: the portable element-by-element order defines it.
func TestLevelsAliasing(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	for l, k := range testLevels(t) {
		for _, n := range []int{0, 1, 5, 8, 13, 16, 31, 64, 100} {
			for shift := -10; shift <= 10; shift++ {
				base := at(r, 2*n+40, 0, 0)
				d0, x0 := 20, 20+shift
				run := func(f func(buf []int32)) []int32 {
					buf := slices.Clone(base)
					f(buf)
					return buf
				}
				check := func(name string, got, want []int32) {
					t.Helper()
					if !slices.Equal(got, want) {
						t.Fatalf("%v: %s n=%d shift=%d differs from the portable kernel", l, name, n, shift)
					}
				}
				for _, lim := range []int32{1 << 20, 5} {
					check("AddScaledSat",
						run(func(b []int32) { k.addScaledSat(b[d0:d0+n], 3, b[x0:x0+n], lim) }),
						run(func(b []int32) { addScaledSatGeneric(b[d0:d0+n], 3, b[x0:x0+n], lim) }))
					var e1, e2 bool
					check("AddScaledSatExact",
						run(func(b []int32) { e1 = k.addScaledSatExact(b[d0:d0+n], -2, b[x0:x0+n], lim) }),
						run(func(b []int32) { e2 = addScaledSatExactGeneric(b[d0:d0+n], -2, b[x0:x0+n], lim) }))
					if e1 != e2 {
						t.Fatalf("%v: AddScaledSatExact n=%d shift=%d: exact %v, want %v", l, n, shift, e1, e2)
					}
				}
				check("SubI32 dst~a",
					run(func(b []int32) { k.subI32(b[d0:d0+n], b[x0:x0+n], b[d0+1:d0+1+n]) }),
					run(func(b []int32) { subI32Generic(b[d0:d0+n], b[x0:x0+n], b[d0+1:d0+1+n]) }))
				check("SubI32 dst~b",
					run(func(b []int32) { k.subI32(b[d0:d0+n], base[:n], b[x0:x0+n]) }),
					run(func(b []int32) { subI32Generic(b[d0:d0+n], base[:n], b[x0:x0+n]) }))
				// int64 views of the same memory.
				as64 := func(b []int32, off int) []int64 {
					return unsafe.Slice((*int64)(unsafe.Pointer(&b[off])), n)
				}
				if shift%2 == 0 {
					check("AddScaledI64",
						run(func(b []int32) { k.addScaledI64(as64(b, d0), 7, as64(b, x0)) }),
						run(func(b []int32) { addScaledI64Generic(as64(b, d0), 7, as64(b, x0)) }))
				}
				check("AddScaled64",
					run(func(b []int32) { k.addScaled64(as64(b, d0-(d0%2)), -3, b[x0:x0+n]) }),
					run(func(b []int32) { addScaled64Generic(as64(b, d0-(d0%2)), -3, b[x0:x0+n]) }))
			}
		}
	}
}

// SqDistBatch on small values, where amd64 uses 16-bit multiply-adds: rows and queries at
// and beyond the bound |x| < 2^14 of that path, anywhere in the row, must give the
// portable bits (rows beyond the bound are recomputed exactly, queries beyond it take
// the wide kernel).
func TestLevelsSqDistBatchSmall(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	edges := []int32{1<<14 - 1, -(1<<14 - 1), 1 << 14, -(1 << 14), 1<<15 - 1, -(1<<15 - 1), 20000, -20000, math.MinInt32, math.MaxInt32, 1 << 20, -(1 << 15)}
	small := func(n int, bound int32) []int32 {
		x := at(r, n, r.IntN(8), 0)
		for i := range x {
			x[i] = int32(r.IntN(int(2*bound-1))) - (bound - 1)
		}
		return x
	}
	defer func(v int) { narrowMin = v }(narrowMin)
	narrowMin = 0
	for name, k := range testLevels(t) {
		for dim := range 150 {
			for rep := range 4 {
				rows := 1 + r.IntN(6)
				bound := []int32{256, 1 << 14, 1 << 14, 1 << 10}[rep]
				x, q := small(rows*dim, bound), small(dim, bound)
				if dim > 0 {
					switch rep {
					case 1: // an edge value in some rows, anywhere
						for range r.IntN(rows + 1) {
							x[r.IntN(len(x))] = edges[r.IntN(len(edges))]
						}
					case 2: // an edge value in q
						q[r.IntN(dim)] = edges[r.IntN(len(edges))]
					case 3: // q at the largest accepted magnitude, rows at the extremes of the bound
						for i := range q {
							q[i] = [...]int32{1<<14 - 1, -(1<<14 - 1)}[i%2]
						}
						for i := range x {
							x[i] = [...]int32{-(1<<14 - 1), 1<<14 - 1}[(i+r.IntN(2))%2]
						}
					}
				}
				got, want := make([]int64, rows), make([]int64, rows)
				k.sqDistBatch(x, q, got)
				sqDistBatchGeneric(x, q, want)
				if !slices.Equal(got, want) {
					t.Fatalf("%v: SqDistBatch small dim=%d rep=%d: %v, want %v", name, dim, rep, got, want)
				}
			}
		}
	}
}
