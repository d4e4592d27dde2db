package engine_test

import (
	"context"
	"testing"

	"github.com/meritchain/merit/chain/engine"
	"github.com/meritchain/merit/engine/abi"
	"github.com/meritchain/merit/engine/incentive"
	"github.com/meritchain/merit/engine/incentive/drt"
)

// BenchmarkCall measures one nearly empty engine call (a DRT mechanism's creation) on the
// shared WebAssembly engine: the fixed cost of a fresh instance per call.
func BenchmarkCall(b *testing.B) {
	req := abi.EncodeRequest(&abi.DRTCall{Action: abi.DRTNew, Now: 1, Params: drt.Params{Owner: incentive.Address{1}}})
	if _, _, err := (engine.Shared{}).Call(context.Background(), req, 1<<30); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, _, err := (engine.Shared{}).Call(context.Background(), req, 1<<30); err != nil {
			b.Fatal(err)
		}
	}
}
