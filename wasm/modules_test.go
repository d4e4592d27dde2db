package wasm

import (
	"context"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
)

// A few hand-assembled WebAssembly modules.

func uleb(v uint64) []byte { return binary.AppendUvarint(nil, v) }

func cat2(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func section(id byte, body ...[]byte) []byte {
	b := cat2(body...)
	return cat2([]byte{id}, uleb(uint64(len(b))), b)
}

func vec(items ...[]byte) []byte { return cat2(uleb(uint64(len(items))), cat2(items...)) }

func name(s string) []byte { return cat2(uleb(uint64(len(s))), []byte(s)) }

const (
	tI32 = 0x7f
	tI64 = 0x7e
)

func functype(params, results []byte) []byte {
	return cat2([]byte{0x60}, uleb(uint64(len(params))), params, uleb(uint64(len(results))), results)
}

var header = []byte("\x00asm\x01\x00\x00\x00")

// importFunc is an import entry of a function of type index ti.
func importFunc(mod, fn string, ti byte) []byte { return cat2(name(mod), name(fn), []byte{0x00, ti}) }

// dataOnly returns a module with bin's memory and data sections only.
func dataOnly(t *testing.T, bin []byte) []byte {
	t.Helper()
	out := append([]byte{}, header...)
	for off := 8; off < len(bin); {
		id := bin[off]
		size, n := binary.Uvarint(bin[off+1:])
		end := off + 1 + n + int(size)
		if id == 5 || id == 11 {
			out = append(out, bin[off:end]...)
		}
		off = end
	}
	return out
}

// The allow-list refuses an import it does not list, an import of the wrong type, the
// host kernels in the pure build, and a module without the ABI's exports.
func TestImportAllowList(t *testing.T) {
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	defer rt.Close(ctx)
	compile := func(bin []byte) wazero.CompiledModule {
		cm, err := rt.CompileModule(ctx, bin)
		if err != nil {
			t.Fatal(err)
		}
		return cm
	}
	extra := compile(cat2(header,
		section(1, vec(functype([]byte{tI64}, []byte{tI32}), functype(nil, nil))),
		section(2, vec(importFunc("merit", "consume_gas", 0), importFunc("env", "evil", 1)))))
	err := validate(extra, true)
	if err == nil || !strings.Contains(err.Error(), "import env.evil is not allowed") || strings.Contains(err.Error(), "consume_gas") {
		t.Errorf("extra import: %v", err)
	}
	if err == nil || !strings.Contains(err.Error(), "export merit_call is missing") {
		t.Errorf("missing exports: %v", err)
	}
	wrong := compile(cat2(header,
		section(1, vec(functype(nil, nil))),
		section(2, vec(importFunc("merit", "consume_gas", 0)))))
	if err := validate(wrong, true); err == nil || !strings.Contains(err.Error(), "import merit.consume_gas has type") {
		t.Errorf("wrong type: %v", err)
	}
	host := compile(HostKernels.Wasm())
	if err := validate(host, false); err == nil || !strings.Contains(err.Error(), "import merit_simd.") {
		t.Errorf("host build against the pure allow-list: %v", err)
	}
	for _, b := range Builds() {
		if err := validate(compile(b.Wasm()), b == HostKernels); err != nil {
			t.Errorf("%v: %v", b, err)
		}
	}
}

// A host kernel given bad arguments (an index out of range, a range outside the memory,
// a misaligned pointer) traps with ErrTrap; the host is unharmed and the next call works.
func TestHostKernelTrap(t *testing.T) {
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	defer rt.Close(ctx)
	if err := instantiateSIMD(ctx, rt); err != nil {
		t.Fatal(err)
	}
	// run(w, nw, idx, nidx, val, nval) calls merit_simd.gather_dot after storing 1000 at
	// address 64 and 3 at address 128.
	i32c := func(v int) []byte { return cat2([]byte{0x41}, appendSleb(nil, int64(v))) }
	local := func(i byte) []byte { return []byte{0x20, i} }
	body := cat2(
		[]byte{0x00},                                   // no locals
		i32c(64), i32c(1000), []byte{0x36, 0x02, 0x00}, // i32.store
		i32c(128), i32c(3), []byte{0x36, 0x02, 0x00},
		local(0), local(1), local(2), local(3), local(4), local(5),
		[]byte{0x10, 0x00}, // call 0
		[]byte{0x0b})
	six := []byte{tI32, tI32, tI32, tI32, tI32, tI32}
	bin := cat2(header,
		section(1, vec(functype(six, []byte{tI64}))),
		section(2, vec(importFunc("merit_simd", "gather_dot", 0))),
		section(3, vec([]byte{0})),
		section(5, vec([]byte{0x00, 0x01})), // memory of 1 page
		section(7, vec(cat2(name("run"), []byte{0x00, 0x01}))),
		section(10, vec(cat2(uleb(uint64(len(body))), body))))
	mod, err := rt.InstantiateWithConfig(ctx, bin, wazero.NewModuleConfig().WithName("t"))
	if err != nil {
		t.Fatal(err)
	}
	run := mod.ExportedFunction("run")
	for _, c := range []struct {
		args []uint64
		want string
	}{
		{[]uint64{0, 4, 64, 1, 128, 1}, "index out of range"},
		{[]uint64{0, 1 << 20, 64, 1, 128, 1}, "outside the memory"},
		{[]uint64{0, 4, 66, 1, 128, 1}, "not aligned"},
		{[]uint64{0, 4, 64, 1, 128, 2}, "different length"},
	} {
		_, err := run.Call(ctx, c.args...)
		if !errors.Is(err, ErrTrap) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("run%v: %v, want a trap with %q", c.args, err, c.want)
		}
	}
	// A valid call on the same runtime: w = the 1001 words from address 64 (w[0] = 1000),
	// idx = the word at address 0 (0), val = the word at address 128 (3).
	res, err := run.Call(ctx, 64, 1001, 0, 1, 128, 1)
	if err != nil {
		t.Fatalf("valid call after traps: %v", err)
	}
	if int64(res[0]) != 3000 {
		t.Errorf("valid call = %d, want 3000", int64(res[0]))
	}
}
