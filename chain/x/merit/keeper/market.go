package keeper

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"math/bits"
	"strconv"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/meritchain/merit/chain/x/merit/types"
	"github.com/meritchain/merit/engine/abi"
	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/incentive/market"
	"github.com/meritchain/merit/engine/model"
)

// Prediction markets on chain.
//
// The engine's market (engine/incentive/market) holds the money rules; the keeper
// stores its canonical state, the initial model, the revealed portions and every
// contribution's row, and calls the engine for every action. Reward passes, whose work
// grows with (live contributions) × (test rows), run in bounded steps
// (abi.MarketScoreStep), driven by the end-blocker under a per-block engine gas budget
// (params.market_block_gas): every validator does the same bounded work in every block,
// a market completes without anyone having to send (and pay for) a stream of
// transactions, and no block's engine work exceeds the budget. MsgProcessRewards lets
// anyone run steps sooner, paid by their own transaction's gas.
//
// The portion revealed first is drawn from a seed derived from the block's header hash
// (and the market id) when the market is created; see chain/README.md for who could
// bias it and why the commit-reveal keeps that harmless.

// Market event types and attributes.
const (
	EventCreateMarket   = "merit_create_market"
	EventMarketPhase    = "merit_market_phase"
	EventJoinMarket     = "merit_join_market"
	EventRewardStep     = "merit_reward_step"
	EventRewardPass     = "merit_reward_pass"
	EventMarketPayout   = "merit_market_payout"
	AttrMarketID        = "market_id"
	AttrPhase           = "phase"
	AttrScored          = "scored"
	AttrPass            = "pass"
	AttrDropped         = "dropped"
	AttrFinal           = "final"
	AttrInitialPortion  = "initial_portion"
	AttrPortion         = "portion"
	AttrPayoutKind      = "kind"
	AttrRecipient       = "recipient"
	AttrRewardsDueBlock = "rewards_height"
)

// marketState is a market loaded from the store.
type marketState struct {
	info    types.Market
	mk      *market.Market
	initial model.Model
	cfg     model.Config
}

func (k Keeper) loadMarket(ctx context.Context, id uint64) (*marketState, error) {
	info, err := k.Markets.Get(ctx, id)
	if err != nil {
		return nil, errorsmod.Wrapf(types.ErrUnknownMarket, "%d", id)
	}
	stateBytes, err := k.MarketStates.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	mk, err := market.Decode(stateBytes)
	if err != nil {
		return nil, errorsmod.Wrapf(types.ErrEngine, "stored state of market %d: %v", id, err)
	}
	initialBytes, err := k.MarketInitial.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	initial, err := model.Decode(initialBytes)
	if err != nil {
		return nil, errorsmod.Wrapf(types.ErrEngine, "stored initial model of market %d: %v", id, err)
	}
	cfg, err := info.EngineConfig()
	if err != nil {
		return nil, errorsmod.Wrapf(types.ErrEngine, "stored configuration of market %d: %v", id, err)
	}
	return &marketState{info: info, mk: mk, initial: initial, cfg: cfg}, nil
}

// saveMarket writes the market's record and its engine state, and notes the block
// time and height at which it finished.
func (k Keeper) saveMarket(ctx sdk.Context, st *marketState) error {
	if st.mk.Phase() == market.Finished && st.info.FinishedAt == 0 {
		st.info.FinishedAt = max(now(ctx), 1)
		st.info.FinishedHeight = ctx.BlockHeight()
	}
	st.info.Contributions = uint64(st.mk.Len())
	b, err := marshal(st.mk)
	if err != nil {
		return err
	}
	if err := k.MarketStates.Set(ctx, st.info.Id, b); err != nil {
		return err
	}
	return k.Markets.Set(ctx, st.info.Id, st.info)
}

// marketCall runs one market action in the engine.
func (k Keeper) marketCall(ctx sdk.Context, p types.Params, req *abi.MarketCall) (*abi.MarketResult, error) {
	resp, _, err := k.call(ctx, p, req)
	if err != nil {
		return nil, err
	}
	return resp.(*abi.MarketResult), nil
}

// phaseEvent emits the market's phase after an action.
func phaseEvent(ctx sdk.Context, st *marketState) {
	ctx.EventManager().EmitEvent(sdk.NewEvent(EventMarketPhase,
		sdk.NewAttribute(AttrMarketID, strconv.FormatUint(st.info.Id, 10)),
		sdk.NewAttribute(AttrPhase, st.mk.Phase().String())))
}

