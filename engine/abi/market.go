package abi

import (
	"fmt"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/gas"
	"github.com/meritchain/merit/engine/incentive"
	"github.com/meritchain/merit/engine/incentive/market"
	"github.com/meritchain/merit/engine/internal/wire"
	"github.com/meritchain/merit/engine/model"
	"github.com/meritchain/merit/engine/value"
)

// MarketAction is the action of a MarketCall. The numbers are part of the ABI.
type MarketAction uint8

const (
	MarketNew           MarketAction = 1
	MarketRevealInitial MarketAction = 2
	MarketCancel        MarketAction = 3
	MarketJoin          MarketAction = 4
	MarketEnd           MarketAction = 5
	MarketRevealNext    MarketAction = 6
	MarketAbort         MarketAction = 7
	MarketRunPass       MarketAction = 8
	MarketCollect       MarketAction = 9
	MarketReclaim       MarketAction = 10
	MarketScoreStep     MarketAction = 11
	maxMarketAction                  = MarketScoreStep
)

var marketActionNames = [...]string{
	MarketNew: "new", MarketRevealInitial: "reveal-initial", MarketCancel: "cancel", MarketJoin: "join",
	MarketEnd: "end", MarketRevealNext: "reveal-next", MarketAbort: "abort", MarketRunPass: "run-pass",
	MarketCollect: "collect", MarketReclaim: "reclaim", MarketScoreStep: "score-step",
}

func (a MarketAction) String() string {
	if a >= 1 && a <= maxMarketAction {
		return marketActionNames[a]
	}
	return fmt.Sprintf("MarketAction(%d)", uint8(a))
}

// MarketCall is one step of a prediction market (engine/incentive/market). Its body is
// u8 Action, then (state: the market state blob; portion: a dataset blob):
//
//	 1 New:           MinStake u64, MinContributions u64, MinDuration u64,
//	                  RevealTimeout u64, provider [20], Bounty u64,
//	                  u32 k, k × portion hash [32], Seed u64, Now u64
//	 2 RevealInitial: state, portion, Now u64
//	 3 Cancel:        state, caller [20], Now u64
//	 4 Join:          state, contributor [20], DataHash [32], Stake u64, Now u64
//	 5 End:           state, Now u64
//	 6 RevealNext:    state, portion
//	 7 Abort:         state, Now u64
//	 8 RunPass:       state, initial model blob, contributions dataset blob,
//	                  u32 n, n × scoring portion dataset blob
//	 9 Collect:       state, ID u64, caller [20]
//	10 Reclaim:       state, caller [20]
//	11 ScoreStep:     state, initial model blob, progress blob (empty: the pass's
//	                  first step), rows dataset blob (empty: none), u32 n,
//	                  n × scoring portion dataset blob, Budget u64
//
// Each action is the market method of its name (market.New, Market.RevealInitial, …)
// with Actor as its address argument. A Join's DataHash is that of the contribution's
// one-row dataset (its dataset.Hash); the market records it as is. A Collect of an
// ID beyond the market's contributions is refused (as incentive.ErrUnknownContribution)
// like any other unknown id.
//
// RunPass runs one reward pass (Market.RunPass) with the engine scoring the live
// contributions (value.MarketScorer, replaying from Initial): Initial is the model the
// market scores against; row i of Contributions is contribution i's data, for every
// contribution 0 … Len()−1 (its one-row dataset's dataset.Hash must be the recorded
// data hash); Scoring holds the datasets of the scoring portions, Market.ScoringPortions()
// in that order, each equal (by dataset.Hash) to its commitment, and of one kind, Dims
// and ScaleExp. The data is checked only in phase Rewards (in any other phase the pass
// is refused as the market refuses it). Every pass replays from Initial, so passes may
// be run by separate calls; the caller must pass the same Initial to each.
//
// ScoreStep is one bounded step of the same reward pass (see rewardstep.go): Progress is
// the previous step's (nil for the first), Rows holds the data of the next live
// contributions to score, live[len(Progress.Scores)], … in that order (as RunPass's
// Contributions rows: each one-row dataset's hash must be the recorded data hash), and
// Budget bounds the step's work gas. Initial and Scoring are as for RunPass.
//
// Gas: gas.Sample 1; RunPass in phase Rewards also gas.Sample 1 per contribution row and
// per scoring portion checked, and, when it scores (live contributions and T =
// TestRows() > 0): the initial model's evaluation of the T scoring rows (each gas.Sample
// 1 and gas.Element model.PredictCost, as ModelPredict), then per live contribution
// gas.Sample 1 and gas.Step T·model.StepWeight
// (as Marginal charges a training row).
type MarketCall struct {
	Action        MarketAction
	Params        market.Params      // New
	Bounty        uint64             // New
	PortionHashes [][32]byte         // New
	Seed          uint64             // New
	State         *market.Market     // every action but New
	Portion       *dataset.Dataset   // RevealInitial, RevealNext
	Actor         incentive.Address  // New: provider; Cancel, Collect, Reclaim: caller; Join: contributor
	DataHash      [32]byte           // Join
	Stake         uint64             // Join
	ID            uint64             // Collect
	Now           uint64             // New, RevealInitial, Cancel, Join, End, Abort
	Initial       model.Model        // RunPass
	Contributions *dataset.Dataset   // RunPass
	Scoring       []*dataset.Dataset // RunPass, ScoreStep
	Progress      *RewardProgress    // ScoreStep (nil: the pass's first step)
	Rows          *dataset.Dataset   // ScoreStep (nil: none)
	Budget        uint64             // ScoreStep
}

