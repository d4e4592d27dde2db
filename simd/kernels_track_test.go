package simd

import (
	"math"
	"math/big"
	"math/bits"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"github.com/meritchain/merit/engine/fixed"
)

// Tests of the trackers' and KNN-Shapley's kernels against direct references: a full
// argmax (argmin, nearest class in exact big-integer arithmetic) after the change, the
// engine's fixed.Log2, a comparison sort by (distance, index), and the recursion in
// big integers. The kernels have no assembly, so every native level runs the portable
// code; the host-import path is compared in package wasm (TestHostKernelsTrack).

// argBest returns the class with the best score of row i (larger if max, else smaller;
// lowest class on ties).
func argBest(score []int64, n, classes, i int, max bool) int32 {
	best, bv := 0, score[i]
	for k := 1; k < classes; k++ {
		v := score[k*n+i]
		if (max && v > bv) || (!max && v < bv) {
			best, bv = k, v
		}
	}
	return int32(best)
}

func countEqual(a, b []int32) int {
	c := 0
	for i := range a {
		if a[i] == b[i] {
			c++
		}
	}
	return c
}

// checkRepredictCase runs one case: scores before (old), columns a and b replaced by
// fresh values, predictions from old, and compares with a full rescan.
func checkRepredictCase(t testing.TB, score []int64, n, classes, a, b int, fresh []int64, y []int32, max bool) {
	pred := make([]int32, n)
	for i := range pred {
		pred[i] = argBest(score, n, classes, i, max)
	}
	before := countEqual(pred, y)
	copy(score[a*n:(a+1)*n], fresh[:n])
	copy(score[b*n:(b+1)*n], fresh[n:])
	want := make([]int32, n)
	for i := range want {
		want[i] = argBest(score, n, classes, i, max)
	}
	var delta int
	if max {
		delta = RepredictMax(score, classes, a, b, pred, y)
	} else {
		delta = RepredictMin(score, classes, a, b, pred, y)
	}
	if !slices.Equal(pred, want) {
		t.Fatalf("max=%v n=%d classes=%d a=%d b=%d: predictions %v, want %v", max, n, classes, a, b, pred, want)
	}
	if got := countEqual(want, y) - before; delta != got {
		t.Fatalf("max=%v n=%d classes=%d a=%d b=%d: delta %d, want %d", max, n, classes, a, b, delta, got)
	}
}

func TestRepredict(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		n, classes := r.IntN(40), 1+r.IntN(6)
		span := int64(1 + r.IntN(5)) // small spans make ties common
		score := make([]int64, n*classes)
		fresh := make([]int64, 2*n)
		for _, s := range [][]int64{score, fresh} {
			for i := range s {
				s[i] = r.Int64N(span)
				if r.IntN(20) == 0 {
					s[i] = []int64{math.MaxInt64, math.MinInt64}[r.IntN(2)]
				}
			}
		}
		y := make([]int32, n)
		for i := range y {
			y[i] = int32(r.IntN(classes))
		}
		a, b := r.IntN(classes), r.IntN(classes)
		if r.IntN(2) == 0 {
			b = a
			copy(fresh[n:], fresh[:n])
		}
		for _, max := range []bool{true, false} {
			checkRepredictCase(t, slices.Clone(score), n, classes, a, b, fresh, y, max)
		}
	}
}

// nearerRef is the sparse centroid's rule in big integers.
func nearerRef(a, b int, cnt, q []int64, m, ga, gb int64) bool {
	na, nb := cnt[a], cnt[b]
	if na == 0 || nb == 0 {
		if na == 0 && nb == 0 {
			return a < b
		}
		return nb == 0
	}
	e := func(n, q, g int64) *big.Int { return new(big.Int).SetUint64(uint64(m*n*n + q - 2*n*g)) }
	l := new(big.Int).Mul(e(na, q[a], ga), new(big.Int).SetUint64(uint64(nb*nb)))
	r := new(big.Int).Mul(e(nb, q[b], gb), new(big.Int).SetUint64(uint64(na*na)))
	c := l.Cmp(r)
	return c < 0 || (c == 0 && a < b)
}

