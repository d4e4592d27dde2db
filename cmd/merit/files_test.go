package main

import (
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// TestBadDataFiles checks that malformed dataset files fail with exit 1 and a message
// that names the file, and the line and column where the loader gives them, whichever
// command reads the file.
func TestBadDataFiles(t *testing.T) {
	dir := t.TempDir()
	files := []struct {
		name, content string
		want          string // regexp the error line must match, after the file name
	}{
		// Four features, like iris, so that a model trained on iris reads them far enough.
		{"ragged.csv", "a,b,c,d,label\n1,2,3,4,0\n3,4\n", `:3:\d+: expected 5 fields, got 2`},
		{"nan.csv", "a,b,c,d,label\n1,2,3,4,0\n3,NaN,1,1,1\n", `:3:3: "NaN" is not a finite number`},
		{"inf.csv", "a,b,c,d,label\n1,2,3,4,0\n3,1,1,-Inf,1\n", `:3:7: .*`},
		{"nonnum.csv", "a,b,c,d,label\n1,2,3,4,0\n3,x,1,1,1\n", `:3:3: "x" is not a number`},
		{"badlabel.csv", "a,b,c,d,label\n1,2,3,4,0\n3,4,5,6,1.5\n", `:3:9: .*label`},
		{"neglabel.csv", "1,2,3,4,0\n3,4,5,6,-1\n", `:2:9: .*label`},
		{"empty.csv", "", `: empty file`},
		{"blank.csv", "\n\n", `: empty file`},
		{"badindex.svm", "0 1:1 2:2\n1 2:1 1:3\n", `:2:\d+: .*`},
	}
	for _, f := range files {
		path := writeFile(t, dir, f.name, f.content)
		re := regexp.MustCompile(`^merit [a-z ]+: ` + regexp.QuoteMeta(path) + f.want)
		for _, args := range [][]string{
			{"dataset", "info", "--data", path},
			{"train", "--model", "centroid", "--train", path},
			{"train", "--model", "centroid", "--train", irisCSV, "--test", path},
			{"eval", "--model", "knn", "--train", path, "--test", irisCSV},
			{"predict", "--model", "knn", "--train", irisCSV, "--data", path},
		} {
			if strings.HasSuffix(path, ".svm") && slices.Contains(args, irisCSV) {
				continue // a libsvm file beside iris fails for its dims, not its syntax
			}
			r := merit(t, args...).fails(t, 1)
			if l := r.errorLine(t); !re.MatchString(l) {
				t.Errorf("%s: error %q does not match %q", r, l, re)
			}
		}
	}

	missing := filepath.Join(dir, "missing.csv")
	for _, args := range [][]string{
		{"dataset", "info", "--data", missing},
		{"train", "--model", "knn", "--train", missing},
		{"eval", "--model", "knn", "--train", irisCSV, "--test", missing},
	} {
		r := merit(t, args...).fails(t, 1)
		if l := r.errorLine(t); !strings.Contains(l, missing) {
			t.Errorf("%s: error %q does not name the missing file", r, l)
		}
	}
}

// TestBadModelFiles checks that files that are not a model's canonical encoding are
// refused with exit 1 and an error naming the file.
func TestBadModelFiles(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.bin")
	merit(t, "train", "--model", "naive-bayes", "--train", irisCSV, "--out", good).ok(t)
	enc, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	garbage := make([]byte, 200)
	for i := range garbage {
		garbage[i] = byte(i*131 + 7)
	}
	bad := map[string][]byte{
		"garbage.bin":   garbage,
		"empty.bin":     {},
		"header.bin":    enc[:20],
		"truncated.bin": enc[:len(enc)-1],
		"trailing.bin":  append(slices.Clone(enc), 0),
		"csv.bin":       []byte("a,b,label\n1,2,0\n"),
	}
	for name, b := range bad {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{
			{"eval", "--model", path, "--test", irisCSV},
			{"predict", "--model", path, "--data", irisCSV},
		} {
			r := merit(t, args...).fails(t, 1)
			if l := r.errorLine(t); !strings.Contains(l, path+": model: bad encoding") {
				t.Errorf("%s: error %q does not name the file and the encoding problem", r, l)
			}
			if r.stdout != "" {
				t.Errorf("%s: wrote to stdout:\n%s", r, r.stdout)
			}
		}
	}
	// The intact file still works.
	merit(t, "eval", "--model", good, "--test", irisCSV).ok(t)
}

// TestOutAtomic checks that --out writes nothing when it cannot write, and leaves an
// existing file alone when the command fails.
func TestOutAtomic(t *testing.T) {
	dir := t.TempDir()

	// A directory that does not exist: exit 1, nothing created.
	out := filepath.Join(dir, "no", "such", "dir", "m.bin")
	r := merit(t, "train", "--model", "centroid", "--train", irisCSV, "--out", out).fails(t, 1)
	if l := r.errorLine(t); !strings.Contains(l, filepath.Join(dir, "no")) {
		t.Errorf("%s: error %q does not name the directory", r, l)
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("%s: left %v behind", r, names)
	}

	// --out naming a directory: the rename fails; the temporary file must go.
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	merit(t, "train", "--model", "centroid", "--train", irisCSV, "--out", sub).fails(t, 1)
	if names := dirNames(t, dir); !slices.Equal(names, []string{"sub"}) {
		t.Errorf("train --out DIR: left %v behind, want only [sub]", names)
	}
	if names := dirNames(t, sub); len(names) != 0 {
		t.Errorf("train --out DIR: wrote %v into the directory", names)
	}

	// An existing file survives every failed train, whatever the stage that failed.
	keep := writeFile(t, dir, "keep.bin", "old contents")
	ragged := writeFile(t, t.TempDir(), "ragged.csv", "a,b,label\n1,2,0\n3,4\n")
	for _, c := range []struct {
		code int
		args []string
	}{
		{1, []string{"--train", ragged}},
		{1, []string{"--train", filepath.Join(dir, "missing.csv")}},
		{1, []string{"--train", irisCSV, "--test", ragged}},
		{2, []string{"--train", irisCSV, "--alpha", "abc"}},
		{2, []string{"--train", irisCSV, "--format", "bogus"}},
	} {
		args := append([]string{"train", "--model", "naive-bayes", "--out", keep}, c.args...)
		merit(t, args...).fails(t, c.code)
		if b, err := os.ReadFile(keep); err != nil || string(b) != "old contents" {
			t.Errorf("merit %s: --out file now holds %q (err %v), want its old contents", strings.Join(args, " "), b, err)
		}
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{"keep.bin", "sub"}) {
		t.Errorf("after failed trains the directory holds %v, want [keep.bin sub]", names)
	}

	// A successful train replaces it, with no temporary file left, and readable by others
	// like any file the user creates.
	merit(t, "train", "--model", "naive-bayes", "--train", irisCSV, "--out", keep).ok(t)
	if b, _ := os.ReadFile(keep); string(b) == "old contents" {
		t.Errorf("train --out: the existing file was not replaced")
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{"keep.bin", "sub"}) {
		t.Errorf("after a train the directory holds %v, want [keep.bin sub]", names)
	}
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(keep)
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); perm != 0o644 {
			t.Errorf("train --out: file mode %v, want -rw-r--r-- (a temporary file's 0600 leaked)", perm)
		}
	}
}

