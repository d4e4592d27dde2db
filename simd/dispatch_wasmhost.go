//go:build wasip1 && merit_hostkernels && !purego

package simd

import (
	"math"
	"unsafe"
)

// The WebAssembly guest's host-kernel level (Host): built for wasip1 with the
// merit_hostkernels tag, the kernels call functions the host imports into the guest
// (module "merit_simd", implemented by package wasm) that run the host's native kernels
// directly on the guest's linear memory. The host receives the address and length of
// every slice, checks that each lies inside the memory, and calls the exported kernel
// of the same name, which checks the lengths and indices exactly as here; a failed
// check is a trap, never a wrong answer. The kernels are exact integer functions, so
// the result is the same bits as the portable Go; only the time differs.
//
// A host call costs about 60–70 ns (BenchmarkHostCall in package wasm), about what the
// portable loop compiled to WebAssembly spends on 64 elements, so a call with fewer than
// hostMin elements runs the portable kernel in the guest instead. Either way the result is identical; the threshold only moves time.
// Host kernels charge no gas: the engine's outer loops charge per element before they
// call a kernel, so gas is the same in every build.

// hostMin is the number of elements below which a kernel runs in the guest.
const hostMin = 64

func archLevels() []Level { return []Level{Host} }

func archUse(l Level, t *kernelTable) {
	if l != Host {
		return
	}
	t.dot = dotHost
	t.sqDist = sqDistHost
	t.dotBatch = dotBatchHost
	t.sqDistBatch = sqDistBatchHost
	t.addScaledSat = addScaledSatHost
	t.addScaledSatExact = addScaledSatExactHost
	t.addScaled64 = addScaled64Host
	t.gatherDot = gatherDotHost
	t.gatherSum = gatherSumHost
	t.gatherDotRows = gatherDotRowsHost
	t.gatherSumRows = gatherSumRowsHost
	t.sum = sumHost
	t.countZero = func(x []int32) int { return countEqHost(x, 0) }
	t.countEq = countEqHost
	t.minMax = minMaxHost
	t.addScaledI64 = addScaledI64Host
	t.addConstI64 = addConstI64Host
	t.subI32 = subI32Host
	t.sqNormRows = sqNormRowsHost
	t.addColsScaled = addColsScaledHost
	t.addColsConst = addColsConstHost
	t.addMatchCounts = addMatchCountsHost
	t.repredictMax = repredictMaxHost
	t.repredictMin = repredictMinHost
	t.repredictSparse = repredictSparseHost
	t.log2Batch = log2BatchHost
	t.knnSortPacked = knnSortPackedHost
	t.knnRecurse = knnRecurseHost
	t.knnShapleyRows = knnShapleyRowsHost
	t.knnInsert = knnInsertHost
	t.denseToCSR = denseToCSRHost
	t.csrToCSC = csrToCSCHost
}

// hostMinRows is the number of test rows below which RepredictMax, RepredictMin and
// RepredictSparse run in the guest: a row costs the guest several nanoseconds (a
// compare or two, a rescan of the classes now and then; RepredictSparse two 128-bit
// products, which WebAssembly computes from 32-bit halves), so 16 rows already cost
// about a host call.
const hostMinRows = 16

// hostMinLog2 is the number of logarithms below which Log2Batch runs in the guest: one
// costs the guest about as much as a host call (25 squarings of 64-bit numbers into
// 128 bits), so every batch goes to the host.
const hostMinLog2 = 1

func u64p(x []uint64) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(x)) }

// Pointers and lengths of the slices the host reads. An int is 64 bits in the guest (and
// on every host that runs this build), so a []int is passed as it is.
func pI32(x []int32) unsafe.Pointer  { return unsafe.Pointer(unsafe.SliceData(x)) }
func pI64(x []int64) unsafe.Pointer  { return unsafe.Pointer(unsafe.SliceData(x)) }
func pU32(x []uint32) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(x)) }
func pInt(x []int) unsafe.Pointer    { return unsafe.Pointer(unsafe.SliceData(x)) }

