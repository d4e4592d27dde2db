package model

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/meritchain/merit/engine/dataset"
)

func TestFamilyNames(t *testing.T) {
	want := []string{"perceptron", "naive-bayes", "centroid", "sparse-centroid", "knn"}
	fams := Families()
	if len(fams) != len(want) {
		t.Fatalf("Families() = %v", fams)
	}
	for i, f := range fams {
		if f != Family(i+1) || f.String() != want[i] {
			t.Errorf("family %d: %d %q", i, f, f)
		}
		g, err := ParseFamily(want[i])
		if err != nil || g != f {
			t.Errorf("ParseFamily(%q) = %v, %v", want[i], g, err)
		}
	}
	for _, bad := range []string{"", "Perceptron", "nb", "knn ", "family(1)"} {
		if _, err := ParseFamily(bad); !errors.Is(err, ErrConfig) {
			t.Errorf("ParseFamily(%q): %v", bad, err)
		}
	}
	if Family(0).String() != "family(0)" || Family(9).String() != "family(9)" {
		t.Error("String of unknown families")
	}
}

func TestConfigNormalize(t *testing.T) {
	// Defaults and zeroing of other families' hyperparameters.
	for _, cs := range []struct {
		in, want Config
	}{
		{Config{Family: Perceptron, Dims: 3, Classes: 2, Bound: 1, AlphaMicro: 7, K: 9},
			Config{Family: Perceptron, Dims: 3, Classes: 2, Bound: 1, LearningRate: 1}},
		{Config{Family: NaiveBayes, Dims: 3, Classes: 2, Bound: 1, LearningRate: 4},
			Config{Family: NaiveBayes, Dims: 3, Classes: 2, Bound: 1, AlphaMicro: 1_000_000}},
		{Config{Family: Centroid, Dims: 3, Classes: 2, Bound: 1, LearningRate: 4, AlphaMicro: 3, K: 2},
			Config{Family: Centroid, Dims: 3, Classes: 2, Bound: 1}},
		{Config{Family: SparseCentroid, Dims: 3, Classes: 2, Bound: 1, K: 2},
			Config{Family: SparseCentroid, Dims: 3, Classes: 2, Bound: 1}},
		{Config{Family: KNN, Dims: 3, Classes: 2, Bound: 1, LearningRate: 2},
			Config{Family: KNN, Dims: 3, Classes: 2, Bound: 1, K: 5}},
		{Config{Family: KNN, Dims: 3, Classes: 2, ScaleExp: 9, Bound: 1, K: 1},
			Config{Family: KNN, Dims: 3, Classes: 2, ScaleExp: 9, Bound: 1, K: 1}},
	} {
		got, err := cs.in.Normalize()
		if err != nil || got != cs.want {
			t.Errorf("Normalize(%+v) = %+v, %v; want %+v", cs.in, got, err, cs.want)
		}
		m := mustNew(t, cs.in)
		if m.Config() != cs.want {
			t.Errorf("New(%+v).Config() = %+v", cs.in, m.Config())
		}
	}
}

