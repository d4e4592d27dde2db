package sim

import (
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/fixed"
	"github.com/meritchain/merit/engine/model"
	"github.com/meritchain/merit/engine/rng"
	"github.com/meritchain/merit/engine/value"
)

func newTestRand(seed uint64) *rng.Source { return rng.New(seed) }

var (
	digitsOnce             sync.Once
	digitsPool, digitsTest *dataset.Dataset
	digitsErr              error
)

// digits returns the digits dataset split 4:1 (seed 1).
func digits(t testing.TB) (pool, test *dataset.Dataset) {
	t.Helper()
	digitsOnce.Do(func() {
		l, err := dataset.Load("../../testdata/digits.csv.gz", dataset.LoadOptions{ScaleExp: dataset.AutoScale})
		if err != nil {
			digitsErr = err
			return
		}
		digitsPool, digitsTest, digitsErr = dataset.Split(l.Data, 1, 5, 1)
	})
	if digitsErr != nil {
		t.Fatal(digitsErr)
	}
	return digitsPool, digitsTest
}

// firstRows returns the first n rows of d.
func firstRows(t testing.TB, d *dataset.Dataset, n int) *dataset.Dataset {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	out, err := d.Subset(idx)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func mustRun(t testing.TB, cfg Config) *Result {
	t.Helper()
	res, err := Run(cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res
}

// frac reports whether r ≥ num/den (r.Den > 0).
func atLeast(r Ratio, num, den int64) bool { return r.Den > 0 && r.Num*den >= num*r.Den }
func atMost(r Ratio, num, den int64) bool  { return r.Den > 0 && r.Num*den <= num*r.Den }

func pct(r Ratio) string {
	if r.Den == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%d/%d (%d%%)", r.Num, r.Den, r.Num*100/r.Den)
}

// summary formats a result for the test log.
func summary(res *Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s, %s, seed %d: test %d rows; initial %d, final %d, baseline %d", res.Mechanism, res.Family,
		res.Seed, res.TestSize, res.InitialCorrect, res.FinalCorrect, res.BaselineCorrect)
	if res.MarketCorrect >= 0 {
		fmt.Fprintf(&b, ", market model %d (%d passes)", res.MarketCorrect, res.MarketPasses)
	}
	fmt.Fprintf(&b, "; %d contributions, %d points\n", res.Contributions, len(res.Series))
	fmt.Fprintf(&b, "  %-10s %-17s %5s %5s %5s %5s %5s %5s %9s %9s %9s %9s %9s %9s\n", "agent", "kind", "plan", "skip",
		"acc", "valid", "repd", "reps", "paid", "returned", "takenFrom", "ownerTook", "takenBy", "change")
	for _, a := range res.Agents {
		fmt.Fprintf(&b, "  %-10s %-17s %5d %5d %5d %5d %5d %5d %9d %9d %9d %9d %9d %9d\n", a.Name, a.Kind, a.Planned, a.Skipped,
			a.Accepted, a.Validated, a.Reported, a.Reports, a.Paid, a.Returned, a.TakenFrom, a.OwnerClaimed, a.TakenBy, a.Change)
	}
	q := res.Quality
	fmt.Fprintf(&b, "  owner %d -> %d; flipper deposits lost %s, honest deposits returned %s, flippers caught %s, honest validated %s",
		res.OwnerStart, res.OwnerFinal, pct(q.FlipperDepositsLost), pct(q.HonestDepositsReturned), pct(q.FlippersCaught), pct(q.HonestValidated))
	return b.String()
}

func TestDefaultRuns(t *testing.T) {
	pool, test := digits(t)
	for _, mech := range Mechanisms() {
		res := mustRun(t, DefaultConfig(pool, test, model.Perceptron, mech, 7))
		t.Log(summary(res))
	}
}

// TestDeterminism: the same configuration gives the same Result, whatever GOMAXPROCS;
// another seed gives another one.
func TestDeterminism(t *testing.T) {
	pool, test := digits(t)
	pool = firstRows(t, pool, 700)
	for _, mech := range Mechanisms() {
		cfg := DefaultConfig(pool, test, model.Centroid, mech, 11)
		a := mustRun(t, cfg)
		prev := runtime.GOMAXPROCS(1)
		b := mustRun(t, cfg)
		runtime.GOMAXPROCS(prev)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: two runs with the same seed differ", mech)
		}
		cfg.Seed = 12
		c := mustRun(t, cfg)
		if reflect.DeepEqual(a.Series, c.Series) || reflect.DeepEqual(a.Agents, c.Agents) {
			t.Errorf("%s: seeds 11 and 12 give the same run", mech)
		}
	}
}

