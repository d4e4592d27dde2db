package model

import (
	"math"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/fixed"
	"github.com/meritchain/merit/simd"
)

// Incremental trackers of the count-based families (naive-bayes, centroid,
// sparse-centroid). An update or removal of class y changes only class y's score for
// every test row (naive Bayes' prior also moves by a term common to all classes, which
// cannot change an argmax and is left out), so each keeps one class-major column of n
// values per class and recomputes column y.

// nbTracker keeps r[c·n + i] = Σ_f x_i,f·LN[c][f] + S·Log2(n[c] + 1) − (Σ_f x_i,f)·LD[c]:
// test row i's score for class c plus S·Log2(n + C), exactly. |r| < 2^62 + 2^60.
type nbTracker struct {
	trackBase
	m     *naiveBayes
	r     []int64
	delta []int32  // scratch, D values, zero between uses: LN[y][f] after − before
	idx   []uint32 // scratch: the sample's non-zero features
	old   []int32  // scratch: LN[y][f] before, for f in idx; then after − before
}

func newNBTracker(m *naiveBayes, ts *testCSR) *nbTracker {
	c := &m.cfg
	t := &nbTracker{
		trackBase: newTrackBase(ts),
		m:         m,
		r:         make([]int64, c.Classes*ts.n),
		delta:     make([]int32, c.Dims),
	}
	d, n := c.Dims, ts.n
	for k := range c.Classes {
		col := t.r[k*n : (k+1)*n]
		simd.GatherDotRows(m.ln[k*d:(k+1)*d], ts.ptr, ts.idx, ts.val, col)
		simd.AddConstI64(col, m.s*m.lp[k])
		simd.AddScaledI64(col, -m.ld[k], ts.sum)
	}
	t.initPreds(func(i int) int32 { return argmaxCol(t.r, n, c.Classes, i) })
	return t
}

func (t *nbTracker) Model() Model { return t.m }

func (t *nbTracker) Add(x dataset.Row, label int) (int, error) { return t.apply(x, label, false) }

func (t *nbTracker) Remove(x dataset.Row, label int) (int, error) { return t.apply(x, label, true) }

func (t *nbTracker) apply(x dataset.Row, label int, remove bool) (int, error) {
	m := t.m
	c := &m.cfg
	if err := checkLabel(c, label); err != nil {
		return t.correct, err
	}
	if err := checkRow(c, x, true); err != nil {
		return t.correct, err
	}
	d := c.Dims
	ln := m.ln[label*d : (label+1)*d]
	idx := x.Idx
	if !x.IsSparse() {
		t.idx = simd.NonZeroIdx(t.idx[:0], x.Dense)
		idx = t.idx
	}
	t.old = t.old[:0]
	for _, f := range idx {
		t.old = append(t.old, ln[f])
	}
	lp, ld := m.lp[label], m.ld[label]
	var err error
	if remove {
		err = m.Remove(x, label)
	} else {
		err = m.Update(x, label)
	}
	if err != nil {
		return t.correct, err
	}
	for k, f := range idx {
		t.old[k] = ln[f] - t.old[k]
		t.delta[f] = t.old[k]
	}
	ts := t.ts
	ts.dots(t.delta, idx, t.old, t.dots)
	for _, f := range idx {
		t.delta[f] = 0
	}
	col := t.r[label*ts.n : (label+1)*ts.n]
	simd.AddScaledI64(col, 1, t.dots)
	simd.AddConstI64(col, m.s*(m.lp[label]-lp))
	simd.AddScaledI64(col, ld-m.ld[label], ts.sum)
	t.updatePredsMax(t.r, c.Classes, label)
	return t.correct, nil
}

// centroidTracker keeps dist[c·n + i] = SqDist(x_i, cent[c]) = ‖x_i‖² − 2·x_i·cent[c] +
// ‖cent[c]‖², and MaxInt64 for a class without data (farther than any distance, which
// is ≤ 2^62). An update moves class y's distances by −2·x_i·Δcent + Δ‖cent‖²; Δcent, the
// change of the truncated mean, is non-zero only where the mean crossed an integer,
// which gets rarer as the class grows.
type centroidTracker struct {
	trackBase
	m    *centroid
	dist []int64
	old  []int32  // scratch: the centroid before the update
	dc   []int32  // scratch: its change
	nzi  []uint32 // scratch: the change's non-zeros
	nzv  []int32
}

