package abi

import (
	"fmt"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/gas"
	"github.com/meritchain/merit/engine/incentive"
	"github.com/meritchain/merit/engine/internal/wire"
	"github.com/meritchain/merit/engine/model"
)

// The mechanism ops (OpDRT, OpPoints, OpMarket) run one step of an incentive mechanism
// (engine/incentive) as a pure state transition: the request carries the mechanism's
// canonical state (its MarshalBinary encoding, as a blob) and one action; the response
// carries the state after the action and the action's result. The caller (the chain)
// stores the state, the model and the data, and calls the engine for every step.
//
// A mechanism request body is
//
//	u8 action, then the action's fields
//
// and a response body
//
//	u8 action (the request's), state blob (the state after the action), then the
//	action's result fields
//
// Every response carries the state, even that of a read-only action (DRT's
// RequiredDeposit), which returns its input state unchanged: a caller may always store
// the state it gets back. Blobs are u32-length-prefixed nested canonical encodings
// (states by drt/points/market.Decode, models by model.Decode, datasets by
// dataset.Decode); addresses are 20 bytes, hashes 32, times (seconds) and amounts (base
// units) u64. An unknown action, a nested encoding that its decoder refuses, or a row
// that is not a one-row dataset makes the request malformed (CodeMalformed); a refusal
// by the mechanism (wrong phase, too early, deposit too low, …), a row that does not
// match a contribution's recorded data hash, or a row or dataset that does not fit the
// model is CodeInvalid.
//
// # Data hashes
//
// A contribution's data is one labelled sample, carried as a one-row dataset (its
// features and, as its one label, the contributed label). Its data hash, recorded by
// the mechanism, is dataset.Hash of that one-row dataset: the SHA-256 of its canonical
// encoding, header (kind, dims, classes, scale) included. A later action on the
// contribution (a refund, a report, a market's reward pass) must carry the same row;
// the engine recomputes the hash and refuses the call (incentive.ErrHashMismatch) if it
// differs, or if the row's label is not the contribution's recorded label.
//
// # Gas
//
// Every mechanism action is charged gas.Sample 1 (beyond Execute's gas.Call and
// gas.InputByte, which cover decoding, hashing and encoding). An action that trains the
// model on a row (Add) is charged that row as ModelTrain charges one (chargeUpdate); one
// that predicts a row (Refund, Report) as ModelPredict charges one (chargeRow). A
// market's reward pass is charged as MarketCall documents.

// getRow reads a dataset blob that must hold exactly one row.
func getRow(r *wire.Reader) *dataset.Dataset {
	d := getDataset(r)
	if r.Err() == nil && d.Len() != 1 {
		r.Failf("a contribution's row must be a one-row dataset, this one has %d rows", d.Len())
	}
	return d
}

// getState reads a blob holding a mechanism state and decodes it with decode.
func getState[T any](r *wire.Reader, decode func([]byte) (T, error)) T {
	var zero T
	b := r.Blob()
	if r.Err() != nil {
		return zero
	}
	s, err := decode(b)
	if err != nil {
		r.Failf("%v", err)
		return zero
	}
	return s
}

// putState writes a state's canonical encoding as a blob; what names the mechanism.
func putState(w *wire.Writer, what string, isNil bool, marshal func() ([]byte, error)) {
	if isNil {
		panic(fmt.Sprintf("abi: encoding a %s call or result without a state", what))
	}
	b, err := marshal()
	if err != nil {
		panic(fmt.Sprintf("abi: encoding a %s state: %v", what, err))
	}
	w.Blob(b)
}

// fits checks that d's shape fits md: the same Dims and ScaleExp, and no more classes
// (as model.Evaluate requires).
func fits(md model.Model, d *dataset.Dataset, what string) error {
	c := md.Config()
	switch {
	case d.Dims != c.Dims:
		return fmt.Errorf("%s has Dims = %d, the model %d", what, d.Dims, c.Dims)
	case d.ScaleExp != c.ScaleExp:
		return fmt.Errorf("%s has ScaleExp = %d, the model %d", what, d.ScaleExp, c.ScaleExp)
	case d.Classes > c.Classes:
		return fmt.Errorf("%s has Classes = %d, the model %d", what, d.Classes, c.Classes)
	}
	return nil
}

// trainRow updates md with row's one sample, charging it as ModelTrain does.
func trainRow(m gas.Meter, md model.Model, row *dataset.Dataset) error {
	if err := fits(md, row, "the row"); err != nil {
		return err
	}
	x := row.Row(0)
	if err := chargeUpdate(m, md, x); err != nil {
		return err
	}
	return md.Update(x, int(row.Y[0]))
}

// checkRow checks that row is contribution id's data: its dataset.Hash is dataHash and
// its label is label.
func checkRow(row *dataset.Dataset, id uint64, dataHash [32]byte, label int32) error {
	if row.Hash() != dataHash {
		return fmt.Errorf("%w: the row is not contribution %d's data (its hash differs from the recorded data hash)",
			incentive.ErrHashMismatch, id)
	}
	if row.Y[0] != label {
		return fmt.Errorf("%w: the row's label %d is not contribution %d's recorded label %d",
			incentive.ErrHashMismatch, row.Y[0], id, label)
	}
	return nil
}

// predictsLabel checks row against contribution id's data hash and label (checkRow) and
// returns whether md predicts the label, charging the prediction as ModelPredict does.
func predictsLabel(m gas.Meter, md model.Model, row *dataset.Dataset, id uint64, dataHash [32]byte, label int32) (bool, error) {
	if err := checkRow(row, id, dataHash, label); err != nil {
		return false, err
	}
	if err := fits(md, row, "the row"); err != nil {
		return false, err
	}
	x := row.Row(0)
	if err := chargeRow(m, md, x); err != nil {
		return false, err
	}
	p, err := md.Predict(x)
	if err != nil {
		return false, err
	}
	return p == int(label), nil
}

// Lists of the market's pass report. An empty list decodes as nil, as the market
// returns empty lists.

// putIDs writes u32 count, count × u32.
func putIDs(w *wire.Writer, xs []int) {
	w.U32(uint32(len(xs)))
	for _, x := range xs {
		w.U32(uint32(x))
	}
}

func getIDs(r *wire.Reader) []int {
	n := r.Count(uint64(r.U32()), 4, 1<<32)
	if n == 0 {
		return nil
	}
	out := make([]int, n)
	for i := range out {
		out[i] = int(r.U32())
	}
	return out
}

// putI64s writes u32 count, count × i64.
func putI64s(w *wire.Writer, xs []int64) {
	w.U32(uint32(len(xs)))
	for _, x := range xs {
		w.I64(x)
	}
}

func getI64s(r *wire.Reader) []int64 {
	n := r.Count(uint64(r.U32()), 8, 1<<32)
	if n == 0 {
		return nil
	}
	out := make([]int64, n)
	for i := range out {
		out[i] = r.I64()
	}
	return out
}

// putU64s writes u32 count, count × u64.
func putU64s(w *wire.Writer, xs []uint64) {
	w.U32(uint32(len(xs)))
	for _, x := range xs {
		w.U64(x)
	}
}

func getU64s(r *wire.Reader) []uint64 {
	n := r.Count(uint64(r.U32()), 8, 1<<32)
	if n == 0 {
		return nil
	}
	out := make([]uint64, n)
	for i := range out {
		out[i] = r.U64()
	}
	return out
}
