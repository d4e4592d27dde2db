package market

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/incentive"
	"github.com/meritchain/merit/engine/rng"
)

var le = binary.LittleEndian

// randScorer returns pseudo-random scores: in range and honest-looking, extreme
// (adversarial, net scores far above T), mostly negative, mostly positive — and now and
// then an error, a wrong count or an out-of-range score, which must change nothing.
type randScorer struct {
	r    *rng.Source
	T    int64
	mode int
	bad  int // number of bad answers given
}

func (s *randScorer) Score(live []int) ([]int64, error) {
	switch s.r.Intn(25) {
	case 0:
		s.bad++
		return nil, errors.New("scorer down")
	case 1:
		s.bad++
		return make([]int64, len(live)+1), nil
	case 2:
		s.bad++
		out := make([]int64, len(live))
		out[s.r.Intn(len(out))] = s.T + 1
		return out, nil
	}
	out := make([]int64, len(live))
	for i := range out {
		v := int64(s.r.Uintn(uint64(2*s.T+1))) - s.T // uniform in [−T, T]
		switch s.mode {
		case 1: // extremes
			if s.r.Intn(2) == 0 {
				v = -s.T
			} else {
				v = s.T
			}
		case 2: // mostly negative
			if v > 0 && s.r.Intn(4) != 0 {
				v = -v
			}
		case 3: // mostly positive
			if v < 0 && s.r.Intn(4) != 0 {
				v = -v
			}
		}
		out[i] = v
	}
	return out, nil
}

type action struct {
	name  string
	phase Phase
	do    func() error
}

// outOfPhase tries every action that the current phase does not allow and checks that
// each fails with ErrWrongPhase and changes nothing.
func outOfPhase(t *testing.T, m *Market, acts []action) {
	t.Helper()
	before := enc(t, m)
	for _, a := range acts {
		if a.phase == m.Phase() {
			continue
		}
		err := a.do()
		var pe *incentive.PhaseError
		if !errors.Is(err, incentive.ErrWrongPhase) || !errors.As(err, &pe) {
			t.Fatalf("%s in phase %s: %v", a.name, m.Phase(), err)
		}
		if !bytes.Equal(before, enc(t, m)) {
			t.Fatalf("%s in phase %s changed the market", a.name, m.Phase())
		}
	}
}

func check(t *testing.T, m *Market) {
	t.Helper()
	if err := m.CheckInvariants(); err != nil {
		t.Fatalf("phase %s: %v", m.Phase(), err)
	}
	tot := m.Totals()
	if tot.Funded != tot.Held+tot.PaidOut {
		t.Fatalf("money not conserved: %+v", tot)
	}
}

// coverage counts what the random markets exercised.
type coverage struct {
	limits             [4]int
	multiPass, aborted int
	cancelled, dropped int
	maxPasses          int
}

