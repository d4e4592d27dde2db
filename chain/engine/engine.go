// Package engine gives the chain its engine: the hash-pinned WebAssembly build
// (wasm.HostKernels), compiled once per process and shared by every keeper; each call
// runs in a fresh instance (wasm.Engine's behaviour).
package engine

import (
	"context"
	"fmt"
	"sync"

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

// Call runs one request in a fresh instance of the shared build.
func (Shared) Call(ctx context.Context, req []byte, gasLimit uint64) ([]byte, uint64, error) {
	e, err := Get()
	if err != nil {
		return nil, 0, err
	}
	return e.Call(ctx, req, gasLimit)
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
