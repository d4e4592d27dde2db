package model

import (
	"fmt"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/simd"
)

// Tracker is a model together with its evaluation on a fixed test set. Add updates the
// model with one sample and returns the new number of correct test predictions. An
// incremental tracker keeps per-test-point state (scores, distances, neighbours) and
// updates only what the sample changed; its counts are identical to re-evaluating the
// model from scratch after every Add, which is what the naive tracker does.
type Tracker interface {
	// Correct returns the number of test rows the current model predicts correctly.
	Correct() int
	// Add updates the model with one labelled sample and returns the new Correct().
	// On error nothing changes.
	Add(x dataset.Row, label int) (int, error)
	// Model returns the tracked model; the caller must not modify it.
	Model() Model
}

// RemovingTracker is a Tracker that can also take a sample out of its model. The
// incremental trackers of the Remover families (naive-bayes, centroid, sparse-centroid,
// knn) implement it. Remove(x, label) removes the sample exactly as the model's
// Remover.Remove does and returns the new Correct(); on error nothing changes. Since
// Remove is the exact inverse of Add, Add(x, y) followed by Remove(x, y) restores the
// model and every count, and Remove(x, y) followed by Add(x, y) does too for the
// count-based families (for knn the re-added row goes to the end of the stored order).
type RemovingTracker interface {
	Tracker
	Remove(x dataset.Row, label int) (int, error)
}

// NewNaiveTracker returns a tracker that re-evaluates m on test after every Add. It owns
// m from then on. It is the reference the incremental trackers are tested against.
func NewNaiveTracker(m Model, test *dataset.Dataset) (Tracker, error) {
	if m == nil {
		return nil, fmt.Errorf("%w: tracker of a nil model", ErrInput)
	}
	c, err := m.Evaluate(test)
	if err != nil {
		return nil, err
	}
	return &naiveTracker{m: m, test: test, correct: c}, nil
}

type naiveTracker struct {
	m       Model
	test    *dataset.Dataset
	correct int
}

func (t *naiveTracker) Correct() int { return t.correct }
func (t *naiveTracker) Model() Model { return t.m }

func (t *naiveTracker) Add(x dataset.Row, label int) (int, error) {
	if err := t.m.Update(x, label); err != nil {
		return t.correct, err
	}
	c, err := t.m.Evaluate(t.test)
	if err != nil {
		// Evaluate succeeded on this test set before; only a bug gets here.
		panic(fmt.Sprintf("model: tracker: re-evaluation failed after a valid update: %v", err))
	}
	t.correct = c
	return c, nil
}

// NewTracker returns an incremental tracker of m on test: it owns m from then on (m may
// already be trained), and its Correct() after every Add equals m.Evaluate(test) — the
// naive tracker's count — exactly, while costing far less. The test set must not be
// modified while the tracker is in use. It returns an error (wrapping ErrInput) if test
// does not fit m, as Evaluate would. A Model that is not one of this package's families
// gets the naive tracker.
//
// The test set is kept by rows (CSR) and by columns (CSC). Most updates need, for every
// test row x_i, a dot product v·x_i with a sparse vector v (the sample, or the change
// of a class's parameters): computed by columns over v's non-zeros, touching only the
// test entries in those features, or by rows over all test non-zeros, whichever touches
// fewer. Per family, with C classes and D features:
//
//   - perceptron: one score per (test row, weight vector). An Add whose sample the
//     model already predicts correctly changes nothing: O(C·D) for that prediction. A
//     mistake moves the scores of the (one or two) changed vectors by ±lr·(x·x_i + S²);
//     a vector that saturated in that update has its scores recomputed exactly instead.
//   - naive-bayes: one score per (test row, class), less the term −S·Log2(n + C) that is
//     common to all classes (so the argmax is unchanged). An Add changes class y's
//     LN[y][f] only at the sample's non-zeros f, and LD[y] and P[y].
//   - centroid: the distance from every test row to every centroid. An Add moves class
//     y's by −2·x_i·Δcent + Δ‖cent‖², where Δcent, the change of the truncated mean, is
//     non-zero only where the mean crossed an integer.
//   - sparse-centroid: G_c = Σ_{f∈x_i} s[c][f] per (test row, class); an Add raises class
//     y's by |x ∩ x_i|.
//   - knn: every test row's K nearest stored rows by (distance, index); an Add computes
//     the new row's distance to every test row and re-votes only the test rows whose
//     neighbours changed. Memory O(N·min(K, stored rows)) for N test rows.
//
// After a change to some classes, a test row's prediction is re-derived in O(1) from its
// old prediction unless that very class changed, then in O(C).
func NewTracker(m Model, test *dataset.Dataset) (Tracker, error) {
	if m == nil {
		return nil, fmt.Errorf("%w: tracker of a nil model", ErrInput)
	}
	switch mm := m.(type) {
	case *perceptron:
		ts, err := newTestCSR(&mm.cfg, test, false)
		if err != nil {
			return nil, err
		}
		return newPerceptronTracker(mm, ts.withColumns(mm.cfg.Dims)), nil
	case *naiveBayes:
		ts, err := newTestCSR(&mm.cfg, test, true)
		if err != nil {
			return nil, err
		}
		return newNBTracker(mm, ts.withColumns(mm.cfg.Dims)), nil
	case *centroid:
		ts, err := newTestCSR(&mm.cfg, test, false)
		if err != nil {
			return nil, err
		}
		return newCentroidTracker(mm, ts.withColumns(mm.cfg.Dims)), nil
	case *sparseCentroid:
		ts, err := newTestCSR(&mm.cfg, test, false)
		if err != nil {
			return nil, err
		}
		return newSparseCentroidTracker(mm, ts.withColumns(mm.cfg.Dims)), nil
	case *knn:
		ts, err := newTestCSR(&mm.cfg, test, false)
		if err != nil {
			return nil, err
		}
		return newKNNTracker(mm, ts.withColumns(mm.cfg.Dims)), nil
	default:
		return NewNaiveTracker(m, test)
	}
}

