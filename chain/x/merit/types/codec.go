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
	cdc.RegisterConcrete(&MsgCreateMarket{}, "merit/MsgCreateMarket", nil)
	cdc.RegisterConcrete(&MsgRevealInitial{}, "merit/MsgRevealInitial", nil)
	cdc.RegisterConcrete(&MsgCancelMarket{}, "merit/MsgCancelMarket", nil)
	cdc.RegisterConcrete(&MsgJoinMarket{}, "merit/MsgJoinMarket", nil)
	cdc.RegisterConcrete(&MsgEndMarket{}, "merit/MsgEndMarket", nil)
	cdc.RegisterConcrete(&MsgRevealPortion{}, "merit/MsgRevealPortion", nil)
	cdc.RegisterConcrete(&MsgAbortMarket{}, "merit/MsgAbortMarket", nil)
	cdc.RegisterConcrete(&MsgProcessRewards{}, "merit/MsgProcessRewards", nil)
	cdc.RegisterConcrete(&MsgCollect{}, "merit/MsgCollect", nil)
	cdc.RegisterConcrete(&MsgReclaimBounty{}, "merit/MsgReclaimBounty", nil)
	cdc.RegisterConcrete(&MsgClaimAbandoned{}, "merit/MsgClaimAbandoned", nil)
	cdc.RegisterConcrete(&Params{}, "merit/x/merit/Params", nil)
}

// RegisterInterfaces registers the messages and the Msg service.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	registry.RegisterImplementations((*sdk.Msg)(nil),
		&MsgUpdateParams{}, &MsgCreateModel{}, &MsgAddData{}, &MsgRefund{}, &MsgReport{}, &MsgClaim{},
		&MsgCreateMarket{}, &MsgRevealInitial{}, &MsgCancelMarket{}, &MsgJoinMarket{}, &MsgEndMarket{}, &MsgRevealPortion{}, &MsgAbortMarket{}, &MsgProcessRewards{}, &MsgCollect{}, &MsgReclaimBounty{}, &MsgClaimAbandoned{})
	msgservice.RegisterMsgServiceDesc(registry, &_Msg_serviceDesc)
}
