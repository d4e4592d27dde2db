package abi

import (
	"errors"
	"fmt"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/gas"
	"github.com/meritchain/merit/engine/incentive"
	"github.com/meritchain/merit/engine/incentive/market"
	"github.com/meritchain/merit/engine/internal/wire"
	"github.com/meritchain/merit/engine/model"
)

// A reward pass in bounded steps (MarketScoreStep).
//
// MarketRunPass scores every live contribution in one call: its work grows with
// (live contributions) × (scoring rows), which a chain cannot fit in one block for a
// large market. MarketScoreStep does the same pass in steps. Each step rebuilds the
// scoring tracker from where the previous step stopped (RewardProgress: the model after
// the contributions scored so far, and their scores), replays as many further live
// contributions as its gas budget allows, and returns the new progress; the step that
// scores the last live contribution runs the pass (Market.RunPass) with those scores.
// The pass's result is exactly MarketRunPass's: the scores are the same sequential
// marginal scores, replayed from the same initial model in the same order.
//
// # Budget
//
// A step's work gas — everything it charges beyond Execute's gas.Call, gas.InputByte
// and gas.OutputByte, priced by gas.Default — never exceeds its Budget. It is:
//
//	gas.Sample 1 (the action), and per scoring portion checked gas.Sample 1;
//	the tracker: per scoring row, as ModelPredict charges one row of the progress model;
//	per contribution scored: gas.Sample 2 (its row's check and its replay) and
//	gas.Step T·model.StepWeight (as MarketRunPass charges one).
//
// A step scores at least one contribution, or it is refused (CodeInvalid, its message
// containing ErrBudget's): the budget must cover the fixed part and one contribution
// (ScoreStepCost gives both). A step with nothing to score (no live contribution, or
// no scoring row) runs the pass at once.

// ErrBudget is the error of a MarketScoreStep whose budget cannot pay for one
// contribution.
var ErrBudget = errors.New("step budget below the cost of one contribution")

// RewardProgress is where a stepped reward pass stopped.
type RewardProgress struct {
	Pass    uint32      // Market.Passes() when the pass began
	Model   model.Model // the initial model after the first len(Scores) live contributions
	Correct uint64      // scoring rows Model predicts correctly
	Scores  []int64     // the scores of the first len(Scores) live contributions
}

// The RewardProgress encoding's magic and version.
const (
	progressMagic   = "MRPG"
	progressVersion = 1
)

// MarshalBinary encodes p canonically: "MRPG", u16 version 1, u32 Pass, model blob,
// u64 Correct, u32 count, count × i64 Scores.
func (p *RewardProgress) MarshalBinary() ([]byte, error) {
	if p == nil || p.Model == nil {
		return nil, errors.New("abi: encoding a reward progress without a model")
	}
	mb, err := p.Model.MarshalBinary()
	if err != nil {
		return nil, err
	}
	var w wire.Writer
	w.Bytes([]byte(progressMagic))
	w.U16(progressVersion)
	w.U32(p.Pass)
	w.Blob(mb)
	w.U64(p.Correct)
	putI64s(&w, p.Scores)
	return w.Out(), nil
}

// DecodeRewardProgress decodes MarshalBinary's encoding; anything else is an error.
func DecodeRewardProgress(b []byte) (*RewardProgress, error) {
	r := wire.NewReader(b, progressMagic, progressVersion)
	p := &RewardProgress{Pass: r.U32()}
	p.Model = getModel(r)
	p.Correct = r.U64()
	p.Scores = getI64s(r)
	if err := r.Finish(); err != nil {
		return nil, fmt.Errorf("abi: reward progress: %w", err)
	}
	if len(p.Scores) > market.MaxContributions {
		return nil, fmt.Errorf("abi: reward progress: %d scores exceed %d", len(p.Scores), market.MaxContributions)
	}
	return p, nil
}

func putProgress(w *wire.Writer, p *RewardProgress) {
	if p == nil {
		w.Blob(nil)
		return
	}
	b, err := p.MarshalBinary()
	if err != nil {
		panic(fmt.Sprintf("abi: encoding a reward progress: %v", err))
	}
	w.Blob(b)
}

