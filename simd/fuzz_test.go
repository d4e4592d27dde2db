package simd

import (
	"encoding/binary"
	"runtime"
	"slices"
	"sync"
	"testing"
)

// Fuzz targets: every level this machine runs against the portable kernels, on inputs
// decoded from the fuzzer's bytes (4 little-endian bytes per int32, 8 per int64) and
// started at an offset of 0..7 elements, so lengths, alignments and values (extremes
// included) are all the fuzzer's to choose. Seed corpora: testdata/fuzz/<target>/.
//
//	go test -run '^$' -fuzz '^FuzzDot$' -fuzztime 30s ./simd/

// i32s decodes b into int32 values, placed off elements into a fresh allocation.
func i32s(b []byte, off uint8) []int32 {
	o := int(off % 8)
	x := make([]int32, o+len(b)/4)
	for i := range x[o:] {
		x[o+i] = int32(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return x[o:]
}

func i64s(b []byte, off uint8) []int64 {
	o := int(off % 8)
	x := make([]int64, o+len(b)/8)
	for i := range x[o:] {
		x[o+i] = int64(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return x[o:]
}

// halves splits data into two equal-length int32 slices.
func halves(data []byte, off uint8) (a, b []int32) {
	n := len(data) / 8
	return i32s(data[:4*n], off), i32s(data[4*n:8*n], off>>3)
}

// fuzzLevels returns the tables of the accelerated levels this machine runs (built once;
// the levels it cannot run are logged by the Test functions, not per fuzz input).
func fuzzLevels(*testing.T) map[Level]kernelTable {
	fuzzOnce.Do(func() {
		fuzzTables = map[Level]kernelTable{}
		for _, l := range allArchLevels[runtime.GOARCH] {
			if Supported(l) {
				fuzzTables[l] = tableFor(l)
			}
		}
	})
	return fuzzTables
}

var (
	fuzzOnce   sync.Once
	fuzzTables map[Level]kernelTable
)

func FuzzDot(f *testing.F) {
	f.Add([]byte{1, 0, 0, 0, 2, 0, 0, 0}, uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, off uint8) {
		a, b := halves(data, off)
		want := dotGeneric(a, b)
		for l, k := range fuzzLevels(t) {
			if got := k.dot(a, b); got != want {
				t.Fatalf("%v: Dot(%v, %v) = %d, want %d", l, a, b, got, want)
			}
		}
	})
}

func FuzzSqDist(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0x80, 0xff, 0xff, 0xff, 0x7f}, uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, off uint8) {
		a, b := halves(data, off)
		want := sqDistGeneric(a, b)
		for l, k := range fuzzLevels(t) {
			if got := k.sqDist(a, b); got != want {
				t.Fatalf("%v: SqDist(%v, %v) = %d, want %d", l, a, b, got, want)
			}
		}
	})
}

// FuzzBatch: DotBatch and SqDistBatch of the rows in data against a query of dim values.
func FuzzBatch(f *testing.F) {
	f.Add([]byte{1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0}, uint8(1), uint8(0))
	prev := narrowMin
	narrowMin = 0 // reach amd64's 16-bit distance kernel with short inputs too
	f.Cleanup(func() { narrowMin = prev })
	f.Fuzz(func(t *testing.T, data []byte, dim, off uint8) {
		x := i32s(data, off)
		d := int(dim % 70)
		if d == 0 || len(x) < d {
			return
		}
		q, rows := x[:d], x[d:]
		rows = rows[:len(rows)/d*d]
		n := len(rows) / d
		for l, k := range fuzzLevels(t) {
			got, want := make([]int64, n), make([]int64, n)
			k.dotBatch(rows, q, got)
			dotBatchGeneric(rows, q, want)
			if !slices.Equal(got, want) {
				t.Fatalf("%v: DotBatch dim %d: %v, want %v", l, d, got, want)
			}
			k.sqDistBatch(rows, q, got)
			sqDistBatchGeneric(rows, q, want)
			if !slices.Equal(got, want) {
				t.Fatalf("%v: SqDistBatch dim %d: %v, want %v", l, d, got, want)
			}
		}
	})
}

