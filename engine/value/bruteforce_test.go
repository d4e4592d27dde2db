package value

// Brute-force references shared by the valuation tests: exact Shapley and Banzhaf values
// by enumerating all 2^n coalitions in math/big rationals, the KNN utility of Jia et al.
// (2019) as a set function, and small random dense datasets.
//
//	exactShapley(n, u)            Shapley values of the game u over players 0..n−1 (n ≤ 12)
//	exactBanzhaf(n, u)            Banzhaf values of the same (n ≤ 12)
//	knnUtility(train, test, k)    U(S) of the KNN classifier, averaged over test rows
//	knnUtilityOne(train, x, y, k) the same for one test row
//	randomDense(seed, n, dims, classes, maxAbs) a random dense dataset (ScaleExp 0)
//
// A coalition is a bit mask: player i is in S iff mask&(1<<i) != 0.

import (
	"fmt"
	"math/big"
	"sort"
	"testing"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/rng"
)

// maxBruteForce is the largest n the enumerating helpers accept (2^12 = 4096 coalitions).
const maxBruteForce = 12

// gameTable evaluates u once on every coalition of n players.
func gameTable(n int, u func(mask uint32) *big.Rat) []*big.Rat {
	if n < 0 || n > maxBruteForce {
		panic(fmt.Sprintf("brute force over %d players: want 0..%d", n, maxBruteForce))
	}
	vals := make([]*big.Rat, 1<<n)
	for m := range vals {
		v := u(uint32(m))
		if v == nil {
			panic(fmt.Sprintf("utility returned nil for mask %#x", m))
		}
		vals[m] = new(big.Rat).Set(v)
	}
	return vals
}

// exactShapley returns the Shapley values of the game u over players 0..n−1 (n ≤ 12):
// φ_i = Σ_{S ⊆ N∖{i}} |S|!·(n−|S|−1)!/n! · (u(S∪{i}) − u(S)), exactly. u is called once per
// coalition; it need not satisfy u(∅) = 0 (then Σ φ_i = u(N) − u(∅)).
func exactShapley(n int, u func(mask uint32) *big.Rat) []*big.Rat {
	vals := gameTable(n, u)
	// weight[s] = s!(n−s−1)!/n! = 1 / (n · C(n−1, s))
	weight := make([]*big.Rat, n)
	for s := 0; s < n; s++ {
		c := new(big.Int).Binomial(int64(n-1), int64(s))
		c.Mul(c, big.NewInt(int64(n)))
		weight[s] = new(big.Rat).SetFrac(big.NewInt(1), c)
	}
	out := make([]*big.Rat, n)
	diff := new(big.Rat)
	bySize := make([]*big.Rat, n)
	for i := 0; i < n; i++ {
		for s := range bySize {
			bySize[s] = new(big.Rat)
		}
		bit := 1 << i
		for m := 0; m < len(vals); m++ {
			if m&bit != 0 {
				continue
			}
			diff.Sub(vals[m|bit], vals[m])
			s := popcount(uint32(m))
			bySize[s].Add(bySize[s], diff)
		}
		phi := new(big.Rat)
		for s := 0; s < n; s++ {
			phi.Add(phi, bySize[s].Mul(bySize[s], weight[s]))
		}
		out[i] = phi
	}
	return out
}

// exactBanzhaf returns the Banzhaf values of u over players 0..n−1 (n ≤ 12):
// β_i = 2^−(n−1) · Σ_{S ⊆ N∖{i}} (u(S∪{i}) − u(S)), exactly.
func exactBanzhaf(n int, u func(mask uint32) *big.Rat) []*big.Rat {
	vals := gameTable(n, u)
	out := make([]*big.Rat, n)
	if n == 0 {
		return out
	}
	scale := new(big.Rat).SetFrac(big.NewInt(1), new(big.Int).Lsh(big.NewInt(1), uint(n-1)))
	diff := new(big.Rat)
	for i := 0; i < n; i++ {
		bit := 1 << i
		sum := new(big.Rat)
		for m := 0; m < len(vals); m++ {
			if m&bit == 0 {
				sum.Add(sum, diff.Sub(vals[m|bit], vals[m]))
			}
		}
		out[i] = sum.Mul(sum, scale)
	}
	return out
}

