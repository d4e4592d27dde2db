package value

// Sampled Shapley and Banzhaf values.
//
//   - PermutationShapley: truncated Monte Carlo permutation sampling (A. Ghorbani and J. Zou,
//     "Data Shapley: Equitable Valuation of Data for Machine Learning", ICML 2019, the TMC
//     algorithm).
//   - Banzhaf: Data Banzhaf with the maximum-sample-reuse estimator (J. T. Wang and R. Jia,
//     "Data Banzhaf: A Robust Data Valuation Framework for Machine Learning", AISTATS 2023).
//
// Both are written over a cooperative game (the interface game below) so that the same code
// runs on the model utility and, in tests, on games whose values are known in closed form.
// The exact rules (generator streams, truncation, convergence, rounding) are in
// docs/VALUATION.md, "Sampled Shapley and Banzhaf".

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/fixed"
	"github.com/meritchain/merit/engine/gas"
	"github.com/meritchain/merit/engine/model"
	"github.com/meritchain/merit/engine/rng"
)

// newTracker builds the tracker through which PermutationShapley adds rows. Every tracker
// gives the same counts (model.Tracker's contract), so the choice only affects speed.
var newTracker = model.NewTracker

// BanzhafScale is the fixed scale of Banzhaf values: Den = T·BanzhafScale for T test rows,
// and each Num is the exact estimate times Den, rounded half-even.
const BanzhafScale = 1_000_000_000

// maxSampleWorkers caps SampleOptions.Workers: each worker holds its own model and
// per-row sums, so the cap bounds memory; the result does not depend on it.
const maxSampleWorkers = 256

// ErrSampleOptions is wrapped by every error about a SampleOptions.
var ErrSampleOptions = errors.New("value: bad sample options")

// SampleOptions control PermutationShapley and Banzhaf.
type SampleOptions struct {
	// Seed selects the random permutations or subsets (docs/VALUATION.md gives the exact
	// streams). Equal seeds give identical results.
	Seed uint64
	// Samples is the sample budget: the largest number of permutations (PermutationShapley)
	// or subsets (Banzhaf) drawn. At least 1.
	Samples int
	// CheckEvery, if positive, tests for convergence after every CheckEvery samples: at the
	// checkpoint c = k·CheckEvery (k ≥ 2) sampling stops if every row's value changed by
	// less than Tolerance since the checkpoint c − CheckEvery. 0 disables the test (all
	// Samples are drawn).
	CheckEvery int
	// Tolerance is the convergence threshold in units of test accuracy (the units of
	// Values). It must be positive when CheckEvery > 0 and is ignored otherwise.
	Tolerance Ratio
	// Truncation (PermutationShapley only; must be 0 for Banzhaf) is the TMC tolerance as a
	// count of test rows: 0 never truncates; t ≥ 1 gives the remaining rows of a permutation
	// marginal 0 from the first position at which |U(all) − U(prefix)| < t.
	Truncation int
	// Workers is the number of goroutines, or 0 for runtime.GOMAXPROCS(0); at most 256
	// are used. The result does not depend on it.
	Workers int
}

// SampleReport describes a sampling run.
type SampleReport struct {
	// Samples is the number of permutations or subsets the values are computed from.
	Samples int
	// Converged says the run stopped at a checkpoint by the convergence rule (before
	// Samples, or exactly at it).
	Converged bool
	// Checks is the number of checkpoints at which a change was measured.
	Checks int
	// FullUtility is U(all): correct test predictions of a model trained on every
	// training row in order (PermutationShapley only; the truncation reference).
	FullUtility int64
	// Truncated counts the positions, over all permutations, whose marginal contribution
	// truncation set to 0 without training (PermutationShapley only).
	Truncated int64
	// NeverIn and NeverOut list the rows, ascending, that no sampled subset contained, or
	// that every sampled subset contained (Banzhaf only); their value is 0.
	NeverIn, NeverOut []int
}

// game is a cooperative game over players 0..size()−1 with integer utilities
// |U(S)| ≤ unit(). Values are reported in units of 1/unit().
type game interface {
	size() int
	unit() int64
	// open returns an evaluator for one goroutine.
	open() (coalition, error)
}