// getProgress reads a blob holding a RewardProgress; an empty blob is none (nil).
func getProgress(r *wire.Reader) *RewardProgress {
	b := r.Blob()
	if r.Err() != nil || len(b) == 0 {
		return nil
	}
	p, err := DecodeRewardProgress(b)
	if err != nil {
		r.Failf("%v", err)
		return nil
	}
	return p
}

// ScoreStepCost returns the work gas (gas.Default) of a MarketScoreStep of a market
// with T scoring rows whose progress model is md: fixed, for the action, k scoring
// portions and the tracker's evaluation of the scoring rows (each of at most nnz
// non-zero features; a dense row's nnz is its Dims), and per, for each contribution
// scored. A step that scores n contributions charges at most fixed + n·per.
func ScoreStepCost(md model.Model, k int, T uint64, nnz int) (fixed, per uint64) {
	s := &gas.Default
	row := s.Cost(gas.Sample, 1) + s.Cost(gas.Element, model.PredictCost(md.Config(), model.StoredRows(md), nnz))
	fixed = sat(s.Cost(gas.Sample, 1+uint64(k)), satMul(T, row))
	per = sat(s.Cost(gas.Sample, 2), s.Cost(gas.Step, satMul(T, model.StepWeight(md.Config()))))
	return fixed, per
}

func sat(a, b uint64) uint64 {
	if a+b < a {
		return ^uint64(0)
	}
	return a + b
}

func satMul(a, b uint64) uint64 {
	if a != 0 && b > ^uint64(0)/a {
		return ^uint64(0)
	}
	return a * b
}

// budgetMeter charges the call's meter and keeps its own total of what this step
// charged, priced by gas.Default.
type budgetMeter struct {
	inner gas.Meter
	used  uint64
}

func (b *budgetMeter) Charge(k gas.Kind, n uint64) error {
	if err := b.inner.Charge(k, n); err != nil {
		return err
	}
	b.used = sat(b.used, gas.Default.Cost(k, n))
	return nil
}

// scoreStep runs one MarketScoreStep. The action's own gas.Sample is charged by run.
func (r *MarketCall) scoreStep(m gas.Meter, out *MarketResult) error {
	mk := r.State
	if mk.Phase() != market.Rewards {
		_, err := mk.RunPass(noScorer{}) // refused: the market's own wrong-phase error
		return err
	}
	bm := &budgetMeter{inner: m, used: gas.Default.Cost(gas.Sample, 1)}
	live, T := mk.Live(), mk.TestRows()
	p := r.Progress
	if p == nil {
		p = &RewardProgress{Pass: uint32(mk.Passes()), Model: r.Initial.Clone()}
	}
	switch {
	case p.Pass != uint32(mk.Passes()):
		return fmt.Errorf("the progress is of pass %d, the market's next pass is %d", p.Pass+1, mk.Passes()+1)
	case len(p.Scores) > len(live):
		return fmt.Errorf("the progress has %d scores, the market %d live contributions", len(p.Scores), len(live))
	case p.Model.Config() != r.Initial.Config():
		return errors.New("the progress model's configuration differs from the initial model's")
	}
	scoring, err := r.checkScoring(bm)
	if err != nil {
		return err
	}
	next := len(p.Scores)
	if len(live) > 0 && T > 0 && next < len(live) {
		if r.Rows == nil {
			return errors.New("no rows given")
		}
		if r.Rows.Len() > len(live)-next {
			return fmt.Errorf("%d rows given, %d live contributions are left to score", r.Rows.Len(), len(live)-next)
		}
		if err := fits(r.Initial, r.Rows, "the rows"); err != nil {
			return err
		}
		if err := fits(r.Initial, scoring, "the scoring set"); err != nil {
			return err
		}
		if err := r.scoreRows(bm, p, live, scoring, out); err != nil {
			return err
		}
	}
	if len(p.Scores) < len(live) && T > 0 {
		out.Progress = p
		return nil
	}
	// Every live contribution is scored: the pass runs with those scores.
	pass, err := mk.RunPass(fixedScores{live: live, scores: p.Scores})
	if err != nil {
		return err
	}
	out.Pass, out.Ran = pass, true
	return nil
}

