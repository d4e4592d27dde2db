package types

import (
	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/msgservice"
)

// RegisterLegacyAminoCodec registers the messages for amino JSON signing.
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	cdc.RegisterConcrete(&MsgUpdateParams{}, "merit/MsgUpdateParams", nil)
	cdc.RegisterConcrete(&MsgCreateModel{}, "merit/MsgCreateModel", nil)
	cdc.RegisterConcrete(&MsgAddData{}, "merit/MsgAddData", nil)
	cdc.RegisterConcrete(&MsgRefund{}, "merit/MsgRefund", nil)
	cdc.RegisterConcrete(&MsgReport{}, "merit/MsgReport", nil)
	cdc.RegisterConcrete(&MsgClaim{}, "merit/MsgClaim", nil)
	cdc.RegisterConcrete(&Params{}, "merit/x/merit/Params", nil)
}

// RegisterInterfaces registers the messages and the Msg service.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	registry.RegisterImplementations((*sdk.Msg)(nil),
		&MsgUpdateParams{}, &MsgCreateModel{}, &MsgAddData{}, &MsgRefund{}, &MsgReport{}, &MsgClaim{})
	msgservice.RegisterMsgServiceDesc(registry, &_Msg_serviceDesc)
}
