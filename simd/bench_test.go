package simd

import (
	"math/rand/v2"
	"runtime"
	"testing"
)

// Benchmarks of every dispatched kernel at every level this machine runs, at three
// working-set sizes: L1 (1 KiB), L2 (256 KiB) and DRAM (64 MiB). b.SetBytes is the bytes
// the kernel reads and writes per call, so go test reports GB/s (MB/s). BenchmarkStream
// is the anchor measured in the same run: a plain streaming read (Σ of an []int64, with
// the widest vector loads this machine has and with a Go loop) and a copy, so that a
// streaming kernel can be judged by the fraction of the read bandwidth it reaches and an
// in-cache one by its speed-up over the generic level.
//
//	go test -run '^$' -bench 'Kernel|Stream' ./simd/
//
// Names: BenchmarkKernel/<kernel>/<level>/<size>, BenchmarkStream/<how>/<size>.

var benchSizes = []struct {
	name  string
	bytes int
}{{"L1", 1 << 10}, {"L2", 256 << 10}, {"DRAM", 64 << 20}}

// benchBuf returns a shared buffer of n int32 values (0..255, like MNIST pixels), so the
// DRAM-sized inputs are allocated once per process.
var benchBufs = map[int][]int32{}

func benchBuf(n, seed int) []int32 {
	key := n*4 + seed
	if b, ok := benchBufs[key]; ok {
		return b
	}
	r := rand.New(rand.NewPCG(uint64(n), uint64(seed)))
	b := make([]int32, n)
	for i := range b {
		b[i] = int32(r.IntN(256))
	}
	benchBufs[key] = b
	return b
}

// benchLevels returns the levels to benchmark: generic and every accelerated level
// this machine runs.
func benchLevels() []Level { return Levels() }

// benchKernel is one kernel's benchmark: setup returns the call and the bytes it touches,
// for a working set of about size bytes.
type benchKernel struct {
	name  string
	setup func(k kernelTable, size int) (run func(), bytes int)
}

const benchDim = 784 // MNIST

var benchKernels = []benchKernel{
	{"Dot", func(k kernelTable, size int) (func(), int) {
		n := size / 8
		a, b := benchBuf(n, 1), benchBuf(n, 2)
		return func() { benchSink += k.dot(a, b) }, 8 * n
	}},
	{"SqDist", func(k kernelTable, size int) (func(), int) {
		n := size / 8
		a, b := benchBuf(n, 1), benchBuf(n, 2)
		return func() { benchSink += k.sqDist(a, b) }, 8 * n
	}},
	{"DotBatch", func(k kernelTable, size int) (func(), int) {
		rows, q, out := batchInputs(size)
		return func() { k.dotBatch(rows, q, out) }, 4*len(rows) + 8*len(out)
	}},
	{"SqDistBatch", func(k kernelTable, size int) (func(), int) {
		rows, q, out := batchInputs(size)
		return func() { k.sqDistBatch(rows, q, out) }, 4*len(rows) + 8*len(out)
	}},
	{"AddScaledSat", func(k kernelTable, size int) (func(), int) {
		n := size / 8
		dst, x := make([]int32, n), benchBuf(n, 3)
		// s alternates in sign so dst stays within lim and the clamp branches are mixed.
		s := int32(1)
		return func() { k.addScaledSat(dst, s, x, 1000); s = -s }, 12 * n
	}},
	{"GatherDot", func(k kernelTable, size int) (func(), int) {
		n := size / 8
		w := benchBuf(10*benchDim, 4)
		idx, val := benchIdx(n, len(w)), benchBuf(n, 5)
		return func() { benchSink += k.gatherDot(w, idx, val) }, 12 * n
	}},
	{"GatherSum", func(k kernelTable, size int) (func(), int) {
		n := size / 4
		w := benchBuf(10*benchDim, 4)
		idx := benchIdx(n, len(w))
		return func() { benchSink += k.gatherSum(w, idx) }, 8 * n
	}},
	{"Sum", func(k kernelTable, size int) (func(), int) {
		x := benchBuf(size/4, 6)
		return func() { benchSink += k.sum(x) }, 4 * len(x)
	}},
	{"CountZero", func(k kernelTable, size int) (func(), int) {
		x := benchBuf(size/4, 6)
		return func() { benchSink += int64(k.countZero(x)) }, 4 * len(x)
	}},
	{"MinMax", func(k kernelTable, size int) (func(), int) {
		x := benchBuf(size/4, 6)
		return func() { lo, hi := k.minMax(x); benchSink += int64(lo) + int64(hi) }, 4 * len(x)
	}},
	{"SubI32", func(k kernelTable, size int) (func(), int) {
		n := size / 12
		a, b, dst := benchBuf(n, 1), benchBuf(n, 2), make([]int32, n)
		return func() { k.subI32(dst, a, b) }, 12 * n
	}},
	{"AddScaled64", func(k kernelTable, size int) (func(), int) {
		n := size / 20
		dst, x := make([]int64, n), benchBuf(n, 7)
		return func() { k.addScaled64(dst, -1, x) }, 20 * n
	}},
	{"AddScaledI64", func(k kernelTable, size int) (func(), int) {
		n := size / 24
		dst, src := make([]int64, n), make([]int64, n)
		return func() { k.addScaledI64(dst, -2, src) }, 24 * n
	}},
	{"AddConstI64", func(k kernelTable, size int) (func(), int) {
		dst := make([]int64, size/16)
		return func() { k.addConstI64(dst, 3) }, 16 * len(dst)
	}},
}

