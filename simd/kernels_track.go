package simd

import "math/bits"

// Kernels of the incremental trackers' per-test-row loops (engine/model) and of naive
// Bayes' logarithms. They have no assembly: natively every level runs the portable code
// below; in the WebAssembly host-kernel build they are host functions, because Go
// compiled to WebAssembly runs these branchy loops several times slower than native Go.
// Each is an exact integer function and panics only on caller bugs.

// checkRepredict panics unless score holds classes columns of len(pred) values, y
// matches pred and a, b name columns.
func checkRepredict(score []int64, classes, a, b int, pred, y []int32) {
	mustSameLen(len(pred), len(y))
	if classes < 1 || len(score)/classes != len(pred) || len(score)%classes != 0 ||
		a < 0 || a >= classes || b < 0 || b >= classes {
		panic("simd: score matrix does not match the classes, the rows or the changed columns")
	}
}

// RepredictMax re-derives every prediction after columns a and b (a may equal b) of a
// class-major score matrix changed, the other columns unchanged: score[k·n + i] is row
// i's score for class k, n = len(pred), classes columns; before the call pred[i] must be
// row i's argmax (largest score, the lowest class on ties) over the unchanged columns
// and its own; after it pred[i] is the argmax of the current scores. A row that
// predicted a or b is rescanned; any other keeps the best of its prediction, a and b.
// It returns the change of the number of rows with pred[i] == y[i]. It panics unless
// len(score) == classes·len(pred), len(y) == len(pred), 0 ≤ a, b < classes and every
// pred[i] is in [0, classes).
func RepredictMax(score []int64, classes, a, b int, pred, y []int32) int {
	checkRepredict(score, classes, a, b, pred, y)
	return repredictMaxArch(score, classes, a, b, pred, y)
}

// RepredictMin is RepredictMax with smaller scores better (distances).
func RepredictMin(score []int64, classes, a, b int, pred, y []int32) int {
	checkRepredict(score, classes, a, b, pred, y)
	return repredictMinArch(score, classes, a, b, pred, y)
}

// changed returns the change in the count of correct predictions when row i's
// prediction goes from old to p with label yi.
func changed(old, p, yi int32) int {
	switch {
	case old == p:
		return 0
	case old == yi:
		return -1
	case p == yi:
		return 1
	}
	return 0
}

func repredictMaxGeneric(score []int64, classes, a, b int, pred, y []int32) int {
	n := len(pred)
	y = y[:n]
	a32, b32 := int32(a), int32(b)
	ca, cb := score[a*n:a*n+n], score[b*n:b*n+n]
	delta := 0
	for i, q := range pred {
		var p int32
		if q == a32 || q == b32 {
			best, bv := 0, score[i]
			for k := 1; k < classes; k++ {
				if v := score[k*n+i]; v > bv {
					best, bv = k, v
				}
			}
			p = int32(best)
		} else {
			p = q
			bv := score[int(q)*n+i]
			if sc := ca[i]; sc > bv || (sc == bv && a32 < p) {
				p, bv = a32, sc
			}
			if sc := cb[i]; sc > bv || (sc == bv && b32 < p) {
				p = b32
			}
		}
		if p != q {
			delta += changed(q, p, y[i])
			pred[i] = p
		}
	}
	return delta
}

func repredictMinGeneric(score []int64, classes, a, b int, pred, y []int32) int {
	n := len(pred)
	y = y[:n]
	a32, b32 := int32(a), int32(b)
	ca, cb := score[a*n:a*n+n], score[b*n:b*n+n]
	delta := 0
	for i, q := range pred {
		var p int32
		if q == a32 || q == b32 {
			best, bv := 0, score[i]
			for k := 1; k < classes; k++ {
				if v := score[k*n+i]; v < bv {
					best, bv = k, v
				}
			}
			p = int32(best)
		} else {
			p = q
			bv := score[int(q)*n+i]
			if sc := ca[i]; sc < bv || (sc == bv && a32 < p) {
				p, bv = a32, sc
			}
			if sc := cb[i]; sc < bv || (sc == bv && b32 < p) {
				p = b32
			}
		}
		if p != q {
			delta += changed(q, p, y[i])
			pred[i] = p
		}
	}
	return delta
}

