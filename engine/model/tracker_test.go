package model

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/meritchain/merit/engine/dataset"
)

// trackerPair runs the incremental tracker and the naive reference side by side.
type trackerPair struct {
	t     testing.TB
	inc   Tracker
	naive Tracker
	test  *dataset.Dataset
}

func newTrackerPair(t testing.TB, m Model, test *dataset.Dataset) *trackerPair {
	t.Helper()
	naive, err := NewNaiveTracker(m.Clone(), test)
	if err != nil {
		t.Fatalf("NewNaiveTracker: %v", err)
	}
	inc, err := NewTracker(m, test)
	if err != nil {
		t.Fatalf("NewTracker: %v", err)
	}
	p := &trackerPair{t: t, inc: inc, naive: naive, test: test}
	p.check("new")
	return p
}

// check compares counts and model encodings.
func (p *trackerPair) check(what string) {
	p.t.Helper()
	if a, b := p.inc.Correct(), p.naive.Correct(); a != b {
		p.t.Fatalf("%s: %s: incremental Correct() = %d, naive %d", p.inc.Model().Config().Family, what, a, b)
	}
	if !bytes.Equal(enc(p.t, p.inc.Model()), enc(p.t, p.naive.Model())) {
		p.t.Fatalf("%s: %s: models differ", p.inc.Model().Config().Family, what)
	}
}

// add adds one sample to both; both must fail or both succeed with the same count, and
// a failure must change nothing.
func (p *trackerPair) add(x dataset.Row, y int) error {
	p.t.Helper()
	before := enc(p.t, p.inc.Model())
	c0 := p.inc.Correct()
	a, errA := p.inc.Add(x, y)
	b, errB := p.naive.Add(x, y)
	if (errA == nil) != (errB == nil) {
		p.t.Fatalf("Add(%v, %d): incremental error %v, naive error %v", x, y, errA, errB)
	}
	if errA != nil {
		if a != c0 || p.inc.Correct() != c0 || !bytes.Equal(before, enc(p.t, p.inc.Model())) {
			p.t.Fatalf("failed Add(%v, %d) changed the tracker: %v", x, y, errA)
		}
		return errA
	}
	if a != b {
		p.t.Fatalf("%s: Add(%v, %d) = %d, naive %d", p.inc.Model().Config().Family, x, y, a, b)
	}
	p.check("after Add")
	return nil
}

// remove removes one sample from the incremental tracker (a RemovingTracker) and from a
// copy of the naive model, re-evaluated.
func (p *trackerPair) remove(x dataset.Row, y int) error {
	p.t.Helper()
	rt, ok := p.inc.(RemovingTracker)
	if !ok {
		p.t.Fatalf("%T is not a RemovingTracker", p.inc)
	}
	before := enc(p.t, p.inc.Model())
	c0 := rt.Correct()
	got, err := rt.Remove(x, y)
	ref := p.naive.Model().(Remover)
	errRef := ref.Remove(x, y)
	if (err == nil) != (errRef == nil) {
		p.t.Fatalf("Remove(%v, %d): incremental error %v, model error %v", x, y, err, errRef)
	}
	if err != nil {
		if got != c0 || !bytes.Equal(before, enc(p.t, p.inc.Model())) {
			p.t.Fatalf("failed Remove changed the tracker: %v", err)
		}
		return err
	}
	want, err := p.naive.Model().Evaluate(p.test)
	if err != nil {
		p.t.Fatal(err)
	}
	if got != want || rt.Correct() != want {
		p.t.Fatalf("%s: Remove = %d, re-evaluation %d", p.inc.Model().Config().Family, got, want)
	}
	if !bytes.Equal(enc(p.t, p.inc.Model()), enc(p.t, p.naive.Model())) {
		p.t.Fatal("models differ after Remove")
	}
	// Resynchronise the naive tracker's count with its model.
	p.naive.(*naiveTracker).correct = want
	return nil
}

