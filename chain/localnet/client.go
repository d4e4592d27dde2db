package localnet

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// CommandTimeout bounds one meritd CLI invocation (under the caller's context).
var CommandTimeout = 60 * time.Second

// Meritd runs the meritd binary with args (env added to the environment) and returns its
// standard output; an error carries the command, its standard error and its output.
func (n *Net) Meritd(ctx context.Context, env []string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, CommandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, n.Bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("meritd %s: %w: %s%s", strings.Join(args, " "), err,
			strings.TrimSpace(stderr.String()), strings.TrimSpace(stdout.String()))
	}
	return stdout.String(), nil
}

// withFlags puts flags after args, or before a "--" in args (which ends the flags:
// negative features follow it).
func withFlags(args []string, flags ...string) []string {
	out := append([]string{}, args...)
	if k := slices.Index(out, "--"); k >= 0 {
		return slices.Insert(out, k, flags...)
	}
	return append(out, flags...)
}

// Exec runs meritd as a client of node i: args with --home <node i's home> (its
// client.toml names the chain, the keyring backend test and node i's RPC).
func (n *Net) Exec(ctx context.Context, i int, args ...string) (string, error) {
	return n.Meritd(ctx, nil, withFlags(args, "--home", n.Nodes[i].Home)...)
}

// Query runs `meritd query args… -o json` against node i and decodes the output into v.
func (n *Net) Query(ctx context.Context, i int, v any, args ...string) error {
	q := withFlags(append([]string{"query"}, args...), "--home", n.Nodes[i].Home, "--node", n.Nodes[i].RPCAddr(), "-o", "json")
	out, err := n.Meritd(ctx, nil, q...)
	if err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		return fmt.Errorf("meritd %s: %w\n%s", strings.Join(q, " "), err, out)
	}
	return nil
}

// Address returns the address (merit1…) of a key of the test keyring: an account, or a
// validator's operator key (val0, …).
func (n *Net) Address(ctx context.Context, name string) (string, error) {
	if a, ok := n.Addresses[name]; ok {
		return a, nil
	}
	out, err := n.Exec(ctx, 0, "keys", "show", name, "-a", "--keyring-backend", "test")
	return strings.TrimSpace(out), err
}

// TxResult is a transaction's outcome.
type TxResult struct {
	Node      int    // the node it was sent to
	Hash      string // hex
	Height    int64  // the block it is in; 0 when CheckTx refused it
	Code      uint32 // 0: success
	Codespace string
	Log       string
	GasWanted int64
	GasUsed   int64
	Events    json.RawMessage
}

// Err is nil for a successful transaction, and otherwise says how it failed.
func (r *TxResult) Err() error {
	if r.Code == 0 {
		return nil
	}
	where := "in block " + fmt.Sprint(r.Height)
	if r.Height == 0 {
		where = "by CheckTx"
	}
	return fmt.Errorf("tx %s refused %s: %s/%d: %s", r.Hash, where, r.Codespace, r.Code, r.Log)
}

// Pending is a broadcast transaction not yet known to be in a block.
type Pending struct {
	n      *Net
	Node   int
	Hash   string
	Args   []string
	result *TxResult // set when CheckTx refused it
}

