package wasm

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"unsafe"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/meritchain/merit/simd"
)

// The host module "merit_simd" of the HostKernels build: the guest's simd kernels
// (simd/dispatch_wasmhost.go) call these above a length threshold. Each receives a
// (pointer, length) pair per slice, lengths in elements, views that range of the guest's
// linear memory in place as a Go slice (WebAssembly memory is little-endian, as are the
// hosts this build runs on, and the guest aligns every slice to its element size), and
// calls the native exported kernel of package simd at the level in use, which checks
// lengths and indices. A range outside the memory, a misaligned pointer, or a kernel
// that panics (mismatched lengths, an index out of range) is a trap: the call fails
// with ErrTrap and the host carries on.
//
// The host kernels charge no gas: the engine's outer loops charge every element before
// they call a kernel, the same in every build.

// hostKernelsSupported reports whether this host can view guest memory in place: 64-bit
// ints (the guest's []int) and little-endian.
func hostKernelsSupported() error {
	x := uint16(1)
	if strconv.IntSize != 64 || *(*byte)(unsafe.Pointer(&x)) != 1 {
		return errors.New("wasm: the host-kernel build needs a little-endian host with 64-bit int")
	}
	return nil
}

// trap aborts the host function: wazero recovers the panic and the guest's call returns
// an error wrapping it.
func trap(format string, args ...any) {
	panic(fmt.Errorf("%w: "+format, append([]any{ErrTrap}, args...)...))
}

// view returns the n elements of type T at address ptr of m, in place.
func view[T any](m api.Memory, ptr, n uint64) []T {
	p, c := uint32(ptr), uint64(uint32(n))
	if c == 0 {
		return nil
	}
	size := uint64(unsafe.Sizeof(*new(T)))
	if uint64(p)%size != 0 {
		trap("address %#x is not aligned to %d bytes", p, size)
	}
	nb := c * size
	if nb > math.MaxUint32 {
		trap("%d elements at %#x exceed the memory", c, p)
	}
	b, ok := m.Read(p, uint32(nb))
	if !ok {
		trap("%d bytes at %#x are outside the memory", nb, p)
	}
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), c)
}

func i32s(m api.Memory, s []uint64, i int) []int32  { return view[int32](m, s[i], s[i+1]) }
func i64s(m api.Memory, s []uint64, i int) []int64  { return view[int64](m, s[i], s[i+1]) }
func u32s(m api.Memory, s []uint64, i int) []uint32 { return view[uint32](m, s[i], s[i+1]) }
func ints(m api.Memory, s []uint64, i int) []int    { return view[int](m, s[i], s[i+1]) }
func i32v(s []uint64, i int) int32                  { return int32(uint32(s[i])) }
func i64v(s []uint64, i int) int64                  { return int64(s[i]) }

// kernel is one host kernel: its signature and its body over the guest's memory and the
// value stack (parameters in, result out).
type kernel struct {
	sig  sig
	body func(m api.Memory, s []uint64)
}

// ptr and len.
var pl = []api.ValueType{i32, i32}

