// Package gas is the engine's deterministic cost model: a written schedule of prices per
// kind of work, and a Meter that the engine's outer loops charge before doing the work.
//
// Gas depends only on the request: never on time, the machine, the kernel level, the
// number of workers or the form the engine runs in (native Go, or either WebAssembly
// build). Work is charged before it is done, in whole steps, so a call that runs out of
// gas stops before the step it could not pay for. docs/GAS.md gives the schedule and
// how it was calibrated.
package gas

import (
	"errors"
	"fmt"
	"math/bits"
	"sync/atomic"
)

// ErrOutOfGas is returned (wrapped) when a call needs more gas than its limit.
var ErrOutOfGas = errors.New("out of gas")

// Kind is a kind of work with a price in the Schedule.
type Kind uint8

const (
	Call       Kind = iota // one engine call (a request decoded, a response encoded)
	InputByte              // one byte of request
	Element                // one element of a kernel: a multiply-add, a compare, a gather
	Sample                 // one sample processed by an outer loop (a row trained, predicted or scored)
	Sort                   // one element-comparison level of a sort: n·⌈log2 n⌉ per sort of n
	Step                   // one test row kept up to date by an incremental tracker step (weighted per family)
	OutputByte             // one byte of response
	numKinds
)

var kindNames = [numKinds]string{"call", "input-byte", "element", "sample", "sort", "step", "output-byte"}

func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Schedule is the price in gas of one unit of each Kind.
type Schedule [numKinds]uint64

// Default is the schedule the engine's WebAssembly ABI uses. The prices are calibrated so
// that one unit of gas costs about the same time whatever the work (BENCHMARKS.md
// reports the calibration): one unit is roughly one kernel element, about 0.15 ns of
// native AVX2 work.
var Default = Schedule{
	Call:       100_000,
	InputByte:  1,
	Element:    1,
	Sample:     200,
	Sort:       4,
	Step:       16,
	OutputByte: 2,
}

// Cost returns n units of k at s's price, saturating at the largest uint64.
func (s *Schedule) Cost(k Kind, n uint64) uint64 {
	hi, lo := bits.Mul64(s[k], n)
	if hi != 0 {
		return ^uint64(0)
	}
	return lo
}

// Meter is charged by the engine before it does work. Charge returns an error wrapping
// ErrOutOfGas when the work would exceed the limit; the caller must then stop.
type Meter interface {
	Charge(k Kind, n uint64) error
}

// Counter is a Meter with a limit. It is safe for concurrent use: parallel workers may
// charge it, and since every unit of work is charged exactly once, the total of a call
// that succeeds does not depend on their order.
type Counter struct {
	s     Schedule
	limit uint64
	used  atomic.Uint64
	out   atomic.Bool
}

// NewCounter returns a meter with the given schedule and limit.
func NewCounter(s Schedule, limit uint64) *Counter {
	return &Counter{s: s, limit: limit}
}

// Charge adds n units of k. If that would exceed the limit, Used becomes the limit and
// Charge (and every later Charge) returns an error wrapping ErrOutOfGas, always with the
// same text: which of several parallel workers ran out first must not show.
func (c *Counter) Charge(k Kind, n uint64) error {
	return c.ChargeGas(c.s.Cost(k, n))
}

// ChargeGas adds g gas, with Charge's rule.
func (c *Counter) ChargeGas(g uint64) error {
	for {
		if c.out.Load() {
			return c.outOfGas()
		}
		u := c.used.Load()
		next, carry := bits.Add64(u, g, 0)
		if carry != 0 || next > c.limit {
			c.out.Store(true)
			c.used.Store(c.limit)
			return c.outOfGas()
		}
		if c.used.CompareAndSwap(u, next) {
			return nil
		}
	}
}

func (c *Counter) outOfGas() error { return fmt.Errorf("%w: limit %d", ErrOutOfGas, c.limit) }

// Used returns the gas charged so far (the limit, once out of gas).
func (c *Counter) Used() uint64 { return c.used.Load() }

// Limit returns the counter's limit.
func (c *Counter) Limit() uint64 { return c.limit }

// Unmetered is a Meter that never runs out and records nothing.
type Unmetered struct{}

func (Unmetered) Charge(Kind, uint64) error { return nil }
