//go:build purego || !amd64

package simd

// Without amd64 assembly every exported kernel calls its entry in the table impl: the
// portable set, or what the architecture's archUse installed. A purego build calls the
// portable functions directly: the constant condition is resolved at compile time, so
// escape analysis sees direct calls and callers' stack buffers stay on the stack.

func dotArch(a, b []int32) int64 {
	if purego {
		return dotGeneric(a, b)
	}
	return impl.dot(a, b)
}

func sqDistArch(a, b []int32) int64 {
	if purego {
		return sqDistGeneric(a, b)
	}
	return impl.sqDist(a, b)
}

func dotBatchArch(rows, q []int32, out []int64) {
	if purego {
		dotBatchGeneric(rows, q, out)
		return
	}
	impl.dotBatch(rows, q, out)
}

func sqDistBatchArch(rows, q []int32, out []int64) {
	if purego {
		sqDistBatchGeneric(rows, q, out)
		return
	}
	impl.sqDistBatch(rows, q, out)
}

func addScaledSatArch(dst []int32, s int32, x []int32, lim int32) {
	if purego {
		addScaledSatGeneric(dst, s, x, lim)
		return
	}
	impl.addScaledSat(dst, s, x, lim)
}

func addScaledSatExactArch(dst []int32, s int32, x []int32, lim int32) bool {
	if purego {
		return addScaledSatExactGeneric(dst, s, x, lim)
	}
	return impl.addScaledSatExact(dst, s, x, lim)
}

func addScaled64Arch(dst []int64, s int64, x []int32) {
	if purego {
		addScaled64Generic(dst, s, x)
		return
	}
	impl.addScaled64(dst, s, x)
}

func gatherDotArch(w []int32, idx []uint32, val []int32) int64 {
	if purego {
		return gatherDotGeneric(w, idx, val)
	}
	return impl.gatherDot(w, idx, val)
}

func gatherSumArch(w []int32, idx []uint32) int64 {
	if purego {
		return gatherSumGeneric(w, idx)
	}
	return impl.gatherSum(w, idx)
}

func gatherDotRowsArch(w []int32, ptr []int, idx []uint32, val []int32, out []int64) {
	if purego {
		gatherDotRowsGeneric(w, ptr, idx, val, out)
		return
	}
	impl.gatherDotRows(w, ptr, idx, val, out)
}

func gatherSumRowsArch(w []int32, ptr []int, idx []uint32, out []int64) {
	if purego {
		gatherSumRowsGeneric(w, ptr, idx, out)
		return
	}
	impl.gatherSumRows(w, ptr, idx, out)
}

func sumArch(x []int32) int64 {
	if purego {
		return sumGeneric(x)
	}
	return impl.sum(x)
}

func countZeroArch(x []int32) int {
	if purego {
		return countZeroGeneric(x)
	}
	return impl.countZero(x)
}

func countEqArch(x []int32, v int32) int {
	if purego {
		return countEqGeneric(x, v)
	}
	return impl.countEq(x, v)
}

func minMaxArch(x []int32) (lo, hi int32) {
	if purego {
		return minMaxGeneric(x)
	}
	return impl.minMax(x)
}

func addScaledI64Arch(dst []int64, s int64, src []int64) {
	if purego {
		addScaledI64Generic(dst, s, src)
		return
	}
	impl.addScaledI64(dst, s, src)
}

func addConstI64Arch(dst []int64, c int64) {
	if purego {
		addConstI64Generic(dst, c)
		return
	}
	impl.addConstI64(dst, c)
}

func subI32Arch(dst, a, b []int32) {
	if purego {
		subI32Generic(dst, a, b)
		return
	}
	impl.subI32(dst, a, b)
}

func sqNormRowsArch(ptr []int, val []int32, out, sum []int64) {
	if purego {
		sqNormRowsGeneric(ptr, val, out, sum)
		return
	}
	impl.sqNormRows(ptr, val, out, sum)
}

func addColsScaledArch(colptr []int, ents []uint64, idx []uint32, x []int32, out []int64) {
	if purego {
		addColsScaledGeneric(colptr, ents, idx, x, out)
		return
	}
	impl.addColsScaled(colptr, ents, idx, x, out)
}

func addColsConstArch(colptr []int, ents []uint64, idx []uint32, c int64, out []int64) {
	if purego {
		addColsConstGeneric(colptr, ents, idx, c, out)
		return
	}
	impl.addColsConst(colptr, ents, idx, c, out)
}

func addMatchCountsArch(bits, q []uint64, c int64, out []int64) {
	if purego {
		addMatchCountsGeneric(bits, q, c, out)
		return
	}
	impl.addMatchCounts(bits, q, c, out)
}

func repredictMaxArch(score []int64, classes, a, b int, pred, y []int32) int {
	if purego {
		return repredictMaxGeneric(score, classes, a, b, pred, y)
	}
	return impl.repredictMax(score, classes, a, b, pred, y)
}

func repredictMinArch(score []int64, classes, a, b int, pred, y []int32) int {
	if purego {
		return repredictMinGeneric(score, classes, a, b, pred, y)
	}
	return impl.repredictMin(score, classes, a, b, pred, y)
}

func repredictSparseArch(g, cnt, q []int64, ptr []int, k int, pred, y []int32) int {
	if purego {
		return repredictSparseGeneric(g, cnt, q, ptr, k, pred, y)
	}
	return impl.repredictSparse(g, cnt, q, ptr, k, pred, y)
}

func log2BatchArch(x []uint64, out []int64) {
	if purego {
		log2BatchGeneric(x, out)
		return
	}
	impl.log2Batch(x, out)
}

func knnSortPackedArch(dist []int64, labels []int32, yt int32, keys, tmp []uint64) int {
	if purego {
		return knnSortPackedGeneric(dist, labels, yt, keys, tmp)
	}
	return impl.knnSortPacked(dist, labels, yt, keys, tmp)
}

func knnRecurseArch(ents []uint64, mask uint64, w []uint64, sums []int64) {
	if purego {
		knnRecurseGeneric(ents, mask, w, sums)
		return
	}
	impl.knnRecurse(ents, mask, w, sums)
}

func knnShapleyRowsArch(train, labels, qs, ys []int32, w []uint64, sums, dists []int64, keys, tmp []uint64) uint64 {
	if purego {
		return knnShapleyRowsGeneric(train, labels, qs, ys, w, sums, dists, keys, tmp)
	}
	return impl.knnShapleyRows(train, labels, qs, ys, w, sums, dists, keys, tmp)
}

func knnInsertArch(dots, sq []int64, xx int64, j, k, stride int, cnt []int, nd []int64, ni []int, labels, votes, pred, y []int32) int {
	if purego {
		return knnInsertGeneric(dots, sq, xx, j, k, stride, cnt, nd, ni, labels, votes, pred, y)
	}
	return impl.knnInsert(dots, sq, xx, j, k, stride, cnt, nd, ni, labels, votes, pred, y)
}

func denseToCSRArch(x []int32, dims int, ptr []int, idx []uint32, val []int32) {
	if purego {
		denseToCSRGeneric(x, dims, ptr, idx, val)
		return
	}
	impl.denseToCSR(x, dims, ptr, idx, val)
}

func csrToCSCArch(ptr []int, idx []uint32, val []int32, colptr []int, ents []uint64) {
	if purego {
		csrToCSCGeneric(ptr, idx, val, colptr, ents)
		return
	}
	impl.csrToCSC(ptr, idx, val, colptr, ents)
}
