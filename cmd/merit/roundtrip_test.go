package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/meritchain/merit/engine/model"
)

// TestRoundTrip trains every family on iris, saves it, and checks that eval and predict of
// the saved model agree with what train reported, and that the file is deterministic.
func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for _, fam := range model.Families() {
		name := fam.String()
		out := filepath.Join(dir, name+".bin")
		r := merit(t, "train", "--model", name, "--train", irisCSV, "--out", out, "--json").ok(t)
		var tr trainJSON
		r.decode(t, &tr)
		if tr.Model.Family != name || tr.Model.Dims != 4 || tr.Model.Classes != 3 || tr.Model.ScaleExp != 1 ||
			tr.TrainRows != 150 || tr.Rounded != 0 || tr.Out != out || tr.Test != nil {
			t.Errorf("%s: %+v", r, tr)
		}
		if tr.Train.Rows != 150 || tr.Train.Correct < 1 || tr.Train.Correct > 150 ||
			tr.Train.Accuracy != float64(tr.Train.Correct)/150 {
			t.Errorf("%s: train accuracy %+v", r, tr.Train)
		}

		// The file is the canonical encoding whose hash train printed.
		enc, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if sum := fmt.Sprintf("%x", sha256.Sum256(enc)); sum != tr.Model.SHA256 || len(enc) != tr.Model.Bytes {
			t.Errorf("%s: file has sha256 %s and %d bytes; train printed %s and %d", r, sum, len(enc), tr.Model.SHA256, tr.Model.Bytes)
		}
		m, err := model.Decode(enc)
		if err != nil {
			t.Fatalf("%s: the saved model does not decode: %v", r, err)
		}
		if m.Config().Family != fam {
			t.Errorf("%s: saved a %s model", r, m.Config().Family)
		}

		// Training again gives the same bytes, and the text output prints the same hash.
		again := filepath.Join(dir, name+".again.bin")
		r2 := merit(t, "train", "--model", name, "--train", irisCSV, "--out", again).ok(t)
		if enc2, err := os.ReadFile(again); err != nil || !bytes.Equal(enc, enc2) {
			t.Errorf("%s: training twice gave different files (err %v)", r2, err)
		}
		if !strings.Contains(r2.stdout, "sha256: "+tr.Model.SHA256+" ") || !strings.Contains(r2.stdout, "saved:  "+again) {
			t.Errorf("%s: text output does not print hash %s and the file:\n%s", r2, tr.Model.SHA256, r2.stdout)
		}
		if !strings.Contains(r2.stdout, fmt.Sprintf("%d of 150 correct", tr.Train.Correct)) {
			t.Errorf("%s: text output does not report %d of 150 correct:\n%s", r2, tr.Train.Correct, r2.stdout)
		}

		// eval of the saved model on the training file counts what train counted.
		r = merit(t, "eval", "--model", out, "--test", irisCSV, "--json").ok(t)
		var ev evalJSON
		r.decode(t, &ev)
		if ev.Rows != 150 || ev.Correct != tr.Train.Correct || ev.Dataset != irisCSV {
			t.Errorf("%s: %+v, want 150 rows and %d correct as train reported", r, ev, tr.Train.Correct)
		}
		if r.stderr != "" {
			t.Errorf("%s: a saved model is not trained again, yet stderr says %q", r, r.stderr)
		}
		// So does eval of the family trained on the fly, and train --test.
		r = merit(t, "eval", "--model", name, "--train", irisCSV, "--test", irisCSV, "--json").ok(t)
		var ev2 evalJSON
		r.decode(t, &ev2)
		if ev2.Correct != tr.Train.Correct {
			t.Errorf("%s: %d correct, want %d", r, ev2.Correct, tr.Train.Correct)
		}
		r = merit(t, "train", "--model", name, "--train", irisCSV, "--test", irisCSV, "--json").ok(t)
		var tr2 trainJSON
		r.decode(t, &tr2)
		if tr2.Test == nil || tr2.Test.Rows != 150 || tr2.Test.Correct != tr.Train.Correct || tr2.Model.SHA256 != tr.Model.SHA256 {
			t.Errorf("%s: %+v (test %+v), want test = train = %d correct", r, tr2, tr2.Test, tr.Train.Correct)
		}

		// predict of the saved model: 150 rows whose agreement with the labels is the count.
		r = merit(t, "predict", "--model", out, "--data", irisCSV, "--json").ok(t)
		var preds []predictionJSON
		r.decode(t, &preds)
		if len(preds) != 150 {
			t.Fatalf("%s: %d predictions, want 150", r, len(preds))
		}
		agree, labels := 0, [3]int{}
		for i, p := range preds {
			if p.Row != i+1 || p.Predicted < 0 || p.Predicted > 2 || p.Label < 0 || p.Label > 2 {
				t.Errorf("%s: prediction %d is %+v", r, i, p)
				continue
			}
			labels[p.Label]++
			if p.Predicted == p.Label {
				agree++
			}
		}
		if agree != tr.Train.Correct {
			t.Errorf("%s: %d predictions equal their label, eval counted %d", r, agree, tr.Train.Correct)
		}
		if labels != [3]int{50, 50, 50} {
			t.Errorf("%s: labels %v, want 50 of each class", r, labels)
		}
		// The text form says the same.
		r = merit(t, "predict", "--model", out, "--data", irisCSV).ok(t)
		lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
		if len(lines) != 151 || lines[0] != "row\tpredicted\tlabel" ||
			lines[150] != fmt.Sprintf("150\t%d\t2", preds[149].Predicted) {
			t.Errorf("%s: text output has %d lines, header %q, last %q", r, len(lines), lines[0], lines[len(lines)-1])
		}
	}
}

