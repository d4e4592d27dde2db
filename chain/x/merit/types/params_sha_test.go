package types_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/meritchain/merit/chain/x/merit/types"
)

// TestParamsEngineSHA256: Validate (and so MsgUpdateParams.ValidateBasic, which x/gov runs
// when a proposal is submitted) accepts only 64 lower-case hexadecimal digits as the
// engine build's hash.
func TestParamsEngineSHA256(t *testing.T) {
	good := strings.Repeat("0123456789abcdef", 4)
	if err := types.DefaultParams(good).Validate(); err != nil {
		t.Fatalf("%s: %v", good, err)
	}
	for _, bad := range []string{
		"", "zz", "x", good[:63], good[:62], good + "0", good + "00",
		strings.ToUpper(good),            // upper case: not the canonical form
		good[:63] + "g",                  // not hex
		" " + good[1:], good[:63] + "\n", // whitespace
		"0x" + good[2:], // a prefix
		"b72c3b8aa206825fecee8e2198587ec583ec5bf8ce0baad0680a7cb77f4a98b", // one digit short
	} {
		p := types.DefaultParams(bad)
		err := p.Validate()
		if !errors.Is(err, types.ErrInvalidParams) {
			t.Errorf("engine_sha256 %q: Validate gives %v, want ErrInvalidParams", bad, err)
		}
		msg := &types.MsgUpdateParams{Authority: "merit10d07y265gmmuvt4z0w9aw880jnsr700jgzldts", Params: p}
		if err := msg.ValidateBasic(); !errors.Is(err, types.ErrInvalidParams) {
			t.Errorf("engine_sha256 %q: ValidateBasic gives %v, want ErrInvalidParams", bad, err)
		}
	}
	msg := &types.MsgUpdateParams{Params: types.DefaultParams(good)}
	if err := msg.ValidateBasic(); err != nil {
		t.Errorf("ValidateBasic of the default parameters: %v", err)
	}
	msg.Params.GasPriceDenominator = 0
	if err := msg.ValidateBasic(); !errors.Is(err, types.ErrInvalidParams) {
		t.Errorf("ValidateBasic with a zero gas price denominator: %v", err)
	}
}
