package wasm

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/tetratelabs/wazero"

	"github.com/meritchain/merit/engine/abi"
	"github.com/meritchain/merit/engine/abi/abitest"
	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/gas"
	"github.com/meritchain/merit/engine/model"
)

// Every case, in every form, gives the native bytes (or error) and gas, and with one gas
// less than it needs runs out of gas in every form with gas used = limit.
func TestDifferential(t *testing.T) {
	for _, c := range cases(t) {
		differential(t, c, compiled, true)
	}
}

// The interpreter (a cross-check of wazero's compiler) on the small cases.
func TestDifferentialInterpreter(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	for i, c := range smallCases() {
		differential(t, c, interp, i%4 == 0)
	}
}

// Calls on one Engine may run concurrently: each has its own instance and gas counter.
func TestConcurrentCalls(t *testing.T) {
	cs := smallCases()
	want := make([]outcome, len(cs))
	for i, c := range cs {
		want[i] = call(t, native, c.Request, unlimited)
	}
	for _, f := range compiled {
		e := engineOf(t, f)
		var wg sync.WaitGroup
		errs := make(chan string, len(cs)*4)
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := range cs {
					i := (k + w*len(cs)/4) % len(cs) // each worker starts elsewhere
					var got outcome
					got.resp, got.gas, got.err = e.Call(context.Background(), cs[i].Request, unlimited)
					if d := diff(got, want[i], false); d != "" {
						errs <- fmt.Sprintf("%v: %s: %s", f, cs[i].Name, d)
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Error(e)
		}
	}
}

// Gas limits from zero up: the same outcome (out of gas with used = limit, or the
// result) natively and in every form.
func TestGasLimits(t *testing.T) {
	c := abitest.Random(2)[4] // a marginal request
	full := call(t, native, c.Request, unlimited)
	for _, limit := range []uint64{0, 1, gas.Default[gas.Call] - 1, gas.Default[gas.Call], gas.Default[gas.Call] + uint64(len(c.Request)), full.gas / 2, full.gas - 1, full.gas, full.gas + 1} {
		want := call(t, native, c.Request, limit)
		for _, f := range compiled {
			if d := diff(call(t, f, c.Request, limit), want, true); d != "" {
				t.Errorf("%s: %v: limit %d: %s", c.Name, f, limit, d)
			}
		}
		if limit < full.gas && (!errors.Is(want.err, gas.ErrOutOfGas) || want.gas != limit) {
			t.Errorf("limit %d: %v", limit, want)
		}
	}
}

// mustStillWork checks that e still answers a valid request correctly.
func mustStillWork(t *testing.T, f form, e *Engine) {
	t.Helper()
	c := abitest.Random(3)[4]
	var got outcome
	got.resp, got.gas, got.err = e.Call(context.Background(), c.Request, unlimited)
	if d := diff(got, call(t, native, c.Request, unlimited), false); d != "" {
		t.Fatalf("%v: after a failure: %s: %s", f, c.Name, d)
	}
}

// Malformed requests (random bytes, with and without a valid header; truncations and
// byte flips of valid requests) give the native error and gas, never a trap.
func TestMalformed(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var reqs [][]byte
	for range 40 {
		b := make([]byte, r.IntN(200))
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		reqs = append(reqs, b)
		reqs = append(reqs, append([]byte("MREQ\x01\x00"), b...))
	}
	for _, c := range abitest.Random(4)[:18] {
		reqs = append(reqs, c.Request[:r.IntN(len(c.Request))])
		b := bytes.Clone(c.Request)
		b[r.IntN(len(b))] ^= byte(1 + r.IntN(255))
		reqs = append(reqs, b)
	}
	reqs = append(reqs, nil, []byte{}, []byte("MREQ"), []byte("MREQ\x01\x00\xff\xff"))
	for _, f := range compiled {
		for _, req := range reqs {
			want := call(t, native, req, unlimited)
			if d := diff(call(t, f, req, unlimited), want, false); d != "" {
				t.Errorf("%v: request %x: %s", f, req, d)
			}
		}
		mustStillWork(t, f, engineOf(t, f))
	}
}

// A request of the largest model the engine accepts (MaxCells = 2^28 weights, 1 GiB):
// with too little gas it fails the same way natively and here; with enough gas, an
// Engine with a 256 MiB memory limit fails with ErrOutOfMemory, and stays usable.
func TestHugeDimension(t *testing.T) {
	cfg, err := model.Config{Family: model.Perceptron, Dims: dataset.MaxDims, Classes: model.MaxCells / dataset.MaxDims, Bound: 10}.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	req := abi.EncodeRequest(&abi.ModelNew{Config: cfg})
	const limit = 1 << 20
	want := call(t, native, req, limit)
	if !errors.Is(want.err, gas.ErrOutOfGas) {
		t.Fatalf("native: %v", want)
	}
	for _, f := range compiled {
		if d := diff(call(t, f, req, limit), want, false); d != "" {
			t.Errorf("%v: %s", f, d)
		}
		e, err := New(context.Background(), Options{Build: f.build, MemoryLimitPages: 4096, CacheDir: cacheDir})
		if err != nil {
			t.Fatal(err)
		}
		_, used, err := e.Call(context.Background(), req, unlimited)
		if !errors.Is(err, ErrOutOfMemory) {
			t.Errorf("%v: 256 MiB limit: %v (gas %d), want ErrOutOfMemory", f, err, used)
		}
		mustStillWork(t, f, e)
		e.Close(context.Background())
	}
}

// A small memory limit: a request whose work cannot fit gives ErrOutOfMemory, one that
// cannot even be copied in gives ErrTooLarge, and the Engine stays usable. A limit below
// what the module needs to start is refused by New.
func TestMemoryLimit(t *testing.T) {
	ctx := context.Background()
	cfg, err := model.Config{Family: model.Centroid, Dims: 1 << 20, Classes: 8, Bound: 10}.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	big := abi.EncodeRequest(&abi.ModelNew{Config: cfg}) // 32 MiB of state
	for _, f := range compiled {
		e, err := New(ctx, Options{Build: f.build, MemoryLimitPages: 160, CacheDir: cacheDir}) // 10 MiB
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.Call(ctx, big, unlimited); !errors.Is(err, ErrOutOfMemory) {
			t.Errorf("%v: %v, want ErrOutOfMemory", f, err)
		}
		mustStillWork(t, f, e)
		// 6.5 MiB fits beside the module's 3 MiB, but not in the Go heap it needs.
		near := make([]byte, 13<<19)
		if _, _, err := e.Call(ctx, near, unlimited); !errors.Is(err, ErrOutOfMemory) {
			t.Errorf("%v: 6.5 MiB request: %v, want ErrOutOfMemory", f, err)
		}
		mustStillWork(t, f, e)
		huge := make([]byte, 10<<20)
		copy(huge, "MREQ\x01\x00")
		if _, used, err := e.Call(ctx, huge, unlimited); !errors.Is(err, ErrTooLarge) || used != 0 {
			t.Errorf("%v: 10 MiB request: %v (gas %d), want ErrTooLarge", f, err, used)
		}
		mustStillWork(t, f, e)
		e.Close(ctx)
		if _, err := New(ctx, Options{Build: f.build, MemoryLimitPages: 16, CacheDir: cacheDir}); err == nil {
			t.Errorf("%v: New with a 1 MiB limit succeeded", f)
		}
		if _, err := New(ctx, Options{Build: f.build, MemoryLimitPages: 65537, CacheDir: cacheDir}); err == nil {
			t.Errorf("%v: New with a limit over 4 GiB succeeded", f)
		}
	}
}

// A Go panic in the guest (merit_call given a buffer merit_alloc did not return) is a
// trap, with the guest's message; the Engine stays usable.
func TestGuestPanicIsTrap(t *testing.T) {
	ctx := context.Background()
	for _, f := range compiled {
		e := engineOf(t, f)
		in, err := e.instantiate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		_, err = in.call(ctx, "merit_call", 12345, 1)
		in.mod.Close(ctx)
		if !errors.Is(err, ErrTrap) || !strings.Contains(err.Error(), "not the buffer merit_alloc returned") {
			t.Errorf("%v: %v, want ErrTrap with the guest's panic", f, err)
		}
		mustStillWork(t, f, e)
	}
}

// The embedded builds are the ones builds.go records, and the files in this directory.
func TestBuildHashes(t *testing.T) {
	for _, b := range Builds() {
		sum := sha256.Sum256(b.Wasm())
		if hex.EncodeToString(sum[:]) != b.Hash() || len(b.Wasm()) != b.Size() {
			t.Errorf("%v: embedded SHA-256 %x (%d bytes), builds.go says %s (%d bytes)", b, sum, len(b.Wasm()), b.Hash(), b.Size())
		}
		disk, err := os.ReadFile(b.File())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(disk, b.Wasm()) {
			t.Errorf("%v: embedded bytes differ from %s", b, b.File())
		}
	}
	// The Makefile's pin is the version the builds were made with.
	mk, err := os.ReadFile("../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	if m := regexp.MustCompile(`(?m)^WASM_GO\s*:=\s*(\S+)`).FindSubmatch(mk); m == nil || string(m[1]) != GoVersion {
		t.Errorf("the Makefile's WASM_GO is %q; builds.go says the builds were made with %s", m, GoVersion)
	}
	if runtime.Version() != GoVersion {
		t.Logf("the builds were made with %s; this test runs under %s", GoVersion, runtime.Version())
	}
	if Pure.Hash() == HostKernels.Hash() {
		t.Error("the two builds are identical")
	}
}

// Merging the data segments changes nothing an instance can see: the memory after
// instantiation is the same byte for byte.
func TestMergeData(t *testing.T) {
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	defer rt.Close(ctx)
	for _, b := range Builds() {
		merged := mergeData(b.Wasm())
		if len(merged) == len(b.Wasm()) && bytes.Equal(merged, b.Wasm()) {
			t.Fatalf("%v: nothing merged", b)
		}
		memory := func(bin []byte) []byte {
			// A module of the same memory and data, without imports or code, so that it
			// can be instantiated without running anything.
			cm, err := rt.CompileModule(ctx, dataOnly(t, bin))
			if err != nil {
				t.Fatal(err)
			}
			defer cm.Close(ctx)
			m, err := rt.InstantiateModule(ctx, cm, wazero.NewModuleConfig().WithName(""))
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close(ctx)
			mem, _ := m.Memory().Read(0, m.Memory().Size())
			return bytes.Clone(mem)
		}
		if !bytes.Equal(memory(b.Wasm()), memory(merged)) {
			t.Errorf("%v: merged data differs", b)
		}
		if again := mergeData(merged); !bytes.Equal(again, merged) {
			t.Errorf("%v: merging twice changed the module again", b)
		}
	}
	// Anything else is left alone.
	for _, bin := range [][]byte{nil, []byte("\x00asm"), []byte("\x00asm\x01\x00\x00\x00\x0b\x05")} {
		if got := mergeData(bin); !bytes.Equal(got, bin) {
			t.Errorf("mergeData(%x) = %x", bin, got)
		}
	}
}
