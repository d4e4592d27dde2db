package dataset

import (
	"fmt"
	"testing"

	"github.com/meritchain/merit/engine/fixed"
	"github.com/meritchain/merit/engine/rng"
)

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
		got, want := d.Validate(), d.validate(false)
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
