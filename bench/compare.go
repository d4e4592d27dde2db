package main

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"time"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/value"
)

// The valuation methods compared with the peer (bench/peer/methods.py has the same names).
const (
	mKNNShapley = "knn-shapley"
	mLOO        = "loo"
	mMarginal   = "marginal"
	mTMC        = "tmc-shapley"
	mBanzhaf    = "banzhaf"
)

var allMethods = []string{mKNNShapley, mLOO, mMarginal, mTMC, mBanzhaf}

var methodTitle = map[string]string{
	mKNNShapley: "KNN-Shapley (exact)",
	mLOO:        "leave-one-out",
	mMarginal:   "marginal (sequential)",
	mTMC:        "TMC-Shapley",
	mBanzhaf:    "Banzhaf (MSR)",
}

// sampleSeed is the seed of both sides' sampled methods (they draw from different
// generators, so equal seeds do not give equal samples).
const sampleSeed = 1

// knnDiffBound is the largest |Merit − peer| accepted for KNN-Shapley: Merit's values are
// within 5·10^−13 of the exact ones (docs/VALUATION.md), and the peer's float64 recursion
// and sums add rounding errors of the order of N·2^−53 per test row.
const knnDiffBound = 1e-9

// truncation is the TMC tolerance both sides use: 1% of the test rows (at least 1), as a
// count of test rows.
func truncation(test *dataset.Dataset) int { return max(1, test.Len()/100) }

// meritOut is one timed Merit valuation.
type meritOut struct {
	vals value.Values
	took time.Duration // the median run
	runs int
	knn  value.KNNTimings
	rep  value.SampleReport
}

// runMerit values train on test with one method, in this process, with every core
// (workers = GOMAXPROCS), repeating the call until the runs add up to minDur.
func runMerit(method string, train, test *dataset.Dataset, samples int, minDur time.Duration) (meritOut, error) {
	cfg, err := knnConfig(train, test)
	if err != nil {
		return meritOut{}, err
	}
	p := value.Problem{Config: cfg, Train: train, Test: test}
	var out meritOut
	once := func() error {
		var err error
		switch method {
		case mKNNShapley:
			out.vals, err = value.KNNShapleyWith(train, test, cfg.K, value.KNNOptions{Timings: &out.knn})
		case mLOO:
			out.vals, err = value.LeaveOneOut(p, 0)
		case mMarginal:
			out.vals, err = value.Marginal(p)
		case mTMC:
			out.vals, out.rep, err = value.PermutationShapley(p, value.SampleOptions{Seed: sampleSeed, Samples: samples, Truncation: truncation(test)})
		case mBanzhaf:
			out.vals, out.rep, err = value.Banzhaf(p, value.SampleOptions{Seed: sampleSeed, Samples: samples})
		default:
			err = fmt.Errorf("unknown method %q", method)
		}
		return err
	}
	out.took, out.runs, err = measure(minDur, once)
	if err != nil {
		return meritOut{}, fmt.Errorf("merit %s: %w", method, err)
	}
	return out, nil
}

// measure runs fn until its runs add up to minDur (at least once, at most 20 times) and
// returns the median run time.
func measure(minDur time.Duration, fn func() error) (time.Duration, int, error) {
	var times []time.Duration
	var total time.Duration
	for {
		runtime.GC() // collect the previous run's garbage outside the timed region
		start := time.Now()
		if err := fn(); err != nil {
			return 0, 0, err
		}
		d := time.Since(start)
		times = append(times, d)
		total += d
		if total >= minDur || len(times) >= 20 {
			break
		}
	}
	slices.Sort(times)
	return times[len(times)/2], len(times), nil
}

// peerVariant is an extra way of running the peer's KNN-Shapley (pyDVL's own choices).
type peerVariant struct {
	label                string
	algorithm, recursion string
	rows                 int // test rows it runs; the time is extrapolated to the whole test set
}

