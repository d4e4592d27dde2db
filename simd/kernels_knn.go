package simd

import "math/bits"

// Kernels of exact KNN-Shapley (engine/value): for one test row, order the training rows
// by (distance, index) and run Jia et al.'s recursion over that order. Portable Go only
// (natively every level runs it); the host-kernel WebAssembly build imports them.

// KNNSortPacked orders n = len(dist) training rows by (dist[i], i) ascending for a test
// row of label yt: it writes entry i as (dist[i] − min dist)<<low | i<<1 | c_i, with
// low = bits.Len64(n−1) + 1 and c_i = 1 iff labels[i] == yt, and sorts the entries
// ascending (an LSD radix sort, stable, on the distance bits), so that the entries'
// low bits, e & (1<<low − 1), list the rows nearest first. It returns where the sorted
// entries are: 0 in keys, 1 in tmp; or −1, with keys and tmp unspecified, if an entry
// does not fit in 64 bits (the distance range needs more than 64 − low bits), for the
// caller to sort otherwise. It panics unless len(labels), len(keys) and len(tmp) equal
// len(dist) ≥ 1, or if a distance is negative.
func KNNSortPacked(dist []int64, labels []int32, yt int32, keys, tmp []uint64) int {
	mustSameLen(len(dist), len(labels))
	mustSameLen(len(dist), len(keys))
	mustSameLen(len(dist), len(tmp))
	if len(dist) == 0 {
		panic("simd: KNNSortPacked of no rows")
	}
	return knnSortPackedArch(dist, labels, yt, keys, tmp)
}

func knnSortPackedGeneric(dist []int64, labels []int32, yt int32, keys, tmp []uint64) int {
	n := len(dist)
	labels, keys, tmp = labels[:n], keys[:n], tmp[:n]
	lo, hi := dist[0], dist[0]
	for _, d := range dist[1:] {
		lo = min(lo, d)
		hi = max(hi, d)
	}
	if lo < 0 {
		panic("simd: KNNSortPacked: negative distance")
	}
	width := uint(bits.Len64(uint64(hi - lo)))
	low := uint(bits.Len64(uint64(n-1))) + 1
	if width+low > 64 {
		return -1
	}
	for i, d := range dist {
		c := uint64(0)
		if labels[i] == yt {
			c = 1
		}
		keys[i] = uint64(d-lo)<<low | uint64(i)<<1 | c
	}
	if width == 0 {
		return 0
	}
	if n <= 64 {
		insertionSortU64(keys)
		return 0
	}
	passes, digit := RadixDigits(width)
	mask := uint64(1)<<digit - 1
	var h RadixHist
	src, dst := keys, tmp
	where := 0
	for p := uint(0); p < passes; p++ {
		sh := low + p*digit
		if !h.Count(src, sh, mask) {
			continue
		}
		for _, k := range src {
			b := k >> sh & mask & (1<<RadixMaxDigit - 1)
			dst[h[b]] = k
			h[b]++
		}
		src, dst = dst, src
		where ^= 1
	}
	return where
}

// insertionSortU64 sorts a short slice ascending.
func insertionSortU64(a []uint64) {
	for i := 1; i < len(a); i++ {
		v := a[i]
		j := i
		for ; j > 0 && a[j-1] > v; j-- {
			a[j] = a[j-1]
		}
		a[j] = v
	}
}

// RadixMaxDigit is the widest radix digit of the KNN sorts, in bits.
const RadixMaxDigit = 11

// RadixHist is one radix pass's bucket counts, then its bucket offsets.
type RadixHist [1 << RadixMaxDigit]uint32

// RadixDigits splits width ≥ 1 bits into passes of at most RadixMaxDigit bits, as even
// as possible.
func RadixDigits(width uint) (passes, digit uint) {
	passes = (width + RadixMaxDigit - 1) / RadixMaxDigit
	digit = (width + passes - 1) / passes
	return passes, digit
}

// Count fills h with the counts of the digit (k>>sh)&mask of keys (mask < 1<<RadixMaxDigit)
// and turns them into starting offsets; it reports false if one bucket holds every key
// (the pass would not move anything).
func (h *RadixHist) Count(keys []uint64, sh uint, mask uint64) bool {
	clear(h[:])
	for _, k := range keys {
		h[k>>sh&mask&(1<<RadixMaxDigit-1)]++
	}
	n := len(keys)
	var s uint32
	for i := range h[:mask+1] {
		c := h[i]
		if int(c) == n {
			return false
		}
		h[i] = s
		s += c
	}
	return true
}

// KNNRecurse runs the recursion of Jia et al. (PVLDB 2019, Theorem 1) for one test row
// over n = len(ents) training rows listed nearest first: entry p's bits under mask are
// row<<1 | c, c = 1 iff the row's label is the test row's. Position p's weight is the
// unsigned 128-bit w[2p]·2^64 + w[2p+1] (⌊P·2^64/max(K, p+1)⌋); the value of the row at
// position p, accumulated in two's-complement 128 bits as
//
//	s_N = c_N·w_N,   s_p = s_{p+1} + (c_p − c_{p+1})·w_p,
//
// is rounded to the nearest multiple of 2^64, ties to even, and that quotient is added
// to sums[row] (int64, wrapping). It panics unless len(w) == 2·len(ents) and every row
// is < len(sums).
func KNNRecurse(ents []uint64, mask uint64, w []uint64, sums []int64) {
	if len(w) != 2*len(ents) {
		panic("simd: KNNRecurse: weights do not match the entries")
	}
	knnRecurseArch(ents, mask, w, sums)
}

