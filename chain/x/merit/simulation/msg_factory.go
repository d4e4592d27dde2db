package simulation

import (
	"context"
	"math/rand"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/meritchain/merit/chain/x/merit/keeper"
	"github.com/meritchain/merit/chain/x/merit/types"
	"github.com/meritchain/merit/engine/abi"
	"github.com/meritchain/merit/engine/incentive/market"
	"github.com/meritchain/merit/engine/incentive/points"
	"github.com/meritchain/merit/engine/model"
)

// Default operation weights (a simulation params file overrides them: "op_weight_" and
// the name). Contributions and their settlement dominate, as on a data market;
// creating models and markets is rarer. Together they are about as heavy as the SDK
// modules' operations in the app.
const (
	WeightCreateModel    = 15
	WeightAddData        = 200
	WeightRefund         = 80
	WeightReport         = 60
	WeightClaim          = 50
	WeightCreateMarket   = 20
	WeightRevealInitial  = 50
	WeightCancelMarket   = 20
	WeightJoinMarket     = 200
	WeightEndMarket      = 50
	WeightRevealPortion  = 80
	WeightAbortMarket    = 30
	WeightProcessRewards = 40
	WeightCollect        = 80
	WeightReclaimBounty  = 30
	WeightClaimAbandoned = 30
	// WeightUpdateParams is the weight of the parameter change among the governance
	// proposals' payloads (x/gov submits a proposal with weight/25).
	WeightUpdateParams = 100
)

// Limits that keep a long simulation's engine work bounded.
const (
	maxModels      = 30 // models, genesis ones included
	maxOpenMarkets = 8  // markets not finished
	maxPredictions = 8  // predictions one refund or report factory may make
	mislabelPct    = 25 // contributions to models labelled wrong on purpose
	marketNoisePct = 20 // market contributions labelled wrong
	fundedAttempts = 20 // accounts tried for one with enough spendable balance
)

// WeightedOperations registers a factory for every message of the module's Msg service
// but MsgUpdateParams, which only the governance authority signs (ProposalMsgs).
func WeightedOperations(w simsx.WeightSource, reg simsx.Registry, k keeper.Keeper) {
	reg.Add(w.Get("msg_create_model", WeightCreateModel), MsgCreateModelFactory(k))
	reg.Add(w.Get("msg_add_data", WeightAddData), MsgAddDataFactory(k))
	reg.Add(w.Get("msg_refund", WeightRefund), MsgRefundFactory(k))
	reg.Add(w.Get("msg_report", WeightReport), MsgReportFactory(k))
	reg.Add(w.Get("msg_claim", WeightClaim), MsgClaimFactory(k))
	reg.Add(w.Get("msg_create_market", WeightCreateMarket), MsgCreateMarketFactory(k))
	reg.Add(w.Get("msg_reveal_initial", WeightRevealInitial), MsgRevealInitialFactory(k))
	reg.Add(w.Get("msg_cancel_market", WeightCancelMarket), MsgCancelMarketFactory(k))
	reg.Add(w.Get("msg_join_market", WeightJoinMarket), MsgJoinMarketFactory(k))
	reg.Add(w.Get("msg_end_market", WeightEndMarket), MsgEndMarketFactory(k))
	reg.Add(w.Get("msg_reveal_portion", WeightRevealPortion), MsgRevealPortionFactory(k))
	reg.Add(w.Get("msg_abort_market", WeightAbortMarket), MsgAbortMarketFactory(k))
	reg.Add(w.Get("msg_process_rewards", WeightProcessRewards), MsgProcessRewardsFactory(k))
	reg.Add(w.Get("msg_collect", WeightCollect), MsgCollectFactory(k))
	reg.Add(w.Get("msg_reclaim_bounty", WeightReclaimBounty), MsgReclaimBountyFactory(k))
	reg.Add(w.Get("msg_claim_abandoned", WeightClaimAbandoned), MsgClaimAbandonedFactory(k))
}

// ProposalMsgs registers the parameter change as a governance proposal's payload.
func ProposalMsgs(w simsx.WeightSource, reg simsx.Registry, k keeper.Keeper) {
	reg.Add(w.Get("msg_merit_update_params", WeightUpdateParams), MsgUpdateParamsFactory(k))
}