func FuzzAddScaledSat(f *testing.F) {
	f.Add([]byte{9, 0, 0, 0, 0xf7, 0xff, 0xff, 0xff}, int32(3), int32(10), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, s, lim int32, off uint8) {
		dst, x := halves(data, off)
		want := slices.Clone(dst)
		addScaledSatGeneric(want, s, x, lim)
		wantE := slices.Clone(dst)
		wantExact := addScaledSatExactGeneric(wantE, s, x, lim)
		for l, k := range fuzzLevels(t) {
			got := slices.Clone(dst)
			k.addScaledSat(got, s, x, lim)
			if !slices.Equal(got, want) {
				t.Fatalf("%v: AddScaledSat(%v, %d, %v, %d) = %v, want %v", l, dst, s, x, lim, got, want)
			}
			got = slices.Clone(dst)
			if exact := k.addScaledSatExact(got, s, x, lim); exact != wantExact || !slices.Equal(got, wantE) {
				t.Fatalf("%v: AddScaledSatExact(%v, %d, %v, %d) = %v %v, want %v %v", l, dst, s, x, lim, got, exact, wantE, wantExact)
			}
		}
	})
}

// FuzzGather: GatherDot and GatherSum, indices taken modulo len(w)+1 so that some are out
// of range (every level must then panic, as the portable loop does).
func FuzzGather(f *testing.F) {
	f.Add([]byte{5, 0, 0, 0, 7, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0}, uint16(3), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, wn uint16, off uint8) {
		a, b := halves(data, off)
		w := a[:min(len(a), int(wn%200))]
		idx := make([]uint32, len(b))
		for i, v := range b {
			idx[i] = uint32(v) % uint32(len(w)+1)
			if off&0x80 == 0 && len(w) > 0 { // mostly in range
				idx[i] = uint32(v) % uint32(len(w))
			}
		}
		val := b
		outcome := func(f func() int64) (s int64, panicked bool) {
			defer func() { panicked = recover() != nil }()
			return f(), false
		}
		wd, wpd := outcome(func() int64 { return gatherDotGeneric(w, idx, val) })
		ws, wps := outcome(func() int64 { return gatherSumGeneric(w, idx) })
		for l, k := range fuzzLevels(t) {
			gd, gpd := outcome(func() int64 { return k.gatherDot(w, idx, val) })
			gs, gps := outcome(func() int64 { return k.gatherSum(w, idx) })
			if gd != wd || gpd != wpd || gs != ws || gps != wps {
				t.Fatalf("%v: GatherDot %d (panic %v), want %d (%v); GatherSum %d (%v), want %d (%v)", l, gd, gpd, wd, wpd, gs, gps, ws, wps)
			}
		}
	})
}

// FuzzReductions: Sum, CountZero, CountEq, MinMax and SubI32.
func FuzzReductions(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0x80, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f}, int32(0), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, v int32, off uint8) {
		x := i32s(data, off)
		a, b := halves(data, off)
		wantSub := make([]int32, len(a))
		subI32Generic(wantSub, a, b)
		wlo, whi := minMaxGeneric(x)
		for l, k := range fuzzLevels(t) {
			if k.sum(x) != sumGeneric(x) || k.countZero(x) != countZeroGeneric(x) || k.countEq(x, v) != countEqGeneric(x, v) {
				t.Fatalf("%v: Sum/CountZero/CountEq(%v, %d) differ", l, x, v)
			}
			if lo, hi := k.minMax(x); lo != wlo || hi != whi {
				t.Fatalf("%v: MinMax(%v) = %d %d, want %d %d", l, x, lo, hi, wlo, whi)
			}
			got := make([]int32, len(a))
			k.subI32(got, a, b)
			if !slices.Equal(got, wantSub) {
				t.Fatalf("%v: SubI32 differs", l)
			}
		}
	})
}

// FuzzScaled64: AddScaled64, AddScaledI64 and AddConstI64 with any int64 scale.
func FuzzScaled64(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, int64(-2), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, s int64, off uint8) {
		n := len(data) / 16
		dst := i64s(data[:8*n], off)
		src := i64s(data[8*n:16*n], off>>3)
		x := i32s(data[8*n:12*n], off>>4)
		for l, k := range fuzzLevels(t) {
			want, got := slices.Clone(dst), slices.Clone(dst)
			addScaled64Generic(want, s, x)
			k.addScaled64(got, s, x)
			if !slices.Equal(got, want) {
				t.Fatalf("%v: AddScaled64 s=%d differs", l, s)
			}
			addScaledI64Generic(want, s, src)
			k.addScaledI64(got, s, src)
			if !slices.Equal(got, want) {
				t.Fatalf("%v: AddScaledI64 s=%d differs", l, s)
			}
			addConstI64Generic(want, s)
			k.addConstI64(got, s)
			if !slices.Equal(got, want) {
				t.Fatalf("%v: AddConstI64 c=%d differs", l, s)
			}
		}
	})
}
