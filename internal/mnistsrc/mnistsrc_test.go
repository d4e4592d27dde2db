package mnistsrc

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDir(t *testing.T) {
	d, err := Dir()
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(d) != "data" {
		t.Fatalf("Dir() = %q, want a data/ folder", d)
	}
	sizes := map[string]int64{TrainImages: 9912422, TrainLabels: 28881, TestImages: 1648877, TestLabels: 4542}
	for name, size := range sizes {
		fi, err := os.Stat(filepath.Join(d, name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() != size {
			t.Fatalf("%s: %d bytes, want %d", name, fi.Size(), size)
		}
	}
}
