package value

import (
	"errors"
	"fmt"
	"math/bits"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/gas"
	"github.com/meritchain/merit/simd"
)

// KNNScale is the fixed-point scale P of KNN-Shapley: one test row's value of a training
// row is the integer nearest to P times the exact rational value (see KNNShapley).
const KNNScale int64 = 1_000_000_000_000

// Limits of KNNShapley. MaxKNNTest keeps Den = T·KNNScale and every Num, whose magnitude
// is at most T·(KNNScale + 1), below 2^63 (2^23·(10^12 + 1) < 8.4·10^18 < 2^63 − 1).
// MaxKNNTrain keeps row indices in int32 and the table error term N·2^−64 below 2^−33.
const (
	MaxKNNTrain = 1<<31 - 1
	MaxKNNTest  = 1 << 23
)

// maxKNNWorkers caps the goroutines (each holds O(N) scratch); the result does not
// depend on the count.
const maxKNNWorkers = 256

// KNNTimings is where KNNShapleyWith reports how long its phases took. It is written
// only when asked for and never feeds a result: the clock is read for these durations
// alone. Phase times are summed over the workers (worker time, not wall time).
type KNNTimings struct {
	Distances time.Duration // squared distances (simd.SqDistBatch), densifying sparse test rows
	Sort      time.Duration // ordering the training rows by (distance, index)
	Recursion time.Duration // the Theorem 1 recursion and the per-worker sums
	Wall      time.Duration // the whole call, wall clock, including validation and set-up
	Workers   int           // goroutines used
	TestRows  int           // test rows processed
}

// KNNOptions are the options of KNNShapleyWith.
type KNNOptions struct {
	// Workers is the number of goroutines; ≤ 0 means runtime.GOMAXPROCS(0). It is
	// capped at the number of test rows and at 256. The result does not depend on it.
	Workers int
	// Timings, if not nil, receives the time spent in each phase.
	Timings *KNNTimings
	// Meter, if not nil, is charged before each test row is processed: gas.Sample 1,
	// gas.Element N·D (its distances) and gas.Sort N·⌈log2 N⌉ (its ordering), with N
	// training rows of D dims. When it runs out, the call fails with its error.
	Meter gas.Meter
}

// KNNShapley returns the KNN-Shapley values of Jia et al., "Efficient Task-Specific Data
// Valuation for Nearest Neighbor Algorithms" (PVLDB 2019, Theorem 1), of the rows of
// train, for the K-nearest-neighbour utility averaged over the rows of test: the exact
// Shapley values to within the rounding bound proven below.
//
// For one test row (x_t, y_t) with the training rows sorted by (squared Euclidean
// distance to x_t, index) ascending as α_1 … α_N, and c_i = 1[y_{α_i} = y_t], the utility
// of a set S of training rows is U_t(S) = (1/K)·Σ_{j=1}^{min(K,|S|)} 1[label of the j-th
// nearest row of S = y_t], and its Shapley values are
//
//	s_{α_N} = c_N / max(K, N),   s_{α_i} = s_{α_{i+1}} + (c_i − c_{i+1}) / max(K, i)
//
// (the paper's c_N/N and (c_i − c_{i+1})/K · min(K,i)/i when K ≤ N; the form above holds
// for every K ≥ 1). The value of training row r is v_r = (1/T)·Σ_t s_{t,r}.
//
// Result: Values{Num, Den} with Den = T·KNNScale and Num[r] = Σ_t ŝ_{t,r}, where ŝ_{t,r}
// is P·s_{t,r} (P = KNNScale) rounded to an integer as follows. The recursion runs in
// 128-bit fixed point, in units of 2^−64/P, adding or subtracting ⌊P·2^64/max(K,i)⌋
// (a truncation error below one unit each); each value is then rounded to the nearest
// multiple of 2^64 units, ties to even. Hence, with N training rows,
//
//	|ŝ_{t,r} − P·s_{t,r}| < 1/2 + N·2^−64,
//	|Num[r]/Den − v_r| < (1/2 + N·2^−64)/P            (< 5.0000000012·10^−13),
//	|Σ_r Num[r]/Den − U(all)| < N·(1/2 + N·2^−64)/P,
//
// where U(all) = (1/T)·Σ_t U_t(all training rows) (the Shapley values of each U_t sum to
// U_t(all), since U_t(∅) = 0). docs/VALUATION.md gives the proof.
//
// train and test may be dense or sparse (sparse rows are densified); they must have the
// same Dims and ScaleExp, at least one row each, at most MaxKNNTrain and MaxKNNTest rows,
// and every feature |x| ≤ B with Dims·(2B)² ≤ 2^62, so that no distance overflows. K ≥ 1;
// K > N is allowed. Test rows are processed by `workers` goroutines (≤ 0:
// GOMAXPROCS); the result is the same for every worker count. Bad input gives an error,
// never a panic.
func KNNShapley(train, test *dataset.Dataset, k int, workers int) (Values, error) {
	return KNNShapleyWith(train, test, k, KNNOptions{Workers: workers})
}