// The imports. Every slice is a (pointer, length) pair, lengths in elements.

//go:wasmimport merit_simd dot
func hostDot(a unsafe.Pointer, na uint32, b unsafe.Pointer, nb uint32) int64

//go:wasmimport merit_simd sq_dist
func hostSqDist(a unsafe.Pointer, na uint32, b unsafe.Pointer, nb uint32) int64

//go:wasmimport merit_simd dot_batch
func hostDotBatch(rows unsafe.Pointer, nrows uint32, q unsafe.Pointer, nq uint32, out unsafe.Pointer, nout uint32)

//go:wasmimport merit_simd sq_dist_batch
func hostSqDistBatch(rows unsafe.Pointer, nrows uint32, q unsafe.Pointer, nq uint32, out unsafe.Pointer, nout uint32)

//go:wasmimport merit_simd add_scaled_sat
func hostAddScaledSat(dst unsafe.Pointer, ndst uint32, s int32, x unsafe.Pointer, nx uint32, lim int32)

//go:wasmimport merit_simd add_scaled_sat_exact
func hostAddScaledSatExact(dst unsafe.Pointer, ndst uint32, s int32, x unsafe.Pointer, nx uint32, lim int32) uint32

//go:wasmimport merit_simd add_scaled64
func hostAddScaled64(dst unsafe.Pointer, ndst uint32, s int64, x unsafe.Pointer, nx uint32)

//go:wasmimport merit_simd gather_dot
func hostGatherDot(w unsafe.Pointer, nw uint32, idx unsafe.Pointer, nidx uint32, val unsafe.Pointer, nval uint32) int64

//go:wasmimport merit_simd gather_sum
func hostGatherSum(w unsafe.Pointer, nw uint32, idx unsafe.Pointer, nidx uint32) int64

//go:wasmimport merit_simd gather_dot_rows
func hostGatherDotRows(w unsafe.Pointer, nw uint32, ptr unsafe.Pointer, nptr uint32, idx unsafe.Pointer, nidx uint32, val unsafe.Pointer, nval uint32, out unsafe.Pointer, nout uint32)

//go:wasmimport merit_simd gather_sum_rows
func hostGatherSumRows(w unsafe.Pointer, nw uint32, ptr unsafe.Pointer, nptr uint32, idx unsafe.Pointer, nidx uint32, out unsafe.Pointer, nout uint32)

//go:wasmimport merit_simd sum
func hostSum(x unsafe.Pointer, nx uint32) int64

//go:wasmimport merit_simd count_eq
func hostCountEq(x unsafe.Pointer, nx uint32, v int32) uint32

// min_max returns lo in the low 32 bits and hi in the high 32 bits.
//
//go:wasmimport merit_simd min_max
func hostMinMax(x unsafe.Pointer, nx uint32) uint64

//go:wasmimport merit_simd add_scaled_i64
func hostAddScaledI64(dst unsafe.Pointer, ndst uint32, s int64, src unsafe.Pointer, nsrc uint32)

//go:wasmimport merit_simd add_const_i64
func hostAddConstI64(dst unsafe.Pointer, ndst uint32, c int64)

//go:wasmimport merit_simd sub_i32
func hostSubI32(dst unsafe.Pointer, ndst uint32, a unsafe.Pointer, na uint32, b unsafe.Pointer, nb uint32)

//go:wasmimport merit_simd sq_norm_rows
func hostSqNormRows(ptr unsafe.Pointer, nptr uint32, val unsafe.Pointer, nval uint32, out unsafe.Pointer, nout uint32, sum unsafe.Pointer, nsum uint32)

//go:wasmimport merit_simd add_cols_scaled
func hostAddColsScaled(colptr unsafe.Pointer, ncolptr uint32, ents unsafe.Pointer, nents uint32, idx unsafe.Pointer, nidx uint32, x unsafe.Pointer, nx uint32, out unsafe.Pointer, nout uint32)

