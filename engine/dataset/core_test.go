package dataset

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/meritchain/merit/engine/fixed"
	"github.com/meritchain/merit/engine/rng"
)

// small returns a valid dense dataset and its sparse twin.
func small() (dense, sparse *Dataset) {
	dense = &Dataset{Kind: Dense, Dims: 3, Classes: 3, ScaleExp: 2,
		Y: []int32{0, 2, 1, 2},
		X: []int32{1, 0, -3, 0, 0, 0, 7, 8, 9, 0, fixed.MaxFeature, -fixed.MaxFeature}}
	sparse = &Dataset{Kind: Sparse, Dims: 3, Classes: 3, ScaleExp: 2,
		Y:   []int32{0, 2, 1, 2},
		Ptr: []int{0, 2, 2, 5, 7},
		Idx: []uint32{0, 2, 0, 1, 2, 1, 2},
		Val: []int32{1, -3, 7, 8, 9, fixed.MaxFeature, -fixed.MaxFeature}}
	return
}

func TestValidate(t *testing.T) {
	d, s := small()
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	empty := &Dataset{Kind: Sparse, Dims: 1, Classes: 1, Ptr: []int{0}}
	if err := empty.Validate(); err != nil {
		t.Fatalf("empty sparse: %v", err)
	}
	if err := (&Dataset{Kind: Dense, Dims: 1, Classes: 1}).Validate(); err != nil {
		t.Fatalf("empty dense: %v", err)
	}
	var nilDS *Dataset
	if nilDS.Validate() == nil {
		t.Fatal("nil dataset valid")
	}
	muts := []struct {
		name   string
		sparse bool
		f      func(d *Dataset)
		want   string
	}{
		{"kind 0", false, func(d *Dataset) { d.Kind = 0 }, "unknown kind"},
		{"kind 3", false, func(d *Dataset) { d.Kind = 3 }, "unknown kind"},
		{"dims 0", false, func(d *Dataset) { d.Dims = 0 }, "Dims = 0"},
		{"dims big", true, func(d *Dataset) { d.Dims = MaxDims + 1 }, "Dims = "},
		{"classes 0", false, func(d *Dataset) { d.Classes = 0 }, "Classes = 0"},
		{"classes big", false, func(d *Dataset) { d.Classes = MaxClasses + 1 }, "Classes = "},
		{"scale -1", false, func(d *Dataset) { d.ScaleExp = -1 }, "ScaleExp = -1"},
		{"scale 10", false, func(d *Dataset) { d.ScaleExp = 10 }, "ScaleExp = 10"},
		{"label neg", false, func(d *Dataset) { d.Y[1] = -1 }, "row 1: label -1"},
		{"label big", true, func(d *Dataset) { d.Y[3] = 3 }, "row 3: label 3"},
		{"X short", false, func(d *Dataset) { d.X = d.X[:11] }, "len(X) = 11"},
		{"X long", false, func(d *Dataset) { d.X = append(d.X, 0) }, "len(X) = 13"},
		{"dense with Ptr", false, func(d *Dataset) { d.Ptr = []int{0} }, "sparse arrays"},
		{"dense value", false, func(d *Dataset) { d.X[5] = fixed.MaxFeature + 1 }, "row 1 feature 2"},
		{"dense min int", false, func(d *Dataset) { d.X[0] = -1 << 31 }, "row 0 feature 0"},
		{"sparse with X", true, func(d *Dataset) { d.X = []int32{1} }, "dense features"},
		{"ptr short", true, func(d *Dataset) { d.Ptr = d.Ptr[:4] }, "len(Ptr) = 4"},
		{"ptr0", true, func(d *Dataset) { d.Ptr[0] = 1 }, "Ptr[0] = 1"},
		{"ptr end", true, func(d *Dataset) { d.Ptr[4] = 6 }, "Ptr[4] = 6"},
		{"ptr decreasing", true, func(d *Dataset) { d.Ptr[2] = 1 }, "not a valid range"},
		{"ptr beyond", true, func(d *Dataset) { d.Ptr[1] = 9 }, "not a valid range"},
		{"idx val lengths", true, func(d *Dataset) { d.Val = d.Val[:6] }, "len(Val) = 6"},
		{"idx order", true, func(d *Dataset) { d.Idx[3], d.Idx[4] = 2, 1 }, "not strictly increasing"},
		{"idx dup", true, func(d *Dataset) { d.Idx[3] = 0 }, "not strictly increasing"},
		{"idx big", true, func(d *Dataset) { d.Idx[6] = 3 }, "feature index 3 ≥ Dims 3"},
		{"zero", true, func(d *Dataset) { d.Val[2] = 0 }, "explicit zero"},
		{"sparse value", true, func(d *Dataset) { d.Val[6] = -fixed.MaxFeature - 1 }, "row 3 feature 2"},
	}
	for _, m := range muts {
		d, s := small()
		x := d
		if m.sparse {
			x = s
		}
		m.f(x)
		err := x.Validate()
		if err == nil || !strings.Contains(err.Error(), m.want) {
			t.Errorf("%s: Validate = %v, want %q", m.name, err, m.want)
		}
		if x.Hash() != [32]byte{} {
			t.Errorf("%s: invalid dataset has a hash", m.name)
		}
		if _, err := x.MarshalBinary(); err == nil {
			t.Errorf("%s: invalid dataset encoded", m.name)
		}
	}
}

