package keeper_test

import (
	"testing"
	"time"

	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/core/appmodule"
	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/log/v2"
	sdkmath "cosmossdk.io/math"

	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/testutil/integration"
	sdk "github.com/cosmos/cosmos-sdk/types"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	"github.com/cosmos/cosmos-sdk/x/auth"
	authkeeper "github.com/cosmos/cosmos-sdk/x/auth/keeper"
	authsims "github.com/cosmos/cosmos-sdk/x/auth/simulation"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/cosmos/cosmos-sdk/x/bank"
	bankkeeper "github.com/cosmos/cosmos-sdk/x/bank/keeper"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	merit "github.com/meritchain/merit/chain/x/merit"
	"github.com/meritchain/merit/chain/x/merit/keeper"
	"github.com/meritchain/merit/chain/x/merit/types"
	"github.com/meritchain/merit/engine/abi"
)

// testHash stands for the engine build's hash in these tests, which run the engine
// natively (abi.Native gives the same bytes and gas as the WebAssembly build).
const testHash = "00000000000000000000000000000000000000000000000000000000000000aa"

const (
	denom  = "stake"
	faucet = "faucet"
	t0     = 1_700_000_000 // block time of the first test block (unix seconds)
)

// fixture is an integration app with auth, bank and merit, whose messages go through
// the real message router.
type fixture struct {
	t      *testing.T
	app    *integration.App
	ctx    sdk.Context
	k      keeper.Keeper
	bank   bankkeeper.BaseKeeper
	acc    authkeeper.AccountKeeper
	query  types.QueryServer
	gov    string
	accts  map[string]sdk.AccAddress
	engine keeper.Engine
}

func newFixture(t *testing.T) *fixture { return newFixtureWith(t, abi.Native{}, testHash) }

// newFixtureWith runs the module with engine eng, whose build hash is hash.
func newFixtureWith(t *testing.T, eng keeper.Engine, hash string) *fixture {
	t.Helper()
	enc := moduletestutil.MakeTestEncodingConfig(auth.AppModuleBasic{}, bank.AppModuleBasic{}, merit.AppModule{})
	cdc := enc.Codec
	keys := storetypes.NewKVStoreKeys(authtypes.StoreKey, banktypes.StoreKey, types.StoreKey)
	logger := log.NewNopLogger()
	cms := integration.CreateMultiStore(keys, logger)
	ctx := sdk.NewContext(cms, cmtproto.Header{}, false, logger)
	gov := authtypes.NewModuleAddress("gov").String()

	ak := authkeeper.NewAccountKeeper(cdc, runtime.NewKVStoreService(keys[authtypes.StoreKey]), authtypes.ProtoBaseAccount,
		map[string][]string{faucet: {authtypes.Minter}, types.ModuleName: nil},
		addresscodec.NewBech32Codec(sdk.Bech32MainPrefix), sdk.Bech32MainPrefix, gov)
	bk := bankkeeper.NewBaseKeeper(cdc, runtime.NewKVStoreService(keys[banktypes.StoreKey]), ak,
		map[string]bool{authtypes.NewModuleAddress(types.ModuleName).String(): true}, gov, logger)
	k := keeper.NewKeeper(cdc, runtime.NewKVStoreService(keys[types.StoreKey]), ak, bk, gov, eng, hash, logger)

	app := integration.NewIntegrationApp(ctx, logger, keys, cdc, map[string]appmodule.AppModule{
		authtypes.ModuleName: auth.NewAppModule(cdc, ak, authsims.RandomGenesisAccounts, nil),
		banktypes.ModuleName: bank.NewAppModule(cdc, bk, ak, nil),
		types.ModuleName:     merit.NewAppModule(cdc, k),
	})
	types.RegisterMsgServer(app.MsgServiceRouter(), keeper.NewMsgServerImpl(k))
	types.RegisterQueryServer(app.QueryHelper(), keeper.NewQueryServerImpl(k))

	f := &fixture{t: t, app: app, k: k, bank: bk, acc: ak, query: keeper.NewQueryServerImpl(k), gov: gov,
		accts: map[string]sdk.AccAddress{}, engine: eng}
	f.ctx = sdk.UnwrapSDKContext(app.Context()).WithIsCheckTx(false).WithBlockTime(time.Unix(t0, 0)).
		WithEventManager(sdk.NewEventManager())
	require.NoError(t, k.InitGenesis(f.ctx, types.DefaultGenesis(hash)))
	for _, name := range []string{"alice", "bob", "carol", "mallory", "owner"} {
		f.accts[name] = sdk.AccAddress(append([]byte(name), make([]byte, 20-len(name))...))
		f.fund(name, 10_000_000)
	}
	return f
}

func (f *fixture) addr(name string) string { return f.accts[name].String() }

func (f *fixture) fund(name string, amount int64) {
	c := sdk.NewCoins(sdk.NewCoin(denom, sdkmath.NewInt(amount)))
	require.NoError(f.t, f.bank.MintCoins(f.ctx, faucet, c))
	require.NoError(f.t, f.bank.SendCoinsFromModuleToAccount(f.ctx, faucet, f.accts[name], c))
}

