package app

import (
	"fmt"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// The SDK's module manager no longer runs invariants (x/crisis left the SDK in v0.54), so
// the app keeps its own registry: every module implementing module.HasInvariants
// registers its invariants here, and the end-blocker asserts them every
// --inv-check-period blocks (0, the default, never; meritd's e2e test uses 1).

type invariantRoute struct {
	module, route string
	inv           sdk.Invariant
}

// InvariantRegistry collects invariants in registration order.
type InvariantRegistry struct{ routes []invariantRoute }

// RegisterRoute implements sdk.InvariantRegistry.
func (r *InvariantRegistry) RegisterRoute(module, route string, inv sdk.Invariant) {
	r.routes = append(r.routes, invariantRoute{module, route, inv})
}

// Routes returns "module/route" for each registered invariant.
func (r *InvariantRegistry) Routes() []string {
	out := make([]string, len(r.routes))
	for i, rt := range r.routes {
		out[i] = rt.module + "/" + rt.route
	}
	return out
}

// Assert runs every invariant and returns an error naming the first broken one.
func (r *InvariantRegistry) Assert(ctx sdk.Context) error {
	for _, rt := range r.routes {
		if msg, broken := rt.inv(ctx); broken {
			return fmt.Errorf("invariant broken: %s/%s: %s", rt.module, rt.route, msg)
		}
	}
	return nil
}
