package value

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/gas"
	"github.com/meritchain/merit/engine/model"
	"github.com/meritchain/merit/simd"
)

// looMaxWorkers caps LeaveOneOut's workers (each holds a model and per-test state); the
// result does not depend on it.
const looMaxWorkers = 256

// LeaveOneOut returns the leave-one-out values of p's training rows: value_i =
// U(all) − U(all \ {i}), where U(S) is the number of test rows predicted correctly by
// the model trained from empty on the rows of S in their order. Den = p.Test.Len().
//
// Every value is exact, computed in one of three ways that all equal retraining without
// row i (tested):
//
//   - naive-bayes, centroid, sparse-centroid: the state (sums and counts) does not
//     depend on the order of the updates, so removing row i from the full model
//     (model.Remover) gives exactly the model trained without it. Each worker tracks a
//     clone of the full model with an incremental tracker and, for each of its rows,
//     removes the row, reads the count and adds the row back (which restores the state).
//   - knn: removing row i changes the neighbours only of the test rows that have it
//     among their K nearest, whose new K nearest are the old K + 1 nearest without it.
//     So one pass computes every test row's K + 1 nearest by (distance, index), and the
//     vote without each of its first K.
//   - perceptron (order-dependent): retraining without row i. A row the model predicted
//     correctly when it arrived caused no update, so leaving it out changes nothing and
//     its value is 0; for the others the model trained on the rows before i is extended
//     with the rows after i and evaluated.
//
// The work is spread over workers goroutines (≤ 0: GOMAXPROCS); each writes only the
// results of its own rows (or test rows), so the values do not depend on the number of
// workers or on scheduling. It returns an error if p is not a valid problem or a row is
// rejected by the model (the lowest such row is named).
func LeaveOneOut(p Problem, workers int) (Values, error) {
	if err := checkProblemShape(p); err != nil {
		return Values{}, err
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, looMaxWorkers)
	c, err := p.Config.Normalize()
	if err != nil {
		return Values{}, fmt.Errorf("value: %w", err)
	}
	full, err := model.New(c)
	if err != nil {
		return Values{}, fmt.Errorf("value: %w", err)
	}
	n := p.Train.Len()
	if err := charge(p.Meter, gas.Sample, 1, uint64(n)); err != nil {
		return Values{}, fmt.Errorf("value: leave-one-out: %w", err)
	}
	// The full model; for the perceptron, which rows were mistakes (the only ones whose
	// update changed the model).
	var mistake []bool
	if c.Family == model.Perceptron {
		mistake = make([]bool, n)
	}
	for i := range n {
		x, y := p.Train.Row(i), int(p.Train.Y[i])
		if mistake != nil {
			pr, err := full.Predict(x)
			if err != nil {
				return Values{}, fmt.Errorf("value: leave-one-out: training row %d: %w", i, err)
			}
			mistake[i] = pr != y
		}
		if err := full.Update(x, y); err != nil {
			return Values{}, fmt.Errorf("value: leave-one-out: training row %d: %w", i, err)
		}
	}
	if err := looCharge(p, c, mistake); err != nil {
		return Values{}, fmt.Errorf("value: leave-one-out: %w", err)
	}
	var uAll int
	var without []int // U(all \ {i})
	switch c.Family {
	case model.KNN:
		// Validates the test set against the model (an empty model's Evaluate costs no
		// distance computations).
		empty, _ := model.New(c)
		if _, err := empty.Evaluate(p.Test); err != nil {
			return Values{}, fmt.Errorf("value: leave-one-out: test set: %w", err)
		}
		uAll, without, err = looKNN(c.K, p.Train, p.Test, workers)
	case model.NaiveBayes, model.Centroid, model.SparseCentroid:
		if uAll, err = full.Evaluate(p.Test); err != nil {
			return Values{}, fmt.Errorf("value: leave-one-out: test set: %w", err)
		}
		without, err = looRemove(full, p.Train, p.Test, workers)
	default:
		if uAll, err = full.Evaluate(p.Test); err != nil {
			return Values{}, fmt.Errorf("value: leave-one-out: test set: %w", err)
		}
		without, err = looRetrain(c, mistake, uAll, p.Train, p.Test, workers)
	}
	if err != nil {
		return Values{}, err
	}
	v := Values{Num: make([]int64, n), Den: int64(p.Test.Len())}
	for i, u := range without {
		v.Num[i] = int64(uAll - u)
	}
	return v, nil
}