// TestConservation: under DRT and the market, Σ balances + owner + escrow is the same
// at every point, and nothing is left in escrow at the end.
func TestConservation(t *testing.T) {
	pool, test := digits(t)
	for _, mech := range []Mechanism{DRT, Market} {
		for _, fam := range []model.Family{model.Perceptron, model.NaiveBayes} {
			cfg := DefaultConfig(pool, test, fam, mech, 3)
			res := mustRun(t, cfg)
			want := cfg.OwnerFunds
			for _, a := range cfg.Agents {
				want += a.Funds
			}
			if res.Total != want {
				t.Fatalf("%s %s: Total %d, want %d", mech, fam, res.Total, want)
			}
			for _, p := range res.Series {
				sum := p.Owner + p.Escrow
				for _, b := range p.Balances {
					sum += b
				}
				if sum != want {
					t.Fatalf("%s %s: at time %d: Σ = %d, want %d", mech, fam, p.Time, sum, want)
				}
			}
			last := res.Series[len(res.Series)-1]
			if last.Escrow != 0 || last.Time != res.EndTime {
				t.Errorf("%s %s: last point at %d (end %d) holds %d in escrow", mech, fam, last.Time, res.EndTime, last.Escrow)
			}
			if last.Owner != res.OwnerFinal {
				t.Errorf("%s %s: owner %d at the last point, %d in the result", mech, fam, last.Owner, res.OwnerFinal)
			}
			// Every agent's balance is accounted for by its own flows.
			for i, a := range res.Agents {
				if got := a.Start - a.Paid + a.Returned + a.TakenBy; got != a.Final || last.Balances[i] != a.Final {
					t.Errorf("%s %s: %s: start %d − paid %d + returned %d + taken %d = %d, final %d",
						mech, fam, a.Name, a.Start, a.Paid, a.Returned, a.TakenBy, got, a.Final)
				}
				if mech == DRT && a.Paid != a.Returned+a.TakenFrom+a.OwnerClaimed {
					t.Errorf("%s: %s: paid %d ≠ returned %d + taken %d + owner %d", fam, a.Name, a.Paid, a.Returned, a.TakenFrom, a.OwnerClaimed)
				}
			}
		}
	}
}

// kindTotals adds up the KindStats of kind k over several results.
func kindTotals(rs []*Result, k Kind) KindStats {
	out := KindStats{Kind: k}
	for _, r := range rs {
		for _, ks := range r.Quality.ByKind {
			if ks.Kind == k {
				out.Agents += ks.Agents
				out.Accepted += ks.Accepted
				out.Validated += ks.Validated
				out.Reported += ks.Reported
				out.Paid += ks.Paid
				out.Returned += ks.Returned
				out.TakenFrom += ks.TakenFrom
				out.OwnerClaimed += ks.OwnerClaimed
				out.Change += ks.Change
			}
		}
	}
	return out
}

