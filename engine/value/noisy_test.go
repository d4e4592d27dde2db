package value

import (
	"testing"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/model"
)

func noisyQuality(t *testing.T, v Values, flipped []int, num, den int) Quality {
	t.Helper()
	q, err := DetectionQuality(v, flipped, num, den)
	if err != nil {
		t.Fatalf("DetectionQuality(%v, %v, %d/%d): %v", v, flipped, num, den, err)
	}
	return q
}

func TestDetectionQualityHandComputed(t *testing.T) {
	cases := []struct {
		name                  string
		v                     Values
		flipped               []int
		num, den              int
		auc, prec, rec, f1    Ratio
		flagged, hits, nflips int
	}{
		{"perfect", Values{[]int64{1, 2, 3, 4, 5}, 1}, []int{0, 1}, 2, 5,
			Ratio{1, 1}, Ratio{1, 1}, Ratio{1, 1}, Ratio{1, 1}, 2, 2, 2},
		{"reversed", Values{[]int64{1, 2, 3, 4, 5}, 3}, []int{3, 4}, 2, 5,
			Ratio{0, 1}, Ratio{0, 1}, Ratio{0, 1}, Ratio{0, 1}, 2, 0, 2},
		// All ties: AUC ½; flagging breaks ties by index, so rows 0 and 1 are flagged.
		{"all ties", Values{[]int64{7, 7, 7, 7, 7}, 2}, []int{3, 4}, 2, 5,
			Ratio{1, 2}, Ratio{0, 1}, Ratio{0, 1}, Ratio{0, 1}, 2, 0, 2},
		{"all ties, low flipped", Values{[]int64{-1, -1, -1, -1}, 9}, []int{0, 1}, 1, 2,
			Ratio{1, 2}, Ratio{1, 1}, Ratio{1, 1}, Ratio{1, 1}, 2, 2, 2},
		// Values 3 1 4 1 5 9 2 6, flipped {1, 2, 5}: pairs with v_f < v_c: row 1 (v 1)
		// beats clean 3, 5, 2, 6 and ties clean row 3; row 2 (v 4) beats 5 and 6; row 5
		// (v 9) none: (2·6 + 1)/(2·3·5) = 13/30. Flag ⌊8·3/8⌋ = 3: rows 1, 3, 6 (v 1, 1,
		// 2): one hit, P = R = 1/3, F1 = 2·1/(3+3) = 1/3.
		{"mixed", Values{[]int64{3, 1, 4, 1, 5, 9, 2, 6}, 7}, []int{5, 1, 2}, 3, 8,
			Ratio{13, 30}, Ratio{1, 3}, Ratio{1, 3}, Ratio{1, 3}, 3, 1, 3},
		// Flag nothing: precision 0 by definition, recall 0, F1 0; AUC unaffected.
		{"flag none", Values{[]int64{1, 2, 3}, 1}, []int{0}, 0, 1,
			Ratio{1, 1}, Ratio{0, 1}, Ratio{0, 1}, Ratio{0, 1}, 0, 0, 1},
		// Flag all 4 with 1 flipped: P = 1/4, R = 1, F1 = 2/(4+1).
		{"flag all", Values{[]int64{4, 3, 2, 1}, 1}, []int{2}, 1, 1,
			Ratio{2, 3}, Ratio{1, 4}, Ratio{1, 1}, Ratio{2, 5}, 4, 1, 1},
	}
	for _, c := range cases {
		q := noisyQuality(t, c.v, c.flipped, c.num, c.den)
		if q.AUC != c.auc || q.Precision != c.prec || q.Recall != c.rec || q.F1 != c.f1 ||
			q.Flagged != c.flagged || q.Hits != c.hits || q.Flipped != c.nflips || q.Rows != len(c.v.Num) {
			t.Errorf("%s: got %+v", c.name, q)
		}
	}
}

// The AUC equals the brute-force pair count on random values with many ties.
func TestDetectionQualityAUCBruteForce(t *testing.T) {
	d := randomDense(5, 200, 1, 2, 3) // values in −3..3, labels as the flipped set
	for trial := range 20 {
		n := 20 + trial*9
		v := Values{Num: make([]int64, n), Den: 5}
		var flipped []int
		for i := range n {
			v.Num[i] = int64(d.X[(i+trial)%200])
			if d.Y[(i*7+trial)%200] == 1 {
				flipped = append(flipped, i)
			}
		}
		q := noisyQuality(t, v, flipped, 1, 10)
		isF := map[int]bool{}
		for _, i := range flipped {
			isF[i] = true
		}
		var twice, pairs int64
		for f := range n {
			for c := range n {
				if !isF[f] || isF[c] {
					continue
				}
				pairs++
				switch {
				case v.Num[f] < v.Num[c]:
					twice += 2
				case v.Num[f] == v.Num[c]:
					twice++
				}
			}
		}
		if q.AUC.Num*2*pairs != twice*q.AUC.Den {
			t.Fatalf("trial %d: AUC %d/%d, want %d/%d", trial, q.AUC.Num, q.AUC.Den, twice, 2*pairs)
		}
	}
}