func randomMarket(t *testing.T, seed uint64, cov *coverage) {
	r := rng.New(seed)
	k := 2 + r.Intn(4)
	ds := make([]*dataset.Dataset, k)
	hs := make([][32]byte, k)
	for i := range ds {
		ds[i] = portion(r.Intn(9), int32(i))
		hs[i] = ds[i].Hash()
	}
	p := Params{
		MinStake:         1 + r.Uintn(100),
		MinContributions: r.Uintn(6),
		MinDuration:      r.Uintn(50),
		RevealTimeout:    1 + r.Uintn(20),
	}
	var bounty uint64
	switch r.Intn(3) {
	case 0:
		bounty = r.Uintn(1000)
	case 1:
		bounty = r.Uintn(1 << 40)
	default:
		bounty = r.Uintn(1 << 62)
	}
	now := r.Uintn(1 << 40)
	m, err := New(p, provider, bounty, hs, r.Uint64(), now)
	if err != nil {
		t.Fatal(err)
	}
	contributors := []incentive.Address{alice, bob, carol, addr(4), addr(5)}
	var stakes uint64
	var who []incentive.Address
	sc := &randScorer{r: rng.New(r.Uint64()), mode: r.Intn(4)}

	acts := []action{
		{"RevealInitial", Initialized, func() error { return m.RevealInitial(ds[m.InitialPortion()], now) }},
		{"Cancel", Initialized, func() error { return m.Cancel(provider, now) }},
		{"Join", Participation, func() error { _, err := m.Join(alice, [32]byte{}, p.MinStake, now); return err }},
		{"End", Participation, func() error { return m.End(now + 1<<20) }},
		{"RevealNext", Reveal, func() error { _, err := m.RevealNext(ds[0]); return err }},
		{"Abort", Reveal, func() error { return m.Abort(now + 1<<20) }},
		{"RunPass", Rewards, func() error { _, err := m.RunPass(sc); return err }},
		{"Collect", Finished, func() error { _, err := m.Collect(0, alice); return err }},
		{"Reclaim", Finished, func() error { _, err := m.Reclaim(provider); return err }},
	}
	step := func() {
		t.Helper()
		check(t, m)
		outOfPhase(t, m, acts)
		now += r.Uintn(10)
	}

	// Initialized.
	step()
	if r.Intn(10) == 0 {
		cov.cancelled++
		if err := m.Cancel(provider, now); err != nil {
			t.Fatal(err)
		}
	} else {
		wrong := portion(3, 99)
		expectErr(t, m, incentive.ErrHashMismatch, func() error { return m.RevealInitial(wrong, now) })
		if err := m.RevealInitial(ds[m.InitialPortion()], now); err != nil {
			t.Fatal(err)
		}
		// Participation.
		n := r.Intn(12)
		for i := 0; i < n; i++ {
			step()
			stake := p.MinStake + r.Uintn(1000)
			if r.Intn(4) == 0 {
				stake = p.MinStake + r.Uintn(1<<58)
			}
			a := contributors[r.Intn(len(contributors))]
			if _, err := m.Join(a, [32]byte{byte(i)}, stake, now); err != nil {
				if errors.Is(err, incentive.ErrOverflow) {
					continue
				}
				t.Fatal(err)
			}
			stakes += stake
			who = append(who, a)
		}
		step()
		if !m.CanEnd(now) {
			expectErr(t, m, incentive.ErrCannotEnd, func() error { return m.End(now) })
			_, start, _ := m.Times()
			now = max(now, start+p.MinDuration)
		}
		if err := m.End(now); err != nil {
			t.Fatal(err)
		}
		_, _, end := m.Times()
		// Reveal.
		abort := r.Intn(6) == 0
		for m.Phase() == Reveal {
			step()
			if abort {
				if now-end < p.RevealTimeout {
					expectErr(t, m, incentive.ErrTooEarly, func() error { return m.Abort(now) })
					now = end + p.RevealTimeout
				}
				if err := m.Abort(now); err != nil {
					t.Fatal(err)
				}
				cov.aborted++
				break
			}
			i := m.NextReveal()
			if r.Intn(3) == 0 {
				wrong := ds[(i+1)%k]
				if wrong.Hash() != hs[i] {
					expectErr(t, m, incentive.ErrHashMismatch, func() error { _, err := m.RevealNext(wrong); return err })
				}
			}
			if _, err := m.RevealNext(ds[i]); err != nil {
				t.Fatal(err)
			}
		}
		// Rewards.
		sc.T = int64(m.TestRows())
		live0 := len(m.Live())
		good := 0
		for m.Phase() == Rewards {
			step()
			ps, err := m.RunPass(sc)
			if err != nil {
				if !errors.Is(err, incentive.ErrScorer) && !errors.Is(err, incentive.ErrBadScores) {
					t.Fatal(err)
				}
				continue
			}
			good++
			cov.limits[ps.Limit]++
			cov.dropped += len(ps.Dropped)
			cov.maxPasses = max(cov.maxPasses, good)
			if good == 2 {
				cov.multiPass++
			}
			if good > live0+1 {
				t.Fatalf("%d passes for %d contributions", good, live0)
			}
			if !ps.Final && len(ps.Dropped) == 0 {
				t.Fatal("a non-final pass dropped nothing")
			}
			var neg bool
			for _, s := range ps.Scores {
				neg = neg || s < 0
			}
			if !ps.Final && !neg {
				t.Fatal("a pass without negative scores was not final")
			}
			if sc.bad > 1000 {
				t.Fatal("scorer keeps failing")
			}
		}
		if m.Passes() != good {
			t.Fatalf("passes %d, successful %d", m.Passes(), good)
		}
	}
	// Finished: everyone collects, the provider reclaims.
	step()
	if m.Phase() != Finished {
		t.Fatalf("phase %s", m.Phase())
	}
	var out uint64
	for id, a := range who {
		got, err := m.Collect(id, a)
		if err != nil {
			t.Fatal(err)
		}
		out += got
		check(t, m)
	}
	got, err := m.Reclaim(provider)
	if err != nil {
		t.Fatal(err)
	}
	out += got
	check(t, m)
	if out != bounty+stakes {
		t.Fatalf("paid out %d, funded %d", out, bounty+stakes)
	}
	roundTrip(t, m)
}

func TestRandomMarkets(t *testing.T) {
	n := 1500
	if testing.Short() {
		n = 50
	}
	var cov coverage
	for seed := uint64(0); seed < uint64(n); seed++ {
		randomMarket(t, seed, &cov)
	}
	t.Logf("%+v", cov)
	// The random markets must reach every kind of pass and every ending.
	for l, c := range cov.limits {
		if c == 0 {
			t.Errorf("no pass limited by %s", Limit(l))
		}
	}
	if cov.multiPass == 0 || cov.aborted == 0 || cov.cancelled == 0 || cov.maxPasses < 4 {
		t.Errorf("coverage too thin: %+v", cov)
	}
}

