package simulation

import (
	"encoding/json"
	"math/rand"
	"testing"
	"time"

	gogoproto "github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"

	"github.com/meritchain/merit/chain/x/merit/keeper"
	"github.com/meritchain/merit/chain/x/merit/types"
	"github.com/meritchain/merit/engine/abi"
	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/incentive/market"
	"github.com/meritchain/merit/engine/model"
)

const testHash = "00000000000000000000000000000000000000000000000000000000000000aa"

func testCodec() codec.Codec {
	ir := codectypes.NewInterfaceRegistry()
	types.RegisterInterfaces(ir)
	return codec.NewProtoCodec(ir)
}

// TestRandomizedGenState: the randomized genesis validates, pins the engine build, is
// a function of the seed, and lets every market the simulation creates pass the
// module's reward-step budget check.
func TestRandomizedGenState(t *testing.T) {
	cdc := testCodec()
	gen := func(seed int64) []byte {
		r := rand.New(rand.NewSource(seed))
		s := &module.SimulationState{
			AppParams: simtypes.AppParams{}, Cdc: cdc, Rand: r, GenState: map[string]json.RawMessage{},
			Accounts: simtypes.RandomAccounts(r, 5), BondDenom: "stake", GenTimestamp: time.Unix(1_700_000_000, 0),
		}
		RandomizedGenState(s, testHash)
		return s.GenState[types.ModuleName]
	}
	models := 0
	for seed := int64(1); seed <= 30; seed++ {
		b := gen(seed)
		require.Equal(t, b, gen(seed), "seed %d: not deterministic", seed)
		var gs types.GenesisState
		cdc.MustUnmarshalJSON(b, &gs)
		require.NoError(t, gs.Validate())
		require.Equal(t, testHash, gs.Params.EngineSha256)
		require.Equal(t, "stake", gs.Params.DepositDenom)
		requireMarketsFit(t, gs.Params)
		models += len(gs.Models)
	}
	require.Positive(t, models, "no genesis model in 30 seeds")
}

// requireMarketsFit checks that every market configuration the factories create
// passes the module's check: one reward step on max_market_test_rows rows, plus the
// step gas, within market_block_gas.
func requireMarketsFit(t *testing.T, p types.Params) {
	t.Helper()
	for _, f := range marketFamilies {
		for dims := 1; dims <= maxMarketDims; dims++ {
			for classes := 2; classes <= maxMarketClass; classes++ {
				md, err := model.New(model.Config{Family: f, Dims: dims, Classes: classes, Bound: 1000})
				require.NoError(t, err)
				for k := minPortions; k <= maxPortions; k++ {
					fixed, per := abi.ScoreStepCost(md, k, p.MaxMarketTestRows, dims)
					require.LessOrEqual(t, fixed+per+p.MarketStepGas, p.MarketBlockGas, "%s %d×%d, %d portions", f, dims, classes, k)
				}
			}
		}
	}
}

// TestRandomParams: governance's random parameters validate and keep what the
// simulation must not change.
func TestRandomParams(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	base := types.DefaultParams(testHash)
	for range 100 {
		p := RandomParams(r, base)
		require.NoError(t, p.Validate())
		require.Equal(t, base.EngineSha256, p.EngineSha256)
		require.Equal(t, base.DepositDenom, p.DepositDenom)
		require.Equal(t, base.GasPriceNumerator, p.GasPriceNumerator)
		require.Equal(t, base.GasPriceDenominator, p.GasPriceDenominator)
		require.Equal(t, base.MarketStepGas, p.MarketStepGas)
		require.GreaterOrEqual(t, p.MaxMarketTestRows, uint64(maxPortions*maxPortionRows), "the largest test set must fit")
		requireMarketsFit(t, p)
	}
}

// TestSamplesFitModels: the tasks' samples, dense or sparse, are rows every family
// accepts, and trained initial models have the configuration they were asked for.
func TestSamplesFitModels(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for i := range 300 {
		cfg, err := randomModelConfig(r, model.Families(), maxSimDims, maxSimClasses).Normalize()
		require.NoError(t, err)
		md, err := model.New(cfg)
		require.NoError(t, err)
		task := newTask(uint64(i), cfg)
		for range 10 {
			x, y := task.sample(r, mislabelPct)
			require.Less(t, int(y), cfg.Classes)
			d := oneRow(cfg, x, y, r.Intn(2) == 0)
			b, err := d.MarshalBinary()
			require.NoError(t, err)
			back, err := dataset.Decode(b)
			require.NoError(t, err)
			require.Equal(t, x, denseFeatures(back))
			require.NoError(t, md.Update(back.Row(0), int(y)), "%+v", cfg)
		}
		if tm := trainedModel(cfg, task, r, 5); tm != nil {
			require.Equal(t, cfg, tm.Config())
		} else {
			t.Fatalf("%+v: no trained model", cfg)
		}
	}
}

