package model

import (
	"errors"
	"slices"
	"testing"
)

func centroidState(t *testing.T, m Model, n, sum []int64, cent []int32, norm []int64) {
	t.Helper()
	c := m.(*centroid)
	if !slices.Equal(c.n, n) || !slices.Equal(c.sum, sum) || !slices.Equal(c.cent, cent) || !slices.Equal(c.norm, norm) {
		t.Fatalf("centroid state n=%v sum=%v cent=%v norm=%v, want n=%v sum=%v cent=%v norm=%v",
			c.n, c.sum, c.cent, c.norm, n, sum, cent, norm)
	}
}

func TestCentroidByHand(t *testing.T) {
	c := Config{Family: Centroid, Dims: 2, Classes: 3, Bound: 10}
	m := mustNew(t, c)
	wantPredict(t, m, dn(3, 3), 0) // no class has data → 0
	// 1. (1,2) → 0: sum0 = (1,2), n0 = 1, cent0 = (1,2), ‖cent0‖² = 5.
	mustUpdate(t, m, dn(1, 2), 0)
	centroidState(t, m, []int64{1, 0, 0}, []int64{1, 2, 0, 0, 0, 0}, []int32{1, 2, 0, 0, 0, 0}, []int64{5, 0, 0})
	wantPredict(t, m, dn(-9, -9), 0) // the only class with data
	// 2. (2,−3) → 0: sum0 = (3,−1), n0 = 2, cent0 = (3/2, −1/2) truncated toward zero = (1, 0).
	mustUpdate(t, m, sp([]uint32{0, 1}, []int32{2, -3}), 0)
	centroidState(t, m, []int64{2, 0, 0}, []int64{3, -1, 0, 0, 0, 0}, []int32{1, 0, 0, 0, 0, 0}, []int64{1, 0, 0})
	// 3. (−4,−4) → 2: sum2 = (−4,−4), n2 = 1, cent2 = (−4,−4), ‖cent2‖² = 32.
	mustUpdate(t, m, dn(-4, -4), 2)
	centroidState(t, m, []int64{2, 0, 1}, []int64{3, -1, 0, 0, -4, -4}, []int32{1, 0, 0, 0, -4, -4}, []int64{1, 0, 32})
	// 4. (−1,1) → 0: sum0 = (2,0), n0 = 3, cent0 = (2/3, 0) = (0, 0).
	mustUpdate(t, m, dn(-1, 1), 0)
	centroidState(t, m, []int64{3, 0, 1}, []int64{2, 0, 0, 0, -4, -4}, []int32{0, 0, 0, 0, -4, -4}, []int64{0, 0, 32})

	for _, cs := range []struct {
		x    []int32
		want int
	}{
		{[]int32{-2, -2}, 0}, // d0 = 8, d2 = 4 + 4 = 8: tie → lowest class
		{[]int32{-3, -3}, 2}, // d0 = 18, d2 = 2
		{[]int32{1, 1}, 0},   // d0 = 2, d2 = 50
		{[]int32{5, 5}, 0},   // d0 = 50, d2 = 162; class 1 (no data, centroid 0) is skipped
		{[]int32{-3, 0}, 0},  // d0 = 9, d2 = 1 + 16 = 17
		{[]int32{0, -3}, 0},  // d0 = 9, d2 = 16 + 1 = 17
		{[]int32{-3, -2}, 2}, // d0 = 13, d2 = 1 + 4 = 5
	} {
		wantPredict(t, m, dn(cs.x...), cs.want)
		wantPredict(t, m, toSparse(cs.x), cs.want)
	}
	// Class 1 never wins although (0,0) is its (empty) centroid exactly.
	wantPredict(t, m, dn(0, 0), 0)

	rows := [][]int32{{-2, -2}, {-3, -3}, {1, 1}, {-3, -2}}
	labels := []int32{2, 2, 1, 2}
	// Predictions 0, 2, 0, 2 → 2 correct.
	if got, err := m.Evaluate(denseDS(c, rows, labels)); err != nil || got != 2 {
		t.Fatalf("Evaluate = %d, %v; want 2", got, err)
	}
	if got, err := m.Evaluate(sparseDS(c, rows, labels)); err != nil || got != 2 {
		t.Fatalf("Evaluate(sparse) = %d, %v; want 2", got, err)
	}
}

func TestCentroidCapacity(t *testing.T) {
	c := Config{Family: Centroid, Dims: 2, Classes: 2, Bound: 1000}
	m := mustNew(t, c)
	ce := m.(*centroid)
	if ce.nmax != (1<<62-1)/1000 {
		t.Fatalf("nmax = %d", ce.nmax)
	}
	ce.n[1] = ce.nmax // n[1]·B < 2^62 must still hold after the update: reject
	before := enc(t, m)
	if err := m.Update(dn(1, 1), 1); !errors.Is(err, ErrCapacity) {
		t.Fatalf("Update at capacity: %v", err)
	}
	sameBytes(t, "rejected update", enc(t, m), before)
	mustUpdate(t, m, dn(1, 1), 0)
}

