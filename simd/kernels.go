package simd

func mustSameLen(a, b int) {
	if a != b {
		panic("simd: slices of different length")
	}
}

// Dot returns Σ a[i]·b[i], each product and the sum in int64 (wrapping).
// It panics if len(a) != len(b).
func Dot(a, b []int32) int64 {
	mustSameLen(len(a), len(b))
	return dotArch(a, b)
}

func dotGeneric(a, b []int32) int64 {
	b = b[:len(a)]
	var s int64
	// Sixteen elements per step through array pointers (testing len(b) too drops a check):
	// Go compiled to WebAssembly pays for every branch and bounds check of the loop; the
	// sum is the same in any order.
	for len(a) >= 16 && len(b) >= 16 {
		x, y := (*[16]int32)(a), (*[16]int32)(b)
		s += int64(x[0])*int64(y[0]) + int64(x[1])*int64(y[1]) +
			int64(x[2])*int64(y[2]) + int64(x[3])*int64(y[3]) +
			int64(x[4])*int64(y[4]) + int64(x[5])*int64(y[5]) +
			int64(x[6])*int64(y[6]) + int64(x[7])*int64(y[7])
		s += int64(x[8])*int64(y[8]) + int64(x[9])*int64(y[9]) +
			int64(x[10])*int64(y[10]) + int64(x[11])*int64(y[11]) +
			int64(x[12])*int64(y[12]) + int64(x[13])*int64(y[13]) +
			int64(x[14])*int64(y[14]) + int64(x[15])*int64(y[15])
		a, b = a[16:], b[16:]
	}
	b = b[:len(a)]
	for i, x := range a {
		s += int64(x) * int64(b[i])
	}
	return s
}

// SqDist returns Σ (a[i]-b[i])², each difference and the sum in int64 (wrapping).
// It panics if len(a) != len(b).
func SqDist(a, b []int32) int64 {
	mustSameLen(len(a), len(b))
	return sqDistArch(a, b)
}

func sqDistGeneric(a, b []int32) int64 {
	b = b[:len(a)]
	var s int64
	// Sixteen elements per step, as dotGeneric.
	for len(a) >= 16 && len(b) >= 16 {
		x, y := (*[16]int32)(a), (*[16]int32)(b)
		d0 := int64(x[0]) - int64(y[0])
		d1 := int64(x[1]) - int64(y[1])
		d2 := int64(x[2]) - int64(y[2])
		d3 := int64(x[3]) - int64(y[3])
		d4 := int64(x[4]) - int64(y[4])
		d5 := int64(x[5]) - int64(y[5])
		d6 := int64(x[6]) - int64(y[6])
		d7 := int64(x[7]) - int64(y[7])
		s += d0*d0 + d1*d1 + d2*d2 + d3*d3 + d4*d4 + d5*d5 + d6*d6 + d7*d7
		d0 = int64(x[8]) - int64(y[8])
		d1 = int64(x[9]) - int64(y[9])
		d2 = int64(x[10]) - int64(y[10])
		d3 = int64(x[11]) - int64(y[11])
		d4 = int64(x[12]) - int64(y[12])
		d5 = int64(x[13]) - int64(y[13])
		d6 = int64(x[14]) - int64(y[14])
		d7 = int64(x[15]) - int64(y[15])
		s += d0*d0 + d1*d1 + d2*d2 + d3*d3 + d4*d4 + d5*d5 + d6*d6 + d7*d7
		a, b = a[16:], b[16:]
	}
	b = b[:len(a)]
	for i, x := range a {
		d := int64(x) - int64(b[i])
		s += d * d
	}
	return s
}

// DotBatch sets out[r] = Dot(rows[r·dim:(r+1)·dim], q) for every row r.
// It panics unless len(q) == dim and len(rows) == len(out)·dim.
func DotBatch(rows []int32, q []int32, out []int64) {
	mustSameLen(len(rows), len(out)*len(q))
	dotBatchArch(rows, q, out)
}

