package wasm

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

const (
	i32 = api.ValueTypeI32
	i64 = api.ValueTypeI64
)

// sig is a function signature.
type sig struct{ params, results []api.ValueType }

func types(ts []api.ValueType) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = api.ValueTypeName(t)
	}
	return "(" + strings.Join(s, ", ") + ")"
}

func (s sig) String() string { return types(s.params) + " → " + types(s.results) }

// sigOf returns d's signature.
func sigOf(d api.FunctionDefinition) sig { return sig{d.ParamTypes(), d.ResultTypes()} }

func (s sig) matches(d api.FunctionDefinition) bool {
	return slices.Equal(s.params, d.ParamTypes()) && slices.Equal(s.results, d.ResultTypes())
}

func fn(params []api.ValueType, results ...api.ValueType) sig { return sig{params, results} }

func p(ts ...api.ValueType) []api.ValueType { return ts }

// wasiImports are the WASI functions the Go runtime of the guest imports (Go 1.26,
// GOOS=wasip1): the only ones a build may import. wazero implements them without
// touching the host: the clocks are fake, the random source deterministic, there are no
// arguments, environment variables or preopened directories, and stdout is discarded.
var wasiImports = map[string]sig{
	"args_get":            fn(p(i32, i32), i32),
	"args_sizes_get":      fn(p(i32, i32), i32),
	"clock_time_get":      fn(p(i32, i64, i32), i32),
	"environ_get":         fn(p(i32, i32), i32),
	"environ_sizes_get":   fn(p(i32, i32), i32),
	"fd_close":            fn(p(i32), i32),
	"fd_fdstat_get":       fn(p(i32, i32), i32),
	"fd_fdstat_set_flags": fn(p(i32, i32), i32),
	"fd_prestat_dir_name": fn(p(i32, i32, i32), i32),
	"fd_prestat_get":      fn(p(i32, i32), i32),
	"fd_write":            fn(p(i32, i32, i32, i32), i32),
	"poll_oneoff":         fn(p(i32, i32, i32, i32), i32),
	"proc_exit":           fn(p(i32)),
	"random_get":          fn(p(i32, i32), i32),
	"sched_yield":         fn(nil, i32),
}

// meritImports are the functions of the host module "merit".
var meritImports = map[string]sig{
	"consume_gas": fn(p(i64), i32),
	"gas_limit":   fn(nil, i64),
}

// exports are the guest's exported functions and their signatures.
var exports = map[string]sig{
	"_initialize":       fn(nil),
	"merit_abi_version": fn(nil, i32),
	"merit_alloc":       fn(p(i32), i32),
	"merit_call":        fn(p(i32, i32), i32),
	"merit_result_ptr":  fn(nil, i32),
	"merit_result_len":  fn(nil, i32),
}

// allowed returns the allow-list of imports, by module and name.
func allowed(hostKernels bool) map[string]map[string]sig {
	m := map[string]map[string]sig{"wasi_snapshot_preview1": wasiImports, "merit": meritImports}
	if hostKernels {
		m["merit_simd"] = simdImports
	}
	return m
}

// validate checks a compiled module against the ABI: every imported function is in the
// allow-list with its signature, no memory is imported, and every export the host calls
// exists with its signature, as does the memory "memory".
func validate(cm wazero.CompiledModule, hostKernels bool) error {
	allow := allowed(hostKernels)
	var errs []error
	for _, d := range cm.ImportedFunctions() {
		mod, name, _ := d.Import()
		want, ok := allow[mod][name]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("import %s.%s is not allowed", mod, name))
		case !want.matches(d):
			errs = append(errs, fmt.Errorf("import %s.%s has type %s, want %s", mod, name, sigOf(d), want))
		}
	}
	for _, d := range cm.ImportedMemories() {
		mod, name, _ := d.Import()
		errs = append(errs, fmt.Errorf("imported memory %s.%s is not allowed", mod, name))
	}
	got := cm.ExportedFunctions()
	for _, name := range sortedKeys(exports) {
		d, ok := got[name]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("export %s is missing", name))
		case !exports[name].matches(d):
			errs = append(errs, fmt.Errorf("export %s has type %s, want %s", name, sigOf(d), exports[name]))
		}
	}
	if _, ok := cm.ExportedMemories()["memory"]; !ok {
		errs = append(errs, errors.New("memory export \"memory\" is missing"))
	}
	return errors.Join(errs...)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// instantiateMerit adds the host module "merit": the gas meter of the call in the
// context.
func instantiateMerit(ctx context.Context, rt wazero.Runtime) error {
	b := rt.NewHostModuleBuilder("merit")
	b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(ctx context.Context, _ api.Module, stack []uint64) {
		if stateOf(ctx).meter.ChargeGas(stack[0]) != nil {
			stack[0] = 1
		} else {
			stack[0] = 0
		}
	}), meritImports["consume_gas"].params, meritImports["consume_gas"].results).
		WithParameterNames("amount").Export("consume_gas")
	b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(ctx context.Context, _ api.Module, stack []uint64) {
		stack[0] = stateOf(ctx).meter.Limit()
	}), meritImports["gas_limit"].params, meritImports["gas_limit"].results).Export("gas_limit")
	if _, err := b.Instantiate(ctx); err != nil {
		return fmt.Errorf("wasm: host module merit: %w", err)
	}
	return nil
}
