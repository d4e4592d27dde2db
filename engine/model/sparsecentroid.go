package model

import (
	"fmt"
	"slices"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/fixed"
	"github.com/meritchain/merit/simd"
)

// sparseCentroid is the sparse binary nearest-centroid model of docs/MODELS.md: a row's
// features are the indices of its non-zero values. n and cnt are its state; q is derived
// from cnt and kept up to date.
type sparseCentroid struct {
	cfg  Config
	nmax int64   // the largest n[c] with D·n[c]² < 2^62 (so n[c] < 2^31)
	n    []int64 // n[c]
	cnt  []int32 // s[c][f] at cnt[c·D+f], 0 ≤ s ≤ n[c]
	q    []int64 // Q[c] = Σ_f s[c][f]²
}

func newSparseCentroid(c Config) *sparseCentroid {
	cd := c.Classes * c.Dims
	return &sparseCentroid{
		cfg:  c,
		nmax: sparseCentroidMaxN(c.Dims),
		n:    make([]int64, c.Classes),
		cnt:  make([]int32, cd),
		q:    make([]int64, c.Classes),
	}
}

// sparseCentroidMaxN returns the largest n with d·n² < 2^62, i.e. d·n² ≤ 2^62 − 1.
func sparseCentroidMaxN(d int) int64 {
	return int64(fixed.Isqrt(uint64((two62 - 1) / int64(d))))
}

func (m *sparseCentroid) Config() Config { return m.cfg }

// predict returns the class whose centroid s[c]/n[c] is nearest to the binary row with
// features idx, among classes with data (lowest class on ties; 0 if none has data).
// The squared distance is E_c/n[c]² with E_c = m·n² − 2·n·G_c + Q[c] ≥ 0, and classes
// are compared by E_a·n_b² versus E_b·n_a² exactly in 128 bits.
func (m *sparseCentroid) predict(idx []uint32) int {
	d := m.cfg.Dims
	k := int64(len(idx))
	best, bestE, bestN2 := 0, uint64(0), uint64(0)
	for c, n := range m.n {
		if n == 0 {
			continue
		}
		n2 := n * n
		g := simd.GatherSum(m.cnt[c*d:(c+1)*d], idx)
		e := uint64(k*n2 + m.q[c] - 2*n*g)
		if bestN2 == 0 || fixed.MulCmp(e, bestN2, bestE, uint64(n2)) < 0 {
			best, bestE, bestN2 = c, e, uint64(n2)
		}
	}
	return best
}

func (m *sparseCentroid) Predict(x dataset.Row) (int, error) {
	if err := checkRow(&m.cfg, x, false); err != nil {
		return 0, err
	}
	return m.predict(nonZero(x, nil)), nil
}

func (m *sparseCentroid) Update(x dataset.Row, label int) error {
	_, err := m.update(x, label, nil)
	return err
}

// update is Update, with buf's storage for a dense row's features; it returns the
// features present in x (nonZero).
func (m *sparseCentroid) update(x dataset.Row, label int, buf []uint32) ([]uint32, error) {
	c := &m.cfg
	if err := checkLabel(c, label); err != nil {
		return nil, err
	}
	if err := checkRow(c, x, false); err != nil {
		return nil, err
	}
	if m.n[label] >= m.nmax {
		return nil, fmt.Errorf("%w: sparse-centroid: class %d already holds %d samples, the most with Dims·n[c]² < 2^62", ErrCapacity, label, m.n[label])
	}
	idx := nonZero(x, buf)
	d := c.Dims
	cnt := m.cnt[label*d : (label+1)*d]
	// Q += Σ_{f∈x} ((s+1)² − s²) = 2·G + m, with G = Σ_{f∈x} s before the increment.
	m.q[label] += 2*simd.GatherSum(cnt, idx) + int64(len(idx))
	simd.ScatterInc(cnt, idx)
	m.n[label]++
	return idx, nil
}

func (m *sparseCentroid) Evaluate(ds *dataset.Dataset) (int, error) {
	if err := checkDataset(&m.cfg, ds, false); err != nil {
		return 0, err
	}
	var buf []uint32
	if ds.Kind == dataset.Dense {
		buf = make([]uint32, 0, m.cfg.Dims)
	}
	correct := 0
	for i, y := range ds.Y {
		if m.predict(nonZero(ds.Row(i), buf)) == int(y) {
			correct++
		}
	}
	return correct, nil
}

func (m *sparseCentroid) Clone() Model {
	c := *m
	c.n = slices.Clone(m.n)
	c.cnt = slices.Clone(m.cnt)
	c.q = slices.Clone(m.q)
	return &c
}