// looCharge charges p.Meter, before the per-row work, for that work (with N training
// rows, T test rows, D dims, C classes): knn, gas.Element N·T·D (every distance) and
// gas.Sample T; the removal families, a tracker step (gas.Sample 1, gas.Step
// T·model.StepWeight) for each
// removal and each re-addition; the perceptron, for each row retrained, gas.Sample N (the
// rows replayed) and gas.Element T·D·C (the evaluation).
func looCharge(p Problem, c model.Config, mistake []bool) error {
	n, t := uint64(p.Train.Len()), uint64(p.Test.Len())
	switch c.Family {
	case model.KNN:
		if err := charge(p.Meter, gas.Element, n*t, uint64(c.Dims)); err != nil {
			return err
		}
		return charge(p.Meter, gas.Sample, 1, t)
	case model.NaiveBayes, model.Centroid, model.SparseCentroid:
		if err := charge(p.Meter, gas.Sample, 2, n); err != nil {
			return err
		}
		return charge(p.Meter, gas.Step, 2*n*t, model.StepWeight(c))
	}
	var retrain uint64
	for _, m := range mistake {
		if m {
			retrain++
		}
	}
	if err := charge(p.Meter, gas.Sample, retrain, n); err != nil {
		return err
	}
	return charge(p.Meter, gas.Element, retrain*t, uint64(c.Dims)*uint64(c.Classes))
}

// looErrors keeps one error slot per row, so that the error reported (the lowest row's)
// does not depend on scheduling.
type looErrors []error

func (e looErrors) first() error {
	for _, err := range e {
		if err != nil {
			return err
		}
	}
	return nil
}