// coalition evaluates a game; one is used by one goroutine at a time.
type coalition interface {
	// reset empties the coalition and returns U(∅).
	reset() (int64, error)
	// add adds player i (not yet in) to the coalition and returns U of the new coalition.
	add(i int) (int64, error)
	// utility returns U(members) for ascending members, independently of reset and add
	// (it may discard their state).
	utility(members []int) (int64, error)
}

// modelGame is the data-valuation game: players are training rows, U(S) is the number of
// test rows predicted correctly by a fresh model trained on S. add goes through a tracker
// (rows in the order added); utility trains on members in ascending (original) order and
// evaluates once.
type modelGame struct {
	cfg         model.Config
	train, test *dataset.Dataset
	meter       gas.Meter
}

func (g *modelGame) size() int   { return g.train.Len() }
func (g *modelGame) unit() int64 { return int64(g.test.Len()) }
func (g *modelGame) open() (coalition, error) {
	return &modelCoalition{g: g}, nil
}

type modelCoalition struct {
	g  *modelGame
	tr model.Tracker
}

func (c *modelCoalition) reset() (int64, error) {
	if err := chargeStep(c.g.meter, c.g.cfg, c.g.test.Len()); err != nil {
		return 0, err
	}
	m, err := model.New(c.g.cfg)
	if err != nil {
		return 0, err
	}
	tr, err := newTracker(m, c.g.test)
	if err != nil {
		return 0, err
	}
	c.tr = tr
	return int64(tr.Correct()), nil
}

func (c *modelCoalition) add(i int) (int64, error) {
	if err := chargeStep(c.g.meter, c.g.cfg, c.g.test.Len()); err != nil {
		return 0, err
	}
	u, err := c.tr.Add(c.g.train.Row(i), int(c.g.train.Y[i]))
	if err != nil {
		return 0, fmt.Errorf("value: training row %d: %w", i, err)
	}
	return int64(u), nil
}

func (c *modelCoalition) utility(members []int) (int64, error) {
	if err := c.g.chargeUtility(members); err != nil {
		return 0, err
	}
	m, err := model.New(c.g.cfg)
	if err != nil {
		return 0, err
	}
	for _, i := range members {
		if err := m.Update(c.g.train.Row(i), int(c.g.train.Y[i])); err != nil {
			return 0, fmt.Errorf("value: training row %d: %w", i, err)
		}
	}
	u, err := m.Evaluate(c.g.test)
	return int64(u), err
}

// chargeUtility charges g.meter (nil: unmetered) for a fresh model trained on members
// and evaluated on the test set: gas.Sample per member and per test row, and gas.Element
// for each update (model.UpdateCost) and each prediction (model.PredictCost).
func (g *modelGame) chargeUtility(members []int) error {
	if g.meter == nil {
		return nil
	}
	var elems uint64
	for _, i := range members {
		elems += model.UpdateCost(g.cfg, model.Nnz(g.train.Row(i)))
	}
	for t := range g.test.Len() {
		elems += model.PredictCost(g.cfg, len(members), model.Nnz(g.test.Row(t)))
	}
	if err := charge(g.meter, gas.Sample, 1, uint64(len(members)+g.test.Len())); err != nil {
		return err
	}
	return charge(g.meter, gas.Element, 1, elems)
}

// problemGame checks p and returns its game. It evaluates an empty model on the test and
// the training set once, so a configuration or a dataset that does not fit is reported
// here rather than from inside the sampling.
func problemGame(p Problem) (*modelGame, error) {
	if p.Train == nil || p.Test == nil {
		return nil, errors.New("value: problem without a training or test set")
	}
	if err := p.Train.Validate(); err != nil {
		return nil, fmt.Errorf("value: training set: %w", err)
	}
	if err := p.Test.Validate(); err != nil {
		return nil, fmt.Errorf("value: test set: %w", err)
	}
	if p.Train.Len() == 0 {
		return nil, errors.New("value: no training rows to value")
	}
	if p.Test.Len() == 0 {
		return nil, errors.New("value: empty test set (values are in units of 1/test rows)")
	}
	m, err := model.New(p.Config)
	if err != nil {
		return nil, err
	}
	if _, err := m.Evaluate(p.Test); err != nil {
		return nil, fmt.Errorf("value: test set: %w", err)
	}
	// Evaluate checks that a dataset fits the model (dimensions, scale, classes, bound,
	// sign), so an empty model's evaluation of the training set checks every training row.
	if _, err := m.Evaluate(p.Train); err != nil {
		return nil, fmt.Errorf("value: training set: %w", err)
	}
	return &modelGame{cfg: p.Config, train: p.Train, test: p.Test}, nil
}

