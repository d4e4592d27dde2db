package value

import (
	"fmt"
	"math/big"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/meritchain/merit/engine/dataset"
)

// knnShapleyRat runs the Theorem 1 recursion in exact rationals and averages over the
// test rows: the exact values that KNNShapley approximates.
func knnShapleyRat(train, test *dataset.Dataset, k int) []*big.Rat {
	n := train.Len()
	out := make([]*big.Rat, n)
	for i := range out {
		out[i] = new(big.Rat)
	}
	step := new(big.Rat)
	for j := 0; j < test.Len(); j++ {
		order := neighbourOrder(train, denseRow(test, j))
		c := func(p int) int64 {
			if train.Y[order[p]] == test.Y[j] {
				return 1
			}
			return 0
		}
		s := big.NewRat(c(n-1), int64(max(k, n)))
		out[order[n-1]].Add(out[order[n-1]], s)
		for p := n - 2; p >= 0; p-- {
			if d := c(p) - c(p+1); d != 0 {
				s.Add(s, step.SetFrac64(d, int64(max(k, p+1))))
			}
			out[order[p]].Add(out[order[p]], s)
		}
	}
	inv := big.NewRat(1, int64(test.Len()))
	for _, v := range out {
		v.Mul(v, inv)
	}
	return out
}

// knnShapleyHiPrec returns, per test row, P·s·2^192 truncated per step in big.Int: a
// reference for large N whose own error is below N·2^−192 units of 1/P per value. The
// result is indexed [test row][train row].
func knnShapleyHiPrec(train, test *dataset.Dataset, k int) [][]*big.Int {
	n := train.Len()
	one := new(big.Int).Lsh(big.NewInt(KNNScale), 192)
	w := make([]*big.Int, n)
	for p := range w {
		w[p] = new(big.Int).Quo(one, big.NewInt(int64(max(k, p+1))))
	}
	out := make([][]*big.Int, test.Len())
	for j := range out {
		order := neighbourOrder(train, denseRow(test, j))
		c := func(p int) bool { return train.Y[order[p]] == test.Y[j] }
		vals := make([]*big.Int, n)
		s := new(big.Int)
		if c(n - 1) {
			s.Set(w[n-1])
		}
		vals[order[n-1]] = new(big.Int).Set(s)
		for p := n - 2; p >= 0; p-- {
			if c(p) != c(p+1) {
				if c(p) {
					s.Add(s, w[p])
				} else {
					s.Sub(s, w[p])
				}
			}
			vals[order[p]] = new(big.Int).Set(s)
		}
		out[j] = vals
	}
	return out
}

// knnValueBound is the proven bound on |Num[r]/Den − v_r|: (1/2 + N·2^−64)/P.
func knnValueBound(n int) *big.Rat {
	num := new(big.Int).Lsh(big.NewInt(1), 63)
	num.Add(num, big.NewInt(int64(n)))
	den := new(big.Int).Lsh(big.NewInt(KNNScale), 64)
	return new(big.Rat).SetFrac(num, den)
}

// knnUtilityAll is U(all training rows) averaged over the test rows, exactly.
func knnUtilityAll(train, test *dataset.Dataset, k int) *big.Rat {
	var hits int64
	for j := 0; j < test.Len(); j++ {
		order := neighbourOrder(train, denseRow(test, j))
		for p := 0; p < min(k, len(order)); p++ {
			if train.Y[order[p]] == test.Y[j] {
				hits++
			}
		}
	}
	return big.NewRat(hits, int64(k)*int64(test.Len()))
}

func knnValueRat(v Values, r int) *big.Rat { return big.NewRat(v.Num[r], v.Den) }

// knnCheckValues checks |Num[r]/Den − exact[r]| < bound for every r and returns the largest
// error seen.
func knnCheckValues(t *testing.T, what string, v Values, exact []*big.Rat, bound *big.Rat) *big.Rat {
	t.Helper()
	if len(v.Num) != len(exact) {
		t.Fatalf("%s: %d values, want %d", what, len(v.Num), len(exact))
	}
	worst := new(big.Rat)
	e := new(big.Rat)
	for r := range exact {
		e.Sub(knnValueRat(v, r), exact[r])
		e.Abs(e)
		if e.Cmp(bound) >= 0 {
			t.Errorf("%s: row %d: %d/%d vs exact %s: error %s ≥ bound %s", what, r, v.Num[r], v.Den,
				exact[r].FloatString(15), e.FloatString(18), bound.FloatString(18))
		}
		if e.Cmp(worst) > 0 {
			worst.Set(e)
		}
	}
	return worst
}