// TestTrainOptions checks that the hyperparameter and reading flags reach the model.
func TestTrainOptions(t *testing.T) {
	summary := func(args ...string) trainJSON {
		t.Helper()
		r := merit(t, append([]string{"train", "--train", irisCSV, "--json"}, args...)...).ok(t)
		var tr trainJSON
		r.decode(t, &tr)
		return tr
	}
	if m := summary("--model", "knn", "--k", "3").Model; m.K != 3 {
		t.Errorf("train --model knn --k 3: k = %d", m.K)
	}
	if m := summary("--model", "naive-bayes", "--alpha", "0.5").Model; m.Alpha != 500_000 {
		t.Errorf("train --model naive-bayes --alpha 0.5: alpha_micro = %d", m.Alpha)
	}
	if m := summary("--model", "naive-bayes", "--alpha", "0.000001").Model; m.Alpha != 1 {
		t.Errorf("train --model naive-bayes --alpha 0.000001: alpha_micro = %d", m.Alpha)
	}
	if m := summary("--model", "perceptron", "--lr", "7").Model; m.LR != 7 {
		t.Errorf("train --model perceptron --lr 7: learning_rate = %d", m.LR)
	}
	if m := summary("--model", "centroid", "--bound", "100").Model; m.Bound != 100 {
		t.Errorf("train --model centroid --bound 100: bound = %d", m.Bound)
	}
	tr := summary("--model", "centroid", "--scale", "0")
	if tr.Model.ScaleExp != 0 || tr.Rounded != 529 {
		t.Errorf("train --scale 0: scale %d, %d rounded; want 0 and 529", tr.Model.ScaleExp, tr.Rounded)
	}
	one, three := summary("--model", "perceptron"), summary("--model", "perceptron", "--epochs", "3")
	if one.Model.SHA256 == three.Model.SHA256 {
		t.Errorf("train --epochs 3 gave the same perceptron as one epoch")
	}
	// Sparse and dense rows train the same model.
	dense, sparse := summary("--model", "naive-bayes"), summary("--model", "naive-bayes", "--sparse")
	if dense.Model.SHA256 != sparse.Model.SHA256 || dense.Train.Correct != sparse.Train.Correct {
		t.Errorf("train --sparse: %+v, dense: %+v", sparse.Model, dense.Model)
	}
	// A bound below the data's largest value is refused (exit 1, not a panic).
	r := merit(t, "train", "--model", "centroid", "--train", irisCSV, "--bound", "10").fails(t, 1)
	if l := r.errorLine(t); !strings.Contains(l, "10") {
		t.Errorf("%s: error %q does not name the bound", r, l)
	}
	// A test set is read at the model's scale, whatever --scale says.
	r = merit(t, "train", "--model", "centroid", "--train", irisCSV, "--scale", "2", "--test", irisCSV, "--json").ok(t)
	var tr2 trainJSON
	r.decode(t, &tr2)
	if tr2.Model.ScaleExp != 2 || tr2.Test == nil || tr2.Test.Correct != tr2.Train.Correct {
		t.Errorf("%s: %+v (test %+v)", r, tr2, tr2.Test)
	}
}

