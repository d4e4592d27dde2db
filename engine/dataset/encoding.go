package dataset

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"math/bits"
	"unsafe"

	"github.com/meritchain/merit/engine/internal/lewords"
)

// The canonical binary encoding, version 1 (docs/encoding-dataset.md). All integers are
// little-endian.
//
//	offset size  field
//	0      4     magic "MRTD"
//	4      1     version = 1
//	5      1     kind (1 dense, 2 sparse)
//	6      4     dims     uint32
//	10     4     classes  uint32
//	14     4     scaleExp uint32
//	18     8     rows     uint64
//	26     8     nnz      uint64 (dense: rows·dims; sparse: len(Idx))
//	34           labels: rows × int32
//	             dense:  X:          nnz  × int32
//	             sparse: row counts: rows × uint32 (Ptr[i+1]−Ptr[i])
//	                     Idx:        nnz  × uint32
//	                     Val:        nnz  × int32
//
// Every valid dataset has exactly one encoding, and Decode accepts exactly the
// encodings of valid datasets.
const (
	encMagic     = "MRTD"
	encVersion   = 1
	encHeaderLen = 34
)

// encoder writes the encoding into buf, flushing full chunks to w if w is not nil.
type encoder struct {
	buf []byte
	w   hash.Hash
}

const chunk = 64 << 10

func (e *encoder) grow(n int) []byte {
	if e.w != nil && len(e.buf)+n > chunk {
		e.w.Write(e.buf)
		e.buf = e.buf[:0]
	}
	l := len(e.buf)
	e.buf = append(e.buf, make([]byte, n)...)
	return e.buf[l:]
}

func (e *encoder) u32(v uint32) { binary.LittleEndian.PutUint32(e.grow(4), v) }

// words writes n 32-bit words, word i being at(i), a chunk at a time.
func (e *encoder) words(n int, at func(i int) uint32) {
	for i := 0; i < n; {
		m := min(n-i, chunk/4)
		b := e.grow(4 * m)
		for k := 0; k < m; k++ {
			binary.LittleEndian.PutUint32(b[4*k:], at(i+k))
		}
		i += m
	}
}
func (e *encoder) u64(v uint64) { binary.LittleEndian.PutUint64(e.grow(8), v) }

func (d *Dataset) encode(e *encoder) {
	copy(e.grow(4), encMagic)
	b := e.grow(2)
	b[0], b[1] = encVersion, byte(d.Kind)
	e.u32(uint32(d.Dims))
	e.u32(uint32(d.Classes))
	e.u32(uint32(d.ScaleExp))
	e.u64(uint64(len(d.Y)))
	if d.Kind == Dense {
		e.u64(uint64(len(d.X)))
	} else {
		e.u64(uint64(len(d.Idx)))
	}
	e.words(len(d.Y), func(i int) uint32 { return uint32(d.Y[i]) })
	if d.Kind == Dense {
		e.words(len(d.X), func(i int) uint32 { return uint32(d.X[i]) })
		return
	}
	e.words(len(d.Y), func(i int) uint32 { return uint32(d.Ptr[i+1] - d.Ptr[i]) })
	e.words(len(d.Idx), func(i int) uint32 { return d.Idx[i] })
	e.words(len(d.Val), func(i int) uint32 { return uint32(d.Val[i]) })
}

// EncodedLen returns the length of d's encoding (d must be valid).
func (d *Dataset) EncodedLen() int {
	n := encHeaderLen + 4*len(d.Y)
	if d.Kind == Dense {
		return n + 4*len(d.X)
	}
	return n + 4*len(d.Y) + 8*len(d.Idx)
}

// MarshalBinary returns the canonical encoding of d (version 1; see
// docs/encoding-dataset.md). It returns an error if d is not valid.
func (d *Dataset) MarshalBinary() ([]byte, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	e := &encoder{buf: make([]byte, 0, d.EncodedLen())}
	d.encode(e)
	return e.buf, nil
}

// Hash returns the SHA-256 of d's canonical encoding, computed without materialising it.
// For a dataset that is not valid (which has no encoding) it returns the all-zero array.
func (d *Dataset) Hash() [32]byte {
	var out [32]byte
	if d.Validate() != nil {
		return out
	}
	h := sha256.New()
	e := &encoder{buf: make([]byte, 0, min(chunk, d.EncodedLen())), w: h}
	d.encode(e)
	h.Write(e.buf)
	h.Sum(out[:0])
	return out
}

// Decode parses a canonical encoding. It returns an error, never panics, for anything
// else: wrong magic, version or kind, truncated input, trailing bytes, declared sizes that
// the input's length cannot hold (checked before anything is allocated, so memory stays
// proportional to len(b)), and any dataset that fails Validate.
func Decode(b []byte) (*Dataset, error) { return decode(b, false) }

