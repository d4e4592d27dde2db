package sim

import (
	"errors"
	"fmt"
	"math/bits"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/incentive/market"
	"github.com/meritchain/merit/engine/model"
)

// ErrConfig is wrapped by every error that Validate (and so Run) returns for a bad
// configuration; test with errors.Is.
var ErrConfig = errors.New("sim: bad config")

// Limits on a configuration. They keep every total of a run inside int64 and a run's
// size reasonable.
const (
	MaxAgents      = 1 << 10 // agents in one run
	MaxDuration    = 1 << 40 // seconds (about 35,000 years)
	MaxFunds       = 1 << 50 // starting funds of one agent or of the owner, base units
	MaxSubmissions = 1 << 24 // planned submissions of one run
	MaxCheckpoints = 1 << 20 // time-series points of one run
)

// Agent describes one simulated participant.
type Agent struct {
	Name string // shown in the summary; unique within a run, not empty
	Kind Kind
	// Rows is the agent's share of the pool: how many rows it owns. Honest,
	// LabelFlipper and LazyCopier agents submit each row once; a DuplicateSpammer submits
	// all of its rows Repeats times.
	Rows int
	// Funds is the agent's starting balance in base units (DRT, Market). Under Points an
	// agent's balance is its points and starts at 0.
	Funds int64
	// Repeats is how many bursts a DuplicateSpammer submits (≥ 1); it must be 0 for the
	// other kinds.
	Repeats int
}

// DRTParams are the Deposit-Refund-Take parameters (engine/incentive/drt). Points uses
// RefundWait only. Times are in seconds, money in base units.
type DRTParams struct {
	// CostWeight scales the required deposit: ⌊CostWeight·3600 / max(1, ⌊√Δt⌋)⌋, Δt the
	// seconds since the previous accepted contribution.
	CostWeight int64
	// RefundWait: after it a contributor may be refunded, and others may report.
	RefundWait int64
	// OwnerWait: after it the owner takes whatever is left of a deposit.
	OwnerWait int64
	// AnyAddressWait: after it any address may take what is left (≥ OwnerWait; the
	// simulated owner claims at OwnerWait, so nothing is left by then).
	AnyAddressWait int64
}

// MarketParams are the prediction market's parameters (engine/incentive/market).
type MarketParams struct {
	// Bounty is what the provider (the owner) puts up, in base units; it comes out of
	// Config.OwnerFunds.
	Bounty int64
	// Portions is how many portions the test set is split into (≥ 2); the provider
	// commits to all of them, the market reveals one at the start, and the others are
	// revealed after the market ends and used for scoring.
	Portions int
	// Stake is what an agent stakes with each contribution, in base units (≥ MinStake).
	Stake int64
	// MinStake is the market's minimum stake and the balance below which a contribution
	// is dropped from the reward passes (≥ 1).
	MinStake int64
}

// Config is a whole simulation.
type Config struct {
	// Model is the model's configuration. Family and the family's hyperparameters are
	// the caller's; Dims, Classes and ScaleExp are taken from the pool when zero, and
	// Bound, when zero, is the largest |feature| of the pool and the test set (at least 1).
	Model model.Config
	// Pool is the training pool: the owner's initial rows and the agents' shares are
	// drawn from it. Test is the test set that accuracy is measured on (and, under the
	// market, the set the provider commits to).
	Pool, Test *dataset.Dataset

	Mechanism Mechanism
	DRT       DRTParams    // DRT and Points
	Market    MarketParams // Market

	// Seed determines every random draw of the run.
	Seed uint64
	// The owner trains the initial model on ⌊Pool.Len()·InitialNum/InitialDen⌋ rows of
	// the pool before the agents arrive.
	InitialNum, InitialDen int
	// Duration is the contribution period in seconds: every submission happens at a time
	// in [0, Duration). Under DRT and Points the run goes on until Duration +
	// DRT.OwnerWait so that every deposit is settled; the market ends at Duration.
	Duration int64
	// OwnerFunds is the owner's (the bounty provider's) starting balance.
	OwnerFunds int64
	Agents     []Agent

	// CheckpointEvery is the simulated time between time-series points (seconds, ≥ 1);
	// 0 means max(1, end/200). CheckpointContributions adds a point after every so many
	// accepted contributions; 0 means DefaultCheckpointContributions, −1 none.
	CheckpointEvery         int64
	CheckpointContributions int

	// Progress, if not nil, is called with (done, total) after every planned submission
	// is processed, and once more with done == total when the run is settled (total is
	// the number of planned submissions plus one, for the settlement: under the market,
	// the reward passes). It has no effect on the result.
	Progress func(done, total int)
}

