//go:build !purego

package simd

import (
	"math"
	"unsafe"

	"github.com/klauspost/cpuid/v2"
)

// The amd64 levels. cpuid reports AVX2 only when the OS saves the YMM registers
// (OSXSAVE and XCR0 bits 1–2), and the AVX-512 features only when it also saves the
// mask and ZMM registers (XCR0 bits 5–7), so Supports checks OS support too.
var (
	// hasAVX2: every AVX2 kernel uses AVX and AVX2 instructions only (VEX encoded).
	hasAVX2 = cpuid.CPU.Supports(cpuid.AVX, cpuid.AVX2)
	// hasAVX512: the AVX512 kernels use AVX512F and AVX512DQ (VPMULLQ); a 256-bit
	// reduction may be EVEX-encoded when it names a register above 15, which needs
	// AVX512VL. BW completes the x86-64-v4 set every AVX-512 CPU has.
	hasAVX512 = hasAVX2 && cpuid.CPU.Supports(cpuid.AVX512F, cpuid.AVX512DQ, cpuid.AVX512BW, cpuid.AVX512VL)
)

func archLevels() []Level {
	switch {
	case hasAVX512:
		return []Level{AVX512, AVX2}
	case hasAVX2:
		return []Level{AVX2}
	}
	return nil
}

// On amd64 the exported kernels do not go through the table: each calls its xxxArch
// function, which switches on the level in use and calls the assembly directly. Calls
// through function values would make escape analysis assume every slice escapes, and
// move callers' stack buffers to the heap; direct calls to //go:noescape assembly keep
// them on the stack. The table entries (archUse, used by the tests and by tableFor) call
// the same xxxAt functions with their level fixed, so the tests check this very code.

func archUse(l Level, t *kernelTable) {
	if l != AVX2 && l != AVX512 {
		return
	}
	t.dot = func(a, b []int32) int64 { return dotAt(l, a, b) }
	t.sqDist = func(a, b []int32) int64 { return sqDistAt(l, a, b) }
	t.dotBatch = func(rows, q []int32, out []int64) { dotBatchAt(l, rows, q, out) }
	t.sqDistBatch = func(rows, q []int32, out []int64) { sqDistBatchAt(l, rows, q, out) }
	t.addScaledSat = func(dst []int32, s int32, x []int32, lim int32) { addScaledSatAt(l, dst, s, x, lim) }
	t.addScaledSatExact = func(dst []int32, s int32, x []int32, lim int32) bool {
		return addScaledSatExactAt(l, dst, s, x, lim)
	}
	t.addScaled64 = func(dst []int64, s int64, x []int32) { addScaled64At(l, dst, s, x) }
	t.gatherDot = func(w []int32, idx []uint32, val []int32) int64 { return gatherDotAt(l, w, idx, val) }
	t.gatherSum = func(w []int32, idx []uint32) int64 { return gatherSumAt(l, w, idx) }
	t.gatherDotRows = func(w []int32, ptr []int, idx []uint32, val []int32, out []int64) {
		gatherDotRowsAt(l, w, ptr, idx, val, out)
	}
	t.gatherSumRows = func(w []int32, ptr []int, idx []uint32, out []int64) { gatherSumRowsAt(l, w, ptr, idx, out) }
	t.sum = func(x []int32) int64 { return sumAt(l, x) }
	t.countZero = func(x []int32) int { return countEqAt(l, x, 0) }
	t.countEq = func(x []int32, v int32) int { return countEqAt(l, x, v) }
	t.minMax = func(x []int32) (int32, int32) { return minMaxAt(l, x) }
	t.addScaledI64 = func(dst []int64, s int64, src []int64) { addScaledI64At(l, dst, s, src) }
	t.addConstI64 = func(dst []int64, c int64) { addConstI64At(l, dst, c) }
	t.subI32 = func(dst, a, b []int32) { subI32At(l, dst, a, b) }
	// sqNormRows keeps the portable entry: it runs once per tracker.
}

// vec reports whether l is an amd64 vector level (the switch's default is portable Go).
func vec(l Level) bool { return l == AVX2 || l == AVX512 }

