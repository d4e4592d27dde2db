package model

import (
	"slices"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/simd"
)

// perceptron is the mistake-driven perceptron of docs/MODELS.md. A binary model (C = 2)
// has one weight vector (v = 1); a multi-class one has one per class (v = C).
type perceptron struct {
	cfg Config
	s   int64   // S = 10^ScaleExp: the stored value of the constant (intercept) feature
	lim int32   // W: every weight and bias stays in [-W, W]
	v   int     // number of weight vectors
	w   []int32 // v·Dims weights, vector k at w[k·Dims:(k+1)·Dims]
	b   []int32 // v biases
}

func newPerceptron(c Config) *perceptron {
	v := c.Classes
	if v == 2 {
		v = 1
	}
	return &perceptron{
		cfg: c,
		s:   pow10[c.ScaleExp],
		lim: int32(perceptronLimit(c)),
		v:   v,
		w:   make([]int32, v*c.Dims),
		b:   make([]int32, v),
	}
}

func (m *perceptron) Config() Config { return m.cfg }

func (m *perceptron) vec(k int) []int32 { d := m.cfg.Dims; return m.w[k*d : (k+1)*d : (k+1)*d] }

// predict returns the predicted class of a validated row; out is scratch of ≥ v int64s.
func (m *perceptron) predict(x dataset.Row, out []int64) int {
	out = out[:m.v]
	if x.IsSparse() {
		for k := range out {
			out[k] = simd.GatherDot(m.vec(k), x.Idx, x.Val)
		}
	} else {
		simd.DotBatch(m.w, x.Dense, out)
	}
	for k := range out {
		out[k] += int64(m.b[k]) * m.s
	}
	if m.v == 1 {
		if out[0] > 0 {
			return 1
		}
		return 0
	}
	return argmax(out)
}

func (m *perceptron) Predict(x dataset.Row) (int, error) {
	if err := checkRow(&m.cfg, x, false); err != nil {
		return 0, err
	}
	var buf [16]int64
	return m.predict(x, scratch64(buf[:], m.v)), nil
}

// step adds t·x to vector k and t·S to its bias, each saturated at ±W.
func (m *perceptron) step(k int, t int32, x dataset.Row) {
	if x.IsSparse() {
		simd.ScatterAddScaledSat(m.vec(k), x.Idx, x.Val, t, m.lim)
	} else {
		simd.AddScaledSat(m.vec(k), t, x.Dense, m.lim)
	}
	m.b[k] = int32(clamp(int64(m.b[k])+int64(t)*m.s, int64(m.lim)))
}

func (m *perceptron) Update(x dataset.Row, label int) error {
	if err := checkLabel(&m.cfg, label); err != nil {
		return err
	}
	if err := checkRow(&m.cfg, x, false); err != nil {
		return err
	}
	var buf [16]int64
	p := m.predict(x, scratch64(buf[:], m.v))
	if p == label {
		return nil
	}
	lr := m.cfg.LearningRate
	if m.v == 1 {
		if label == 1 {
			m.step(0, lr, x)
		} else {
			m.step(0, -lr, x)
		}
		return nil
	}
	m.step(label, lr, x)
	m.step(p, -lr, x)
	return nil
}

func (m *perceptron) Evaluate(ds *dataset.Dataset) (int, error) {
	if err := checkDataset(&m.cfg, ds, false); err != nil {
		return 0, err
	}
	var buf [16]int64
	out := scratch64(buf[:], m.v)
	correct := 0
	for i, y := range ds.Y {
		if m.predict(ds.Row(i), out) == int(y) {
			correct++
		}
	}
	return correct, nil
}

func (m *perceptron) Clone() Model {
	c := *m
	c.w = slices.Clone(m.w)
	c.b = slices.Clone(m.b)
	return &c
}
