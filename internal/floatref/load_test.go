package floatref

import (
	"bytes"
	"compress/gzip"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/meritchain/merit/engine/dataset"
)

// testdata returns the path of a file in the repository's testdata directory.
func testdata(name string) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", name)
}

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	z := gzip.NewWriter(&b)
	if _, err := z.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReadCSV(t *testing.T) {
	sk := "3,2,a,b,c\n0.1,2,0\n-1e-3,7.25,2\r\n3, 4,1\n"
	hl := "0.1,2,0\n-1e-3,7.25,3\n3,4,1\n"
	wantX := [][]float64{{0.1, 2}, {-0.001, 7.25}, {3, 4}}
	for _, c := range []struct {
		name    string
		in      []byte
		read    func(*bytes.Reader) (*Data, error)
		y       []int
		classes int
	}{
		{"sklearn auto", []byte(sk), func(r *bytes.Reader) (*Data, error) { return ReadCSV(r) }, []int{0, 2, 1}, 3},
		{"sklearn explicit", []byte(sk), func(r *bytes.Reader) (*Data, error) { return ReadSklearnCSV(r) }, []int{0, 2, 1}, 3},
		{"sklearn gzip", gz(t, sk), func(r *bytes.Reader) (*Data, error) { return ReadCSV(r) }, []int{0, 2, 1}, 3},
		{"headerless auto", []byte(hl), func(r *bytes.Reader) (*Data, error) { return ReadCSV(r) }, []int{0, 3, 1}, 4},
		{"headerless gzip", gz(t, hl), func(r *bytes.Reader) (*Data, error) { return ReadHeaderlessCSV(r) }, []int{0, 3, 1}, 4},
	} {
		d, err := c.read(bytes.NewReader(c.in))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if d.Dims != 2 || d.Classes != c.classes || !slices.Equal(d.Y, c.y) || !slices.EqualFunc(d.X, wantX, slices.Equal) {
			t.Errorf("%s: got dims %d classes %d X %v Y %v", c.name, d.Dims, d.Classes, d.X, d.Y)
		}
	}
	// A plain CSV header of names is skipped; integral labels may be written as reals.
	d, err := ReadCSV(strings.NewReader("a,b,label\n1,2,1.0\n3,4,2e0\n"))
	if err != nil || d.Len() != 2 || d.Classes != 3 || d.Dims != 2 || !slices.Equal(d.Y, []int{1, 2}) || d.X[1][0] != 3 {
		t.Errorf("plain CSV: %v, %+v", err, d)
	}
	// A scikit-learn file whose names are all numbers needs ReadSklearnCSV.
	d, err = ReadSklearnCSV(strings.NewReader("2,1,0,1,2\n5,0\n6,2\n"))
	if err != nil || d.Len() != 2 || d.Classes != 3 || d.Dims != 1 {
		t.Errorf("numeric names: %v, %+v", err, d)
	}
	// Headerless with a single class present still has two classes.
	d, err = ReadCSV(strings.NewReader("1,2,0\n3,4,0\n"))
	if err != nil || d.Classes != 2 {
		t.Errorf("one label: %v, %+v", err, d)
	}
}

func TestReadCSVRejects(t *testing.T) {
	for _, in := range []string{
		"",
		"3,2,a,b\n1,2,0\n3,4,1\n", // fewer rows than n_samples
		"1,2,a,b\n1,2,2\n",        // label beyond the named classes
		"1,2,0\n1,x,0\n",          // not a number
		"1,2,0\n1,2,0.5\n",        // label not an integer
		"1,2,0\n1,2,-1\n",         // negative label
		"1,2,0\n1,inf,1\n",        // infinity
		"1,2,0\n1,NaN,1\n",        // NaN
		"1,0,a,b\n\n",             // a header and no rows
		"1,2,0\n1,2,3,0\n",        // ragged
		"\x1f\x8bnot gzip at all", // bad gzip
	} {
		if d, err := ReadCSV(strings.NewReader(in)); err == nil {
			t.Errorf("ReadCSV(%q) accepted: %+v", in, d)
		}
	}
	for _, in := range []string{
		"1,2,a,b\n1,2,3,0\n", // wrong width
		"1,0,a,b\n1,0\n",     // no features
		"1,2,a\n1,2,0\n",     // one class name
		"x,2,a,b\n1,2,0\n",   // bad n_samples
	} {
		if d, err := ReadSklearnCSV(strings.NewReader(in)); err == nil {
			t.Errorf("ReadSklearnCSV(%q) accepted: %+v", in, d)
		}
	}
	if _, err := LoadCSV(testdata("no-such-file.csv")); err == nil {
		t.Error("LoadCSV of a missing file succeeded")
	}
}

func TestLoadShipped(t *testing.T) {
	for _, c := range []struct {
		file             string
		n, dims, classes int
		first            []float64
		firstY, lastY    int
	}{
		{"iris.csv", 150, 4, 3, []float64{5.1, 3.5, 1.4, 0.2}, 0, 2},
		{"wine_data.csv", 178, 13, 3, []float64{14.23, 1.71, 2.43, 15.6, 127, 2.8, 3.06, 0.28, 2.29, 5.64, 1.04, 3.92, 1065}, 0, 2},
		{"breast_cancer.csv", 569, 30, 2, nil, 0, 1},
		{"digits.csv.gz", 1797, 64, 10, nil, 0, 8},
	} {
		d, err := LoadCSV(testdata(c.file))
		if err != nil {
			t.Errorf("%s: %v", c.file, err)
			continue
		}
		if d.Len() != c.n || d.Dims != c.dims || d.Classes != c.classes || d.Y[0] != c.firstY || d.Y[d.Len()-1] != c.lastY {
			t.Errorf("%s: %d rows × %d, %d classes, first label %d, last %d", c.file, d.Len(), d.Dims, d.Classes, d.Y[0], d.Y[d.Len()-1])
		}
		if c.first != nil && !slices.Equal(d.X[0], c.first) {
			t.Errorf("%s: first row %v, want %v", c.file, d.X[0], c.first)
		}
	}
}

func TestFromDataset(t *testing.T) {
	ds := &dataset.Dataset{Kind: dataset.Dense, Dims: 2, Classes: 3, ScaleExp: 2,
		X: []int32{150, -25, 0, 7, 0, 0}, Y: []int32{2, 0, 1}}
	if err := ds.Validate(); err != nil {
		t.Fatal(err)
	}
	sp, err := ds.ToSparse()
	if err != nil {
		t.Fatal(err)
	}
	// v / 10^ScaleExp is the correctly rounded real, the same double ParseFloat gives.
	wantX := [][]float64{{1.5, -0.25}, {0, 0.07}, {0, 0}}
	for _, d := range []*dataset.Dataset{ds, sp} {
		f := FromDataset(d)
		if f.Dims != 2 || f.Classes != 3 || !slices.Equal(f.Y, []int{2, 0, 1}) || !slices.EqualFunc(f.X, wantX, slices.Equal) {
			t.Errorf("kind %d: got %+v", d.Kind, f)
		}
	}
	// Row reuses a large enough buffer and clears it for sparse rows.
	buf := []float64{9, 9, 9}
	if r := Row(sp, 1, buf); &r[0] != &buf[0] || !slices.Equal(r, []float64{0, 0.07}) {
		t.Errorf("Row(sparse, 1) = %v", r)
	}
}