func dotAt(l Level, a, b []int32) int64 {
	switch l {
	case AVX512:
		return dotAVX512(a, b)
	case AVX2:
		return dotAVX2(a, b)
	}
	return dotGeneric(a, b)
}

func sqDistAt(l Level, a, b []int32) int64 {
	switch l {
	case AVX512:
		return sqDistAVX512(a, b)
	case AVX2:
		return sqDistAVX2(a, b)
	}
	return sqDistGeneric(a, b)
}

func dotBatchAt(l Level, rows, q []int32, out []int64) {
	switch l {
	case AVX512:
		dotBatchAVX512(rows, q, out)
	case AVX2:
		dotBatchAVX2(rows, q, out)
	default:
		dotBatchGeneric(rows, q, out)
	}
}

// narrowBound bounds the values of the narrow distance kernel (sqDistBatchNarrowAVX2):
// every |q[i]|, and every |a[i]| of a row it computes, is below it. Rows with larger
// values are recomputed by the kernel on the exact wide path; a q with larger values, or
// too short to fill one 16-element block, takes the wide kernel. Both give the portable
// bits (the proof is at genSqDistBatchNarrow in _asm/main.go).
const narrowBound = 1 << 14

func narrowQuery(q []int32) bool {
	if len(q) < 16 {
		return false
	}
	lo, hi := minMaxAVX2(q)
	return lo > -narrowBound && hi < narrowBound
}

func sqDistBatchAt(l Level, rows, q []int32, out []int64) {
	if vec(l) && len(rows) >= narrowMin && len(out) > 0 && narrowQuery(q) {
		sqDistBatchNarrowAVX2(rows, q, out)
		return
	}
	switch l {
	case AVX512:
		sqDistBatchAVX512(rows, q, out)
	case AVX2:
		sqDistBatchAVX2(rows, q, out)
	default:
		sqDistBatchGeneric(rows, q, out)
	}
}

// The kernels that write a slice read a vector of their inputs before storing a vector of
// results. That is the portable element-by-element order whenever the output is disjoint
// from every input, or is the very same slice as an input of its element type (each
// result then depends on its own element only). An output that overlaps an input any
// other way (shifted, or of another element size) takes the portable loop, which defines
// the result.

// span returns the byte range [lo, hi) of a slice's elements.
func span[T any](x []T) (lo, hi uintptr) {
	if len(x) == 0 {
		return 0, 0
	}
	lo = uintptr(unsafe.Pointer(unsafe.SliceData(x)))
	return lo, lo + uintptr(len(x))*unsafe.Sizeof(x[0])
}

// clash reports whether dst overlaps src other than by being the same slice start with
// the same element size.
func clash[D, S any](dst []D, src []S) bool {
	dl, dh := span(dst)
	sl, sh := span(src)
	if dl == dh || sl == sh || dh <= sl || sh <= dl {
		return false
	}
	var d D
	var s S
	return dl != sl || unsafe.Sizeof(d) != unsafe.Sizeof(s)
}

func addScaledSatAt(l Level, dst []int32, s int32, x []int32, lim int32) {
	switch {
	case !vec(l) || clash(dst, x):
		addScaledSatGeneric(dst, s, x, lim)
	case l == AVX512:
		addScaledSatAVX512(dst, s, x, lim)
	default:
		addScaledSatAVX2(dst, s, x, lim)
	}
}

func addScaledSatExactAt(l Level, dst []int32, s int32, x []int32, lim int32) bool {
	switch {
	case !vec(l) || clash(dst, x):
		return addScaledSatExactGeneric(dst, s, x, lim)
	case l == AVX512:
		return addScaledSatExactAVX512(dst, s, x, lim)
	}
	return addScaledSatExactAVX2(dst, s, x, lim)
}

func addScaled64At(l Level, dst []int64, s int64, x []int32) {
	switch {
	case !vec(l) || clash(dst, x):
		addScaled64Generic(dst, s, x)
	case l == AVX512:
		addScaled64AVX512(dst, s, x)
	default:
		addScaled64AVX2(dst, s, x)
	}
}

