package lewords

import (
	"encoding/binary"
	"math/rand/v2"
	"slices"
	"testing"
	"unsafe"
)

// TestByteOrder checks the build's byte order (le.go, be.go) against the machine's.
func TestByteOrder(t *testing.T) {
	x := uint32(0x01020304)
	first := (*[4]byte)(unsafe.Pointer(&x))[0]
	if got := first == 0x04; got != littleEndian {
		t.Fatalf("littleEndian = %v, but the machine stores 0x01020304 as % x", littleEndian, (*[4]byte)(unsafe.Pointer(&x))[:])
	}
}

// reference decodes with encoding/binary, word by word.
func reference[T Word](n int, src []byte) []T {
	out := make([]T, n)
	size := int(unsafe.Sizeof(out[0]))
	for i := range out {
		if size == 4 {
			out[i] = T(binary.LittleEndian.Uint32(src[4*i:]))
		} else {
			out[i] = T(binary.LittleEndian.Uint64(src[8*i:]))
		}
	}
	return out
}

// check compares Read and readPortable (the big-endian path, run here whatever the
// machine) with the reference on src, for every element type.
func check(t *testing.T, src []byte) {
	t.Helper()
	checkT[int32](t, src)
	checkT[uint32](t, src)
	checkT[int64](t, src)
	checkT[uint64](t, src)
}

func checkT[T Word](t *testing.T, src []byte) {
	t.Helper()
	size := int(unsafe.Sizeof(*new(T)))
	n := len(src) / size
	want := reference[T](n, src)
	got := make([]T, n)
	Read(got, src)
	if !slices.Equal(got, want) {
		t.Fatalf("Read %T of % x = %v, want %v", got, src, got, want)
	}
	clear(got)
	readPortable(got, src)
	if !slices.Equal(got, want) {
		t.Fatalf("readPortable %T of % x = %v, want %v", got, src, got, want)
	}
	// A view, where the machine allows one, holds the same words and shares src.
	if v, ok := View[T](src, n); ok {
		if !slices.Equal(v, want) {
			t.Fatalf("View %T of % x = %v, want %v", v, src, v, want)
		}
		if n > 0 && unsafe.Pointer(unsafe.SliceData(v)) != unsafe.Pointer(unsafe.SliceData(src)) {
			t.Fatalf("View %T does not share the source's memory", v)
		}
	} else if littleEndian && uintptr(unsafe.Pointer(unsafe.SliceData(src)))%uintptr(size) == 0 {
		t.Fatalf("View %T of %d words at %p refused on a machine that allows it", *new(T), n, unsafe.SliceData(src))
	}
	// A shorter destination reads a prefix and leaves src alone.
	if n > 0 {
		before := slices.Clone(src)
		part := make([]T, n-1)
		Read(part, src)
		if !slices.Equal(part, want[:n-1]) || !slices.Equal(src, before) {
			t.Fatalf("Read of a prefix differs")
		}
	}
}

func TestMatchesPortable(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, 4096+8)
	for i := range buf {
		buf[i] = byte(r.Uint32())
	}
	// Every alignment of the source, lengths that are and are not whole words.
	for off := range 8 {
		for _, n := range []int{0, 1, 3, 4, 7, 8, 12, 16, 100, 1024, 4093, 4096} {
			check(t, buf[off:off+n])
		}
	}
	// Extreme values.
	check(t, []byte{0xff, 0xff, 0xff, 0x7f, 0x00, 0x00, 0x00, 0x80, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0})
}

func TestShortSource(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("Read with a short source did not panic")
		}
	}()
	Read(make([]int32, 2), make([]byte, 7))
}

// TestViewRefuses: a view longer than the source, or of a negative length, is refused.
func TestViewRefuses(t *testing.T) {
	buf := make([]byte, 16)
	if _, ok := View[int32](buf, 5); ok {
		t.Fatal("View of 5 int32s from 16 bytes succeeded")
	}
	if _, ok := View[int64](buf, -1); ok {
		t.Fatal("View of -1 words succeeded")
	}
	if v, ok := View[int64](buf, 0); littleEndian && (!ok || v == nil || len(v) != 0) {
		t.Fatalf("View of 0 words = %v, %v; want an empty slice", v, ok)
	}
}

func TestEmpty(t *testing.T) {
	Read([]int64(nil), nil)
	Read([]uint32{}, []byte{1, 2, 3})
}

// FuzzRead holds Read and the portable loop to encoding/binary on arbitrary bytes at
// an arbitrary alignment.
func FuzzRead(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9}, uint8(1))
	f.Add([]byte{}, uint8(0))
	f.Fuzz(func(t *testing.T, b []byte, off uint8) {
		o := int(off) % 8
		if o > len(b) {
			o = len(b)
		}
		check(t, b[o:])
	})
}

func BenchmarkRead(b *testing.B) {
	src := make([]byte, 4<<20)
	for i := range src {
		src[i] = byte(i * 7)
	}
	dst := make([]int32, len(src)/4)
	b.Run("Read", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for range b.N {
			Read(dst, src)
		}
	})
	b.Run("portable", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for range b.N {
			readPortable(dst, src)
		}
	})
}
