// Package dataset holds labelled datasets in the engine's integer form: dense row-major
// int32 features or sparse rows of sorted feature indices with counts, and int32 labels.
//
// Features are decimal reals multiplied by 10^ScaleExp and stored exactly as int32 with
// |x| ≤ fixed.MaxFeature; see docs/NUMERICS.md.
package dataset

// Kind says how a dataset stores its features.
type Kind uint8

const (
	// Dense rows: X holds Len()·Dims values, row-major.
	Dense Kind = 1
	// Sparse rows (CSR): row i is Idx[Ptr[i]:Ptr[i+1]] with values Val[Ptr[i]:Ptr[i+1]];
	// indices strictly increasing and < Dims, values non-zero.
	Sparse Kind = 2
)

// Limits on what a dataset may hold. They keep every engine computation on accepted data
// free of overflow (docs/NUMERICS.md derives each one).
const (
	MaxDims    = 1 << 24 // feature dimensions (dense or sparse)
	MaxClasses = 1 << 16 // number of classes
	MaxScale   = 9       // largest ScaleExp (features scaled by 10^9 at most)
)

// Dataset is a labelled dataset. Its fields are exported for the kernels' sake; code that
// builds one by hand must call Validate.
type Dataset struct {
	Kind     Kind
	Dims     int // number of features
	Classes  int // labels are in [0, Classes)
	ScaleExp int // a stored feature v stands for the real v / 10^ScaleExp

	Y []int32 // one label per row

	X []int32 // Dense: len(Y)·Dims features, row-major

	Ptr []int    // Sparse: len(Y)+1 offsets into Idx and Val, Ptr[0] = 0
	Idx []uint32 // Sparse: feature indices
	Val []int32  // Sparse: feature values
}

// Row is one sample: Dense is set for a dense row; Idx and Val for a sparse one.
type Row struct {
	Dense []int32
	Idx   []uint32
	Val   []int32
}

// IsSparse reports whether r is a sparse row.
func (r Row) IsSparse() bool { return r.Dense == nil }

// Len returns the number of rows.
func (d *Dataset) Len() int { return len(d.Y) }

// Row returns row i without copying; the caller must not modify it.
func (d *Dataset) Row(i int) Row {
	if d.Kind == Sparse {
		a, b := d.Ptr[i], d.Ptr[i+1]
		return Row{Idx: d.Idx[a:b:b], Val: d.Val[a:b:b]}
	}
	return Row{Dense: d.X[i*d.Dims : (i+1)*d.Dims : (i+1)*d.Dims]}
}
