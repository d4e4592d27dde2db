package keeper

import (
	"context"
	errorsmod "cosmossdk.io/errors"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/meritchain/merit/chain/x/merit/types"
	"github.com/meritchain/merit/engine/incentive/market"
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
	if err := k.NextMarketID.Set(ctx, gs.NextMarketId); err != nil {
		return err
	}
	for _, m := range gs.Markets {
		if err := k.importMarket(ctx, m); err != nil {
			return err
		}
	}
	for _, c := range gs.MarketContributions {
		if err := k.MarketContributions.Set(ctx, collections.Join(c.MarketId, c.Id), c); err != nil {
			return err
		}
	}
	return nil
}

// importMarket stores a genesis market: its record, blobs and revealed portions, and
// queues it if its reward passes are due.
func (k Keeper) importMarket(ctx context.Context, m types.Market) error {
	id := m.Id
	if err := k.MarketInitial.Set(ctx, id, m.InitialModel); err != nil {
		return err
	}
	if err := k.MarketStates.Set(ctx, id, m.State); err != nil {
		return err
	}
	if len(m.Progress) > 0 {
		if err := k.MarketProgress.Set(ctx, id, m.Progress); err != nil {
			return err
		}
	}
	for i, b := range m.Revealed {
		if len(b) > 0 {
			if err := k.MarketPortions.Set(ctx, collections.Join(id, uint32(i)), b); err != nil {
				return err
			}
		}
	}
	mk, err := market.Decode(m.State)
	if err != nil {
		return errorsmod.Wrapf(types.ErrInvalidGenesis, "market %d: %v", id, err)
	}
	if mk.Phase() == market.Rewards {
		if err := k.RewardQueue.Set(ctx, id); err != nil {
			return err
		}
	}
	m.InitialModel, m.State, m.Progress, m.Revealed = nil, nil, nil, nil
	return k.Markets.Set(ctx, id, m)
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
	if err != nil {
		return nil, err
	}
	if gs.NextMarketId, err = k.NextMarketID.Peek(ctx); err != nil {
		return nil, err
	}
	err = k.Markets.Walk(ctx, nil, func(id uint64, m types.Market) (bool, error) {
		if m.InitialModel, err = k.MarketInitial.Get(ctx, id); err != nil {
			return true, err
		}
		if m.State, err = k.MarketStates.Get(ctx, id); err != nil {
			return true, err
		}
		if b, err := k.MarketProgress.Get(ctx, id); err == nil {
			m.Progress = b
		} else if !errorsIsNotFound(err) {
			return true, err
		}
		m.Revealed = make([][]byte, m.Portions)
		for i := range m.Revealed {
			if b, err := k.MarketPortions.Get(ctx, collections.Join(id, uint32(i))); err == nil {
				m.Revealed[i] = b
			} else if !errorsIsNotFound(err) {
				return true, err
			}
		}
		gs.Markets = append(gs.Markets, m)
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.MarketContributions.Walk(ctx, nil, func(_ collections.Pair[uint64, uint64], c types.MarketContribution) (bool, error) {
		gs.MarketContributions = append(gs.MarketContributions, c)
		return false, nil
	})
	return gs, err
}

// Escrowed returns what the module account must hold, by denom: the sum of what every
// DRT contribution still holds, and of what every market still holds (its pool, unless
// reclaimed, and its uncollected balances: market.Totals().Held).
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
	if err != nil {
		return nil, err
	}
	err = k.Markets.Walk(ctx, nil, func(id uint64, m types.Market) (bool, error) {
		b, err := k.MarketStates.Get(ctx, id)
		if err != nil {
			return true, err
		}
		mk, err := market.Decode(b)
		if err != nil {
			return true, err
		}
		if held := mk.Totals().Held; held > 0 {
			out = out.Add(coins(m.Denom, held)...)
		}
		return false, nil
	})
	return out, err
}