// KNNShapleyWith is KNNShapley with options (worker count, phase timings).
func KNNShapleyWith(train, test *dataset.Dataset, k int, opts KNNOptions) (Values, error) {
	var start time.Time
	if opts.Timings != nil {
		start = time.Now()
	}
	tr, te, err := knnCheck(train, test, k)
	if err != nil {
		return Values{}, err
	}
	n, t := tr.Len(), te.Len()
	inv := knnWeights(n, k)

	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, t, maxKNNWorkers)

	// Test rows are handed out in chunks of at most knnBlock from a shared counter. Which
	// worker takes which row depends on scheduling; the result does not, because each
	// row's integer values are added to the worker's own sums and integer addition is
	// associative and commutative (and no partial sum can exceed the bounds proven above).
	chunk := max(1, min(knnBlock, t/(4*workers)))
	var next atomic.Int64
	var failed atomic.Pointer[error]
	ws := make([]*knnWorker, workers)
	var wg sync.WaitGroup
	for i := range ws {
		ws[i] = newKNNWorker(tr, te, inv, chunk, opts.Timings != nil)
		wg.Add(1)
		go func(w *knnWorker) {
			defer wg.Done()
			for {
				a := int(next.Add(int64(chunk))) - chunk
				if a >= t || failed.Load() != nil {
					return
				}
				b := min(a+chunk, t)
				if err := knnCharge(opts.Meter, b-a, n, tr.Dims); err != nil {
					failed.CompareAndSwap(nil, &err)
					return
				}
				w.testRows(a, b)
			}
		}(ws[i])
	}
	wg.Wait()
	if err := failed.Load(); err != nil {
		return Values{}, fmt.Errorf("value: KNN-Shapley: %w", *err)
	}

	sums := ws[0].sums
	for _, w := range ws[1:] {
		for r, v := range w.sums {
			sums[r] += v
		}
	}
	if tm := opts.Timings; tm != nil {
		*tm = KNNTimings{Workers: workers, TestRows: t}
		for _, w := range ws {
			tm.Distances += w.tDist
			tm.Sort += w.tSort
			tm.Recursion += w.tRec
		}
		tm.Wall = time.Since(start)
	}
	return Values{Num: sums, Den: int64(t) * KNNScale}, nil
}

// knnCharge charges m (nil: unmetered) for rows test rows against n training rows of d dims.
func knnCharge(m gas.Meter, rows, n, d int) error {
	r := uint64(rows)
	if err := charge(m, gas.Sample, 1, r); err != nil {
		return err
	}
	if err := charge(m, gas.Element, r*uint64(n), uint64(d)); err != nil {
		return err
	}
	return charge(m, gas.Sort, r*uint64(n), ceilLog2(n))
}

