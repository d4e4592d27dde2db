// Package wasm runs the Merit engine compiled to WebAssembly (the guest in wasm/guest) with
// wazero: the sandboxed, hash-pinned form of engine/abi. An Engine gives, for every
// request, the same response bytes (or the same *abi.Error) and the same gas as
// abi.Native; the differential tests and FuzzWasmVsNative hold it to that.
//
// Two builds of the guest are embedded (see Build): Pure, whose kernels are the portable
// Go of package simd compiled to WebAssembly, and HostKernels, whose kernels call the
// host's native SIMD kernels as host functions (like precompiles) on the guest's memory.
// Both are built reproducibly by `make wasm`, and their SHA-256 are the constants of
// builds.go, checked when an Engine loads them. docs/WASM.md documents the guest's ABI,
// the call protocol, errors, memory and gas.
//
// Each Call runs in a fresh instance of the compiled module, so nothing leaks from one
// call to the next, and the instance sees a deterministic environment: wazero's fake
// clocks and deterministic random source, no arguments, no environment variables, no
// files, stdout discarded. Calls on one Engine may run concurrently.
package wasm

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/meritchain/merit/engine/abi"
	"github.com/meritchain/merit/engine/gas"
)

//go:embed merit-pure.wasm
var pureWasm []byte

//go:embed merit-host.wasm
var hostWasm []byte

// Build names one of the embedded builds of the guest.
type Build uint8

const (
	// Pure is the guest with the portable Go kernels: it imports only WASI and the gas
	// meter, so any WebAssembly runtime can run it.
	Pure Build = iota
	// HostKernels is the same guest built with the merit_hostkernels tag: its SIMD
	// kernels call the host's native kernels (module "merit_simd") above a length
	// threshold.
	HostKernels
)

// Builds lists the embedded builds.
func Builds() []Build { return []Build{Pure, HostKernels} }

// Name returns "pure" or "host".
func (b Build) Name() string {
	switch b {
	case Pure:
		return "pure"
	case HostKernels:
		return "host"
	}
	return fmt.Sprintf("Build(%d)", uint8(b))
}

func (b Build) String() string { return b.Name() }

// File returns the file name of the build in wasm/: merit-pure.wasm or merit-host.wasm.
func (b Build) File() string { return "merit-" + b.Name() + ".wasm" }

// Hash returns the SHA-256 (lower-case hex) the build must have: the constant that
// `make wasm` recorded in builds.go.
func (b Build) Hash() string {
	switch b {
	case Pure:
		return PureSHA256
	case HostKernels:
		return HostSHA256
	}
	return ""
}

// Size returns the size in bytes recorded for the build.
func (b Build) Size() int {
	switch b {
	case Pure:
		return PureSize
	case HostKernels:
		return HostSize
	}
	return 0
}

// Wasm returns the embedded module. The caller must not modify it.
func (b Build) Wasm() []byte {
	switch b {
	case Pure:
		return pureWasm
	case HostKernels:
		return hostWasm
	}
	return nil
}

// Errors of a Call besides the engine's own (*abi.Error, which matches abi.ErrMalformed,
// abi.ErrInvalid, abi.ErrLimit and gas.ErrOutOfGas with errors.Is).
var (
	// ErrTrap: the guest trapped (a WebAssembly trap, a Go panic or fatal error in the
	// guest, or a host kernel that refused its arguments). The error wraps the detail.
	ErrTrap = errors.New("wasm: trap")
	// ErrOutOfMemory: the guest needed more memory than the Engine's limit.
	ErrOutOfMemory = errors.New("wasm: out of memory")
	// ErrTooLarge: the request cannot fit in the guest's memory limit.
	ErrTooLarge = errors.New("wasm: request too large for the memory limit")
)

// DefaultMemoryLimitPages is the default memory limit: 32768 pages of 64 KiB, 2 GiB.
const DefaultMemoryLimitPages = 32768

// maxPages is the most pages a 32-bit memory can have (4 GiB).
const maxPages = 65536

// Options configure an Engine.
type Options struct {
	// Build is the embedded build to run (Pure by default).
	Build Build
	// Interpreter selects wazero's interpreter instead of its compiler (slow; a
	// cross-check). Without it the compiler is used where wazero supports it.
	Interpreter bool
	// CacheDir, if not empty, keeps wazero's compiled code in that directory, so a later
	// Engine (in this or another process) skips most of the compilation.
	CacheDir string
	// MemoryLimitPages bounds the guest's linear memory, in 64 KiB pages (at most 65536):
	// 0 means DefaultMemoryLimitPages.
	MemoryLimitPages uint32
}

// Engine runs requests in the guest. It is safe for concurrent use.
type Engine struct {
	build    Build
	rt       wazero.Runtime
	compiled wazero.CompiledModule
	cache    wazero.CompilationCache
	limit    uint32 // memory limit, pages
	minPages uint32 // the module's initial memory, pages
}

