package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	dbm "github.com/cosmos/cosmos-db"

	"cosmossdk.io/log/v2"

	"github.com/cosmos/cosmos-sdk/client"
	clienttx "github.com/cosmos/cosmos-sdk/client/tx"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"

	"github.com/meritchain/merit/chain/app"
	"github.com/meritchain/merit/chain/x/merit/types"
)

// TestThroughput measures add-data transactions per second on a one-validator chain over
// loopback: it signs N add-data transactions in process, broadcasts them all through
// CometBFT's RPC, and times how long the chain takes to commit them. It runs only when
// MERIT_CHAIN_BENCH is set (its value is N, default 300):
//
//	cd chain && MERIT_CHAIN_BENCH=300 go test -run Throughput -v ./e2e/
func TestThroughput(t *testing.T) {
	nStr, ok := os.LookupEnv("MERIT_CHAIN_BENCH")
	if !ok {
		t.Skip("set MERIT_CHAIN_BENCH=N to measure add-data throughput")
	}
	n, err := strconv.Atoi(nStr)
	if err != nil || n <= 0 {
		n = 300
	}
	for _, dims := range []int{4, 64} {
		t.Run(fmt.Sprintf("perceptron/dims=%d", dims), func(t *testing.T) { throughput(t, n, dims) })
	}
}

func throughput(t *testing.T, n, dims int) {
	c := newChain(t)
	c.start()
	c.tx("owner", "merit", "create-model", "perceptron", fmt.Sprint(dims), "10", "255", "drt", "--cost-weight", "1",
		"--refund-wait", "600", "--owner-wait", "600", "--any-address-wait", "600")

	// Sign n transactions, spread over four senders (each with its own sequence).
	a := app.New(log.NewNopLogger(), dbm.NewMemDB(), true, simtestutil.NewAppOptionsWithFlagHome(t.TempDir()))
	kr, err := keyring.New("meritd", keyring.BackendTest, c.home, nil, a.AppCodec())
	if err != nil {
		t.Fatal(err)
	}
	senders := []string{"alice", "bob", "mallory", "owner"}
	txs := make([][]string, len(senders))
	x := make([]int32, dims)
	for s, name := range senders {
		var acct struct {
			Account struct {
				Value struct {
					Address       string
					AccountNumber string `json:"account_number"`
					Sequence      string
				}
			}
		}
		c.query(&acct, "auth", "account", strings.TrimSpace(c.run("keys", "show", name, "-a", "--keyring-backend", "test")))
		v := acct.Account.Value
		txf := clienttx.Factory{}.WithChainID(chainID).WithKeybase(kr).WithTxConfig(a.TxConfig()).
			WithAccountNumber(uint64(atoi(t, orZero(v.AccountNumber)))).WithGas(20_000_000).
			WithSignMode(signing.SignMode_SIGN_MODE_DIRECT)
		seq := uint64(atoi(t, orZero(v.Sequence)))
		for i := s; i < n; i += len(senders) {
			for j := range x {
				x[j] = int32((i*7 + j*13) % 256)
			}
			msg := &types.MsgAddData{Contributor: v.Address, ModelId: 0, Features: x, Label: uint32(i % 10), Deposit: 3600}
			txs[s] = append(txs[s], signTx(t, txf.WithSequence(seq), a.TxConfig(), name, msg))
			seq++
		}
	}

	// Broadcast them (one goroutine per sender, in sequence order), then wait until the
	// model holds them all.
	rpc := "http://" + strings.TrimPrefix(c.node, "tcp://")
	start := time.Now()
	h0, _ := c.height()
	errs := make(chan error, len(senders))
	for s := range senders {
		go func() {
			for i, tx := range txs[s] {
				if code, log, err := broadcast(rpc, tx); err != nil || code != 0 {
					errs <- fmt.Errorf("%s's tx %d: code %d %s %v", senders[s], i, code, log, err)
					return
				}
			}
			errs <- nil
		}()
	}
	for range senders {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	sent := time.Since(start)
	var model struct {
		Model struct{ Contributions string }
	}
	deadline := time.Now().Add(10 * time.Minute)
	for {
		c.query(&model, "merit", "model", "0")
		if atoi(t, orZero(model.Model.Contributions)) >= int64(n) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %s of %d contributions after 10 minutes", model.Model.Contributions, n)
		}
		time.Sleep(100 * time.Millisecond)
	}
	elapsed := time.Since(start)
	h1, _ := c.height()
	t.Logf("%d add-data transactions (perceptron, %d dims, 10 classes): broadcast in %s, committed in %s over %d blocks: %.1f tx/s",
		n, dims, sent.Round(time.Millisecond), elapsed.Round(time.Millisecond), h1-h0, float64(n)/elapsed.Seconds())
}

func signTx(t *testing.T, txf clienttx.Factory, cfg client.TxConfig, key string, msg *types.MsgAddData) string {
	b, err := txf.BuildUnsignedTx(msg)
	if err != nil {
		t.Fatal(err)
	}
	if err := clienttx.Sign(context.Background(), txf, key, b, true); err != nil {
		t.Fatal(err)
	}
	bz, err := cfg.TxEncoder()(b.GetTx())
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(bz)
}

// broadcast sends one transaction with CometBFT's broadcast_tx_sync (it returns after
// CheckTx).
func broadcast(rpc, tx string) (uint32, string, error) {
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "broadcast_tx_sync", "params": map[string]string{"tx": tx}})
	resp, err := http.Post(rpc, "application/json", bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	var r struct {
		Result struct {
			Code uint32
			Log  string
		}
		Error *struct{ Message, Data string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return 0, "", err
	}
	if r.Error != nil {
		return 0, "", fmt.Errorf("broadcast: %s %s", r.Error.Message, r.Error.Data)
	}
	return r.Result.Code, r.Result.Log, nil
}

func orZero(s string) string {
	if s == "" {
		return "0"
	}
	return s
}