// valCase is one dataset on which Merit and the peer run the same methods.
type valCase struct {
	data        string // dataset name for people
	id          string // for file names
	train, test *dataset.Dataset
	noisy       bool // flip 10% of the training labels first and score the detection
	methods     []string
	samples     int            // sampled methods' budget
	peerRows    map[string]int // the peer runs these methods on the first rows of the test set only
	variants    []peerVariant
	minDur      time.Duration
}

// cmpRow is one line of the Merit-versus-peer table.
type cmpRow struct {
	method, data, size string
	merit, peer        time.Duration
	peerFrom           int // > 0: the peer's time is extrapolated from this many test rows
	samples            int
	check              string
	ok                 bool
	maxDiff            float64
	hasDiff            bool
	key                string // identifies the row for the goals ("knn-mnist-full")
}

// qualityRow is one line of the noisy-label detection table.
type qualityRow struct {
	data, size, method string
	flipped, flagged   int
	auc, f1            float64
	merit              time.Duration
	peerAUC, peerF1    float64
	peer               time.Duration
}

// valuation holds what the valuation comparisons measured.
type valuation struct {
	rows      []cmpRow
	quality   []qualityRow
	peerEnv   string
	failed    []string // disagreements between Merit and the peer
	knnPhases *knnPhases
}

func (c *valCase) peerTestRows(method string) int {
	if r, ok := c.peerRows[method]; ok && r > 0 && r < c.test.Len() {
		return r
	}
	return c.test.Len()
}

