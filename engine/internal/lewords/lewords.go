// Package lewords reads arrays of fixed-width little-endian integers, the form every
// canonical encoding of the engine stores them in, into Go slices.
//
// On a little-endian machine (amd64, arm64, WebAssembly, …) the encoded bytes are the
// slice's memory, so a read is one bulk copy (a memmove natively, WebAssembly's
// memory.copy in the guest, which the runtime runs natively) instead of a loop that
// assembles every word from its bytes. Elsewhere it is that loop. The two give the same
// values (TestMatchesPortable); the byte order is fixed by the build (le.go, be.go), and
// TestByteOrder checks it against the machine.
package lewords

import (
	"encoding/binary"
	"unsafe"
)

// Word is an element type this package reads.
type Word interface {
	~int32 | ~uint32 | ~int64 | ~uint64
}

// Read sets dst[i] to the little-endian word of size unsafe.Sizeof(dst[0]) at
// src[i·size:], for every i. It panics if src is shorter than len(dst)·size; bytes of
// src beyond that are ignored.
func Read[T Word](dst []T, src []byte) {
	size := int(unsafe.Sizeof(*new(T)))
	n := len(dst) * size
	if len(src) < n {
		panic("lewords: source shorter than the destination")
	}
	if littleEndian {
		if n > 0 {
			copy(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(dst))), n), src)
		}
		return
	}
	readPortable(dst, src)
}

// readPortable is Read as a loop over the words, for any byte order.
func readPortable[T Word](dst []T, src []byte) {
	le := binary.LittleEndian
	switch unsafe.Sizeof(*new(T)) {
	case 4:
		for i := range dst {
			dst[i] = T(le.Uint32(src[4*i:]))
		}
	case 8:
		for i := range dst {
			dst[i] = T(le.Uint64(src[8*i:]))
		}
	}
}

// View returns the first n words of src as a []T that shares src's memory, and true, when
// that gives the same values as Read: on a little-endian machine, with src's address a
// multiple of the word size (as Go's own values are). Otherwise, or if src is shorter than
// n words, it returns nil and false, and the caller copies with Read. The caller must not
// change those bytes of src while it uses the view.
func View[T Word](src []byte, n int) ([]T, bool) {
	size := int(unsafe.Sizeof(*new(T)))
	if !littleEndian || n < 0 || len(src)/size < n {
		return nil, false
	}
	if n == 0 {
		return []T{}, true
	}
	p := unsafe.Pointer(unsafe.SliceData(src))
	if uintptr(p)%uintptr(size) != 0 {
		return nil, false
	}
	return unsafe.Slice((*T)(p), n), true
}