// trackerConfigs are the generic test configs plus adversarial ones.
var trackerConfigs = append(append([]Config(nil), testConfigs...),
	// Saturation: a huge learning rate saturates every weight on the first mistake.
	Config{Family: Perceptron, Dims: 4, Classes: 2, ScaleExp: 0, Bound: 3, LearningRate: 1<<31 - 1},
	Config{Family: Perceptron, Dims: 4, Classes: 3, ScaleExp: 0, Bound: 3, LearningRate: 1<<31 - 1},
	// S = 10^9: the bias saturates after three steps of lr·S.
	Config{Family: Perceptron, Dims: 3, Classes: 4, ScaleExp: 9, Bound: 2, LearningRate: 1},
	Config{Family: Perceptron, Dims: 3, Classes: 2, ScaleExp: 9, Bound: 1_000_000, LearningRate: 700_000_000},
	// Tiny bounds: many ties between scores and distances.
	Config{Family: Perceptron, Dims: 2, Classes: 5, Bound: 1},
	Config{Family: NaiveBayes, Dims: 2, Classes: 4, Bound: 1, AlphaMicro: 1},
	Config{Family: Centroid, Dims: 2, Classes: 4, Bound: 1},
	Config{Family: SparseCentroid, Dims: 3, Classes: 4, Bound: 1},
	Config{Family: KNN, Dims: 2, Classes: 3, Bound: 1, K: 1},
	Config{Family: KNN, Dims: 2, Classes: 3, Bound: 1, K: 4},
	Config{Family: KNN, Dims: 4, Classes: 5, Bound: 2, K: 1000}, // K beyond the stored rows
)

// randDataset returns a dense dataset of n random rows for c.
func randDataset(r *rand.Rand, c Config, n int) *dataset.Dataset {
	rows, labels := randRows(r, c, n)
	return denseDS(c, rows, labels)
}

func TestTrackerRandom(t *testing.T) {
	for ci, c := range trackerConfigs {
		for _, sparseTest := range []bool{false, true} {
			for _, pre := range []int{0, 7} {
				r := rand.New(rand.NewPCG(uint64(ci), uint64(pre)))
				testRows, testLabels := randRows(r, c, 30)
				test := denseDS(c, testRows, testLabels)
				if sparseTest {
					test = sparseDS(c, testRows, testLabels)
				}
				m := trained(t, c, pre, uint64(ci)+100)
				p := newTrackerPair(t, m, test)
				rows, labels := randRows(r, c, 60)
				for i, x := range rows {
					row := dn(x...)
					if i%3 == 1 {
						row = toSparse(x)
					}
					p.add(row, int(labels[i]))
					if i%7 == 3 { // a duplicate of an earlier sample
						j := r.IntN(i + 1)
						p.add(dn(rows[j]...), int(labels[j]))
					}
					if i%5 == 0 { // a test row as a training sample: distance 0, ties
						j := r.IntN(len(testRows))
						p.add(dn(testRows[j]...), int(testLabels[j]))
					}
				}
				// Bad input: errors, nothing changes.
				badRow := make([]int32, c.Dims)
				badRow[0] = c.Bound + 1
				for _, bad := range []struct {
					x dataset.Row
					y int
				}{
					{dn(rows[0]...), -1},
					{dn(rows[0]...), c.Classes},
					{dn(badRow...), 0},
					{dn(append(rows[0], 0)...), 0},
					{sp([]uint32{uint32(c.Dims)}, []int32{1}), 0},
					{sp([]uint32{0, 0}, []int32{1, 1}), 0},
				} {
					if err := p.add(bad.x, bad.y); err == nil {
						t.Fatalf("%s: Add(%v, %d) accepted", c.Family, bad.x, bad.y)
					}
				}
				if c.Family == NaiveBayes {
					neg := make([]int32, c.Dims)
					neg[0] = -1
					if err := p.add(dn(neg...), 0); err == nil {
						t.Fatal("naive-bayes accepted a negative feature")
					}
				}
				if _, ok := p.inc.(RemovingTracker); !ok {
					if c.Family != Perceptron {
						t.Fatalf("%s tracker is not a RemovingTracker", c.Family)
					}
					continue
				}
				// Remove every added sample, newest first for knn and in a scrambled
				// order for the others; then some that are not there.
				order := r.Perm(len(rows))
				for k := range rows {
					i := order[k]
					if c.Family == KNN {
						i = len(rows) - 1 - k
					}
					if err := p.remove(dn(rows[i]...), int(labels[i])); err != nil {
						t.Fatalf("%s: Remove of added row %d: %v", c.Family, i, err)
					}
				}
				for _, bad := range []struct {
					x dataset.Row
					y int
				}{{dn(rows[0]...), c.Classes}, {dn(badRow...), 0}} {
					if err := p.remove(bad.x, bad.y); err == nil {
						t.Fatalf("%s: Remove(%v, %d) accepted", c.Family, bad.x, bad.y)
					}
				}
			}
		}
	}
}

