// Package drt is the Deposit-Refund-Take incentive mechanism: every contribution comes
// with a deposit; the contributor gets the deposit back if, after a waiting time, the
// model still predicts the contribution's label; if the model does not, contributors
// with validated (refunded) contributions may report it and each take a share of the
// deposit in proportion to their validated count; after longer waits the owner, then
// anyone, may take whatever is left.
//
// The mechanism never sees a model: each refund or report carries the caller's statement
// of whether the current model predicts the contribution's label (the engine, a chain
// module or a test computes it). Time is in seconds and money in integer base units,
// both uint64. docs/INCENTIVES.md specifies every rule, rounding and byte of the state
// encoding.
package drt

import (
	"fmt"

	"github.com/meritchain/merit/engine/fixed"
	"github.com/meritchain/merit/engine/incentive"
	"github.com/meritchain/merit/engine/incentive/internal/rules"
)

// SecondsPerHour is the constant factor of the deposit rule.
const SecondsPerHour = 3600

// MaxCostWeight is the largest accepted Params.CostWeight: CostWeight·3600 must fit in
// a uint64, so the required deposit never overflows.
const MaxCostWeight = ^uint64(0) / SecondsPerHour

// Params are a DRT mechanism's parameters; they never change after New.
type Params struct {
	// CostWeight scales the required deposit: CostWeight·3600 / max(1, ⌊√Δt⌋) base
	// units, Δt being the seconds since the last accepted contribution. 0..MaxCostWeight.
	CostWeight uint64
	// RefundWait is the wait (seconds after a contribution is added) before its
	// contributor may be refunded and before it may be reported.
	RefundWait uint64
	// OwnerWait is the wait before the owner may take everything left.
	OwnerWait uint64
	// AnyAddressWait is the wait before any address may take everything left.
	AnyAddressWait uint64
	// Owner is the mechanism's authority (not the zero address).
	Owner incentive.Address
}

// Validate checks RefundWait ≤ OwnerWait ≤ AnyAddressWait, CostWeight ≤ MaxCostWeight
// and a non-zero Owner. Errors wrap incentive.ErrBadParams.
func (p Params) Validate() error {
	switch {
	case p.CostWeight > MaxCostWeight:
		return fmt.Errorf("%w: cost weight %d > %d", incentive.ErrBadParams, p.CostWeight, MaxCostWeight)
	case p.RefundWait > p.OwnerWait:
		return fmt.Errorf("%w: refund wait %d > owner wait %d", incentive.ErrBadParams, p.RefundWait, p.OwnerWait)
	case p.OwnerWait > p.AnyAddressWait:
		return fmt.Errorf("%w: owner wait %d > any-address wait %d", incentive.ErrBadParams, p.OwnerWait, p.AnyAddressWait)
	case p.Owner.IsZero():
		return fmt.Errorf("%w: zero owner address", incentive.ErrBadParams)
	}
	return nil
}

// Contribution is the record of one contribution (a copy; changing it changes nothing).
type Contribution struct {
	ID             uint64
	Contributor    incentive.Address
	DataHash       [32]byte // supplied by the caller, recorded as is
	Label          int32    // supplied by the caller, recorded as is
	Added          uint64   // time added
	InitialDeposit uint64   // ≥ 1
	Remaining      uint64   // still claimable, ≤ InitialDeposit
	ClaimedBy      []incentive.Address
	Refunded       bool
}

type contribution struct {
	contributor incentive.Address
	dataHash    [32]byte
	label       int32
	added       uint64
	initial     uint64
	remaining   uint64
	claimedBy   []incentive.Address // sorted, unique
	refunded    bool
}

// State is a DRT mechanism's whole state. It is not safe for concurrent use.
type State struct {
	p          Params
	created    uint64
	clock      uint64 // time of the latest accepted action
	lastUpdate uint64 // time of the latest accepted contribution, or created
	cs         []contribution

	// Derived from cs (rebuilt by Decode).
	validated rules.Tally
	deposited uint64 // Σ initial deposits
	claimable uint64 // Σ remaining
}