// knnCheckEfficiency checks |Σ Num/Den − U(all)| < N·(1/2 + N·2^−64)/P.
func knnCheckEfficiency(t *testing.T, what string, v Values, all *big.Rat) {
	t.Helper()
	var sum big.Int
	for _, x := range v.Num {
		sum.Add(&sum, big.NewInt(x))
	}
	got := new(big.Rat).SetFrac(&sum, big.NewInt(v.Den))
	bound := new(big.Rat).Mul(knnValueBound(len(v.Num)), big.NewRat(int64(len(v.Num)), 1))
	e := new(big.Rat).Sub(got, all)
	if e.Abs(e).Cmp(bound) >= 0 {
		t.Errorf("%s: Σ values = %s, U(all) = %s: error %s ≥ bound %s", what, got.FloatString(15),
			all.FloatString(15), e.FloatString(18), bound.FloatString(18))
	}
}

func mustKNN(t testing.TB, train, test *dataset.Dataset, k, workers int) Values {
	t.Helper()
	v, err := KNNShapley(train, test, k, workers)
	if err != nil {
		t.Fatalf("KNNShapley(K=%d): %v", k, err)
	}
	if v.Den != int64(test.Len())*KNNScale || len(v.Num) != train.Len() {
		t.Fatalf("KNNShapley: Den %d, %d values; want %d, %d", v.Den, len(v.Num), int64(test.Len())*KNNScale, train.Len())
	}
	return v
}

// TestKNNShapleyBruteForce compares with exact Shapley values from enumerating every
// subset, on small random sets with many ties, for K = 1, 3, 5 and K > N.
func TestKNNShapleyBruteForce(t *testing.T) {
	seed := uint64(1)
	for _, n := range []int{1, 2, 3, 5, 8, 12} {
		for _, maxAbs := range []int32{1, 3} {
			for _, k := range []int{1, 3, 5, n + 2} {
				seed++
				dims := 1 + int(seed%3)
				train := randomDense(seed, n, dims, 2+int(seed%2), maxAbs)
				test := randomDense(seed+1000, 1+int(seed%4), dims, 2+int(seed%2), maxAbs)
				what := fmt.Sprintf("n=%d T=%d dims=%d maxAbs=%d K=%d", n, test.Len(), dims, maxAbs, k)
				u := knnUtility(train, test, k)
				exact := exactShapley(n, u)
				// The recursion (exact rationals) is the Shapley value of this utility.
				rec := knnShapleyRat(train, test, k)
				for r := range exact {
					if exact[r].Cmp(rec[r]) != 0 {
						t.Errorf("%s: row %d: brute force %s, recursion %s", what, r, exact[r].RatString(), rec[r].RatString())
					}
				}
				v := mustKNN(t, train, test, k, 2)
				knnCheckValues(t, what, v, exact, knnValueBound(n))
				knnCheckEfficiency(t, what, v, u(1<<n-1))
			}
		}
	}
}

// TestKNNShapleyDuplicates: identical training rows with identical labels get identical
// values, and ties in distance are broken by index exactly as the brute force does.
func TestKNNShapleyDuplicates(t *testing.T) {
	train := &dataset.Dataset{Kind: dataset.Dense, Dims: 2, Classes: 2,
		X: []int32{0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 2, 2},
		Y: []int32{1, 0, 1, 0, 0, 1}}
	test := &dataset.Dataset{Kind: dataset.Dense, Dims: 2, Classes: 2,
		X: []int32{0, 0, 1, 1, 1, 0}, Y: []int32{1, 0, 1}}
	for k := 1; k <= 7; k++ {
		exact := exactShapley(train.Len(), knnUtility(train, test, k))
		v := mustKNN(t, train, test, k, 1)
		knnCheckValues(t, fmt.Sprintf("K=%d", k), v, exact, knnValueBound(train.Len()))
	}
}