func nearestRef(g, cnt, q []int64, ptr []int, n, i int) int32 {
	m := int64(ptr[i+1] - ptr[i])
	best := 0
	for k := 1; k < len(cnt); k++ {
		if nearerRef(k, best, cnt, q, m, g[k*n+i], g[best*n+i]) {
			best = k
		}
	}
	return int32(best)
}

func TestRepredictSparse(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		n, classes := r.IntN(40), 1+r.IntN(6)
		cnt, q := make([]int64, classes), make([]int64, classes)
		for k := range cnt {
			if r.IntN(4) > 0 {
				cnt[k] = 1 + r.Int64N(5)
			}
			q[k] = r.Int64N(50)
		}
		ptr := make([]int, n+1)
		for i := range n {
			ptr[i+1] = ptr[i] + r.IntN(6)
		}
		g := make([]int64, n*classes)
		for i := range g {
			g[i] = r.Int64N(30)
			if r.IntN(30) == 0 {
				g[i] = int64(r.Uint64()) // wraps: the rule is still exact
			}
		}
		y := make([]int32, n)
		for i := range y {
			y[i] = int32(r.IntN(classes))
		}
		pred := make([]int32, n)
		for i := range pred {
			pred[i] = nearestRef(g, cnt, q, ptr, n, i)
		}
		before := countEqual(pred, y)
		k := r.IntN(classes)
		cnt[k] += r.Int64N(3) - 1
		cnt[k] = max(cnt[k], 0)
		q[k] = r.Int64N(50)
		for i := range n {
			g[k*n+i] = r.Int64N(30)
		}
		want := make([]int32, n)
		for i := range want {
			want[i] = nearestRef(g, cnt, q, ptr, n, i)
		}
		delta := RepredictSparse(g, cnt, q, ptr, k, pred, y)
		if !slices.Equal(pred, want) {
			t.Fatalf("n=%d classes=%d k=%d: predictions %v, want %v", n, classes, k, pred, want)
		}
		if d := countEqual(want, y) - before; d != delta {
			t.Fatalf("delta %d, want %d", delta, d)
		}
	}
}

func TestRepredictPanics(t *testing.T) {
	s := make([]int64, 6)
	p, y := make([]int32, 3), make([]int32, 3)
	for name, f := range map[string]func(){
		"classes 0":    func() { RepredictMax(s, 0, 0, 0, p, y) },
		"shape":        func() { RepredictMax(s, 3, 0, 0, p, y) },
		"column":       func() { RepredictMin(s, 2, 0, 2, p, y) },
		"labels":       func() { RepredictMax(s, 2, 0, 1, p, y[:2]) },
		"pred range":   func() { RepredictMax(s, 2, 0, 0, []int32{5, 0, 0}, y) },
		"sparse ptr":   func() { RepredictSparse(s, s[:2], s[:2], make([]int, 3), 0, p, y) },
		"sparse class": func() { RepredictSparse(s, s[:2], s[:2], make([]int, 4), 2, p, y) },
		"log2 zero":    func() { Log2Batch([]uint64{1, 0}, make([]int64, 2)) },
		"log2 lengths": func() { Log2Batch([]uint64{1}, nil) },
		"sort lengths": func() { KNNSortPacked(make([]int64, 2), make([]int32, 2), 0, make([]uint64, 2), nil) },
		"sort empty":   func() { KNNSortPacked(nil, nil, 0, nil, nil) },
		"recurse w":    func() { KNNRecurse(make([]uint64, 2), 7, make([]uint64, 3), make([]int64, 4)) },
		"recurse row":  func() { KNNRecurse([]uint64{40}, 0xff, make([]uint64, 2), make([]int64, 4)) },
	} {
		if !panicsTrack(f) {
			t.Errorf("%s: no panic", name)
		}
	}
}

func TestLog2Batch(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var x []uint64
	for s := range 64 {
		x = append(x, 1<<s, 1<<s+1, 3<<s>>1)
		if s > 0 {
			x = append(x, 1<<s-1)
		}
	}
	x = append(x, math.MaxUint64, math.MaxUint64-1, 1_000_000, 999_999)
	for range 5000 {
		x = append(x, r.Uint64()>>r.IntN(64)|1)
	}
	out := make([]int64, len(x))
	Log2Batch(x, out)
	for i, v := range x {
		if want := fixed.Log2(v); out[i] != want {
			t.Fatalf("Log2Batch(%d) = %d, fixed.Log2 %d", v, out[i], want)
		}
	}
	if Log2FracBits != fixed.LogFracBits {
		t.Fatalf("Log2FracBits %d, fixed.LogFracBits %d", Log2FracBits, fixed.LogFracBits)
	}
}

