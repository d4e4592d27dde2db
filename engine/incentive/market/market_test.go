package market

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/incentive"
	"github.com/meritchain/merit/engine/rng"
)

func addr(b byte) incentive.Address { return incentive.Address{b} }

var (
	provider = addr(0xaa)
	alice    = addr(1)
	bob      = addr(2)
	carol    = addr(3)
)

// portion returns a small valid dataset with rows rows; tag makes it unique.
func portion(rows int, tag int32) *dataset.Dataset {
	d := &dataset.Dataset{Kind: dataset.Dense, Dims: 2, Classes: 2}
	for i := 0; i < rows; i++ {
		d.Y = append(d.Y, int32(i%2))
		d.X = append(d.X, tag, int32(i))
	}
	return d
}

func portions(rows ...int) ([]*dataset.Dataset, [][32]byte) {
	var ds []*dataset.Dataset
	var hs [][32]byte
	for i, r := range rows {
		d := portion(r, int32(i))
		ds = append(ds, d)
		hs = append(hs, d.Hash())
	}
	return ds, hs
}

func enc(t testing.TB, m *Market) []byte {
	b, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func expectErr(t testing.TB, m *Market, want error, f func() error) {
	t.Helper()
	before := enc(t, m)
	err := f()
	if !errors.Is(err, want) {
		t.Fatalf("error %v, want %v", err, want)
	}
	if !bytes.Equal(before, enc(t, m)) {
		t.Fatalf("failed action (%v) changed the market", err)
	}
	if err := m.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}

// scorer returns scripted scores per pass and records the live sets it was asked about.
type scorer struct {
	passes [][]int64
	calls  [][]int
	err    error
}

func (s *scorer) Score(live []int) ([]int64, error) {
	if s.err != nil {
		return nil, s.err
	}
	s.calls = append(s.calls, append([]int(nil), live...))
	return s.passes[len(s.calls)-1], nil
}

var params = Params{MinStake: 10, MinContributions: 3, MinDuration: 100, RevealTimeout: 50}

// openMarket returns a market in phase Participation with 3 portions of 4, 6, 4 rows.
func openMarket(t testing.TB, bounty uint64) (*Market, []*dataset.Dataset) {
	ds, hs := portions(4, 6, 4)
	m, err := New(params, provider, bounty, hs, 42, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.RevealInitial(ds[m.InitialPortion()], 1000); err != nil {
		t.Fatal(err)
	}
	return m, ds
}

func revealAll(t testing.TB, m *Market, ds []*dataset.Dataset) {
	for m.Phase() == Reveal {
		if _, err := m.RevealNext(ds[m.NextReveal()]); err != nil {
			t.Fatal(err)
		}
	}
}

func TestNewChecks(t *testing.T) {
	_, hs := portions(1, 1, 1)
	cases := []struct {
		p    Params
		prov incentive.Address
		hs   [][32]byte
		want error
	}{
		{params, provider, hs[:1], incentive.ErrBadParams},
		{params, provider, nil, incentive.ErrBadParams},
		{params, provider, make([][32]byte, MaxPortions+1), incentive.ErrBadParams},
		{Params{MinStake: 0, RevealTimeout: 1}, provider, hs, incentive.ErrBadParams},
		{Params{MinStake: 1, RevealTimeout: 0}, provider, hs, incentive.ErrBadParams},
		{params, incentive.Address{}, hs, incentive.ErrZeroAddress},
	}
	for i, c := range cases {
		if _, err := New(c.p, c.prov, 5, c.hs, 1, 0); !errors.Is(err, c.want) {
			t.Errorf("case %d: %v, want %v", i, err, c.want)
		}
	}
	if _, err := New(params, provider, 5, make([][32]byte, MaxPortions), 1, 0); err != nil {
		t.Error(err)
	}
}

func TestInitialPortionFromSeed(t *testing.T) {
	seen := map[int]bool{}
	for seed := uint64(0); seed < 200; seed++ {
		i := InitialIndex(seed, 5)
		if i != int(rng.New(seed).Uintn(5)) || i != InitialIndex(seed, 5) {
			t.Fatal("not the first Uintn draw of the seed")
		}
		seen[i] = true
	}
	if len(seen) != 5 {
		t.Fatalf("indices drawn: %v", seen)
	}
	_, hs := portions(1, 2, 3, 4, 5)
	m1, _ := New(params, provider, 0, hs, 7, 0)
	m2, _ := New(params, provider, 0, hs, 7, 99)
	if m1.InitialPortion() != m2.InitialPortion() || m1.InitialPortion() != InitialIndex(7, 5) {
		t.Fatal("same seed, different portion")
	}
	sc := m1.ScoringPortions()
	if len(sc) != 4 {
		t.Fatal(sc)
	}
	for _, i := range sc {
		if i == m1.InitialPortion() {
			t.Fatal("initial portion used for scoring")
		}
	}
}

func TestHashMismatch(t *testing.T) {
	ds, hs := portions(4, 6, 4)
	m, _ := New(params, provider, 100, hs, 42, 1000)
	init := m.InitialPortion()
	other := (init + 1) % 3
	expectErr(t, m, incentive.ErrHashMismatch, func() error { return m.RevealInitial(ds[other], 1000) })
	expectErr(t, m, incentive.ErrHashMismatch, func() error { return m.RevealInitial(nil, 1000) })
	bad := portion(2, 0)
	bad.Y[0] = 7 // invalid label: not a valid dataset
	expectErr(t, m, incentive.ErrHashMismatch, func() error { return m.RevealInitial(bad, 1000) })
	expectErr(t, m, incentive.ErrClockBackwards, func() error { return m.RevealInitial(ds[init], 999) })
	if err := m.RevealInitial(ds[init], 1000); err != nil {
		t.Fatal(err)
	}
	for _, a := range []incentive.Address{alice, bob, carol} {
		if _, err := m.Join(a, [32]byte{a[0]}, 10, 1001); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.End(1001); err != nil {
		t.Fatal(err)
	}
	next := m.NextReveal()
	wrong := ds[init]
	expectErr(t, m, incentive.ErrHashMismatch, func() error { _, err := m.RevealNext(wrong); return err })
	// A modified copy of the right portion is rejected too.
	mod := portion(ds[next].Len(), int32(next))
	mod.X[1]++
	expectErr(t, m, incentive.ErrHashMismatch, func() error { _, err := m.RevealNext(mod); return err })
	if i, err := m.RevealNext(ds[next]); err != nil || i != next {
		t.Fatal(i, err)
	}
}

func TestEndConditions(t *testing.T) {
	// Neither condition: refused. Minimum count reached: allowed.
	m, _ := openMarket(t, 100)
	m.Join(alice, [32]byte{}, 10, 1010)
	m.Join(bob, [32]byte{}, 10, 1020)
	expectErr(t, m, incentive.ErrCannotEnd, func() error { return m.End(1099) })
	m.Join(carol, [32]byte{}, 10, 1030)
	if !m.CanEnd(1030) || m.End(1030) != nil {
		t.Fatal("three contributions should allow ending")
	}
	// Minimum duration reached exactly: allowed with fewer contributions.
	m, _ = openMarket(t, 100)
	m.Join(alice, [32]byte{}, 10, 1010)
	expectErr(t, m, incentive.ErrCannotEnd, func() error { return m.End(1099) })
	if err := m.End(1100); err != nil {
		t.Fatal(err)
	}
	// A market with no contributions can end after the duration, and finishes at once.
	m, ds := openMarket(t, 100)
	if err := m.End(1100); err != nil {
		t.Fatal(err)
	}
	revealAll(t, m, ds)
	ps, err := m.Run(&scorer{})
	if err != nil || len(ps) != 1 || !ps[0].Final || m.Phase() != Finished {
		t.Fatal(ps, err)
	}
	if got, _ := m.Reclaim(provider); got != 100 {
		t.Fatal(got)
	}
}

func TestJoinChecks(t *testing.T) {
	m, _ := openMarket(t, 100)
	expectErr(t, m, incentive.ErrStakeTooLow, func() error { _, err := m.Join(alice, [32]byte{}, 9, 1000); return err })
	expectErr(t, m, incentive.ErrZeroAddress, func() error { _, err := m.Join(incentive.Address{}, [32]byte{}, 10, 1000); return err })
	expectErr(t, m, incentive.ErrClockBackwards, func() error { _, err := m.Join(alice, [32]byte{}, 10, 999); return err })
	if id, err := m.Join(alice, [32]byte{}, 10, 1000); err != nil || id != 0 {
		t.Fatal(id, err)
	}
	expectErr(t, m, incentive.ErrOverflow, func() error { _, err := m.Join(alice, [32]byte{}, ^uint64(0)-50, 1000); return err })
}

// TestWorkedExample is the example of docs/INCENTIVES.md.
func TestWorkedExample(t *testing.T) {
	m, ds := openMarket(t, 1000)
	a, _ := m.Join(alice, [32]byte{1}, 100, 1001)
	b, _ := m.Join(bob, [32]byte{2}, 100, 1002)
	c, _ := m.Join(carol, [32]byte{3}, 50, 1003)
	if err := m.End(1003); err != nil {
		t.Fatal(err)
	}
	revealAll(t, m, ds)
	if m.Phase() != Rewards || m.TestRows() != 10 {
		t.Fatalf("phase %s, rows %d", m.Phase(), m.TestRows())
	}
	sc := &scorer{passes: [][]int64{{4, -2, 1}, {5, 1}}}
	ps, err := m.Run(sc)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 {
		t.Fatalf("%d passes", len(ps))
	}
	p1, p2 := ps[0], ps[1]
	if p1.Limit != LimitStake || p1.LimitID != b || p1.RateNum != 100 || p1.RateDen != 2 ||
		p1.Paid != 250 || p1.Taken != 100 || p1.Rounds != 500 || len(p1.Dropped) != 1 || p1.Dropped[0] != b || p1.Final {
		t.Fatalf("pass 1: %+v", p1)
	}
	if p2.Limit != LimitBudget || p2.RateNum != 500 || p2.RateDen != 10 || p2.Paid != 300 || p2.Rounds != 500 || !p2.Final {
		t.Fatalf("pass 2: %+v", p2)
	}
	// Quirk (c): each pass scored the live set of its time.
	if fmt.Sprint(sc.calls) != "[[0 1 2] [0 2]]" {
		t.Fatalf("scorer calls %v", sc.calls)
	}
	want := map[int]uint64{a: 550, b: 0, c: 150}
	for id, w := range want {
		if got, _ := m.Contribution(id); got.Balance != w {
			t.Fatalf("contribution %d: balance %d, want %d", id, got.Balance, w)
		}
	}
	if m.Bounty() != 550 || m.Budget() != 0 {
		t.Fatalf("pool %d, budget %d", m.Bounty(), m.Budget())
	}
	// Quirk (b): the dropped contribution collects its balance (0), not its stake.
	if got, err := m.Collect(b, bob); err != nil || got != 0 {
		t.Fatal(got, err)
	}
	expectErr(t, m, incentive.ErrAlreadyClaimed, func() error { _, err := m.Collect(b, bob); return err })
	expectErr(t, m, incentive.ErrNotContributor, func() error { _, err := m.Collect(a, bob); return err })
	expectErr(t, m, incentive.ErrUnknownContribution, func() error { _, err := m.Collect(9, bob); return err })
	// Quirk (a): alice's pass-1 gain (200) carried into her final balance.
	if got, _ := m.Collect(a, alice); got != 550 {
		t.Fatal(got)
	}
	if got, _ := m.Collect(c, carol); got != 150 {
		t.Fatal(got)
	}
	expectErr(t, m, incentive.ErrNotProvider, func() error { _, err := m.Reclaim(alice); return err })
	if got, _ := m.Reclaim(provider); got != 550 {
		t.Fatal(got)
	}
	expectErr(t, m, incentive.ErrAlreadyClaimed, func() error { _, err := m.Reclaim(provider); return err })
	tot := m.Totals()
	if tot.Funded != 1250 || tot.PaidOut != 1250 || tot.Held != 0 {
		t.Fatalf("%+v", tot)
	}
}

func TestScorerFailuresChangeNothing(t *testing.T) {
	m, ds := openMarket(t, 1000)
	m.Join(alice, [32]byte{1}, 100, 1001)
	m.Join(bob, [32]byte{2}, 100, 1001)
	m.Join(carol, [32]byte{3}, 100, 1001)
	m.End(1001)
	revealAll(t, m, ds)
	expectErr(t, m, incentive.ErrScorer, func() error { _, err := m.RunPass(&scorer{err: errors.New("boom")}); return err })
	bad := [][]int64{
		{1, 2},            // too few
		{1, 2, 3, 4},      // too many
		{11, 0, 0},        // > T = 10
		{-11, 0, 0},       // < −T
		{-1 << 63, 0, 0},  // MinInt64
		{0, 1<<63 - 1, 0}, // huge
	}
	for _, s := range bad {
		expectErr(t, m, incentive.ErrBadScores, func() error { _, err := m.RunPass(&scorer{passes: [][]int64{s}}); return err })
	}
	if m.Passes() != 0 {
		t.Fatal("passes counted")
	}
}

func TestAbortAndCancel(t *testing.T) {
	m, ds := openMarket(t, 1001)
	m.Join(alice, [32]byte{1}, 100, 1001)
	m.Join(bob, [32]byte{2}, 200, 1001)
	m.Join(carol, [32]byte{3}, 300, 1001)
	m.End(1010)
	m.RevealNext(ds[m.NextReveal()]) // one of two scoring portions
	expectErr(t, m, incentive.ErrTooEarly, func() error { return m.Abort(1059) })
	if err := m.Abort(1060); err != nil { // exactly RevealTimeout after the end
		t.Fatal(err)
	}
	// Shares: ⌊1001·100/600⌋ = 166, ⌊1001·200/600⌋ = 333, ⌊1001·300/600⌋ = 500; 2 left.
	for id, w := range []uint64{266, 533, 800} {
		if c, _ := m.Contribution(id); c.Balance != w {
			t.Fatalf("contribution %d: %d, want %d", id, c.Balance, w)
		}
	}
	if m.Bounty() != 2 || m.Phase() != Finished || !m.Aborted() {
		t.Fatal(m.Bounty(), m.Phase())
	}
	roundTrip(t, m)

	_, hs := portions(1, 1)
	m, _ = New(params, provider, 77, hs, 3, 5)
	expectErr(t, m, incentive.ErrNotProvider, func() error { return m.Cancel(alice, 6) })
	if err := m.Cancel(provider, 6); err != nil {
		t.Fatal(err)
	}
	roundTrip(t, m)
	if got, _ := m.Reclaim(provider); got != 77 {
		t.Fatal(got)
	}
}

func roundTrip(t testing.TB, m *Market) {
	b := enc(t, m)
	d, err := Decode(b)
	if err != nil {
		t.Fatalf("phase %s: %v", m.Phase(), err)
	}
	if !bytes.Equal(enc(t, d), b) {
		t.Fatal("round trip differs")
	}
	if d.stakes != m.stakes || d.testRows != m.testRows || d.initial != m.initial {
		t.Fatal("derived fields differ")
	}
	for n := 0; n < len(b); n += 1 + n/8 {
		if _, err := Decode(b[:n]); !errors.Is(err, incentive.ErrMalformed) {
			t.Fatalf("prefix %d accepted: %v", n, err)
		}
	}
}

func TestPassLimits(t *testing.T) {
	setup := func(bounty uint64, stakes ...uint64) *Market {
		m, ds := openMarket(t, bounty)
		for i, s := range stakes {
			if _, err := m.Join(addr(byte(i+1)), [32]byte{}, s, 1001); err != nil {
				t.Fatal(err)
			}
		}
		if err := m.End(1100); err != nil {
			t.Fatal(err)
		}
		revealAll(t, m, ds)
		return m
	}
	// Bounty limit: positive scores outweigh negative ones and the pool is small.
	m := setup(30, 100, 100)
	p, err := m.RunPass(&scorer{passes: [][]int64{{10, -1}}})
	if err != nil {
		t.Fatal(err)
	}
	// Candidates: 100/1, budget 30/10, pool 30/9 → budget 3 wins (30/10 < 30/9).
	if p.Limit != LimitBudget || !p.Final {
		t.Fatalf("%+v", p)
	}
	// Pool limit: an adversarial scorer whose net score (19) exceeds T = 10.
	m = setup(1000, 100, 100, 100)
	p, err = m.RunPass(&scorer{passes: [][]int64{{10, 10, -1}}})
	if err != nil {
		t.Fatal(err)
	}
	// Candidates 100/1, 1000/10, 1000/19: the pool's. Gains ⌊10·1000/19⌋ = 526 each,
	// loss ⌈1000/19⌉ = 53; pool 1000 + 53 − 1052 = 1; nobody dropped: final.
	if p.Limit != LimitBounty || p.RateNum != 1000 || p.RateDen != 19 || p.Paid != 1052 || p.Taken != 53 ||
		!p.Final || m.Bounty() != 1 || len(p.Dropped) != 0 {
		t.Fatalf("%+v, pool %d", p, m.Bounty())
	}
	if err := m.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
	// All scores zero: final, nothing moves, the pool returns to the provider.
	m = setup(500, 10, 10)
	p, _ = m.RunPass(&scorer{passes: [][]int64{{0, 0}}})
	if !p.Final || p.Paid != 0 || m.Bounty() != 500 {
		t.Fatalf("%+v", p)
	}
	// A contribution whose balance is below |score|: rate below 1, loses everything.
	m = setup(500, 10, 10)
	p, _ = m.RunPass(&scorer{passes: [][]int64{{3, -7}}})
	if p.Limit != LimitStake || p.RateNum != 10 || p.RateDen != 7 || p.Losses[1] != 10 || p.Gains[0] != 4 {
		t.Fatalf("%+v", p)
	}
	// Everyone dropped: final.
	m = setup(500, 10, 10)
	p, _ = m.RunPass(&scorer{passes: [][]int64{{-3, -7}}})
	// Losses ⌈3·10/7⌉ = 5 and 10: both fall below the minimum stake 10.
	if !p.Final || len(p.Dropped) != 2 || m.Bounty() != 515 {
		t.Fatalf("%+v %d", p, m.Bounty())
	}
}