// testCSR is a validated test set in the form the trackers work on: every row as its
// non-zero features (CSR), with the row's Σx² and Σx.
type testCSR struct {
	n   int
	ptr []int    // n+1 offsets into idx and val
	idx []uint32 // feature indices, strictly increasing within a row
	val []int32  // non-zero values
	y   []int32  // labels
	sq  []int64  // Σ_f x_f², ≤ D·B² < 2^62
	sum []int64  // Σ_f x_f
	src *dataset.Dataset

	// The same rows by column (CSC), built by withColumns: column f lists the test rows
	// having feature f with their values, ents[colptr[f]:colptr[f+1]] (by increasing row,
	// each simd.CSCEntry(row, value)).
	colptr []int
	ents   []uint64
}

// newTestCSR checks that ds fits the model (as Evaluate does) and returns its CSR form;
// a sparse dataset's arrays are used as they are, a dense one's non-zeros are gathered.
func newTestCSR(c *Config, ds *dataset.Dataset, nonNeg bool) (*testCSR, error) {
	if err := checkDataset(c, ds, nonNeg); err != nil {
		return nil, err
	}
	n := ds.Len()
	ts := &testCSR{n: n, y: ds.Y, sq: make([]int64, n), sum: make([]int64, n), src: ds}
	if ds.Kind == dataset.Sparse {
		ts.ptr, ts.idx, ts.val = ds.Ptr, ds.Idx, ds.Val
	} else {
		nz := len(ds.X) - simd.CountZero(ds.X)
		ts.ptr = make([]int, n+1)
		ts.idx = make([]uint32, nz)
		ts.val = make([]int32, nz)
		simd.DenseToCSR(ds.X, c.Dims, ts.ptr, ts.idx, ts.val)
	}
	simd.SqNormRows(ts.ptr, ts.val, ts.sq, ts.sum)
	return ts, nil
}

// withColumns builds the CSC form (if the row indices fit in 32 bits) and returns ts.
func (ts *testCSR) withColumns(dims int) *testCSR {
	if uint64(ts.n) > 1<<32-1 {
		return ts
	}
	colptr := make([]int, dims+1)
	ents := make([]uint64, len(ts.idx))
	simd.CSRToCSC(ts.ptr, ts.idx, ts.val, colptr, ents)
	ts.colptr, ts.ents = colptr, ents
	return ts
}

// useColumns reports whether a per-test-row update that involves only the features idx
// is cheaper by columns (Σ_{f∈idx} |column f| scattered entries, plus clearing about n
// values: scatterLen(n) < 2n) than by a pass over every test row's non-zeros
// (gathered); on MNIST a scattered entry costs about as much as a gathered one. Both
// give the same exact values: this only chooses the faster. It also returns that cost by
// columns (0 without the CSC form), which other updates weigh against their own.
func (ts *testCSR) useColumns(idx []uint32) (use bool, cost int) {
	if ts.colptr == nil {
		return false, 0
	}
	cost = simd.ColsLen(ts.colptr, idx) + ts.n
	return cost < len(ts.idx), cost
}

