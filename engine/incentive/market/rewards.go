package market

import (
	"fmt"
	"math"

	"github.com/meritchain/merit/engine/incentive"
)

// Limit says which bound set a pass's rate.
type Limit uint8

const (
	LimitNone   Limit = 0 // no pass was scored (no live contribution or no scoring rows)
	LimitStake  Limit = 1 // a negative contribution's balance: it loses everything
	LimitBudget Limit = 2 // the rounds budget: it is used up
	LimitBounty Limit = 3 // the pool: positive scores exceed negative ones and use it up
)

func (l Limit) String() string {
	switch l {
	case LimitNone:
		return "none"
	case LimitStake:
		return "stake"
	case LimitBudget:
		return "budget"
	case LimitBounty:
		return "bounty"
	}
	return fmt.Sprintf("Limit(%d)", uint8(l))
}

// Pass reports one reward pass.
type Pass struct {
	Number  int     // 1, 2, …
	Live    []int   // ids scored, ascending
	Scores  []int64 // the Scorer's scores, one per Live id
	RateNum uint64  // the pass's rate r = RateNum/RateDen, in base units per score point
	RateDen uint64
	Limit   Limit
	LimitID int      // the contribution whose balance set the rate (LimitStake), else −1
	Gains   []uint64 // per Live id: ⌊s·r⌋ for s > 0, else 0
	Losses  []uint64 // per Live id: ⌈|s|·r⌉ for s < 0, else 0
	Paid    uint64   // Σ Gains, from the pool
	Taken   uint64   // Σ Losses, into the pool
	Rounds  uint64   // rounds budget used: min(budget, ⌈T·r⌉)
	Dropped []int    // ids whose balance fell below MinStake
	Final   bool     // the market is Finished after this pass
}