// MarketResult is the result of a MarketCall. Its body is u8 Action, the state blob (the
// market after the action), then:
//
//	4 Join:       ID u64 (the contribution's id)
//	6 RevealNext: Revealed u32 (the portion's index)
//	8 RunPass:    the pass (market.Pass): Number u32, Live (u32 count, count × u32),
//	              Scores (u32 count, count × i64), RateNum u64, RateDen u64, Limit u8,
//	              LimitID i64, Gains (u32 count, count × u64), Losses (likewise), Paid u64,
//	              Taken u64, Rounds u64, Dropped (u32 count, count × u32), Final u8 (0/1)
//	9 Collect, 10 Reclaim: Amount u64 (paid to the caller)
//	11 ScoreStep:  Scored u32 (contributions scored by this step), progress blob (empty
//	               once the pass ran), Ran u8 (0/1), and if Ran the pass as for RunPass
//
// and nothing more for the other actions. Empty lists of a Pass decode as nil.
type MarketResult struct {
	Action   MarketAction
	State    *market.Market
	ID       uint64          // Join
	Revealed int             // RevealNext
	Pass     market.Pass     // RunPass; ScoreStep if Ran
	Amount   uint64          // Collect, Reclaim
	Scored   int             // ScoreStep
	Progress *RewardProgress // ScoreStep: where the pass stopped (nil once it ran)
	Ran      bool            // ScoreStep: this step ran the pass (State is after it)
}

func (*MarketCall) Op() Op   { return OpMarket }
func (*MarketResult) Op() Op { return OpMarket }

func putMarketState(w *wire.Writer, s *market.Market) {
	putState(w, "market", s == nil, s.MarshalBinary)
}

