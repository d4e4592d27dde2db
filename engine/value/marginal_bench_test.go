package value

import (
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/model"
	"github.com/meritchain/merit/internal/mnistsrc"
)

// Benchmarks of sequential marginal scoring on MNIST (784 pixels 0..255, 10 classes):
// the contributions are the first MERIT_BENCH_CONTRIB (default 10000) training images,
// scored against the first MERIT_BENCH_TEST (default 10000) test images.
//
//	go test -run XXX -bench Marginal ./engine/value/
//	MERIT_BENCH_CONTRIB=2000 MERIT_BENCH_TEST=2000 go test -run XXX -bench Marginal ./engine/value/
//
// Both variants report ns/contribution, and the speed-up is the ratio of the two:
//
//   - incremental: each op is a whole Marginal run over all the contributions (problem
//     checks, tracker set-up and every Add); ns/contribution = time / contributions.
//   - naive: re-evaluating the whole test set after each contribution is far too slow to
//     run over all of them (for knn, 10,000 × 10,000 × 5,000 distances on average), so
//     each op is one contribution, taken from the middle of the sequence: the model is
//     first trained (untimed) on the contributions before the middle, then the next b.N
//     contributions are added through the naive tracker, each followed by a full
//     evaluation. The naive cost of a contribution does not depend on its position
//     except for knn, where it grows linearly with the stored rows, so the middle gives
//     the average over the whole sequence.

var mgMNISTOnce struct {
	sync.Once
	train, test *dataset.Dataset
	err         error
}

// mgMNIST returns the first n training and m test images of MNIST (loaded once).
func mgMNIST(b *testing.B, n, m int) (train, test *dataset.Dataset) {
	b.Helper()
	o := &mgMNISTOnce
	o.Do(func() {
		dir, err := mnistsrc.Dir()
		if err != nil {
			o.err = err
			return
		}
		if o.train, err = dataset.LoadMNIST(filepath.Join(dir, mnistsrc.TrainImages), filepath.Join(dir, mnistsrc.TrainLabels)); err != nil {
			o.err = err
			return
		}
		o.test, o.err = dataset.LoadMNIST(filepath.Join(dir, mnistsrc.TestImages), filepath.Join(dir, mnistsrc.TestLabels))
	})
	if o.err != nil {
		b.Skipf("MNIST not available: %v", o.err)
	}
	return mgPrefix(b, o.train, n), mgPrefix(b, o.test, m)
}

// mgEnv reads a positive integer from the environment, or returns def.
func mgEnv(b *testing.B, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 1 {
		b.Fatalf("%s=%q: want a positive integer", name, s)
	}
	return v
}

func BenchmarkMarginal(b *testing.B) {
	train, test := mgMNIST(b, mgEnv(b, "MERIT_BENCH_CONTRIB", 10000), mgEnv(b, "MERIT_BENCH_TEST", 10000))
	n := train.Len()
	for _, f := range model.Families() {
		cfg := model.Config{Family: f, Dims: train.Dims, Classes: 10, Bound: 255, K: 5}
		p := Problem{Config: cfg, Train: train, Test: test}
		b.Run(f.String(), func(b *testing.B) {
			b.Run("incremental", func(b *testing.B) {
				for b.Loop() {
					if _, err := Marginal(p); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/contribution")
			})
			b.Run("naive", func(b *testing.B) {
				mid := n / 2
				base, err := model.New(cfg)
				if err != nil {
					b.Fatal(err)
				}
				for i := range mid {
					if err := base.Update(train.Row(i), int(train.Y[i])); err != nil {
						b.Fatal(err)
					}
				}
				var tr model.Tracker
				next := n // forces a fresh tracker at the first contribution
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if next == n {
						b.StopTimer()
						if tr, err = model.NewNaiveTracker(base.Clone(), test); err != nil {
							b.Fatal(err)
						}
						next = mid
						b.StartTimer()
					}
					if _, err := tr.Add(train.Row(next), int(train.Y[next])); err != nil {
						b.Fatal(err)
					}
					next++
				}
				b.StopTimer()
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/contribution")
			})
		})
	}
}
