package dataset

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/meritchain/merit/internal/fuzzcheck"
)

// Memory bounds of the fuzz targets: a decoder may allocate at most perByte bytes per
// input byte plus a constant (text: a parsed value takes 16 bytes until it is scaled, and
// slices grow by doubling; the line reader's buffer is the constant).
const (
	textPerByte   = 128
	textSlack     = 4 << 20
	binaryPerByte = 16
	binarySlack   = 64 << 10
)

// gunzipLen returns the decompressed length of a gzip stream, or −1 if it is not one or
// is longer than limit.
func gunzipLen(b []byte, limit int64) int64 {
	if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		return -1
	}
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return 0
	}
	n, _ := io.Copy(io.Discard, io.LimitReader(r, limit+1))
	if n > limit {
		return -1
	}
	return n
}

// realRows returns the header and the first n rows of a file of the repository's
// testdata (the real datasets), decompressed.
func realRows(t testing.TB, name string, n int) []byte {
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if l := gunzipLen(b, 1<<30); l >= 0 {
		r, _ := gzip.NewReader(bytes.NewReader(b))
		b, _ = io.ReadAll(r)
	}
	lines := bytes.SplitAfterN(b, []byte("\n"), n+2)
	return bytes.Join(lines[:min(len(lines), n+1)], nil)
}

// FuzzLoadCSV feeds arbitrary text to Read (every format, automatic or requested scale):
// it must never panic, every error must be a *ParseError, and every accepted dataset must
// be valid, agree with its report and round-trip through the canonical encoding.
func FuzzLoadCSV(f *testing.F) {
	seeds := []string{
		"3,2,a,b\n1.5,2,0\n-1,0.25,1\n3,4e1,1\n",
		"x,y,label\n1,2,0\n3,4,1\n",
		"1,2,0\r\n3,4,1\r\n\r\n",
		"\ufeff1, 2 ,0\n",
		"1 1:2 3:0.5\n0 2:1 # c\n",
		"16777215,0\n0.000000001,1\n",
		"1,\"2\",0\n",
		"150,4,a\n1,2,0\n",
	}
	for i, s := range seeds {
		f.Add([]byte(s), uint8(i%5), int8(-1))
	}
	f.Add(gz(f, []byte("1,2,0\n")), uint8(0), int8(3))
	// Real data: the first rows of the shipped datasets, in each layout they come in.
	for _, name := range []string{"iris.csv", "wine_data.csv", "breast_cancer.csv", "digits.csv.gz"} {
		fuzzcheck.Add(f, realRows(f, name, 4), uint8(0), int8(-1))
		fuzzcheck.Add(f, realRows(f, name, 3), uint8(FormatSklearn|0x80), int8(2))
	}
	// Declared counts far beyond the text: refused or read without allocating for them.
	fuzzcheck.Add(f, []byte("16777216,4,a,b\n1,2,3,4,0\n"), uint8(FormatSklearn), int8(-1))
	fuzzcheck.Add(f, []byte("16777215,1048576,a,b\n1,0\n"), uint8(0), int8(-1))
	fuzzcheck.Add(f, []byte("1 4294967295:1\n0 1048576:2\n"), uint8(FormatLibSVM), int8(0))
	f.Fuzz(func(t *testing.T, in []byte, format uint8, scale int8) {
		opts := LoadOptions{Format: Format(format % 5), ScaleExp: (int(scale)%11+11)%11 - 1, Name: "f"}
		if format&0x80 != 0 {
			opts.Sparse = true
		}
		var l *Loaded
		var err error
		n := int64(len(in))
		if u := gunzipLen(in, 64<<20); u >= 0 {
			n = u + int64(len(in)) // a gzip stream is bounded by what it expands to
		} else if len(in) > 1 && in[0] == 0x1f && in[1] == 0x8b {
			n = -1 // expands to more than 64 MiB: bounded by the loader's limits only
		}
		read := func() { l, err = Read(bytes.NewReader(in), opts) }
		if n >= 0 {
			fuzzcheck.Bounded(t, "Read", int(n), textPerByte, textSlack, read)
		} else {
			read()
		}
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is %T, not *ParseError", err, err)
			}
			return
		}
		d := l.Data
		if err := d.Validate(); err != nil {
			t.Fatalf("accepted an invalid dataset: %v", err)
		}
		if l.Report.Rows != d.Len() || l.Report.ScaleExp != d.ScaleExp || l.Report.Rounded > l.Report.Values || d.Len() == 0 {
			t.Fatalf("report %+v disagrees with dataset", l.Report)
		}
		if opts.ScaleExp >= 0 && d.ScaleExp != opts.ScaleExp {
			t.Fatalf("ScaleExp %d, asked for %d", d.ScaleExp, opts.ScaleExp)
		}
		b, err := d.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		e, err := Decode(b)
		if err != nil {
			t.Fatalf("encoding of an accepted dataset does not decode: %v", err)
		}
		if e.Hash() != d.Hash() {
			t.Fatal("round trip changed the dataset")
		}
	})
}