// knnRef sorts by (dist, index) and runs the recursion in big integers, rounding each
// value as KNNRecurse documents; it returns the sums added and whether the packed key
// fits.
func knnRef(dist []int64, labels []int32, yt int32, w []uint64) ([]int64, []int) {
	n := len(dist)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return dist[order[a]] < dist[order[b]] })
	sums := make([]int64, n)
	acc := new(big.Int)
	two64 := new(big.Int).Lsh(big.NewInt(1), 64)
	half := new(big.Int).Lsh(big.NewInt(1), 63)
	c := func(p int) int64 {
		if labels[order[p]] == yt {
			return 1
		}
		return 0
	}
	wp := func(p int) *big.Int {
		v := new(big.Int).SetUint64(w[2*p])
		return v.Add(v.Lsh(v, 64), new(big.Int).SetUint64(w[2*p+1]))
	}
	for p := n - 1; p >= 0; p-- {
		d := c(p)
		if p < n-1 {
			d -= c(p + 1)
		}
		acc.Add(acc, new(big.Int).Mul(big.NewInt(d), wp(p)))
		q, m := new(big.Int).DivMod(acc, two64, new(big.Int)) // Euclidean: m ≥ 0
		if c := m.Cmp(half); c > 0 || (c == 0 && q.Bit(0) == 1) {
			q.Add(q, big.NewInt(1))
		}
		sums[order[p]] += q.Int64()
	}
	return sums, order
}

func TestKNNSortRecurse(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for it := range 600 {
		n := 1 + r.IntN(300)
		if it%50 == 0 {
			n = 1000 + r.IntN(4000)
		}
		span := []int64{1, 3, 100, 1 << 20, 1 << 40, 1 << 62}[r.IntN(6)]
		dist := make([]int64, n)
		labels := make([]int32, n)
		base := r.Int64N(1 << 62 / 2)
		for i := range dist {
			dist[i] = base + r.Int64N(span)/2
			labels[i] = int32(r.IntN(3))
		}
		yt := int32(r.IntN(3))
		w := make([]uint64, 2*n)
		for i := range w {
			w[i] = r.Uint64() >> 24
		}
		keys, tmp := make([]uint64, n), make([]uint64, n)
		where := KNNSortPacked(dist, labels, yt, keys, tmp)
		wantSums, order := knnRef(dist, labels, yt, w)
		low := uint(bits.Len64(uint64(n-1))) + 1
		lo, hi := slices.Min(dist), slices.Max(dist)
		if fits := uint(bits.Len64(uint64(hi-lo)))+low <= 64; fits != (where >= 0) {
			t.Fatalf("n=%d span %d: KNNSortPacked = %d, fits %v", n, span, where, fits)
		}
		if where < 0 {
			continue
		}
		ents := [][]uint64{keys, tmp}[where]
		mask := uint64(1)<<low - 1
		for p, e := range ents {
			row := int((e & mask) >> 1)
			if row != order[p] || e&1 != b2u(labels[row] == yt) {
				t.Fatalf("n=%d: position %d holds row %d (c %d), want %d", n, p, row, e&1, order[p])
			}
		}
		sums := make([]int64, n)
		KNNRecurse(ents, mask, w, sums)
		if !slices.Equal(sums, wantSums) {
			t.Fatalf("n=%d: sums differ from the big-integer recursion", n)
		}
	}
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// FuzzRepredict: RepredictMax, RepredictMin and RepredictSparse against a full rescan
// after the change, on fuzzer-chosen scores (bytes as small values, so that ties are
// common) and columns.
func FuzzRepredict(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, uint8(3), uint8(0), uint8(2))
	f.Add([]byte{0, 0, 0, 0, 255, 255, 1, 1}, uint8(2), uint8(1), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, classes, a, b uint8) {
		if len(data) == 0 {
			return
		}
		c := 1 + int(classes)%8
		n := len(data) / (c + 2)
		if n > 64 {
			n = 64
		}
		ai, bi := int(a)%c, int(b)%c
		score := make([]int64, n*c)
		for i := range score {
			score[i] = int64(int8(data[i]))
		}
		fresh := make([]int64, 2*n)
		y := make([]int32, n)
		for i := range n {
			fresh[i] = int64(int8(data[n*c+i]))
			fresh[n+i] = int64(int8(data[n*c+n+i]))
			y[i] = int32(data[i] % uint8(c))
		}
		if ai == bi {
			copy(fresh[n:], fresh[:n])
		}
		for _, max := range []bool{true, false} {
			checkRepredictCase(t, slices.Clone(score), n, c, ai, bi, fresh, y, max)
		}
		// The sparse centroid: counts, Q and G from the same bytes.
		cnt, q := make([]int64, c), make([]int64, c)
		for k := range c {
			cnt[k] = int64(data[k%len(data)] % 4)
			q[k] = int64(data[(k+1)%len(data)])
		}
		ptr := make([]int, n+1)
		for i := range n {
			ptr[i+1] = ptr[i] + int(data[i]%5)
		}
		g := make([]int64, n*c)
		for i := range g {
			g[i] = int64(data[i] % 16)
		}
		pred := make([]int32, n)
		for i := range pred {
			pred[i] = nearestRef(g, cnt, q, ptr, n, i)
		}
		before := countEqual(pred, y)
		cnt[ai] = int64(b % 3)
		for i := range n {
			g[ai*n+i] = int64(data[n*c+i] % 16)
		}
		want := make([]int32, n)
		for i := range want {
			want[i] = nearestRef(g, cnt, q, ptr, n, i)
		}
		delta := RepredictSparse(g, cnt, q, ptr, ai, pred, y)
		if !slices.Equal(pred, want) || delta != countEqual(want, y)-before {
			t.Fatalf("RepredictSparse: predictions %v delta %d, want %v %d", pred, delta, want, countEqual(want, y)-before)
		}
	})
}

