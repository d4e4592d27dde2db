package sim

import (
	"fmt"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/incentive"
	"github.com/meritchain/merit/engine/incentive/market"
	"github.com/meritchain/merit/engine/model"
	"github.com/meritchain/merit/engine/rng"
)

// marketRun is the prediction market of a run and what scoring it needs.
type marketRun struct {
	m        *market.Market
	initial  model.Model        // the owner's initial model, kept untouched for replays
	portions []*dataset.Dataset // the test set's portions
	scoring  *dataset.Dataset   // the scoring portions, concatenated in ascending index order
	pool     *dataset.Dataset
	contribs *[]contrib
	payout   []int64 // per contribution, what its contributor collected
	passes   int

	// The scorer's cache (see Score).
	prevLive   []int
	prevScores []int64
	snaps      []snapshot
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
	r.owner -= c.Market.Bounty
	return &marketRun{m: m, initial: initial, portions: portions, scoring: scoring, pool: c.Pool, contribs: &r.contribs}, nil
}

// concat returns the rows of portions[idx[0]], portions[idx[1]], … as one dataset.
func concat(portions []*dataset.Dataset, idx []int) (*dataset.Dataset, error) {
	first := portions[idx[0]]
	out := &dataset.Dataset{Kind: first.Kind, Dims: first.Dims, Classes: first.Classes, ScaleExp: first.ScaleExp}
	if first.Kind == dataset.Sparse {
		out.Ptr = []int{0}
	}
	for _, j := range idx {
		d := portions[j]
		out.Y = append(out.Y, d.Y...)
		if d.Kind == dataset.Sparse {
			for i := 0; i < d.Len(); i++ {
				a, b := d.Ptr[i], d.Ptr[i+1]
				out.Idx = append(out.Idx, d.Idx[a:b]...)
				out.Val = append(out.Val, d.Val[a:b]...)
				out.Ptr = append(out.Ptr, len(out.Idx))
			}
		} else {
			out.X = append(out.X, d.X...)
		}
	}
	return out, out.Validate()
}

// contribute joins the market with one contribution.
func (mr *marketRun) contribute(addr incentive.Address, x dataset.Row, label int32, now, stake int64) (uint64, error) {
	id, err := mr.m.Join(addr, rowHash(x, label), uint64(stake), uint64(now))
	if err != nil {
		return 0, fmt.Errorf("sim: market join: %w", err)
	}
	return uint64(id), nil
}

// snapEvery is how many contributions apart the scorer keeps copies of the replayed
// model, so that the next pass can start from the last copy before the first
// contribution it no longer has.
const snapEvery = 32

// snapshot is the replayed model after the first k·snapEvery live contributions of the
// previous pass.
type snapshot struct {
	m       model.Model
	correct int
}

// Score implements market.Scorer: a replay of the live contributions, in order, on a
// copy of the initial model, tracked on the scoring portions; each score is the change
// in correct predictions that contribution caused. Since a pass only ever drops
// contributions, the live list of a pass starts with the same ids as the previous
// pass's up to the first dropped one, and so does the replay: Score resumes from the
// last model copy within that common prefix and reuses the scores before it. The result
// is exactly that of a replay from the initial model.
func (mr *marketRun) Score(live []int) ([]int64, error) {
	cs := *mr.contribs
	for _, id := range live {
		if id < 0 || id >= len(cs) {
			return nil, fmt.Errorf("sim: scorer: unknown contribution %d", id)
		}
	}
	common := 0
	for common < len(live) && common < len(mr.prevLive) && live[common] == mr.prevLive[common] {
		common++
	}
	k := min(common/snapEvery, len(mr.snaps)-1)
	if k < 0 {
		mr.snaps = []snapshot{{m: mr.initial.Clone()}}
		k = 0
	}
	start := k * snapEvery
	t, err := model.NewTracker(mr.snaps[k].m.Clone(), mr.scoring)
	if err != nil {
		return nil, err
	}
	if k == 0 {
		mr.snaps[0].correct = t.Correct()
	}
	mr.snaps = mr.snaps[:k+1]
	out := make([]int64, len(live))
	copy(out, mr.prevScores[:start])
	prev := t.Correct()
	for j := start; j < len(live); j++ {
		c := &cs[live[j]]
		now, err := t.Add(mr.pool.Row(c.row), int(c.label))
		if err != nil {
			return nil, err
		}
		out[j] = int64(now - prev)
		prev = now
		if (j+1)%snapEvery == 0 && j+1 < len(live) {
			mr.snaps = append(mr.snaps, snapshot{m: t.Model().Clone(), correct: now})
		}
	}
	mr.prevLive = append(mr.prevLive[:0], live...)
	mr.prevScores = append(mr.prevScores[:0], out...)
	return out, nil
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
	passes, err := mr.m.Run(mr)
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
