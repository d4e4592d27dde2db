package keeper_test

import (
	"bytes"
	"fmt"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/meritchain/merit/chain/x/merit/keeper"
	"github.com/meritchain/merit/chain/x/merit/types"
	"github.com/meritchain/merit/engine/abi"
	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/gas"
	"github.com/meritchain/merit/engine/incentive/market"
	"github.com/meritchain/merit/engine/model"
	"github.com/meritchain/merit/engine/rng"
)

// marketData is a random 2-dimensional binary task (label: x0 > 0): a test set split in
// k portions, and n contributions of which about a third are mislabelled.
type marketData struct {
	portions [][]byte
	hashes   [][]byte
	xs       [][]int32
	labels   []uint32
}

func newMarketData(r *rng.Source, k, rows, n int) marketData {
	var md marketData
	point := func() ([]int32, uint32) {
		x := []int32{int32(r.Intn(2001)) - 1000, int32(r.Intn(2001)) - 1000}
		if x[0] > 0 {
			return x, 1
		}
		return x, 0
	}
	for j := range k {
		d := &dataset.Dataset{Kind: dataset.Dense, Dims: 2, Classes: 2}
		for range rows/k + j%2 {
			x, y := point()
			d.X, d.Y = append(d.X, x...), append(d.Y, int32(y))
		}
		b, err := d.MarshalBinary()
		if err != nil {
			panic(err)
		}
		h := d.Hash()
		md.portions, md.hashes = append(md.portions, b), append(md.hashes, h[:])
	}
	for range n {
		x, y := point()
		if r.Intn(3) == 0 {
			y = 1 - y
		}
		md.xs, md.labels = append(md.xs, x), append(md.labels, y)
	}
	return md
}

// endBlock runs the module's end-blocker and returns the work gas it reported.
func (f *fixture) endBlock() (spent, budget uint64) {
	f.ctx = f.ctx.WithEventManager(sdkEventManager()).WithBlockHeight(f.ctx.BlockHeight() + 1)
	require.NoError(f.t, f.k.EndBlocker(f.ctx))
	p, err := f.k.Params.Get(f.ctx)
	require.NoError(f.t, err)
	var work, stepGas, steps uint64
	for _, e := range f.ctx.EventManager().Events() {
		if e.Type != keeper.EventRewardsBlock {
			continue
		}
		for _, a := range e.Attributes {
			v, _ := strconv.ParseUint(a.Value, 10, 64)
			switch a.Key {
			case "work_gas":
				work = v
			case "step_gas":
				stepGas = v
			case "steps":
				steps = v
			case "spent":
				spent = v
			case "budget":
				budget = v
			}
		}
	}
	require.Equal(f.t, steps*p.MarketStepGas, stepGas, "each step costs market_step_gas")
	require.Equal(f.t, work+stepGas, spent, "a block spends its work gas and its steps' gas")
	return spent, budget
}

// TestMarketLifecycle runs random markets through every phase by messages, their reward
// passes through the end-blocker under a small per-block budget, and checks: each
// refusal changes nothing; no block's work gas exceeds the budget; the outcome is the
// engine's whole-pass result (MarketRunPass); everyone collects; money is conserved.
func TestMarketLifecycle(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { runMarket(t, seed) })
	}
}

