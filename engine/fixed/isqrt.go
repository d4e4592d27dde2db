package fixed

import "math/bits"

// Isqrt returns ⌊√x⌋ exactly.
//
// Newton's iteration s ← ⌊(s + ⌊x/s⌋)/2⌋ from a start s ≥ √x decreases strictly while
// s > ⌊√x⌋ and never goes below ⌊√x⌋ (AM–GM), so the first step that does not decrease
// leaves s = ⌊√x⌋. The start 2^⌈len(x)/2⌉ is within a factor 2 of √x, so a handful of steps suffice.
func Isqrt(x uint64) uint64 {
	if x < 2 {
		return x
	}
	s := uint64(1) << ((bits.Len64(x) + 1) / 2) // ≤ 2^32, and s ≥ √x
	for {
		t := (s + x/s) / 2 // x/s ≤ √x ≤ s, so the sum ≤ 2^33
		if t >= s {
			return s
		}
		s = t
	}
}