func TestConfigRejected(t *testing.T) {
	ok := func(f Family) Config { return Config{Family: f, Dims: 4, Classes: 3, Bound: 100} }
	with := func(c Config, edit func(*Config)) Config { edit(&c); return c }
	cases := []struct {
		cfg  Config
		want string // a fragment of the error message
	}{
		{Config{Dims: 4, Classes: 3, Bound: 1}, "unknown family"},
		{ok(6), "unknown family"},
		{with(ok(Perceptron), func(c *Config) { c.Dims = 0 }), "Dims"},
		{with(ok(KNN), func(c *Config) { c.Dims = dataset.MaxDims + 1 }), "Dims"},
		{with(ok(Centroid), func(c *Config) { c.Classes = 1 }), "Classes"},
		{with(ok(Centroid), func(c *Config) { c.Classes = dataset.MaxClasses + 1 }), "Classes"},
		{with(ok(NaiveBayes), func(c *Config) { c.ScaleExp = -1 }), "ScaleExp"},
		{with(ok(NaiveBayes), func(c *Config) { c.ScaleExp = 10 }), "ScaleExp"},
		{with(ok(SparseCentroid), func(c *Config) { c.Bound = 0 }), "Bound"},
		{with(ok(SparseCentroid), func(c *Config) { c.Bound = 1 << 24 }), "Bound"},
		{with(ok(Perceptron), func(c *Config) { c.LearningRate = -1 }), "LearningRate"},
		{with(ok(NaiveBayes), func(c *Config) { c.AlphaMicro = -5 }), "AlphaMicro"},
		{with(ok(KNN), func(c *Config) { c.K = -1 }), "K ="},
		{with(ok(KNN), func(c *Config) { c.K = MaxK + 1 }), "K ="},
		// NB: D·B ≤ 2^32: 257·(2^24−1) > 2^32.
		{with(ok(NaiveBayes), func(c *Config) { c.Dims, c.Bound = 257, 1<<24-1 }), "Dims·Bound ≤ 2^32"},
		// NB: αSD < 2^62: 2^40 · 10^9 · 4 ≥ 2^62.
		{with(ok(NaiveBayes), func(c *Config) { c.AlphaMicro, c.ScaleExp = 1<<40, 9 }), "AlphaMicro·10^ScaleExp·Dims < 2^62"},
		{with(ok(NaiveBayes), func(c *Config) { c.AlphaMicro = math.MaxInt64 }), "< 2^62"},
		// Centroid, KNN: D·(2B)² ≤ 2^62: 2^14·(2^25)² = 2^64.
		{with(ok(Centroid), func(c *Config) { c.Dims, c.Bound = 1<<14, 1<<24-1 }), "Dims·(2·Bound)² ≤ 2^62"},
		{with(ok(KNN), func(c *Config) { c.Dims, c.Bound = 1<<14, 1<<24-1 }), "Dims·(2·Bound)² ≤ 2^62"},
		// Allocation bound.
		{with(ok(SparseCentroid), func(c *Config) { c.Dims, c.Classes = 1<<24, 17 }), "MaxCells"},
		{with(ok(Perceptron), func(c *Config) { c.Dims, c.Classes = 1<<24, 17 }), "MaxCells"},
	}
	for _, cs := range cases {
		m, err := New(cs.cfg)
		if err == nil || m != nil || !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), cs.want) {
			t.Errorf("New(%+v) = %v, %v; want an error about %q", cs.cfg, m, err, cs.want)
		}
	}
	// Just inside the bounds.
	for _, c := range []Config{
		{Family: NaiveBayes, Dims: 256, Classes: 2, Bound: 1<<24 - 1},            // D·B < 2^32
		{Family: Centroid, Dims: 1 << 12, Classes: 2, Bound: 1<<24 - 1},          // 2^12·(2^25−2)² < 2^62
		{Family: KNN, Dims: 1 << 24, Classes: 2, Bound: 1 << 5},                  // 2^24·2^12 = 2^36
		{Family: Perceptron, Dims: 1 << 20, Classes: 2, ScaleExp: 9, Bound: 255}, // W = 8796
	} {
		if _, err := New(c); err != nil {
			t.Errorf("New(%+v): %v", c, err)
		}
	}
}