func runMarket(t *testing.T, seed uint64) {
	f := newFixture(t)
	r := rng.New(seed)
	p, err := f.k.Params.Get(f.ctx)
	require.NoError(t, err)
	// A budget of about three contributions' steps per block (on at most 100 test rows),
	// each step costing half a contribution more.
	cm, err := model.New(model.Config{Family: model.Centroid, Dims: 2, Classes: 2, Bound: 1000})
	require.NoError(t, err)
	fixed, per := abi.ScoreStepCost(cm, 3, 100, 2)
	p.MaxMarketTestRows = 100
	p.MarketStepGas = per / 2
	p.MarketBlockGas = fixed + 3*per + p.MarketStepGas
	p.MarketStepRows = 7
	require.NoError(t, f.k.Params.Set(f.ctx, p))
	names := []string{"alice", "bob", "carol", "mallory"}
	total := func() int64 {
		s := f.escrow()
		for _, n := range append(names, "owner") {
			s += f.balance(n)
		}
		return s
	}
	money := total()

	md := newMarketData(r, 3, 30+r.Intn(30), 12+r.Intn(20))
	const bounty = 100_000
	create := &types.MsgCreateMarket{Provider: f.addr("owner"), Family: "centroid", Dims: 2, Classes: 2, Bound: 1000,
		Bounty: bounty, PortionHashes: md.hashes, MinStake: 100, MinContributions: 3, MinDuration: 50, RevealTimeout: 100}
	bad := *create
	bad.Family = "knn"
	f.refused(&bad, types.ErrInvalidMarket)
	bad = *create
	bad.PortionHashes = [][]byte{{1, 2}}
	f.refused(&bad, types.ErrInvalidMarket)
	cr := mustDeliver[types.MsgCreateMarketResponse](f, create)
	id, ini := cr.MarketId, cr.InitialPortion

	// Every third row is sent sparse (in seed 3 the first too): the market stores each row
	// in its first contribution's kind, so that the reward steps can concatenate them
	// (wholePasses checks that they do).
	join := func(i int, stake uint64) *types.MsgJoinMarket {
		m := &types.MsgJoinMarket{Contributor: f.addr(names[i%len(names)]), MarketId: id, Label: md.labels[i], Stake: stake}
		if (i+int(seed))%3 != 0 {
			m.Features = md.xs[i]
			return m
		}
		d := &dataset.Dataset{Kind: dataset.Dense, Dims: 2, Classes: 2, X: md.xs[i], Y: []int32{int32(md.labels[i])}}
		sp, err := d.ToSparse()
		require.NoError(t, err)
		m.Row, err = sp.MarshalBinary()
		require.NoError(t, err)
		return m
	}
	f.refused(join(0, 500), types.ErrWrongPhase)
	f.refused(&types.MsgRevealInitial{Sender: f.addr("bob"), MarketId: id, Portion: md.portions[(ini+1)%3]}, types.ErrHashMismatch)
	mustDeliver[types.MsgRevealInitialResponse](f, &types.MsgRevealInitial{Sender: f.addr("bob"), MarketId: id, Portion: md.portions[ini]})
	f.refused(join(0, 99), types.ErrStakeTooLow)
	for i := range md.xs {
		f.at(int64(1 + i))
		mustDeliver[types.MsgJoinMarketResponse](f, join(i, 100+uint64(r.Intn(900))))
		if i == 0 { // fewer than the minimum contributions, before the minimum duration
			f.refused(&types.MsgEndMarket{Sender: f.addr("alice"), MarketId: id}, types.ErrTooEarly)
		}
	}
	f.refused(&types.MsgCollect{Contributor: f.addr("alice"), MarketId: id, ContributionId: 0}, types.ErrWrongPhase)
	f.at(60)
	mustDeliver[types.MsgEndMarketResponse](f, &types.MsgEndMarket{Sender: f.addr("alice"), MarketId: id})
	f.refused(&types.MsgProcessRewards{Sender: f.addr("alice"), MarketId: id}, types.ErrNotDue)
	due := false
	for j := range 3 {
		if uint32(j) == ini {
			continue
		}
		due = mustDeliver[types.MsgRevealPortionResponse](f, &types.MsgRevealPortion{Sender: f.addr("owner"), MarketId: id, Portion: md.portions[j]}).RewardsDue
	}
	require.True(t, due)
	f.checkInvariant()

	// The expected outcome: the engine's whole passes on the same data.
	want := wholePasses(t, f, id)

	// process-rewards: a budget that pays only the step gas runs nothing; a larger one runs
	// steps at once, each charging market_step_gas (here far above anything else the
	// message costs) and its engine gas to the sender.
	if seed == 1 {
		q := p
		q.MarketStepGas, q.MarketBlockGas = 1_000_000_000, 1_000_000_000+p.MarketBlockGas
		require.NoError(t, f.k.Params.Set(f.ctx, q))
		f.refused(&types.MsgProcessRewards{Sender: f.addr("alice"), MarketId: id, MaxEngineGas: q.MarketStepGas}, types.ErrEngineLimit)
		before, err := f.k.Markets.Get(f.ctx, id)
		require.NoError(t, err)
		res, err := f.deliver(&types.MsgProcessRewards{Sender: f.addr("alice"), MarketId: id, MaxEngineGas: q.MarketBlockGas})
		require.NoError(t, err)
		after, err := f.k.Markets.Get(f.ctx, id)
		require.NoError(t, err)
		var steps uint64
		for _, e := range res.Events {
			if e.Type == keeper.EventRewardStep {
				steps++
			}
		}
		require.Equal(t, uint64(1), steps, "the budget pays for one step")
		require.GreaterOrEqual(t, f.ctx.GasMeter().GasConsumed(),
			keeper.SDKGas(q, q.MarketStepGas)+keeper.SDKGas(q, after.RewardEngineGas-before.RewardEngineGas),
			"the sender pays the step's market_step_gas and its engine gas")
		require.NoError(t, f.k.Params.Set(f.ctx, p))
		f.checkInvariant()
	}

	// A genesis export mid-rewards validates and re-imports.
	blocks := 0
	for {
		q, err := f.query.Market(f.ctx, &types.QueryMarketRequest{MarketId: id})
		require.NoError(t, err)
		if q.Status.Phase != market.Rewards.String() {
			break
		}
		spent, budget := f.endBlock()
		require.LessOrEqual(t, spent, budget, "block over budget")
		require.Positive(t, spent)
		blocks++
		require.Less(t, blocks, 1000)
		f.checkInvariant()
		if blocks == 2 {
			gs, err := f.k.ExportGenesis(f.ctx)
			require.NoError(t, err)
			require.NoError(t, gs.Validate())
			g := newFixture(t)
			require.NoError(t, g.k.InitGenesis(g.ctx, gs))
			gs2, err := g.k.ExportGenesis(g.ctx)
			require.NoError(t, err)
			require.Equal(t, gs, gs2)
		}
	}
	t.Logf("seed %d: %d contributions, rewards over %d blocks", seed, len(md.xs), blocks)
	require.Greater(t, blocks, 1, "the budget should spread the passes over several blocks")
	got, err := f.k.MarketStates.Get(f.ctx, id)
	require.NoError(t, err)
	require.True(t, bytes.Equal(got, want), "stepped passes on chain differ from the engine's whole passes")

	// Everyone collects (a refusal first); the provider reclaims the pool.
	f.refused(&types.MsgCollect{Contributor: f.addr("owner"), MarketId: id, ContributionId: 0}, types.ErrNotContributor)
	for i := range md.xs {
		if i == 1 {
			continue // abandoned
		}
		mustDeliver[types.MsgCollectResponse](f, &types.MsgCollect{Contributor: f.addr(names[i%len(names)]), MarketId: id, ContributionId: uint64(i)})
	}
	f.refused(&types.MsgCollect{Contributor: f.addr(names[0]), MarketId: id, ContributionId: 0}, types.ErrAlreadyClaimed)
	f.refused(&types.MsgClaimAbandoned{Provider: f.addr("owner"), MarketId: id, ContributionId: 1}, types.ErrTooEarly)
	f.refused(&types.MsgReclaimBounty{Provider: f.addr("alice"), MarketId: id}, types.ErrNotProvider)
	mustDeliver[types.MsgReclaimBountyResponse](f, &types.MsgReclaimBounty{Provider: f.addr("owner"), MarketId: id})
	f.at(60 + int64(p.MarketAbandonWait) + 100)
	mustDeliver[types.MsgClaimAbandonedResponse](f, &types.MsgClaimAbandoned{Provider: f.addr("owner"), MarketId: id, ContributionId: 1})
	f.checkInvariant()
	require.Zero(t, f.escrow(), "the market still holds coins after everyone was paid")
	require.Equal(t, money, total(), "money was created or destroyed")
}

