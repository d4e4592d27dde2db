package simd

import "slices"

// Kernels used by the model families beyond the core set in kernels.go. Like those,
// each is an exact integer function (int64 arithmetic wraps), and panics only on
// caller bugs: slices of mismatched length, an index out of range, a zero divisor.

// MinMax returns the smallest and largest element of x, or (0, 0) for an empty x
// (a neutral answer: an empty slice is within every bound).
func MinMax(x []int32) (lo, hi int32) { return minMaxArch(x) }

func minMaxGeneric(x []int32) (lo, hi int32) {
	if len(x) == 0 {
		return 0, 0
	}
	lo, hi = x[0], x[0]
	for len(x) >= 8 { // eight per step, without a branch per element
		x8 := (*[8]int32)(x)
		lo = min(lo, x8[0], x8[1], x8[2], x8[3], x8[4], x8[5], x8[6], x8[7])
		hi = max(hi, x8[0], x8[1], x8[2], x8[3], x8[4], x8[5], x8[6], x8[7])
		x = x[8:]
	}
	for _, v := range x {
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi
}

// CountZero returns how many elements of x are zero.
func CountZero(x []int32) int { return countZeroArch(x) }

func countZeroGeneric(x []int32) int {
	n := 0
	for _, v := range x {
		if v == 0 {
			n++
		}
	}
	return n
}

// Sum returns Σ x[i] in int64 (wrapping).
func Sum(x []int32) int64 { return sumArch(x) }

func sumGeneric(x []int32) int64 {
	var s int64
	for _, v := range x {
		s += int64(v)
	}
	return s
}

// SortedBelow reports whether idx is strictly increasing and every element is < limit.
func SortedBelow(idx []uint32, limit uint32) bool {
	prev := int64(-1)
	for _, j := range idx {
		if int64(j) <= prev || j >= limit {
			return false
		}
		prev = int64(j)
	}
	return true
}

// ScatterAdd64 sets dst[idx[i]] += s·val[i] in int64 (wrapping) for every i, in order.
// It panics if len(idx) != len(val) or an index is out of range.
func ScatterAdd64(dst []int64, idx []uint32, val []int32, s int64) {
	mustSameLen(len(idx), len(val))
	for i, j := range idx {
		dst[j] += s * int64(val[i])
	}
}

// QuoTrunc sets dst[i] = int32(num[i] / d), the quotient truncated toward zero (Go's
// `/`), then truncated to 32 bits. It panics if len(dst) != len(num) or d == 0.
func QuoTrunc(dst []int32, num []int64, d int64) {
	mustSameLen(len(dst), len(num))
	if d == 0 {
		panic("simd: QuoTrunc by zero")
	}
	for i, v := range num {
		dst[i] = int32(v / d)
	}
}

// GatherSum returns Σ w[idx[i]] in int64 (wrapping). It panics if an index is out of
// range.
func GatherSum(w []int32, idx []uint32) int64 { return gatherSumArch(w, idx) }

func gatherSumGeneric(w []int32, idx []uint32) int64 {
	var s int64
	for _, j := range idx {
		s += int64(w[j])
	}
	return s
}

// ScatterInc adds 1 to w[idx[i]] (int32, wrapping) for every i, in order. It panics if
// an index is out of range.
func ScatterInc(w []int32, idx []uint32) {
	for _, j := range idx {
		w[j]++
	}
}

// NonZeroIdx appends to dst the index of every non-zero element of x, in increasing
// order, and returns the extended slice. It may write to dst's spare capacity up to
// len(x) elements past len(dst).
func NonZeroIdx(dst []uint32, x []int32) []uint32 {
	n := len(dst)
	dst = slices.Grow(dst, len(x))
	out := dst[n : n+len(x)]
	// Without a branch per element: every index is written at out[k], and k moves past
	// it when the element is non-zero (v|−v has the sign bit set exactly when v ≠ 0).
	k, i := 0, 0
	for ; len(x) >= 8; x = x[8:] {
		x8 := (*[8]int32)(x) // eight per step: Go compiled to WebAssembly pays per loop turn
		out[k] = uint32(i)
		k += int(uint32(x8[0]|-x8[0]) >> 31)
		out[k] = uint32(i + 1)
		k += int(uint32(x8[1]|-x8[1]) >> 31)
		out[k] = uint32(i + 2)
		k += int(uint32(x8[2]|-x8[2]) >> 31)
		out[k] = uint32(i + 3)
		k += int(uint32(x8[3]|-x8[3]) >> 31)
		out[k] = uint32(i + 4)
		k += int(uint32(x8[4]|-x8[4]) >> 31)
		out[k] = uint32(i + 5)
		k += int(uint32(x8[5]|-x8[5]) >> 31)
		out[k] = uint32(i + 6)
		k += int(uint32(x8[6]|-x8[6]) >> 31)
		out[k] = uint32(i + 7)
		k += int(uint32(x8[7]|-x8[7]) >> 31)
		i += 8
	}
	for j, v := range x {
		out[k] = uint32(i + j)
		k += int(uint32(v|-v) >> 31)
	}
	return dst[:n+k]
}

// Densify sets dst to the dense form of the sparse vector (idx, val): every element
// zero except dst[idx[i]] = val[i]. It panics if len(idx) != len(val) or an index is
// out of range.
func Densify(dst []int32, idx []uint32, val []int32) {
	mustSameLen(len(idx), len(val))
	clear(dst)
	for i, j := range idx {
		dst[j] = val[i]
	}
}
