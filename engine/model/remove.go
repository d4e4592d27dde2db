package model

import (
	"fmt"
	"slices"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/simd"
)

// Remover is implemented by the families whose Update can be undone exactly:
// naive-bayes, centroid, sparse-centroid and knn. The perceptron is not one: a
// mistake-driven update depends on the weights at the time, so its effect cannot be
// subtracted later.
//
// Remove(x, label) is the exact inverse of Update(x, label): after m.Update(x, label)
// succeeds, m.Remove(x, label) restores m's state, byte for byte in its encoding, and
// every derived cache too. More strongly:
//
//   - naive-bayes, centroid, sparse-centroid: the state is sums and counts, which do not
//     depend on the order of the updates, so removing any sample that was added gives
//     exactly the model trained on the other samples (in any order);
//   - knn: Remove deletes the most recently added stored row equal to x with that label;
//     the other rows keep their order (see IndexRemover to delete a row by position).
//
// On error (wrapping ErrInput) the model is unchanged. The count-based families keep
// sums, not samples, so they cannot tell whether this very sample was added: Remove
// rejects a sample that no model holding it could have: a label whose class has no
// sample, or one whose removal would leave a count or sum outside the bounds that
// n[c] − 1 samples allow (the invariants Decode checks). knn rejects a row it does not
// store with that label.
type Remover interface {
	Remove(x dataset.Row, label int) error
}

// IndexRemover is implemented by knn, whose state is the sequence of stored rows.
// RemoveIndex(i) deletes the i-th stored row (0-based, in insertion order); the rows
// after it move down by one and keep their order. For a model trained from empty on the
// rows of a dataset, in order, RemoveIndex(i) gives exactly the model trained on the same
// rows without row i. An index outside [0, Len()) is an error (wrapping ErrInput), and
// the model is unchanged.
type IndexRemover interface {
	RemoveIndex(i int) error
	// Len returns the number of stored rows.
	Len() int
}

var (
	_ Remover      = (*naiveBayes)(nil)
	_ Remover      = (*centroid)(nil)
	_ Remover      = (*sparseCentroid)(nil)
	_ Remover      = (*knn)(nil)
	_ IndexRemover = (*knn)(nil)
)

// nonZero returns the indices of a validated row's non-zero values: a sparse row's
// indices, or a dense row's non-zero positions appended to buf[:0].
func nonZero(x dataset.Row, buf []uint32) []uint32 {
	if x.IsSparse() {
		return x.Idx
	}
	return simd.NonZeroIdx(buf[:0], x.Dense)
}

// rowValues returns a validated row's values at the positions nonZero returns.
func rowValues(x dataset.Row, idx []uint32, buf []int32) []int32 {
	if x.IsSparse() {
		return x.Val
	}
	buf = buf[:0]
	for _, f := range idx {
		buf = append(buf, x.Dense[f])
	}
	return buf
}

// countLimit returns n·b, or maxSamples if that is larger (the bound Decode uses).
func countLimit(n, b int64) int64 {
	if n < maxSamples/b {
		return n * b
	}
	return maxSamples
}

func (m *naiveBayes) Remove(x dataset.Row, label int) error {
	c := &m.cfg
	if err := checkLabel(c, label); err != nil {
		return err
	}
	if err := checkRow(c, x, true); err != nil {
		return err
	}
	if m.n[label] < 1 {
		return fmt.Errorf("%w: naive-bayes: remove: class %d holds no sample", ErrInput, label)
	}
	d := c.Dims
	row := m.cnt[label*d : (label+1)*d]
	idx := nonZero(x, make([]uint32, 0, len(x.Dense)))
	val := rowValues(x, idx, make([]int32, 0, len(idx)))
	// After removal every count must lie in [0, (n[c] − 1)·Bound].
	lim := countLimit(m.n[label]-1, int64(c.Bound))
	for i, f := range idx {
		if v := row[f] - int64(val[i]); v < 0 {
			return fmt.Errorf("%w: naive-bayes: remove: count N[%d][%d] = %d is below the sample's %d", ErrInput, label, f, row[f], val[i])
		}
	}
	if _, hi := minMax64(row); hi > lim {
		// Some count may exceed the limit only where the sample subtracts from it.
		for f, v := range row {
			if k, ok := slices.BinarySearch(idx, uint32(f)); ok {
				v -= int64(val[k])
			}
			if v > lim {
				return fmt.Errorf("%w: naive-bayes: remove: count N[%d][%d] would be %d, more than %d samples can give", ErrInput, label, f, v, m.n[label]-1)
			}
		}
	}
	var sx int64
	if x.IsSparse() {
		sx = simd.Sum(x.Val)
	} else {
		sx = simd.Sum(x.Dense)
	}
	simd.ScatterAdd64(row, idx, val, -1)
	m.tot[label] -= sx
	m.n[label]--
	m.total--
	m.setLogs(label, idx)
	return nil
}

