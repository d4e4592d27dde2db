package dataset

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"os"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// irisHash is the SHA-256 of iris.csv's canonical encoding (loaded with AutoScale:
// ScaleExp 1). TestIrisIndependentEncoding rebuilds it from the text without the loader
// or the encoder. A change means the encoding or the loader changed.
const irisHash = "3f2417117b11316b9076a56aa41fd3314e548881737b8e6389c67ff5e0629adb"

func roundTrip(t *testing.T, name string, d *Dataset) []byte {
	t.Helper()
	b, err := d.MarshalBinary()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(b) != d.EncodedLen() {
		t.Fatalf("%s: len %d, EncodedLen %d", name, len(b), d.EncodedLen())
	}
	if d.Hash() != sha256.Sum256(b) {
		t.Fatalf("%s: Hash is not SHA-256 of the encoding", name)
	}
	e, err := Decode(b)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	b2, err := e.MarshalBinary()
	if err != nil || !bytes.Equal(b, b2) {
		t.Fatalf("%s: re-encoding differs (%v)", name, err)
	}
	if e.Kind != d.Kind || e.Dims != d.Dims || e.Classes != d.Classes || e.ScaleExp != d.ScaleExp || e.Len() != d.Len() {
		t.Fatalf("%s: decoded %+v", name, e)
	}
	return b
}

func TestEncodingRoundTrip(t *testing.T) {
	d, s := small()
	roundTrip(t, "dense", d)
	roundTrip(t, "sparse", s)
	roundTrip(t, "empty dense", &Dataset{Kind: Dense, Dims: 5, Classes: 2, ScaleExp: 9})
	roundTrip(t, "empty sparse", &Dataset{Kind: Sparse, Dims: 1, Classes: 1, Ptr: []int{0}})
	roundTrip(t, "sparse empty rows", &Dataset{Kind: Sparse, Dims: 4, Classes: 2, Y: []int32{1, 0}, Ptr: []int{0, 0, 0}})
	for _, f := range []string{"iris.csv", "wine_data.csv", "breast_cancer.csv", "digits.csv.gz"} {
		roundTrip(t, f, mustLoad(t, f, auto).Data)
		roundTrip(t, f+" sparse", mustLoad(t, f, LoadOptions{ScaleExp: AutoScale, Sparse: true}).Data)
	}
	if d.Hash() == s.Hash() {
		t.Fatal("dense and sparse forms must hash differently")
	}
}

func TestIrisGoldenHash(t *testing.T) {
	h := irisData(t).Hash()
	if got := hex.EncodeToString(h[:]); got != irisHash {
		t.Fatalf("iris hash %s, want %s", got, irisHash)
	}
}

