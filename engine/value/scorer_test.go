package value

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/model"
)

// msNaive is the reference: live replayed from a fresh clone of initial, re-evaluating
// the whole scoring set after every contribution.
func msNaive(t *testing.T, initial model.Model, scoring *dataset.Dataset, contribution func(int) (dataset.Row, int, error), live []int) []int64 {
	t.Helper()
	tr, err := model.NewNaiveTracker(initial.Clone(), scoring)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]int64, len(live))
	prev := tr.Correct()
	for j, id := range live {
		x, y, err := contribution(id)
		if err != nil {
			t.Fatal(err)
		}
		c, err := tr.Add(x, y)
		if err != nil {
			t.Fatal(err)
		}
		out[j], prev = int64(c-prev), c
	}
	return out
}

// msCase is a scoring problem: an initial model trained on a few rows, contributions
// (some mislabelled, some repeated) and a scoring set.
type msCase struct {
	name     string
	initial  model.Model
	contribs *dataset.Dataset
	scoring  *dataset.Dataset
}

func msCases(t *testing.T) []msCase {
	t.Helper()
	var cases []msCase
	for _, name := range []string{"iris.csv", "digits.csv.gz"} {
		train, test := mgLoad(t, name, 150, 60)
		// 150 contributions: the training rows, repeated from the start if there are
		// fewer, every seventh label shifted to another class.
		idx := make([]int, 150)
		for i := range idx {
			idx[i] = i % train.Len()
		}
		contribs, err := train.Subset(idx)
		if err != nil {
			t.Fatal(err)
		}
		for i := range contribs.Y {
			if i%7 == 3 {
				contribs.Y[i] = (contribs.Y[i] + 1) % int32(contribs.Classes)
			}
		}
		for _, f := range model.Families() {
			cfg := mgConfig(f, train, test)
			initial, err := model.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 60; i += 6 {
				if err := initial.Update(train.Row(i), int(train.Y[i])); err != nil {
					t.Fatal(err)
				}
			}
			scoring := test
			if f == model.SparseCentroid || f == model.Perceptron {
				if scoring, err = test.ToSparse(); err != nil {
					t.Fatal(err)
				}
			}
			cases = append(cases, msCase{name + "/" + f.String(), initial, contribs, scoring})
		}
	}
	return cases
}

// msLists returns a sequence of live lists over n ≥ 100 contributions: a market's
// shrinking passes (drops at position 0, at the snapshot boundaries 31, 32, 33 and 64,
// at the end and in bulk), repeats, prefixes, re-added contributions, and arbitrary
// lists (any order, repeated ids), then a market-like run down to nothing.
func msLists(n int, r *rand.Rand) [][]int {
	var lists [][]int
	live := make([]int, n)
	for i := range live {
		live[i] = i
	}
	push := func(l []int) { lists = append(lists, slices.Clone(l)) }
	drop := func(j int) { live = slices.Delete(live, j, j+1) }
	push(live)
	// The same list again.
	push(live)
	// Single drops at position 0, the snapshot boundaries and the end (−1).
	for _, j := range []int{0, 31, 32, 33, 64, 0, 63, -1} {
		if j < 0 {
			j = len(live) - 1
		}
		drop(j)
		push(live)
	}
	// Several drops in the middle at once.
	for range 5 {
		drop(40 + r.IntN(len(live)-40))
	}
	push(live)
	// A prefix (nothing to replay), then longer lists: the prefix extended, contribution
	// 32 (dropped above) re-added in the middle, 0 and 64 appended out of order.
	push(live[:50])
	push(live[:len(live)-1])
	push(live)
	live = slices.Insert(live, 32, 32)
	push(live)
	live = append(live, 0, 64)
	push(live)
	push(nil)
	// Arbitrary lists: random ids in random order, repeats allowed.
	for range 6 {
		l := make([]int, 1+r.IntN(n+20))
		for j := range l {
			l[j] = r.IntN(n)
		}
		push(l)
		if r.IntN(2) == 0 { // and a copy with a change in the middle
			l[len(l)/2] = r.IntN(n)
			push(l)
		}
		l[len(l)-1] = (l[len(l)-1] + 1) % n // and one with another last id
		push(l)
	}
	push(r.Perm(n))
	for len(live) > 0 { // a market's passes: drop 1–20 at a time, sometimes early on
		for range 1 + r.IntN(20) {
			if len(live) == 0 {
				break
			}
			j := r.IntN(len(live))
			if r.IntN(4) == 0 {
				j = r.IntN(min(len(live), 3))
			}
			drop(j)
		}
		push(live)
	}
	return lists
}