// wholePasses runs market id's reward passes in whole calls (MarketRunPass) on the
// stored data and returns the final state's encoding.
func wholePasses(t *testing.T, f *fixture, id uint64) []byte {
	b, err := f.k.MarketStates.Get(f.ctx, id)
	require.NoError(t, err)
	mk, err := market.Decode(b)
	require.NoError(t, err)
	ib, err := f.k.MarketInitial.Get(f.ctx, id)
	require.NoError(t, err)
	initial, err := model.Decode(ib)
	require.NoError(t, err)
	var rows []*dataset.Dataset
	for c := range mk.Len() {
		q, err := f.query.MarketContribution(f.ctx, &types.QueryMarketContributionRequest{MarketId: id, ContributionId: uint64(c)})
		require.NoError(t, err)
		d, err := dataset.Decode(q.Contribution.Row)
		require.NoError(t, err)
		rows = append(rows, d)
	}
	contribs, err := dataset.Concat(rows...)
	require.NoError(t, err)
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	var scoring []*dataset.Dataset
	for _, m := range gs.Markets {
		if m.Id != id {
			continue
		}
		for _, j := range mk.ScoringPortions() {
			d, err := dataset.Decode(m.Revealed[j])
			require.NoError(t, err)
			scoring = append(scoring, d)
		}
	}
	for mk.Phase() == market.Rewards {
		resp, err := abi.Run(&abi.MarketCall{Action: abi.MarketRunPass, State: mk, Initial: initial, Contributions: contribs, Scoring: scoring},
			gasCounter())
		require.NoError(t, err)
		mk = resp.(*abi.MarketResult).State
	}
	out, err := mk.MarshalBinary()
	require.NoError(t, err)
	return out
}

func sdkEventManager() *sdk.EventManager { return sdk.NewEventManager() }

func gasCounter() *gas.Counter { return gas.NewCounter(gas.Default, 1<<62) }

// TestMarketStepGasParams: market_step_gas must leave room in market_block_gas for work.
func TestMarketStepGasParams(t *testing.T) {
	p := types.DefaultParams(testHash)
	require.NoError(t, p.Validate())
	p.MarketStepGas = p.MarketBlockGas
	require.ErrorIs(t, p.Validate(), types.ErrInvalidParams)
	p.MarketStepGas = p.MarketBlockGas - 1
	require.NoError(t, p.Validate())
}
