package model

import (
	"math/rand/v2"
	"testing"

	"github.com/meritchain/merit/engine/dataset"
)

// Benchmarks on synthetic data shaped like MNIST: 784 features with values 0..255 (about
// a fifth non-zero), 10 classes, rows drawn from a fixed PCG seed around one random
// template per class. Each reports ns/sample.

const (
	benchDims    = 784
	benchClasses = 10
	benchTrain   = 2000 // training rows (KNN stores them all)
	benchEval    = 200  // rows per Evaluate (KNN: benchEvalKNN)
	benchEvalKNN = 20
)

// mnistLike returns n rows and labels.
func mnistLike(n int, seed uint64) ([][]int32, []int32) {
	r := rand.New(rand.NewPCG(seed, 784))
	tmpl := rand.New(rand.NewPCG(1, 2)) // the class templates do not depend on seed
	on := make([][]bool, benchClasses)
	for c := range on {
		on[c] = make([]bool, benchDims)
		for f := range on[c] {
			on[c][f] = tmpl.IntN(6) == 0
		}
	}
	rows := make([][]int32, n)
	labels := make([]int32, n)
	for i := range rows {
		c := r.IntN(benchClasses)
		x := make([]int32, benchDims)
		for f := range x {
			switch {
			case on[c][f] && r.IntN(10) < 8:
				x[f] = int32(128 + r.IntN(128))
			case r.IntN(30) == 0:
				x[f] = int32(1 + r.IntN(255))
			}
		}
		rows[i], labels[i] = x, int32(c)
	}
	return rows, labels
}

var benchConfigs = []Config{
	{Family: Perceptron, Dims: benchDims, Classes: benchClasses, Bound: 255},
	{Family: NaiveBayes, Dims: benchDims, Classes: benchClasses, Bound: 255},
	{Family: Centroid, Dims: benchDims, Classes: benchClasses, Bound: 255},
	{Family: SparseCentroid, Dims: benchDims, Classes: benchClasses, Bound: 255},
	{Family: KNN, Dims: benchDims, Classes: benchClasses, Bound: 255, K: 5},
}

// benchRows returns the rows in dense or sparse form.
func benchRows(rows [][]int32, sparse bool) []dataset.Row {
	out := make([]dataset.Row, len(rows))
	for i, x := range rows {
		if sparse {
			out[i] = toSparse(x)
		} else {
			out[i] = dn(x...)
		}
	}
	return out
}

// benchVariants lists each family with dense rows, and the sparse-native families with
// sparse rows too.
func benchVariants() []struct {
	name   string
	cfg    Config
	sparse bool
} {
	var v []struct {
		name   string
		cfg    Config
		sparse bool
	}
	for _, c := range benchConfigs {
		v = append(v, struct {
			name   string
			cfg    Config
			sparse bool
		}{c.Family.String() + "/dense", c, false})
		if c.Family == Perceptron || c.Family == NaiveBayes || c.Family == SparseCentroid {
			v = append(v, struct {
				name   string
				cfg    Config
				sparse bool
			}{c.Family.String() + "/sparse", c, true})
		}
	}
	return v
}

func benchTrained(b *testing.B, c Config, rows [][]int32, labels []int32) Model {
	m := mustNew(b, c)
	for i, x := range rows {
		mustUpdate(b, m, dn(x...), int(labels[i]))
	}
	return m
}

func reportPerSample(b *testing.B, samples int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(samples), "ns/sample")
}

func BenchmarkPredict(b *testing.B) {
	train, tl := mnistLike(benchTrain, 1)
	test, _ := mnistLike(500, 2)
	for _, v := range benchVariants() {
		b.Run(v.name, func(b *testing.B) {
			m := benchTrained(b, v.cfg, train, tl)
			rows := benchRows(test, v.sparse)
			b.ResetTimer()
			for i := range b.N {
				if _, err := m.Predict(rows[i%len(rows)]); err != nil {
					b.Fatal(err)
				}
			}
			reportPerSample(b, b.N)
		})
	}
}

func BenchmarkUpdate(b *testing.B) {
	train, tl := mnistLike(benchTrain, 1)
	for _, v := range benchVariants() {
		b.Run(v.name, func(b *testing.B) {
			rows := benchRows(train, v.sparse)
			m := mustNew(b, v.cfg)
			b.ResetTimer()
			for i := range b.N {
				j := i % len(rows)
				if j == 0 && i > 0 && v.cfg.Family == KNN {
					// Start afresh every pass, so the stored set stays at benchTrain rows.
					b.StopTimer()
					m = mustNew(b, v.cfg)
					b.StartTimer()
				}
				if err := m.Update(rows[j], int(tl[j])); err != nil {
					b.Fatal(err)
				}
			}
			reportPerSample(b, b.N)
		})
	}
}

func BenchmarkEvaluate(b *testing.B) {
	train, tl := mnistLike(benchTrain, 1)
	for _, v := range benchVariants() {
		b.Run(v.name, func(b *testing.B) {
			n := benchEval
			if v.cfg.Family == KNN {
				n = benchEvalKNN
			}
			test, yl := mnistLike(n, 3)
			c := v.cfg
			ds := denseDS(c, test, yl)
			if v.sparse {
				ds = sparseDS(c, test, yl)
			}
			m := benchTrained(b, c, train, tl)
			b.ResetTimer()
			for range b.N {
				if _, err := m.Evaluate(ds); err != nil {
					b.Fatal(err)
				}
			}
			reportPerSample(b, b.N*n)
		})
	}
}
