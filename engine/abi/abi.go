// Package abi is the engine's call interface: one canonical, versioned request in, one
// canonical response (or a coded error) out. The same Execute runs natively and inside
// the WebAssembly guest (wasm/guest), so both give the same bytes and charge the same
// gas for every request. Each request and response type documents its encoding and the
// gas it is charged; docs/GAS.md gives the schedule, docs/WASM.md the guest around it.
//
// A request is
//
//	"MREQ"  u16 version (1)  u16 op  body
//
// and a response
//
//	"MRES"  u16 version (1)  u16 op  body
//
// with the op's body in the engine's wire format (little-endian fixed-width integers,
// u32-length-prefixed blobs, nested canonical encodings of datasets, models and
// mechanism states). Decoding then encoding any accepted request gives back the same
// bytes; every other input is refused with CodeMalformed, never a panic.
package abi

import (
	"context"
	"errors"
	"fmt"

	"github.com/meritchain/merit/engine/gas"
	"github.com/meritchain/merit/engine/internal/wire"
)

// Version is the version of the request and response encodings.
const Version = 1

const (
	requestMagic  = "MREQ"
	responseMagic = "MRES"
)

// Op names one engine call. The numbers are part of the ABI.
type Op uint16

const (
	OpModelNew           Op = 1  // ModelNew → ModelResult
	OpModelTrain         Op = 2  // ModelTrain → ModelResult
	OpModelPredict       Op = 3  // ModelPredict → PredictResult
	OpModelEvaluate      Op = 4  // ModelEvaluate → EvaluateResult
	OpMarginal           Op = 5  // Marginal → ValuesResult
	OpLeaveOneOut        Op = 6  // LeaveOneOut → ValuesResult
	OpKNNShapley         Op = 7  // KNNShapley → ValuesResult
	OpPermutationShapley Op = 8  // Sampled → SampledResult
	OpBanzhaf            Op = 9  // Sampled → SampledResult
	OpDRT                Op = 10 // DRTCall → DRTResult
	OpPoints             Op = 11 // PointsCall → PointsResult
	OpMarket             Op = 12 // MarketCall → MarketResult
	maxOp                   = OpMarket
)

var opNames = [...]string{
	OpModelNew: "model-new", OpModelTrain: "model-train", OpModelPredict: "model-predict",
	OpModelEvaluate: "model-evaluate", OpMarginal: "marginal", OpLeaveOneOut: "leave-one-out",
	OpKNNShapley: "knn-shapley", OpPermutationShapley: "permutation-shapley", OpBanzhaf: "banzhaf",
	OpDRT: "drt", OpPoints: "points", OpMarket: "market",
}

func (o Op) String() string {
	if o >= 1 && o <= maxOp {
		return opNames[o]
	}
	return fmt.Sprintf("Op(%d)", uint16(o))
}

// Ops lists every op, ascending.
func Ops() []Op {
	out := make([]Op, 0, maxOp)
	for o := Op(1); o <= maxOp; o++ {
		out = append(out, o)
	}
	return out
}

// Code classifies an error. The numbers are part of the ABI: the guest returns them.
type Code uint32

const (
	CodeOK        Code = 0
	CodeMalformed Code = 1 // the request is not a canonical encoding of a known op's request
	CodeInvalid   Code = 2 // a well-formed request the engine refuses (shapes, phases, rules)
	CodeLimit     Code = 3 // the request exceeds one of the ABI's Limits
	CodeOutOfGas  Code = 4 // the call needs more gas than its limit
	maxCode            = CodeOutOfGas
)

var codeNames = [...]string{"ok", "malformed request", "invalid request", "limit exceeded", "out of gas"}

func (c Code) String() string {
	if c <= maxCode {
		return codeNames[c]
	}
	return fmt.Sprintf("Code(%d)", uint32(c))
}

// Error is the error of a failed call: a code and a message. Its message is
// deterministic (the same request gives the same message in every form).
type Error struct {
	Code Code
	Msg  string
}

func (e *Error) Error() string { return "engine: " + e.Code.String() + ": " + e.Msg }