// TestKNNShapleyLarge checks every value against a 192-bit reference and the efficiency
// against U(all), on worst-case-ish inputs: large N, K = 1 and K = N, labels alternating
// along the distance order (every step of the recursion changes the accumulator, so all
// N truncation errors accumulate), and random data.
func TestKNNShapleyLarge(t *testing.T) {
	n := 20000
	if testing.Short() {
		n = 4000
	}
	line := &dataset.Dataset{Kind: dataset.Dense, Dims: 1, Classes: 2,
		X: make([]int32, n), Y: make([]int32, n)}
	for i := range line.Y {
		line.X[i] = int32(i)
		line.Y[i] = int32(i % 2)
	}
	lineTest := &dataset.Dataset{Kind: dataset.Dense, Dims: 1, Classes: 2,
		X: []int32{0, int32(n / 3), int32(n)}, Y: []int32{0, 1, 1}}
	rnd := randomDense(99, n, 3, 3, 50)
	rndTest := randomDense(100, 3, 3, 3, 50)
	for _, c := range []struct {
		name        string
		train, test *dataset.Dataset
	}{{"alternating", line, lineTest}, {"random", rnd, rndTest}} {
		for _, k := range []int{1, 7, n} {
			what := fmt.Sprintf("%s N=%d K=%d", c.name, n, k)
			v := mustKNN(t, c.train, c.test, k, 0)
			ref := knnShapleyHiPrec(c.train, c.test, k)
			// Per test row, |ŝ − P·s| < 1/2 + N·2^−64; the reference is within N·2^−192
			// of P·s·2^192 (below). Check the average: |Num − Σ_t ref_t/2^192| < T·(1/2 +
			// N·2^−64 + N·2^−192).
			tt := c.test.Len()
			bound := new(big.Rat).Mul(knnValueBound(n), big.NewRat(int64(tt)*KNNScale, 1))
			bound.Add(bound, new(big.Rat).SetFrac(big.NewInt(int64(tt)*int64(n)), new(big.Int).Lsh(big.NewInt(1), 192)))
			worst := new(big.Rat)
			sum := new(big.Int)
			e := new(big.Rat)
			for r := 0; r < n; r++ {
				sum.SetInt64(0)
				for j := 0; j < tt; j++ {
					sum.Add(sum, ref[j][r])
				}
				e.SetFrac(sum, new(big.Int).Lsh(big.NewInt(1), 192))
				e.Sub(e, big.NewRat(v.Num[r], 1))
				e.Abs(e)
				if e.Cmp(bound) >= 0 {
					t.Fatalf("%s: row %d: Num %d, reference %s: error %s units ≥ %s", what, r, v.Num[r],
						new(big.Rat).SetFrac(sum, new(big.Int).Lsh(big.NewInt(1), 192)).FloatString(6), e.FloatString(9), bound.FloatString(9))
				}
				if e.Cmp(worst) > 0 {
					worst.Set(e)
				}
			}
			knnCheckEfficiency(t, what, v, knnUtilityAll(c.train, c.test, k))
			t.Logf("%s: largest |Num − T·P·v| = %s units (bound %s)", what, worst.FloatString(6), bound.FloatString(6))
		}
	}
}

// TestKNNShapleyRationalMidSize compares every value with the exact rational recursion
// for a few hundred rows and several K.
func TestKNNShapleyRationalMidSize(t *testing.T) {
	train := randomDense(5, 400, 2, 4, 6)
	test := randomDense(6, 5, 2, 4, 6)
	for _, k := range []int{1, 2, 10, 399, 400, 1000} {
		what := fmt.Sprintf("K=%d", k)
		v := mustKNN(t, train, test, k, 3)
		knnCheckValues(t, what, v, knnShapleyRat(train, test, k), knnValueBound(train.Len()))
		knnCheckEfficiency(t, what, v, knnUtilityAll(train, test, k))
	}
}