func TestTrackerKNNRemoveIndex(t *testing.T) {
	c := Config{Family: KNN, Dims: 3, Classes: 3, Bound: 2, K: 3}
	r := rand.New(rand.NewPCG(8, 8))
	test := randDataset(r, c, 40)
	m := trained(t, c, 25, 3)
	tr, err := NewTracker(m, test)
	if err != nil {
		t.Fatal(err)
	}
	rm := tr.(interface{ RemoveIndex(int) (int, error) })
	for m.(*knn).Len() > 0 {
		i := r.IntN(m.(*knn).Len())
		got, err := rm.RemoveIndex(i)
		if err != nil {
			t.Fatal(err)
		}
		if want, _ := m.Evaluate(test); got != want {
			t.Fatalf("RemoveIndex(%d) = %d, Evaluate %d", i, got, want)
		}
	}
	if _, err := rm.RemoveIndex(0); !errors.Is(err, ErrInput) {
		t.Fatalf("RemoveIndex on an empty model: %v", err)
	}
}

func TestNewTrackerErrors(t *testing.T) {
	for _, c := range testConfigs {
		m := mustNew(t, c)
		r := rand.New(rand.NewPCG(1, 1))
		good := randDataset(r, c, 3)
		bad := []*dataset.Dataset{nil}
		d := *good
		d.Dims++
		bad = append(bad, &d)
		s := *good
		s.ScaleExp = (c.ScaleExp + 1) % 10
		bad = append(bad, &s)
		k := *good
		k.Classes = c.Classes + 1
		bad = append(bad, &k)
		b := *good
		b.X = append([]int32(nil), good.X...)
		b.X[0] = c.Bound + 1
		bad = append(bad, &b)
		for i, ds := range bad {
			if _, err := NewTracker(m, ds); !errors.Is(err, ErrInput) {
				t.Errorf("%s: bad test set %d: %v", c.Family, i, err)
			}
			if _, err := NewNaiveTracker(m, ds); err == nil {
				t.Errorf("%s: naive: bad test set %d accepted", c.Family, i)
			}
		}
	}
	if _, err := NewTracker(nil, nil); !errors.Is(err, ErrInput) {
		t.Errorf("NewTracker(nil): %v", err)
	}
	if _, err := NewNaiveTracker(nil, nil); !errors.Is(err, ErrInput) {
		t.Errorf("NewNaiveTracker(nil): %v", err)
	}
}

// TestTrackerEmptyTest: an empty test set is valid; Correct stays 0.
func TestTrackerEmptyTest(t *testing.T) {
	for _, c := range testConfigs {
		test := denseDS(c, nil, []int32{})
		p := newTrackerPair(t, mustNew(t, c), test)
		rows, labels := randRows(rand.New(rand.NewPCG(2, 2)), c, 10)
		for i, x := range rows {
			p.add(dn(x...), int(labels[i]))
		}
	}
}

