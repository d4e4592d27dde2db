package simd

import mbits "math/bits"

// Kernels behind data valuation: the incremental trackers of engine/model keep one score
// per (test row, class) and update them in bulk, over a test set held in CSR form (row r
// is idx[ptr[r]:ptr[r+1]] with values val[ptr[r]:ptr[r+1]]). Like every kernel, each is
// an exact integer function (int64 arithmetic wraps) and panics only on caller bugs:
// slices of mismatched length, a bad ptr, an index out of range.

func checkCSR(ptr []int, nIdx, nOut int) {
	if len(ptr) != nOut+1 || ptr[0] < 0 || ptr[nOut] > nIdx {
		panic("simd: CSR offsets do not match the output or the indices")
	}
}

// GatherDotRows sets out[r] = Σ_{i ∈ [ptr[r], ptr[r+1])} w[idx[i]]·val[i] for every row r
// of a CSR matrix: the dot product of the dense vector w with each sparse row, in int64
// (wrapping). It panics unless len(ptr) == len(out)+1, len(idx) == len(val), ptr is
// non-decreasing within [0, len(idx)] and every index is < len(w).
func GatherDotRows(w []int32, ptr []int, idx []uint32, val []int32, out []int64) {
	mustSameLen(len(idx), len(val))
	checkCSR(ptr, len(idx), len(out))
	gatherDotRowsArch(w, ptr, idx, val, out)
}

func gatherDotRowsGeneric(w []int32, ptr []int, idx []uint32, val []int32, out []int64) {
	for r := range out {
		a, b := ptr[r], ptr[r+1]
		ix, vx := idx[a:b], val[a:b]
		vx = vx[:len(ix)]
		var s int64
		// Eight entries per step through array pointers, as dotGeneric.
		for len(ix) >= 8 && len(vx) >= 8 {
			j, v := (*[8]uint32)(ix), (*[8]int32)(vx)
			s += int64(w[j[0]])*int64(v[0]) + int64(w[j[1]])*int64(v[1]) +
				int64(w[j[2]])*int64(v[2]) + int64(w[j[3]])*int64(v[3]) +
				int64(w[j[4]])*int64(v[4]) + int64(w[j[5]])*int64(v[5]) +
				int64(w[j[6]])*int64(v[6]) + int64(w[j[7]])*int64(v[7])
			ix, vx = ix[8:], vx[8:]
		}
		vx = vx[:len(ix)]
		for i, j := range ix {
			s += int64(w[j]) * int64(vx[i])
		}
		out[r] = s
	}
}

// GatherSumRows sets out[r] = Σ_{i ∈ [ptr[r], ptr[r+1])} w[idx[i]] for every row r of a
// CSR index matrix, in int64 (wrapping). It panics unless len(ptr) == len(out)+1, ptr is
// non-decreasing within [0, len(idx)] and every index is < len(w).
func GatherSumRows(w []int32, ptr []int, idx []uint32, out []int64) {
	checkCSR(ptr, len(idx), len(out))
	gatherSumRowsArch(w, ptr, idx, out)
}

func gatherSumRowsGeneric(w []int32, ptr []int, idx []uint32, out []int64) {
	for r := range out {
		var s int64
		for _, j := range idx[ptr[r]:ptr[r+1]] {
			s += int64(w[j])
		}
		out[r] = s
	}
}

// AddScaledI64 sets dst[i] += s·src[i] in int64 (wrapping).
// It panics if len(dst) != len(src).
func AddScaledI64(dst []int64, s int64, src []int64) {
	mustSameLen(len(dst), len(src))
	addScaledI64Arch(dst, s, src)
}

func addScaledI64Generic(dst []int64, s int64, src []int64) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] += s * v
	}
}

// AddConstI64 sets dst[i] += c in int64 (wrapping).
func AddConstI64(dst []int64, c int64) { addConstI64Arch(dst, c) }

func addConstI64Generic(dst []int64, c int64) {
	for i := range dst {
		dst[i] += c
	}
}

// AddScaledSatExact is AddScaledSat (dst[i] = clamp(dst[i] + s·x[i], −lim, lim), exact in
// int64 before clamping) that also reports whether no element was clamped, i.e. whether
// every dst[i] moved by exactly s·x[i]. It panics if len(dst) != len(x).
func AddScaledSatExact(dst []int32, s int32, x []int32, lim int32) bool {
	mustSameLen(len(dst), len(x))
	return addScaledSatExactArch(dst, s, x, lim)
}

func addScaledSatExactGeneric(dst []int32, s int32, x []int32, lim int32) bool {
	dst = dst[:len(x)]
	l := int64(lim)
	exact := true
	for i, v := range x {
		t := int64(dst[i]) + int64(s)*int64(v)
		if t > l {
			t, exact = l, false
		} else if t < -l {
			t, exact = -l, false
		}
		dst[i] = int32(t)
	}
	return exact
}