// TestCatchesFlippers: on digits, over four seeds, Deposit-Refund-Take takes most of
// the label flippers' deposits and refunds most of the honest agents', Points reports
// most flipped contributions, and the market pays the flippers less per stake than the
// honest agents. The nearest-centroid model is stable (a contribution rarely changes
// its opinion of another), so its runs are checked one by one; the perceptron, whose
// every mistake moves the weights, varies much more from seed to seed, so its runs are
// checked on their totals.
func TestCatchesFlippers(t *testing.T) {
	pool, test := digits(t)
	ratio := func(a, b int64) Ratio { return Ratio{a, b} }
	for _, fam := range []model.Family{model.Perceptron, model.Centroid} {
		var drts, ptss, mkts []*Result
		for seed := uint64(1); seed <= 4; seed++ {
			drts = append(drts, mustRun(t, DefaultConfig(pool, test, fam, DRT, seed)))
			ptss = append(ptss, mustRun(t, DefaultConfig(pool, test, fam, Points, seed)))
			mkts = append(mkts, mustRun(t, DefaultConfig(pool, test, fam, Market, seed)))
		}
		check := func(what string, drt, pts, mkt []*Result, marketSeparates bool) {
			t.Helper()
			f, h := kindTotals(drt, LabelFlipper), kindTotals(drt, Honest)
			if lost := ratio(f.TakenFrom+f.OwnerClaimed, f.Paid); !atLeast(lost, 3, 4) {
				t.Errorf("%s: DRT: flippers lost %s of their deposits", what, pct(lost))
			}
			if ret := ratio(h.Returned, h.Paid); !atLeast(ret, 2, 3) {
				t.Errorf("%s: DRT: honest agents got back %s of their deposits", what, pct(ret))
			}
			if c, v := ratio(int64(f.Reported), int64(f.Accepted)), ratio(int64(h.Validated), int64(h.Accepted)); !atLeast(c, 3, 4) || !atLeast(v, 2, 3) {
				t.Errorf("%s: DRT: flippers caught %s, honest validated %s", what, pct(c), pct(v))
			}
			// Each flipper loses about all its funds; an honest agent on average loses at
			// most a tenth of its funds (it wins some, loses some).
			if f.Change > -f.Paid/2 || h.Change*int64(f.Agents) <= f.Change*int64(h.Agents)/5 {
				t.Errorf("%s: DRT: %d flippers changed %d in all, %d honest agents %d", what, f.Agents, f.Change, h.Agents, h.Change)
			}
			f, h = kindTotals(pts, LabelFlipper), kindTotals(pts, Honest)
			if c, v := ratio(int64(f.Reported), int64(f.Accepted)), ratio(int64(h.Validated), int64(h.Accepted)); !atLeast(c, 3, 4) || !atLeast(v, 1, 2) {
				t.Errorf("%s: Points: flippers caught %s, honest validated %s", what, pct(c), pct(v))
			}
			// The market: the honest agents earn from the bounty; with the perceptron they
			// get back more per stake than the flippers. (With the centroid they need not:
			// one row's marginal effect on it is mostly noise, and in some runs the
			// flippers earn more per stake; docs/SIMULATION.md.)
			f, h = kindTotals(mkt, LabelFlipper), kindTotals(mkt, Honest)
			if h.Returned <= h.Paid || marketSeparates && f.Returned*h.Paid >= h.Returned*f.Paid {
				t.Errorf("%s: market: flippers got %d for %d staked, honest %d for %d", what, f.Returned, f.Paid, h.Returned, h.Paid)
			}
		}
		if fam == model.Centroid {
			for i := range drts {
				check(fmt.Sprintf("centroid seed %d", i+1), drts[i:i+1], ptss[i:i+1], mkts[i:i+1], false)
			}
		} else {
			check("perceptron", drts, ptss, mkts, true)
		}
		// DRT keeps the flippers' wrong labels out of the model once they run out of
		// money; Points, with no money, lets every one in. The perceptron, which every
		// flipped label moves, shows it.
		var d, p int
		for i := range drts {
			d += drts[i].FinalCorrect
			p += ptss[i].FinalCorrect
		}
		t.Logf("%s: final correct over 4 seeds: DRT %d, Points %d", fam, d, p)
		if fam == model.Perceptron && d < p+40 {
			t.Errorf("perceptron: DRT final correct %d over four seeds, Points %d", d, p)
		}
	}
}

// line returns a 1-D two-class dataset: row i has x = −(11 + i mod 10) with label 0 for
// even i and x = +(11 + i mod 10) with label 1 for odd i: two classes 22 apart, so far
// apart that a handful of wrong labels cannot move a centroid across.
func line(n int) *dataset.Dataset {
	d := &dataset.Dataset{Kind: dataset.Dense, Dims: 1, Classes: 2}
	for i := 0; i < n; i++ {
		v := int32(11 + i%10)
		if i%2 == 0 {
			d.X, d.Y = append(d.X, -v), append(d.Y, 0)
		} else {
			d.X, d.Y = append(d.X, v), append(d.Y, 1)
		}
	}
	if err := d.Validate(); err != nil {
		panic(err)
	}
	return d
}