// TestKNNShapleyWorkers: bit-identical results for any worker count, with or without
// timings.
func TestKNNShapleyWorkers(t *testing.T) {
	train := randomDense(11, 3000, 5, 3, 20)
	test := randomDense(12, 37, 5, 3, 20)
	want := mustKNN(t, train, test, 5, 1)
	for _, w := range []int{2, 7, 0, -3, 1000} {
		got := mustKNN(t, train, test, 5, w)
		if !knnSameValues(got, want) {
			t.Fatalf("workers=%d: result differs from workers=1", w)
		}
	}
	var tm KNNTimings
	got, err := KNNShapleyWith(train, test, 5, KNNOptions{Workers: 2, Timings: &tm})
	if err != nil || !knnSameValues(got, want) {
		t.Fatalf("with timings: err %v, same %v", err, knnSameValues(got, want))
	}
	if tm.Workers != 2 || tm.TestRows != 37 || tm.Wall <= 0 || tm.Distances <= 0 {
		t.Errorf("timings not filled: %+v", tm)
	}
	prev := runtime.GOMAXPROCS(1)
	got = mustKNN(t, train, test, 5, 0)
	runtime.GOMAXPROCS(prev)
	if !knnSameValues(got, want) {
		t.Fatal("GOMAXPROCS=1: result differs")
	}
}

func knnSameValues(a, b Values) bool {
	if a.Den != b.Den || len(a.Num) != len(b.Num) {
		return false
	}
	for i := range a.Num {
		if a.Num[i] != b.Num[i] {
			return false
		}
	}
	return true
}

// TestKNNShapleySparse: sparse inputs give the same values as their dense forms.
func TestKNNShapleySparse(t *testing.T) {
	train := randomDense(21, 300, 6, 3, 1) // many zeros
	test := randomDense(22, 9, 6, 3, 1)
	want := mustKNN(t, train, test, 3, 2)
	strain, err := train.ToSparse()
	if err != nil {
		t.Fatal(err)
	}
	stest, err := test.ToSparse()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range [][2]*dataset.Dataset{{strain, test}, {train, stest}, {strain, stest}} {
		if got := mustKNN(t, c[0], c[1], 3, 2); !knnSameValues(got, want) {
			t.Errorf("sparse (train %v, test %v): values differ from dense", c[0].Kind, c[1].Kind)
		}
	}
}

// TestKNNShapleyWideKeys exercises the sort path for distances too wide to share a word
// with the row index, and the radix sort with many passes, against the reference order.
func TestKNNShapleyWideKeys(t *testing.T) {
	const n, dims = 1000, 32
	train := randomDense(31, n, dims, 2, 1<<24-1)
	test := randomDense(32, 4, dims, 2, 1<<24-1)
	for f := 0; f < dims; f++ { // distances from test row 0 span about 2^55: 55 + 10 index bits > 64
		train.X[1*dims+f] = 1<<24 - 1
		test.X[f] = -(1<<24 - 1)
	}
	for i := 0; i < n; i += 7 { // exact ties at large distances
		copy(train.X[i*dims:(i+1)*dims], train.X[0:dims])
	}
	v := mustKNN(t, train, test, 4, 2)
	knnCheckValues(t, "wide", v, knnShapleyRat(train, test, 4), knnValueBound(n))
	w := newKNNWorker(train, test, knnWeights(n, 4), 1, false)
	for j := 0; j < test.Len(); j++ {
		q := test.X[j*dims : (j+1)*dims]
		for i := range w.dists[0] {
			w.dists[0][i] = refSqDist(train.X[i*dims:(i+1)*dims], q)
		}
		knnCheckOrder(t, w, train, q, test.Y[j])
	}
	if w.idx == nil {
		t.Fatal("the wide-key path was not taken")
	}
}

// knnCheckOrder checks w.sortByDistance (w.dists[0] already filled for q) against the reference
// order and the label bits.
func knnCheckOrder(t *testing.T, w *knnWorker, train *dataset.Dataset, q []int32, yt int32) {
	t.Helper()
	ents, mask := w.sortByDistance(w.dists[0], yt)
	want := neighbourOrder(train, q)
	for p, r := range want {
		e := ents[p] & mask
		if int(e>>1) != r || (e&1 == 1) != (train.Y[r] == yt) {
			t.Fatalf("N=%d: position %d: entry row %d, c %d; want row %d, label %d vs %d", train.Len(), p, e>>1, e&1, r, train.Y[r], yt)
		}
	}
}

