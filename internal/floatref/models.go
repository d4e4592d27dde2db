package floatref

import "math"

// perceptron is the mistake-driven perceptron. With two classes it keeps one weight
// vector w[0] and bias b[0] and predicts 1 iff w·x + b > 0; with more it keeps one
// (w_c, b_c) per class and predicts the argmax of w_c·x + b_c. The bias is the weight of
// a constant feature 1.0 (the engine's stored S at scale S).
type perceptron struct {
	dims, classes int
	lr            float64
	w             [][]float64
	b             []float64
	score         []float64
}

func newPerceptron(dims, classes int, lr float64) *perceptron {
	n := classes
	if classes == 2 {
		n = 1
	}
	p := &perceptron{dims: dims, classes: classes, lr: lr, w: make([][]float64, n), b: make([]float64, n), score: make([]float64, n)}
	for c := range p.w {
		p.w[c] = make([]float64, dims)
	}
	return p
}

func (p *perceptron) Family() string { return Perceptron }

func (p *perceptron) Predict(x []float64) int {
	checkRow(Perceptron, p.dims, p.classes, x, 0)
	return p.predict(x)
}

func (p *perceptron) predict(x []float64) int {
	if p.classes == 2 {
		if dot(p.w[0], x)+p.b[0] > 0 {
			return 1
		}
		return 0
	}
	for c := range p.w {
		p.score[c] = dot(p.w[c], x) + p.b[c]
	}
	return argmax(p.score)
}

func (p *perceptron) Update(x []float64, label int) {
	checkRow(Perceptron, p.dims, p.classes, x, label)
	pred := p.predict(x)
	if pred == label {
		return
	}
	if p.classes == 2 {
		t := -p.lr
		if label == 1 {
			t = p.lr
		}
		axpy(p.w[0], t, x)
		p.b[0] += t
		return
	}
	axpy(p.w[label], p.lr, x)
	p.b[label] += p.lr
	axpy(p.w[pred], -p.lr, x)
	p.b[pred] -= p.lr
}

// axpy sets w ← w + a·x.
func axpy(w []float64, a float64, x []float64) {
	w = w[:len(x)]
	for i, v := range x {
		w[i] += a * v
	}
}

// naiveBayes is multinomial naive Bayes with Lidstone smoothing α:
// θ[c][f] = (N[c][f] + α) / (T[c] + α·D), prior (n[c] + 1) / (n + C), and
// score_c = log2 prior + Σ_f x_f·log2 θ[c][f]; predict the argmax.
type naiveBayes struct {
	dims, classes int
	alpha         float64
	cnt           [][]float64 // N[c][f]
	tot           []float64   // T[c]
	n             []int       // samples per class
	all           int         // samples in all
	logTheta      [][]float64 // cached log2 θ[c][·], valid when !dirty[c]
	dirty         []bool
	score         []float64
}

func newNaiveBayes(dims, classes int, alpha float64) *naiveBayes {
	m := &naiveBayes{dims: dims, classes: classes, alpha: alpha,
		cnt: make([][]float64, classes), tot: make([]float64, classes), n: make([]int, classes),
		logTheta: make([][]float64, classes), dirty: make([]bool, classes), score: make([]float64, classes)}
	for c := range m.cnt {
		m.cnt[c] = make([]float64, dims)
		m.logTheta[c] = make([]float64, dims)
		m.dirty[c] = true
	}
	return m
}

func (m *naiveBayes) Family() string { return NaiveBayes }

func (m *naiveBayes) Update(x []float64, label int) {
	checkRow(NaiveBayes, m.dims, m.classes, x, label)
	row := m.cnt[label]
	for f, v := range x {
		row[f] += v
		m.tot[label] += v
	}
	m.n[label]++
	m.all++
	m.dirty[label] = true
}

func (m *naiveBayes) Predict(x []float64) int {
	checkRow(NaiveBayes, m.dims, m.classes, x, 0)
	for c := range m.score {
		if m.dirty[c] {
			den := m.tot[c] + m.alpha*float64(m.dims)
			for f, v := range m.cnt[c] {
				m.logTheta[c][f] = math.Log2((v + m.alpha) / den)
			}
			m.dirty[c] = false
		}
		prior := math.Log2(float64(m.n[c]+1) / float64(m.all+m.classes))
		m.score[c] = prior + dot(x, m.logTheta[c])
	}
	return argmax(m.score)
}

// centroid is the dense nearest centroid: the centroid of class c is the float mean of
// its samples; predict the class with the smallest squared Euclidean distance among the
// classes that have samples (the lowest index on ties), class 0 if none has.
type centroid struct {
	dims, classes int
	sum, mean     [][]float64
	n             []int
	dirty         []bool
}

func newCentroid(dims, classes int) *centroid {
	m := &centroid{dims: dims, classes: classes, sum: make([][]float64, classes), mean: make([][]float64, classes),
		n: make([]int, classes), dirty: make([]bool, classes)}
	for c := range m.sum {
		m.sum[c] = make([]float64, dims)
		m.mean[c] = make([]float64, dims)
	}
	return m
}

