// Package incentive holds what the engine's incentive mechanisms share: addresses, the
// errors they report, and (in internal packages) the claim rules and the state encoding
// helpers. The mechanisms themselves live in sub-packages:
//
//   - drt: Deposit-Refund-Take — a contributor deposits money with each contribution,
//     gets it back if the model still agrees with the contribution after a wait, and
//     loses it (in shares) to reporters with validated contributions if it does not.
//   - points: the same rules with no money; contributions earn and lose points.
//   - market: the prediction market — a provider funds a bounty and commits to hashed
//     test-set portions, contributors stake, and each contribution is paid by how much
//     it changes the model's accuracy on the revealed test set.
//
// Every mechanism is a pure, deterministic state machine: no I/O, no clock, no floating
// point. Time (seconds, uint64) and money (integer base units, uint64) are explicit
// inputs; the model's opinion is an explicit input too (a bool, or a Scorer), so the
// mechanisms never depend on a model. Every refused action returns an error that wraps
// one of the sentinel errors below (test with errors.Is) and changes nothing. Every state
// has a canonical, versioned binary encoding with a decoder that rejects malformed
// input without panicking and without allocating more than a constant times its length.
//
// The rules, every division and rounding, and the encodings are specified in
// docs/INCENTIVES.md.
package incentive

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
)

// AddressLen is the length of an Address in bytes.
const AddressLen = 20

// Address identifies an account: 20 opaque bytes (the length of Cosmos SDK and Ethereum
// account addresses). The zero address is reserved ("nobody") and never accepted as an
// actor.
type Address [AddressLen]byte

// IsZero reports whether a is the zero address.
func (a Address) IsZero() bool { return a == Address{} }

// Compare returns -1, 0 or +1 as a is lexicographically less than, equal to or greater
// than b. Sets of addresses are kept sorted in this order.
func (a Address) Compare(b Address) int { return bytes.Compare(a[:], b[:]) }

// String returns a's bytes in lower-case hexadecimal.
func (a Address) String() string { return hex.EncodeToString(a[:]) }

// Errors reported by the mechanisms. An action's error wraps exactly one of them, with
// context; test with errors.Is.
var (
	// ErrBadParams: a mechanism's parameters are out of range or inconsistent.
	ErrBadParams = errors.New("incentive: bad parameters")
	// ErrZeroAddress: the zero address was given as an actor.
	ErrZeroAddress = errors.New("incentive: zero address")
	// ErrClockBackwards: the time given is earlier than the time of an earlier accepted
	// action (the mechanism's clock).
	ErrClockBackwards = errors.New("incentive: time earlier than the last accepted action")
	// ErrOverflow: a total would not fit its integer type.
	ErrOverflow = errors.New("incentive: total out of range")
	// ErrUnknownContribution: no contribution has the given id.
	ErrUnknownContribution = errors.New("incentive: unknown contribution")

	// ErrDepositTooLow: the deposit offered is below the required deposit.
	ErrDepositTooLow = errors.New("incentive: deposit below the required deposit")
	// ErrTooEarly: the action's waiting time has not passed yet.
	ErrTooEarly = errors.New("incentive: too early")
	// ErrNotContributor: only the contributor may take this action.
	ErrNotContributor = errors.New("incentive: caller is not the contributor")
	// ErrAlreadyClaimed: the caller has already claimed on this contribution.
	ErrAlreadyClaimed = errors.New("incentive: already claimed by this address")
	// ErrOwnContribution: a contributor may not report its own contribution.
	ErrOwnContribution = errors.New("incentive: cannot report own contribution")
	// ErrNotValidated: the reporter has no validated contribution. The error returned is
	// a *NotValidatedError naming the reporter.
	ErrNotValidated = errors.New("incentive: reporter has no validated contribution")
	// ErrModelAgrees: a report needs the model to disagree with the contribution's label.
	ErrModelAgrees = errors.New("incentive: the model agrees with the contribution")
	// ErrModelDisagrees: a refund needs the model to predict the contribution's label.
	ErrModelDisagrees = errors.New("incentive: the model disagrees with the contribution")
	// ErrNothingLeft: nothing remains to be claimed (deposit exhausted, contribution
	// settled, or balance already collected).
	ErrNothingLeft = errors.New("incentive: nothing left to claim")
	// ErrTaken: a refund is refused because part of the deposit has already been taken
	// (or, for points, because the contribution was settled by a report).
	ErrTaken = errors.New("incentive: already taken by a report or claim")

	// ErrWrongPhase: the market is not in the phase the action needs. The error returned
	// is a *PhaseError.
	ErrWrongPhase = errors.New("incentive: wrong market phase")
	// ErrHashMismatch: a revealed test-set portion does not match its committed hash.
	ErrHashMismatch = errors.New("incentive: portion does not match its committed hash")
	// ErrStakeTooLow: a stake below the market's minimum.
	ErrStakeTooLow = errors.New("incentive: stake below the minimum")
	// ErrCannotEnd: the market's ending condition is not met yet.
	ErrCannotEnd = errors.New("incentive: the market cannot end yet")
	// ErrNotProvider: only the bounty provider may take this action.
	ErrNotProvider = errors.New("incentive: caller is not the provider")
	// ErrBadScores: a Scorer returned scores that break its contract.
	ErrBadScores = errors.New("incentive: scorer returned bad scores")
	// ErrScorer: the Scorer itself failed; its error is wrapped too.
	ErrScorer = errors.New("incentive: scorer failed")
	// ErrTooMany: a count limit (contributions, portions, test rows) would be exceeded.
	ErrTooMany = errors.New("incentive: limit exceeded")

	// ErrMalformed: an encoding is not the canonical encoding of a valid state.
	ErrMalformed = errors.New("incentive: malformed encoding")
)

// NotValidatedError is returned when a reporter without a validated contribution
// reports. It wraps ErrNotValidated.
type NotValidatedError struct{ Reporter Address }

func (e *NotValidatedError) Error() string {
	return fmt.Sprintf("incentive: reporter %s has no validated contribution", e.Reporter)
}

// Unwrap returns ErrNotValidated.
func (e *NotValidatedError) Unwrap() error { return ErrNotValidated }

// PhaseError is returned for an action taken in the wrong market phase. It wraps
// ErrWrongPhase.
type PhaseError struct {
	Action string
	Have   string // the market's phase
	Want   string // the phase(s) the action needs
}

func (e *PhaseError) Error() string {
	return fmt.Sprintf("incentive: %s needs phase %s, market is in phase %s", e.Action, e.Want, e.Have)
}

// Unwrap returns ErrWrongPhase.
func (e *PhaseError) Unwrap() error { return ErrWrongPhase }
