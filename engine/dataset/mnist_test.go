package dataset

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/meritchain/merit/internal/mnistsrc"
)

var (
	mnistOnce sync.Once
	mnistDir  string
	mnistErr  error
)

// mnistData returns the GoMNIST module's data/ directory, failing the test if the module
// cannot be found (go.mod requires it, so `go mod download` brings it).
func mnistData(t testing.TB) string {
	t.Helper()
	mnistOnce.Do(func() { mnistDir, mnistErr = mnistsrc.Dir() })
	if mnistErr != nil {
		t.Fatal(mnistErr)
	}
	return mnistDir
}

func TestMNIST(t *testing.T) {
	dir := mnistData(t)
	cases := []struct {
		images, labels string
		n              int
		first          string
	}{
		{mnistsrc.TestImages, mnistsrc.TestLabels, 10000, "[7 2 1 0 4]"},
		{mnistsrc.TrainImages, mnistsrc.TrainLabels, 60000, "[5 0 4 1 9]"},
	}
	for _, c := range cases {
		d, err := LoadMNIST(filepath.Join(dir, c.images), filepath.Join(dir, c.labels))
		if err != nil {
			t.Fatal(err)
		}
		if d.Len() != c.n || d.Dims != 784 || d.Classes != 10 || d.ScaleExp != 0 || d.Kind != Dense {
			t.Fatalf("%s: %d rows, %d dims, %d classes", c.images, d.Len(), d.Dims, d.Classes)
		}
		if got := fmt.Sprint(d.Y[:5]); got != c.first {
			t.Fatalf("%s: first labels %s, want %s", c.images, got, c.first)
		}
		if m := d.MaxAbs(); m != 255 {
			t.Fatalf("%s: max pixel %d", c.images, m)
		}
		var counts [10]int
		for _, y := range d.Y {
			counts[y]++
		}
		for k, n := range counts {
			if n < c.n/20 {
				t.Fatalf("%s: class %d has %d images", c.images, k, n)
			}
		}
		if err := d.Validate(); err != nil {
			t.Fatal(err)
		}
	}
	// The sibling lookup finds the labels file of the test set.
	d, err := LoadMNISTImages(filepath.Join(dir, mnistsrc.TestImages))
	if err != nil || d.Len() != 10000 {
		t.Fatalf("LoadMNISTImages: %v", err)
	}
}

// TestMNISTDecompressed reads the test set from uncompressed copies, and checks that a
// truncated or extended real file is rejected.
func TestMNISTDecompressed(t *testing.T) {
	dir := mnistData(t)
	gunzip := func(name string) []byte {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	im, lb := gunzip(mnistsrc.TestImages), gunzip(mnistsrc.TestLabels)
	if len(im) != 16+10000*784 || len(lb) != 8+10000 {
		t.Fatalf("sizes %d %d", len(im), len(lb))
	}
	d, err := ReadMNIST(bytes.NewReader(im), "im", bytes.NewReader(lb), "lb")
	if err != nil || d.Len() != 10000 {
		t.Fatalf("uncompressed: %v", err)
	}
	if _, err := ReadMNIST(bytes.NewReader(im[:len(im)-1]), "im", bytes.NewReader(lb), "lb"); err == nil || !strings.Contains(err.Error(), "im: truncated") {
		t.Fatalf("truncated: %v", err)
	}
	if _, err := ReadMNIST(bytes.NewReader(append(im, 0)), "im", bytes.NewReader(lb), "lb"); err == nil || !strings.Contains(err.Error(), "im: oversized") {
		t.Fatalf("oversized: %v", err)
	}
}

func BenchmarkLoadMNISTTest(b *testing.B) {
	dir := mnistData(b)
	im, lb := filepath.Join(dir, mnistsrc.TestImages), filepath.Join(dir, mnistsrc.TestLabels)
	for i := 0; i < b.N; i++ {
		if _, err := LoadMNIST(im, lb); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoadMNISTTrain(b *testing.B) {
	dir := mnistData(b)
	im, lb := filepath.Join(dir, mnistsrc.TrainImages), filepath.Join(dir, mnistsrc.TrainLabels)
	for i := 0; i < b.N; i++ {
		if _, err := LoadMNIST(im, lb); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHashMNISTTest(b *testing.B) {
	dir := mnistData(b)
	d, err := LoadMNIST(filepath.Join(dir, mnistsrc.TestImages), filepath.Join(dir, mnistsrc.TestLabels))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(d.EncodedLen()))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d.Hash()
	}
}

func BenchmarkLoadIris(b *testing.B) {
	raw, err := os.ReadFile(testdata + "iris.csv")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	for i := 0; i < b.N; i++ {
		if _, err := Read(bytes.NewReader(raw), auto); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoadIrisFile(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := Load(testdata+"iris.csv", auto); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoadDigits(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := Load(testdata+"digits.csv.gz", auto); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeIris(b *testing.B) {
	enc, err := irisData(b).MarshalBinary()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(enc)))
	for i := 0; i < b.N; i++ {
		if _, err := Decode(enc); err != nil {
			b.Fatal(err)
		}
	}
}
