package drt

import (
	"bytes"
	"errors"
	"testing"

	"github.com/meritchain/merit/engine/incentive"
	"github.com/meritchain/merit/internal/fuzzcheck"
)

// runActions interprets data as a sequence of DRT actions and checks, after each one,
// the mechanism against an independent account of the rules: failed actions change
// nothing; successful ones respect their waits; nobody refunds or reports twice; every
// amount is what the reference bookkeeping expects; money is conserved; invariants hold.
func runActions(t *testing.T, data []byte) *State {
	if len(data) < 4 {
		return nil
	}
	p := Params{
		CostWeight: uint64(data[0] % 4),
		RefundWait: uint64(data[1] % 8),
		Owner:      owner,
	}
	p.OwnerWait = p.RefundWait + uint64(data[2]%8)
	p.AnyAddressWait = p.OwnerWait + uint64(data[3]%8)
	data = data[4:]
	s, err := New(p, 0)
	if err != nil {
		t.Fatal(err)
	}
	actors := []incentive.Address{owner, alice, bob, carol, dave}
	type ref struct {
		initial, remaining uint64
		added              uint64
		contributor        incentive.Address
		claimed            map[incentive.Address]bool
		refunded, taken    bool
	}
	var refs []*ref
	validated := map[incentive.Address]uint64{}
	var total, deposited, paid uint64
	now := uint64(0)
	for len(data) >= 4 {
		op, who, sel, arg := data[0], actors[int(data[1])%len(actors)], int(data[2]), data[3]
		data = data[4:]
		now += uint64(arg % 16)
		if arg&0x80 != 0 && now > 0 {
			now-- // sometimes try to go back in time
		}
		before, _ := s.MarshalBinary()
		var id uint64
		var r *ref
		if len(refs) > 0 {
			id = uint64(sel % len(refs))
			r = refs[id]
		}
		agrees := arg&0x40 != 0
		var amount uint64
		var err error
		kind := op % 4
		switch kind {
		case 0: // add
			dep := uint64(sel) * uint64(1+arg%4) * 500
			var got uint64
			got, err = s.Add(who, hashOf(byte(sel)), int32(op), now, dep)
			if err == nil {
				if got != uint64(len(refs)) || dep == 0 {
					t.Fatalf("add: id %d, deposit %d", got, dep)
				}
				refs = append(refs, &ref{initial: dep, remaining: dep, added: now, contributor: who, claimed: map[incentive.Address]bool{}})
				deposited += dep
			}
		case 1:
			if r == nil {
				continue
			}
			amount, err = s.Refund(id, who, now, agrees)
			if err == nil {
				if who != r.contributor || r.refunded || r.taken || now-r.added < p.RefundWait || !agrees || amount != r.remaining || amount != r.initial {
					t.Fatalf("refund accepted against the rules: %+v, now %d, amount %d", r, now, amount)
				}
				r.refunded = true
				validated[who]++
				total++
			}
		case 2:
			if r == nil {
				continue
			}
			amount, err = s.Report(id, who, now, agrees)
			if err == nil {
				want := r.initial * validated[who] / total // small numbers: no overflow
				if want == 0 || want > r.remaining {
					want = r.remaining
				}
				if who == r.contributor || r.claimed[who] || now-r.added < p.RefundWait || agrees || validated[who] == 0 || amount != want || amount == 0 {
					t.Fatalf("report accepted against the rules: %+v, now %d, amount %d", r, now, amount)
				}
				r.taken = true
			}
		case 3:
			if r == nil {
				continue
			}
			amount, err = s.Claim(id, who, now)
			if err == nil {
				el := now - r.added
				if !(el >= p.AnyAddressWait || who == owner && el >= p.OwnerWait) || amount != r.remaining || amount == 0 {
					t.Fatalf("claim accepted against the rules: %+v, now %d, amount %d", r, now, amount)
				}
				r.taken = true
			}
		}
		if err != nil {
			after, _ := s.MarshalBinary()
			if !bytes.Equal(before, after) {
				t.Fatalf("failed action %d (%v) changed the state", kind, err)
			}
			continue
		}
		if kind != 0 {
			if amount > r.remaining {
				t.Fatalf("paid %d of %d remaining", amount, r.remaining)
			}
			r.remaining -= amount
			r.claimed[who] = true
			paid += amount
		}
		tot := s.Totals()
		if tot.Deposited != deposited || tot.PaidOut != paid || tot.Deposited != tot.PaidOut+tot.Claimable {
			t.Fatalf("totals %+v, reference deposited %d paid %d", tot, deposited, paid)
		}
		if err := s.CheckInvariants(); err != nil {
			t.Fatal(err)
		}
	}
	for i, r := range refs {
		c, _ := s.Contribution(uint64(i))
		if c.Remaining != r.remaining || c.Refunded != r.refunded || len(c.ClaimedBy) != len(r.claimed) {
			t.Fatalf("contribution %d: %+v, reference %+v", i, c, r)
		}
	}
	b, _ := s.MarshalBinary()
	d, err := Decode(b)
	if err != nil {
		t.Fatalf("decode of a reachable state: %v", err)
	}
	if b2, _ := d.MarshalBinary(); !bytes.Equal(b, b2) {
		t.Fatal("round trip differs")
	}
	return s
}

func FuzzActions(f *testing.F) {
	f.Add([]byte{1, 3, 2, 5, 0, 1, 4, 2, 1, 1, 0, 0x4f, 0, 2, 9, 0, 2, 1, 0, 0x0f})
	f.Add(bytes.Repeat([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 20))
	f.Add([]byte{0, 0, 0, 0, 0, 2, 1, 1, 1, 2, 0, 0x40, 0, 1, 3, 5, 2, 2, 1, 0, 3, 0, 1, 15, 3, 3, 1, 15})
	f.Fuzz(func(t *testing.T, data []byte) { runActions(t, data) })
}

func TestActionSequences(t *testing.T) {
	// A deterministic sweep over pseudo-random action sequences (the fuzz target's body).
	x := uint64(0x9e3779b97f4a7c15)
	for seq := 0; seq < 300; seq++ {
		data := make([]byte, 4+4*200)
		for i := range data {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			data[i] = byte(x)
		}
		runActions(t, data)
	}
}

func FuzzDecode(f *testing.F) {
	b, _ := sampleState(f).MarshalBinary()
	f.Add(b)
	e, _ := New(params(), 5)
	eb, _ := e.MarshalBinary()
	f.Add(eb)
	f.Add(b[:len(b)-3])
	huge := bytes.Clone(eb)
	huge[len(huge)-1] = 0x10 // a count of 2^60 in no bytes
	fuzzcheck.Add(f, huge)
	f.Fuzz(func(t *testing.T, b []byte) {
		// Memory proportional to the input, whatever counts the bytes declare.
		var s *State
		var err error
		fuzzcheck.Bounded(t, "Decode", len(b), 16, 64<<10, func() { s, err = Decode(b) })
		if err != nil {
			if !errors.Is(err, incentive.ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if err := s.CheckInvariants(); err != nil {
			t.Fatalf("decoded state breaks invariants: %v", err)
		}
		out, _ := s.MarshalBinary()
		if !bytes.Equal(out, b) {
			t.Fatal("accepted a non-canonical encoding")
		}
	})
}