func TestDetectionQualityErrors(t *testing.T) {
	v := Values{[]int64{1, 2, 3}, 1}
	bad := []struct {
		name     string
		v        Values
		flipped  []int
		num, den int
	}{
		{"den 0", Values{[]int64{1, 2}, 0}, []int{0}, 1, 2},
		{"den negative", Values{[]int64{1, 2}, -1}, []int{0}, 1, 2},
		{"no rows", Values{nil, 1}, nil, 1, 2},
		{"out of range", v, []int{3}, 1, 2},
		{"negative index", v, []int{-1}, 1, 2},
		{"repeated", v, []int{1, 1}, 1, 2},
		{"none flipped", v, nil, 1, 2},
		{"all flipped", v, []int{0, 1, 2}, 1, 2},
		{"fraction > 1", v, []int{0}, 3, 2},
		{"fraction negative", v, []int{0}, -1, 2},
		{"fraction den 0", v, []int{0}, 0, 0},
	}
	for _, c := range bad {
		if _, err := DetectionQuality(c.v, c.flipped, c.num, c.den); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}

// noisyIris returns the iris dataset split 70/30 and a KNN configuration for it.
func noisyIris(t testing.TB) Problem {
	t.Helper()
	l, err := dataset.Load("../../testdata/iris.csv", dataset.LoadOptions{ScaleExp: dataset.AutoScale})
	if err != nil {
		t.Fatal(err)
	}
	train, test, err := dataset.Split(l.Data, 3, 10, 1)
	if err != nil {
		t.Fatal(err)
	}
	cfg := model.Config{Family: model.KNN, Dims: l.Data.Dims, Classes: l.Data.Classes,
		ScaleExp: l.Data.ScaleExp, Bound: l.Data.MaxAbs(), K: 5}
	return Problem{Config: cfg, Train: train, Test: test}
}

// On iris (KNN, K = 3) with 10% of the training labels flipped, the sampled methods rank
// the flipped rows low: the AUC is far above ½ (about 0.93, 0.88 and 0.99 for these
// budgets; the test asks for 3/4).
func TestDetectNoisyLabelsIris(t *testing.T) {
	p := noisyIris(t)
	p.Config.K = 3
	methods := []struct {
		name string
		f    Valuer
	}{
		{"PermutationShapley", func(p Problem) (Values, error) {
			v, _, err := PermutationShapley(p, SampleOptions{Seed: 1, Samples: 50})
			return v, err
		}},
		{"PermutationShapley, truncated", func(p Problem) (Values, error) {
			v, _, err := PermutationShapley(p, SampleOptions{Seed: 1, Samples: 50, Truncation: 1})
			return v, err
		}},
		{"Banzhaf", func(p Problem) (Values, error) {
			v, _, err := Banzhaf(p, SampleOptions{Seed: 1, Samples: 2000})
			return v, err
		}},
	}
	for _, m := range methods {
		res, err := DetectNoisyLabels(p, NoisyOptions{FlipNum: 1, FlipDen: 10, Seed: 7}, m.f)
		if err != nil {
			t.Fatal(err)
		}
		q := res.Quality
		t.Logf("%s: %d of %d rows flipped; AUC %d/%d; flagging %d: precision %d/%d, recall %d/%d, F1 %d/%d",
			m.name, q.Flipped, q.Rows, q.AUC.Num, q.AUC.Den, q.Flagged, q.Precision.Num, q.Precision.Den,
			q.Recall.Num, q.Recall.Den, q.F1.Num, q.F1.Den)
		if q.Flipped != p.Train.Len()/10 || len(res.Flipped) != q.Flipped || q.Flagged != q.Flipped {
			t.Fatalf("%s: %+v", m.name, q)
		}
		if 4*q.AUC.Num < 3*q.AUC.Den { // AUC ≥ 0.75
			t.Errorf("%s: AUC %d/%d below 3/4", m.name, q.AUC.Num, q.AUC.Den)
		}
	}
}

func TestDetectNoisyLabelsErrors(t *testing.T) {
	p := noisyIris(t)
	ok := func(p Problem) (Values, error) { return Values{Num: make([]int64, p.Train.Len()), Den: 1}, nil }
	short := func(p Problem) (Values, error) { return Values{Num: make([]int64, 3), Den: 1}, nil }
	if _, err := DetectNoisyLabels(p, NoisyOptions{FlipNum: 1, FlipDen: 10}, nil); err == nil {
		t.Error("nil valuer: no error")
	}
	if _, err := DetectNoisyLabels(p, NoisyOptions{FlipNum: 1, FlipDen: 10}, short); err == nil {
		t.Error("wrong number of values: no error")
	}
	if _, err := DetectNoisyLabels(p, NoisyOptions{FlipNum: 2, FlipDen: 1}, ok); err == nil {
		t.Error("flip fraction 2: no error")
	}
	if _, err := DetectNoisyLabels(p, NoisyOptions{FlipNum: 0, FlipDen: 1}, ok); err == nil {
		t.Error("nothing flipped: no error (AUC undefined)")
	}
	if _, err := DetectNoisyLabels(Problem{}, NoisyOptions{FlipNum: 1, FlipDen: 10}, ok); err == nil {
		t.Error("no training set: no error")
	}
	// All values equal: AUC exactly ½; the flag fraction can differ from the flip fraction.
	res, err := DetectNoisyLabels(p, NoisyOptions{FlipNum: 1, FlipDen: 10, FlagNum: 1, FlagDen: 5}, ok)
	if err != nil {
		t.Fatal(err)
	}
	if res.Quality.AUC != (Ratio{1, 2}) || res.Quality.Flagged != p.Train.Len()/5 {
		t.Errorf("constant values: %+v", res.Quality)
	}
}
