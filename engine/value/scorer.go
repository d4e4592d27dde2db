package value

import (
	"errors"
	"fmt"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/model"
)

// marketSnapEvery is how many contributions apart a MarketScorer keeps copies of the
// replayed model.
const marketSnapEvery = 32

// MarketScorer scores a prediction market's live contributions the way its reward passes
// need: it implements engine/incentive/market's Scorer. Score(live) replays the
// contributions live[0], live[1], … in that order on a copy of the initial model and
// returns each one's change in the number of correctly predicted rows of the scoring set
// (the market's scoring portions) — the sequential marginal scores of MarginalFrom.
//
// The result is always exactly that of a fresh replay from the initial model, but the
// work is shared between calls: the scorer keeps the previous call's live list and
// scores, and a copy of the replayed model after every 32 (marketSnapEvery)
// contributions of it. A call resumes from the last copy within the prefix its live
// list shares with the previous one and reuses the scores before that copy; a list that
// is a prefix of the previous one is answered from the stored scores. A market's passes
// only drop contributions, so each pass replays from at most 31 contributions before
// the first one the previous pass dropped; any other sequence of lists is scored exactly
// too, with less reuse.
//
// Build one with NewMarketScorer. A MarketScorer is not safe for concurrent use.
type MarketScorer struct {
	scoring      *dataset.Dataset
	contribution func(id int) (dataset.Row, int, error)

	// fresh is an unused tracker of a copy of the initial model, built by the
	// constructor to check the scoring set, for the first replay that starts at the
	// initial model; nil once used.
	fresh model.Tracker

	// The cache: the live list and scores of the previous call (or the prefix of them
	// that was replayed, if it failed), and snaps[k], the model after the first
	// k·marketSnapEvery contributions of prevLive. snaps[0] is the scorer's own copy of
	// the initial model; snapshots are only ever cloned, never updated.
	prevLive   []int
	prevScores []int64
	snaps      []model.Model
}

// NewMarketScorer returns a scorer of contributions added to initial and scored on
// scoring. contribution(id) returns contribution id's row and label, or an error if
// there is no such contribution (Score then fails with it); it must return the same
// answer for an id every time, and the rows it returns must not be modified while the
// scorer is in use, nor may scoring be. initial is cloned and never modified. It
// returns an error if initial or contribution is nil, or scoring is not a valid dataset
// that fits initial (as model.NewTracker checks).
func NewMarketScorer(initial model.Model, scoring *dataset.Dataset, contribution func(id int) (dataset.Row, int, error)) (*MarketScorer, error) {
	switch {
	case initial == nil:
		return nil, errors.New("value: market scorer: nil initial model")
	case contribution == nil:
		return nil, errors.New("value: market scorer: nil contribution function")
	case scoring == nil:
		return nil, errors.New("value: market scorer: nil scoring set")
	}
	if err := scoring.Validate(); err != nil {
		return nil, fmt.Errorf("value: market scorer: scoring set: %w", err)
	}
	m := initial.Clone()
	t, err := model.NewTracker(m.Clone(), scoring)
	if err != nil {
		return nil, fmt.Errorf("value: market scorer: scoring set: %w", err)
	}
	return &MarketScorer{scoring: scoring, contribution: contribution, fresh: t, snaps: []model.Model{m}}, nil
}

// DatasetContributions returns the contribution function of NewMarketScorer for
// contributions that are the rows of d: contribution id is row id, labelled d.Y[id];
// any other id is unknown.
func DatasetContributions(d *dataset.Dataset) func(id int) (dataset.Row, int, error) {
	return func(id int) (dataset.Row, int, error) {
		if id < 0 || id >= d.Len() {
			return dataset.Row{}, 0, fmt.Errorf("unknown contribution %d (there are %d)", id, d.Len())
		}
		return d.Row(id), int(d.Y[id]), nil
	}
}

// Score returns the marginal scores of the contributions live, replayed in that order
// on a copy of the initial model: out[j] is the change in correct predictions on the
// scoring set that adding contribution live[j] causes after live[:j]. An unknown id or
// a row the model rejects is an error; then nothing is returned.
func (s *MarketScorer) Score(live []int) ([]int64, error) {
	common := 0
	for common < len(live) && common < len(s.prevLive) && live[common] == s.prevLive[common] {
		common++
	}
	if common == len(live) {
		// live is a prefix of the previous list: out[j] depends only on live[:j+1].
		// The cache stays as it is (for the longer list).
		return append([]int64{}, s.prevScores[:common]...), nil
	}
	// Resume from snaps[k], which is valid since k·marketSnapEvery ≤ common.
	k := min(common/marketSnapEvery, len(s.snaps)-1)
	start := k * marketSnapEvery

	// Look every contribution up before anything changes.
	type sample struct {
		x dataset.Row
		y int
	}
	todo := make([]sample, len(live)-start)
	for j, id := range live[start:] {
		x, y, err := s.contribution(id)
		if err != nil {
			return nil, fmt.Errorf("value: market scorer: %w", err)
		}
		todo[j] = sample{x, y}
	}

	var t model.Tracker
	if k == 0 && s.fresh != nil {
		t, s.fresh = s.fresh, nil
	} else {
		var err error
		if t, err = model.NewTracker(s.snaps[k].Clone(), s.scoring); err != nil {
			return nil, fmt.Errorf("value: market scorer: %w", err) // checked by the constructor
		}
	}
	out := make([]int64, len(live))
	copy(out, s.prevScores[:start])
	s.snaps = s.snaps[:k+1]
	prev := t.Correct()
	for j := start; j < len(live); j++ {
		now, err := t.Add(todo[j-start].x, todo[j-start].y)
		if err != nil {
			// The snapshots taken so far are of live[:j]: keep them for the next call.
			s.remember(live[:j], out[:j])
			return nil, fmt.Errorf("value: market scorer: contribution %d: %w", live[j], err)
		}
		out[j] = int64(now - prev)
		prev = now
		if (j+1)%marketSnapEvery == 0 && j+1 < len(live) {
			s.snaps = append(s.snaps, t.Model().Clone())
		}
	}
	s.remember(live, out)
	return out, nil
}

// remember makes live and scores the previous call's list and scores.
func (s *MarketScorer) remember(live []int, scores []int64) {
	s.prevLive = append(s.prevLive[:0], live...)
	s.prevScores = append(s.prevScores[:0], scores...)
}
