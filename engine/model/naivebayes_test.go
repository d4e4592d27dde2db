package model

import (
	"slices"
	"testing"

	"github.com/meritchain/merit/engine/fixed"
)

func lg(x uint64) int64 { return fixed.Log2(x) }

func TestNaiveBayesByHand(t *testing.T) {
	// D = 2, C = 2, S = 1, α = 1 (AlphaMicro = 10^6, the default):
	// num = N·10^6 + 10^6, den = T·10^6 + 2·10^6.
	c := Config{Family: NaiveBayes, Dims: 2, Classes: 2, Bound: 10}
	m := mustNew(t, c)
	nb := m.(*naiveBayes)
	if nb.cfg.AlphaMicro != 1_000_000 || nb.as != 1_000_000 || nb.asd != 2_000_000 {
		t.Fatalf("constants: α=%d αS=%d αSD=%d", nb.cfg.AlphaMicro, nb.as, nb.asd)
	}
	// Empty: every score is P = Log2(1) − Log2(2) = −2^24 → tie → class 0.
	wantPredict(t, m, dn(3, 1), 0)
	wantPredict(t, m, dn(0, 4), 0)

	// 1. x=(2,0), y=0: N[0] = (2,0), T[0] = 2, n[0] = 1.
	mustUpdate(t, m, dn(2, 0), 0)
	// 2. x=(1,1), y=0: N[0] = (3,1), T[0] = 4, n[0] = 2.
	mustUpdate(t, m, sp([]uint32{0, 1}, []int32{1, 1}), 0)
	// 3. x=(0,3), y=1: N[1] = (0,3), T[1] = 3, n[1] = 1. n = 3.
	mustUpdate(t, m, dn(0, 3), 1)

	if !slices.Equal(nb.cnt, []int64{3, 1, 0, 3}) || !slices.Equal(nb.tot, []int64{4, 3}) ||
		!slices.Equal(nb.n, []int64{2, 1}) || nb.total != 3 {
		t.Fatalf("counts N=%v T=%v n=%v total=%d", nb.cnt, nb.tot, nb.n, nb.total)
	}
	// num[0] = (4·10^6, 2·10^6), den[0] = 6·10^6; num[1] = (10^6, 4·10^6), den[1] = 5·10^6.
	wantLN := []int32{int32(lg(4e6)), int32(lg(2e6)), int32(lg(1e6)), int32(lg(4e6))}
	wantLD := []int64{lg(6e6), lg(5e6)}
	// Prior: P[c] = Log2(n[c]+1) − Log2(n+C) = Log2(3) − Log2(5), Log2(2) − Log2(5).
	wantLP := []int64{lg(3), lg(2)}
	if !slices.Equal(nb.ln, wantLN) || !slices.Equal(nb.ld, wantLD) || !slices.Equal(nb.lp, wantLP) || nb.lt != lg(5) {
		t.Fatalf("logs LN=%v LD=%v LP=%v LT=%d", nb.ln, nb.ld, nb.lp, nb.lt)
	}
	// Log2 is exact at powers of two: Log2(2) = 2^24, and Log2(4·10^6) = 2^24 + Log2(2·10^6).
	if lg(2) != 1<<24 || lg(4e6) != 1<<24+lg(2e6) {
		t.Fatalf("Log2 at powers of two")
	}

	score := func(x []int32) []int64 {
		out := make([]int64, 2)
		nb.predict(dn(x...), out)
		return out
	}
	P0, P1 := lg(3)-lg(5), lg(2)-lg(5)
	cases := []struct {
		x    []int32
		want []int64 // S·P[c] + Σ x·LN[c] − (Σ x)·LD[c]
		pred int
	}{
		// Reals: class 0: 3/5·4/6 = 0.4; class 1: 2/5·1/5 = 0.08.
		{[]int32{1, 0}, []int64{P0 + lg(4e6) - lg(6e6), P1 + lg(1e6) - lg(5e6)}, 0},
		// class 0: 0.6·(1/3)² ≈ 0.067; class 1: 0.4·(4/5)² = 0.256.
		{[]int32{0, 2}, []int64{P0 + 2*lg(2e6) - 2*lg(6e6), P1 + 2*lg(4e6) - 2*lg(5e6)}, 1},
		// The prior alone: 0.6 vs 0.4.
		{[]int32{0, 0}, []int64{P0, P1}, 0},
		// class 0: 0.6·(4/6)(2/6) ≈ 0.133; class 1: 0.4·(1/5)(4/5) = 0.064.
		{[]int32{1, 1}, []int64{P0 + lg(4e6) + lg(2e6) - 2*lg(6e6), P1 + lg(1e6) + lg(4e6) - 2*lg(5e6)}, 0},
	}
	for _, cs := range cases {
		if got := score(cs.x); !slices.Equal(got, cs.want) {
			t.Errorf("scores(%v) = %v, want %v", cs.x, got, cs.want)
		}
		wantPredict(t, m, dn(cs.x...), cs.pred)
		wantPredict(t, m, toSparse(cs.x), cs.pred)
	}

	rows := [][]int32{{1, 0}, {0, 2}, {0, 0}, {1, 1}}
	labels := []int32{0, 0, 1, 0}
	// Predictions 0, 1, 0, 0 → correct: yes, no, no, yes = 2.
	if got, err := m.Evaluate(denseDS(c, rows, labels)); err != nil || got != 2 {
		t.Fatalf("Evaluate = %d, %v; want 2", got, err)
	}
	if got, err := m.Evaluate(sparseDS(c, rows, labels)); err != nil || got != 2 {
		t.Fatalf("Evaluate(sparse) = %d, %v; want 2", got, err)
	}
}

