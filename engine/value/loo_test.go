package value

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/meritchain/merit/engine/model"
)

// looRefRetrain is leave-one-out by definition: for every row, a model trained from
// empty on the other rows, in order, evaluated.
func looRefRetrain(t testing.TB, p Problem) Values {
	t.Helper()
	train := func(skip int) int {
		m, err := model.New(p.Config)
		if err != nil {
			t.Fatal(err)
		}
		for j := range p.Train.Len() {
			if j != skip {
				if err := m.Update(p.Train.Row(j), int(p.Train.Y[j])); err != nil {
					t.Fatal(err)
				}
			}
		}
		u, err := m.Evaluate(p.Test)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	all := train(-1)
	v := Values{Num: make([]int64, p.Train.Len()), Den: int64(p.Test.Len())}
	for i := range v.Num {
		v.Num[i] = int64(all - train(i))
	}
	return v
}

// looRefRemove is leave-one-out by removal: clone the full model, remove row i
// (Remove, or RemoveIndex for knn), evaluate.
func looRefRemove(t testing.TB, p Problem) Values {
	t.Helper()
	full, err := model.New(p.Config)
	if err != nil {
		t.Fatal(err)
	}
	for j := range p.Train.Len() {
		if err := full.Update(p.Train.Row(j), int(p.Train.Y[j])); err != nil {
			t.Fatal(err)
		}
	}
	all, err := full.Evaluate(p.Test)
	if err != nil {
		t.Fatal(err)
	}
	v := Values{Num: make([]int64, p.Train.Len()), Den: int64(p.Test.Len())}
	for i := range v.Num {
		m := full.Clone()
		if ir, ok := m.(model.IndexRemover); ok {
			err = ir.RemoveIndex(i)
		} else {
			err = m.(model.Remover).Remove(p.Train.Row(i), int(p.Train.Y[i]))
		}
		if err != nil {
			t.Fatal(err)
		}
		u, err := m.Evaluate(p.Test)
		if err != nil {
			t.Fatal(err)
		}
		v.Num[i] = int64(all - u)
	}
	return v
}

func TestLeaveOneOutByHand(t *testing.T) {
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
			// All rows: centroids 0 and 8 → 3 correct (test 4 is a tie → class 0).
			// Without (10, 1): centroids 0 and 6 → test 4 goes to class 1 → 2: value 1.
			// Without (0, 0): class 1 only → 1 correct: value 2.
			// Without (6, 1): centroids 0 and 10 → 3: value 0.
			"centroid",
			model.Config{Family: model.Centroid, Dims: 1, Classes: 2, Bound: 10},
			[][]int32{{10}, {0}, {6}}, []int32{1, 0, 1},
			[][]int32{{0}, {10}, {4}}, []int32{0, 1, 0},
			[]int64{1, 2, 0},
		},
		{
			// All rows: 2 correct. Without (2, 1): no mistakes, zero model → class 0 → 1
			// correct: value 1. Without (−2, 0): (2, 1) then (1, 0) as with it → 2: value
			// 0. Without (1, 0): w = 2, b = 1 → 2: value 0.
			"perceptron",
			model.Config{Family: model.Perceptron, Dims: 1, Classes: 2, Bound: 5},
			[][]int32{{2}, {-2}, {1}}, []int32{1, 0, 0},
			[][]int32{{2}, {-2}}, []int32{1, 0},
			[]int64{1, 0, 0},
		},
		{
			// K = 1. All: 3 correct. Without row 0: test 0's nearest is row 2 (class 1):
			// value 1. Without row 1: test 9's nearest is row 2 (64 < 81), class 1: value 0.
			// Without row 2: test 2's nearest is row 0 (4 < 64), class 0: value 1.
			"knn",
			model.Config{Family: model.KNN, Dims: 1, Classes: 2, Bound: 10, K: 1},
			[][]int32{{0}, {10}, {1}}, []int32{0, 1, 1},
			[][]int32{{0}, {2}, {9}}, []int32{0, 1, 1},
			[]int64{1, 0, 1},
		},
		{
			// Naive Bayes, Laplace (log base 2 below). All rows: θ_0 = (5/6, 1/6),
			// θ_1 = (1/6, 5/6), priors 1/2: (3, 0) → 0, (0, 3) → 1, and (1, 1) is an exact
			// tie (the state is symmetric) → class 0: 3 correct.
			// Without row 0: θ_0 = (1/2, 1/2), prior 1/3; θ_1 as before, prior 2/3. For
			// (1, 1): class 0 −1 − 1 − 1.585 = −3.585, class 1 −2.585 − 0.263 − 0.585 =
			// −3.433 → class 1, wrong; the others stay right: 2 correct, value 1.
			// Without row 1: for (1, 1) class 0 has −3.433, class 1 −3.585 → class 0;
			// (0, 3): class 0 3·(−2.585) − 0.585 = −8.34, class 1 −3 − 1.585 → class 1:
			// 3 correct, value 0.
			"naive-bayes",
			model.Config{Family: model.NaiveBayes, Dims: 2, Classes: 2, Bound: 5},
			[][]int32{{4, 0}, {0, 4}}, []int32{0, 1},
			[][]int32{{3, 0}, {0, 3}, {1, 1}}, []int32{0, 1, 0},
			[]int64{1, 0},
		},
	}
	for _, c := range cases {
		p := Problem{Config: c.cfg, Train: mgDense(c.cfg, c.train, c.ty), Test: mgDense(c.cfg, c.test, c.sy)}
		want := c.want
		for _, w := range []int{1, 2, 7} {
			v := mgMust(t)(LeaveOneOut(p, w))
			if v.Den != int64(len(c.sy)) || !slices.Equal(v.Num, want) {
				t.Errorf("%s, %d workers: %v / %d, want %v / %d", c.name, w, v.Num, v.Den, want, len(c.sy))
			}
		}
		if ref := looRefRetrain(t, p); !slices.Equal(ref.Num, want) {
			t.Errorf("%s: the retraining reference gives %v, want %v", c.name, ref.Num, want)
		}
	}
}

