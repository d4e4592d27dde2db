package abi

import (
	"fmt"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/gas"
	"github.com/meritchain/merit/engine/incentive"
	"github.com/meritchain/merit/engine/incentive/drt"
	"github.com/meritchain/merit/engine/internal/wire"
	"github.com/meritchain/merit/engine/model"
)

// DRTAction is the action of a DRTCall. The numbers are part of the ABI.
type DRTAction uint8

const (
	DRTNew             DRTAction = 1
	DRTRequiredDeposit DRTAction = 2
	DRTAdd             DRTAction = 3
	DRTRefund          DRTAction = 4
	DRTReport          DRTAction = 5
	DRTClaim           DRTAction = 6
	maxDRTAction                 = DRTClaim
)

var drtActionNames = [...]string{
	DRTNew: "new", DRTRequiredDeposit: "required-deposit", DRTAdd: "add",
	DRTRefund: "refund", DRTReport: "report", DRTClaim: "claim",
}

func (a DRTAction) String() string {
	if a >= 1 && a <= maxDRTAction {
		return drtActionNames[a]
	}
	return fmt.Sprintf("DRTAction(%d)", uint8(a))
}

// DRTCall is one step of a Deposit-Refund-Take mechanism (engine/incentive/drt). Its
// body is u8 Action, then (state: the drt state blob; row: a one-row dataset blob, the
// contribution's sample and label; addresses 20 bytes; times and amounts u64):
//
//	1 New:             CostWeight u64, RefundWait u64, OwnerWait u64, AnyAddressWait u64,
//	                   Owner [20], Now u64
//	2 RequiredDeposit: state, Now u64
//	3 Add:             state, model blob, row, contributor [20], Now u64, Deposit u64
//	4 Refund:          state, model blob, row, ID u64, caller [20], Now u64
//	5 Report:          state, model blob, row, ID u64, reporter [20], Now u64
//	6 Claim:           state, ID u64, claimer [20], Now u64
//
// New is drt.New(Params, Now). RequiredDeposit returns State.RequiredDeposit(Now) and
// State.MinimumDeposit(Now) (the least deposit Add accepts) and the state unchanged.
// Add records the row as a contribution of Actor (drt.State.Add, with the row's hash as
// data hash and its label as label) and trains Model on it, as adding data to the
// original Deposit-Refund-Take contract trains its model; it returns the new state, the
// trained model, the contribution's id and its data hash. Refund and Report first check
// that the row is contribution ID's data (the recorded data hash is the row's
// dataset.Hash and the recorded label its label; otherwise incentive.ErrHashMismatch;
// see "Data hashes" in mechanisms.go), then let Model predict it: the
// mechanism's modelPredictsLabel is whether the prediction equals the contribution's
// label. Model is the current model, which the caller keeps (the response does not
// return it). Refund, Report and Claim return the amount paid to Actor.
//
// Gas: gas.Sample 1; Add also the row's training as ModelTrain charges a row (gas.Sample
// 1, gas.Element model.UpdateCost), Refund and Report the row's prediction as
// ModelPredict charges a row (gas.Sample 1, gas.Element model.PredictCost).
type DRTCall struct {
	Action  DRTAction
	Params  drt.Params        // New
	State   *drt.State        // every action but New
	Model   model.Model       // Add, Refund, Report
	Row     *dataset.Dataset  // Add, Refund, Report: one row
	ID      uint64            // Refund, Report, Claim
	Actor   incentive.Address // Add: contributor; Refund: caller; Report: reporter; Claim: claimer
	Now     uint64            // every action
	Deposit uint64            // Add
}

// DRTResult is the result of a DRTCall. Its body is u8 Action, the state blob (the state
// after the action), then:
//
//	1 New:             nothing
//	2 RequiredDeposit: Amount u64 (the required deposit), Minimum u64
//	3 Add:             model blob (trained on the row), ID u64, DataHash [32]
//	4 Refund, 5 Report, 6 Claim: Amount u64 (paid to the caller)
type DRTResult struct {
	Action   DRTAction
	State    *drt.State
	Amount   uint64      // RequiredDeposit: the required deposit; Refund, Report, Claim: paid
	Minimum  uint64      // RequiredDeposit: the minimum deposit, max(1, Amount)
	Model    model.Model // Add
	ID       uint64      // Add
	DataHash [32]byte    // Add
}

func (*DRTCall) Op() Op   { return OpDRT }
func (*DRTResult) Op() Op { return OpDRT }

func putDRTState(w *wire.Writer, s *drt.State) { putState(w, "DRT", s == nil, s.MarshalBinary) }