// scoreRows replays r.Rows (live contributions next, next+1, …) on the progress model
// while the budget lasts, appending their scores to p.
func (r *MarketCall) scoreRows(bm *budgetMeter, p *RewardProgress, live []int, scoring *dataset.Dataset, out *MarketResult) error {
	mk, T := r.State, r.State.TestRows()
	for i := range scoring.Len() {
		if err := chargeRow(bm, p.Model, scoring.Row(i)); err != nil {
			return err
		}
	}
	if bm.used > r.Budget {
		return fmt.Errorf("%w: %d gas to evaluate the scoring set, the budget is %d", ErrBudget, bm.used, r.Budget)
	}
	t, err := model.NewTracker(p.Model, scoring)
	if err != nil {
		return err
	}
	if next := len(p.Scores); next > 0 && uint64(t.Correct()) != p.Correct {
		return fmt.Errorf("the progress model predicts %d scoring rows correctly, the progress says %d", t.Correct(), p.Correct)
	}
	_, per := ScoreStepCost(p.Model, 0, T, 0)
	prev := t.Correct()
	for i := range r.Rows.Len() {
		if bm.used > r.Budget || per > r.Budget-bm.used {
			if i == 0 {
				return fmt.Errorf("%w: %d gas used, one contribution costs %d more, the budget is %d", ErrBudget, bm.used, per, r.Budget)
			}
			break
		}
		id := live[len(p.Scores)]
		if err := bm.Charge(gas.Sample, 1); err != nil {
			return err
		}
		row, err := r.Rows.Subset([]int{i})
		if err != nil {
			return err
		}
		c, err := mk.Contribution(id)
		if err != nil {
			return err
		}
		if row.Hash() != c.DataHash {
			return fmt.Errorf("%w: row %d is not contribution %d's data (its hash differs from the recorded data hash)",
				incentive.ErrHashMismatch, i, id)
		}
		if err := bm.Charge(gas.Sample, 1); err != nil {
			return err
		}
		if err := bm.Charge(gas.Step, T*model.StepWeight(p.Model.Config())); err != nil {
			return err
		}
		now, err := t.Add(row.Row(0), int(row.Y[0]))
		if err != nil {
			return fmt.Errorf("contribution %d: %w", id, err)
		}
		p.Scores = append(p.Scores, int64(now-prev))
		prev = now
		out.Scored++
	}
	p.Model, p.Correct = t.Model(), uint64(prev)
	return nil
}

// checkScoring checks the scoring portions against their commitments (gas.Sample 1
// each) and returns them concatenated (nil if the market has no scoring row).
func (r *MarketCall) checkScoring(m gas.Meter) (*dataset.Dataset, error) {
	mk := r.State
	idx := mk.ScoringPortions()
	if len(r.Scoring) != len(idx) {
		return nil, fmt.Errorf("%d scoring portions given, the market has %d", len(r.Scoring), len(idx))
	}
	ps := mk.Portions()
	for j, i := range idx {
		if err := m.Charge(gas.Sample, 1); err != nil {
			return nil, err
		}
		if r.Scoring[j].Hash() != ps[i].Hash {
			return nil, fmt.Errorf("%w: scoring portion %d (portion %d) differs from its commitment", incentive.ErrHashMismatch, j, i)
		}
	}
	if len(mk.Live()) == 0 || mk.TestRows() == 0 {
		return nil, nil
	}
	return dataset.Concat(r.Scoring...)
}

// fixedScores is the Scorer of a stepped pass: the scores its steps computed.
type fixedScores struct {
	live   []int
	scores []int64
}

func (f fixedScores) Score(live []int) ([]int64, error) {
	if len(live) != len(f.live) {
		return nil, fmt.Errorf("%d live contributions, %d scored", len(live), len(f.live))
	}
	for j := range live {
		if live[j] != f.live[j] {
			return nil, fmt.Errorf("live contribution %d is %d, the scored one %d", j, live[j], f.live[j])
		}
	}
	return f.scores, nil
}