// Broadcast signs `meritd tx args…` as from (a key of the test keyring) and broadcasts it
// through node i (sync mode: it returns after CheckTx). Gas is n.Gas unless args give
// --gas. A transaction refused for a stale account sequence (the node had not yet seen
// the sender's previous transaction) is signed and sent again.
func (n *Net) Broadcast(ctx context.Context, i int, from string, args ...string) (*Pending, error) {
	nd := n.Nodes[i]
	flags := []string{"--from", from, "--home", nd.Home, "--keyring-backend", "test", "--chain-id", n.ChainID,
		"--node", nd.RPCAddr(), "--yes", "-o", "json"}
	if !slices.Contains(args, "--gas") && !slices.ContainsFunc(args, func(a string) bool { return strings.HasPrefix(a, "--gas=") }) {
		gas := n.Gas
		if gas == "" {
			gas = "3000000"
		}
		flags = append(flags, "--gas", gas)
	}
	tx := withFlags(append([]string{"tx"}, args...), flags...)
	for attempt := 0; ; attempt++ {
		out, err := n.Meritd(ctx, nil, tx...)
		if err != nil {
			return nil, err
		}
		var res struct {
			TxHash    string `json:"txhash"`
			Code      uint32 `json:"code"`
			Codespace string `json:"codespace"`
			RawLog    string `json:"raw_log"`
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			return nil, fmt.Errorf("meritd %s: %w\n%s", strings.Join(tx, " "), err, out)
		}
		p := &Pending{n: n, Node: i, Hash: res.TxHash, Args: args}
		if res.Code == 32 && res.Codespace == "sdk" && attempt < 20 { // account sequence mismatch
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(250 * time.Millisecond):
			}
			continue
		}
		if res.Code != 0 {
			p.result = &TxResult{Node: i, Hash: res.TxHash, Code: res.Code, Codespace: res.Codespace, Log: res.RawLog}
		}
		return p, nil
	}
}

// Wait waits until the transaction is in a block and returns its result. It asks the node
// it was sent to, or another running node when that one does not answer.
func (p *Pending) Wait(ctx context.Context) (*TxResult, error) {
	if p.result != nil {
		return p.result, nil
	}
	n := p.n
	deadline := time.Now().Add(60 * time.Second)
	for {
		nodes := append([]int{p.Node}, n.Running()...)
		var lastErr error
		for _, i := range nodes {
			var r struct {
				Height   num `json:"height"`
				TxResult struct {
					Code      uint32          `json:"code"`
					Codespace string          `json:"codespace"`
					Log       string          `json:"log"`
					GasWanted num             `json:"gas_wanted"`
					GasUsed   num             `json:"gas_used"`
					Events    json.RawMessage `json:"events"`
				} `json:"tx_result"`
			}
			err := n.RPC(ctx, i, "tx", url.Values{"hash": {"0x" + p.Hash}}, &r)
			if err == nil {
				t := r.TxResult
				return &TxResult{Node: p.Node, Hash: p.Hash, Height: int64(r.Height), Code: t.Code, Codespace: t.Codespace,
					Log: t.Log, GasWanted: int64(t.GasWanted), GasUsed: int64(t.GasUsed), Events: t.Events}, nil
			}
			lastErr = err
			var rpcErr *RPCError
			if errors.As(err, &rpcErr) {
				break // the node answers: not in a block yet
			}
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("tx %s (%s) not in a block within 60 s: %v", p.Hash, strings.Join(p.Args, " "), lastErr)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for tx %s: %w", p.Hash, ctx.Err())
		case <-time.After(150 * time.Millisecond):
		}
	}
}

// Tx broadcasts a transaction through node i and waits until it is in a block. A
// transaction that fails (CheckTx or in the block) is not an error: see TxResult.Err.
func (n *Net) Tx(ctx context.Context, i int, from string, args ...string) (*TxResult, error) {
	p, err := n.Broadcast(ctx, i, from, args...)
	if err != nil {
		return nil, err
	}
	return p.Wait(ctx)
}

// RPCError is an error answer of CometBFT's JSON-RPC.
type RPCError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    string `json:"data"`
}

func (e *RPCError) Error() string {
	return fmt.Sprintf("rpc error %d: %s: %s", e.Code, e.Message, e.Data)
}

var httpClient = &http.Client{Timeout: 10 * time.Second}