func newCentroidTracker(m *centroid, ts *testCSR) *centroidTracker {
	c := &m.cfg
	t := &centroidTracker{
		trackBase: newTrackBase(ts),
		m:         m,
		dist:      make([]int64, c.Classes*ts.n),
		old:       make([]int32, c.Dims),
		dc:        make([]int32, c.Dims),
	}
	for k := range c.Classes {
		t.refresh(k)
	}
	n := ts.n
	t.initPreds(func(i int) int32 { return argminCol(t.dist, n, c.Classes, i) })
	return t
}

func (t *centroidTracker) Model() Model { return t.m }

// refresh recomputes class k's distances from its centroid.
func (t *centroidTracker) refresh(k int) {
	ts, m := t.ts, t.m
	d := m.cfg.Dims
	col := t.dist[k*ts.n : (k+1)*ts.n]
	if m.n[k] == 0 {
		for i := range col {
			col[i] = math.MaxInt64
		}
		return
	}
	simd.GatherDotRows(m.cent[k*d:(k+1)*d], ts.ptr, ts.idx, ts.val, t.dots)
	copy(col, ts.sq)
	simd.AddScaledI64(col, -2, t.dots)
	simd.AddConstI64(col, m.norm[k])
}

func (t *centroidTracker) Add(x dataset.Row, label int) (int, error) {
	return t.apply(x, label, false)
}

func (t *centroidTracker) Remove(x dataset.Row, label int) (int, error) {
	return t.apply(x, label, true)
}

func (t *centroidTracker) apply(x dataset.Row, label int, remove bool) (int, error) {
	m := t.m
	d := m.cfg.Dims
	var n0, norm0 int64
	if label >= 0 && label < m.cfg.Classes { // else the model rejects it below
		copy(t.old, m.cent[label*d:(label+1)*d])
		n0, norm0 = m.n[label], m.norm[label]
	}
	var err error
	if remove {
		err = m.Remove(x, label)
	} else {
		err = m.Update(x, label)
	}
	if err != nil {
		return t.correct, err
	}
	if n0 == 0 || m.n[label] == 0 {
		t.refresh(label) // the class gained its first sample or lost its last
	} else {
		ts := t.ts
		simd.SubI32(t.dc, m.cent[label*d:(label+1)*d], t.old)
		t.nzi, t.nzv = nonZeros(t.dc, t.nzi, t.nzv)
		col := t.dist[label*ts.n : (label+1)*ts.n]
		if len(t.nzi) > 0 {
			ts.dots(t.dc, t.nzi, t.nzv, t.dots)
			simd.AddScaledI64(col, -2, t.dots)
		}
		simd.AddConstI64(col, m.norm[label]-norm0)
	}
	t.updatePredsMin(t.dist, m.cfg.Classes, label)
	return t.correct, nil
}

// sparseCentroidTracker keeps g[c·n + i] = G_c = Σ_{f∈x_i} s[c][f] for every test row i,
// from which E_c = m_i·n[c]² − 2·n[c]·G_c + Q[c] follows in O(1).
type sparseCentroidTracker struct {
	trackBase
	m   *sparseCentroid
	g   []int64
	buf []uint32 // scratch: a dense sample's present features (never a sparse row's Idx)

	// Each test row's features as a bitset of w words (feature f is bit f mod 64 of
	// word f/64), kept when it is no larger than the test set's CSR indices, and the
	// sample's features in the same form (scratch).
	rowBits []uint64
	qBits   []uint64
}

