package value

import (
	"errors"
	"fmt"
	"math/big"
	"slices"
	"testing"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/model"
	"github.com/meritchain/merit/engine/rng"
)

// smpGame is a game over n ≤ 32 players given by an integer utility of a bit mask
// (player i in S iff mask bit i is set), |u| ≤ t. It counts its evaluations.
type smpGame struct {
	n int
	t int64
	u func(mask uint32) int64
}

func (g *smpGame) size() int                { return g.n }
func (g *smpGame) unit() int64              { return g.t }
func (g *smpGame) open() (coalition, error) { return &smpCoalition{g: g}, nil }

// rat returns the game scaled to units of 1, for the brute-force helpers.
func (g *smpGame) rat() func(mask uint32) *big.Rat {
	return func(m uint32) *big.Rat { return big.NewRat(g.u(m), g.t) }
}

type smpCoalition struct {
	g    *smpGame
	mask uint32
}

func (c *smpCoalition) reset() (int64, error) { c.mask = 0; return c.g.u(0), nil }
func (c *smpCoalition) add(i int) (int64, error) {
	c.mask |= 1 << i
	return c.g.u(c.mask), nil
}
func (c *smpCoalition) utility(members []int) (int64, error) {
	var m uint32
	for _, i := range members {
		m |= 1 << i
	}
	return c.g.u(m), nil
}

// smpAdditive returns U(S) = c + Σ_{i∈S} w[i], with unit |c| + Σ|w|.
func smpAdditive(c int64, w []int64) *smpGame {
	t := max(smpAbs(c), 1)
	for _, x := range w {
		t += smpAbs(x)
	}
	return &smpGame{n: len(w), t: t, u: func(m uint32) int64 {
		s := c
		for i, x := range w {
			if m&(1<<i) != 0 {
				s += x
			}
		}
		return s
	}}
}

func smpAbs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// smpWeighted is the weighted voting game: U(S) = 1 iff Σ_{i∈S} w[i] ≥ q.
func smpWeighted(q int, w ...int) *smpGame {
	return &smpGame{n: len(w), t: 1, u: func(m uint32) int64 {
		s := 0
		for i, x := range w {
			if m&(1<<i) != 0 {
				s += x
			}
		}
		if s >= q {
			return 1
		}
		return 0
	}}
}

// smpUnanimity: U(S) = 1 iff coal ⊆ S.
func smpUnanimity(n int, coal uint32) *smpGame {
	return &smpGame{n: n, t: 1, u: func(m uint32) int64 {
		if m&coal == coal {
			return 1
		}
		return 0
	}}
}

// smpMajority: U(S) = 1 iff |S| > n/2.
func smpMajority(n int) *smpGame {
	return &smpGame{n: n, t: 1, u: func(m uint32) int64 {
		if popcount(m) > n/2 {
			return 1
		}
		return 0
	}}
}

// smpKNNGame is the KNN utility of Jia et al. (knnUtility) as an integer game: U(S) =
// matching labels among each test row's K nearest in S, summed over test rows; unit K·T.
func smpKNNGame(train, test *dataset.Dataset, k int) *smpGame {
	f := knnUtility(train, test, k)
	den := int64(k) * int64(test.Len())
	return &smpGame{n: train.Len(), t: den, u: func(m uint32) int64 {
		r := f(m)
		return new(big.Int).Div(new(big.Int).Mul(r.Num(), big.NewInt(den)), r.Denom()).Int64()
	}}
}

// smpMaxErr returns max_i |v.Num[i]/v.Den − exact[i]| as a big.Rat.
func smpMaxErr(v Values, exact []*big.Rat) *big.Rat {
	worst := new(big.Rat)
	for i, e := range exact {
		d := new(big.Rat).SetFrac64(v.Num[i], v.Den)
		d.Sub(d, e).Abs(d)
		if d.Cmp(worst) > 0 {
			worst = d
		}
	}
	return worst
}

