package dataset

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const irisHead = "3,2,a,b\n"

func TestBadCSV(t *testing.T) {
	long := strings.Repeat("1,", MaxLineBytes/2) + "0\n"
	cases := []struct {
		name, in string
		opts     LoadOptions
		want     string
	}{
		{"empty", "", auto, "t.csv: empty file"},
		{"only blank lines", "\n \n\r\n", auto, "t.csv: empty file"},
		{"sklearn header only", "150,4,a,b,c\n", auto, "t.csv:1: no data rows after the header"},
		{"plain header only", "x,y,label\n\n", auto, "t.csv:1: no data rows after the header"},
		{"ragged short", irisHead + "1,2,0\n1,0\n1,1,1\n", auto, "t.csv:3:4: expected 3 fields (2 features and a label, as line 1 declares), got 2"},
		{"ragged long", irisHead + "1,2,0\n1,2,3,0\n1,1,1\n", auto, "t.csv:3:7: expected 3 fields (2 features and a label, as line 1 declares), got 4"},
		{"ragged headerless", "1,2,0\n1,2,3,0\n", auto, "t.csv:2:7: expected 3 fields, got 4"},
		{"non-numeric", irisHead + "1,2,0\n1,abc,0\n1,1,1\n", auto, `t.csv:3:3: "abc" is not a number`},
		{"non-numeric padded", irisHead + "1,2,0\n1,  abc ,0\n1,1,1\n", auto, `t.csv:3:3: "abc" is not a number`},
		{"empty field", irisHead + "1,,0\n", auto, "t.csv:2:3: empty field"},
		{"NaN", irisHead + "1,NaN,0\n", auto, `t.csv:2:3: "NaN" is not a finite number`},
		{"inf", irisHead + "-inf,1,0\n", auto, `t.csv:2:1: "-inf" is not a finite number`},
		{"Infinity", "x,y\nInfinity,0\n", auto, `t.csv:2:1: "Infinity" is not a finite number`},
		{"hex", irisHead + "0x10,1,0\n", auto, `t.csv:2:1: "0x10" is not a number`},
		{"quoted number", irisHead + "\"1.5\",1,0\n", auto, "t.csv:2:1: quotes are not allowed in numeric fields"},
		{"single quoted", irisHead + "1,'2',0\n", auto, "t.csv:2:3: quotes are not allowed"},
		{"negative label", irisHead + "1,2,-1\n", auto, `t.csv:2:5: label "-1" is negative`},
		{"fractional label", irisHead + "1,2,0.5\n", auto, `t.csv:2:5: label "0.5" is not an integer`},
		{"label out of range sklearn", irisHead + "1,2,0\n1,2,2\n", auto, `t.csv:3:5: label "2" out of range: 2 classes (0..1)`},
		{"label out of range option", "1,2,0\n1,2,7\n", LoadOptions{ScaleExp: AutoScale, Classes: 5}, `t.csv:2:5: label "7" out of range: 5 classes`},
		{"label too large", "1,2,65536\n", auto, `t.csv:1:5: label "65536" out of range: at most 65536 classes`},
		{"label huge", "1,2,1e30\n", auto, `t.csv:1:5: label "1e30" out of range`},
		{"label text", "1,2,x\n3,4,y\n", LoadOptions{ScaleExp: AutoScale, Format: FormatHeaderless}, `t.csv:1:5: label: "x" is not a number`},
		{"value too large", irisHead + "16777216,1,0\n", auto, `t.csv:2:1: "16777216" does not fit: |value| > 16777215 even at ScaleExp 0`},
		{"value huge", irisHead + "1,-1e300,0\n", auto, `t.csv:2:3: "-1e300" does not fit`},
		{"value too large at scale", irisHead + "1,2,0\n1,20000,0\n1,1,1\n", LoadOptions{ScaleExp: 3}, `t.csv:3:3: "20000" does not fit at ScaleExp 3`},
		{"too few rows", irisHead + "1,2,0\n1,2,1\n", auto, "t.csv:1:1: line 1 declares 3 rows but the file has 2"},
		{"too many rows", irisHead + "1,2,0\n1,2,1\n1,2,1\n1,2,1\n", auto, "t.csv:5:1: more rows than the 3 that line 1 declares"},
		{"blank line inside", irisHead + "1,2,0\n\n1,2,1\n1,2,1\n", auto, "t.csv:3:1: blank line in the data"},
		{"blank line before", "\n1,2,0\n", auto, "t.csv:1:1: blank line before the data"},
		{"bad n_samples", "x,2,a,b\n1,2,0\n", LoadOptions{Format: FormatSklearn}, `t.csv:1:1: n_samples "x" is not an integer`},
		{"bad n_features", "3,0,a,b\n1,2,0\n", LoadOptions{Format: FormatSklearn}, `t.csv:1:3: n_features "0" is not an integer in 1..`},
		{"sklearn too few fields", "3,2\n1,2,0\n", LoadOptions{Format: FormatSklearn}, "t.csv:1:1: scikit-learn header wants"},
		{"too many class names", "1,1," + strings.Repeat("c,", MaxClasses) + "c\n1,0\n", LoadOptions{Format: FormatSklearn}, "t.csv:1:5: 65537 class names: at most 65536 classes"},
		{"sklearn empty name", "3,2,a,,b\n1,2,0\n", LoadOptions{Format: FormatSklearn}, "t.csv:1:7: empty class name"},
		{"sklearn classes mismatch", irisHead + "1,2,0\n", LoadOptions{Classes: 3}, "t.csv:1:5: the header names 2 classes but Classes = 3"},
		{"sklearn dims mismatch", irisHead + "1,2,0\n", LoadOptions{Dims: 3}, "t.csv:1:3: the header declares 2 features but Dims = 3"},
		{"csv dims mismatch", "x,y\n1,0\n", LoadOptions{Dims: 3}, "t.csv:1:1: the header names 1 features but Dims = 3"},
		{"headerless one field", "1\n2\n", LoadOptions{Format: FormatHeaderless}, "t.csv:1:1: row has 1 field"},
		{"header one field", "x\n1\n", LoadOptions{Format: FormatCSV}, "t.csv:1:1: header has 1 field"},
		{"header quote", "x\"y,z\n1,0\n", auto, "t.csv:1:1: quote inside unquoted name"},
		{"header unterminated", "\"x,y\"\n1,0\n", LoadOptions{Format: FormatCSV}, "t.csv:1:1: unterminated quoted name"},
		{"header bad utf8", "x\xff,y\n1,0\n", auto, "t.csv:1:1: name is not valid UTF-8"},
		{"line too long", long, auto, "t.csv:1: line longer than 1048576 bytes"},
		{"line too long later", "1,0\n" + long, auto, "t.csv:2: line longer than 1048576 bytes"},
		{"bom then error", "\ufeff1,x,0\n", LoadOptions{Format: FormatHeaderless, ScaleExp: AutoScale}, `t.csv:1:3: "x" is not a number`},
		{"crlf error col", "a,b\r\n1,2\r\nx,1\r\n", auto, `t.csv:3:1: "x" is not a number`},
		{"crlf label col", "a,b\r\n1,2\r\n1,x\r\n", auto, `t.csv:3:3: label: "x" is not a number`},
		{"exact fit", "16777215.4,0\n", auto, `t.csv:1:1: "16777215.4" does not fit: |value| > 16777215 even at ScaleExp 0`},
		{"exact fit at scale", "1677721.54,0\n", LoadOptions{ScaleExp: 1}, `t.csv:1:1: "1677721.54" does not fit at ScaleExp 1`},
		{"gzip garbage", "\x1f\x8bxxxxxxxxxxxxxxxxxx", auto, "t.csv: bad gzip data"},
		{"gzip truncated", string(gz(t, []byte("1,2,0\n3,4,1\n"))[:20]), auto, "t.csv:2: read error: unexpected EOF"},
	}
	for _, c := range cases {
		c.opts.Name = "t.csv"
		if c.opts.ScaleExp == 0 && c.opts.Format == FormatAuto && !strings.Contains(c.name, "at scale") {
			c.opts.ScaleExp = AutoScale
		}
		_, err := Read(strings.NewReader(c.in), c.opts)
		errorIs(t, c.name, err, c.want)
	}
}

