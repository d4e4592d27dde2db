// Package rules holds the validation rules that Deposit-Refund-Take and Points share:
// who may refund or report a contribution, when, and on what model opinion; the
// mechanism clock; sorted address sets; and the per-address tally of validated
// contributions. Both mechanisms call these functions, so the rules exist once.
//
// Each check returns the first failing rule in the documented order (docs/INCENTIVES.md)
// and changes nothing.
package rules

import (
	"fmt"
	"sort"

	"github.com/meritchain/merit/engine/incentive"
)

// Claim is what the rules need to know about one contribution.
type Claim struct {
	Contributor incentive.Address
	Added       uint64              // time the contribution was added
	ClaimedBy   []incentive.Address // addresses that have claimed on it, sorted, unique
	Refunded    bool                // the contributor has been refunded (it is validated)
	Taken       bool                // someone other than a refunding contributor has claimed
	Left        bool                // something remains to be claimed
}

// Clock checks that now is not before the mechanism's clock (the time of the latest
// accepted action).
func Clock(clock, now uint64) error {
	if now < clock {
		return fmt.Errorf("%w: time %d < %d", incentive.ErrClockBackwards, now, clock)
	}
	return nil
}

// Prelude runs the checks every action on an existing contribution starts with, in
// order: the contribution exists (get), the actor is not the zero address, and now is
// not before the clock. It returns what get returned.
func Prelude[C any](get func(id uint64) (C, error), id uint64, actor incentive.Address, role string, clock, now uint64) (C, error) {
	c, err := get(id)
	if err != nil {
		return c, err
	}
	if err := Actor(actor, role); err != nil {
		return c, err
	}
	return c, Clock(clock, now)
}

// Actor checks that a is not the zero address.
func Actor(a incentive.Address, role string) error {
	if a.IsZero() {
		return fmt.Errorf("%w: %s", incentive.ErrZeroAddress, role)
	}
	return nil
}

// waited reports whether wait seconds have passed from added to now (now ≥ added is
// guaranteed by the clock rule: every contribution was added at or before the clock).
func waited(added, now, wait uint64) bool { return now >= added && now-added >= wait }

func tooEarly(what string, c *Claim, now, wait uint64) error {
	return fmt.Errorf("%w: %s allowed from time %d (added %d + wait %d), now %d",
		incentive.ErrTooEarly, what, satAdd(c.Added, wait), c.Added, wait, now)
}

func satAdd(a, b uint64) uint64 {
	if a+b < a {
		return ^uint64(0)
	}
	return a + b
}

// Refund checks a refund by caller at time now, in this order:
//
//  1. caller is the contributor (ErrNotContributor);
//  2. not refunded already (ErrAlreadyClaimed);
//  3. nothing taken by anyone else (ErrTaken);
//  4. something is left (ErrNothingLeft);
//  5. refundWait has passed since the contribution was added (ErrTooEarly);
//  6. the model now predicts the contribution's label (ErrModelDisagrees).
func Refund(c *Claim, caller incentive.Address, now, refundWait uint64, modelPredictsLabel bool) error {
	switch {
	case caller != c.Contributor:
		return fmt.Errorf("%w: %s", incentive.ErrNotContributor, caller)
	case c.Refunded:
		return fmt.Errorf("%w: refunded already", incentive.ErrAlreadyClaimed)
	case c.Taken:
		return fmt.Errorf("%w: no refund", incentive.ErrTaken)
	case !c.Left:
		return fmt.Errorf("%w: no refund", incentive.ErrNothingLeft)
	case !waited(c.Added, now, refundWait):
		return tooEarly("refund", c, now, refundWait)
	case !modelPredictsLabel:
		return fmt.Errorf("%w: no refund", incentive.ErrModelDisagrees)
	}
	return nil
}