// PermutationShapley estimates every training row's Shapley value by truncated Monte
// Carlo permutation sampling (Ghorbani & Zou 2019). Sample j draws a permutation of the
// training rows from its own generator (docs/VALUATION.md), adds the rows in that order to
// a fresh model through a tracker, and credits each row with the change in correct test
// predictions it causes; with opts.Truncation > 0 the rest of a permutation is credited 0
// once the running count is within the tolerance of U(all). The value of row i is exactly
// (Σ_j marginal_j(i)) / (samples·T), Den = samples·T, with no rounding. The result does not
// depend on opts.Workers.
//
// p.Meter, if not nil, is charged before every model step: for each permutation's start
// and each row added through a tracker, gas.Sample 1 and gas.Step T·model.StepWeight;
// for a fresh model
// trained and evaluated (U(all), a Banzhaf subset) gas.Sample per row trained and per
// test row, and gas.Element per update and prediction (model.UpdateCost and
// model.PredictCost). The total does not depend on opts.Workers.
func PermutationShapley(p Problem, opts SampleOptions) (Values, SampleReport, error) {
	g, err := problemGame(p)
	if err != nil {
		return Values{}, SampleReport{}, err
	}
	g.meter = p.Meter
	return permutationShapley(g, opts)
}

// Banzhaf estimates every training row's Banzhaf value with the maximum-sample-reuse
// estimator (Wang & Jia 2023). Sample j draws a subset S_j that holds each training row
// independently with probability 1/2 (docs/VALUATION.md gives the bits), trains a fresh
// model on S_j's rows in their original order and counts its correct test predictions
// U_j. Row i's value is mean{U_j : i ∈ S_j} − mean{U_j : i ∉ S_j}, divided by T; it is
// reported as Num[i]/Den with Den = T·BanzhafScale and Num[i] the exact value times Den
// rounded half-even (error at most 1/(2·Den)). A row in no subset or in every subset has
// value 0 and is listed in the report. The result does not depend on opts.Workers. It
// charges p.Meter as PermutationShapley does.
func Banzhaf(p Problem, opts SampleOptions) (Values, SampleReport, error) {
	g, err := problemGame(p)
	if err != nil {
		return Values{}, SampleReport{}, err
	}
	g.meter = p.Meter
	return banzhaf(g, opts)
}

// checkOptions validates opts for a game with the given unit, and returns the worker count.
func checkOptions(opts SampleOptions, unit int64, shapley bool) (int, error) {
	if opts.Samples < 1 {
		return 0, fmt.Errorf("%w: Samples = %d, must be at least 1", ErrSampleOptions, opts.Samples)
	}
	if opts.CheckEvery < 0 {
		return 0, fmt.Errorf("%w: CheckEvery = %d, must be ≥ 0 (0: no convergence test)", ErrSampleOptions, opts.CheckEvery)
	}
	if opts.CheckEvery > 0 && (opts.Tolerance.Num < 1 || opts.Tolerance.Den < 1) {
		return 0, fmt.Errorf("%w: Tolerance = %d/%d, must be a positive fraction when CheckEvery > 0", ErrSampleOptions, opts.Tolerance.Num, opts.Tolerance.Den)
	}
	if opts.Truncation < 0 {
		return 0, fmt.Errorf("%w: Truncation = %d, must be ≥ 0 (0: no truncation)", ErrSampleOptions, opts.Truncation)
	}
	if !shapley && opts.Truncation != 0 {
		return 0, fmt.Errorf("%w: Truncation applies to PermutationShapley only; Banzhaf needs 0", ErrSampleOptions)
	}
	if opts.Workers < 0 {
		return 0, fmt.Errorf("%w: Workers = %d, must be ≥ 0 (0: GOMAXPROCS)", ErrSampleOptions, opts.Workers)
	}
	if unit < 1 {
		return 0, fmt.Errorf("value: utility unit %d, must be at least 1", unit)
	}
	// Every running sum is at most Samples·2·unit in magnitude.
	if uint64(opts.Samples) > uint64(math.MaxInt64)/2/uint64(unit) {
		return 0, fmt.Errorf("%w: Samples = %d with %d test rows: Samples·2·T must be below 2^63", ErrSampleOptions, opts.Samples, unit)
	}
	if !shapley && uint64(unit) > uint64(math.MaxInt64)/2/BanzhafScale {
		return 0, fmt.Errorf("value: Banzhaf: %d test rows: 2·T·%d must be below 2^63", unit, BanzhafScale)
	}
	w := opts.Workers
	if w == 0 {
		w = runtime.GOMAXPROCS(0)
	}
	return min(max(w, 1), maxSampleWorkers), nil
}