// runCase runs Merit and the peer on one case and appends the comparisons to v.
func (v *valuation) runCase(c valCase, dir string) error {
	fmt.Fprintf(os.Stderr, "== valuation: %s (%s)\n", c.data, shape(c.train, c.test))
	train := c.train
	meritRuns := map[string]meritOut{}
	var flipped []int
	quality := map[string]value.Quality{}
	for _, m := range c.methods {
		if !c.noisy {
			out, err := runMerit(m, train, c.test, c.samples, c.minDur)
			if err != nil {
				return err
			}
			meritRuns[m] = out
			fmt.Fprintf(os.Stderr, "   merit %s: %s (%d runs)\n", m, out.took, out.runs)
			continue
		}
		cfg, err := knnConfig(c.train, c.test)
		if err != nil {
			return err
		}
		var out meritOut
		res, err := value.DetectNoisyLabels(value.Problem{Config: cfg, Train: c.train, Test: c.test},
			value.NoisyOptions{FlipNum: noiseNum, FlipDen: noiseDen, Seed: noiseSeed},
			func(p value.Problem) (value.Values, error) {
				var err error
				out, err = runMerit(m, p.Train, p.Test, c.samples, c.minDur)
				train = p.Train
				return out.vals, err
			})
		if err != nil {
			return err
		}
		meritRuns[m], flipped, quality[m] = out, res.Flipped, res.Quality
		fmt.Fprintf(os.Stderr, "   merit %s: %s (%d runs)\n", m, out.took, out.runs)
	}

	// The peer, on the same data (the noisy training set if labels were flipped).
	var jobs []peerMethod
	for _, m := range c.methods {
		pm := peerMethod{Method: m, MinSeconds: c.minDur.Seconds()}
		if r := c.peerTestRows(m); r < c.test.Len() {
			pm.TestRows = r
		}
		if m == mTMC || m == mBanzhaf {
			pm.Samples, pm.Seed = c.samples, sampleSeed
			if m == mTMC {
				pm.Truncation = truncation(c.test)
			}
		}
		jobs = append(jobs, pm)
	}
	for _, pv := range c.variants {
		jobs = append(jobs, peerMethod{Method: mKNNShapley, TestRows: min(pv.rows, c.test.Len()), Algorithm: pv.algorithm, Recursion: pv.recursion})
	}
	out, err := runPeer(dir, c.id, train, c.test, jobs)
	if err != nil {
		return err
	}
	if v.peerEnv == "" {
		v.peerEnv = peerEnvironment(out.Environment)
	}

	size := shape(c.train, c.test)
	// meritAt returns Merit's run of method on the first rows test rows.
	meritAt := func(method string, rows int) (meritOut, error) {
		key := method
		if rows < c.test.Len() {
			key = fmt.Sprintf("%s@%d", method, rows)
		}
		if r, ok := meritRuns[key]; ok {
			return r, nil
		}
		r, err := runMerit(method, train, firstRows(c.test, rows), c.samples, c.minDur)
		if err == nil {
			meritRuns[key] = r
			fmt.Fprintf(os.Stderr, "   merit %s on %d test rows: %s\n", method, rows, r.took)
		}
		return r, err
	}
	for i, pr := range out.Results {
		m := jobs[i].Method
		variant := i >= len(c.methods)
		mr, err := meritAt(m, pr.TestRows)
		if err != nil {
			return err
		}
		full, err := meritAt(m, c.test.Len())
		if err != nil {
			return err
		}
		row := cmpRow{method: methodTitle[m], data: c.data, size: size, merit: full.took}
		row.maxDiff, row.hasDiff, row.ok, row.check = compareValues(m, mr.vals, pr)
		if !row.ok {
			v.failed = append(v.failed, fmt.Sprintf("%s on %s (%d test rows): %s", methodTitle[m], c.data, pr.TestRows, row.check))
		}
		if m == mTMC || m == mBanzhaf {
			row.samples = pr.Samples
		}
		peerT := time.Duration(pr.Seconds * float64(time.Second))
		if pr.TestRows < c.test.Len() {
			if !variant {
				// The same size on both sides first, then the whole test set with the
				// peer's time extrapolated.
				same := row
				same.size, same.merit, same.peer = shape(train, firstRows(c.test, pr.TestRows)), mr.took, peerT
				v.rows = append(v.rows, same)
			}
			fixed := pr.Phases["fit"]
			per := (pr.Seconds - fixed) / float64(pr.TestRows)
			row.peer = time.Duration((fixed + per*float64(c.test.Len())) * float64(time.Second))
			row.peerFrom = pr.TestRows
		} else {
			row.peer = peerT
		}
		if variant {
			pv := c.variants[i-len(c.methods)]
			row.method = methodTitle[m] + ", " + pv.label
		}
		if m == mKNNShapley && !variant && c.id == "mnist-full" {
			row.key = "knn-mnist-full"
			k := full.knn
			t, wk, pt := float64(c.test.Len()), float64(max(1, k.Workers)), float64(pr.TestRows)
			ns := func(d time.Duration) float64 { return float64(d.Nanoseconds()) }
			v.knnPhases = &knnPhases{size: size,
				meritDist: ns(k.Distances) / wk / t, meritSort: ns(k.Sort) / wk / t, meritRec: ns(k.Recursion) / wk / t, meritWall: ns(k.Wall) / t,
				peerKNN: pr.Phases["kneighbors"] * 1e9 / pt, peerTies: pr.Phases["ties"] * 1e9 / pt, peerRec: pr.Phases["recursion"] * 1e9 / pt,
				peerWall: (pr.Seconds - pr.Phases["fit"]) * 1e9 / pt}
		}
		v.rows = append(v.rows, row)

		if c.noisy && !variant {
			q := quality[m]
			pv := peerFloats(pr)
			pAUC, pF1 := floatQuality(pv, flipped, noiseNum, noiseDen)
			v.quality = append(v.quality, qualityRow{data: c.data, size: size, method: methodTitle[m],
				flipped: q.Flipped, flagged: q.Flagged, auc: ratio(q.AUC), f1: ratio(q.F1), merit: full.took,
				peerAUC: pAUC, peerF1: pF1, peer: peerT})
		}
	}
	return nil
}

