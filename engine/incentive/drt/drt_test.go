package drt

import (
	"bytes"
	"errors"
	"testing"

	"github.com/meritchain/merit/engine/incentive"
)

func addr(b byte) incentive.Address { return incentive.Address{b} }

var (
	owner = addr(0xee)
	alice = addr(1)
	bob   = addr(2)
	carol = addr(3)
	dave  = addr(4)
)

func hashOf(b byte) [32]byte { return [32]byte{b} }

func params() Params {
	return Params{CostWeight: 1, RefundWait: 100, OwnerWait: 1000, AnyAddressWait: 5000, Owner: owner}
}

func mustNew(t *testing.T, p Params, created uint64) *State {
	t.Helper()
	s, err := New(p, created)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func enc(t *testing.T, s *State) []byte {
	t.Helper()
	b, err := s.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// expectErr checks that f fails with want and changes nothing.
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
	if err := s.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}

func mustAdd(t *testing.T, s *State, who incentive.Address, now uint64) uint64 {
	t.Helper()
	need, err := s.MinimumDeposit(now)
	if err != nil {
		t.Fatal(err)
	}
	id, err := s.Add(who, hashOf(byte(s.Len())), 1, now, need)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestParamsValidate(t *testing.T) {
	ok := []Params{
		params(),
		{RefundWait: 5, OwnerWait: 5, AnyAddressWait: 5, Owner: owner}, // equal waits
		{CostWeight: MaxCostWeight, Owner: owner},
	}
	for _, p := range ok {
		if err := p.Validate(); err != nil {
			t.Errorf("%+v: %v", p, err)
		}
	}
	bad := []Params{
		{RefundWait: 6, OwnerWait: 5, AnyAddressWait: 7, Owner: owner},
		{RefundWait: 1, OwnerWait: 8, AnyAddressWait: 7, Owner: owner},
		{CostWeight: MaxCostWeight + 1, Owner: owner},
		{RefundWait: 1, OwnerWait: 2, AnyAddressWait: 3},
	}
	for _, p := range bad {
		if err := p.Validate(); !errors.Is(err, incentive.ErrBadParams) {
			t.Errorf("%+v: %v, want ErrBadParams", p, err)
		}
		if _, err := New(p, 0); !errors.Is(err, incentive.ErrBadParams) {
			t.Errorf("New(%+v): %v", p, err)
		}
	}
}

func TestRequiredDeposit(t *testing.T) {
	p := params()
	p.CostWeight = 7
	s := mustNew(t, p, 1000)
	// Reference time of the first contribution is the creation time.
	cases := []struct{ dt, want uint64 }{
		{0, 7 * 3600},     // divisor 0 → 1
		{1, 7 * 3600},     // isqrt 1
		{3, 7 * 3600},     // isqrt 1
		{4, 7 * 3600 / 2}, // isqrt 2
		{8, 7 * 3600 / 2},
		{9, 7 * 3600 / 3},
		{3600 * 3600, 7},
		{1 << 62, 7 * 3600 / (1 << 31)}, // = 0: the minimum of 1 applies
	}
	for _, c := range cases {
		got, err := s.RequiredDeposit(1000 + c.dt)
		if err != nil || got != c.want {
			t.Errorf("dt %d: %d, %v; want %d", c.dt, got, err, c.want)
		}
	}
	if m, _ := s.MinimumDeposit(1000 + 1<<62); m != 1 {
		t.Errorf("minimum deposit %d, want 1", m)
	}
	if _, err := s.RequiredDeposit(999); !errors.Is(err, incentive.ErrClockBackwards) {
		t.Errorf("before creation: %v", err)
	}
	// The largest cost weight does not overflow.
	p.CostWeight = MaxCostWeight
	s = mustNew(t, p, 0)
	if got, _ := s.RequiredDeposit(0); got != MaxCostWeight*3600 {
		t.Errorf("max weight: %d", got)
	}
	// After a contribution the reference time is that contribution's time.
	p.CostWeight = 1
	s = mustNew(t, p, 0)
	mustAdd(t, s, alice, 50)
	if got, _ := s.RequiredDeposit(54); got != 1800 {
		t.Errorf("after add: %d, want 1800", got)
	}
	if s.LastUpdate() != 50 {
		t.Errorf("last update %d", s.LastUpdate())
	}
	// Cost weight 0: every deposit must still be at least 1.
	p.CostWeight = 0
	s = mustNew(t, p, 0)
	if got, _ := s.RequiredDeposit(0); got != 0 {
		t.Errorf("weight 0: %d", got)
	}
	expectErr(t, s, incentive.ErrDepositTooLow, func() error { _, err := s.Add(alice, hashOf(0), 0, 0, 0); return err })
}

func TestAdd(t *testing.T) {
	s := mustNew(t, params(), 0)
	expectErr(t, s, incentive.ErrDepositTooLow, func() error { _, err := s.Add(alice, hashOf(0), 0, 4, 1799); return err })
	expectErr(t, s, incentive.ErrZeroAddress, func() error { _, err := s.Add(incentive.Address{}, hashOf(0), 0, 4, 1800); return err })
	id, err := s.Add(alice, hashOf(9), -3, 4, 1800) // exactly the minimum
	if err != nil || id != 0 {
		t.Fatal(id, err)
	}
	id, err = s.Add(bob, hashOf(8), 2, 4, 1_000_000) // dt 0: 3600 needed; more is kept whole
	if err != nil || id != 1 {
		t.Fatal(id, err)
	}
	c, _ := s.Contribution(1)
	if c.InitialDeposit != 1_000_000 || c.Remaining != 1_000_000 || c.Contributor != bob || c.Label != 2 || c.Added != 4 || c.DataHash != hashOf(8) {
		t.Fatalf("%+v", c)
	}
	expectErr(t, s, incentive.ErrClockBackwards, func() error { _, err := s.Add(alice, hashOf(0), 0, 3, 1<<40); return err })
	if tot := s.Totals(); tot.Deposited != 1_001_800 || tot.Claimable != 1_001_800 || tot.PaidOut != 0 {
		t.Fatalf("%+v", tot)
	}
	if _, err := s.Contribution(2); !errors.Is(err, incentive.ErrUnknownContribution) {
		t.Fatal(err)
	}
	// Overflow of the total deposited.
	expectErr(t, s, incentive.ErrOverflow, func() error { _, err := s.Add(alice, hashOf(0), 0, 10, ^uint64(0)); return err })
}

func TestRefund(t *testing.T) {
	s := mustNew(t, params(), 0)
	id := mustAdd(t, s, alice, 10) // deposit 3600/isqrt(10) = 1200
	c, _ := s.Contribution(id)
	if c.InitialDeposit != 1200 {
		t.Fatalf("deposit %d", c.InitialDeposit)
	}
	refund := func(who incentive.Address, now uint64, agrees bool) func() error {
		return func() error { _, err := s.Refund(id, who, now, agrees); return err }
	}
	expectErr(t, s, incentive.ErrUnknownContribution, func() error { _, err := s.Refund(7, alice, 200, true); return err })
	expectErr(t, s, incentive.ErrNotContributor, refund(bob, 200, true))
	expectErr(t, s, incentive.ErrTooEarly, refund(alice, 109, true)) // one second short
	expectErr(t, s, incentive.ErrModelDisagrees, refund(alice, 110, false))
	expectErr(t, s, incentive.ErrClockBackwards, refund(alice, 9, true))
	got, err := s.Refund(id, alice, 110, true) // exactly at the boundary
	if err != nil || got != 1200 {
		t.Fatal(got, err)
	}
	if s.Validated(alice) != 1 || s.TotalValidated() != 1 {
		t.Fatal("not validated")
	}
	expectErr(t, s, incentive.ErrAlreadyClaimed, refund(alice, 200, true))
	c, _ = s.Contribution(id)
	if !c.Refunded || c.Remaining != 0 || len(c.ClaimedBy) != 1 || c.ClaimedBy[0] != alice {
		t.Fatalf("%+v", c)
	}
	// Nothing can be taken after a refund.
	expectErr(t, s, incentive.ErrNothingLeft, func() error { _, err := s.Report(id, bob, 200, false); return err })
	expectErr(t, s, incentive.ErrNothingLeft, func() error { _, err := s.Claim(id, owner, 10000); return err })
	if tot := s.Totals(); tot.PaidOut != 1200 || tot.Claimable != 0 {
		t.Fatalf("%+v", tot)
	}
}

// validate gives who n validated contributions at time now (+ RefundWait).
func validate(t *testing.T, s *State, who incentive.Address, n int, now uint64) uint64 {
	t.Helper()
	for i := 0; i < n; i++ {
		id := mustAdd(t, s, who, now)
		if _, err := s.Refund(id, who, now+s.p.RefundWait, true); err != nil {
			t.Fatal(err)
		}
		now += s.p.RefundWait
	}
	return now
}

func TestReport(t *testing.T) {
	p := params()
	s := mustNew(t, p, 0)
	now := validate(t, s, bob, 1, 0)
	now = validate(t, s, carol, 2, now) // bob 1, carol 2: total 3
	bad, err := s.Add(alice, hashOf(1), 5, now, 100_000)
	if err != nil {
		t.Fatal(err)
	}
	added := now
	report := func(who incentive.Address, now uint64, agrees bool) func() error {
		return func() error { _, err := s.Report(bad, who, now, agrees); return err }
	}
	expectErr(t, s, incentive.ErrOwnContribution, report(alice, added+100, false))
	expectErr(t, s, incentive.ErrTooEarly, report(bob, added+99, false))
	expectErr(t, s, incentive.ErrModelAgrees, report(bob, added+100, true))
	expectErr(t, s, incentive.ErrNotValidated, report(dave, added+100, false))
	var nv *incentive.NotValidatedError
	if _, err := s.Report(bad, dave, added+100, false); !errors.As(err, &nv) || nv.Reporter != dave {
		t.Fatalf("%v", err)
	}
	got, err := s.Report(bad, bob, added+100, false) // ⌊100000·1/3⌋
	if err != nil || got != 33333 {
		t.Fatal(got, err)
	}
	expectErr(t, s, incentive.ErrAlreadyClaimed, report(bob, added+200, false))
	// Once anything is taken the contributor cannot be refunded.
	expectErr(t, s, incentive.ErrTaken, func() error { _, err := s.Refund(bad, alice, added+200, true); return err })
	got, err = s.Report(bad, carol, added+100, false) // ⌊100000·2/3⌋ = 66666 ≤ 66667 left
	if err != nil || got != 66666 {
		t.Fatal(got, err)
	}
	c, _ := s.Contribution(bad)
	if c.Remaining != 1 || len(c.ClaimedBy) != 2 {
		t.Fatalf("%+v", c)
	}
	// The last base unit goes to the owner after OwnerWait.
	expectErr(t, s, incentive.ErrTooEarly, func() error { _, err := s.Claim(bad, owner, added+999); return err })
	if got, err := s.Claim(bad, owner, added+1000); err != nil || got != 1 {
		t.Fatal(got, err)
	}
	expectErr(t, s, incentive.ErrNothingLeft, report(dave, added+2000, false))
	tot := s.Totals()
	if tot.Deposited != tot.PaidOut+tot.Claimable || tot.Claimable != 0 {
		t.Fatalf("%+v", tot)
	}
}

func TestReportShareEdges(t *testing.T) {
	// share 0 → take everything left.
	if got := ReportShare(2, 2, 1, 3); got != 2 {
		t.Errorf("share 0: %d", got)
	}
	// share > left → take everything left.
	if got := ReportShare(100, 10, 1, 2); got != 10 {
		t.Errorf("share > left: %d", got)
	}
	// share == left → exactly that.
	if got := ReportShare(100, 50, 1, 2); got != 50 {
		t.Errorf("share == left: %d", got)
	}
	// The 128-bit intermediate: no overflow for huge deposits.
	if got := ReportShare(^uint64(0), ^uint64(0), 1<<40, 1<<41); got != ^uint64(0)/2 {
		t.Errorf("huge: %d", got)
	}

	// The same through the mechanism: a deposit of 2 with a reporter holding 1 of 3
	// validations takes both units.
	p := params()
	p.CostWeight = 0
	s := mustNew(t, p, 0)
	now := validate(t, s, bob, 1, 0)
	now = validate(t, s, carol, 2, now)
	id, err := s.Add(alice, hashOf(0), 0, now, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Report(id, bob, now+100, false); err != nil || got != 2 {
		t.Fatal(got, err)
	}
	expectErr(t, s, incentive.ErrNothingLeft, func() error { _, err := s.Report(id, carol, now+100, false); return err })
}

func TestClaimTiming(t *testing.T) {
	s := mustNew(t, params(), 0)
	a := mustAdd(t, s, alice, 0)
	b := mustAdd(t, s, alice, 0)
	expectErr(t, s, incentive.ErrTooEarly, func() error { _, err := s.Claim(a, owner, 999); return err })
	expectErr(t, s, incentive.ErrTooEarly, func() error { _, err := s.Claim(a, bob, 1000); return err })
	expectErr(t, s, incentive.ErrTooEarly, func() error { _, err := s.Claim(a, bob, 4999); return err })
	expectErr(t, s, incentive.ErrZeroAddress, func() error { _, err := s.Claim(a, incentive.Address{}, 6000); return err })
	if got, err := s.Claim(a, owner, 1000); err != nil || got != 3600 {
		t.Fatal(got, err)
	}
	expectErr(t, s, incentive.ErrNothingLeft, func() error { _, err := s.Claim(a, bob, 5000); return err })
	// After AnyAddressWait anyone may claim, the contributor included.
	if got, err := s.Claim(b, alice, 5000); err != nil || got != 3600 {
		t.Fatal(got, err)
	}
	c, _ := s.Contribution(b)
	if c.Refunded || s.Validated(alice) != 0 {
		t.Fatal("a timed claim must not validate")
	}
	// A reporter may take the rest after AnyAddressWait.
	now := validate(t, s, bob, 1, 5000)
	x, _ := s.Add(alice, hashOf(3), 0, now, 1000)
	if got, err := s.Report(x, bob, now+100, false); err != nil || got != 1000 {
		t.Fatal(got, err) // bob holds every validation: takes the whole deposit
	}
	y, _ := s.Add(alice, hashOf(4), 0, now+100, 1_000_000)
	now2 := validate(t, s, carol, 1, now+100) // bob 1, carol 1
	if got, err := s.Report(y, bob, now2, false); err != nil || got != 500_000 {
		t.Fatal(got, err)
	}
	if got, err := s.Claim(y, bob, now+100+5000); err != nil || got != 500_000 {
		t.Fatal(got, err)
	}
	if err := s.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}

func TestOwnerEqualWaits(t *testing.T) {
	// RefundWait = OwnerWait = AnyAddressWait: all become possible at the same moment.
	p := Params{CostWeight: 1, RefundWait: 10, OwnerWait: 10, AnyAddressWait: 10, Owner: owner}
	s := mustNew(t, p, 0)
	id := mustAdd(t, s, alice, 0)
	expectErr(t, s, incentive.ErrTooEarly, func() error { _, err := s.Claim(id, bob, 9); return err })
	if _, err := s.Claim(id, bob, 10); err != nil {
		t.Fatal(err)
	}
}

func TestEncodingRoundTrip(t *testing.T) {
	s := sampleState(t)
	b := enc(t, s)
	d, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(enc(t, d), b) {
		t.Fatal("round trip differs")
	}
	if err := d.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
	if d.Validated(bob) != s.Validated(bob) || d.TotalValidated() != s.TotalValidated() || d.Totals() != s.Totals() || d.LastUpdate() != s.LastUpdate() {
		t.Fatal("derived state differs")
	}
	// The decoded state continues exactly like the original.
	for _, st := range []*State{s, d} {
		if _, err := st.Add(carol, hashOf(7), 1, 90000, 1<<20); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(enc(t, s), enc(t, d)) {
		t.Fatal("decoded state diverged")
	}
	// Every truncation and any trailing byte is rejected.
	for n := 0; n < len(b); n++ {
		if _, err := Decode(b[:n]); !errors.Is(err, incentive.ErrMalformed) {
			t.Fatalf("prefix %d: %v", n, err)
		}
	}
	if _, err := Decode(append(append([]byte(nil), b...), 0)); !errors.Is(err, incentive.ErrMalformed) {
		t.Fatal("trailing byte accepted")
	}
}

func sampleState(t testing.TB) *State {
	s, err := New(params(), 0)
	if err != nil {
		t.Fatal(err)
	}
	must := func(_ uint64, err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.Add(bob, hashOf(1), 0, 10, 5000))
	must(s.Refund(0, bob, 200, true))
	must(s.Add(alice, hashOf(2), 1, 300, 7000))
	must(s.Add(carol, hashOf(3), 2, 300, 3600))
	must(s.Report(1, bob, 400, false))
	must(s.Claim(2, owner, 1300))
	must(s.Add(alice, hashOf(4), -1, 1300, 3000))
	return s
}

func TestDecodeRejects(t *testing.T) {
	good := enc(t, sampleState(t))
	// Offsets into the first contribution (after the header and the count).
	c0 := headerLen + 8
	type mut struct {
		name string
		f    func(b []byte)
	}
	muts := []mut{
		{"magic", func(b []byte) { b[0] = 'X' }},
		{"version", func(b []byte) { b[4] = 2 }},
		{"wait order", func(b []byte) { b[6+8] = 0xff; b[6+15] = 0x7f }}, // RefundWait huge
		{"cost weight", func(b []byte) { b[6+7] = 0xff }},
		{"zero owner", func(b []byte) { copy(b[6+32:6+52], make([]byte, 20)) }},
		{"zero contributor", func(b []byte) { copy(b[c0:c0+20], make([]byte, 20)) }},
		{"deposit below minimum", func(b []byte) { b[c0+64] = 1; b[c0+65] = 0; b[c0+72] = 0; b[c0+73] = 0 }},
		{"remaining > initial", func(b []byte) { b[c0+79] = 1 }},
		{"refunded flag", func(b []byte) { b[c0+80] = 2 }},
		{"count huge", func(b []byte) { b[headerLen+7] = 0x10 }},
		{"clock backwards", func(b []byte) { copy(b[headerLen-8:headerLen], make([]byte, 8)) }},
	}
	for _, m := range muts {
		b := append([]byte(nil), good...)
		m.f(b)
		_, err := Decode(b)
		if !errors.Is(err, incentive.ErrMalformed) {
			t.Errorf("%s: %v", m.name, err)
		}
		t.Logf("%s: %v", m.name, err)
	}
}