func TestConversions(t *testing.T) {
	d, s := small()
	if d.MaxAbs() != fixed.MaxFeature || s.MaxAbs() != fixed.MaxFeature {
		t.Fatal("MaxAbs")
	}
	if (&Dataset{Kind: Dense, Dims: 1, Classes: 1}).MaxAbs() != 0 {
		t.Fatal("MaxAbs of empty")
	}
	if (&Dataset{Kind: Dense, X: []int32{-1 << 31}}).MaxAbs() != 1<<31-1 {
		t.Fatal("MaxAbs saturation")
	}
	sp, err := d.ToSparse()
	if err != nil || sp.Hash() != s.Hash() {
		t.Fatalf("ToSparse: %v %+v", err, sp)
	}
	de, err := s.ToDense()
	if err != nil || de.Hash() != d.Hash() {
		t.Fatalf("ToDense: %v %+v", err, de)
	}
	if c, _ := s.ToSparse(); c.Hash() != s.Hash() {
		t.Fatal("ToSparse of sparse")
	}
	if c, _ := d.ToDense(); c.Hash() != d.Hash() {
		t.Fatal("ToDense of dense")
	}
	big := &Dataset{Kind: Sparse, Dims: MaxDims, Classes: 1, Y: make([]int32, 129), Ptr: make([]int, 130)}
	if _, err := big.ToDense(); err == nil || !strings.Contains(err.Error(), "exceeds") {
		t.Fatalf("ToDense of a huge dataset: %v", err)
	}
	bad := &Dataset{Kind: Dense}
	if _, err := bad.ToSparse(); err == nil {
		t.Fatal("ToSparse of invalid")
	}
	if _, err := bad.ToDense(); err == nil {
		t.Fatal("ToDense of invalid")
	}
	// Clone is deep.
	c := d.Clone()
	c.X[0], c.Y[0] = 99, 1
	if d.X[0] == 99 || d.Y[0] == 1 {
		t.Fatal("Clone shares memory")
	}
}

func TestSubset(t *testing.T) {
	d, s := small()
	idx := []int{3, 0, 3}
	for _, x := range []*Dataset{d, s} {
		sub, err := x.Subset(idx)
		if err != nil {
			t.Fatal(err)
		}
		if err := sub.Validate(); err != nil {
			t.Fatal(err)
		}
		if sub.Len() != 3 || sub.Kind != x.Kind || sub.Dims != 3 || sub.ScaleExp != 2 {
			t.Fatalf("%+v", sub)
		}
		for k, i := range idx {
			a, b := sub.Row(k), x.Row(i)
			if sub.Y[k] != x.Y[i] || !slices.Equal(a.Dense, b.Dense) || !slices.Equal(a.Idx, b.Idx) || !slices.Equal(a.Val, b.Val) {
				t.Fatalf("row %d differs", k)
			}
		}
		// The subset is a copy.
		if sub.Kind == Dense {
			sub.X[0] = 5
		} else {
			sub.Val[0] = 5
		}
		if x.MaxAbs() != fixed.MaxFeature || (x.Kind == Dense && x.X[9] != 0) {
			t.Fatal("Subset shares memory")
		}
		if e, err := x.Subset(nil); err != nil || e.Len() != 0 || e.Validate() != nil {
			t.Fatalf("empty subset: %v", err)
		}
		for _, bad := range [][]int{{4}, {-1}, {0, 1, 99}} {
			if _, err := x.Subset(bad); err == nil || !strings.Contains(err.Error(), "out of range") {
				t.Fatalf("Subset(%v): %v", bad, err)
			}
		}
	}
	// Malformed datasets give errors, not panics.
	_, s = small()
	s.Ptr[2] = 100
	if _, err := s.Subset([]int{1}); err == nil {
		t.Fatal("malformed Ptr not reported")
	}
	if _, err := (&Dataset{Kind: Dense, Dims: 2, Y: []int32{0}}).Subset([]int{0}); err == nil {
		t.Fatal("short X not reported")
	}
	var nilDS *Dataset
	if _, err := nilDS.Subset([]int{0}); err == nil {
		t.Fatal("nil")
	}
}