// TestIrisIndependentEncoding builds iris's encoding by hand from docs/encoding-dataset.md
// (every iris value has exactly one decimal, so tenths are the digits without the point).
func TestIrisIndependentEncoding(t *testing.T) {
	raw, err := os.ReadFile(testdata + "iris.csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")[1:]
	var labels, feats []byte
	for _, l := range lines {
		f := strings.Split(l, ",")
		for _, v := range f[:4] {
			n, err := strconv.Atoi(strings.Replace(v, ".", "", 1))
			if err != nil || strings.Index(v, ".") != len(v)-2 {
				t.Fatalf("unexpected value %q", v)
			}
			feats = binary.LittleEndian.AppendUint32(feats, uint32(n))
		}
		y, _ := strconv.Atoi(f[4])
		labels = binary.LittleEndian.AppendUint32(labels, uint32(y))
	}
	b := append([]byte("MRTD"), 1, 1)
	for _, v := range []uint32{4, 3, 1} {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	b = binary.LittleEndian.AppendUint64(b, uint64(len(lines)))
	b = binary.LittleEndian.AppendUint64(b, uint64(4*len(lines)))
	b = append(append(b, labels...), feats...)
	if len(b) != 3034 {
		t.Fatalf("length %d", len(b))
	}
	h := sha256.Sum256(b)
	if got := hex.EncodeToString(h[:]); got != irisHash {
		t.Fatalf("independent iris encoding hashes to %s, want %s", got, irisHash)
	}
	enc, _ := irisData(t).MarshalBinary()
	if !bytes.Equal(enc, b) {
		t.Fatal("MarshalBinary differs from the independent encoding")
	}
}

func TestEncodingLayout(t *testing.T) {
	_, s := small()
	b, _ := s.MarshalBinary()
	le := binary.LittleEndian
	if string(b[:4]) != "MRTD" || b[4] != 1 || b[5] != 2 || le.Uint32(b[6:]) != 3 || le.Uint32(b[10:]) != 3 ||
		le.Uint32(b[14:]) != 2 || le.Uint64(b[18:]) != 4 || le.Uint64(b[26:]) != 7 {
		t.Fatalf("header % x", b[:34])
	}
	p := b[34:]
	want := []uint32{0, 2, 1, 2 /* counts */, 2, 0, 3, 2 /* idx */, 0, 2, 0, 1, 2, 1, 2,
		/* val */ 1, 0xfffffffd, 7, 8, 9, 1<<24 - 1, 0xff000001}
	if len(p) != 4*len(want) {
		t.Fatalf("body %d bytes, want %d", len(p), 4*len(want))
	}
	for i, w := range want {
		if got := le.Uint32(p[4*i:]); got != w {
			t.Fatalf("word %d = %#x, want %#x", i, got, w)
		}
	}
}

func header(kind byte, dims, classes, scale uint32, rows, nnz uint64) []byte {
	b := []byte("MRTD\x01")
	b = append(b, kind)
	b = binary.LittleEndian.AppendUint32(b, dims)
	b = binary.LittleEndian.AppendUint32(b, classes)
	b = binary.LittleEndian.AppendUint32(b, scale)
	b = binary.LittleEndian.AppendUint64(b, rows)
	return binary.LittleEndian.AppendUint64(b, nnz)
}

func words(b []byte, ws ...uint32) []byte {
	for _, w := range ws {
		b = binary.LittleEndian.AppendUint32(b, w)
	}
	return b
}

func TestDecodeErrors(t *testing.T) {
	d, _ := small()
	good, _ := d.MarshalBinary()
	mut := func(i int, v byte) []byte { c := bytes.Clone(good); c[i] = v; return c }
	cases := []struct {
		name string
		in   []byte
		want string
	}{
		{"nil", nil, "truncated header: 0 bytes"},
		{"short", good[:33], "truncated header: 33 bytes"},
		{"magic", mut(0, 'X'), "bad magic"},
		{"version 0", mut(4, 0), "unsupported version 0"},
		{"version 2", mut(4, 2), "unsupported version 2"},
		{"kind 0", mut(5, 0), "unknown kind 0"},
		{"kind 3", mut(5, 3), "unknown kind 3"},
		{"dims 0", header(1, 0, 1, 0, 0, 0), "dims 0"},
		{"dims big", header(1, MaxDims+1, 1, 0, 0, 0), "dims 16777217"},
		{"classes 0", header(1, 1, 0, 0, 0, 0), "classes 0"},
		{"classes big", header(1, 1, MaxClasses+1, 0, 0, 0), "classes 65537"},
		{"scale", header(1, 1, 1, 10, 0, 0), "scaleExp 10"},
		{"truncated body", good[:len(good)-1], "truncated"},
		{"trailing", append(bytes.Clone(good), 0), "1 trailing bytes"},
		{"trailing many", append(bytes.Clone(good), make([]byte, 8)...), "8 trailing bytes"},
		{"huge rows", header(1, 1, 1, 0, 1<<62, 1<<62), "cannot fit in 0 bytes"},
		{"huge rows sparse", header(2, 1, 1, 0, ^uint64(0), 0), "cannot fit"},
		{"huge nnz", words(header(2, 1, 1, 0, 1, ^uint64(0)), 0, 0, 0, 0), "cannot fit"},
		{"dense nnz mismatch", words(header(1, 2, 1, 0, 1, 1), 0, 5), "dense nnz 1 ≠ rows·dims"},
		{"dense overflow", words(header(1, MaxDims, 1, 0, 1<<40, 0)), "cannot fit"},
		{"bad label", words(header(1, 1, 2, 0, 1, 1), 2, 5), "label 2 out of range"},
		{"negative label", words(header(1, 1, 2, 0, 1, 1), 0xffffffff, 5), "label -1 out of range"},
		{"value too big", words(header(1, 1, 2, 0, 1, 1), 0, 1<<24), "MaxFeature"},
		{"counts exceed", words(header(2, 3, 1, 0, 2, 1), 0, 0, 2, 0, 1, 5), "row counts exceed nnz 1 at row 0"},
		{"counts short", words(header(2, 3, 1, 0, 2, 2), 0, 0, 1, 0, 0, 1, 5, 6), "row counts sum to 1, want nnz 2"},
		{"sparse zero", words(header(2, 3, 1, 0, 1, 1), 0, 1, 2, 0), "explicit zero"},
		{"sparse unsorted", words(header(2, 3, 1, 0, 1, 2), 0, 2, 2, 1, 5, 6), "not strictly increasing"},
		{"sparse index", words(header(2, 3, 1, 0, 1, 1), 0, 1, 3, 5), "feature index 3 ≥ Dims 3"},
	}
	for _, c := range cases {
		_, err := Decode(c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "dataset: decode: ") {
			t.Errorf("%s: Decode = %v, want %q", c.name, err, c.want)
		}
	}
}

// TestDecodeBoundedAllocation checks that a short input declaring huge sizes allocates
// almost nothing.
func TestDecodeBoundedAllocation(t *testing.T) {
	inputs := [][]byte{
		header(1, MaxDims, 1, 0, 1<<30, 1<<54),
		header(2, 1, 1, 0, 1<<40, 1<<40),
		words(header(2, 1, 1, 0, 5, 1<<33), 0, 0, 0, 0, 0),
		header(1, 1, 1, 0, 5, 5), // needs 40 more bytes
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for _, in := range inputs {
		if _, err := Decode(in); err == nil {
			t.Fatalf("accepted % x", in)
		}
	}
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Fatalf("rejecting short inputs allocated %d bytes", grew)
	}
}

// TestDecodeMutations mutates every byte of several encodings (and truncates and extends
// them): Decode must never panic, and whatever it accepts must re-encode to the same bytes.
func TestDecodeMutations(t *testing.T) {
	d, s := small()
	iris := irisData(t)
	irisSparse, _ := iris.ToSparse()
	for _, ds := range []*Dataset{d, s, iris, irisSparse} {
		good, err := ds.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		accepted := 0
		for i := range good {
			for _, x := range []byte{0x01, 0x02, 0x80, 0xff} {
				b := bytes.Clone(good)
				b[i] ^= x
				if checkDecode(t, b) {
					accepted++
				}
			}
		}
		for n := 0; n < len(good); n++ {
			if checkDecode(t, good[:n]) {
				t.Fatalf("truncation to %d bytes accepted", n)
			}
		}
		if checkDecode(t, append(bytes.Clone(good), 0, 0, 0, 0)) {
			t.Fatal("extension accepted")
		}
		if accepted == 0 && ds.Kind == Dense {
			t.Fatal("no mutation of a feature value was accepted: the test is not exercising the accept path")
		}
	}
}

func checkDecode(t *testing.T, b []byte) bool {
	t.Helper()
	e, err := Decode(b)
	if err != nil {
		return false
	}
	b2, err := e.MarshalBinary()
	if err != nil || !bytes.Equal(b, b2) {
		t.Fatalf("accepted bytes re-encode differently (%v)", err)
	}
	return true
}

// TestDecodeShared: DecodeShared gives Decode's dataset at every alignment of the buffer,
// and on amd64 its labels and values are inside the buffer, 4-byte aligned.
func TestDecodeShared(t *testing.T) {
	d, s := small()
	for _, x := range []*Dataset{d, s} {
		enc, err := x.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		want, err := Decode(enc)
		if err != nil {
			t.Fatal(err)
		}
		for off := range 4 {
			buf := make([]byte, off+len(enc))
			b := buf[off:]
			copy(b, enc)
			got, err := DecodeShared(b)
			if err != nil {
				t.Fatalf("%v at offset %d: %v", x.Kind, off, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%v at offset %d: DecodeShared differs from Decode", x.Kind, off)
			}
			if runtime.GOARCH != "amd64" {
				continue
			}
			vals := got.X
			if x.Kind == Sparse {
				vals = got.Val
			}
			for _, v := range [][]int32{got.Y, vals} {
				p := uintptr(unsafe.Pointer(unsafe.SliceData(v)))
				lo := uintptr(unsafe.Pointer(unsafe.SliceData(buf)))
				if p < lo || p >= lo+uintptr(len(buf)) || p%4 != 0 {
					t.Fatalf("%v at offset %d: an array at %#x is not an aligned view of the buffer at %#x", x.Kind, off, p, lo)
				}
			}
		}
	}
}