func smpRun(t testing.TB, banz bool, g game, opts SampleOptions) (Values, SampleReport) {
	t.Helper()
	var (
		v   Values
		rep SampleReport
		err error
	)
	if banz {
		v, rep, err = banzhaf(g, opts)
	} else {
		v, rep, err = permutationShapley(g, opts)
	}
	if err != nil {
		t.Fatalf("banzhaf=%v %+v: %v", banz, opts, err)
	}
	if len(v.Num) != g.size() || v.Den <= 0 {
		t.Fatalf("malformed values %+v", v)
	}
	return v, rep
}

func smpName(banz bool) string {
	if banz {
		return "Banzhaf"
	}
	return "Shapley"
}

// An additive game's marginal contributions are the same in every permutation, so the
// permutation estimate is exact for every sample count and seed.
func TestSampledShapleyAdditiveExact(t *testing.T) {
	r := rng.New(11)
	for trial := range 30 {
		n := 1 + r.Intn(12)
		w := make([]int64, n)
		for i := range w {
			w[i] = int64(r.Intn(41)) - 20
		}
		g := smpAdditive(int64(r.Intn(11))-5, w)
		for _, m := range []int{1, 2, 3, 17} {
			opts := SampleOptions{Seed: uint64(trial), Samples: m, Workers: 1 + trial%3}
			v, rep := smpRun(t, false, g, opts)
			if rep.Samples != m || rep.Converged || rep.Truncated != 0 {
				t.Fatalf("report %+v", rep)
			}
			if v.Den != int64(m)*g.t {
				t.Fatalf("Den = %d, want %d", v.Den, int64(m)*g.t)
			}
			for i := range w {
				if v.Num[i] != int64(m)*w[i] {
					t.Fatalf("trial %d m %d: player %d: %d/%d, want %d/%d", trial, m, i, v.Num[i], v.Den, w[i], g.t)
				}
			}
		}
	}
}

// The Banzhaf estimator is exact whatever the samples on a constant game (all 0) and, for
// the one player that matters, on a dictator game U(S) = c + w·[i ∈ S].
func TestSampledBanzhafExactCases(t *testing.T) {
	for _, m := range []int{2, 3, 10, 101} {
		v, _ := smpRun(t, true, &smpGame{n: 5, t: 7, u: func(uint32) int64 { return -7 }}, SampleOptions{Seed: 3, Samples: m})
		for i, x := range v.Num {
			if x != 0 {
				t.Fatalf("constant game, m=%d: row %d = %d", m, i, x)
			}
		}
		g := &smpGame{n: 6, t: 9, u: func(mask uint32) int64 { return 2 + 7*int64(mask>>4&1) }}
		v, rep := smpRun(t, true, g, SampleOptions{Seed: 5, Samples: m})
		if slices.Contains(rep.NeverIn, 4) || slices.Contains(rep.NeverOut, 4) {
			continue // row 4 was always in or always out: value 0 by definition
		}
		if v.Num[4]*9 != 7*v.Den {
			t.Fatalf("dictator game, m=%d: %d/%d, want 7/9", m, v.Num[4], v.Den)
		}
	}
}

// smpSampleSeed recomputes the per-sample seed by stepping SplitMix64 j+1 times.
func smpSampleSeed(seed uint64, j int) uint64 {
	z := seed
	var out uint64
	for range j + 1 {
		out = rng.SplitMix64(&z)
	}
	return out
}

