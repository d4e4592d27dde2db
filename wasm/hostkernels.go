package wasm

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strconv"
	"sync"
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
func u64s(m api.Memory, s []uint64, i int) []uint64 { return view[uint64](m, s[i], s[i+1]) }
func u32v(s []uint64, i int) int                    { return int(uint32(s[i])) }
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
	"add_cols_scaled": {fn(cat(pl, pl, pl, pl, pl)), func(m api.Memory, s []uint64) {
		simd.AddColsScaled(ints(m, s, 0), u64s(m, s, 2), u32s(m, s, 4), i32s(m, s, 6), i64s(m, s, 8))
	}},
	"add_match_counts": {fn(cat(pl, pl, p(i64), pl)), func(m api.Memory, s []uint64) {
		simd.AddMatchCounts(u64s(m, s, 0), u64s(m, s, 2), i64v(s, 4), i64s(m, s, 5))
	}},
	"add_cols_const": {fn(cat(pl, pl, pl, p(i64), pl)), func(m api.Memory, s []uint64) {
		simd.AddColsConst(ints(m, s, 0), u64s(m, s, 2), u32s(m, s, 4), i64v(s, 6), i64s(m, s, 7))
	}},
	"repredict_max": {fn(cat(pl, p(i32, i32, i32), pl, pl), i64), func(m api.Memory, s []uint64) {
		s[0] = uint64(int64(simd.RepredictMax(i64s(m, s, 0), u32v(s, 2), u32v(s, 3), u32v(s, 4), i32s(m, s, 5), i32s(m, s, 7))))
	}},
	"repredict_min": {fn(cat(pl, p(i32, i32, i32), pl, pl), i64), func(m api.Memory, s []uint64) {
		s[0] = uint64(int64(simd.RepredictMin(i64s(m, s, 0), u32v(s, 2), u32v(s, 3), u32v(s, 4), i32s(m, s, 5), i32s(m, s, 7))))
	}},
	"repredict_sparse": {fn(cat(pl, pl, pl, pl, p(i32), pl, pl), i64), func(m api.Memory, s []uint64) {
		s[0] = uint64(int64(simd.RepredictSparse(i64s(m, s, 0), i64s(m, s, 2), i64s(m, s, 4), ints(m, s, 6), u32v(s, 8),
			i32s(m, s, 9), i32s(m, s, 11))))
	}},
	"log2_batch": {fn(cat(pl, pl)), func(m api.Memory, s []uint64) {
		simd.Log2Batch(u64s(m, s, 0), i64s(m, s, 2))
	}},
	"knn_sort_packed": {fn(cat(pl, pl, p(i32), pl, pl), i32), func(m api.Memory, s []uint64) {
		s[0] = uint64(uint32(int32(simd.KNNSortPacked(i64s(m, s, 0), i32s(m, s, 2), i32v(s, 4), u64s(m, s, 5), u64s(m, s, 7)))))
	}},
	"knn_recurse": {fn(cat(pl, p(i64), pl, pl)), func(m api.Memory, s []uint64) {
		simd.KNNRecurse(u64s(m, s, 0), uint64(i64v(s, 2)), u64s(m, s, 3), i64s(m, s, 5))
	}},
	"knn_insert": {fn(cat(pl, pl, p(i64, i32, i32, i32), pl, pl, pl, pl, pl, pl, pl), i64), func(m api.Memory, s []uint64) {
		s[0] = uint64(int64(simd.KNNInsert(i64s(m, s, 0), i64s(m, s, 2), i64v(s, 4), u32v(s, 5), u32v(s, 6), u32v(s, 7),
			ints(m, s, 8), i64s(m, s, 10), ints(m, s, 12), i32s(m, s, 14), i32s(m, s, 16), i32s(m, s, 18), i32s(m, s, 20))))
	}},
	"dense_to_csr": {fn(cat(pl, p(i32), pl, pl, pl)), func(m api.Memory, s []uint64) {
		simd.DenseToCSR(i32s(m, s, 0), u32v(s, 2), ints(m, s, 3), u32s(m, s, 5), i32s(m, s, 7))
	}},
	"csr_to_csc": {fn(cat(pl, pl, pl, pl, pl)), func(m api.Memory, s []uint64) {
		simd.CSRToCSC(ints(m, s, 0), u32s(m, s, 2), i32s(m, s, 4), ints(m, s, 6), u64s(m, s, 8))
	}},
	"knn_shapley_rows": {fn(cat(pl, pl, pl, pl, pl, pl, pl, pl, pl), i64), knnShapleyRows},
}