// TestMarketPortionsFromState: the provider's portions, generated from the creation
// message's fields, are regenerated from the stored market alone, match the
// commitments, and are accepted by the engine's market in reveal order.
func TestMarketPortionsFromState(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	provider := sdk.AccAddress(make([]byte, 20))
	provider[0] = 7
	for range 50 {
		cfg, err := randomModelConfig(r, marketFamilies, maxMarketDims, maxMarketClass).Normalize()
		require.NoError(t, err)
		k := minPortions + r.Intn(maxPortions-minPortions+1)
		mp := market.Params{MinStake: 1 + uint64(r.Intn(500)), MinContributions: 2, MinDuration: 10, RevealTimeout: 10}
		bounty := uint64(1000 + r.Intn(1000))
		seed := marketSeed(provider.String(), bounty, mp, cfg, k)
		var hashes [][32]byte
		for _, d := range marketPortions(seed, cfg, k) {
			hashes = append(hashes, d.Hash())
		}
		mk, err := market.New(mp, engineAddr(provider), bounty, hashes, r.Uint64(), 100)
		require.NoError(t, err)
		b, err := mk.MarshalBinary()
		require.NoError(t, err)
		mk, err = market.Decode(b)
		require.NoError(t, err)

		mv := marketView{info: types.Market{Provider: provider.String(), Portions: uint32(k)}, mk: mk, cfg: cfg}
		mv.seed = marketSeed(mv.info.Provider, mk.InitialBounty(), mk.Params(), cfg, k)
		ps, ok := mv.portions()
		require.True(t, ok)
		require.NoError(t, mk.RevealInitial(ps[mk.InitialPortion()], 100))
		require.NoError(t, mk.End(200))
		for mk.Phase() == market.Reveal {
			_, err := mk.RevealNext(ps[mk.NextReveal()])
			require.NoError(t, err)
		}
		require.Equal(t, market.Rewards, mk.Phase())
		var rows uint64
		for _, d := range ps {
			rows += uint64(d.Len())
		}
		require.Equal(t, rows, mv.revealedRows())
	}
}

// TestProviderBehaviour: the documented shares of withholding and cancelling
// providers, and of abandoned contributions.
func TestProviderBehaviour(t *testing.T) {
	var w, c int
	const n = 100_000
	for s := range uint64(n) {
		s = seedOf("x", s)
		if withholds(s) {
			w++
			require.False(t, cancels(s))
		}
		if cancels(s) {
			c++
		}
	}
	require.InDelta(t, 0.25, float64(w)/n, 0.01)
	require.InDelta(t, 0.20, float64(c)/n, 0.01)
	a := 0
	for i := range n {
		if abandons([]byte{byte(i)}) {
			a++
		}
	}
	require.InDelta(t, 0.2, float64(a)/n, 0.01)
}

// TestReclaimedFlag: the flags byte read from a market's encoding is the engine's
// reclaimed flag.
func TestReclaimedFlag(t *testing.T) {
	owner := engineAddr(sdk.AccAddress(append([]byte{1}, make([]byte, 19)...)))
	mk, err := market.New(market.Params{MinStake: 1, RevealTimeout: 1}, owner, 0, make([][32]byte, 2), 1, 10)
	require.NoError(t, err)
	require.NoError(t, mk.Cancel(owner, 10))
	b, err := mk.MarshalBinary()
	require.NoError(t, err)
	require.False(t, reclaimed(b))
	_, err = mk.Reclaim(owner)
	require.NoError(t, err)
	b, err = mk.MarshalBinary()
	require.NoError(t, err)
	require.True(t, reclaimed(b))
	_, err = mk.Reclaim(owner)
	require.Error(t, err, "reclaimed twice")
}

type recordingRegistry []sdk.Msg

func (r *recordingRegistry) Add(weight uint32, f simsx.SimMsgFactoryX) {
	if weight > 0 {
		*r = append(*r, f.MsgType())
	}
}

// TestEveryMsgHasAFactory: every method of the module's Msg service (read from its
// protobuf descriptor, so a new message fails this test until it has a factory) has a
// message factory with a positive default weight: MsgUpdateParams as a governance
// proposal's payload, every other as an operation.
func TestEveryMsgHasAFactory(t *testing.T) {
	var ops, props recordingRegistry
	weights := simsx.WeightSourceFn(func(_ string, w uint32) uint32 { return w })
	WeightedOperations(weights, &ops, keeper.Keeper{})
	ProposalMsgs(weights, &props, keeper.Keeper{})
	have := map[string]int{}
	for _, m := range ops {
		have[sdk.MsgTypeURL(m)]++
	}
	for _, m := range props {
		have[sdk.MsgTypeURL(m)] += 100
	}
	d, err := gogoproto.HybridResolver.FindDescriptorByName("merit.v1.Msg")
	require.NoError(t, err)
	methods := d.(protoreflect.ServiceDescriptor).Methods()
	require.Equal(t, methods.Len(), len(have))
	for i := range methods.Len() {
		url := "/" + string(methods.Get(i).Input().FullName())
		if url == sdk.MsgTypeURL(&types.MsgUpdateParams{}) {
			require.Equal(t, 100, have[url], "%s: a governance proposal payload", url)
			continue
		}
		require.Equal(t, 1, have[url], "%s: one operation", url)
	}
}
