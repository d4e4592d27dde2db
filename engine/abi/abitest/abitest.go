// Package abitest builds engine requests for tests: random ones from a seed, and ones on
// the real datasets of testdata/. The native tests, the WebAssembly differential tests
// and the fuzz targets all draw from here, so every form is held to the same cases.
package abitest

import (
	"fmt"
	"path/filepath"
	"runtime"

	"github.com/meritchain/merit/engine/abi"
	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/model"
	"github.com/meritchain/merit/engine/rng"
	"github.com/meritchain/merit/engine/value"
)

// Case is one named, encoded request.
type Case struct {
	Name    string
	Request []byte
}

// Families lists every model family.
var Families = []model.Family{model.Perceptron, model.NaiveBayes, model.Centroid, model.SparseCentroid, model.KNN}

// RandomDataset returns n random rows of d dims and c classes at scale 0: dense with
// features in [−bound, bound], or sparse with about a third of the features present
// (non-negative if nonneg). Labels are in [0, c).
func RandomDataset(r *rng.Source, n, d, c int, sparse, nonneg bool, bound int32) *dataset.Dataset {
	ds := &dataset.Dataset{Kind: dataset.Dense, Dims: d, Classes: c, Y: make([]int32, n)}
	feature := func() int32 {
		if nonneg {
			return int32(r.Uintn(uint64(bound) + 1))
		}
		return int32(r.Uintn(2*uint64(bound)+1)) - bound
	}
	if sparse {
		ds.Kind = dataset.Sparse
		ds.Ptr = []int{0}
	}
	for i := range n {
		ds.Y[i] = int32(r.Intn(c))
		for j := range d {
			if !sparse {
				ds.X = append(ds.X, feature())
				continue
			}
			if r.Intn(3) != 0 {
				continue
			}
			v := feature()
			if v == 0 {
				v = 1
			}
			ds.Idx = append(ds.Idx, uint32(j))
			ds.Val = append(ds.Val, v)
		}
		if sparse {
			ds.Ptr = append(ds.Ptr, len(ds.Idx))
		}
	}
	if err := ds.Validate(); err != nil {
		panic(fmt.Sprintf("abitest: random dataset: %v", err))
	}
	return ds
}

// Config returns the normalized config of family f for data of d dims and c classes with
// features bounded by bound.
func Config(f model.Family, d, c int, bound int32) model.Config {
	cfg, err := model.Config{Family: f, Dims: d, Classes: c, Bound: bound, K: 3}.Normalize()
	if err != nil {
		panic(fmt.Sprintf("abitest: config: %v", err))
	}
	return cfg
}

// sparseFamily says whether f is used with sparse, non-negative data here (naive Bayes
// needs counts; the sparse centroid needs sparse rows).
func sparseFamily(f model.Family) bool {
	return f == model.NaiveBayes || f == model.SparseCentroid
}

// Random returns requests of every model and valuation op, for every family, on random
// data drawn from seed: small enough that all of them run natively in well under a
// second. The mechanism ops' cases come from Mechanisms.
func Random(seed uint64) []Case {
	r := rng.New(seed)
	var out []Case
	add := func(name string, req abi.Request) {
		out = append(out, Case{Name: fmt.Sprintf("%s/%s/seed%d", req.Op(), name, seed), Request: abi.EncodeRequest(req)})
	}
	for _, f := range Families {
		d, c := 1+r.Intn(12), 2+r.Intn(3)
		sp := sparseFamily(f)
		const bound = 50
		train := RandomDataset(r, 4+r.Intn(20), d, c, sp, sp, bound)
		test := RandomDataset(r, 1+r.Intn(15), d, c, sp, sp, bound)
		cfg := Config(f, d, c, bound)
		empty, err := model.New(cfg)
		if err != nil {
			panic(err)
		}
		trained := empty.Clone()
		for i := range train.Len() / 2 {
			if err := trained.Update(train.Row(i), int(train.Y[i])); err != nil {
				panic(err)
			}
		}
		name := f.String()
		add(name, &abi.ModelNew{Config: cfg})
		add(name, &abi.ModelTrain{Model: empty.Clone(), Data: train})
		add(name, &abi.ModelPredict{Model: trained.Clone(), Data: test})
		add(name, &abi.ModelEvaluate{Model: trained.Clone(), Data: test})
		add(name, &abi.Marginal{Model: trained.Clone(), Train: train, Test: test})
		add(name, &abi.LeaveOneOut{Config: cfg, Train: train, Test: test})
		opts := value.SampleOptions{Seed: r.Uint64(), Samples: 1 + r.Intn(12), CheckEvery: r.Intn(4),
			Tolerance: value.Ratio{Num: 1, Den: 10}}
		add(name, &abi.Sampled{Method: abi.OpBanzhaf, Config: cfg, Train: train, Test: test, Options: opts})
		opts.Truncation = r.Intn(3)
		add(name, &abi.Sampled{Method: abi.OpPermutationShapley, Config: cfg, Train: train, Test: test, Options: opts})
		if !sp {
			add(name, &abi.KNNShapley{K: 1 + r.Intn(5), Train: train, Test: test})
		}
	}
	return out
}

// Root returns the repository's root directory (for testdata/).
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// Iris returns the iris dataset of testdata/ split 2:1 into training and test sets.
func Iris() (train, test *dataset.Dataset, err error) {
	l, err := dataset.Load(filepath.Join(Root(), "testdata", "iris.csv"), dataset.LoadOptions{ScaleExp: dataset.AutoScale})
	if err != nil {
		return nil, nil, err
	}
	return dataset.Split(l.Data, 1, 3, 42)
}

// Real returns requests of every model and valuation op on iris, for every family that
// takes dense signed data (perceptron, centroid, knn).
func Real() ([]Case, error) {
	train, test, err := Iris()
	if err != nil {
		return nil, err
	}
	var out []Case
	add := func(name string, req abi.Request) {
		out = append(out, Case{Name: fmt.Sprintf("%s/iris/%s", req.Op(), name), Request: abi.EncodeRequest(req)})
	}
	bound := max(train.MaxAbs(), test.MaxAbs())
	for _, f := range []model.Family{model.Perceptron, model.Centroid, model.KNN} {
		cfg, err := model.Config{Family: f, Dims: train.Dims, Classes: train.Classes, ScaleExp: train.ScaleExp, Bound: bound, K: 3}.Normalize()
		if err != nil {
			return nil, err
		}
		empty, err := model.New(cfg)
		if err != nil {
			return nil, err
		}
		name := f.String()
		add(name, &abi.ModelTrain{Model: empty.Clone(), Data: train})
		add(name, &abi.Marginal{Model: empty.Clone(), Train: train, Test: test})
		add(name, &abi.LeaveOneOut{Config: cfg, Train: train, Test: test})
		add(name, &abi.Sampled{Method: abi.OpPermutationShapley, Config: cfg, Train: train, Test: test,
			Options: value.SampleOptions{Seed: 7, Samples: 8, Truncation: 1}})
		add(name, &abi.Sampled{Method: abi.OpBanzhaf, Config: cfg, Train: train, Test: test,
			Options: value.SampleOptions{Seed: 7, Samples: 16}})
	}
	add("k5", &abi.KNNShapley{K: 5, Train: train, Test: test})
	return out, nil
}
