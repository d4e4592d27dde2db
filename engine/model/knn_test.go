package model

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestKNNByHand(t *testing.T) {
	c := Config{Family: KNN, Dims: 2, Classes: 3, Bound: 10, K: 3}
	m := mustNew(t, c)
	wantPredict(t, m, dn(1, 1), 0) // no stored rows → 0
	train := []struct {
		x []int32
		y int
	}{
		{[]int32{0, 0}, 0}, // row 0
		{[]int32{1, 0}, 1}, // row 1
		{[]int32{0, 1}, 1}, // row 2
		{[]int32{3, 3}, 2}, // row 3
		{[]int32{1, 1}, 0}, // row 4
	}
	for i, s := range train {
		if i == 2 {
			mustUpdate(t, m, toSparse(s.x), s.y) // stored densified
		} else {
			mustUpdate(t, m, dn(s.x...), s.y)
		}
	}
	k := m.(*knn)
	if !slices.Equal(k.x, []int32{0, 0, 1, 0, 0, 1, 3, 3, 1, 1}) || !slices.Equal(k.y, []int32{0, 1, 1, 2, 0}) {
		t.Fatalf("stored x=%v y=%v", k.x, k.y)
	}
	cases := []struct {
		x    []int32
		k    int
		want int
	}{
		// Distances (rows 0..4): 0, 1, 1, 18, 2 → rows 0, 1, 2 → labels 0, 1, 1 → 1.
		{[]int32{0, 0}, 3, 1},
		// 2, 1, 1, 8, 0 → rows 4, 1, 2 → labels 0, 1, 1 → 1.
		{[]int32{1, 1}, 3, 1},
		// 8, 5, 5, 2, 2 → rows 3, 4, 1 (3 before 4: same distance, lower index) → labels 2, 0, 1:
		// a three-way tie → the class of the nearest member, row 3's: 2.
		{[]int32{2, 2}, 3, 2},
		// 5, 2, 4, 5, 1 → rows 4, 1, 2 → labels 0, 1, 1 → 1.
		{[]int32{2, 1}, 3, 1},
		// K = 2: rows 0, 1 → labels 0, 1 → tie → row 0's class 0.
		{[]int32{0, 0}, 2, 0},
		// K = 2: rows 3, 4 (both at 2) → labels 2, 0 → tie → row 3's class 2.
		{[]int32{2, 2}, 2, 2},
		// K = 1: the nearest row: row 1 at (1,0)… distances 1, 0, 2, 13, 1 → row 1 → 1.
		{[]int32{1, 0}, 1, 1},
		// K = 10 > 5 rows: all of them, in order 0, 1, 2, 4, 3 → votes 0:2, 1:2, 2:1 →
		// tie between 0 and 1 → row 0's class 0.
		{[]int32{0, 0}, 10, 0},
		// K = 10: order 4(0), 1(1), 2(1), 0(2), 3(8) → votes 0:2, 1:2 → row 4's class 0.
		{[]int32{1, 1}, 10, 0},
		// K = 10: distances 9+9, 4+9, 9+4, 0, 4+4 → order 3, 4, 1, 2, 0 → votes 0:2, 1:2, 2:1 →
		// tie between 0 and 1 → class 0 (row 4 comes before row 1).
		{[]int32{3, 3}, 10, 0},
	}
	for _, cs := range cases {
		k.cfg.K = cs.k
		wantPredict(t, m, dn(cs.x...), cs.want)
		wantPredict(t, m, toSparse(cs.x), cs.want)
	}
	k.cfg.K = 3
	rows := [][]int32{{0, 0}, {1, 1}, {2, 2}, {2, 1}}
	labels := []int32{1, 0, 2, 2}
	// Predictions 1, 1, 2, 1 → 2 correct.
	if got, err := m.Evaluate(denseDS(c, rows, labels)); err != nil || got != 2 {
		t.Fatalf("Evaluate = %d, %v; want 2", got, err)
	}
	if got, err := m.Evaluate(sparseDS(c, rows, labels)); err != nil || got != 2 {
		t.Fatalf("Evaluate(sparse) = %d, %v; want 2", got, err)
	}
}

// refKNN is the direct definition: sort every stored row by (distance, index), keep K,
// count votes, and break vote ties by the first neighbour's position.
func refKNN(k *knn, q []int32) int {
	n := len(k.y)
	if n == 0 {
		return 0
	}
	d := k.cfg.Dims
	type nb struct {
		dist int64
		i    int
	}
	all := make([]nb, n)
	for i := range all {
		var s int64
		for f := range d {
			e := int64(q[f]) - int64(k.x[i*d+f])
			s += e * e
		}
		all[i] = nb{s, i}
	}
	slices.SortFunc(all, func(a, b nb) int { return cmp.Or(cmp.Compare(a.dist, b.dist), cmp.Compare(a.i, b.i)) })
	all = all[:min(k.cfg.K, n)]
	votes := map[int32]int{}
	first := map[int32]int{}
	for pos, a := range all {
		y := k.y[a.i]
		votes[y]++
		if _, ok := first[y]; !ok {
			first[y] = pos
		}
	}
	best := int32(-1)
	for y, v := range votes {
		if best < 0 || v > votes[best] || (v == votes[best] && first[y] < first[best]) {
			best = y
		}
	}
	return int(best)
}

func TestKNNAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for _, K := range []int{1, 2, 3, 5, 31, 32, 33, 40, 100} {
		c := Config{Family: KNN, Dims: 3, Classes: 4, Bound: 3, K: K}
		m := mustNew(t, c)
		k := m.(*knn)
		for n := range 70 {
			// Few distinct values, so many equal distances and vote ties.
			q := []int32{int32(r.IntN(7)) - 3, int32(r.IntN(7)) - 3, int32(r.IntN(7)) - 3}
			if got, want := mustPredict(t, m, dn(q...)), refKNN(k, q); got != want {
				t.Fatalf("K=%d n=%d q=%v: Predict = %d, reference %d", K, n, q, got, want)
			}
			x := []int32{int32(r.IntN(7)) - 3, int32(r.IntN(7)) - 3, int32(r.IntN(7)) - 3}
			mustUpdate(t, m, dn(x...), r.IntN(4))
		}
	}
}

func TestNearestSelection(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	for range 200 {
		n := r.IntN(60)
		dist := make([]int64, n)
		for i := range dist {
			dist[i] = int64(r.IntN(10))
		}
		k := 1 + r.IntN(20)
		got := nearest(dist, k, nil)
		want := make([]int, n)
		for i := range want {
			want[i] = i
		}
		slices.SortStableFunc(want, func(a, b int) int { return cmp.Compare(dist[a], dist[b]) })
		want = want[:min(k, n)]
		if !slices.Equal(got, want) {
			t.Fatalf("nearest(%v, %d) = %v, want %v", dist, k, got, want)
		}
	}
}
