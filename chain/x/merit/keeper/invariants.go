package keeper

import (
	"fmt"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/meritchain/merit/chain/x/merit/types"
	"github.com/meritchain/merit/engine/incentive/market"
)

// RegisterInvariants registers the module's invariants.
func RegisterInvariants(ir sdk.InvariantRegistry, k Keeper) {
	ir.RegisterRoute(types.ModuleName, "escrow", EscrowInvariant(k))
}

// EscrowInvariant checks that the module account holds exactly what the contributions
// and the markets still hold (Escrowed), that each DRT model's contribution records add
// up to its mechanism's claimable total, and that each market's engine state is
// consistent (market.CheckInvariants: funded = held + paid out) and agrees with its
// records (one per contribution, collected exactly when the engine says so).
func EscrowInvariant(k Keeper) sdk.Invariant {
	return func(ctx sdk.Context) (string, bool) {
		want, err := k.Escrowed(ctx)
		if err != nil {
			return sdk.FormatInvariant(types.ModuleName, "escrow", err.Error()), true
		}
		have := k.bk.GetAllBalances(ctx, k.ModuleAddress())
		if !have.Equal(want) {
			return sdk.FormatInvariant(types.ModuleName, "escrow",
				fmt.Sprintf("module account holds %s, contributions hold %s", have, want)), true
		}
		var msg string
		err = k.Models.Walk(ctx, nil, func(id uint64, m types.ModelInfo) (bool, error) {
			if m.Mechanism != types.MechanismDRT {
				return false, nil
			}
			st, err := k.loadModel(ctx, id)
			if err != nil {
				return true, err
			}
			var sum uint64
			for c := uint64(0); c < m.Contributions; c++ {
				rec, err := k.contribution(ctx, id, c)
				if err != nil {
					return true, err
				}
				sum += rec.Remaining
			}
			if t := st.drt.Totals(); t.Claimable != sum {
				msg = fmt.Sprintf("model %d: mechanism claimable %d, records %d", id, t.Claimable, sum)
				return true, nil
			}
			return false, nil
		})
		if err != nil {
			msg = err.Error()
		}
		if msg == "" {
			msg, err = k.marketsConsistent(ctx)
			if err != nil {
				msg = err.Error()
			}
		}
		if msg != "" {
			return sdk.FormatInvariant(types.ModuleName, "escrow", msg), true
		}
		return sdk.FormatInvariant(types.ModuleName, "escrow", "module account balance equals the claimable deposits"), false
	}
}

// marketsConsistent checks every market's state against itself and its records; it
// returns a description of the first inconsistency, or "".
func (k Keeper) marketsConsistent(ctx sdk.Context) (string, error) {
	var msg string
	err := k.Markets.Walk(ctx, nil, func(id uint64, m types.Market) (bool, error) {
		st, err := k.loadMarket(ctx, id)
		if err != nil {
			return true, err
		}
		if err := st.mk.CheckInvariants(); err != nil {
			msg = fmt.Sprintf("market %d: %v", id, err)
			return true, nil
		}
		for c := range st.mk.Len() {
			rec, err := k.MarketContributions.Get(ctx, collections.Join(id, uint64(c)))
			if err != nil {
				msg = fmt.Sprintf("market %d: contribution %d has no record", id, c)
				return true, nil
			}
			e, err := st.mk.Contribution(c)
			if err != nil {
				return true, err
			}
			if e.Collected != (rec.CollectedBy != "") {
				msg = fmt.Sprintf("market %d: contribution %d collected %v, its record says collected by %q", id, c, e.Collected, rec.CollectedBy)
				return true, nil
			}
		}
		queued, err := k.RewardQueue.Has(ctx, id)
		if err != nil {
			return true, err
		}
		if queued != (st.mk.Phase() == market.Rewards) {
			msg = fmt.Sprintf("market %d in phase %s is queued for rewards: %v", id, st.mk.Phase(), queued)
			return true, nil
		}
		return false, nil
	})
	return msg, err
}
