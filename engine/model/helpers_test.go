package model

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/meritchain/merit/engine/dataset"
)

// dn returns a dense row.
func dn(x ...int32) dataset.Row { return dataset.Row{Dense: x} }

// sp returns a sparse row with the given indices and values.
func sp(idx []uint32, val []int32) dataset.Row {
	if idx == nil {
		idx = []uint32{}
	}
	if val == nil {
		val = []int32{}
	}
	return dataset.Row{Idx: idx, Val: val}
}

// toSparse returns the sparse form of a dense row.
func toSparse(x []int32) dataset.Row {
	r := dataset.Row{Idx: []uint32{}, Val: []int32{}}
	for i, v := range x {
		if v != 0 {
			r.Idx = append(r.Idx, uint32(i))
			r.Val = append(r.Val, v)
		}
	}
	return r
}

func mustNew(t testing.TB, c Config) Model {
	t.Helper()
	m, err := New(c)
	if err != nil {
		t.Fatalf("New(%+v): %v", c, err)
	}
	return m
}

func mustUpdate(t testing.TB, m Model, x dataset.Row, y int) {
	t.Helper()
	if err := m.Update(x, y); err != nil {
		t.Fatalf("Update(%v, %d): %v", x, y, err)
	}
}

func mustPredict(t testing.TB, m Model, x dataset.Row) int {
	t.Helper()
	p, err := m.Predict(x)
	if err != nil {
		t.Fatalf("Predict(%v): %v", x, err)
	}
	return p
}

func wantPredict(t testing.TB, m Model, x dataset.Row, want int) {
	t.Helper()
	if got := mustPredict(t, m, x); got != want {
		t.Errorf("%s: Predict(%v) = %d, want %d", m.Config().Family, x, got, want)
	}
}

func enc(t testing.TB, m Model) []byte {
	t.Helper()
	b, err := m.MarshalBinary()
	if err != nil {
		t.Fatalf("MarshalBinary: %v", err)
	}
	return b
}

// denseDS builds a dense dataset by hand.
func denseDS(c Config, rows [][]int32, labels []int32) *dataset.Dataset {
	ds := &dataset.Dataset{Kind: dataset.Dense, Dims: c.Dims, Classes: c.Classes, ScaleExp: c.ScaleExp, Y: labels, X: []int32{}}
	for _, r := range rows {
		ds.X = append(ds.X, r...)
	}
	return ds
}

// sparseDS builds the sparse form of the same dataset.
func sparseDS(c Config, rows [][]int32, labels []int32) *dataset.Dataset {
	ds := &dataset.Dataset{Kind: dataset.Sparse, Dims: c.Dims, Classes: c.Classes, ScaleExp: c.ScaleExp, Y: labels,
		Ptr: []int{0}, Idx: []uint32{}, Val: []int32{}}
	for _, r := range rows {
		s := toSparse(r)
		ds.Idx = append(ds.Idx, s.Idx...)
		ds.Val = append(ds.Val, s.Val...)
		ds.Ptr = append(ds.Ptr, len(ds.Idx))
	}
	return ds
}

// testConfigs holds one small config per family shape, used by the generic tests.
var testConfigs = []Config{
	{Family: Perceptron, Dims: 5, Classes: 2, ScaleExp: 1, Bound: 20, LearningRate: 3},
	{Family: Perceptron, Dims: 5, Classes: 4, ScaleExp: 0, Bound: 20},
	{Family: NaiveBayes, Dims: 5, Classes: 3, ScaleExp: 1, Bound: 20, AlphaMicro: 500_000},
	{Family: Centroid, Dims: 5, Classes: 3, ScaleExp: 0, Bound: 20},
	{Family: SparseCentroid, Dims: 5, Classes: 3, ScaleExp: 0, Bound: 20},
	{Family: KNN, Dims: 5, Classes: 3, ScaleExp: 0, Bound: 20, K: 3},
	{Family: KNN, Dims: 3, Classes: 4, ScaleExp: 2, Bound: 5, K: 40},
}

// randRows returns n random dense rows for c (about half zeros; non-negative for
// naive-bayes) and labels in [0, Classes).
func randRows(r *rand.Rand, c Config, n int) ([][]int32, []int32) {
	rows := make([][]int32, n)
	labels := make([]int32, n)
	for i := range rows {
		x := make([]int32, c.Dims)
		for f := range x {
			if r.IntN(2) == 0 {
				continue
			}
			x[f] = int32(r.IntN(int(2*c.Bound+1))) - c.Bound
			if c.Family == NaiveBayes && x[f] < 0 {
				x[f] = -x[f]
			}
		}
		rows[i] = x
		labels[i] = int32(r.IntN(c.Classes))
	}
	return rows, labels
}

// trained returns a model of config c trained on n random rows from seed.
func trained(t testing.TB, c Config, n int, seed uint64) Model {
	t.Helper()
	m := mustNew(t, c)
	rows, labels := randRows(rand.New(rand.NewPCG(seed, 99)), c, n)
	for i, x := range rows {
		mustUpdate(t, m, dn(x...), int(labels[i]))
	}
	return m
}

func sameBytes(t testing.TB, what string, got, want []byte) {
	t.Helper()
	if !bytes.Equal(got, want) {
		t.Fatalf("%s: encodings differ (%d vs %d bytes)", what, len(got), len(want))
	}
}