func irisData(t testing.TB) *Dataset { return mustLoad(t, "iris.csv", auto).Data }

func TestSplit(t *testing.T) {
	d := irisData(t)
	train, test, err := Split(d, 1, 5, 42)
	if err != nil {
		t.Fatal(err)
	}
	if test.Len() != 30 || train.Len() != 120 {
		t.Fatalf("sizes %d/%d", train.Len(), test.Len())
	}
	// Recompute the rule independently: test = the first 30 of the permutation, train =
	// the rest, both in permuted order.
	perm := rngPerm(42, 150)
	teI, trI := perm[:30], perm[30:]
	wtr, _ := d.Subset(trI)
	wte, _ := d.Subset(teI)
	if train.Hash() != wtr.Hash() || test.Hash() != wte.Hash() {
		t.Fatal("Split does not follow its rule")
	}
	// Deterministic; another seed differs.
	tr2, te2, _ := Split(d, 1, 5, 42)
	if tr2.Hash() != train.Hash() || te2.Hash() != test.Hash() {
		t.Fatal("not deterministic")
	}
	if _, te3, _ := Split(d, 1, 5, 43); te3.Hash() == test.Hash() {
		t.Fatal("seed ignored")
	}
	// Golden: the test rows for seed 42 (pins the generator and the rule together).
	sortedTe := slices.Sorted(slices.Values(teI))
	if got := fmt.Sprint(sortedTe[:8]); got != goldenSplit42 {
		t.Fatalf("test rows %s, want %s", got, goldenSplit42)
	}
	// Floor of fractions, and the edges.
	for _, c := range []struct{ num, den, want int }{{0, 1, 0}, {1, 1, 150}, {1, 3, 50}, {2, 7, 42}, {1, 151, 0}} {
		tr, te, err := Split(d, c.num, c.den, 1)
		if err != nil || te.Len() != c.want || tr.Len() != 150-c.want {
			t.Fatalf("%d/%d: %v %d", c.num, c.den, err, te.Len())
		}
	}
	for _, c := range [][2]int{{-1, 2}, {3, 2}, {1, 0}, {0, -1}} {
		if _, _, err := Split(d, c[0], c[1], 1); err == nil {
			t.Fatalf("fraction %v accepted", c)
		}
	}
	if _, _, err := Split(&Dataset{}, 1, 2, 1); err == nil {
		t.Fatal("invalid dataset accepted")
	}
	_, s := small()
	tr, te, err := Split(s, 1, 2, 9)
	if err != nil || tr.Len() != 2 || te.Len() != 2 || tr.Kind != Sparse || tr.Validate() != nil || te.Validate() != nil {
		t.Fatalf("sparse split: %v", err)
	}
}

