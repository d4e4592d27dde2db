package dataset

import (
	"errors"
	"fmt"

	"github.com/meritchain/merit/engine/fixed"
	"github.com/meritchain/merit/simd"
)

const maxInt32 = 1<<31 - 1

// MaxDenseValues is the largest Len()·Dims that ToDense produces.
const MaxDenseValues = 1 << 31

// Validate checks every invariant of d and returns an error naming the first one broken:
//   - Kind is Dense or Sparse; Dims in [1, MaxDims]; Classes in [1, MaxClasses];
//     ScaleExp in [0, MaxScale];
//   - every label is in [0, Classes);
//   - Dense: len(X) = Len()·Dims, and Ptr, Idx and Val are empty;
//   - Sparse: X is empty, len(Ptr) = Len()+1, Ptr[0] = 0, Ptr is non-decreasing,
//     Ptr[Len()] = len(Idx) = len(Val), indices strictly increase within a row and are
//     < Dims, values are non-zero;
//   - every feature value v has |v| ≤ fixed.MaxFeature.
//
// A dataset with no rows is valid.
func (d *Dataset) Validate() error { return d.validate(true) }

// validate is Validate; with fast false it skips the kernels' whole-slice checks and runs
// every loop, the reference the fast path must agree with error for error
// (TestValidateMatchesLoop).
func (d *Dataset) validate(fast bool) error {
	if d == nil {
		return errors.New("dataset: nil dataset")
	}
	if d.Kind != Dense && d.Kind != Sparse {
		return fmt.Errorf("dataset: unknown kind %d", d.Kind)
	}
	if d.Dims < 1 || d.Dims > MaxDims {
		return fmt.Errorf("dataset: Dims = %d, want 1..%d", d.Dims, MaxDims)
	}
	if d.Classes < 1 || d.Classes > MaxClasses {
		return fmt.Errorf("dataset: Classes = %d, want 1..%d", d.Classes, MaxClasses)
	}
	if d.ScaleExp < 0 || d.ScaleExp > MaxScale {
		return fmt.Errorf("dataset: ScaleExp = %d, want 0..%d", d.ScaleExp, MaxScale)
	}
	// Each check over all the values runs first as a kernel over the whole slice
	// (simd.MinMax: a host kernel in the WebAssembly host-kernel build), and only if
	// that finds a problem as the loop that names the first value at fault: the error
	// is the same, and a valid dataset is checked several times faster.
	if lo, hi := simd.MinMax(d.Y); !fast || lo < 0 || int(hi) >= d.Classes {
		for i, y := range d.Y {
			if y < 0 || int(y) >= d.Classes {
				return fmt.Errorf("dataset: row %d: label %d out of range [0, %d)", i, y, d.Classes)
			}
		}
	}
	n := len(d.Y)
	if d.Kind == Dense {
		if len(d.Ptr) != 0 || len(d.Idx) != 0 || len(d.Val) != 0 {
			return errors.New("dataset: dense dataset has sparse arrays (Ptr, Idx or Val)")
		}
		if uint64(len(d.X)) != uint64(n)*uint64(d.Dims) {
			return fmt.Errorf("dataset: len(X) = %d, want rows·Dims = %d·%d", len(d.X), n, d.Dims)
		}
		if fast && inFeatureRange(d.X) {
			return nil
		}
		for k, v := range d.X {
			if v < -fixed.MaxFeature || v > fixed.MaxFeature {
				return fmt.Errorf("dataset: row %d feature %d: |%d| > MaxFeature %d", k/d.Dims, k%d.Dims, v, fixed.MaxFeature)
			}
		}
		return nil
	}
	if len(d.X) != 0 {
		return errors.New("dataset: sparse dataset has dense features X")
	}
	if len(d.Ptr) != n+1 {
		return fmt.Errorf("dataset: len(Ptr) = %d, want rows+1 = %d", len(d.Ptr), n+1)
	}
	if d.Ptr[0] != 0 {
		return fmt.Errorf("dataset: Ptr[0] = %d, want 0", d.Ptr[0])
	}
	if len(d.Idx) != len(d.Val) {
		return fmt.Errorf("dataset: len(Idx) = %d but len(Val) = %d", len(d.Idx), len(d.Val))
	}
	if d.Ptr[n] != len(d.Idx) {
		return fmt.Errorf("dataset: Ptr[%d] = %d, want len(Idx) = %d", n, d.Ptr[n], len(d.Idx))
	}
	if fast && d.sparseValid() {
		return nil
	}
	for i := 0; i < n; i++ {
		a, b := d.Ptr[i], d.Ptr[i+1]
		if b < a || b > len(d.Idx) {
			return fmt.Errorf("dataset: Ptr[%d..%d] = %d..%d is not a valid range", i, i+1, a, b)
		}
		for k := a; k < b; k++ {
			if d.Idx[k] >= uint32(d.Dims) {
				return fmt.Errorf("dataset: row %d: feature index %d ≥ Dims %d", i, d.Idx[k], d.Dims)
			}
			if k > a && d.Idx[k] <= d.Idx[k-1] {
				return fmt.Errorf("dataset: row %d: feature indices %d, %d not strictly increasing", i, d.Idx[k-1], d.Idx[k])
			}
			v := d.Val[k]
			if v == 0 {
				return fmt.Errorf("dataset: row %d feature %d: explicit zero in a sparse row", i, d.Idx[k])
			}
			if v < -fixed.MaxFeature || v > fixed.MaxFeature {
				return fmt.Errorf("dataset: row %d feature %d: |%d| > MaxFeature %d", i, d.Idx[k], v, fixed.MaxFeature)
			}
		}
	}
	return nil
}