func coin(denom string, amount uint64) sdk.Coin {
	return sdk.NewCoin(denom, sdkmath.NewIntFromUint64(amount))
}

// funded returns a random account whose spendable balance covers amount, and reserves
// amount in it (the transaction's random fees come out of the rest); ok is false, the
// reporter skipped, if none was found.
func funded(testData *simsx.ChainDataSource, reporter simsx.SimulationReporter, amount sdk.Coin) (simsx.SimAccount, bool) {
	a := testData.AnyAccountN(fundedAttempts, reporter, simsx.WithLiquidBalanceGTE(amount))
	if reporter.IsSkipped() {
		return a, false
	}
	if !a.LiquidBalance().BlockAmount(amount) {
		reporter.Skipf("no spendable %s", amount)
		return a, false
	}
	return a, true
}

// account returns the simulation account of a bech32 address; ok is false if the
// simulation holds no key for it.
func account(testData *simsx.ChainDataSource, reporter simsx.SimulationReporter, addr string) (simsx.SimAccount, bool) {
	if !testData.HasAccount(addr) {
		return simsx.SimAccount{}, false
	}
	a := testData.GetAccount(reporter, addr)
	return a, !reporter.IsSkipped()
}

// pick returns a random element of xs.
func pick[T any](r *rand.Rand, xs []T) T { return xs[r.Intn(len(xs))] }

// ---- Models: creation and contributions ----

// MsgCreateModelFactory creates a small model of any family (sometimes with a trained
// initial model), under Deposit-Refund-Take or Points with random waits.
func MsgCreateModelFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgCreateModel] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgCreateModel) {
		v := newView(ctx, k)
		next := must(k.NextModelID.Peek(v.ctx))
		if next >= maxModels {
			reporter.Skip("the simulation has enough models")
			return nil, nil
		}
		p := v.params()
		creator := testData.AnyAccount(reporter)
		if reporter.IsSkipped() {
			return nil, nil
		}
		r := testData.Rand().Rand
		raw := randomModelConfig(r, model.Families(), min(maxSimDims, int(p.MaxDims)), min(maxSimClasses, int(p.MaxClasses)))
		msg := &types.MsgCreateModel{
			Creator: creator.AddressBech32, Family: raw.Family.String(), Dims: uint32(raw.Dims), Classes: uint32(raw.Classes),
			ScaleExp: uint32(raw.ScaleExp), Bound: raw.Bound, LearningRate: raw.LearningRate, AlphaMicro: raw.AlphaMicro, K: uint32(raw.K),
		}
		if r.Intn(4) == 0 {
			cfg := must(raw.Normalize())
			if md := trainedModel(cfg, newTask(modelTaskSeed(next, cfg), cfg), r, 1+r.Intn(8)); md != nil {
				msg.InitialModel = must(md.MarshalBinary())
			}
		}
		if r.Intn(3) == 0 {
			msg.Mechanism, msg.RefundWait = types.MechanismPoints, uint64(r.Intn(maxRefundWait+1))
		} else {
			msg.Mechanism = types.MechanismDRT
			msg.CostWeight, msg.RefundWait, msg.OwnerWait, msg.AnyAddressWait = randomDRTParams(r)
		}
		return []simsx.SimAccount{creator}, msg
	}
}

// MsgAddDataFactory contributes a sample of a model's task (a quarter of them labelled
// wrong on purpose), as dense features or as a one-row dataset encoding (dense or
// sparse), with at least the deposit the engine requires now (DRT).
func MsgAddDataFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgAddData] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgAddData) {
		v := newView(ctx, k)
		p := v.params()
		var open []types.ModelInfo
		for _, m := range v.models() {
			if m.Contributions < p.MaxContributionsPerModel {
				open = append(open, m)
			}
		}
		if len(open) == 0 {
			reporter.Skip("no model takes contributions")
			return nil, nil
		}
		r := testData.Rand().Rand
		info := pick(r, open)
		cfg := must(info.EngineConfig())
		x, label := newTask(modelTaskSeed(info.Id, cfg), cfg).sample(r, mislabelPct)
		msg := &types.MsgAddData{ModelId: info.Id, Label: label}
		if r.Intn(3) == 0 {
			msg.Row = must(oneRow(cfg, x, label, r.Intn(2) == 0).MarshalBinary())
		} else {
			msg.Features = x
		}
		var from simsx.SimAccount
		if info.Mechanism == types.MechanismDRT {
			// The deposit the engine requires now (the mechanism's rule, natively).
			need := must(v.mechanism(info).drt.MinimumDeposit(v.now))
			msg.Deposit = need + uint64(r.Int63n(int64(need/2+1)))
			var ok bool
			if from, ok = funded(testData, reporter, coin(info.DepositDenom, msg.Deposit)); !ok {
				return nil, nil
			}
		} else {
			if from = testData.AnyAccount(reporter); reporter.IsSkipped() {
				return nil, nil
			}
		}
		msg.Contributor = from.AddressBech32
		return []simsx.SimAccount{from}, msg
	}
}

