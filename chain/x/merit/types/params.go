package types

import (
	errorsmod "cosmossdk.io/errors"
	"encoding/hex"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/incentive/market"
)

// Default parameter values. The gas price is 1 SDK gas per 10 engine gas: an engine
// call's fixed cost (gas.Call, 100 000) is then 10 000 SDK gas, about a fifth of a bank
// send.
const (
	DefaultGasPriceNumerator        = 1
	DefaultGasPriceDenominator      = 10
	DefaultMaxEngineGasPerCall      = 2_000_000_000
	DefaultMaxDims                  = 4096
	DefaultMaxClasses               = 256
	DefaultMaxContributionsPerModel = 10_000
	DefaultMaxTestRows              = 4096
	DefaultDepositDenom             = "stake" // the SDK's default bond denom
	// Prediction markets: about a third to a half of a second of engine time per block in
	// the WebAssembly engine (BENCHMARKS.md, "Prediction markets").
	DefaultMarketBlockGas         = 1_000_000_000
	DefaultMarketStepRows         = 1024
	DefaultMaxMarketContributions = 10_000
	DefaultMaxMarketTestRows      = 10_000
	DefaultMarketAbandonWait      = 7 * 24 * 3600
	// DefaultMarketStepGas prices a reward step's fixed cost (BENCHMARKS.md, "Markets
	// on chain": the time of a step beyond its work gas, at the calibration's time per
	// gas unit).
	DefaultMarketStepGas = 20_000_000
)

// DefaultParams returns the default parameters, pinned to the engine build engineSHA256.
func DefaultParams(engineSHA256 string) Params {
	return Params{
		EngineSha256:             engineSHA256,
		GasPriceNumerator:        DefaultGasPriceNumerator,
		GasPriceDenominator:      DefaultGasPriceDenominator,
		MaxEngineGasPerCall:      DefaultMaxEngineGasPerCall,
		MaxDims:                  DefaultMaxDims,
		MaxClasses:               DefaultMaxClasses,
		MaxContributionsPerModel: DefaultMaxContributionsPerModel,
		MaxTestRows:              DefaultMaxTestRows,
		DepositDenom:             DefaultDepositDenom,
		MarketBlockGas:           DefaultMarketBlockGas,
		MarketStepRows:           DefaultMarketStepRows,
		MaxMarketContributions:   DefaultMaxMarketContributions,
		MaxMarketTestRows:        DefaultMaxMarketTestRows,
		MarketAbandonWait:        DefaultMarketAbandonWait,
		MarketStepGas:            DefaultMarketStepGas,
	}
}

// Validate checks every field's range (not whether the node runs engine_sha256: the
// keeper checks that).
func (p Params) Validate() error {
	if b, err := hex.DecodeString(p.EngineSha256); err != nil || len(b) != 32 || hex.EncodeToString(b) != p.EngineSha256 {
		return errorsmod.Wrapf(ErrInvalidParams, "engine_sha256 %q is not 64 lower-case hex digits", p.EngineSha256)
	}
	switch {
	case p.GasPriceNumerator == 0 || p.GasPriceDenominator == 0:
		return errorsmod.Wrapf(ErrInvalidParams, "gas price %d/%d must have a non-zero numerator and denominator", p.GasPriceNumerator, p.GasPriceDenominator)
	case p.MaxEngineGasPerCall == 0:
		return errorsmod.Wrapf(ErrInvalidParams, "max_engine_gas_per_call is 0")
	case p.MaxDims < 1 || p.MaxDims > dataset.MaxDims:
		return errorsmod.Wrapf(ErrInvalidParams, "max_dims %d not in 1..%d", p.MaxDims, dataset.MaxDims)
	case p.MaxClasses < 2 || p.MaxClasses > dataset.MaxClasses:
		return errorsmod.Wrapf(ErrInvalidParams, "max_classes %d not in 2..%d", p.MaxClasses, dataset.MaxClasses)
	case p.MaxContributionsPerModel == 0:
		return errorsmod.Wrapf(ErrInvalidParams, "max_contributions_per_model is 0")
	case p.MaxTestRows == 0:
		return errorsmod.Wrapf(ErrInvalidParams, "max_test_rows is 0")
	case p.MarketBlockGas == 0 || p.MarketBlockGas > p.MaxEngineGasPerCall:
		return errorsmod.Wrapf(ErrInvalidParams, "market_block_gas %d not in 1..max_engine_gas_per_call", p.MarketBlockGas)
	case p.MarketStepGas >= p.MarketBlockGas:
		return errorsmod.Wrapf(ErrInvalidParams, "market_step_gas %d must be below market_block_gas %d", p.MarketStepGas, p.MarketBlockGas)
	case p.MarketStepRows == 0:
		return errorsmod.Wrapf(ErrInvalidParams, "market_step_rows is 0")
	case p.MaxMarketContributions == 0 || p.MaxMarketContributions > market.MaxContributions:
		return errorsmod.Wrapf(ErrInvalidParams, "max_market_contributions %d not in 1..%d", p.MaxMarketContributions, market.MaxContributions)
	case p.MaxMarketTestRows == 0 || p.MaxMarketTestRows > market.MaxTestRows:
		return errorsmod.Wrapf(ErrInvalidParams, "max_market_test_rows %d not in 1..%d", p.MaxMarketTestRows, uint64(market.MaxTestRows))
	}
	if err := sdk.ValidateDenom(p.DepositDenom); err != nil {
		return errorsmod.Wrapf(ErrInvalidParams, "deposit_denom: %v", err)
	}
	return nil
}
