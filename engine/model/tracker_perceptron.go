package model

import (
	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/simd"
)

// perceptronTracker keeps, for every weight vector k and test row i, the exact score
// score[k·n + i] = w_k·x_i + b_k·S.
type perceptronTracker struct {
	trackBase
	m     *perceptron
	score []int64  // class-major: v columns of n
	xd    []int32  // scratch: a sparse sample densified
	nzi   []uint32 // scratch: a dense sample's non-zero positions
	nzv   []int32  // scratch: and values
	out   []int64  // scratch: the sample's scores
}

func newPerceptronTracker(m *perceptron, ts *testCSR) *perceptronTracker {
	t := &perceptronTracker{
		trackBase: newTrackBase(ts),
		m:         m,
		score:     make([]int64, m.v*ts.n),
		xd:        make([]int32, m.cfg.Dims),
		out:       make([]int64, m.v),
	}
	for k := range m.v {
		t.recompute(k)
	}
	t.initPreds(t.best)
	return t
}

func (t *perceptronTracker) Model() Model { return t.m }

// recompute sets vector k's scores from the weights.
func (t *perceptronTracker) recompute(k int) {
	ts := t.ts
	col := t.score[k*ts.n : (k+1)*ts.n]
	simd.GatherDotRows(t.m.vec(k), ts.ptr, ts.idx, ts.val, col)
	simd.AddConstI64(col, int64(t.m.b[k])*t.m.s)
}

// best returns test row i's prediction from its scores, as perceptron.predict does.
func (t *perceptronTracker) best(i int) int32 {
	if t.m.v == 1 {
		if t.score[i] > 0 {
			return 1
		}
		return 0
	}
	return argmaxCol(t.score, t.ts.n, t.m.v, i)
}

// stepExact is perceptron.step (w_k ← sat(w_k + s·x), b_k ← sat(b_k + s·S)) that also
// reports whether nothing saturated, i.e. whether w_k and b_k moved by exactly s·x and
// s·S.
func (m *perceptron) stepExact(k int, s int32, x dataset.Row) bool {
	var exact bool
	if x.IsSparse() {
		exact = simd.ScatterAddScaledSatExact(m.vec(k), x.Idx, x.Val, s, m.lim)
	} else {
		exact = simd.AddScaledSatExact(m.vec(k), s, x.Dense, m.lim)
	}
	nb := int64(m.b[k]) + int64(s)*m.s
	cb := clamp(nb, int64(m.lim))
	m.b[k] = int32(cb)
	return exact && nb == cb
}

// Add performs perceptron.Update's steps itself, so that it learns the predicted class
// and whether an update saturated; the model's state afterwards is identical.
func (t *perceptronTracker) Add(x dataset.Row, label int) (int, error) {
	m := t.m
	if err := checkLabel(&m.cfg, label); err != nil {
		return t.correct, err
	}
	if err := checkRow(&m.cfg, x, false); err != nil {
		return t.correct, err
	}
	p := m.predict(x, t.out)
	if p == label {
		return t.correct, nil // no mistake: the model does not change
	}
	xd, xi, xv := x.Dense, x.Idx, x.Val
	if x.IsSparse() {
		simd.Densify(t.xd, x.Idx, x.Val)
		xd = t.xd
	} else {
		t.nzi, t.nzv = nonZeros(x.Dense, t.nzi, t.nzv)
		xi, xv = t.nzi, t.nzv
	}
	haveDots := false
	ts := t.ts
	// apply moves vector k by s: each score by s·(x·x_i + S²) when no weight saturated,
	// else recomputed from the weights.
	apply := func(k int, s int32) {
		if !m.stepExact(k, s, x) {
			t.recompute(k)
			return
		}
		if !haveDots {
			ts.dots(xd, xi, xv, t.dots)
			haveDots = true
		}
		col := t.score[k*ts.n : (k+1)*ts.n]
		simd.AddScaledI64(col, int64(s), t.dots)
		simd.AddConstI64(col, int64(s)*m.s*m.s)
	}
	lr := m.cfg.LearningRate
	if m.v == 1 {
		if label == 1 {
			apply(0, lr)
		} else {
			apply(0, -lr)
		}
		for i, sc := range t.score {
			if sc > 0 {
				t.setPred(i, 1)
			} else {
				t.setPred(i, 0)
			}
		}
		return t.correct, nil
	}
	apply(label, lr)
	apply(p, -lr)
	// Only columns label and p changed: a row predicting a third class q keeps the best
	// of q, label and p (ties to the lower class); a row predicting label or p is
	// rescanned.
	t.correct += simd.RepredictMax(t.score, m.v, label, p, t.pred, ts.y)
	return t.correct, nil
}
