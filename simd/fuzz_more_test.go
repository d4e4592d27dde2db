package simd

import (
	"math/bits"
	"slices"
	"testing"
	"unsafe"

	"github.com/meritchain/merit/internal/fuzzcheck"
)

// More fuzz targets: the CSR/CSC kernels behind the incremental trackers, and every
// kernel that writes through a destination slice when that slice overlaps its sources
// (the WebAssembly host path hands the native kernels whatever ranges of guest memory
// the guest names, so overlaps must give the portable loop's bytes too).

// panics runs f and reports whether it panicked.
func panics(f func()) (panicked bool) {
	defer func() { panicked = recover() != nil }()
	f()
	return false
}

// csr builds CSR offsets for nOut rows from the bytes of lens (row lengths 0..7, or past
// the end when bad), over nIdx entries.
func csr(lens []byte, nOut, nIdx int, bad bool) []int {
	ptr := make([]int, nOut+1)
	for r := range nOut {
		n := 0
		if r < len(lens) {
			n = int(lens[r] % 8)
		}
		ptr[r+1] = min(ptr[r]+n, nIdx)
	}
	if bad && nOut > 0 {
		ptr[nOut] = nIdx + 1 // offsets past the indices: every level must panic
	}
	return ptr
}

// FuzzRows: GatherDotRows, GatherSumRows, SqNormRows, AddColsScaled and AddColsConst at
// every level against the portable kernels, with indices taken modulo len(w)+1 so that
// some are out of range (a level must then panic exactly when the portable one does;
// AddColsScaled takes rows modulo its power-of-two output instead, which is sometimes
// shorter than the rows).
func FuzzRows(f *testing.F) {
	fuzzcheck.Add(f, []byte{1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5, 0, 0, 0, 6, 0, 0, 0}, []byte{2, 1}, uint8(3), int64(5), uint8(0))
	fuzzcheck.Add(f, append(make([]byte, 64), 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0x80), []byte{7, 7, 0, 3}, uint8(9), int64(-1<<63), uint8(0x83))
	f.Fuzz(func(t *testing.T, data, lens []byte, wn uint8, c int64, flags uint8) {
		a, b := halves(data, flags)
		w := a[:min(len(a), int(wn))]
		val := b
		idx := make([]uint32, len(b))
		for i, v := range b {
			if len(w) > 0 && flags&0x80 == 0 {
				idx[i] = uint32(v) % uint32(len(w))
			} else {
				idx[i] = uint32(v) % uint32(len(w)+1)
			}
		}
		nOut := len(lens)
		ptr := csr(lens, nOut, len(idx), flags&0x40 != 0)
		type res struct {
			out, sum []int64
			panicked bool
		}
		run := func(k kernelTable) [5]res {
			var r [5]res
			r[0].out = make([]int64, nOut)
			r[0].panicked = panics(func() { k.gatherDotRows(w, ptr, idx, val, r[0].out) })
			r[1].out = make([]int64, nOut)
			r[1].panicked = panics(func() { k.gatherSumRows(w, ptr, idx, r[1].out) })
			r[2].out, r[2].sum = make([]int64, nOut), make([]int64, nOut)
			r[2].panicked = panics(func() { k.sqNormRows(ptr, val, r[2].out, r[2].sum) })
			// CSC: the same arrays read as columns. Column f is the entries (idx, val)
			// [ptr[f]:ptr[f+1]]; rows index out (len(w) entries, for AddColsScaled the
			// next power of two), the query is (idx mod columns, x = val).
			cols := make([]uint32, len(idx))
			ents := make([]uint64, len(idx))
			for i, v := range idx {
				cols[i] = v % uint32(max(nOut, 1))
				ents[i] = CSCEntry(v, val[i])
			}
			q := cols[:min(len(cols), 5)]
			// Sometimes smaller than the rows, so that they wrap.
			r[3].out = make([]int64, 1<<bits.Len(uint(len(w)))>>(flags&1))
			r[3].panicked = panics(func() { k.addColsScaled(ptr, ents, q, val[:len(q)], r[3].out) })
			r[4].out = make([]int64, len(w))
			r[4].panicked = panics(func() { k.addColsConst(ptr, ents, q, c, r[4].out) })
			return r
		}
		want := run(genericTable)
		names := [5]string{"GatherDotRows", "GatherSumRows", "SqNormRows", "AddColsScaled", "AddColsConst"}
		for l, k := range fuzzLevels(t) {
			got := run(k)
			for i := range got {
				g, w := got[i], want[i]
				if g.panicked != w.panicked || !g.panicked && (!slices.Equal(g.out, w.out) || !slices.Equal(g.sum, w.sum)) {
					t.Fatalf("%v: %s: %v %v (panic %v), want %v %v (panic %v); ptr %v", l, names[i], g.out, g.sum, g.panicked, w.out, w.sum, w.panicked, ptr)
				}
			}
		}
	})
}