// TestSampledStreamsReference recomputes both estimators from the documented streams
// (rng.Perm; Uint64 words, bit i%64 of word i/64), independently of the package's code,
// in big rationals, on a game without structure (utilities from a table).
func TestSampledStreamsReference(t *testing.T) {
	const n = 70 // more than one 64-bit word per Banzhaf subset
	const unit = 50
	r := rng.New(99)
	salt := r.Uint64()
	u := func(m uint64) int64 { // a pseudo-random utility in [0, unit]
		z := m ^ salt
		return int64(rng.SplitMix64(&z) % (unit + 1))
	}
	// A game over 70 players needs 64+ bit masks: wrap it in a member-list game.
	g := &smpListGame{n: n, t: unit, u: func(members []int) int64 {
		var m uint64
		for _, i := range members {
			m ^= uint64(i+1) * 0x9e3779b97f4a7c15 // order-free hash of the set
		}
		return u(m)
	}}
	for _, trunc := range []int{0, 3, 20} {
		const m = 23
		opts := SampleOptions{Seed: 1234, Samples: m, Truncation: trunc, Workers: 3}
		v, rep, err := permutationShapley(g, opts)
		if err != nil {
			t.Fatal(err)
		}
		all := make([]int, n)
		for i := range all {
			all[i] = i
		}
		full := g.u(all)
		want := make([]int64, n)
		var truncated int64
		for j := range m {
			perm := rng.New(smpSampleSeed(opts.Seed, j)).Perm(n)
			cur := []int{}
			prev := g.u(cur)
			for k, i := range perm {
				if trunc > 0 && smpAbs(full-prev) < int64(trunc) {
					truncated += int64(n - k)
					break
				}
				cur = append(cur, i)
				sorted := slices.Sorted(slices.Values(cur))
				next := g.u(sorted)
				want[i] += next - prev
				prev = next
			}
		}
		if !slices.Equal(v.Num, want) || v.Den != m*unit || rep.Truncated != truncated || rep.FullUtility != full {
			t.Fatalf("truncation %d: got %v/%d (truncated %d), want %v/%d (truncated %d)", trunc, v.Num, v.Den, rep.Truncated, want, m*unit, truncated)
		}
		if trunc == 20 && truncated == 0 {
			t.Fatalf("truncation 20 never truncated")
		}
	}

	for _, m := range []int{1, 2, 9, 40} {
		opts := SampleOptions{Seed: 77, Samples: m, Workers: 2}
		v, rep, err := banzhaf(g, opts)
		if err != nil {
			t.Fatal(err)
		}
		inSum := make([]*big.Rat, n)
		outSum := make([]*big.Rat, n)
		inN, outN := make([]int64, n), make([]int64, n)
		for i := range inSum {
			inSum[i], outSum[i] = new(big.Rat), new(big.Rat)
		}
		for j := range m {
			src := rng.New(smpSampleSeed(opts.Seed, j))
			words := []uint64{src.Uint64(), src.Uint64()}
			var members []int
			for i := range n {
				if words[i/64]>>(i%64)&1 == 1 {
					members = append(members, i)
				}
			}
			uj := big.NewRat(g.u(members), 1)
			for i := range n {
				if slices.Contains(members, i) {
					inSum[i].Add(inSum[i], uj)
					inN[i]++
				} else {
					outSum[i].Add(outSum[i], uj)
					outN[i]++
				}
			}
		}
		var never []int
		for i := range n {
			var want int64
			if inN[i] == 0 || outN[i] == 0 {
				never = append(never, i)
			} else {
				d := new(big.Rat).Quo(inSum[i], big.NewRat(inN[i], 1))
				d.Sub(d, new(big.Rat).Quo(outSum[i], big.NewRat(outN[i], 1)))
				d.Mul(d, big.NewRat(BanzhafScale, 1))
				want = smpRoundHalfEven(d)
			}
			if v.Num[i] != want {
				t.Fatalf("m=%d row %d: %d, want %d", m, i, v.Num[i], want)
			}
		}
		got := append(slices.Clone(rep.NeverIn), rep.NeverOut...)
		slices.Sort(got)
		if !slices.Equal(got, never) || v.Den != unit*BanzhafScale {
			t.Fatalf("m=%d: never-in/out %v, want %v; Den %d", m, got, never, v.Den)
		}
		if m == 1 && len(never) != n {
			t.Fatalf("one sample: every row is never in or never out")
		}
	}
}

// smpRoundHalfEven rounds x to the nearest integer, ties to even (reference version).
func smpRoundHalfEven(x *big.Rat) int64 {
	fl := new(big.Int).Div(x.Num(), x.Denom()) // Euclidean, Denom > 0: the floor
	frac := new(big.Rat).Sub(x, new(big.Rat).SetInt(fl))
	switch frac.Cmp(big.NewRat(1, 2)) {
	case 1:
		fl.Add(fl, big.NewInt(1))
	case 0:
		if fl.Bit(0) == 1 {
			fl.Add(fl, big.NewInt(1))
		}
	}
	return fl.Int64()
}