// settleCandidate is a contribution a refund, report or claim may act on, and who acts.
type settleCandidate struct {
	model, id uint64
	label     uint32
	actor     sdk.AccAddress
}

// settleFactory walks up to four random models with contributions, lists the
// contributions whose mechanism rules allow the action (cands), and returns the first
// on which the model's prediction agrees (refund) or disagrees (report) with the
// label, after at most maxPredictions predictions in all.
func settleFactory(v view, r *rand.Rand, wantAgree bool, cands func(m mech) []settleCandidate) (settleCandidate, bool) {
	var ms []types.ModelInfo
	for _, m := range v.models() {
		if m.Contributions > 0 {
			ms = append(ms, m)
		}
	}
	calls := 0
	for _, i := range r.Perm(len(ms))[:min(len(ms), 4)] {
		cs := cands(v.mechanism(ms[i]))
		for _, j := range r.Perm(len(cs)) {
			if calls == maxPredictions {
				return settleCandidate{}, false
			}
			c := cs[j]
			calls++
			if agree := v.predict(c.model, v.contributionRow(c.model, c.id)) == c.label; agree == wantAgree {
				return c, true
			}
		}
	}
	return settleCandidate{}, false
}

// MsgRefundFactory refunds a contribution (its contributor signs) once its refund wait
// has passed, nothing was taken from it, and the model still predicts its label.
func MsgRefundFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgRefund] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgRefund) {
		v := newView(ctx, k)
		r := testData.Rand().Rand
		c, ok := settleFactory(v, r, true, func(m mech) []settleCandidate {
			var out []settleCandidate
			for id := range m.info.Contributions {
				var who []byte
				var label int32
				switch {
				case m.drt != nil:
					c := must(m.drt.Contribution(id))
					if c.Refunded || c.Remaining == 0 || c.Remaining != c.InitialDeposit || !waited(c.Added, v.now, m.drt.Params().RefundWait) {
						continue
					}
					who, label = c.Contributor[:], c.Label
				default:
					c := must(m.pts.Contribution(id))
					if c.Status != points.Open || !waited(c.Added, v.now, m.pts.Params().RefundWait) {
						continue
					}
					who, label = c.Contributor[:], c.Label
				}
				if testData.HasAccount(sdk.AccAddress(who).String()) {
					out = append(out, settleCandidate{model: m.info.Id, id: id, label: uint32(label), actor: sdk.AccAddress(who)})
				}
			}
			return out
		})
		if !ok {
			reporter.Skip("no contribution to refund")
			return nil, nil
		}
		from, ok := account(testData, reporter, c.actor.String())
		if !ok {
			reporter.Skip("contributor unknown")
			return nil, nil
		}
		return []simsx.SimAccount{from}, &types.MsgRefund{Caller: from.AddressBech32, ModelId: c.model, ContributionId: c.id}
	}
}