//go:wasmimport merit_simd add_cols_const
func hostAddColsConst(colptr unsafe.Pointer, ncolptr uint32, ents unsafe.Pointer, nents uint32, idx unsafe.Pointer, nidx uint32, c int64, out unsafe.Pointer, nout uint32)

//go:wasmimport merit_simd add_match_counts
func hostAddMatchCounts(bits unsafe.Pointer, nbits uint32, q unsafe.Pointer, nq uint32, c int64, out unsafe.Pointer, nout uint32)

//go:wasmimport merit_simd repredict_max
func hostRepredictMax(score unsafe.Pointer, nscore uint32, classes, a, b uint32, pred unsafe.Pointer, npred uint32, y unsafe.Pointer, ny uint32) int64

//go:wasmimport merit_simd repredict_min
func hostRepredictMin(score unsafe.Pointer, nscore uint32, classes, a, b uint32, pred unsafe.Pointer, npred uint32, y unsafe.Pointer, ny uint32) int64

//go:wasmimport merit_simd repredict_sparse
func hostRepredictSparse(g unsafe.Pointer, ng uint32, cnt unsafe.Pointer, ncnt uint32, q unsafe.Pointer, nq uint32, ptr unsafe.Pointer, nptr uint32, k uint32, pred unsafe.Pointer, npred uint32, y unsafe.Pointer, ny uint32) int64

//go:wasmimport merit_simd log2_batch
func hostLog2Batch(x unsafe.Pointer, nx uint32, out unsafe.Pointer, nout uint32)

//go:wasmimport merit_simd knn_sort_packed
func hostKNNSortPacked(dist unsafe.Pointer, ndist uint32, labels unsafe.Pointer, nlabels uint32, yt int32, keys unsafe.Pointer, nkeys uint32, tmp unsafe.Pointer, ntmp uint32) int32

//go:wasmimport merit_simd knn_recurse
func hostKNNRecurse(ents unsafe.Pointer, nents uint32, mask uint64, w unsafe.Pointer, nw uint32, sums unsafe.Pointer, nsums uint32)

//go:wasmimport merit_simd knn_insert
func hostKNNInsert(dots unsafe.Pointer, ndots uint32, sq unsafe.Pointer, nsq uint32, xx int64, j, k, stride uint32, cnt unsafe.Pointer, ncnt uint32, nd unsafe.Pointer, nnd uint32, ni unsafe.Pointer, nni uint32, labels unsafe.Pointer, nlabels uint32, votes unsafe.Pointer, nvotes uint32, pred unsafe.Pointer, npred uint32, y unsafe.Pointer, ny uint32) int64

//go:wasmimport merit_simd dense_to_csr
func hostDenseToCSR(x unsafe.Pointer, nx uint32, dims uint32, ptr unsafe.Pointer, nptr uint32, idx unsafe.Pointer, nidx uint32, val unsafe.Pointer, nval uint32)

//go:wasmimport merit_simd csr_to_csc
func hostCSRToCSC(ptr unsafe.Pointer, nptr uint32, idx unsafe.Pointer, nidx uint32, val unsafe.Pointer, nval uint32, colptr unsafe.Pointer, ncolptr uint32, ents unsafe.Pointer, nents uint32)

//go:wasmimport merit_simd knn_shapley_rows
func hostKNNShapleyRows(train unsafe.Pointer, ntrain uint32, labels unsafe.Pointer, nlabels uint32, qs unsafe.Pointer, nqs uint32, ys unsafe.Pointer, nys uint32, w unsafe.Pointer, nw uint32, sums unsafe.Pointer, nsums uint32, dists unsafe.Pointer, ndists uint32, keys unsafe.Pointer, nkeys uint32, tmp unsafe.Pointer, ntmp uint32) uint64

// The table entries: the portable kernel below hostMin elements, else the host's.

func dotHost(a, b []int32) int64 {
	if len(a) < hostMin {
		return dotGeneric(a, b)
	}
	return hostDot(pI32(a), uint32(len(a)), pI32(b), uint32(len(b)))
}