func popcount(m uint32) int {
	c := 0
	for ; m != 0; m &= m - 1 {
		c++
	}
	return c
}

// refSqDist is the squared Euclidean distance computed directly (independently of simd).
func refSqDist(a, b []int32) int64 {
	var s int64
	for i := range a {
		d := int64(a[i]) - int64(b[i])
		s += d * d
	}
	return s
}

// denseRow returns row i of d as a dense vector (densifying a sparse row).
func denseRow(d *dataset.Dataset, i int) []int32 {
	if d.Kind == dataset.Dense {
		return d.X[i*d.Dims : (i+1)*d.Dims]
	}
	out := make([]int32, d.Dims)
	for k := d.Ptr[i]; k < d.Ptr[i+1]; k++ {
		out[d.Idx[k]] = d.Val[k]
	}
	return out
}

// neighbourOrder returns the indices of train's rows sorted by (squared distance to x,
// index) ascending: the neighbour order of docs/MODELS.md.
func neighbourOrder(train *dataset.Dataset, x []int32) []int {
	n := train.Len()
	dist := make([]int64, n)
	order := make([]int, n)
	for i := 0; i < n; i++ {
		dist[i] = refSqDist(denseRow(train, i), x)
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool {
		da, db := dist[order[a]], dist[order[b]]
		if da != db {
			return da < db
		}
		return order[a] < order[b]
	})
	return order
}

// knnUtilityOne returns the KNN utility of Jia et al. (2019) for one test row
// (x, y) as a set function over train's rows (at most 32 of them):
//
//	U(S) = (1/K) · Σ_{j=1}^{min(K,|S|)} 1[label of the j-th nearest row of S = y],
//
// the j-th nearest by (squared distance, index). U(∅) = 0; with |S| < K the sum has |S|
// terms but is still divided by K.
func knnUtilityOne(train *dataset.Dataset, x []int32, y int32, k int) func(mask uint32) *big.Rat {
	if k < 1 || train.Len() > 32 {
		panic(fmt.Sprintf("knnUtilityOne: K = %d, N = %d", k, train.Len()))
	}
	order := neighbourOrder(train, x)
	return func(mask uint32) *big.Rat {
		return big.NewRat(knnHits(order, train.Y, y, k, mask), int64(k))
	}
}

// knnHits counts the label matches among the first min(k, |mask|) rows of mask in order.
func knnHits(order []int, labels []int32, y int32, k int, mask uint32) int64 {
	var hits int64
	taken := 0
	for _, i := range order {
		if taken == k {
			break
		}
		if mask&(1<<i) == 0 {
			continue
		}
		taken++
		if labels[i] == y {
			hits++
		}
	}
	return hits
}

// knnUtility returns the KNN utility averaged over the rows of test:
// U(S) = (1/T) Σ_t U_t(S) with U_t of knnUtilityOne, an exact rational.
func knnUtility(train, test *dataset.Dataset, k int) func(mask uint32) *big.Rat {
	if k < 1 || train.Len() > 32 || test.Len() < 1 {
		panic(fmt.Sprintf("knnUtility: K = %d, N = %d, T = %d", k, train.Len(), test.Len()))
	}
	t := test.Len()
	orders := make([][]int, t)
	for j := 0; j < t; j++ {
		orders[j] = neighbourOrder(train, denseRow(test, j))
	}
	return func(mask uint32) *big.Rat {
		var hits int64
		for j := 0; j < t; j++ {
			hits += knnHits(orders[j], train.Y, test.Y[j], k, mask)
		}
		return big.NewRat(hits, int64(k)*int64(t))
	}
}