func (r *MarketCall) encodeBody(w *wire.Writer) {
	w.U8(uint8(r.Action))
	switch r.Action {
	case MarketNew:
		p := r.Params
		w.U64(p.MinStake)
		w.U64(p.MinContributions)
		w.U64(p.MinDuration)
		w.U64(p.RevealTimeout)
		w.Addr(r.Actor)
		w.U64(r.Bounty)
		w.U32(uint32(len(r.PortionHashes)))
		for _, h := range r.PortionHashes {
			w.Hash(h)
		}
		w.U64(r.Seed)
		w.U64(r.Now)
	case MarketRevealInitial:
		putMarketState(w, r.State)
		putDataset(w, r.Portion)
		w.U64(r.Now)
	case MarketCancel:
		putMarketState(w, r.State)
		w.Addr(r.Actor)
		w.U64(r.Now)
	case MarketJoin:
		putMarketState(w, r.State)
		w.Addr(r.Actor)
		w.Hash(r.DataHash)
		w.U64(r.Stake)
		w.U64(r.Now)
	case MarketEnd, MarketAbort:
		putMarketState(w, r.State)
		w.U64(r.Now)
	case MarketRevealNext:
		putMarketState(w, r.State)
		putDataset(w, r.Portion)
	case MarketRunPass:
		putMarketState(w, r.State)
		putModel(w, r.Initial)
		putDataset(w, r.Contributions)
		w.U32(uint32(len(r.Scoring)))
		for _, d := range r.Scoring {
			putDataset(w, d)
		}
	case MarketScoreStep:
		putMarketState(w, r.State)
		putModel(w, r.Initial)
		putProgress(w, r.Progress)
		if r.Rows == nil {
			w.Blob(nil)
		} else {
			putDataset(w, r.Rows)
		}
		w.U32(uint32(len(r.Scoring)))
		for _, d := range r.Scoring {
			putDataset(w, d)
		}
		w.U64(r.Budget)
	case MarketCollect:
		putMarketState(w, r.State)
		w.U64(r.ID)
		w.Addr(r.Actor)
	case MarketReclaim:
		putMarketState(w, r.State)
		w.Addr(r.Actor)
	}
}

func (r *MarketCall) decodeBody(rd *wire.Reader) {
	r.Action = MarketAction(rd.U8())
	switch r.Action {
	case MarketNew:
		p := &r.Params
		p.MinStake, p.MinContributions, p.MinDuration, p.RevealTimeout = rd.U64(), rd.U64(), rd.U64(), rd.U64()
		r.Actor = rd.Addr()
		r.Bounty = rd.U64()
		k := rd.Count(uint64(rd.U32()), 32, 1<<32)
		r.PortionHashes = make([][32]byte, k)
		for i := range r.PortionHashes {
			r.PortionHashes[i] = rd.Hash()
		}
		r.Seed = rd.U64()
		r.Now = rd.U64()
	case MarketRevealInitial:
		r.State = getState(rd, market.Decode)
		r.Portion = getDataset(rd)
		r.Now = rd.U64()
	case MarketCancel:
		r.State = getState(rd, market.Decode)
		r.Actor = rd.Addr()
		r.Now = rd.U64()
	case MarketJoin:
		r.State = getState(rd, market.Decode)
		r.Actor = rd.Addr()
		r.DataHash = rd.Hash()
		r.Stake = rd.U64()
		r.Now = rd.U64()
	case MarketEnd, MarketAbort:
		r.State = getState(rd, market.Decode)
		r.Now = rd.U64()
	case MarketRevealNext:
		r.State = getState(rd, market.Decode)
		r.Portion = getDataset(rd)
	case MarketRunPass:
		r.State = getState(rd, market.Decode)
		r.Initial = getModel(rd)
		r.Contributions = getDataset(rd)
		// Every dataset blob is at least its 4-byte length.
		n := rd.Count(uint64(rd.U32()), 4, 1<<32)
		r.Scoring = make([]*dataset.Dataset, n)
		for i := range r.Scoring {
			r.Scoring[i] = getDataset(rd)
		}
	case MarketScoreStep:
		r.State = getState(rd, market.Decode)
		r.Initial = getModel(rd)
		r.Progress = getProgress(rd)
		if rows := rd.Blob(); len(rows) > 0 && rd.Err() == nil {
			d, err := dataset.Decode(rows)
			if err != nil {
				rd.Failf("%v", err)
			}
			r.Rows = d
		}
		n := rd.Count(uint64(rd.U32()), 4, 1<<32)
		r.Scoring = make([]*dataset.Dataset, n)
		for i := range r.Scoring {
			r.Scoring[i] = getDataset(rd)
		}
		r.Budget = rd.U64()
	case MarketCollect:
		r.State = getState(rd, market.Decode)
		r.ID = rd.U64()
		r.Actor = rd.Addr()
	case MarketReclaim:
		r.State = getState(rd, market.Decode)
		r.Actor = rd.Addr()
	default:
		rd.Failf("unknown market action %d", uint8(r.Action))
	}
}