func sqDistHost(a, b []int32) int64 {
	if len(a) < hostMin {
		return sqDistGeneric(a, b)
	}
	return hostSqDist(pI32(a), uint32(len(a)), pI32(b), uint32(len(b)))
}

func dotBatchHost(rows, q []int32, out []int64) {
	if len(rows) < hostMin {
		dotBatchGeneric(rows, q, out)
		return
	}
	hostDotBatch(pI32(rows), uint32(len(rows)), pI32(q), uint32(len(q)), pI64(out), uint32(len(out)))
}

func sqDistBatchHost(rows, q []int32, out []int64) {
	if len(rows) < hostMin {
		sqDistBatchGeneric(rows, q, out)
		return
	}
	hostSqDistBatch(pI32(rows), uint32(len(rows)), pI32(q), uint32(len(q)), pI64(out), uint32(len(out)))
}

func addScaledSatHost(dst []int32, s int32, x []int32, lim int32) {
	if len(x) < hostMin {
		addScaledSatGeneric(dst, s, x, lim)
		return
	}
	hostAddScaledSat(pI32(dst), uint32(len(dst)), s, pI32(x), uint32(len(x)), lim)
}

func addScaledSatExactHost(dst []int32, s int32, x []int32, lim int32) bool {
	if len(x) < hostMin {
		return addScaledSatExactGeneric(dst, s, x, lim)
	}
	return hostAddScaledSatExact(pI32(dst), uint32(len(dst)), s, pI32(x), uint32(len(x)), lim) != 0
}

func addScaled64Host(dst []int64, s int64, x []int32) {
	if len(x) < hostMin {
		addScaled64Generic(dst, s, x)
		return
	}
	hostAddScaled64(pI64(dst), uint32(len(dst)), s, pI32(x), uint32(len(x)))
}

func gatherDotHost(w []int32, idx []uint32, val []int32) int64 {
	if len(idx) < hostMin {
		return gatherDotGeneric(w, idx, val)
	}
	return hostGatherDot(pI32(w), uint32(len(w)), pU32(idx), uint32(len(idx)), pI32(val), uint32(len(val)))
}

func gatherSumHost(w []int32, idx []uint32) int64 {
	if len(idx) < hostMin {
		return gatherSumGeneric(w, idx)
	}
	return hostGatherSum(pI32(w), uint32(len(w)), pU32(idx), uint32(len(idx)))
}

func gatherDotRowsHost(w []int32, ptr []int, idx []uint32, val []int32, out []int64) {
	if len(idx)+len(out) < hostMin {
		gatherDotRowsGeneric(w, ptr, idx, val, out)
		return
	}
	hostGatherDotRows(pI32(w), uint32(len(w)), pInt(ptr), uint32(len(ptr)), pU32(idx), uint32(len(idx)),
		pI32(val), uint32(len(val)), pI64(out), uint32(len(out)))
}

func gatherSumRowsHost(w []int32, ptr []int, idx []uint32, out []int64) {
	if len(idx)+len(out) < hostMin {
		gatherSumRowsGeneric(w, ptr, idx, out)
		return
	}
	hostGatherSumRows(pI32(w), uint32(len(w)), pInt(ptr), uint32(len(ptr)), pU32(idx), uint32(len(idx)),
		pI64(out), uint32(len(out)))
}

func sumHost(x []int32) int64 {
	if len(x) < hostMin {
		return sumGeneric(x)
	}
	return hostSum(pI32(x), uint32(len(x)))
}

func countEqHost(x []int32, v int32) int {
	if len(x) < hostMin {
		return countEqGeneric(x, v)
	}
	return int(hostCountEq(pI32(x), uint32(len(x)), v))
}

func minMaxHost(x []int32) (lo, hi int32) {
	if len(x) < hostMin {
		return minMaxGeneric(x)
	}
	r := hostMinMax(pI32(x), uint32(len(x)))
	return int32(uint32(r)), int32(uint32(r >> 32))
}

