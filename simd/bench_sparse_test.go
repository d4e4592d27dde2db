package simd

import (
	"math/bits"
	"math/rand/v2"
	"testing"
)

// Benchmarks of the sparse-matrix kernels the value trackers spend their time in
// (AddColsScaled, AddColsConst, GatherDotRows), through the exported functions, on two
// shapes: a dense-ish matrix of 250 rows × 32 columns (80% non-zero) and an MNIST-like
// one of 1000 rows × 784 columns (19% non-zero); the vector has the same density. With
// the purego tag they measure the portable kernels, which is what the WebAssembly guest
// runs:
//
//	GOOS=wasip1 GOARCH=wasm go test -tags purego -run '^$' -bench 'Sparse' ./simd/
//
// Names: BenchmarkSparse/<kernel>/<shape>.

type benchSparseShape struct {
	name        string
	rows, cols  int
	density     float64
	ptr, colptr []int
	idx         []uint32
	val         []int32
	ents        []uint64 // the CSC entries
	w           []int32  // dense vector
	vidx        []uint32 // the vector's non-zeros
	vval        []int32
	out         []int64
	scatter     []int64 // out's length rounded up to a power of two, for AddColsScaled
}

func newBenchSparseShape(name string, rows, cols int, density float64) *benchSparseShape {
	r := rand.New(rand.NewPCG(uint64(rows), uint64(cols)))
	s := &benchSparseShape{name: name, rows: rows, cols: cols, density: density}
	s.ptr = []int{0}
	for range rows {
		for c := range cols {
			if r.Float64() < density {
				s.idx = append(s.idx, uint32(c))
				s.val = append(s.val, int32(1+r.IntN(255)))
			}
		}
		s.ptr = append(s.ptr, len(s.idx))
	}
	s.colptr = make([]int, cols+1)
	s.ents = make([]uint64, len(s.idx))
	CSRToCSC(s.ptr, s.idx, s.val, s.colptr, s.ents)
	s.w = make([]int32, cols)
	for c := range cols {
		if r.Float64() < density {
			s.w[c] = int32(1 + r.IntN(255))
			s.vidx = append(s.vidx, uint32(c))
			s.vval = append(s.vval, s.w[c])
		}
	}
	s.out = make([]int64, rows)
	s.scatter = make([]int64, 1<<bits.Len(uint(rows-1)))
	return s
}

func BenchmarkSparse(b *testing.B) {
	shapes := []*benchSparseShape{
		newBenchSparseShape("dense250x32", 250, 32, 0.8),
		newBenchSparseShape("mnist1000x784", 1000, 784, 0.19),
	}
	kernels := []struct {
		name string
		run  func(s *benchSparseShape)
	}{
		{"AddColsScaled", func(s *benchSparseShape) {
			AddColsScaled(s.colptr, s.ents, s.vidx, s.vval, s.scatter)
		}},
		{"AddColsConst", func(s *benchSparseShape) {
			AddColsConst(s.colptr, s.ents, s.vidx, 3, s.out)
		}},
		{"GatherDotRows", func(s *benchSparseShape) {
			GatherDotRows(s.w, s.ptr, s.idx, s.val, s.out)
		}},
	}
	for _, k := range kernels {
		b.Run(k.name, func(b *testing.B) {
			for _, s := range shapes {
				b.Run(s.name, func(b *testing.B) {
					for b.Loop() {
						k.run(s)
					}
				})
			}
		})
	}
}