// peerFloats returns the peer's values as float64 (num/den for the integer methods).
func peerFloats(pr peerResult) []float64 {
	if pr.Num == nil {
		return pr.Values
	}
	v := make([]float64, len(pr.Num))
	for i, n := range pr.Num {
		v[i] = float64(n) / float64(pr.Den)
	}
	return v
}

// compareValues checks the peer's values against Merit's: exactly for the integer methods,
// within knnDiffBound for KNN-Shapley; the sampled methods draw different samples, so
// only their correlation is reported.
func compareValues(method string, m value.Values, pr peerResult) (maxDiff float64, hasDiff, ok bool, check string) {
	n := len(m.Num)
	switch method {
	case mLOO, mMarginal:
		if len(pr.Num) != n || pr.Den != m.Den {
			return 0, false, false, fmt.Sprintf("shape differs: %d values /%d against %d /%d", len(pr.Num), pr.Den, n, m.Den)
		}
		diff := 0
		var worst int64
		for i := range n {
			if d := m.Num[i] - pr.Num[i]; d != 0 {
				diff++
				worst = max(worst, d, -d)
			}
		}
		if diff > 0 {
			return float64(worst) / float64(m.Den), true, false, fmt.Sprintf("%d of %d values differ", diff, n)
		}
		return 0, true, true, "identical integers"
	case mKNNShapley:
		if len(pr.Values) != n {
			return 0, false, false, fmt.Sprintf("%d values against %d", len(pr.Values), n)
		}
		worst := 0.0
		for i := range n {
			worst = max(worst, math.Abs(float64(m.Num[i])/float64(m.Den)-pr.Values[i]))
		}
		if !(worst <= knnDiffBound) {
			return worst, true, false, fmt.Sprintf("max |difference| %.3g above the bound %.0e", worst, knnDiffBound)
		}
		return worst, true, true, fmt.Sprintf("≤ %.0e", knnDiffBound)
	default:
		if len(pr.Values) != n {
			return 0, false, false, fmt.Sprintf("%d values against %d", len(pr.Values), n)
		}
		mv := make([]float64, n)
		for i := range n {
			mv[i] = float64(m.Num[i]) / float64(m.Den)
		}
		return 0, false, true, fmt.Sprintf("different samples; correlation %.2f", pearson(mv, pr.Values))
	}
}

// pearson returns the correlation of x and y (NaN if either is constant).
func pearson(x, y []float64) float64 {
	n := float64(len(x))
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx, my = mx/n, my/n
	var sxy, sxx, syy float64
	for i := range x {
		dx, dy := x[i]-mx, y[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	return sxy / math.Sqrt(sxx*syy)
}

// ratio returns r as a float64.
func ratio(r value.Ratio) float64 { return float64(r.Num) / float64(r.Den) }

// floatQuality is value.DetectionQuality's AUC and F1 for float64 values (the peer's),
// rounded to multiples of 10^−9 first so that float noise does not split equal values.
func floatQuality(v []float64, flipped []int, num, den int) (auc, f1 float64) {
	n := len(v)
	isF := make([]bool, n)
	for _, i := range flipped {
		isF[i] = true
	}
	r := make([]float64, n)
	order := make([]int, n)
	for i := range v {
		r[i] = math.Round(v[i] * 1e9)
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case r[a] < r[b]:
			return -1
		case r[a] > r[b]:
			return 1
		}
		return a - b
	})
	nf := len(flipped)
	nc := n - nf
	if nf == 0 || nc == 0 {
		return math.NaN(), math.NaN()
	}
	var less, ties, fBefore float64
	for i := 0; i < n; {
		j := i
		var fg, cg float64
		for ; j < n && r[order[j]] == r[order[i]]; j++ {
			if isF[order[j]] {
				fg++
			} else {
				cg++
			}
		}
		less += cg * fBefore
		ties += fg * cg
		fBefore += fg
		i = j
	}
	auc = (2*less + ties) / (2 * float64(nf) * float64(nc))
	k := n * num / den
	hits := 0
	for _, i := range order[:k] {
		if isF[i] {
			hits++
		}
	}
	return auc, 2 * float64(hits) / float64(k+nf)
}