// FuzzLog2Batch: Log2Batch against fixed.Log2.
func FuzzLog2Batch(f *testing.F) {
	f.Add(uint64(1), uint64(3))
	f.Add(uint64(math.MaxUint64), uint64(1<<63))
	f.Fuzz(func(t *testing.T, a, b uint64) {
		x := []uint64{a | 1, b | 1, a>>(b%64) | 1}
		out := make([]int64, len(x))
		Log2Batch(x, out)
		for i, v := range x {
			if want := fixed.Log2(v); out[i] != want {
				t.Fatalf("Log2Batch(%d) = %d, want %d", v, out[i], want)
			}
		}
	})
}

// FuzzKNNSortRecurse: KNNSortPacked and KNNRecurse against the comparison sort and the
// big-integer recursion.
func FuzzKNNSortRecurse(f *testing.F) {
	f.Add([]byte{5, 1, 5, 0, 3, 1, 9, 0}, uint8(1), uint8(0))
	f.Add(make([]byte, 300), uint8(0), uint8(40))
	f.Fuzz(func(t *testing.T, data []byte, yt, shift uint8) {
		n := len(data) / 2
		if n == 0 || n > 2000 {
			return
		}
		dist := make([]int64, n)
		labels := make([]int32, n)
		for i := range n {
			dist[i] = int64(data[2*i]) << (shift % 56)
			labels[i] = int32(data[2*i+1] % 3)
		}
		w := make([]uint64, 2*n)
		for i := range w {
			w[i] = uint64(data[i%len(data)])<<40 | uint64(i)
		}
		keys, tmp := make([]uint64, n), make([]uint64, n)
		where := KNNSortPacked(dist, labels, int32(yt%3), keys, tmp)
		if where < 0 {
			return
		}
		wantSums, order := knnRef(dist, labels, int32(yt%3), w)
		low := uint(bits.Len64(uint64(n-1))) + 1
		mask := uint64(1)<<low - 1
		ents := [][]uint64{keys, tmp}[where]
		for p, e := range ents {
			if int((e&mask)>>1) != order[p] {
				t.Fatalf("position %d holds row %d, want %d", p, (e&mask)>>1, order[p])
			}
		}
		sums := make([]int64, n)
		KNNRecurse(ents, mask, w, sums)
		if !slices.Equal(sums, wantSums) {
			t.Fatalf("sums %v, want %v", sums, wantSums)
		}
	})
}

