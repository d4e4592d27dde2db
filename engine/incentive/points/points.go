// Package points is the Points incentive mechanism: the Deposit-Refund-Take validation
// rules with no money. A contribution is settled by its first successful claim: a
// refund (the model still predicts its label after the wait) validates it and earns its
// contributor RefundPoints; a report (the model disagrees) earns the reporter
// ReportPoints and costs the contributor ReportedPenalty. The rules are the ones DRT
// uses (package internal/rules); docs/INCENTIVES.md specifies them.
package points

import (
	"fmt"

	"github.com/meritchain/merit/engine/incentive"
	"github.com/meritchain/merit/engine/incentive/internal/rules"
)

// Point amounts.
const (
	RefundPoints    = 1 // to the contributor of a refunded (validated) contribution
	ReportPoints    = 1 // to the reporter of a reported contribution
	ReportedPenalty = 1 // from the contributor of a reported contribution
)

// Params are a Points mechanism's parameters.
type Params struct {
	// RefundWait is the wait (seconds after a contribution is added) before it may be
	// refunded or reported.
	RefundWait uint64
}

// Status is a contribution's settlement.
type Status uint8

const (
	Open     Status = 0 // not settled
	Refunded Status = 1 // settled by its contributor's refund: validated
	Reported Status = 2 // settled by a report
)

func (s Status) String() string {
	switch s {
	case Open:
		return "open"
	case Refunded:
		return "refunded"
	case Reported:
		return "reported"
	}
	return fmt.Sprintf("Status(%d)", uint8(s))
}

// Contribution is the record of one contribution (a copy).
type Contribution struct {
	ID          uint64
	Contributor incentive.Address
	DataHash    [32]byte
	Label       int32
	Added       uint64
	Status      Status
	Reporter    incentive.Address // the reporter if Status == Reported, else zero
}

type contribution struct {
	contributor incentive.Address
	dataHash    [32]byte
	label       int32
	added       uint64
	status      Status
	reporter    incentive.Address
}

// State is a Points mechanism's whole state. It is not safe for concurrent use.
type State struct {
	p     Params
	clock uint64
	cs    []contribution

	// Derived from cs (rebuilt by Decode).
	validated rules.Tally
	points    map[incentive.Address]int64
}

// New returns an empty mechanism whose clock starts at createdAt.
func New(p Params, createdAt uint64) *State {
	return &State{p: p, clock: createdAt, points: map[incentive.Address]int64{}}
}

// Params returns the parameters.
func (s *State) Params() Params { return s.p }

// Clock returns the time of the latest accepted action (or the creation time).
func (s *State) Clock() uint64 { return s.clock }

// Len returns the number of contributions; their ids are 0 … Len()−1.
func (s *State) Len() int { return len(s.cs) }

// Points returns a's points: RefundPoints per refunded contribution plus ReportPoints
// per report made, minus ReportedPenalty per reported contribution. |Points| never
// exceeds the number of contributions, so it cannot overflow.
func (s *State) Points(a incentive.Address) int64 { return s.points[a] }

// Validated returns the number of a's refunded contributions.
func (s *State) Validated(a incentive.Address) uint64 { return s.validated.Get(a) }

// TotalValidated returns the number of refunded contributions.
func (s *State) TotalValidated() uint64 { return s.validated.Total() }

// Contribution returns a copy of contribution id's record.
func (s *State) Contribution(id uint64) (Contribution, error) {
	c, err := s.get(id)
	if err != nil {
		return Contribution{}, err
	}
	return Contribution{ID: id, Contributor: c.contributor, DataHash: c.dataHash, Label: c.label,
		Added: c.added, Status: c.status, Reporter: c.reporter}, nil
}

func (s *State) get(id uint64) (*contribution, error) {
	if id >= uint64(len(s.cs)) {
		return nil, fmt.Errorf("%w: id %d of %d", incentive.ErrUnknownContribution, id, len(s.cs))
	}
	return &s.cs[id], nil
}

// Add records a contribution at time now and returns its id. Checks: contributor
// non-zero (ErrZeroAddress), now ≥ Clock() (ErrClockBackwards).
func (s *State) Add(contributor incentive.Address, dataHash [32]byte, label int32, now uint64) (uint64, error) {
	if err := rules.Actor(contributor, "contributor"); err != nil {
		return 0, err
	}
	if err := rules.Clock(s.clock, now); err != nil {
		return 0, err
	}
	s.cs = append(s.cs, contribution{contributor: contributor, dataHash: dataHash, label: label, added: now})
	s.clock = now
	return uint64(len(s.cs) - 1), nil
}