func TestBadOptions(t *testing.T) {
	for _, o := range []LoadOptions{{ScaleExp: -2}, {ScaleExp: MaxScale + 1}, {Classes: -1}, {Classes: MaxClasses + 1},
		{Dims: -1}, {Dims: MaxDims + 1}, {Format: FormatLibSVM + 1}} {
		if _, err := Read(strings.NewReader("1,0\n"), o); err == nil {
			t.Errorf("options %+v accepted", o)
		}
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.csv"), auto); err == nil || !strings.Contains(err.Error(), "missing.csv") {
		t.Errorf("missing file: %v", err)
	}
}

func TestBadLibSVM(t *testing.T) {
	lib := LoadOptions{Format: FormatLibSVM, ScaleExp: AutoScale}
	cases := []struct {
		name, in string
		opts     LoadOptions
		want     string
	}{
		{"empty", "", lib, "b.svm: empty file"},
		{"comments only", "# x\n#y\n", lib, "b.svm: no data rows"},
		{"no colon", "1 1:2 3\n", lib, `b.svm:1:7: expected index:value, got "3"`},
		{"zero index", "1 0:2\n", lib, "b.svm:1:3: feature index 0: libsvm indices are 1-based"},
		{"index not increasing", "1 2:1 2:3\n", lib, "b.svm:1:7: feature index 2 after 2: indices must strictly increase"},
		{"index decreasing", "0 1:1\n1 5:1 3:3\n", lib, "b.svm:2:7: feature index 3 after 5"},
		{"index text", "1 a:2\n", lib, `b.svm:1:3: feature index "a" is not an integer`},
		{"index negative", "1 -1:2\n", lib, `b.svm:1:3: feature index "-1" is not an integer`},
		{"index too large", "1 16777217:2\n", lib, `b.svm:1:3: feature index "16777217" is not an integer in 1..16777216`},
		{"index beyond dims", "1 4:2\n", LoadOptions{Format: FormatLibSVM, Dims: 3}, "b.svm:1:3: feature index 4 > Dims 3"},
		{"qid", "1 qid:3 1:2\n", lib, "b.svm:1:3: qid is not supported"},
		{"bad value", "1 1:x\n", lib, `b.svm:1:5: "x" is not a number`},
		{"nan value", "1 2:nan\n", lib, `b.svm:1:5: "nan" is not a finite number`},
		{"empty value", "1 2:\n", lib, "b.svm:1:5: empty field"},
		{"value too large", "1 12:99999999\n", lib, `b.svm:1:6: "99999999" does not fit`},
		{"negative label", "-1 1:1\n", lib, `b.svm:1:1: label "-1" is negative`},
		{"label out of range", "0 1:1\n  3 1:1\n", LoadOptions{Format: FormatLibSVM, Classes: 2}, `b.svm:2:3: label "3" out of range: 2 classes`},
		{"bad label", "x 1:1\n", lib, `b.svm:1:1: label: "x" is not a number`},
	}
	for _, c := range cases {
		c.opts.Name = "b.svm"
		_, err := Read(strings.NewReader(c.in), c.opts)
		errorIs(t, c.name, err, c.want)
	}
}