// tinyConfig is the hand-checkable scenario: a nearest-centroid model on a line whose
// two classes the owner's 20 initial rows already separate, so that no contribution
// changes any prediction; one agent of each kind, and a second flipper without money.
func tinyConfig(mech Mechanism) Config {
	c := Config{
		Model: model.Config{Family: model.Centroid}, Pool: line(40), Test: line(20),
		Mechanism: mech, Seed: 5, InitialNum: 1, InitialDen: 2, Duration: 10 * Day,
		DRT:    DRTParams{CostWeight: 1, RefundWait: Day, OwnerWait: 3 * Day, AnyAddressWait: 4 * Day},
		Market: MarketParams{Bounty: 1000, Portions: 4, Stake: 10, MinStake: 1}, OwnerFunds: 1000,
		Agents: []Agent{
			{Name: "h", Kind: Honest, Rows: 5, Funds: 1 << 40},
			{Name: "f", Kind: LabelFlipper, Rows: 5, Funds: 1 << 40},
			{Name: "s", Kind: DuplicateSpammer, Rows: 2, Repeats: 3, Funds: 1 << 40},
			{Name: "c", Kind: LazyCopier, Rows: 5, Funds: 1 << 40},
			{Name: "poor", Kind: LabelFlipper, Rows: 1, Funds: 0},
		},
		CheckpointContributions: 1,
	}
	return c
}

