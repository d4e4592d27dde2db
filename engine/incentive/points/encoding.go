package points

import (
	"github.com/meritchain/merit/engine/incentive"
	"github.com/meritchain/merit/engine/internal/wire"
)

// The canonical encoding, version 1 (docs/INCENTIVES.md, "Points state"):
//
//	magic "MPTS", version u16 = 1
//	RefundWait u64, clock u64
//	n u64, then n contributions in id order:
//	  contributor [20], dataHash [32], label i32, added u64, status u8 (0 open,
//	  1 refunded, 2 reported), reporter [20] (zero unless reported)
//
// Points and validated counts are derived, not encoded.
const (
	magic      = "MPTS"
	version    = 1
	headerLen  = 6 + 2*8
	contribLen = incentive.AddressLen + 32 + 4 + 8 + 1 + incentive.AddressLen
)

// MarshalBinary returns the state's canonical encoding. It never fails.
func (s *State) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter(magic, version, headerLen+8+contribLen*len(s.cs))
	w.U64(s.p.RefundWait)
	w.U64(s.clock)
	w.U64(uint64(len(s.cs)))
	for i := range s.cs {
		c := &s.cs[i]
		w.Addr(c.contributor)
		w.Hash(c.dataHash)
		w.I32(c.label)
		w.U64(c.added)
		w.U8(uint8(c.status))
		w.Addr(c.reporter)
	}
	return w.Out(), nil
}

// Decode parses a canonical encoding, returning an error wrapping
// incentive.ErrMalformed (never panicking) for truncation, trailing bytes, an unknown
// status, zero contributors, a reporter that is zero when reported (or non-zero
// otherwise, or the contributor itself), contributions out of time order, or a clock
// before the last contribution, or a reporter without any validated contribution.
func Decode(b []byte) (*State, error) {
	r := wire.NewReader(b, magic, version)
	p := Params{RefundWait: r.U64()}
	clock := r.U64()
	n := r.Count(r.U64(), contribLen, ^uint64(0))
	s := New(p, clock)
	if r.Err() == nil {
		s.cs = make([]contribution, 0, n)
	}
	for i := 0; i < n && r.Err() == nil; i++ {
		var c contribution
		c.contributor = r.Addr()
		c.dataHash = r.Hash()
		c.label = r.I32()
		c.added = r.U64()
		c.status = Status(r.U8())
		c.reporter = r.Addr()
		if r.Err() != nil {
			break
		}
		switch {
		case c.contributor.IsZero():
			r.Failf("contribution %d: zero contributor", i)
		case c.status > Reported:
			r.Failf("contribution %d: unknown status %d", i, c.status)
		case (c.status == Reported) == c.reporter.IsZero():
			r.Failf("contribution %d: reporter inconsistent with status", i)
		case c.reporter == c.contributor:
			r.Failf("contribution %d: reported by its contributor", i)
		case i > 0 && c.added < s.cs[i-1].added:
			r.Failf("contribution %d: added before its predecessor", i)
		case c.added > clock:
			r.Failf("contribution %d: added after the clock", i)
		}
		if r.Err() != nil {
			break
		}
		s.cs = append(s.cs, c)
		switch c.status {
		case Refunded:
			s.validated.Inc(c.contributor)
			s.points[c.contributor] += RefundPoints
		case Reported:
			s.points[c.reporter] += ReportPoints
			s.points[c.contributor] -= ReportedPenalty
		}
	}
	if r.Err() == nil {
		for i := range s.cs {
			// A reporter must have a validated contribution (necessary, not sufficient:
			// the encoding does not record when a contribution was settled).
			if c := &s.cs[i]; c.status == Reported && s.validated.Get(c.reporter) == 0 {
				r.Failf("contribution %d: reporter has no validated contribution", i)
				break
			}
		}
	}
	if err := r.Finish(); err != nil {
		return nil, err
	}
	return s, nil
}