// smpListGame is a game given by a utility of ascending member lists (any n).
type smpListGame struct {
	n int
	t int64
	u func(members []int) int64
}

func (g *smpListGame) size() int                { return g.n }
func (g *smpListGame) unit() int64              { return g.t }
func (g *smpListGame) open() (coalition, error) { return &smpListCoalition{g: g}, nil }

type smpListCoalition struct {
	g   *smpListGame
	cur []int
}

func (c *smpListCoalition) reset() (int64, error) { c.cur = c.cur[:0]; return c.g.u(c.cur), nil }
func (c *smpListCoalition) add(i int) (int64, error) {
	k, _ := slices.BinarySearch(c.cur, i)
	c.cur = slices.Insert(c.cur, k, i)
	return c.g.u(c.cur), nil
}
func (c *smpListCoalition) utility(members []int) (int64, error) { return c.g.u(members), nil }

// On games with known values both estimators converge: the error at 2000 samples is below
// a bound of about 4.5 standard deviations (Shapley: marginals in [0, 1], σ ≤ ½/√m;
// Banzhaf: two means of ~m/2 utilities in [0, 1], σ ≤ √(2·¼/(m/2))), and smaller than at
// 20 samples.
func TestSampledConvergesOnKnownGames(t *testing.T) {
	games := []struct {
		name string
		g    *smpGame
	}{
		{"unanimity{0,2,3,5}", smpUnanimity(8, 0b101101)},
		{"majority9", smpMajority(9)},
		{"weighted[5;4,2,1,1]", smpWeighted(5, 4, 2, 1, 1)},
		{"weighted[9;5,3,3,2,1,1,1]", smpWeighted(9, 5, 3, 3, 2, 1, 1, 1)},
	}
	bound := map[bool]*big.Rat{false: big.NewRat(5, 100), true: big.NewRat(10, 100)}
	for _, c := range games {
		for _, banz := range []bool{false, true} {
			var exact []*big.Rat
			if banz {
				exact = exactBanzhaf(c.g.n, c.g.rat())
			} else {
				exact = exactShapley(c.g.n, c.g.rat())
			}
			vFew, _ := smpRun(t, banz, c.g, SampleOptions{Seed: 5, Samples: 20})
			vMany, _ := smpRun(t, banz, c.g, SampleOptions{Seed: 5, Samples: 2000})
			few, many := smpMaxErr(vFew, exact), smpMaxErr(vMany, exact)
			t.Logf("%s %s: max error %s at 20 samples, %s at 2000", c.name, smpName(banz), few.FloatString(4), many.FloatString(4))
			if many.Cmp(bound[banz]) > 0 || many.Cmp(few) >= 0 {
				t.Errorf("%s %s: max error %s at 2000 samples (bound %s), %s at 20", c.name, smpName(banz),
					many.FloatString(4), bound[banz].FloatString(2), few.FloatString(4))
			}
		}
	}
}

// On the KNN utility of Jia et al. with 10 training rows, the estimates approach the
// brute-force exact values.
func TestSampledKNNUtilityAgainstBruteForce(t *testing.T) {
	train := randomDense(21, 10, 2, 3, 4)
	test := randomDense(22, 6, 2, 3, 4)
	g := smpKNNGame(train, test, 3)
	for _, banz := range []bool{false, true} {
		var exact []*big.Rat
		if banz {
			exact = exactBanzhaf(g.n, g.rat())
		} else {
			exact = exactShapley(g.n, g.rat())
		}
		few, _ := smpRun(t, banz, g, SampleOptions{Seed: 8, Samples: 10})
		many, _ := smpRun(t, banz, g, SampleOptions{Seed: 8, Samples: 4000, Workers: 2})
		ef, em := smpMaxErr(few, exact), smpMaxErr(many, exact)
		t.Logf("KNN utility %s: max error %s at 10 samples, %s at 4000", smpName(banz), ef.FloatString(4), em.FloatString(4))
		if em.Cmp(big.NewRat(4, 100)) > 0 || new(big.Rat).Mul(em, big.NewRat(2, 1)).Cmp(ef) >= 0 {
			t.Errorf("%s: error %s at 4000 samples, %s at 10", smpName(banz), em.FloatString(4), ef.FloatString(4))
		}
	}
}