func putPass(w *wire.Writer, p *market.Pass) {
	w.U32(uint32(p.Number))
	putIDs(w, p.Live)
	putI64s(w, p.Scores)
	w.U64(p.RateNum)
	w.U64(p.RateDen)
	w.U8(uint8(p.Limit))
	w.I64(int64(p.LimitID))
	putU64s(w, p.Gains)
	putU64s(w, p.Losses)
	w.U64(p.Paid)
	w.U64(p.Taken)
	w.U64(p.Rounds)
	putIDs(w, p.Dropped)
	w.Bool(p.Final)
}

func getPass(rd *wire.Reader) market.Pass {
	var p market.Pass
	p.Number = int(rd.U32())
	p.Live = getIDs(rd)
	p.Scores = getI64s(rd)
	p.RateNum, p.RateDen = rd.U64(), rd.U64()
	p.Limit = market.Limit(rd.U8())
	id := rd.I64()
	if rd.Err() == nil && (p.Limit > market.LimitBounty || id < -1 || id >= market.MaxContributions) {
		rd.Failf("pass limit %d or limiting contribution %d out of range", p.Limit, id)
	}
	p.LimitID = int(id)
	p.Gains = getU64s(rd)
	p.Losses = getU64s(rd)
	p.Paid, p.Taken, p.Rounds = rd.U64(), rd.U64(), rd.U64()
	p.Dropped = getIDs(rd)
	p.Final = rd.Bool()
	return p
}

func (r *MarketResult) encodeBody(w *wire.Writer) {
	w.U8(uint8(r.Action))
	putMarketState(w, r.State)
	switch r.Action {
	case MarketJoin:
		w.U64(r.ID)
	case MarketRevealNext:
		w.U32(uint32(r.Revealed))
	case MarketRunPass:
		putPass(w, &r.Pass)
	case MarketCollect, MarketReclaim:
		w.U64(r.Amount)
	case MarketScoreStep:
		w.U32(uint32(r.Scored))
		putProgress(w, r.Progress)
		w.Bool(r.Ran)
		if r.Ran {
			putPass(w, &r.Pass)
		}
	}
}

func (r *MarketResult) decodeBody(rd *wire.Reader) {
	r.Action = MarketAction(rd.U8())
	if r.Action < 1 || r.Action > maxMarketAction {
		rd.Failf("unknown market action %d", uint8(r.Action))
		return
	}
	r.State = getState(rd, market.Decode)
	switch r.Action {
	case MarketJoin:
		r.ID = rd.U64()
	case MarketRevealNext:
		r.Revealed = int(rd.U32())
		if rd.Err() == nil && r.Revealed >= market.MaxPortions {
			rd.Failf("revealed portion %d out of range", r.Revealed)
		}
	case MarketRunPass:
		r.Pass = getPass(rd)
	case MarketCollect, MarketReclaim:
		r.Amount = rd.U64()
	case MarketScoreStep:
		r.Scored = int(rd.U32())
		r.Progress = getProgress(rd)
		if r.Ran = rd.Bool(); r.Ran {
			r.Pass = getPass(rd)
		}
	}
}