// sampleSeed returns the seed of sample j: the j-th output (counting from 0) of SplitMix64
// started at seed, i.e. one SplitMix64 step from the state seed + j·0x9e3779b97f4a7c15.
func sampleSeed(seed uint64, j int) uint64 {
	z := seed + uint64(j)*0x9e3779b97f4a7c15
	return rng.SplitMix64(&z)
}

// drawPermutation fills perm (len n) with sample j's permutation:
// rng.New(sampleSeed(seed, j)).Perm(n), without allocating.
func drawPermutation(perm []int, seed uint64, j int) {
	for i := range perm {
		perm[i] = i
	}
	rng.New(sampleSeed(seed, j)).Shuffle(len(perm), func(a, b int) { perm[a], perm[b] = perm[b], perm[a] })
}

// drawSubset fills in (len n) with sample j's subset: with r = rng.New(sampleSeed(seed, j)),
// word w = the w-th r.Uint64() (w = 0, 1, …, ⌈n/64⌉−1), row i is in the subset iff bit
// i mod 64 (bit 0 the least significant) of word ⌊i/64⌋ is 1. It returns the members in
// ascending order, appended to members[:0].
func drawSubset(in []bool, members []int, seed uint64, j int) []int {
	r := rng.New(sampleSeed(seed, j))
	members = members[:0]
	var x uint64
	for i := range in {
		if i%64 == 0 {
			x = r.Uint64()
		}
		in[i] = x&1 == 1
		x >>= 1
		if in[i] {
			members = append(members, i)
		}
	}
	return members
}

// checkUtility rejects a utility outside [−unit, unit] (a game bug; it would break the
// overflow bounds).
func checkUtility(u, unit int64) error {
	if u < -unit || u > unit {
		return fmt.Errorf("value: utility %d outside [−%d, %d]", u, unit, unit)
	}
	return nil
}

// forSamples calls fn(w, j) for every j in [lo, hi) on up to workers goroutines (w is the
// goroutine's index, so per-worker state needs no locking). Samples are handed out in
// increasing order; after a failure no new sample starts, so every sample below a failing
// one has run, and the error returned is that of the lowest failing sample: the outcome does
// not depend on scheduling.
func forSamples(lo, hi, workers int, fn func(w, j int) error) error {
	if workers > hi-lo {
		workers = hi - lo
	}
	if workers <= 1 {
		for j := lo; j < hi; j++ {
			if err := fn(0, j); err != nil {
				return err
			}
		}
		return nil
	}
	var (
		next    atomic.Int64
		stop    atomic.Bool
		mu      sync.Mutex
		errJ    = hi
		firstEr error
		wg      sync.WaitGroup
	)
	next.Store(int64(lo))
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				j := int(next.Add(1) - 1)
				if j >= hi {
					return
				}
				if err := fn(w, j); err != nil {
					mu.Lock()
					if j < errJ {
						errJ, firstEr = j, err
					}
					mu.Unlock()
					stop.Store(true)
					return
				}
			}
		}()
	}
	wg.Wait()
	return firstEr
}

// batchEnd returns where the batch starting at c ends: the next checkpoint, or the budget.
func batchEnd(c int, opts SampleOptions) int {
	if opts.CheckEvery == 0 {
		return opts.Samples
	}
	return min(opts.Samples, (c/opts.CheckEvery+1)*opts.CheckEvery)
}

// shapleyWorker is one goroutine's state in permutationShapley.
type shapleyWorker struct {
	co        coalition
	perm      []int
	sum       []int64 // marginal sums of this worker's samples in the current batch
	truncated int64
}

