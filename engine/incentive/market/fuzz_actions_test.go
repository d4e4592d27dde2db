package market

import (
	"bytes"
	"testing"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/incentive"
	"github.com/meritchain/merit/engine/rng"
	"github.com/meritchain/merit/internal/fuzzcheck"
)

// runMarketActions interprets data as a market's parameters and then a sequence of
// actions in any order — every action in every phase, by any of five actors (the zero
// address among them), at a clock that mostly moves forward and sometimes back, with
// right and wrong portions, good and bad scorers — and checks after every one: a failed
// action changes nothing; money is conserved (Funded = Held + PaidOut, Funded = bounty +
// the stakes of the accepted joins, PaidOut = the amounts Collect and Reclaim returned;
// nothing is paid out of nothing: PaidOut ≤ Funded); no double claim (each contribution
// collected once, the pool reclaimed once, only by its owner); no claim before its time
// (Collect and Reclaim only once the market is Finished; End only when CanEnd; Abort
// only RevealTimeout after the end); the invariants hold and the state round-trips.
// At the end a Finished market is settled completely and must pay out exactly what it
// was funded with.
func runMarketActions(t *testing.T, data []byte) {
	if len(data) < 6 {
		return
	}
	k := 2 + int(data[0]%4)
	p := Params{
		MinStake:         1 + uint64(data[1]%50),
		MinContributions: uint64(data[2] % 4),
		MinDuration:      uint64(data[3] % 32),
		RevealTimeout:    1 + uint64(data[4]%16),
	}
	bounty := uint64(data[5]) * 97
	if data[5]&0x80 != 0 {
		bounty = ^uint64(0) >> (data[5] & 7) // near the top of uint64
	}
	data = data[6:]
	ds := make([]*dataset.Dataset, k)
	hs := make([][32]byte, k)
	for i := range ds {
		ds[i] = portion(1+i%3, int32(i))
		hs[i] = ds[i].Hash()
	}
	wrong := portion(2, 99)
	m, err := New(p, provider, bounty, hs, uint64(len(data)), 100)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	actors := []incentive.Address{{}, provider, alice, bob, carol}
	sc := &randScorer{r: rng.New(uint64(len(data)) * 31)}
	stakes := uint64(0)
	var paid uint64
	collected := map[int]bool{}
	reclaimed := false
	now := uint64(100)
	for len(data) >= 4 {
		op, who, sel, arg := data[0]%10, actors[int(data[1])%len(actors)], data[2], data[3]
		data = data[4:]
		now += uint64(arg % 16)
		if arg&0x80 != 0 && now > 0 {
			now -= uint64(arg>>4&7) % (now + 1) // sometimes try to go back in time
		}
		before := enc(t, m)
		phase := m.Phase()
		canEnd := m.CanEnd(now)
		_, _, end := m.Times()
		var amount uint64
		var err error
		switch op {
		case 0:
			d := ds[m.InitialPortion()]
			if sel&1 != 0 {
				d = wrong
			}
			err = m.RevealInitial(d, now)
		case 1:
			err = m.Cancel(who, now)
		case 2, 3:
			stake := uint64(sel) * 3
			if sel >= 0xf0 {
				stake = ^uint64(0) >> (sel & 3)
			}
			_, err = m.Join(who, [32]byte{sel}, stake, now)
			if err == nil {
				if stake < p.MinStake || who == (incentive.Address{}) {
					t.Fatalf("join by %x with stake %d accepted", who[:1], stake)
				}
				stakes += stake
			}
		case 4:
			err = m.End(now)
			if err == nil && !canEnd {
				t.Fatal("End accepted although CanEnd was false")
			}
		case 5:
			d := wrong
			if i := m.NextReveal(); i >= 0 && sel&1 == 0 {
				d = ds[i]
			}
			_, err = m.RevealNext(d)
		case 6:
			err = m.Abort(now)
			if err == nil && now-end < p.RevealTimeout {
				t.Fatalf("Abort at %d, %d s after the end %d: before its time", now, now-end, end)
			}
		case 7:
			sc.T, sc.mode = int64(m.TestRows()), int(sel%4)
			_, err = m.RunPass(sc)
		case 8:
			id := int(sel) % (m.Len() + 1)
			var c Contribution
			if id < m.Len() {
				c, _ = m.Contribution(id)
			}
			amount, err = m.Collect(id, who)
			if err == nil {
				if phase != Finished || collected[id] || who != c.Contributor || amount != c.Balance {
					t.Fatalf("Collect(%d) by %x in phase %s (collected before %v) paid %d of %+v", id, who[:1], phase, collected[id], amount, c)
				}
				collected[id] = true
			}
		case 9:
			pool := m.Bounty()
			amount, err = m.Reclaim(who)
			if err == nil {
				if phase != Finished || reclaimed || who != provider || amount != pool {
					t.Fatalf("Reclaim by %x in phase %s (reclaimed before %v) paid %d of %d", who[:1], phase, reclaimed, amount, pool)
				}
				reclaimed = true
			}
		}
		if err != nil {
			if !bytes.Equal(before, enc(t, m)) {
				t.Fatalf("failed action %d (%v) changed the market", op, err)
			}
		}
		paid += amount
		check(t, m)
		tot := m.Totals()
		if tot.Funded != bounty+stakes || tot.PaidOut != paid || tot.PaidOut > tot.Funded {
			t.Fatalf("totals %+v; reference funded %d, paid %d", tot, bounty+stakes, paid)
		}
	}
	roundTrip(t, m)
	if m.Phase() != Finished {
		return
	}
	for id := range m.Len() {
		c, _ := m.Contribution(id)
		a, err := m.Collect(id, c.Contributor)
		if collected[id] != (err != nil) {
			t.Fatalf("final Collect(%d): %v (collected before: %v)", id, err, collected[id])
		}
		paid += a
	}
	if a, err := m.Reclaim(provider); err == nil {
		paid += a
	} else if !reclaimed {
		t.Fatalf("final Reclaim: %v", err)
	}
	check(t, m)
	if paid != bounty+stakes {
		t.Fatalf("a settled market paid out %d of the %d funded", paid, bounty+stakes)
	}
}

