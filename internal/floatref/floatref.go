// Package floatref holds float64 reference implementations of the engine's five model
// families (docs/MODELS.md), computed with real numbers: no fixed-point scale, no
// saturation, no truncation. They exist to be compared with the integer engine (the
// accuracy-parity test in this package) and to print a float64 column beside the
// engine's results; nothing in the engine depends on them.
//
// Each family follows the integer definition in docs/MODELS.md step for step, with the
// same tie rules: ties between classes go to the lowest class index, ties between stored
// samples to the lowest insertion index. The only differences are the ones the engine
// introduces on purpose (fixed-point logarithms, truncated centroids, saturated weights,
// features rounded to the dataset's decimal scale).
//
// A model's methods panic on a row of the wrong length or a label outside [0, classes);
// they do not check feature values (naive Bayes expects non-negative ones, which the
// engine enforces with an error).
package floatref

import (
	"fmt"
	"math"
	"strings"
)

// Family names, as docs/MODELS.md and the engine's model.ParseFamily spell them.
const (
	Perceptron     = "perceptron"
	NaiveBayes     = "naive-bayes"
	Centroid       = "centroid"
	SparseCentroid = "sparse-centroid"
	KNN            = "knn"
)

// Families returns the five family names in the engine's numeric order.
func Families() []string {
	return []string{Perceptron, NaiveBayes, Centroid, SparseCentroid, KNN}
}

// Data is a labelled dataset of real-valued features: X[i] is row i, Y[i] its label in
// [0, Classes). All rows have Dims values.
type Data struct {
	X       [][]float64
	Y       []int
	Dims    int
	Classes int
}

// Len returns the number of rows.
func (d *Data) Len() int { return len(d.Y) }

// Subset returns the rows idx of d, in that order. The rows are shared, not copied.
func (d *Data) Subset(idx []int) *Data {
	s := &Data{X: make([][]float64, len(idx)), Y: make([]int, len(idx)), Dims: d.Dims, Classes: d.Classes}
	for j, i := range idx {
		s.X[j], s.Y[j] = d.X[i], d.Y[i]
	}
	return s
}

// MaxAbs returns the largest |feature| in d (0 for an empty dataset).
func (d *Data) MaxAbs() float64 {
	m := 0.0
	for _, r := range d.X {
		for _, v := range r {
			if v < 0 {
				v = -v
			}
			m = max(m, v)
		}
	}
	return m
}

// Model is a float64 model: it predicts one row and learns online from one labelled row.
type Model interface {
	// Family returns the model's family name.
	Family() string
	// Predict returns the predicted class of x (len(x) must be the model's dimension).
	Predict(x []float64) int
	// Update learns from one labelled sample. The model does not keep x.
	Update(x []float64, label int)
}

// New returns an untrained model of the named family (spelt exactly as Families gives
// it, as the engine's model.ParseFamily wants) with dims features and classes
// classes. lr is the perceptron's learning rate (finite, > 0), alpha naive Bayes'
// Lidstone smoothing (finite, > 0; 1 is Laplace) and k the number of neighbours of knn (≥ 1); each is
// checked only by the family that uses it.
func New(family string, dims, classes int, lr, alpha float64, k int) (Model, error) {
	if dims < 1 {
		return nil, fmt.Errorf("floatref: dims %d < 1", dims)
	}
	if classes < 2 {
		return nil, fmt.Errorf("floatref: classes %d < 2", classes)
	}
	switch family {
	case Perceptron:
		if !(lr > 0) || math.IsInf(lr, 1) {
			return nil, fmt.Errorf("floatref: perceptron learning rate %v must be finite and > 0", lr)
		}
		return newPerceptron(dims, classes, lr), nil
	case NaiveBayes:
		if !(alpha > 0) || math.IsInf(alpha, 1) {
			return nil, fmt.Errorf("floatref: naive-bayes alpha %v must be finite and > 0", alpha)
		}
		return newNaiveBayes(dims, classes, alpha), nil
	case Centroid:
		return newCentroid(dims, classes), nil
	case SparseCentroid:
		return newSparseCentroid(dims, classes), nil
	case KNN:
		if k < 1 {
			return nil, fmt.Errorf("floatref: knn k %d < 1", k)
		}
		return newKNN(dims, classes, k), nil
	}
	return nil, fmt.Errorf("floatref: unknown model family %q (want one of %s)", family, strings.Join(Families(), ", "))
}

// Train calls m.Update on every row of d, in order.
func Train(m Model, d *Data) {
	for i, x := range d.X {
		m.Update(x, d.Y[i])
	}
}

// Accuracy returns how many rows of d the model predicts correctly.
func Accuracy(m Model, d *Data) (correct int) {
	for i, x := range d.X {
		if m.Predict(x) == d.Y[i] {
			correct++
		}
	}
	return correct
}

// checkRow panics with a clear message when x or label does not fit the model.
func checkRow(family string, dims, classes int, x []float64, label int) {
	if len(x) != dims {
		panic(fmt.Sprintf("floatref: %s: row has %d features, model has %d", family, len(x), dims))
	}
	if label < 0 || label >= classes {
		panic(fmt.Sprintf("floatref: %s: label %d out of [0, %d)", family, label, classes))
	}
}

// argmax returns the index of the largest score, the lowest index on ties.
func argmax(s []float64) int {
	best := 0
	for c := 1; c < len(s); c++ {
		if s[c] > s[best] {
			best = c
		}
	}
	return best
}

// sqDist returns Σ (a_i − b_i)².
func sqDist(a, b []float64) float64 {
	b = b[:len(a)]
	var s float64
	for i, v := range a {
		d := v - b[i]
		s += d * d
	}
	return s
}

// dot returns Σ a_i·b_i.
func dot(a, b []float64) float64 {
	b = b[:len(a)]
	var s float64
	for i, v := range a {
		s += v * b[i]
	}
	return s
}
