package abi

import (
	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/gas"
	"github.com/meritchain/merit/engine/internal/wire"
	"github.com/meritchain/merit/engine/model"
	"github.com/meritchain/merit/engine/value"
)

// Marginal scores each row of Train by the change in correct predictions on Test it
// causes when added, in order, to Model (value.MarginalFrom). Body: model blob, train
// blob, test blob. Gas: per training row gas.Sample 1 and gas.Step T·model.StepWeight.
type Marginal struct {
	Model       model.Model
	Train, Test *dataset.Dataset
}

// LeaveOneOut is value.LeaveOneOut. Body: config, train blob, test blob. Gas: as
// value.LeaveOneOut charges.
type LeaveOneOut struct {
	Config      model.Config
	Train, Test *dataset.Dataset
}

// KNNShapley is value.KNNShapley. Body: u32 K, train blob, test blob. Gas: per test row
// gas.Sample 1, gas.Element N·D, gas.Sort N·⌈log2 N⌉.
type KNNShapley struct {
	K           int
	Train, Test *dataset.Dataset
}

// Sampled is value.PermutationShapley (Method OpPermutationShapley) or value.Banzhaf
// (OpBanzhaf). Body: config, train blob, test blob, u64 seed, u32 samples, u32 check
// every, i64 tolerance num, i64 tolerance den, u32 truncation. Gas: as the sampler
// charges (value.PermutationShapley). Workers is not part of the request.
type Sampled struct {
	Method      Op
	Config      model.Config
	Train, Test *dataset.Dataset
	Options     value.SampleOptions
}

// ValuesResult holds exact values. Body: i64 den, u32 count, count × i64 num.
type ValuesResult struct {
	op     Op
	Values value.Values
}

// SampledResult holds sampled values and the run's report. Body: values, u32 samples,
// bool converged, u32 checks, i64 full utility, i64 truncated, never-in and never-out
// lists (u32 count, count × u32).
type SampledResult struct {
	op     Op
	Values value.Values
	Report value.SampleReport
}

func (*Marginal) Op() Op        { return OpMarginal }
func (*LeaveOneOut) Op() Op     { return OpLeaveOneOut }
func (*KNNShapley) Op() Op      { return OpKNNShapley }
func (r *Sampled) Op() Op       { return r.Method }
func (r *ValuesResult) Op() Op  { return r.op }
func (r *SampledResult) Op() Op { return r.op }

func (r *Marginal) encodeBody(w *wire.Writer) {
	putModel(w, r.Model)
	putDataset(w, r.Train)
	putDataset(w, r.Test)
}

func (r *Marginal) decodeBody(rd *wire.Reader) {
	r.Model, r.Train, r.Test = getModel(rd), getDataset(rd), getDataset(rd)
}

func (r *LeaveOneOut) encodeBody(w *wire.Writer) {
	putConfig(w, r.Config)
	putDataset(w, r.Train)
	putDataset(w, r.Test)
}

func (r *LeaveOneOut) decodeBody(rd *wire.Reader) {
	r.Config, r.Train, r.Test = getConfig(rd), getDataset(rd), getDataset(rd)
}

func (r *KNNShapley) encodeBody(w *wire.Writer) {
	w.U32(uint32(r.K))
	putDataset(w, r.Train)
	putDataset(w, r.Test)
}

func (r *KNNShapley) decodeBody(rd *wire.Reader) {
	r.K = int(rd.U32())
	if rd.Err() == nil && (r.K < 1 || r.K > MaxKNNK) {
		rd.Failf("K = %d, must be in 1..%d", r.K, MaxKNNK)
	}
	r.Train, r.Test = getDataset(rd), getDataset(rd)
}

func (r *Sampled) encodeBody(w *wire.Writer) {
	putConfig(w, r.Config)
	putDataset(w, r.Train)
	putDataset(w, r.Test)
	o := r.Options
	w.U64(o.Seed)
	w.U32(uint32(o.Samples))
	w.U32(uint32(o.CheckEvery))
	w.I64(o.Tolerance.Num)
	w.I64(o.Tolerance.Den)
	w.U32(uint32(o.Truncation))
}

func (r *Sampled) decodeBody(rd *wire.Reader) {
	r.Config, r.Train, r.Test = getConfig(rd), getDataset(rd), getDataset(rd)
	o := &r.Options
	o.Seed = rd.U64()
	o.Samples = int(rd.U32())
	o.CheckEvery = int(rd.U32())
	o.Tolerance.Num, o.Tolerance.Den = rd.I64(), rd.I64()
	o.Truncation = int(rd.U32())
	if rd.Err() == nil && (o.Samples > MaxSamples || o.CheckEvery > MaxSamples || o.Truncation > 1<<31-1) {
		rd.Failf("samples %d, check every %d or truncation %d out of range (samples ≤ %d)", o.Samples, o.CheckEvery, o.Truncation, MaxSamples)
	}
}

func (r *ValuesResult) encodeBody(w *wire.Writer)  { putValues(w, r.Values) }
func (r *ValuesResult) decodeBody(rd *wire.Reader) { r.Values = getValues(rd) }

func (r *SampledResult) encodeBody(w *wire.Writer) {
	putValues(w, r.Values)
	p := r.Report
	w.U32(uint32(p.Samples))
	w.Bool(p.Converged)
	w.U32(uint32(p.Checks))
	w.I64(p.FullUtility)
	w.I64(p.Truncated)
	putInts(w, p.NeverIn)
	putInts(w, p.NeverOut)
}

func (r *SampledResult) decodeBody(rd *wire.Reader) {
	r.Values = getValues(rd)
	p := &r.Report
	p.Samples = int(rd.U32())
	p.Converged = rd.Bool()
	p.Checks = int(rd.U32())
	p.FullUtility = rd.I64()
	p.Truncated = rd.I64()
	p.NeverIn = getInts(rd)
	p.NeverOut = getInts(rd)
}

func (r *Marginal) run(m gas.Meter) (Response, error) {
	v, err := value.MarginalFromMetered(r.Model, r.Train, r.Test, m)
	if err != nil {
		return nil, err
	}
	return &ValuesResult{op: OpMarginal, Values: v}, nil
}

func (r *LeaveOneOut) run(m gas.Meter) (Response, error) {
	v, err := value.LeaveOneOut(value.Problem{Config: r.Config, Train: r.Train, Test: r.Test, Meter: m}, 0)
	if err != nil {
		return nil, err
	}
	return &ValuesResult{op: OpLeaveOneOut, Values: v}, nil
}

func (r *KNNShapley) run(m gas.Meter) (Response, error) {
	v, err := value.KNNShapleyWith(r.Train, r.Test, r.K, value.KNNOptions{Meter: m})
	if err != nil {
		return nil, err
	}
	return &ValuesResult{op: OpKNNShapley, Values: v}, nil
}

func (r *Sampled) run(m gas.Meter) (Response, error) {
	p := value.Problem{Config: r.Config, Train: r.Train, Test: r.Test, Meter: m}
	f := value.PermutationShapley
	if r.Method == OpBanzhaf {
		f = value.Banzhaf
	}
	v, rep, err := f(p, r.Options) // Options.Workers is not encoded: always 0 (GOMAXPROCS)
	if err != nil {
		return nil, err
	}
	return &SampledResult{op: r.Method, Values: v, Report: rep}, nil
}