// RepredictSparse re-derives the sparse-centroid predictions after class k's column of
// g changed. With n = len(pred) rows and C = len(cnt) classes, g[c·n + i] is G_c for row
// i, cnt[c] class c's sample count n_c and q[c] its Q_c, and row i has m_i =
// ptr[i+1] − ptr[i] features; class a is nearer to row i than class b when
// E_a·n_b² < E_b·n_a² (compared exactly in 128 bits), E_c = m_i·n_c² + Q_c − 2·n_c·G_c
// (in wrapping int64 arithmetic, then read as unsigned), ties to the lower class, and a
// class without samples is farther than any class with samples. Before the call pred[i]
// must be the nearest class over the unchanged columns and its own; after it pred[i] is
// the nearest class: a row that predicted k is rescanned over every class, any other
// moves to k if k is nearer. It returns the change of the number of rows with
// pred[i] == y[i]. It panics unless len(q) == len(cnt) ≥ 1, len(g) == len(cnt)·len(pred),
// len(ptr) == len(pred)+1, len(y) == len(pred), 0 ≤ k < len(cnt), and every pred[i] is
// in [0, len(cnt)).
func RepredictSparse(g, cnt, q []int64, ptr []int, k int, pred, y []int32) int {
	mustSameLen(len(pred), len(y))
	mustSameLen(len(cnt), len(q))
	c := len(cnt)
	if c < 1 || len(g)/c != len(pred) || len(g)%c != 0 || len(ptr) != len(pred)+1 || k < 0 || k >= c {
		panic("simd: sparse-centroid state does not match the classes, the rows or the class")
	}
	return repredictSparseArch(g, cnt, q, ptr, k, pred, y)
}

// short64 reports whether a class with n samples, E = e and n² = n2 takes sparseNearer's
// 64-bit shortcut (with the other class's): it has samples, and e and n2 are below 2^32.
func short64(n int64, e, n2 uint64) bool { return n != 0 && e|n2 < 1<<32 }

// sparseNearer reports whether class a is nearer to the row with m features than class b
// (RepredictSparse's rule); ga and gb are the row's G_a and G_b.
func sparseNearer(a, b int32, cnt, q []int64, m, ga, gb int64) bool {
	na, nb := cnt[a], cnt[b]
	if na == 0 || nb == 0 {
		if na == 0 && nb == 0 {
			return a < b
		}
		return nb == 0
	}
	ea := uint64(m*na*na + q[a] - 2*na*ga)
	eb := uint64(m*nb*nb + q[b] - 2*nb*gb)
	na2, nb2 := uint64(na*na), uint64(nb*nb)
	if ea|eb|na2|nb2 < 1<<32 {
		// Both products fit in 64 bits: the same comparison without the 128-bit products,
		// which WebAssembly assembles from 32-bit halves.
		if p1, p2 := ea*nb2, eb*na2; p1 != p2 {
			return p1 < p2
		}
		return a < b
	}
	h1, l1 := bits.Mul64(ea, nb2)
	h2, l2 := bits.Mul64(eb, na2)
	if h1 != h2 {
		return h1 < h2
	}
	if l1 != l2 {
		return l1 < l2
	}
	return a < b
}

// repredictSparseGeneric inlines sparseNearer's usual case, where both classes have
// samples and both products fit in 64 bits (short64), and calls it for the rest: Go
// compiled to WebAssembly pays dearly for a call per row and class.
func repredictSparseGeneric(g, cnt, q []int64, ptr []int, k int, pred, y []int32) int {
	n := len(pred)
	y = y[:n]
	ptr = ptr[:n+1]
	c := len(cnt)
	q = q[:c]
	k32 := int32(k)
	gk := g[k*n : k*n+n]
	nk, qk := cnt[k], q[k]
	nknk := nk * nk
	delta := 0
	for i, p0 := range pred {
		m := int64(ptr[i+1] - ptr[i])
		var p int32
		if p0 == k32 {
			// Rescan every class, carrying the best one's E and n².
			best := int32(0)
			nb := cnt[0]
			eb, nb2 := uint64(m*nb*nb+q[0]-2*nb*g[i]), uint64(nb*nb)
			okb := short64(nb, eb, nb2)
			for a := 1; a < c; a++ {
				na, ga := cnt[a], g[a*n+i]
				ea, na2 := uint64(m*na*na+q[a]-2*na*ga), uint64(na*na)
				oka := short64(na, ea, na2)
				var nearer bool
				if oka && okb {
					nearer = ea*nb2 < eb*na2 // a tie keeps best, the lower class
				} else {
					nearer = sparseNearer(int32(a), best, cnt, q, m, ga, g[int(best)*n+i])
				}
				if nearer {
					best, eb, nb2, okb = int32(a), ea, na2, oka
				}
			}
			p = best
		} else {
			nb, gb := cnt[p0], g[int(p0)*n+i]
			ea, nk2 := uint64(m*nknk+qk-2*nk*gk[i]), uint64(nknk)
			eb, nb2 := uint64(m*nb*nb+q[p0]-2*nb*gb), uint64(nb*nb)
			var nearer bool
			if short64(nk, ea, nk2) && short64(nb, eb, nb2) {
				p1, p2 := ea*nb2, eb*nk2
				nearer = p1 < p2 || p1 == p2 && k32 < p0
			} else {
				nearer = sparseNearer(k32, p0, cnt, q, m, gk[i], gb)
			}
			if !nearer {
				continue
			}
			p = k32
		}
		if p != p0 {
			delta += changed(p0, p, y[i])
			pred[i] = p
		}
	}
	return delta
}

