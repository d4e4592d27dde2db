package types

import sdk "github.com/cosmos/cosmos-sdk/types"

var _ sdk.HasValidateBasic = (*MsgUpdateParams)(nil)

// ValidateBasic checks the parameters' form (Params.Validate: ranges, and engine_sha256
// being 64 lower-case hex digits) without any state. x/gov's SubmitProposal runs it on
// every message of a proposal — and, for messages other than MsgExecLegacyContent,
// nothing else of them — so a proposal with malformed merit parameters is refused when
// it is submitted instead of failing when it executes. Whether engine_sha256 is the build
// the nodes run is a question for the handler (ErrEngineMismatch), which gov runs when a
// passed proposal executes.
func (msg *MsgUpdateParams) ValidateBasic() error { return msg.Params.Validate() }
