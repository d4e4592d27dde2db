package value

import (
	"fmt"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/model"
)

// MarketScorer scores a prediction market's live contributions the way its reward passes
// need (it satisfies engine/incentive/market's Scorer): contribution id i is row i of
// Contributions; Score(live) replays the live rows, in the order given, on a fresh clone
// of Initial and returns each one's sequential marginal change in correct predictions on
// Test (the market's scoring portions). Initial is never modified.
type MarketScorer struct {
	Initial       model.Model
	Contributions *dataset.Dataset
	Test          *dataset.Dataset
}

// Score returns the marginal scores of the live contributions, in the order of live.
func (s MarketScorer) Score(live []int) ([]int64, error) {
	rows, err := s.Contributions.Subset(live)
	if err != nil {
		return nil, fmt.Errorf("value: market scorer: %w", err)
	}
	v, err := MarginalFrom(s.Initial, rows, s.Test)
	if err != nil {
		return nil, err
	}
	return v.Num, nil
}