// marketSeed derives the seed that draws a market's first portion: the first 8 bytes
// of SHA-256("merit market seed" ‖ header hash ‖ market id).
func marketSeed(ctx sdk.Context, id uint64) uint64 {
	h := sha256.New()
	h.Write([]byte("merit market seed"))
	h.Write(ctx.HeaderHash())
	h.Write(binary.BigEndian.AppendUint64(nil, id))
	return binary.BigEndian.Uint64(h.Sum(nil))
}

// CreateMarket escrows the bounty and creates the market.
func (s msgServer) CreateMarket(goCtx context.Context, msg *types.MsgCreateMarket) (*types.MsgCreateMarketResponse, error) {
	k := s.k
	ctx := sdk.UnwrapSDKContext(goCtx)
	provider, who, err := actor(msg.Provider)
	if err != nil {
		return nil, err
	}
	p, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	cfg, err := msg.EngineConfig()
	if err != nil {
		return nil, err
	}
	if cfg.Family == model.KNN {
		return nil, errorsmod.Wrapf(types.ErrInvalidMarket, "a market's model cannot be knn: its reward steps would grow with the contributions")
	}
	if msg.Bounty == 0 {
		return nil, errorsmod.Wrapf(types.ErrInvalidMarket, "the bounty is 0")
	}
	hashes := make([][32]byte, len(msg.PortionHashes))
	for i, h := range msg.PortionHashes {
		if len(h) != 32 {
			return nil, errorsmod.Wrapf(types.ErrInvalidMarket, "portion hash %d has %d bytes, not 32", i, len(h))
		}
		copy(hashes[i][:], h)
	}
	t := now(ctx)

	initial, err := k.initialModel(ctx, p, cfg, msg.InitialModel)
	if err != nil {
		return nil, err
	}
	// Every reward step must fit in one block's budget, even with the largest test set.
	fixed, per := abi.ScoreStepCost(initial, len(hashes), p.MaxMarketTestRows, cfg.Dims)
	step, c1 := bits.Add64(fixed, per, 0)
	step, c2 := bits.Add64(step, p.MarketStepGas, 0)
	if c1|c2 != 0 || step > p.MarketBlockGas {
		return nil, errorsmod.Wrapf(types.ErrInvalidMarket,
			"one reward step of this model on %d test rows costs %d engine work gas and market_step_gas %d, more than market_block_gas %d: use fewer dims or classes",
			p.MaxMarketTestRows, fixed+per, p.MarketStepGas, p.MarketBlockGas)
	}

	id, err := k.NextMarketID.Peek(ctx)
	if err != nil {
		return nil, err
	}
	res, err := k.marketCall(ctx, p, &abi.MarketCall{Action: abi.MarketNew, Actor: who, Bounty: msg.Bounty,
		PortionHashes: hashes, Seed: marketSeed(ctx, id), Now: t, Params: market.Params{
			MinStake: msg.MinStake, MinContributions: msg.MinContributions, MinDuration: msg.MinDuration, RevealTimeout: msg.RevealTimeout,
		}})
	if err != nil {
		return nil, err
	}
	if err := k.bk.SendCoinsFromAccountToModule(ctx, provider, types.ModuleName, coins(p.DepositDenom, msg.Bounty)); err != nil {
		return nil, err
	}
	if _, err := k.NextMarketID.Next(ctx); err != nil {
		return nil, err
	}
	initialBytes, err := marshal(initial)
	if err != nil {
		return nil, err
	}
	st := &marketState{mk: res.State, initial: initial, cfg: cfg, info: types.Market{
		Id: id, Provider: provider.String(), Denom: p.DepositDenom, CreatedAt: t, Portions: uint32(len(hashes)),
	}}
	st.info.SetConfig(cfg)
	if err := k.MarketInitial.Set(ctx, id, initialBytes); err != nil {
		return nil, err
	}
	if err := k.saveMarket(ctx, st); err != nil {
		return nil, err
	}
	ini := res.State.InitialPortion()
	ctx.EventManager().EmitEvent(sdk.NewEvent(EventCreateMarket,
		sdk.NewAttribute(AttrMarketID, strconv.FormatUint(id, 10)),
		sdk.NewAttribute("provider", provider.String()),
		sdk.NewAttribute(AttrAmount, coins(p.DepositDenom, msg.Bounty).String()),
		sdk.NewAttribute(AttrInitialPortion, strconv.Itoa(ini))))
	return &types.MsgCreateMarketResponse{MarketId: id, InitialPortion: uint32(ini)}, nil
}

