package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/model"
)

// JSON shapes of `merit value --json` (decode rejects unknown fields).

type valueRowJSON struct {
	Index   int     `json:"index"`
	Num     int64   `json:"num"`
	Den     int64   `json:"den"`
	Value   float64 `json:"value"`
	Decimal string  `json:"decimal"`
	Flipped bool    `json:"flipped"`
}

type detectionJSON struct {
	Rows      int     `json:"rows"`
	Flipped   int     `json:"flipped"`
	Flagged   int     `json:"flagged"`
	Hits      int     `json:"hits"`
	AUC       float64 `json:"auc"`
	AUCExact  string  `json:"auc_exact"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	F1Exact   string  `json:"f1_exact"`
}

type valueOutJSON struct {
	Method    string         `json:"method"`
	Model     string         `json:"model"`
	K         int            `json:"k"`
	Train     string         `json:"train"`
	Test      string         `json:"test"`
	TrainRows int            `json:"train_rows"`
	TestRows  int            `json:"test_rows"`
	Seed      uint64         `json:"seed"`
	Engine    string         `json:"engine"`
	Gas       uint64         `json:"gas"`
	Den       int64          `json:"den"`
	SumNum    string         `json:"sum_num"`
	Sum       string         `json:"sum"`
	Seconds   float64        `json:"seconds"`
	Extra     map[string]any `json:"details"`
	Detection *detectionJSON `json:"noise_detection"`
	Values    []valueRowJSON `json:"values"`
}

type methodQualityJSON struct {
	Method    string        `json:"method"`
	Seconds   float64       `json:"seconds"`
	Detection detectionJSON `json:"noise_detection"`
}

// The split every test here uses: iris, 30% held out, seed 1 (the default --seed).
const (
	valueSplit   = "0.3"
	valueSamples = "20"
)

// irisSplit reproduces `--train iris.csv --split 0.3 --seed seed` with the engine.
func irisSplit(t *testing.T, seed uint64) (train, test *dataset.Dataset) {
	t.Helper()
	l, err := loadData(irisCSV, dataFlags{format: "auto", scale: -1}, -1)
	if err != nil {
		t.Fatal(err)
	}
	num, den, err := parseFraction(valueSplit)
	if err != nil {
		t.Fatal(err)
	}
	train, test, err = dataset.Split(l.data, int(num), int(den), seed)
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 105 || test.Len() != 45 {
		t.Fatalf("iris split 0.3: %d and %d rows, want 105 and 45", train.Len(), test.Len())
	}
	return train, test
}

// knnConfig is the configuration `merit value` gives the knn model on the iris split.
func knnConfig(t *testing.T, train *dataset.Dataset) model.Config {
	t.Helper()
	cfg, err := modelConfig("knn", train, hyperFlags{lr: model.DefaultLearningRate, alpha: "1", k: 5, epochs: 1})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// correctOn trains a new model of cfg on the rows of train for which keep is true, in
// order, and counts its correct predictions on test.
func correctOn(t *testing.T, cfg model.Config, train, test *dataset.Dataset, keep func(i int) bool) int {
	t.Helper()
	m, err := model.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i := range train.Len() {
		if keep(i) {
			if err := m.Update(train.Row(i), int(train.Y[i])); err != nil {
				t.Fatal(err)
			}
		}
	}
	c, err := m.Evaluate(test)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// decimal12 renders num/den rounded to 12 decimal places, halves away from zero (the
// rounding of big.Rat.FloatString), computed here with integers only.
func decimal12(num, den int64) string {
	neg := num < 0
	n := new(big.Int).Abs(big.NewInt(num))
	n.Mul(n, new(big.Int).Exp(big.NewInt(10), big.NewInt(12), nil))
	q, r := new(big.Int).QuoRem(n, big.NewInt(den), new(big.Int))
	if r.Lsh(r, 1).Cmp(big.NewInt(den)) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	s := fmt.Sprintf("%013s", q.String())
	s = s[:len(s)-12] + "." + s[len(s)-12:]
	if neg && strings.Trim(s, "0.") != "" {
		s = "-" + s
	}
	return s
}

func TestDecimal12(t *testing.T) {
	for _, c := range []struct {
		num, den int64
		want     string
	}{
		{0, 7, "0.000000000000"}, {1, 3, "0.333333333333"}, {2, 3, "0.666666666667"}, {-2, 3, "-0.666666666667"},
		{45, 45, "1.000000000000"}, {-1, 2_000_000_000_000, "-0.000000000001"}, {1, 3_000_000_000_000, "0.000000000000"},
	} {
		if got := decimal12(c.num, c.den); got != c.want {
			t.Errorf("decimal12(%d, %d) = %s, want %s", c.num, c.den, got, c.want)
		}
	}
}

// valueRun runs `merit value` with --json and decodes it.
func valueRun(t *testing.T, args ...string) (result, valueOutJSON) {
	t.Helper()
	r := merit(t, append([]string{"value", "--json"}, args...)...).ok(t)
	var out valueOutJSON
	r.decode(t, &out)
	return r, out
}

// checkValues checks what every method's output must satisfy on the iris split.
func checkValues(t *testing.T, r result, out valueOutJSON, method string) {
	t.Helper()
	if out.Method != method || out.Model != "knn" || out.K != 5 || out.TrainRows != 105 || out.TestRows != 45 || out.Seed != 1 {
		t.Errorf("%s: header %+v", r, out)
	}
	if out.Den <= 0 {
		t.Fatalf("%s: den %d", r, out.Den)
	}
	if len(out.Values) != out.TrainRows {
		t.Fatalf("%s: %d values for %d training rows", r, len(out.Values), out.TrainRows)
	}
	sum := new(big.Int)
	for i, v := range out.Values {
		if v.Index != i {
			t.Errorf("%s: values[%d] has index %d", r, i, v.Index)
		}
		if v.Den != out.Den || v.Den <= 0 {
			t.Errorf("%s: row %d: den %d, the output's den is %d", r, i, v.Den, out.Den)
			continue
		}
		if want := decimal12(v.Num, v.Den); v.Decimal != want {
			t.Errorf("%s: row %d: decimal %q, want %s = %d/%d", r, i, v.Decimal, want, v.Num, v.Den)
		}
		if f, _ := new(big.Rat).SetFrac64(v.Num, v.Den).Float64(); v.Value != f {
			t.Errorf("%s: row %d: value %v, want %v = %d/%d", r, i, v.Value, f, v.Num, v.Den)
		}
		sum.Add(sum, big.NewInt(v.Num))
	}
	if out.SumNum != sum.String() {
		t.Errorf("%s: sum_num %s, the values add up to %s", r, out.SumNum, sum)
	}
	if want := new(big.Rat).SetFrac(sum, big.NewInt(out.Den)).FloatString(12); out.Sum != want {
		t.Errorf("%s: sum %s, want %s", r, out.Sum, want)
	}
}

// knnUtility is the utility whose Shapley values KNN-Shapley computes (docs/VALUATION.md):
// per test row, the correct labels among its k nearest training rows by (squared
// distance, index), over k; averaged over the test rows. It returns the numerator over
// k·T.
func knnUtility(train, test *dataset.Dataset, k int) (num, den int64) {
	d := train.Dims
	for t := range test.Len() {
		x := test.X[t*d : (t+1)*d]
		idx := make([]int, train.Len())
		dist := make([]int64, train.Len())
		for i := range idx {
			idx[i] = i
			for f, v := range train.X[i*d : (i+1)*d] {
				dist[i] += int64(v-x[f]) * int64(v-x[f])
			}
		}
		slices.SortFunc(idx, func(a, b int) int { return cmp.Or(cmp.Compare(dist[a], dist[b]), cmp.Compare(a, b)) })
		for _, i := range idx[:min(k, len(idx))] {
			if train.Y[i] == test.Y[t] {
				num++
			}
		}
	}
	return num, int64(k) * int64(test.Len())
}

func TestValueMethods(t *testing.T) {
	train, test := irisSplit(t, 1)
	cfg := knnConfig(t, train)
	T := int64(test.Len())

	for _, method := range valueMethods {
		t.Run(method, func(t *testing.T) {
			args := []string{"--method", method, "--train", irisCSV, "--split", valueSplit, "--samples", valueSamples}
			r, out := valueRun(t, args...)
			checkValues(t, r, out, method)

			switch method {
			case "marginal":
				// value_i = U(M_{i+1}) − U(M_i), replaying the rows in order.
				if out.Den != T || out.Extra != nil {
					t.Errorf("%s: den %d (want %d), details %v", r, out.Den, T, out.Extra)
				}
				prev := correctOn(t, cfg, train, test, func(int) bool { return false })
				for i, v := range out.Values {
					cur := correctOn(t, cfg, train, test, func(j int) bool { return j <= i })
					if v.Num != int64(cur-prev) {
						t.Errorf("%s: row %d: num %d, want U(first %d) − U(first %d) = %d", r, i, v.Num, i+1, i, cur-prev)
					}
					prev = cur
				}
			case "loo":
				if out.Den != T || out.Extra != nil {
					t.Errorf("%s: den %d (want %d), details %v", r, out.Den, T, out.Extra)
				}
				all := correctOn(t, cfg, train, test, func(int) bool { return true })
				for i, v := range out.Values {
					without := correctOn(t, cfg, train, test, func(j int) bool { return j != i })
					if v.Num != int64(all-without) {
						t.Errorf("%s: row %d: num %d, want U(all) − U(all without it) = %d", r, i, v.Num, all-without)
					}
				}
			case "knn-shapley":
				if out.Den != T*1_000_000_000_000 || out.Extra != nil {
					t.Errorf("%s: den %d (want %d·10^12), details %v", r, out.Den, T, out.Extra)
				}
				// Efficiency: the values add up to the KNN utility of the whole training set.
				sum, _ := new(big.Int).SetString(out.SumNum, 10)
				got, _ := new(big.Rat).SetFrac(sum, big.NewInt(out.Den)).Float64()
				un, ud := knnUtility(train, test, 5)
				if want := float64(un) / float64(ud); math.Abs(got-want) > 1e-9 {
					t.Errorf("%s: values add up to %.15f, want the KNN utility of all rows %d/%d = %.15f", r, got, un, ud, want)
				}
				// That utility counts the neighbours' votes, not the majority vote: it is
				// not the classifier's accuracy (here 42.2/45 against a whole number of
				// 45ths).
				acc := correctOn(t, cfg, train, test, func(int) bool { return true })
				t.Logf("knn-shapley: Σ values %.12f; KNN utility %d/%d; KNN classifier accuracy %d/%d", got, un, ud, acc, T)
			case "shapley":
				// No convergence check: every sample is used; Den = samples·T, |Num| ≤ Den.
				if out.Den != 20*T {
					t.Errorf("%s: den %d, want 20·%d", r, out.Den, T)
				}
				if out.Extra["samples_used"] != float64(20) || out.Extra["converged"] != false {
					t.Errorf("%s: details %v, want 20 samples used and not converged", r, out.Extra)
				}
				for i, v := range out.Values {
					if v.Num < -v.Den || v.Num > v.Den {
						t.Errorf("%s: row %d: %d/%d outside [−1, 1]", r, i, v.Num, v.Den)
					}
				}
			case "banzhaf":
				if out.Den != T*1_000_000_000 {
					t.Errorf("%s: den %d, want %d·10^9", r, out.Den, T)
				}
				if out.Extra["samples_used"] != float64(20) || out.Extra["converged"] != false {
					t.Errorf("%s: details %v, want 20 samples used and not converged", r, out.Extra)
				}
				for i, v := range out.Values {
					if v.Num < -2*v.Den || v.Num > 2*v.Den {
						t.Errorf("%s: row %d: %d/%d outside [−2, 2]", r, i, v.Num, v.Den)
					}
				}
			}

			// Deterministic: a second run prints the same JSON but for the time taken.
			r2 := merit(t, append([]string{"value", "--json"}, args...)...).ok(t)
			if a, b := withoutSeconds(r.stdout), withoutSeconds(r2.stdout); a != b {
				t.Errorf("%s: two runs differ:\n%s\n---\n%s", r, a, b)
			}

			// The number of workers does not change any value.
			_, one := valueRun(t, append(args, "--workers", "1")...)
			_, three := valueRun(t, append(args, "--workers", "3")...)
			if !slices.Equal(one.Values, out.Values) || !slices.Equal(three.Values, out.Values) {
				t.Errorf("%s: --workers 1 or 3 changed the values", r)
			}
			if out.Engine != "native" || out.Gas == 0 || one.Gas != out.Gas || three.Gas != out.Gas {
				t.Errorf("%s: engine %q, gas %d (1 worker %d, 3 workers %d): want native and the same positive gas", r, out.Engine, out.Gas, one.Gas, three.Gas)
			}

			// The text output: the 10 lowest and the 10 highest rows, lowest first (equal
			// values in row order), each with its decimal value.
			order := make([]int, len(out.Values))
			for i := range order {
				order[i] = i
			}
			slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(out.Values[a].Num, out.Values[b].Num) })
			want := append(slices.Clone(order[:10]), -1)
			want = append(want, order[len(order)-10:]...)
			checkValueText(t, merit(t, append([]string{"value"}, args...)...).ok(t), out, want)
			checkValueText(t, merit(t, append([]string{"value", "--all"}, args...)...).ok(t), out, order)
		})
	}
}

var secondsRE = regexp.MustCompile(`(?m)^\s*"seconds": [^\n]*\n`)

// withoutSeconds drops the "seconds" lines of an indented JSON text.
func withoutSeconds(s string) string { return secondsRE.ReplaceAllString(s, "") }

var valueLineRE = regexp.MustCompile(`^ *(\d+) +(-?\d+\.\d{12})( {2}\(flipped\))?$`)

// checkValueText checks that r's text output lists the rows of want (−1: the "..." line)
// with their values from out.
func checkValueText(t *testing.T, r result, out valueOutJSON, want []int) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	head := fmt.Sprintf("%s values of %d training rows (knn model) on %d test rows, in ", out.Method, out.TrainRows, out.TestRows)
	if len(lines) < 3 || !strings.HasPrefix(lines[0], head) ||
		lines[1] != fmt.Sprintf("values are num/%d (units of test accuracy); sum %s", out.Den, out.Sum) ||
		strings.TrimSpace(lines[2]) != "row        value  (lowest first)" {
		t.Fatalf("%s: unexpected header:\n%s", r, r.stdout)
	}
	rows := lines[3:]
	if out.Detection != nil {
		if len(rows) == 0 || !strings.HasPrefix(rows[len(rows)-1], "noisy-label detection: ") {
			t.Errorf("%s: no noisy-label detection line:\n%s", r, r.stdout)
		} else {
			rows = rows[:len(rows)-1]
		}
	}
	if len(rows) != len(want) {
		t.Fatalf("%s: %d value lines, want %d:\n%s", r, len(rows), len(want), r.stdout)
	}
	for j, i := range want {
		if i < 0 {
			if strings.TrimSpace(rows[j]) != "..." {
				t.Errorf("%s: line %q, want \"...\"", r, rows[j])
			}
			continue
		}
		m := valueLineRE.FindStringSubmatch(rows[j])
		if m == nil {
			t.Errorf("%s: line %q is not \"row value\"", r, rows[j])
			continue
		}
		v := out.Values[i]
		if m[1] != strconv.Itoa(i) || m[2] != v.Decimal || (m[3] != "") != v.Flipped {
			t.Errorf("%s: line %d is %q, want row %d, value %s, flipped %v", r, j, rows[j], i, v.Decimal, v.Flipped)
		}
	}
}

// parseRatio parses "a/b".
func parseRatio(t *testing.T, s string) *big.Rat {
	t.Helper()
	q, ok := new(big.Rat).SetString(s)
	if !ok || !strings.Contains(s, "/") {
		t.Fatalf("%q is not a fraction a/b", s)
	}
	return q
}

func TestValueNoise(t *testing.T) {
	train, _ := irisSplit(t, 1)
	num, den, _ := parseFraction("0.2")
	_, flipped, err := dataset.FlipLabels(train, int(num), int(den), 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(flipped) != 21 {
		t.Fatalf("flipping 0.2 of 105 rows flipped %d", len(flipped))
	}
	for _, method := range []string{"knn-shapley", "loo", "banzhaf"} {
		args := []string{"--method", method, "--train", irisCSV, "--split", valueSplit, "--samples", valueSamples, "--noise", "0.2"}
		r, out := valueRun(t, args...)
		checkValues(t, r, out, method)
		if !strings.Contains(r.stderr, "flipped 21 of 105 training labels (seed 1)") {
			t.Errorf("%s: stderr does not report the flips:\n%s", r, r.stderr)
		}
		var marked []int
		for i, v := range out.Values {
			if v.Flipped {
				marked = append(marked, i)
			}
		}
		if !slices.Equal(marked, flipped) {
			t.Errorf("%s: rows marked flipped %v, dataset.FlipLabels flips %v", r, marked, flipped)
		}
		d := out.Detection
		if d == nil {
			t.Fatalf("%s: no noise_detection", r)
		}
		if d.Rows != 105 || d.Flipped != 21 || d.Flagged != 21 || d.Hits < 0 || d.Hits > 21 {
			t.Errorf("%s: detection %+v", r, *d)
		}
		// AUC recomputed from the values: pairs (flipped, clean) with the flipped row
		// lower count 1, ties ½.
		var pairs, twice int64
		for _, f := range out.Values {
			for _, c := range out.Values {
				if f.Flipped && !c.Flipped {
					pairs++
					switch {
					case f.Num < c.Num:
						twice += 2
					case f.Num == c.Num:
						twice++
					}
				}
			}
		}
		auc := big.NewRat(twice, 2*pairs)
		if got := parseRatio(t, d.AUCExact); got.Cmp(auc) != 0 {
			t.Errorf("%s: auc_exact %s, want %s", r, d.AUCExact, auc.RatString())
		}
		if f, _ := auc.Float64(); d.AUC != f || d.AUC < 0 || d.AUC > 1 {
			t.Errorf("%s: auc %v, want %v in [0, 1]", r, d.AUC, f)
		}
		// The lowest 21 (value, then index) are flagged.
		order := make([]int, len(out.Values))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(out.Values[a].Num, out.Values[b].Num) })
		hits := 0
		for _, i := range order[:21] {
			if out.Values[i].Flipped {
				hits++
			}
		}
		if d.Hits != hits || d.Precision != float64(hits)/21 || d.Recall != float64(hits)/21 {
			t.Errorf("%s: detection %+v, want %d hits of 21 flagged", r, *d, hits)
		}
		if f1 := parseRatio(t, d.F1Exact); f1.Cmp(big.NewRat(int64(2*hits), 42)) != 0 {
			t.Errorf("%s: f1_exact %s, want %d/42", r, d.F1Exact, 2*hits)
		}
		if method == "knn-shapley" && d.AUC < 0.8 {
			t.Errorf("%s: KNN-Shapley finds the flipped labels with AUC %v only", r, d.AUC)
		}

		// The text output marks the flipped rows and reports the detection.
		tr := merit(t, append([]string{"value", "--all"}, args...)...).ok(t)
		checkValueText(t, tr, out, order)
		want := fmt.Sprintf("noisy-label detection: 21 flipped; ROC AUC %.4f; lowest 21 rows: precision %.4f, recall %.4f, F1 %.4f\n",
			d.AUC, d.Precision, d.Recall, d.F1)
		if !strings.HasSuffix(tr.stdout, want) {
			t.Errorf("%s: does not end with %q:\n%s", tr, want, tr.stdout)
		}
		if n := strings.Count(tr.stdout, "(flipped)"); n != 21 {
			t.Errorf("%s: %d rows marked (flipped), want 21", tr, n)
		}
	}
}

func TestValueCompareMethods(t *testing.T) {
	args := []string{"value", "--method", "all", "--noise", "0.1", "--train", irisCSV, "--split", valueSplit, "--samples", valueSamples}
	r := merit(t, append(args, "--json")...).ok(t)
	var rows []methodQualityJSON
	r.decode(t, &rows)
	if len(rows) != len(valueMethods) {
		t.Fatalf("%s: %d entries, want %d", r, len(rows), len(valueMethods))
	}
	for i, q := range rows {
		d := q.Detection
		if q.Method != valueMethods[i] || d.Rows != 105 || d.Flipped != 10 || d.Flagged != 10 || d.AUC < 0 || d.AUC > 1 {
			t.Errorf("%s: entry %d: %+v", r, i, q)
		}
		if auc := parseRatio(t, d.AUCExact); auc.Sign() < 0 || auc.Cmp(big.NewRat(1, 1)) > 0 {
			t.Errorf("%s: %s: auc_exact %s outside [0, 1]", r, q.Method, d.AUCExact)
		}
	}
	// Each method's detection is that of the method run alone.
	for _, q := range rows {
		_, one := valueRun(t, "--method", q.Method, "--noise", "0.1", "--train", irisCSV, "--split", valueSplit, "--samples", valueSamples)
		if one.Detection == nil || *one.Detection != q.Detection {
			t.Errorf("%s: %s: detection %+v, alone %+v", r, q.Method, q.Detection, one.Detection)
		}
	}

	tr := merit(t, args...).ok(t)
	lines := strings.Split(strings.TrimSuffix(tr.stdout, "\n"), "\n")
	if len(lines) != 3+len(valueMethods) {
		t.Fatalf("%s: %d lines, want a header, a column line, one per method and a footnote:\n%s", tr, len(lines), tr.stdout)
	}
	if !strings.HasPrefix(lines[0], "noisy-label detection: 10 of 105 training labels flipped; knn model (K=5); 45 test rows; 20 samples") {
		t.Errorf("%s: header %q", tr, lines[0])
	}
	for i, q := range rows {
		f := strings.Fields(lines[2+i])
		if len(f) != 6 || f[0] != q.Method || f[1] != fmt.Sprintf("%.4f", q.Detection.AUC) || f[4] != fmt.Sprintf("%.4f", q.Detection.F1) {
			t.Errorf("%s: line %q, want %s with AUC %.4f and F1 %.4f", tr, lines[2+i], q.Method, q.Detection.AUC, q.Detection.F1)
		}
	}
}

func TestValueWithTestFile(t *testing.T) {
	// --test instead of --split: the values of the held-out file's rows are those of the
	// same split given as two files.
	train, test := irisSplit(t, 1)
	dir := t.TempDir()
	tr := writeFile(t, dir, "train.csv", datasetCSV(train))
	te := writeFile(t, dir, "test.csv", datasetCSV(test))
	_, a := valueRun(t, "--method", "loo", "--train", irisCSV, "--split", valueSplit)
	r, b := valueRun(t, "--method", "loo", "--train", tr, "--test", te)
	if b.Train != tr || b.Test != te || b.TrainRows != 105 || b.TestRows != 45 {
		t.Errorf("%s: %+v", r, b)
	}
	if !slices.Equal(a.Values, b.Values) {
		t.Errorf("%s: values differ from --split %s", r, valueSplit)
	}
}

// datasetCSV renders a dense dataset as a CSV with a header row.
func datasetCSV(d *dataset.Dataset) string {
	var b strings.Builder
	for f := range d.Dims {
		fmt.Fprintf(&b, "f%d,", f)
	}
	b.WriteString("label\n")
	for i := range d.Len() {
		for _, v := range d.X[i*d.Dims : (i+1)*d.Dims] {
			b.WriteString(fixedString(v, d.ScaleExp) + ",")
		}
		fmt.Fprintf(&b, "%d\n", d.Y[i])
	}
	return b.String()
}

// fixedString renders the stored feature v at scale 10^exp as a decimal.
func fixedString(v int32, exp int) string {
	return new(big.Rat).SetFrac64(int64(v), int64(math.Pow10(exp))).FloatString(exp)
}

func TestValueUsage(t *testing.T) {
	base := []string{"--train", irisCSV, "--split", valueSplit}
	cases := []usageCase{
		{append([]string{"value", "--method", "bogus"}, base...), `--method "bogus"`},
		{[]string{"value", "--train", irisCSV, "--split", valueSplit}, `--method ""`},
		{[]string{"value", "--method", "loo", "--train", irisCSV, "--test", irisCSV, "--split", "0.3"}, "one of --test or --split"},
		{[]string{"value", "--method", "loo", "--train", irisCSV}, "one of --test or --split"},
		{[]string{"value", "--method", "loo", "--split", "0.3"}, "--train"},
		{[]string{"value", "--method", "loo", "--train", irisCSV, "--split", "0"}, `--split "0"`},
		{[]string{"value", "--method", "loo", "--train", irisCSV, "--split", "1"}, `--split "1"`},
		{[]string{"value", "--method", "loo", "--train", irisCSV, "--split", "1.5"}, `--split "1.5"`},
		{[]string{"value", "--method", "loo", "--train", irisCSV, "--split", "abc"}, `--split "abc"`},
		{append([]string{"value", "--method", "loo", "--noise", "2"}, base...), "--noise"},
		{append([]string{"value", "--method", "loo", "--noise", "-0.1"}, base...), "--noise"},
		{append([]string{"value", "--method", "shapley", "--samples", "0"}, base...), "--samples 0"},
		{append([]string{"value", "--method", "banzhaf", "--samples", "-3"}, base...), "--samples -3"},
		{append([]string{"value", "--method", "all"}, base...), "--noise"},
		{append([]string{"value", "--method", "all", "--noise", "0.1", "--model", "centroid"}, base...), "--model must be knn"},
		{append([]string{"value", "--method", "loo", "--model", "bogus"}, base...), `--model "bogus"`},
		{append([]string{"value", "--method", "loo", "--k", "0"}, base...), "--k 0"},
	}
	for _, c := range cases {
		r := merit(t, c.args...).fails(t, 2)
		if r.stdout != "" {
			t.Errorf("%s: bad usage wrote to stdout:\n%s", r, r.stdout)
		}
		if l := r.errorLine(t); !strings.HasPrefix(l, "merit value: ") || !strings.Contains(l, c.want) {
			t.Errorf("%s: error %q does not name the problem (%q)", r, l, c.want)
		}
	}

	// Failures that are not usage mistakes: exit 1 with a message, no values.
	for _, c := range []usageCase{
		{[]string{"value", "--method", "loo", "--train", irisCSV, "--split", "0.001"}, "empty test set"},
		{append([]string{"value", "--method", "loo", "--noise", "0.001"}, base...), "0 flipped"},
		{[]string{"value", "--method", "loo", "--train", irisCSV, "--test", wineCSV}, wineCSV},
	} {
		r := merit(t, c.args...).fails(t, 1)
		if l := r.errorLine(t); !strings.HasPrefix(l, "merit value: ") || !strings.Contains(l, c.want) {
			t.Errorf("%s: error %q does not name the problem (%q)", r, l, c.want)
		}
		if r.stdout != "" {
			t.Errorf("%s: wrote to stdout:\n%s", r, r.stdout)
		}
	}
}

// The JSON field names are part of the interface: a value's exact form is num/den.
func TestValueJSONFields(t *testing.T) {
	r := merit(t, "value", "--json", "--method", "marginal", "--train", irisCSV, "--split", valueSplit).ok(t)
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.stdout), &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"details", "noise_detection"} {
		if _, ok := raw[k]; ok {
			t.Errorf("%s: %q present without sampling or noise", r, k)
		}
	}
	if strings.Contains(r.stdout, `"flipped"`) {
		t.Errorf("%s: \"flipped\" present without --noise", r)
	}
}
