package engine_test

import (
	"context"
	"errors"
	"testing"

	"github.com/meritchain/merit/chain/engine"
	"github.com/meritchain/merit/engine/abi"
	"github.com/meritchain/merit/engine/model"
	"github.com/meritchain/merit/wasm"
)

// TestSandboxedMemoryLimit: on an engine with a small memory limit, a request whose
// model does not fit — a centroid model as large as the default parameters allow (4096
// dimensions, 256 classes) — fails as an engine limit (*abi.Error, abi.CodeLimit), with
// the gas it used, where the bare wasm.Engine says wasm.ErrOutOfMemory; the engine then
// serves the next request.
func TestSandboxedMemoryLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the WebAssembly engine")
	}
	ctx := context.Background()
	e, err := wasm.New(ctx, wasm.Options{Build: engine.Build, MemoryLimitPages: 160}) // 10 MiB
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close(ctx)
	big := abi.EncodeRequest(&abi.ModelNew{Config: model.Config{Family: model.Centroid, Dims: 4096, Classes: 256, Bound: 100}})
	if _, _, err := e.Call(ctx, big, 1<<40); !errors.Is(err, wasm.ErrOutOfMemory) {
		t.Fatalf("wasm.Engine: %v, want wasm.ErrOutOfMemory", err)
	}
	s := engine.Sandboxed{Engine: e}
	_, used, err := s.Call(ctx, big, 1<<40)
	var ae *abi.Error
	if !errors.As(err, &ae) || ae.Code != abi.CodeLimit || !errors.Is(err, abi.ErrLimit) {
		t.Fatalf("Sandboxed: %v, want an *abi.Error with CodeLimit", err)
	}
	if used == 0 {
		t.Errorf("Sandboxed: no gas charged for the failed call")
	}
	t.Logf("%v (gas %d)", err, used)
	// A request that cannot even be copied into the memory.
	huge := make([]byte, 11<<20)
	copy(huge, "MREQ\x01\x00")
	if _, _, err := s.Call(ctx, huge, 1<<40); !errors.As(err, &ae) || ae.Code != abi.CodeLimit {
		t.Fatalf("Sandboxed, 11 MiB request: %v, want an *abi.Error with CodeLimit", err)
	}
	small := abi.EncodeRequest(&abi.ModelNew{Config: model.Config{Family: model.Centroid, Dims: 4, Classes: 2, Bound: 100}})
	want, wantGas, err := abi.Native{}.Call(ctx, small, 1<<40)
	if err != nil {
		t.Fatal(err)
	}
	got, gotGas, err := s.Call(ctx, small, 1<<40)
	if err != nil || string(got) != string(want) || gotGas != wantGas {
		t.Fatalf("the next request: (%x, %d, %v), want (%x, %d)", got, gotGas, err, want, wantGas)
	}
}
