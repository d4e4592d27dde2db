package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The shipped datasets, relative to this package's directory (go test runs in it).
const (
	irisCSV   = "../../testdata/iris.csv"
	wineCSV   = "../../testdata/wine_data.csv"
	cancerCSV = "../../testdata/breast_cancer.csv"
	digitsCSV = "../../testdata/digits.csv.gz"
	dataDir   = "../../testdata"
)

// irisSHA256 is the pinned hash of iris's canonical encoding (ScaleExp 1, dense).
const irisSHA256 = "3f2417117b11316b9076a56aa41fd3314e548881737b8e6389c67ff5e0629adb"

// result is one run of the command.
type result struct {
	args           []string
	code           int
	stdout, stderr string
}

// merit runs the command line and returns its exit status and output. A panic inside run
// fails the test with the command line that caused it.
func merit(t *testing.T, args ...string) (r result) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	r.args = args
	func() {
		defer func() {
			if p := recover(); p != nil {
				t.Fatalf("merit %s: panic: %v", strings.Join(args, " "), p)
			}
		}()
		r.code = run(args, &stdout, &stderr)
	}()
	r.stdout, r.stderr = stdout.String(), stderr.String()
	return r
}

func (r result) String() string {
	return "merit " + strings.Join(r.args, " ")
}

// ok fails the test unless r exited 0.
func (r result) ok(t *testing.T) result {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("%s: exit %d, want 0\nstdout:\n%s\nstderr:\n%s", r, r.code, r.stdout, r.stderr)
	}
	return r
}

// fails checks that r exited with code and that its stderr holds no sign of a crash.
func (r result) fails(t *testing.T, code int) result {
	t.Helper()
	if r.code != code {
		t.Errorf("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r, r.code, code, r.stdout, r.stderr)
	}
	if strings.TrimSpace(r.stderr) == "" {
		t.Errorf("%s: exit %d with nothing on stderr", r, r.code)
	}
	for _, bad := range []string{"goroutine", "panic", "runtime error"} {
		if strings.Contains(r.stderr, bad) || strings.Contains(r.stdout, bad) {
			t.Errorf("%s: output mentions %q:\n%s%s", r, bad, r.stdout, r.stderr)
		}
	}
	return r
}

// errorLine returns r's stderr line that reports the error ("merit ...: ..."), skipping
// progress lines such as "training ... on N rows".
func (r result) errorLine(t *testing.T) string {
	t.Helper()
	for _, l := range strings.Split(r.stderr, "\n") {
		if strings.HasPrefix(l, "merit") {
			return l
		}
	}
	t.Errorf("%s: no \"merit...\" error line on stderr:\n%s", r, r.stderr)
	return ""
}

// decode parses r's stdout as JSON into v.
func (r result) decode(t *testing.T, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: stdout is not the expected JSON: %v\n%s", r, err, r.stdout)
	}
	if dec.More() {
		t.Fatalf("%s: more than one JSON value on stdout:\n%s", r, r.stdout)
	}
}

// writeFile writes content to name in dir and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// dirNames lists the names in dir.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

// JSON shapes of the command's outputs. decode rejects unknown fields, so a renamed or
// added field shows up here.

type evalJSON struct {
	Dataset  string  `json:"dataset"`
	Rows     int     `json:"rows"`
	Correct  int     `json:"correct"`
	Accuracy float64 `json:"accuracy"`
	Gas      uint64  `json:"gas"`
	Seconds  float64 `json:"seconds"`
}

type modelJSON struct {
	Family   string `json:"family"`
	Dims     int    `json:"dims"`
	Classes  int    `json:"classes"`
	ScaleExp int    `json:"scale_exp"`
	Bound    int32  `json:"bound"`
	LR       int32  `json:"learning_rate"`
	Alpha    int64  `json:"alpha_micro"`
	K        int    `json:"k"`
	SHA256   string `json:"sha256"`
	Bytes    int    `json:"bytes"`
}

type trainJSON struct {
	Model        modelJSON `json:"model"`
	TrainRows    int       `json:"train_rows"`
	TrainSeconds float64   `json:"train_seconds"`
	Rounded      int       `json:"rounded_values"`
	Train        evalJSON  `json:"train_accuracy"`
	Test         *evalJSON `json:"test_accuracy"`
	Out          string    `json:"out"`
}

type predictionJSON struct {
	Row       int `json:"row"`
	Predicted int `json:"predicted"`
	Label     int `json:"label"`
}

type infoJSON struct {
	Path        string   `json:"path"`
	Format      string   `json:"format"`
	Kind        string   `json:"kind"`
	Rows        int      `json:"rows"`
	Dims        int      `json:"dims"`
	Classes     int      `json:"classes"`
	ClassNames  []string `json:"class_names"`
	ClassCounts []int    `json:"class_counts"`
	ScaleExp    int      `json:"scale_exp"`
	Rounded     int      `json:"rounded_values"`
	MaxAbs      int32    `json:"max_abs"`
	NonZeros    int      `json:"non_zeros"`
	SHA256      string   `json:"sha256"`
	Bytes       int      `json:"encoded_bytes"`
}

type demoJSON struct {
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

type versionJSON struct {
	Version string   `json:"version"`
	Go      string   `json:"go"`
	OS      string   `json:"os"`
	Arch    string   `json:"arch"`
	Kernels string   `json:"kernels"`
	Levels  []string `json:"levels"`
	CPU     []string `json:"cpu_features"`
}
