package dataset

import (
	"bytes"
	"errors"
	"testing"
)

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
	f.Fuzz(func(t *testing.T, in []byte, format uint8, scale int8) {
		opts := LoadOptions{Format: Format(format % 5), ScaleExp: (int(scale)%11+11)%11 - 1, Name: "f"}
		if format&0x80 != 0 {
			opts.Sparse = true
		}
		l, err := Read(bytes.NewReader(in), opts)
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
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := Decode(b)
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
