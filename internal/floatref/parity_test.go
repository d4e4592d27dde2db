package floatref

import (
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/model"
	"github.com/meritchain/merit/internal/mnistsrc"
)

// The accuracy-parity test: every integer model family of engine/model is trained and
// evaluated beside its float64 reference on real datasets, and the two accuracies must
// agree within maxGapPP percentage points.
//
//	go test ./internal/floatref -run Parity -v                      # prints the table
//	go test ./internal/floatref -run Parity -args -parity.md=FILE   # also writes it as Markdown

var parityMarkdown = flag.String("parity.md", "", "write the accuracy-parity table to this file as Markdown")

const (
	maxGapPP   = 1.0 // largest allowed |fixed − float| accuracy gap, in percentage points
	paritySeed = 1   // dataset.SplitIndices seed for the CSV datasets
	testNum    = 1   // test fraction testNum/testDen of the CSV datasets
	testDen    = 4

	// Hyperparameters, the same on both sides (the engine's defaults).
	parityLR    = 1
	parityAlpha = 1 // AlphaMicro = 10^6
	parityK     = 5

	// KNN on MNIST uses the first rows only: all 60k×10k would take minutes.
	mnistKNNTrain = 6000
	mnistKNNTest  = 1000
)

// parityCase is one dataset split the same way on both sides: the engine's integer
// train/test sets and the float64 rows of the same samples in the same order.
type parityCase struct {
	name          string
	train, test   *dataset.Dataset
	ftrain, ftest *Data
	scaleExp      int
	rounded       int     // values the engine's loader rounded to its scale
	maxErr        float64 // largest |float text value − engine value / 10^ScaleExp|
	// noEvaluate skips the cross-check of the engine's Evaluate against its Predict
	// (set for MNIST's KNN, where it would add 6 s to the test's 20).
	noEvaluate bool
}

// parityRow is one line of the table.
type parityRow struct {
	dataset, family    string
	train, test        int
	fixedOK, floatOK   int
	differ             int // test rows the two models predict differently
	fixedDur, floatDur time.Duration
}

func (r parityRow) fixedPct() float64 { return 100 * float64(r.fixedOK) / float64(r.test) }
func (r parityRow) floatPct() float64 { return 100 * float64(r.floatOK) / float64(r.test) }
func (r parityRow) gapPP() float64    { return r.fixedPct() - r.floatPct() }

// csvCase loads a shipped CSV with the engine's loader (ScaleExp chosen automatically)
// and with LoadCSV, checks that both read the same samples, and splits both by the
// same indices.
func csvCase(t *testing.T, name, file string) *parityCase {
	t.Helper()
	path := testdata(file)
	ld, err := dataset.Load(path, dataset.LoadOptions{ScaleExp: dataset.AutoScale})
	if err != nil {
		t.Fatalf("%s: engine loader: %v", name, err)
	}
	ds := ld.Data
	fd, err := LoadCSV(path)
	if err != nil {
		t.Fatalf("%s: float loader: %v", name, err)
	}
	if ds.Len() != fd.Len() || ds.Dims != fd.Dims || ds.Classes != fd.Classes {
		t.Fatalf("%s: engine read %d×%d, %d classes; float %d×%d, %d classes", name, ds.Len(), ds.Dims, ds.Classes, fd.Len(), fd.Dims, fd.Classes)
	}
	c := &parityCase{name: name, scaleExp: ds.ScaleExp, rounded: ld.Report.Rounded}
	var buf []float64
	for i := range ds.Len() {
		if int(ds.Y[i]) != fd.Y[i] {
			t.Fatalf("%s: row %d: engine label %d, float %d", name, i, ds.Y[i], fd.Y[i])
		}
		buf = Row(ds, i, buf)
		for f, v := range buf {
			c.maxErr = max(c.maxErr, math.Abs(v-fd.X[i][f]))
		}
	}
	// The engine rounds each value half-to-even at its scale: never by more than half a unit.
	if half := 0.5 / math.Pow10(ds.ScaleExp); c.maxErr > half*(1+1e-9) {
		t.Errorf("%s: a value differs from its text by %g, more than half a unit (%g) at ScaleExp %d", name, c.maxErr, half, ds.ScaleExp)
	}
	trIdx, teIdx, err := dataset.SplitIndices(ds.Len(), testNum, testDen, paritySeed)
	if err != nil {
		t.Fatal(err)
	}
	if c.train, err = ds.Subset(trIdx); err != nil {
		t.Fatal(err)
	}
	if c.test, err = ds.Subset(teIdx); err != nil {
		t.Fatal(err)
	}
	c.ftrain, c.ftest = fd.Subset(trIdx), fd.Subset(teIdx)
	return c
}

