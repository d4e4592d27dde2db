package value

import (
	"testing"

	"github.com/meritchain/merit/engine/rng"
)

// BenchmarkKNNSort times sortByDistance alone on 60,000 rows with MNIST-like distances
// (about 2^26) — the sort phase of KNNShapley.
func BenchmarkKNNSort(b *testing.B) {
	const n = 60000
	train := randomDense(1, n, 1, 10, 1)
	w := newKNNWorker(train, train, knnWeights(n, 5), 1, false)
	r := rng.New(5)
	src := make([]int64, n)
	for i := range src {
		src[i] = int64(r.Uintn(1<<26)) + 1<<20
	}
	for b.Loop() {
		copy(w.dists[0], src)
		w.sortByDistance(w.dists[0], 3)
	}
}

// BenchmarkKNNRecursion times the recursion alone on 60,000 sorted rows.
func BenchmarkKNNRecursion(b *testing.B) {
	const n = 60000
	train := randomDense(1, n, 1, 10, 1)
	w := newKNNWorker(train, train, knnWeights(n, 5), 1, false)
	r := rng.New(5)
	for i := range w.dists[0] {
		w.dists[0][i] = int64(r.Uintn(1 << 26))
	}
	ents, mask := w.sortByDistance(w.dists[0], 3)
	ents = append([]uint64(nil), ents...)
	for b.Loop() {
		w.recurse(ents, mask)
	}
}
