// Package keeper holds the merit module's state and its state transitions. Every change
// to a model or a mechanism goes through the engine (Engine: in the app, the hash-pinned
// WebAssembly build); the keeper stores the canonical encodings the engine returns, and
// the records that make them queryable.
//
// Determinism: the only time is the block time (ctx.BlockTime(), whole seconds), state
// lives in collections with ordered keys (nothing iterates a Go map), nothing starts a
// goroutine, and every engine call runs in a fresh instance with an explicit gas limit.
package keeper

import (
	"context"
	errorsmod "cosmossdk.io/errors"
	"fmt"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/store"
	"cosmossdk.io/log/v2"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/meritchain/merit/chain/x/merit/types"
)

// Engine runs one encoded engine request (engine/abi) with a gas limit and returns the
// encoded response and the gas used. *wasm.Engine implements it; so does abi.Native
// (tests only: the chain's state machine runs the WebAssembly build).
type Engine interface {
	Call(ctx context.Context, req []byte, gasLimit uint64) (resp []byte, gasUsed uint64, err error)
}

// Keeper is the merit module's keeper.
type Keeper struct {
	cdc          codec.BinaryCodec
	storeService store.KVStoreService
	ak           types.AccountKeeper
	bk           types.BankKeeper
	authority    string
	engine       Engine
	engineSHA256 string
	logger       log.Logger

	Schema        collections.Schema
	Params        collections.Item[types.Params]
	NextModelID   collections.Sequence
	Models        collections.Map[uint64, types.ModelInfo]
	ModelStates   collections.Map[uint64, []byte]
	MechStates    collections.Map[uint64, []byte]
	Contributions collections.Map[collections.Pair[uint64, uint64], types.Contribution]
	Stats         collections.Map[collections.Pair[uint64, []byte], types.ContributorStats]

	// Prediction markets.
	NextMarketID        collections.Sequence
	Markets             collections.Map[uint64, types.Market]
	MarketInitial       collections.Map[uint64, []byte]
	MarketStates        collections.Map[uint64, []byte]
	MarketProgress      collections.Map[uint64, []byte]
	MarketPortions      collections.Map[collections.Pair[uint64, uint32], []byte]
	MarketContributions collections.Map[collections.Pair[uint64, uint64], types.MarketContribution]
	RewardQueue         collections.KeySet[uint64]
}

