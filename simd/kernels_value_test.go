package simd

import (
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"
)

// Each kernel in kernels_value.go is checked against a direct loop on random inputs,
// including extreme values and empty rows.

// randCSR returns a random CSR matrix of n rows over dims columns.
func randCSR(r *rand.Rand, n, dims int) (ptr []int, idx []uint32, val []int32) {
	ptr = []int{0}
	for range n {
		ri := randIdx(r, dims)
		idx = append(idx, ri...)
		val = append(val, randI32(r, len(ri))...)
		ptr = append(ptr, len(idx))
	}
	return ptr, idx, val
}

func TestGatherRows(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for n := range 12 {
		for _, dims := range []int{1, 3, 17} {
			w := randI32(r, dims)
			ptr, idx, val := randCSR(r, n, dims)
			dot := make([]int64, n)
			sum := make([]int64, n)
			sq := make([]int64, n)
			vs := make([]int64, n)
			GatherDotRows(w, ptr, idx, val, dot)
			GatherSumRows(w, ptr, idx, sum)
			SqNormRows(ptr, val, sq, vs)
			for row := range n {
				var d, s, q, v int64
				for i := ptr[row]; i < ptr[row+1]; i++ {
					d += int64(w[idx[i]]) * int64(val[i])
					s += int64(w[idx[i]])
					q += int64(val[i]) * int64(val[i])
					v += int64(val[i])
				}
				if dot[row] != d || sum[row] != s || sq[row] != q || vs[row] != v {
					t.Fatalf("row %d: got %d %d %d %d, want %d %d %d %d", row, dot[row], sum[row], sq[row], vs[row], d, s, q, v)
				}
			}
		}
	}
}

func TestAddI64(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for n := range 20 {
		dst := make([]int64, n)
		src := make([]int64, n)
		for i := range dst {
			dst[i], src[i] = int64(r.Uint64()), int64(r.Uint64())
		}
		s, c := int64(r.Uint64()), int64(r.Uint64())
		want := slices.Clone(dst)
		for i := range want {
			want[i] += s*src[i] + c
		}
		AddScaledI64(dst, s, src)
		AddConstI64(dst, c)
		if !slices.Equal(dst, want) {
			t.Fatalf("AddScaledI64+AddConstI64 = %v, want %v", dst, want)
		}
	}
}

func TestAddScaledSatExact(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for n := range 30 {
		for range 20 {
			lim := []int32{1, 7, 1000, 1<<31 - 1}[r.IntN(4)]
			dst := randI32(r, n)
			for i := range dst {
				dst[i] = max(min(dst[i], lim), -lim)
			}
			x := randI32(r, n)
			s := []int32{1, -1, 3, -1 << 31, 1<<31 - 1}[r.IntN(5)]

			want := slices.Clone(dst)
			AddScaledSat(want, s, x, lim)
			wantExact := true
			for i := range dst {
				if int64(want[i]) != int64(dst[i])+int64(s)*int64(x[i]) {
					wantExact = false
				}
			}
			got := slices.Clone(dst)
			if exact := AddScaledSatExact(got, s, x, lim); exact != wantExact || !slices.Equal(got, want) {
				t.Fatalf("AddScaledSatExact = %v, %v; want %v, %v", got, exact, want, wantExact)
			}

			idx := randIdx(r, n)
			val := randI32(r, len(idx))
			want = slices.Clone(dst)
			ScatterAddScaledSat(want, idx, val, s, lim)
			wantExact = true
			for i, j := range idx {
				if int64(want[j]) != int64(dst[j])+int64(s)*int64(val[i]) {
					wantExact = false
				}
			}
			got = slices.Clone(dst)
			if exact := ScatterAddScaledSatExact(got, idx, val, s, lim); exact != wantExact || !slices.Equal(got, want) {
				t.Fatalf("ScatterAddScaledSatExact = %v, %v; want %v, %v", got, exact, want, wantExact)
			}
		}
	}
}

func TestSubI32(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for n := range 20 {
		a, b := randI32(r, n), randI32(r, n)
		got := make([]int32, n)
		SubI32(got, a, b)
		for i := range got {
			if got[i] != a[i]-b[i] {
				t.Fatalf("SubI32[%d] = %d, want %d", i, got[i], a[i]-b[i])
			}
		}
	}
}