func TestNaiveBayesScaleAndAlpha(t *testing.T) {
	// S = 10, α = 0.5 (AlphaMicro = 500000), D = 3: αS = 5·10^6, αSD = 1.5·10^7.
	c := Config{Family: NaiveBayes, Dims: 3, Classes: 3, ScaleExp: 1, Bound: 50, AlphaMicro: 500_000}
	m := mustNew(t, c)
	nb := m.(*naiveBayes)
	if nb.as != 5_000_000 || nb.asd != 15_000_000 || nb.tmax != (1<<62-1-15_000_000)/1_000_000 {
		t.Fatalf("αS = %d, αSD = %d, tmax = %d", nb.as, nb.asd, nb.tmax)
	}
	// x = (0, 25, 5) (reals 0, 2.5, 0.5), y = 2: N[2] = (0,25,5), T[2] = 30, n[2] = 1.
	mustUpdate(t, m, dn(0, 25, 5), 2)
	// LN[2] = Log2(0 + 5e6), Log2(25e6 + 5e6), Log2(5e6 + 5e6); LD[2] = Log2(30e6 + 15e6).
	if got := nb.ln[6:9]; !slices.Equal(got, []int32{int32(lg(5e6)), int32(lg(30e6)), int32(lg(10e6))}) {
		t.Fatalf("LN[2] = %v", got)
	}
	if nb.ld[2] != lg(45e6) || nb.ld[0] != lg(15e6) || nb.lp[2] != lg(2) || nb.lp[0] != 0 || nb.lt != lg(4) {
		t.Fatalf("LD = %v, LP = %v, LT = %d", nb.ld, nb.lp, nb.lt)
	}
	// x = (0, 10, 0): score_c = 10·P[c] + 10·LN[c][1] − 10·LD[c].
	out := make([]int64, 3)
	if p := nb.predict(dn(0, 10, 0), out); p != 2 {
		t.Fatalf("predict = %d", p)
	}
	want0 := 10*(0-lg(4)) + 10*lg(5e6) - 10*lg(15e6)
	want2 := 10*(lg(2)-lg(4)) + 10*lg(30e6) - 10*lg(45e6)
	if out[0] != want0 || out[1] != want0 || out[2] != want2 {
		t.Fatalf("scores %v, want [%d %d %d]", out, want0, want0, want2)
	}
}

func TestNaiveBayesRejectsNegativeAndCapacity(t *testing.T) {
	c := Config{Family: NaiveBayes, Dims: 2, Classes: 2, Bound: 10}
	m := mustNew(t, c)
	mustUpdate(t, m, dn(1, 2), 1)
	before := enc(t, m)
	if err := m.Update(dn(-1, 0), 0); err == nil {
		t.Fatal("negative dense feature accepted")
	}
	if err := m.Update(sp([]uint32{1}, []int32{-3}), 0); err == nil {
		t.Fatal("negative sparse feature accepted")
	}
	if _, err := m.Predict(dn(0, -1)); err == nil {
		t.Fatal("Predict accepted a negative feature")
	}
	sameBytes(t, "after rejected updates", enc(t, m), before)

	// T[c]·10^6 + αSD < 2^62: put class 0 one short of the bound, by hand.
	nb := m.(*naiveBayes)
	nb.tot[0] = nb.tmax - 2
	if err := m.Update(dn(2, 1), 0); err == nil {
		t.Fatal("update past the T bound accepted")
	}
	if nb.tot[0] != nb.tmax-2 || nb.n[0] != 0 {
		t.Fatal("state changed by a rejected update")
	}
	mustUpdate(t, m, dn(1, 1), 0) // reaches exactly tmax
	if nb.tot[0] != nb.tmax {
		t.Fatalf("T[0] = %d, want %d", nb.tot[0], nb.tmax)
	}
	if _, err := m.Predict(dn(10, 10)); err != nil {
		t.Fatal(err)
	}
}