// New compiles the build and returns an Engine that runs it. It checks the embedded
// bytes against their recorded SHA-256, the module's imports against the allow-list and
// its exports against the ABI, and that the guest's abi.Version is this package's.
func New(ctx context.Context, o Options) (_ *Engine, err error) {
	bin := o.Build.Wasm()
	if bin == nil {
		return nil, fmt.Errorf("wasm: unknown build %v", o.Build)
	}
	if sum := sha256.Sum256(bin); hex.EncodeToString(sum[:]) != o.Build.Hash() || len(bin) != o.Build.Size() {
		return nil, fmt.Errorf("wasm: embedded %s has SHA-256 %x (%d bytes), want %s (%d bytes): run make wasm",
			o.Build.File(), sum, len(bin), o.Build.Hash(), o.Build.Size())
	}
	if o.Build == HostKernels {
		if err := hostKernelsSupported(); err != nil {
			return nil, err
		}
	}
	limit := o.MemoryLimitPages
	if limit == 0 {
		limit = DefaultMemoryLimitPages
	}
	if limit > maxPages {
		return nil, fmt.Errorf("wasm: MemoryLimitPages %d exceeds %d (4 GiB)", limit, maxPages)
	}
	cfg := wazero.NewRuntimeConfig()
	if o.Interpreter {
		cfg = wazero.NewRuntimeConfigInterpreter()
	}
	cfg = cfg.WithMemoryLimitPages(limit).WithCoreFeatures(api.CoreFeaturesV2)
	e := &Engine{build: o.Build, limit: limit}
	if o.CacheDir != "" {
		if e.cache, err = wazero.NewCompilationCacheWithDir(o.CacheDir); err != nil {
			return nil, fmt.Errorf("wasm: compilation cache: %w", err)
		}
		cfg = cfg.WithCompilationCache(e.cache)
	}
	e.rt = wazero.NewRuntimeWithConfig(ctx, cfg)
	defer func() {
		if err != nil {
			e.Close(ctx)
		}
	}()
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, e.rt); err != nil {
		return nil, fmt.Errorf("wasm: WASI: %w", err)
	}
	if err := instantiateMerit(ctx, e.rt); err != nil {
		return nil, err
	}
	if o.Build == HostKernels {
		if err := instantiateSIMD(ctx, e.rt); err != nil {
			return nil, err
		}
	}
	if e.compiled, err = e.rt.CompileModule(ctx, mergeData(bin)); err != nil {
		return nil, fmt.Errorf("wasm: compile %s: %w", o.Build.File(), err)
	}
	if err := validate(e.compiled, o.Build == HostKernels); err != nil {
		return nil, fmt.Errorf("wasm: %s: %w", o.Build.File(), err)
	}
	mem := e.compiled.ExportedMemories()["memory"]
	e.minPages = mem.Min()
	if e.minPages > limit {
		return nil, fmt.Errorf("wasm: %s needs %d pages of memory to start, over the limit of %d", o.Build.File(), e.minPages, limit)
	}
	v, err := e.version(ctx)
	if err != nil {
		return nil, err
	}
	if v != abi.Version {
		return nil, fmt.Errorf("wasm: %s implements ABI version %d, want %d", o.Build.File(), v, abi.Version)
	}
	return e, nil
}

// Build returns the build the Engine runs.
func (e *Engine) Build() Build { return e.build }

// MemoryLimitPages returns the guest's memory limit in 64 KiB pages.
func (e *Engine) MemoryLimitPages() uint32 { return e.limit }

// Close releases the runtime and the compiled module (and closes the compilation cache).
// Every Call must have returned; the Engine cannot be used afterwards.
func (e *Engine) Close(ctx context.Context) error {
	var err error
	if e.rt != nil {
		err = e.rt.Close(ctx)
	}
	if e.cache != nil {
		err = errors.Join(err, e.cache.Close(ctx))
	}
	return err
}

// callState is one call's host-side state, passed to the host functions in the context.
type callState struct {
	meter *gas.Counter
}

type stateKey struct{}

func stateOf(ctx context.Context) *callState {
	st, _ := ctx.Value(stateKey{}).(*callState)
	if st == nil {
		panic(fmt.Errorf("%w: host function called outside of a Call", ErrTrap))
	}
	return st
}

// stderrMax bounds the guest's stderr kept to classify a failure.
const stderrMax = 16 << 10

// boundedBuffer keeps the first stderrMax bytes written to it.
type boundedBuffer struct{ bytes.Buffer }

