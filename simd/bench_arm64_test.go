//go:build !purego

package simd

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// Benchmarks of each NEON kernel beside its portable version, at sizes that sit in L1
// (4 KiB per operand), L2 (256 KiB) and DRAM (64 MiB). They are meaningful only on arm64
// hardware (under QEMU they measure the emulator), e.g.
//
//	go test -run '^$' -bench NEON ./simd/

var neonBenchSizes = []struct {
	name string
	n    int
}{{"L1", 1 << 10}, {"L2", 1 << 16}, {"DRAM", 1 << 24}}

func neonBenchInputs(n int) (a, b []int32) {
	r := rand.New(rand.NewPCG(1, 2))
	a, b = make([]int32, n), make([]int32, n)
	for i := range a {
		a[i], b[i] = int32(r.IntN(1<<16)), int32(r.IntN(1<<16))
	}
	return a, b
}

// neonBenchPair runs the NEON and the portable form of a kernel over the same inputs;
// bytesPer is the bytes one call streams per element.
func neonBenchPair(b *testing.B, bytesPer int, kernels map[string]func(a, x []int32)) {
	for _, sz := range neonBenchSizes {
		a, x := neonBenchInputs(sz.n)
		for _, name := range []string{"neon", "generic"} {
			f := kernels[name]
			b.Run(fmt.Sprintf("%s/%s", sz.name, name), func(b *testing.B) {
				b.SetBytes(int64(bytesPer * sz.n))
				for b.Loop() {
					f(a, x)
				}
			})
		}
	}
}

var neonBenchSink int64

func BenchmarkNEONDot(b *testing.B) {
	neonBenchPair(b, 8, map[string]func(a, x []int32){
		"neon":    func(a, x []int32) { neonBenchSink += dotNEON(a, x) },
		"generic": func(a, x []int32) { neonBenchSink += dotGeneric(a, x) },
	})
}

func BenchmarkNEONSqDist(b *testing.B) {
	neonBenchPair(b, 8, map[string]func(a, x []int32){
		"neon":    func(a, x []int32) { neonBenchSink += sqDistNEON(a, x) },
		"generic": func(a, x []int32) { neonBenchSink += sqDistGeneric(a, x) },
	})
}

func BenchmarkNEONSqDistBatch(b *testing.B) {
	const dim = 784 // an MNIST row
	out := make([]int64, (1<<16)/dim)
	neonBenchPair(b, 4, map[string]func(a, x []int32){
		"neon": func(a, x []int32) {
			n := min(len(out), len(a)/dim)
			sqDistBatchNEON(a[:n*dim], x[:dim], out[:n])
		},
		"generic": func(a, x []int32) {
			n := min(len(out), len(a)/dim)
			sqDistBatchGeneric(a[:n*dim], x[:dim], out[:n])
		},
	})
}

func BenchmarkNEONAddScaledSat(b *testing.B) {
	neonBenchPair(b, 12, map[string]func(a, x []int32){
		"neon":    func(a, x []int32) { addScaledSatExactNEONGlue(a, 1, x, 1<<30) },
		"generic": func(a, x []int32) { addScaledSatExactGeneric(a, 1, x, 1<<30) },
	})
}

func BenchmarkNEONSum(b *testing.B) {
	neonBenchPair(b, 4, map[string]func(a, x []int32){
		"neon":    func(a, _ []int32) { neonBenchSink += sumNEON(a) },
		"generic": func(a, _ []int32) { neonBenchSink += sumGeneric(a) },
	})
}

func BenchmarkNEONCountEq(b *testing.B) {
	neonBenchPair(b, 4, map[string]func(a, x []int32){
		"neon":    func(a, _ []int32) { neonBenchSink += int64(countEqNEONGlue(a, 7)) },
		"generic": func(a, _ []int32) { neonBenchSink += int64(countEqGeneric(a, 7)) },
	})
}

func BenchmarkNEONMinMax(b *testing.B) {
	neonBenchPair(b, 4, map[string]func(a, x []int32){
		"neon":    func(a, _ []int32) { lo, hi := minMaxNEONGlue(a); neonBenchSink += int64(lo) + int64(hi) },
		"generic": func(a, _ []int32) { lo, hi := minMaxGeneric(a); neonBenchSink += int64(lo) + int64(hi) },
	})
}

func BenchmarkNEONSubI32(b *testing.B) {
	var dst []int32
	neonBenchPair(b, 12, map[string]func(a, x []int32){
		"neon": func(a, x []int32) {
			if len(dst) != len(a) {
				dst = make([]int32, len(a))
			}
			subI32NEONGlue(dst, a, x)
		},
		"generic": func(a, x []int32) {
			if len(dst) != len(a) {
				dst = make([]int32, len(a))
			}
			subI32Generic(dst, a, x)
		},
	})
}
