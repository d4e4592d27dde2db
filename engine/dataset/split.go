package dataset

import (
	"errors"
	"fmt"
	"math/bits"
	"sort"

	"github.com/meritchain/merit/engine/rng"
)

// fraction returns ⌊n·num/den⌋ for 0 ≤ num ≤ den, den ≥ 1, exactly.
func fraction(n, num, den int) (int, error) {
	if den < 1 || num < 0 || num > den {
		return 0, fmt.Errorf("dataset: fraction %d/%d: want 0 ≤ num ≤ den, den ≥ 1", num, den)
	}
	hi, lo := bits.Mul64(uint64(n), uint64(num))
	q, _ := bits.Div64(hi, lo, uint64(den)) // hi < den since num ≤ den: no overflow
	return int(q), nil
}

// SplitIndices divides the row indices 0..n−1 into a training and a test list,
// deterministically from seed: with p = rng.New(seed).Perm(n) and
// k = ⌊n·testNum/testDen⌋, test = p[0:k] and train = p[k:n], both in that permuted order.
// The permuted order is deliberate: online learners see the training rows shuffled, as if
// contributions arrived at random, instead of grouped the way files are often sorted.
// It returns an error if n < 0 or the fraction is not in [0, 1].
func SplitIndices(n, testNum, testDen int, seed uint64) (train, test []int, err error) {
	if n < 0 {
		return nil, nil, fmt.Errorf("dataset: split of %d rows", n)
	}
	k, err := fraction(n, testNum, testDen)
	if err != nil {
		return nil, nil, err
	}
	p := rng.New(seed).Perm(n)
	return p[k:], p[:k:k], nil
}

// Split divides d into a training and a test set by SplitIndices(d.Len(), testNum,
// testDen, seed): the rows of each side appear in SplitIndices' (permuted) order. It
// returns an error if d is not valid or the fraction is not in [0, 1].
func Split(d *Dataset, testNum, testDen int, seed uint64) (train, test *Dataset, err error) {
	if err := d.Validate(); err != nil {
		return nil, nil, err
	}
	trIdx, teIdx, err := SplitIndices(d.Len(), testNum, testDen, seed)
	if err != nil {
		return nil, nil, err
	}
	if train, err = d.Subset(trIdx); err != nil {
		return nil, nil, err
	}
	if test, err = d.Subset(teIdx); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// FlipLabels returns a copy of d in which k = ⌊Len()·num/den⌋ labels are changed, and
// the changed rows' indices in ascending order. Deterministically from seed:
// r := rng.New(seed); the rows chosen are the first k of r.Perm(Len()); then, taking the
// chosen rows in ascending index order and continuing with the same generator, row i's
// label y becomes (y + 1 + r.Uintn(Classes−1)) mod Classes, so it always changes and is
// uniform over the other classes. It returns an error if d is not valid, the fraction is
// not in [0, 1], or k > 0 with Classes < 2.
func FlipLabels(d *Dataset, num, den int, seed uint64) (*Dataset, []int, error) {
	if err := d.Validate(); err != nil {
		return nil, nil, err
	}
	n := d.Len()
	k, err := fraction(n, num, den)
	if err != nil {
		return nil, nil, err
	}
	if k > 0 && d.Classes < 2 {
		return nil, nil, errors.New("dataset: FlipLabels: a dataset with one class has no other label to flip to")
	}
	r := rng.New(seed)
	chosen := append([]int(nil), r.Perm(n)[:k]...)
	sort.Ints(chosen)
	out := d.Clone()
	c := uint64(d.Classes)
	for _, i := range chosen {
		y := uint64(out.Y[i])
		out.Y[i] = int32((y + 1 + r.Uintn(c-1)) % c)
	}
	return out, chosen, nil
}
