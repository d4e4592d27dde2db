package sim

import (
	"fmt"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/incentive"
	"github.com/meritchain/merit/engine/incentive/market"
	"github.com/meritchain/merit/engine/model"
	"github.com/meritchain/merit/engine/rng"
	"github.com/meritchain/merit/engine/value"
)

// marketRun is the prediction market of a run and what scoring it needs.
type marketRun struct {
	m        *market.Market
	initial  model.Model        // the owner's initial model, kept untouched
	portions []*dataset.Dataset // the test set's portions
	scorer   *value.MarketScorer
	payout   []int64 // per contribution, what its contributor collected
	passes   int
}

// portionSplit returns the test set's k portions: with p = rng.New(seed).Perm(n),
// portion j holds the rows p[⌊j·n/k⌋ : ⌊(j+1)·n/k⌋], in that order.
func portionSplit(test *dataset.Dataset, k int, seed uint64) ([]*dataset.Dataset, error) {
	n := test.Len()
	p := rng.New(seed).Perm(n)
	out := make([]*dataset.Dataset, k)
	for j := 0; j < k; j++ {
		d, err := test.Subset(p[j*n/k : (j+1)*n/k])
		if err != nil {
			return nil, err
		}
		out[j] = d
	}
	return out, nil
}

// openMarket opens the market at time 0: the test set is split into portions (stream
// streamPortions), the owner funds the bounty and commits to the portions' hashes, and
// the portion the market draws from its seed (stream streamMarket) is revealed.
func (r *runner) openMarket(initial model.Model) (*marketRun, error) {
	c := r.cfg
	seed := derive(c.Seed, streamMarket)
	portions, err := portionSplit(c.Test, c.Market.Portions, derive(c.Seed, streamPortions))
	if err != nil {
		return nil, fmt.Errorf("sim: market portions: %w", err)
	}
	hashes := make([][32]byte, len(portions))
	for i, d := range portions {
		hashes[i] = d.Hash()
	}
	p := market.Params{
		MinStake:         uint64(c.Market.MinStake),
		MinContributions: ^uint64(0), // the market ends by time only, at Duration
		MinDuration:      uint64(c.Duration),
		RevealTimeout:    Day,
	}
	m, err := market.New(p, r.oaddr, uint64(c.Market.Bounty), hashes, seed, 0)
	if err != nil {
		return nil, fmt.Errorf("sim: market: %w", err)
	}
	if err := m.RevealInitial(portions[m.InitialPortion()], 0); err != nil {
		return nil, fmt.Errorf("sim: market: %w", err)
	}
	scoring, err := concat(portions, m.ScoringPortions())
	if err != nil {
		return nil, fmt.Errorf("sim: market: %w", err)
	}
	scorer, err := newMarketScorer(initial, scoring, c.Pool, &r.contribs)
	if err != nil {
		return nil, fmt.Errorf("sim: market: %w", err)
	}
	r.owner -= c.Market.Bounty
	return &marketRun{m: m, initial: initial, portions: portions, scorer: scorer}, nil
}

// newMarketScorer returns the market's scorer (value.MarketScorer): a replay of the live
// contributions, in order, on a copy of the initial model, tracked on the scoring
// portions; each score is the change in correct predictions that contribution caused.
// Contribution id i is (*cs)[i] (the market numbers contributions in the order they
// join, as the run records them), the pool row it names with its submitted label.
// Since a pass only drops contributions, the scorer resumes each pass from its last
// model snapshot before the first contribution the previous pass dropped; the result
// is exactly that of a replay from the initial model.
func newMarketScorer(initial model.Model, scoring, pool *dataset.Dataset, cs *[]contrib) (*value.MarketScorer, error) {
	return value.NewMarketScorer(initial, scoring, func(id int) (dataset.Row, int, error) {
		if id < 0 || id >= len(*cs) {
			return dataset.Row{}, 0, fmt.Errorf("sim: unknown contribution %d", id)
		}
		c := &(*cs)[id]
		return pool.Row(c.row), int(c.label), nil
	})
}