// TestTinyScenario checks every agent kind's documented behaviour on the tiny scenario.
func TestTinyScenario(t *testing.T) {
	for _, mech := range Mechanisms() {
		r, err := run(tinyConfig(mech))
		if err != nil {
			t.Fatalf("%s: %v", mech, err)
		}
		res := r.res
		pool := r.cfg.Pool
		if res.InitialRows != 20 || res.InitialCorrect != 20 || res.FinalCorrect != 20 || res.BaselineCorrect != 20 {
			t.Fatalf("%s: initial %d rows, correct %d → %d, baseline %d; want 20 rows, all 20 correct",
				mech, res.InitialRows, res.InitialCorrect, res.FinalCorrect, res.BaselineCorrect)
		}
		// Shares: the pool permutation's rows 20.. go to the agents in order, disjoint.
		seen := map[int]bool{}
		for _, a := range r.agents {
			for _, row := range a.rows {
				if seen[row] {
					t.Fatalf("%s: row %d given twice", mech, row)
				}
				seen[row] = true
			}
		}
		byAgent := make([][]contrib, len(r.agents))
		prevTime := int64(0)
		for _, c := range r.contribs {
			if c.time < prevTime || c.time >= r.cfg.Duration {
				t.Fatalf("%s: contribution at %d after %d or past the duration", mech, c.time, prevTime)
			}
			prevTime = c.time
			byAgent[c.agent] = append(byAgent[c.agent], c)
		}
		// Honest: each of its rows once, true label.
		h := byAgent[0]
		if len(h) != 5 {
			t.Fatalf("%s: honest made %d contributions", mech, len(h))
		}
		rowsOnce := func(name string, cs []contrib, rows []int) {
			got := map[int]int{}
			for _, c := range cs {
				got[c.row]++
			}
			for _, row := range rows {
				if got[row] != 1 {
					t.Errorf("%s: %s submitted row %d %d times", mech, name, row, got[row])
				}
			}
		}
		rowsOnce("honest", h, r.agents[0].rows)
		for _, c := range h {
			if c.label != pool.Y[c.row] {
				t.Errorf("%s: honest label %d for row %d (true %d)", mech, c.label, c.row, pool.Y[c.row])
			}
		}
		// Flipper: each row once, wrong label (two classes: the other one).
		rowsOnce("flipper", byAgent[1], r.agents[1].rows)
		for _, c := range byAgent[1] {
			if c.label != 1-pool.Y[c.row] {
				t.Errorf("%s: flipper label %d for row %d (true %d)", mech, c.label, c.row, pool.Y[c.row])
			}
		}
		// Spammer: 3 bursts of its 2 rows, one second apart, true labels.
		s := byAgent[2]
		if len(s) != 6 {
			t.Fatalf("%s: spammer made %d contributions", mech, len(s))
		}
		for k, c := range s {
			if c.row != r.agents[2].rows[k%2] || c.label != pool.Y[c.row] {
				t.Errorf("%s: spammer contribution %d: row %d label %d", mech, k, c.row, c.label)
			}
			if k%2 == 1 && c.time != s[k-1].time+1 {
				t.Errorf("%s: spammer burst: times %d, %d", mech, s[k-1].time, c.time)
			}
		}
		// Copier: each row once, labelled with the model's prediction, which on these
		// separated classes is the true label.
		rowsOnce("copier", byAgent[3], r.agents[3].rows)
		for _, c := range byAgent[3] {
			if c.label != pool.Y[c.row] {
				t.Errorf("%s: copier label %d for row %d", mech, c.label, c.row)
			}
		}
		sums := res.Agents
		// The poor flipper cannot pay (except under Points, where nothing is paid).
		if poor := sums[4]; mech == Points && poor.Accepted != 1 || mech != Points && (poor.Accepted != 0 || poor.Skipped != 1) {
			t.Errorf("%s: poor flipper: accepted %d, skipped %d", mech, poor.Accepted, poor.Skipped)
		}
		if len(res.Series) < res.Contributions {
			t.Errorf("%s: %d points for %d contributions with a point after each", mech, len(res.Series), res.Contributions)
		}
		switch mech {
		case DRT:
			// Deposits: ⌊3600/max(1, ⌊√Δt⌋)⌋ with Δt from the previous contribution (from 0).
			prev := int64(0)
			for _, c := range r.contribs {
				d := int64(fixed.Isqrt(uint64(c.time - prev)))
				if want := 3600 / max(d, 1); c.paid != want {
					t.Errorf("contribution at %d (previous %d): deposit %d, want %d", c.time, prev, c.paid, want)
				}
				prev = c.time
			}
			var taken, took int64
			for i, a := range sums {
				taken += a.TakenFrom
				took += a.TakenBy
				switch i {
				case 0, 2, 3: // the model agrees with them: all refunded
					if a.Validated != a.Accepted || a.Returned != a.Paid || a.TakenFrom != 0 || a.Reported != 0 {
						t.Errorf("DRT: %s: %+v", a.Name, a)
					}
				case 1: // the model never agrees: all lost, to reporters or the owner
					if a.Validated != 0 || a.Returned != 0 || a.TakenFrom+a.OwnerClaimed != a.Paid || a.Paid == 0 {
						t.Errorf("DRT: flipper: %+v", a)
					}
				}
			}
			if taken != took || res.OwnerFinal != res.OwnerStart+sums[1].OwnerClaimed || sums[1].Change != -sums[1].Paid {
				t.Errorf("DRT: taken %d, took %d; owner %d → %d; flipper %+v", taken, took, res.OwnerStart, res.OwnerFinal, sums[1])
			}
		case Points:
			reports := 0
			for i, a := range sums {
				reports += a.Reports
				if i != 1 && i != 4 && (a.Validated != a.Accepted || a.Reported != 0) {
					t.Errorf("Points: %s: %+v", a.Name, a)
				}
				if a.Final != int64(a.Validated+a.Reports-a.Reported) {
					t.Errorf("Points: %s: %d points, want %d + %d − %d", a.Name, a.Final, a.Validated, a.Reports, a.Reported)
				}
			}
			if f := sums[1]; f.Validated != 0 || f.Reported+sums[4].Reported != reports {
				t.Errorf("Points: flipper %+v; %d reports in all", f, reports)
			}
		case Market:
			// No contribution changes a prediction: every score is 0, so every
			// contribution gets exactly its stake back and the provider its bounty.
			for _, a := range sums {
				if a.Returned != a.Paid || a.Change != 0 {
					t.Errorf("market: %s: %+v", a.Name, a)
				}
			}
			if res.OwnerFinal != res.OwnerStart || res.MarketCorrect != 20 || res.MarketPasses != 1 {
				t.Errorf("market: owner %d → %d, market model %d, %d passes", res.OwnerStart, res.OwnerFinal, res.MarketCorrect, res.MarketPasses)
			}
		}
	}
}