// DecodeShared is Decode for a buffer the caller gives up to the dataset: where the
// machine allows it (lewords.View) the labels and values are not copied but share b's
// memory, first moved down over the header bytes already read, by up to 3 bytes, so that
// they are 4-byte aligned. b must not be read or changed afterwards while the dataset is
// in use. The WebAssembly guest decodes its request buffer this way, which it owns for the
// whole call; the dataset is the same as Decode's.
func DecodeShared(b []byte) (*Dataset, error) { return decode(b, true) }

// alignPayload moves the words after b's header down (over its last bytes, which decode
// has already read) so that they start at a 4-byte aligned address, and returns them.
func alignPayload(b []byte) []byte {
	k := int(uintptr(unsafe.Pointer(unsafe.SliceData(b[encHeaderLen:]))) % 4)
	if k == 0 {
		return b[encHeaderLen:]
	}
	copy(b[encHeaderLen-k:], b[encHeaderLen:])
	return b[encHeaderLen-k : len(b)-k]
}

// decodeWords returns the n words at the start of p: a view of p if share and the machine
// allows one, else a copy.
func decodeWords[T lewords.Word](p []byte, n uint64, share bool) []T {
	if share {
		if v, ok := lewords.View[T](p, int(n)); ok {
			return v
		}
	}
	v := make([]T, n)
	lewords.Read(v, p)
	return v
}

func decode(b []byte, share bool) (*Dataset, error) {
	if len(b) < encHeaderLen {
		return nil, fmt.Errorf("dataset: decode: truncated header: %d bytes, want %d", len(b), encHeaderLen)
	}
	if string(b[:4]) != encMagic {
		return nil, fmt.Errorf("dataset: decode: bad magic %q, want %q", b[:4], encMagic)
	}
	if b[4] != encVersion {
		return nil, fmt.Errorf("dataset: decode: unsupported version %d, want %d", b[4], encVersion)
	}
	kind := Kind(b[5])
	if kind != Dense && kind != Sparse {
		return nil, fmt.Errorf("dataset: decode: unknown kind %d", b[5])
	}
	le := binary.LittleEndian
	dims := le.Uint32(b[6:])
	classes := le.Uint32(b[10:])
	scale := le.Uint32(b[14:])
	rows := le.Uint64(b[18:])
	nnz := le.Uint64(b[26:])
	if dims < 1 || dims > MaxDims {
		return nil, fmt.Errorf("dataset: decode: dims %d, want 1..%d", dims, MaxDims)
	}
	if classes < 1 || classes > MaxClasses {
		return nil, fmt.Errorf("dataset: decode: classes %d, want 1..%d", classes, MaxClasses)
	}
	if scale > MaxScale {
		return nil, fmt.Errorf("dataset: decode: scaleExp %d, want 0..%d", scale, MaxScale)
	}
	rest := uint64(len(b) - encHeaderLen)
	// Bound the declared counts by what the remaining bytes could hold before any
	// arithmetic that might overflow, then compare the exact length.
	if rows > rest/4 || nnz > rest/4 {
		return nil, fmt.Errorf("dataset: decode: truncated: %d rows and %d values cannot fit in %d bytes", rows, nnz, rest)
	}
	var need uint64
	if kind == Dense {
		hi, lo := bits.Mul64(rows, uint64(dims))
		if hi != 0 || lo != nnz {
			return nil, fmt.Errorf("dataset: decode: dense nnz %d ≠ rows·dims = %d·%d", nnz, rows, dims)
		}
		need = 4*rows + 4*nnz
	} else {
		need = 8*rows + 8*nnz
	}
	if rest < need {
		return nil, fmt.Errorf("dataset: decode: truncated: %d bytes after the header, want %d", rest, need)
	}
	if rest > need {
		return nil, fmt.Errorf("dataset: decode: %d trailing bytes", rest-need)
	}
	p := b[encHeaderLen:]
	if share {
		p = alignPayload(b)
	}
	d := &Dataset{Kind: kind, Dims: int(dims), Classes: int(classes), ScaleExp: int(scale), Y: decodeWords[int32](p, rows, share)}
	p = p[4*rows:]
	if kind == Dense {
		d.X = decodeWords[int32](p, nnz, share)
	} else {
		d.Ptr = make([]int, rows+1)
		var sum uint64
		for i := uint64(0); i < rows; i++ {
			sum += uint64(le.Uint32(p[4*i:]))
			if sum > nnz {
				return nil, fmt.Errorf("dataset: decode: row counts exceed nnz %d at row %d", nnz, i)
			}
			d.Ptr[i+1] = int(sum)
		}
		if sum != nnz {
			return nil, fmt.Errorf("dataset: decode: row counts sum to %d, want nnz %d", sum, nnz)
		}
		p = p[4*rows:]
		d.Idx = decodeWords[uint32](p, nnz, share)
		p = p[4*nnz:]
		d.Val = decodeWords[int32](p, nnz, share)
	}
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("dataset: decode: %w", err)
	}
	return d, nil
}