func addScaledI64At(l Level, dst []int64, s int64, src []int64) {
	switch {
	case !vec(l) || clash(dst, src):
		addScaledI64Generic(dst, s, src)
	case l == AVX512:
		addScaledI64AVX512(dst, s, src)
	default:
		addScaledI64AVX2(dst, s, src)
	}
}

func subI32At(l Level, dst, a, b []int32) {
	if !vec(l) || clash(dst, a) || clash(dst, b) {
		subI32Generic(dst, a, b)
		return
	}
	subI32AVX2(dst, a, b)
}

// The gather kernels use VPGATHERDD's signed 32-bit indices, so they take only a w whose
// every index fits (len(w) ≤ 2^31−1), and a non-empty one (they compare with len(w)−1).
// At an index out of range they stop before reading w there and report it; the portable
// loop then panics exactly as it would have.

func gatherable(w []int32) bool { return len(w) > 0 && len(w) <= math.MaxInt32 }

// gatherMin is the shortest index list given to the gather kernels. VPGATHERDD is barely
// faster than scalar loads on the CPUs measured (AMD Zen 3: GatherSum within ±10%,
// GatherDot 1.3–1.6× from 150 indices on, no gain at 16–64), so short lists, where the
// call and the reduction cost more than they save, run the portable loop.
const gatherMin = 64

func gatherDotAt(l Level, w []int32, idx []uint32, val []int32) int64 {
	if vec(l) && len(idx) >= gatherMin && gatherable(w) {
		var s int64
		var ok bool
		if l == AVX512 {
			s, ok = gatherDotAVX512(w, idx, val)
		} else {
			s, ok = gatherDotAVX2(w, idx, val)
		}
		if ok {
			return s
		}
	}
	return gatherDotGeneric(w, idx, val)
}

func gatherSumAt(l Level, w []int32, idx []uint32) int64 {
	if vec(l) && len(idx) >= gatherMin && gatherable(w) {
		var s int64
		var ok bool
		if l == AVX512 {
			s, ok = gatherSumAVX512(w, idx)
		} else {
			s, ok = gatherSumAVX2(w, idx)
		}
		if ok {
			return s
		}
	}
	return gatherSumGeneric(w, idx)
}

func gatherDotRowsAt(l Level, w []int32, ptr []int, idx []uint32, val []int32, out []int64) {
	if !vec(l) {
		gatherDotRowsGeneric(w, ptr, idx, val, out)
		return
	}
	for r := range out {
		a, b := ptr[r], ptr[r+1]
		out[r] = gatherDotAt(l, w, idx[a:b], val[a:b])
	}
}

func gatherSumRowsAt(l Level, w []int32, ptr []int, idx []uint32, out []int64) {
	if !vec(l) {
		gatherSumRowsGeneric(w, ptr, idx, out)
		return
	}
	for r := range out {
		out[r] = gatherSumAt(l, w, idx[ptr[r]:ptr[r+1]])
	}
}

func sumAt(l Level, x []int32) int64 {
	switch l {
	case AVX512:
		return sumAVX512(x)
	case AVX2:
		return sumAVX2(x)
	}
	return sumGeneric(x)
}

// The remaining kernels have one vector version, AVX2, which serves both levels: they
// are short or bound by memory.

func countEqAt(l Level, x []int32, v int32) int {
	if vec(l) {
		return countEqAVX2(x, v)
	}
	return countEqGeneric(x, v)
}

func minMaxAt(l Level, x []int32) (lo, hi int32) {
	if vec(l) && len(x) > 0 {
		return minMaxAVX2(x)
	}
	return minMaxGeneric(x)
}

func addConstI64At(l Level, dst []int64, c int64) {
	if vec(l) {
		addConstI64AVX2(dst, c)
		return
	}
	addConstI64Generic(dst, c)
}

// The exported kernels' entries on amd64: the level in use, switched on directly.