func newSparseCentroidTracker(m *sparseCentroid, ts *testCSR) *sparseCentroidTracker {
	c := &m.cfg
	t := &sparseCentroidTracker{trackBase: newTrackBase(ts), m: m, g: make([]int64, c.Classes*ts.n)}
	if w := (c.Dims + 63) / 64; uint64(w)*uint64(ts.n) <= uint64(len(ts.idx)) {
		t.rowBits, t.qBits = make([]uint64, w*ts.n), make([]uint64, w)
		for i := range ts.n {
			row := t.rowBits[i*w : (i+1)*w]
			for _, f := range ts.idx[ts.ptr[i]:ts.ptr[i+1]] {
				row[f/64] |= 1 << (f % 64)
			}
		}
	}
	for k := range c.Classes {
		t.refresh(k)
	}
	t.initPreds(t.best)
	return t
}

func (t *sparseCentroidTracker) Model() Model { return t.m }

func (t *sparseCentroidTracker) refresh(k int) {
	ts := t.ts
	d := t.m.cfg.Dims
	simd.GatherSumRows(t.m.cnt[k*d:(k+1)*d], ts.ptr, ts.idx, t.g[k*ts.n:(k+1)*ts.n])
}

// nearer reports whether class a's centroid is nearer to test row i than class b's:
// E_a·n_b² < E_b·n_a², ties to the lower class; a class without data is farther than
// any class with data.
func (t *sparseCentroidTracker) nearer(a, b int32, i int) bool {
	na, nb := t.m.n[a], t.m.n[b]
	if na == 0 || nb == 0 {
		if na == 0 && nb == 0 {
			return a < b
		}
		return nb == 0
	}
	ts := t.ts
	k := int64(ts.ptr[i+1] - ts.ptr[i])
	n := ts.n
	ea := uint64(k*na*na + t.m.q[a] - 2*na*t.g[int(a)*n+i])
	eb := uint64(k*nb*nb + t.m.q[b] - 2*nb*t.g[int(b)*n+i])
	cmp := fixed.MulCmp(ea, uint64(nb*nb), eb, uint64(na*na))
	return cmp < 0 || (cmp == 0 && a < b)
}

// best returns test row i's prediction, as sparseCentroid.predict does.
func (t *sparseCentroidTracker) best(i int) int32 {
	best := int32(0)
	for k := int32(1); k < int32(t.m.cfg.Classes); k++ {
		if t.nearer(k, best, i) {
			best = k
		}
	}
	return best
}

func (t *sparseCentroidTracker) Add(x dataset.Row, label int) (int, error) {
	idx, err := t.m.update(x, label, t.buf)
	if err != nil {
		return t.correct, err
	}
	return t.changed(x, idx, label, 1), nil
}

func (t *sparseCentroidTracker) Remove(x dataset.Row, label int) (int, error) {
	idx, err := t.m.remove(x, label, t.buf)
	if err != nil {
		return t.correct, err
	}
	return t.changed(x, idx, label, -1), nil
}

// changed updates class k's G after the (validated) sample x, whose features are idx,
// was added (by = 1) or removed (by = −1): G grows by by·|x ∩ x_i|, applied by the rows'
// bitsets or by columns, whichever reads fewer words, else G is recomputed from the
// counts. All three give the same values.
func (t *sparseCentroidTracker) changed(x dataset.Row, idx []uint32, k int, by int64) int {
	ts := t.ts
	if !x.IsSparse() {
		t.buf = idx // keep the storage for the next dense sample
	}
	gk := t.g[k*ts.n : (k+1)*ts.n]
	cols, cost := ts.useColumns(idx)
	switch {
	case t.rowBits != nil && (!cols || len(t.rowBits) < cost):
		clear(t.qBits)
		for _, f := range idx {
			t.qBits[f/64] |= 1 << (f % 64)
		}
		simd.AddMatchCounts(t.rowBits, t.qBits, by, gk)
	case cols:
		simd.AddColsConst(ts.colptr, ts.ents, idx, by, gk)
	default:
		t.refresh(k)
	}
	// A row that predicted k is rescanned; any other moves to k if k is now nearer
	// (nearer's rule, in simd.RepredictSparse).
	t.correct += simd.RepredictSparse(t.g, t.m.n, t.m.q, ts.ptr, k, t.pred, ts.y)
	return t.correct
}