// decodePortion decodes a revealed portion and checks it fits the market's model and
// the test-row limit (with the rows already revealed).
func decodePortion(st *marketState, p types.Params, b []byte) (*dataset.Dataset, error) {
	d, err := dataset.Decode(b)
	if err != nil {
		return nil, errorsmod.Wrapf(types.ErrMalformedFeatures, "portion: %v", err)
	}
	if d.Dims != st.cfg.Dims || d.ScaleExp != st.cfg.ScaleExp || d.Classes > st.cfg.Classes {
		return nil, errorsmod.Wrapf(types.ErrWrongDims, "portion has %d dims, %d classes, scale 10^%d; the model %d, %d, 10^%d",
			d.Dims, d.Classes, d.ScaleExp, st.cfg.Dims, st.cfg.Classes, st.cfg.ScaleExp)
	}
	var revealed uint64
	for _, q := range st.mk.Portions() {
		revealed += q.Rows
	}
	if revealed+uint64(d.Len()) > p.MaxMarketTestRows {
		return nil, errorsmod.Wrapf(types.ErrInvalidMarket, "the portions would hold %d rows, more than max_market_test_rows %d",
			revealed+uint64(d.Len()), p.MaxMarketTestRows)
	}
	return d, nil
}

func (s msgServer) RevealInitial(goCtx context.Context, msg *types.MsgRevealInitial) (*types.MsgRevealInitialResponse, error) {
	k := s.k
	ctx := sdk.UnwrapSDKContext(goCtx)
	if _, _, err := actor(msg.Sender); err != nil {
		return nil, err
	}
	p, st, err := k.paramsAndMarket(ctx, msg.MarketId)
	if err != nil {
		return nil, err
	}
	d, err := decodePortion(st, p, msg.Portion)
	if err != nil {
		return nil, err
	}
	res, err := k.marketCall(ctx, p, &abi.MarketCall{Action: abi.MarketRevealInitial, State: st.mk, Portion: d, Now: now(ctx)})
	if err != nil {
		return nil, err
	}
	st.mk = res.State
	if err := k.MarketPortions.Set(ctx, collections.Join(msg.MarketId, uint32(st.mk.InitialPortion())), msg.Portion); err != nil {
		return nil, err
	}
	if err := k.saveMarket(ctx, st); err != nil {
		return nil, err
	}
	phaseEvent(ctx, st)
	return &types.MsgRevealInitialResponse{}, nil
}

func (s msgServer) CancelMarket(goCtx context.Context, msg *types.MsgCancelMarket) (*types.MsgCancelMarketResponse, error) {
	k := s.k
	ctx := sdk.UnwrapSDKContext(goCtx)
	_, who, err := actor(msg.Provider)
	if err != nil {
		return nil, err
	}
	p, st, err := k.paramsAndMarket(ctx, msg.MarketId)
	if err != nil {
		return nil, err
	}
	res, err := k.marketCall(ctx, p, &abi.MarketCall{Action: abi.MarketCancel, State: st.mk, Actor: who, Now: now(ctx)})
	if err != nil {
		return nil, err
	}
	st.mk = res.State
	if err := k.saveMarket(ctx, st); err != nil {
		return nil, err
	}
	phaseEvent(ctx, st)
	return &types.MsgCancelMarketResponse{}, nil
}

