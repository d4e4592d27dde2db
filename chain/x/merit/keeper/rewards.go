package keeper

import (
	"errors"
	"strconv"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/meritchain/merit/chain/x/merit/types"
	"github.com/meritchain/merit/engine/abi"
	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/incentive/market"
)

// EventRewardsBlock reports the reward steps the end-blocker ran in one block.
const EventRewardsBlock = "merit_rewards_block"

// StepsResult sums up reward steps.
type StepsResult struct {
	Steps     uint64 // engine calls that scored or ran a pass
	Scored    uint64 // contributions scored
	Passes    uint64 // reward passes completed
	WorkGas   uint64 // engine work gas (what the steps' budgets bound)
	StepGas   uint64 // params.market_step_gas per step
	EngineGas uint64 // all engine gas, I/O included
	Finished  bool   // the market finished
}

func (r *StepsResult) add(o StepsResult) {
	r.Steps += o.Steps
	r.Scored += o.Scored
	r.Passes += o.Passes
	r.WorkGas += o.WorkGas
	r.StepGas += o.StepGas
	r.EngineGas += o.EngineGas
}

// Spent is what the steps cost against a budget: their work gas and market_step_gas
// each.
func (r StepsResult) Spent() uint64 { return r.WorkGas + r.StepGas }

// EndBlocker runs reward steps of the markets whose passes are due, in market id
// order, until params.market_block_gas is spent: each step's engine work gas plus
// params.market_step_gas (no step exceeds what is left). It never fails the block: a
// market whose step the engine refuses (which no honest state allows) is skipped,
// logged, and reported by an event.
func (k Keeper) EndBlocker(ctx sdk.Context) error {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	var ids []uint64
	if err := k.RewardQueue.Walk(ctx, nil, func(id uint64) (bool, error) {
		ids = append(ids, id)
		return false, nil
	}); err != nil {
		return err
	}
	if len(ids) == 0 {
		return nil
	}
	left := p.MarketBlockGas
	var total StepsResult
	for _, id := range ids {
		r, err := k.runRewardSteps(ctx, p, id, left, true)
		total.add(r)
		left -= min(left, r.Spent())
		if err != nil {
			k.logger.Error("reward step refused", "market", id, "err", err)
			ctx.EventManager().EmitEvent(sdk.NewEvent(EventRewardStep,
				sdk.NewAttribute(AttrMarketID, strconv.FormatUint(id, 10)), sdk.NewAttribute("error", err.Error())))
			continue
		}
		if left == 0 {
			break
		}
	}
	ctx.EventManager().EmitEvent(sdk.NewEvent(EventRewardsBlock,
		sdk.NewAttribute("markets", strconv.Itoa(len(ids))),
		sdk.NewAttribute("steps", strconv.FormatUint(total.Steps, 10)),
		sdk.NewAttribute(AttrScored, strconv.FormatUint(total.Scored, 10)),
		sdk.NewAttribute("work_gas", strconv.FormatUint(total.WorkGas, 10)),
		sdk.NewAttribute("step_gas", strconv.FormatUint(total.StepGas, 10)),
		sdk.NewAttribute("spent", strconv.FormatUint(total.Spent(), 10)),
		sdk.NewAttribute(AttrEngineGas, strconv.FormatUint(total.EngineGas, 10)),
		sdk.NewAttribute("budget", strconv.FormatUint(p.MarketBlockGas, 10))))
	return nil
}

// runRewardSteps runs reward steps of market id while budget lasts: each step costs
// params.market_step_gas (charged as engine gas, before the call) and its engine work
// gas, whose limit is what is left after the step gas. It stops, without error, when
// the market finishes or the budget cannot pay for another step. byBlock says the
// end-blocker runs it (the market's reward_blocks count it).
func (k Keeper) runRewardSteps(ctx sdk.Context, p types.Params, id, budget uint64, byBlock bool) (StepsResult, error) {
	var r StepsResult
	st, err := k.loadMarket(ctx, id)
	if err != nil {
		return r, err
	}
	if st.mk.Phase() != market.Rewards {
		return r, errorsmod.Wrapf(types.ErrNotDue, "market %d is in phase %s", id, st.mk.Phase())
	}
	scoring, err := k.scoringPortions(ctx, st)
	if err != nil {
		return r, err
	}
	for st.mk.Phase() == market.Rewards {
		// A transaction's gas meter may hold less than its budget: never charge past it.
		budget = min(budget, EngineGasLimit(ctx, p))
		if budget <= p.MarketStepGas {
			break
		}
		req, err := k.rewardStepRequest(ctx, p, st, scoring, budget-p.MarketStepGas)
		if err != nil {
			return r, err
		}
		ctx.GasMeter().ConsumeGas(SDKGas(p, p.MarketStepGas), "merit reward step")
		resp, used, io, err := k.callLimit(ctx, p, req, EngineGasLimit(ctx, p))
		r.EngineGas += used
		if err != nil {
			if errors.Is(err, types.ErrEngineLimit) {
				break // the budget left cannot pay for another step
			}
			return r, err
		}
		res := resp.(*abi.MarketResult)
		work := used - io
		r.Steps++
		r.WorkGas += work
		r.StepGas += p.MarketStepGas
		r.Scored += uint64(res.Scored)
		budget -= min(budget, work+p.MarketStepGas)
		st.mk = res.State
		if err := k.recordStep(ctx, st, res); err != nil {
			return r, err
		}
		if res.Ran {
			r.Passes++
		}
		st.info.RewardEngineGas += used
	}
	if r.Steps == 0 {
		return r, nil
	}
	if byBlock {
		st.info.RewardBlocks++
	}
	if st.mk.Phase() != market.Rewards {
		r.Finished = true
		if err := k.RewardQueue.Remove(ctx, id); err != nil {
			return r, err
		}
		if err := k.MarketProgress.Remove(ctx, id); err != nil {
			return r, err
		}
	}
	if err := k.saveMarket(ctx, st); err != nil {
		return r, err
	}
	if r.Finished {
		phaseEvent(ctx, st)
	}
	return r, nil
}