func permutationShapley(g game, opts SampleOptions) (Values, SampleReport, error) {
	var rep SampleReport
	n, unit := g.size(), g.unit()
	workers, err := checkOptions(opts, unit, true)
	if err != nil {
		return Values{}, rep, err
	}
	if n < 1 {
		return Values{}, rep, errors.New("value: no players to value")
	}
	workers = min(workers, opts.Samples)
	ws := make([]shapleyWorker, workers)
	for w := range ws {
		co, err := g.open()
		if err != nil {
			return Values{}, rep, err
		}
		ws[w] = shapleyWorker{co: co, perm: make([]int, n), sum: make([]int64, n)}
	}
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	full, err := ws[0].co.utility(all)
	if err != nil {
		return Values{}, rep, err
	}
	if err := checkUtility(full, unit); err != nil {
		return Values{}, rep, err
	}
	rep.FullUtility = full
	trunc := int64(opts.Truncation)

	sample := func(w, j int) error {
		s := &ws[w]
		drawPermutation(s.perm, opts.Seed, j)
		u, err := s.co.reset()
		if err == nil {
			err = checkUtility(u, unit)
		}
		if err != nil {
			return err
		}
		for k, i := range s.perm {
			if trunc > 0 && absDiff(full, u) < uint64(trunc) {
				s.truncated += int64(n - k)
				break
			}
			v, err := s.co.add(i)
			if err == nil {
				err = checkUtility(v, unit)
			}
			if err != nil {
				return err
			}
			s.sum[i] += v - u
			u = v
		}
		return nil
	}

	total := make([]int64, n)
	var prev []int64 // sums at the previous checkpoint
	prevC := 0
	c := 0
	for c < opts.Samples {
		end := batchEnd(c, opts)
		if err := forSamples(c, end, workers, sample); err != nil {
			return Values{}, rep, err
		}
		for w := range ws {
			for i, v := range ws[w].sum {
				total[i] += v
				ws[w].sum[i] = 0
			}
		}
		c = end
		if opts.CheckEvery > 0 && c%opts.CheckEvery == 0 {
			if prev != nil {
				rep.Checks++
				if shapleyConverged(total, c, prev, prevC, unit, opts.Tolerance) {
					rep.Converged = true
					break
				}
			} else {
				prev = make([]int64, n)
			}
			copy(prev, total)
			prevC = c
		}
	}
	for w := range ws {
		rep.Truncated += ws[w].truncated
	}
	rep.Samples = c
	return Values{Num: total, Den: int64(c) * unit}, rep, nil
}

// absDiff returns |a − b| exactly (it is below 2^64; the subtraction may wrap, the result
// does not).
func absDiff(a, b int64) uint64 {
	if a >= b {
		return uint64(a - b)
	}
	return uint64(b - a)
}

// shapleyConverged reports whether, for every i, the change from prev[i]/(pc·T) to
// cur[i]/(c·T) is below tol: |cur[i]·pc − prev[i]·c| · tol.Den < tol.Num · c · pc · T,
// computed exactly in big integers.
func shapleyConverged(cur []int64, c int, prev []int64, pc int, unit int64, tol Ratio) bool {
	bc, bpc := big.NewInt(int64(c)), big.NewInt(int64(pc))
	rhs := new(big.Int).Mul(big.NewInt(tol.Num), bc)
	rhs.Mul(rhs, bpc).Mul(rhs, big.NewInt(unit))
	den := big.NewInt(tol.Den)
	var a, b, x big.Int
	for i := range cur {
		a.Mul(x.SetInt64(cur[i]), bpc)
		b.Mul(x.SetInt64(prev[i]), bc)
		a.Sub(&a, &b).Abs(&a).Mul(&a, den)
		if a.Cmp(rhs) >= 0 {
			return false
		}
	}
	return true
}

// banzhafWorker is one goroutine's state in banzhaf.
type banzhafWorker struct {
	co      coalition
	in      []bool
	members []int
	inSum   []int64 // Σ U_j over this worker's samples (current batch) that contain i
	inCount []int64 // how many of them contain i
	total   int64   // Σ U_j over this worker's samples
}