// concat returns the rows of portions[idx[0]], portions[idx[1]], … as one dataset.
func concat(portions []*dataset.Dataset, idx []int) (*dataset.Dataset, error) {
	parts := make([]*dataset.Dataset, len(idx))
	for k, j := range idx {
		parts[k] = portions[j]
	}
	return dataset.Concat(parts...)
}

// contribute joins the market with one contribution.
func (mr *marketRun) contribute(addr incentive.Address, x dataset.Row, label int32, now, stake int64) (uint64, error) {
	id, err := mr.m.Join(addr, rowHash(x, label), uint64(stake), uint64(now))
	if err != nil {
		return 0, fmt.Errorf("sim: market join: %w", err)
	}
	return uint64(id), nil
}

// escrow returns what the market holds.
func (mr *marketRun) escrow() int64 { return int64(mr.m.Totals().Held) }

// endMarket ends the market at time now: the provider reveals the other portions, the
// reward passes run, every agent collects its contributions' balances (agents in index
// order, contributions in id order), and the provider reclaims the pool.
func (r *runner) endMarket(now int64) error {
	mr := r.mkt
	if err := mr.m.End(uint64(now)); err != nil {
		return fmt.Errorf("sim: market end: %w", err)
	}
	for mr.m.NextReveal() >= 0 {
		if _, err := mr.m.RevealNext(mr.portions[mr.m.NextReveal()]); err != nil {
			return fmt.Errorf("sim: market reveal: %w", err)
		}
	}
	passes, err := mr.m.Run(mr.scorer)
	if err != nil {
		return fmt.Errorf("sim: market rewards: %w", err)
	}
	mr.passes = len(passes)
	mr.payout = make([]int64, len(r.contribs))
	byAgent := make([][]int, len(r.agents))
	for ci, c := range r.contribs {
		byAgent[c.agent] = append(byAgent[c.agent], ci)
	}
	for i, a := range r.agents {
		for _, ci := range byAgent[i] {
			c := &r.contribs[ci]
			v, err := mr.m.Collect(int(c.id), a.addr)
			if err != nil {
				return fmt.Errorf("sim: market collect: %w", err)
			}
			got := int64(v)
			mr.payout[ci] = got
			a.balance += got
			a.sum.Returned += got
			if got >= c.paid {
				a.sum.Validated++
			} else {
				a.sum.Reported++
			}
		}
	}
	v, err := mr.m.Reclaim(r.oaddr)
	if err != nil {
		return fmt.Errorf("sim: market reclaim: %w", err)
	}
	r.owner += int64(v)

	// The market's outcome: the initial model with the contributions still live.
	m := mr.initial.Clone()
	for _, id := range mr.m.Live() {
		c := &r.contribs[id]
		if err := m.Update(r.cfg.Pool.Row(c.row), int(c.label)); err != nil {
			return fmt.Errorf("sim: market model: %w", err)
		}
	}
	if r.res.MarketCorrect, err = m.Evaluate(r.cfg.Test); err != nil {
		return fmt.Errorf("sim: market model: %w", err)
	}
	held := mr.portions[mr.m.InitialPortion()]
	r.res.HeldOutSize = held.Len()
	if r.res.HeldOutMarket, err = m.Evaluate(held); err != nil {
		return fmt.Errorf("sim: market model: %w", err)
	}
	if r.res.HeldOutFinal, err = r.tracker.Model().Evaluate(held); err != nil {
		return fmt.Errorf("sim: chain model: %w", err)
	}
	r.res.MarketPasses = mr.passes
	return nil
}

// lost returns Σ max(0, stake − payout) over the contributions of agents of kind k.
func (mr *marketRun) lost(r *runner, k Kind) int64 {
	var lost int64
	for ci, c := range r.contribs {
		if r.agents[c.agent].cfg.Kind == k && mr.payout[ci] < c.paid {
			lost += c.paid - mr.payout[ci]
		}
	}
	return lost
}