// naiveScores replays live from a copy of initial, re-evaluating on test after each.
func naiveScores(t *testing.T, initial model.Model, pool *dataset.Dataset, cs []contrib, live []int, test *dataset.Dataset) []int64 {
	m := initial.Clone()
	prev, err := m.Evaluate(test)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]int64, len(live))
	for j, id := range live {
		if err := m.Update(pool.Row(cs[id].row), int(cs[id].label)); err != nil {
			t.Fatal(err)
		}
		now, _ := m.Evaluate(test)
		out[j] = int64(now - prev)
		prev = now
	}
	return out
}

// TestScorerCache: the scorer's resumed replays equal fresh replays for any sequence
// of shrinking live lists.
func TestScorerCache(t *testing.T) {
	pool, test := digits(t)
	test = firstRows(t, test, 100)
	for _, fam := range []model.Family{model.Perceptron, model.Centroid, model.KNN} {
		cfg := model.Config{Family: fam, Dims: pool.Dims, Classes: pool.Classes, ScaleExp: pool.ScaleExp, Bound: 16}
		initial, err := model.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 30; i++ {
			if err := initial.Update(pool.Row(i), int(pool.Y[i])); err != nil {
				t.Fatal(err)
			}
		}
		var cs []contrib
		for i := 30; i < 230; i++ {
			label := pool.Y[i]
			if i%4 == 0 {
				label = (label + 3) % int32(pool.Classes)
			}
			cs = append(cs, contrib{row: i, label: label})
		}
		scorer, err := newMarketScorer(initial, test, pool, &cs)
		if err != nil {
			t.Fatal(err)
		}
		live := make([]int, len(cs))
		for i := range live {
			live[i] = i
		}
		r := newTestRand(uint64(fam))
		for pass := 0; len(live) > 0; pass++ {
			got, err := scorer.Score(live)
			if err != nil {
				t.Fatal(err)
			}
			if want := naiveScores(t, initial, pool, cs, live, test); !reflect.DeepEqual(got, want) {
				t.Fatalf("%s pass %d (%d live): cached scores differ from a fresh replay", fam, pass, len(live))
			}
			if pass == 0 { // and from engine/value's sequential marginal scores
				rows := make([]int, len(live))
				for j, id := range live {
					rows[j] = cs[id].row
				}
				train, err := pool.Subset(rows)
				if err != nil {
					t.Fatal(err)
				}
				for j, id := range live {
					train.Y[j] = cs[id].label
				}
				v, err := value.MarginalFrom(initial, train, test)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, v.Num) {
					t.Fatalf("%s: scores differ from value.MarginalFrom", fam)
				}
			}
			// Drop 1–40 contributions at random positions (sometimes near the start).
			drop := 1 + r.Intn(40)
			for k := 0; k < drop && len(live) > 0; k++ {
				j := r.Intn(len(live))
				if pass%5 == 4 {
					j = r.Intn(min(len(live), 3))
				}
				live = append(live[:j], live[j+1:]...)
			}
			if pass > 8 {
				break
			}
		}
	}
}

// TestProgress: the callback counts up to total and ends with (total, total).
func TestProgress(t *testing.T) {
	c := tinyConfig(DRT)
	var calls [][2]int
	c.Progress = func(done, total int) { calls = append(calls, [2]int{done, total}) }
	res := mustRun(t, c)
	planned := 0
	for _, a := range res.Agents {
		planned += a.Planned
	}
	if len(calls) != planned+1 {
		t.Fatalf("%d calls for %d planned submissions", len(calls), planned)
	}
	for i, cl := range calls {
		if cl[1] != planned+1 || cl[0] != min(i+1, planned+1) {
			t.Fatalf("call %d: %v", i, cl)
		}
	}
	c.Progress = nil
	if again := mustRun(t, c); !reflect.DeepEqual(again, res) {
		t.Error("Progress changed the result")
	}
}