// smpProblem returns a KNN problem on random data whose squared distances from each test
// row to the training rows are all distinct, so the KNN model's prediction does not
// depend on insertion order and U is a set function.
func smpProblem(t testing.TB, n int) Problem {
	t.Helper()
	for seed := uint64(1); seed < 100; seed++ {
		train := randomDense(seed, n, 3, 2, 1000)
		test := randomDense(seed+1000, 8, 3, 2, 1000)
		ok := true
		for j := 0; j < test.Len() && ok; j++ {
			seen := map[int64]bool{}
			for i := 0; i < n; i++ {
				d := refSqDist(denseRow(train, i), denseRow(test, j))
				if seen[d] {
					ok = false
				}
				seen[d] = true
			}
		}
		if ok {
			cfg := model.Config{Family: model.KNN, Dims: 3, Classes: 2, Bound: 1000, K: 3}
			return Problem{Config: cfg, Train: train, Test: test}
		}
	}
	t.Fatal("no dataset without distance ties")
	return Problem{}
}

// smpModelUtility returns the model utility U(S)/T as a rational set function.
func smpModelUtility(t testing.TB, p Problem) func(mask uint32) *big.Rat {
	return func(mask uint32) *big.Rat {
		m, err := model.New(p.Config)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < p.Train.Len(); i++ {
			if mask&(1<<i) != 0 {
				if err := m.Update(p.Train.Row(i), int(p.Train.Y[i])); err != nil {
					t.Fatal(err)
				}
			}
		}
		c, err := m.Evaluate(p.Test)
		if err != nil {
			t.Fatal(err)
		}
		return big.NewRat(int64(c), int64(p.Test.Len()))
	}
}

// The model path (training through trackers and fresh models) against brute force on the
// KNN classifier with 9 training rows; and Shapley efficiency: without truncation every
// permutation's marginals add up to U(all) − U(∅), so Σ Num = samples·(U(all) − U(∅)).
func TestSampledModelPathAgainstBruteForce(t *testing.T) {
	p := smpProblem(t, 9)
	u := smpModelUtility(t, p)
	T := int64(p.Test.Len())
	for _, banz := range []bool{false, true} {
		var exact []*big.Rat
		var v Values
		var rep SampleReport
		var err error
		opts := SampleOptions{Seed: 4, Samples: 1500}
		if banz {
			exact = exactBanzhaf(9, u)
			v, rep, err = Banzhaf(p, opts)
		} else {
			exact = exactShapley(9, u)
			v, rep, err = PermutationShapley(p, opts)
		}
		if err != nil {
			t.Fatal(err)
		}
		e := smpMaxErr(v, exact)
		t.Logf("KNN model %s: max error %s at %d samples", smpName(banz), e.FloatString(4), rep.Samples)
		if e.Cmp(big.NewRat(6, 100)) > 0 {
			t.Errorf("%s: max error %s", smpName(banz), e.FloatString(4))
		}
		if !banz {
			var sum int64
			for _, x := range v.Num {
				sum += x
			}
			d := new(big.Rat).Sub(u(1<<9-1), u(0))
			d.Mul(d, big.NewRat(int64(opts.Samples)*T, 1))
			if !d.IsInt() || d.Num().Int64() != sum {
				t.Errorf("Σ Num = %d, want %s", sum, d.RatString())
			}
			if full := new(big.Rat).Mul(u(1<<9-1), big.NewRat(T, 1)); rep.FullUtility != full.Num().Int64() {
				t.Errorf("FullUtility %d", rep.FullUtility)
			}
		}
	}
}