func (f *fixture) balance(name string) int64 {
	return f.bank.GetBalance(f.ctx, f.accts[name], denom).Amount.Int64()
}

func (f *fixture) escrow() int64 {
	return f.bank.GetBalance(f.ctx, f.k.ModuleAddress(), denom).Amount.Int64()
}

// at sets the block time to t0 + seconds.
func (f *fixture) at(seconds int64) { f.ctx = f.ctx.WithBlockTime(time.Unix(t0+seconds, 0)) }

// deliver runs msg through the app's message router at the current block time with a
// fresh event manager and an infinite gas meter (no cache: a refused message must not
// have written anything itself).
func (f *fixture) deliver(msg sdk.Msg) (*sdk.Result, error) {
	h := f.app.MsgServiceRouter().Handler(msg)
	require.NotNil(f.t, h, "no route for %T", msg)
	f.ctx = f.ctx.WithEventManager(sdk.NewEventManager()).WithGasMeter(storetypes.NewInfiniteGasMeter())
	return h(f.ctx, msg)
}

// mustDeliver delivers msg and returns its response.
func mustDeliver[R any, PR interface {
	*R
	Unmarshal([]byte) error
}](f *fixture, msg sdk.Msg) *R {
	f.t.Helper()
	res, err := f.deliver(msg)
	require.NoError(f.t, err)
	require.Len(f.t, res.MsgResponses, 1)
	var r R
	require.NoError(f.t, PR(&r).Unmarshal(res.MsgResponses[0].Value))
	return &r
}

// snapshot is the module's whole state and every test account's balance.
type snapshot struct {
	gs       *types.GenesisState
	balances map[string]int64
	escrow   int64
}

func (f *fixture) snapshot() snapshot { return f.snapshotAt(f.ctx) }

func (f *fixture) snapshotAt(ctx sdk.Context) snapshot {
	ctx = ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
	gs, err := f.k.ExportGenesis(ctx)
	require.NoError(f.t, err)
	b := map[string]int64{}
	for name, a := range f.accts {
		b[name] = f.bank.GetBalance(ctx, a, denom).Amount.Int64()
	}
	return snapshot{gs, b, f.bank.GetBalance(ctx, f.k.ModuleAddress(), denom).Amount.Int64()}
}

// refused delivers msg, checks that it fails with want (errors.Is) and that nothing
// changed.
func (f *fixture) refused(msg sdk.Msg, want error) {
	f.t.Helper()
	before := f.snapshot()
	_, err := f.deliver(msg)
	require.Error(f.t, err)
	require.ErrorIs(f.t, err, want, "got %v", err)
	if w, ok := want.(*errorsmod.Error); ok {
		// The transaction result carries the registered code (errors wrapped so that
		// the SDK's ABCIInfo finds it).
		space, code, _ := errorsmod.ABCIInfo(err, false)
		require.Equal(f.t, w.Codespace(), space, "codespace of %v", err)
		require.Equal(f.t, w.ABCICode(), code, "code of %v", err)
	}
	after := f.snapshot()
	require.Equal(f.t, before, after, "a refused %T changed the state", msg)
	f.checkInvariant()
}

func (f *fixture) checkInvariant() {
	f.t.Helper()
	msg, broken := keeper.EscrowInvariant(f.k)(f.ctx)
	require.False(f.t, broken, msg)
}

// drtModel creates a 2-dimensional binary perceptron with a DRT mechanism owned by
// "owner": cost weight 1 (3600 base units at the first contribution), refund wait 10 s,
// owner wait 20 s, any-address wait 30 s.
func (f *fixture) drtModel() uint64 {
	return mustDeliver[types.MsgCreateModelResponse](f, &types.MsgCreateModel{
		Creator: f.addr("owner"), Family: "perceptron", Dims: 2, Classes: 2, Bound: 1000,
		Mechanism: types.MechanismDRT, CostWeight: 1, RefundWait: 10, OwnerWait: 20, AnyAddressWait: 30,
	}).ModelId
}

func (f *fixture) pointsModel() uint64 {
	return mustDeliver[types.MsgCreateModelResponse](f, &types.MsgCreateModel{
		Creator: f.addr("owner"), Family: "centroid", Dims: 2, Classes: 2, Bound: 1000,
		Mechanism: types.MechanismPoints, RefundWait: 10,
	}).ModelId
}

func (f *fixture) requiredDeposit(model uint64) uint64 {
	r, err := f.query.RequiredDeposit(f.ctx, &types.QueryRequiredDepositRequest{ModelId: model})
	require.NoError(f.t, err)
	return r.Minimum
}

// add contributes (x, label) by name with the required deposit and returns the id.
func (f *fixture) add(model uint64, name string, x []int32, label uint32) (uint64, uint64) {
	f.t.Helper()
	dep := f.requiredDeposit(model)
	r := mustDeliver[types.MsgAddDataResponse](f, &types.MsgAddData{
		Contributor: f.addr(name), ModelId: model, Features: x, Label: label, Deposit: dep,
	})
	return r.ContributionId, dep
}
