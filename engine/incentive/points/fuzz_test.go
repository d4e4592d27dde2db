package points

import (
	"bytes"
	"testing"

	"github.com/meritchain/merit/engine/incentive"
	"github.com/meritchain/merit/internal/fuzzcheck"
)

// runActions interprets data as a sequence of Points actions (add, refund, report, by
// any of five actors including the zero address, at a clock that mostly moves forward
// and sometimes back) and holds the mechanism against an independent reference of the
// rules after every one: an action succeeds exactly when the reference says it may; a
// failed action changes nothing; a contribution is settled at most once (no double
// claim), never before RefundWait (no claim before its time); every actor's points and
// validated count are what the reference computes, and |points| never exceeds the
// number of contributions; the invariants hold; and the final state round-trips.
func runActions(t *testing.T, data []byte) {
	if len(data) < 1 {
		return
	}
	p := Params{RefundWait: uint64(data[0] % 8)}
	data = data[1:]
	s := New(p, 0)
	actors := []incentive.Address{{}, alice, bob, carol, addr(4)}
	type ref struct {
		contributor incentive.Address
		added       uint64
		status      Status
		reporter    incentive.Address
	}
	var refs []*ref
	points := map[incentive.Address]int64{}
	validated := map[incentive.Address]uint64{}
	var clock uint64
	now := uint64(0)
	for len(data) >= 4 {
		op, who, sel, arg := data[0]%3, actors[int(data[1])%len(actors)], int(data[2]), data[3]
		data = data[4:]
		now += uint64(arg % 8)
		if arg&0x80 != 0 && now > 0 {
			now -= uint64(arg>>4) % (now + 1) // sometimes try to go back in time
		}
		agrees := arg&0x40 != 0
		before := enc(t, s)
		var r *ref
		var id uint64
		if len(refs) > 0 {
			id = uint64(sel % (len(refs) + 1)) // sometimes an unknown id
			if id < uint64(len(refs)) {
				r = refs[id]
			}
		}
		var ok bool // what the reference allows
		var err error
		var got int64
		switch op {
		case 0:
			ok = who != (incentive.Address{}) && now >= clock
			var nid uint64
			nid, err = s.Add(who, [32]byte{byte(sel)}, int32(sel), now)
			if err == nil && nid != uint64(len(refs)) {
				t.Fatalf("add: id %d, want %d", nid, len(refs))
			}
		case 1:
			ok = r != nil && who != (incentive.Address{}) && now >= clock && who == r.contributor &&
				r.status == Open && now-r.added >= p.RefundWait && agrees
			got, err = s.Refund(id, who, now, agrees)
		case 2:
			ok = r != nil && who != (incentive.Address{}) && now >= clock && who != r.contributor &&
				r.status == Open && now-r.added >= p.RefundWait && !agrees && validated[who] > 0
			got, err = s.Report(id, who, now, agrees)
		}
		if (err == nil) != ok {
			t.Fatalf("action %d by %x on %d at %d (agrees %v): error %v, but the rules say ok=%v", op, who[:1], id, now, agrees, err, ok)
		}
		if err != nil {
			if !bytes.Equal(before, enc(t, s)) {
				t.Fatalf("failed action %d (%v) changed the state", op, err)
			}
		} else {
			clock = now
			switch op {
			case 0:
				refs = append(refs, &ref{contributor: who, added: now})
			case 1:
				if got != RefundPoints {
					t.Fatalf("refund gained %d", got)
				}
				r.status = Refunded
				points[who] += RefundPoints
				validated[who]++
			case 2:
				if got != ReportPoints {
					t.Fatalf("report gained %d", got)
				}
				r.status, r.reporter = Reported, who
				points[who] += ReportPoints
				points[r.contributor] -= ReportedPenalty
			}
		}
		if s.Clock() != clock || s.Len() != len(refs) {
			t.Fatalf("clock %d len %d, reference %d %d", s.Clock(), s.Len(), clock, len(refs))
		}
		var total uint64
		for _, a := range actors {
			if s.Points(a) != points[a] || s.Validated(a) != validated[a] {
				t.Fatalf("%x: points %d validated %d, reference %d %d", a[:1], s.Points(a), s.Validated(a), points[a], validated[a])
			}
			if pa := s.Points(a); pa > int64(len(refs)) || -pa > int64(len(refs)) {
				t.Fatalf("%x: |points %d| > %d contributions", a[:1], pa, len(refs))
			}
			total += validated[a]
		}
		if s.TotalValidated() != total {
			t.Fatalf("total validated %d, reference %d", s.TotalValidated(), total)
		}
		if err := s.CheckInvariants(); err != nil {
			t.Fatal(err)
		}
	}
	for i, r := range refs {
		c, err := s.Contribution(uint64(i))
		if err != nil || c.Contributor != r.contributor || c.Added != r.added || c.Status != r.status || c.Reporter != r.reporter {
			t.Fatalf("contribution %d: %+v (%v), reference %+v", i, c, err, r)
		}
	}
	b := enc(t, s)
	d, err := Decode(b)
	if err != nil {
		t.Fatalf("decode of a reachable state: %v", err)
	}
	if !bytes.Equal(enc(t, d), b) {
		t.Fatal("round trip differs")
	}
}

// FuzzActions: random action sequences against the reference (runActions).
func FuzzActions(f *testing.F) {
	fuzzcheck.Add(f, []byte{3, 0, 2, 0, 0, 0, 1, 1, 1, 1, 2, 0, 0x43, 2, 3, 1, 0x04, 0, 3, 0, 2, 1, 1, 1, 0x47})
	fuzzcheck.Add(f, bytes.Repeat([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 20))
	fuzzcheck.Add(f, []byte{0, 0, 1, 0, 0, 0, 2, 1, 0, 1, 1, 0, 0x40, 2, 2, 0, 0x00, 1, 2, 1, 0x40, 2, 1, 0, 0x00})
	fuzzcheck.Add(f, []byte{7, 0, 4, 0, 0, 0, 4, 0, 0x87, 1, 4, 0, 0x4f, 2, 1, 0, 0x0f})
	f.Fuzz(func(t *testing.T, data []byte) { runActions(t, data) })
}

func TestActionSequences(t *testing.T) {
	// A deterministic sweep over pseudo-random action sequences (the fuzz target's body).
	x := uint64(0x9e3779b97f4a7c15)
	for range 300 {
		data := make([]byte, 1+4*200)
		for i := range data {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			data[i] = byte(x)
		}
		runActions(t, data)
	}
}
