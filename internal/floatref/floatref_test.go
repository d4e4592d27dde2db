package floatref

import (
	"math"
	"slices"
	"testing"
)

func mustNew(t *testing.T, family string, dims, classes int, lr, alpha float64, k int) Model {
	t.Helper()
	m, err := New(family, dims, classes, lr, alpha, k)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func wantPredict(t *testing.T, m Model, x []float64, want int) {
	t.Helper()
	if got := m.Predict(x); got != want {
		t.Errorf("%s: Predict(%v) = %d, want %d", m.Family(), x, got, want)
	}
}

func TestNewRejects(t *testing.T) {
	for _, c := range []struct {
		family           string
		dims, classes, k int
		lr, alpha        float64
	}{
		{"perceptron", 0, 2, 1, 1, 1},
		{"perceptron", 1, 1, 1, 1, 1},
		{"perceptron", 1, 2, 1, 0, 1},
		{"naive-bayes", 1, 2, 1, 1, 0},
		{"naive-bayes", 1, 2, 1, 1, math.NaN()},
		{"perceptron", 1, 2, 1, math.Inf(1), 1},
		{"Perceptron", 1, 2, 1, 1, 1},
		{"knn", 1, 2, 0, 1, 1},
		{"svm", 1, 2, 1, 1, 1},
	} {
		if _, err := New(c.family, c.dims, c.classes, c.lr, c.alpha, c.k); err == nil {
			t.Errorf("New(%q, dims %d, classes %d, lr %v, alpha %v, k %d) accepted", c.family, c.dims, c.classes, c.lr, c.alpha, c.k)
		}
	}
	for _, f := range Families() {
		m := mustNew(t, f, 3, 4, 1, 1, 1)
		if m.Family() != f {
			t.Errorf("Family() = %q, want %q", m.Family(), f)
		}
		wantPredict(t, m, []float64{1, 2, 3}, 0) // untrained: class 0
	}
}

func TestPerceptronBinary(t *testing.T) {
	m := mustNew(t, Perceptron, 2, 2, 1, 0, 0)
	p := m.(*perceptron)
	m.Update([]float64{1, 0}, 1) // score 0 → predicts 0: w = (1,0), b = 1
	m.Update([]float64{0, 1}, 0) // score 1 → predicts 1: w = (1,−1), b = 0
	m.Update([]float64{2, 0}, 1) // score 2 → correct, no change
	if !slices.Equal(p.w[0], []float64{1, -1}) || p.b[0] != 0 {
		t.Fatalf("w = %v, b = %v; want [1 -1], 0", p.w[0], p.b[0])
	}
	wantPredict(t, m, []float64{0, 0}, 0) // score exactly 0 → class 0
	wantPredict(t, m, []float64{1, 0.5}, 1)
	wantPredict(t, m, []float64{1, 1.5}, 0)

	// The learning rate scales every step, bias included.
	m = mustNew(t, Perceptron, 2, 2, 0.5, 0, 0)
	p = m.(*perceptron)
	m.Update([]float64{3, -2}, 0) // score 0 → predicts 0: correct
	m.Update([]float64{3, -2}, 1) // mistake: w = (1.5, −1), b = 0.5
	if !slices.Equal(p.w[0], []float64{1.5, -1}) || p.b[0] != 0.5 {
		t.Fatalf("w = %v, b = %v; want [1.5 -1], 0.5", p.w[0], p.b[0])
	}
}

func TestPerceptronMulticlass(t *testing.T) {
	m := mustNew(t, Perceptron, 1, 3, 1, 0, 0)
	p := m.(*perceptron)
	m.Update([]float64{1}, 2)  // all scores 0 → predicts 0: w2 += 1, b2 += 1, w0 −= 1, b0 −= 1
	m.Update([]float64{-1}, 1) // scores (0, 0, 0) → predicts 0: w1 −= 1, b1 += 1, w0 += 1, b0 −= 1
	if got := [][]float64{{p.w[0][0], p.w[1][0], p.w[2][0]}, p.b}; !slices.Equal(got[0], []float64{0, -1, 1}) || !slices.Equal(got[1], []float64{-2, 1, 1}) {
		t.Fatalf("w = %v, b = %v; want [0 -1 1], [-2 1 1]", got[0], got[1])
	}
	wantPredict(t, m, []float64{2}, 2)  // scores (−2, −1, 3)
	wantPredict(t, m, []float64{-2}, 1) // scores (−2, 3, −1)
	wantPredict(t, m, []float64{0}, 1)  // scores (−2, 1, 1): tie → lowest index
	m.Update([]float64{0}, 2)           // mistake (1 predicted): only biases move
	if !slices.Equal(p.b, []float64{-2, 0, 2}) {
		t.Fatalf("b = %v, want [-2 0 2]", p.b)
	}
}

func TestNaiveBayes(t *testing.T) {
	m := mustNew(t, NaiveBayes, 2, 2, 0, 1, 0)
	m.Update([]float64{2, 0}, 0)
	m.Update([]float64{0, 3}, 1)
	m.Update([]float64{1, 1}, 0)
	// N0 = (3, 1), T0 = 4, n0 = 2; N1 = (0, 3), T1 = 3, n1 = 1; n = 3; C = D = 2.
	// θ0 = (4/6, 2/6), θ1 = (1/5, 4/5); priors 3/5 and 2/5.
	nb := m.(*naiveBayes)
	for _, c := range []struct {
		x      []float64
		s0, s1 float64 // the scores as products, before log2
		want   int
	}{
		{[]float64{1, 1}, 3.0 / 5 * 2 / 3 * 1 / 3, 2.0 / 5 * 1 / 5 * 4 / 5, 0},
		{[]float64{0, 2}, 3.0 / 5 * 1 / 9, 2.0 / 5 * 16 / 25, 1},
		{[]float64{1, 0}, 3.0 / 5 * 2 / 3, 2.0 / 5 * 1 / 5, 0},
		{[]float64{0, 0}, 3.0 / 5, 2.0 / 5, 0},
		{[]float64{0.5, 1.5}, 3.0 / 5 * math.Pow(2.0/3, 0.5) * math.Pow(1.0/3, 1.5), 2.0 / 5 * math.Pow(1.0/5, 0.5) * math.Pow(4.0/5, 1.5), 1},
	} {
		wantPredict(t, m, c.x, c.want)
		if d0, d1 := nb.score[0]-math.Log2(c.s0), nb.score[1]-math.Log2(c.s1); math.Abs(d0) > 1e-12 || math.Abs(d1) > 1e-12 {
			t.Errorf("x = %v: scores %v, want log2 of %v, %v", c.x, nb.score, c.s0, c.s1)
		}
	}

	// Lidstone α = 0.5 and three classes, two of them empty.
	m = mustNew(t, NaiveBayes, 2, 3, 0, 0.5, 0)
	m.Update([]float64{3, 1}, 2)
	nb = m.(*naiveBayes)
	wantPredict(t, m, []float64{1, 1}, 2)
	// class 2: prior (1+1)/(1+3), θ = (3.5/5, 1.5/5); classes 0, 1: prior 1/4, θ = (1/2, 1/2).
	want := math.Log2(2.0/4) + math.Log2(3.5/5) + math.Log2(1.5/5)
	if math.Abs(nb.score[2]-want) > 1e-12 || math.Abs(nb.score[0]-math.Log2(1.0/16)) > 1e-12 || nb.score[0] != nb.score[1] {
		t.Errorf("scores %v, want [%v %v %v]", nb.score, math.Log2(1.0/16), math.Log2(1.0/16), want)
	}
	wantPredict(t, m, []float64{0, 5}, 0) // class 2: 1/2·(3/10)^5 < 1/4·(1/2)^5; tie 0 = 1 → 0
}

func TestCentroid(t *testing.T) {
	m := mustNew(t, Centroid, 2, 3, 0, 0, 0)
	m.Update([]float64{0, 0}, 0)
	m.Update([]float64{1, 0}, 0)               // class 0 mean (0.5, 0); class 1 empty
	m.Update([]float64{3, 3}, 2)               // class 2 mean (3, 3)
	wantPredict(t, m, []float64{1, 1}, 0)      // 1.25 vs 8
	wantPredict(t, m, []float64{2, 2}, 2)      // 6.25 vs 2
	wantPredict(t, m, []float64{-50, 0}, 0)    // the empty class 1 (mean undefined) is skipped
	wantPredict(t, m, []float64{1.75, 1.5}, 0) // equidistant (3.8125): lowest index

	// The mean is not truncated: class 0 = {0, 1} has mean 0.5 (the engine's truncated
	// centroid would be 0, and 0.6 would go to class 1).
	m = mustNew(t, Centroid, 1, 2, 0, 0, 0)
	m.Update([]float64{0}, 0)
	m.Update([]float64{1}, 0)
	m.Update([]float64{0.9}, 1)
	wantPredict(t, m, []float64{0.6}, 0)
	wantPredict(t, m, []float64{0.71}, 1)
}

func TestSparseCentroid(t *testing.T) {
	m := mustNew(t, SparseCentroid, 3, 2, 0, 0, 0)
	m.Update([]float64{5, 0, 0}, 0)
	m.Update([]float64{2, 7, 0}, 0)            // class 0: binary mean (1, 0.5, 0)
	m.Update([]float64{0, 0, 9}, 1)            // class 1: (0, 0, 1)
	wantPredict(t, m, []float64{0, 3, 0}, 0)   // 1.25 vs 2
	wantPredict(t, m, []float64{0, 0, -4}, 1)  // negative non-zero is present: 2.25 vs 0
	wantPredict(t, m, []float64{0, 0, 0}, 1)   // 1.25 vs 1
	wantPredict(t, m, []float64{100, 0, 0}, 0) // values are ignored: 0.25 vs 2
	sc := m.(*sparseCentroid)
	if !slices.Equal(sc.mean[0], []float64{1, 0.5, 0}) {
		t.Errorf("class 0 centroid %v, want [1 0.5 0]", sc.mean[0])
	}
	// A tie between classes goes to the lowest index; the empty class 0 is skipped.
	m = mustNew(t, SparseCentroid, 2, 3, 0, 0, 0)
	m.Update([]float64{1, 0}, 2)
	m.Update([]float64{0, 1}, 1)
	wantPredict(t, m, []float64{3, 3}, 1) // distance 1 to both: lowest index among non-empty
}

func TestKNN(t *testing.T) {
	m := mustNew(t, KNN, 1, 3, 0, 0, 3)
	for i, x := range []float64{0, 1, 2, 10, -1} {
		m.Update([]float64{x}, []int{0, 1, 1, 0, 2}[i])
	}
	wantPredict(t, m, []float64{0.4}, 0)  // nearest 0 (y0), 1 (y1), −1 (y2): one vote each → first
	wantPredict(t, m, []float64{1.6}, 1)  // 2 (y1), 1 (y1), 0 (y0)
	wantPredict(t, m, []float64{-0.6}, 2) // −1 (y2), 0 (y0), 1 (y1)
	wantPredict(t, m, []float64{9}, 1)    // 10 (y0), 2 (y1), 1 (y1): majority beats nearest

	// Distance ties go to the lower index; vote ties to the class met first.
	m = mustNew(t, KNN, 1, 3, 0, 0, 2)
	m.Update([]float64{2}, 1)
	m.Update([]float64{-1}, 0)
	m.Update([]float64{1}, 2)
	wantPredict(t, m, []float64{0}, 0) // (1, idx 1, y0), (1, idx 2, y2): tie → class 0
	m = mustNew(t, KNN, 1, 3, 0, 0, 2)
	m.Update([]float64{2}, 1)
	m.Update([]float64{1}, 2)
	m.Update([]float64{-1}, 0)
	wantPredict(t, m, []float64{0}, 2) // the same rows, inserted the other way round
	m = mustNew(t, KNN, 1, 3, 0, 0, 1)
	m.Update([]float64{1}, 2)
	m.Update([]float64{-1}, 1)
	wantPredict(t, m, []float64{0}, 2) // K = 1: the tie goes to index 0

	// Fewer stored rows than K: all of them vote. Stored rows are copies.
	m = mustNew(t, KNN, 2, 2, 0, 0, 5)
	x := []float64{1, 1}
	m.Update(x, 1)
	x[0] = 100
	wantPredict(t, m, []float64{1, 1}, 1)
	m.Update([]float64{0, 0}, 0)
	m.Update([]float64{0, 0.1}, 0)
	wantPredict(t, m, []float64{1, 1}, 0) // two votes against one
}

func TestAccuracyTrain(t *testing.T) {
	d := &Data{X: [][]float64{{0}, {1}, {5}, {6}}, Y: []int{0, 0, 1, 1}, Dims: 1, Classes: 2}
	m := mustNew(t, Centroid, 1, 2, 0, 0, 0)
	Train(m, d.Subset([]int{0, 2}))
	if got := Accuracy(m, d); got != 4 {
		t.Errorf("Accuracy = %d, want 4", got)
	}
	if got := Accuracy(m, &Data{X: [][]float64{{0}, {6}}, Y: []int{1, 1}, Dims: 1, Classes: 2}); got != 1 {
		t.Errorf("Accuracy = %d, want 1", got)
	}
	if got := d.MaxAbs(); got != 6 {
		t.Errorf("MaxAbs = %v, want 6", got)
	}
}

func TestPanicsOnBadRow(t *testing.T) {
	for _, f := range Families() {
		m := mustNew(t, f, 2, 2, 1, 1, 1)
		for _, bad := range []func(){
			func() { m.Predict([]float64{1}) },
			func() { m.Update([]float64{1, 2, 3}, 0) },
			func() { m.Update([]float64{1, 2}, 2) },
			func() { m.Update([]float64{1, 2}, -1) },
		} {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("%s: no panic on a row that does not fit", f)
					}
				}()
				bad()
			}()
		}
	}
}