// MsgReportFactory reports a contribution the model no longer agrees with, after its
// refund wait, by an address with a validated contribution on the model that has not
// claimed on it yet.
func MsgReportFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgReport] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgReport) {
		v := newView(ctx, k)
		r := testData.Rand().Rand
		c, ok := settleFactory(v, r, false, func(m mech) []settleCandidate {
			var reporters []sdk.AccAddress
			for _, a := range v.validators(m) {
				if testData.HasAccount(a.String()) {
					reporters = append(reporters, a)
				}
			}
			if len(reporters) == 0 {
				return nil
			}
			var out []settleCandidate
			for id := range m.info.Contributions {
				var (
					contributor sdk.AccAddress
					label       int32
					claimed     func(sdk.AccAddress) bool
				)
				switch {
				case m.drt != nil:
					c := must(m.drt.Contribution(id))
					if c.Remaining == 0 || !waited(c.Added, v.now, m.drt.Params().RefundWait) {
						continue
					}
					contributor, label = sdk.AccAddress(c.Contributor[:]), c.Label
					claimed = func(a sdk.AccAddress) bool {
						for _, b := range c.ClaimedBy {
							if b == engineAddr(a) {
								return true
							}
						}
						return false
					}
				default:
					c := must(m.pts.Contribution(id))
					if c.Status != points.Open || !waited(c.Added, v.now, m.pts.Params().RefundWait) {
						continue
					}
					contributor, label = sdk.AccAddress(c.Contributor[:]), c.Label
					claimed = func(sdk.AccAddress) bool { return false }
				}
				var ok []sdk.AccAddress
				for _, a := range reporters {
					if !a.Equals(contributor) && !claimed(a) {
						ok = append(ok, a)
					}
				}
				if len(ok) > 0 {
					out = append(out, settleCandidate{model: m.info.Id, id: id, label: uint32(label), actor: pick(r, ok)})
				}
			}
			return out
		})
		if !ok {
			reporter.Skip("no contribution to report")
			return nil, nil
		}
		from, ok := account(testData, reporter, c.actor.String())
		if !ok {
			reporter.Skip("reporter unknown")
			return nil, nil
		}
		return []simsx.SimAccount{from}, &types.MsgReport{Reporter: from.AddressBech32, ModelId: c.model, ContributionId: c.id}
	}
}

// MsgClaimFactory takes what is left of a DRT deposit: the model's owner once the owner
// wait has passed, any account once the any-address wait has.
func MsgClaimFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgClaim] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgClaim) {
		v := newView(ctx, k)
		r := testData.Rand().Rand
		type cand struct {
			model, id uint64
			anyone    bool
			owner     string
		}
		var cs []cand
		for _, info := range v.models() {
			if info.Mechanism != types.MechanismDRT || info.Contributions == 0 {
				continue
			}
			m := v.mechanism(info)
			pr := m.drt.Params()
			ownerKnown := testData.HasAccount(info.Owner)
			for id := range info.Contributions {
				c := must(m.drt.Contribution(id))
				switch {
				case c.Remaining == 0:
				case waited(c.Added, v.now, pr.AnyAddressWait):
					cs = append(cs, cand{model: info.Id, id: id, anyone: true})
				case ownerKnown && waited(c.Added, v.now, pr.OwnerWait):
					cs = append(cs, cand{model: info.Id, id: id, owner: info.Owner})
				}
			}
		}
		if len(cs) == 0 {
			reporter.Skip("no deposit to claim")
			return nil, nil
		}
		c := pick(r, cs)
		var from simsx.SimAccount
		if c.anyone {
			from = testData.AnyAccount(reporter)
		} else {
			from = testData.GetAccount(reporter, c.owner)
		}
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{from}, &types.MsgClaim{Claimer: from.AddressBech32, ModelId: c.model, ContributionId: c.id}
	}
}

// ---- Prediction markets ----