func dotBatchGeneric(rows []int32, q []int32, out []int64) {
	dim := len(q)
	if dim < 16 { // short rows: a call to the unrolled dotGeneric costs more than it saves
		for r := range out {
			row := rows[r*dim:][:dim]
			var s int64
			for i, y := range q {
				s += int64(row[i]) * int64(y)
			}
			out[r] = s
		}
		return
	}
	for r := range out {
		out[r] = dotGeneric(rows[r*dim:(r+1)*dim], q)
	}
}

// SqDistBatch sets out[r] = SqDist(rows[r·dim:(r+1)·dim], q) for every row r.
// It panics unless len(q) == dim and len(rows) == len(out)·dim.
func SqDistBatch(rows []int32, q []int32, out []int64) {
	mustSameLen(len(rows), len(out)*len(q))
	sqDistBatchArch(rows, q, out)
}

func sqDistBatchGeneric(rows []int32, q []int32, out []int64) {
	dim := len(q)
	if dim < 16 { // short rows, as dotBatchGeneric
		for r := range out {
			row := rows[r*dim:][:dim]
			var s int64
			for i, y := range q {
				d := int64(row[i]) - int64(y)
				s += d * d
			}
			out[r] = s
		}
		return
	}
	for r := range out {
		out[r] = sqDistGeneric(rows[r*dim:(r+1)*dim], q)
	}
}

// AddScaledSat sets dst[i] = clamp(dst[i] + s·x[i], -lim, lim), computed exactly in
// int64 before clamping (the engine's saturating overflow rule for weights). lim must
// be positive; |s·x[i]| must not exceed 2^62 (true for any int32 s and x[i]).
// It panics if len(dst) != len(x).
func AddScaledSat(dst []int32, s int32, x []int32, lim int32) {
	mustSameLen(len(dst), len(x))
	addScaledSatArch(dst, s, x, lim)
}

func addScaledSatGeneric(dst []int32, s int32, x []int32, lim int32) {
	dst = dst[:len(x)]
	l := int64(lim)
	for i, v := range x {
		t := int64(dst[i]) + int64(s)*int64(v)
		if t > l {
			t = l
		} else if t < -l {
			t = -l
		}
		dst[i] = int32(t)
	}
}

// AddScaled64 sets dst[i] += s·x[i] in int64 (wrapping): exact running sums.
// It panics if len(dst) != len(x).
func AddScaled64(dst []int64, s int64, x []int32) {
	mustSameLen(len(dst), len(x))
	addScaled64Arch(dst, s, x)
}

func addScaled64Generic(dst []int64, s int64, x []int32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] += s * int64(v)
	}
}

// GatherDot returns Σ w[idx[i]]·val[i] in int64 (wrapping): the dot product of a dense
// weight vector with a sparse vector. It panics if len(idx) != len(val) or an index is
// out of range.
func GatherDot(w []int32, idx []uint32, val []int32) int64 {
	mustSameLen(len(idx), len(val))
	return gatherDotArch(w, idx, val)
}

func gatherDotGeneric(w []int32, idx []uint32, val []int32) int64 {
	val = val[:len(idx)]
	var s int64
	for i, j := range idx {
		s += int64(w[j]) * int64(val[i])
	}
	return s
}

// ScatterAddScaledSat sets w[idx[i]] = clamp(w[idx[i]] + s·val[i], -lim, lim) for every i,
// in order. Indices are expected to be distinct (sorted sparse rows).
func ScatterAddScaledSat(w []int32, idx []uint32, val []int32, s int32, lim int32) {
	mustSameLen(len(idx), len(val))
	l := int64(lim)
	for i, j := range idx {
		t := int64(w[j]) + int64(s)*int64(val[i])
		if t > l {
			t = l
		} else if t < -l {
			t = -l
		}
		w[j] = int32(t)
	}
}
