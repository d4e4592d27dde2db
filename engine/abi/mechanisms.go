package abi

import (
	"errors"

	"github.com/meritchain/merit/engine/gas"
	"github.com/meritchain/merit/engine/internal/wire"
)

// Placeholder: replaced by the mechanism ops.

type DRTCall struct{}
type DRTResult struct{}
type PointsCall struct{}
type PointsResult struct{}
type MarketCall struct{}
type MarketResult struct{}

func (*DRTCall) Op() Op                             { return OpDRT }
func (*DRTCall) encodeBody(*wire.Writer)            {}
func (*DRTCall) decodeBody(*wire.Reader)            {}
func (*DRTCall) run(gas.Meter) (Response, error)    { return nil, errors.New("todo") }
func (*DRTResult) Op() Op                           { return OpDRT }
func (*DRTResult) encodeBody(*wire.Writer)          {}
func (*DRTResult) decodeBody(*wire.Reader)          {}
func (*PointsCall) Op() Op                          { return OpPoints }
func (*PointsCall) encodeBody(*wire.Writer)         {}
func (*PointsCall) decodeBody(*wire.Reader)         {}
func (*PointsCall) run(gas.Meter) (Response, error) { return nil, errors.New("todo") }
func (*PointsResult) Op() Op                        { return OpPoints }
func (*PointsResult) encodeBody(*wire.Writer)       {}
func (*PointsResult) decodeBody(*wire.Reader)       {}
func (*MarketCall) Op() Op                          { return OpMarket }
func (*MarketCall) encodeBody(*wire.Writer)         {}
func (*MarketCall) decodeBody(*wire.Reader)         {}
func (*MarketCall) run(gas.Meter) (Response, error) { return nil, errors.New("todo") }
func (*MarketResult) Op() Op                        { return OpMarket }
func (*MarketResult) encodeBody(*wire.Writer)       {}
func (*MarketResult) decodeBody(*wire.Reader)       {}