// looProblems returns problems on real and random data for every family, with ties,
// duplicates, and knn with fewer rows than K.
func looProblems(t testing.TB) []struct {
	name string
	p    Problem
} {
	var out []struct {
		name string
		p    Problem
	}
	add := func(name string, p Problem) {
		out = append(out, struct {
			name string
			p    Problem
		}{name, p})
	}
	for _, name := range []string{"iris.csv", "digits.csv.gz"} {
		for _, f := range model.Families() {
			nTrain, nTest := 100, 60
			if name == "digits.csv.gz" {
				nTrain, nTest = 60, 40
			}
			train, test := mgLoad(t, name, nTrain, nTest)
			add(name+"/"+f.String(), Problem{Config: mgConfig(f, train, test), Train: train, Test: test})
		}
	}
	r := rand.New(rand.NewPCG(9, 9))
	for _, cfg := range []model.Config{
		{Family: model.Perceptron, Dims: 3, Classes: 3, Bound: 2},
		{Family: model.Perceptron, Dims: 2, Classes: 2, Bound: 1, LearningRate: 1<<31 - 1},
		{Family: model.NaiveBayes, Dims: 3, Classes: 3, Bound: 1},
		{Family: model.Centroid, Dims: 2, Classes: 3, Bound: 1},
		{Family: model.SparseCentroid, Dims: 3, Classes: 3, Bound: 1},
		{Family: model.KNN, Dims: 2, Classes: 3, Bound: 1, K: 1},
		{Family: model.KNN, Dims: 2, Classes: 3, Bound: 1, K: 4},
		{Family: model.KNN, Dims: 2, Classes: 4, Bound: 2, K: 50}, // K beyond the rows
	} {
		train := mgRandom(r, cfg, 30, false)
		// Duplicates: rows 20..29 repeat rows 0..9 with their labels.
		copy(train.X[20*cfg.Dims:], train.X[:10*cfg.Dims])
		copy(train.Y[20:], train.Y[:10])
		test := mgRandom(r, cfg, 25, false)
		add("random/"+cfg.Family.String(), Problem{Config: cfg, Train: train, Test: test})
		strain, _ := train.ToSparse()
		stest, _ := test.ToSparse()
		add("random/"+cfg.Family.String()+"/sparse", Problem{Config: cfg, Train: strain, Test: stest})
	}
	return out
}

// TestLeaveOneOutMatchesReferences: LeaveOneOut equals retraining without each row and,
// for the Remover families, removing each row from the full model; with 1, 2 and 7
// workers alike.
func TestLeaveOneOutMatchesReferences(t *testing.T) {
	for _, c := range looProblems(t) {
		ref := looRefRetrain(t, c.p)
		if c.p.Config.Family != model.Perceptron {
			if rm := looRefRemove(t, c.p); !mgEqual(rm, ref) {
				t.Fatalf("%s: removal reference %v differs from retraining %v", c.name, rm.Num, ref.Num)
			}
		}
		for _, w := range []int{1, 2, 7, 0} {
			v := mgMust(t)(LeaveOneOut(c.p, w))
			if !mgEqual(v, ref) {
				t.Fatalf("%s, %d workers: %v, want %v", c.name, w, v.Num, ref.Num)
			}
		}
	}
}

func TestLeaveOneOutBadProblems(t *testing.T) {
	for _, c := range mgBadProblems(t) {
		for _, f := range model.Families() {
			p := c.p
			if c.name != "config" {
				p.Config.Family = f
			}
			v, err := LeaveOneOut(p, 2)
			if err == nil || !strings.Contains(err.Error(), c.want) || v.Num != nil {
				t.Errorf("%s %s: %v, %v; want an error containing %q", f, c.name, v, err, c.want)
			}
		}
	}
	// Naive Bayes rejects a negative test feature.
	cfg := model.Config{Family: model.NaiveBayes, Dims: 1, Classes: 2, Bound: 3}
	p := Problem{Config: cfg, Train: mgDense(cfg, [][]int32{{1}}, []int32{0}), Test: mgDense(cfg, [][]int32{{-1}}, []int32{0})}
	if _, err := LeaveOneOut(p, 1); err == nil {
		t.Error("a negative naive-Bayes test feature accepted")
	}
	// An empty training set gives no values.
	for _, f := range model.Families() {
		cfg := model.Config{Family: f, Dims: 1, Classes: 2, Bound: 3}
		v := mgMust(t)(LeaveOneOut(Problem{Config: cfg, Train: mgDense(cfg, nil, []int32{}), Test: mgDense(cfg, [][]int32{{1}}, []int32{0})}, 3))
		if len(v.Num) != 0 || v.Den != 1 {
			t.Errorf("%s: empty training set: %v", f, v)
		}
	}
}
