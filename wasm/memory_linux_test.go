package wasm

import (
	"testing"
	"unsafe"
)

// A memory handed out again after Free reads as zeros everywhere, whether it was cleared
// (small) or returned to the kernel (large), and it is the same mapping (the pool works).
func TestAllocatorZeroes(t *testing.T) {
	for _, used := range []uint64{1 << 16, 3<<20 + 12345, clearMax, clearMax + 1<<16, 3 * clearMax} {
		const max = 64 << 20
		m := memoryAllocator.Allocate(0, max)
		b := m.Reallocate(used / 2)
		for i := range b {
			b[i] = 0xa5
		}
		b = m.Reallocate(used)
		for i := range b {
			b[i] ^= 0x5a
		}
		base := unsafe.SliceData(b)
		m.Free()
		again := memoryAllocator.Allocate(0, max)
		c := again.Reallocate(max)
		if unsafe.SliceData(c) != base {
			t.Logf("used %d: a new mapping, not the pooled one", used)
		}
		for i, v := range c {
			if v != 0 {
				t.Fatalf("used %d: byte %d of a reused memory is %#x", used, i, v)
			}
		}
		if again.Reallocate(max+1) != nil {
			t.Fatalf("grew past the maximum")
		}
		again.Free()
	}
}
