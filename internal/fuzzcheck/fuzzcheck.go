// Package fuzzcheck holds helpers shared by the fuzz targets of the repository (the root
// module's and the appchain's): a bound on the memory a decoder may allocate for its
// input, and seed corpus files written from the seeds a target adds.
//
// It is test support: only _test.go files import it.
package fuzzcheck

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"runtime/metrics"
	"strings"
	"testing"
)

// Allocated returns the bytes of heap memory that f allocated: the runtime metric
// /gc/heap/allocs:bytes before and after. It counts every allocation, also those freed
// again, so it bounds the peak as well. Reading it does not stop the world (unlike
// runtime.ReadMemStats, which costs ~10 µs); small objects are counted a span at a time,
// so it may over-count by a few spans (Bounded allows for that). Other goroutines'
// allocations are counted too: call it where little else runs, as a fuzz worker does
// between inputs.
func Allocated(f func()) uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	before := s[0].Value.Uint64()
	f()
	metrics.Read(s)
	return s[0].Value.Uint64() - before
}

// granularity is what Bounded adds to every limit for the runtime's span-at-a-time
// accounting of small objects (Allocated).
const granularity = 1 << 20

// Bounded runs f and fails t if it allocated more than perByte·n + slack bytes (plus 1 MiB
// for the runtime's accounting granularity): a decoder of n input bytes must not allocate
// by a count its input declares but cannot hold.
func Bounded(t testing.TB, what string, n int, perByte, slack uint64, f func()) {
	t.Helper()
	if got, limit := Allocated(f), perByte*uint64(n)+slack+granularity; got > limit {
		t.Fatalf("%s allocated %d bytes for %d bytes of input (limit %d = %d·%d + %d)", what, got, n, limit, perByte, n, slack)
	}
}

// WriteEnv is the environment variable that makes Add write corpus files.
const WriteEnv = "MERIT_WRITE_CORPUS"

// Add adds a seed to f and, when $MERIT_WRITE_CORPUS is 1, also writes it as a corpus file
// testdata/fuzz/<target>/seed-<hash> in the package directory (go test runs in it), in
// the format go test reads (`go test fuzz v1`, one typed value a line). Commit those files:
// they are the seed corpus that `go test` runs as regression tests and the fuzzer starts
// from.
//
//	MERIT_WRITE_CORPUS=1 go test -run '^FuzzX$' ./pkg/
func Add(f *testing.F, args ...any) {
	f.Helper()
	f.Add(args...)
	if os.Getenv(WriteEnv) != "1" {
		return
	}
	body, err := Marshal(args...)
	if err != nil {
		f.Fatal(err)
	}
	dir := filepath.Join("testdata", "fuzz", f.Name())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		f.Fatal(err)
	}
	sum := sha256.Sum256(body)
	name := filepath.Join(dir, fmt.Sprintf("seed-%x", sum[:8]))
	if err := os.WriteFile(name, body, 0o644); err != nil {
		f.Fatal(err)
	}
}

// Marshal encodes values in the corpus file format of go test's fuzzing engine.
func Marshal(args ...any) ([]byte, error) {
	var b strings.Builder
	b.WriteString("go test fuzz v1\n")
	for _, a := range args {
		switch v := a.(type) {
		case []byte:
			fmt.Fprintf(&b, "[]byte(%q)\n", v)
		case string:
			fmt.Fprintf(&b, "string(%q)\n", v)
		case bool:
			fmt.Fprintf(&b, "bool(%v)\n", v)
		case int:
			fmt.Fprintf(&b, "int(%d)\n", v)
		case int8:
			fmt.Fprintf(&b, "int8(%d)\n", v)
		case int16:
			fmt.Fprintf(&b, "int16(%d)\n", v)
		case int32:
			fmt.Fprintf(&b, "int32(%d)\n", v)
		case int64:
			fmt.Fprintf(&b, "int64(%d)\n", v)
		case uint:
			fmt.Fprintf(&b, "uint(%d)\n", v)
		case uint8:
			fmt.Fprintf(&b, "uint8(%d)\n", v)
		case uint16:
			fmt.Fprintf(&b, "uint16(%d)\n", v)
		case uint32:
			fmt.Fprintf(&b, "uint32(%d)\n", v)
		case uint64:
			fmt.Fprintf(&b, "uint64(%d)\n", v)
		default:
			return nil, fmt.Errorf("fuzzcheck: cannot write a %T to a corpus file", a)
		}
	}
	return []byte(b.String()), nil
}