// Defaults.
const (
	DefaultCheckpointContributions = 50
	Day                            = 86400 // seconds
)

// Validate checks c and returns the normalized model configuration the run uses, or an
// error wrapping ErrConfig naming the first problem.
func (c *Config) Validate() (model.Config, error) {
	bad := func(format string, args ...any) (model.Config, error) {
		return model.Config{}, fmt.Errorf("%w: "+format, append([]any{ErrConfig}, args...)...)
	}
	if c.Pool == nil || c.Test == nil {
		return bad("Pool and Test must both be set")
	}
	if err := c.Pool.Validate(); err != nil {
		return bad("pool: %v", err)
	}
	if err := c.Test.Validate(); err != nil {
		return bad("test set: %v", err)
	}
	if c.Pool.Len() == 0 || c.Test.Len() == 0 {
		return bad("pool has %d rows and test set %d; both need at least one", c.Pool.Len(), c.Test.Len())
	}
	if c.Pool.Dims != c.Test.Dims || c.Pool.Classes != c.Test.Classes || c.Pool.ScaleExp != c.Test.ScaleExp {
		return bad("pool (dims %d, classes %d, scale %d) and test set (dims %d, classes %d, scale %d) differ",
			c.Pool.Dims, c.Pool.Classes, c.Pool.ScaleExp, c.Test.Dims, c.Test.Classes, c.Test.ScaleExp)
	}
	mc := c.Model
	if mc.Dims == 0 {
		mc.Dims = c.Pool.Dims
	}
	if mc.Classes == 0 {
		mc.Classes = c.Pool.Classes
	}
	if mc.ScaleExp == 0 {
		mc.ScaleExp = c.Pool.ScaleExp
	}
	if mc.Bound == 0 {
		mc.Bound = max(c.Pool.MaxAbs(), c.Test.MaxAbs(), 1)
	}
	mc, err := mc.Normalize()
	if err != nil {
		return bad("model: %v", err)
	}
	if mc.Dims != c.Pool.Dims || mc.Classes != c.Pool.Classes || mc.ScaleExp != c.Pool.ScaleExp {
		return bad("model config (dims %d, classes %d, scale %d) does not match the pool (dims %d, classes %d, scale %d)",
			mc.Dims, mc.Classes, mc.ScaleExp, c.Pool.Dims, c.Pool.Classes, c.Pool.ScaleExp)
	}
	if b := max(c.Pool.MaxAbs(), c.Test.MaxAbs()); b > mc.Bound {
		return bad("data has |feature| up to %d, above the model's Bound %d", b, mc.Bound)
	}
	if !c.Mechanism.Valid() {
		return bad("unknown mechanism %d (1 drt, 2 points, 3 market)", c.Mechanism)
	}
	if c.Duration < 1 || c.Duration > MaxDuration {
		return bad("Duration = %d s, must be in 1..%d", c.Duration, int64(MaxDuration))
	}
	if c.InitialDen < 1 || c.InitialNum < 0 || c.InitialNum > c.InitialDen {
		return bad("initial fraction %d/%d, want 0 ≤ num ≤ den, den ≥ 1", c.InitialNum, c.InitialDen)
	}
	if c.OwnerFunds < 0 || c.OwnerFunds > MaxFunds {
		return bad("OwnerFunds = %d, must be in 0..%d", c.OwnerFunds, int64(MaxFunds))
	}
	switch c.Mechanism {
	case DRT, Points:
		p := c.DRT
		if p.CostWeight < 0 || p.CostWeight > MaxFunds/3600 {
			return bad("DRT.CostWeight = %d, must be in 0..%d", p.CostWeight, int64(MaxFunds/3600))
		}
		if p.RefundWait < 0 || p.RefundWait > p.OwnerWait || p.OwnerWait > p.AnyAddressWait || p.AnyAddressWait > MaxDuration {
			return bad("DRT waits: want 0 ≤ RefundWait (%d) ≤ OwnerWait (%d) ≤ AnyAddressWait (%d) ≤ %d",
				p.RefundWait, p.OwnerWait, p.AnyAddressWait, int64(MaxDuration))
		}
	case Market:
		p := c.Market
		if p.Portions < market.MinPortions || p.Portions > min(market.MaxPortions, c.Test.Len()) {
			return bad("Market.Portions = %d, must be in %d..%d (and at most the test set's %d rows)",
				p.Portions, market.MinPortions, market.MaxPortions, c.Test.Len())
		}
		if p.MinStake < 1 || p.Stake < p.MinStake || p.Stake > MaxFunds {
			return bad("market stakes: want 1 ≤ MinStake (%d) ≤ Stake (%d) ≤ %d", p.MinStake, p.Stake, int64(MaxFunds))
		}
		if p.Bounty < 0 || p.Bounty > c.OwnerFunds {
			return bad("Market.Bounty = %d, must be in 0..OwnerFunds (%d)", p.Bounty, c.OwnerFunds)
		}
	}
	if len(c.Agents) == 0 || len(c.Agents) > MaxAgents {
		return bad("%d agents, need 1..%d", len(c.Agents), MaxAgents)
	}
	initial := initialRows(c.Pool.Len(), c.InitialNum, c.InitialDen)
	free := c.Pool.Len() - initial
	var subs int64
	for i, a := range c.Agents {
		if a.Name == "" {
			return bad("agent %d has no name", i)
		}
		for j := 0; j < i; j++ {
			if c.Agents[j].Name == a.Name {
				return bad("agents %d and %d are both named %q", j, i, a.Name)
			}
		}
		if !a.Kind.Valid() {
			return bad("agent %q: unknown kind %d", a.Name, a.Kind)
		}
		if a.Rows < 1 || a.Rows > free {
			return bad("agent %q: Rows = %d, must be in 1..%d (the pool rows left after the initial %d)", a.Name, a.Rows, free, initial)
		}
		free -= a.Rows
		if a.Funds < 0 || a.Funds > MaxFunds {
			return bad("agent %q: Funds = %d, must be in 0..%d", a.Name, a.Funds, int64(MaxFunds))
		}
		n := int64(a.Rows)
		if a.Kind == DuplicateSpammer {
			if a.Repeats < 1 || a.Repeats > MaxSubmissions {
				return bad("agent %q: a duplicate spammer needs Repeats in 1..%d, got %d", a.Name, MaxSubmissions, a.Repeats)
			}
			if int64(a.Rows) > c.Duration {
				return bad("agent %q: a burst of %d rows (one a second) does not fit in Duration = %d s", a.Name, a.Rows, c.Duration)
			}
			n *= int64(a.Repeats)
		} else if a.Repeats != 0 {
			return bad("agent %q: Repeats = %d is only for duplicate spammers", a.Name, a.Repeats)
		}
		if subs += n; subs > MaxSubmissions {
			return bad("more than %d planned submissions", MaxSubmissions)
		}
	}
	if c.CheckpointEvery < 0 || c.CheckpointEvery > MaxDuration {
		return bad("CheckpointEvery = %d s, must be in 0..%d", c.CheckpointEvery, int64(MaxDuration))
	}
	if c.CheckpointContributions < -1 {
		return bad("CheckpointContributions = %d, must be ≥ −1", c.CheckpointContributions)
	}
	end := c.endTime()
	every := c.checkpointEvery()
	if end/every+2 > MaxCheckpoints {
		return bad("CheckpointEvery = %d s gives more than %d points over %d s", every, MaxCheckpoints, end)
	}
	return mc, nil
}

// initialRows returns ⌊n·num/den⌋, the number of pool rows the owner trains on.
func initialRows(n, num, den int) int {
	hi, lo := bits.Mul64(uint64(n), uint64(num))
	q, _ := bits.Div64(hi, lo, uint64(den)) // num ≤ den: hi < den
	return int(q)
}

// endTime returns the time of the run's last event: Duration + DRT.OwnerWait under DRT
// and Points (every deposit has been refunded, taken or claimed by then), Duration
// under the market.
func (c *Config) endTime() int64 {
	if c.Mechanism == Market {
		return c.Duration
	}
	return c.Duration + c.DRT.OwnerWait
}

// checkpointEvery returns CheckpointEvery, or max(1, endTime/200) if it is 0.
func (c *Config) checkpointEvery() int64 {
	if c.CheckpointEvery > 0 {
		return c.CheckpointEvery
	}
	return max(1, c.endTime()/200)
}