// minMax64 returns the smallest and largest element of x, or (0, 0) if x is empty.
func minMax64(x []int64) (lo, hi int64) {
	if len(x) == 0 {
		return 0, 0
	}
	lo, hi = x[0], x[0]
	for _, v := range x[1:] {
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi
}

func (m *centroid) Remove(x dataset.Row, label int) error {
	c := &m.cfg
	if err := checkLabel(c, label); err != nil {
		return err
	}
	if err := checkRow(c, x, false); err != nil {
		return err
	}
	if m.n[label] < 1 {
		return fmt.Errorf("%w: centroid: remove: class %d holds no sample", ErrInput, label)
	}
	d := c.Dims
	sum := m.sum[label*d : (label+1)*d]
	// After removal every |sum| must be at most (n[c] − 1)·Bound (zero for an emptied class).
	lim := (m.n[label] - 1) * int64(c.Bound)
	q := x.Dense
	if x.IsSparse() {
		q = make([]int32, d)
		simd.Densify(q, x.Idx, x.Val)
	}
	for f, v := range sum {
		if v -= int64(q[f]); v < -lim || v > lim {
			return fmt.Errorf("%w: centroid: remove: sum[%d][%d] would be %d, beyond what %d samples can give", ErrInput, label, f, v, m.n[label]-1)
		}
	}
	simd.AddScaled64(sum, -1, q)
	m.n[label]--
	m.refresh(label)
	return nil
}

func (m *sparseCentroid) Remove(x dataset.Row, label int) error {
	_, err := m.remove(x, label, nil)
	return err
}

// remove is Remove, with buf's storage for a dense row's features; it returns the
// features present in x (nonZero).
func (m *sparseCentroid) remove(x dataset.Row, label int, buf []uint32) ([]uint32, error) {
	c := &m.cfg
	if err := checkLabel(c, label); err != nil {
		return nil, err
	}
	if err := checkRow(c, x, false); err != nil {
		return nil, err
	}
	n := m.n[label]
	if n < 1 {
		return nil, fmt.Errorf("%w: sparse-centroid: remove: class %d holds no sample", ErrInput, label)
	}
	idx := nonZero(x, buf)
	d := c.Dims
	cnt := m.cnt[label*d : (label+1)*d]
	// Every present feature must have s ≥ 1, and every feature that all n[c] samples
	// contain (s = n[c]) must be present, so that 0 ≤ s ≤ n[c] − 1 after removal.
	if simd.CountEqAt(cnt, idx, 0) != 0 {
		return nil, fmt.Errorf("%w: sparse-centroid: remove: the sample has a feature that no sample of class %d has", ErrInput, label)
	}
	if simd.CountEqAt(cnt, idx, int32(n)) != simd.CountEq(cnt, int32(n)) {
		return nil, fmt.Errorf("%w: sparse-centroid: remove: the sample lacks a feature that every sample of class %d has", ErrInput, label)
	}
	// Q += Σ_{f∈x} ((s−1)² − s²) = m − 2·G, with G = Σ_{f∈x} s before the decrement.
	m.q[label] += int64(len(idx)) - 2*simd.GatherSum(cnt, idx)
	simd.ScatterDec(cnt, idx)
	m.n[label]--
	return idx, nil
}

// Len returns the number of stored rows.
func (m *knn) Len() int { return len(m.y) }

// Remove deletes the most recently added stored row equal to x (densified) with that
// label; see Remover.
func (m *knn) Remove(x dataset.Row, label int) error {
	i, err := m.findLast(x, label)
	if err != nil {
		return err
	}
	m.removeAt(i)
	return nil
}

// findLast returns the index of the most recently added stored row equal to x with that
// label, or an error if x or label is invalid or no such row is stored.
func (m *knn) findLast(x dataset.Row, label int) (int, error) {
	c := &m.cfg
	if err := checkLabel(c, label); err != nil {
		return 0, err
	}
	if err := checkRow(c, x, false); err != nil {
		return 0, err
	}
	q := x.Dense
	if x.IsSparse() {
		q = make([]int32, c.Dims)
		simd.Densify(q, x.Idx, x.Val)
	}
	d := c.Dims
	for i := len(m.y) - 1; i >= 0; i-- {
		if m.y[i] == int32(label) && slices.Equal(m.x[i*d:(i+1)*d], q) {
			return i, nil
		}
	}
	return 0, fmt.Errorf("%w: knn: remove: no stored row equals the sample with label %d", ErrInput, label)
}

// RemoveIndex deletes the i-th stored row; see IndexRemover.
func (m *knn) RemoveIndex(i int) error {
	if i < 0 || i >= len(m.y) {
		return fmt.Errorf("%w: knn: remove: index %d is not in [0, %d)", ErrInput, i, len(m.y))
	}
	m.removeAt(i)
	return nil
}

func (m *knn) removeAt(i int) {
	d := m.cfg.Dims
	m.x = slices.Delete(m.x, i*d, (i+1)*d)
	m.y = slices.Delete(m.y, i, i+1)
}