// panicsTrack runs f and reports whether it panicked.
func panicsTrack(f func()) (panicked bool) {
	defer func() { panicked = recover() != nil }()
	f()
	return false
}

// knnRowsRef is KNNShapleyRows one test row after another: SqDist, then KNNSortPacked
// and KNNRecurse.
func knnRowsRef(train, labels, qs, ys []int32, w []uint64, sums []int64) (undone uint64) {
	n, r := len(labels), len(ys)
	d := len(qs) / r
	dist := make([]int64, n)
	keys, tmp := make([]uint64, n), make([]uint64, n)
	mask := uint64(1)<<(uint(bits.Len64(uint64(n-1)))+1) - 1
	for j := range r {
		for i := range n {
			dist[i] = SqDist(train[i*d:(i+1)*d], qs[j*d:(j+1)*d])
		}
		switch KNNSortPacked(dist, labels, ys[j], keys, tmp) {
		case 0:
			KNNRecurse(keys, mask, w, sums)
		case 1:
			KNNRecurse(tmp, mask, w, sums)
		default:
			undone |= 1 << j
		}
	}
	return undone
}

func TestKNNShapleyRows(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for it := range 300 {
		n, d, rows := 1+r.IntN(700), 1+r.IntN(40), 1+r.IntN(MaxKNNRows)
		if it%30 == 0 {
			n, d = 3000+r.IntN(3000), 64 // several blocks of training rows
		}
		bound := []int32{1, 3, 255, 1 << 20, 1<<24 - 1}[r.IntN(5)]
		vec := func(k int) []int32 {
			x := make([]int32, k)
			for i := range x {
				x[i] = r.Int32N(2*bound+1) - bound
			}
			return x
		}
		train, qs := vec(n*d), vec(rows*d)
		labels, ys := make([]int32, n), make([]int32, rows)
		for i := range labels {
			labels[i] = r.Int32N(3)
		}
		for i := range ys {
			ys[i] = r.Int32N(3)
		}
		w := make([]uint64, 2*n)
		for i := range w {
			w[i] = r.Uint64() >> 24
		}
		want := make([]int64, n)
		wantUndone := knnRowsRef(train, labels, qs, ys, w, want)
		got := make([]int64, n)
		dists := make([]int64, rows*n)
		undone := KNNShapleyRows(train, labels, qs, ys, w, got, dists, make([]uint64, n), make([]uint64, n))
		if undone != wantUndone || !slices.Equal(got, want) {
			t.Fatalf("n=%d d=%d rows=%d bound %d: undone %b sums differ (want undone %b)", n, d, rows, bound, undone, wantUndone)
		}
		for j := range rows {
			for i := range n {
				if dd := SqDist(train[i*d:(i+1)*d], qs[j*d:(j+1)*d]); dists[j*n+i] != dd {
					t.Fatalf("distance %d,%d = %d, want %d", j, i, dists[j*n+i], dd)
				}
			}
		}
	}
	if !panicsTrack(func() {
		KNNShapleyRows(make([]int32, 4), make([]int32, 2), make([]int32, 3), make([]int32, 2), make([]uint64, 4),
			make([]int64, 2), make([]int64, 4), make([]uint64, 2), make([]uint64, 2))
	}) {
		t.Error("KNNShapleyRows with 3 query values for 2 rows did not panic")
	}
}

// knnInsertRef is the knn tracker's loop as it was written in engine/model: insertion by
// (distance, index) and knn's vote, one row at a time.
func knnInsertRef(dots, sq []int64, xx int64, j, k, stride int, cnt []int, nd []int64, ni []int, labels []int32, classes int, pred, y []int32) int {
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
		votes := make([]int32, classes)
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
		delta += changed(pred[i], best, y[i])
		pred[i] = best
	}
	return delta
}