// badRows returns rows that every model of config c must reject.
func badRows(c Config) []dataset.Row {
	d := c.Dims
	ok := make([]int32, d)
	mk := func(edit func([]int32)) dataset.Row {
		x := append([]int32(nil), ok...)
		edit(x)
		return dn(x...)
	}
	rows := []dataset.Row{
		dn(make([]int32, d-1)...),
		dn(make([]int32, d+1)...),
		{Dense: []int32{}},
		mk(func(x []int32) { x[0] = c.Bound + 1 }),
		mk(func(x []int32) { x[d-1] = -c.Bound - 1 }),
		mk(func(x []int32) { x[0] = math.MinInt32 }),
		mk(func(x []int32) { x[0] = math.MaxInt32 }),
		sp([]uint32{0}, nil),
		sp([]uint32{0, 1}, []int32{1}),
		sp([]uint32{1, 0}, []int32{1, 1}),
		sp([]uint32{1, 1}, []int32{1, 1}),
		sp([]uint32{uint32(d)}, []int32{1}),
		sp([]uint32{math.MaxUint32}, []int32{1}),
		sp([]uint32{0}, []int32{0}),
		sp([]uint32{0}, []int32{c.Bound + 1}),
		sp([]uint32{0}, []int32{math.MinInt32}),
	}
	if c.Family == NaiveBayes {
		rows = append(rows, mk(func(x []int32) { x[1] = -1 }), sp([]uint32{1}, []int32{-1}))
	}
	return rows
}

func TestBadInputLeavesStateUnchanged(t *testing.T) {
	for _, c := range testConfigs {
		t.Run(c.Family.String(), func(t *testing.T) {
			m := trained(t, c, 12, 1)
			before := enc(t, m)
			for _, x := range badRows(c) {
				if err := m.Update(x, 0); !errors.Is(err, ErrInput) {
					t.Errorf("Update(%v): %v", x, err)
				}
				if _, err := m.Predict(x); !errors.Is(err, ErrInput) {
					t.Errorf("Predict(%v): %v", x, err)
				}
			}
			good := dn(make([]int32, c.Dims)...)
			for _, y := range []int{-1, c.Classes, math.MaxInt} {
				if err := m.Update(good, y); !errors.Is(err, ErrInput) {
					t.Errorf("Update with label %d: %v", y, err)
				}
			}
			sameBytes(t, "after rejected updates", enc(t, m), before)
		})
	}
}

func TestEvaluateRejectsBadDatasets(t *testing.T) {
	for _, c := range testConfigs {
		t.Run(c.Family.String(), func(t *testing.T) {
			m := trained(t, c, 12, 2)
			rows, labels := randRows(rand.New(rand.NewPCG(3, 3)), c, 6)
			for f := range rows[0] {
				rows[0][f] = 1 // the sparse edits below need two indices in row 0
			}
			good := []*dataset.Dataset{denseDS(c, rows, labels), sparseDS(c, rows, labels)}
			for _, ds := range good {
				if _, err := m.Evaluate(ds); err != nil {
					t.Fatalf("Evaluate(good): %v", err)
				}
				fewer := *ds
				fewer.Classes = 1
				fewer.Y = make([]int32, len(ds.Y))
				if _, err := m.Evaluate(&fewer); err != nil {
					t.Fatalf("Evaluate with fewer classes: %v", err)
				}
			}
			type edit func(d *dataset.Dataset)
			bad := []edit{
				func(d *dataset.Dataset) { d.Dims++ },
				func(d *dataset.Dataset) { d.ScaleExp++ },
				func(d *dataset.Dataset) { d.Classes = c.Classes + 1 },
				func(d *dataset.Dataset) { d.Classes = 0 },
				func(d *dataset.Dataset) { d.Kind = 3 },
				func(d *dataset.Dataset) { d.Y[2] = int32(d.Classes) },
				func(d *dataset.Dataset) { d.Y[0] = -1 },
				func(d *dataset.Dataset) { d.Y = d.Y[:len(d.Y)-1] },
			}
			badDense := []edit{
				func(d *dataset.Dataset) { d.X = d.X[:len(d.X)-1] },
				func(d *dataset.Dataset) { d.X[3] = c.Bound + 1 },
				func(d *dataset.Dataset) { d.X[4] = -c.Bound - 1 },
				func(d *dataset.Dataset) { d.X[4] = math.MinInt32 },
			}
			badSparse := []edit{
				func(d *dataset.Dataset) { d.Ptr[0] = 1 },
				func(d *dataset.Dataset) { d.Ptr = d.Ptr[:len(d.Ptr)-1] },
				func(d *dataset.Dataset) { d.Ptr[2], d.Ptr[3] = d.Ptr[3]+1, d.Ptr[2] },
				func(d *dataset.Dataset) { d.Ptr[1] = -1 },
				func(d *dataset.Dataset) { d.Val = d.Val[1:] },
				func(d *dataset.Dataset) { d.Val[0] = 0 },
				func(d *dataset.Dataset) { d.Val[1] = c.Bound + 1 },
				func(d *dataset.Dataset) { d.Idx[0] = uint32(c.Dims) },
				func(d *dataset.Dataset) { d.Idx[0], d.Idx[1] = d.Idx[1], d.Idx[0] },
				func(d *dataset.Dataset) { d.Idx[1] = d.Idx[0] },
			}
			if c.Family == NaiveBayes {
				badDense = append(badDense, func(d *dataset.Dataset) { d.X[4] = -1 })
				badSparse = append(badSparse, func(d *dataset.Dataset) { d.Val[1] = -1 })
			}
			try := func(kind string, base *dataset.Dataset, edits []edit) {
				for i, e := range edits {
					ds := cloneDS(base)
					e(ds)
					if _, err := m.Evaluate(ds); !errors.Is(err, ErrInput) {
						t.Errorf("%s edit %d: Evaluate = %v", kind, i, err)
					}
				}
			}
			try("dense", good[0], append(bad, badDense...))
			try("sparse", good[1], append(bad, badSparse...))
			if _, err := m.Evaluate(nil); !errors.Is(err, ErrInput) {
				t.Errorf("Evaluate(nil) = %v", err)
			}
		})
	}
}