// knnCheck validates the inputs and returns a dense training set and the test set.
func knnCheck(train, test *dataset.Dataset, k int) (tr, te *dataset.Dataset, err error) {
	if train == nil || test == nil {
		return nil, nil, errors.New("value: KNN-Shapley: nil dataset")
	}
	if k < 1 {
		return nil, nil, fmt.Errorf("value: KNN-Shapley: K = %d, want ≥ 1", k)
	}
	if err := test.Validate(); err != nil {
		return nil, nil, fmt.Errorf("value: KNN-Shapley: test set: %w", err)
	}
	if train.Kind == dataset.Sparse {
		// ToDense validates, and bounds Len()·Dims.
		if tr, err = train.ToDense(); err != nil {
			return nil, nil, fmt.Errorf("value: KNN-Shapley: training set: %w", err)
		}
	} else {
		if err := train.Validate(); err != nil {
			return nil, nil, fmt.Errorf("value: KNN-Shapley: training set: %w", err)
		}
		tr = train
	}
	te = test
	n, t := tr.Len(), te.Len()
	switch {
	case n < 1:
		return nil, nil, errors.New("value: KNN-Shapley: the training set has no rows")
	case t < 1:
		return nil, nil, errors.New("value: KNN-Shapley: the test set has no rows")
	case n > MaxKNNTrain:
		return nil, nil, fmt.Errorf("value: KNN-Shapley: %d training rows, at most %d", n, MaxKNNTrain)
	case t > MaxKNNTest:
		return nil, nil, fmt.Errorf("value: KNN-Shapley: %d test rows, at most %d", t, MaxKNNTest)
	case tr.Dims != te.Dims:
		return nil, nil, fmt.Errorf("value: KNN-Shapley: training rows have %d dims, test rows %d", tr.Dims, te.Dims)
	case tr.ScaleExp != te.ScaleExp:
		return nil, nil, fmt.Errorf("value: KNN-Shapley: training ScaleExp %d, test ScaleExp %d", tr.ScaleExp, te.ScaleExp)
	}
	// Every |x| ≤ B ≤ MaxFeature (validated), so |a − b| ≤ 2B and a squared distance is at
	// most Dims·(2B)²; require that to be ≤ 2^62 (docs/MODELS.md, k-nearest neighbours).
	b := uint64(max(maxAbs(tr), maxAbs(te)))
	hi, lo := bits.Mul64(uint64(tr.Dims), 4*b*b) // 4B² < 2^50
	if hi != 0 || lo > 1<<62 {
		return nil, nil, fmt.Errorf("value: KNN-Shapley: Dims·(2B)² = %d·(2·%d)² exceeds 2^62 (distances could overflow)", tr.Dims, b)
	}
	return tr, te, nil
}

// maxAbs is dataset.MaxAbs (the largest |feature| of a validated dataset, 0 if it has
// none) by simd.MinMax, a host kernel in the WebAssembly host-kernel build.
func maxAbs(d *dataset.Dataset) int64 {
	vals := d.X
	if d.Kind == dataset.Sparse {
		vals = d.Val
	}
	if len(vals) == 0 {
		return 0
	}
	lo, hi := simd.MinMax(vals)
	return max(-int64(lo), int64(hi), 0)
}

// knnWeights returns the weights of sorted positions p = 0..n−1 as unsigned 128-bit
// numbers, w[2p]·2^64 + w[2p+1] = ⌊P·2^64 / max(K, p+1)⌋: the weight 1/max(K, i) of
// sorted position i = p+1 in units of 2^−64/P, truncated (error in [0, 1)). Each is below
// P·2^64 < 2^104. (simd.KNNRecurse's layout.)
func knnWeights(n, k int) []uint64 {
	div := func(d uint64) (hi, lo uint64) {
		p := uint64(KNNScale)
		lo, _ = bits.Div64(p%d, 0, d) // p%d < d: the quotient fits, no panic
		return p / d, lo
	}
	w := make([]uint64, 2*n)
	kh, kl := div(uint64(k))
	for p := range n {
		if p+1 <= k {
			w[2*p], w[2*p+1] = kh, kl
		} else {
			w[2*p], w[2*p+1] = div(uint64(p + 1))
		}
	}
	return w
}