// TestMarketScorer: on iris and digits, for every model family, every score of a long
// sequence of live lists equals a naive replay from the initial model, the first equals
// MarginalFrom, and the initial model is left untouched.
func TestMarketScorer(t *testing.T) {
	for ci, c := range msCases(t) {
		before, err := c.initial.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		contribution := DatasetContributions(c.contribs)
		s, err := NewMarketScorer(c.initial, c.scoring, contribution)
		if err != nil {
			t.Fatal(err)
		}
		lists := msLists(c.contribs.Len(), rand.New(rand.NewPCG(uint64(ci), 7)))
		for i, live := range lists {
			got, err := s.Score(live)
			if err != nil {
				t.Fatalf("%s: list %d: %v", c.name, i, err)
			}
			if want := msNaive(t, c.initial, c.scoring, contribution, live); !slices.Equal(got, want) {
				t.Fatalf("%s: list %d (%d live): scores %v, want %v", c.name, i, len(live), got, want)
			}
			if i == 0 {
				v, err := MarginalFrom(c.initial, c.contribs, c.scoring)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, v.Num) {
					t.Fatalf("%s: scores differ from MarginalFrom", c.name)
				}
			}
		}
		if after, _ := c.initial.MarshalBinary(); !slices.Equal(before, after) {
			t.Errorf("%s: the scorer modified the initial model", c.name)
		}
	}
}

// TestMarketScorerOwnCopy: the scorer scores from the initial model as it was when the
// scorer was built, whatever happens to the caller's model later.
func TestMarketScorerOwnCopy(t *testing.T) {
	c := msCases(t)[0]
	ref := c.initial.Clone()
	contribution := DatasetContributions(c.contribs)
	s, err := NewMarketScorer(c.initial, c.scoring, contribution)
	if err != nil {
		t.Fatal(err)
	}
	for i := 60; i < 100; i++ {
		if err := c.initial.Update(c.contribs.Row(i), int(c.contribs.Y[i])); err != nil {
			t.Fatal(err)
		}
	}
	live := []int{5, 1, 99, 40}
	got, err := s.Score(live)
	if err != nil {
		t.Fatal(err)
	}
	if want := msNaive(t, ref, c.scoring, contribution, live); !slices.Equal(got, want) {
		t.Errorf("scores %v, want %v (from the model as it was)", got, want)
	}
}

// TestMarketScorerResumes: a pass replays only from the last snapshot (every 32
// contributions) within the prefix it shares with the previous pass.
func TestMarketScorerResumes(t *testing.T) {
	c := msCases(t)[0]
	calls := 0
	base := DatasetContributions(c.contribs)
	s, err := NewMarketScorer(c.initial, c.scoring, func(id int) (dataset.Row, int, error) {
		calls++
		return base(id)
	})
	if err != nil {
		t.Fatal(err)
	}
	live := mgRange(0, 150)
	for _, step := range []struct {
		drop    int // the position dropped before the call, or −1
		add     int // the id appended before the call, or −1
		prefix  int // the call scores live[:prefix], or all of live if 0
		replays int // contributions looked up
	}{
		{-1, -1, 0, 150},
		{-1, -1, 0, 0},          // the same list: the same scores, no replay
		{70, -1, 0, 149 - 64},   // from snapshot 2 (64 ≤ 70)
		{64, -1, 0, 148 - 64},   // position 64 is still shared: snapshot 2
		{63, -1, 0, 147 - 32},   // from snapshot 1
		{31, -1, 0, 146},        // from the initial model
		{-1, -1, 100, 0},        // a prefix: no replay
		{-1, -1, 0, 0},          // the whole list again: the prefix call kept the cache
		{0, -1, 0, 145},         // from the initial model
		{-1, 0, 0, 146 - 128},   // re-added at the end: from the last snapshot
		{-1, 149, 0, 147 - 128}, // and another
	} {
		if step.drop >= 0 {
			live = slices.Delete(live, step.drop, step.drop+1)
		}
		if step.add >= 0 {
			live = append(live, step.add)
		}
		l := live
		if step.prefix > 0 {
			l = live[:step.prefix]
		}
		calls = 0
		got, err := s.Score(l)
		if err != nil {
			t.Fatal(err)
		}
		if want := msNaive(t, c.initial, c.scoring, base, l); !slices.Equal(got, want) {
			t.Fatalf("%+v: scores %v, want %v", step, got, want)
		}
		if calls != step.replays {
			t.Errorf("%+v, %d live: looked up %d contributions, want %d", step, len(l), calls, step.replays)
		}
	}
}