// New returns an empty mechanism created at time createdAt, which is the reference time
// of the first contribution's deposit.
func New(p Params, createdAt uint64) (*State, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &State{p: p, created: createdAt, clock: createdAt, lastUpdate: createdAt}, nil
}

// Params returns the parameters.
func (s *State) Params() Params { return s.p }

// Created returns the creation time.
func (s *State) Created() uint64 { return s.created }

// Clock returns the time of the latest accepted action (the creation time at first).
// Every action must be at or after it.
func (s *State) Clock() uint64 { return s.clock }

// LastUpdate returns the time of the latest accepted contribution, or the creation time
// if there is none: the reference time of the next deposit.
func (s *State) LastUpdate() uint64 { return s.lastUpdate }

// Len returns the number of contributions; their ids are 0 … Len()−1.
func (s *State) Len() int { return len(s.cs) }

// Validated returns the number of a's contributions that have been refunded.
func (s *State) Validated(a incentive.Address) uint64 { return s.validated.Get(a) }

// TotalValidated returns the number of refunded contributions.
func (s *State) TotalValidated() uint64 { return s.validated.Total() }

// Contribution returns a copy of contribution id's record.
func (s *State) Contribution(id uint64) (Contribution, error) {
	c, err := s.get(id)
	if err != nil {
		return Contribution{}, err
	}
	return Contribution{
		ID: id, Contributor: c.contributor, DataHash: c.dataHash, Label: c.label, Added: c.added,
		InitialDeposit: c.initial, Remaining: c.remaining,
		ClaimedBy: append([]incentive.Address(nil), c.claimedBy...), Refunded: c.refunded,
	}, nil
}

func (s *State) get(id uint64) (*contribution, error) {
	if id >= uint64(len(s.cs)) {
		return nil, fmt.Errorf("%w: id %d of %d", incentive.ErrUnknownContribution, id, len(s.cs))
	}
	return &s.cs[id], nil
}

// depositFor returns CostWeight·3600 / d, d = ⌊√elapsed⌋, or 1 when that is 0.
func depositFor(costWeight, elapsed uint64) uint64 {
	d := fixed.Isqrt(elapsed)
	if d == 0 {
		d = 1
	}
	return costWeight * SecondsPerHour / d // CostWeight ≤ MaxCostWeight: no overflow
}

// RequiredDeposit returns the deposit formula's value for a contribution at time now:
// ⌊CostWeight·3600 / d⌋ with d = ⌊√(now − LastUpdate())⌋, or d = 1 when that is 0.
// Add requires at least max(1, RequiredDeposit(now)). now must be ≥ LastUpdate()
// (ErrClockBackwards otherwise).
func (s *State) RequiredDeposit(now uint64) (uint64, error) {
	if err := rules.Clock(s.lastUpdate, now); err != nil {
		return 0, err
	}
	return depositFor(s.p.CostWeight, now-s.lastUpdate), nil
}

// MinimumDeposit returns max(1, RequiredDeposit(now)): the smallest deposit Add accepts.
func (s *State) MinimumDeposit(now uint64) (uint64, error) {
	d, err := s.RequiredDeposit(now)
	return max(d, 1), err
}