// randomDense returns a dense dataset of n rows, dims features uniform in [−maxAbs, maxAbs]
// and labels uniform in [0, classes), ScaleExp 0, drawn from rng.New(seed). A small maxAbs
// with few dims gives many duplicate rows (ties in distance).
func randomDense(seed uint64, n, dims, classes int, maxAbs int32) *dataset.Dataset {
	r := rng.New(seed)
	d := &dataset.Dataset{Kind: dataset.Dense, Dims: dims, Classes: classes,
		Y: make([]int32, n), X: make([]int32, n*dims)}
	for i := range d.X {
		d.X[i] = int32(r.Uintn(uint64(2*maxAbs)+1)) - maxAbs
	}
	for i := range d.Y {
		d.Y[i] = int32(r.Uintn(uint64(classes)))
	}
	if err := d.Validate(); err != nil {
		panic(err)
	}
	return d
}

// ---- tests of the helpers on games with known values ----

func ratsEqual(t *testing.T, what string, got, want []*big.Rat) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if got[i].Cmp(want[i]) != 0 {
			t.Errorf("%s: player %d: got %s, want %s", what, i, got[i].RatString(), want[i].RatString())
		}
	}
}

func TestBruteForceAdditiveGame(t *testing.T) {
	for n := 0; n <= 7; n++ {
		r := rng.New(uint64(n) + 1)
		w := make([]*big.Rat, n)
		for i := range w {
			w[i] = big.NewRat(int64(r.Uintn(41))-20, int64(r.Uintn(9))+1)
		}
		u := func(m uint32) *big.Rat {
			s := big.NewRat(3, 7) // a constant: u(∅) ≠ 0 changes nothing
			for i := 0; i < n; i++ {
				if m&(1<<i) != 0 {
					s.Add(s, w[i])
				}
			}
			return s
		}
		ratsEqual(t, fmt.Sprintf("Shapley additive n=%d", n), exactShapley(n, u), w)
		ratsEqual(t, fmt.Sprintf("Banzhaf additive n=%d", n), exactBanzhaf(n, u), w)
	}
}

func TestBruteForceUnanimityGame(t *testing.T) {
	const n = 9
	for _, coal := range []uint32{0b1, 0b101, 0b1_0110_1001, 0b1_1111_1111} {
		size := popcount(coal)
		u := func(m uint32) *big.Rat {
			if m&coal == coal {
				return big.NewRat(1, 1)
			}
			return new(big.Rat)
		}
		sh := make([]*big.Rat, n)
		bz := make([]*big.Rat, n)
		for i := range sh {
			sh[i], bz[i] = new(big.Rat), new(big.Rat)
			if coal&(1<<i) != 0 {
				sh[i].SetFrac64(1, int64(size))
				bz[i].SetFrac64(1, int64(1)<<(size-1))
			}
		}
		ratsEqual(t, fmt.Sprintf("Shapley unanimity %b", coal), exactShapley(n, u), sh)
		ratsEqual(t, fmt.Sprintf("Banzhaf unanimity %b", coal), exactBanzhaf(n, u), bz)
	}
}

func TestBruteForceMajorityGame(t *testing.T) {
	for _, n := range []int{1, 2, 5, 8, 12} {
		q := n/2 + 1 // a strict majority wins
		u := func(m uint32) *big.Rat {
			if popcount(m) >= q {
				return big.NewRat(1, 1)
			}
			return new(big.Rat)
		}
		sh := make([]*big.Rat, n)
		bz := make([]*big.Rat, n)
		// i is pivotal iff |S| = q−1 among the other n−1 players
		c := new(big.Int).Binomial(int64(n-1), int64(q-1))
		for i := range sh {
			sh[i] = big.NewRat(1, int64(n))
			bz[i] = new(big.Rat).SetFrac(c, new(big.Int).Lsh(big.NewInt(1), uint(n-1)))
		}
		ratsEqual(t, fmt.Sprintf("Shapley majority n=%d", n), exactShapley(n, u), sh)
		ratsEqual(t, fmt.Sprintf("Banzhaf majority n=%d", n), exactBanzhaf(n, u), bz)
	}
}

