package model

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/meritchain/merit/engine/dataset"
)

// removableConfigs are the trackerConfigs of the Remover families.
func removableConfigs() []Config {
	var cs []Config
	for _, c := range trackerConfigs {
		if c.Family != Perceptron {
			cs = append(cs, c)
		}
	}
	return cs
}

func TestPerceptronIsNotARemover(t *testing.T) {
	for _, c := range []int{2, 3} {
		m := mustNew(t, Config{Family: Perceptron, Dims: 2, Classes: c, Bound: 1})
		if _, ok := m.(Remover); ok {
			t.Error("perceptron implements Remover")
		}
	}
	for _, c := range removableConfigs() {
		if _, ok := mustNew(t, c).(Remover); !ok {
			t.Errorf("%s does not implement Remover", c.Family)
		}
	}
}

// TestUpdateRemoveRestores: Update then Remove gives back the same model, encoding and
// every derived cache (compared with reflect.DeepEqual on the whole struct).
func TestUpdateRemoveRestores(t *testing.T) {
	for ci, c := range removableConfigs() {
		r := rand.New(rand.NewPCG(uint64(ci), 5))
		for _, pre := range []int{0, 1, 12} {
			m := trained(t, c, pre, uint64(ci*10+pre))
			rows, labels := randRows(r, c, 20)
			for i, x := range rows {
				before := m.Clone()
				b := enc(t, m)
				row := dn(x...)
				if i%2 == 1 {
					row = toSparse(x)
				}
				mustUpdate(t, m, row, int(labels[i]))
				if i%3 == 0 {
					// Remove the dense or sparse form, whichever Update did not get.
					if row.IsSparse() {
						row = dn(x...)
					} else {
						row = toSparse(x)
					}
				}
				if err := m.(Remover).Remove(row, int(labels[i])); err != nil {
					t.Fatalf("%s: Remove after Update: %v", c.Family, err)
				}
				sameBytes(t, c.Family.String(), enc(t, m), b)
				if !reflect.DeepEqual(normalizeCaps(m), normalizeCaps(before)) {
					t.Fatalf("%s: Remove did not restore the derived state", c.Family)
				}
			}
		}
	}
}

// normalizeCaps returns a deep copy whose slices have no spare capacity (knn's slices
// keep theirs after a delete) and empty knn slices as nil, so that DeepEqual compares
// contents only.
func normalizeCaps(m Model) Model {
	c := m.Clone()
	if k, ok := c.(*knn); ok && len(k.y) == 0 {
		k.x, k.y = nil, nil
	}
	return c
}

// TestRemoveEqualsRetrain: removing training row i gives exactly the model trained on
// the other rows, in order (knn: RemoveIndex(i)).
func TestRemoveEqualsRetrain(t *testing.T) {
	for ci, c := range removableConfigs() {
		r := rand.New(rand.NewPCG(uint64(ci), 6))
		rows, labels := randRows(r, c, 15)
		rows = append(rows, rows[3], rows[0]) // duplicates
		labels = append(labels, labels[3], labels[0])
		full := mustNew(t, c)
		for i, x := range rows {
			mustUpdate(t, full, dn(x...), int(labels[i]))
		}
		for i := range rows {
			want := mustNew(t, c)
			for j, x := range rows {
				if j != i {
					mustUpdate(t, want, dn(x...), int(labels[j]))
				}
			}
			got := full.Clone()
			var err error
			if c.Family == KNN {
				err = got.(IndexRemover).RemoveIndex(i)
			} else {
				err = got.(Remover).Remove(toSparse(rows[i]), int(labels[i]))
			}
			if err != nil {
				t.Fatalf("%s: remove row %d: %v", c.Family, i, err)
			}
			if !reflect.DeepEqual(normalizeCaps(got), normalizeCaps(want)) {
				t.Fatalf("%s: removing row %d differs from retraining without it", c.Family, i)
			}
		}
	}
}

// TestKNNRemoveLatestEqual: Remove deletes the most recent equal row with that label.
func TestKNNRemoveLatestEqual(t *testing.T) {
	c := Config{Family: KNN, Dims: 2, Classes: 3, Bound: 5, K: 3}
	m := mustNew(t, c)
	for _, s := range []struct {
		x []int32
		y int
	}{{[]int32{1, 1}, 0}, {[]int32{2, 2}, 1}, {[]int32{1, 1}, 0}, {[]int32{1, 1}, 2}, {[]int32{3, 3}, 0}} {
		mustUpdate(t, m, dn(s.x...), s.y)
	}
	k := m.(*knn)
	if err := k.Remove(sp([]uint32{0, 1}, []int32{1, 1}), 0); err != nil {
		t.Fatal(err)
	}
	if want := []int32{0, 1, 2, 0}; !reflect.DeepEqual(k.y, want) {
		t.Fatalf("labels after Remove: %v, want %v", k.y, want)
	}
	if want := []int32{1, 1, 2, 2, 1, 1, 3, 3}; !reflect.DeepEqual(k.x, want) {
		t.Fatalf("rows after Remove: %v, want %v", k.x, want)
	}
	if k.Len() != 4 {
		t.Fatalf("Len = %d", k.Len())
	}
}

