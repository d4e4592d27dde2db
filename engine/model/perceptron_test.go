package model

import (
	"slices"
	"testing"
)

func perceptronState(t *testing.T, m Model, w, b []int32) {
	t.Helper()
	p := m.(*perceptron)
	if !slices.Equal(p.w, w) || !slices.Equal(p.b, b) {
		t.Fatalf("perceptron state w=%v b=%v, want w=%v b=%v", p.w, p.b, w, b)
	}
}

func TestPerceptronBinaryByHand(t *testing.T) {
	// D = 2, S = 1, B = 10, lr = 1: W = min(2^31−1, ⌊(2^63−1)/(3·10)⌋) = 2^31−1.
	c := Config{Family: Perceptron, Dims: 2, Classes: 2, Bound: 10}
	m := mustNew(t, c)
	if got := m.Config().LearningRate; got != 1 {
		t.Fatalf("default LearningRate = %d", got)
	}
	if lim := m.(*perceptron).lim; lim != 1<<31-1 {
		t.Fatalf("W = %d", lim)
	}
	// Empty model: score 0 → class 0.
	wantPredict(t, m, dn(5, 5), 0)

	// 1. x=(1,2), y=1: score 0 → predicts 0, mistake, t=+1: w=(1,2), b=0+1·S=1.
	mustUpdate(t, m, dn(1, 2), 1)
	perceptronState(t, m, []int32{1, 2}, []int32{1})
	// 2. x=(2,−1), y=0: score 1·2 + 2·(−1) + 1·1 = 1 > 0 → 1, mistake, t=−1: w=(−1,3), b=0.
	mustUpdate(t, m, dn(2, -1), 0)
	perceptronState(t, m, []int32{-1, 3}, []int32{0})
	// 3. x=(3,1), y=1: score −3 + 3 + 0 = 0, not > 0 → 0, mistake, t=+1: w=(2,4), b=1.
	mustUpdate(t, m, dn(3, 1), 1)
	perceptronState(t, m, []int32{2, 4}, []int32{1})
	// 4. x=(1,2), y=1: score 2 + 8 + 1 = 11 > 0 → 1, correct: unchanged.
	mustUpdate(t, m, dn(1, 2), 1)
	perceptronState(t, m, []int32{2, 4}, []int32{1})

	wantPredict(t, m, dn(2, -1), 1) // 4 − 4 + 1 = 1
	wantPredict(t, m, dn(0, 0), 1)  // b·S = 1
	wantPredict(t, m, dn(-1, 0), 0) // −2 + 1 = −1
	wantPredict(t, m, dn(-2, 1), 1) // −4 + 4 + 1 = 1
	wantPredict(t, m, dn(-3, 1), 0) // −6 + 4 + 1 = −1
	wantPredict(t, m, sp([]uint32{0}, []int32{-1}), 0)
	wantPredict(t, m, sp(nil, nil), 1)

	ds := denseDS(c, [][]int32{{1, 2}, {2, -1}, {3, 1}, {-1, 0}}, []int32{1, 0, 1, 0})
	// Predictions: 1, 1, 1 (6+4+1), 0 → correct: yes, no, yes, yes = 3.
	if got, err := m.Evaluate(ds); err != nil || got != 3 {
		t.Fatalf("Evaluate = %d, %v; want 3", got, err)
	}
	if got, err := m.Evaluate(sparseDS(c, [][]int32{{1, 2}, {2, -1}, {3, 1}, {-1, 0}}, []int32{1, 0, 1, 0})); err != nil || got != 3 {
		t.Fatalf("Evaluate(sparse) = %d, %v; want 3", got, err)
	}
}

func TestPerceptronBinaryScaleAndZeroScore(t *testing.T) {
	// D = 1, S = 10, lr = 2. The intercept is a constant feature of stored value S.
	c := Config{Family: Perceptron, Dims: 1, Classes: 2, ScaleExp: 1, Bound: 100, LearningRate: 2}
	m := mustNew(t, c)
	// x=5, y=0: score 0 → 0, correct.
	mustUpdate(t, m, dn(5), 0)
	perceptronState(t, m, []int32{0}, []int32{0})
	// x=5, y=1: score 0 → 0, mistake, t=+1: w = 2·5 = 10, b = 2·S = 20.
	mustUpdate(t, m, dn(5), 1)
	perceptronState(t, m, []int32{10}, []int32{20})
	// score(x) = 10·x + 20·10 = 10·x + 200.
	wantPredict(t, m, dn(-30), 0) // −100
	wantPredict(t, m, dn(-20), 0) // exactly 0 → class 0
	wantPredict(t, m, dn(-19), 1) // 10
	wantPredict(t, m, sp([]uint32{0}, []int32{-20}), 0)
}