func cloneDS(d *dataset.Dataset) *dataset.Dataset {
	c := *d
	c.Y = append([]int32(nil), d.Y...)
	c.X = append([]int32(nil), d.X...)
	c.Ptr = append([]int(nil), d.Ptr...)
	c.Idx = append([]uint32(nil), d.Idx...)
	c.Val = append([]int32(nil), d.Val...)
	return &c
}

// TestSparseDenseIdentical trains one model on dense rows and one on the same rows in
// sparse form: their states, predictions and evaluations must be identical.
func TestSparseDenseIdentical(t *testing.T) {
	for _, c := range testConfigs {
		t.Run(c.Family.String(), func(t *testing.T) {
			r := rand.New(rand.NewPCG(5, uint64(c.Family)))
			rows, labels := randRows(r, c, 60)
			md, ms := mustNew(t, c), mustNew(t, c)
			for i, x := range rows {
				mustUpdate(t, md, dn(x...), int(labels[i]))
				mustUpdate(t, ms, toSparse(x), int(labels[i]))
				if i%10 == 9 {
					sameBytes(t, fmt.Sprintf("after %d updates", i+1), enc(t, ms), enc(t, md))
				}
			}
			test, tl := randRows(r, c, 40)
			for _, x := range test {
				a, b := mustPredict(t, md, dn(x...)), mustPredict(t, md, toSparse(x))
				if a != b {
					t.Fatalf("Predict(%v): dense %d, sparse %d", x, a, b)
				}
			}
			e1, err1 := md.Evaluate(denseDS(c, test, tl))
			e2, err2 := md.Evaluate(sparseDS(c, test, tl))
			if err1 != nil || err2 != nil || e1 != e2 {
				t.Fatalf("Evaluate dense %d %v, sparse %d %v", e1, err1, e2, err2)
			}
			// Evaluate agrees with Predict row by row.
			want := 0
			for i, x := range test {
				if mustPredict(t, md, dn(x...)) == int(tl[i]) {
					want++
				}
			}
			if e1 != want {
				t.Fatalf("Evaluate = %d, Predict counts %d", e1, want)
			}
		})
	}
}