// RunPass runs one reward pass (phase Rewards). With no live contribution or no scoring
// rows it only finishes the market. Otherwise it asks s for the live contributions'
// scores and moves money as docs/INCENTIVES.md specifies:
//
//   - P = Σ positive scores, N = Σ |negative scores|, T = TestRows(), Q = Budget(),
//     B = Bounty();
//   - the rate r is the least of: b_i/|s_i| for each negative score (the balance it can
//     lose), Q/T (the rounds budget), and B/(P−N) if P > N (the pool);
//   - each positive contribution gains ⌊s·r⌋ from the pool, each negative one loses
//     ⌈|s|·r⌉ to the pool; the budget drops by min(Q, ⌈T·r⌉);
//   - live contributions whose balance is now below MinStake are dropped (they keep
//     their balance, to collect);
//   - the market finishes if there was no negative score, the budget is used up,
//     nothing was dropped, or nothing is live.
//
// Every non-final pass drops at least one contribution, so there are at most
// (number of contributions) + 1 passes. A Scorer error (wrapped with ErrScorer) or bad
// scores (ErrBadScores: wrong count, or a score outside [−T, T]) change nothing.
func (m *Market) RunPass(s Scorer) (Pass, error) {
	if err := m.need("RunPass", Rewards); err != nil {
		return Pass{}, err
	}
	live := m.Live()
	pass := Pass{Number: int(m.passes) + 1, Live: live, LimitID: -1}
	T := m.testRows
	if len(live) == 0 || T == 0 {
		pass.Final = true
		m.passes++
		m.phase = Finished
		return pass, nil
	}
	if uint64(m.passes) > uint64(len(m.cs)) { // unreachable: see the bound above
		return Pass{}, fmt.Errorf("%w: pass bound exceeded", incentive.ErrOverflow)
	}
	scores, err := s.Score(append([]int(nil), live...))
	if err != nil {
		return Pass{}, fmt.Errorf("%w: %w", incentive.ErrScorer, err)
	}
	if len(scores) != len(live) {
		return Pass{}, fmt.Errorf("%w: %d scores for %d live contributions", incentive.ErrBadScores, len(scores), len(live))
	}
	scores = append([]int64(nil), scores...)
	pass.Scores = scores

	// P, N ≤ MaxContributions·MaxTestRows = 2^56: no overflow.
	var P, N uint64
	for j, v := range scores {
		if v == math.MinInt64 || absScore(v) > T {
			return Pass{}, fmt.Errorf("%w: score %d of contribution %d outside [−%d, %d]", incentive.ErrBadScores, v, live[j], T, T)
		}
		if v > 0 {
			P += uint64(v)
		} else {
			N += absScore(v)
		}
	}

	// The rate: the least candidate, the first one in this order winning ties:
	// negative contributions in id order, the budget, the pool.
	num, den, limit, limitID := uint64(0), uint64(0), LimitNone, -1
	consider := func(a, b uint64, l Limit, id int) {
		if limit == LimitNone || lessRatio(a, b, num, den) {
			num, den, limit, limitID = a, b, l, id
		}
	}
	for j, v := range scores {
		if v < 0 {
			id := live[j]
			consider(m.cs[id].balance, absScore(v), LimitStake, id)
		}
	}
	consider(m.budget, T, LimitBudget, -1)
	if P > N {
		consider(m.bounty, P-N, LimitBounty, -1)
	}
	pass.RateNum, pass.RateDen, pass.Limit, pass.LimitID = num, den, limit, limitID

	// Money moves. Bounds (docs/INCENTIVES.md): a loss never exceeds its balance, every
	// gain fits in 64 bits, and Paid ≤ Taken + pool.
	gains := make([]uint64, len(live))
	losses := make([]uint64, len(live))
	var paid, taken uint64
	for j, v := range scores {
		var ok bool
		switch {
		case v > 0:
			gains[j], ok = mulDivFloor(uint64(v), num, den)
			paid += gains[j]
			ok = ok && paid >= gains[j]
		case v < 0:
			losses[j], ok = mulDivCeil(absScore(v), num, den)
			taken += losses[j]
			ok = ok && taken >= losses[j] && losses[j] <= m.cs[live[j]].balance
		default:
			ok = true
		}
		if !ok {
			return Pass{}, fmt.Errorf("%w: pass arithmetic (contribution %d)", incentive.ErrOverflow, live[j])
		}
	}
	pool := m.bounty + taken
	if pool < taken || paid > pool {
		return Pass{}, fmt.Errorf("%w: pass would overdraw the pool", incentive.ErrOverflow) // unreachable
	}
	rounds, ok := mulDivCeil(T, num, den)
	if !ok || rounds > m.budget {
		rounds = m.budget // T·r ≤ Q, so ⌈T·r⌉ ≤ Q; min() only guards
	}
	for j, id := range live {
		c := &m.cs[id]
		if c.balance+gains[j] < c.balance {
			return Pass{}, fmt.Errorf("%w: balance of contribution %d", incentive.ErrOverflow, id) // unreachable
		}
	}

	// Commit.
	for j, id := range live {
		c := &m.cs[id]
		c.balance = c.balance + gains[j] - losses[j]
		if c.balance < m.p.MinStake {
			c.live = false
			pass.Dropped = append(pass.Dropped, id)
		}
	}
	m.bounty = pool - paid
	m.budget -= rounds
	m.passes++
	pass.Gains, pass.Losses, pass.Paid, pass.Taken, pass.Rounds = gains, losses, paid, taken, rounds
	if N == 0 || m.budget == 0 || len(pass.Dropped) == 0 || len(pass.Dropped) == len(live) {
		pass.Final = true
		m.phase = Finished
	}
	return pass, nil
}

// Run runs reward passes until the market is Finished and returns them. It stops at the
// first error, leaving the passes already run in effect (each pass is atomic).
func (m *Market) Run(s Scorer) ([]Pass, error) {
	var out []Pass
	for m.phase == Rewards {
		p, err := m.RunPass(s)
		if err != nil {
			return out, err
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, m.need("Run", Rewards)
	}
	return out, nil
}
