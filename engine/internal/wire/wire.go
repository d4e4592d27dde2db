// Package wire holds the fixed-width little-endian writer and the checking reader that
// the engine's canonical encodings (the incentive mechanisms' states, the engine ABI's
// requests and responses) are built from.
//
// Every encoding starts with a 4-byte magic and a u16 version. A Reader records the
// first error and returns zero values afterwards, so a decoder reads straight through
// and checks Err once; it never panics on short input, and Count refuses an element
// count whose elements could not fit in the bytes left, so a decoder never allocates more
// than a constant times the input's length.
package wire

import (
	"encoding/binary"
	"fmt"

	"github.com/meritchain/merit/engine/incentive"
)

var le = binary.LittleEndian

// Writer appends an encoding to a byte slice.
type Writer struct{ b []byte }

// NewWriter starts an encoding with magic and version; size is a capacity hint.
func NewWriter(magic string, version uint16, size int) *Writer {
	w := &Writer{b: make([]byte, 0, max(size, 6))}
	w.b = append(w.b, magic...)
	w.b = le.AppendUint16(w.b, version)
	return w
}

func (w *Writer) U8(v uint8)   { w.b = append(w.b, v) }
func (w *Writer) U16(v uint16) { w.b = le.AppendUint16(w.b, v) }
func (w *Writer) U32(v uint32) { w.b = le.AppendUint32(w.b, v) }
func (w *Writer) U64(v uint64) { w.b = le.AppendUint64(w.b, v) }
func (w *Writer) I32(v int32)  { w.b = le.AppendUint32(w.b, uint32(v)) }

// I64 writes v as its two's-complement u64.
func (w *Writer) I64(v int64) { w.b = le.AppendUint64(w.b, uint64(v)) }

// Blob writes a u32 length and then b.
func (w *Writer) Blob(b []byte) {
	w.U32(uint32(len(b)))
	w.b = append(w.b, b...)
}

// Bool writes 1 for true, 0 for false.
func (w *Writer) Bool(v bool) {
	if v {
		w.U8(1)
	} else {
		w.U8(0)
	}
}

// Bytes writes b as is (no length prefix).
func (w *Writer) Bytes(b []byte) { w.b = append(w.b, b...) }

// Addr writes an address's 20 bytes.
func (w *Writer) Addr(a incentive.Address) { w.b = append(w.b, a[:]...) }

// Hash writes 32 bytes.
func (w *Writer) Hash(h [32]byte) { w.b = append(w.b, h[:]...) }

// Out returns the encoding.
func (w *Writer) Out() []byte { return w.b }

// Reader reads an encoding, recording the first error.
type Reader struct {
	b   []byte
	off int
	err error
	// Shared is set by a caller that gives b up to the values decoded from it: decoders
	// may share b's memory instead of copying it, and rearrange b's bytes to do so
	// (dataset.DecodeShared); nothing else may read or change b while they are in use.
	Shared bool
}

// NewReader checks b's magic and version and returns a reader positioned after them.
func NewReader(b []byte, magic string, version uint16) *Reader {
	r := &Reader{b: b}
	if len(b) < len(magic)+2 {
		r.Failf("%d bytes is too short for a header", len(b))
		return r
	}
	if string(b[:len(magic)]) != magic {
		r.Failf("bad magic %q, want %q", b[:len(magic)], magic)
		return r
	}
	r.off = len(magic)
	if v := r.U16(); v != version && r.err == nil {
		r.Failf("unsupported version %d, want %d", v, version)
	}
	return r
}

// Failf records an error (wrapping incentive.ErrMalformed) unless one is recorded.
func (r *Reader) Failf(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: at byte %d: %s", incentive.ErrMalformed, r.off, fmt.Sprintf(format, args...))
	}
}

// Err returns the first error recorded.
func (r *Reader) Err() error { return r.err }

// Left returns the number of unread bytes.
func (r *Reader) Left() int { return len(r.b) - r.off }

// take returns the next n bytes, or nil (recording an error) if fewer remain.
func (r *Reader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > r.Left() {
		r.Failf("truncated: need %d bytes, %d left", n, r.Left())
		return nil
	}
	p := r.b[r.off : r.off+n : r.off+n]
	r.off += n
	return p
}

func (r *Reader) U8() uint8 {
	if p := r.take(1); p != nil {
		return p[0]
	}
	return 0
}

func (r *Reader) U16() uint16 {
	if p := r.take(2); p != nil {
		return le.Uint16(p)
	}
	return 0
}

func (r *Reader) U32() uint32 {
	if p := r.take(4); p != nil {
		return le.Uint32(p)
	}
	return 0
}

func (r *Reader) U64() uint64 {
	if p := r.take(8); p != nil {
		return le.Uint64(p)
	}
	return 0
}

func (r *Reader) I32() int32 { return int32(r.U32()) }
func (r *Reader) I64() int64 { return int64(r.U64()) }

// Blob reads a u32 length and that many bytes; the result aliases the input.
func (r *Reader) Blob() []byte {
	n := r.U32()
	if r.err != nil {
		return nil
	}
	return r.take(int(n))
}

// Bool reads a byte that must be 0 or 1.
func (r *Reader) Bool() bool {
	v := r.U8()
	if v > 1 {
		r.Failf("boolean byte %d is neither 0 nor 1", v)
	}
	return v == 1
}

// Addr reads an address.
func (r *Reader) Addr() (a incentive.Address) {
	if p := r.take(incentive.AddressLen); p != nil {
		copy(a[:], p)
	}
	return a
}

// Hash reads 32 bytes.
func (r *Reader) Hash() (h [32]byte) {
	if p := r.take(32); p != nil {
		copy(h[:], p)
	}
	return h
}

// Count checks that n elements of at least elemSize bytes each can fit in the bytes left
// and that n ≤ limit, and returns n as an int (0 after an error).
func (r *Reader) Count(n uint64, elemSize int, limit uint64) int {
	if r.err != nil {
		return 0
	}
	if n > limit {
		r.Failf("count %d exceeds the limit %d", n, limit)
		return 0
	}
	if elemSize > 0 && n > uint64(r.Left()/elemSize) {
		r.Failf("count %d of %d-byte elements does not fit in the %d bytes left", n, elemSize, r.Left())
		return 0
	}
	return int(n)
}

// Finish records an error if bytes are left over and returns the first error.
func (r *Reader) Finish() error {
	if r.err == nil && r.Left() != 0 {
		r.Failf("%d trailing bytes", r.Left())
	}
	return r.err
}