// Add records a contribution by contributor at time now with the given deposit and
// returns its id (ids are sequential from 0). The whole deposit is recorded (an amount
// above the minimum is kept, and is refundable or takable like the rest). Checks, in
// order: contributor non-zero (ErrZeroAddress); now ≥ Clock() (ErrClockBackwards);
// deposit ≥ MinimumDeposit(now) (ErrDepositTooLow); the total deposited stays below 2^64
// (ErrOverflow). On success the deposit reference time becomes now.
func (s *State) Add(contributor incentive.Address, dataHash [32]byte, label int32, now, deposit uint64) (uint64, error) {
	if err := rules.Actor(contributor, "contributor"); err != nil {
		return 0, err
	}
	if err := rules.Clock(s.clock, now); err != nil {
		return 0, err
	}
	need, _ := s.MinimumDeposit(now) // now ≥ clock ≥ lastUpdate
	if deposit < need {
		return 0, fmt.Errorf("%w: offered %d, need %d", incentive.ErrDepositTooLow, deposit, need)
	}
	if s.deposited+deposit < s.deposited {
		return 0, fmt.Errorf("%w: total deposited", incentive.ErrOverflow)
	}
	id := uint64(len(s.cs))
	s.cs = append(s.cs, contribution{
		contributor: contributor, dataHash: dataHash, label: label, added: now,
		initial: deposit, remaining: deposit,
	})
	s.deposited += deposit
	s.claimable += deposit
	s.clock, s.lastUpdate = now, now
	return id, nil
}

func (c *contribution) claim() rules.Claim {
	return rules.Claim{
		Contributor: c.contributor, Added: c.added, ClaimedBy: c.claimedBy, Refunded: c.refunded,
		Taken: c.remaining < c.initial && !c.refunded, Left: c.remaining > 0,
	}
}

// pay moves amount out of c to claimer and records the claim.
func (s *State) pay(c *contribution, claimer incentive.Address, amount, now uint64) {
	c.remaining -= amount
	s.claimable -= amount
	c.claimedBy = rules.Insert(c.claimedBy, claimer)
	s.clock = now
}

// Refund pays contribution id's whole deposit back to its contributor, who passes
// whether the current model predicts the contribution's label, and counts the
// contribution as validated. Checks, in order: id exists (ErrUnknownContribution);
// caller non-zero (ErrZeroAddress); now ≥ Clock() (ErrClockBackwards); then the shared
// refund rules: caller is the contributor (ErrNotContributor), not refunded already
// (ErrAlreadyClaimed), nothing taken (ErrTaken), RefundWait passed (ErrTooEarly), the
// model predicts the label (ErrModelDisagrees). It returns the amount paid.
func (s *State) Refund(id uint64, caller incentive.Address, now uint64, modelPredictsLabel bool) (uint64, error) {
	c, err := s.prelude(id, caller, "caller", now)
	if err != nil {
		return 0, err
	}
	cl := c.claim()
	if err := rules.Refund(&cl, caller, now, s.p.RefundWait, modelPredictsLabel); err != nil {
		return 0, err
	}
	if !s.validated.CanInc() {
		return 0, fmt.Errorf("%w: validated count", incentive.ErrOverflow)
	}
	amount := c.remaining
	s.pay(c, caller, amount, now)
	c.refunded = true
	s.validated.Inc(caller)
	return amount, nil
}

// ReportShare returns what a report by a reporter with v validated contributions would
// take from a contribution with the given initial and remaining deposit, when total
// contributions are validated in all (v ≤ total, total ≥ 1):
// ⌊initial·v / total⌋ (exact, 128-bit intermediate), or everything remaining if that
// is 0 or more than remains.
func ReportShare(initial, remaining, v, total uint64) uint64 {
	share, ok := fixed.MulDiv(initial, v, total)
	if !ok || share == 0 || share > remaining {
		return remaining
	}
	return share
}

// Report takes a share of contribution id's deposit for reporter, who passes whether the
// current model predicts the contribution's label. Checks, in order: id exists; reporter
// non-zero; now ≥ Clock(); then the shared report rules: reporter is not the contributor
// (ErrOwnContribution), has not claimed on it (ErrAlreadyClaimed), something is left
// (ErrNothingLeft), RefundWait passed (ErrTooEarly), the model disagrees
// (ErrModelAgrees), the reporter has a validated contribution (*NotValidatedError). The
// amount is ReportShare(initial, remaining, Validated(reporter), TotalValidated()); it
// is returned.
func (s *State) Report(id uint64, reporter incentive.Address, now uint64, modelPredictsLabel bool) (uint64, error) {
	c, err := s.prelude(id, reporter, "reporter", now)
	if err != nil {
		return 0, err
	}
	v := s.validated.Get(reporter)
	cl := c.claim()
	if err := rules.Report(&cl, reporter, now, s.p.RefundWait, modelPredictsLabel, v); err != nil {
		return 0, err
	}
	amount := ReportShare(c.initial, c.remaining, v, s.validated.Total())
	s.pay(c, reporter, amount, now)
	return amount, nil
}

