package incentive

import (
	"errors"
	"testing"
)

func TestAddress(t *testing.T) {
	var z Address
	a := Address{0xab, 1}
	if !z.IsZero() || a.IsZero() {
		t.Fatal("IsZero")
	}
	if a.String() != "ab01000000000000000000000000000000000000" {
		t.Fatal(a.String())
	}
	if z.Compare(a) != -1 || a.Compare(z) != 1 || a.Compare(a) != 0 {
		t.Fatal("Compare")
	}
}

func TestTypedErrors(t *testing.T) {
	var err error = &NotValidatedError{Reporter: Address{7}}
	if !errors.Is(err, ErrNotValidated) || errors.Is(err, ErrTooEarly) {
		t.Fatal("NotValidatedError")
	}
	err = &PhaseError{Action: "Join", Have: "reveal", Want: "participation"}
	if !errors.Is(err, ErrWrongPhase) || err.Error() == "" {
		t.Fatal("PhaseError")
	}
}
