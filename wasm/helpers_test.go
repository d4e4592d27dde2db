package wasm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/meritchain/merit/engine/abi"
	"github.com/meritchain/merit/engine/abi/abitest"
	"github.com/meritchain/merit/engine/gas"
)

// form is one way to run a request: natively, or one build under the compiler or the
// interpreter.
type form struct {
	native bool
	build  Build
	interp bool
}

func (f form) String() string {
	if f.native {
		return "native"
	}
	if f.interp {
		return f.build.Name() + "/interpreter"
	}
	return f.build.Name() + "/compiler"
}

var (
	native   = form{native: true}
	compiled = []form{{build: Pure}, {build: HostKernels}}
	interp   = []form{{build: Pure, interp: true}, {build: HostKernels, interp: true}}
)

// The engines of the tests, created once each.
var engines struct {
	sync.Mutex
	m map[form]*Engine
}

func engineOf(tb testing.TB, f form) *Engine {
	tb.Helper()
	engines.Lock()
	defer engines.Unlock()
	if e := engines.m[f]; e != nil {
		return e
	}
	e, err := New(context.Background(), Options{Build: f.build, Interpreter: f.interp, CacheDir: cacheDir})
	if err != nil {
		tb.Fatalf("%v: %v", f, err)
	}
	if engines.m == nil {
		engines.m = map[form]*Engine{}
	}
	engines.m[f] = e
	return e
}

// cacheDir is the compilation cache the tests' engines share, so that an Engine with
// other options does not compile the module again.
var cacheDir string

func TestMain(m *testing.M) {
	var err error
	if cacheDir, err = os.MkdirTemp("", "merit-wasm-test-cache"); err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(cacheDir)
	for _, e := range engines.m {
		e.Close(context.Background())
	}
	os.Exit(code)
}

// outcome is what one call gave.
type outcome struct {
	resp []byte
	gas  uint64
	err  error
}

func (o outcome) String() string {
	if o.err != nil {
		return fmt.Sprintf("error %q, gas %d", o.err, o.gas)
	}
	return fmt.Sprintf("%d bytes, gas %d", len(o.resp), o.gas)
}

func call(tb testing.TB, f form, req []byte, limit uint64) outcome {
	tb.Helper()
	var o outcome
	if f.native {
		o.resp, o.gas, o.err = abi.Native{}.Call(context.Background(), req, limit)
	} else {
		o.resp, o.gas, o.err = engineOf(tb, f).Call(context.Background(), req, limit)
	}
	return o
}

// diff describes how got differs from want, or returns "". Errors must both be
// *abi.Error with the same code, and the same message unless codeOnly.
func diff(got, want outcome, codeOnly bool) string {
	if got.gas != want.gas {
		return fmt.Sprintf("gas %d, want %d (%v; want %v)", got.gas, want.gas, got, want)
	}
	if !bytes.Equal(got.resp, want.resp) {
		return fmt.Sprintf("response %x, want %x", got.resp, want.resp)
	}
	if (got.err == nil) != (want.err == nil) {
		return fmt.Sprintf("%v, want %v", got, want)
	}
	if got.err == nil {
		return ""
	}
	var ge, we *abi.Error
	if !errors.As(got.err, &ge) || !errors.As(want.err, &we) {
		return fmt.Sprintf("error %v, want %v (not both *abi.Error)", got.err, want.err)
	}
	if ge.Code != we.Code || (!codeOnly && ge.Msg != we.Msg) {
		return fmt.Sprintf("error %q, want %q", ge, we)
	}
	return ""
}

// unlimited is the gas limit of calls that must not run out.
const unlimited = 1 << 50

// differential runs c natively and in every form of fs, with an unlimited gas limit and,
// if tight, with one gas less than it needs, and reports every difference.
func differential(t *testing.T, c abitest.Case, fs []form, tight bool) {
	t.Helper()
	want := call(t, native, c.Request, unlimited)
	var ae *abi.Error
	if want.err != nil && !errors.As(want.err, &ae) {
		t.Fatalf("%s: native: %v", c.Name, want.err)
	}
	for _, f := range fs {
		if d := diff(call(t, f, c.Request, unlimited), want, false); d != "" {
			t.Errorf("%s: %v: %s", c.Name, f, d)
		}
	}
	if !tight || want.gas == 0 {
		return
	}
	limit := want.gas - 1
	wantOut := call(t, native, c.Request, limit)
	if !errors.Is(wantOut.err, gas.ErrOutOfGas) || wantOut.gas != limit {
		t.Fatalf("%s: native with limit %d: %v", c.Name, limit, wantOut)
	}
	var first *outcome
	for _, f := range fs {
		got := call(t, f, c.Request, limit)
		if !errors.Is(got.err, gas.ErrOutOfGas) || got.gas != limit {
			t.Errorf("%s: %v with limit %d: %v, want out of gas with gas used = limit", c.Name, f, limit, got)
			continue
		}
		// Natively, parallel workers may word the error differently (which one saw the
		// limit first); every WebAssembly form runs one thread and must agree exactly.
		if d := diff(got, wantOut, true); d != "" {
			t.Errorf("%s: %v with limit %d: %s", c.Name, f, limit, d)
		}
		if first == nil {
			first = &got
		} else if d := diff(got, *first, false); d != "" {
			t.Errorf("%s: %v with limit %d: %s (against %v)", c.Name, f, limit, d, fs[0])
		}
	}
}

// cases returns every test case: random ones of a few seeds, the real datasets, and the
// mechanisms.
func cases(tb testing.TB) []abitest.Case {
	tb.Helper()
	var out []abitest.Case
	for seed := uint64(1); seed <= 3; seed++ {
		out = append(out, abitest.Random(seed)...)
		out = append(out, abitest.Mechanisms(seed)...)
	}
	real, err := abitest.Real()
	if err != nil {
		tb.Fatal(err)
	}
	return append(out, real...)
}

// smallCases are the cases the interpreter runs: one seed of random and mechanism cases.
func smallCases() []abitest.Case {
	return append(abitest.Random(1), abitest.Mechanisms(1)...)
}