var mnist struct {
	once          sync.Once
	train, test   *dataset.Dataset
	ftrain, ftest *Data
	err           error
}

// mnistCase loads MNIST's standard 60k/10k files once per test binary (the engine's
// loader; pixels are integers, so FromDataset's float rows are exact).
func mnistCase(t *testing.T) *parityCase {
	t.Helper()
	mnist.once.Do(func() {
		dir, err := mnistsrc.Dir()
		if err != nil {
			mnist.err = err
			return
		}
		load := func(img, lbl string) *dataset.Dataset {
			ds, err := dataset.LoadMNIST(filepath.Join(dir, img), filepath.Join(dir, lbl))
			if err != nil && mnist.err == nil {
				mnist.err = err
			}
			return ds
		}
		mnist.train = load(mnistsrc.TrainImages, mnistsrc.TrainLabels)
		mnist.test = load(mnistsrc.TestImages, mnistsrc.TestLabels)
		if mnist.err == nil {
			mnist.ftrain, mnist.ftest = FromDataset(mnist.train), FromDataset(mnist.test)
		}
	})
	if mnist.err != nil {
		t.Fatalf("MNIST: %v", mnist.err)
	}
	return &parityCase{name: "mnist", train: mnist.train, test: mnist.test,
		ftrain: mnist.ftrain, ftest: mnist.ftest}
}