// TestMarketScorerErrors: bad arguments, unknown ids and rejected rows are errors, and
// the scorer stays exact afterwards.
func TestMarketScorerErrors(t *testing.T) {
	c := msCases(t)[0]
	n := c.contribs.Len()
	base := DatasetContributions(c.contribs)
	bad := n // an id whose row the model rejects (a label out of range)
	contribution := func(id int) (dataset.Row, int, error) {
		if id == bad {
			return c.contribs.Row(0), c.contribs.Classes + 5, nil
		}
		return base(id)
	}
	if _, err := NewMarketScorer(nil, c.scoring, contribution); err == nil {
		t.Error("nil initial model accepted")
	}
	if _, err := NewMarketScorer(c.initial, nil, contribution); err == nil {
		t.Error("nil scoring set accepted")
	}
	if _, err := NewMarketScorer(c.initial, c.scoring, nil); err == nil {
		t.Error("nil contribution function accepted")
	}
	wrong := &dataset.Dataset{Kind: dataset.Dense, Dims: c.scoring.Dims + 1, Classes: c.scoring.Classes, ScaleExp: c.scoring.ScaleExp,
		Y: []int32{0}, X: make([]int32, c.scoring.Dims+1)}
	if _, err := NewMarketScorer(c.initial, wrong, contribution); err == nil {
		t.Error("a scoring set of the wrong width accepted")
	}
	if _, _, err := base(-1); err == nil {
		t.Error("DatasetContributions: id −1 accepted")
	}

	s, err := NewMarketScorer(c.initial, c.scoring, contribution)
	if err != nil {
		t.Fatal(err)
	}
	check := func(live []int) {
		t.Helper()
		got, err := s.Score(live)
		if err != nil {
			t.Fatal(err)
		}
		if want := msNaive(t, c.initial, c.scoring, contribution, live); !slices.Equal(got, want) {
			t.Fatalf("%d live: scores %v, want %v", len(live), got, want)
		}
	}
	all := mgRange(0, n)
	check(all)
	for _, live := range [][]int{{-1}, {n + 1}, append(slices.Clone(all[:100]), n+1, 3)} {
		if got, err := s.Score(live); err == nil {
			t.Errorf("unknown id in %v: scores %v, no error", live, got)
		}
	}
	check(all) // the failed calls changed nothing
	withBad := slices.Insert(slices.Clone(all), 80, bad)
	if got, err := s.Score(withBad); err == nil {
		t.Errorf("rejected row: scores %v, no error", got)
	}
	if got, err := s.Score(withBad[:81]); err == nil {
		t.Errorf("rejected row, again: scores %v, no error", got)
	}
	check(withBad[:80]) // the replay up to the rejected row is reused
	check(all)
	// A failed replay that took snapshots of its own list: the next list shares a
	// longer prefix with the previous successful list than with the failed one.
	failing := slices.Insert(slices.Delete(slices.Clone(all), 40, 41), 100, bad)
	if _, err := s.Score(failing); err == nil {
		t.Error("rejected row accepted")
	}
	check(slices.Delete(slices.Clone(all), 70, 71))
	withBad = slices.Insert(slices.Clone(all), 20, bad)
	if _, err := s.Score(withBad); err == nil {
		t.Error("rejected row accepted")
	}
	check(all[:90])
	check(all)
}

func ExampleMarketScorer() {
	scoring := &dataset.Dataset{Kind: dataset.Dense, Dims: 1, Classes: 2, Y: []int32{0, 1, 1}, X: []int32{-2, 1, 2}}
	contribs := &dataset.Dataset{Kind: dataset.Dense, Dims: 1, Classes: 2, Y: []int32{1, 0, 1}, X: []int32{3, -3, -1}}
	initial, _ := model.New(model.Config{Family: model.Centroid, Dims: 1, Classes: 2, Bound: 3})
	s, _ := NewMarketScorer(initial, scoring, DatasetContributions(contribs))
	for _, live := range [][]int{{0, 1, 2}, {0, 1}, {1}} {
		scores, _ := s.Score(live)
		fmt.Println(live, scores)
	}
	// Output:
	// [0 1 2] [1 1 0]
	// [0 1] [1 1]
	// [1] [0]
}
