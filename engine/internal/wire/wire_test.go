package wire

import (
	"errors"
	"testing"

	"github.com/meritchain/merit/engine/incentive"
)

func TestRoundTrip(t *testing.T) {
	w := NewWriter("TEST", 3, 0)
	w.U8(7)
	w.U16(0x1234)
	w.U32(0xdeadbeef)
	w.U64(1 << 60)
	w.I32(-5)
	w.Bool(true)
	w.Addr(incentive.Address{1, 2})
	w.Hash([32]byte{9})
	r := NewReader(w.Out(), "TEST", 3)
	if r.U8() != 7 || r.U16() != 0x1234 || r.U32() != 0xdeadbeef || r.U64() != 1<<60 || r.I32() != -5 ||
		!r.Bool() || r.Addr() != (incentive.Address{1, 2}) || r.Hash() != ([32]byte{9}) {
		t.Fatal("values differ")
	}
	if err := r.Finish(); err != nil {
		t.Fatal(err)
	}
}

func TestErrors(t *testing.T) {
	bad := [][]byte{nil, []byte("TES"), []byte("XEST\x03\x00"), []byte("TEST\x04\x00"), []byte("TEST\x03")}
	for _, b := range bad {
		r := NewReader(b, "TEST", 3)
		if err := r.Finish(); !errors.Is(err, incentive.ErrMalformed) {
			t.Errorf("%q: %v", b, err)
		}
	}
	// Reads past the end return zero and record an error; later reads do not panic.
	r := NewReader([]byte("TEST\x03\x00\x01"), "TEST", 3)
	if r.U64() != 0 || r.U8() != 0 || r.Err() == nil {
		t.Fatal("short read")
	}
	r = NewReader([]byte("TEST\x03\x00\x02"), "TEST", 3)
	r.Bool()
	if !errors.Is(r.Err(), incentive.ErrMalformed) {
		t.Fatal("bool 2 accepted")
	}
	r = NewReader([]byte("TEST\x03\x00\x00\x00\x00\x00"), "TEST", 3)
	if n := r.Count(2, 2, 10); n != 2 || r.Err() != nil {
		t.Fatal(n, r.Err())
	}
	if n := r.Count(3, 2, 10); n != 0 || r.Err() == nil {
		t.Fatal("count beyond the bytes left accepted")
	}
	r = NewReader([]byte("TEST\x03\x00"), "TEST", 3)
	if n := r.Count(11, 0, 10); n != 0 || r.Err() == nil {
		t.Fatal("count beyond the limit accepted")
	}
	r = NewReader([]byte("TEST\x03\x00\x00"), "TEST", 3)
	if err := r.Finish(); err == nil {
		t.Fatal("trailing byte accepted")
	}
}
