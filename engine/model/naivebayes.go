package model

import (
	"fmt"
	"slices"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/fixed"
	"github.com/meritchain/merit/simd"
)

// micro is 10^6, the scale of AlphaMicro and of the counts in num and den.
const micro = 1_000_000

// naiveBayes is the multinomial naive Bayes of docs/MODELS.md. The counts (n, cnt) are
// its state; tot, the logarithms (ln, ld, lp, lt) are derived from them and kept up to
// date by every update.
type naiveBayes struct {
	cfg   Config
	s     int64   // S = 10^ScaleExp
	as    int64   // AlphaMicro·S
	asd   int64   // AlphaMicro·S·D
	tmax  int64   // the largest T[c] with T[c]·10^6 + AlphaMicro·S·D < 2^62
	n     []int64 // n[c]: samples of class c
	total int64   // n = Σ n[c]
	cnt   []int64 // N[c][f] at cnt[c·D+f]
	tot   []int64 // T[c] = Σ_f N[c][f]

	ln []int32 // LN[c][f] = Log2(N[c][f]·10^6 + AlphaMicro·S), < 62·2^24
	ld []int64 // LD[c] = Log2(T[c]·10^6 + AlphaMicro·S·D)
	lp []int64 // Log2(n[c] + 1)
	lt int64   // Log2(n + C)

	// Scratch of Update and Remove, not state (Clone does not share it): the arguments
	// of the logarithms an update needs, and their values (simd.Log2Batch).
	lx []uint64
	lv []int64
	nz []uint32 // a dense sample's non-zero features
}

// setLogs sets ln[f] = Log2(row[f]·10^6 + AlphaMicro·S) for every f in idx, and the
// class's LD, P and the total's logarithm, with one simd.Log2Batch: exactly the values
// fixed.Log2 gives (simd's tests compare).
func (m *naiveBayes) setLogs(label int, idx []uint32) {
	c := &m.cfg
	d := c.Dims
	row := m.cnt[label*d : (label+1)*d]
	ln := m.ln[label*d : (label+1)*d]
	lx := m.lx[:0]
	for _, f := range idx {
		lx = append(lx, uint64(row[f]*micro+m.as))
	}
	lx = append(lx, uint64(m.tot[label]*micro+m.asd), uint64(m.n[label]+1), uint64(m.total+int64(c.Classes)))
	if cap(m.lv) < len(lx) {
		m.lv = make([]int64, len(lx), cap(lx))
	}
	lv := m.lv[:len(lx)]
	simd.Log2Batch(lx, lv)
	for k, f := range idx {
		ln[f] = int32(lv[k])
	}
	k := len(idx)
	m.ld[label], m.lp[label], m.lt = lv[k], lv[k+1], lv[k+2]
	m.lx, m.lv = lx, lv
}

func newNaiveBayes(c Config) *naiveBayes {
	m := allocNaiveBayes(c)
	m.recompute()
	return m
}

// allocNaiveBayes returns a model of config c with zero counts and its constants set;
// the caller fills the counts and calls recompute.
func allocNaiveBayes(c Config) *naiveBayes {
	cd := c.Classes * c.Dims
	m := &naiveBayes{
		cfg: c,
		n:   make([]int64, c.Classes),
		cnt: make([]int64, cd),
		tot: make([]int64, c.Classes),
		ln:  make([]int32, cd),
		ld:  make([]int64, c.Classes),
		lp:  make([]int64, c.Classes),
	}
	m.setConstants()
	return m
}

// setConstants derives s, as, asd and tmax from the config (Normalize guarantees
// AlphaMicro·S·D < 2^62).
func (m *naiveBayes) setConstants() {
	c := &m.cfg
	m.s = pow10[c.ScaleExp]
	m.as = c.AlphaMicro * m.s
	m.asd = m.as * int64(c.Dims)
	m.tmax = (two62 - 1 - m.asd) / micro
}

// recompute derives every logarithm from the counts.
func (m *naiveBayes) recompute() {
	ln0 := int32(fixed.Log2(uint64(m.as)))
	for i, v := range m.cnt {
		if v == 0 {
			m.ln[i] = ln0
		} else {
			m.ln[i] = int32(fixed.Log2(uint64(v*micro + m.as)))
		}
	}
	for c := range m.n {
		m.ld[c] = fixed.Log2(uint64(m.tot[c]*micro + m.asd))
		m.lp[c] = fixed.Log2(uint64(m.n[c] + 1))
	}
	m.lt = fixed.Log2(uint64(m.total + int64(m.cfg.Classes)))
}

func (m *naiveBayes) Config() Config { return m.cfg }

// predict returns the argmax of score_c = S·P[c] + Σ x·LN[c] − (Σ x)·LD[c] for a
// validated row; out is scratch of ≥ C int64s.
func (m *naiveBayes) predict(x dataset.Row, out []int64) int {
	d := m.cfg.Dims
	out = out[:m.cfg.Classes]
	var sx int64
	if x.IsSparse() {
		for c := range out {
			out[c] = simd.GatherDot(m.ln[c*d:(c+1)*d], x.Idx, x.Val)
		}
		sx = simd.Sum(x.Val)
	} else {
		simd.DotBatch(m.ln, x.Dense, out)
		sx = simd.Sum(x.Dense)
	}
	for c := range out {
		out[c] += m.s*(m.lp[c]-m.lt) - sx*m.ld[c]
	}
	return argmax(out)
}

func (m *naiveBayes) Predict(x dataset.Row) (int, error) {
	if err := checkRow(&m.cfg, x, true); err != nil {
		return 0, err
	}
	var buf [16]int64
	return m.predict(x, scratch64(buf[:], m.cfg.Classes)), nil
}

func (m *naiveBayes) Update(x dataset.Row, label int) error {
	c := &m.cfg
	if err := checkLabel(c, label); err != nil {
		return err
	}
	if err := checkRow(c, x, true); err != nil {
		return err
	}
	var sx int64
	if x.IsSparse() {
		sx = simd.Sum(x.Val)
	} else {
		sx = simd.Sum(x.Dense)
	}
	if m.tot[label] > m.tmax-sx {
		return fmt.Errorf("%w: naive-bayes: class %d's total count T would reach %d, beyond the bound T·10^6 + AlphaMicro·S·D < 2^62 (T ≤ %d)", ErrCapacity, label, m.tot[label]+sx, m.tmax)
	}
	if m.total >= maxSamples {
		return fmt.Errorf("%w: naive-bayes: the model already counts 2^62 samples", ErrCapacity)
	}
	d := c.Dims
	row := m.cnt[label*d : (label+1)*d]
	idx := x.Idx
	if x.IsSparse() {
		simd.ScatterAdd64(row, x.Idx, x.Val, 1)
	} else {
		simd.AddScaled64(row, 1, x.Dense)
		idx = simd.NonZeroIdx(m.nz[:0], x.Dense)
		m.nz = idx
	}
	m.tot[label] += sx
	m.n[label]++
	m.total++
	m.setLogs(label, idx)
	return nil
}

func (m *naiveBayes) Evaluate(ds *dataset.Dataset) (int, error) {
	if err := checkDataset(&m.cfg, ds, true); err != nil {
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

func (m *naiveBayes) Clone() Model {
	c := *m
	c.n = slices.Clone(m.n)
	c.cnt = slices.Clone(m.cnt)
	c.tot = slices.Clone(m.tot)
	c.ln = slices.Clone(m.ln)
	c.ld = slices.Clone(m.ld)
	c.lp = slices.Clone(m.lp)
	c.lx, c.lv, c.nz = nil, nil, nil
	return &c
}