func (r *MarketCall) run(m gas.Meter) (Response, error) {
	if err := m.Charge(gas.Sample, 1); err != nil {
		return nil, err
	}
	out := &MarketResult{Action: r.Action, State: r.State}
	mk := r.State
	var err error
	switch r.Action {
	case MarketNew:
		out.State, err = market.New(r.Params, r.Actor, r.Bounty, r.PortionHashes, r.Seed, r.Now)
	case MarketRevealInitial:
		err = mk.RevealInitial(r.Portion, r.Now)
	case MarketCancel:
		err = mk.Cancel(r.Actor, r.Now)
	case MarketJoin:
		var id int
		id, err = mk.Join(r.Actor, r.DataHash, r.Stake, r.Now)
		out.ID = uint64(id)
	case MarketEnd:
		err = mk.End(r.Now)
	case MarketRevealNext:
		out.Revealed, err = mk.RevealNext(r.Portion)
	case MarketAbort:
		err = mk.Abort(r.Now)
	case MarketRunPass:
		out.Pass, err = r.runPass(m)
	case MarketCollect:
		// Ids beyond MaxContributions are unknown, like every id ≥ Len().
		out.Amount, err = mk.Collect(int(min(r.ID, market.MaxContributions)), r.Actor)
	case MarketReclaim:
		out.Amount, err = mk.Reclaim(r.Actor)
	case MarketScoreStep:
		err = r.scoreStep(m, out)
	default:
		return nil, fmt.Errorf("unknown market action %d", uint8(r.Action))
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// runPass checks the pass's data, charges the scoring and runs the pass.
func (r *MarketCall) runPass(m gas.Meter) (market.Pass, error) {
	mk := r.State
	var sc market.Scorer = noScorer{}
	if mk.Phase() == market.Rewards {
		s, err := r.scorer(m)
		if err != nil {
			return market.Pass{}, err
		}
		if s != nil {
			sc = s
		}
	}
	return mk.RunPass(sc)
}

// scorer checks the contributions and the scoring portions against the market's
// records, charges the pass's scoring, and returns the scorer (nil if the pass scores
// nothing: no live contribution or no scoring row).
func (r *MarketCall) scorer(m gas.Meter) (market.Scorer, error) {
	mk := r.State
	cs := r.Contributions
	if cs.Len() != mk.Len() {
		return nil, fmt.Errorf("the contributions dataset has %d rows, the market %d contributions", cs.Len(), mk.Len())
	}
	if err := fits(r.Initial, cs, "the contributions dataset"); err != nil {
		return nil, err
	}
	for i := range mk.Len() {
		if err := m.Charge(gas.Sample, 1); err != nil {
			return nil, err
		}
		c, err := mk.Contribution(i)
		if err != nil {
			return nil, err
		}
		row, err := cs.Subset([]int{i})
		if err != nil {
			return nil, err
		}
		if row.Hash() != c.DataHash {
			return nil, fmt.Errorf("%w: contributions row %d is not contribution %d's data (its hash differs from the recorded data hash)",
				incentive.ErrHashMismatch, i, i)
		}
	}
	scoring, err := r.checkScoring(m)
	if err != nil || scoring == nil {
		return nil, err
	}
	live, T := mk.Live(), mk.TestRows()
	if err := fits(r.Initial, scoring, "the scoring set"); err != nil {
		return nil, err
	}
	// The scorer's tracker first evaluates the initial model on every scoring row …
	for i := range scoring.Len() {
		if err := chargeRow(m, r.Initial, scoring.Row(i)); err != nil {
			return nil, err
		}
	}
	// … then replays the live contributions, each one a tracker step over T rows.
	if err := m.Charge(gas.Sample, uint64(len(live))); err != nil {
		return nil, err
	}
	if err := m.Charge(gas.Step, uint64(len(live))*T*model.StepWeight(r.Initial.Config())); err != nil { // ≤ 2^24·2^32·12
		return nil, err
	}
	return value.NewMarketScorer(r.Initial, scoring, value.DatasetContributions(cs))
}

// noScorer is the scorer of a pass that scores nothing (the market does not call it).
type noScorer struct{}

func (noScorer) Score([]int) ([]int64, error) {
	return nil, fmt.Errorf("no scoring data") // unreachable: see MarketCall.scorer
}