// inFeatureRange reports whether every v in x has |v| ≤ fixed.MaxFeature.
func inFeatureRange(x []int32) bool {
	lo, hi := simd.MinMax(x)
	return lo >= -fixed.MaxFeature && hi <= fixed.MaxFeature
}

// sparseValid reports whether the loop of Validate over a sparse dataset's rows would
// find nothing wrong, given what Validate has checked before it (len(Ptr) = Len()+1,
// Ptr[0] = 0, Ptr[Len()] = len(Idx) = len(Val)): every row's range is valid, its indices
// strictly increase and are < Dims, and (the rows then covering Val exactly) every value
// is non-zero and within fixed.MaxFeature.
func (d *Dataset) sparseValid() bool {
	dims := uint32(d.Dims)
	for i := range len(d.Y) {
		a, b := d.Ptr[i], d.Ptr[i+1]
		if b < a || b > len(d.Idx) || !simd.SortedBelow(d.Idx[a:b], dims) {
			return false
		}
	}
	return simd.CountZero(d.Val) == 0 && inFeatureRange(d.Val)
}

// checkShape is the O(1) part of Validate that makes indexing rows safe (for sparse rows,
// each row's range is checked when it is used).
func (d *Dataset) checkShape() error {
	if d == nil {
		return errors.New("dataset: nil dataset")
	}
	n := len(d.Y)
	switch d.Kind {
	case Dense:
		if d.Dims < 1 || uint64(len(d.X)) != uint64(n)*uint64(d.Dims) {
			return fmt.Errorf("dataset: malformed dense dataset (len(X) = %d, rows = %d, Dims = %d)", len(d.X), n, d.Dims)
		}
	case Sparse:
		if len(d.Ptr) != n+1 || len(d.Idx) != len(d.Val) {
			return fmt.Errorf("dataset: malformed sparse dataset (len(Ptr) = %d, rows = %d)", len(d.Ptr), n)
		}
	default:
		return fmt.Errorf("dataset: unknown kind %d", d.Kind)
	}
	return nil
}

// sparseRange returns row i's range [a, b) in Idx/Val, or an error if Ptr is malformed there.
func (d *Dataset) sparseRange(i int) (int, int, error) {
	a, b := d.Ptr[i], d.Ptr[i+1]
	if a < 0 || b < a || b > len(d.Idx) {
		return 0, 0, fmt.Errorf("dataset: row %d: Ptr range %d..%d is malformed", i, a, b)
	}
	return a, b, nil
}

// MaxAbs returns the largest |feature value| in d (0 for a dataset with no non-zero
// value). For a valid dataset it is at most fixed.MaxFeature; for a malformed one it
// looks only at the stored values and saturates at 2^31−1.
func (d *Dataset) MaxAbs() int32 {
	if d == nil {
		return 0
	}
	vals := d.X
	if d.Kind == Sparse {
		vals = d.Val
	}
	var m int64
	for _, v := range vals {
		a := int64(v)
		if a < 0 {
			a = -a
		}
		if a > m {
			m = a
		}
	}
	if m > maxInt32 {
		m = maxInt32
	}
	return int32(m)
}

// Clone returns a deep copy of d.
func (d *Dataset) Clone() *Dataset {
	if d == nil {
		return nil
	}
	c := *d
	c.Y = cloneSlice(d.Y)
	c.X = cloneSlice(d.X)
	c.Ptr = cloneSlice(d.Ptr)
	c.Idx = cloneSlice(d.Idx)
	c.Val = cloneSlice(d.Val)
	return &c
}

func cloneSlice[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}