// loadReal loads a shipped dataset and splits it (a third for test).
func loadReal(t testing.TB, name string) (train, test *dataset.Dataset) {
	t.Helper()
	l, err := dataset.Load("../../testdata/"+name, dataset.LoadOptions{ScaleExp: dataset.AutoScale})
	if err != nil {
		t.Fatal(err)
	}
	train, test, err = dataset.Split(l.Data, 1, 3, 7)
	if err != nil {
		t.Fatal(err)
	}
	return train, test
}

// realConfig returns a config of family f for ds.
func realConfig(f Family, ds *dataset.Dataset) Config {
	return Config{Family: f, Dims: ds.Dims, Classes: ds.Classes, ScaleExp: ds.ScaleExp, Bound: max(ds.MaxAbs(), 1), K: 5}
}

func TestTrackerRealData(t *testing.T) {
	for _, name := range []string{"iris.csv", "digits.csv.gz"} {
		train, test := loadReal(t, name)
		for _, f := range Families() {
			tr, te := train, test
			if name == "digits.csv.gz" {
				// Keep the naive reference affordable: it re-evaluates after every Add.
				n, k := 300, 150
				if f == KNN {
					n, k = 150, 80
				}
				tr = subset(t, train, n)
				te = subset(t, test, k)
			}
			for _, sparse := range []bool{false, true} {
				te := te
				if sparse {
					var err error
					if te, err = te.ToSparse(); err != nil {
						t.Fatal(err)
					}
				}
				p := newTrackerPair(t, mustNew(t, realConfig(f, tr)), te)
				for i := range tr.Len() {
					if err := p.add(tr.Row(i), int(tr.Y[i])); err != nil {
						t.Fatalf("%s %s row %d: %v", name, f, i, err)
					}
				}
				if p.inc.Correct()*2 < te.Len() && f != Perceptron && f != SparseCentroid {
					t.Errorf("%s %s: only %d of %d correct", name, f, p.inc.Correct(), te.Len())
				}
			}
		}
	}
}

func subset(t testing.TB, ds *dataset.Dataset, n int) *dataset.Dataset {
	t.Helper()
	idx := make([]int, min(n, ds.Len()))
	for i := range idx {
		idx[i] = i
	}
	s, err := ds.Subset(idx)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestTrackerPerceptronNoMistake: a sample the model predicts correctly changes nothing.
func TestTrackerPerceptronSaturates(t *testing.T) {
	c := Config{Family: Perceptron, Dims: 2, Classes: 3, Bound: 5, LearningRate: 1<<31 - 1}
	m := mustNew(t, c)
	test := denseDS(c, [][]int32{{1, 0}, {0, 1}, {5, 5}, {-5, 0}}, []int32{0, 1, 2, 1})
	p := newTrackerPair(t, m, test)
	for _, s := range []struct {
		x []int32
		y int
	}{{[]int32{1, 0}, 1}, {[]int32{1, 0}, 2}, {[]int32{0, 1}, 1}, {[]int32{5, 5}, 2}, {[]int32{-5, 0}, 1}, {[]int32{1, 0}, 0}} {
		p.add(dn(s.x...), s.y)
	}
	w := p.inc.Model().(*perceptron)
	saturated := false
	for _, v := range w.w {
		if v == w.lim || v == -w.lim {
			saturated = true
		}
	}
	if !saturated {
		t.Fatal("the test did not reach saturation")
	}
}

// wrapped is a Model that is not one of the package's families.
type wrapped struct{ Model }

func (w wrapped) Clone() Model { return wrapped{w.Model.Clone()} }

// TestTrackerOtherModel: a foreign Model implementation gets the naive tracker.
func TestTrackerOtherModel(t *testing.T) {
	c := testConfigs[0]
	r := rand.New(rand.NewPCG(5, 5))
	test := randDataset(r, c, 10)
	p := newTrackerPair(t, wrapped{mustNew(t, c)}, test)
	if _, ok := p.inc.(*naiveTracker); !ok {
		t.Fatalf("NewTracker of a foreign model gave %T", p.inc)
	}
	rows, labels := randRows(r, c, 10)
	for i, x := range rows {
		p.add(dn(x...), int(labels[i]))
	}
}
