package rules

import (
	"errors"
	"testing"

	"github.com/meritchain/merit/engine/incentive"
)

func a(b byte) incentive.Address { return incentive.Address{b} }

func TestSet(t *testing.T) {
	var s []incentive.Address
	for _, b := range []byte{5, 1, 9, 5, 3, 1} {
		s = Insert(s, a(b))
	}
	if len(s) != 4 || !SortedUnique(s) {
		t.Fatal(s)
	}
	for _, b := range []byte{1, 3, 5, 9} {
		if !Has(s, a(b)) {
			t.Fatal(b)
		}
	}
	if Has(s, a(4)) || Has(nil, a(1)) || !SortedUnique(nil) {
		t.Fatal("membership")
	}
	if SortedUnique([]incentive.Address{a(2), a(2)}) || SortedUnique([]incentive.Address{a(3), a(2)}) {
		t.Fatal("unsorted set accepted")
	}
}

func TestOrder(t *testing.T) {
	// Several rules fail at once: the first in the documented order is reported.
	c := &Claim{Contributor: a(1), Added: 100, Refunded: true, Taken: true}
	if err := Refund(c, a(2), 0, 50, false); !errors.Is(err, incentive.ErrNotContributor) {
		t.Fatal(err)
	}
	if err := Refund(c, a(1), 0, 50, false); !errors.Is(err, incentive.ErrAlreadyClaimed) {
		t.Fatal(err)
	}
	c.Refunded = false
	if err := Refund(c, a(1), 0, 50, false); !errors.Is(err, incentive.ErrTaken) {
		t.Fatal(err)
	}
	c.Taken = false
	if err := Refund(c, a(1), 120, 50, false); !errors.Is(err, incentive.ErrNothingLeft) {
		t.Fatal(err)
	}
	c.Left = true
	if err := Refund(c, a(1), 149, 50, false); !errors.Is(err, incentive.ErrTooEarly) {
		t.Fatal(err)
	}
	if err := Refund(c, a(1), 150, 50, false); !errors.Is(err, incentive.ErrModelDisagrees) {
		t.Fatal(err)
	}
	if err := Refund(c, a(1), 150, 50, true); err != nil {
		t.Fatal(err)
	}

	r := &Claim{Contributor: a(1), Added: 100, ClaimedBy: []incentive.Address{a(2)}}
	if err := Report(r, a(1), 0, 50, true, 0); !errors.Is(err, incentive.ErrOwnContribution) {
		t.Fatal(err)
	}
	if err := Report(r, a(2), 0, 50, true, 0); !errors.Is(err, incentive.ErrAlreadyClaimed) {
		t.Fatal(err)
	}
	if err := Report(r, a(3), 0, 50, true, 0); !errors.Is(err, incentive.ErrNothingLeft) {
		t.Fatal(err)
	}
	r.Left = true
	if err := Report(r, a(3), 149, 50, true, 0); !errors.Is(err, incentive.ErrTooEarly) {
		t.Fatal(err)
	}
	if err := Report(r, a(3), 150, 50, true, 0); !errors.Is(err, incentive.ErrModelAgrees) {
		t.Fatal(err)
	}
	if err := Report(r, a(3), 150, 50, false, 0); !errors.Is(err, incentive.ErrNotValidated) {
		t.Fatal(err)
	}
	if err := Report(r, a(3), 150, 50, false, 1); err != nil {
		t.Fatal(err)
	}

	// Timed: waits near 2^64 never overflow.
	c = &Claim{Contributor: a(1), Added: 1 << 63, Left: true}
	if err := Timed(c, a(9), a(9), ^uint64(0), ^uint64(0), ^uint64(0)); !errors.Is(err, incentive.ErrTooEarly) {
		t.Fatal(err)
	}
	if err := Timed(c, a(9), a(9), 1<<63+10, 10, 20); err != nil {
		t.Fatal(err)
	}
	if err := Timed(c, a(8), a(9), 1<<63+10, 10, 20); !errors.Is(err, incentive.ErrTooEarly) {
		t.Fatal(err)
	}
	if err := Timed(c, a(8), a(9), 1<<63+20, 10, 20); err != nil {
		t.Fatal(err)
	}
}

func TestTally(t *testing.T) {
	var tl Tally
	if tl.Get(a(1)) != 0 || tl.Total() != 0 || !tl.CanInc() {
		t.Fatal("zero tally")
	}
	tl.Inc(a(1))
	tl.Inc(a(1))
	tl.Inc(a(2))
	if tl.Get(a(1)) != 2 || tl.Total() != 3 {
		t.Fatal(tl)
	}
}