// NewKeeper returns a keeper. authority is the governance account (the only one that may
// change the parameters); engine runs the engine calls and engineSHA256 is the hash of
// the build it runs (params.engine_sha256 must equal it).
func NewKeeper(cdc codec.BinaryCodec, storeService store.KVStoreService, ak types.AccountKeeper,
	bk types.BankKeeper, authority string, engine Engine, engineSHA256 string, logger log.Logger,
) Keeper {
	if _, err := ak.AddressCodec().StringToBytes(authority); err != nil {
		panic(fmt.Errorf("merit: invalid authority address %q: %w", authority, err))
	}
	if engine == nil {
		panic("merit: nil engine")
	}
	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		cdc: cdc, storeService: storeService, ak: ak, bk: bk, authority: authority,
		engine: engine, engineSHA256: engineSHA256, logger: logger.With("module", "x/"+types.ModuleName),
		Params:      collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		NextModelID: collections.NewSequence(sb, types.NextModelIDKey, "next_model_id"),
		Models:      collections.NewMap(sb, types.ModelsKey, "models", collections.Uint64Key, codec.CollValue[types.ModelInfo](cdc)),
		ModelStates: collections.NewMap(sb, types.ModelStatesKey, "model_states", collections.Uint64Key, collections.BytesValue),
		MechStates:  collections.NewMap(sb, types.MechStatesKey, "mechanism_states", collections.Uint64Key, collections.BytesValue),
		Contributions: collections.NewMap(sb, types.ContributionsKey, "contributions",
			collections.PairKeyCodec(collections.Uint64Key, collections.Uint64Key), codec.CollValue[types.Contribution](cdc)),
		Stats: collections.NewMap(sb, types.StatsKey, "stats",
			collections.PairKeyCodec(collections.Uint64Key, collections.BytesKey), codec.CollValue[types.ContributorStats](cdc)),
		NextMarketID:   collections.NewSequence(sb, types.NextMarketIDKey, "next_market_id"),
		Markets:        collections.NewMap(sb, types.MarketsKey, "markets", collections.Uint64Key, codec.CollValue[types.Market](cdc)),
		MarketInitial:  collections.NewMap(sb, types.MarketInitialKey, "market_initial_models", collections.Uint64Key, collections.BytesValue),
		MarketStates:   collections.NewMap(sb, types.MarketStatesKey, "market_states", collections.Uint64Key, collections.BytesValue),
		MarketProgress: collections.NewMap(sb, types.MarketProgressKey, "market_progress", collections.Uint64Key, collections.BytesValue),
		MarketPortions: collections.NewMap(sb, types.MarketPortionsKey, "market_portions",
			collections.PairKeyCodec(collections.Uint64Key, collections.Uint32Key), collections.BytesValue),
		MarketContributions: collections.NewMap(sb, types.MarketContributionKey, "market_contributions",
			collections.PairKeyCodec(collections.Uint64Key, collections.Uint64Key), codec.CollValue[types.MarketContribution](cdc)),
		RewardQueue: collections.NewKeySet(sb, types.RewardQueueKey, "reward_queue", collections.Uint64Key),
	}
	schema, err := sb.Build()
	if err != nil {
		panic(err)
	}
	k.Schema = schema
	return k
}

// Authority returns the governance account's address.
func (k Keeper) Authority() string { return k.authority }

// EngineSHA256 returns the hash of the engine build this node runs.
func (k Keeper) EngineSHA256() string { return k.engineSHA256 }

// ModuleAddress returns the module account's address (the escrow of DRT deposits).
func (k Keeper) ModuleAddress() sdk.AccAddress { return k.ak.GetModuleAddress(types.ModuleName) }

// now returns the block time in whole seconds: the engine's "now". Times before 1970
// (a zero header in tests) count as 0.
func now(ctx sdk.Context) uint64 {
	if s := ctx.BlockTime().Unix(); s > 0 {
		return uint64(s)
	}
	return 0
}

// model returns model id's record, or ErrUnknownModel.
func (k Keeper) model(ctx context.Context, id uint64) (types.ModelInfo, error) {
	m, err := k.Models.Get(ctx, id)
	if err != nil {
		return m, errorsmod.Wrapf(types.ErrUnknownModel, "%d", id)
	}
	return m, nil
}

// contribution returns a contribution's record, or ErrUnknownContribution.
func (k Keeper) contribution(ctx context.Context, modelID, id uint64) (types.Contribution, error) {
	c, err := k.Contributions.Get(ctx, collections.Join(modelID, id))
	if err != nil {
		return c, errorsmod.Wrapf(types.ErrUnknownContribution, "model %d has no contribution %d", modelID, id)
	}
	return c, nil
}

// stats returns an address's statistics on a model (zero ones if it has none yet).
func (k Keeper) stats(ctx context.Context, modelID uint64, addr sdk.AccAddress) (types.ContributorStats, error) {
	s, err := k.Stats.Get(ctx, collections.Join(modelID, []byte(addr)))
	if err == nil {
		return s, nil
	}
	if !errorsIsNotFound(err) {
		return s, err
	}
	return types.ContributorStats{ModelId: modelID, Address: addr.String()}, nil
}

func (k Keeper) setStats(ctx context.Context, s types.ContributorStats) error {
	addr, err := sdk.AccAddressFromBech32(s.Address)
	if err != nil {
		return err
	}
	return k.Stats.Set(ctx, collections.Join(s.ModelId, []byte(addr)), s)
}
