package wasm

import (
	"context"
	"encoding/binary"
	"math/rand/v2"
	"slices"
	"testing"
	"unsafe"

	"github.com/tetratelabs/wazero"

	"github.com/meritchain/merit/simd"
)

// TestHostKernelsTrack: the host-import path of the trackers', naive Bayes' and
// KNN-Shapley's kernels (repredict_max, repredict_min, repredict_sparse, log2_batch,
// knn_insert, dense_to_csr, csr_to_csc, add_match_counts, knn_sort_packed, knn_recurse) gives the same bytes and results as the portable
// kernels called directly: the inputs are written into a module's linear memory, the
// host kernel is called with their addresses and lengths as the guest passes them
// (simd/dispatch_wasmhost.go), and the memory and result are compared. The guest's side
// is covered end to end by TestDifferential (both builds against native).
func TestHostKernelsTrack(t *testing.T) {
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	defer rt.Close(ctx)
	bin := cat2(header,
		section(5, vec([]byte{0x00, 0x10})), // memory of 16 pages (1 MiB)
		section(7, vec(cat2(name("memory"), []byte{0x02, 0x00}))))
	mod, err := rt.InstantiateWithConfig(ctx, bin, wazero.NewModuleConfig().WithName("t"))
	if err != nil {
		t.Fatal(err)
	}
	mem := mod.Memory()
	// put writes the bytes of x at the next 8-aligned address and returns (address,
	// length in elements).
	next := uint32(8)
	put := func(x any) (uint64, uint64) {
		var b []byte
		var n int
		switch v := x.(type) {
		case []int32:
			n = len(v)
			b = unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), 4*n)
		case []int64:
			n = len(v)
			b = unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), 8*n)
		case []uint64:
			n = len(v)
			b = unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), 8*n)
		case []int:
			n = len(v)
			b = unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), 8*n)
		}
		a := next
		if !mem.Write(a, b) {
			t.Fatalf("write of %d bytes at %#x", len(b), a)
		}
		next = (a + uint32(len(b)) + 15) &^ 7
		return uint64(a), uint64(n)
	}
	read64 := func(a, n uint64) []int64 {
		b, _ := mem.Read(uint32(a), uint32(8*n))
		out := make([]int64, n)
		for i := range out {
			out[i] = int64(binary.LittleEndian.Uint64(b[8*i:]))
		}
		return out
	}
	read32 := func(a, n uint64) []int32 {
		b, _ := mem.Read(uint32(a), uint32(4*n))
		out := make([]int32, n)
		for i := range out {
			out[i] = int32(binary.LittleEndian.Uint32(b[4*i:]))
		}
		return out
	}
	callHost := func(name string, stack []uint64) []uint64 {
		k := kernels[name]
		s := make([]uint64, max(len(stack), len(k.sig.results)))
		copy(s, stack)
		hostFunc(name, k.body)(ctx, mod, s)
		return s
	}
	r := rand.New(rand.NewPCG(9, 10))
	for it := range 200 {
		next = 8
		n, classes := 1+r.IntN(200), 1+r.IntN(10)
		score := make([]int64, n*classes)
		for i := range score {
			score[i] = r.Int64N(7) - 3
		}
		y := make([]int32, n)
		pred := make([]int32, n)
		for i := range y {
			y[i] = int32(r.IntN(classes))
			pred[i] = int32(r.IntN(classes))
		}
		a, b := r.IntN(classes), r.IntN(classes)
		for _, name := range []string{"repredict_max", "repredict_min"} {
			next = 8
			sp, sn := put(score)
			pp, pn := put(pred)
			yp, yn := put(y)
			res := callHost(name, []uint64{sp, sn, uint64(classes), uint64(a), uint64(b), pp, pn, yp, yn})
			want := slices.Clone(pred)
			f := simd.RepredictMax
			if name == "repredict_min" {
				f = simd.RepredictMin
			}
			d := f(score, classes, a, b, want, y)
			if got := read32(pp, pn); !slices.Equal(got, want) || int64(res[0]) != int64(d) {
				t.Fatalf("%d %s: host predictions %v delta %d, want %v %d", it, name, got, int64(res[0]), want, d)
			}
		}
		// repredict_sparse
		next = 8
		cnt, q := make([]int64, classes), make([]int64, classes)
		for k := range cnt {
			cnt[k], q[k] = r.Int64N(4), r.Int64N(100)
		}
		ptr := make([]int, n+1)
		for i := range n {
			ptr[i+1] = ptr[i] + r.IntN(5)
		}
		g := make([]int64, n*classes)
		for i := range g {
			g[i] = r.Int64N(20)
		}
		gp, gn := put(g)
		cp, cn := put(cnt)
		qp, qn := put(q)
		ptp, ptn := put(ptr)
		pp, pn := put(pred)
		yp, yn := put(y)
		res := callHost("repredict_sparse", []uint64{gp, gn, cp, cn, qp, qn, ptp, ptn, uint64(a), pp, pn, yp, yn})
		want := slices.Clone(pred)
		d := simd.RepredictSparse(g, cnt, q, ptr, a, want, y)
		if got := read32(pp, pn); !slices.Equal(got, want) || int64(res[0]) != int64(d) {
			t.Fatalf("%d repredict_sparse: host %v delta %d, want %v %d", it, got, int64(res[0]), want, d)
		}
		// log2_batch
		next = 8
		x := make([]uint64, n)
		for i := range x {
			x[i] = r.Uint64()>>r.IntN(64) | 1
		}
		xp, xn := put(x)
		op, on := put(make([]int64, n))
		callHost("log2_batch", []uint64{xp, xn, op, on})
		wantLog := make([]int64, n)
		simd.Log2Batch(x, wantLog)
		if got := read64(op, on); !slices.Equal(got, wantLog) {
			t.Fatalf("%d log2_batch: host %v, want %v", it, got, wantLog)
		}
		// knn_insert: lists of up to k entries per test row.
		next = 8
		{
			k := 1 + r.IntN(5)
			stored := 1 + r.IntN(20)
			labels := make([]int32, stored+1)
			for i := range labels {
				labels[i] = int32(r.IntN(classes))
			}
			cnt := make([]int, n)
			nd, ni := make([]int64, n*k), make([]int, n*k)
			for i := range n {
				cnt[i] = min(k, r.IntN(stored+1))
				dd := int64(0)
				for e := range cnt[i] {
					dd += r.Int64N(3)
					nd[i*k+e], ni[i*k+e] = dd, r.IntN(stored)
				}
			}
			dots, sq := make([]int64, n), make([]int64, n)
			for i := range dots {
				dots[i], sq[i] = r.Int64N(5), r.Int64N(12)
			}
			dp, dn := put(dots)
			qp, qn := put(sq)
			cp, cn := put(cnt)
			ndp, ndn := put(nd)
			nip, nin := put(ni)
			lp, ln := put(labels)
			vp, vn := put(make([]int32, classes))
			pp, pn := put(pred)
			yp, yn := put(y)
			res := callHost("knn_insert", []uint64{dp, dn, qp, qn, 6, uint64(stored), uint64(k), uint64(k), cp, cn, ndp, ndn, nip, nin, lp, ln, vp, vn, pp, pn, yp, yn})
			wp := slices.Clone(pred)
			d := simd.KNNInsert(dots, sq, 6, stored, k, k, cnt, nd, ni, labels, make([]int32, classes), wp, y)
			gotCnt := read64(cp, cn)
			for i := range cnt {
				if int(gotCnt[i]) != cnt[i] {
					t.Fatalf("%d knn_insert: cnt differs", it)
				}
			}
			if !slices.Equal(read64(ndp, ndn), nd) || !slices.Equal(read32(pp, pn), wp) || int64(res[0]) != int64(d) {
				t.Fatalf("%d knn_insert: host lists, predictions or delta %d differ (want %d)", it, int64(res[0]), d)
			}
		}
		// dense_to_csr, then csr_to_csc
		next = 8
		{
			dims := 1 + r.IntN(20)
			x := make([]int32, n*dims)
			for i := range x {
				if r.IntN(3) == 0 {
					x[i] = r.Int32N(100) - 50
				}
			}
			nz := len(x) - simd.CountZero(x)
			xp, xn := put(x)
			pp, pn := put(make([]int, n+1))
			ip, in := put(make([]int32, nz))
			vp, vn := put(make([]int32, nz))
			callHost("dense_to_csr", []uint64{xp, xn, uint64(dims), pp, pn, ip, in, vp, vn})
			ptr, idx, val := make([]int, n+1), make([]uint32, nz), make([]int32, nz)
			simd.DenseToCSR(x, dims, ptr, idx, val)
			gi := read32(ip, in)
			for i := range idx {
				if uint32(gi[i]) != idx[i] {
					t.Fatalf("%d dense_to_csr: idx differs", it)
				}
			}
			if !slices.Equal(read32(vp, vn), val) {
				t.Fatalf("%d dense_to_csr: val differs", it)
			}
			cpp, cpn := put(make([]int, dims+1))
			ep, en := put(make([]int64, nz))
			callHost("csr_to_csc", []uint64{pp, pn, ip, in, vp, vn, cpp, cpn, ep, en})
			colptr, ents := make([]int, dims+1), make([]uint64, nz)
			simd.CSRToCSC(ptr, idx, val, colptr, ents)
			gc := read64(cpp, cpn)
			for i := range colptr {
				if int(gc[i]) != colptr[i] {
					t.Fatalf("%d csr_to_csc: colptr differs", it)
				}
			}
			ge := read64(ep, en)
			for i := range ents {
				if uint64(ge[i]) != ents[i] {
					t.Fatalf("%d csr_to_csc: entries differ", it)
				}
			}
		}
		// add_match_counts
		next = 8
		{
			w := 1 + r.IntN(13)
			bits, q := make([]uint64, n*w), make([]uint64, w)
			for i := range bits {
				bits[i] = r.Uint64() & r.Uint64()
			}
			for i := range q {
				q[i] = r.Uint64()
			}
			out := make([]int64, n)
			for i := range out {
				out[i] = r.Int64()
			}
			c := []int64{1, -1, 1<<63 - 1}[r.IntN(3)]
			bp, bn := put(bits)
			qp, qn := put(q)
			op, on := put(out)
			callHost("add_match_counts", []uint64{bp, bn, qp, qn, uint64(c), op, on})
			simd.AddMatchCounts(bits, q, c, out)
			if !slices.Equal(read64(op, on), out) {
				t.Fatalf("%d add_match_counts: out differs", it)
			}
		}
		// knn_sort_packed, then knn_recurse on its output
		next = 8
		dist := make([]int64, n)
		for i := range dist {
			dist[i] = r.Int64N(1 << (1 + r.IntN(40)))
		}
		if it%10 == 0 {
			dist[0] = 1 << 62 // wide: −1
		}
		dp, dn := put(dist)
		lp, ln := put(y)
		kp, kn := put(make([]uint64, n))
		tp, tn := put(make([]uint64, n))
		yt := int32(r.IntN(classes))
		res = callHost("knn_sort_packed", []uint64{dp, dn, lp, ln, uint64(uint32(yt)), kp, kn, tp, tn})
		keys, tmp := make([]uint64, n), make([]uint64, n)
		where := simd.KNNSortPacked(dist, y, yt, keys, tmp)
		if int32(uint32(res[0])) != int32(where) {
			t.Fatalf("%d knn_sort_packed = %d, want %d", it, int32(uint32(res[0])), where)
		}
		if where < 0 {
			continue
		}
		want64 := []uint64{kp, tp}[where]
		ents := [][]uint64{keys, tmp}[where]
		for i, v := range read64(want64, uint64(n)) {
			if uint64(v) != ents[i] {
				t.Fatalf("%d knn_sort_packed: entry %d = %#x, want %#x", it, i, v, ents[i])
			}
		}
		w := make([]uint64, 2*n)
		for i := range w {
			w[i] = r.Uint64() >> 30
		}
		wp, wn := put(w)
		sums := make([]int64, n)
		for i := range sums {
			sums[i] = r.Int64N(1000)
		}
		smp, smn := put(sums)
		mask := uint64(1)<<(uint(bitsLen(uint64(n-1)))+1) - 1
		callHost("knn_recurse", []uint64{want64, uint64(n), mask, wp, wn, smp, smn})
		simd.KNNRecurse(ents, mask, w, sums)
		if got := read64(smp, smn); !slices.Equal(got, sums) {
			t.Fatalf("%d knn_recurse: host %v, want %v", it, got, sums)
		}
	}
}