// Determinism: same seed, same values; another seed, other values; any worker count,
// with and without convergence checks, the same values.
func TestSampledDeterminismAndWorkers(t *testing.T) {
	p := smpProblem(t, 12)
	type method func(Problem, SampleOptions) (Values, SampleReport, error)
	for _, mc := range []struct {
		name string
		f    method
	}{{"Shapley", PermutationShapley}, {"Banzhaf", Banzhaf}} {
		base := SampleOptions{Seed: 42, Samples: 60, CheckEvery: 7, Tolerance: Ratio{1, 50}, Workers: 1}
		if mc.name == "Shapley" {
			base.Truncation = 1
		}
		want, wrep, err := mc.f(p, base)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range []int{1, 2, 3, 8, 0, 1 << 40} {
			o := base
			o.Workers = w
			got, rep, err := mc.f(p, o)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Num, want.Num) || got.Den != want.Den || rep.Samples != wrep.Samples ||
				rep.Converged != wrep.Converged || rep.Truncated != wrep.Truncated {
				t.Fatalf("%s workers %d: %v/%d %+v, want %v/%d %+v", mc.name, w, got.Num, got.Den, rep, want.Num, want.Den, wrep)
			}
		}
		o := base
		o.Seed = 43
		other, _, err := mc.f(p, o)
		if err != nil {
			t.Fatal(err)
		}
		if slices.Equal(other.Num, want.Num) && other.Den == want.Den {
			t.Fatalf("%s: seeds 42 and 43 gave identical values", mc.name)
		}
	}
}

// The convergence rule stops at a checkpoint, and the values equal those of a run with
// exactly that many samples and no checks. A huge tolerance converges at the first
// comparison (2·CheckEvery); a tiny one never does.
func TestSampledConvergence(t *testing.T) {
	g := smpWeighted(9, 5, 3, 3, 2, 1, 1, 1)
	for _, banz := range []bool{false, true} {
		opts := SampleOptions{Seed: 1, Samples: 5000, CheckEvery: 100, Tolerance: Ratio{1, 100}, Workers: 2}
		v, rep := smpRun(t, banz, g, opts)
		if !rep.Converged || rep.Samples >= opts.Samples || rep.Samples%100 != 0 || rep.Checks != rep.Samples/100-1 {
			t.Fatalf("%s: report %+v", smpName(banz), rep)
		}
		t.Logf("%s converged after %d samples", smpName(banz), rep.Samples)
		plain, prep := smpRun(t, banz, g, SampleOptions{Seed: 1, Samples: rep.Samples})
		if !slices.Equal(v.Num, plain.Num) || v.Den != plain.Den || prep.Converged {
			t.Fatalf("%s: converged values differ from a plain run of %d samples", smpName(banz), rep.Samples)
		}
		_, rep = smpRun(t, banz, g, SampleOptions{Seed: 1, Samples: 1000, CheckEvery: 10, Tolerance: Ratio{1000, 1}})
		if !rep.Converged || rep.Samples != 20 || rep.Checks != 1 {
			t.Fatalf("%s: huge tolerance: %+v", smpName(banz), rep)
		}
		_, rep = smpRun(t, banz, g, SampleOptions{Seed: 1, Samples: 95, CheckEvery: 10, Tolerance: Ratio{1, 1 << 62}})
		if rep.Converged || rep.Samples != 95 || rep.Checks != 8 {
			t.Fatalf("%s: tiny tolerance: %+v", smpName(banz), rep)
		}
	}
}

// The convergence test compares exact fractions: a change exactly equal to the tolerance
// does not converge, one just below does.
func TestSampledConvergenceBoundary(t *testing.T) {
	// Shapley: sums 3 at c' = 2 and 5 at c = 4 with T = 1: change |5/4 − 3/2| = 1/4.
	if shapleyConverged([]int64{5}, 4, []int64{3}, 2, 1, Ratio{1, 4}) {
		t.Error("change 1/4 < tolerance 1/4")
	}
	if !shapleyConverged([]int64{5}, 4, []int64{3}, 2, 1, Ratio{1_000_001, 4_000_000}) {
		t.Error("change 1/4 not below 1000001/4000000")
	}
	// Banzhaf: Num change 3 with Den = 2·10^9.
	if banzhafConverged([]int64{7}, []int64{4}, 2, Ratio{3, 2 * BanzhafScale}) {
		t.Error("change 3/Den < 3/Den")
	}
	if !banzhafConverged([]int64{7}, []int64{4}, 2, Ratio{4, 2 * BanzhafScale}) {
		t.Error("change 3/Den not below 4/Den")
	}
}

