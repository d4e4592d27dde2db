package wasm

import (
	"os"
	"syscall"
	"testing"
	"unsafe"
)

// A memory handed out again after Free reads as zeros everywhere, whether it was cleared
// (small, or resident within keepMax) or returned to the kernel (beyond keepMax, or never
// touched), and it is the same mapping (the pool works). With stride > 1 only every
// stride-th page of the second half beyond clearMax is written, so resident and
// untouched runs alternate.
func TestAllocatorZeroes(t *testing.T) {
	const max = 64 << 20
	for _, tc := range []struct {
		used   uint64
		stride int
	}{
		{1 << 16, 1}, {3<<20 + 12345, 1}, {clearMax, 1}, {clearMax + 1<<16, 1}, {3 * clearMax, 1},
		{3 * clearMax, 3}, {keepMax + 5<<20, 1}, {max, 7},
	} {
		used := tc.used
		m := memoryAllocator.Allocate(0, max)
		b := m.Reallocate(used / 2)
		for i := range b {
			b[i] = 0xa5
		}
		b = m.Reallocate(used)
		for i := range b {
			if i < clearMax || (i/4096)%tc.stride == 0 {
				b[i] ^= 0x5a
			}
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
				t.Fatalf("used %d stride %d: byte %d of a reused memory is %#x", used, tc.stride, i, v)
			}
		}
		if again.Reallocate(max+1) != nil {
			t.Fatalf("grew past the maximum")
		}
		again.Free()
	}
}

// The pages a call touched beyond clearMax stay resident after Free, up to keepMax in
// all, so that the next instance does not fault them in again.
func TestAllocatorKeepsResident(t *testing.T) {
	const max = 64 << 20
	m := memoryAllocator.Allocate(0, max)
	b := m.Reallocate(max)
	clear(b[:keepMax+8<<20]) // touch: resident
	m.Free()
	again := memoryAllocator.Allocate(0, max)
	c := again.Reallocate(max)
	defer again.Free()
	if unsafe.SliceData(c) != unsafe.SliceData(b) {
		t.Skip("a new mapping, not the pooled one")
	}
	page := os.Getpagesize()
	if page != 4096 {
		t.Skipf("page size %d: clearResident drops every page beyond clearMax", page)
	}
	vec := make([]byte, max/page)
	if _, _, e := syscall.Syscall(syscall.SYS_MINCORE, uintptr(unsafe.Pointer(unsafe.SliceData(c))), uintptr(len(c)),
		uintptr(unsafe.Pointer(unsafe.SliceData(vec)))); e != 0 {
		t.Fatal(e)
	}
	n := 0
	for _, v := range vec {
		n += int(v & 1)
	}
	if got := n * page; got != keepMax {
		t.Fatalf("%d bytes resident after Free, want keepMax = %d", got, keepMax)
	}
}
