package model

import (
	"fmt"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/simd"
)

// checkRow validates one row against the config: a dense row has exactly Dims features;
// a sparse row has as many values as indices, indices strictly increasing and < Dims,
// and non-zero values; every value has |v| ≤ Bound, and is ≥ 0 if nonNeg.
func checkRow(c *Config, x dataset.Row, nonNeg bool) error {
	var vals []int32
	if !x.IsSparse() {
		if len(x.Dense) != c.Dims {
			return fmt.Errorf("%w: dense row has %d features, the model has Dims = %d", ErrInput, len(x.Dense), c.Dims)
		}
		vals = x.Dense
	} else {
		if len(x.Idx) != len(x.Val) {
			return fmt.Errorf("%w: sparse row has %d indices but %d values", ErrInput, len(x.Idx), len(x.Val))
		}
		if !simd.SortedBelow(x.Idx, uint32(c.Dims)) {
			return fmt.Errorf("%w: sparse row's indices must be strictly increasing and < Dims = %d", ErrInput, c.Dims)
		}
		if simd.CountZero(x.Val) != 0 {
			return fmt.Errorf("%w: sparse row stores a zero value", ErrInput)
		}
		vals = x.Val
	}
	return checkRange(c, vals, nonNeg)
}

// checkRange checks that every value has |v| ≤ Bound (and v ≥ 0 if nonNeg).
func checkRange(c *Config, vals []int32, nonNeg bool) error {
	lo, hi := simd.MinMax(vals)
	if lo < -c.Bound || hi > c.Bound {
		v := hi
		if lo < -c.Bound {
			v = lo
		}
		return fmt.Errorf("%w: feature value %d is beyond the model's Bound = %d", ErrInput, v, c.Bound)
	}
	if nonNeg && lo < 0 {
		return fmt.Errorf("%w: %s needs non-negative features, got %d", ErrInput, c.Family, lo)
	}
	return nil
}

// checkLabel checks 0 ≤ label < Classes.
func checkLabel(c *Config, label int) error {
	if label < 0 || label >= c.Classes {
		return fmt.Errorf("%w: label %d is not in [0, %d)", ErrInput, label, c.Classes)
	}
	return nil
}

// checkDataset checks, once, that ds fits the model, so that Evaluate's loop needs no
// per-row check: the dataset is well formed (lengths, sparse structure, labels in
// [0, ds.Classes)), has the model's Dims and ScaleExp, no more classes than the model,
// and every feature within Bound (and non-negative if nonNeg).
func checkDataset(c *Config, ds *dataset.Dataset, nonNeg bool) error {
	if ds == nil {
		return fmt.Errorf("%w: nil dataset", ErrInput)
	}
	if ds.Dims != c.Dims {
		return fmt.Errorf("%w: dataset has Dims = %d, the model %d", ErrInput, ds.Dims, c.Dims)
	}
	if ds.ScaleExp != c.ScaleExp {
		return fmt.Errorf("%w: dataset has ScaleExp = %d, the model %d", ErrInput, ds.ScaleExp, c.ScaleExp)
	}
	if ds.Classes < 1 || ds.Classes > c.Classes {
		return fmt.Errorf("%w: dataset has Classes = %d, the model accepts 1..%d", ErrInput, ds.Classes, c.Classes)
	}
	n := len(ds.Y)
	if lo, hi := simd.MinMax(ds.Y); lo < 0 || int(hi) >= ds.Classes {
		return fmt.Errorf("%w: dataset has a label outside [0, %d)", ErrInput, ds.Classes)
	}
	switch ds.Kind {
	case dataset.Dense:
		if len(ds.X)%c.Dims != 0 || len(ds.X)/c.Dims != n {
			return fmt.Errorf("%w: dense dataset has %d values for %d rows of %d", ErrInput, len(ds.X), n, c.Dims)
		}
		return checkRange(c, ds.X, nonNeg)
	case dataset.Sparse:
		if len(ds.Ptr) != n+1 || ds.Ptr[0] != 0 || ds.Ptr[n] != len(ds.Idx) || len(ds.Idx) != len(ds.Val) {
			return fmt.Errorf("%w: sparse dataset's Ptr, Idx and Val are inconsistent", ErrInput)
		}
		for i := range n {
			a, b := ds.Ptr[i], ds.Ptr[i+1]
			if a > b || b > len(ds.Idx) {
				return fmt.Errorf("%w: sparse dataset's Ptr decreases at row %d", ErrInput, i)
			}
			if !simd.SortedBelow(ds.Idx[a:b], uint32(c.Dims)) {
				return fmt.Errorf("%w: sparse dataset's row %d has indices not strictly increasing or ≥ Dims", ErrInput, i)
			}
		}
		if simd.CountZero(ds.Val) != 0 {
			return fmt.Errorf("%w: sparse dataset stores a zero value", ErrInput)
		}
		return checkRange(c, ds.Val, nonNeg)
	default:
		return fmt.Errorf("%w: dataset has unknown Kind %d", ErrInput, ds.Kind)
	}
}