func addScaledI64Host(dst []int64, s int64, src []int64) {
	if len(src) < hostMin {
		addScaledI64Generic(dst, s, src)
		return
	}
	hostAddScaledI64(pI64(dst), uint32(len(dst)), s, pI64(src), uint32(len(src)))
}

func addConstI64Host(dst []int64, c int64) {
	if len(dst) < hostMin {
		addConstI64Generic(dst, c)
		return
	}
	hostAddConstI64(pI64(dst), uint32(len(dst)), c)
}

func subI32Host(dst, a, b []int32) {
	if len(a) < hostMin {
		subI32Generic(dst, a, b)
		return
	}
	hostSubI32(pI32(dst), uint32(len(dst)), pI32(a), uint32(len(a)), pI32(b), uint32(len(b)))
}

func sqNormRowsHost(ptr []int, val []int32, out, sum []int64) {
	if len(val)+len(out) < hostMin {
		sqNormRowsGeneric(ptr, val, out, sum)
		return
	}
	hostSqNormRows(pInt(ptr), uint32(len(ptr)), pI32(val), uint32(len(val)), pI64(out), uint32(len(out)),
		pI64(sum), uint32(len(sum)))
}

// colsWork returns how many entries the columns idx name (ColsLen), stopping once it
// reaches hostMin; an index out of range is left for the kernel to refuse.
func colsWork(colptr []int, idx []uint32) int {
	n := 0
	for _, f := range idx {
		if int(f)+1 < len(colptr) {
			n += colptr[f+1] - colptr[f]
		}
		if n >= hostMin {
			break
		}
	}
	return n
}

func addColsScaledHost(colptr []int, ents []uint64, idx []uint32, x []int32, out []int64) {
	if colsWork(colptr, idx) < hostMin {
		addColsScaledGeneric(colptr, ents, idx, x, out)
		return
	}
	hostAddColsScaled(pInt(colptr), uint32(len(colptr)), u64p(ents), uint32(len(ents)),
		pU32(idx), uint32(len(idx)), pI32(x), uint32(len(x)), pI64(out), uint32(len(out)))
}

func addColsConstHost(colptr []int, ents []uint64, idx []uint32, c int64, out []int64) {
	if colsWork(colptr, idx) < hostMin {
		addColsConstGeneric(colptr, ents, idx, c, out)
		return
	}
	hostAddColsConst(pInt(colptr), uint32(len(colptr)), u64p(ents), uint32(len(ents)), pU32(idx), uint32(len(idx)),
		c, pI64(out), uint32(len(out)))
}

func addMatchCountsHost(bits, q []uint64, c int64, out []int64) {
	if len(bits) < hostMin {
		addMatchCountsGeneric(bits, q, c, out)
		return
	}
	hostAddMatchCounts(u64p(bits), uint32(len(bits)), u64p(q), uint32(len(q)), c, pI64(out), uint32(len(out)))
}

// The exported kernels have checked the lengths and that the classes and columns are
// in range, so they fit the i32 parameters.

func repredictMaxHost(score []int64, classes, a, b int, pred, y []int32) int {
	if len(pred) < hostMinRows {
		return repredictMaxGeneric(score, classes, a, b, pred, y)
	}
	return int(hostRepredictMax(pI64(score), uint32(len(score)), uint32(classes), uint32(a), uint32(b),
		pI32(pred), uint32(len(pred)), pI32(y), uint32(len(y))))
}

func repredictMinHost(score []int64, classes, a, b int, pred, y []int32) int {
	if len(pred) < hostMinRows {
		return repredictMinGeneric(score, classes, a, b, pred, y)
	}
	return int(hostRepredictMin(pI64(score), uint32(len(score)), uint32(classes), uint32(a), uint32(b),
		pI32(pred), uint32(len(pred)), pI32(y), uint32(len(y))))
}

func repredictSparseHost(g, cnt, q []int64, ptr []int, k int, pred, y []int32) int {
	if len(pred) < hostMinRows {
		return repredictSparseGeneric(g, cnt, q, ptr, k, pred, y)
	}
	return int(hostRepredictSparse(pI64(g), uint32(len(g)), pI64(cnt), uint32(len(cnt)), pI64(q), uint32(len(q)),
		pInt(ptr), uint32(len(ptr)), uint32(k), pI32(pred), uint32(len(pred)), pI32(y), uint32(len(y))))
}