func TestPerceptronSaturation(t *testing.T) {
	// D = 2^20, S = 10^9, B = 3, lr = 5000:
	// W = ⌊(2^63−1) / ((2^20+1)·max(3, 10^9))⌋ = ⌊9223372036854775807 / 1048577000000000⌋ = 8796.
	c := Config{Family: Perceptron, Dims: 1 << 20, Classes: 2, ScaleExp: 9, Bound: 3, LearningRate: 5000}
	m := mustNew(t, c)
	p := m.(*perceptron)
	if p.lim != 8796 {
		t.Fatalf("W = %d, want 8796", p.lim)
	}
	row := func(v int32) []int32 { return []int32{v} }
	idx := []uint32{5}
	check := func(w5, b int32) {
		t.Helper()
		if p.w[5] != w5 || p.b[0] != b {
			t.Fatalf("w[5] = %d, b = %d; want %d, %d", p.w[5], p.b[0], w5, b)
		}
	}
	// 1. {5: 3}, y=1: score 0 → 0, mistake t=+1: w5 = sat(15000) = 8796, b = sat(5000·10^9) = 8796.
	mustUpdate(t, m, sp(idx, row(3)), 1)
	check(8796, 8796)
	// 2. {5: −3}, y=1: score −26388 + 8796·10^9 > 0 → 1, correct.
	mustUpdate(t, m, sp(idx, row(-3)), 1)
	check(8796, 8796)
	// 3. {5: 3}, y=0: score > 0 → 1, mistake t=−1: w5 = 8796 − 15000 = −6204, b = sat(8796 − 5·10^12) = −8796.
	mustUpdate(t, m, sp(idx, row(3)), 0)
	check(-6204, -8796)
	// 4. {5: −3}, y=1: score 18612 − 8796·10^9 < 0 → 0, mistake t=+1:
	//    w5 = sat(−6204 − 15000) = −8796, b = sat(−8796 + 5·10^12) = 8796.
	mustUpdate(t, m, sp(idx, row(-3)), 1)
	check(-8796, 8796)
	// Every other weight is untouched.
	if n := len(p.w) - slicesCountZero(p.w); n != 1 {
		t.Fatalf("%d non-zero weights, want 1", n)
	}
	// Round trip of a saturated state.
	b := enc(t, m)
	m2, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	sameBytes(t, "re-encode", enc(t, m2), b)
}

func slicesCountZero(x []int32) int {
	n := 0
	for _, v := range x {
		if v == 0 {
			n++
		}
	}
	return n
}

func TestPerceptronMultiByHand(t *testing.T) {
	c := Config{Family: Perceptron, Dims: 2, Classes: 3, Bound: 10}
	m := mustNew(t, c)
	wantPredict(t, m, dn(1, 1), 0) // empty: all scores 0 → lowest class
	// 1. x=(1,0), y=0: scores (0,0,0) → 0, correct.
	mustUpdate(t, m, dn(1, 0), 0)
	perceptronState(t, m, []int32{0, 0, 0, 0, 0, 0}, []int32{0, 0, 0})
	// 2. x=(0,1), y=1: → 0, mistake: w1 += (0,1), b1 = 1; w0 −= (0,1), b0 = −1.
	mustUpdate(t, m, dn(0, 1), 1)
	perceptronState(t, m, []int32{0, -1, 0, 1, 0, 0}, []int32{-1, 1, 0})
	// 3. x=(1,1), y=2: scores (−1−1, 1+1, 0) = (−2, 2, 0) → 1, mistake:
	//    w2 += (1,1), b2 = 1; w1 −= (1,1) → (−1,0), b1 = 0.
	mustUpdate(t, m, dn(1, 1), 2)
	perceptronState(t, m, []int32{0, -1, -1, 0, 1, 1}, []int32{-1, 0, 1})
	// 4. x=(1,0), y=0: scores (0−1, −1+0, 1+1) = (−1, −1, 2) → 2, mistake:
	//    w0 += (1,0) → (1,−1), b0 = 0; w2 −= (1,0) → (0,1), b2 = 0.
	mustUpdate(t, m, sp([]uint32{0}, []int32{1}), 0)
	perceptronState(t, m, []int32{1, -1, -1, 0, 0, 1}, []int32{0, 0, 0})

	wantPredict(t, m, dn(1, 0), 0)   // (1, −1, 0)
	wantPredict(t, m, dn(0, 1), 2)   // (−1, 0, 1)
	wantPredict(t, m, dn(1, 1), 2)   // (0, −1, 1)
	wantPredict(t, m, dn(0, 0), 0)   // (0, 0, 0): tie → lowest
	wantPredict(t, m, dn(-1, -1), 1) // (0, 1, −1)
	wantPredict(t, m, dn(2, 2), 2)   // (0, −2, 2)
	wantPredict(t, m, dn(-1, 1), 1)  // (−2, 1, 1): tie between 1 and 2 → 1

	rows := [][]int32{{1, 0}, {0, 1}, {1, 1}, {1, 0}}
	labels := []int32{0, 1, 2, 0}
	// Predictions 0, 2, 2, 0 → 3 correct.
	if got, err := m.Evaluate(denseDS(c, rows, labels)); err != nil || got != 3 {
		t.Fatalf("Evaluate = %d, %v; want 3", got, err)
	}
	if got, err := m.Evaluate(sparseDS(c, rows, labels)); err != nil || got != 3 {
		t.Fatalf("Evaluate(sparse) = %d, %v; want 3", got, err)
	}
}