// Report checks a report by reporter at time now, in this order:
//
//  1. reporter is not the contributor (ErrOwnContribution);
//  2. reporter has not claimed on this contribution (ErrAlreadyClaimed);
//  3. something is left (ErrNothingLeft);
//  4. refundWait has passed since the contribution was added (ErrTooEarly);
//  5. the model does not predict the contribution's label (ErrModelAgrees);
//  6. the reporter has at least one validated contribution (*NotValidatedError).
func Report(c *Claim, reporter incentive.Address, now, refundWait uint64, modelPredictsLabel bool, reporterValidated uint64) error {
	switch {
	case reporter == c.Contributor:
		return fmt.Errorf("%w: %s", incentive.ErrOwnContribution, reporter)
	case Has(c.ClaimedBy, reporter):
		return fmt.Errorf("%w: %s", incentive.ErrAlreadyClaimed, reporter)
	case !c.Left:
		return fmt.Errorf("%w: no report", incentive.ErrNothingLeft)
	case !waited(c.Added, now, refundWait):
		return tooEarly("report", c, now, refundWait)
	case modelPredictsLabel:
		return fmt.Errorf("%w: no report", incentive.ErrModelAgrees)
	case reporterValidated == 0:
		return &incentive.NotValidatedError{Reporter: reporter}
	}
	return nil
}

// Timed checks a claim of everything left by claimer at time now: the owner may claim
// once ownerWait has passed since the contribution was added, anyone (the owner and the
// contributor included) once anyWait has passed. Order:
//
//  1. something is left (ErrNothingLeft);
//  2. the caller's wait has passed (ErrTooEarly).
//
// The claimed-by set is not consulted: a reporter may take what is left once its wait
// has passed.
func Timed(c *Claim, claimer, owner incentive.Address, now, ownerWait, anyWait uint64) error {
	switch {
	case !c.Left:
		return fmt.Errorf("%w: no claim", incentive.ErrNothingLeft)
	case waited(c.Added, now, anyWait):
		return nil
	case claimer == owner && waited(c.Added, now, ownerWait):
		return nil
	case claimer == owner:
		return tooEarly("owner claim", c, now, ownerWait)
	}
	return tooEarly("claim by any address", c, now, anyWait)
}

// Has reports whether the sorted set s holds a.
func Has(s []incentive.Address, a incentive.Address) bool {
	i := sort.Search(len(s), func(i int) bool { return s[i].Compare(a) >= 0 })
	return i < len(s) && s[i] == a
}

// Insert returns s with a added in order (s unchanged if it holds a already). It may
// reuse s's backing array, like append.
func Insert(s []incentive.Address, a incentive.Address) []incentive.Address {
	i := sort.Search(len(s), func(i int) bool { return s[i].Compare(a) >= 0 })
	if i < len(s) && s[i] == a {
		return s
	}
	s = append(s, incentive.Address{})
	copy(s[i+1:], s[i:])
	s[i] = a
	return s
}

// SortedUnique reports whether s is strictly increasing.
func SortedUnique(s []incentive.Address) bool {
	for i := 1; i < len(s); i++ {
		if s[i-1].Compare(s[i]) >= 0 {
			return false
		}
	}
	return true
}

// Tally counts validated contributions per address and in total. Its zero value is
// empty and ready to use. Totals are derived state: the mechanisms rebuild them from
// their contributions when decoding.
type Tally struct {
	per   map[incentive.Address]uint64
	total uint64
}

// Get returns a's count.
func (t *Tally) Get(a incentive.Address) uint64 { return t.per[a] }

// Total returns the sum of all counts.
func (t *Tally) Total() uint64 { return t.total }

// CanInc reports whether Inc(a) would not overflow. (Counts grow by one per accepted
// action, so this never fails in practice; it keeps the arithmetic checked.)
func (t *Tally) CanInc() bool { return t.total < ^uint64(0) }

// Inc adds one to a's count; the caller must have checked CanInc.
func (t *Tally) Inc(a incentive.Address) {
	if t.per == nil {
		t.per = make(map[incentive.Address]uint64)
	}
	t.per[a]++
	t.total++
}
