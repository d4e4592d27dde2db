package engine_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/meritchain/merit/chain/engine"
	"github.com/meritchain/merit/engine/abi"
	"github.com/meritchain/merit/engine/incentive"
	"github.com/meritchain/merit/engine/incentive/drt"
	"github.com/meritchain/merit/engine/model"
	"github.com/meritchain/merit/wasm"
)

// TestSharedMatchesNative: the chain's engine (the shared WebAssembly build) gives the
// native engine's bytes and gas, for successes and refusals, and is compiled once.
func TestSharedMatchesNative(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the WebAssembly engine")
	}
	if engine.SHA256() != wasm.HostKernels.Hash() || len(engine.SHA256()) != 64 {
		t.Fatalf("SHA256() = %q", engine.SHA256())
	}
	owner := incentive.Address{1}
	reqs := []abi.Request{
		&abi.ModelNew{Config: model.Config{Family: model.Perceptron, Dims: 3, Classes: 2, Bound: 100, LearningRate: 1}},
		&abi.DRTCall{Action: abi.DRTNew, Now: 10, Params: drt.Params{CostWeight: 2, RefundWait: 1, OwnerWait: 2, AnyAddressWait: 3, Owner: owner}},
		&abi.DRTCall{Action: abi.DRTNew, Now: 10, Params: drt.Params{RefundWait: 5, Owner: owner}}, // refused: bad waits
	}
	ctx := context.Background()
	for _, limit := range []uint64{1 << 40, 50_000} {
		for i, r := range reqs {
			b := abi.EncodeRequest(r)
			want, wantGas, wantErr := abi.Native{}.Call(ctx, b, limit)
			got, gotGas, gotErr := engine.Shared{}.Call(ctx, b, limit)
			if !bytes.Equal(got, want) || gotGas != wantGas || (gotErr == nil) != (wantErr == nil) ||
				(gotErr != nil && gotErr.Error() != wantErr.Error()) {
				t.Errorf("request %d, limit %d: wasm (%x, %d, %v), native (%x, %d, %v)", i, limit, got, gotGas, gotErr, want, wantGas, wantErr)
			}
		}
	}
	a, err := engine.Get()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := engine.Get()
	if a != b {
		t.Fatal("the engine was built twice")
	}
}