// MsgCreateMarketFactory creates a market on a small model (sometimes trained) with 2
// to 4 committed test-set portions generated from the market's seed, a bounty, and
// random minimums and reveal timeout.
func MsgCreateMarketFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgCreateMarket] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgCreateMarket) {
		v := newView(ctx, k)
		open := 0
		for _, mv := range v.markets() {
			if mv.mk.Phase() != market.Finished {
				open++
			}
		}
		if open >= maxOpenMarkets {
			reporter.Skip("the simulation has enough open markets")
			return nil, nil
		}
		p := v.params()
		r := testData.Rand().Rand
		bounty := 1_000 + uint64(r.Intn(99_001))
		provider, ok := funded(testData, reporter, coin(p.DepositDenom, bounty))
		if !ok {
			return nil, nil
		}
		raw := randomModelConfig(r, marketFamilies, min(maxMarketDims, int(p.MaxDims)), min(maxMarketClass, int(p.MaxClasses)))
		cfg := must(raw.Normalize())
		n := minPortions + r.Intn(maxPortions-minPortions+1)
		// Blocks are 5 000 to 10 000 s apart: participation lasts one to a few blocks
		// unless enough contributions come sooner; a withheld market may be aborted one
		// to five blocks after it ends.
		mp := market.Params{
			MinStake: 1 + uint64(r.Intn(500)), MinContributions: 2 + uint64(r.Intn(7)),
			MinDuration: 5_000 + uint64(r.Intn(20_001)), RevealTimeout: 5_000 + uint64(r.Intn(20_001)),
		}
		seed := marketSeed(provider.AddressBech32, bounty, mp, cfg, n)
		msg := &types.MsgCreateMarket{
			Provider: provider.AddressBech32, Family: raw.Family.String(), Dims: uint32(raw.Dims), Classes: uint32(raw.Classes),
			ScaleExp: uint32(raw.ScaleExp), Bound: raw.Bound, LearningRate: raw.LearningRate, AlphaMicro: raw.AlphaMicro, K: uint32(raw.K),
			Bounty: bounty, MinStake: mp.MinStake, MinContributions: mp.MinContributions, MinDuration: mp.MinDuration,
			RevealTimeout: mp.RevealTimeout,
		}
		for _, d := range marketPortions(seed, cfg, n) {
			h := d.Hash()
			msg.PortionHashes = append(msg.PortionHashes, h[:])
		}
		initial := must(model.New(cfg))
		if r.Intn(4) == 0 {
			if md := trainedModel(cfg, marketTask(seed, cfg), r, 1+r.Intn(6)); md != nil {
				initial, msg.InitialModel = md, must(md.MarshalBinary())
			}
		}
		// The module's check: one reward step on max_market_test_rows rows, with the
		// step gas, must fit in market_block_gas (RandomParams makes it so).
		if fixed, per := abi.ScoreStepCost(initial, n, p.MaxMarketTestRows, cfg.Dims); fixed+per+p.MarketStepGas > p.MarketBlockGas {
			reporter.Skip("a reward step would exceed market_block_gas")
			return nil, nil
		}
		return []simsx.SimAccount{provider}, msg
	}
}

// marketsIn returns the markets in phase ph for which keep (if given) holds.
func marketsIn(v view, ph market.Phase, keep func(marketView) bool) []marketView {
	var out []marketView
	for _, mv := range v.markets() {
		if mv.mk.Phase() == ph && (keep == nil || keep(mv)) {
			out = append(out, mv)
		}
	}
	return out
}

// MsgRevealInitialFactory reveals the portion the chain drew for a market that awaits
// it (any account may: the hash decides), unless its provider means to cancel it.
func MsgRevealInitialFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgRevealInitial] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgRevealInitial) {
		v := newView(ctx, k)
		p := v.params()
		ms := marketsIn(v, market.Initialized, func(mv marketView) bool { return !cancels(mv.seed) })
		if len(ms) == 0 {
			reporter.Skip("no market awaits its first portion")
			return nil, nil
		}
		r := testData.Rand().Rand
		mv := pick(r, ms)
		ps, ok := mv.portions()
		if !ok {
			reporter.Skip("the market's portions are unknown")
			return nil, nil
		}
		d := ps[mv.mk.InitialPortion()]
		if uint64(d.Len()) > p.MaxMarketTestRows {
			reporter.Skip("the portion exceeds max_market_test_rows")
			return nil, nil
		}
		from := testData.AnyAccount(reporter)
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{from}, &types.MsgRevealInitial{Sender: from.AddressBech32, MarketId: mv.info.Id, Portion: must(d.MarshalBinary())}
	}
}

// MsgCancelMarketFactory cancels, as its provider, a market whose provider never
// reveals its first portion.
func MsgCancelMarketFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgCancelMarket] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgCancelMarket) {
		v := newView(ctx, k)
		ms := marketsIn(v, market.Initialized, func(mv marketView) bool {
			return cancels(mv.seed) && testData.HasAccount(mv.info.Provider)
		})
		if len(ms) == 0 {
			reporter.Skip("no market to cancel")
			return nil, nil
		}
		mv := pick(testData.Rand().Rand, ms)
		from := testData.GetAccount(reporter, mv.info.Provider)
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{from}, &types.MsgCancelMarket{Provider: from.AddressBech32, MarketId: mv.info.Id}
	}
}