// TestSeries: points are in time order, time checkpoints fall every CheckpointEvery
// seconds, and the last point is the end.
func TestSeries(t *testing.T) {
	c := tinyConfig(Points)
	c.CheckpointContributions = -1
	c.CheckpointEvery = Day
	res := mustRun(t, c)
	want := int(res.EndTime/Day) + 1
	if res.EndTime%Day != 0 {
		want++
	}
	if len(res.Series) != want {
		t.Fatalf("%d points over %d s, want %d", len(res.Series), res.EndTime, want)
	}
	for i, p := range res.Series[:len(res.Series)-1] {
		if p.Time != int64(i)*Day || len(p.Balances) != len(c.Agents) || p.Correct != 20 {
			t.Errorf("point %d: %+v", i, p)
		}
	}
	if last := res.Series[len(res.Series)-1]; last.Time != res.EndTime || last.Contributions != res.Contributions {
		t.Errorf("last point %+v, end %d, %d contributions", last, res.EndTime, res.Contributions)
	}
}

func TestValidation(t *testing.T) {
	cases := []struct {
		name string
		edit func(c *Config)
		want string
	}{
		{"no pool", func(c *Config) { c.Pool = nil }, "Pool and Test"},
		{"mismatch", func(c *Config) {
			c.Test = &dataset.Dataset{Kind: dataset.Dense, Dims: 2, Classes: 2, X: []int32{1, 2}, Y: []int32{0}}
		}, "differ"},
		{"empty test", func(c *Config) { c.Test = &dataset.Dataset{Kind: dataset.Dense, Dims: 1, Classes: 2} }, "at least one"},
		{"family", func(c *Config) { c.Model.Family = 9 }, "model"},
		{"dims", func(c *Config) { c.Model.Dims = 3 }, "does not match"},
		{"bound", func(c *Config) { c.Model.Bound = 5 }, "above the model's Bound"},
		{"mechanism", func(c *Config) { c.Mechanism = 0 }, "unknown mechanism"},
		{"duration", func(c *Config) { c.Duration = 0 }, "Duration"},
		{"initial", func(c *Config) { c.InitialNum = 3 }, "initial fraction"},
		{"initial den", func(c *Config) { c.InitialDen = 0 }, "initial fraction"},
		{"owner funds", func(c *Config) { c.OwnerFunds = -1 }, "OwnerFunds"},
		{"waits", func(c *Config) { c.DRT.RefundWait = 5 * Day }, "waits"},
		{"cost", func(c *Config) { c.DRT.CostWeight = -1 }, "CostWeight"},
		{"no agents", func(c *Config) { c.Agents = nil }, "agents"},
		{"no name", func(c *Config) { c.Agents[0].Name = "" }, "no name"},
		{"same name", func(c *Config) { c.Agents[1].Name = "h" }, "both named"},
		{"kind", func(c *Config) { c.Agents[0].Kind = 0 }, "unknown kind"},
		{"rows", func(c *Config) { c.Agents[0].Rows = 0 }, "Rows"},
		{"too many rows", func(c *Config) { c.Agents[0].Rows = 10 }, "Rows"},
		{"funds", func(c *Config) { c.Agents[0].Funds = -5 }, "Funds"},
		{"repeats", func(c *Config) { c.Agents[2].Repeats = 0 }, "Repeats"},
		{"repeats honest", func(c *Config) { c.Agents[0].Repeats = 2 }, "only for duplicate spammers"},
		{"burst", func(c *Config) { c.Duration = 1 }, "burst"},
		{"checkpoint", func(c *Config) { c.CheckpointEvery = -1 }, "CheckpointEvery"},
		{"too many points", func(c *Config) { c.CheckpointEvery = 1 }, "more than"},
		{"checkpoint count", func(c *Config) { c.CheckpointContributions = -2 }, "CheckpointContributions"},
		{"portions", func(c *Config) { c.Mechanism = Market; c.Market.Portions = 1 }, "Portions"},
		{"portions > test", func(c *Config) { c.Mechanism = Market; c.Market.Portions = 21 }, "Portions"},
		{"stake", func(c *Config) { c.Mechanism = Market; c.Market.Stake = 0 }, "stakes"},
		{"min stake", func(c *Config) { c.Mechanism = Market; c.Market.MinStake = 0 }, "stakes"},
		{"bounty", func(c *Config) { c.Mechanism = Market; c.Market.Bounty = 1001 }, "Bounty"},
	}
	for _, tc := range cases {
		c := tinyConfig(DRT)
		tc.edit(&c)
		_, err := Run(c)
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an ErrConfig naming %q", tc.name, err, tc.want)
		}
	}
	if _, err := ParseKind("saboteur"); !errors.Is(err, ErrConfig) {
		t.Errorf("ParseKind: %v", err)
	}
	if _, err := ParseMechanism("auction"); !errors.Is(err, ErrConfig) {
		t.Errorf("ParseMechanism: %v", err)
	}
	for _, k := range Kinds() {
		if got, err := ParseKind(k.String()); err != nil || got != k {
			t.Errorf("ParseKind(%q) = %v, %v", k, got, err)
		}
	}
	for _, m := range Mechanisms() {
		if got, err := ParseMechanism(m.String()); err != nil || got != m {
			t.Errorf("ParseMechanism(%q) = %v, %v", m, got, err)
		}
	}
}