// Log2FracBits is the number of fractional bits of Log2Batch's results.
const Log2FracBits = 24

// Log2Batch sets out[i] to log2(x[i]) in units of 2^−24, rounded as engine/fixed's Log2
// rounds (the same bits: |out[i] − log2(x[i])·2^24| < 1, exact at powers of two; see
// docs/NUMERICS.md). It panics if len(out) != len(x) or any x[i] is 0.
func Log2Batch(x []uint64, out []int64) {
	mustSameLen(len(x), len(out))
	log2BatchArch(x, out)
}

func log2BatchGeneric(x []uint64, out []int64) {
	out = out[:len(x)]
	for i, v := range x {
		out[i] = log2Fixed(v)
	}
}

// log2Fixed is engine/fixed's Log2 (the method is proven there): x = 2^n·y, y ∈ [1, 2)
// held as m/2^63; 25 squarings each give one bit of log2(y), the last one rounding.
func log2Fixed(x uint64) int64 {
	if x == 0 {
		panic("simd: Log2Batch: logarithm of zero")
	}
	n := bits.Len64(x) - 1
	m := x << (63 - n)
	var b uint64
	for range Log2FracBits + 1 {
		hi, lo := bits.Mul64(m, m)
		top := hi >> 63
		s := 1 - top
		m = hi<<s | (lo>>63)&s
		b = b<<1 | top
	}
	return int64(n)<<Log2FracBits + int64((b+1)>>1)
}

// KNNInsert offers a new stored row j to every test row's list of nearest stored rows
// (the knn tracker of engine/model) and re-votes the rows whose list changed. Test row i
// (n = len(pred) rows) has the list nd/ni[i·stride : i·stride + cnt[i]] of (distance,
// stored-row index) pairs, nearest first by (distance, index), at most k long, every
// index below j. The new row's distance to test row i is xx + sq[i] − 2·dots[i] (int64,
// wrapping; the caller makes it exact); it enters the list if the list is shorter than
// k or if it is strictly nearer than the last entry (which it then drops), after the
// entries at most as near (a tie goes to the lower index, which they have). A row whose
// list changed gets pred[i] = the majority label (labels[index]) of its list, a tie to
// the tied label whose nearest member comes first; votes is scratch of one count per
// label, zero on entry and on return. It returns the change of the number of rows with
// pred[i] == y[i]. It panics unless dots, sq, cnt, pred and y have the same length,
// len(nd) == len(ni), and k ≥ 1; an index out of range (a list past its slot or its
// stride, a label past votes) panics too.
func KNNInsert(dots, sq []int64, xx int64, j, k, stride int, cnt []int, nd []int64, ni []int, labels, votes, pred, y []int32) int {
	n := len(pred)
	if len(dots) != n || len(sq) != n || len(cnt) != n || len(y) != n || len(nd) != len(ni) || k < 1 || stride < 0 {
		panic("simd: KNNInsert: slices of different length or a bad K")
	}
	return knnInsertArch(dots, sq, xx, j, k, stride, cnt, nd, ni, labels, votes, pred, y)
}

