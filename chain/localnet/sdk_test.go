package localnet_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"

	gogoproto "github.com/cosmos/gogoproto/proto"

	coreaddress "cosmossdk.io/core/address"

	txsigning "github.com/cosmos/cosmos-sdk/x/tx/signing"

	"github.com/cosmos/cosmos-sdk/client"
	clienttx "github.com/cosmos/cosmos-sdk/client/tx"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/address"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	"github.com/cosmos/cosmos-sdk/std"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	authsigning "github.com/cosmos/cosmos-sdk/x/auth/signing"
	authtx "github.com/cosmos/cosmos-sdk/x/auth/tx"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/meritchain/merit/chain/localnet"
	merittypes "github.com/meritchain/merit/chain/x/merit/types"
)

// The load test signs its transactions in this process (a meritd process per transaction
// would cost more CPU than the validators) and reads the chain through CometBFT's RPC:
// abci_query for the modules' gRPC queries, broadcast_tx_sync, block and block_results.
// This file holds that client: the codec (the chain's message types, without the app),
// keys, signing and the queries.

// sdkCodec is the part of the chain's encoding a client needs.
type sdkCodec struct {
	cdc   codec.Codec
	txCfg client.TxConfig
	addr  coreaddress.Codec // bech32 "merit"
}

var codecOnce = sync.OnceValues(func() (*sdkCodec, error) {
	accounts := address.Bech32Codec{Bech32Prefix: "merit"}
	ir, err := codectypes.NewInterfaceRegistryWithOptions(codectypes.InterfaceRegistryOptions{
		ProtoFiles: gogoproto.HybridResolver,
		SigningOptions: txsigning.Options{
			AddressCodec:          accounts,
			ValidatorAddressCodec: address.Bech32Codec{Bech32Prefix: "meritvaloper"},
		},
	})
	if err != nil {
		return nil, err
	}
	std.RegisterInterfaces(ir)
	authtypes.RegisterInterfaces(ir)
	banktypes.RegisterInterfaces(ir)
	merittypes.RegisterInterfaces(ir)
	cdc := codec.NewProtoCodec(ir)
	return &sdkCodec{cdc: cdc, txCfg: authtx.NewTxConfig(cdc, authtx.DefaultSignModes), addr: accounts}, nil
})

// key is an account whose private key this process holds.
type key struct {
	priv    *secp256k1.PrivKey
	address string // merit1…
	number  uint64 // account number, once the account exists
}

// newKey derives a key from a name (deterministically: the same name, the same key).
func newKey(c *sdkCodec, name string) (*key, error) {
	priv := secp256k1.GenPrivKeyFromSecret([]byte("merit localnet " + name))
	a, err := c.addr.BytesToString(priv.PubKey().Address())
	if err != nil {
		return nil, err
	}
	return &key{priv: priv, address: a}, nil
}

// sign returns the encoded transaction of msgs signed by k (SIGN_MODE_DIRECT) with
// sequence seq and a gas limit, no fee.
func (c *sdkCodec) sign(chainID string, k *key, seq, gas uint64, msgs ...sdk.Msg) ([]byte, error) {
	b := c.txCfg.NewTxBuilder()
	if err := b.SetMsgs(msgs...); err != nil {
		return nil, err
	}
	b.SetGasLimit(gas)
	pub := k.priv.PubKey()
	if err := b.SetSignatures(signing.SignatureV2{PubKey: pub,
		Data: &signing.SingleSignatureData{SignMode: signing.SignMode_SIGN_MODE_DIRECT}, Sequence: seq}); err != nil {
		return nil, err
	}
	sig, err := clienttx.SignWithPrivKey(context.Background(), signing.SignMode_SIGN_MODE_DIRECT,
		authsigning.SignerData{ChainID: chainID, AccountNumber: k.number, Sequence: seq, PubKey: pub, Address: k.address},
		b, k.priv, c.txCfg, seq)
	if err != nil {
		return nil, err
	}
	if err := b.SetSignatures(sig); err != nil {
		return nil, err
	}
	return c.txCfg.TxEncoder()(b.GetTx())
}

// txHash is CometBFT's hash of an encoded transaction (upper-case hex).
func txHash(tx []byte) string {
	s := sha256.Sum256(tx)
	return strings.ToUpper(hex.EncodeToString(s[:]))
}

// checkTx is broadcast_tx_sync's answer.
type checkTx struct {
	Code      uint32 `json:"code"`
	Codespace string `json:"codespace"`
	Log       string `json:"log"`
	Hash      string `json:"hash"`
}