// knnParallelMin is the least work (test rows × training values) for which
// knn_shapley_rows splits its test rows among goroutines: below it, starting them costs
// more than it saves.
const knnParallelMin = 1 << 17

// knnShapleyRows is merit_simd.knn_shapley_rows: simd.KNNShapleyRows, with the test rows
// split among up to GOMAXPROCS goroutines when there is enough work and no output range
// (sums, dists, keys, tmp) overlaps another range. The first goroutine uses the guest's
// sums and scratch, the others their own, whose sums are then added to the guest's:
// integer addition, so the result is the same bits as one pass, whatever the split.
// A panic in any goroutine (arguments the kernel refuses) is raised again here, after
// every goroutine has stopped: a trap.
func knnShapleyRows(m api.Memory, s []uint64) {
	train, labels, qs, ys := i32s(m, s, 0), i32s(m, s, 2), i32s(m, s, 4), i32s(m, s, 6)
	w, sums, dists, keys, tmp := u64s(m, s, 8), i64s(m, s, 10), i64s(m, s, 12), u64s(m, s, 14), u64s(m, s, 16)
	r, n := len(ys), len(labels)
	parts := min(runtime.GOMAXPROCS(0), r)
	if parts < 2 || len(dists) != r*n || len(sums) != n || len(qs)%r != 0 ||
		uint64(r)*uint64(len(train)) < knnParallelMin || overlapping(s, []int{4, 4, 4, 4, 8, 8, 8, 8, 8}, 5) {
		s[0] = simd.KNNShapleyRows(train, labels, qs, ys, w, sums, dists, keys, tmp)
		return
	}
	d := len(qs) / r
	undone := make([]uint64, parts)
	own := make([][]int64, parts)
	failed := make([]any, parts)
	var wg sync.WaitGroup
	for p := range parts {
		j0, j1 := p*r/parts, (p+1)*r/parts
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if e := recover(); e != nil {
					failed[p] = e
				}
			}()
			ps, pk, pt := sums, keys, tmp
			if p > 0 {
				ps, pk, pt = make([]int64, n), make([]uint64, n), make([]uint64, n)
				own[p] = ps
			}
			undone[p] = simd.KNNShapleyRows(train, labels, qs[j0*d:j1*d], ys[j0:j1], w, ps, dists[j0*n:j1*n], pk, pt) << j0
		}()
	}
	wg.Wait()
	for _, e := range failed {
		if e != nil {
			panic(e)
		}
	}
	var u uint64
	for p := range parts {
		u |= undone[p]
		if p > 0 {
			simd.AddScaledI64(sums, 1, own[p])
		}
	}
	s[0] = u
}

// overlapping reports whether any of the first outFrom… slices of the stack (pairs of
// pointer and length; size[k] bytes per element of slice k), counted from outFrom as
// outputs, overlaps another slice.
func overlapping(s []uint64, size []int, outFrom int) bool {
	type span struct{ a, b uint64 }
	sp := make([]span, len(size))
	for k, z := range size {
		a := uint64(uint32(s[2*k]))
		sp[k] = span{a, a + uint64(uint32(s[2*k+1]))*uint64(z)}
	}
	for k := outFrom; k < len(sp); k++ {
		for j := range sp {
			if j != k && sp[k].a < sp[j].b && sp[j].a < sp[k].b {
				return true
			}
		}
	}
	return false
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
