package value

// Noisy-label detection: how well a valuation ranks deliberately mislabelled training rows
// below the others ("low value means suspicious"), the benchmark task of Ghorbani & Zou
// 2019 and Wang & Jia 2023. Every measure is an exact fraction; the definitions are in
// docs/VALUATION.md, "Noisy-label detection".

import (
	"errors"
	"fmt"
	"math/bits"
	"sort"

	"github.com/meritchain/merit/engine/dataset"
)

// Ratio is an exact fraction Num/Den with Den > 0. The ratios this package returns are in
// lowest terms (0 is 0/1).
type Ratio struct{ Num, Den int64 }

// reduced returns num/den in lowest terms, for num ≥ 0 and den > 0.
func reduced(num, den int64) Ratio {
	a, b := num, den
	for b != 0 {
		a, b = b, a%b
	}
	return Ratio{num / a, den / a}
}

// Quality measures how well low values single out the flipped rows.
type Quality struct {
	Rows    int // rows valued (n)
	Flipped int // |F|, the flipped (positive) rows; the other n − |F| are clean
	Flagged int // k = ⌊n·num/den⌋, the rows flagged: the k lowest by (value, index)
	Hits    int // flagged rows that are flipped (true positives)

	// AUC is the ROC AUC of the ranking by ascending value: over all pairs (f, c) of a
	// flipped and a clean row, the fraction with v_f < v_c, a tie counting ½.
	AUC Ratio
	// Precision = Hits/k (0 when k = 0), Recall = Hits/|F|, F1 = 2·Hits/(k + |F|) (their
	// harmonic mean, and 0 when Hits = 0).
	Precision, Recall, F1 Ratio
}

// maxDetectionRows bounds n so that 2·|F|·|C| ≤ n²/2 fits in int64.
const maxDetectionRows = 1<<31 - 1

// DetectionQuality scores values against the set of flipped rows: the ROC AUC of ranking
// rows by ascending value, and the precision, recall and F1 of flagging the lowest
// k = ⌊n·num/den⌋ rows, ties in value broken by index (lowest index flagged first). All
// results are exact fractions in lowest terms. It returns an error if values is malformed
// (Den ≤ 0, no rows), flipped has an index out of range or repeated, there are no flipped
// or no clean rows (the AUC is then undefined), or num/den is not a fraction in [0, 1].
func DetectionQuality(values Values, flipped []int, num, den int) (Quality, error) {
	n := len(values.Num)
	if values.Den <= 0 {
		return Quality{}, fmt.Errorf("value: detection: values with denominator %d", values.Den)
	}
	if n == 0 || n > maxDetectionRows {
		return Quality{}, fmt.Errorf("value: detection: %d rows, need 1..%d", n, maxDetectionRows)
	}
	if den < 1 || num < 0 || num > den {
		return Quality{}, fmt.Errorf("value: detection: flagged fraction %d/%d, want 0 ≤ num ≤ den, den ≥ 1", num, den)
	}
	isF := make([]bool, n)
	for _, i := range flipped {
		if i < 0 || i >= n {
			return Quality{}, fmt.Errorf("value: detection: flipped row %d outside 0..%d", i, n-1)
		}
		if isF[i] {
			return Quality{}, fmt.Errorf("value: detection: flipped row %d listed twice", i)
		}
		isF[i] = true
	}
	nf := int64(len(flipped))
	nc := int64(n) - nf
	if nf == 0 || nc == 0 {
		return Quality{}, fmt.Errorf("value: detection: %d flipped and %d clean rows: the AUC needs both", nf, nc)
	}

	// Rows by (value, index) ascending. Den is common and positive, so Num orders values.
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool {
		x, y := order[a], order[b]
		if values.Num[x] != values.Num[y] {
			return values.Num[x] < values.Num[y]
		}
		return x < y
	})

	// AUC numerator, doubled: for each group of equal values with f flipped and c clean
	// rows, 2·f·(clean rows above the group) + f·c.
	var twice int64
	cleanAbove := nc
	for g := 0; g < n; {
		h := g
		var f, c int64
		for ; h < n && values.Num[order[h]] == values.Num[order[g]]; h++ {
			if isF[order[h]] {
				f++
			} else {
				c++
			}
		}
		cleanAbove -= c
		twice += 2*f*cleanAbove + f*c
		g = h
	}

	hi, lo := bits.Mul64(uint64(n), uint64(num))
	q, _ := bits.Div64(hi, lo, uint64(den)) // hi < den because num ≤ den
	k := int(q)
	hits := 0
	for _, i := range order[:k] {
		if isF[i] {
			hits++
		}
	}
	qu := Quality{
		Rows: n, Flipped: int(nf), Flagged: k, Hits: hits,
		AUC:       reduced(twice, 2*nf*nc),
		Precision: Ratio{0, 1},
		Recall:    reduced(int64(hits), nf),
		F1:        reduced(2*int64(hits), int64(k)+nf),
	}
	if k > 0 {
		qu.Precision = reduced(int64(hits), int64(k))
	}
	return qu, nil
}

// Valuer values every training row of a problem (PermutationShapley, Banzhaf or any other
// method, wrapped with its options).
type Valuer func(Problem) (Values, error)

// NoisyOptions configure DetectNoisyLabels.
type NoisyOptions struct {
	// FlipNum/FlipDen is the fraction of training labels flipped, by
	// dataset.FlipLabels(train, FlipNum, FlipDen, Seed).
	FlipNum, FlipDen int
	Seed             uint64
	// FlagNum/FlagDen is the fraction of rows flagged for precision, recall and F1. With
	// FlagDen = 0 it is the flip fraction (flag as many rows as were flipped).
	FlagNum, FlagDen int
}

// NoisyResult is the outcome of DetectNoisyLabels.
type NoisyResult struct {
	Flipped []int  // training rows whose label was flipped, ascending
	Values  Values // the values of the noisy training rows
	Quality Quality
}

// DetectNoisyLabels runs the noisy-label experiment: it flips a seeded fraction of p's
// training labels (the test set is untouched), values every row of the noisy training set
// with valuate, and scores the values with DetectionQuality.
func DetectNoisyLabels(p Problem, opts NoisyOptions, valuate Valuer) (NoisyResult, error) {
	if valuate == nil {
		return NoisyResult{}, errors.New("value: DetectNoisyLabels: no valuation function")
	}
	if p.Train == nil {
		return NoisyResult{}, errors.New("value: DetectNoisyLabels: problem without a training set")
	}
	noisy, flipped, err := dataset.FlipLabels(p.Train, opts.FlipNum, opts.FlipDen, opts.Seed)
	if err != nil {
		return NoisyResult{}, err
	}
	fn, fd := opts.FlagNum, opts.FlagDen
	if fd == 0 {
		fn, fd = opts.FlipNum, opts.FlipDen
	}
	np := p
	np.Train = noisy
	vals, err := valuate(np)
	if err != nil {
		return NoisyResult{}, err
	}
	if len(vals.Num) != noisy.Len() {
		return NoisyResult{}, fmt.Errorf("value: DetectNoisyLabels: %d values for %d training rows", len(vals.Num), noisy.Len())
	}
	q, err := DetectionQuality(vals, flipped, fn, fd)
	if err != nil {
		return NoisyResult{}, err
	}
	return NoisyResult{Flipped: flipped, Values: vals, Quality: q}, nil
}