// Sentinels for errors.Is: an *Error is its code's sentinel (CodeOutOfGas is
// gas.ErrOutOfGas).
var (
	ErrMalformed = errors.New("malformed request")
	ErrInvalid   = errors.New("invalid request")
	ErrLimit     = errors.New("limit exceeded")
)

// Is makes errors.Is(err, sentinel) hold for the sentinel of e's code.
func (e *Error) Is(target error) bool {
	switch e.Code {
	case CodeMalformed:
		return target == ErrMalformed
	case CodeInvalid:
		return target == ErrInvalid
	case CodeLimit:
		return target == ErrLimit
	case CodeOutOfGas:
		return target == gas.ErrOutOfGas
	}
	return false
}

func errorf(c Code, format string, args ...any) *Error {
	return &Error{Code: c, Msg: fmt.Sprintf(format, args...)}
}

// asError turns an engine error into an *Error of code c, unless it is already one or is
// out of gas.
func asError(c Code, err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	if errors.Is(err, gas.ErrOutOfGas) {
		return &Error{Code: CodeOutOfGas, Msg: err.Error()}
	}
	return &Error{Code: c, Msg: err.Error()}
}

// Limits bound what one request may ask for, beyond the engine's own bounds, so that a
// call's memory is bounded by its request's size and these numbers.
const (
	MaxRequestBytes = 1 << 30 // 1 GiB
	MaxSamples      = 1 << 20 // sample budget of the sampled valuations
	MaxKNNK         = 1 << 16 // K of KNN-Shapley
)

// Request is a decoded request of one op.
type Request interface {
	Op() Op
	// encodeBody appends the body; decodeBody reads it (recording errors in r).
	encodeBody(w *wire.Writer)
	decodeBody(r *wire.Reader)
	// run executes the request, charging m, and returns the response.
	run(m gas.Meter) (Response, error)
}

// Response is a decoded response of one op.
type Response interface {
	Op() Op
	encodeBody(w *wire.Writer)
	decodeBody(r *wire.Reader)
}

// newRequest returns an empty request of op o, or nil.
func newRequest(o Op) Request {
	switch o {
	case OpModelNew:
		return &ModelNew{}
	case OpModelTrain:
		return &ModelTrain{}
	case OpModelPredict:
		return &ModelPredict{}
	case OpModelEvaluate:
		return &ModelEvaluate{}
	case OpMarginal:
		return &Marginal{}
	case OpLeaveOneOut:
		return &LeaveOneOut{}
	case OpKNNShapley:
		return &KNNShapley{}
	case OpPermutationShapley:
		return &Sampled{Method: OpPermutationShapley}
	case OpBanzhaf:
		return &Sampled{Method: OpBanzhaf}
	case OpDRT:
		return &DRTCall{}
	case OpPoints:
		return &PointsCall{}
	case OpMarket:
		return &MarketCall{}
	}
	return nil
}

// newResponse returns an empty response of op o, or nil.
func newResponse(o Op) Response {
	switch o {
	case OpModelNew, OpModelTrain:
		return &ModelResult{op: o}
	case OpModelPredict:
		return &PredictResult{}
	case OpModelEvaluate:
		return &EvaluateResult{}
	case OpMarginal, OpLeaveOneOut, OpKNNShapley:
		return &ValuesResult{op: o}
	case OpPermutationShapley, OpBanzhaf:
		return &SampledResult{op: o}
	case OpDRT:
		return &DRTResult{}
	case OpPoints:
		return &PointsResult{}
	case OpMarket:
		return &MarketResult{}
	}
	return nil
}

// EncodeRequest returns the canonical encoding of r.
func EncodeRequest(r Request) []byte {
	w := wire.NewWriter(requestMagic, Version, 64)
	w.U16(uint16(r.Op()))
	r.encodeBody(w)
	return w.Out()
}

// DecodeRequest decodes a request; errors are *Error with CodeMalformed or CodeLimit.
func DecodeRequest(b []byte) (Request, error) { return decodeRequest(b, false) }