func datasetInfo(t *testing.T, args ...string) infoJSON {
	t.Helper()
	r := merit(t, append([]string{"dataset", "info", "--json"}, args...)...).ok(t)
	var info infoJSON
	r.decode(t, &info)
	return info
}

func TestDatasetInfo(t *testing.T) {
	iris := datasetInfo(t, "--data", irisCSV)
	if iris.Path != irisCSV || iris.Format != "sklearn" || iris.Kind != "dense" || iris.Rows != 150 || iris.Dims != 4 ||
		iris.Classes != 3 || !slices.Equal(iris.ClassCounts, []int{50, 50, 50}) ||
		!slices.Equal(iris.ClassNames, []string{"setosa", "versicolor", "virginica"}) ||
		iris.ScaleExp != 1 || iris.Rounded != 0 || iris.MaxAbs != 79 || iris.NonZeros != 600 {
		t.Errorf("dataset info iris: %+v", iris)
	}
	if iris.SHA256 != irisSHA256 {
		t.Errorf("dataset info iris: sha256 %s, want the pinned %s", iris.SHA256, irisSHA256)
	}
	if iris.Bytes <= 150*4 {
		t.Errorf("dataset info iris: %d encoded bytes", iris.Bytes)
	}

	for _, c := range []struct {
		path                     string
		format                   string
		rows, dims, classes, exp int
		rounded                  int
	}{
		{wineCSV, "sklearn", 178, 13, 3, 3, 1},
		{cancerCSV, "sklearn", 569, 30, 2, 3, 10422},
		{digitsCSV, "headerless", 1797, 64, 10, 0, 0},
	} {
		info := datasetInfo(t, "--data", c.path)
		if info.Format != c.format || info.Rows != c.rows || info.Dims != c.dims || info.Classes != c.classes ||
			info.ScaleExp != c.exp || info.Rounded != c.rounded || len(info.ClassCounts) != c.classes {
			t.Errorf("dataset info %s: %+v, want %s, %d×%d, %d classes, scale %d, %d rounded",
				c.path, info, c.format, c.rows, c.dims, c.classes, c.exp, c.rounded)
		}
		sum := 0
		for _, n := range info.ClassCounts {
			sum += n
		}
		if sum != c.rows {
			t.Errorf("dataset info %s: class counts %v sum to %d, want %d", c.path, info.ClassCounts, sum, c.rows)
		}
	}

	// --scale 0 rounds iris's one-decimal values.
	s0 := datasetInfo(t, "--data", irisCSV, "--scale", "0")
	if s0.ScaleExp != 0 || s0.Rounded <= 0 || s0.MaxAbs != 8 || s0.SHA256 == irisSHA256 || s0.Rows != 150 {
		t.Errorf("dataset info iris --scale 0: %+v", s0)
	}
	// --scale 3 is exact (no rounding) but stores 100 times larger values.
	s3 := datasetInfo(t, "--data", irisCSV, "--scale", "3")
	if s3.ScaleExp != 3 || s3.Rounded != 0 || s3.MaxAbs != 7900 || s3.SHA256 == irisSHA256 {
		t.Errorf("dataset info iris --scale 3: %+v", s3)
	}
	// --sparse keeps the content and changes the kind.
	sp := datasetInfo(t, "--data", irisCSV, "--sparse")
	if sp.Kind != "sparse" || sp.Rows != 150 || sp.Dims != 4 || sp.NonZeros != iris.NonZeros ||
		!slices.Equal(sp.ClassCounts, iris.ClassCounts) || sp.ScaleExp != 1 {
		t.Errorf("dataset info iris --sparse: %+v", sp)
	}
	// Forcing a layout: iris read as plain CSV takes its first line as names, so the
	// sklearn header ("150,4,setosa,...") has the wrong number of fields for the rows.
	r := merit(t, "dataset", "info", "--data", irisCSV, "--format", "headerless").fails(t, 1)
	if l := r.errorLine(t); !strings.Contains(l, irisCSV+":1:") {
		t.Errorf("%s: error %q does not name line 1", r, l)
	}

	// The text form carries the same facts.
	r = merit(t, "dataset", "info", "--data", irisCSV).ok(t)
	for _, want := range []string{"150 rows × 4 features, 3 classes", "value·10^1; 0 rounded", "sha256:    " + irisSHA256, "setosa"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("%s: output lacks %q:\n%s", r, want, r.stdout)
		}
	}
}

func TestDatasetInfoMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the MNIST test images")
	}
	r := merit(t, "dataset", "info", "--data", "mnist:test", "--json")
	if r.code != 0 {
		t.Skipf("MNIST is not available here: %s", r.stderr)
	}
	var info infoJSON
	r.decode(t, &info)
	if info.Format != "mnist-idx" || info.Rows != 10000 || info.Dims != 784 || info.Classes != 10 ||
		info.ScaleExp != 0 || info.MaxAbs != 255 || len(info.ClassCounts) != 10 || info.ClassCounts[0] != 980 || info.ClassCounts[1] != 1135 {
		t.Errorf("dataset info mnist:test: %+v", info)
	}
	r = merit(t, "dataset", "info", "--data", "mnist:test", "--scale", "1").fails(t, 1)
	if l := r.errorLine(t); !strings.Contains(l, "scale") {
		t.Errorf("%s: error %q does not name the scale", r, l)
	}
}

func TestDemo(t *testing.T) {
	r := merit(t, "demo", "--mnist=false", "--data-dir", dataDir, "--json").ok(t)
	var rows []demoJSON
	r.decode(t, &rows)
	sizes := map[string]int{"iris": 150, "wine": 178, "breast-cancer": 569, "digits": 1797}
	if len(rows) != len(sizes)*len(model.Families()) {
		t.Fatalf("%s: %d rows, want %d", r, len(rows), len(sizes)*len(model.Families()))
	}
	seen := map[string]bool{}
	for i, row := range rows {
		want := model.Families()[i%len(model.Families())].String()
		if row.Family != want {
			t.Errorf("row %d: family %q, want %q", i, row.Family, want)
		}
		seen[row.Dataset] = true
		size, ok := sizes[row.Dataset]
		if !ok {
			t.Errorf("row %d: unknown dataset %q", i, row.Dataset)
			continue
		}
		if row.TrainRows+row.TestRows != size || row.TestRows < size/5 || row.TestRows > size/3 {
			t.Errorf("%s/%s: %d train + %d test rows, want a 75/25 split of %d", row.Dataset, row.Family, row.TrainRows, row.TestRows, size)
		}
		if math.Abs(row.Accuracy-row.Float64) > 0.01 {
			t.Errorf("%s/%s: accuracy %.4f, float64 %.4f: more than 1 pp apart", row.Dataset, row.Family, row.Accuracy, row.Float64)
		}
		if math.Abs(row.Accuracy-float64(row.Correct)/float64(row.TestRows)) > 1e-12 ||
			math.Abs(row.DeltaPP-100*(row.Accuracy-row.Float64)) > 1e-9 {
			t.Errorf("%s/%s: accuracy %v, delta %v do not follow from %d of %d correct", row.Dataset, row.Family, row.Accuracy, row.DeltaPP, row.Correct, row.TestRows)
		}
		if len(row.ModelSHA256) != 64 {
			t.Errorf("%s/%s: model hash %q", row.Dataset, row.Family, row.ModelSHA256)
		}
	}
	if len(seen) != len(sizes) {
		t.Errorf("datasets %v, want %v", seen, sizes)
	}

	// A missing data directory is a failure naming the file.
	missing := filepath.Join(t.TempDir(), "nothing")
	r = merit(t, "demo", "--mnist=false", "--data-dir", missing).fails(t, 1)
	if l := r.errorLine(t); !strings.Contains(l, filepath.Join(missing, "iris.csv")) {
		t.Errorf("%s: error %q does not name the missing file", r, l)
	}
}