// ScatterAddScaledSatExact is ScatterAddScaledSat (w[idx[i]] = clamp(w[idx[i]] + s·val[i],
// −lim, lim), in order) that also reports whether no element was clamped.
// It panics if len(idx) != len(val) or an index is out of range.
func ScatterAddScaledSatExact(w []int32, idx []uint32, val []int32, s int32, lim int32) bool {
	mustSameLen(len(idx), len(val))
	l := int64(lim)
	exact := true
	for i, j := range idx {
		t := int64(w[j]) + int64(s)*int64(val[i])
		if t > l {
			t, exact = l, false
		} else if t < -l {
			t, exact = -l, false
		}
		w[j] = int32(t)
	}
	return exact
}

// ScatterDec subtracts 1 from w[idx[i]] (int32, wrapping) for every i, in order: the
// inverse of ScatterInc. It panics if an index is out of range.
func ScatterDec(w []int32, idx []uint32) {
	for _, j := range idx {
		w[j]--
	}
}

// CountEq returns how many elements of x equal v.
func CountEq(x []int32, v int32) int { return countEqArch(x, v) }

func countEqGeneric(x []int32, v int32) int {
	n := 0
	for _, e := range x {
		if e == v {
			n++
		}
	}
	return n
}

// CountEqAt returns how many of the elements x[idx[i]] equal v. It panics if an index is
// out of range.
func CountEqAt(x []int32, idx []uint32, v int32) int {
	n := 0
	for _, j := range idx {
		if x[j] == v {
			n++
		}
	}
	return n
}

// SqNormRows sets out[r] = Σ_{i ∈ [ptr[r], ptr[r+1])} val[i]² and sum[r] = Σ val[i] for
// every row r of a CSR matrix, in int64 (wrapping). It panics unless len(ptr) ==
// len(out)+1 == len(sum)+1 and ptr is non-decreasing within [0, len(val)].
func SqNormRows(ptr []int, val []int32, out, sum []int64) {
	mustSameLen(len(out), len(sum))
	checkCSR(ptr, len(val), len(out))
	sqNormRowsArch(ptr, val, out, sum)
}

func sqNormRowsGeneric(ptr []int, val []int32, out, sum []int64) {
	sum = sum[:len(out)]
	for r := range out {
		var q, s int64
		for _, v := range val[ptr[r]:ptr[r+1]] {
			q += int64(v) * int64(v)
			s += int64(v)
		}
		out[r], sum[r] = q, s
	}
}

// A CSC entry packs one non-zero of a column into a uint64: its row in the low 32 bits
// and its int32 value in the high 32 (CSCEntry), so that the column loops read one word
// per entry.

// CSCEntry returns the CSC entry of value v in row r.
func CSCEntry(r uint32, v int32) uint64 { return uint64(r) | uint64(uint32(v))<<32 }

// AddColsScaled adds, for every k, x[k]·v to out[r mod len(out)] for each entry (r, v)
// of column idx[k] of a CSC matrix (column f is ents[colptr[f]:colptr[f+1]], entries as
// CSCEntry packs them), in int64 (wrapping). len(out) must be a power of two: taking the
// rows modulo it lets the loop skip a bounds check per entry (which Go compiled to
// WebAssembly pays dearly for); with every row below len(out) it is out[r] itself. With
// out zeroed first, out[r] is the dot product of row r with the sparse vector (idx, x):
// the value GatherDotRows computes from the CSR form, at a cost proportional to the
// entries in the columns idx names. It panics if len(idx) != len(x), len(out) is not a
// power of two, or a column index is out of range.
func AddColsScaled(colptr []int, ents []uint64, idx []uint32, x []int32, out []int64) {
	mustSameLen(len(idx), len(x))
	if len(out) == 0 || len(out)&(len(out)-1) != 0 {
		panic("simd: AddColsScaled: len(out) is not a power of two")
	}
	addColsScaledArch(colptr, ents, idx, x, out)
}

func addColsScaledGeneric(colptr []int, ents []uint64, idx []uint32, x []int32, out []int64) {
	m := uint(len(out) - 1) // a power of two less one: r&m < len(out), no bounds check
	x = x[:len(idx)]
	for k, f := range idx {
		s := int64(x[k])
		ee := ents[colptr[f]:colptr[f+1]]
		// Eight entries per step through an array pointer: Go compiled to WebAssembly
		// pays for every branch of the loop; the sums are the same in any order.
		for len(ee) >= 8 {
			e8 := (*[8]uint64)(ee)
			out[uint(e8[0])&m] += s * (int64(e8[0]) >> 32)
			out[uint(e8[1])&m] += s * (int64(e8[1]) >> 32)
			out[uint(e8[2])&m] += s * (int64(e8[2]) >> 32)
			out[uint(e8[3])&m] += s * (int64(e8[3]) >> 32)
			out[uint(e8[4])&m] += s * (int64(e8[4]) >> 32)
			out[uint(e8[5])&m] += s * (int64(e8[5]) >> 32)
			out[uint(e8[6])&m] += s * (int64(e8[6]) >> 32)
			out[uint(e8[7])&m] += s * (int64(e8[7]) >> 32)
			ee = ee[8:]
		}
		for _, e := range ee {
			out[uint(e)&m] += s * (int64(e) >> 32)
		}
	}
}