func (c *contribution) claim() rules.Claim {
	cl := rules.Claim{Contributor: c.contributor, Added: c.added, Left: c.status == Open}
	switch c.status {
	case Refunded:
		cl.Refunded = true
		cl.ClaimedBy = []incentive.Address{c.contributor}
	case Reported:
		cl.Taken = true
		cl.ClaimedBy = []incentive.Address{c.reporter}
	}
	return cl
}

func (s *State) prelude(id uint64, actor incentive.Address, role string, now uint64) (*contribution, error) {
	return rules.Prelude(s.get, id, actor, role, s.clock, now)
}

// Refund settles contribution id as validated: its contributor gains RefundPoints.
// Checks, in order: id exists (ErrUnknownContribution); caller non-zero; now ≥ Clock();
// then the shared refund rules: caller is the contributor (ErrNotContributor), not
// refunded (ErrAlreadyClaimed), not reported (ErrTaken), RefundWait passed
// (ErrTooEarly), the model predicts the label (ErrModelDisagrees). It returns the points
// the caller gained.
func (s *State) Refund(id uint64, caller incentive.Address, now uint64, modelPredictsLabel bool) (int64, error) {
	c, err := s.prelude(id, caller, "caller", now)
	if err != nil {
		return 0, err
	}
	cl := c.claim()
	if err := rules.Refund(&cl, caller, now, s.p.RefundWait, modelPredictsLabel); err != nil {
		return 0, err
	}
	c.status = Refunded
	s.validated.Inc(caller)
	s.points[caller] += RefundPoints
	s.clock = now
	return RefundPoints, nil
}

// Report settles contribution id as bad: the reporter gains ReportPoints and the
// contributor loses ReportedPenalty. Checks, in order: id exists; reporter non-zero;
// now ≥ Clock(); then the shared report rules: reporter is not the contributor
// (ErrOwnContribution), has not claimed it (ErrAlreadyClaimed), it is not settled
// (ErrNothingLeft), RefundWait passed (ErrTooEarly), the model disagrees
// (ErrModelAgrees), the reporter has a validated contribution (*NotValidatedError). It
// returns the points the reporter gained.
func (s *State) Report(id uint64, reporter incentive.Address, now uint64, modelPredictsLabel bool) (int64, error) {
	c, err := s.prelude(id, reporter, "reporter", now)
	if err != nil {
		return 0, err
	}
	cl := c.claim()
	if err := rules.Report(&cl, reporter, now, s.p.RefundWait, modelPredictsLabel, s.validated.Get(reporter)); err != nil {
		return 0, err
	}
	c.status = Reported
	c.reporter = reporter
	s.points[reporter] += ReportPoints
	s.points[c.contributor] -= ReportedPenalty
	s.clock = now
	return ReportPoints, nil
}

// CheckInvariants recomputes the tallies and points from the contributions and compares.
func (s *State) CheckInvariants() error {
	var t rules.Tally
	pts := map[incentive.Address]int64{}
	var prev uint64
	for i := range s.cs {
		c := &s.cs[i]
		if i > 0 && c.added < prev {
			return fmt.Errorf("points: contribution %d added before its predecessor", i)
		}
		prev = c.added
		switch c.status {
		case Refunded:
			t.Inc(c.contributor)
			pts[c.contributor] += RefundPoints
		case Reported:
			pts[c.reporter] += ReportPoints
			pts[c.contributor] -= ReportedPenalty
		}
	}
	if len(s.cs) > 0 && s.clock < prev {
		return fmt.Errorf("points: clock before the last contribution")
	}
	if t.Total() != s.validated.Total() {
		return fmt.Errorf("points: validated total %d != %d", s.validated.Total(), t.Total())
	}
	for a, v := range pts {
		if s.points[a] != v || t.Get(a) != s.validated.Get(a) {
			return fmt.Errorf("points: tally of %s", a)
		}
	}
	for a, v := range s.points {
		if pts[a] != v {
			return fmt.Errorf("points: tally of %s", a)
		}
	}
	return nil
}
