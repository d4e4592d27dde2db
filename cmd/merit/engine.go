package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"

	"github.com/meritchain/merit/engine/abi"
	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/model"
	"github.com/meritchain/merit/engine/value"
	"github.com/meritchain/merit/wasm"
)

// engineNames are the --engine values: the forms the engine runs in.
var engineNames = []string{"native", "wasm", "wasm-pure"}

// engineFlags select the form the engine runs in and the gas limit of each call.
type engineFlags struct {
	name     string
	gasLimit uint64
	workers  int
}

func (e *engineFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&e.name, "engine", "native", "where the engine runs: native (Go, SIMD kernels), wasm (the hash-pinned WebAssembly build with host kernels, as validators run it), wasm-pure (the self-contained WebAssembly build); all give identical results and gas")
	fs.Uint64Var(&e.gasLimit, "gas-limit", math.MaxInt64, "gas limit of each engine call (docs/GAS.md gives the schedule); a call that needs more fails with out of gas")
}

// caller runs encoded engine requests: abi.Native or a *wasm.Engine.
type caller interface {
	Call(ctx context.Context, req []byte, gasLimit uint64) ([]byte, uint64, error)
}

// engine runs engine calls in the chosen form and adds up their gas.
type engine struct {
	name  string
	limit uint64
	c     caller
	close func()
	gas   uint64 // total gas of the calls made
}

// open starts the chosen engine. workers > 0 caps the native engine's goroutines (the
// results and gas do not depend on it). Close it when done.
func (e *engineFlags) open(workers int) (*engine, error) {
	en := &engine{name: e.name, limit: e.gasLimit, close: func() {}}
	switch e.name {
	case "native":
		if workers > 0 {
			prev := runtime.GOMAXPROCS(workers)
			en.close = func() { runtime.GOMAXPROCS(prev) }
		}
		en.c = abi.Native{}
	case "wasm", "wasm-pure":
		b := wasm.HostKernels
		if e.name == "wasm-pure" {
			b = wasm.Pure
		}
		ctx := context.Background()
		w, err := wasm.New(ctx, wasm.Options{Build: b, CacheDir: compileCacheDir()})
		if err != nil {
			return nil, err
		}
		en.c = w
		en.close = func() { w.Close(ctx) }
	default:
		return nil, usagef("--engine %q: want one of native, wasm, wasm-pure", e.name)
	}
	return en, nil
}

// compileCacheDir returns the directory where wazero keeps the engine builds' compiled
// code between runs ($MERIT_CACHE_DIR, else the user cache directory's merit/wazero), or ""
// (compile every time) if there is none.
func compileCacheDir() string {
	if d := os.Getenv("MERIT_CACHE_DIR"); d != "" {
		return d
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "merit", "wazero")
}

// run executes one request and returns its decoded response.
func (en *engine) run(req abi.Request) (abi.Response, error) {
	resp, used, err := en.c.Call(context.Background(), abi.EncodeRequest(req), en.limit)
	en.gas += used
	if err != nil {
		return nil, err
	}
	return abi.DecodeResponse(resp)
}

// values runs a valuation request whose response is an abi.ValuesResult.
func (en *engine) values(req abi.Request) (value.Values, error) {
	r, err := en.run(req)
	if err != nil {
		return value.Values{}, err
	}
	return r.(*abi.ValuesResult).Values, nil
}

// sampled runs a permutation-Shapley or Banzhaf request.
func (en *engine) sampled(req *abi.Sampled) (value.Values, value.SampleReport, error) {
	r, err := en.run(req)
	if err != nil {
		return value.Values{}, value.SampleReport{}, err
	}
	s := r.(*abi.SampledResult)
	return s.Values, s.Report, nil
}

// train updates m with data's rows, epochs times, and returns the trained model.
func (en *engine) train(m model.Model, data *dataset.Dataset, epochs int) (model.Model, error) {
	for range epochs {
		r, err := en.run(&abi.ModelTrain{Model: m, Data: data})
		if err != nil {
			return nil, err
		}
		m = r.(*abi.ModelResult).Model
	}
	return m, nil
}

// evaluate returns how many rows of data m predicts correctly.
func (en *engine) evaluate(m model.Model, data *dataset.Dataset) (int, error) {
	r, err := en.run(&abi.ModelEvaluate{Model: m, Data: data})
	if err != nil {
		return 0, err
	}
	return int(r.(*abi.EvaluateResult).Correct), nil
}

// predict returns m's prediction for every row of data.
func (en *engine) predict(m model.Model, data *dataset.Dataset) ([]int, error) {
	r, err := en.run(&abi.ModelPredict{Model: m, Data: data})
	if err != nil {
		return nil, err
	}
	return r.(*abi.PredictResult).Labels, nil
}

// report prints the engine and gas used to w (stderr).
func (en *engine) report(w io.Writer) {
	fmt.Fprintf(w, "engine %s: %d gas\n", en.name, en.gas)
}