func (r *DRTCall) encodeBody(w *wire.Writer) {
	w.U8(uint8(r.Action))
	switch r.Action {
	case DRTNew:
		p := r.Params
		w.U64(p.CostWeight)
		w.U64(p.RefundWait)
		w.U64(p.OwnerWait)
		w.U64(p.AnyAddressWait)
		w.Addr(p.Owner)
		w.U64(r.Now)
	case DRTRequiredDeposit:
		putDRTState(w, r.State)
		w.U64(r.Now)
	case DRTAdd:
		putDRTState(w, r.State)
		putModel(w, r.Model)
		putDataset(w, r.Row)
		w.Addr(r.Actor)
		w.U64(r.Now)
		w.U64(r.Deposit)
	case DRTRefund, DRTReport:
		putDRTState(w, r.State)
		putModel(w, r.Model)
		putDataset(w, r.Row)
		w.U64(r.ID)
		w.Addr(r.Actor)
		w.U64(r.Now)
	case DRTClaim:
		putDRTState(w, r.State)
		w.U64(r.ID)
		w.Addr(r.Actor)
		w.U64(r.Now)
	}
}

func (r *DRTCall) decodeBody(rd *wire.Reader) {
	r.Action = DRTAction(rd.U8())
	switch r.Action {
	case DRTNew:
		p := &r.Params
		p.CostWeight, p.RefundWait, p.OwnerWait, p.AnyAddressWait = rd.U64(), rd.U64(), rd.U64(), rd.U64()
		p.Owner = rd.Addr()
		r.Now = rd.U64()
	case DRTRequiredDeposit:
		r.State = getState(rd, drt.Decode)
		r.Now = rd.U64()
	case DRTAdd:
		r.State = getState(rd, drt.Decode)
		r.Model = getModel(rd)
		r.Row = getRow(rd)
		r.Actor = rd.Addr()
		r.Now = rd.U64()
		r.Deposit = rd.U64()
	case DRTRefund, DRTReport:
		r.State = getState(rd, drt.Decode)
		r.Model = getModel(rd)
		r.Row = getRow(rd)
		r.ID = rd.U64()
		r.Actor = rd.Addr()
		r.Now = rd.U64()
	case DRTClaim:
		r.State = getState(rd, drt.Decode)
		r.ID = rd.U64()
		r.Actor = rd.Addr()
		r.Now = rd.U64()
	default:
		rd.Failf("unknown DRT action %d", uint8(r.Action))
	}
}

func (r *DRTResult) encodeBody(w *wire.Writer) {
	w.U8(uint8(r.Action))
	putDRTState(w, r.State)
	switch r.Action {
	case DRTRequiredDeposit:
		w.U64(r.Amount)
		w.U64(r.Minimum)
	case DRTAdd:
		putModel(w, r.Model)
		w.U64(r.ID)
		w.Hash(r.DataHash)
	case DRTRefund, DRTReport, DRTClaim:
		w.U64(r.Amount)
	}
}

func (r *DRTResult) decodeBody(rd *wire.Reader) {
	r.Action = DRTAction(rd.U8())
	if r.Action < 1 || r.Action > maxDRTAction {
		rd.Failf("unknown DRT action %d", uint8(r.Action))
		return
	}
	r.State = getState(rd, drt.Decode)
	switch r.Action {
	case DRTRequiredDeposit:
		r.Amount, r.Minimum = rd.U64(), rd.U64()
	case DRTAdd:
		r.Model = getModel(rd)
		r.ID = rd.U64()
		r.DataHash = rd.Hash()
	case DRTRefund, DRTReport, DRTClaim:
		r.Amount = rd.U64()
	}
}

func (r *DRTCall) run(m gas.Meter) (Response, error) {
	if err := m.Charge(gas.Sample, 1); err != nil {
		return nil, err
	}
	out := &DRTResult{Action: r.Action, State: r.State}
	s := r.State
	var err error
	switch r.Action {
	case DRTNew:
		out.State, err = drt.New(r.Params, r.Now)
	case DRTRequiredDeposit:
		if out.Amount, err = s.RequiredDeposit(r.Now); err == nil {
			out.Minimum, err = s.MinimumDeposit(r.Now)
		}
	case DRTAdd:
		h := r.Row.Hash()
		if out.ID, err = s.Add(r.Actor, h, r.Row.Y[0], r.Now, r.Deposit); err != nil {
			return nil, err
		}
		if err = trainRow(m, r.Model, r.Row); err != nil {
			return nil, err
		}
		out.Model, out.DataHash = r.Model, h
	case DRTRefund, DRTReport:
		var c drt.Contribution
		if c, err = s.Contribution(r.ID); err != nil {
			return nil, err
		}
		var agrees bool
		if agrees, err = predictsLabel(m, r.Model, r.Row, r.ID, c.DataHash, c.Label); err != nil {
			return nil, err
		}
		if r.Action == DRTRefund {
			out.Amount, err = s.Refund(r.ID, r.Actor, r.Now, agrees)
		} else {
			out.Amount, err = s.Report(r.ID, r.Actor, r.Now, agrees)
		}
	case DRTClaim:
		out.Amount, err = s.Claim(r.ID, r.Actor, r.Now)
	default:
		return nil, fmt.Errorf("unknown DRT action %d", uint8(r.Action))
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}