func cat(parts ...[]api.ValueType) []api.ValueType {
	var out []api.ValueType
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

var kernels = map[string]kernel{
	"dot": {fn(cat(pl, pl), i64), func(m api.Memory, s []uint64) {
		s[0] = uint64(simd.Dot(i32s(m, s, 0), i32s(m, s, 2)))
	}},
	"sq_dist": {fn(cat(pl, pl), i64), func(m api.Memory, s []uint64) {
		s[0] = uint64(simd.SqDist(i32s(m, s, 0), i32s(m, s, 2)))
	}},
	"dot_batch": {fn(cat(pl, pl, pl)), func(m api.Memory, s []uint64) {
		simd.DotBatch(i32s(m, s, 0), i32s(m, s, 2), i64s(m, s, 4))
	}},
	"sq_dist_batch": {fn(cat(pl, pl, pl)), func(m api.Memory, s []uint64) {
		simd.SqDistBatch(i32s(m, s, 0), i32s(m, s, 2), i64s(m, s, 4))
	}},
	"add_scaled_sat": {fn(cat(pl, p(i32), pl, p(i32))), func(m api.Memory, s []uint64) {
		simd.AddScaledSat(i32s(m, s, 0), i32v(s, 2), i32s(m, s, 3), i32v(s, 5))
	}},
	"add_scaled_sat_exact": {fn(cat(pl, p(i32), pl, p(i32)), i32), func(m api.Memory, s []uint64) {
		exact := simd.AddScaledSatExact(i32s(m, s, 0), i32v(s, 2), i32s(m, s, 3), i32v(s, 5))
		s[0] = 0
		if exact {
			s[0] = 1
		}
	}},
	"add_scaled64": {fn(cat(pl, p(i64), pl)), func(m api.Memory, s []uint64) {
		simd.AddScaled64(i64s(m, s, 0), i64v(s, 2), i32s(m, s, 3))
	}},
	"gather_dot": {fn(cat(pl, pl, pl), i64), func(m api.Memory, s []uint64) {
		s[0] = uint64(simd.GatherDot(i32s(m, s, 0), u32s(m, s, 2), i32s(m, s, 4)))
	}},
	"gather_sum": {fn(cat(pl, pl), i64), func(m api.Memory, s []uint64) {
		s[0] = uint64(simd.GatherSum(i32s(m, s, 0), u32s(m, s, 2)))
	}},
	"gather_dot_rows": {fn(cat(pl, pl, pl, pl, pl)), func(m api.Memory, s []uint64) {
		simd.GatherDotRows(i32s(m, s, 0), ints(m, s, 2), u32s(m, s, 4), i32s(m, s, 6), i64s(m, s, 8))
	}},
	"gather_sum_rows": {fn(cat(pl, pl, pl, pl)), func(m api.Memory, s []uint64) {
		simd.GatherSumRows(i32s(m, s, 0), ints(m, s, 2), u32s(m, s, 4), i64s(m, s, 6))
	}},
	"sum": {fn(pl, i64), func(m api.Memory, s []uint64) {
		s[0] = uint64(simd.Sum(i32s(m, s, 0)))
	}},
	"count_eq": {fn(cat(pl, p(i32)), i32), func(m api.Memory, s []uint64) {
		s[0] = uint64(simd.CountEq(i32s(m, s, 0), i32v(s, 2)))
	}},
	"min_max": {fn(pl, i64), func(m api.Memory, s []uint64) {
		lo, hi := simd.MinMax(i32s(m, s, 0))
		s[0] = uint64(uint32(lo)) | uint64(uint32(hi))<<32
	}},
	"add_scaled_i64": {fn(cat(pl, p(i64), pl)), func(m api.Memory, s []uint64) {
		simd.AddScaledI64(i64s(m, s, 0), i64v(s, 2), i64s(m, s, 3))
	}},
	"add_const_i64": {fn(cat(pl, p(i64))), func(m api.Memory, s []uint64) {
		simd.AddConstI64(i64s(m, s, 0), i64v(s, 2))
	}},
	"sub_i32": {fn(cat(pl, pl, pl)), func(m api.Memory, s []uint64) {
		simd.SubI32(i32s(m, s, 0), i32s(m, s, 2), i32s(m, s, 4))
	}},
	"sq_norm_rows": {fn(cat(pl, pl, pl, pl)), func(m api.Memory, s []uint64) {
		simd.SqNormRows(ints(m, s, 0), i32s(m, s, 2), i64s(m, s, 4), i64s(m, s, 6))
	}},
	"add_cols_scaled": {fn(cat(pl, pl, pl, pl, pl, pl)), func(m api.Memory, s []uint64) {
		simd.AddColsScaled(ints(m, s, 0), u32s(m, s, 2), i32s(m, s, 4), u32s(m, s, 6), i32s(m, s, 8), i64s(m, s, 10))
	}},
	"add_cols_const": {fn(cat(pl, pl, pl, p(i64), pl)), func(m api.Memory, s []uint64) {
		simd.AddColsConst(ints(m, s, 0), u32s(m, s, 2), u32s(m, s, 4), i64v(s, 6), i64s(m, s, 7))
	}},
}

// simdImports is the allow-list of module "merit_simd".
var simdImports = func() map[string]sig {
	m := make(map[string]sig, len(kernels))
	for name, k := range kernels {
		m[name] = k.sig
	}
	return m
}()

// hostFunc wraps a kernel body: a panic of the native kernel becomes a trap.
func hostFunc(name string, body func(api.Memory, []uint64)) api.GoModuleFunc {
	return func(_ context.Context, mod api.Module, stack []uint64) {
		defer func() {
			if r := recover(); r != nil {
				if err, ok := r.(error); ok && errors.Is(err, ErrTrap) {
					panic(fmt.Errorf("%w (merit_simd.%s)", err, name))
				}
				trap("merit_simd.%s: %v", name, r)
			}
		}()
		body(mod.Memory(), stack)
	}
}

// instantiateSIMD adds the host module "merit_simd".
func instantiateSIMD(ctx context.Context, rt wazero.Runtime) error {
	b := rt.NewHostModuleBuilder("merit_simd")
	for _, name := range sortedKeys(kernels) {
		k := kernels[name]
		b.NewFunctionBuilder().WithGoModuleFunction(hostFunc(name, k.body), k.sig.params, k.sig.results).Export(name)
	}
	if _, err := b.Instantiate(ctx); err != nil {
		return fmt.Errorf("wasm: host module merit_simd: %w", err)
	}
	return nil
}
