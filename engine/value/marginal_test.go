package value

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/model"
)

// mgDense builds a dense dataset of one-dimensional or wider rows by hand.
func mgDense(c model.Config, rows [][]int32, labels []int32) *dataset.Dataset {
	ds := &dataset.Dataset{Kind: dataset.Dense, Dims: c.Dims, Classes: c.Classes, ScaleExp: c.ScaleExp, Y: labels, X: []int32{}}
	for _, r := range rows {
		ds.X = append(ds.X, r...)
	}
	return ds
}

// mgRandom returns n random rows for c: about half zeros, values in [−Bound, Bound]
// (non-negative for naive Bayes), optionally in sparse form.
func mgRandom(r *rand.Rand, c model.Config, n int, sparse bool) *dataset.Dataset {
	ds := &dataset.Dataset{Kind: dataset.Dense, Dims: c.Dims, Classes: c.Classes, ScaleExp: c.ScaleExp, Y: make([]int32, n), X: make([]int32, n*c.Dims)}
	for i := range ds.X {
		if r.IntN(2) == 0 {
			continue
		}
		v := int32(r.IntN(int(2*c.Bound+1))) - c.Bound
		if c.Family == model.NaiveBayes && v < 0 {
			v = -v
		}
		ds.X[i] = v
	}
	for i := range ds.Y {
		ds.Y[i] = int32(r.IntN(c.Classes))
	}
	if sparse {
		s, err := ds.ToSparse()
		if err != nil {
			panic(err)
		}
		return s
	}
	return ds
}

// mgLoad loads a shipped dataset, split a third for test, and keeps at most nTrain and
// nTest rows of each side.
func mgLoad(t testing.TB, name string, nTrain, nTest int) (train, test *dataset.Dataset) {
	t.Helper()
	l, err := dataset.Load("../../testdata/"+name, dataset.LoadOptions{ScaleExp: dataset.AutoScale})
	if err != nil {
		t.Fatal(err)
	}
	train, test, err = dataset.Split(l.Data, 1, 3, 11)
	if err != nil {
		t.Fatal(err)
	}
	return mgPrefix(t, train, nTrain), mgPrefix(t, test, nTest)
}

