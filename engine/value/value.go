// Package value computes data values: how much each training row (a contribution)
// improves a model, measured on a test set. Every method is integer-only and
// deterministic; results are exact fractions with a common denominator.
//
// The utility of a set of training rows is the number of test rows that a model trained
// on them (in the given order, starting from an empty model) predicts correctly.
package value

import (
	"github.com/meritchain/merit/engine/dataset"
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
}
