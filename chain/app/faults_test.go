package app_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmttypes "github.com/cometbft/cometbft/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log/v2"
	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/baseapp"
	clienttx "github.com/cosmos/cosmos-sdk/client/tx"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	"github.com/cosmos/cosmos-sdk/testutil/mock"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	authsigning "github.com/cosmos/cosmos-sdk/x/auth/signing"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/meritchain/merit/chain/app"
	"github.com/meritchain/merit/chain/engine"
	"github.com/meritchain/merit/chain/x/merit/types"
	"github.com/meritchain/merit/wasm"
)

// TestEngineMemoryLimitOnChain: the engine under memory pressure, on chain. The app runs
// the chain's engine (engine.Sandboxed over the hash-pinned build) with a 10 MiB memory
// limit instead of the default 2 GiB, so that a model the default parameters allow — a
// centroid model of 4096 dimensions and 256 classes, 8 MiB of sums — does not fit. A
// block carries a signed create-model transaction for it and, after it, one for a small
// model from the same account: the first fails with merit's ErrEngineLimit (code 21),
// charged the gas the engine used, and changes no merit state (the next model still gets
// id 0); the second succeeds; the account's sequence advanced for both; the invariants
// hold; and the next block runs. (On the real chain the limit is 2 GiB and the
// parameters keep every model far below it; this is the path a request over the limit
// takes.)
func TestEngineMemoryLimitOnChain(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the WebAssembly engine")
	}
	ctx := context.Background()
	eng, err := wasm.New(ctx, wasm.Options{Build: engine.Build, MemoryLimitPages: 160})
	require.NoError(t, err)
	defer eng.Close(ctx)
	a := app.NewWithEngine(log.NewNopLogger(), dbm.NewMemDB(), true, simtestutil.NewAppOptionsWithFlagHome(t.TempDir()),
		engine.Sandboxed{Engine: eng}, baseapp.SetChainID("merit-test"))

	pv := mock.NewPV()
	pub, err := pv.GetPubKey()
	require.NoError(t, err)
	valSet := cmttypes.NewValidatorSet([]*cmttypes.Validator{cmttypes.NewValidator(pub, 1)})
	key := secp256k1.GenPrivKeyFromSecret([]byte("memory pressure"))
	addr := sdk.AccAddress(key.PubKey().Address())
	acc := authtypes.NewBaseAccount(addr, key.PubKey(), 0, 0)
	bal := banktypes.Balance{Address: addr.String(), Coins: sdk.NewCoins(sdk.NewCoin(sdk.DefaultBondDenom, sdkmath.NewInt(1_000_000_000)))}
	gs, err := simtestutil.GenesisStateWithValSet(a.AppCodec(), a.DefaultGenesis(), valSet, []authtypes.GenesisAccount{acc}, bal)
	require.NoError(t, err)
	state, err := json.Marshal(gs)
	require.NoError(t, err)
	_, err = a.InitChain(&abci.RequestInitChain{ChainId: "merit-test", ConsensusParams: simtestutil.DefaultConsensusParams, AppStateBytes: state})
	require.NoError(t, err)

	t0 := time.Unix(1_800_000_000, 0)
	block := func(height int64, txs ...[]byte) *abci.ResponseFinalizeBlock {
		t.Helper()
		res, err := a.FinalizeBlock(&abci.RequestFinalizeBlock{Height: height, Time: t0.Add(time.Duration(height) * time.Second),
			Txs: txs, Hash: a.LastCommitID().Hash, NextValidatorsHash: valSet.Hash()})
		require.NoError(t, err)
		_, err = a.Commit()
		require.NoError(t, err)
		require.Len(t, res.TxResults, len(txs))
		return res
	}
	block(1)
	account := a.AccountKeeper.GetAccount(a.NewContext(true), addr)
	require.NotNil(t, account)
	sign := func(seq uint64, msg sdk.Msg) []byte {
		t.Helper()
		cfg := a.TxConfig()
		b := cfg.NewTxBuilder()
		require.NoError(t, b.SetMsgs(msg))
		b.SetGasLimit(50_000_000)
		sig := signing.SignatureV2{PubKey: key.PubKey(), Data: &signing.SingleSignatureData{SignMode: signing.SignMode_SIGN_MODE_DIRECT}, Sequence: seq}
		require.NoError(t, b.SetSignatures(sig))
		sig, err := clienttx.SignWithPrivKey(ctx, signing.SignMode_SIGN_MODE_DIRECT,
			authsigning.SignerData{ChainID: "merit-test", AccountNumber: account.GetAccountNumber(), Sequence: seq,
				PubKey: key.PubKey(), Address: addr.String()}, b, key, cfg, seq)
		require.NoError(t, err)
		require.NoError(t, b.SetSignatures(sig))
		bz, err := cfg.TxEncoder()(b.GetTx())
		require.NoError(t, err)
		return bz
	}
	model := func(dims, classes uint32) *types.MsgCreateModel {
		return &types.MsgCreateModel{Creator: addr.String(), Family: "centroid", Dims: dims, Classes: classes, Bound: 100,
			Mechanism: types.MechanismPoints, RefundWait: 10}
	}
	p, err := a.MeritKeeper.Params.Get(a.NewContext(true))
	require.NoError(t, err)
	require.LessOrEqual(t, uint32(4096), p.MaxDims)
	require.LessOrEqual(t, uint32(256), p.MaxClasses)

	res := block(2, sign(0, model(4096, 256)), sign(1, model(2, 2)))
	big, small := res.TxResults[0], res.TxResults[1]
	require.Equal(t, types.ModuleName, big.Codespace, big.Log)
	require.Equal(t, types.ErrEngineLimit.ABCICode(), big.Code, big.Log)
	require.Contains(t, big.Log, "out of memory")
	require.Greater(t, big.GasUsed, int64(100_000), "the engine's gas is charged")
	require.Equal(t, uint32(0), small.Code, small.Log)
	t.Logf("over the memory limit: code %s/%d, gas %d: %s", big.Codespace, big.Code, big.GasUsed, big.Log)

	c := a.NewContext(true)
	m, err := a.MeritKeeper.Models.Get(c, 0)
	require.NoError(t, err)
	require.Equal(t, uint32(2), m.Dims, "model 0 is the small one: the refused transaction took no id")
	_, err = a.MeritKeeper.Models.Get(c, 1)
	require.Error(t, err)
	require.Equal(t, uint64(2), a.AccountKeeper.GetAccount(c, addr).GetSequence())
	require.NoError(t, a.Invariants.Assert(c))

	res = block(3, sign(2, model(3, 2)))
	require.Equal(t, uint32(0), res.TxResults[0].Code, res.TxResults[0].Log)
}
