package points

import (
	"bytes"
	"errors"
	"testing"

	"github.com/meritchain/merit/engine/incentive"
	"github.com/meritchain/merit/internal/fuzzcheck"
)

func addr(b byte) incentive.Address { return incentive.Address{b} }

var (
	alice = addr(1)
	bob   = addr(2)
	carol = addr(3)
)

func enc(t testing.TB, s *State) []byte {
	b, err := s.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func expectErr(t *testing.T, s *State, want error, f func() error) {
	t.Helper()
	before := enc(t, s)
	err := f()
	if !errors.Is(err, want) {
		t.Fatalf("error %v, want %v", err, want)
	}
	if !bytes.Equal(before, enc(t, s)) {
		t.Fatalf("failed action (%v) changed the state", err)
	}
}

func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func TestPointsRules(t *testing.T) {
	s := New(Params{RefundWait: 10}, 0)
	id := must[uint64](t)(s.Add(bob, [32]byte{1}, 0, 0))
	expectErr(t, s, incentive.ErrNotContributor, func() error { _, err := s.Refund(id, alice, 10, true); return err })
	expectErr(t, s, incentive.ErrTooEarly, func() error { _, err := s.Refund(id, bob, 9, true); return err })
	expectErr(t, s, incentive.ErrModelDisagrees, func() error { _, err := s.Refund(id, bob, 10, false); return err })
	if got := must[int64](t)(s.Refund(id, bob, 10, true)); got != RefundPoints {
		t.Fatal(got)
	}
	if s.Points(bob) != 1 || s.Validated(bob) != 1 || s.TotalValidated() != 1 {
		t.Fatal("refund not counted")
	}
	expectErr(t, s, incentive.ErrAlreadyClaimed, func() error { _, err := s.Refund(id, bob, 20, true); return err })
	// A refunded contribution is settled: no report.
	expectErr(t, s, incentive.ErrNothingLeft, func() error { _, err := s.Report(id, alice, 20, false); return err })

	bad := must[uint64](t)(s.Add(alice, [32]byte{2}, 1, 20))
	expectErr(t, s, incentive.ErrOwnContribution, func() error { _, err := s.Report(bad, alice, 30, false); return err })
	expectErr(t, s, incentive.ErrTooEarly, func() error { _, err := s.Report(bad, bob, 29, false); return err })
	expectErr(t, s, incentive.ErrModelAgrees, func() error { _, err := s.Report(bad, bob, 30, true); return err })
	var nv *incentive.NotValidatedError
	if _, err := s.Report(bad, carol, 30, false); !errors.As(err, &nv) || nv.Reporter != carol {
		t.Fatal(err)
	}
	expectErr(t, s, incentive.ErrClockBackwards, func() error { _, err := s.Report(bad, bob, 19, false); return err })
	if got := must[int64](t)(s.Report(bad, bob, 30, false)); got != ReportPoints {
		t.Fatal(got)
	}
	if s.Points(bob) != 2 || s.Points(alice) != -1 {
		t.Fatal(s.Points(bob), s.Points(alice))
	}
	// Settled by the report: the contributor cannot be refunded, nobody else reports.
	expectErr(t, s, incentive.ErrTaken, func() error { _, err := s.Refund(bad, alice, 40, true); return err })
	expectErr(t, s, incentive.ErrAlreadyClaimed, func() error { _, err := s.Report(bad, bob, 40, false); return err })
	s.Add(carol, [32]byte{}, 0, 40)
	s.Refund(2, carol, 50, true)
	expectErr(t, s, incentive.ErrNothingLeft, func() error { _, err := s.Report(bad, carol, 50, false); return err })
	c, _ := s.Contribution(bad)
	if c.Status != Reported || c.Reporter != bob {
		t.Fatalf("%+v", c)
	}
	if err := s.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
	expectErr(t, s, incentive.ErrUnknownContribution, func() error { _, err := s.Refund(9, alice, 50, true); return err })
	expectErr(t, s, incentive.ErrZeroAddress, func() error { _, err := s.Add(incentive.Address{}, [32]byte{}, 0, 50); return err })

	// Round trip.
	b := enc(t, s)
	d, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(enc(t, d), b) || d.Points(alice) != -1 || d.Points(bob) != 2 || d.TotalValidated() != 2 {
		t.Fatal("round trip")
	}
	for n := 0; n < len(b); n++ {
		if _, err := Decode(b[:n]); !errors.Is(err, incentive.ErrMalformed) {
			t.Fatalf("prefix %d: %v", n, err)
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	s := New(Params{}, 0)
	s.Add(bob, [32]byte{}, 0, 0)
	s.Refund(0, bob, 0, true)
	s.Add(alice, [32]byte{}, 0, 5)
	s.Report(1, bob, 5, false)
	good := enc(t, s)
	c1 := headerLen + 8 + contribLen // second contribution
	muts := map[string]func(b []byte){
		"status":               func(b []byte) { b[c1+64] = 3 },
		"reporter zero":        func(b []byte) { copy(b[c1+65:c1+85], make([]byte, 20)) },
		"reporter unvalidated": func(b []byte) { b[c1+65] = 9 },
		"self report":          func(b []byte) { b[c1+65] = alice[0] },
		"time order":           func(b []byte) { b[headerLen+8+56] = 5; b[c1+56] = 4 },
		"after clock":          func(b []byte) { b[headerLen] = 0; b[headerLen-8] = 1 },
		"reporter on open":     func(b []byte) { b[headerLen+8+65] = 1 },
	}
	for name, f := range muts {
		b := append([]byte(nil), good...)
		f(b)
		if _, err := Decode(b); !errors.Is(err, incentive.ErrMalformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	s := New(Params{RefundWait: 3}, 0)
	s.Add(bob, [32]byte{}, 0, 0)
	s.Refund(0, bob, 3, true)
	s.Add(alice, [32]byte{}, 0, 5)
	s.Report(1, bob, 8, false)
	f.Add(enc(f, s))
	b := enc(f, New(Params{}, 0))
	b[len(b)-1] = 0x10 // a count of 2^60 contributions in no bytes
	fuzzcheck.Add(f, b)
	f.Fuzz(func(t *testing.T, b []byte) {
		// Memory proportional to the input, whatever count the bytes declare.
		var s *State
		var err error
		fuzzcheck.Bounded(t, "Decode", len(b), 16, 64<<10, func() { s, err = Decode(b) })
		if err != nil {
			if !errors.Is(err, incentive.ErrMalformed) {
				t.Fatal(err)
			}
			return
		}
		if err := s.CheckInvariants(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(enc(t, s), b) {
			t.Fatal("non-canonical encoding accepted")
		}
	})
}