func knnInsertGeneric(dots, sq []int64, xx int64, j, k, stride int, cnt []int, nd []int64, ni []int, labels, votes, pred, y []int32) int {
	n := len(pred)
	dots, sq, cnt, y = dots[:n], sq[:n], cnt[:n], y[:n]
	delta := 0
	for i, dot := range dots {
		dist := xx + sq[i] - 2*dot
		l, base := cnt[i], i*stride
		end := l
		if l == k {
			if dist >= nd[base+l-1] {
				continue
			}
			end = l - 1
		} else {
			cnt[i]++
		}
		p := end
		for p > 0 && nd[base+p-1] > dist {
			nd[base+p], ni[base+p] = nd[base+p-1], ni[base+p-1]
			p--
		}
		nd[base+p], ni[base+p] = dist, j
		// The vote over the list (knn's rule).
		nb := ni[base : base+cnt[i]]
		for _, a := range nb {
			votes[labels[a]]++
		}
		best, bv := int32(0), int32(0)
		for _, a := range nb {
			if v := votes[labels[a]]; v > bv {
				best, bv = labels[a], v
			}
		}
		for _, a := range nb {
			votes[labels[a]] = 0
		}
		if q := pred[i]; q != best {
			delta += changed(q, best, y[i])
			pred[i] = best
		}
	}
	return delta
}

// DenseToCSR writes the non-zero entries of the row-major matrix x (rows of dims
// values) in CSR form: row r's non-zero features, increasing, are
// idx[ptr[r]:ptr[r+1]] with their values in val, and ptr[0] = 0. It panics unless
// dims ≥ 1 divides len(x), len(ptr) = len(x)/dims + 1 and len(idx) = len(val) = the
// number of non-zero entries of x (len(x) − CountZero(x)).
func DenseToCSR(x []int32, dims int, ptr []int, idx []uint32, val []int32) {
	mustSameLen(len(idx), len(val))
	if dims < 1 || len(x)%dims != 0 || len(ptr) != len(x)/dims+1 {
		panic("simd: DenseToCSR: offsets do not match the rows")
	}
	denseToCSRArch(x, dims, ptr, idx, val)
}

func denseToCSRGeneric(x []int32, dims int, ptr []int, idx []uint32, val []int32) {
	p := 0
	ptr[0] = 0
	for r := 1; r < len(ptr); r++ {
		row := x[(r-1)*dims : r*dims]
		for f, v := range row {
			if v != 0 {
				idx[p], val[p] = uint32(f), v
				p++
			}
		}
		ptr[r] = p
	}
	if p != len(idx) {
		panic("simd: DenseToCSR: fewer non-zero entries than the outputs hold")
	}
}

// CSRToCSC transposes a CSR matrix (rows idx[ptr[r]:ptr[r+1]] of column indices, values
// val) into CSC form: column f lists the entries of the rows having an entry in it,
// ents[colptr[f]:colptr[f+1]], by increasing row, each CSCEntry(row, value); colptr[0] =
// 0. It panics unless len(ptr) ≥ 1, ptr[0] = 0, ptr[len(ptr)−1] = len(idx), len(idx) =
// len(val) = len(ents), len(ptr) − 1 ≤ 2^32 (rows fit in uint32) and every index is <
// len(colptr) − 1; ptr must be non-decreasing.
func CSRToCSC(ptr []int, idx []uint32, val []int32, colptr []int, ents []uint64) {
	mustSameLen(len(idx), len(val))
	mustSameLen(len(idx), len(ents))
	if len(ptr) < 1 || ptr[0] != 0 || ptr[len(ptr)-1] != len(idx) || uint64(len(ptr)-1) > 1<<32 || len(colptr) < 1 {
		panic("simd: CSRToCSC: offsets do not match the entries")
	}
	csrToCSCArch(ptr, idx, val, colptr, ents)
}

func csrToCSCGeneric(ptr []int, idx []uint32, val []int32, colptr []int, ents []uint64) {
	dims := len(colptr) - 1
	clear(colptr)
	for _, f := range idx {
		if int(f) >= dims {
			panic("simd: CSRToCSC: column index out of range")
		}
		colptr[f+1]++
	}
	for f := range dims {
		colptr[f+1] += colptr[f]
	}
	// colptr[f] serves as column f's cursor, ending at the old colptr[f+1]; shifted back
	// after.
	for r := range len(ptr) - 1 {
		a, b := ptr[r], ptr[r+1]
		vv := val[a:b]
		for k, f := range idx[a:b] {
			q := colptr[f]
			ents[q] = CSCEntry(uint32(r), vv[k])
			colptr[f] = q + 1
		}
	}
	copy(colptr[1:], colptr[:dims])
	colptr[0] = 0
}