// viewAt returns n elements of type T at byte offset off of buf (off aligned to T's size).
func viewAt[T any](buf []byte, off, n int) []T {
	var z T
	size := int(unsafe.Sizeof(z))
	off -= off % size
	n = max(0, min(n, (len(buf)-off)/size))
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(&buf[off])), n)
}

// FuzzOverlap: the kernels that write a destination, with the destination and the sources
// placed at fuzzer-chosen byte offsets in one buffer so that they may overlap in any way
// (as the host kernels of the WebAssembly build may be asked to), at every level against
// the portable kernels on a copy of the same buffer: the whole buffer must end the same.
func FuzzOverlap(f *testing.F) {
	fuzzcheck.Add(f, make([]byte, 256), uint8(0), uint8(4), uint8(8), uint8(16), int64(3), uint8(0))
	fuzzcheck.Add(f, []byte("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x20\xff\xff\xff\x7f\x00\x00\x00\x80"), uint8(8), uint8(0), uint8(4), uint8(9), int64(-7), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, dOff, sOff, s2Off, n uint8, s int64, op uint8) {
		if len(data) > 1<<12 {
			return
		}
		// An 8-byte-aligned buffer holding data.
		mk := func() []byte {
			w := make([]int64, (len(data)+7)/8)
			b := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(w))), 8*len(w))
			copy(b, data)
			return b
		}
		nn := int(n)
		do := func(k kernelTable, buf []byte) (ret int64, panicked bool) {
			d, o, o2 := int(dOff), int(sOff), int(s2Off)
			panicked = panics(func() {
				switch op % 5 {
				case 0:
					dst, x := viewAt[int32](buf, d, nn), viewAt[int32](buf, o, nn)
					x = x[:min(len(x), len(dst))]
					dst = dst[:len(x)]
					k.addScaledSat(dst, int32(s), x, int32(s>>32)&0x7fffffff)
				case 1:
					dst, x := viewAt[int32](buf, d, nn), viewAt[int32](buf, o, nn)
					x = x[:min(len(x), len(dst))]
					dst = dst[:len(x)]
					if k.addScaledSatExact(dst, int32(s), x, int32(s>>32)&0x7fffffff) {
						ret = 1
					}
				case 2:
					dst, x := viewAt[int64](buf, d, nn), viewAt[int32](buf, o, nn)
					x = x[:min(len(x), len(dst))]
					dst = dst[:len(x)]
					k.addScaled64(dst, s, x)
				case 3:
					dst, x := viewAt[int64](buf, d, nn), viewAt[int64](buf, o, nn)
					x = x[:min(len(x), len(dst))]
					dst = dst[:len(x)]
					k.addScaledI64(dst, s, x)
				case 4:
					dst, a, b := viewAt[int32](buf, d, nn), viewAt[int32](buf, o, nn), viewAt[int32](buf, o2, nn)
					m := min(len(dst), len(a), len(b))
					k.subI32(dst[:m], a[:m], b[:m])
				}
			})
			return ret, panicked
		}
		want := mk()
		wr, wp := do(genericTable, want)
		for l, k := range fuzzLevels(t) {
			got := mk()
			gr, gp := do(k, got)
			if gr != wr || gp != wp || !slices.Equal(got, want) {
				t.Fatalf("%v: op %d, dst@%d src@%d src2@%d n %d s %d: buffer %x (ret %d, panic %v), want %x (%d, %v)",
					l, op%5, dOff, sOff, s2Off, n, s, got, gr, gp, want, wr, wp)
			}
		}
	})
}