var benchSink int64

// batchInputs returns rows of benchDim values (64 when the size is too small for one
// such row per four) filling about size bytes, a query and the output.
func batchInputs(size int) (rows, q []int32, out []int64) {
	dim := benchDim
	if size/4 < 4*dim {
		dim = 64
	}
	n := size / 4 / dim
	return benchBuf(n*dim, 8), benchBuf(dim, 9), make([]int64, n)
}

func benchIdx(n, limit int) []uint32 {
	r := rand.New(rand.NewPCG(uint64(n), 10))
	idx := make([]uint32, n)
	for i := range idx {
		idx[i] = uint32(r.IntN(limit))
	}
	return idx
}

func BenchmarkKernel(b *testing.B) {
	for _, bk := range benchKernels {
		b.Run(bk.name, func(b *testing.B) {
			for _, l := range benchLevels() {
				b.Run(l.String(), func(b *testing.B) {
					for _, sz := range benchSizes {
						b.Run(sz.name, func(b *testing.B) {
							run, bytes := bk.setup(tableFor(l), sz.bytes)
							b.SetBytes(int64(bytes))
							b.ResetTimer()
							for b.Loop() {
								run()
							}
						})
					}
				})
			}
		})
	}
}

// streamGo is the read anchor in plain Go: what the compiler makes of a summing loop.
func streamGo(x []int64) int64 {
	var s0, s1, s2, s3 int64
	for len(x) >= 4 {
		s0 += x[0]
		s1 += x[1]
		s2 += x[2]
		s3 += x[3]
		x = x[4:]
	}
	for _, v := range x {
		s0 += v
	}
	return s0 + s1 + s2 + s3
}

func BenchmarkStream(b *testing.B) {
	ways := map[string]func(x []int64) int64{"go": streamGo}
	for name, f := range streamAsm() {
		ways[name] = f
	}
	for _, name := range []string{"go", "avx2", "avx512", "neon"} {
		f, ok := ways[name]
		if !ok {
			continue
		}
		b.Run("read-"+name, func(b *testing.B) {
			for _, sz := range benchSizes {
				b.Run(sz.name, func(b *testing.B) {
					x := make([]int64, sz.bytes/8)
					for i := range x {
						x[i] = int64(i)
					}
					b.SetBytes(int64(sz.bytes))
					b.ResetTimer()
					for b.Loop() {
						benchSink += f(x)
					}
				})
			}
		})
	}
	b.Run("copy", func(b *testing.B) {
		for _, sz := range benchSizes {
			b.Run(sz.name, func(b *testing.B) {
				src, dst := make([]byte, sz.bytes/2), make([]byte, sz.bytes/2)
				b.SetBytes(int64(sz.bytes)) // read + written
				b.ResetTimer()
				for b.Loop() {
					copy(dst, src)
				}
			})
		}
	})
	b.Logf("GOARCH=%s levels=%v features=%v", runtime.GOARCH, Levels(), Features())
}