// Truncation: a tolerance above every possible gap truncates every permutation at its
// start (all values 0); on a positive additive game, where only the full set reaches
// U(all), truncation 1 changes nothing.
func TestSampledTruncation(t *testing.T) {
	g := smpAdditive(0, []int64{1, 2, 3, 4})
	v, rep := smpRun(t, false, g, SampleOptions{Seed: 1, Samples: 10, Truncation: 11})
	if rep.Truncated != 40 || slices.ContainsFunc(v.Num, func(x int64) bool { return x != 0 }) {
		t.Fatalf("truncation 11: %v %+v", v.Num, rep)
	}
	v, rep = smpRun(t, false, g, SampleOptions{Seed: 1, Samples: 10, Truncation: 1})
	if rep.Truncated != 0 || !slices.Equal(v.Num, []int64{10, 20, 30, 40}) {
		t.Fatalf("truncation 1: %v %+v", v.Num, rep)
	}
	// With zero-weight players and truncation 1, the permutation stops once the positive
	// players are all in: the zero players after them are skipped, with the same values.
	g = smpAdditive(0, []int64{0, 5, 0, 0, 2, 0})
	v, rep = smpRun(t, false, g, SampleOptions{Seed: 1, Samples: 50, Truncation: 1})
	if rep.Truncated == 0 || !slices.Equal(v.Num, []int64{0, 250, 0, 0, 100, 0}) {
		t.Fatalf("zero players: %v %+v", v.Num, rep)
	}
}

func TestSampledBadInput(t *testing.T) {
	p := smpProblem(t, 5)
	bad := []SampleOptions{
		{Samples: 0},
		{Samples: -3},
		{Samples: 10, CheckEvery: -1},
		{Samples: 10, CheckEvery: 2},
		{Samples: 10, CheckEvery: 2, Tolerance: Ratio{0, 5}},
		{Samples: 10, CheckEvery: 2, Tolerance: Ratio{1, 0}},
		{Samples: 10, CheckEvery: 2, Tolerance: Ratio{-1, 5}},
		{Samples: 10, Truncation: -1},
		{Samples: 10, Workers: -1},
		{Samples: 1 << 62},
	}
	for _, o := range bad {
		if _, _, err := PermutationShapley(p, o); !errors.Is(err, ErrSampleOptions) {
			t.Errorf("Shapley %+v: err = %v", o, err)
		}
		if _, _, err := Banzhaf(p, o); !errors.Is(err, ErrSampleOptions) {
			t.Errorf("Banzhaf %+v: err = %v", o, err)
		}
	}
	if _, _, err := Banzhaf(p, SampleOptions{Samples: 5, Truncation: 1}); !errors.Is(err, ErrSampleOptions) {
		t.Errorf("Banzhaf with truncation: %v", err)
	}
	ok := SampleOptions{Samples: 3}
	emptyTest, _ := p.Test.Subset(nil)
	emptyTrain, _ := p.Train.Subset(nil)
	wide := randomDense(1, 5, 4, 2, 10)
	badProblems := map[string]Problem{
		"nil train":   {Config: p.Config, Test: p.Test},
		"nil test":    {Config: p.Config, Train: p.Train},
		"empty test":  {Config: p.Config, Train: p.Train, Test: emptyTest},
		"empty train": {Config: p.Config, Train: emptyTrain, Test: p.Test},
		"bad config":  {Config: model.Config{Family: 99}, Train: p.Train, Test: p.Test},
		"test dims":   {Config: p.Config, Train: p.Train, Test: wide},
		"train dims":  {Config: p.Config, Train: wide, Test: p.Test},
		"invalid":     {Config: p.Config, Train: &dataset.Dataset{Kind: dataset.Dense, Dims: 3, Classes: 2, Y: []int32{0}}, Test: p.Test},
	}
	for name, bp := range badProblems {
		if _, _, err := PermutationShapley(bp, ok); err == nil {
			t.Errorf("Shapley %s: no error", name)
		}
		if _, _, err := Banzhaf(bp, ok); err == nil {
			t.Errorf("Banzhaf %s: no error", name)
		}
	}
	// A game whose utility leaves [−unit, unit] is an error, not an overflow.
	g := &smpGame{n: 3, t: 1, u: func(m uint32) int64 { return int64(m) }}
	if _, _, err := permutationShapley(g, SampleOptions{Samples: 4, Workers: 2}); err == nil {
		t.Error("out-of-range utility: no error (Shapley)")
	}
	if _, _, err := banzhaf(g, SampleOptions{Samples: 4, Workers: 2}); err == nil {
		t.Error("out-of-range utility: no error (Banzhaf)")
	}
}