// TestSparse: sparse data runs through every mechanism (sparse rows, sparse portions),
// deterministically.
func TestSparse(t *testing.T) {
	pool, test := digits(t)
	pool = firstRows(t, pool, 400)
	sp, err := pool.ToSparse()
	if err != nil {
		t.Fatal(err)
	}
	st, err := test.ToSparse()
	if err != nil {
		t.Fatal(err)
	}
	for _, mech := range Mechanisms() {
		for _, fam := range []model.Family{model.SparseCentroid, model.NaiveBayes} {
			a := mustRun(t, DefaultConfig(sp, st, fam, mech, 9))
			b := mustRun(t, DefaultConfig(sp, st, fam, mech, 9))
			if !reflect.DeepEqual(a, b) || a.Contributions == 0 || a.FinalCorrect == 0 {
				t.Errorf("%s %s: %d contributions, final %d; deterministic: %v", mech, fam, a.Contributions, a.FinalCorrect, reflect.DeepEqual(a, b))
			}
		}
	}
	// Dense and sparse forms of the same data give the same run.
	for _, mech := range Mechanisms() {
		d := mustRun(t, DefaultConfig(pool, test, model.NaiveBayes, mech, 9))
		s := mustRun(t, DefaultConfig(sp, st, model.NaiveBayes, mech, 9))
		if !reflect.DeepEqual(d.Series, s.Series) || !reflect.DeepEqual(d.Agents, s.Agents) {
			t.Errorf("%s: dense and sparse runs differ", mech)
		}
	}
}

// TestSeedTable prints, with -v only, the default runs on digits for three families and
// seeds 1–8: the numbers docs/SIMULATION.md quotes.
func TestSeedTable(t *testing.T) {
	if !testing.Verbose() {
		t.Skip("prints a table; run with -v")
	}
	pool, test := digits(t)
	t.Log("family seed | DRT: flippers' deposits lost, honest deposits returned, honest Σ change, copier validated | correct: initial, DRT, Points, market chain, market model, baseline | held-out portion: chain, market model, of | market: flippers returned/staked, honest returned/staked, passes")
	for _, fam := range []model.Family{model.Perceptron, model.Centroid, model.NaiveBayes} {
		for seed := uint64(1); seed <= 8; seed++ {
			d := mustRun(t, DefaultConfig(pool, test, fam, DRT, seed))
			p := mustRun(t, DefaultConfig(pool, test, fam, Points, seed))
			m := mustRun(t, DefaultConfig(pool, test, fam, Market, seed))
			one := func(r *Result, k Kind) KindStats { return kindTotals([]*Result{r}, k) }
			f, h, c := one(d, LabelFlipper), one(d, Honest), one(d, LazyCopier)
			mf, mh := one(m, LabelFlipper), one(m, Honest)
			t.Logf("%-11s %d | %s, %s, %+d, %d/%d | %d, %d, %d, %d, %d, %d | %d, %d, %d | %d/%d, %d/%d, %d",
				fam, seed, pct(Ratio{f.TakenFrom + f.OwnerClaimed, f.Paid}), pct(Ratio{h.Returned, h.Paid}), h.Change, c.Validated, c.Accepted,
				d.InitialCorrect, d.FinalCorrect, p.FinalCorrect, m.FinalCorrect, m.MarketCorrect, d.BaselineCorrect,
				m.HeldOutFinal, m.HeldOutMarket, m.HeldOutSize,
				mf.Returned, mf.Paid, mh.Returned, mh.Paid, m.MarketPasses)
		}
	}
}
