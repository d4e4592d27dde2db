package sim

import (
	"fmt"
	"strconv"
)

// Kind is an agent's behaviour (docs/SIMULATION.md, "Agents").
type Kind uint8

const (
	// Honest submits each of its rows once, with its true label.
	Honest Kind = 1
	// LabelFlipper submits each of its rows once, with a wrong label: y becomes
	// (y + 1 + Uintn(C−1)) mod C, drawn from the agent's own seeded generator.
	LabelFlipper Kind = 2
	// DuplicateSpammer submits the same few rows (its whole share, with their true labels)
	// again and again, in bursts of one row per second.
	DuplicateSpammer Kind = 3
	// LazyCopier submits its rows labelled with the current model's own prediction: a
	// free rider that adds no information.
	LazyCopier Kind = 4
)

var kindNames = [...]string{
	Honest:           "honest",
	LabelFlipper:     "label-flipper",
	DuplicateSpammer: "duplicate-spammer",
	LazyCopier:       "lazy-copier",
}

// Kinds returns every agent kind in increasing numeric order.
func Kinds() []Kind { return []Kind{Honest, LabelFlipper, DuplicateSpammer, LazyCopier} }

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k >= Honest && k <= LazyCopier }

// String returns the kind's name ("honest", "label-flipper", "duplicate-spammer",
// "lazy-copier"), or "kind(N)" for an unknown value.
func (k Kind) String() string {
	if k.Valid() {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// ParseKind returns the kind with the given name (exactly as String spells it).
func ParseKind(name string) (Kind, error) {
	for _, k := range Kinds() {
		if kindNames[k] == name {
			return k, nil
		}
	}
	return 0, fmt.Errorf("%w: unknown agent kind %q (known: honest, label-flipper, duplicate-spammer, lazy-copier)", ErrConfig, name)
}

// Mechanism is the incentive mechanism a simulation runs under.
type Mechanism uint8

const (
	// DRT is Deposit-Refund-Take: a deposit per contribution, refunded if the model still
	// agrees with it after a waiting time, taken by validated reporters if it does not.
	DRT Mechanism = 1
	// Points runs the same checks as DRT with points instead of money.
	Points Mechanism = 2
	// Market is the prediction market: a bounty, committed test-set portions, stakes, and
	// rewards by each contribution's marginal effect on the revealed test set.
	Market Mechanism = 3
)

var mechanismNames = [...]string{DRT: "drt", Points: "points", Market: "market"}

// Mechanisms returns every mechanism in increasing numeric order.
func Mechanisms() []Mechanism { return []Mechanism{DRT, Points, Market} }

// Valid reports whether m is a known mechanism.
func (m Mechanism) Valid() bool { return m >= DRT && m <= Market }

// String returns the mechanism's name ("drt", "points", "market"), or "mechanism(N)".
func (m Mechanism) String() string {
	if m.Valid() {
		return mechanismNames[m]
	}
	return "mechanism(" + strconv.Itoa(int(m)) + ")"
}

// ParseMechanism returns the mechanism with the given name (exactly as String spells it).
func ParseMechanism(name string) (Mechanism, error) {
	for _, m := range Mechanisms() {
		if mechanismNames[m] == name {
			return m, nil
		}
	}
	return 0, fmt.Errorf("%w: unknown mechanism %q (known: drt, points, market)", ErrConfig, name)
}

// MarshalText encodes k by name (for JSON output).
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText decodes a name written by MarshalText.
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := ParseKind(string(b))
	*k = v
	return err
}

// MarshalText encodes m by name (for JSON output).
func (m Mechanism) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText decodes a name written by MarshalText.
func (m *Mechanism) UnmarshalText(b []byte) error {
	v, err := ParseMechanism(string(b))
	*m = v
	return err
}
