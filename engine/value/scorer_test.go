package value

import (
	"slices"
	"testing"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/model"
)

// TestMarketScorer checks that the scorer equals a direct marginal replay of the live
// rows on the initial model, and that it leaves the initial model untouched.
func TestMarketScorer(t *testing.T) {
	l, err := dataset.Load("../../testdata/iris.csv", dataset.LoadOptions{ScaleExp: dataset.AutoScale})
	if err != nil {
		t.Fatal(err)
	}
	d := l.Data
	for _, fam := range model.Families() {
		cfg := model.Config{Family: fam, Dims: d.Dims, Classes: d.Classes, ScaleExp: d.ScaleExp, Bound: d.MaxAbs()}
		initial, err := model.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 150; i += 10 {
			if err := initial.Update(d.Row(i), int(d.Y[i])); err != nil {
				t.Fatal(err)
			}
		}
		before, _ := initial.MarshalBinary()
		s := MarketScorer{Initial: initial, Contributions: d, Test: d}
		live := []int{3, 60, 61, 120, 149, 7}
		got, err := s.Score(live)
		if err != nil {
			t.Fatal(err)
		}
		// Direct replay with the naive tracker.
		m := initial.Clone()
		tr, err := model.NewNaiveTracker(m, d)
		if err != nil {
			t.Fatal(err)
		}
		want := make([]int64, len(live))
		prev := tr.Correct()
		for j, i := range live {
			c, err := tr.Add(d.Row(i), int(d.Y[i]))
			if err != nil {
				t.Fatal(err)
			}
			want[j], prev = int64(c-prev), c
		}
		if !slices.Equal(got, want) {
			t.Errorf("%v: scores %v, want %v", fam, got, want)
		}
		if after, _ := initial.MarshalBinary(); !slices.Equal(before, after) {
			t.Errorf("%v: the scorer modified the initial model", fam)
		}
		if _, err := s.Score([]int{150}); err == nil {
			t.Errorf("%v: an unknown contribution id was accepted", fam)
		}
	}
}
