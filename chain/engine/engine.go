// Package engine gives the chain its engine: the hash-pinned WebAssembly build
// (wasm.HostKernels), compiled once per process and shared by every keeper; each call
// runs in a fresh instance (wasm.Engine's behaviour).
package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/meritchain/merit/engine/abi"
	"github.com/meritchain/merit/wasm"
)

// Build is the engine build the chain runs.
const Build = wasm.HostKernels

// SHA256 returns the hex SHA-256 of the build (what params.engine_sha256 pins).
func SHA256() string { return Build.Hash() }

var shared struct {
	once sync.Once
	eng  *wasm.Engine
	err  error
}

// Shared is the process-wide engine. It compiles the build on first use.
type Shared struct{}

// Call runs one request in a fresh instance of the shared build (as Sandboxed.Call).
func (Shared) Call(ctx context.Context, req []byte, gasLimit uint64) ([]byte, uint64, error) {
	e, err := Get()
	if err != nil {
		return nil, 0, err
	}
	return Sandboxed{e}.Call(ctx, req, gasLimit)
}

// Sandboxed is a WebAssembly engine as the chain calls it: a request that needs more
// memory than the engine's limit (wasm.ErrOutOfMemory), or that cannot even be copied
// into it (wasm.ErrTooLarge), fails as a request over an engine limit — an *abi.Error
// with abi.CodeLimit, which the module refuses with ErrEngineLimit — instead of as an
// engine failure. Both are decided by the request and the limit alone, the same on every
// node with the same build and limit. Other errors pass through unchanged; the gas used
// is the engine's in every case.
type Sandboxed struct{ Engine *wasm.Engine }

// Call runs one request in a fresh instance of the engine.
func (s Sandboxed) Call(ctx context.Context, req []byte, gasLimit uint64) ([]byte, uint64, error) {
	out, used, err := s.Engine.Call(ctx, req, gasLimit)
	if errors.Is(err, wasm.ErrOutOfMemory) || errors.Is(err, wasm.ErrTooLarge) {
		err = &abi.Error{Code: abi.CodeLimit, Msg: fmt.Sprintf("%v (limit %d pages of 64 KiB)", err, s.Engine.MemoryLimitPages())}
	}
	return out, used, err
}

// Get returns the shared engine, compiling it the first time.
func Get() (*wasm.Engine, error) {
	shared.once.Do(func() {
		shared.eng, shared.err = wasm.New(context.Background(), wasm.Options{Build: Build})
		if shared.err != nil {
			shared.err = fmt.Errorf("merit: starting the engine (%s): %w", Build.File(), shared.err)
		}
	})
	return shared.eng, shared.err
}