// decodeRequest decodes a request whose datasets may share b's memory if shared
// (dataset.DecodeShared).
func decodeRequest(b []byte, shared bool) (Request, error) {
	if len(b) > MaxRequestBytes {
		return nil, errorf(CodeLimit, "request of %d bytes exceeds %d", len(b), MaxRequestBytes)
	}
	r := wire.NewReader(b, requestMagic, Version)
	r.Shared = shared
	o := Op(r.U16())
	if err := r.Err(); err != nil {
		return nil, asError(CodeMalformed, err)
	}
	req := newRequest(o)
	if req == nil {
		return nil, errorf(CodeMalformed, "unknown op %d", uint16(o))
	}
	req.decodeBody(r)
	if err := r.Finish(); err != nil {
		return nil, asError(CodeMalformed, fmt.Errorf("%s request: %w", o, err))
	}
	return req, nil
}

// EncodeResponse returns the canonical encoding of r.
func EncodeResponse(r Response) []byte {
	w := wire.NewWriter(responseMagic, Version, 64)
	w.U16(uint16(r.Op()))
	r.encodeBody(w)
	return w.Out()
}

// DecodeResponse decodes a response.
func DecodeResponse(b []byte) (Response, error) {
	r := wire.NewReader(b, responseMagic, Version)
	o := Op(r.U16())
	if err := r.Err(); err != nil {
		return nil, asError(CodeMalformed, err)
	}
	resp := newResponse(o)
	if resp == nil {
		return nil, errorf(CodeMalformed, "unknown op %d", uint16(o))
	}
	resp.decodeBody(r)
	if err := r.Finish(); err != nil {
		return nil, asError(CodeMalformed, fmt.Errorf("%s response: %w", o, err))
	}
	return resp, nil
}

// Execute runs one encoded request and returns the encoded response. It first charges
// gas.Call once and gas.InputByte per request byte, then decodes the request and charges
// its work as it runs it, and last gas.OutputByte per response byte. A failure returns an
// *Error and no response. Execute never panics on any input.
func Execute(req []byte, m gas.Meter) ([]byte, error) { return execute(req, m, false) }

// ExecuteInPlace is Execute for a caller that gives req up to the call: the request's
// datasets are decoded without copies where the machine allows it (dataset.DecodeShared,
// which may move bytes within req), so req must not be read or changed by anyone else
// until the call returns, nor relied on after. The response and the gas charged are
// Execute's. The WebAssembly guest runs every call this way, on the buffer it owns.
func ExecuteInPlace(req []byte, m gas.Meter) ([]byte, error) { return execute(req, m, true) }

func execute(req []byte, m gas.Meter, inPlace bool) ([]byte, error) {
	if err := m.Charge(gas.Call, 1); err != nil {
		return nil, asError(CodeOutOfGas, err)
	}
	if err := m.Charge(gas.InputByte, uint64(len(req))); err != nil {
		return nil, asError(CodeOutOfGas, err)
	}
	r, err := decodeRequest(req, inPlace)
	if err != nil {
		return nil, err
	}
	resp, err := r.run(m)
	if err != nil {
		return nil, asError(CodeInvalid, err)
	}
	out := EncodeResponse(resp)
	if err := m.Charge(gas.OutputByte, uint64(len(out))); err != nil {
		return nil, asError(CodeOutOfGas, err)
	}
	return out, nil
}

// Run is Execute on a decoded request, returning the decoded response: what a native
// caller uses. It charges exactly what Execute charges for EncodeRequest(r).
func Run(r Request, m gas.Meter) (Response, error) {
	b, err := Execute(EncodeRequest(r), m)
	if err != nil {
		return nil, err
	}
	return DecodeResponse(b)
}

// Native runs requests natively with the default gas schedule: the reference the
// WebAssembly forms (package wasm) are held to.
type Native struct{}

// Call executes req with a gas limit and returns the response and the gas used (the limit,
// if it ran out). On failure the error is an *Error.
func (Native) Call(_ context.Context, req []byte, gasLimit uint64) ([]byte, uint64, error) {
	m := gas.NewCounter(gas.Default, gasLimit)
	resp, err := Execute(req, m)
	return resp, m.Used(), err
}