func dotArch(a, b []int32) int64                      { return dotAt(current, a, b) }
func sqDistArch(a, b []int32) int64                   { return sqDistAt(current, a, b) }
func dotBatchArch(rows, q []int32, out []int64)       { dotBatchAt(current, rows, q, out) }
func sqDistBatchArch(rows, q []int32, out []int64)    { sqDistBatchAt(current, rows, q, out) }
func addScaled64Arch(dst []int64, s int64, x []int32) { addScaled64At(current, dst, s, x) }
func addScaledSatArch(dst []int32, s int32, x []int32, lim int32) {
	addScaledSatAt(current, dst, s, x, lim)
}
func addScaledSatExactArch(dst []int32, s int32, x []int32, lim int32) bool {
	return addScaledSatExactAt(current, dst, s, x, lim)
}
func gatherDotArch(w []int32, idx []uint32, val []int32) int64 {
	return gatherDotAt(current, w, idx, val)
}
func gatherSumArch(w []int32, idx []uint32) int64 { return gatherSumAt(current, w, idx) }
func gatherDotRowsArch(w []int32, ptr []int, idx []uint32, val []int32, out []int64) {
	gatherDotRowsAt(current, w, ptr, idx, val, out)
}
func gatherSumRowsArch(w []int32, ptr []int, idx []uint32, out []int64) {
	gatherSumRowsAt(current, w, ptr, idx, out)
}
func sumArch(x []int32) int64                            { return sumAt(current, x) }
func countZeroArch(x []int32) int                        { return countEqAt(current, x, 0) }
func countEqArch(x []int32, v int32) int                 { return countEqAt(current, x, v) }
func minMaxArch(x []int32) (lo, hi int32)                { return minMaxAt(current, x) }
func addScaledI64Arch(dst []int64, s int64, src []int64) { addScaledI64At(current, dst, s, src) }
func addConstI64Arch(dst []int64, c int64)               { addConstI64At(current, dst, c) }
func subI32Arch(dst, a, b []int32)                       { subI32At(current, dst, a, b) }
func sqNormRowsArch(ptr []int, val []int32, out, sum []int64) {
	sqNormRowsGeneric(ptr, val, out, sum)
}
func addColsScaledArch(colptr []int, ents []uint64, idx []uint32, x []int32, out []int64) {
	addColsScaledGeneric(colptr, ents, idx, x, out)
}
func addColsConstArch(colptr []int, ents []uint64, idx []uint32, c int64, out []int64) {
	addColsConstGeneric(colptr, ents, idx, c, out)
}
func addMatchCountsArch(bits, q []uint64, c int64, out []int64) {
	addMatchCountsGeneric(bits, q, c, out)
}

// The trackers' and KNN-Shapley's kernels have no assembly: every level runs the
// portable code.
func repredictMaxArch(score []int64, classes, a, b int, pred, y []int32) int {
	return repredictMaxGeneric(score, classes, a, b, pred, y)
}
func repredictMinArch(score []int64, classes, a, b int, pred, y []int32) int {
	return repredictMinGeneric(score, classes, a, b, pred, y)
}
func repredictSparseArch(g, cnt, q []int64, ptr []int, k int, pred, y []int32) int {
	return repredictSparseGeneric(g, cnt, q, ptr, k, pred, y)
}
func log2BatchArch(x []uint64, out []int64) { log2BatchGeneric(x, out) }
func knnSortPackedArch(dist []int64, labels []int32, yt int32, keys, tmp []uint64) int {
	return knnSortPackedGeneric(dist, labels, yt, keys, tmp)
}
func knnRecurseArch(ents []uint64, mask uint64, w []uint64, sums []int64) {
	knnRecurseGeneric(ents, mask, w, sums)
}
func knnShapleyRowsArch(train, labels, qs, ys []int32, w []uint64, sums, dists []int64, keys, tmp []uint64) uint64 {
	return knnShapleyRowsGeneric(train, labels, qs, ys, w, sums, dists, keys, tmp)
}
func knnInsertArch(dots, sq []int64, xx int64, j, k, stride int, cnt []int, nd []int64, ni []int, labels, votes, pred, y []int32) int {
	return knnInsertGeneric(dots, sq, xx, j, k, stride, cnt, nd, ni, labels, votes, pred, y)
}
func denseToCSRArch(x []int32, dims int, ptr []int, idx []uint32, val []int32) {
	denseToCSRGeneric(x, dims, ptr, idx, val)
}
func csrToCSCArch(ptr []int, idx []uint32, val []int32, colptr []int, ents []uint64) {
	csrToCSCGeneric(ptr, idx, val, colptr, ents)
}
