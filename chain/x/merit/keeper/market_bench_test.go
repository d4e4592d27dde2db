package keeper_test

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/meritchain/merit/chain/engine"
	"github.com/meritchain/merit/chain/x/merit/types"
	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/incentive/market"
	"github.com/meritchain/merit/engine/model"
	"github.com/meritchain/merit/engine/rng"
)

// TestMarketScale measures a market's reward processing on the chain's WebAssembly
// engine under the default per-block budget: blocks needed, engine work gas per block
// (never above the budget), engine time per block, and the time from the last reveal to
// every reward collectable (the end-blockers' time; a real chain adds its block
// interval per block). The market (N contributions, T test rows, a 16-dimensional
// centroid model, a third of the labels flipped) is built by the engine and imported
// through genesis, in phase rewards. Skipped unless MERIT_MARKET_BENCH lists sizes:
//
//	cd chain && MERIT_MARKET_BENCH=1000x1000,10000x10000 go test -run MarketScale -v -timeout 60m ./x/merit/keeper/
func TestMarketScale(t *testing.T) {
	sizes := os.Getenv("MERIT_MARKET_BENCH")
	if sizes == "" {
		t.Skip("set MERIT_MARKET_BENCH=NxT,… to run")
	}
	// The engine compiles on first use: not part of any market's time.
	_, err := engine.Get()
	require.NoError(t, err)
	t.Logf("| contributions | test rows | passes | blocks | most spent in a block | budget | engine time per block, mean | most | engine ns per gas | last reveal → collectable |")
	for _, s := range strings.Split(sizes, ",") {
		nt := strings.Split(s, "x")
		n, err1 := strconv.Atoi(nt[0])
		rows, err2 := strconv.Atoi(nt[1])
		require.NoError(t, err1)
		require.NoError(t, err2)
		marketScale(t, n, rows)
	}
}

func marketScale(t *testing.T, n, rows int) {
	f := newFixtureWith(t, timedEngine{}, engine.SHA256())
	p, err := f.k.Params.Get(f.ctx)
	require.NoError(t, err)
	const dims = 16
	r := rng.New(uint64(n)*31 + uint64(rows))
	point := func(d *dataset.Dataset, flip bool) {
		x := make([]int32, dims)
		for j := range x {
			x[j] = int32(r.Intn(201)) - 100
		}
		y := int32(0)
		if x[0]+x[1] > 0 {
			y = 1
		}
		if flip {
			y = 1 - y
		}
		d.X, d.Y = append(d.X, x...), append(d.Y, y)
	}
	cfg, err := model.Config{Family: model.Centroid, Dims: dims, Classes: 2, Bound: 100}.Normalize()
	require.NoError(t, err)
	initial, err := model.New(cfg)
	require.NoError(t, err)
	const k = 3
	portions := make([]*dataset.Dataset, k)
	hashes := make([][32]byte, k)
	for j := range k {
		portions[j] = &dataset.Dataset{Kind: dataset.Dense, Dims: dims, Classes: 2}
		for range rows / k {
			point(portions[j], false)
		}
		hashes[j] = portions[j].Hash()
	}
	provider, err := types.ToEngineAddress(f.accts["owner"])
	require.NoError(t, err)
	mk, err := market.New(market.Params{MinStake: 100, MinContributions: 1, MinDuration: 1, RevealTimeout: 3600}, provider, 1_000_000, hashes, 1, 0)
	require.NoError(t, err)
	require.NoError(t, mk.RevealInitial(portions[mk.InitialPortion()], 0))
	gs := types.DefaultGenesis(engine.SHA256())
	gs.Params = p
	var stakes uint64
	for i := range n {
		d := &dataset.Dataset{Kind: dataset.Dense, Dims: dims, Classes: 2}
		point(d, r.Intn(3) == 0)
		b, err := d.MarshalBinary()
		require.NoError(t, err)
		who := f.accts[[]string{"alice", "bob", "carol", "mallory"}[i%4]]
		ea, err := types.ToEngineAddress(who)
		require.NoError(t, err)
		h := d.Hash()
		stake := 100 + uint64(r.Intn(900))
		_, err = mk.Join(ea, h, stake, 1)
		require.NoError(t, err)
		stakes += stake
		gs.MarketContributions = append(gs.MarketContributions, types.MarketContribution{Id: uint64(i), Contributor: who.String(),
			DataHash: h[:], Label: uint32(d.Y[0]), Row: b, JoinedAt: 1, Stake: stake})
	}
	require.NoError(t, mk.End(2))
	for mk.NextReveal() >= 0 {
		_, err := mk.RevealNext(portions[mk.NextReveal()])
		require.NoError(t, err)
	}
	require.Equal(t, market.Rewards, mk.Phase())
	m := types.Market{Id: 0, Provider: f.addr("owner"), Denom: p.DepositDenom, CreatedAt: 0, Portions: k, Contributions: uint64(n)}
	m.SetConfig(cfg)
	if m.InitialModel, err = initial.MarshalBinary(); err != nil {
		t.Fatal(err)
	}
	if m.State, err = mk.MarshalBinary(); err != nil {
		t.Fatal(err)
	}
	for j := range k {
		b, err := portions[j].MarshalBinary()
		require.NoError(t, err)
		m.Revealed = append(m.Revealed, b)
	}
	gs.NextMarketId, gs.Markets = 1, []types.Market{m}
	require.NoError(t, gs.Validate())
	require.NoError(t, f.k.InitGenesis(f.ctx, gs))
	// The module account holds the escrow, as it would have after the messages.
	f.fund("owner", int64(1_000_000+stakes))
	require.NoError(t, f.bank.SendCoinsFromAccountToModule(f.ctx, f.accts["owner"], types.ModuleName, coins(int64(1_000_000+stakes))))
	f.checkInvariant()

	var blocks int
	var maxSpent, budget uint64
	var maxBlock time.Duration
	engineTime = 0
	start := time.Now()
	for {
		st, err := f.query.Market(f.ctx, &types.QueryMarketRequest{MarketId: 0})
		require.NoError(t, err)
		if st.Status.Phase != market.Rewards.String() {
			break
		}
		before := engineTime
		spent, b := f.endBlock()
		require.LessOrEqual(t, spent, b, "block over budget")
		maxSpent, budget = max(maxSpent, spent), b
		maxBlock = max(maxBlock, engineTime-before)
		blocks++
	}
	wall := time.Since(start)
	f.checkInvariant()
	final, err := f.query.Market(f.ctx, &types.QueryMarketRequest{MarketId: 0})
	require.NoError(t, err)
	info, err := f.k.Markets.Get(f.ctx, 0)
	require.NoError(t, err)
	// Engine gas per block, I/O included, over the time of the engine calls.
	nsPerGas := float64(engineTime) / float64(info.RewardEngineGas)
	t.Logf("| %d | %d | %d | %d | %d | %d | %s | %s | %.2f | %s |", n, rows/k*k, final.Status.Passes, blocks, maxSpent, budget,
		(engineTime / time.Duration(blocks)).Round(time.Millisecond), maxBlock.Round(time.Millisecond), nsPerGas, wall.Round(time.Millisecond))
}