// TestLibSVM trains and evaluates on libsvm files, and checks that test sets which do
// not fit the model are refused clearly.
func TestLibSVM(t *testing.T) {
	dir := t.TempDir()
	train := writeFile(t, dir, "f.svm", "# a tiny libsvm file\n"+
		"0 1:1 3:2\n"+
		"1 2:5 4:1.5\n"+
		"0 1:2 3:1\n"+
		"\n"+
		"1 2:4 4:2\n"+
		"2 1:9 # comment\n")

	r := merit(t, "dataset", "info", "--data", train, "--json").ok(t)
	var info infoJSON
	r.decode(t, &info)
	if info.Format != "libsvm" || info.Kind != "sparse" || info.Rows != 5 || info.Dims != 4 || info.Classes != 3 ||
		info.ScaleExp != 1 || info.NonZeros != 9 || !slices.Equal(info.ClassCounts, []int{2, 2, 1}) {
		t.Errorf("dataset info %s: %+v", train, info)
	}

	for _, fam := range []string{"perceptron", "naive-bayes", "centroid", "sparse-centroid", "knn"} {
		r := merit(t, "train", "--model", fam, "--train", train, "--test", train, "--json").ok(t)
		var res trainJSON
		r.decode(t, &res)
		if res.Model.Dims != 4 || res.Model.Classes != 3 || res.TrainRows != 5 || res.Test == nil ||
			res.Test.Rows != 5 || res.Test.Correct != res.Train.Correct {
			t.Errorf("%s: %+v (test %+v)", r, res, res.Test)
		}
	}

	// libsvm omits zero features, so a test file need not reach the model's last
	// feature: it is read with the model's dims.
	short := writeFile(t, dir, "short.svm", "0 1:1\n1 2:5\n")
	r = merit(t, "eval", "--model", "perceptron", "--train", train, "--test", short, "--json").ok(t)
	var ev evalJSON
	r.decode(t, &ev)
	if ev.Rows != 2 {
		t.Errorf("%s: %+v, want 2 rows", r, ev)
	}
	r = merit(t, "predict", "--model", "centroid", "--train", train, "--data", short, "--json").ok(t)
	var preds []predictionJSON
	r.decode(t, &preds)
	if len(preds) != 2 || preds[1].Label != 1 {
		t.Errorf("%s: %+v", r, preds)
	}

	// A feature index beyond the model's dims: exit 1, naming where. A label beyond its
	// classes: exit 1, naming the file and the classes.
	wide := writeFile(t, dir, "wide.svm", "0 1:1\n1 5:1\n")
	r = merit(t, "eval", "--model", "centroid", "--train", train, "--test", wide).fails(t, 1)
	if l := r.errorLine(t); !strings.Contains(l, wide+":2:") {
		t.Errorf("%s: error %q does not name %s:2", r, l, wide)
	}
	label := writeFile(t, dir, "label.svm", "0 1:1\n3 2:1\n")
	r = merit(t, "eval", "--model", "centroid", "--train", train, "--test", label).fails(t, 1)
	if l := r.errorLine(t); !strings.Contains(l, label+":") || !strings.Contains(l, "Classes = 4") {
		t.Errorf("%s: error %q does not name the file and its 4 classes", r, l)
	}
}