func TestKNNInsert(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for range 300 {
		n, k, classes := r.IntN(60), 1+r.IntN(7), 1+r.IntN(5)
		stride := k + r.IntN(2)
		cnt := make([]int, n)
		nd, ni := make([]int64, n*stride), make([]int, n*stride)
		stored := 1 + r.IntN(30)
		labels := make([]int32, stored+1)
		for i := range labels {
			labels[i] = r.Int32N(int32(classes))
		}
		for i := range n {
			cnt[i] = min(k, r.IntN(stored+1))
			d := int64(0)
			for e := range cnt[i] {
				d += r.Int64N(3)
				nd[i*stride+e], ni[i*stride+e] = d, r.IntN(stored)
			}
		}
		dots, sq := make([]int64, n), make([]int64, n)
		for i := range dots {
			dots[i], sq[i] = r.Int64N(5), r.Int64N(12)
		}
		xx := r.Int64N(12)
		y, pred := make([]int32, n), make([]int32, n)
		for i := range y {
			y[i], pred[i] = r.Int32N(int32(classes)), r.Int32N(int32(classes))
		}
		c2, nd2, ni2, pred2 := slices.Clone(cnt), slices.Clone(nd), slices.Clone(ni), slices.Clone(pred)
		want := knnInsertRef(dots, sq, xx, stored, k, stride, c2, nd2, ni2, labels, classes, pred2, y)
		votes := make([]int32, classes)
		got := KNNInsert(dots, sq, xx, stored, k, stride, cnt, nd, ni, labels, votes, pred, y)
		if got != want || !slices.Equal(cnt, c2) || !slices.Equal(nd, nd2) || !slices.Equal(ni, ni2) || !slices.Equal(pred, pred2) {
			t.Fatalf("n=%d k=%d: KNNInsert differs from the tracker's loop (delta %d, want %d)", n, k, got, want)
		}
		if slices.ContainsFunc(votes, func(v int32) bool { return v != 0 }) {
			t.Fatalf("votes not cleared: %v", votes)
		}
	}
}

func TestCSRKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	for range 300 {
		rows, dims := r.IntN(40), 1+r.IntN(30)
		x := make([]int32, rows*dims)
		for i := range x {
			if r.IntN(3) == 0 {
				x[i] = r.Int32N(511) - 255
			}
		}
		nz := len(x) - CountZero(x)
		ptr, idx, val := make([]int, rows+1), make([]uint32, nz), make([]int32, nz)
		DenseToCSR(x, dims, ptr, idx, val)
		// Reference: NonZeroIdx per row, and the scatter of withColumns.
		wp, wi, wv := []int{0}, []uint32{}, []int32{}
		for i := range rows {
			row := x[i*dims : (i+1)*dims]
			a := len(wi)
			wi = NonZeroIdx(wi, row)
			for _, f := range wi[a:] {
				wv = append(wv, row[f])
			}
			wp = append(wp, len(wi))
		}
		if !slices.Equal(ptr, wp) || !slices.Equal(idx, wi) || !slices.Equal(val, wv) {
			t.Fatalf("DenseToCSR differs from the reference")
		}
		colptr, ents := make([]int, dims+1), make([]uint64, nz)
		for i := range colptr {
			colptr[i] = 99 // overwritten
		}
		CSRToCSC(ptr, idx, val, colptr, ents)
		wc := make([]int, dims+1)
		for _, f := range idx {
			wc[f+1]++
		}
		for f := range dims {
			wc[f+1] += wc[f]
		}
		pos := slices.Clone(wc[:dims])
		we := make([]uint64, nz)
		for i := range rows {
			for q := ptr[i]; q < ptr[i+1]; q++ {
				f := idx[q]
				we[pos[f]] = uint64(uint32(i)) | uint64(uint32(val[q]))<<32
				pos[f]++
			}
		}
		if !slices.Equal(colptr, wc) || !slices.Equal(ents, we) {
			t.Fatalf("CSRToCSC differs from the reference")
		}
	}
	for name, f := range map[string]func(){
		"dense count": func() { DenseToCSR([]int32{1, 0, 2, 0}, 2, make([]int, 3), make([]uint32, 1), make([]int32, 1)) },
		"dense extra": func() { DenseToCSR([]int32{1, 0, 2, 0}, 2, make([]int, 3), make([]uint32, 3), make([]int32, 3)) },
		"dense ptr":   func() { DenseToCSR([]int32{1, 0}, 2, make([]int, 3), nil, nil) },
		"csc column": func() {
			CSRToCSC([]int{0, 1}, []uint32{3}, []int32{1}, make([]int, 3), make([]uint64, 1))
		},
		"csc offsets": func() {
			CSRToCSC([]int{0, 2}, []uint32{0}, []int32{1}, make([]int, 3), make([]uint64, 1))
		},
		"insert sizes": func() {
			KNNInsert(make([]int64, 2), make([]int64, 1), 0, 0, 1, 1, make([]int, 2), nil, nil, nil, nil, make([]int32, 2), make([]int32, 2))
		},
	} {
		if !panicsTrack(f) {
			t.Errorf("%s: no panic", name)
		}
	}
}