func (b *boundedBuffer) Write(p []byte) (int, error) {
	if room := stderrMax - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// instance is one fresh instance of the guest.
type instance struct {
	mod    api.Module
	stderr *boundedBuffer
}

func (e *Engine) instantiate(ctx context.Context) (*instance, error) {
	in := &instance{stderr: &boundedBuffer{}}
	cfg := wazero.NewModuleConfig().
		WithName("").
		WithStartFunctions("_initialize").
		WithStdout(io.Discard).
		WithStderr(in.stderr)
	mod, err := e.rt.InstantiateModule(experimental.WithMemoryAllocator(ctx, memoryAllocator), e.compiled, cfg)
	if err != nil {
		return nil, in.fail("start", err)
	}
	in.mod = mod
	return in, nil
}

// call calls an exported function of one u32 result.
func (in *instance) call(ctx context.Context, name string, params ...uint64) (uint32, error) {
	res, err := in.mod.ExportedFunction(name).Call(ctx, params...)
	if err != nil {
		return 0, in.fail(name, err)
	}
	return uint32(res[0]), nil
}

// fail classifies an error of the guest. The Go runtime reports running out of memory
// (memory.grow refused at the limit) on stderr, "fatal error: out of memory", and then
// aborts (a trap) or exits.
func (in *instance) fail(what string, err error) error {
	if errors.Is(err, ErrTrap) { // a host function's refusal
		return err
	}
	detail := headLines(in.stderr.String())
	for _, line := range strings.Split(detail, "\n") {
		if strings.HasPrefix(line, "fatal error: out of memory") || strings.HasPrefix(line, "runtime: out of memory") {
			return fmt.Errorf("%w: %s: %s", ErrOutOfMemory, what, line)
		}
	}
	if detail != "" {
		return fmt.Errorf("%w: %s: %v\nguest stderr:\n%s", ErrTrap, what, err, detail)
	}
	return fmt.Errorf("%w: %s: %v", ErrTrap, what, err)
}

// headLines returns the guest's message: its stderr up to the first blank line (the Go
// runtime then dumps every goroutine), at most 20 lines.
func headLines(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, line := range lines {
		if strings.TrimSpace(line) == "" || i == 20 {
			lines = lines[:i]
			break
		}
	}
	return strings.Join(lines, "\n")
}

func (e *Engine) version(ctx context.Context) (uint32, error) {
	in, err := e.instantiate(ctx)
	if err != nil {
		return 0, err
	}
	defer in.mod.Close(ctx)
	return in.call(ctx, "merit_abi_version")
}

// Call executes the encoded request req with a gas limit in a fresh instance of the
// guest, and returns the encoded response and the gas used: the same bytes and gas as
// abi.Native.Call. An engine failure is an *abi.Error, as natively; out of gas, the gas
// used is the limit. Failures of the sandbox are ErrTrap, ErrOutOfMemory or ErrTooLarge
// (with the gas charged until then). Call never panics; the Engine stays usable after
// any failure.
func (e *Engine) Call(ctx context.Context, req []byte, gasLimit uint64) (resp []byte, gasUsed uint64, err error) {
	st := &callState{meter: gas.NewCounter(gas.Default, gasLimit)}
	defer func() {
		if r := recover(); r != nil {
			resp, err = nil, fmt.Errorf("%w: host panic: %v", ErrTrap, r)
		}
		gasUsed = st.meter.Used()
	}()
	if need := uint64(e.minPages)<<16 + uint64(len(req)); uint64(len(req)) > math.MaxUint32 || need > uint64(e.limit)<<16 {
		return nil, 0, fmt.Errorf("%w: %d bytes, limit %d pages", ErrTooLarge, len(req), e.limit)
	}
	ctx = context.WithValue(ctx, stateKey{}, st)
	in, err := e.instantiate(ctx)
	if err != nil {
		return nil, 0, err
	}
	defer in.mod.Close(context.Background())

	ptr, err := in.call(ctx, "merit_alloc", uint64(len(req)))
	if err != nil {
		return nil, 0, err
	}
	if !in.mod.Memory().Write(ptr, req) {
		return nil, 0, fmt.Errorf("%w: merit_alloc(%d) returned %#x, outside memory", ErrTrap, len(req), ptr)
	}
	code, err := in.call(ctx, "merit_call", uint64(ptr), uint64(len(req)))
	if err != nil {
		return nil, 0, err
	}
	rp, err := in.call(ctx, "merit_result_ptr")
	if err != nil {
		return nil, 0, err
	}
	rn, err := in.call(ctx, "merit_result_len")
	if err != nil {
		return nil, 0, err
	}
	out, ok := in.mod.Memory().Read(rp, rn)
	if !ok {
		return nil, 0, fmt.Errorf("%w: result (%#x, %d bytes) outside memory", ErrTrap, rp, rn)
	}
	out = bytes.Clone(out)
	if code == uint32(abi.CodeOK) {
		return out, 0, nil
	}
	if code > uint32(abi.CodeOutOfGas) {
		return nil, 0, fmt.Errorf("%w: merit_call returned unknown code %d: %q", ErrTrap, code, out)
	}
	return nil, 0, &abi.Error{Code: abi.Code(code), Msg: string(out)}
}
