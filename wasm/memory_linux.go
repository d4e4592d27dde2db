package wasm

import (
	"os"
	"sync"
	"syscall"
	"unsafe"

	"github.com/tetratelabs/wazero/experimental"
)

// mmapAllocator backs each instance's linear memory with an anonymous mapping of the
// memory limit's size, reserved but not committed (MAP_NORESERVE): growing the memory
// never copies it, and the kernel supplies zeroed pages as the guest touches them.
// Without it, wazero grows a memory by copying it into a larger Go slice, several times
// while the Go runtime starts.
//
// A freed mapping is zeroed and kept for the next instance (up to poolMax of them), so
// that a call does not pay the kernel for faulting in its pages again: every byte the
// instance could have written (its memory never shrinks, so that is its final length) is
// cleared. The first clearMax bytes (the Go runtime's data and the start of its heap,
// which every call touches) are cleared with memclr and stay resident. Beyond them,
// mincore tells which pages are resident: those are cleared with memclr too while at most
// keepMax bytes of the call's length stay resident, and every other page, resident beyond
// that budget or not resident (never touched, or swapped out), is returned to the kernel
// (MADV_DONTNEED: it reads as zeros again). A reused memory is therefore as zero as a
// fresh one, which WebAssembly requires and TestAllocatorZeroes checks. (Faulting a page
// in costs far more than clearing a resident one: about 1 ms per MiB against a few µs on
// the development machine; a call of marginal scoring at MNIST size uses about 14 MiB.)
type mmapAllocator struct{}

// poolMax bounds the mappings kept; clearMax is the length always cleared with memclr,
// keepMax the most bytes of a call's length left resident (so the pool holds about
// poolMax·keepMax bytes of resident zeros at most: pages above a later, smaller call's
// length stay as they were, zero and perhaps resident).
const (
	poolMax  = 8
	clearMax = 8 << 20
	keepMax  = 32 << 20
)

var pool struct {
	sync.Mutex
	free []*mmapMemory
}

// If the mapping fails (a strict overcommit policy, an address-space limit), the memory
// is an ordinary Go slice that grows by copying, as wazero's own.
func (mmapAllocator) Allocate(capacity, max uint64) experimental.LinearMemory {
	if max > 0 && max <= 1<<32 {
		pool.Lock()
		for i, m := range pool.free {
			if uint64(len(m.b)) == max {
				pool.free = append(pool.free[:i], pool.free[i+1:]...)
				pool.Unlock()
				return m
			}
		}
		pool.Unlock()
		b, err := syscall.Mmap(-1, 0, int(max), syscall.PROT_READ|syscall.PROT_WRITE,
			syscall.MAP_PRIVATE|syscall.MAP_ANONYMOUS|syscall.MAP_NORESERVE)
		if err == nil {
			return &mmapMemory{b: b}
		}
	}
	return &sliceMemory{b: make([]byte, 0, capacity), max: max}
}

type mmapMemory struct {
	b    []byte
	used uint64 // the largest length handed out
}

func (m *mmapMemory) Reallocate(size uint64) []byte {
	if size > uint64(len(m.b)) {
		return nil
	}
	m.used = max(m.used, size)
	return m.b[:size]
}

func (m *mmapMemory) Free() {
	if m.b == nil {
		return
	}
	clear(m.b[:min(m.used, clearMax)])
	if m.used > clearMax && clearResident(m.b[clearMax:m.used], keepMax-clearMax) != nil {
		syscall.Munmap(m.b)
		m.b = nil
		return
	}
	m.used = 0
	pool.Lock()
	if len(pool.free) < poolMax {
		pool.free = append(pool.free, m)
		pool.Unlock()
		return
	}
	pool.Unlock()
	syscall.Munmap(m.b)
	m.b = nil
}

// clearResident zeroes b, a page-aligned part of a private anonymous mapping: runs of
// resident pages with memclr, up to keep bytes in all, and the rest with MADV_DONTNEED.
// Only a page mincore reports resident is cleared in place, so no page is faulted in.
func clearResident(b []byte, keep int) error {
	const page = 4096
	if os.Getpagesize() != page {
		return syscall.Madvise(b, syscall.MADV_DONTNEED)
	}
	vec := make([]byte, (len(b)+page-1)/page)
	if _, _, e := syscall.Syscall(syscall.SYS_MINCORE, uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)),
		uintptr(unsafe.Pointer(unsafe.SliceData(vec)))); e != 0 {
		return syscall.Madvise(b, syscall.MADV_DONTNEED)
	}
	for p := 0; p < len(vec); {
		resident := vec[p]&1 != 0
		q := p + 1
		for q < len(vec) && vec[q]&1 != 0 == resident {
			q++
		}
		run := b[p*page : min(q*page, len(b))]
		if resident {
			n := min(len(run), keep) // whole pages: used and clearMax are multiples of 64 KiB
			clear(run[:n])
			keep -= n
			run = run[n:]
		}
		if len(run) > 0 {
			if err := syscall.Madvise(run, syscall.MADV_DONTNEED); err != nil {
				return err
			}
		}
		p = q
	}
	return nil
}

var memoryAllocator experimental.MemoryAllocator = mmapAllocator{}

// sliceMemory is a linear memory in a Go slice.
type sliceMemory struct {
	b   []byte
	max uint64
}

func (m *sliceMemory) Reallocate(size uint64) []byte {
	if size > m.max {
		return nil
	}
	if size <= uint64(cap(m.b)) {
		m.b = m.b[:size]
		return m.b
	}
	m.b = append(m.b[:cap(m.b)], make([]byte, size-uint64(cap(m.b)))...)
	return m.b
}

func (m *sliceMemory) Free() { m.b = nil }