func (s msgServer) JoinMarket(goCtx context.Context, msg *types.MsgJoinMarket) (*types.MsgJoinMarketResponse, error) {
	k := s.k
	ctx := sdk.UnwrapSDKContext(goCtx)
	contributor, who, err := actor(msg.Contributor)
	if err != nil {
		return nil, err
	}
	p, st, err := k.paramsAndMarket(ctx, msg.MarketId)
	if err != nil {
		return nil, err
	}
	if uint64(st.mk.Len()) >= p.MaxMarketContributions {
		return nil, errorsmod.Wrapf(types.ErrTooManyContributions, "market %d has %d, the limit", msg.MarketId, st.mk.Len())
	}
	row, err := buildRow(st.cfg, msg.Features, msg.Row, msg.Label)
	if err != nil {
		return nil, err
	}
	if row, err = k.inMarketKind(ctx, msg.MarketId, st, row); err != nil {
		return nil, err
	}
	rowBytes, err := marshal(row)
	if err != nil {
		return nil, err
	}
	hash := row.Hash()
	t := now(ctx)
	res, err := k.marketCall(ctx, p, &abi.MarketCall{Action: abi.MarketJoin, State: st.mk, Actor: who, DataHash: hash, Stake: msg.Stake, Now: t})
	if err != nil {
		return nil, err
	}
	if err := k.bk.SendCoinsFromAccountToModule(ctx, contributor, types.ModuleName, coins(st.info.Denom, msg.Stake)); err != nil {
		return nil, err
	}
	st.mk = res.State
	rec := types.MarketContribution{MarketId: msg.MarketId, Id: res.ID, Contributor: contributor.String(), DataHash: hash[:],
		Label: msg.Label, Row: rowBytes, JoinedAt: t, Stake: msg.Stake}
	if err := k.MarketContributions.Set(ctx, collections.Join(msg.MarketId, res.ID), rec); err != nil {
		return nil, err
	}
	if err := k.saveMarket(ctx, st); err != nil {
		return nil, err
	}
	ctx.EventManager().EmitEvent(sdk.NewEvent(EventJoinMarket,
		sdk.NewAttribute(AttrMarketID, strconv.FormatUint(msg.MarketId, 10)),
		sdk.NewAttribute(AttrContributionID, strconv.FormatUint(res.ID, 10)),
		sdk.NewAttribute(AttrActor, contributor.String()),
		sdk.NewAttribute(AttrAmount, coins(st.info.Denom, msg.Stake).String())))
	return &types.MsgJoinMarketResponse{ContributionId: res.ID, DataHash: hash[:]}, nil
}

func (s msgServer) EndMarket(goCtx context.Context, msg *types.MsgEndMarket) (*types.MsgEndMarketResponse, error) {
	k := s.k
	ctx := sdk.UnwrapSDKContext(goCtx)
	if _, _, err := actor(msg.Sender); err != nil {
		return nil, err
	}
	p, st, err := k.paramsAndMarket(ctx, msg.MarketId)
	if err != nil {
		return nil, err
	}
	res, err := k.marketCall(ctx, p, &abi.MarketCall{Action: abi.MarketEnd, State: st.mk, Now: now(ctx)})
	if err != nil {
		return nil, err
	}
	st.mk = res.State
	if err := k.saveMarket(ctx, st); err != nil {
		return nil, err
	}
	phaseEvent(ctx, st)
	return &types.MsgEndMarketResponse{}, nil
}

func (s msgServer) RevealPortion(goCtx context.Context, msg *types.MsgRevealPortion) (*types.MsgRevealPortionResponse, error) {
	k := s.k
	ctx := sdk.UnwrapSDKContext(goCtx)
	if _, _, err := actor(msg.Sender); err != nil {
		return nil, err
	}
	p, st, err := k.paramsAndMarket(ctx, msg.MarketId)
	if err != nil {
		return nil, err
	}
	d, err := decodePortion(st, p, msg.Portion)
	if err != nil {
		return nil, err
	}
	res, err := k.marketCall(ctx, p, &abi.MarketCall{Action: abi.MarketRevealNext, State: st.mk, Portion: d})
	if err != nil {
		return nil, err
	}
	st.mk = res.State
	if err := k.MarketPortions.Set(ctx, collections.Join(msg.MarketId, uint32(res.Revealed)), msg.Portion); err != nil {
		return nil, err
	}
	due := st.mk.Phase() == market.Rewards
	if due {
		st.info.RewardsHeight = ctx.BlockHeight()
		if err := k.RewardQueue.Set(ctx, msg.MarketId); err != nil {
			return nil, err
		}
	}
	if err := k.saveMarket(ctx, st); err != nil {
		return nil, err
	}
	ctx.EventManager().EmitEvent(sdk.NewEvent(EventMarketPhase,
		sdk.NewAttribute(AttrMarketID, strconv.FormatUint(msg.MarketId, 10)),
		sdk.NewAttribute(AttrPortion, strconv.Itoa(res.Revealed)),
		sdk.NewAttribute(AttrPhase, st.mk.Phase().String())))
	return &types.MsgRevealPortionResponse{PortionIndex: uint32(res.Revealed), RewardsDue: due}, nil
}