func TestFlipLabels(t *testing.T) {
	d := irisData(t)
	out, flipped, err := FlipLabels(d, 1, 10, 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(flipped) != 15 || !slices.IsSorted(flipped) {
		t.Fatalf("flipped %v", flipped)
	}
	isFlipped := map[int]bool{}
	for _, i := range flipped {
		isFlipped[i] = true
	}
	for i := range d.Y {
		if isFlipped[i] == (out.Y[i] == d.Y[i]) {
			t.Fatalf("row %d: %d → %d (flipped %v)", i, d.Y[i], out.Y[i], isFlipped[i])
		}
	}
	if out.Validate() != nil || !slices.Equal(out.X, d.X) || &out.X[0] == &d.X[0] {
		t.Fatal("FlipLabels must return a valid copy with the same features")
	}
	// The rule, recomputed with the generator.
	r := rngNew(7)
	chosen := slices.Clone(r.Perm(150)[:15])
	slices.Sort(chosen)
	for _, i := range chosen {
		want := (d.Y[i] + 1 + int32(r.Uintn(2))) % 3
		if out.Y[i] != want {
			t.Fatalf("row %d: %d, want %d", i, out.Y[i], want)
		}
	}
	if got := fmt.Sprint(flipped[:5]); got != goldenFlip7 {
		t.Fatalf("flipped rows %s, want %s", got, goldenFlip7)
	}
	var newLabels []int32
	for _, i := range flipped {
		newLabels = append(newLabels, out.Y[i])
	}
	if got := fmt.Sprint(newLabels); got != goldenFlip7Lbls {
		t.Fatalf("new labels %s, want %s", got, goldenFlip7Lbls)
	}
	o2, f2, _ := FlipLabels(d, 1, 10, 7)
	if o2.Hash() != out.Hash() || !slices.Equal(f2, flipped) {
		t.Fatal("not deterministic")
	}
	// Every flipped label moves to each other class sometimes (binary: always the other).
	all, _, err := FlipLabels(d, 1, 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	moved := map[[2]int32]int{}
	for i := range d.Y {
		moved[[2]int32{d.Y[i], all.Y[i]}]++
	}
	if len(moved) != 6 {
		t.Fatalf("transitions %v", moved)
	}
	one := &Dataset{Kind: Dense, Dims: 1, Classes: 1, Y: []int32{0, 0}, X: []int32{1, 2}}
	if _, _, err := FlipLabels(one, 1, 2, 1); err == nil {
		t.Fatal("one class flipped")
	}
	if o, f, err := FlipLabels(one, 0, 2, 1); err != nil || len(f) != 0 || o.Hash() != one.Hash() {
		t.Fatalf("k = 0: %v", err)
	}
	if _, _, err := FlipLabels(d, 2, 1, 1); err == nil {
		t.Fatal("fraction > 1 accepted")
	}
}

// TestFitsExact holds the loader's exact fit test against big.Rat on random texts.
func TestFitsExact(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	digits := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + r.IntN(10))
		}
		return string(b)
	}
	texts := []string{"16777215", "16777215.0000000000000000000001", "1677721.5", "1677721.4999999999999999999999",
		"0.016777215", "0.0167772150000000000000000001", "16777216", "1e-30", "99999999999999999999999", "0"}
	for i := 0; i < 20000; i++ {
		s := digits(1+r.IntN(9)) + "." + digits(r.IntN(25))
		if r.IntN(3) == 0 {
			s += fmt.Sprintf("e%d", r.IntN(30)-15)
		}
		if r.IntN(4) == 0 {
			s = "16777" + digits(r.IntN(5)) + "." + digits(r.IntN(25))
		}
		texts = append(texts, s)
	}
	m := new(big.Rat).SetInt64(fixed.MaxFeature)
	for _, s := range texts {
		d, err := fixed.ParseDecimal(s)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		v, ok := new(big.Rat).SetString(s)
		if !ok {
			t.Fatalf("big.Rat rejects %q", s)
		}
		for k := 0; k <= MaxScale; k++ {
			p := new(big.Rat).Mul(v, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(k)), nil)))
			want := p.Cmp(m) <= 0
			if got := fits(d, k); got != want {
				t.Fatalf("fits(%q, %d) = %v, want %v", s, k, got, want)
			}
		}
	}
}

func rngNew(seed uint64) *rng.Source { return rng.New(seed) }

func rngPerm(seed uint64, n int) []int { return rng.New(seed).Perm(n) }

// Goldens computed by a separate implementation of rng's specification and of the
// rules of Split and FlipLabels (Python, arbitrary-precision integers), on iris.csv.
const (
	goldenSplit42   = "[0 8 9 10 11 20 21 26]"          // Split(iris, 1, 5, 42): smallest test rows
	goldenFlip7     = "[1 11 15 25 28]"                 // FlipLabels(iris, 1, 10, 7): first flipped rows
	goldenFlip7Lbls = "[1 2 1 2 2 2 0 0 0 0 0 2 1 1 1]" // their new labels
)

// TestConcat: Concat of the parts of a split gives back the rows in order, dense and
// sparse; parts that differ in shape, or none, are refused.
func TestConcat(t *testing.T) {
	dense := &Dataset{Kind: Dense, Dims: 2, Classes: 3, Y: []int32{0, 1, 2}, X: []int32{1, 2, 3, 4, 5, 6}}
	for _, d := range []*Dataset{dense, mustSparse(t, dense)} {
		a, err := d.Subset([]int{0})
		if err != nil {
			t.Fatal(err)
		}
		b, err := d.Subset([]int{1, 2})
		if err != nil {
			t.Fatal(err)
		}
		got, err := Concat(a, b)
		if err != nil {
			t.Fatal(err)
		}
		if got.Hash() != d.Hash() {
			t.Fatalf("kind %d: Concat of the parts differs from the whole", d.Kind)
		}
	}
	if _, err := Concat(); err == nil {
		t.Fatal("Concat() accepted no parts")
	}
	other := &Dataset{Kind: Dense, Dims: 3, Classes: 3, Y: []int32{0}, X: []int32{1, 2, 3}}
	if _, err := Concat(dense, other); err == nil {
		t.Fatal("Concat accepted parts of different Dims")
	}
	bad := &Dataset{Kind: Dense, Dims: 2, Classes: 3, Y: []int32{0}, X: []int32{1}}
	if _, err := Concat(dense, bad); err == nil {
		t.Fatal("Concat accepted a malformed part")
	}
}

func mustSparse(t *testing.T, d *Dataset) *Dataset {
	t.Helper()
	s, err := d.ToSparse()
	if err != nil {
		t.Fatal(err)
	}
	return s
}
