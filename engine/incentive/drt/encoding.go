package drt

import (
	"github.com/meritchain/merit/engine/incentive"
	"github.com/meritchain/merit/engine/incentive/internal/rules"
	"github.com/meritchain/merit/engine/internal/wire"
)

// The canonical encoding, version 1 (docs/INCENTIVES.md, "DRT state"). All integers are
// little-endian.
//
//	magic "MDRT", version u16 = 1
//	CostWeight u64, RefundWait u64, OwnerWait u64, AnyAddressWait u64, Owner [20]
//	created u64, clock u64
//	n u64, then n contributions in id order:
//	  contributor [20], dataHash [32], label i32, added u64,
//	  initial u64, remaining u64, refunded u8,
//	  m u32, then m claimed-by addresses [20] in ascending order
//
// Totals, the validated tally and the deposit reference time are derived, not encoded.
const (
	magic   = "MDRT"
	version = 1

	headerLen  = 6 + 4*8 + incentive.AddressLen + 2*8
	contribMin = incentive.AddressLen + 32 + 4 + 3*8 + 1 + 4
)

// MarshalBinary returns the state's canonical encoding. It never fails.
func (s *State) MarshalBinary() ([]byte, error) {
	size := headerLen + 8 + contribMin*len(s.cs)
	for i := range s.cs {
		size += incentive.AddressLen * len(s.cs[i].claimedBy)
	}
	w := wire.NewWriter(magic, version, size)
	w.U64(s.p.CostWeight)
	w.U64(s.p.RefundWait)
	w.U64(s.p.OwnerWait)
	w.U64(s.p.AnyAddressWait)
	w.Addr(s.p.Owner)
	w.U64(s.created)
	w.U64(s.clock)
	w.U64(uint64(len(s.cs)))
	for i := range s.cs {
		c := &s.cs[i]
		w.Addr(c.contributor)
		w.Hash(c.dataHash)
		w.I32(c.label)
		w.U64(c.added)
		w.U64(c.initial)
		w.U64(c.remaining)
		w.Bool(c.refunded)
		w.U32(uint32(len(c.claimedBy)))
		for _, a := range c.claimedBy {
			w.Addr(a)
		}
	}
	return w.Out(), nil
}

// Decode parses a canonical encoding. It returns an error wrapping
// incentive.ErrMalformed, and never panics, for anything that is not the encoding of a
// state the API can reach (as far as the state shows): wrong magic or version,
// truncation, trailing bytes, invalid parameters, zero addresses, contributions out of
// time order or below the minimum deposit of their time, remaining > initial, claimed-by
// sets unsorted or inconsistent with the amount taken, refunded contributions not
// claimed exactly by their contributor, totals out of range, a clock before the last
// contribution. Counts are checked against the bytes left before anything is allocated.
func Decode(b []byte) (*State, error) {
	r := wire.NewReader(b, magic, version)
	var p Params
	p.CostWeight = r.U64()
	p.RefundWait = r.U64()
	p.OwnerWait = r.U64()
	p.AnyAddressWait = r.U64()
	p.Owner = r.Addr()
	created, clock := r.U64(), r.U64()
	if r.Err() == nil {
		if err := p.Validate(); err != nil {
			r.Failf("%v", err)
		}
	}
	n := r.Count(r.U64(), contribMin, ^uint64(0))
	s := &State{p: p, created: created, clock: clock, lastUpdate: created}
	if r.Err() == nil {
		s.cs = make([]contribution, 0, n)
	}
	for i := 0; i < n && r.Err() == nil; i++ {
		var c contribution
		c.contributor = r.Addr()
		c.dataHash = r.Hash()
		c.label = r.I32()
		c.added = r.U64()
		c.initial = r.U64()
		c.remaining = r.U64()
		c.refunded = r.Bool()
		m := r.Count(uint64(r.U32()), incentive.AddressLen, ^uint64(0))
		if r.Err() != nil {
			break
		}
		if m > 0 {
			c.claimedBy = make([]incentive.Address, m)
			for j := range c.claimedBy {
				c.claimedBy[j] = r.Addr()
			}
		}
		if r.Err() != nil {
			break
		}
		if msg := s.checkNext(&c); msg != "" {
			r.Failf("contribution %d: %s", i, msg)
			break
		}
		s.cs = append(s.cs, c)
		s.deposited += c.initial
		s.claimable += c.remaining
		s.lastUpdate = c.added
		if c.refunded {
			s.validated.Inc(c.contributor)
		}
	}
	if r.Err() == nil && clock < s.lastUpdate {
		r.Failf("clock %d before the last contribution's time %d", clock, s.lastUpdate)
	}
	if err := r.Finish(); err != nil {
		return nil, err
	}
	return s, nil
}

// checkNext checks contribution c as the next one after s.cs; "" if it is valid.
func (s *State) checkNext(c *contribution) string {
	switch {
	case c.contributor.IsZero():
		return "zero contributor"
	case c.added < s.lastUpdate:
		return "added before its predecessor (or the creation time)"
	case c.initial < max(1, depositFor(s.p.CostWeight, c.added-s.lastUpdate)):
		return "initial deposit below the minimum of its time"
	case c.remaining > c.initial:
		return "remaining exceeds initial deposit"
	case s.deposited+c.initial < s.deposited:
		return "total deposited overflows"
	case !rules.SortedUnique(c.claimedBy):
		return "claimed-by set not strictly ascending"
	case uint64(len(c.claimedBy)) > c.initial-c.remaining:
		return "more claims than base units taken" // every claim takes ≥ 1
	case (len(c.claimedBy) == 0) != (c.remaining == c.initial):
		return "amount taken inconsistent with the claimed-by set"
	}
	for _, a := range c.claimedBy {
		if a.IsZero() {
			return "zero address in claimed-by set"
		}
	}
	own := rules.Has(c.claimedBy, c.contributor)
	switch {
	case c.refunded && (len(c.claimedBy) != 1 || !own || c.remaining != 0):
		return "refunded contribution not claimed exactly by its contributor"
	case own && c.remaining != 0:
		// A contributor claims only by refund or by a timed claim, both of which take
		// everything left.
		return "contributor claimed but something remains"
	}
	return ""
}