// TestKNNSortOrder checks the packed radix sort (and its small-N path) against the
// reference order for several sizes and distance ranges.
func TestKNNSortOrder(t *testing.T) {
	for _, c := range []struct {
		n      int
		maxAbs int32
		dims   int
	}{{1, 5, 1}, {2, 0, 1}, {50, 2, 2}, {65, 1, 1}, {1000, 3, 3}, {5000, 200, 4}, {5000, 1 << 20, 3}} {
		train := randomDense(uint64(c.n)+uint64(c.maxAbs), c.n, c.dims, 2, c.maxAbs)
		test := randomDense(7, 2, c.dims, 2, c.maxAbs)
		w := newKNNWorker(train, test, knnWeights(c.n, 1), 1, false)
		for j := 0; j < test.Len(); j++ {
			q := test.X[j*c.dims : (j+1)*c.dims]
			for i := range w.dists[0] {
				w.dists[0][i] = refSqDist(train.X[i*c.dims:(i+1)*c.dims], q)
			}
			knnCheckOrder(t, w, train, q, test.Y[j])
		}
	}
}

// knnLoadSplit loads a dataset from the repository's testdata and splits a third off as
// the test set.
func knnLoadSplit(t testing.TB, name string) (train, test *dataset.Dataset) {
	t.Helper()
	l, err := dataset.Load(filepath.Join("..", "..", "testdata", name), dataset.LoadOptions{ScaleExp: dataset.AutoScale})
	if err != nil {
		t.Fatal(err)
	}
	train, test, err = dataset.Split(l.Data, 1, 3, 42)
	if err != nil {
		t.Fatal(err)
	}
	return train, test
}

// TestKNNShapleyRealData: on iris and digits the values are within the bound of the exact
// rational values (iris) and sum to the KNN accuracy-utility within the bound.
func TestKNNShapleyRealData(t *testing.T) {
	for _, name := range []string{"iris.csv", "digits.csv.gz"} {
		train, test := knnLoadSplit(t, name)
		for _, k := range []int{1, 5} {
			what := fmt.Sprintf("%s K=%d", name, k)
			v := mustKNN(t, train, test, k, 2)
			all := knnUtilityAll(train, test, k)
			knnCheckEfficiency(t, what, v, all)
			if name == "iris.csv" {
				knnCheckValues(t, what, v, knnShapleyRat(train, test, k), knnValueBound(train.Len()))
			}
			// Sanity: 1-NN on iris is highly accurate, so the utility is large.
			if name == "iris.csv" && k == 1 && all.Cmp(big.NewRat(9, 10)) < 0 {
				t.Errorf("%s: U(all) = %s, expected > 0.9", what, all.FloatString(4))
			}
			var pos, neg int
			for _, x := range v.Num {
				if x > 0 {
					pos++
				} else if x < 0 {
					neg++
				}
			}
			t.Logf("%s: N=%d T=%d U(all)=%s, %d positive, %d negative values", what, train.Len(), test.Len(), all.FloatString(4), pos, neg)
		}
	}
}

func TestKNNShapleyBadInput(t *testing.T) {
	good := randomDense(1, 5, 2, 2, 3)
	goodT := randomDense(2, 3, 2, 2, 3)
	empty := &dataset.Dataset{Kind: dataset.Dense, Dims: 2, Classes: 2, Y: []int32{}, X: []int32{}}
	dims3 := randomDense(3, 3, 3, 2, 3)
	scaled := randomDense(4, 3, 2, 2, 3)
	scaled.ScaleExp = 2
	badLabel := randomDense(5, 3, 2, 2, 3)
	badLabel.Y[1] = 7
	badShape := randomDense(6, 3, 2, 2, 3)
	badShape.X = badShape.X[:5]
	bigFeat := randomDense(7, 2, 1<<13, 2, 1<<24-1) // 2^13·(2^25 − 2)² > 2^62
	bigFeatT := randomDense(8, 1, 1<<13, 2, 1)
	badSparse := &dataset.Dataset{Kind: dataset.Sparse, Dims: 2, Classes: 2, Y: []int32{0},
		Ptr: []int{0, 1}, Idx: []uint32{5}, Val: []int32{1}}
	cases := []struct {
		name        string
		train, test *dataset.Dataset
		k           int
	}{
		{"nil train", nil, goodT, 1},
		{"nil test", good, nil, 1},
		{"K=0", good, goodT, 0},
		{"K<0", good, goodT, -4},
		{"empty train", empty, goodT, 1},
		{"empty test", good, empty, 1},
		{"dims mismatch", good, dims3, 1},
		{"dims mismatch 2", dims3, goodT, 1},
		{"scale mismatch", good, scaled, 1},
		{"bad label", badLabel, goodT, 1},
		{"bad label test", good, badLabel, 1},
		{"bad shape", badShape, goodT, 1},
		{"bad shape test", good, badShape, 1},
		{"distance overflow", bigFeat, bigFeatT, 1},
		{"bad sparse train", badSparse, goodT, 1},
		{"bad sparse test", good, badSparse, 1},
		{"unknown kind", &dataset.Dataset{Kind: 9, Dims: 2, Classes: 2, Y: []int32{0}}, goodT, 1},
	}
	for _, c := range cases {
		if _, err := KNNShapley(c.train, c.test, c.k, 2); err == nil {
			t.Errorf("%s: no error", c.name)
		} else {
			t.Logf("%s: %v", c.name, err)
		}
	}
	// At the bound exactly: 2^12·(2·(2^24−1))² < 2^62 is accepted.
	okFeat := randomDense(9, 2, 1<<12, 2, 1<<24-1)
	okFeatT := randomDense(10, 1, 1<<12, 2, 1<<24-1)
	if _, err := KNNShapley(okFeat, okFeatT, 1, 1); err != nil {
		t.Errorf("Dims 2^12 at MaxFeature: %v", err)
	}
}