// recordStep stores a step's progress (or clears it once the pass ran) and emits its
// events.
func (k Keeper) recordStep(ctx sdk.Context, st *marketState, res *abi.MarketResult) error {
	id := strconv.FormatUint(st.info.Id, 10)
	ctx.EventManager().EmitEvent(sdk.NewEvent(EventRewardStep,
		sdk.NewAttribute(AttrMarketID, id),
		sdk.NewAttribute(AttrPass, strconv.Itoa(st.mk.Passes()+boolInt(!res.Ran))),
		sdk.NewAttribute(AttrScored, strconv.Itoa(res.Scored))))
	if !res.Ran {
		b, err := marshal(res.Progress)
		if err != nil {
			return err
		}
		return k.MarketProgress.Set(ctx, st.info.Id, b)
	}
	pass := res.Pass
	ctx.EventManager().EmitEvent(sdk.NewEvent(EventRewardPass,
		sdk.NewAttribute(AttrMarketID, id),
		sdk.NewAttribute(AttrPass, strconv.Itoa(pass.Number)),
		sdk.NewAttribute("live", strconv.Itoa(len(pass.Live))),
		sdk.NewAttribute(AttrDropped, strconv.Itoa(len(pass.Dropped))),
		sdk.NewAttribute("paid", strconv.FormatUint(pass.Paid, 10)),
		sdk.NewAttribute("taken", strconv.FormatUint(pass.Taken, 10)),
		sdk.NewAttribute("limit", pass.Limit.String()),
		sdk.NewAttribute(AttrFinal, strconv.FormatBool(pass.Final))))
	return k.MarketProgress.Remove(ctx, st.info.Id)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// scoringPortions returns the market's scoring portions, decoded, in ScoringPortions
// order.
func (k Keeper) scoringPortions(ctx sdk.Context, st *marketState) ([]*dataset.Dataset, error) {
	idx := st.mk.ScoringPortions()
	out := make([]*dataset.Dataset, len(idx))
	for j, i := range idx {
		b, err := k.MarketPortions.Get(ctx, collections.Join(st.info.Id, uint32(i)))
		if err != nil {
			return nil, errorsmod.Wrapf(types.ErrEngine, "market %d: portion %d is not stored: %v", st.info.Id, i, err)
		}
		if out[j], err = dataset.Decode(b); err != nil {
			return nil, errorsmod.Wrapf(types.ErrEngine, "market %d: stored portion %d: %v", st.info.Id, i, err)
		}
	}
	return out, nil
}

// rewardStepRequest builds the next step's request: the stored progress, and the rows
// of the next live contributions (at most params.market_step_rows).
func (k Keeper) rewardStepRequest(ctx sdk.Context, p types.Params, st *marketState, scoring []*dataset.Dataset, budget uint64) (*abi.MarketCall, error) {
	req := &abi.MarketCall{Action: abi.MarketScoreStep, State: st.mk, Initial: st.initial, Scoring: scoring, Budget: budget}
	b, err := k.MarketProgress.Get(ctx, st.info.Id)
	switch {
	case err == nil:
		if req.Progress, err = abi.DecodeRewardProgress(b); err != nil {
			return nil, errorsmod.Wrapf(types.ErrEngine, "market %d: stored progress: %v", st.info.Id, err)
		}
	case !errorsIsNotFound(err):
		return nil, err
	}
	next := 0
	if req.Progress != nil {
		next = len(req.Progress.Scores)
	}
	live := st.mk.Live()
	if next >= len(live) {
		return req, nil
	}
	ids := live[next:min(len(live), next+int(p.MarketStepRows))]
	rows := make([]*dataset.Dataset, len(ids))
	for j, id := range ids {
		rec, err := k.MarketContributions.Get(ctx, collections.Join(st.info.Id, uint64(id)))
		if err != nil {
			return nil, errorsmod.Wrapf(types.ErrEngine, "market %d: contribution %d is not stored", st.info.Id, id)
		}
		if rows[j], err = dataset.Decode(rec.Row); err != nil {
			return nil, errorsmod.Wrapf(types.ErrEngine, "market %d: stored row of contribution %d: %v", st.info.Id, id, err)
		}
	}
	if req.Rows, err = dataset.Concat(rows...); err != nil {
		return nil, errorsmod.Wrapf(types.ErrEngine, "market %d: rows: %v", st.info.Id, err)
	}
	return req, nil
}