func (m *centroid) Family() string { return Centroid }

func (m *centroid) Update(x []float64, label int) {
	checkRow(Centroid, m.dims, m.classes, x, label)
	axpy(m.sum[label], 1, x)
	m.n[label]++
	m.dirty[label] = true
}

func (m *centroid) Predict(x []float64) int {
	checkRow(Centroid, m.dims, m.classes, x, 0)
	return nearestMean(x, m.sum, m.mean, m.n, m.dirty)
}

// nearestMean returns the class whose mean (sum[c]/n[c], cached in mean) is nearest to x,
// skipping empty classes; the lowest index on ties; 0 if every class is empty.
func nearestMean(x []float64, sum, mean [][]float64, n []int, dirty []bool) int {
	best, bestD := 0, math.Inf(1)
	for c := range sum {
		if n[c] == 0 {
			continue
		}
		if dirty[c] {
			k := float64(n[c])
			for f, v := range sum[c] {
				mean[c][f] = v / k
			}
			dirty[c] = false
		}
		if d := sqDist(x, mean[c]); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// sparseCentroid is the nearest centroid over binarised features: a feature is present
// (1) iff it is non-zero, the centroid of a class is the float mean of its samples'
// binary vectors, and the distance is Euclidean (compared squared).
type sparseCentroid struct {
	dims, classes int
	sum, mean     [][]float64 // sum[c][f]: samples of class c in which f is present
	n             []int
	dirty         []bool
	bin           []float64
}

func newSparseCentroid(dims, classes int) *sparseCentroid {
	m := &sparseCentroid{dims: dims, classes: classes, sum: make([][]float64, classes), mean: make([][]float64, classes),
		n: make([]int, classes), dirty: make([]bool, classes), bin: make([]float64, dims)}
	for c := range m.sum {
		m.sum[c] = make([]float64, dims)
		m.mean[c] = make([]float64, dims)
	}
	return m
}

func (m *sparseCentroid) Family() string { return SparseCentroid }

func (m *sparseCentroid) binarise(x []float64) []float64 {
	for f, v := range x {
		if v != 0 {
			m.bin[f] = 1
		} else {
			m.bin[f] = 0
		}
	}
	return m.bin
}

func (m *sparseCentroid) Update(x []float64, label int) {
	checkRow(SparseCentroid, m.dims, m.classes, x, label)
	axpy(m.sum[label], 1, m.binarise(x))
	m.n[label]++
	m.dirty[label] = true
}

func (m *sparseCentroid) Predict(x []float64) int {
	checkRow(SparseCentroid, m.dims, m.classes, x, 0)
	return nearestMean(m.binarise(x), m.sum, m.mean, m.n, m.dirty)
}

// knn is k-nearest neighbours over squared Euclidean distance. The K nearest stored rows
// are taken by (distance, index); the class with the most votes among them wins, and a
// tie between classes goes to the tied class whose nearest member comes first in that
// order. With no stored rows it predicts class 0.
type knn struct {
	dims, classes, k int
	rows             [][]float64
	labels           []int
	near             []neighbour
	votes, first     []int
}

type neighbour struct {
	d float64
	i int
}

func newKNN(dims, classes, k int) *knn {
	return &knn{dims: dims, classes: classes, k: k, near: make([]neighbour, 0, k),
		votes: make([]int, classes), first: make([]int, classes)}
}

func (m *knn) Family() string { return KNN }

func (m *knn) Update(x []float64, label int) {
	checkRow(KNN, m.dims, m.classes, x, label)
	m.rows = append(m.rows, append([]float64(nil), x...))
	m.labels = append(m.labels, label)
}

func (m *knn) Predict(x []float64) int {
	checkRow(KNN, m.dims, m.classes, x, 0)
	// Keep the K nearest so far sorted by (distance, index). Rows arrive in increasing
	// index, so a row displaces a kept one only when strictly nearer.
	near := m.near[:0]
	for i, r := range m.rows {
		d := sqDist(x, r)
		if len(near) == m.k {
			if d >= near[m.k-1].d {
				continue
			}
			near = near[:m.k-1]
		}
		j := len(near)
		near = append(near, neighbour{})
		for j > 0 && near[j-1].d > d {
			near[j] = near[j-1]
			j--
		}
		near[j] = neighbour{d, i}
	}
	m.near = near
	if len(near) == 0 {
		return 0
	}
	clear(m.votes)
	for pos, nb := range near {
		c := m.labels[nb.i]
		if m.votes[c] == 0 {
			m.first[c] = pos
		}
		m.votes[c]++
	}
	best := m.labels[near[0].i]
	for c, v := range m.votes {
		if v > m.votes[best] || (v == m.votes[best] && v > 0 && m.first[c] < m.first[best]) {
			best = c
		}
	}
	return best
}
