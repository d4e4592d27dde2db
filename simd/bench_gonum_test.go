package simd

import (
	"testing"

	"gonum.org/v1/gonum/floats"
)

// BenchmarkKernel/Dot has a peer outside Merit: gonum's float64 floats.Dot, what a Go user
// would otherwise reach for. BenchmarkGonumDot runs it on the same element counts as
// BenchmarkKernel/Dot at each size and sets the same byte count per call (8 per element,
// the two int32 operands), so its "GB/s" is directly comparable as an element rate, even
// though float64 operands are twice as wide. (It is not an exact integer computation: a
// speed reference only.)
func BenchmarkGonumDot(b *testing.B) {
	for _, sz := range benchSizes {
		b.Run(sz.name, func(b *testing.B) {
			n := sz.bytes / 8
			ia, ib := benchBuf(n, 1), benchBuf(n, 2)
			x, y := make([]float64, n), make([]float64, n)
			for i := range x {
				x[i], y[i] = float64(ia[i]), float64(ib[i])
			}
			b.SetBytes(int64(8 * n))
			b.ResetTimer()
			var s float64
			for b.Loop() {
				s += floats.Dot(x, y)
			}
			benchSink += int64(s)
		})
	}
}