// broadcastSync sends an encoded transaction to node i and returns CheckTx's answer.
func broadcastSync(ctx context.Context, n *localnet.Net, i int, tx []byte) (*checkTx, error) {
	var r checkTx
	if err := n.RPC(ctx, i, "broadcast_tx_sync", url.Values{"tx": {"0x" + hex.EncodeToString(tx)}}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// queryError is a refused abci_query.
type queryError struct {
	Code      uint32
	Codespace string
	Log       string
}

func (e *queryError) Error() string {
	return fmt.Sprintf("query refused: %s/%d: %s", e.Codespace, e.Code, e.Log)
}

// abciQuery runs a module's gRPC query (path "/merit.v1.Query/Model", …) on node i at
// height (0: the latest) through CometBFT's abci_query and decodes the answer into resp.
func (c *sdkCodec) abciQuery(ctx context.Context, n *localnet.Net, i int, height int64, path string, req, resp gogoproto.Message) error {
	data, err := c.cdc.Marshal(req)
	if err != nil {
		return err
	}
	params := url.Values{"path": {`"` + path + `"`}, "data": {"0x" + hex.EncodeToString(data)}}
	if height > 0 {
		params.Set("height", fmt.Sprint(height))
	}
	var r struct {
		Response struct {
			Code      uint32 `json:"code"`
			Codespace string `json:"codespace"`
			Log       string `json:"log"`
			Value     string `json:"value"` // base64
		} `json:"response"`
	}
	if err := n.RPC(ctx, i, "abci_query", params, &r); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if r.Response.Code != 0 {
		return &queryError{r.Response.Code, r.Response.Codespace, r.Response.Log}
	}
	b, err := base64.StdEncoding.DecodeString(r.Response.Value)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return c.cdc.Unmarshal(b, resp)
}

// notFound reports whether err is a query refused because the model or market does not
// exist.
func notFound(err error) bool {
	var q *queryError
	if !errors.As(err, &q) {
		return false
	}
	// A gRPC query's error reaches abci_query as the SDK's ErrUnknownRequest carrying the
	// module's message ("…: unknown model: unknown request").
	return q.Codespace == merittypes.ModuleName && (q.Code == merittypes.ErrUnknownModel.ABCICode() || q.Code == merittypes.ErrUnknownMarket.ABCICode()) ||
		strings.Contains(q.Log, merittypes.ErrUnknownModel.Error()) || strings.Contains(q.Log, merittypes.ErrUnknownMarket.Error())
}

// accountNumber returns the account number of an existing account (node i, latest).
func (c *sdkCodec) accountNumber(ctx context.Context, n *localnet.Net, i int, addr string) (uint64, uint64, error) {
	var r authtypes.QueryAccountInfoResponse
	if err := c.abciQuery(ctx, n, i, 0, "/cosmos.auth.v1beta1.Query/AccountInfo", &authtypes.QueryAccountInfoRequest{Address: addr}, &r); err != nil {
		return 0, 0, err
	}
	if r.Info == nil {
		return 0, 0, fmt.Errorf("no account %s", addr)
	}
	return r.Info.AccountNumber, r.Info.Sequence, nil
}

// balance returns addr's balance of denom at height on node i.
func (c *sdkCodec) balance(ctx context.Context, n *localnet.Net, i int, height int64, addr, denom string) (int64, error) {
	var r banktypes.QueryBalanceResponse
	if err := c.abciQuery(ctx, n, i, height, "/cosmos.bank.v1beta1.Query/Balance", &banktypes.QueryBalanceRequest{Address: addr, Denom: denom}, &r); err != nil {
		return 0, err
	}
	if r.Balance == nil {
		return 0, nil
	}
	return r.Balance.Amount.Int64(), nil
}

// supply returns the total supply of denom at height on node i.
func (c *sdkCodec) supply(ctx context.Context, n *localnet.Net, i int, height int64, denom string) (int64, error) {
	var r banktypes.QuerySupplyOfResponse
	if err := c.abciQuery(ctx, n, i, height, "/cosmos.bank.v1beta1.Query/SupplyOf", &banktypes.QuerySupplyOfRequest{Denom: denom}, &r); err != nil {
		return 0, err
	}
	return r.Amount.Amount.Int64(), nil
}

// moduleAddress is the merit module account's address.
func (c *sdkCodec) moduleAddress() string {
	a, _ := c.addr.BytesToString(authtypes.NewModuleAddress(merittypes.ModuleName))
	return a
}

// pages calls get with successive page requests until the last page.
func pages(get func(*query.PageRequest) (*query.PageResponse, error)) error {
	req := &query.PageRequest{Limit: 500}
	for {
		resp, err := get(req)
		if err != nil {
			return err
		}
		if resp == nil || len(resp.NextKey) == 0 {
			return nil
		}
		req = &query.PageRequest{Key: resp.NextKey, Limit: 500}
	}
}
