package keeper

import (
	"context"
	"errors"
	"math/bits"
	"strings"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/meritchain/merit/chain/x/merit/types"
	"github.com/meritchain/merit/engine/abi"
	"github.com/meritchain/merit/engine/gas"
	"github.com/meritchain/merit/engine/incentive"
)

// EngineGasLimit returns the engine gas limit of a call made with ctx's gas meter:
// min(params.max_engine_gas_per_call, ⌊remaining SDK gas · denominator / numerator⌋),
// so that charging the call's gas (ChargeEngineGas, rounded up) never exceeds what the
// transaction has left.
func EngineGasLimit(ctx sdk.Context, p types.Params) uint64 {
	remaining := ctx.GasMeter().GasRemaining()
	hi, lo := bits.Mul64(remaining, p.GasPriceDenominator)
	var limit uint64
	if hi >= p.GasPriceNumerator {
		limit = ^uint64(0) // the quotient does not fit: no constraint from the meter
	} else {
		limit, _ = bits.Div64(hi, lo, p.GasPriceNumerator)
	}
	return min(limit, p.MaxEngineGasPerCall)
}

// SDKGas converts engine gas to SDK gas: ⌈engineGas · numerator / denominator⌉,
// saturating.
func SDKGas(p types.Params, engineGas uint64) uint64 {
	hi, lo := bits.Mul64(engineGas, p.GasPriceNumerator)
	if hi >= p.GasPriceDenominator {
		return ^uint64(0)
	}
	q, r := bits.Div64(hi, lo, p.GasPriceDenominator)
	if r != 0 {
		q++
	}
	return q
}

// call runs one engine request: it checks that this node runs the pinned engine build,
// limits the call's gas (EngineGasLimit), charges the gas used to ctx's gas meter (also
// when the call fails), and maps the engine's errors to the module's registered errors.
// It writes no state. The engine runs under a background context: nothing but the
// request decides its result.
func (k Keeper) call(ctx sdk.Context, p types.Params, req abi.Request) (abi.Response, uint64, error) {
	resp, used, _, err := k.callLimit(ctx, p, req, EngineGasLimit(ctx, p))
	return resp, used, err
}

// callLimit is call with an explicit engine gas limit (at most EngineGasLimit). It also
// returns the call's I/O gas: what gas.Call, gas.InputByte and gas.OutputByte charged
// (the rest of the gas used is the engine's work gas).
func (k Keeper) callLimit(ctx sdk.Context, p types.Params, req abi.Request, limit uint64) (abi.Response, uint64, uint64, error) {
	if p.EngineSha256 != k.engineSHA256 {
		return nil, 0, 0, errorsmod.Wrapf(types.ErrEngineMismatch, "params pin %s, this node runs %s", p.EngineSha256, k.engineSHA256)
	}
	limit = min(limit, EngineGasLimit(ctx, p))
	if limit == 0 {
		return nil, 0, 0, errorsmod.Wrapf(types.ErrOutOfGas, "no gas left for an engine call")
	}
	b := abi.EncodeRequest(req)
	out, used, err := k.engine.Call(context.Background(), b, limit)
	ctx.GasMeter().ConsumeGas(SDKGas(p, used), "merit engine "+req.Op().String())
	if err != nil {
		return nil, used, 0, engineError(err)
	}
	io := gas.Default.Cost(gas.Call, 1) + gas.Default.Cost(gas.InputByte, uint64(len(b))) + gas.Default.Cost(gas.OutputByte, uint64(len(out)))
	resp, err := abi.DecodeResponse(out)
	if err != nil {
		return nil, used, io, errorsmod.Wrapf(types.ErrEngine, "undecodable %s response: %v", req.Op(), err)
	}
	if resp.Op() != req.Op() {
		return nil, used, io, errorsmod.Wrapf(types.ErrEngine, "%s response to a %s request", resp.Op(), req.Op())
	}
	return resp, used, io, nil
}

// refusals maps the mechanisms' refusals to the module's errors. Across the WebAssembly
// boundary an engine error is a code and a deterministic message; a refusal's message
// contains its sentinel's text (the mechanisms wrap exactly one sentinel), which is how
// it is recognised.
var refusals = []struct {
	sentinel error
	mapped   *errorsmod.Error
}{
	// *incentive.NotValidatedError's text names the reporter: match its tail.
	{errors.New("has no validated contribution"), types.ErrNotValidated},
	{incentive.ErrBadParams, types.ErrInvalidModel},
	{incentive.ErrDepositTooLow, types.ErrDepositTooLow},
	{incentive.ErrTooEarly, types.ErrTooEarly},
	{incentive.ErrAlreadyClaimed, types.ErrAlreadyClaimed},
	{incentive.ErrOwnContribution, types.ErrOwnContribution},
	{incentive.ErrNotContributor, types.ErrNotContributor},
	{incentive.ErrModelAgrees, types.ErrModelAgrees},
	{incentive.ErrModelDisagrees, types.ErrModelDisagrees},
	{incentive.ErrNotValidated, types.ErrNotValidated},
	{incentive.ErrNothingLeft, types.ErrNothingLeft},
	{incentive.ErrTaken, types.ErrTaken},
	{incentive.ErrUnknownContribution, types.ErrUnknownContribution},
	{incentive.ErrHashMismatch, types.ErrHashMismatch},
	{incentive.ErrZeroAddress, types.ErrInvalidAddress},
	{incentive.ErrTooMany, types.ErrTooManyContributions},
	// *incentive.PhaseError's text: "… needs phase …".
	{errors.New(" needs phase "), types.ErrWrongPhase},
	{incentive.ErrStakeTooLow, types.ErrStakeTooLow},
	{incentive.ErrCannotEnd, types.ErrTooEarly},
	{incentive.ErrNotProvider, types.ErrNotProvider},
	{abi.ErrBudget, types.ErrEngineLimit},
}

// engineError maps an engine error to a registered error.
func engineError(err error) error {
	var e *abi.Error
	if !errors.As(err, &e) {
		if errors.Is(err, gas.ErrOutOfGas) {
			return errorsmod.Wrap(types.ErrOutOfGas, err.Error())
		}
		return errorsmod.Wrap(types.ErrEngine, err.Error())
	}
	switch e.Code {
	case abi.CodeOutOfGas:
		return errorsmod.Wrap(types.ErrOutOfGas, e.Msg)
	case abi.CodeLimit:
		return errorsmod.Wrap(types.ErrEngineLimit, e.Msg)
	case abi.CodeMalformed:
		return errorsmod.Wrap(types.ErrEngine, "malformed request: "+e.Msg)
	}
	for _, r := range refusals {
		if strings.Contains(e.Msg, r.sentinel.Error()) {
			return errorsmod.Wrap(r.mapped, e.Msg)
		}
	}
	return errorsmod.Wrap(types.ErrEngineRefused, e.Msg)
}

func errorsIsNotFound(err error) bool { return errors.Is(err, collections.ErrNotFound) }