// RPC calls CometBFT's RPC method (status, block, block_results, blockchain, tx,
// abci_info, net_info, …) on node i with params and decodes the result into v.
func (n *Net) RPC(ctx context.Context, i int, method string, params url.Values, v any) error {
	u := n.Nodes[i].RPCURL() + "/" + method
	if len(params) > 0 {
		u += "?" + params.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var env struct {
		Result json.RawMessage `json:"result"`
		Error  *RPCError       `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		return fmt.Errorf("%s: %s: %w", n.Nodes[i].Name, u, err)
	}
	if env.Error != nil {
		return env.Error
	}
	if v == nil {
		return nil
	}
	return json.Unmarshal(env.Result, v)
}

// num decodes CometBFT's integers, which its JSON writes as strings.
type num int64

func (x *num) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		*x = 0
		return nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	*x = num(v)
	return err
}

// Status is the part of a node's /status that matters here.
type Status struct {
	Height     int64
	Time       time.Time // of the latest block
	AppHash    string    // hex: the latest block's header app hash
	CatchingUp bool
	// Earliest is the lowest height the node has a block of: 1, or the initial height of
	// a chain started from an exported genesis.
	Earliest int64
}

// Status asks node i for its latest block.
func (n *Net) Status(ctx context.Context, i int) (*Status, error) {
	var r struct {
		SyncInfo struct {
			Height     num       `json:"latest_block_height"`
			Time       time.Time `json:"latest_block_time"`
			AppHash    string    `json:"latest_app_hash"`
			CatchingUp bool      `json:"catching_up"`
			Earliest   num       `json:"earliest_block_height"`
		} `json:"sync_info"`
	}
	if err := n.RPC(ctx, i, "status", nil, &r); err != nil {
		return nil, err
	}
	s := r.SyncInfo
	return &Status{Height: int64(s.Height), Time: s.Time, AppHash: s.AppHash, CatchingUp: s.CatchingUp, Earliest: int64(s.Earliest)}, nil
}

// Height returns node i's latest block height.
func (n *Net) Height(ctx context.Context, i int) (int64, error) {
	s, err := n.Status(ctx, i)
	if err != nil {
		return 0, err
	}
	return s.Height, nil
}

// WaitHeight waits until node i has committed height h.
func (n *Net) WaitHeight(ctx context.Context, i int, h int64) error {
	return n.waitStatus(ctx, i, fmt.Sprintf("height %d", h), func(s *Status) bool { return s.Height >= h })
}

// WaitBlockTime waits until node i's latest block time is at least t (so the next
// transaction's block is later still).
func (n *Net) WaitBlockTime(ctx context.Context, i int, t time.Time) error {
	return n.waitStatus(ctx, i, "block time "+t.UTC().Format(time.RFC3339), func(s *Status) bool { return !s.Time.Before(t) })
}

func (n *Net) waitStatus(ctx context.Context, i int, what string, ok func(*Status) bool) error {
	var last *Status
	var lastErr error
	for {
		s, err := n.Status(ctx, i)
		if err == nil && ok(s) {
			return nil
		}
		if exited, how := n.Exited(i); exited {
			return fmt.Errorf("%s exited (%v) while waiting for %s; the end of %s:\n%s",
				n.Nodes[i].Name, how, what, n.Nodes[i].LogFile(), n.LogTail(i, 3000))
		}
		if err == nil {
			last = s
		}
		lastErr = err
		select {
		case <-ctx.Done():
			at := "no answer"
			if last != nil {
				at = fmt.Sprintf("at height %d, block time %s", last.Height, last.Time.UTC().Format(time.RFC3339))
			}
			return fmt.Errorf("%s did not reach %s (%s; last error %v): %w", n.Nodes[i].Name, what, at, lastErr, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// BlockHashes are what a node reports for one height.
type BlockHashes struct {
	Height int64
	Block  string // the block ID hash (hex)
	// Header is the app hash in the block's header: the state after height-1, as the
	// network agreed on it.
	Header string
	// Result is the app hash this node computed when it executed the block (its
	// /block_results): the state after this height.
	Result string
}

// AppHashes returns node i's hashes for heights from … to.
func (n *Net) AppHashes(ctx context.Context, i int, from, to int64) ([]BlockHashes, error) {
	out := make([]BlockHashes, 0, to-from+1)
	for lo := from; lo <= to; lo += 20 { // /blockchain returns at most 20 headers
		hi := min(lo+19, to)
		var r struct {
			BlockMetas []struct {
				BlockID struct {
					Hash string `json:"hash"`
				} `json:"block_id"`
				Header struct {
					Height  num    `json:"height"`
					AppHash string `json:"app_hash"`
				} `json:"header"`
			} `json:"block_metas"`
		}
		if err := n.RPC(ctx, i, "blockchain", url.Values{"minHeight": {fmt.Sprint(lo)}, "maxHeight": {fmt.Sprint(hi)}}, &r); err != nil {
			return nil, fmt.Errorf("%s: blockchain %d…%d: %w", n.Nodes[i].Name, lo, hi, err)
		}
		if len(r.BlockMetas) != int(hi-lo+1) {
			return nil, fmt.Errorf("%s: blockchain %d…%d: %d headers", n.Nodes[i].Name, lo, hi, len(r.BlockMetas))
		}
		for k := len(r.BlockMetas) - 1; k >= 0; k-- { // newest first
			m := r.BlockMetas[k]
			out = append(out, BlockHashes{Height: int64(m.Header.Height), Block: m.BlockID.Hash, Header: m.Header.AppHash})
		}
	}
	for k := range out {
		var r struct {
			AppHash string `json:"app_hash"` // base64
		}
		if err := n.RPC(ctx, i, "block_results", url.Values{"height": {fmt.Sprint(out[k].Height)}}, &r); err != nil {
			return nil, fmt.Errorf("%s: block_results %d: %w", n.Nodes[i].Name, out[k].Height, err)
		}
		b, err := base64.StdEncoding.DecodeString(r.AppHash)
		if err != nil {
			return nil, fmt.Errorf("%s: block_results %d: app hash %q: %w", n.Nodes[i].Name, out[k].Height, r.AppHash, err)
		}
		out[k].Result = strings.ToUpper(hex.EncodeToString(b))
	}
	return out, nil
}

// CheckAppHashes compares, for every height from 1 to to, what the given nodes report:
// the block ID, the header's app hash, and the app hash each node computed itself when it
// executed the block; and, on each node, that the app hash it computed at height h is the
// one in the header of h+1. It returns nil when all agree, or the first difference.
func (n *Net) CheckAppHashes(ctx context.Context, nodes []int, to int64) error {
	return n.CheckAppHashesFrom(ctx, nodes, 1, to)
}

// CheckAppHashesFrom is CheckAppHashes for the heights from … to (a chain started from
// an exported genesis begins at its initial height).
func (n *Net) CheckAppHashesFrom(ctx context.Context, nodes []int, from, to int64) error {
	hashes := make([][]BlockHashes, len(nodes))
	errs := make([]error, len(nodes))
	var wg sync.WaitGroup
	for k, i := range nodes {
		wg.Add(1)
		go func() { defer wg.Done(); hashes[k], errs[k] = n.AppHashes(ctx, i, from, to) }()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for h := range to - from + 1 {
		ref := hashes[0][h]
		for k := range nodes {
			got := hashes[k][h]
			if got != ref {
				return fmt.Errorf("height %d: %s reports %+v, %s reports %+v",
					from+h, n.Nodes[nodes[0]].Name, ref, n.Nodes[nodes[k]].Name, got)
			}
			if from+h < to && got.Result != hashes[k][h+1].Header {
				return fmt.Errorf("%s: the app hash it computed at height %d (%s) is not the one in the header of %d (%s)",
					n.Nodes[nodes[k]].Name, from+h, got.Result, from+h+1, hashes[k][h+1].Header)
			}
		}
	}
	return nil
}

// Attr returns the value of attribute key of the first event of type typ the transaction
// emitted.
func (r *TxResult) Attr(typ, key string) (string, bool) {
	var events []struct {
		Type       string `json:"type"`
		Attributes []struct {
			Key   string `json:"key"`
			Value string `json:"value"`
		} `json:"attributes"`
	}
	if json.Unmarshal(r.Events, &events) != nil {
		return "", false
	}
	for _, e := range events {
		if e.Type != typ {
			continue
		}
		for _, a := range e.Attributes {
			if a.Key == key {
				return a.Value, true
			}
		}
	}
	return "", false
}