// looRemove returns U(all \ {i}) for every row by removal from the full model: each
// worker takes a contiguous block of rows, tracks its own clone of full, and for each
// row removes it, records the count and adds it back.
func looRemove(full model.Model, train, test *dataset.Dataset, workers int) ([]int, error) {
	n := train.Len()
	without := make([]int, n)
	errs := make(looErrors, n)
	workers = max(1, min(workers, n))
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*n/workers, (w+1)*n/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			tr, err := model.NewTracker(full.Clone(), test)
			if err != nil {
				errs[lo] = fmt.Errorf("value: leave-one-out: test set: %w", err)
				return
			}
			rt, ok := tr.(model.RemovingTracker)
			if !ok {
				errs[lo] = fmt.Errorf("value: leave-one-out: %s tracker cannot remove", full.Config().Family)
				return
			}
			for i := lo; i < hi; i++ {
				x, y := train.Row(i), int(train.Y[i])
				c, err := rt.Remove(x, y)
				if err == nil {
					without[i] = c
					_, err = rt.Add(x, y)
				}
				if err != nil {
					errs[i] = fmt.Errorf("value: leave-one-out: training row %d: %w", i, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	return without, errs.first()
}

// looRetrain returns U(all \ {i}) by retraining: uAll for a row that was not a mistake
// (mistake[i] false; mistake nil means every row must be retrained), else the model of
// rows 0..i−1 extended with rows i+1..n−1. Workers take rows in increasing order from a
// shared counter, each advancing its own model of the rows before.
func looRetrain(c model.Config, mistake []bool, uAll int, train, test *dataset.Dataset, workers int) ([]int, error) {
	n := train.Len()
	without := make([]int, n)
	var todo []int
	for i := range n {
		if mistake == nil || mistake[i] {
			todo = append(todo, i)
		} else {
			without[i] = uAll
		}
	}
	errs := make(looErrors, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(1, min(workers, len(todo))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			prefix, err := model.New(c)
			if err != nil {
				errs[0] = fmt.Errorf("value: %w", err)
				return
			}
			at := 0 // prefix holds rows 0..at−1
			for {
				k := int(next.Add(1)) - 1
				if k >= len(todo) {
					return
				}
				i := todo[k]
				for ; at < i; at++ {
					if err := prefix.Update(train.Row(at), int(train.Y[at])); err != nil {
						errs[at] = fmt.Errorf("value: leave-one-out: training row %d: %w", at, err)
						return
					}
				}
				m := prefix.Clone()
				for j := i + 1; j < n; j++ {
					if err := m.Update(train.Row(j), int(train.Y[j])); err != nil {
						errs[j] = fmt.Errorf("value: leave-one-out: training row %d: %w", j, err)
						return
					}
				}
				u, err := m.Evaluate(test)
				if err != nil {
					errs[i] = fmt.Errorf("value: leave-one-out: test set: %w", err)
					return
				}
				without[i] = u
			}
		}()
	}
	wg.Wait()
	return without, errs.first()
}

// looKNN returns U(all) and U(all \ {i}) for k-nearest neighbours, from each test row's
// K + 1 nearest training rows by (distance, index): removing row i changes test row t's
// prediction only if i is among its K nearest, and then its neighbours become the K + 1
// nearest without i (the first K of them). Workers take contiguous blocks of test rows
// and sum the changes into their own per-row accumulators, which are added afterwards
// (integer sums: the result does not depend on the partition). The cost is one
// evaluation (distances from every test row to every training row) plus O(K²) votes per
// test row.
func looKNN(k int, train, test *dataset.Dataset, workers int) (int, []int, error) {
	var err error
	if train.Kind == dataset.Sparse {
		if train, err = train.ToDense(); err != nil {
			return 0, nil, fmt.Errorf("value: leave-one-out: %w", err)
		}
	}
	n, nt, d := train.Len(), test.Len(), train.Dims
	w := min(k, n)   // neighbours that vote
	e := min(k+1, n) // neighbours kept
	workers = max(1, min(workers, nt))
	hits := make([]int, workers)  // test rows predicted correctly, per worker
	acc := make([][]int, workers) // per worker: Σ_t change of correctness without row i
	var wg sync.WaitGroup
	for wk := range workers {
		lo, hi := wk*nt/workers, (wk+1)*nt/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := make([]int, n)
			q := make([]int32, d)
			dist := make([]int64, n)
			nb := make([]int, 0, e)
			sub := make([]int, 0, e)
			votes := make([]int32, train.Classes)
			for t := lo; t < hi; t++ {
				r := test.Row(t)
				if r.IsSparse() {
					simd.Densify(q, r.Idx, r.Val)
				} else {
					copy(q, r.Dense)
				}
				simd.SqDistBatch(train.X, q, dist)
				nb = looNearest(dist, e, nb)
				y := test.Y[t]
				full := looVote(nb[:w], train.Y, votes) == y
				if full {
					hits[wk]++
				}
				for p, i := range nb[:w] {
					sub = append(sub[:0], nb[:p]...)
					sub = append(sub, nb[p+1:]...)
					if ok := looVote(sub[:min(len(sub), k)], train.Y, votes) == y; ok != full {
						if ok {
							a[i]++
						} else {
							a[i]--
						}
					}
				}
			}
			acc[wk] = a
		}()
	}
	wg.Wait()
	uAll := 0
	for _, h := range hits {
		uAll += h
	}
	without := make([]int, n)
	for i := range without {
		without[i] = uAll
		for _, a := range acc {
			without[i] += a[i]
		}
	}
	return uAll, without, nil
}

// looNearest returns the indices of the m smallest distances by (distance, index), in
// that order, reusing nb's storage.
func looNearest(dist []int64, m int, nb []int) []int {
	nb = nb[:0]
	if m <= 0 {
		return nb
	}
	if 2*m >= len(dist) {
		for i := range dist {
			nb = append(nb, i)
		}
		slices.SortFunc(nb, func(a, b int) int {
			if dist[a] != dist[b] {
				if dist[a] < dist[b] {
					return -1
				}
				return 1
			}
			return a - b
		})
		return nb[:m]
	}
	for i, di := range dist {
		// i is larger than every index kept, so it goes after every equal distance.
		if len(nb) == m {
			if di >= dist[nb[m-1]] {
				continue
			}
			nb = nb[:m-1]
		}
		p := len(nb)
		nb = append(nb, i)
		for p > 0 && dist[nb[p-1]] > di {
			nb[p] = nb[p-1]
			p--
		}
		nb[p] = i
	}
	return nb
}

// looVote returns the majority label among the neighbours nb (nearest first); a tie goes
// to the tied class whose nearest member comes first; no neighbours give class 0. votes
// is scratch with one zero entry per class, left zero.
func looVote(nb []int, labels []int32, votes []int32) int32 {
	for _, a := range nb {
		votes[labels[a]]++
	}
	best, bv := int32(0), int32(0)
	for _, a := range nb {
		if v := votes[labels[a]]; v > bv {
			best, bv = labels[a], v
		}
	}
	for _, a := range nb {
		votes[labels[a]] = 0
	}
	return best
}