// knnBlock is the most test rows a worker takes at once. Their distances are computed
// together, block of training rows by block, so that each block is read from memory once
// per knnBlock test rows instead of once per test row.
const knnBlock = 8

// knnBlockValues is the size of a block of training rows, in int32 values (64 KiB).
const knnBlockValues = simd.KNNBlockValues

// knnWorker holds one goroutine's scratch buffers and partial sums.
type knnWorker struct {
	tr, te *dataset.Dataset
	inv    []uint64
	timed  bool

	q     [][]int32 // densified sparse test rows (views of qflat)
	qflat []int32
	dists [][]int64 // squared distances from each test row of a chunk to the training rows (views of dflat)
	dflat []int64
	keys  []uint64       // sort keys
	tmp   []uint64       // radix sort buffer
	idx   []int32        // row indices (wide-key path)
	itmp  []int32        // radix sort buffer (wide-key path)
	hist  simd.RadixHist // radix bucket offsets
	sums  []int64        // Σ over this worker's test rows of the rounded values, per training row

	tDist, tSort, tRec time.Duration
}

func newKNNWorker(tr, te *dataset.Dataset, inv []uint64, chunk int, timed bool) *knnWorker {
	n := tr.Len()
	w := &knnWorker{tr: tr, te: te, inv: inv, timed: timed,
		dists: make([][]int64, chunk), dflat: make([]int64, chunk*n), keys: make([]uint64, n), tmp: make([]uint64, n),
		sums: make([]int64, n)}
	for k := range w.dists {
		w.dists[k] = w.dflat[k*n : (k+1)*n : (k+1)*n]
	}
	if te.Kind == dataset.Sparse {
		d := te.Dims
		w.q = make([][]int32, chunk)
		w.qflat = make([]int32, chunk*d)
		for k := range w.q {
			w.q[k] = w.qflat[k*d : (k+1)*d : (k+1)*d]
		}
	}
	return w
}

// testRows adds the values of test rows a..b−1 (at most len(w.dists) rows) to w.sums.
// Untimed, one simd.KNNShapleyRows call does the distances, the sorts and the
// recursions of the whole chunk (the host-kernel WebAssembly build runs it on the host,
// on several cores); timed, the phases run one by one to be timed apart. Both give the
// same values: the same steps, and integer sums.
func (w *knnWorker) testRows(a, b int) {
	if !w.timed && b-a <= simd.MaxKNNRows {
		d, n := w.te.Dims, w.tr.Len()
		var qs []int32
		if w.te.Kind == dataset.Sparse {
			for j := a; j < b; j++ {
				p, e := w.te.Ptr[j], w.te.Ptr[j+1]
				simd.Densify(w.q[j-a], w.te.Idx[p:e], w.te.Val[p:e])
			}
			qs = w.qflat[:(b-a)*d]
		} else {
			qs = w.te.X[a*d : b*d]
		}
		undone := simd.KNNShapleyRows(w.tr.X, w.tr.Y, qs, w.te.Y[a:b], w.inv, w.sums, w.dflat[:(b-a)*n], w.keys, w.tmp)
		for j := a; j < b; j++ {
			if undone>>(j-a)&1 != 0 {
				ents, mask := w.sortByDistance(w.dists[j-a], w.te.Y[j])
				w.recurse(ents, mask)
			}
		}
		return
	}
	var t0 time.Time
	if w.timed {
		t0 = time.Now()
	}
	w.distances(a, b)
	if w.timed {
		w.tDist += time.Since(t0)
	}
	for j := a; j < b; j++ {
		var t1, t2 time.Time
		if w.timed {
			t1 = time.Now()
		}
		ents, mask := w.sortByDistance(w.dists[j-a], w.te.Y[j])
		if w.timed {
			t2 = time.Now()
		}
		w.recurse(ents, mask)
		if w.timed {
			t3 := time.Now()
			w.tSort += t2.Sub(t1)
			w.tRec += t3.Sub(t2)
		}
	}
}