func TestClone(t *testing.T) {
	for _, c := range testConfigs {
		t.Run(c.Family.String(), func(t *testing.T) {
			m := trained(t, c, 20, 4)
			before := enc(t, m)
			cl := m.Clone()
			sameBytes(t, "clone", enc(t, cl), before)
			// Train the clone until its state changes; the original must not move.
			rows, labels := randRows(rand.New(rand.NewPCG(6, 6)), c, 50)
			for i, x := range rows {
				mustUpdate(t, cl, dn(x...), int(labels[i]))
			}
			if string(enc(t, cl)) == string(before) {
				t.Fatal("50 updates did not change the clone")
			}
			sameBytes(t, "original after the clone's updates", enc(t, m), before)
			// And the other way round.
			cl2 := m.Clone()
			cb := enc(t, cl2)
			for i, x := range rows {
				mustUpdate(t, m, dn(x...), int(labels[i]))
			}
			sameBytes(t, "clone after the original's updates", enc(t, cl2), cb)
		})
	}
}

func TestRoundTrip(t *testing.T) {
	for _, c := range testConfigs {
		for _, n := range []int{0, 1, 30} {
			t.Run(fmt.Sprintf("%s/%d", c.Family, n), func(t *testing.T) {
				m := trained(t, c, n, 8)
				b := enc(t, m)
				m2, err := Decode(b)
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				if m2.Config() != m.Config() {
					t.Fatalf("config %+v, want %+v", m2.Config(), m.Config())
				}
				sameBytes(t, "re-encode", enc(t, m2), b)
				h1, _ := Hash(m)
				h2, _ := Hash(m2)
				if h1 != h2 {
					t.Fatal("hashes differ")
				}
				rows, labels := randRows(rand.New(rand.NewPCG(9, 9)), c, 30)
				for _, x := range rows {
					if a, b := mustPredict(t, m, dn(x...)), mustPredict(t, m2, dn(x...)); a != b {
						t.Fatalf("Predict(%v): %d before, %d after decoding", x, a, b)
					}
				}
				e1, _ := m.Evaluate(denseDS(c, rows, labels))
				e2, _ := m2.Evaluate(denseDS(c, rows, labels))
				if e1 != e2 {
					t.Fatalf("Evaluate %d vs %d", e1, e2)
				}
				// Both go on learning identically (the derived caches were rebuilt).
				for i, x := range rows {
					mustUpdate(t, m, dn(x...), int(labels[i]))
					mustUpdate(t, m2, dn(x...), int(labels[i]))
				}
				sameBytes(t, "after further training", enc(t, m2), enc(t, m))
				if c.Family == NaiveBayes {
					a, b := m.(*naiveBayes), m2.(*naiveBayes)
					if fmt.Sprint(a.ln, a.ld, a.lp, a.lt) != fmt.Sprint(b.ln, b.ld, b.lp, b.lt) {
						t.Fatal("naive-bayes logs differ after decoding")
					}
				}
			})
		}
	}
	if _, err := Hash(nil); err == nil {
		t.Fatal("Hash(nil) accepted")
	}
}