func FuzzMarket(f *testing.F) {
	for s := uint64(0); s < 8; s++ {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, seed uint64) { randomMarket(t, seed, &coverage{}) })
}

// sampleMarkets returns markets in every phase, for the decoder's seed corpus.
func sampleMarkets(t testing.TB) []*Market {
	var out []*Market
	ds, hs := portions(4, 6, 4)
	m, _ := New(params, provider, 1000, hs, 42, 1000)
	out = append(out, m)
	m, _ = openMarket(t, 1000)
	m.Join(alice, [32]byte{1}, 100, 1001)
	m.Join(bob, [32]byte{2}, 100, 1002)
	out = append(out, m)
	m, _ = openMarket(t, 1000)
	m.Join(alice, [32]byte{1}, 100, 1001)
	m.Join(bob, [32]byte{2}, 100, 1002)
	m.Join(carol, [32]byte{3}, 50, 1003)
	m.End(1003)
	m.RevealNext(ds[m.NextReveal()])
	out = append(out, m)
	m, _ = openMarket(t, 1000)
	m.Join(alice, [32]byte{1}, 100, 1001)
	m.Join(bob, [32]byte{2}, 100, 1002)
	m.Join(carol, [32]byte{3}, 50, 1003)
	m.End(1003)
	revealAll(t, m, ds)
	out = append(out, m)
	m, _ = openMarket(t, 1000)
	m.Join(alice, [32]byte{1}, 100, 1001)
	m.Join(bob, [32]byte{2}, 100, 1002)
	m.Join(carol, [32]byte{3}, 50, 1003)
	m.End(1003)
	revealAll(t, m, ds)
	m.RunPass(&scorer{passes: [][]int64{{4, -2, 1}}})
	out = append(out, m)
	m, _ = openMarket(t, 1000)
	m.Join(alice, [32]byte{1}, 100, 1001)
	m.Join(bob, [32]byte{2}, 100, 1002)
	m.Join(carol, [32]byte{3}, 50, 1003)
	m.End(1003)
	revealAll(t, m, ds)
	m.Run(&scorer{passes: [][]int64{{4, -2, 1}, {5, 1}}})
	m.Collect(0, alice)
	out = append(out, m)
	return out
}

func TestEncodingEveryPhase(t *testing.T) {
	for _, m := range sampleMarkets(t) {
		check(t, m)
		roundTrip(t, m)
	}
	// Single-field corruptions are rejected.
	ms := sampleMarkets(t)
	good := enc(t, ms[len(ms)-1])
	const (
		phaseOff = 6 + 32 + 20 + 8 + 24
		flagsOff = phaseOff + 1
		poolOff  = 6 + 32 + 20 + 8 + 8
	)
	muts := map[string]func(b []byte){
		"phase 0":       func(b []byte) { b[phaseOff] = 0 },
		"phase 6":       func(b []byte) { b[phaseOff] = 6 },
		"phase back":    func(b []byte) { b[phaseOff] = byte(Reveal) },
		"flag bits":     func(b []byte) { b[flagsOff] = 8 },
		"both flags":    func(b []byte) { b[flagsOff] = 6 },
		"pool +1":       func(b []byte) { b[poolOff]++ },
		"min stake 0":   func(b []byte) { copy(b[6:14], make([]byte, 8)) },
		"zero provider": func(b []byte) { copy(b[38:58], make([]byte, 20)) },
		"trailing":      nil,
	}
	for name, f := range muts {
		b := append([]byte(nil), good...)
		if f == nil {
			b = append(b, 0)
		} else {
			f(b)
		}
		if _, err := Decode(b); !errors.Is(err, incentive.ErrMalformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// In phase Participation only the seed-drawn portion is revealed: a seed that draws
	// another portion is rejected.
	b := enc(t, ms[1])
	for x := uint64(1); ; x++ {
		seed := ms[1].Seed() ^ x
		if InitialIndex(seed, 3) != ms[1].InitialPortion() {
			le.PutUint64(b[58:66], seed)
			break
		}
	}
	if _, err := Decode(b); !errors.Is(err, incentive.ErrMalformed) {
		t.Errorf("seed: %v", err)
	}
}

func FuzzDecode(f *testing.F) {
	for _, m := range sampleMarkets(f) {
		f.Add(enc(f, m))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Decode(b)
		if err != nil {
			if !errors.Is(err, incentive.ErrMalformed) {
				t.Fatal(err)
			}
			return
		}
		if err := m.CheckInvariants(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(enc(t, m), b) {
			t.Fatal("non-canonical encoding accepted")
		}
		tot := m.Totals()
		if tot.Funded != tot.Held+tot.PaidOut {
			t.Fatal("decoded market does not conserve money")
		}
	})
}
