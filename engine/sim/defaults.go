package sim

import (
	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/model"
)

// Default parameters (docs/SIMULATION.md, "Defaults").
const (
	DefaultSecondsPerRow  = 2000 // the contribution period is 2000 s per row the agents own: about 43 contributions a day
	DefaultInitialNum     = 1    // the owner trains on 1/10 of the pool
	DefaultInitialDen     = 10
	DefaultFunds          = 50_000 // each agent's starting funds, base units
	DefaultCostWeight     = 10     // DRT: deposit ⌊36,000/⌊√Δt⌋⌋: about 1,300–1,400 on average at 43 contributions a day
	DefaultRefundWait     = 1 * Day
	DefaultOwnerWait      = 9 * Day
	DefaultAnyAddressWait = 10 * Day
	DefaultBountyPerRow   = 1_000 // Market: the provider's bounty is this much per row the agents own
	DefaultPortions       = 5     // Market: test-set portions
	DefaultStake          = 100   // Market: stake per contribution; also the minimum stake, so any loss drops a contribution
	DefaultSpamRows       = 5     // a duplicate spammer's distinct rows
	DefaultSpamRepeats    = 20    // and how many bursts it sends
)

// DefaultAgents returns the default cast for a pool with free rows left after the
// owner's initial share (free ≥ 100): four honest agents with 1/6 of the free rows each,
// two label flippers with 1/8 each, a duplicate spammer with DefaultSpamRows rows sent
// DefaultSpamRepeats times, and a lazy copier with the rest. All start with
// DefaultFunds.
func DefaultAgents(free int) []Agent {
	h, f := free/6, free/8
	rest := free - 4*h - 2*f - DefaultSpamRows
	return []Agent{
		{Name: "honest-1", Kind: Honest, Rows: h, Funds: DefaultFunds},
		{Name: "honest-2", Kind: Honest, Rows: h, Funds: DefaultFunds},
		{Name: "honest-3", Kind: Honest, Rows: h, Funds: DefaultFunds},
		{Name: "honest-4", Kind: Honest, Rows: h, Funds: DefaultFunds},
		{Name: "flipper-1", Kind: LabelFlipper, Rows: f, Funds: DefaultFunds},
		{Name: "flipper-2", Kind: LabelFlipper, Rows: f, Funds: DefaultFunds},
		{Name: "spammer", Kind: DuplicateSpammer, Rows: DefaultSpamRows, Funds: DefaultFunds, Repeats: DefaultSpamRepeats},
		{Name: "copier", Kind: LazyCopier, Rows: rest, Funds: DefaultFunds},
	}
}

// DefaultConfig returns a configuration that makes an interesting run of mech on the
// given pool and test set with a model of the given family: the owner's initial model
// on a tenth of the pool, the DefaultAgents cast sharing the rest (F rows), a
// contribution period of F·DefaultSecondsPerRow seconds (at least a day), and the
// mechanism's default parameters. Under the market the bounty is F·DefaultBountyPerRow,
// the owner's funds are the bounty, and each agent's funds are raised to
// DefaultStake·(its planned submissions) where that is more than DefaultFunds, so that
// no one runs out of stakes (they stay locked until the market ends). The pool needs at
// least 112 rows. The caller may change any field before Run.
func DefaultConfig(pool, test *dataset.Dataset, family model.Family, mech Mechanism, seed uint64) Config {
	free := 0
	if pool != nil {
		free = pool.Len() - initialRows(pool.Len(), DefaultInitialNum, DefaultInitialDen)
	}
	c := Config{
		Model:      model.Config{Family: family},
		Pool:       pool,
		Test:       test,
		Mechanism:  mech,
		Seed:       seed,
		InitialNum: DefaultInitialNum,
		InitialDen: DefaultInitialDen,
		Duration:   max(Day, int64(free)*DefaultSecondsPerRow),
		DRT: DRTParams{CostWeight: DefaultCostWeight, RefundWait: DefaultRefundWait,
			OwnerWait: DefaultOwnerWait, AnyAddressWait: DefaultAnyAddressWait},
		Market: MarketParams{Bounty: int64(free) * DefaultBountyPerRow, Portions: DefaultPortions,
			Stake: DefaultStake, MinStake: DefaultStake},
	}
	if free > 0 {
		c.Agents = DefaultAgents(free)
	}
	if mech == Market {
		c.OwnerFunds = c.Market.Bounty
		for i := range c.Agents {
			a := &c.Agents[i]
			a.Funds = max(a.Funds, DefaultStake*int64(a.Rows*max(1, a.Repeats)))
		}
	}
	return c
}