func TestEncodingLayout(t *testing.T) {
	// A binary perceptron: header then weights then bias, little-endian.
	m := mustNew(t, Config{Family: Perceptron, Dims: 2, Classes: 2, ScaleExp: 3, Bound: 7})
	p := m.(*perceptron)
	p.w[0], p.w[1], p.b[0] = 1, -2, 3
	b := enc(t, m)
	want := []byte("MRTM")
	want = append(want, 1, 0, byte(Perceptron), 3)
	want = binary.LittleEndian.AppendUint32(want, 2)
	want = binary.LittleEndian.AppendUint32(want, 2)
	want = binary.LittleEndian.AppendUint32(want, 7)
	want = binary.LittleEndian.AppendUint32(want, 1)
	want = binary.LittleEndian.AppendUint64(want, 0)
	want = binary.LittleEndian.AppendUint32(want, 0)
	want = append(want, 1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff, 3, 0, 0, 0)
	sameBytes(t, "layout", b, want)

	k := mustNew(t, Config{Family: KNN, Dims: 1, Classes: 2, Bound: 7, K: 2})
	mustUpdate(t, k, dn(-1), 1)
	b = enc(t, k)
	want = []byte("MRTM")
	want = append(want, 1, 0, byte(KNN), 0)
	for _, v := range []uint32{1, 2, 7, 0} {
		want = binary.LittleEndian.AppendUint32(want, v)
	}
	want = binary.LittleEndian.AppendUint64(want, 0)
	want = binary.LittleEndian.AppendUint32(want, 2)
	want = binary.LittleEndian.AppendUint64(want, 1)
	want = append(want, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff)
	sameBytes(t, "knn layout", b, want)
}