// valuationCases lists the datasets and sizes of the comparison. The noisy cases (10% of
// the training labels flipped) also give the detection-quality table.
func valuationCases(quick, peerFull bool) ([]valCase, error) {
	iTrain, iTest, err := loadSplit("testdata/iris.csv")
	if err != nil {
		return nil, err
	}
	dTrain, dTest, err := loadSplit("testdata/digits.csv.gz")
	if err != nil {
		return nil, err
	}
	mTrain, mTest, err := loadMNIST()
	if err != nil {
		return nil, err
	}
	mnist := func(n, t int) (*dataset.Dataset, *dataset.Dataset) { return firstRows(mTrain, n), firstRows(mTest, t) }
	pydvl := peerVariant{label: "pyDVL's choices (ball tree, Python-loop recursion)", algorithm: "ball_tree", recursion: "loop", rows: 4}
	exact := []string{mKNNShapley, mLOO, mMarginal}
	if quick {
		pydvl.rows = 2
		n3, t3 := mnist(300, 100)
		nf, tf := mnist(2000, 50)
		return []valCase{
			{data: "iris", id: "iris", train: iTrain, test: iTest, noisy: true, methods: allMethods, samples: 10},
			{data: "digits", id: "digits", train: dTrain, test: dTest, noisy: true, methods: allMethods, samples: 5},
			{data: "MNIST", id: "mnist-noisy", train: n3, test: t3, noisy: true, methods: allMethods, samples: 5},
			{data: "MNIST", id: "mnist-full", train: nf, test: tf, methods: exact,
				peerRows: map[string]int{mKNNShapley: 10}, variants: []peerVariant{pydvl}},
		}, nil
	}
	n2, t2 := mnist(2000, 1000)
	n1k, t1k := mnist(1000, 1000)
	n10k, t10k := mnist(10000, 1000)
	n10, t10 := mnist(10000, 10000)
	peerRows := map[string]int{mKNNShapley: 1000}
	if peerFull {
		peerRows = nil
	}
	return []valCase{
		{data: "iris", id: "iris", train: iTrain, test: iTest, noisy: true, methods: allMethods, samples: 200, minDur: time.Second},
		{data: "digits", id: "digits", train: dTrain, test: dTest, noisy: true, methods: allMethods, samples: 100, minDur: time.Second},
		{data: "MNIST", id: "mnist-noisy", train: n2, test: t2, noisy: true, methods: allMethods, samples: 50},
		{data: "MNIST", id: "mnist-1k", train: n1k, test: t1k, methods: exact, minDur: time.Second},
		{data: "MNIST", id: "mnist-10k", train: n10k, test: t10k, methods: exact},
		{data: "MNIST", id: "mnist-10k-10k", train: n10, test: t10, methods: []string{mMarginal}},
		// Leave-one-out stops at 1,000 test rows: Merit's takes about 12 ms per test row
		// against 60,000 training rows, 2 minutes for all 10,000.
		{data: "MNIST", id: "mnist-60k-1k", train: mTrain, test: t1k, methods: []string{mLOO}},
		{data: "MNIST", id: "mnist-full", train: mTrain, test: mTest, methods: []string{mKNNShapley},
			peerRows: peerRows, variants: []peerVariant{pydvl}},
	}, nil
}

// runValuation runs every comparison case.
func runValuation(quick, peerFull bool) (*valuation, error) {
	if err := ensurePeer(); err != nil {
		return nil, err
	}
	cases, err := valuationCases(quick, peerFull)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "merit-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	v := &valuation{}
	for _, c := range cases {
		if err := v.runCase(c, dir); err != nil {
			return nil, fmt.Errorf("%s: %w", c.id, err)
		}
	}
	return v, nil
}
