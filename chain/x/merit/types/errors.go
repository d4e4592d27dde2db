package types

import errorsmod "cosmossdk.io/errors"

// The module's registered errors (codespace "merit"). Every refused transaction fails
// with one of them and changes no state.
var (
	ErrInvalidParams        = errorsmod.Register(ModuleName, 2, "invalid parameters")
	ErrUnauthorized         = errorsmod.Register(ModuleName, 3, "unauthorized")
	ErrInvalidAddress       = errorsmod.Register(ModuleName, 4, "invalid address")
	ErrUnknownModel         = errorsmod.Register(ModuleName, 5, "unknown model")
	ErrInvalidModel         = errorsmod.Register(ModuleName, 6, "invalid model")
	ErrWrongDims            = errorsmod.Register(ModuleName, 7, "wrong number of dimensions")
	ErrMalformedFeatures    = errorsmod.Register(ModuleName, 8, "malformed features")
	ErrDepositTooLow        = errorsmod.Register(ModuleName, 9, "deposit below the required deposit")
	ErrUnknownContribution  = errorsmod.Register(ModuleName, 10, "unknown contribution")
	ErrTooEarly             = errorsmod.Register(ModuleName, 11, "too early")
	ErrAlreadyClaimed       = errorsmod.Register(ModuleName, 12, "already claimed by this address")
	ErrOwnContribution      = errorsmod.Register(ModuleName, 13, "cannot report one's own contribution")
	ErrNotContributor       = errorsmod.Register(ModuleName, 14, "caller is not the contributor")
	ErrModelDisagrees       = errorsmod.Register(ModuleName, 15, "the model does not predict the contribution's label")
	ErrModelAgrees          = errorsmod.Register(ModuleName, 16, "the model predicts the contribution's label")
	ErrNotValidated         = errorsmod.Register(ModuleName, 17, "reporter has no validated contribution")
	ErrNothingLeft          = errorsmod.Register(ModuleName, 18, "nothing left to claim")
	ErrTaken                = errorsmod.Register(ModuleName, 19, "deposit already taken in part")
	ErrOutOfGas             = errorsmod.Register(ModuleName, 20, "out of gas in the engine")
	ErrEngineLimit          = errorsmod.Register(ModuleName, 21, "engine limit exceeded")
	ErrEngineRefused        = errorsmod.Register(ModuleName, 22, "refused by the engine")
	ErrEngine               = errorsmod.Register(ModuleName, 23, "engine failure")
	ErrEngineMismatch       = errorsmod.Register(ModuleName, 24, "engine build does not match the pinned hash")
	ErrTooManyContributions = errorsmod.Register(ModuleName, 25, "too many contributions")
	ErrUnsupported          = errorsmod.Register(ModuleName, 26, "not supported by the model's mechanism")
	ErrHashMismatch         = errorsmod.Register(ModuleName, 27, "data does not match the recorded hash")
	ErrInvalidGenesis       = errorsmod.Register(ModuleName, 28, "invalid genesis")
)