// TestDecodeRejects edits valid encodings into invalid ones, one rule at a time.
func TestDecodeRejects(t *testing.T) {
	le := binary.LittleEndian
	type mut struct {
		name string
		cfg  Config
		n    int // training rows
		edit func(b []byte) []byte
	}
	perc := Config{Family: Perceptron, Dims: 2, Classes: 3, Bound: 5}
	nbc := Config{Family: NaiveBayes, Dims: 2, Classes: 2, Bound: 5}
	cen := Config{Family: Centroid, Dims: 2, Classes: 2, Bound: 5}
	spc := Config{Family: SparseCentroid, Dims: 2, Classes: 2, Bound: 5}
	knc := Config{Family: KNN, Dims: 2, Classes: 2, Bound: 5, K: 1}
	// W = ⌊(2^63−1) / (5·10^9)⌋ = 1844674407 < 2^31 − 1.
	percW := Config{Family: Perceptron, Dims: 4, Classes: 3, ScaleExp: 9, Bound: 5}
	if w := perceptronLimit(percW); w != 1844674407 {
		t.Fatalf("W = %d", w)
	}
	st := headerLen
	muts := []mut{
		{"magic", perc, 3, func(b []byte) []byte { b[0] = 'X'; return b }},
		{"version 0", perc, 3, func(b []byte) []byte { b[4] = 0; return b }},
		{"version 2", perc, 3, func(b []byte) []byte { b[4] = 2; return b }},
		{"version high byte", perc, 3, func(b []byte) []byte { b[5] = 1; return b }},
		{"family 0", perc, 3, func(b []byte) []byte { b[6] = 0; return b }},
		{"family 6", perc, 3, func(b []byte) []byte { b[6] = 6; return b }},
		{"family swapped", cen, 3, func(b []byte) []byte { b[6] = byte(NaiveBayes); return b }}, // AlphaMicro 0: not normalized
		{"scale 10", perc, 3, func(b []byte) []byte { b[7] = 10; return b }},
		{"dims 0", perc, 3, func(b []byte) []byte { le.PutUint32(b[8:], 0); return b }},
		{"classes 1", perc, 3, func(b []byte) []byte { le.PutUint32(b[12:], 1); return b }},
		{"bound 2^24", perc, 3, func(b []byte) []byte { le.PutUint32(b[16:], 1<<24); return b }},
		{"bound negative", perc, 3, func(b []byte) []byte { le.PutUint32(b[16:], 1<<31|5); return b }},
		{"lr 0 (not normalized)", perc, 3, func(b []byte) []byte { le.PutUint32(b[20:], 0); return b }},
		{"lr negative", perc, 3, func(b []byte) []byte { le.PutUint32(b[20:], 1<<31|1); return b }},
		{"alpha on a perceptron", perc, 3, func(b []byte) []byte { b[24] = 1; return b }},
		{"k on a perceptron", perc, 3, func(b []byte) []byte { b[32] = 1; return b }},
		{"alpha 0", nbc, 3, func(b []byte) []byte { le.PutUint64(b[24:], 0); return b }},
		{"alpha negative", nbc, 3, func(b []byte) []byte { le.PutUint64(b[24:], 1<<63|1); return b }},
		{"k 0", knc, 3, func(b []byte) []byte { le.PutUint32(b[32:], 0); return b }},
		{"k 2^31", knc, 3, func(b []byte) []byte { le.PutUint32(b[32:], 1<<31); return b }},
		{"trailing byte", perc, 3, func(b []byte) []byte { return append(b, 0) }},
		{"perceptron trailing byte on knn", knc, 3, func(b []byte) []byte { return append(b, 0) }},
		{"perceptron weight beyond W", percW, 0, func(b []byte) []byte { le.PutUint32(b[st+4:], 1844674408); return b }},
		{"perceptron bias beyond −W", percW, 0, func(b []byte) []byte { le.PutUint32(b[st+48+4:], uint32(1<<32-1844674408)); return b }},
		{"perceptron bias MinInt32", percW, 0, func(b []byte) []byte { le.PutUint32(b[st+48+8:], 1<<31); return b }},
		{"nb count negative", nbc, 3, func(b []byte) []byte { le.PutUint64(b[st+16:], 1<<64-1); return b }},
		{"nb class count negative", nbc, 3, func(b []byte) []byte { le.PutUint64(b[st:], 1<<64-1); return b }},
		{"nb class count beyond 2^62", nbc, 3, func(b []byte) []byte { le.PutUint64(b[st:], 1<<62+1); return b }},
		{"nb count beyond n·B", nbc, 0, func(b []byte) []byte { le.PutUint64(b[st:], 1); le.PutUint64(b[st+16:], 6); return b }},
		{"nb count with n = 0", nbc, 0, func(b []byte) []byte { le.PutUint64(b[st+16:], 1); return b }},
		{"nb total beyond the T bound", nbc, 0, func(b []byte) []byte {
			le.PutUint64(b[st:], 1<<60)
			le.PutUint64(b[st+16:], 1<<61)
			le.PutUint64(b[st+24:], 1<<61)
			return b
		}},
		{"centroid sum beyond n·B", cen, 0, func(b []byte) []byte { le.PutUint64(b[st:], 2); le.PutUint64(b[st+16:], 11); return b }},
		{"centroid sum below −n·B", cen, 0, func(b []byte) []byte { le.PutUint64(b[st:], 2); le.PutUint64(b[st+24:], uint64(1<<64-11)); return b }},
		{"centroid sum with n = 0", cen, 0, func(b []byte) []byte { le.PutUint64(b[st+16:], 1); return b }},
		{"centroid n·B ≥ 2^62", cen, 0, func(b []byte) []byte { le.PutUint64(b[st:], (1<<62)/5+1); return b }},
		{"sparse-centroid s > n", spc, 0, func(b []byte) []byte { le.PutUint64(b[st:], 2); le.PutUint32(b[st+16:], 3); return b }},
		{"sparse-centroid s negative", spc, 0, func(b []byte) []byte { le.PutUint64(b[st:], 2); le.PutUint32(b[st+16:], 1<<32-1); return b }},
		{"sparse-centroid D·n² ≥ 2^62", spc, 0, func(b []byte) []byte { le.PutUint64(b[st:], 1<<31); return b }},
		{"knn label out of range", knc, 3, func(b []byte) []byte { le.PutUint32(b[st+8:], 2); return b }},
		{"knn label negative", knc, 3, func(b []byte) []byte { le.PutUint32(b[st+8:], 1<<32-1); return b }},
		{"knn value beyond bound", knc, 3, func(b []byte) []byte { le.PutUint32(b[st+8+12+4:], 6); return b }},
		{"knn value below −bound", knc, 3, func(b []byte) []byte { le.PutUint32(b[st+8+12:], uint32(1<<32-6)); return b }},
		{"knn row count too large", knc, 3, func(b []byte) []byte { le.PutUint64(b[st:], 4); return b }},
		{"knn row count huge", knc, 3, func(b []byte) []byte { le.PutUint64(b[st:], 1<<63); return b }},
		{"knn row count short", knc, 3, func(b []byte) []byte { le.PutUint64(b[st:], 2); return b }},
	}
	for _, mu := range muts {
		m := trained(t, mu.cfg, mu.n, 10)
		b := enc(t, m)
		if _, err := Decode(b); err != nil {
			t.Fatalf("%s: valid encoding rejected: %v", mu.name, err)
		}
		bad := mu.edit(b)
		if m2, err := Decode(bad); err == nil || m2 != nil || !errors.Is(err, ErrEncoding) {
			t.Errorf("%s: Decode = %v, %v", mu.name, m2, err)
		}
	}
	// Hand-made just-valid states: perceptron weights exactly ±W, nb count exactly n·B,
	// centroid sum exactly ±n·B.
	{
		b := enc(t, mustNew(t, percW))
		le.PutUint32(b[st+4:], 1844674407)
		le.PutUint32(b[st+48+4:], uint32(1<<32-1844674407))
		if _, err := Decode(b); err != nil {
			t.Errorf("perceptron at ±W rejected: %v", err)
		}
	}
	for _, c := range []Config{nbc, cen} {
		b := enc(t, mustNew(t, c))
		le.PutUint64(b[st:], 2)
		le.PutUint64(b[st+16:], 10)
		if c.Family == Centroid {
			le.PutUint64(b[st+24:], uint64(1<<64-10))
		}
		if _, err := Decode(b); err != nil {
			t.Errorf("%s: boundary state rejected: %v", c.Family, err)
		}
	}
}

