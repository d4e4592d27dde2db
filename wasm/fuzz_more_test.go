package wasm

import (
	"context"
	"encoding/binary"
	"errors"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/tetratelabs/wazero/api"

	"github.com/meritchain/merit/engine/abi/abitest"
	"github.com/meritchain/merit/internal/fuzzcheck"
	"github.com/meritchain/merit/simd"
)

// FuzzWasmBuilds: any request bytes, with any gas limit up to 2^26, give the same
// response or error and the same gas natively and in BOTH WebAssembly builds (portable
// kernels, and host kernels), under the compiler. (FuzzWasmVsNative covers the
// host-kernel build alone; this one adds the portable build, which validators run when
// the host kernels are not allowed.)
func FuzzWasmBuilds(f *testing.F) {
	// One seed per op and per mechanism action (every case runs three ways in
	// TestDifferential), so that the fuzzer's start-up, which runs each seed three ways,
	// stays short.
	seen := map[string]bool{}
	seed := func(c abitest.Case, parts int) {
		p := strings.SplitN(c.Name, "/", 3)
		k := p[0]
		if parts == 2 && len(p) > 1 {
			a, _, _ := strings.Cut(p[1], "-") // "points/add-2" is another "points/add"
			k += "/" + a
		}
		if seen[k] || len(c.Request) >= 4096 {
			return
		}
		seen[k] = true
		fuzzcheck.Add(f, c.Request, uint64(unlimited))
		fuzzcheck.Add(f, c.Request, uint64(20_000))
	}
	for _, c := range abitest.Random(2) {
		seed(c, 1)
	}
	for _, c := range abitest.Mechanisms(2) {
		seed(c, 2)
	}
	fuzzcheck.Add(f, []byte("MREQ\x01\x00\x05\x00"), uint64(unlimited))
	for _, fm := range compiled {
		engineOf(f, fm)
	}
	f.Fuzz(func(t *testing.T, req []byte, limit uint64) {
		limit = min(limit, 1<<26)
		want := call(t, native, req, limit)
		for _, fm := range compiled {
			got := call(t, fm, req, limit)
			if d := diff(got, want, want.gas == limit); d != "" {
				t.Fatalf("%v: request %x, limit %d: %s", fm, req, limit, d)
			}
		}
	})
}

// fakeMemory is a guest memory for calling the host kernels directly: only Read is
// used by them.
type fakeMemory struct {
	api.Memory
	b []byte
}

func (m *fakeMemory) Read(off, n uint32) ([]byte, bool) {
	if uint64(off)+uint64(n) > uint64(len(m.b)) {
		return nil, false
	}
	return m.b[off : off+n : off+n], true
}

type fakeModule struct {
	api.Module
	mem *fakeMemory
}

func (m fakeModule) Memory() api.Memory { return m.mem }

// FuzzHostKernels: the host-import path itself. Each host kernel of module merit_simd
// (the functions the host-kernel build imports) is called with fuzzer-chosen pointers,
// lengths and scalars over a fuzzer-filled guest memory, at the best native level and at
// the portable level: either both trap (with an error wrapping ErrTrap, never another
// panic) or neither does and they leave the same memory and the same results. Ranges
// outside the memory, misaligned pointers, mismatched lengths, bad offsets and
// overlapping slices are all reachable.
func FuzzHostKernels(f *testing.F) {
	names := sortedKeys(kernels)
	mem := make([]byte, 256)
	for i := range mem {
		mem[i] = byte(i * 7)
	}
	for i := range names {
		// Pointers 0, 64, 128, … with lengths 4: mostly valid calls.
		fuzzcheck.Add(f, mem, uint8(i), []byte{0, 4, 64, 4, 128, 4, 192, 4, 32, 4, 96, 4, 160, 4})
	}
	best := simd.Best()
	f.Fuzz(func(t *testing.T, memory []byte, which uint8, params []byte) {
		if len(memory) > 1<<12 {
			return
		}
		name := names[int(which)%len(names)]
		k := kernels[name]
		// The stack: one value per parameter, each from one byte of params (small
		// values, or an extreme one for bytes ≥ 0xf8), i64 scalars from 8 bytes.
		stack := make([]uint64, max(len(k.sig.params), len(k.sig.results)))
		p := params
		for i, ty := range k.sig.params {
			var v uint64
			if ty == api.ValueTypeI64 {
				var b [8]byte
				copy(b[:], p)
				p = p[min(len(p), 8):]
				v = binary.LittleEndian.Uint64(b[:])
			} else if len(p) > 0 {
				v = uint64(p[0])
				if p[0] >= 0xf8 {
					v = uint64([]uint32{0xffffffff, 0x80000000, 0x7fffffff, 1 << 30, 1 << 16, 0xfffffffc, 3, 1<<31 + 4}[p[0]-0xf8])
				}
				p = p[1:]
			}
			stack[i] = v
		}
		run := func(l simd.Level) (mem []byte, st []uint64, trapped bool) {
			if err := simd.SetLevel(l); err != nil {
				t.Fatal(err)
			}
			// An 8-byte-aligned copy of the memory.
			w := make([]uint64, (len(memory)+7)/8)
			mem = unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(w))), 8*len(w))[:len(memory)]
			copy(mem, memory)
			st = slices.Clone(stack)
			fn := hostFunc(name, k.body)
			func() {
				defer func() {
					if r := recover(); r != nil {
						err, ok := r.(error)
						if !ok || !errors.Is(err, ErrTrap) {
							t.Fatalf("%s at %v: a panic that is not a trap: %v", name, l, r)
						}
						trapped = true
					}
				}()
				fn(context.Background(), fakeModule{mem: &fakeMemory{b: mem}}, st)
			}()
			return mem, st, trapped
		}
		defer simd.SetLevel(best)
		wm, ws, wt := run(simd.Generic)
		gm, gs, gt := run(best)
		if gt != wt {
			t.Fatalf("%s%v: trap %v at %v, %v at generic", name, stack, gt, best, wt)
		}
		if !wt && (!slices.Equal(gm, wm) || !slices.Equal(gs[:len(k.sig.results)], ws[:len(k.sig.results)])) {
			t.Fatalf("%s%v: %v gives memory %x results %v, generic %x %v", name, stack, best, gm, gs, wm, ws)
		}
	})
}