// TestRemoveRejects: samples that the model cannot hold are errors and change nothing.
func TestRemoveRejects(t *testing.T) {
	// Naive Bayes: what is allowed and what is not, by hand.
	nb := mustNew(t, Config{Family: NaiveBayes, Dims: 3, Classes: 2, Bound: 5})
	mustUpdate(t, nb, dn(1, 0, 2), 0)
	mustUpdate(t, nb, dn(0, 5, 0), 0)
	// N[0] = (1, 5, 2), n[0] = 2. Class 1 is empty; (2, 0, 0) takes more than N[0][0];
	// the rest are not valid rows.
	rejectAll(t, nb, []dataset.Row{dn(1, 0, 2), dn(2, 0, 0), dn(1, 0, 2, 0), dn(-1, 0, 0), dn(6, 0, 0), sp([]uint32{3}, []int32{1})},
		[]int{1, 0, 0, 0, 0, 0})
	// The model keeps sums, not samples: removing (0, 0, 0) would leave N[0] = (1, 5, 2)
	// for one sample, which one sample can give (5 ≤ Bound), so it is accepted.
	if err := nb.Clone().(Remover).Remove(dn(0, 0, 0), 0); err != nil {
		t.Fatalf("naive-bayes: Remove of a possible sample: %v", err)
	}
	nb2 := mustNew(t, Config{Family: NaiveBayes, Dims: 2, Classes: 2, Bound: 5})
	mustUpdate(t, nb2, dn(4, 4), 0)
	mustUpdate(t, nb2, dn(4, 4), 0)
	// Leaving (8 − 1, 8) for one sample breaks 0 ≤ N ≤ n·Bound = 5.
	rejectAll(t, nb2, []dataset.Row{dn(1, 0), dn(0, 0)}, []int{0, 0})

	// Centroid: sums must stay within (n − 1)·Bound.
	ce := mustNew(t, Config{Family: Centroid, Dims: 2, Classes: 2, Bound: 3})
	mustUpdate(t, ce, dn(3, -3), 0)
	rejectAll(t, ce, []dataset.Row{dn(3, -3), dn(2, -3), sp([]uint32{0}, []int32{3}), dn(3, -3, 0), dn(4, 0)}, []int{1, 0, 0, 0, 0})
	if err := ce.(Remover).Remove(dn(3, -3), 0); err != nil {
		t.Fatal(err)
	}
	rejectAll(t, ce, []dataset.Row{dn(3, -3)}, []int{0}) // now empty

	// Sparse centroid: present features must have s ≥ 1; features all samples have must
	// be present.
	sc := mustNew(t, Config{Family: SparseCentroid, Dims: 3, Classes: 2, Bound: 3})
	mustUpdate(t, sc, dn(1, 1, 0), 0)
	mustUpdate(t, sc, dn(1, 0, 0), 0)
	rejectAll(t, sc, []dataset.Row{dn(1, 0, 1), dn(0, 1, 0), dn(0, 0, 0), dn(1, 0, 0)}, []int{0, 0, 0, 1})
	if err := sc.(Remover).Remove(dn(2, 1, 0), 0); err != nil { // values are ignored
		t.Fatal(err)
	}

	// KNN: only stored rows.
	kn := mustNew(t, Config{Family: KNN, Dims: 2, Classes: 2, Bound: 3, K: 1})
	mustUpdate(t, kn, dn(1, 2), 0)
	rejectAll(t, kn, []dataset.Row{dn(1, 2), dn(2, 1), dn(1, 2, 0)}, []int{1, 0, 0})
	for _, i := range []int{-1, 1} {
		if err := kn.(IndexRemover).RemoveIndex(i); !errors.Is(err, ErrInput) {
			t.Errorf("RemoveIndex(%d): %v", i, err)
		}
	}

	// Every family: nothing can be removed from an empty model.
	for _, c := range removableConfigs() {
		rows, labels := randRows(rand.New(rand.NewPCG(3, 3)), c, 3)
		m := mustNew(t, c)
		rejectAll(t, m, []dataset.Row{dn(rows[0]...)}, []int{int(labels[0])})
	}
}

// rejectAll checks that removing each (row, label) fails with ErrInput and leaves m
// unchanged.
func rejectAll(t *testing.T, m Model, rows []dataset.Row, labels []int) {
	t.Helper()
	for i, x := range rows {
		before := enc(t, m)
		snapshot := m.Clone()
		err := m.(Remover).Remove(x, labels[i])
		if !errors.Is(err, ErrInput) {
			t.Errorf("%s: Remove(%v, %d): %v, want ErrInput", m.Config().Family, x, labels[i], err)
			continue
		}
		if !bytes.Equal(before, enc(t, m)) || !reflect.DeepEqual(normalizeCaps(m), normalizeCaps(snapshot)) {
			t.Fatalf("%s: failed Remove(%v, %d) changed the model", m.Config().Family, x, labels[i])
		}
	}
}
