package keeper

import (
	"context"
	errorsmod "cosmossdk.io/errors"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/meritchain/merit/chain/x/merit/types"
)

// InitGenesis loads a validated genesis state. It refuses parameters that pin an engine
// build other than the one this node runs.
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(); err != nil {
		return err
	}
	if gs.Params.EngineSha256 != k.engineSHA256 {
		return errorsmod.Wrapf(types.ErrEngineMismatch, "genesis pins %s, this node runs %s", gs.Params.EngineSha256, k.engineSHA256)
	}
	k.ak.GetModuleAccount(ctx, types.ModuleName) // creates the escrow account
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	if err := k.NextModelID.Set(ctx, gs.NextModelId); err != nil {
		return err
	}
	for _, m := range gs.Models {
		if err := k.setModel(ctx, m, m.ModelState, m.MechanismState); err != nil {
			return err
		}
	}
	for _, c := range gs.Contributions {
		if err := k.Contributions.Set(ctx, collections.Join(c.ModelId, c.Id), c); err != nil {
			return err
		}
	}
	for _, s := range gs.Stats {
		if err := k.setStats(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

// ExportGenesis exports the whole state, in key order.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	next, err := k.NextModelID.Peek(ctx)
	if err != nil {
		return nil, err
	}
	gs := &types.GenesisState{Params: p, NextModelId: next}
	err = k.Models.Walk(ctx, nil, func(id uint64, m types.ModelInfo) (bool, error) {
		if m.ModelState, err = k.ModelStates.Get(ctx, id); err != nil {
			return true, err
		}
		if m.MechanismState, err = k.MechStates.Get(ctx, id); err != nil {
			return true, err
		}
		gs.Models = append(gs.Models, m)
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.Contributions.Walk(ctx, nil, func(_ collections.Pair[uint64, uint64], c types.Contribution) (bool, error) {
		gs.Contributions = append(gs.Contributions, c)
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.Stats.Walk(ctx, nil, func(_ collections.Pair[uint64, []byte], s types.ContributorStats) (bool, error) {
		gs.Stats = append(gs.Stats, s)
		return false, nil
	})
	return gs, err
}

// Escrowed returns the sum of what every DRT contribution still holds, by denom (the
// coins the module account must hold).
func (k Keeper) Escrowed(ctx context.Context) (sdk.Coins, error) {
	denoms := map[uint64]string{}
	out := sdk.NewCoins()
	err := k.Contributions.Walk(ctx, nil, func(key collections.Pair[uint64, uint64], c types.Contribution) (bool, error) {
		if c.Remaining == 0 {
			return false, nil
		}
		d, ok := denoms[key.K1()]
		if !ok {
			m, err := k.Models.Get(ctx, key.K1())
			if err != nil {
				return true, err
			}
			d = m.DepositDenom
			denoms[key.K1()] = d
		}
		out = out.Add(coins(d, c.Remaining)...)
		return false, nil
	})
	return out, err
}
