// Package value computes data values: how much each training row (a contribution)
// improves a model, measured on a test set. Every method is integer-only and
// deterministic; results are exact fractions with a common denominator.
//
// The utility of a set of training rows is the number of test rows that a model trained
// on them (in the given order, starting from an empty model) predicts correctly.
package value

import (
	"math/bits"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/gas"
	"github.com/meritchain/merit/engine/model"
)

// Values are data values as exact fractions with one common denominator: the value of
// training row i is Num[i] / Den, in units of test accuracy (a value of 1 would mean the
// row alone makes every test prediction correct). Den > 0.
type Values struct {
	Num []int64
	Den int64
}

// Problem is a valuation problem: a model configuration, the training rows (the
// contributions, in arrival order) and the test set.
type Problem struct {
	Config model.Config
	Train  *dataset.Dataset
	Test   *dataset.Dataset
	// Meter, if not nil, is charged before each step of work (docs/GAS.md lists the
	// charges of each method); when it runs out the method stops with its error
	// (wrapping gas.ErrOutOfGas). The charges depend only on the problem, never on the
	// number of workers.
	Meter gas.Meter
}

// charge charges m (nil: unmetered) for each of count steps of n units of k (saturating).
func charge(m gas.Meter, k gas.Kind, count, n uint64) error {
	if m == nil {
		return nil
	}
	hi, lo := bits.Mul64(count, n)
	if hi != 0 {
		lo = ^uint64(0)
	}
	return m.Charge(k, lo)
}

// ceilLog2 returns ⌈log2 n⌉ (0 for n ≤ 1): the comparison levels of a sort of n.
func ceilLog2(n int) uint64 {
	if n <= 1 {
		return 0
	}
	return uint64(bits.Len64(uint64(n - 1)))
}
