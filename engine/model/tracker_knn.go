package model

import (
	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/simd"
)

// knnTracker keeps, for every test row i, its min(K, stored rows) nearest stored rows
// by (distance, index), nearest first: list i is nd/ni[i·stride : i·stride + cnt[i]].
type knnTracker struct {
	trackBase
	m      *knn
	stride int     // capacity of each list, ≥ min(K, stored rows)
	cnt    []int   // length of each list
	nd     []int64 // distances
	ni     []int   // stored-row indices
	votes  []int32 // scratch: C counts, zero between uses
	q      []int32 // scratch: a test row densified
	dist   []int64 // scratch: distances to every stored row
	heap   []int   // scratch for nearest
	nzi    []uint32
	nzv    []int32 // scratch: the new row's non-zeros
}

func newKNNTracker(m *knn, ts *testCSR) *knnTracker {
	t := &knnTracker{
		trackBase: newTrackBase(ts),
		m:         m,
		cnt:       make([]int, ts.n),
		votes:     make([]int32, m.cfg.Classes),
		q:         make([]int32, m.cfg.Dims),
	}
	t.reserve(min(m.cfg.K, len(m.y)))
	for i := range ts.n {
		t.recomputeList(i)
	}
	t.initPreds(t.vote)
	return t
}

func (t *knnTracker) Model() Model { return t.m }

// reserve makes every list able to hold need entries.
func (t *knnTracker) reserve(need int) {
	if need <= t.stride && t.nd != nil {
		return
	}
	s := min(t.m.cfg.K, max(need, 2*t.stride, 4))
	n := t.ts.n
	nd, ni := make([]int64, n*s), make([]int, n*s)
	for i, l := range t.cnt {
		copy(nd[i*s:i*s+l], t.nd[i*t.stride:])
		copy(ni[i*s:i*s+l], t.ni[i*t.stride:])
	}
	t.stride, t.nd, t.ni = s, nd, ni
}

// recomputeList sets test row i's list from scratch, as knn.predict selects neighbours.
func (t *knnTracker) recomputeList(i int) {
	m := t.m
	n := len(m.y)
	if n == 0 {
		t.cnt[i] = 0
		return
	}
	r := t.ts.row(i)
	simd.Densify(t.q, r.Idx, r.Val)
	if cap(t.dist) < n {
		t.dist = make([]int64, n)
	}
	dist := t.dist[:n]
	simd.SqDistBatch(m.x, t.q, dist)
	t.heap = nearest(dist, m.cfg.K, t.heap)
	base := i * t.stride
	for k, a := range t.heap {
		t.nd[base+k], t.ni[base+k] = dist[a], a
	}
	t.cnt[i] = len(t.heap)
}

// vote returns the majority class of test row i's list; a tie goes to the tied class
// whose nearest member comes first (knn.vote's rule). An empty list gives class 0.
func (t *knnTracker) vote(i int) int32 {
	nb := t.ni[i*t.stride : i*t.stride+t.cnt[i]]
	y := t.m.y
	for _, a := range nb {
		t.votes[y[a]]++
	}
	best, bv := int32(0), int32(0)
	for _, a := range nb {
		if v := t.votes[y[a]]; v > bv {
			best, bv = y[a], v
		}
	}
	for _, a := range nb {
		t.votes[y[a]] = 0
	}
	return best
}

func (t *knnTracker) Add(x dataset.Row, label int) (int, error) {
	m := t.m
	if err := m.Update(x, label); err != nil {
		return t.correct, err
	}
	d := m.cfg.Dims
	k := m.cfg.K
	j := len(m.y) - 1 // the new row: its index is larger than every stored one
	t.reserve(min(k, j+1))
	xr := m.x[j*d : (j+1)*d]
	xx := simd.Dot(xr, xr)
	ts := t.ts
	t.nzi, t.nzv = nonZeros(xr, t.nzi, t.nzv)
	ts.dots(xr, t.nzi, t.nzv, t.dots)
	// Every test row's list takes the new row if it is near enough, and a changed list is
	// re-voted (simd.KNNInsert: the insertion and vote rules of recomputeList and vote).
	t.correct += simd.KNNInsert(t.dots, ts.sq, xx, j, k, t.stride, t.cnt, t.nd, t.ni, m.y, t.votes, t.pred, ts.y)
	return t.correct, nil
}

// Remove removes the most recently added stored row equal to x with that label, as
// knn's Remove does.
func (t *knnTracker) Remove(x dataset.Row, label int) (int, error) {
	r, err := t.m.findLast(x, label)
	if err != nil {
		return t.correct, err
	}
	t.m.removeAt(r)
	return t.removed(r), nil
}

// RemoveIndex removes the r-th stored row, as knn's RemoveIndex does, and returns the
// new Correct().
func (t *knnTracker) RemoveIndex(r int) (int, error) {
	if err := t.m.RemoveIndex(r); err != nil {
		return t.correct, err
	}
	return t.removed(r), nil
}

// removed updates the lists after stored row r was deleted: rows after r moved down by
// one; a list that held r is recomputed from scratch.
func (t *knnTracker) removed(r int) int {
	s := t.stride
	for i, l := range t.cnt {
		nb := t.ni[i*s : i*s+l]
		hit := false
		for k, a := range nb {
			if a == r {
				hit = true
			} else if a > r {
				nb[k] = a - 1
			}
		}
		if hit {
			t.recomputeList(i)
			t.setPred(i, t.vote(i))
		}
	}
	return t.correct
}