func (s msgServer) AbortMarket(goCtx context.Context, msg *types.MsgAbortMarket) (*types.MsgAbortMarketResponse, error) {
	k := s.k
	ctx := sdk.UnwrapSDKContext(goCtx)
	if _, _, err := actor(msg.Sender); err != nil {
		return nil, err
	}
	p, st, err := k.paramsAndMarket(ctx, msg.MarketId)
	if err != nil {
		return nil, err
	}
	res, err := k.marketCall(ctx, p, &abi.MarketCall{Action: abi.MarketAbort, State: st.mk, Now: now(ctx)})
	if err != nil {
		return nil, err
	}
	st.mk = res.State
	if err := k.saveMarket(ctx, st); err != nil {
		return nil, err
	}
	phaseEvent(ctx, st)
	return &types.MsgAbortMarketResponse{}, nil
}

func (s msgServer) ProcessRewards(goCtx context.Context, msg *types.MsgProcessRewards) (*types.MsgProcessRewardsResponse, error) {
	k := s.k
	ctx := sdk.UnwrapSDKContext(goCtx)
	if _, _, err := actor(msg.Sender); err != nil {
		return nil, err
	}
	p, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := k.Markets.Get(ctx, msg.MarketId); err != nil {
		return nil, errorsmod.Wrapf(types.ErrUnknownMarket, "%d", msg.MarketId)
	}
	if ok, err := k.RewardQueue.Has(ctx, msg.MarketId); err != nil {
		return nil, err
	} else if !ok {
		return nil, errorsmod.Wrapf(types.ErrNotDue, "market %d", msg.MarketId)
	}
	budget := EngineGasLimit(ctx, p)
	if msg.MaxEngineGas != 0 {
		budget = min(budget, msg.MaxEngineGas)
	}
	r, err := k.runRewardSteps(ctx, p, msg.MarketId, budget, false)
	if err != nil {
		return nil, err
	}
	if r.Steps == 0 {
		return nil, errorsmod.Wrapf(types.ErrEngineLimit, "%d engine gas does not pay for one reward step of market %d", budget, msg.MarketId)
	}
	return &types.MsgProcessRewardsResponse{Scored: r.Scored, Passes: r.Passes, Finished: r.Finished}, nil
}

// inMarketKind returns row in the kind (dense or sparse) of the market's first
// contribution, converting it if need be: a reward step concatenates the rows of
// consecutive contributions into one dataset, which needs one kind. The first
// contribution keeps the kind it was sent in. The row's hash, recorded by the market, is
// the stored row's.
func (k Keeper) inMarketKind(ctx sdk.Context, id uint64, st *marketState, row *dataset.Dataset) (*dataset.Dataset, error) {
	if st.mk.Len() == 0 {
		return row, nil
	}
	first, err := k.MarketContributions.Get(ctx, collections.Join(id, uint64(0)))
	if err != nil {
		return nil, errorsmod.Wrapf(types.ErrEngine, "market %d: contribution 0 is not stored: %v", id, err)
	}
	want, err := dataset.Decode(first.Row)
	if err != nil {
		return nil, errorsmod.Wrapf(types.ErrEngine, "market %d: stored row of contribution 0: %v", id, err)
	}
	switch {
	case row.Kind == want.Kind:
		return row, nil
	case want.Kind == dataset.Sparse:
		return row.ToSparse()
	default:
		return row.ToDense()
	}
}

// payout pays a finished market's amount to recipient and emits the payout event.
func (k Keeper) payout(ctx sdk.Context, st *marketState, kind string, recipient sdk.AccAddress, contribution int64, amount uint64) error {
	if amount > 0 {
		if err := k.bk.SendCoinsFromModuleToAccount(ctx, types.ModuleName, recipient, coins(st.info.Denom, amount)); err != nil {
			return err
		}
	}
	ctx.EventManager().EmitEvent(sdk.NewEvent(EventMarketPayout,
		sdk.NewAttribute(AttrMarketID, strconv.FormatUint(st.info.Id, 10)),
		sdk.NewAttribute(AttrPayoutKind, kind),
		sdk.NewAttribute(AttrContributionID, strconv.FormatInt(contribution, 10)),
		sdk.NewAttribute(AttrRecipient, recipient.String()),
		sdk.NewAttribute(AttrAmount, coins(st.info.Denom, amount).String())))
	return nil
}

