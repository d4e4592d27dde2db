package simd

import (
	"encoding/binary"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/meritchain/merit/internal/fuzzcheck"
)

// matchCountsRef is AddMatchCounts bit by bit: for every feature f set in both q and row
// r, c is added once to out[r].
func matchCountsRef(bits, q []uint64, c int64, out []int64) {
	w := len(q)
	for r := range out {
		for f := 0; f < 64*w; f++ {
			if q[f/64]>>(f%64)&1 == 1 && bits[r*w+f/64]>>(f%64)&1 == 1 {
				out[r] += c
			}
		}
	}
}

// TestAddMatchCounts: AddMatchCounts against the bit-by-bit reference and against
// AddColsConst on the same sets in CSC form (the change it replaces in the trackers), and
// its panics on mismatched lengths.
func TestAddMatchCounts(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 500 {
		n, dims := r.IntN(30), 1+r.IntN(200)
		w := (dims + 63) / 64
		density := r.Float64()
		bits := make([]uint64, n*w)
		// The same rows as CSC columns, for AddColsConst.
		colRows := make([][]uint32, dims)
		for i := range n {
			for f := range dims {
				if r.Float64() < density {
					bits[i*w+f/64] |= 1 << (f % 64)
					colRows[f] = append(colRows[f], uint32(i))
				}
			}
		}
		colptr := []int{0}
		var ents []uint64
		for _, c := range colRows {
			for _, row := range c {
				ents = append(ents, CSCEntry(row, int32(r.Uint32())))
			}
			colptr = append(colptr, len(ents))
		}
		q := make([]uint64, w)
		var idx []uint32
		// In half the queries each word of q is left empty with probability 1/2, so
		// that the first, the last, inner or all words are zero.
		empty := make([]bool, w)
		if r.IntN(2) == 0 {
			for i := range empty {
				empty[i] = r.IntN(2) == 0
			}
		}
		for f := range dims {
			if !empty[f/64] && r.IntN(3) == 0 {
				q[f/64] |= 1 << (f % 64)
				idx = append(idx, uint32(f))
			}
		}
		c := []int64{1, -1, 7, -1 << 63, 1<<63 - 1}[r.IntN(5)]
		base := make([]int64, n)
		for i := range base {
			base[i] = int64(r.Uint64())
		}
		got, want, cols := slices.Clone(base), slices.Clone(base), slices.Clone(base)
		AddMatchCounts(bits, q, c, got)
		matchCountsRef(bits, q, c, want)
		AddColsConst(colptr, ents, idx, c, cols)
		if !slices.Equal(got, want) || !slices.Equal(got, cols) {
			t.Fatalf("n %d dims %d: AddMatchCounts %v, reference %v, AddColsConst %v", n, dims, got, want, cols)
		}
	}
	for name, f := range map[string]func(){
		"short bits": func() { AddMatchCounts(make([]uint64, 5), make([]uint64, 2), 1, make([]int64, 3)) },
		"no query":   func() { AddMatchCounts(make([]uint64, 2), nil, 1, make([]int64, 2)) },
	} {
		if !panics(f) {
			t.Errorf("%s: no panic", name)
		}
	}
	AddMatchCounts(nil, nil, 1, make([]int64, 3)) // no words: nothing to add
}

// FuzzMatchCounts: AddMatchCounts, and the kernel of every level, against the bit-by-bit
// reference on arbitrary words, a row count that may not match them (AddMatchCounts must
// then panic, and each level must panic exactly when the portable kernel does), and any c.
func FuzzMatchCounts(f *testing.F) {
	fuzzcheck.Add(f, []byte{0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, uint8(1), uint8(2), int64(3))
	fuzzcheck.Add(f, make([]byte, 200), uint8(3), uint8(4), int64(-1<<63))
	f.Fuzz(func(t *testing.T, data []byte, wn, nOut uint8, c int64) {
		words := make([]uint64, len(data)/8)
		for i := range words {
			words[i] = binary.LittleEndian.Uint64(data[8*i:])
		}
		w := min(int(wn)%8, len(words))
		q, bits := words[:w], words[w:]
		run := func(k kernelTable) ([]int64, bool) {
			out := make([]int64, int(nOut)%16)
			for i := range out {
				out[i] = int64(i) * c
			}
			return out, panics(func() { k.addMatchCounts(bits, q, c, out) })
		}
		want, wantPanic := run(genericTable)
		exported, exportedPanic := run(kernelTable{addMatchCounts: AddMatchCounts})
		mismatch := len(bits) != len(exported)*len(q) && !(len(q) == 0 && len(bits) == 0)
		if exportedPanic != mismatch {
			t.Fatalf("AddMatchCounts of %d words, query %d, %d rows: panic %v", len(bits), len(q), len(exported), exportedPanic)
		}
		if !exportedPanic && (wantPanic || !slices.Equal(exported, want)) {
			t.Fatalf("AddMatchCounts %v, portable kernel %v (panic %v)", exported, want, wantPanic)
		}
		if !wantPanic {
			ref := make([]int64, len(want))
			for i := range ref {
				ref[i] = int64(i) * c
			}
			matchCountsRef(bits, q, c, ref)
			if !slices.Equal(want, ref) {
				t.Fatalf("portable %v, reference %v", want, ref)
			}
		}
		for l, k := range fuzzLevels(t) {
			got, gotPanic := run(k)
			if gotPanic != wantPanic || !gotPanic && !slices.Equal(got, want) {
				t.Fatalf("%v: %v (panic %v), want %v (panic %v)", l, got, gotPanic, want, wantPanic)
			}
		}
	})
}