// round128 returns the two's-complement hi·2^64 + lo divided by 2^64 and rounded to the
// nearest integer, ties to even.
func round128(hi, lo uint64) int64 {
	q := int64(hi)
	if lo > 1<<63 || (lo == 1<<63 && q&1 != 0) {
		q++
	}
	return q
}

func knnRecurseGeneric(ents []uint64, mask uint64, w []uint64, sums []int64) {
	n := len(ents)
	if n == 0 {
		return
	}
	w = w[:2*n]
	var hi, lo uint64
	e := ents[n-1] & mask
	prev := e & 1
	if prev != 0 {
		hi, lo = w[2*n-2], w[2*n-1]
	}
	r := round128(hi, lo)
	sums[e>>1] += r
	for p := n - 2; p >= 0; p-- {
		e := ents[p] & mask
		if cur := e & 1; cur != prev {
			var c uint64
			if cur != 0 {
				lo, c = bits.Add64(lo, w[2*p+1], 0)
				hi = hi + w[2*p] + c
			} else {
				lo, c = bits.Sub64(lo, w[2*p+1], 0)
				hi = hi - w[2*p] - c
			}
			prev = cur
			r = round128(hi, lo)
		}
		sums[e>>1] += r
	}
}

// KNNBlockValues is the size of the blocks of training rows KNNShapleyRows computes
// distances over, in int32 values (64 KiB): each block is read once for all its test
// rows.
const KNNBlockValues = 1 << 14

// MaxKNNRows is the most test rows one KNNShapleyRows call takes.
const MaxKNNRows = 64

// KNNShapleyRows runs KNN-Shapley for r = len(ys) ≤ MaxKNNRows test rows against n =
// len(labels) training rows of d dims: train holds the training rows (n·d values, row
// major), qs the test rows (r·d), ys their labels, w the weights of KNNRecurse (2n
// values). For each test row j it sets dists[j·n : (j+1)·n] to the squared distances to
// every training row (SqDistBatch over blocks of KNNBlockValues values, each block read
// once for all r rows), orders the training rows with KNNSortPacked (keys and tmp, n
// values each, are scratch) and adds the row's rounded values to sums with KNNRecurse
// (sums must hold n values). A row whose entries do not fit in 64 bits is left undone:
// bit j of the result is set and its distances are left in dists for the caller to
// finish (say with a wider sort and KNNRecurse). The result is the same as those steps
// run one test row after another; in the host-kernel WebAssembly build the host may
// split the rows among goroutines, each with its own sums, and add the sums up (integer
// addition: the same bits). It panics unless d = len(qs)/r ≥ 1 divides len(qs) and
// len(train) = n·d, n ≥ 1, len(w) = 2n, len(sums) = len(keys) = len(tmp) = n and
// len(dists) = r·n, with 1 ≤ r ≤ MaxKNNRows; or if a distance is negative (one
// overflowed: the caller bounds the features).
func KNNShapleyRows(train, labels, qs, ys []int32, w []uint64, sums, dists []int64, keys, tmp []uint64) uint64 {
	r, n := len(ys), len(labels)
	if r < 1 || r > MaxKNNRows || n < 1 || len(qs)%r != 0 || len(qs) < r {
		panic("simd: KNNShapleyRows: bad row counts")
	}
	d := len(qs) / r
	if len(train)/d != n || len(train)%d != 0 || len(w) != 2*n || len(sums) != n || len(keys) != n ||
		len(tmp) != n || len(dists)/n != r || len(dists)%n != 0 {
		panic("simd: KNNShapleyRows: slices do not match the rows")
	}
	return knnShapleyRowsArch(train, labels, qs, ys, w, sums, dists, keys, tmp)
}

// knnSqDistBatch is SqDistBatch at the level in use (set at init: the table of portable
// kernels refers to knnShapleyRowsGeneric, so a direct reference would be an
// initialisation cycle).
var knnSqDistBatch func(rows, q []int32, out []int64)

func init() { knnSqDistBatch = SqDistBatch }

func knnShapleyRowsGeneric(train, labels, qs, ys []int32, w []uint64, sums, dists []int64, keys, tmp []uint64) uint64 {
	r, n := len(ys), len(labels)
	d := len(qs) / r
	rb := max(1, KNNBlockValues/d)
	for r0 := 0; r0 < n; r0 += rb {
		r1 := min(n, r0+rb)
		rows := train[r0*d : r1*d]
		for j := range r {
			knnSqDistBatch(rows, qs[j*d:(j+1)*d], dists[j*n+r0:j*n+r1])
		}
	}
	low := uint(bits.Len64(uint64(n-1))) + 1
	mask := uint64(1)<<low - 1
	var undone uint64
	for j, yt := range ys {
		switch knnSortPackedGeneric(dists[j*n:(j+1)*n], labels, yt, keys, tmp) {
		case 0:
			knnRecurseGeneric(keys, mask, w, sums)
		case 1:
			knnRecurseGeneric(tmp, mask, w, sums)
		default:
			undone |= 1 << j
		}
	}
	return undone
}
