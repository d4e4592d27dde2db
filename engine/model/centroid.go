package model

import (
	"fmt"
	"slices"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/simd"
)

// centroid is the dense nearest-centroid model of docs/MODELS.md. The sums and counts
// are its state; cent and norm are derived from them and kept up to date.
type centroid struct {
	cfg  Config
	nmax int64   // the largest n[c] with n[c]·B < 2^62
	n    []int64 // n[c]
	sum  []int64 // sum[c][f] at sum[c·D+f]

	cent []int32 // cent[c][f] = sum[c][f] / n[c] truncated (0 where n[c] = 0), |cent| ≤ B
	norm []int64 // Σ_f cent[c][f]², for sparse rows
}

func newCentroid(c Config) *centroid {
	cd := c.Classes * c.Dims
	return &centroid{
		cfg:  c,
		nmax: (two62 - 1) / int64(c.Bound),
		n:    make([]int64, c.Classes),
		sum:  make([]int64, cd),
		cent: make([]int32, cd),
		norm: make([]int64, c.Classes),
	}
}

func (m *centroid) Config() Config { return m.cfg }

// refresh recomputes class c's centroid and its squared norm from sum and n.
func (m *centroid) refresh(c int) {
	d := m.cfg.Dims
	cent := m.cent[c*d : (c+1)*d]
	if m.n[c] == 0 {
		clear(cent)
		m.norm[c] = 0
		return
	}
	simd.QuoTrunc(cent, m.sum[c*d:(c+1)*d], m.n[c])
	m.norm[c] = simd.Dot(cent, cent)
}

// predict returns the class with the nearest centroid among the classes with data
// (lowest class on ties; 0 if none has data); out is scratch of ≥ C int64s. For a
// sparse row, SqDist(x, cent) = ‖cent‖² − 2·x·cent + ‖x‖², exactly.
func (m *centroid) predict(x dataset.Row, out []int64) int {
	d := m.cfg.Dims
	out = out[:m.cfg.Classes]
	if x.IsSparse() {
		xx := simd.Dot(x.Val, x.Val)
		for c := range out {
			if m.n[c] > 0 {
				out[c] = m.norm[c] - 2*simd.GatherDot(m.cent[c*d:(c+1)*d], x.Idx, x.Val) + xx
			}
		}
	} else {
		simd.SqDistBatch(m.cent, x.Dense, out)
	}
	best := -1
	for c, dist := range out {
		if m.n[c] > 0 && (best < 0 || dist < out[best]) {
			best = c
		}
	}
	return max(best, 0)
}

func (m *centroid) Predict(x dataset.Row) (int, error) {
	if err := checkRow(&m.cfg, x, false); err != nil {
		return 0, err
	}
	var buf [16]int64
	return m.predict(x, scratch64(buf[:], m.cfg.Classes)), nil
}

func (m *centroid) Update(x dataset.Row, label int) error {
	c := &m.cfg
	if err := checkLabel(c, label); err != nil {
		return err
	}
	if err := checkRow(c, x, false); err != nil {
		return err
	}
	if m.n[label] >= m.nmax {
		return fmt.Errorf("%w: centroid: class %d already holds %d samples, the most with n[c]·Bound < 2^62", ErrCapacity, label, m.n[label])
	}
	d := c.Dims
	sum := m.sum[label*d : (label+1)*d]
	if x.IsSparse() {
		simd.ScatterAdd64(sum, x.Idx, x.Val, 1)
	} else {
		simd.AddScaled64(sum, 1, x.Dense)
	}
	m.n[label]++
	m.refresh(label)
	return nil
}

func (m *centroid) Evaluate(ds *dataset.Dataset) (int, error) {
	if err := checkDataset(&m.cfg, ds, false); err != nil {
		return 0, err
	}
	var buf [16]int64
	out := scratch64(buf[:], m.cfg.Classes)
	correct := 0
	for i, y := range ds.Y {
		if m.predict(ds.Row(i), out) == int(y) {
			correct++
		}
	}
	return correct, nil
}

func (m *centroid) Clone() Model {
	c := *m
	c.n = slices.Clone(m.n)
	c.sum = slices.Clone(m.sum)
	c.cent = slices.Clone(m.cent)
	c.norm = slices.Clone(m.norm)
	return &c
}
