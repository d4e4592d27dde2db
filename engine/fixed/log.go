package fixed

import "math/bits"

// logSteps is the number of squaring steps: one bit of log2 each, one more than
// LogFracBits, so that the final bit rounds the result to nearest.
const logSteps = LogFracBits + 1

// Log2 returns log2(x) in units of 2^-LogFracBits, for x ≥ 1, with
// |Log2(x) − log2(x)·2^LogFracBits| < 1 (see docs/NUMERICS.md for the proof).
// It panics if x == 0.
//
// The bound actually met is 1/2 + 2^-38. Method: x = 2^n·y with n = len(x)−1 exact and
// y ∈ [1, 2) held as m/2^63 (exact for every uint64). Each of 25 steps squares y with a
// 128-bit product (bits.Mul64); if y² ≥ 2 the next bit of log2(y) is 1 and y² is halved;
// the product is truncated back to 64 bits. Unrolling log2(y_j) = 2·log2(y_{j−1}) − b_j
// + log2(1 − η_j), where η_j ∈ [0, 2^-63) is step j's relative truncation,
//
//	log2(y) = B/2^25 + log2(y_25)/2^25 + Σ_j 2^-j·(−log2(1 − η_j)),
//
// with B the 25 bits, 0 ≤ log2(y_25) < 1 and 0 ≤ Σ < 1.4428·2^-63. Hence
// t = 2^25·log2(y) ∈ [B, B + 1 + δ) with δ < 2^-37. The result's fraction R = ⌊(B+1)/2⌋
// has B − 2R ∈ {−1, 0}, so 2^24·log2(y) − R = (t − 2R)/2 ∈ [−1/2, 1/2 + δ/2).
// Exact at every power of two (y = 1 stays exactly 1). Results: 0 ≤ Log2(x) ≤ 2^30.
func Log2(x uint64) int64 {
	if x == 0 {
		panic("fixed.Log2: logarithm of zero")
	}
	n := bits.Len64(x) - 1
	m := x << (63 - n) // y = m / 2^63, m ∈ [2^63, 2^64)
	var b uint64
	for range logSteps {
		hi, lo := bits.Mul64(m, m) // y² = (hi·2^64 + lo) / 2^126 ∈ [1, 4)
		top := hi >> 63            // 1 iff y² ≥ 2
		s := 1 - top
		m = hi<<s | (lo>>63)&s // ⌊y²·2^63⌋ if y² < 2, ⌊y²·2^62⌋ if y² ≥ 2; ≥ 2^63 either way
		b = b<<1 | top
	}
	return int64(n)<<LogFracBits + int64((b+1)>>1)
}
