package value

import (
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/internal/mnistsrc"
)

var knnMNISTOnce struct {
	sync.Once
	train, test *dataset.Dataset
	err         error
}

// knnLoadMNIST loads the MNIST training and test sets once per process.
func knnLoadMNIST(b *testing.B) (train, test *dataset.Dataset) {
	b.Helper()
	knnMNISTOnce.Do(func() {
		dir, err := mnistsrc.Dir()
		if err != nil {
			knnMNISTOnce.err = err
			return
		}
		if knnMNISTOnce.train, err = dataset.LoadMNIST(filepath.Join(dir, mnistsrc.TrainImages), filepath.Join(dir, mnistsrc.TrainLabels)); err != nil {
			knnMNISTOnce.err = err
			return
		}
		knnMNISTOnce.test, knnMNISTOnce.err = dataset.LoadMNIST(filepath.Join(dir, mnistsrc.TestImages), filepath.Join(dir, mnistsrc.TestLabels))
	})
	if knnMNISTOnce.err != nil {
		b.Skipf("MNIST not available: %v", knnMNISTOnce.err)
	}
	return knnMNISTOnce.train, knnMNISTOnce.test
}

// knnEnvInt reads a positive integer from the environment, or returns def.
func knnEnvInt(b *testing.B, name string, def int) int {
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

func knnFirstRows(b *testing.B, d *dataset.Dataset, n int) *dataset.Dataset {
	idx := make([]int, min(n, d.Len()))
	for i := range idx {
		idx[i] = i
	}
	s, err := d.Subset(idx)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkKNNShapley values the first MERIT_BENCH_KNN_TRAIN (default 60000) MNIST
// training images on the first MERIT_BENCH_KNN_TEST (default 100) test images, K = 5,
// with GOMAXPROCS workers (MERIT_BENCH_KNN_WORKERS overrides). Besides ns/op it reports,
// per test row: the worker time in distances, sorting and the recursion (dist-ns/test,
// sort-ns/test, rec-ns/test) and the wall time (wall-ns/test); and the wall time that
// 10,000 test rows would take at the same rate (s/10k-test), which extrapolates linearly
// because test rows are independent.
func BenchmarkKNNShapley(b *testing.B) {
	trainAll, testAll := knnLoadMNIST(b)
	train := knnFirstRows(b, trainAll, knnEnvInt(b, "MERIT_BENCH_KNN_TRAIN", 60000))
	test := knnFirstRows(b, testAll, knnEnvInt(b, "MERIT_BENCH_KNN_TEST", 100))
	workers := 0
	if os.Getenv("MERIT_BENCH_KNN_WORKERS") != "" {
		workers = knnEnvInt(b, "MERIT_BENCH_KNN_WORKERS", 0)
	}
	var sum KNNTimings
	b.ResetTimer()
	for b.Loop() {
		var tm KNNTimings
		if _, err := KNNShapleyWith(train, test, 5, KNNOptions{Workers: workers, Timings: &tm}); err != nil {
			b.Fatal(err)
		}
		sum.Distances += tm.Distances
		sum.Sort += tm.Sort
		sum.Recursion += tm.Recursion
		sum.Wall += tm.Wall
		sum.Workers = tm.Workers
	}
	rows := int64(b.N) * int64(test.Len())
	per := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(rows) }
	b.ReportMetric(per(sum.Distances), "dist-ns/test")
	b.ReportMetric(per(sum.Sort), "sort-ns/test")
	b.ReportMetric(per(sum.Recursion), "rec-ns/test")
	b.ReportMetric(per(sum.Wall), "wall-ns/test")
	b.ReportMetric(per(sum.Wall)*10000/1e9, "s/10k-test")
	b.ReportMetric(float64(sum.Workers), "workers")
	b.ReportMetric(float64(train.Len()), "train-rows")
}