// Claim takes everything left of contribution id's deposit for claimer: the owner may
// once OwnerWait has passed since the contribution was added, any address (owner and
// contributor included) once AnyAddressWait has passed. No model opinion is needed.
// Checks, in order: id exists; claimer non-zero; now ≥ Clock(); something is left
// (ErrNothingLeft); the claimer's wait has passed (ErrTooEarly). It returns the amount.
func (s *State) Claim(id uint64, claimer incentive.Address, now uint64) (uint64, error) {
	c, err := s.prelude(id, claimer, "claimer", now)
	if err != nil {
		return 0, err
	}
	cl := c.claim()
	if err := rules.Timed(&cl, claimer, s.p.Owner, now, s.p.OwnerWait, s.p.AnyAddressWait); err != nil {
		return 0, err
	}
	amount := c.remaining
	s.pay(c, claimer, amount, now)
	return amount, nil
}

func (s *State) prelude(id uint64, actor incentive.Address, role string, now uint64) (*contribution, error) {
	return rules.Prelude(s.get, id, actor, role, s.clock, now)
}

// Totals are the mechanism's money totals. Deposited = PaidOut + Claimable always.
type Totals struct {
	Deposited uint64 // Σ initial deposits
	PaidOut   uint64 // Σ amounts refunded, reported and claimed
	Claimable uint64 // Σ remaining deposits
}

// Totals returns the money totals.
func (s *State) Totals() Totals {
	return Totals{Deposited: s.deposited, PaidOut: s.deposited - s.claimable, Claimable: s.claimable}
}

// CheckInvariants recomputes every total from the contributions and checks the state's
// invariants: Σ initial = Deposited, Σ remaining = Claimable ≤ Deposited, each
// remaining ≤ initial, claimed-by sets sorted and unique, the validated tally equal to
// the refunded contributions, the clock at or after every contribution. It returns nil
// for every state reachable through the API.
func (s *State) CheckInvariants() error {
	var dep, rem uint64
	var t rules.Tally
	prev := s.created
	for i := range s.cs {
		c := &s.cs[i]
		if c.remaining > c.initial || c.initial == 0 {
			return fmt.Errorf("drt: contribution %d: remaining %d, initial %d", i, c.remaining, c.initial)
		}
		if !rules.SortedUnique(c.claimedBy) {
			return fmt.Errorf("drt: contribution %d: claimed-by set not sorted", i)
		}
		if c.added < prev {
			return fmt.Errorf("drt: contribution %d added before its predecessor", i)
		}
		prev = c.added
		if dep+c.initial < dep {
			return fmt.Errorf("drt: deposits overflow")
		}
		dep += c.initial
		rem += c.remaining
		if c.refunded {
			t.Inc(c.contributor)
		}
	}
	switch {
	case dep != s.deposited || rem != s.claimable:
		return fmt.Errorf("drt: totals (%d, %d) != recomputed (%d, %d)", s.deposited, s.claimable, dep, rem)
	case t.Total() != s.validated.Total():
		return fmt.Errorf("drt: validated total %d != %d", s.validated.Total(), t.Total())
	case s.clock < prev || s.lastUpdate != prev:
		return fmt.Errorf("drt: clock %d / last update %d inconsistent with last addition %d", s.clock, s.lastUpdate, prev)
	}
	for i := range s.cs {
		a := s.cs[i].contributor
		if t.Get(a) != s.validated.Get(a) {
			return fmt.Errorf("drt: validated count of %s", a)
		}
	}
	return nil
}
