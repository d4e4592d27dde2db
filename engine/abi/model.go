package abi

import (
	"fmt"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/gas"
	"github.com/meritchain/merit/engine/internal/wire"
	"github.com/meritchain/merit/engine/model"
)

// ModelNew creates an untrained model. Body: the config (normalized). Gas: gas.Element
// Classes·Dims (the state it allocates).
type ModelNew struct{ Config model.Config }

// ModelTrain updates a model with every row of Data, in order. Body: model blob, dataset
// blob. Gas per row: gas.Sample 1 and gas.Element model.UpdateCost.
type ModelTrain struct {
	Model model.Model
	Data  *dataset.Dataset
}

// ModelPredict predicts every row of Data (its labels are ignored). Body: model blob,
// dataset blob. Gas per row: gas.Sample 1 and gas.Element model.PredictCost.
type ModelPredict struct {
	Model model.Model
	Data  *dataset.Dataset
}

// ModelEvaluate counts the rows of Data the model predicts correctly. Body and gas as
// ModelPredict.
type ModelEvaluate struct {
	Model model.Model
	Data  *dataset.Dataset
}

// ModelResult is the model after ModelNew or ModelTrain. Body: model blob.
type ModelResult struct {
	op    Op
	Model model.Model
}

// PredictResult holds one predicted class per row. Body: u32 count, count × u32.
type PredictResult struct{ Labels []int }

// EvaluateResult is ModelEvaluate's count. Body: u64 correct, u64 rows.
type EvaluateResult struct{ Correct, Rows uint64 }

func (*ModelNew) Op() Op      { return OpModelNew }
func (*ModelTrain) Op() Op    { return OpModelTrain }
func (*ModelPredict) Op() Op  { return OpModelPredict }
func (*ModelEvaluate) Op() Op { return OpModelEvaluate }

func (r *ModelResult) Op() Op                       { return r.op }
func (*PredictResult) Op() Op                       { return OpModelPredict }
func (*EvaluateResult) Op() Op                      { return OpModelEvaluate }
func (r *ModelNew) encodeBody(w *wire.Writer)       { putConfig(w, r.Config) }
func (r *ModelNew) decodeBody(rd *wire.Reader)      { r.Config = getConfig(rd) }
func (r *ModelTrain) encodeBody(w *wire.Writer)     { putModel(w, r.Model); putDataset(w, r.Data) }
func (r *ModelTrain) decodeBody(rd *wire.Reader)    { r.Model = getModel(rd); r.Data = getDataset(rd) }
func (r *ModelPredict) encodeBody(w *wire.Writer)   { putModel(w, r.Model); putDataset(w, r.Data) }
func (r *ModelPredict) decodeBody(rd *wire.Reader)  { r.Model = getModel(rd); r.Data = getDataset(rd) }
func (r *ModelEvaluate) encodeBody(w *wire.Writer)  { putModel(w, r.Model); putDataset(w, r.Data) }
func (r *ModelEvaluate) decodeBody(rd *wire.Reader) { r.Model = getModel(rd); r.Data = getDataset(rd) }
func (r *ModelResult) encodeBody(w *wire.Writer)    { putModel(w, r.Model) }
func (r *ModelResult) decodeBody(rd *wire.Reader)   { r.Model = getModel(rd) }
func (r *PredictResult) encodeBody(w *wire.Writer)  { putInts(w, r.Labels) }
func (r *PredictResult) decodeBody(rd *wire.Reader) { r.Labels = getInts(rd) }
func (r *EvaluateResult) encodeBody(w *wire.Writer) { w.U64(r.Correct); w.U64(r.Rows) }
func (r *EvaluateResult) decodeBody(rd *wire.Reader) {
	r.Correct, r.Rows = rd.U64(), rd.U64()
	if rd.Err() == nil && r.Correct > r.Rows {
		rd.Failf("correct %d > rows %d", r.Correct, r.Rows)
	}
}

func (r *ModelNew) run(m gas.Meter) (Response, error) {
	if err := m.Charge(gas.Element, uint64(r.Config.Classes)*uint64(r.Config.Dims)); err != nil {
		return nil, err
	}
	md, err := model.New(r.Config)
	if err != nil {
		return nil, err
	}
	return &ModelResult{op: OpModelNew, Model: md}, nil
}

func (r *ModelTrain) run(m gas.Meter) (Response, error) {
	md := r.Model
	for i := range r.Data.Len() {
		x := r.Data.Row(i)
		if err := chargeUpdate(m, md, x); err != nil {
			return nil, err
		}
		if err := md.Update(x, int(r.Data.Y[i])); err != nil {
			return nil, fmt.Errorf("row %d: %w", i, err)
		}
	}
	return &ModelResult{op: OpModelTrain, Model: md}, nil
}

func (r *ModelPredict) run(m gas.Meter) (Response, error) {
	out := make([]int, r.Data.Len())
	for i := range out {
		x := r.Data.Row(i)
		if err := chargeRow(m, r.Model, x); err != nil {
			return nil, err
		}
		p, err := r.Model.Predict(x)
		if err != nil {
			return nil, fmt.Errorf("row %d: %w", i, err)
		}
		out[i] = p
	}
	return &PredictResult{Labels: out}, nil
}

func (r *ModelEvaluate) run(m gas.Meter) (Response, error) {
	for i := range r.Data.Len() {
		if err := chargeRow(m, r.Model, r.Data.Row(i)); err != nil {
			return nil, err
		}
	}
	c, err := r.Model.Evaluate(r.Data)
	if err != nil {
		return nil, err
	}
	return &EvaluateResult{Correct: uint64(c), Rows: uint64(r.Data.Len())}, nil
}

// chargeRow charges predicting x with md: gas.Sample 1 and gas.Element model.PredictCost.
func chargeRow(m gas.Meter, md model.Model, x dataset.Row) error {
	return chargeSample(m, model.PredictCost(md.Config(), model.StoredRows(md), model.Nnz(x)))
}

// chargeUpdate charges updating md with x: gas.Sample 1 and gas.Element model.UpdateCost.
func chargeUpdate(m gas.Meter, md model.Model, x dataset.Row) error {
	return chargeSample(m, model.UpdateCost(md.Config(), model.Nnz(x)))
}

func chargeSample(m gas.Meter, elements uint64) error {
	if err := m.Charge(gas.Sample, 1); err != nil {
		return err
	}
	return m.Charge(gas.Element, elements)
}