// idx builds an idx file: magic, dims, then data.
func idx(magic uint32, dims []uint32, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, magic)
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, d)
	}
	b.Write(data)
	return b.Bytes()
}

func TestMNISTSmall(t *testing.T) {
	pix := []byte{0, 1, 2, 3, 4, 5, 255, 254, 253, 252, 251, 250}
	images := idx(0x803, []uint32{2, 2, 3}, pix)
	labels := idx(0x801, []uint32{2}, []byte{7, 9})
	for _, zip := range []bool{false, true} {
		im, lb := images, labels
		if zip {
			im, lb = gz(t, im), gz(t, lb)
		}
		d, err := ReadMNIST(bytes.NewReader(im), "i", bytes.NewReader(lb), "l")
		if err != nil {
			t.Fatal(err)
		}
		want := &Dataset{Kind: Dense, Dims: 6, Classes: 10, Y: []int32{7, 9},
			X: []int32{0, 1, 2, 3, 4, 5, 255, 254, 253, 252, 251, 250}}
		if d.Hash() != want.Hash() {
			t.Fatalf("got %+v", d)
		}
	}
	// File forms and the sibling lookup.
	dir := t.TempDir()
	ip := filepath.Join(dir, "x-images-idx3-ubyte.gz")
	lp := filepath.Join(dir, "x-labels-idx1-ubyte.gz")
	os.WriteFile(ip, gz(t, images), 0o644)
	os.WriteFile(lp, gz(t, labels), 0o644)
	if p, err := MNISTLabelsPath(ip); err != nil || p != lp {
		t.Fatalf("MNISTLabelsPath = %q, %v", p, err)
	}
	if d, err := LoadMNISTImages(ip); err != nil || d.Len() != 2 {
		t.Fatalf("LoadMNISTImages: %v", err)
	}
	if _, err := MNISTLabelsPath(filepath.Join(dir, "y-images-idx3-ubyte")); err == nil {
		t.Fatal("missing labels file not reported")
	}
	if _, err := MNISTLabelsPath(filepath.Join(dir, "foo.gz")); err == nil {
		t.Fatal("non-MNIST name accepted")
	}
	if p, err := MNISTLabelsPath("t10k-images.idx3-ubyte"); err == nil || !strings.Contains(err.Error(), "t10k-labels.idx1-ubyte") {
		t.Fatalf("dotted name: %q %v", p, err)
	}
	bad := filepath.Join(dir, "bad-images-idx3-ubyte")
	os.WriteFile(bad, images[:10], 0o644)
	if _, err := LoadMNIST(bad, lp); err == nil || !strings.Contains(err.Error(), bad+": truncated images header") {
		t.Fatalf("file name not in error: %v", err)
	}
}