// Concat returns a new dataset holding copies of the rows of parts[0], parts[1], … in
// that order. The parts must share Kind, Dims and ScaleExp; the result has the largest
// Classes. It returns an error if there is no part, the parts differ, or the result is
// not a valid dataset.
func Concat(parts ...*Dataset) (*Dataset, error) {
	if len(parts) == 0 || parts[0] == nil {
		return nil, errors.New("dataset: nothing to concatenate")
	}
	first := parts[0]
	out := &Dataset{Kind: first.Kind, Dims: first.Dims, ScaleExp: first.ScaleExp}
	if first.Kind == Sparse {
		out.Ptr = []int{0}
	}
	for j, d := range parts {
		if d == nil || d.Kind != first.Kind || d.Dims != first.Dims || d.ScaleExp != first.ScaleExp {
			return nil, fmt.Errorf("dataset: part %d differs in kind, Dims or ScaleExp from part 0", j)
		}
		if err := d.checkShape(); err != nil {
			return nil, fmt.Errorf("dataset: part %d: %w", j, err)
		}
		out.Classes = max(out.Classes, d.Classes)
		out.Y = append(out.Y, d.Y...)
		if d.Kind == Sparse {
			for i := range d.Len() {
				a, b, err := d.sparseRange(i)
				if err != nil {
					return nil, fmt.Errorf("dataset: part %d: %w", j, err)
				}
				out.Idx = append(out.Idx, d.Idx[a:b]...)
				out.Val = append(out.Val, d.Val[a:b]...)
				out.Ptr = append(out.Ptr, len(out.Idx))
			}
		} else {
			out.X = append(out.X, d.X...)
		}
	}
	if err := out.Validate(); err != nil {
		return nil, err
	}
	return out, nil
}

// Subset returns a new dataset holding copies of rows idx[0], idx[1], … in that order
// (an index may repeat). Dims, Classes, ScaleExp and Kind are kept. It returns an error
// if an index is out of range or d is malformed; it checks only what it needs (O(1) plus
// the selected rows), not the whole of Validate.
func (d *Dataset) Subset(idx []int) (*Dataset, error) {
	if err := d.checkShape(); err != nil {
		return nil, err
	}
	n := len(d.Y)
	out := &Dataset{Kind: d.Kind, Dims: d.Dims, Classes: d.Classes, ScaleExp: d.ScaleExp, Y: make([]int32, len(idx))}
	for k, i := range idx {
		if i < 0 || i >= n {
			return nil, fmt.Errorf("dataset: Subset: index %d (position %d) out of range [0, %d)", i, k, n)
		}
		out.Y[k] = d.Y[i]
	}
	if d.Kind == Dense {
		out.X = make([]int32, 0, len(idx)*d.Dims)
		for _, i := range idx {
			out.X = append(out.X, d.X[i*d.Dims:(i+1)*d.Dims]...)
		}
		return out, nil
	}
	total := 0
	for _, i := range idx {
		a, b, err := d.sparseRange(i)
		if err != nil {
			return nil, err
		}
		total += b - a
	}
	out.Ptr = make([]int, 1, len(idx)+1)
	out.Idx = make([]uint32, 0, total)
	out.Val = make([]int32, 0, total)
	for _, i := range idx {
		a, b := d.Ptr[i], d.Ptr[i+1]
		out.Idx = append(out.Idx, d.Idx[a:b]...)
		out.Val = append(out.Val, d.Val[a:b]...)
		out.Ptr = append(out.Ptr, len(out.Idx))
	}
	return out, nil
}

// ToSparse returns a sparse copy of d: the non-zero values of each dense row with their
// feature indices (a copy of d if it is already sparse). It returns an error if d is
// not valid.
func (d *Dataset) ToSparse() (*Dataset, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	if d.Kind == Sparse {
		return d.Clone(), nil
	}
	nnz := 0
	for _, v := range d.X {
		if v != 0 {
			nnz++
		}
	}
	n := len(d.Y)
	out := &Dataset{Kind: Sparse, Dims: d.Dims, Classes: d.Classes, ScaleExp: d.ScaleExp,
		Y: cloneSlice(d.Y), Ptr: make([]int, 1, n+1), Idx: make([]uint32, 0, nnz), Val: make([]int32, 0, nnz)}
	if out.Y == nil {
		out.Y = []int32{}
	}
	for i := 0; i < n; i++ {
		row := d.X[i*d.Dims : (i+1)*d.Dims]
		for j, v := range row {
			if v != 0 {
				out.Idx = append(out.Idx, uint32(j))
				out.Val = append(out.Val, v)
			}
		}
		out.Ptr = append(out.Ptr, len(out.Idx))
	}
	return out, nil
}

// ToDense returns a dense copy of d (a copy of d if it is already dense). It returns an
// error if d is not valid or if Len()·Dims > MaxDenseValues.
func (d *Dataset) ToDense() (*Dataset, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	if d.Kind == Dense {
		return d.Clone(), nil
	}
	n := len(d.Y)
	if uint64(n)*uint64(d.Dims) > MaxDenseValues {
		return nil, fmt.Errorf("dataset: ToDense: %d rows × %d dims exceeds %d values", n, d.Dims, MaxDenseValues)
	}
	out := &Dataset{Kind: Dense, Dims: d.Dims, Classes: d.Classes, ScaleExp: d.ScaleExp,
		Y: cloneSlice(d.Y), X: make([]int32, n*d.Dims)}
	if out.Y == nil {
		out.Y = []int32{}
	}
	for i := 0; i < n; i++ {
		row := out.X[i*d.Dims : (i+1)*d.Dims]
		for k := d.Ptr[i]; k < d.Ptr[i+1]; k++ {
			row[d.Idx[k]] = d.Val[k]
		}
	}
	return out, nil
}