// AddColsConst adds c to out[r] for each entry (r, v) in column idx[k] of a CSC matrix
// (as AddColsScaled; the values are not read), for every k (int64, wrapping): out[r]
// grows by c·|idx ∩ row r|. It panics if an index is out of range.
func AddColsConst(colptr []int, ents []uint64, idx []uint32, c int64, out []int64) {
	addColsConstArch(colptr, ents, idx, c, out)
}

func addColsConstGeneric(colptr []int, ents []uint64, idx []uint32, c int64, out []int64) {
	for _, f := range idx {
		ee := ents[colptr[f]:colptr[f+1]]
		for len(ee) >= 8 { // eight per step, as addColsScaledGeneric
			e8 := (*[8]uint64)(ee)
			out[uint32(e8[0])] += c
			out[uint32(e8[1])] += c
			out[uint32(e8[2])] += c
			out[uint32(e8[3])] += c
			out[uint32(e8[4])] += c
			out[uint32(e8[5])] += c
			out[uint32(e8[6])] += c
			out[uint32(e8[7])] += c
			ee = ee[8:]
		}
		for _, e := range ee {
			out[uint32(e)] += c
		}
	}
}

// AddMatchCounts adds c·popcount(bits[r·w:(r+1)·w] & q) to out[r] for every row r, with
// w = len(q) (int64, wrapping): with each row's features as a bitset (feature f is bit
// f mod 64 of word f/64), out[r] grows by c·|q ∩ row r|, the change AddColsConst makes
// from the CSC form, at a cost of w words per row however many features q holds. It
// panics unless len(bits) == len(out)·len(q).
func AddMatchCounts(bits, q []uint64, c int64, out []int64) {
	if len(q) == 0 && len(bits) == 0 {
		return
	}
	mustSameLen(len(bits), len(out)*len(q))
	addMatchCountsArch(bits, q, c, out)
}

func addMatchCountsGeneric(bits, q []uint64, c int64, out []int64) {
	w := len(q)
	if w == 0 {
		return
	}
	// Only the words from q's first non-zero one to its last can match.
	lo, hi := 0, w
	for lo < hi && q[lo] == 0 {
		lo++
	}
	for hi > lo && q[hi-1] == 0 {
		hi--
	}
	qq := q[lo:hi]
	if len(qq) == 0 { // nothing can match
		return
	}
	if len(qq) == 1 { // one word to match: no inner loop
		q0 := qq[0]
		for r := range out {
			out[r] += c * int64(mbits.OnesCount64(bits[r*w+lo]&q0))
		}
		return
	}
	for r := range out {
		row := bits[r*w+lo : r*w+hi]
		row = row[:len(qq)]
		n, qr := 0, qq
		for len(row) >= 4 && len(qr) >= 4 { // four words per step, as addColsScaledGeneric
			r4, q4 := (*[4]uint64)(row), (*[4]uint64)(qr)
			n += mbits.OnesCount64(r4[0]&q4[0]) + mbits.OnesCount64(r4[1]&q4[1]) +
				mbits.OnesCount64(r4[2]&q4[2]) + mbits.OnesCount64(r4[3]&q4[3])
			row, qr = row[4:], qr[4:]
		}
		qr = qr[:len(row)]
		for i, x := range row {
			n += mbits.OnesCount64(x & qr[i])
		}
		out[r] += c * int64(n)
	}
}

// ColsLen returns Σ_k (colptr[idx[k]+1] − colptr[idx[k]]): how many entries the columns
// idx name. It panics if an index is out of range.
func ColsLen(colptr []int, idx []uint32) int {
	n := 0
	for _, f := range idx {
		n += colptr[f+1] - colptr[f]
	}
	return n
}

// SubI32 sets dst[i] = a[i] − b[i] (int32, wrapping). It panics unless all three have
// the same length.
func SubI32(dst, a, b []int32) {
	mustSameLen(len(dst), len(a))
	mustSameLen(len(a), len(b))
	subI32Arch(dst, a, b)
}

func subI32Generic(dst, a, b []int32) {
	dst, b = dst[:len(a)], b[:len(a)]
	for i, v := range a {
		dst[i] = v - b[i]
	}
}