// FuzzActions: random market action sequences (runMarketActions).
func FuzzActions(f *testing.F) {
	// Reveal the initial portion, three joins, end, reveal everything, score, collect.
	fuzzcheck.Add(f, []byte{3, 10, 3, 0, 5, 100,
		0, 1, 0, 1, 2, 2, 20, 1, 3, 3, 30, 1, 2, 4, 40, 1, 4, 0, 0, 1,
		5, 0, 0, 0, 5, 0, 0, 0, 5, 0, 0, 0, 7, 0, 1, 0, 7, 0, 2, 0, 7, 0, 3, 0,
		8, 2, 0, 0, 8, 3, 1, 0, 8, 4, 2, 0, 8, 2, 0, 0, 9, 1, 0, 0, 9, 1, 0, 0})
	// Abort after the reveal timeout.
	fuzzcheck.Add(f, []byte{2, 1, 1, 0, 3, 7, 0, 1, 0, 0, 2, 2, 200, 1, 4, 0, 0, 1, 6, 0, 0, 15, 6, 0, 0, 15, 8, 2, 0, 0, 9, 1, 0, 0})
	// Cancel before participation; a huge bounty and a stake that overflows.
	fuzzcheck.Add(f, []byte{1, 1, 0, 0, 0, 0x85, 1, 2, 0, 0, 1, 1, 0, 0, 9, 1, 0, 0})
	fuzzcheck.Add(f, []byte{1, 1, 0, 0, 0, 0x81, 0, 1, 0, 0, 2, 2, 0xf1, 1, 3, 3, 0xf0, 1, 4, 0, 0, 1})
	f.Fuzz(func(t *testing.T, data []byte) { runMarketActions(t, data) })
}

func TestMarketActionSequences(t *testing.T) {
	// A deterministic sweep over pseudo-random action sequences (the fuzz target's body).
	x := uint64(0x9e3779b97f4a7c15)
	for range 300 {
		data := make([]byte, 6+4*120)
		for i := range data {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			data[i] = byte(x)
		}
		runMarketActions(t, data)
	}
}

// FuzzDecodeMemory: Decode allocates memory proportional to its input whatever counts
// the bytes declare (FuzzDecode checks the rest).
func FuzzDecodeMemory(f *testing.F) {
	for _, m := range sampleMarkets(f) {
		b := enc(f, m)
		fuzzcheck.Add(f, b)
		// Each u32/u64 field in turn set to a huge count.
		for off := 6; off+4 <= len(b) && off < 200; off += 4 {
			c := bytes.Clone(b)
			copy(c[off:], []byte{0xff, 0xff, 0xff, 0x0f})
			f.Add(c)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzcheck.Bounded(t, "Decode", len(b), 16, 64<<10, func() { Decode(b) })
	})
}