func TestSparseCentroidByHand(t *testing.T) {
	c := Config{Family: SparseCentroid, Dims: 3, Classes: 2, Bound: 5}
	m := mustNew(t, c)
	sc := m.(*sparseCentroid)
	state := func(n []int64, s []int32, q []int64) {
		t.Helper()
		if !slices.Equal(sc.n, n) || !slices.Equal(sc.cnt, s) || !slices.Equal(sc.q, q) {
			t.Fatalf("state n=%v s=%v Q=%v, want n=%v s=%v Q=%v", sc.n, sc.cnt, sc.q, n, s, q)
		}
	}
	wantPredict(t, m, sp([]uint32{1}, []int32{1}), 0) // no data → 0
	// 1. {0,1} → 0: s0 = (1,1,0), n0 = 1, Q0 = 2.
	mustUpdate(t, m, sp([]uint32{0, 1}, []int32{1, 1}), 0)
	state([]int64{1, 0}, []int32{1, 1, 0, 0, 0, 0}, []int64{2, 0})
	// 2. {1,2} → 0 (a dense row: values are ignored, only presence counts):
	//    G = s0[1] + s0[2] = 1 before, Q0 += 2·1 + 2 → 6 = 1 + 4 + 1; s0 = (1,2,1), n0 = 2.
	mustUpdate(t, m, dn(0, 5, -3), 0)
	state([]int64{2, 0}, []int32{1, 2, 1, 0, 0, 0}, []int64{6, 0})
	// 3. {2} → 1: s1 = (0,0,1), n1 = 1, Q1 = 1.
	mustUpdate(t, m, sp([]uint32{2}, []int32{4}), 1)
	state([]int64{2, 1}, []int32{1, 2, 1, 0, 0, 1}, []int64{6, 1})

	// E_c = m·n² − 2·n·G + Q; distance E_c / n_c². Centroid 0 = (½, 1, ½), centroid 1 = (0, 0, 1).
	// n0 = 2, n1 = 1, so class 0 wins iff E0 < 4·E1.
	for _, cs := range []struct {
		idx  []uint32
		want int
	}{
		{[]uint32{1}, 0},       // E0 = 4 − 8 + 6 = 2 → ½; E1 = 1 − 0 + 1 = 2 → 2
		{[]uint32{2}, 1},       // E0 = 4 − 4 + 6 = 6 → 3/2; E1 = 1 − 2 + 1 = 0
		{[]uint32{0, 2}, 1},    // E0 = 8 − 8 + 6 = 6 → 3/2; E1 = 2 − 2 + 1 = 1
		{[]uint32{0, 1, 2}, 0}, // E0 = 12 − 16 + 6 = 2 → ½; E1 = 3 − 2 + 1 = 2
		{nil, 1},               // E0 = 6 → 3/2; E1 = 1
		{[]uint32{0}, 0},       // E0 = 4 − 4 + 6 = 6 → 3/2; E1 = 1 − 0 + 1 = 2
	} {
		val := make([]int32, len(cs.idx))
		x := make([]int32, 3)
		for i, j := range cs.idx {
			val[i] = int32(i) - 5 // any non-zero values: presence only
			x[j] = 1
		}
		wantPredict(t, m, sp(cs.idx, val), cs.want)
		wantPredict(t, m, dn(x...), cs.want)
	}
	rows := [][]int32{{0, 1, 0}, {0, 0, 1}, {1, 0, 1}, {1, 1, 1}}
	labels := []int32{0, 0, 1, 1}
	// Predictions 0, 1, 1, 0 → 2 correct.
	if got, err := m.Evaluate(denseDS(c, rows, labels)); err != nil || got != 2 {
		t.Fatalf("Evaluate = %d, %v; want 2", got, err)
	}
	if got, err := m.Evaluate(sparseDS(c, rows, labels)); err != nil || got != 2 {
		t.Fatalf("Evaluate(sparse) = %d, %v; want 2", got, err)
	}

	// Ties → lowest class: {0} → 0 and {1} → 1 are both at distance 1 from {0,1} and {}.
	m2 := mustNew(t, Config{Family: SparseCentroid, Dims: 2, Classes: 2, Bound: 1})
	mustUpdate(t, m2, sp([]uint32{0}, []int32{1}), 0)
	mustUpdate(t, m2, sp([]uint32{1}, []int32{1}), 1)
	wantPredict(t, m2, sp([]uint32{0, 1}, []int32{1, 1}), 0)
	wantPredict(t, m2, sp(nil, nil), 0)
	wantPredict(t, m2, sp([]uint32{1}, []int32{-1}), 1)
}

func TestSparseCentroidCapacity(t *testing.T) {
	m := mustNew(t, Config{Family: SparseCentroid, Dims: 3, Classes: 2, Bound: 1})
	sc := m.(*sparseCentroid)
	// The largest n with 3·n² < 2^62 is ⌊√((2^62−1)/3)⌋ = 1239850262.
	if sc.nmax != 1239850262 {
		t.Fatalf("nmax = %d", sc.nmax)
	}
	sc.n[0] = sc.nmax
	before := enc(t, m)
	if err := m.Update(sp([]uint32{1}, []int32{1}), 0); !errors.Is(err, ErrCapacity) {
		t.Fatalf("Update at capacity: %v", err)
	}
	sameBytes(t, "rejected update", enc(t, m), before)
}