func banzhaf(g game, opts SampleOptions) (Values, SampleReport, error) {
	var rep SampleReport
	n, unit := g.size(), g.unit()
	workers, err := checkOptions(opts, unit, false)
	if err != nil {
		return Values{}, rep, err
	}
	if n < 1 {
		return Values{}, rep, errors.New("value: no players to value")
	}
	workers = min(workers, opts.Samples)
	ws := make([]banzhafWorker, workers)
	for w := range ws {
		co, err := g.open()
		if err != nil {
			return Values{}, rep, err
		}
		ws[w] = banzhafWorker{co: co, in: make([]bool, n), members: make([]int, 0, n),
			inSum: make([]int64, n), inCount: make([]int64, n)}
	}
	sample := func(w, j int) error {
		s := &ws[w]
		s.members = drawSubset(s.in, s.members, opts.Seed, j)
		u, err := s.co.utility(s.members)
		if err == nil {
			err = checkUtility(u, unit)
		}
		if err != nil {
			return err
		}
		for _, i := range s.members {
			s.inSum[i] += u
			s.inCount[i]++
		}
		s.total += u
		return nil
	}

	inSum, inCount := make([]int64, n), make([]int64, n)
	var total int64
	var prev, cur []int64
	c := 0
	for c < opts.Samples {
		end := batchEnd(c, opts)
		if err := forSamples(c, end, workers, sample); err != nil {
			return Values{}, rep, err
		}
		for w := range ws {
			s := &ws[w]
			for i := range n {
				inSum[i] += s.inSum[i]
				inCount[i] += s.inCount[i]
				s.inSum[i], s.inCount[i] = 0, 0
			}
			total += s.total
			s.total = 0
		}
		c = end
		if opts.CheckEvery > 0 && c%opts.CheckEvery == 0 {
			cur = banzhafNums(cur, inSum, inCount, total, int64(c))
			if prev != nil {
				rep.Checks++
				if banzhafConverged(cur, prev, unit, opts.Tolerance) {
					rep.Converged = true
					break
				}
			}
			prev, cur = cur, prev
		}
	}
	num := banzhafNums(nil, inSum, inCount, total, int64(c))
	for i := range n {
		switch inCount[i] {
		case 0:
			rep.NeverIn = append(rep.NeverIn, i)
		case int64(c):
			rep.NeverOut = append(rep.NeverOut, i)
		}
	}
	rep.Samples = c
	return Values{Num: num, Den: unit * BanzhafScale}, rep, nil
}

// banzhafNums returns, in dst, Num[i] = round-half-even(BanzhafScale·(A/a − B/b)) where
// A = inSum[i], a = inCount[i], B = total − A, b = m − a; 0 if a = 0 or b = 0. Exactly:
// BanzhafScale·(A·b − B·a) divided by a·b, in big integers.
func banzhafNums(dst, inSum, inCount []int64, total, m int64) []int64 {
	if cap(dst) < len(inSum) {
		dst = make([]int64, len(inSum))
	}
	dst = dst[:len(inSum)]
	var num, den, t, q, r big.Int
	scale := big.NewInt(BanzhafScale)
	for i, A := range inSum {
		a := inCount[i]
		b := m - a
		if a == 0 || b == 0 {
			dst[i] = 0
			continue
		}
		num.Mul(num.SetInt64(A), t.SetInt64(b))
		t.Mul(t.SetInt64(total-A), den.SetInt64(a))
		num.Sub(&num, &t).Mul(&num, scale)
		den.Mul(den.SetInt64(a), t.SetInt64(b))
		dst[i] = roundHalfEvenBig(&num, &den, &q, &r)
	}
	return dst
}

// roundHalfEvenBig returns num/den (den > 0) rounded to the nearest integer, ties to even.
// The caller guarantees the result fits in int64. q and r are scratch.
func roundHalfEvenBig(num, den, q, r *big.Int) int64 {
	q.DivMod(num, den, r) // Euclidean: with den > 0, q = ⌊num/den⌋ and 0 ≤ r < den
	r.Lsh(r, 1)
	switch c := r.Cmp(den); {
	case c > 0, c == 0 && q.Bit(0) == 1:
		q.Add(q, big.NewInt(1))
	}
	return q.Int64()
}

// banzhafConverged reports whether |cur[i] − prev[i]| / (T·BanzhafScale) < tol for every i:
// |cur[i] − prev[i]|·tol.Den < tol.Num·T·BanzhafScale, compared exactly in 128 bits.
func banzhafConverged(cur, prev []int64, unit int64, tol Ratio) bool {
	den := uint64(unit) * BanzhafScale
	for i := range cur {
		d := absDiff(cur[i], prev[i])
		if fixed.MulCmp(d, uint64(tol.Den), uint64(tol.Num), den) >= 0 {
			return false
		}
	}
	return true
}