// MsgJoinMarketFactory joins a market in participation with a sample of its task (a
// fifth labelled wrong), as dense features or as a one-row dataset encoding (dense or
// sparse: the module stores each row in its market's first row's kind), and a stake of
// one to three times the minimum.
func MsgJoinMarketFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgJoinMarket] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgJoinMarket) {
		v := newView(ctx, k)
		p := v.params()
		ms := marketsIn(v, market.Participation, func(mv marketView) bool {
			return uint64(mv.mk.Len()) < p.MaxMarketContributions
		})
		if len(ms) == 0 {
			reporter.Skip("no market in participation")
			return nil, nil
		}
		r := testData.Rand().Rand
		mv := pick(r, ms)
		minStake := mv.mk.Params().MinStake
		stake := minStake + uint64(r.Int63n(int64(2*minStake+1)))
		from, ok := funded(testData, reporter, coin(mv.info.Denom, stake))
		if !ok {
			return nil, nil
		}
		x, label := marketTask(mv.seed, mv.cfg).sample(r, marketNoisePct)
		msg := &types.MsgJoinMarket{Contributor: from.AddressBech32, MarketId: mv.info.Id, Label: label, Stake: stake}
		if r.Intn(3) == 0 {
			msg.Row = must(oneRow(mv.cfg, x, label, r.Intn(2) == 0).MarshalBinary())
		} else {
			msg.Features = x
		}
		return []simsx.SimAccount{from}, msg
	}
}

// MsgEndMarketFactory ends participation in a market that has its minimum
// contributions or has been open its minimum duration (any account may).
func MsgEndMarketFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgEndMarket] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgEndMarket) {
		v := newView(ctx, k)
		ms := marketsIn(v, market.Participation, func(mv marketView) bool { return mv.mk.CanEnd(v.now) })
		if len(ms) == 0 {
			reporter.Skip("no market may end")
			return nil, nil
		}
		mv := pick(testData.Rand().Rand, ms)
		from := testData.AnyAccount(reporter)
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{from}, &types.MsgEndMarket{Sender: from.AddressBech32, MarketId: mv.info.Id}
	}
}

// MsgRevealPortionFactory reveals a market's next scoring portion (its provider, or
// any account if the simulation has no key for it), unless the provider withholds them.
func MsgRevealPortionFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgRevealPortion] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgRevealPortion) {
		v := newView(ctx, k)
		p := v.params()
		ms := marketsIn(v, market.Reveal, func(mv marketView) bool { return !withholds(mv.seed) })
		if len(ms) == 0 {
			reporter.Skip("no market to reveal")
			return nil, nil
		}
		mv := pick(testData.Rand().Rand, ms)
		ps, ok := mv.portions()
		if !ok {
			reporter.Skip("the market's portions are unknown")
			return nil, nil
		}
		d := ps[mv.mk.NextReveal()]
		if mv.revealedRows()+uint64(d.Len()) > p.MaxMarketTestRows {
			reporter.Skip("the portion exceeds max_market_test_rows")
			return nil, nil
		}
		from, ok := account(testData, reporter, mv.info.Provider)
		if !ok {
			if from = testData.AnyAccount(reporter); reporter.IsSkipped() {
				return nil, nil
			}
		}
		return []simsx.SimAccount{from}, &types.MsgRevealPortion{Sender: from.AddressBech32, MarketId: mv.info.Id, Portion: must(d.MarshalBinary())}
	}
}

// MsgAbortMarketFactory aborts a market whose portions were not all revealed within
// its reveal timeout (any account may).
func MsgAbortMarketFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgAbortMarket] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgAbortMarket) {
		v := newView(ctx, k)
		ms := marketsIn(v, market.Reveal, func(mv marketView) bool {
			_, _, end := mv.mk.Times()
			return v.now >= mv.mk.Clock() && waited(end, v.now, mv.mk.Params().RevealTimeout)
		})
		if len(ms) == 0 {
			reporter.Skip("no market past its reveal timeout")
			return nil, nil
		}
		mv := pick(testData.Rand().Rand, ms)
		from := testData.AnyAccount(reporter)
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{from}, &types.MsgAbortMarket{Sender: from.AddressBech32, MarketId: mv.info.Id}
	}
}