func log2BatchHost(x []uint64, out []int64) {
	if len(x) < hostMinLog2 {
		log2BatchGeneric(x, out)
		return
	}
	hostLog2Batch(u64p(x), uint32(len(x)), pI64(out), uint32(len(out)))
}

func knnSortPackedHost(dist []int64, labels []int32, yt int32, keys, tmp []uint64) int {
	if len(dist) < hostMin {
		return knnSortPackedGeneric(dist, labels, yt, keys, tmp)
	}
	return int(hostKNNSortPacked(pI64(dist), uint32(len(dist)), pI32(labels), uint32(len(labels)), yt,
		u64p(keys), uint32(len(keys)), u64p(tmp), uint32(len(tmp))))
}

func knnRecurseHost(ents []uint64, mask uint64, w []uint64, sums []int64) {
	if len(ents) < hostMin {
		knnRecurseGeneric(ents, mask, w, sums)
		return
	}
	hostKNNRecurse(u64p(ents), uint32(len(ents)), mask, u64p(w), uint32(len(w)), pI64(sums), uint32(len(sums)))
}

func knnShapleyRowsHost(train, labels, qs, ys []int32, w []uint64, sums, dists []int64, keys, tmp []uint64) uint64 {
	if len(dists) < hostMin {
		return knnShapleyRowsGeneric(train, labels, qs, ys, w, sums, dists, keys, tmp)
	}
	return hostKNNShapleyRows(pI32(train), uint32(len(train)), pI32(labels), uint32(len(labels)), pI32(qs), uint32(len(qs)),
		pI32(ys), uint32(len(ys)), u64p(w), uint32(len(w)), pI64(sums), uint32(len(sums)), pI64(dists), uint32(len(dists)),
		u64p(keys), uint32(len(keys)), u64p(tmp), uint32(len(tmp)))
}

func knnInsertHost(dots, sq []int64, xx int64, j, k, stride int, cnt []int, nd []int64, ni []int, labels, votes, pred, y []int32) int {
	if len(pred) < hostMinRows || j < 0 || j > math.MaxUint32 || k > math.MaxUint32 || stride > math.MaxUint32 {
		return knnInsertGeneric(dots, sq, xx, j, k, stride, cnt, nd, ni, labels, votes, pred, y)
	}
	return int(hostKNNInsert(pI64(dots), uint32(len(dots)), pI64(sq), uint32(len(sq)), xx, uint32(j), uint32(k), uint32(stride),
		pInt(cnt), uint32(len(cnt)), pI64(nd), uint32(len(nd)), pInt(ni), uint32(len(ni)), pI32(labels), uint32(len(labels)),
		pI32(votes), uint32(len(votes)), pI32(pred), uint32(len(pred)), pI32(y), uint32(len(y))))
}

func denseToCSRHost(x []int32, dims int, ptr []int, idx []uint32, val []int32) {
	if len(x) < hostMin || dims > math.MaxUint32 {
		denseToCSRGeneric(x, dims, ptr, idx, val)
		return
	}
	hostDenseToCSR(pI32(x), uint32(len(x)), uint32(dims), pInt(ptr), uint32(len(ptr)), pU32(idx), uint32(len(idx)), pI32(val), uint32(len(val)))
}

func csrToCSCHost(ptr []int, idx []uint32, val []int32, colptr []int, ents []uint64) {
	if len(idx)+len(colptr) < hostMin {
		csrToCSCGeneric(ptr, idx, val, colptr, ents)
		return
	}
	hostCSRToCSC(pInt(ptr), uint32(len(ptr)), pU32(idx), uint32(len(idx)), pI32(val), uint32(len(val)),
		pInt(colptr), uint32(len(colptr)), u64p(ents), uint32(len(ents)))
}
