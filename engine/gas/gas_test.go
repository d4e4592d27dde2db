package gas

import (
	"errors"
	"sync"
	"testing"
)

func TestCost(t *testing.T) {
	s := Default
	if got := s.Cost(Element, 7); got != 7*Default[Element] {
		t.Fatalf("Cost(Element, 7) = %d", got)
	}
	if got := s.Cost(Call, 1<<63); got != ^uint64(0) {
		t.Fatalf("overflowing cost = %d, want saturation", got)
	}
	for k := Kind(0); k < numKinds; k++ {
		if Default[k] == 0 {
			t.Errorf("%s has no price", k)
		}
		if k.String() == "" {
			t.Errorf("kind %d has no name", k)
		}
	}
}

// TestCounterLimit: charges up to the limit succeed; the one that would pass it fails
// with ErrOutOfGas, leaves Used at the limit, and every later charge fails too.
func TestCounterLimit(t *testing.T) {
	c := NewCounter(Schedule{Element: 1}, 10)
	if err := c.Charge(Element, 10); err != nil || c.Used() != 10 {
		t.Fatalf("exactly the limit: %v, used %d", err, c.Used())
	}
	c = NewCounter(Schedule{Element: 1}, 10)
	if err := c.Charge(Element, 4); err != nil {
		t.Fatal(err)
	}
	first := c.Charge(Element, 7)
	if !errors.Is(first, ErrOutOfGas) || c.Used() != 10 {
		t.Fatalf("past the limit: %v, used %d", first, c.Used())
	}
	// Every later charge fails with the same text, so that which of several parallel
	// workers ran out first cannot show in a call's error.
	if err := c.Charge(Element, 0); !errors.Is(err, ErrOutOfGas) || err.Error() != first.Error() {
		t.Fatalf("after running out: %v, the first: %v", err, first)
	}
	// A charge whose sum overflows 64 bits is out of gas, not a wrap-around.
	c = NewCounter(Schedule{Element: 1}, ^uint64(0))
	_ = c.Charge(Element, 5)
	if err := c.ChargeGas(^uint64(0)); !errors.Is(err, ErrOutOfGas) || c.Used() != ^uint64(0) {
		t.Fatalf("overflow: %v, used %d", err, c.Used())
	}
}

// TestCounterConcurrent: concurrent charges add up exactly.
func TestCounterConcurrent(t *testing.T) {
	c := NewCounter(Schedule{Element: 3}, 1<<40)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 1000 {
				if err := c.Charge(Element, 1); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if c.Used() != 8*1000*3 {
		t.Fatalf("used %d, want %d", c.Used(), 8*1000*3)
	}
	if (Unmetered{}).Charge(Call, 1<<62) != nil {
		t.Fatal("Unmetered ran out")
	}
}