// TestDecodeTruncationsAndMutations: every prefix of a valid encoding is rejected, and
// random mutations never panic; a mutation that is accepted re-encodes to itself.
func TestDecodeTruncationsAndMutations(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 11))
	accepted := 0
	for _, c := range testConfigs {
		m := trained(t, c, 8, 12)
		b := enc(t, m)
		for i := range len(b) {
			if m2, err := Decode(b[:i]); err == nil || m2 != nil {
				t.Fatalf("%s: prefix of %d/%d bytes accepted", c.Family, i, len(b))
			}
		}
		for range 3000 {
			mb := append([]byte(nil), b...)
			for range 1 + r.IntN(3) {
				i := r.IntN(len(mb))
				switch r.IntN(3) {
				case 0:
					mb[i] ^= 1 << r.IntN(8)
				case 1:
					mb[i] = byte(r.Uint32())
				default:
					mb[i]++
				}
			}
			m2, err := Decode(mb)
			if err != nil {
				continue
			}
			accepted++
			sameBytes(t, "accepted mutation", enc(t, m2), mb)
		}
	}
	if accepted == 0 {
		t.Fatal("no mutation was accepted: the mutation test is too weak")
	}
}

// TestConcurrentPredictEvaluate runs Predict and Evaluate at once on one model (the
// interface allows it); run with -race to check that they share no scratch state.
func TestConcurrentPredictEvaluate(t *testing.T) {
	for _, c := range testConfigs {
		m := trained(t, c, 30, 13)
		rows, labels := randRows(rand.New(rand.NewPCG(14, 14)), c, 20)
		ds := denseDS(c, rows, labels)
		want, _ := m.Evaluate(ds)
		done := make(chan int)
		for range 2 {
			go func() {
				got, _ := m.Evaluate(ds)
				for _, x := range rows {
					_, _ = m.Predict(dn(x...))
					_, _ = m.Predict(toSparse(x))
				}
				done <- got
			}()
		}
		for range 2 {
			if got := <-done; got != want {
				t.Fatalf("%s: concurrent Evaluate = %d, want %d", c.Family, got, want)
			}
		}
	}
}