func TestScatterDecCount(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for n := 1; n < 30; n++ {
		w := randI32(r, n)
		idx := randIdx(r, n)
		got := slices.Clone(w)
		ScatterDec(got, idx)
		want := slices.Clone(w)
		for _, j := range idx {
			want[j]-- // wraps at −2^31 like the kernel
		}
		if !slices.Equal(got, want) {
			t.Fatalf("ScatterDec = %v, want %v", got, want)
		}
		ScatterInc(got, idx)
		if !slices.Equal(got, w) {
			t.Fatal("ScatterInc does not undo ScatterDec")
		}
		v := w[r.IntN(n)]
		var all, at int
		for _, e := range w {
			if e == v {
				all++
			}
		}
		for _, j := range idx {
			if w[j] == v {
				at++
			}
		}
		if CountEq(w, v) != all || CountEqAt(w, idx, v) != at {
			t.Fatalf("CountEq = %d (want %d), CountEqAt = %d (want %d)", CountEq(w, v), all, CountEqAt(w, idx, v), at)
		}
	}
}

func TestKernelsValuePanicOnCallerBugs(t *testing.T) {
	mustPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s did not panic", name)
			}
		}()
		f()
	}
	w := make([]int32, 3)
	mustPanic("GatherDotRows ptr length", func() { GatherDotRows(w, []int{0}, nil, nil, make([]int64, 1)) })
	mustPanic("GatherDotRows ptr beyond", func() { GatherDotRows(w, []int{0, 2}, []uint32{0}, []int32{1}, make([]int64, 1)) })
	mustPanic("GatherDotRows idx/val", func() { GatherDotRows(w, []int{0, 1}, []uint32{0}, nil, make([]int64, 1)) })
	mustPanic("GatherDotRows range", func() { GatherDotRows(w, []int{0, 1}, []uint32{3}, []int32{1}, make([]int64, 1)) })
	mustPanic("GatherSumRows range", func() { GatherSumRows(w, []int{0, 1}, []uint32{3}, make([]int64, 1)) })
	mustPanic("AddScaledI64 length", func() { AddScaledI64(make([]int64, 2), 1, make([]int64, 1)) })
	mustPanic("AddScaledSatExact length", func() { AddScaledSatExact(w, 1, make([]int32, 2), 5) })
	mustPanic("SqNormRows length", func() { SqNormRows([]int{0, 0}, nil, make([]int64, 1), nil) })
}

func TestAddCols(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for n := range 10 {
		for _, dims := range []int{1, 4, 19} {
			ptr, idx, val := randCSR(r, n, dims)
			// The CSC form of the same matrix.
			colptr := make([]int, dims+1)
			for _, f := range idx {
				colptr[f+1]++
			}
			for f := range dims {
				colptr[f+1] += colptr[f]
			}
			ents := make([]uint64, len(idx))
			pos := slices.Clone(colptr[:dims])
			for row := range n {
				for i := ptr[row]; i < ptr[row+1]; i++ {
					f := idx[i]
					ents[pos[f]] = uint64(row) | uint64(uint32(val[i]))<<32
					pos[f]++
				}
			}
			qi := randIdx(r, dims)
			qv := randI32(r, len(qi))
			dense := make([]int32, dims)
			Densify(dense, qi, qv)
			want := make([]int64, n)
			GatherDotRows(dense, ptr, idx, val, want)
			// Into the next power of two at least n: rows below it are in place, the rest
			// stay zero.
			got := make([]int64, 1<<bits.Len(uint(max(n-1, 0))))
			AddColsScaled(colptr, ents, qi, qv, got)
			if !slices.Equal(got[:n], want) || slices.ContainsFunc(got[n:], func(v int64) bool { return v != 0 }) {
				t.Fatalf("AddColsScaled = %v, want %v", got, want)
			}
			// Into a smaller power of two: row r lands in r mod len(out).
			if n > 1 {
				half := make([]int64, 1<<(bits.Len(uint(n-1))-1))
				AddColsScaled(colptr, ents, qi, qv, half)
				wantHalf := make([]int64, len(half))
				for row, v := range want {
					wantHalf[row%len(half)] += v
				}
				if !slices.Equal(half, wantHalf) {
					t.Fatalf("AddColsScaled into %d = %v, want %v", len(half), half, wantHalf)
				}
			}
			c := int64(r.IntN(5)) - 2
			base := make([]int64, n)
			for i := range base {
				base[i] = int64(r.Uint64())
			}
			gotC := slices.Clone(base)
			AddColsConst(colptr, ents, qi, c, gotC)
			count := 0
			for row := range n {
				var k int64
				for i := ptr[row]; i < ptr[row+1]; i++ {
					if _, ok := slices.BinarySearch(qi, idx[i]); ok {
						k++
					}
				}
				if gotC[row] != base[row]+c*k {
					t.Fatalf("AddColsConst row %d = %d, want %d", row, gotC[row], base[row]+c*k)
				}
				count += int(k)
			}
			if ColsLen(colptr, qi) != count {
				t.Fatalf("ColsLen = %d, want %d", ColsLen(colptr, qi), count)
			}
		}
	}
}