// A game that fails on some samples reports the error of the lowest failing sample,
// whatever the worker count.
func TestSampledErrorDeterministic(t *testing.T) {
	g := &smpFailGame{n: 6}
	var want string
	for _, w := range []int{1, 2, 4, 7} {
		_, _, err := banzhaf(g, SampleOptions{Seed: 3, Samples: 40, Workers: w})
		if err == nil {
			t.Fatal("no error")
		}
		if want == "" {
			want = err.Error()
		}
		if err.Error() != want {
			t.Fatalf("workers %d: %v, want %v", w, err, want)
		}
	}
}

// smpFailGame's utility fails on subsets of 5 or more players, naming the subset: whether a
// sample fails depends only on the sample.
type smpFailGame struct{ n int }

func (g *smpFailGame) size() int                { return g.n }
func (g *smpFailGame) unit() int64              { return 1 }
func (g *smpFailGame) open() (coalition, error) { return &smpFailCoalition{}, nil }

type smpFailCoalition struct{}

func (c *smpFailCoalition) reset() (int64, error)  { return 0, nil }
func (c *smpFailCoalition) add(int) (int64, error) { return 0, nil }
func (c *smpFailCoalition) utility(members []int) (int64, error) {
	if len(members) >= 5 {
		return 0, fmt.Errorf("subset %v too big", members)
	}
	return 0, nil
}

func BenchmarkPermutationShapleyKNN(b *testing.B) {
	p := smpProblem(b, 40)
	for b.Loop() {
		if _, _, err := PermutationShapley(p, SampleOptions{Seed: 1, Samples: 20, Workers: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// The incremental tracker and the naive one give identical values for every family
// (model.Tracker's contract; this also exercises PermutationShapley on each family,
// including the order-dependent perceptron, with truncation).
func TestSampledTrackersAgree(t *testing.T) {
	p := noisyIris(t)
	first := make([]int, 40)
	for i := range first {
		first[i] = i
	}
	var err error
	if p.Train, err = p.Train.Subset(first); err != nil {
		t.Fatal(err)
	}
	if p.Test, err = p.Test.Subset(first[:25]); err != nil {
		t.Fatal(err)
	}
	defer func(f func(model.Model, *dataset.Dataset) (model.Tracker, error)) { newTracker = f }(newTracker)
	for _, fam := range model.Families() {
		q := p
		q.Config.Family = fam
		for _, trunc := range []int{0, 2} {
			opts := SampleOptions{Seed: 9, Samples: 12, Truncation: trunc, Workers: 2}
			newTracker = model.NewTracker
			fast, frep, err := PermutationShapley(q, opts)
			if err != nil {
				t.Fatalf("%s: %v", fam, err)
			}
			newTracker = model.NewNaiveTracker
			slow, srep, err := PermutationShapley(q, opts)
			if err != nil {
				t.Fatalf("%s: %v", fam, err)
			}
			if !slices.Equal(fast.Num, slow.Num) || fast.Den != slow.Den || frep.Truncated != srep.Truncated {
				t.Fatalf("%s truncation %d: incremental %v, naive %v", fam, trunc, fast.Num, slow.Num)
			}
			if trunc == 0 && !slices.ContainsFunc(fast.Num, func(x int64) bool { return x != 0 }) {
				t.Fatalf("%s truncation %d: every value is 0", fam, trunc)
			}
		}
	}
}
