package abi

import (
	"fmt"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/gas"
	"github.com/meritchain/merit/engine/incentive"
	"github.com/meritchain/merit/engine/incentive/points"
	"github.com/meritchain/merit/engine/internal/wire"
	"github.com/meritchain/merit/engine/model"
)

// PointsAction is the action of a PointsCall. The numbers are part of the ABI.
type PointsAction uint8

const (
	PointsNew       PointsAction = 1
	PointsAdd       PointsAction = 2
	PointsRefund    PointsAction = 3
	PointsReport    PointsAction = 4
	maxPointsAction              = PointsReport
)

var pointsActionNames = [...]string{PointsNew: "new", PointsAdd: "add", PointsRefund: "refund", PointsReport: "report"}

func (a PointsAction) String() string {
	if a >= 1 && a <= maxPointsAction {
		return pointsActionNames[a]
	}
	return fmt.Sprintf("PointsAction(%d)", uint8(a))
}

// PointsCall is one step of a Points mechanism (engine/incentive/points): DRTCall's
// actions without deposits, owner or timed claims. Its body is u8 Action, then (state:
// the points state blob; row: a one-row dataset blob):
//
//	1 New:    RefundWait u64, Now u64
//	2 Add:    state, model blob, row, contributor [20], Now u64
//	3 Refund: state, model blob, row, ID u64, caller [20], Now u64
//	4 Report: state, model blob, row, ID u64, reporter [20], Now u64
//
// New is points.New(Params, Now). Add records the row as Actor's contribution (its hash
// as data hash, its label as label) and trains Model on it. Refund and Report check the
// row against contribution ID's data hash and label and let Model predict it, exactly
// as DRTCall's do; they return the points Actor gained.
//
// Gas: as DRTCall's actions.
type PointsCall struct {
	Action PointsAction
	Params points.Params     // New
	State  *points.State     // every action but New
	Model  model.Model       // Add, Refund, Report
	Row    *dataset.Dataset  // Add, Refund, Report: one row
	ID     uint64            // Refund, Report
	Actor  incentive.Address // Add: contributor; Refund: caller; Report: reporter
	Now    uint64            // every action
}

// PointsResult is the result of a PointsCall. Its body is u8 Action, the state blob
// (the state after the action), then:
//
//	1 New:                nothing
//	2 Add:                model blob (trained on the row), ID u64, DataHash [32]
//	3 Refund, 4 Report:   Points i64 (gained by the caller)
type PointsResult struct {
	Action   PointsAction
	State    *points.State
	Model    model.Model // Add
	ID       uint64      // Add
	DataHash [32]byte    // Add
	Points   int64       // Refund, Report
}

func (*PointsCall) Op() Op   { return OpPoints }
func (*PointsResult) Op() Op { return OpPoints }

func putPointsState(w *wire.Writer, s *points.State) {
	putState(w, "points", s == nil, s.MarshalBinary)
}

func (r *PointsCall) encodeBody(w *wire.Writer) {
	w.U8(uint8(r.Action))
	switch r.Action {
	case PointsNew:
		w.U64(r.Params.RefundWait)
		w.U64(r.Now)
	case PointsAdd:
		putPointsState(w, r.State)
		putModel(w, r.Model)
		putDataset(w, r.Row)
		w.Addr(r.Actor)
		w.U64(r.Now)
	case PointsRefund, PointsReport:
		putPointsState(w, r.State)
		putModel(w, r.Model)
		putDataset(w, r.Row)
		w.U64(r.ID)
		w.Addr(r.Actor)
		w.U64(r.Now)
	}
}

func (r *PointsCall) decodeBody(rd *wire.Reader) {
	r.Action = PointsAction(rd.U8())
	switch r.Action {
	case PointsNew:
		r.Params.RefundWait = rd.U64()
		r.Now = rd.U64()
	case PointsAdd:
		r.State = getState(rd, points.Decode)
		r.Model = getModel(rd)
		r.Row = getRow(rd)
		r.Actor = rd.Addr()
		r.Now = rd.U64()
	case PointsRefund, PointsReport:
		r.State = getState(rd, points.Decode)
		r.Model = getModel(rd)
		r.Row = getRow(rd)
		r.ID = rd.U64()
		r.Actor = rd.Addr()
		r.Now = rd.U64()
	default:
		rd.Failf("unknown points action %d", uint8(r.Action))
	}
}

func (r *PointsResult) encodeBody(w *wire.Writer) {
	w.U8(uint8(r.Action))
	putPointsState(w, r.State)
	switch r.Action {
	case PointsAdd:
		putModel(w, r.Model)
		w.U64(r.ID)
		w.Hash(r.DataHash)
	case PointsRefund, PointsReport:
		w.I64(r.Points)
	}
}

func (r *PointsResult) decodeBody(rd *wire.Reader) {
	r.Action = PointsAction(rd.U8())
	if r.Action < 1 || r.Action > maxPointsAction {
		rd.Failf("unknown points action %d", uint8(r.Action))
		return
	}
	r.State = getState(rd, points.Decode)
	switch r.Action {
	case PointsAdd:
		r.Model = getModel(rd)
		r.ID = rd.U64()
		r.DataHash = rd.Hash()
	case PointsRefund, PointsReport:
		r.Points = rd.I64()
	}
}

func (r *PointsCall) run(m gas.Meter) (Response, error) {
	if err := m.Charge(gas.Sample, 1); err != nil {
		return nil, err
	}
	out := &PointsResult{Action: r.Action, State: r.State}
	s := r.State
	var err error
	switch r.Action {
	case PointsNew:
		out.State = points.New(r.Params, r.Now)
	case PointsAdd:
		h := r.Row.Hash()
		if out.ID, err = s.Add(r.Actor, h, r.Row.Y[0], r.Now); err != nil {
			return nil, err
		}
		if err = trainRow(m, r.Model, r.Row); err != nil {
			return nil, err
		}
		out.Model, out.DataHash = r.Model, h
	case PointsRefund, PointsReport:
		var c points.Contribution
		if c, err = s.Contribution(r.ID); err != nil {
			return nil, err
		}
		var agrees bool
		if agrees, err = predictsLabel(m, r.Model, r.Row, r.ID, c.DataHash, c.Label); err != nil {
			return nil, err
		}
		if r.Action == PointsRefund {
			out.Points, err = s.Refund(r.ID, r.Actor, r.Now, agrees)
		} else {
			out.Points, err = s.Report(r.ID, r.Actor, r.Now, agrees)
		}
	default:
		return nil, fmt.Errorf("unknown points action %d", uint8(r.Action))
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}