// firstRows returns c limited to its first nTrain training and nTest test rows.
func (c *parityCase) firstRows(t *testing.T, nTrain, nTest int) *parityCase {
	t.Helper()
	seq := func(n int) []int {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	s := *c
	var err error
	if s.train, err = c.train.Subset(seq(min(nTrain, c.train.Len()))); err != nil {
		t.Fatal(err)
	}
	if s.test, err = c.test.Subset(seq(min(nTest, c.test.Len()))); err != nil {
		t.Fatal(err)
	}
	s.ftrain = c.ftrain.Subset(seq(s.train.Len()))
	s.ftest = c.ftest.Subset(seq(s.test.Len()))
	s.noEvaluate = true
	return &s
}

// run trains family f on c's training rows (one pass, in order) on both sides and
// predicts c's test rows on both sides, counting the correct predictions of each and the
// rows on which the two disagree. The fixed side's time is its training and prediction;
// the engine's Evaluate is also run, outside the timing, and must give the same count.
func (c *parityCase) run(t *testing.T, fam model.Family) parityRow {
	t.Helper()
	r := parityRow{dataset: c.name, family: fam.String(), train: c.train.Len(), test: c.test.Len()}
	bound := max(c.train.MaxAbs(), c.test.MaxAbs(), 1)
	m, err := model.New(model.Config{Family: fam, Dims: c.train.Dims, Classes: c.train.Classes,
		ScaleExp: c.train.ScaleExp, Bound: bound,
		LearningRate: parityLR, AlphaMicro: parityAlpha * 1_000_000, K: parityK})
	if err != nil {
		t.Fatalf("%s/%s: model.New: %v", c.name, fam, err)
	}
	start := time.Now()
	for i := range c.train.Len() {
		if err := m.Update(c.train.Row(i), int(c.train.Y[i])); err != nil {
			t.Fatalf("%s/%s: Update(row %d): %v", c.name, fam, i, err)
		}
	}
	fixedPred := make([]int, c.test.Len())
	for i := range fixedPred {
		if fixedPred[i], err = m.Predict(c.test.Row(i)); err != nil {
			t.Fatalf("%s/%s: Predict(test row %d): %v", c.name, fam, i, err)
		}
		if fixedPred[i] == int(c.test.Y[i]) {
			r.fixedOK++
		}
	}
	r.fixedDur = time.Since(start)
	// The engine's batch evaluation must count what its Predict does.
	if !c.noEvaluate {
		if got, err := m.Evaluate(c.test); err != nil || got != r.fixedOK {
			t.Errorf("%s/%s: Evaluate = %d, %v; Predict row by row got %d right", c.name, fam, got, err, r.fixedOK)
		}
	}

	start = time.Now()
	fm, err := New(fam.String(), c.ftrain.Dims, c.ftrain.Classes, parityLR, parityAlpha, parityK)
	if err != nil {
		t.Fatalf("%s/%s: floatref.New: %v", c.name, fam, err)
	}
	Train(fm, c.ftrain)
	for i, x := range c.ftest.X {
		p := fm.Predict(x)
		if p == c.ftest.Y[i] {
			r.floatOK++
		}
		if p != fixedPred[i] {
			r.differ++
		}
	}
	r.floatDur = time.Since(start)
	return r
}

// ms formats a duration in milliseconds.
func ms(d time.Duration) string { return fmt.Sprintf("%.1f", d.Seconds()*1000) }

// parityTable formats the rows as an aligned text table, or as Markdown.
func parityTable(rows []parityRow, markdown bool) string {
	head := []string{"dataset", "family", "train", "test", "fixed %", "float %", "Δ pp", "differ", "fixed ms", "float ms"}
	cells := [][]string{head}
	for _, r := range rows {
		cells = append(cells, []string{r.dataset, r.family, fmt.Sprint(r.train), fmt.Sprint(r.test),
			fmt.Sprintf("%.2f", r.fixedPct()), fmt.Sprintf("%.2f", r.floatPct()), fmt.Sprintf("%+.2f", r.gapPP()), fmt.Sprint(r.differ),
			ms(r.fixedDur), ms(r.floatDur)})
	}
	var b strings.Builder
	if markdown {
		for i, row := range cells {
			b.WriteString("| " + strings.Join(row, " | ") + " |\n")
			if i == 0 {
				b.WriteString("|" + strings.Repeat(" --- |", len(row)) + "\n")
			}
		}
		return b.String()
	}
	width := make([]int, len(head))
	for _, row := range cells {
		for j, s := range row {
			width[j] = max(width[j], len([]rune(s)))
		}
	}
	for _, row := range cells {
		for j, s := range row {
			pad := strings.Repeat(" ", width[j]-len([]rune(s)))
			if j < 2 {
				b.WriteString(s + pad + "  ") // text left-aligned
			} else {
				b.WriteString(pad + s + "  ") // numbers right-aligned
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestAccuracyParity(t *testing.T) {
	start := time.Now()
	cases := []*parityCase{
		csvCase(t, "iris", "iris.csv"),
		csvCase(t, "wine", "wine_data.csv"),
		csvCase(t, "breast-cancer", "breast_cancer.csv"),
		csvCase(t, "digits", "digits.csv.gz"),
	}
	// MNIST is not skipped under -short: the whole test takes about 20 s on a 2-core
	// machine, most of it KNN (6000×1000 rows, each side about 6 s).
	cases = append(cases, mnistCase(t))
	var rows []parityRow
	for _, c := range cases {
		t.Logf("%s: ScaleExp %d; %d values rounded by the engine's loader, largest |float − fixed| = %.3g",
			c.name, c.scaleExp, c.rounded, c.maxErr)
		for _, fam := range model.Families() {
			cc := c
			if c.name == "mnist" && fam == model.KNN {
				cc = c.firstRows(t, mnistKNNTrain, mnistKNNTest)
			}
			rows = append(rows, cc.run(t, fam))
		}
	}
	t.Logf("accuracy parity (one pass of Update in SplitIndices order; lr %d, α %d, K %d; gap allowed %.1f pp):\n%s",
		parityLR, parityAlpha, parityK, maxGapPP, parityTable(rows, false))
	for _, r := range rows {
		if math.Abs(r.gapPP()) > maxGapPP {
			t.Errorf("%s/%s: fixed %.2f%% vs float %.2f%%: gap %+.2f pp exceeds %.1f pp",
				r.dataset, r.family, r.fixedPct(), r.floatPct(), r.gapPP(), maxGapPP)
		}
	}
	if *parityMarkdown != "" {
		if err := os.WriteFile(*parityMarkdown, []byte(parityTable(rows, true)), 0o644); err != nil {
			t.Error(err)
		}
	}
	t.Logf("parity test took %v", time.Since(start).Round(time.Millisecond))
}