// MsgProcessRewardsFactory runs reward steps of a market whose passes are due, with a
// budget of market_block_gas (which pays for at least one step of any simulated
// market: RandomParams).
func MsgProcessRewardsFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgProcessRewards] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgProcessRewards) {
		v := newView(ctx, k)
		p := v.params()
		var due []uint64
		check(k.RewardQueue.Walk(v.ctx, nil, func(id uint64) (bool, error) {
			due = append(due, id)
			return false, nil
		}))
		if len(due) == 0 {
			reporter.Skip("no market's rewards are due")
			return nil, nil
		}
		id := pick(testData.Rand().Rand, due)
		from := testData.AnyAccount(reporter)
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{from}, &types.MsgProcessRewards{Sender: from.AddressBech32, MarketId: id, MaxEngineGas: p.MarketBlockGas}
	}
}

// MsgCollectFactory collects a finished market's contribution balance as its
// contributor, except for contributors who never collect (ClaimAbandoned's share).
func MsgCollectFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgCollect] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgCollect) {
		v := newView(ctx, k)
		var cs []types.MarketContribution
		for _, mv := range marketsIn(v, market.Finished, nil) {
			for _, c := range v.marketContributions(mv.info.Id) {
				if c.CollectedBy == "" && !abandons(c.DataHash) && testData.HasAccount(c.Contributor) {
					cs = append(cs, c)
				}
			}
		}
		if len(cs) == 0 {
			reporter.Skip("no balance to collect")
			return nil, nil
		}
		c := pick(testData.Rand().Rand, cs)
		from := testData.GetAccount(reporter, c.Contributor)
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{from}, &types.MsgCollect{Contributor: from.AddressBech32, MarketId: c.MarketId, ContributionId: c.Id}
	}
}

// MsgReclaimBountyFactory pays a finished market's pool back to its provider, once.
func MsgReclaimBountyFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgReclaimBounty] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgReclaimBounty) {
		v := newView(ctx, k)
		ms := marketsIn(v, market.Finished, func(mv marketView) bool {
			return !reclaimed(mv.state) && testData.HasAccount(mv.info.Provider)
		})
		if len(ms) == 0 {
			reporter.Skip("no bounty to reclaim")
			return nil, nil
		}
		mv := pick(testData.Rand().Rand, ms)
		from := testData.GetAccount(reporter, mv.info.Provider)
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{from}, &types.MsgReclaimBounty{Provider: from.AddressBech32, MarketId: mv.info.Id}
	}
}

// MsgClaimAbandonedFactory pays a market's provider a balance nobody collected within
// market_abandon_wait of the market's end.
func MsgClaimAbandonedFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgClaimAbandoned] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgClaimAbandoned) {
		v := newView(ctx, k)
		p := v.params()
		var cs []types.MarketContribution
		var providers []string
		for _, mv := range marketsIn(v, market.Finished, func(mv marketView) bool {
			return waited(mv.info.FinishedAt, v.now, p.MarketAbandonWait) && testData.HasAccount(mv.info.Provider)
		}) {
			for _, c := range v.marketContributions(mv.info.Id) {
				if c.CollectedBy == "" {
					cs, providers = append(cs, c), append(providers, mv.info.Provider)
				}
			}
		}
		if len(cs) == 0 {
			reporter.Skip("no abandoned balance")
			return nil, nil
		}
		i := testData.Rand().Intn(len(cs))
		from := testData.GetAccount(reporter, providers[i])
		if reporter.IsSkipped() {
			return nil, nil
		}
		return []simsx.SimAccount{from}, &types.MsgClaimAbandoned{Provider: from.AddressBech32, MarketId: cs[i].MarketId, ContributionId: cs[i].Id}
	}
}

// ---- Governance ----

// MsgUpdateParamsFactory proposes new random limits and market budgets (RandomParams:
// the engine build, the denomination and the gas price unchanged), signed by the
// governance authority.
func MsgUpdateParamsFactory(k keeper.Keeper) simsx.SimMsgFactoryFn[*types.MsgUpdateParams] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, *types.MsgUpdateParams) {
		p := RandomParams(testData.Rand().Rand, newView(ctx, k).params())
		return nil, &types.MsgUpdateParams{Authority: k.Authority(), Params: p}
	}
}