// dots sets out[i] = Σ_f v_f·x_i,f for every test row i, for a vector v given both
// dense and as its non-zeros (idx, val). out is a trackBase's dots: its capacity is
// scatterLen(len(out)), which the column form writes (simd.AddColsScaled).
func (ts *testCSR) dots(dense []int32, idx []uint32, val []int32, out []int64) {
	if use, _ := ts.useColumns(idx); use {
		full := out[:scatterLen(len(out))]
		clear(full)
		simd.AddColsScaled(ts.colptr, ts.ents, idx, val, full)
		return
	}
	simd.GatherDotRows(dense, ts.ptr, ts.idx, ts.val, out)
}

// nonZeros returns the non-zero positions and values of a dense vector, appended to
// the buffers' storage.
func nonZeros(x []int32, idx []uint32, val []int32) ([]uint32, []int32) {
	idx = simd.NonZeroIdx(idx[:0], x)
	val = val[:0]
	for _, f := range idx {
		val = append(val, x[f])
	}
	return idx, val
}

// row returns test row i in sparse form.
func (ts *testCSR) row(i int) dataset.Row {
	a, b := ts.ptr[i], ts.ptr[i+1]
	return dataset.Row{Idx: ts.idx[a:b:b], Val: ts.val[a:b:b]}
}

// trackBase holds what every incremental tracker keeps: each test row's prediction and
// the number that are correct.
type trackBase struct {
	ts      *testCSR
	pred    []int32 // the current model's prediction for each test row
	correct int     // how many pred[i] == ts.y[i]
	dots    []int64 // scratch: one value per test row, capacity scatterLen(n) (testCSR.dots)
}

func newTrackBase(ts *testCSR) trackBase {
	return trackBase{ts: ts, pred: make([]int32, ts.n), dots: make([]int64, ts.n, scatterLen(ts.n))}
}

// scatterLen returns the smallest power of two ≥ max(n, 1): the length of the output
// simd.AddColsScaled needs for n rows.
func scatterLen(n int) int {
	p := 1
	for p < n {
		p *= 2
	}
	return p
}

func (b *trackBase) Correct() int { return b.correct }

// setPred sets test row i's prediction to p, keeping correct up to date.
func (b *trackBase) setPred(i int, p int32) {
	old := b.pred[i]
	if old == p {
		return
	}
	y := b.ts.y[i]
	if old == y {
		b.correct--
	} else if p == y {
		b.correct++
	}
	b.pred[i] = p
}

// initPreds sets every prediction from scratch: pred[i] = best(i), and counts the
// correct ones.
func (b *trackBase) initPreds(best func(i int) int32) {
	b.correct = 0
	for i := range b.pred {
		b.pred[i] = best(i)
		if b.pred[i] == b.ts.y[i] {
			b.correct++
		}
	}
}

// updatePredsMax re-derives every prediction after class c's column of the class-major
// scores (score[k·n + i], larger is better, ties to the lower class) changed, all other
// columns unchanged: a row that predicted another class p keeps p unless c now beats
// it; a row that predicted c is rescanned (simd.RepredictMax).
func (b *trackBase) updatePredsMax(score []int64, classes, c int) {
	b.correct += simd.RepredictMax(score, classes, c, c, b.pred, b.ts.y)
}

// updatePredsMin is updatePredsMax for distances (smaller is better).
func (b *trackBase) updatePredsMin(dist []int64, classes, c int) {
	b.correct += simd.RepredictMin(dist, classes, c, c, b.pred, b.ts.y)
}

// argmaxCol returns the class k with the largest score[k·n + i] (lowest on ties).
func argmaxCol(score []int64, n, classes, i int) int32 {
	best, bv := 0, score[i]
	for k := 1; k < classes; k++ {
		if v := score[k*n+i]; v > bv {
			best, bv = k, v
		}
	}
	return int32(best)
}

// argminCol returns the class k with the smallest dist[k·n + i] (lowest on ties).
func argminCol(dist []int64, n, classes, i int) int32 {
	best, bv := 0, dist[i]
	for k := 1; k < classes; k++ {
		if v := dist[k*n+i]; v < bv {
			best, bv = k, v
		}
	}
	return int32(best)
}