func mgPrefix(t testing.TB, ds *dataset.Dataset, n int) *dataset.Dataset {
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

// mgConfig returns a config of family f fitting the datasets.
func mgConfig(f model.Family, ds ...*dataset.Dataset) model.Config {
	b := int32(1)
	for _, d := range ds {
		b = max(b, d.MaxAbs())
	}
	return model.Config{Family: f, Dims: ds[0].Dims, Classes: ds[0].Classes, ScaleExp: ds[0].ScaleExp, Bound: b, K: 5}
}

func mgEqual(a, b Values) bool { return a.Den == b.Den && slices.Equal(a.Num, b.Num) }

// mgMust returns a function that fails t on an error: mgMust(t)(Marginal(p)).
func mgMust(t testing.TB) func(Values, error) Values {
	return func(v Values, err error) Values {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func TestMarginalByHand(t *testing.T) {
	cases := []struct {
		name  string
		cfg   model.Config
		train [][]int32
		ty    []int32
		test  [][]int32
		sy    []int32
		want  []int64
	}{
		{
			// Empty model: class 0 everywhere, 2 of 3 correct. (10, 1): class 1 only →
			// 1 correct. (0, 0): centroids 0 and 10 → all 3 correct. (6, 1): centroid 1
			// moves to 16/2 = 8; test 4 is at 16 from both → the lower class 0: still 3.
			"centroid",
			model.Config{Family: model.Centroid, Dims: 1, Classes: 2, Bound: 10},
			[][]int32{{10}, {0}, {6}}, []int32{1, 0, 1},
			[][]int32{{0}, {10}, {4}}, []int32{0, 1, 0},
			[]int64{-1, 2, 0},
		},
		{
			// Binary perceptron, S = 1, lr = 1. Empty: score 0 → class 0: 1 of 2. (2, 1): a
			// mistake → w = 2, b = 1: scores 5, −3 → both correct. (−2, 0): score −3,
			// correct, no change. (1, 0): score 3, a mistake → w = 1, b = 0: scores 2, −2 →
			// still both correct.
			"perceptron",
			model.Config{Family: model.Perceptron, Dims: 1, Classes: 2, Bound: 5},
			[][]int32{{2}, {-2}, {1}}, []int32{1, 0, 0},
			[][]int32{{2}, {-2}}, []int32{1, 0},
			[]int64{1, 0, 0},
		},
		{
			// KNN, K = 1. Empty: class 0: 1 of 3 correct. (0, 0): all nearest row 0 → 1.
			// (10, 1): tests 0, 2 → row 0 (class 0); 9 → row 1 → 2 correct. (1, 1): test
			// 2 → row 2 at distance 1 → 3 correct.
			"knn",
			model.Config{Family: model.KNN, Dims: 1, Classes: 2, Bound: 10, K: 1},
			[][]int32{{0}, {10}, {1}}, []int32{0, 1, 1},
			[][]int32{{0}, {2}, {9}}, []int32{0, 1, 1},
			[]int64{0, 1, 1},
		},
	}
	for _, c := range cases {
		p := Problem{Config: c.cfg, Train: mgDense(c.cfg, c.train, c.ty), Test: mgDense(c.cfg, c.test, c.sy)}
		for _, f := range []func(Problem) (Values, error){Marginal, MarginalNaive} {
			v := mgMust(t)(f(p))
			if v.Den != int64(len(c.sy)) || !slices.Equal(v.Num, c.want) {
				t.Errorf("%s: %v / %d, want %v / %d", c.name, v.Num, v.Den, c.want, len(c.sy))
			}
		}
	}
}

// TestMarginalMatchesNaive: the incremental and the naive scores are identical, on real
// and random data, for every family, with dense and sparse rows.
func TestMarginalMatchesNaive(t *testing.T) {
	type prob struct {
		name string
		p    Problem
	}
	var probs []prob
	for _, name := range []string{"iris.csv", "digits.csv.gz"} {
		for _, f := range model.Families() {
			nTrain, nTest := 300, 120
			if f == model.KNN && name == "digits.csv.gz" {
				nTrain, nTest = 150, 60
			}
			train, test := mgLoad(t, name, nTrain, nTest)
			cfg := mgConfig(f, train, test)
			probs = append(probs, prob{name + "/" + f.String(), Problem{Config: cfg, Train: train, Test: test}})
			strain, _ := train.ToSparse()
			stest, _ := test.ToSparse()
			probs = append(probs, prob{name + "/" + f.String() + "/sparse", Problem{Config: cfg, Train: strain, Test: stest}})
		}
	}
	r := rand.New(rand.NewPCG(4, 4))
	for _, cfg := range []model.Config{
		{Family: model.Perceptron, Dims: 3, Classes: 3, Bound: 2, LearningRate: 1<<31 - 1},
		{Family: model.Perceptron, Dims: 3, Classes: 2, ScaleExp: 9, Bound: 2},
		{Family: model.NaiveBayes, Dims: 4, Classes: 3, Bound: 2},
		{Family: model.Centroid, Dims: 2, Classes: 4, Bound: 1},
		{Family: model.SparseCentroid, Dims: 4, Classes: 3, Bound: 1},
		{Family: model.KNN, Dims: 2, Classes: 3, Bound: 1, K: 3},
		{Family: model.KNN, Dims: 2, Classes: 3, Bound: 2, K: 100},
	} {
		probs = append(probs, prob{"random/" + cfg.Family.String(), Problem{Config: cfg, Train: mgRandom(r, cfg, 80, false), Test: mgRandom(r, cfg, 40, true)}})
	}
	for _, pr := range probs {
		inc := mgMust(t)(Marginal(pr.p))
		naive := mgMust(t)(MarginalNaive(pr.p))
		if !mgEqual(inc, naive) {
			t.Fatalf("%s: incremental %v, naive %v", pr.name, inc.Num, naive.Num)
		}
		// The values add up to the final accuracy minus the empty model's.
		m, _ := model.New(pr.p.Config)
		u0, _ := m.Evaluate(pr.p.Test)
		for i := range pr.p.Train.Len() {
			if err := m.Update(pr.p.Train.Row(i), int(pr.p.Train.Y[i])); err != nil {
				t.Fatal(err)
			}
		}
		u1, _ := m.Evaluate(pr.p.Test)
		var sum int64
		for _, v := range inc.Num {
			sum += v
		}
		if sum != int64(u1-u0) || inc.Den != int64(pr.p.Test.Len()) {
			t.Fatalf("%s: values sum to %d/%d, want (%d − %d)/%d", pr.name, sum, inc.Den, u1, u0, pr.p.Test.Len())
		}
	}
}

// TestMarginalFrom: scoring on top of a trained model continues the sequence exactly,
// and leaves the model untouched.
func TestMarginalFrom(t *testing.T) {
	train, test := mgLoad(t, "iris.csv", 100, 50)
	for _, f := range model.Families() {
		cfg := mgConfig(f, train, test)
		all := mgMust(t)(Marginal(Problem{Config: cfg, Train: train, Test: test}))
		h := 40
		first, err := train.Subset(mgRange(0, h))
		if err != nil {
			t.Fatal(err)
		}
		rest, err := train.Subset(mgRange(h, train.Len()))
		if err != nil {
			t.Fatal(err)
		}
		m, _ := model.New(cfg)
		for i := range first.Len() {
			if err := m.Update(first.Row(i), int(first.Y[i])); err != nil {
				t.Fatal(err)
			}
		}
		before, _ := m.MarshalBinary()
		v := mgMust(t)(MarginalFrom(m, rest, test))
		if !slices.Equal(v.Num, all.Num[h:]) || v.Den != all.Den {
			t.Fatalf("%s: MarginalFrom %v, want %v", f, v.Num, all.Num[h:])
		}
		if after, _ := m.MarshalBinary(); !bytes.Equal(before, after) {
			t.Fatalf("%s: MarginalFrom modified its model", f)
		}
	}
}

func mgRange(lo, hi int) []int {
	idx := make([]int, 0, hi-lo)
	for i := lo; i < hi; i++ {
		idx = append(idx, i)
	}
	return idx
}

// mgBadProblems returns invalid problems and a word their error must contain.
func mgBadProblems(t testing.TB) []struct {
	name string
	p    Problem
	want string
} {
	cfg := model.Config{Family: model.Centroid, Dims: 2, Classes: 2, Bound: 5}
	good := func() *dataset.Dataset { return mgDense(cfg, [][]int32{{1, 2}, {3, 4}}, []int32{0, 1}) }
	dims := good()
	dims.Dims, dims.X = 1, []int32{1, 2}
	scale := good()
	scale.ScaleExp = 1
	classes := good()
	classes.Classes = 3
	invalid := good()
	invalid.Y[0] = 7
	bound := good()
	bound.X[3] = 6
	empty := mgDense(cfg, nil, []int32{})
	badCfg := cfg
	badCfg.Dims = 0
	return []struct {
		name string
		p    Problem
		want string
	}{
		{"nil train", Problem{Config: cfg, Test: good()}, "nil training set"},
		{"nil test", Problem{Config: cfg, Train: good()}, "nil test set"},
		{"train dims", Problem{Config: cfg, Train: dims, Test: good()}, "Dims"},
		{"test dims", Problem{Config: cfg, Train: good(), Test: dims}, "Dims"},
		{"train scale", Problem{Config: cfg, Train: scale, Test: good()}, "ScaleExp"},
		{"test scale", Problem{Config: cfg, Train: good(), Test: scale}, "ScaleExp"},
		{"classes", Problem{Config: cfg, Train: classes, Test: good()}, "Classes"},
		{"invalid", Problem{Config: cfg, Train: invalid, Test: good()}, "label"},
		{"empty test", Problem{Config: cfg, Train: good(), Test: empty}, "empty test set"},
		{"config", Problem{Config: badCfg, Train: good(), Test: good()}, "Dims"},
		{"train bound", Problem{Config: cfg, Train: bound, Test: good()}, "row 1"},
		{"test bound", Problem{Config: cfg, Train: good(), Test: bound}, "test set"},
	}
}

func TestMarginalBadProblems(t *testing.T) {
	for _, c := range mgBadProblems(t) {
		for name, f := range map[string]func(Problem) (Values, error){"Marginal": Marginal, "MarginalNaive": MarginalNaive} {
			v, err := f(c.p)
			if err == nil || !strings.Contains(err.Error(), c.want) || v.Num != nil {
				t.Errorf("%s(%s): %v, %v; want an error containing %q", name, c.name, v, err, c.want)
			}
		}
	}
	if _, err := MarginalFrom(nil, nil, nil); err == nil {
		t.Error("MarginalFrom(nil) accepted")
	}
	// An empty training set is fine: no values.
	cfg := model.Config{Family: model.KNN, Dims: 1, Classes: 2, Bound: 1}
	v := mgMust(t)(Marginal(Problem{Config: cfg, Train: mgDense(cfg, nil, []int32{}), Test: mgDense(cfg, [][]int32{{1}}, []int32{1})}))
	if len(v.Num) != 0 || v.Den != 1 {
		t.Errorf("empty training set: %v", v)
	}
}