// distances sets w.dists[j−a] to the squared distances from test row j to every training
// row, for j in a..b−1, with simd.SqDistBatch over blocks of training rows.
func (w *knnWorker) distances(a, b int) {
	d := w.tr.Dims
	qs := make([][]int32, b-a)
	for j := a; j < b; j++ {
		if w.te.Kind == dataset.Sparse {
			p, e := w.te.Ptr[j], w.te.Ptr[j+1]
			simd.Densify(w.q[j-a], w.te.Idx[p:e], w.te.Val[p:e])
			qs[j-a] = w.q[j-a]
		} else {
			qs[j-a] = w.te.X[j*d : (j+1)*d]
		}
	}
	n := w.tr.Len()
	rb := max(1, knnBlockValues/d)
	for r0 := 0; r0 < n; r0 += rb {
		r1 := min(n, r0+rb)
		rows := w.tr.X[r0*d : r1*d]
		for k, q := range qs {
			simd.SqDistBatch(rows, q, w.dists[k][r0:r1])
		}
	}
}

// recurse runs the Theorem 1 recursion over the sorted entries (nearest first; entry
// e&mask = row<<1 | c, c = 1 iff the row's label is the test label), adding each rounded
// value to w.sums (simd.KNNRecurse).
func (w *knnWorker) recurse(ents []uint64, mask uint64) {
	simd.KNNRecurse(ents, mask, w.inv, w.sums)
}

// sortByDistance orders the training rows by (dist, index) ascending for a test row
// with label yt. It returns one entry per row, nearest first, whose bits under mask are
// row<<1 | c with c = 1 iff the row's label is yt.
func (w *knnWorker) sortByDistance(dist []int64, yt int32) (ents []uint64, mask uint64) {
	y := w.tr.Y
	n := len(dist)
	low := uint(bits.Len64(uint64(n-1))) + 1 // row<<1 | c
	mask = uint64(1)<<low - 1
	// One word per row, (dist − lo) above row<<1 | c, when that fits (simd.KNNSortPacked).
	switch simd.KNNSortPacked(dist, y, yt, w.keys, w.tmp) {
	case 0:
		return w.keys, mask
	case 1:
		return w.tmp, mask
	}
	lo, hi := dist[0], dist[0]
	for _, d := range dist[1:] {
		lo = min(lo, d)
		hi = max(hi, d)
	}
	width := uint(bits.Len64(uint64(hi - lo))) // distance bits to sort on (0 ≤ dist ≤ 2^62)
	// Wide keys: sort (dist − lo, row) pairs, stable on the key, rows in tow.
	if w.idx == nil {
		w.idx = make([]int32, n)
		w.itmp = make([]int32, n)
	}
	keys, idx := w.keys, w.idx
	for i, d := range dist {
		keys[i] = uint64(d - lo)
		idx[i] = int32(i)
	}
	order := w.radixPairs(keys, idx, width)
	ents = w.keys // the sorted keys are no longer needed
	for p, i := range order {
		ents[p] = uint64(i)<<1 | b2u(y[i] == yt)
	}
	return ents, mask
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// radixPairs sorts (keys[i], idx[i]) pairs by key, stably (idx starts ascending, so ties
// stay in index order), and returns the sorted indices.
func (w *knnWorker) radixPairs(keys []uint64, idx []int32, width uint) []int32 {
	n := len(keys)
	passes, digit := simd.RadixDigits(width)
	mask := uint64(1)<<digit - 1
	h := &w.hist
	src, dst := keys, w.tmp[:n]
	isrc, idst := idx, w.itmp[:n]
	for p := uint(0); p < passes; p++ {
		sh := p * digit
		if !h.Count(src, sh, mask) {
			continue
		}
		for i, k := range src {
			b := k >> sh & mask & (1<<simd.RadixMaxDigit - 1)
			o := h[b]
			dst[o] = k
			idst[o] = isrc[i]
			h[b]++
		}
		src, dst = dst, src
		isrc, idst = idst, isrc
	}
	return isrc
}