// collect marks contribution id collected in the engine (as its contributor) and pays
// recipient.
func (k Keeper) collect(ctx sdk.Context, p types.Params, st *marketState, id uint64, recipient sdk.AccAddress, kind string) (uint64, error) {
	rec, err := k.MarketContributions.Get(ctx, collections.Join(st.info.Id, id))
	if err != nil {
		return 0, errorsmod.Wrapf(types.ErrUnknownContribution, "market %d has no contribution %d", st.info.Id, id)
	}
	contributor, who, err := actor(rec.Contributor)
	if err != nil {
		return 0, err
	}
	if kind == "collect" && !contributor.Equals(recipient) {
		return 0, errorsmod.Wrapf(types.ErrNotContributor, "contribution %d is %s's", id, rec.Contributor)
	}
	res, err := k.marketCall(ctx, p, &abi.MarketCall{Action: abi.MarketCollect, State: st.mk, ID: id, Actor: who})
	if err != nil {
		return 0, err
	}
	st.mk = res.State
	if err := k.payout(ctx, st, kind, recipient, int64(id), res.Amount); err != nil {
		return 0, err
	}
	rec.CollectedBy = recipient.String()
	if err := k.MarketContributions.Set(ctx, collections.Join(st.info.Id, id), rec); err != nil {
		return 0, err
	}
	return res.Amount, k.saveMarket(ctx, st)
}

func (s msgServer) Collect(goCtx context.Context, msg *types.MsgCollect) (*types.MsgCollectResponse, error) {
	k := s.k
	ctx := sdk.UnwrapSDKContext(goCtx)
	caller, _, err := actor(msg.Contributor)
	if err != nil {
		return nil, err
	}
	p, st, err := k.paramsAndMarket(ctx, msg.MarketId)
	if err != nil {
		return nil, err
	}
	amount, err := k.collect(ctx, p, st, msg.ContributionId, caller, "collect")
	if err != nil {
		return nil, err
	}
	return &types.MsgCollectResponse{Amount: amount}, nil
}

func (s msgServer) ClaimAbandoned(goCtx context.Context, msg *types.MsgClaimAbandoned) (*types.MsgClaimAbandonedResponse, error) {
	k := s.k
	ctx := sdk.UnwrapSDKContext(goCtx)
	caller, _, err := actor(msg.Provider)
	if err != nil {
		return nil, err
	}
	p, st, err := k.paramsAndMarket(ctx, msg.MarketId)
	if err != nil {
		return nil, err
	}
	if caller.String() != st.info.Provider {
		return nil, errorsmod.Wrapf(types.ErrNotProvider, "market %d's provider is %s", msg.MarketId, st.info.Provider)
	}
	if st.mk.Phase() != market.Finished {
		return nil, errorsmod.Wrapf(types.ErrWrongPhase, "market %d is in phase %s, not finished", msg.MarketId, st.mk.Phase())
	}
	if t, due := now(ctx), st.info.FinishedAt+p.MarketAbandonWait; t < due {
		return nil, errorsmod.Wrapf(types.ErrTooEarly, "balances are abandoned from %d (finished at %d + wait %d), it is %d",
			due, st.info.FinishedAt, p.MarketAbandonWait, t)
	}
	amount, err := k.collect(ctx, p, st, msg.ContributionId, caller, "abandoned")
	if err != nil {
		return nil, err
	}
	return &types.MsgClaimAbandonedResponse{Amount: amount}, nil
}

func (s msgServer) ReclaimBounty(goCtx context.Context, msg *types.MsgReclaimBounty) (*types.MsgReclaimBountyResponse, error) {
	k := s.k
	ctx := sdk.UnwrapSDKContext(goCtx)
	caller, who, err := actor(msg.Provider)
	if err != nil {
		return nil, err
	}
	p, st, err := k.paramsAndMarket(ctx, msg.MarketId)
	if err != nil {
		return nil, err
	}
	res, err := k.marketCall(ctx, p, &abi.MarketCall{Action: abi.MarketReclaim, State: st.mk, Actor: who})
	if err != nil {
		return nil, err
	}
	st.mk = res.State
	if err := k.payout(ctx, st, "reclaim", caller, -1, res.Amount); err != nil {
		return nil, err
	}
	if err := k.saveMarket(ctx, st); err != nil {
		return nil, err
	}
	return &types.MsgReclaimBountyResponse{Amount: res.Amount}, nil
}

func (k Keeper) paramsAndMarket(ctx sdk.Context, id uint64) (types.Params, *marketState, error) {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return p, nil, err
	}
	st, err := k.loadMarket(ctx, id)
	return p, st, err
}