// FuzzDecode feeds arbitrary bytes to Decode: it must never panic, and whatever it
// accepts must re-encode to exactly the same bytes (the encoding is canonical).
func FuzzDecode(f *testing.F) {
	d, s := small()
	for _, x := range []*Dataset{d, s, {Kind: Dense, Dims: 1, Classes: 1}, {Kind: Sparse, Dims: 2, Classes: 2, Y: []int32{1}, Ptr: []int{0, 0}}} {
		b, err := x.MarshalBinary()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("MRTD"))
	f.Add(header(2, 1, 1, 0, 1<<40, 1<<40))
	fuzzcheck.Add(f, append(header(1, 1, 2, 0, 1<<20, 1<<20), make([]byte, 64)...))
	fuzzcheck.Add(f, append(header(2, 4, 2, 0, 3, 1<<20), make([]byte, 24)...))
	f.Fuzz(func(t *testing.T, b []byte) {
		var e *Dataset
		var err error
		fuzzcheck.Bounded(t, "Decode", len(b), binaryPerByte, binarySlack, func() { e, err = Decode(b) })
		// DecodeShared accepts and refuses the same bytes, with the same dataset, at every
		// alignment of the buffer.
		for off := range 4 {
			sb := append(make([]byte, off, off+len(b)), b...)[off:]
			es, errs := DecodeShared(sb)
			if (err == nil) != (errs == nil) || err != nil && err.Error() != errs.Error() {
				t.Fatalf("DecodeShared at offset %d: error %v, Decode: %v", off, errs, err)
			}
			if err == nil && !reflect.DeepEqual(e, es) {
				t.Fatalf("DecodeShared at offset %d gives another dataset", off)
			}
		}
		if err != nil {
			return
		}
		if err := e.Validate(); err != nil {
			t.Fatalf("decoded an invalid dataset: %v", err)
		}
		b2, err := e.MarshalBinary()
		if err != nil || !bytes.Equal(b, b2) {
			t.Fatalf("re-encoding differs (%v)", err)
		}
	})
}

// FuzzReadMNIST feeds arbitrary images and labels files (idx3-ubyte and idx1-ubyte, each
// possibly gzip-compressed) to ReadMNIST: it must never panic, every error must be a
// *ParseError, memory must stay proportional to the input whatever sizes the headers
// declare, and an accepted dataset must be valid, have one row per label and one
// feature per pixel, and hold exactly the bytes of the files.
func FuzzReadMNIST(f *testing.F) {
	pix := make([]byte, 2*3*2)
	for i := range pix {
		pix[i] = byte(40 * i)
	}
	fuzzcheck.Add(f, idx(idxImagesMagic, []uint32{2, 3, 2}, pix), idx(idxLabelsMagic, []uint32{2}, []byte{7, 1}))
	fuzzcheck.Add(f, gz(f, idx(idxImagesMagic, []uint32{1, 1, 1}, []byte{255})), idx(idxLabelsMagic, []uint32{1}, []byte{9}))
	fuzzcheck.Add(f, idx(idxImagesMagic, []uint32{1 << 24, 28, 28}, pix), idx(idxLabelsMagic, []uint32{1 << 24}, []byte{1}))
	fuzzcheck.Add(f, idx(idxImagesMagic, []uint32{3, 1, 2}, pix[:6]), idx(idxLabelsMagic, []uint32{3}, []byte{1, 10, 2}))
	fuzzcheck.Add(f, idx(idxImagesMagic, []uint32{1, 1, 1}, []byte{1, 2}), idx(idxLabelsMagic, []uint32{1}, []byte{1}))
	f.Fuzz(func(t *testing.T, images, labels []byte) {
		n := func(b []byte) int64 {
			if u := gunzipLen(b, 64<<20); u >= 0 {
				return u + int64(len(b))
			} else if len(b) > 1 && b[0] == 0x1f && b[1] == 0x8b {
				return -1
			}
			return int64(len(b))
		}
		ni, nl := n(images), n(labels)
		var d *Dataset
		var err error
		read := func() { d, err = ReadMNIST(bytes.NewReader(images), "img", bytes.NewReader(labels), "lab") }
		if ni >= 0 && nl >= 0 {
			// The data is copied three times (buffer, int32 pixels, labels): 4+1 bytes
			// per pixel byte plus the buffer's doubling.
			fuzzcheck.Bounded(t, "ReadMNIST", int(ni+nl), binaryPerByte, binarySlack+(256<<10), read)
		} else {
			read()
		}
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is %T, not *ParseError", err, err)
			}
			if d != nil {
				t.Fatal("a dataset with an error")
			}
			return
		}
		if err := d.Validate(); err != nil {
			t.Fatalf("accepted an invalid dataset: %v", err)
		}
		if d.Kind != Dense || d.Classes != 10 || d.ScaleExp != 0 || len(d.X) != d.Len()*d.Dims {
			t.Fatalf("dataset %+v", d)
		}
		plain := func(b []byte) []byte {
			if gunzipLen(b, 64<<20) >= 0 {
				r, _ := gzip.NewReader(bytes.NewReader(b))
				b, _ = io.ReadAll(r)
			}
			return b
		}
		ib, lb := plain(images), plain(labels)
		if len(ib) != 16+len(d.X) || len(lb) != 8+d.Len() {
			t.Fatalf("%d image bytes and %d label bytes for %d rows of %d", len(ib), len(lb), d.Len(), d.Dims)
		}
		for i, v := range d.X {
			if v != int32(ib[16+i]) {
				t.Fatalf("pixel %d: %d, file has %d", i, v, ib[16+i])
			}
		}
		for i, v := range d.Y {
			if v != int32(lb[8+i]) {
				t.Fatalf("label %d: %d, file has %d", i, v, lb[8+i])
			}
		}
	})
}