// FuzzKNNInsert: KNNInsert against the tracker's loop, lists from fuzzer bytes.
func FuzzKNNInsert(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9}, uint8(3), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, kb, cb uint8) {
		k, classes := 1+int(kb)%6, 1+int(cb)%4
		n := min(len(data)/3, 50)
		stored := 8
		labels := make([]int32, stored+1)
		for i := range labels {
			labels[i] = int32(i % classes)
		}
		cnt := make([]int, n)
		nd, ni := make([]int64, n*k), make([]int, n*k)
		dots, sq, y, pred := make([]int64, n), make([]int64, n), make([]int32, n), make([]int32, n)
		for i := range n {
			cnt[i] = int(data[3*i]) % (k + 1)
			d := int64(0)
			for e := range cnt[i] {
				d += int64(data[(3*i+e)%len(data)] % 3)
				nd[i*k+e], ni[i*k+e] = d, int(data[(3*i+e+1)%len(data)])%stored
			}
			dots[i], sq[i] = int64(data[3*i+1]%7), int64(data[3*i+2]%13)
			y[i], pred[i] = int32(data[3*i+1])%int32(classes), int32(data[3*i+2])%int32(classes)
		}
		c2, nd2, ni2, p2 := slices.Clone(cnt), slices.Clone(nd), slices.Clone(ni), slices.Clone(pred)
		want := knnInsertRef(dots, sq, 6, stored, k, k, c2, nd2, ni2, labels, classes, p2, y)
		got := KNNInsert(dots, sq, 6, stored, k, k, cnt, nd, ni, labels, make([]int32, classes), pred, y)
		if got != want || !slices.Equal(cnt, c2) || !slices.Equal(nd, nd2) || !slices.Equal(ni, ni2) || !slices.Equal(pred, p2) {
			t.Fatalf("KNNInsert differs from the tracker's loop")
		}
	})
}

// TestSparseNearerProducts: sparseNearer's comparison of E_a·n_b² with E_b·n_a² against
// math/big, at values on both sides of its 64-bit shortcut (every operand below 2^32).
func TestSparseNearerProducts(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	edge := []uint64{0, 1, 2, 1<<16 - 1, 1 << 16, 1<<32 - 2, 1<<32 - 1, 1 << 32, 1<<32 + 1, 1<<63 - 1, 1 << 63, 1<<64 - 1}
	pick := func() uint64 {
		if r.IntN(2) == 0 {
			return edge[r.IntN(len(edge))]
		}
		return r.Uint64() >> r.IntN(64)
	}
	for range 200000 {
		// With m = 0 and q = 0 for class b, E_b = −2·n_b·G_b; choosing G through q keeps E
		// free: E_a = q[a] − 2·n_a·g_a with g = 0 is q[a].
		na, nb := int64(1+r.IntN(70000)), int64(1+r.IntN(70000))
		if r.IntN(4) == 0 {
			na = int64(1 + r.Uint64()>>(1+r.IntN(63)))
		}
		ea, eb := pick(), pick()
		cnt := []int64{na, nb}
		q := []int64{int64(ea), int64(eb)}
		got := sparseNearer(0, 1, cnt, q, 0, 0, 0)
		pa := new(big.Int).Mul(new(big.Int).SetUint64(ea), new(big.Int).SetUint64(uint64(nb*nb)))
		pb := new(big.Int).Mul(new(big.Int).SetUint64(eb), new(big.Int).SetUint64(uint64(na*na)))
		want := pa.Cmp(pb) < 0 || pa.Cmp(pb) == 0
		if got != want {
			t.Fatalf("sparseNearer(n_a=%d, n_b=%d, E_a=%d, E_b=%d) = %v, want %v", na, nb, ea, eb, got, want)
		}
	}
}
