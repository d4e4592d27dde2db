package dataset

import (
	"errors"
	"fmt"
	"testing"

	"github.com/meritchain/merit/engine/fixed"
	"github.com/meritchain/merit/engine/rng"
)

// validateLoop is Validate as one loop over every value, with no kernel fast path: the
// reference that Validate (which checks whole slices with simd kernels first and runs
// the loops only to name what is wrong) must agree with, error message for error message.
func validateLoop(d *Dataset) error {
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
	for i, y := range d.Y {
		if y < 0 || int(y) >= d.Classes {
			return fmt.Errorf("dataset: row %d: label %d out of range [0, %d)", i, y, d.Classes)
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

// TestValidateMatchesLoop corrupts random datasets (dense and sparse, long enough for
// the kernels' vector loops and tails) in up to three places and checks that Validate
// returns exactly what the plain loop returns: nil for every valid one, the same first
// error for every other.
func TestValidateMatchesLoop(t *testing.T) {
	r := rng.New(11)
	edge := []int32{fixed.MaxFeature, -fixed.MaxFeature, fixed.MaxFeature + 1, -fixed.MaxFeature - 1,
		1<<31 - 1, -1 << 31, 0, 1, -1}
	valid, invalid := 0, 0
	for iter := range 3000 {
		rows, dims, classes := r.Intn(40), 1+r.Intn(70), 1+r.Intn(12)
		d := &Dataset{Kind: Dense, Dims: dims, Classes: classes, Y: make([]int32, rows), X: make([]int32, rows*dims)}
		for i := range d.Y {
			d.Y[i] = int32(r.Intn(classes))
		}
		for k := range d.X {
			if r.Intn(3) == 0 {
				d.X[k] = int32(r.Intn(2*fixed.MaxFeature+1) - fixed.MaxFeature)
			}
		}
		if iter%2 == 1 {
			s, err := d.ToSparse()
			if err != nil {
				t.Fatal(err)
			}
			d = s
		}
		for range r.Intn(4) {
			switch r.Intn(7) {
			case 0: // a label out of range
				if len(d.Y) > 0 {
					d.Y[r.Intn(len(d.Y))] = int32(classes + r.Intn(3) - 1 - 2*r.Intn(2)*(classes+1))
				}
			case 1, 2: // an edge value
				vals := d.X
				if d.Kind == Sparse {
					vals = d.Val
				}
				if len(vals) > 0 {
					vals[r.Intn(len(vals))] = edge[r.Intn(len(edge))]
				}
			case 3: // an index out of order, repeated or too large
				if len(d.Idx) > 0 {
					k := r.Intn(len(d.Idx))
					d.Idx[k] = uint32(r.Intn(dims + 2))
				}
			case 4: // a broken row range
				if len(d.Ptr) > 2 {
					d.Ptr[1+r.Intn(len(d.Ptr)-2)] = r.Intn(len(d.Idx) + 3)
				}
			case 5: // a wrong length
				if d.Kind == Dense && len(d.X) > 0 {
					d.X = d.X[:len(d.X)-1]
				} else if len(d.Val) > 0 {
					d.Val = d.Val[:len(d.Val)-1]
				}
			case 6: // nothing
			}
		}
		got, want := d.Validate(), validateLoop(d)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("iteration %d (%d rows, %d dims, kind %d): Validate = %v, the loop %v", iter, rows, dims, d.Kind, got, want)
		}
		if want == nil {
			valid++
		} else {
			invalid++
		}
	}
	if valid < 300 || invalid < 300 {
		t.Fatalf("%d valid and %d invalid datasets: the mutations are unbalanced", valid, invalid)
	}
}
