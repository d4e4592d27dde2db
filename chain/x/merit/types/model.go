package types

import (
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/meritchain/merit/engine/incentive"
	"github.com/meritchain/merit/engine/model"
)

// EngineConfig returns the engine's model configuration of m, normalized (defaults made
// explicit), or an ErrInvalidModel error.
func (m *ModelInfo) EngineConfig() (model.Config, error) {
	return engineConfig(m.Family, m.Dims, m.Classes, m.ScaleExp, m.Bound, m.LearningRate, m.AlphaMicro, m.K)
}

// EngineConfig returns the engine's configuration that msg asks for, normalized.
func (msg *MsgCreateModel) EngineConfig() (model.Config, error) {
	return engineConfig(msg.Family, msg.Dims, msg.Classes, msg.ScaleExp, msg.Bound, msg.LearningRate, msg.AlphaMicro, msg.K)
}

func engineConfig(family string, dims, classes, scaleExp uint32, bound, lr int32, alpha int64, k uint32) (model.Config, error) {
	f, err := model.ParseFamily(family)
	if err != nil {
		return model.Config{}, errorsmod.Wrapf(ErrInvalidModel, "%v", err)
	}
	if dims > 1<<30 || classes > 1<<30 || scaleExp > 1<<30 || k > 1<<30 {
		return model.Config{}, errorsmod.Wrapf(ErrInvalidModel, "dims, classes, scale_exp or k out of range")
	}
	c, err := model.Config{
		Family: f, Dims: int(dims), Classes: int(classes), ScaleExp: int(scaleExp), Bound: bound,
		LearningRate: lr, AlphaMicro: alpha, K: int(k),
	}.Normalize()
	if err != nil {
		return model.Config{}, errorsmod.Wrapf(ErrInvalidModel, "%v", err)
	}
	return c, nil
}

// SetConfig sets m's configuration fields from a normalized engine configuration.
func (m *ModelInfo) SetConfig(c model.Config) {
	m.Family = c.Family.String()
	m.Dims, m.Classes, m.ScaleExp = uint32(c.Dims), uint32(c.Classes), uint32(c.ScaleExp)
	m.Bound, m.LearningRate, m.AlphaMicro, m.K = c.Bound, c.LearningRate, c.AlphaMicro, uint32(c.K)
}

// EngineConfig returns the engine's model configuration of market m, normalized.
func (m *Market) EngineConfig() (model.Config, error) {
	return engineConfig(m.Family, m.Dims, m.Classes, m.ScaleExp, m.Bound, m.LearningRate, m.AlphaMicro, m.K)
}

// EngineConfig returns the engine's configuration that msg asks for, normalized.
func (msg *MsgCreateMarket) EngineConfig() (model.Config, error) {
	return engineConfig(msg.Family, msg.Dims, msg.Classes, msg.ScaleExp, msg.Bound, msg.LearningRate, msg.AlphaMicro, msg.K)
}

// SetConfig sets market m's configuration fields from a normalized engine configuration.
func (m *Market) SetConfig(c model.Config) {
	m.Family = c.Family.String()
	m.Dims, m.Classes, m.ScaleExp = uint32(c.Dims), uint32(c.Classes), uint32(c.ScaleExp)
	m.Bound, m.LearningRate, m.AlphaMicro, m.K = c.Bound, c.LearningRate, c.AlphaMicro, uint32(c.K)
}

// ToEngineAddress converts an account address to the engine's 20-byte address. The
// mechanisms identify accounts by 20 bytes, so other lengths are refused.
func ToEngineAddress(a sdk.AccAddress) (incentive.Address, error) {
	var out incentive.Address
	if len(a) != incentive.AddressLen {
		return out, errorsmod.Wrapf(ErrInvalidAddress, "the engine needs %d-byte account addresses, this one has %d bytes",
			incentive.AddressLen, len(a))
	}
	copy(out[:], a)
	if out.IsZero() {
		return out, errorsmod.Wrapf(ErrInvalidAddress, "the zero address")
	}
	return out, nil
}

// FromEngineAddress converts an engine address to an account address.
func FromEngineAddress(a incentive.Address) sdk.AccAddress {
	return sdk.AccAddress(append([]byte(nil), a[:]...))
}