// FuzzKNNShapley builds small random inputs from the fuzzer's numbers, compares with the
// brute-force Shapley values (or the exact recursion for larger N) within the bound, and
// checks that malformed variants give errors, never panics.
func FuzzKNNShapley(f *testing.F) {
	f.Add(uint64(1), uint8(5), uint8(2), uint8(2), uint8(3), uint8(2), uint8(2), uint8(0))
	f.Add(uint64(2), uint8(12), uint8(3), uint8(1), uint8(1), uint8(1), uint8(3), uint8(1))
	f.Add(uint64(3), uint8(40), uint8(4), uint8(3), uint8(50), uint8(100), uint8(4), uint8(6))
	f.Add(uint64(4), uint8(0), uint8(0), uint8(0), uint8(0), uint8(0), uint8(0), uint8(255))
	f.Fuzz(func(t *testing.T, seed uint64, n, tt, dims, k, maxAbs, classes, flags uint8) {
		nn := int(n % 60)
		nt := int(tt % 6)
		d := 1 + int(dims%4)
		c := 1 + int(classes%4)
		kk := int(k%70) - 2 // may be ≤ 0
		ma := int32(maxAbs)
		if flags&64 != 0 {
			ma = 1<<24 - 1 - int32(maxAbs)
		}
		train := randomDense(seed, nn, d, c, ma)
		test := randomDense(seed^0x9e3779b97f4a7c15, nt, d, c, ma)
		valid := nn >= 1 && nt >= 1 && kk >= 1
		if flags&1 != 0 {
			train, _ = train.ToSparse()
		}
		if flags&2 != 0 {
			test, _ = test.ToSparse()
		}
		switch flags >> 2 & 7 { // malformed variants
		case 1:
			test.Dims++
			if test.Kind == dataset.Dense {
				test.X = append(test.X, make([]int32, nt)...)
				for j := nt - 1; j >= 0; j-- { // re-layout rows at the new width
					copy(test.X[j*(d+1):j*(d+1)+d], test.X[j*d:(j+1)*d])
					test.X[j*(d+1)+d] = 0
				}
			}
			valid = false
		case 2:
			test.ScaleExp = 1
			valid = false
		case 3:
			if nn > 0 {
				train.Y[nn-1] = int32(c)
				valid = false
			}
		case 4:
			if train.Kind == dataset.Dense && len(train.X) > 0 {
				train.X = train.X[1:]
				valid = false
			}
		}
		v, err := KNNShapley(train, test, kk, int(flags%3))
		if !valid {
			if err == nil {
				t.Fatalf("malformed input (flags %#x, n %d, t %d, K %d) accepted", flags, nn, nt, kk)
			}
			return
		}
		if err != nil {
			t.Fatalf("valid input rejected: %v", err)
		}
		u := knnUtilityAll(train, test, kk)
		knnCheckEfficiency(t, "fuzz", v, u)
		var exact []*big.Rat
		if nn <= 9 {
			exact = exactShapley(nn, knnUtility(train, test, kk))
		} else {
			exact = knnShapleyRat(train, test, kk)
		}
		knnCheckValues(t, "fuzz", v, exact, knnValueBound(nn))
	})
}
