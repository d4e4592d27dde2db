package simulation

import (
	"context"
	"fmt"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/meritchain/merit/chain/x/merit/keeper"
	"github.com/meritchain/merit/chain/x/merit/types"
	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/incentive"
	"github.com/meritchain/merit/engine/incentive/drt"
	"github.com/meritchain/merit/engine/incentive/market"
	"github.com/meritchain/merit/engine/incentive/points"
	"github.com/meritchain/merit/engine/model"
)

// view reads the module's state for a message factory. It never writes: the factories
// run on the block's delivery state itself. A store or decoding error here means the
// module's state is corrupt, which the simulation must not hide: it panics.
type view struct {
	ctx sdk.Context
	k   keeper.Keeper
	now uint64 // the block time in seconds: the engine's "now" for this block's messages
}

func newView(ctx context.Context, k keeper.Keeper) view {
	c := sdk.UnwrapSDKContext(ctx)
	return view{ctx: c, k: k, now: uint64(max(c.BlockTime().Unix(), 0))}
}

func must[T any](x T, err error) T {
	if err != nil {
		panic(fmt.Errorf("merit simulation: %w", err))
	}
	return x
}

func check(err error) {
	if err != nil {
		panic(fmt.Errorf("merit simulation: %w", err))
	}
}

func (v view) params() types.Params { return must(v.k.Params.Get(v.ctx)) }

// waited reports whether wait seconds have passed since t (the mechanisms' rule).
func waited(t, now, wait uint64) bool { return now >= t && now-t >= wait }

// mech is a model with its decoded mechanism state.
type mech struct {
	info types.ModelInfo
	cfg  model.Config
	drt  *drt.State    // DRT models
	pts  *points.State // points models
}

// models returns every model, in id order.
func (v view) models() []types.ModelInfo {
	var out []types.ModelInfo
	check(v.k.Models.Walk(v.ctx, nil, func(_ uint64, m types.ModelInfo) (bool, error) {
		out = append(out, m)
		return false, nil
	}))
	return out
}

func (v view) mechanism(info types.ModelInfo) mech {
	m := mech{info: info, cfg: must(info.EngineConfig())}
	b := must(v.k.MechStates.Get(v.ctx, info.Id))
	if info.Mechanism == types.MechanismDRT {
		m.drt = must(drt.Decode(b))
	} else {
		m.pts = must(points.Decode(b))
	}
	return m
}

// contributionRow returns contribution id's stored row (a one-row dataset encoding).
func (v view) contributionRow(modelID, id uint64) []byte {
	return must(v.k.Contributions.Get(v.ctx, collections.Join(modelID, id))).Row
}

// predict returns the label the model predicts for a stored row, which decides whether
// a refund or a report delivered now is accepted. It runs the engine's model natively
// (microseconds, where the module's WebAssembly engine costs milliseconds a call): the
// engine guarantees the same answer, and a message the module then refused would stop
// the simulation.
func (v view) predict(modelID uint64, row []byte) uint32 {
	md := must(model.Decode(must(v.k.ModelStates.Get(v.ctx, modelID))))
	d := must(dataset.Decode(row))
	return uint32(must(md.Predict(d.Row(0))))
}

// validators returns the addresses with a validated contribution on a model (from its
// statistics, checked against the mechanism), in key order.
func (v view) validators(m mech) []sdk.AccAddress {
	var out []sdk.AccAddress
	rng := collections.NewPrefixedPairRange[uint64, []byte](m.info.Id)
	check(v.k.Stats.Walk(v.ctx, rng, func(key collections.Pair[uint64, []byte], _ types.ContributorStats) (bool, error) {
		a := sdk.AccAddress(key.K2())
		if validated(m, a) > 0 {
			out = append(out, a)
		}
		return false, nil
	}))
	return out
}

func engineAddr(a sdk.AccAddress) incentive.Address { return must(types.ToEngineAddress(a)) }

func validated(m mech, a sdk.AccAddress) uint64 {
	ea, err := types.ToEngineAddress(a)
	if err != nil {
		return 0
	}
	if m.drt != nil {
		return m.drt.Validated(ea)
	}
	return m.pts.Validated(ea)
}

// marketView is a market with its decoded engine state and its simulation seed.
type marketView struct {
	info  types.Market
	state []byte
	mk    *market.Market
	cfg   model.Config
	seed  uint64
}

// markets returns every market, in id order.
func (v view) markets() []marketView {
	var out []marketView
	check(v.k.Markets.Walk(v.ctx, nil, func(id uint64, m types.Market) (bool, error) {
		mv := marketView{info: m, state: must(v.k.MarketStates.Get(v.ctx, id))}
		mv.mk = must(market.Decode(mv.state))
		mv.cfg = must(m.EngineConfig())
		mv.seed = marketSeed(m.Provider, mv.mk.InitialBounty(), mv.mk.Params(), mv.cfg, int(m.Portions))
		out = append(out, mv)
		return false, nil
	}))
	return out
}

// portions regenerates a market's committed portions from its seed; ok is false if
// they are not its commitments (a market the simulation did not create).
func (mv marketView) portions() (ps []*dataset.Dataset, ok bool) {
	ps = marketPortions(mv.seed, mv.cfg, int(mv.info.Portions))
	for i, q := range mv.mk.Portions() {
		if ps[i].Hash() != q.Hash {
			return nil, false
		}
	}
	return ps, true
}

// revealedRows returns the rows of the portions revealed so far.
func (mv marketView) revealedRows() uint64 {
	var n uint64
	for _, q := range mv.mk.Portions() {
		n += q.Rows
	}
	return n
}

// marketContributions returns a market's contribution records, in id order.
func (v view) marketContributions(id uint64) []types.MarketContribution {
	var out []types.MarketContribution
	rng := collections.NewPrefixedPairRange[uint64, uint64](id)
	check(v.k.MarketContributions.Walk(v.ctx, rng, func(_ collections.Pair[uint64, uint64], c types.MarketContribution) (bool, error) {
		out = append(out, c)
		return false, nil
	}))
	return out
}

// marketFlagsOffset is where a market's canonical state keeps its flags byte (bit 0:
// the pool was reclaimed): after the magic and version (6 bytes), the four parameters,
// the provider, the seed, the three amounts and the phase (engine/incentive/market,
// encoding.go; docs/INCENTIVES.md, "Market state"). The engine's Market has no
// accessor for the flag.
const marketFlagsOffset = 6 + 4*8 + incentive.AddressLen + 8 + 3*8 + 1

// reclaimed reports whether a market's pool was reclaimed, from its encoded state.
func reclaimed(state []byte) bool {
	return len(state) > marketFlagsOffset && state[marketFlagsOffset]&1 != 0
}
