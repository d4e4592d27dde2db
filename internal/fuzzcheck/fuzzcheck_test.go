package fuzzcheck

import (
	"strings"
	"testing"
)

// recorder is a testing.TB that records Fatalf instead of stopping.
type recorder struct {
	testing.TB
	failed string
}

func (r *recorder) Helper() {}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = format
}

var sink []byte

func TestBounded(t *testing.T) {
	// A decoder that trusts a declared count of 8 MiB for 10 bytes of input is caught.
	r := &recorder{TB: t}
	Bounded(r, "greedy", 10, 16, 0, func() { sink = make([]byte, 8<<20) })
	if r.failed == "" {
		t.Error("an 8 MiB allocation for 10 bytes passed")
	}
	// One proportional to its input passes.
	r = &recorder{TB: t}
	Bounded(r, "fair", 1<<20, 16, 0, func() { sink = make([]byte, 4<<20) })
	if r.failed != "" {
		t.Errorf("a 4 MiB allocation for 1 MiB of input at 16 bytes a byte failed: %s", r.failed)
	}
}

func TestMarshal(t *testing.T) {
	b, err := Marshal([]byte("a\n"), "s", true, int8(-1), uint8(200), int32(-5), uint64(7))
	if err != nil {
		t.Fatal(err)
	}
	want := "go test fuzz v1\n[]byte(\"a\\n\")\nstring(\"s\")\nbool(true)\nint8(-1)\nuint8(200)\nint32(-5)\nuint64(7)\n"
	if string(b) != want {
		t.Errorf("got\n%s\nwant\n%s", b, want)
	}
	if _, err := Marshal(1.5); err == nil || !strings.Contains(err.Error(), "float64") {
		t.Errorf("float64: %v", err)
	}
}