func TestBadMNIST(t *testing.T) {
	pix := make([]byte, 2*4)
	goodI := idx(0x803, []uint32{2, 2, 2}, pix)
	goodL := idx(0x801, []uint32{2}, []byte{1, 2})
	cases := []struct {
		name           string
		images, labels []byte
		want           string
	}{
		{"empty images", nil, goodL, "img: truncated images header"},
		{"short header", goodI[:15], goodL, "img: truncated images header"},
		{"images magic", idx(0x801, []uint32{2, 2, 2}, pix), goodL, "img: bad magic 0x00000801: want 0x00000803"},
		{"labels magic", goodI, idx(0x803, []uint32{2}, []byte{1, 2}), "lab: bad magic"},
		{"zero rows", idx(0x803, []uint32{2, 0, 2}, nil), goodL, "img: image size 0×2"},
		{"huge image", idx(0x803, []uint32{1, 1 << 16, 1 << 16}, nil), goodL, "img: image size 65536×65536"},
		{"no images", idx(0x803, []uint32{0, 2, 2}, nil), idx(0x801, []uint32{0}, nil), "img: no images"},
		{"too many values", idx(0x803, []uint32{1 << 20, 28, 28}, nil), goodL, "more than the 67108864 values"},
		{"count mismatch", goodI, idx(0x801, []uint32{3}, []byte{1, 2, 3}), "lab: 3 labels but img has 2 images"},
		{"labels header short", goodI, goodL[:6], "lab: truncated labels header"},
		{"truncated pixels", goodI[:len(goodI)-1], goodL, "img: truncated: 2 images of 4 pixels need 8 bytes after the header, got 7"},
		{"oversized pixels", append(append([]byte{}, goodI...), 0), goodL, "img: oversized: bytes after the 24"},
		{"truncated labels", goodI, goodL[:9], "lab: truncated: 2 labels need 2 bytes after the header, got 1"},
		{"oversized labels", goodI, append(append([]byte{}, goodL...), 1), "lab: oversized"},
		{"label not digit", goodI, idx(0x801, []uint32{2}, []byte{1, 10}), "lab: label 10 of image 1 (byte offset 9) is not a digit"},
		{"gzip garbage", []byte("\x1f\x8b\x08garbage"), goodL, "img: bad gzip data"},
		{"gzip truncated", gz(t, goodI)[:30], goodL, "img"},
	}
	for _, c := range cases {
		_, err := ReadMNIST(bytes.NewReader(c.images), "img", bytes.NewReader(c.labels), "lab")
		errorIs(t, c.name, err, c.want)
	}
}

func TestParseErrorFormat(t *testing.T) {
	cases := []struct {
		e    ParseError
		want string
	}{
		{ParseError{File: "a.csv", Line: 3, Col: 4, Msg: "m"}, "a.csv:3:4: m"},
		{ParseError{File: "a.csv", Line: 3, Msg: "m"}, "a.csv:3: m"},
		{ParseError{File: "a.csv", Msg: "m"}, "a.csv: m"},
		{ParseError{Line: 2, Col: 1, Msg: "m"}, "2:1: m"},
		{ParseError{Msg: "m", Err: errors.New("x")}, "m: x"},
	}
	for _, c := range cases {
		if got := c.e.Error(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.e, got, c.want)
		}
	}
	inner := errors.New("inner")
	if !errors.Is(&ParseError{Err: inner}, inner) {
		t.Error("Unwrap")
	}
}
