package main

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/meritchain/merit/engine/value"
)

func TestWasmForm(t *testing.T) {
	for _, c := range []struct {
		name, work, form, rt string
		ok                   bool
	}{
		{"KNNShapley/native", "KNNShapley", "native", "", true},
		{"KNNShapley/native-generic", "KNNShapley", "native-portable", "", true},
		{"generic:KNNShapley/native", "KNNShapley", "native-portable", "", true},
		{"KNNShapley/host/compiler", "KNNShapley", "host", "compiler", true},
		{"KNNShapley/host", "KNNShapley", "host", "compiler", true},
		{"Marginal/mnist-10k/pure/interpreter", "Marginal/mnist-10k", "pure", "interpreter", true},
		{"Marginal/interpreter/wasm-pure", "Marginal", "pure", "interpreter", true},
		{"Marginal/self-contained/compiler", "Marginal", "pure", "compiler", true},
		{"Call/host-kernels/interp", "Call", "host", "interpreter", true},
		{"Compile/cold", "Compile/cold", "", "", false},
		{"Instantiate", "Instantiate", "", "", false},
	} {
		work, form, rt, ok := wasmForm(c.name)
		if work != c.work || form != c.form || rt != c.rt || ok != c.ok {
			t.Errorf("wasmForm(%q) = %q, %q, %q, %v; want %q, %q, %q, %v", c.name, work, form, rt, ok, c.work, c.form, c.rt, c.ok)
		}
	}
}

func TestWasmTableRatios(t *testing.T) {
	w := wasmRun{rs: []result{
		{name: "KNNShapley/native", metrics: map[string]float64{"ns/op": 100}},
		{name: "KNNShapley/host/compiler", metrics: map[string]float64{"ns/op": 130}},
		{name: "Marginal/native", metrics: map[string]float64{"ns/op": 10}},
		{name: "Marginal/host/compiler", metrics: map[string]float64{"ns/op": 20}},
		{name: "generic:Marginal/native", metrics: map[string]float64{"ns/op": 50}},
		{name: "Marginal/pure/compiler", metrics: map[string]float64{"ns/op": 250}},
		{name: "Gas/element", metrics: map[string]float64{"ns/op": 1, "ns/gas": 0.5}},
		{name: "Compile/cold", metrics: map[string]float64{"ns/op": 1e9}},
		{name: "CallOverhead/native", metrics: map[string]float64{"ns/op": 1}},
		{name: "CallOverhead/host/compiler", metrics: map[string]float64{"ns/op": 100}},
	}}
	tb := w.table()
	if x, work, ok := tb.worstRatio("host/compiler", "native", midWorks); !ok || x != 2 || work != "Marginal" {
		t.Errorf("host/native: %v %q %v, want 2 Marginal", x, work, ok)
	}
	if x, _, ok := tb.worstRatio("pure/compiler", "native-portable", midWorks); !ok || x != 5 {
		t.Errorf("pure/portable: %v %v, want 5", x, ok)
	}
	if len(tb.other) != 2 || len(tb.gas) != 1 {
		t.Errorf("other %v, gas %v", tb.other, tb.gas)
	}
	var buf bytes.Buffer
	writeWasm(&buf, w)
	if !strings.Contains(buf.String(), "| Marginal | 10ns | 50ns | 20ns | 250ns |") {
		t.Errorf("table:\n%s", buf.String())
	}
}

// TestFloatQuality checks the float64 detection scores against the engine's exact ones.
func TestFloatQuality(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		n := 10 + r.IntN(200)
		vals := value.Values{Num: make([]int64, n), Den: 1_000_000}
		f := make([]float64, n)
		for i := range n {
			vals.Num[i] = int64(r.IntN(7)) * 100_000 // many ties
			f[i] = float64(vals.Num[i]) / float64(vals.Den)
		}
		perm := r.Perm(n)
		flipped := perm[:1+r.IntN(n-2)]
		var sorted []int
		for i := range n {
			for _, j := range flipped {
				if i == j {
					sorted = append(sorted, i)
				}
			}
		}
		q, err := value.DetectionQuality(vals, sorted, 1, 10)
		if err != nil {
			t.Fatal(err)
		}
		auc, f1 := floatQuality(f, sorted, 1, 10)
		if math.Abs(auc-ratio(q.AUC)) > 1e-12 || math.Abs(f1-ratio(q.F1)) > 1e-12 {
			t.Fatalf("floatQuality = %v, %v; engine %v, %v", auc, f1, ratio(q.AUC), ratio(q.F1))
		}
	}
}

