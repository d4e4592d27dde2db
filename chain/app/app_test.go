package app_test

import (
	"encoding/json"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	cmttypes "github.com/cometbft/cometbft/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log/v2"
	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	"github.com/cosmos/cosmos-sdk/testutil/mock"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/meritchain/merit/chain/app"
	"github.com/meritchain/merit/chain/engine"
	"github.com/meritchain/merit/chain/x/merit/types"
)

// TestAppStartsAndExports: the app initialises a one-validator chain from its default
// genesis (the merit parameters pinned to the node's engine build), runs a block with its
// invariants, and exports a genesis that validates.
func TestAppStartsAndExports(t *testing.T) {
	a := app.New(log.NewNopLogger(), dbm.NewMemDB(), true, simtestutil.NewAppOptionsWithFlagHome(t.TempDir()), baseapp.SetChainID("merit-test"))

	pv := mock.NewPV()
	pub, err := pv.GetPubKey()
	require.NoError(t, err)
	valSet := cmttypes.NewValidatorSet([]*cmttypes.Validator{cmttypes.NewValidator(pub, 1)})
	key := secp256k1.GenPrivKey()
	acc := authtypes.NewBaseAccount(key.PubKey().Address().Bytes(), key.PubKey(), 0, 0)
	bal := banktypes.Balance{Address: acc.GetAddress().String(),
		Coins: sdk.NewCoins(sdk.NewCoin(sdk.DefaultBondDenom, sdkmath.NewInt(1_000_000_000)))}
	gs, err := simtestutil.GenesisStateWithValSet(a.AppCodec(), a.DefaultGenesis(), valSet, []authtypes.GenesisAccount{acc}, bal)
	require.NoError(t, err)
	require.NoError(t, a.BasicModuleManager.ValidateGenesis(a.AppCodec(), a.TxConfig(), gs))
	state, err := json.Marshal(gs)
	require.NoError(t, err)

	_, err = a.InitChain(&abci.RequestInitChain{ChainId: "merit-test", ConsensusParams: simtestutil.DefaultConsensusParams, AppStateBytes: state})
	require.NoError(t, err)
	_, err = a.FinalizeBlock(&abci.RequestFinalizeBlock{Height: 1, Hash: a.LastCommitID().Hash, NextValidatorsHash: valSet.Hash()})
	require.NoError(t, err)
	_, err = a.Commit()
	require.NoError(t, err)

	ctx := a.NewContext(true)
	p, err := a.MeritKeeper.Params.Get(ctx)
	require.NoError(t, err)
	require.Equal(t, engine.SHA256(), p.EngineSha256)
	require.Contains(t, a.Invariants.Routes(), types.ModuleName+"/escrow")
	require.NoError(t, a.Invariants.Assert(ctx))

	exp, err := a.ExportAppStateAndValidators(false, nil, nil)
	require.NoError(t, err)
	var appState map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(exp.AppState, &appState))
	require.NoError(t, a.BasicModuleManager.ValidateGenesis(a.AppCodec(), a.TxConfig(), appState))
	var merit types.GenesisState
	require.NoError(t, a.AppCodec().UnmarshalJSON(appState[types.ModuleName], &merit))
	require.Equal(t, p, merit.Params)
	_, err = a.ExportAppStateAndValidators(true, nil, nil)
	require.Error(t, err, "zero-height export is not supported")
}