// TestMoreClassesThanModel evaluates a saved two-class model on data with three classes.
func TestMoreClassesThanModel(t *testing.T) {
	dir := t.TempDir()
	two := writeFile(t, dir, "two.csv", "a,b,c,d,label\n5.1,3.5,1.4,0.2,0\n7.0,3.2,4.7,1.4,1\n4.9,3.0,1.4,0.2,0\n6.4,3.2,4.5,1.5,1\n")
	m := filepath.Join(dir, "two.bin")
	merit(t, "train", "--model", "centroid", "--train", two, "--out", m).ok(t)

	// iris has three classes.
	for _, test := range []string{irisCSV, writeFile(t, dir, "headerless.csv", headerlessIris(t))} {
		r := merit(t, "eval", "--model", m, "--test", test, "--json").fails(t, 1)
		if l := r.errorLine(t); !strings.HasPrefix(l, "merit eval: "+test+": ") || !strings.Contains(l, "Classes = 3") || !strings.Contains(l, "1..2") {
			t.Errorf("%s: error %q does not say that the file's 3 classes exceed the model's 2", r, l)
		}
		if r.stdout != "" {
			t.Errorf("%s: wrote to stdout:\n%s", r, r.stdout)
		}
	}
	// predict takes the label column as it comes ("put any class there when it is
	// unknown"), but only predicts the model's classes.
	r := merit(t, "predict", "--model", m, "--data", irisCSV, "--json").ok(t)
	var preds []predictionJSON
	r.decode(t, &preds)
	if len(preds) != 150 || preds[149].Label != 2 {
		t.Fatalf("%s: %d predictions, want 150 with the last labelled 2", r, len(preds))
	}
	for _, p := range preds {
		if p.Predicted < 0 || p.Predicted > 1 {
			t.Errorf("%s: row %d predicted %d, outside the model's classes 0..1", r, p.Row, p.Predicted)
		}
	}
	// A CSV with a different number of features: its header is the line named.
	r = merit(t, "eval", "--model", m, "--test", wineCSV).fails(t, 1)
	if l := r.errorLine(t); !strings.Contains(l, wineCSV+":1:") {
		t.Errorf("%s: error %q does not name %s:1", r, l, wineCSV)
	}
}

// headerlessIris returns iris.csv without its scikit-learn header line.
func headerlessIris(t *testing.T) string {
	t.Helper()
	iris, err := os.ReadFile(irisCSV)
	if err != nil {
		t.Fatal(err)
	}
	s := string(iris)
	return s[strings.IndexByte(s, '\n')+1:]
}
