package model

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/internal/fuzzcheck"
)

// fuzzSeeds returns small valid encodings of every family, trained and untrained.
func fuzzSeeds(t testing.TB) [][]byte {
	var seeds [][]byte
	for _, c := range testConfigs {
		for _, n := range []int{0, 3} {
			seeds = append(seeds, enc(t, trained(t, c, n, 21)))
		}
	}
	return seeds
}

// FuzzDecodeModel: Decode never panics and allocates memory proportional to its input
// whatever sizes the bytes declare; bytes it accepts re-encode identically and give a
// model that can predict and learn.
func FuzzDecodeModel(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Model
		var err error
		fuzzcheck.Bounded(t, "Decode", len(b), 24, 64<<10, func() { m, err = Decode(b) })
		if err != nil {
			if m != nil {
				t.Fatal("Decode returned a model with an error")
			}
			return
		}
		out, err := m.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, b) {
			t.Fatalf("accepted bytes re-encode differently:\n in %x\nout %x", b, out)
		}
		c := m.Config()
		if c.Dims > 1<<12 {
			return
		}
		x := make([]int32, c.Dims)
		x[0] = c.Bound
		if _, err := m.Predict(dataset.Row{Dense: x}); err != nil {
			t.Fatal(err)
		}
		// An update either succeeds or leaves the model unchanged.
		cl := m.Clone()
		if err := cl.Update(dataset.Row{Dense: x}, c.Classes-1); err != nil {
			if after, _ := cl.MarshalBinary(); !bytes.Equal(after, b) {
				t.Fatalf("failed update changed the model: %v", err)
			}
		}
	})
}

// TestWriteFuzzCorpus rewrites the committed seed corpus under testdata/fuzz when
// MERIT_WRITE_CORPUS=1 (go test -run TestWriteFuzzCorpus ./engine/model/).
func TestWriteFuzzCorpus(t *testing.T) {
	if os.Getenv("MERIT_WRITE_CORPUS") != "1" {
		t.Skip("set MERIT_WRITE_CORPUS=1 to rewrite testdata/fuzz/FuzzDecodeModel")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzDecodeModel")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, s := range fuzzSeeds(t) {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", s)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%02d", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
