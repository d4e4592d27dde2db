package keeper

import (
	"fmt"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/meritchain/merit/chain/x/merit/types"
)

// RegisterInvariants registers the module's invariants.
func RegisterInvariants(ir sdk.InvariantRegistry, k Keeper) {
	ir.RegisterRoute(types.ModuleName, "escrow", EscrowInvariant(k))
}

// EscrowInvariant checks that the module account holds exactly what the contributions
// still hold (the sum of every remaining deposit, by denom), and that each DRT model's
// contribution records add up to its mechanism's claimable total.
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
		if msg != "" {
			return sdk.FormatInvariant(types.ModuleName, "escrow", msg), true
		}
		return sdk.FormatInvariant(types.ModuleName, "escrow", "module account balance equals the claimable deposits"), false
	}
}