func TestLogSlope(t *testing.T) {
	x := []float64{1, 2, 4, 8}
	var ts []time.Duration
	for _, v := range x {
		ts = append(ts, time.Duration(3*v*v*float64(time.Millisecond)))
	}
	if s := logSlope(x, ts); math.Abs(s-2) > 1e-6 {
		t.Errorf("slope %v, want 2", s)
	}
}

func TestNPY(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.npy")
	if err := npyInt32(path, []int32{1, -2, 3, 4, 5, 6}, 2, 3); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(b[:8]) != "\x93NUMPY\x01\x00" {
		t.Fatalf("magic %q", b[:8])
	}
	hl := int(binary.LittleEndian.Uint16(b[8:10]))
	if (10+hl)%64 != 0 || b[10+hl-1] != '\n' {
		t.Fatalf("header length %d", hl)
	}
	if h := string(b[10 : 10+hl]); !strings.HasPrefix(h, "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }") {
		t.Fatalf("header %q", h)
	}
	data := b[10+hl:]
	if len(data) != 24 || int32(binary.LittleEndian.Uint32(data[4:])) != -2 {
		t.Fatalf("data % x", data)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 60000: "60,000", 1234567: "1,234,567"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// The MNIST-sized works (BenchmarkMarginalMNIST, BenchmarkKNNShapleyMNIST) are issue 5's
// goal works, the mid-size ones (BenchmarkMarginal, BenchmarkKNNShapley) are the other
// group, and the rest of the benchmarks are in neither.
func TestWasmGoalWorks(t *testing.T) {
	for w, want := range map[string][2]bool{
		"Marginal/knn": {false, true}, "KNNShapley": {false, true},
		"MarginalMNIST/perceptron": {true, false}, "KNNShapleyMNIST": {true, false},
		"CallOverhead": {}, "Compile/pure/cold": {}, "MarginalX": {},
	} {
		if got := [2]bool{isWork(w, goalWorks), isWork(w, midWorks)}; got != want {
			t.Errorf("%q in goalWorks, midWorks: %v, want %v", w, got, want)
		}
	}
	tb := wasmRun{rs: []result{
		{name: "KNNShapleyMNIST/native", metrics: map[string]float64{"ns/op": 100}},
		{name: "KNNShapleyMNIST/host/compiler", metrics: map[string]float64{"ns/op": 300}},
		{name: "Marginal/native", metrics: map[string]float64{"ns/op": 10}},
		{name: "Marginal/host/compiler", metrics: map[string]float64{"ns/op": 20}},
	}}.table()
	if x, work, ok := tb.worstRatio("host/compiler", "native", goalWorks); !ok || x != 3 || work != "KNNShapleyMNIST" {
		t.Errorf("host/native: %v %q %v, want 3 KNNShapleyMNIST", x, work, ok)
	}
	if x, work, ok := tb.worstRatio("host/compiler", "native", midWorks); !ok || x != 2 || work != "Marginal" {
		t.Errorf("host/native at the mid size: %v %q %v, want 2 Marginal", x, work, ok)
	}
}

// TestParseMarkets: TestMarketScale's rows are read, its header is not.
func TestParseMarkets(t *testing.T) {
	out := `    market_bench_test.go:37: | contributions | test rows | passes | blocks | most spent in a block | budget | engine time per block, mean | most | engine ns per gas | last reveal → collectable |
    market_bench_test.go:159: | 200 | 300 | 60 | 2 | 998159800 | 1000000000 | 373ms | 686ms | 9.81 | 779ms |
    market_bench_test.go:159: | 10000 | 9999 | 81 | 230 | 999915800 | 1000000000 | 1.143s | 1.785s | 1.43 | 4m27.42s |
`
	rows := parseMarkets(out)
	if len(rows) != 2 {
		t.Fatalf("%d rows, want 2", len(rows))
	}
	want := marketRow{10000, 9999, 81, 230, 999915800, 1000000000, "1.143s", "1.785s", "1.43", "4m27.42s"}
	if rows[1] != want {
		t.Fatalf("row %+v, want %+v", rows[1], want)
	}
	r := &report{markets: rows}
	gs := r.goals()
	if last := gs[len(gs)-1]; last.verdict != verdict(true) {
		t.Fatalf("10,000 × 9,999 over 230 blocks within budget: verdict %q", last.verdict)
	}
}