// TestHostKNNShapleyRows: merit_simd.knn_shapley_rows, split among goroutines (enough
// work, no overlap) or not (little work, or an output overlapping an input), gives the
// portable kernel's sums, distances and result.
func TestHostKNNShapleyRows(t *testing.T) {
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	defer rt.Close(ctx)
	bin := cat2(header,
		section(5, vec([]byte{0x00, 0x20})), // 32 pages (2 MiB)
		section(7, vec(cat2(name("memory"), []byte{0x02, 0x00}))))
	mod, err := rt.InstantiateWithConfig(ctx, bin, wazero.NewModuleConfig().WithName("t"))
	if err != nil {
		t.Fatal(err)
	}
	mem := mod.Memory()
	r := rand.New(rand.NewPCG(13, 14))
	for it, c := range []struct{ n, d, rows int }{{2000, 16, 8}, {3000, 20, 5}, {50, 4, 3}, {1500, 30, 64}, {1, 1, 1}, {700, 200, 2}} {
		next := uint32(8)
		put := func(b []byte) (uint64, uint64, uint32) {
			a := next
			if !mem.Write(a, b) {
				t.Fatalf("write of %d bytes at %#x", len(b), a)
			}
			next = (a + uint32(len(b)) + 15) &^ 7
			return uint64(a), 0, a
		}
		i32b := func(x []int32) []byte {
			return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(x))), 4*len(x))
		}
		u64b := func(x []uint64) []byte {
			return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(x))), 8*len(x))
		}
		i64b := func(x []int64) []byte {
			return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(x))), 8*len(x))
		}
		n, d, rows := c.n, c.d, c.rows
		vec32 := func(k int, b int32) []int32 {
			x := make([]int32, k)
			for i := range x {
				x[i] = r.Int32N(2*b+1) - b
			}
			return x
		}
		train, qs := vec32(n*d, 255), vec32(rows*d, 255)
		labels, ys := vec32(n, 1), vec32(rows, 1)
		w := make([]uint64, 2*n)
		for i := range w {
			w[i] = r.Uint64() >> 24
		}
		sums := make([]int64, n)
		for i := range sums {
			sums[i] = r.Int64N(1 << 40)
		}
		tp, _, _ := put(i32b(train))
		lp, _, _ := put(i32b(labels))
		qp, _, _ := put(i32b(qs))
		yp, _, _ := put(i32b(ys))
		wp, _, _ := put(u64b(w))
		sp, _, _ := put(i64b(sums))
		dp, _, _ := put(make([]byte, 8*rows*n))
		kp, _, _ := put(make([]byte, 8*n))
		mp, _, _ := put(make([]byte, 8*n))
		stack := []uint64{tp, uint64(n * d), lp, uint64(n), qp, uint64(rows * d), yp, uint64(rows), wp, uint64(2 * n),
			sp, uint64(n), dp, uint64(rows * n), kp, uint64(n), mp, uint64(n)}
		k := kernels["knn_shapley_rows"]
		hostFunc("knn_shapley_rows", k.body)(ctx, mod, stack)
		wantSums, wantDists := slices.Clone(sums), make([]int64, rows*n)
		wantUndone := simd.KNNShapleyRows(train, labels, qs, ys, w, wantSums, wantDists, make([]uint64, n), make([]uint64, n))
		b, _ := mem.Read(uint32(sp), uint32(8*n))
		for i := range n {
			if got := int64(binary.LittleEndian.Uint64(b[8*i:])); got != wantSums[i] {
				t.Fatalf("case %d: sums[%d] = %d, want %d", it, i, got, wantSums[i])
			}
		}
		b, _ = mem.Read(uint32(dp), uint32(8*rows*n))
		for i := range rows * n {
			if got := int64(binary.LittleEndian.Uint64(b[8*i:])); got != wantDists[i] {
				t.Fatalf("case %d: dists[%d] = %d, want %d", it, i, got, wantDists[i])
			}
		}
		if stack[0] != wantUndone {
			t.Fatalf("case %d: undone %b, want %b", it, stack[0], wantUndone)
		}
	}
	// Overlapping outputs are refused for the split (and then give the one-pass bytes):
	// sums over dists.
	if !overlapping([]uint64{0, 10, 100, 4, 200, 4, 300, 1, 400, 8, 64, 8, 16, 8, 1000, 8, 2000, 8}, []int{4, 4, 4, 4, 8, 8, 8, 8, 8}, 5) {
		t.Error("overlapping: sums over dists not seen")
	}
	if overlapping([]uint64{0, 10, 100, 4, 200, 4, 300, 1, 400, 8, 600, 8, 700, 8, 1000, 8, 2000, 8}, []int{4, 4, 4, 4, 8, 8, 8, 8, 8}, 5) {
		t.Error("overlapping: disjoint ranges reported as overlapping")
	}
}

func bitsLen(x uint64) int {
	n := 0
	for ; x != 0; x >>= 1 {
		n++
	}
	return n
}