// The weighted voting game [5; 4, 2, 1, 1]: a coalition wins iff its weight is ≥ 5.
// Banzhaf: player 0 swings with every non-empty coalition of the others (their total is
// 4 < 5): 7/8; player 1 only with {0} (4+2 ≥ 5, and {0,2}, {0,3} already win): 1/8;
// players 2 and 3 likewise only with {0}: 1/8. Shapley: player 0 is pivotal unless it
// comes first: 3/4; player j ≥ 1 is pivotal only right after 0 comes first: 1/4·1/3 = 1/12.
func TestBruteForceWeightedVoting(t *testing.T) {
	w := []int{4, 2, 1, 1}
	const q = 5
	u := func(m uint32) *big.Rat {
		s := 0
		for i, x := range w {
			if m&(1<<i) != 0 {
				s += x
			}
		}
		if s >= q {
			return big.NewRat(1, 1)
		}
		return new(big.Rat)
	}
	bz := []*big.Rat{big.NewRat(7, 8), big.NewRat(1, 8), big.NewRat(1, 8), big.NewRat(1, 8)}
	sh := []*big.Rat{big.NewRat(3, 4), big.NewRat(1, 12), big.NewRat(1, 12), big.NewRat(1, 12)}
	ratsEqual(t, "Shapley weighted voting", exactShapley(4, u), sh)
	ratsEqual(t, "Banzhaf weighted voting", exactBanzhaf(4, u), bz)
}

func TestBruteForceKNNUtility(t *testing.T) {
	// Hand-made: train points on a line 0, 1, 1, 3 with labels 0, 1, 0, 1; test point at 1
	// with label 0. Neighbour order by (distance, index): 1 (d 0), 2 (d 0), 0 (d 1), 3 (d 4).
	train := &dataset.Dataset{Kind: dataset.Dense, Dims: 1, Classes: 2,
		X: []int32{0, 1, 1, 3}, Y: []int32{0, 1, 0, 1}}
	test := &dataset.Dataset{Kind: dataset.Dense, Dims: 1, Classes: 2, X: []int32{1}, Y: []int32{0}}
	u := knnUtility(train, test, 2)
	cases := []struct {
		mask uint32
		want *big.Rat
	}{
		{0, big.NewRat(0, 1)},
		{0b0001, big.NewRat(1, 2)}, // only row 0: one match, divided by K = 2
		{0b1111, big.NewRat(1, 2)}, // rows 1 (no), 2 (yes)
		{0b1101, big.NewRat(2, 2)}, // rows 2 (yes), 0 (yes)
		{0b1010, big.NewRat(0, 1)}, // rows 1, 3: no matches
		{0b1000, big.NewRat(0, 1)},
	}
	for _, c := range cases {
		if got := u(c.mask); got.Cmp(c.want) != 0 {
			t.Errorf("U(%04b) = %s, want %s", c.mask, got.RatString(), c.want.RatString())
		}
	}
	// Efficiency of the brute-force Shapley values on a random KNN game.
	tr := randomDense(7, 10, 2, 3, 2)
	te := randomDense(8, 4, 2, 3, 2)
	for _, k := range []int{1, 3, 11} {
		uk := knnUtility(tr, te, k)
		sum := new(big.Rat)
		for _, v := range exactShapley(tr.Len(), uk) {
			sum.Add(sum, v)
		}
		if all := uk(1<<tr.Len() - 1); sum.Cmp(all) != 0 {
			t.Errorf("K=%d: Σ Shapley = %s, U(all) = %s", k, sum.RatString(), all.RatString())
		}
	}
}
