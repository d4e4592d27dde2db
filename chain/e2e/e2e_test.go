// Package e2e runs meritd end to end: it builds the daemon, initialises a one-validator
// chain in a temporary home, starts it on loopback, sends the merit module's
// transactions through the CLI (create a model, add data from honest and dishonest
// accounts, refund, report, claim), queries the results and the balances, stops the
// node, exports the state and checks it. `go test -short` skips it.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const (
	chainID = "merit-e2e"
	denom   = "stake"
	funds   = 100_000_000_000
	// The DRT model's waits (seconds).
	refundWait     = 10
	ownerWait      = 16
	anyAddressWait = 22
)

type chain struct {
	t    *testing.T
	bin  string
	home string
	node string // CometBFT RPC address
	cmd  *exec.Cmd
	logf *os.File
	done chan error
}

func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: builds and runs meritd")
	}
	start := time.Now()
	c := newChain(t)
	c.start()
	t.Logf("chain up after %s", time.Since(start).Round(time.Millisecond))

	keys := []string{"owner", "alice", "bob", "mallory"}
	addr := map[string]string{}
	for _, k := range keys {
		addr[k] = strings.TrimSpace(c.run("keys", "show", k, "-a", "--keyring-backend", "test"))
	}
	balance := func(k string) int64 { return c.balance(addr[k]) }
	before := map[string]int64{}
	for _, k := range keys {
		before[k] = balance(k)
		if before[k] != funds {
			t.Fatalf("%s starts with %d, want %d", k, before[k], funds)
		}
	}

	// A DRT model: a binary perceptron over 2 features.
	c.tx("owner", "merit", "create-model", "perceptron", "2", "2", "1000", "drt", "--cost-weight", "1",
		"--refund-wait", fmt.Sprint(refundWait), "--owner-wait", fmt.Sprint(ownerWait), "--any-address-wait", fmt.Sprint(anyAddressWait))
	var model struct {
		Model struct {
			Family, Mechanism, Owner string
			Contributions            string
		}
	}
	c.query(&model, "merit", "model", "0")
	if model.Model.Family != "perceptron" || model.Model.Mechanism != "drt" || model.Model.Owner != addr["owner"] {
		t.Fatalf("model 0: %+v", model.Model)
	}

	// Contributions: honest data (label 1 when x0 > 0) from alice and bob, a flipped
	// label from mallory, and bob's last one he will leave unclaimed.
	type contribution struct {
		who       string
		x         string
		label     string
		deposit   int64
		id        int
		addedAt   int64
		dishonest bool
	}
	cs := []*contribution{
		{who: "alice", x: "500,20", label: "1"},
		{who: "alice", x: "-400,10", label: "0"},
		{who: "bob", x: "300,-50", label: "1"},
		{who: "mallory", x: "420,15", label: "0", dishonest: true},
		{who: "alice", x: "410,10", label: "1"},
		{who: "bob", x: "-350,-30", label: "0"},
	}
	paid := map[string]int64{}
	for i, ct := range cs {
		var req struct{ Minimum string }
		c.query(&req, "merit", "required-deposit", "0")
		ct.deposit = atoi(t, req.Minimum)
		// cost weight · 3600 / ⌊√(seconds since the last contribution)⌋
		if ct.deposit < 1 || ct.deposit > 3600 {
			t.Fatalf("required deposit %d, want 1 … 3600", ct.deposit)
		}
		// "--" ends the flags: features may be negative.
		c.tx(ct.who, "merit", "add-data", "--deposit", fmt.Sprint(ct.deposit), "--", "0", ct.label, ct.x)
		ct.id = i
		var rec struct {
			Contribution struct {
				Contributor, Deposit string
				AddedAt              string `json:"added_at"`
			}
		}
		c.query(&rec, "merit", "contribution", "0", fmt.Sprint(i))
		if rec.Contribution.Contributor != addr[ct.who] || atoi(t, rec.Contribution.Deposit) != ct.deposit {
			t.Fatalf("contribution %d: %+v", i, rec.Contribution)
		}
		ct.addedAt = atoi(t, rec.Contribution.AddedAt)
		paid[ct.who] += ct.deposit
	}
	for _, k := range keys {
		if got := balance(k); got != before[k]-paid[k] {
			t.Fatalf("%s holds %d after depositing %d, want %d", k, got, paid[k], before[k]-paid[k])
		}
	}
	escrow := paid["alice"] + paid["bob"] + paid["mallory"]

	// Bad input fails with the module's registered errors (codespace merit).
	c.txFails("bob", 11, "merit", "refund", "0", "5")                                  // too early: the refund wait has not passed
	c.txFails("alice", 7, "merit", "add-data", "0", "1", "1,2,3", "--deposit", "5000") // wrong dims
	c.txFails("alice", 9, "merit", "add-data", "0", "1", "10,20", "--deposit", "1")    // deposit too low
	c.txFails("alice", 5, "merit", "add-data", "9", "1", "10,20", "--deposit", "5000") // unknown model
	c.txFails("alice", 14, "merit", "refund", "0", "2")                                // bob's contribution
	c.txFails("mallory", 13, "merit", "report", "0", "3")                              // one's own

	// The model predicts the honest labels.
	for _, p := range []struct{ x, want string }{{"500,20", "1"}, {"420,15", "1"}, {"-400,10", "0"}} {
		var pred struct{ Label int }
		c.query(&pred, "merit", "predict", "--", "0", p.x)
		if fmt.Sprint(pred.Label) != p.want {
			t.Fatalf("predict(%s) = %d, want %s", p.x, pred.Label, p.want)
		}
	}

	// After the refund wait: the honest contributors are refunded, mallory is not.
	c.waitBlockTime(cs[len(cs)-1].addedAt + refundWait)
	refunded := map[string]int64{}
	for _, ct := range cs[:5] {
		if ct.dishonest {
			c.txFails(ct.who, 15, "merit", "refund", "0", fmt.Sprint(ct.id)) // the model disagrees
			continue
		}
		c.tx(ct.who, "merit", "refund", "0", fmt.Sprint(ct.id))
		refunded[ct.who] += ct.deposit
	}
	c.txFails("alice", 12, "merit", "refund", "0", "0") // a second refund

	// Reports on mallory's contribution: alice has 3 of the 4 validated contributions,
	// bob 1; each takes ⌊deposit · validated / 4⌋ (or what is left, if that is less).
	evil := cs[3]
	aliceShare := evil.deposit * 3 / 4
	c.tx("alice", "merit", "report", "0", "3")
	c.txFails("alice", 12, "merit", "report", "0", "3") // one claim per address
	c.tx("bob", "merit", "report", "0", "3")
	bobShare := evil.deposit / 4
	if bobShare == 0 || bobShare > evil.deposit-aliceShare {
		bobShare = evil.deposit - aliceShare
	}
	leftover := evil.deposit - aliceShare - bobShare
	var stats struct {
		Stats struct{ Contributions, Validated, Reports, Taken, Refunded string }
	}
	c.query(&stats, "merit", "stats", "0", addr["alice"])
	if stats.Stats.Validated != "3" || stats.Stats.Reports != "1" || atoi(t, stats.Stats.Taken) != aliceShare {
		t.Fatalf("alice's stats: %+v", stats.Stats)
	}

	// bob's last contribution, never refunded: the owner claims it after the owner wait.
	last := cs[5]
	c.waitBlockTime(last.addedAt + ownerWait)
	c.txFails("mallory", 11, "merit", "claim", "0", fmt.Sprint(last.id)) // only the owner, this early
	c.tx("owner", "merit", "claim", "0", fmt.Sprint(last.id))
	c.txFails("owner", 18, "merit", "claim", "0", fmt.Sprint(last.id)) // nothing left

	want := map[string]int64{
		"owner":   before["owner"] + last.deposit,
		"alice":   before["alice"] - paid["alice"] + refunded["alice"] + aliceShare,
		"bob":     before["bob"] - paid["bob"] + refunded["bob"] + bobShare,
		"mallory": before["mallory"] - evil.deposit,
	}
	for _, k := range keys {
		if got := balance(k); got != want[k] {
			t.Errorf("%s holds %d, want %d", k, got, want[k])
		}
	}
	escrow -= refunded["alice"] + refunded["bob"] + aliceShare + bobShare + last.deposit
	if escrow != leftover {
		t.Fatalf("escrow bookkeeping: %d left, want %d", escrow, leftover)
	}
	var page struct {
		Contributions []struct{ Remaining string }
		Pagination    struct{ Total string }
	}
	c.query(&page, "merit", "contributions", "0", "--page-count-total")
	if len(page.Contributions) != len(cs) {
		t.Fatalf("%d contributions listed, want %d", len(page.Contributions), len(cs))
	}

	// Stop, export, and check the exported state.
	c.stop()
	out := c.run("export")
	var exported struct {
		AppState struct {
			Merit struct {
				NextModelID   string `json:"next_model_id"`
				Models        []json.RawMessage
				Contributions []struct {
					Contributor string
					Deposit     string
					Remaining   string
					Refunded    bool
					ClaimedBy   []string `json:"claimed_by"`
				}
			}
			Bank struct {
				Balances []struct {
					Address string
					Coins   []struct{ Denom, Amount string }
				}
			}
		} `json:"app_state"`
	}
	if err := json.Unmarshal([]byte(out), &exported); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	m := exported.AppState.Merit
	if m.NextModelID != "1" || len(m.Models) != 1 || len(m.Contributions) != len(cs) {
		t.Fatalf("exported merit state: next %s, %d models, %d contributions", m.NextModelID, len(m.Models), len(m.Contributions))
	}
	for i, ec := range m.Contributions {
		if want := map[bool]int64{true: leftover}[i == 3]; atoi(t, ec.Remaining) != want {
			t.Errorf("exported contribution %d holds %s, want %d", i, ec.Remaining, want)
		}
		if ec.Refunded != (i != 3 && i != 5) {
			t.Errorf("exported contribution %d: refunded = %v", i, ec.Refunded)
		}
	}
	if got := m.Contributions[3].ClaimedBy; len(got) != 2 {
		t.Errorf("mallory's contribution claimed by %v, want alice and bob", got)
	}
	exportedBalance := map[string]int64{}
	for _, b := range exported.AppState.Bank.Balances {
		for _, coin := range b.Coins {
			if coin.Denom == denom {
				exportedBalance[b.Address] = atoi(t, coin.Amount)
			}
		}
	}
	for _, k := range keys {
		if exportedBalance[addr[k]] != want[k] {
			t.Errorf("exported balance of %s: %d, want %d", k, exportedBalance[addr[k]], want[k])
		}
	}
	t.Logf("end-to-end run took %s", time.Since(start).Round(time.Millisecond))
}

func newChain(t *testing.T) *chain {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "meritd")
	build := exec.Command("go", "build", "-o", bin, "./cmd/meritd")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building meritd: %v\n%s", err, out)
	}
	c := &chain{t: t, bin: bin, home: filepath.Join(dir, "home")}
	ports := freePorts(t, 3)
	c.node = fmt.Sprintf("tcp://127.0.0.1:%d", ports[0])

	c.run("init", "e2e", "--chain-id", chainID)
	for _, k := range []string{"validator", "owner", "alice", "bob", "mallory"} {
		c.run("keys", "add", k, "--keyring-backend", "test")
		c.run("genesis", "add-genesis-account", k, fmt.Sprintf("%d%s", funds, denom), "--keyring-backend", "test")
	}
	c.run("genesis", "gentx", "validator", "1000000000"+denom, "--chain-id", chainID, "--keyring-backend", "test")
	c.run("genesis", "collect-gentxs")
	c.run("genesis", "validate")

	// Fast blocks, loopback only.
	cfg := filepath.Join(c.home, "config", "config.toml")
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for old, repl := range map[string]string{
		`timeout_commit = "5s"`:               `timeout_commit = "300ms"`,
		`timeout_propose = "3s"`:              `timeout_propose = "1s"`,
		`pprof_laddr = "localhost:6060"`:      `pprof_laddr = ""`,
		`laddr = "tcp://0.0.0.0:26656"`:       fmt.Sprintf(`laddr = "tcp://127.0.0.1:%d"`, ports[1]),
		`laddr = "tcp://127.0.0.1:26657"`:     fmt.Sprintf(`laddr = "%s"`, c.node),
		`proxy_app = "tcp://127.0.0.1:26658"`: fmt.Sprintf(`proxy_app = "tcp://127.0.0.1:%d"`, ports[2]),
	} {
		if !strings.Contains(s, old) {
			t.Fatalf("config.toml has no %q", old)
		}
		s = strings.Replace(s, old, repl, 1)
	}
	if err := os.WriteFile(cfg, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return c
}

// start runs `meritd start` in its own process group and waits for the second block.
// t.Cleanup stops it whatever happens.
func (c *chain) start() {
	t := c.t
	logf, err := os.Create(filepath.Join(c.home, "node.log"))
	if err != nil {
		t.Fatal(err)
	}
	c.logf = logf
	c.cmd = exec.Command(c.bin, "start", "--home", c.home, "--inv-check-period", "1",
		"--grpc.enable=false", "--api.enable=false", "--log_level", "info", "--log_no_color")
	c.cmd.Stdout, c.cmd.Stderr = logf, logf
	// Its own process group (stop ends it whole), and killed if this test process dies
	// without running its cleanups (a test timeout).
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c.done = make(chan error, 1)
	go func() { c.done <- c.cmd.Wait() }()
	t.Cleanup(func() {
		c.stop()
		if t.Failed() {
			if b, err := os.ReadFile(logf.Name()); err == nil {
				if len(b) > 8000 {
					b = b[len(b)-8000:]
				}
				t.Logf("node log (tail):\n%s", b)
			}
		}
		logf.Close()
	})
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if h, _ := c.height(); h >= 2 {
			return
		}
		select {
		case err := <-c.done:
			c.done <- err
			t.Fatalf("meritd exited: %v", err)
		case <-time.After(300 * time.Millisecond):
		}
	}
	t.Fatal("the chain did not reach height 2 within 60 s")
}

// stop ends the node's process group: SIGTERM, then SIGKILL after 10 s.
func (c *chain) stop() {
	if c.cmd == nil || c.cmd.Process == nil {
		return
	}
	pgid := c.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-c.done
	}
	c.cmd = nil
}

// run runs meritd with args (and --home) and returns its standard output.
func (c *chain) run(args ...string) string {
	c.t.Helper()
	out, err := c.exec(args...)
	if err != nil {
		c.t.Fatalf("meritd %s: %v", strings.Join(args, " "), err)
	}
	return out
}

func (c *chain) exec(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// Flags go before a "--" that ends them (negative features follow it).
	flags := []string{"--home", c.home}
	if i := indexOf(args, "--"); i >= 0 {
		args = append(append(append([]string{}, args[:i]...), flags...), args[i:]...)
	} else {
		args = append(args, flags...)
	}
	cmd := exec.CommandContext(ctx, c.bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("%v: %s%s", err, stderr.String(), stdout.String())
	}
	return stdout.String(), nil
}

func (c *chain) query(v any, args ...string) {
	c.t.Helper()
	q := append([]string{"query"}, args...)
	if i := indexOf(q, "--"); i >= 0 {
		q = append(append(append([]string{}, q[:i]...), "--node", c.node, "-o", "json"), q[i:]...)
	} else {
		q = append(q, "--node", c.node, "-o", "json")
	}
	out := c.run(q...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		c.t.Fatalf("meritd %s: %v\n%s", strings.Join(q, " "), err, out)
	}
}

func (c *chain) balance(addr string) int64 {
	c.t.Helper()
	var r struct{ Balance struct{ Amount string } }
	c.query(&r, "bank", "balance", addr, denom)
	return atoi(c.t, r.Balance.Amount)
}

// send broadcasts a transaction from key and waits for its result: its code and log.
func (c *chain) send(key string, args ...string) (uint32, string, string) {
	c.t.Helper()
	tx := append([]string{"tx"}, args...)
	flags := []string{"--from", key, "--keyring-backend", "test", "--chain-id", chainID, "--node", c.node,
		"--gas", "3000000", "--yes", "-o", "json"}
	if i := indexOf(tx, "--"); i >= 0 {
		tx = append(append(append([]string{}, tx[:i]...), flags...), tx[i:]...)
	} else {
		tx = append(tx, flags...)
	}
	out := c.run(tx...)
	var res struct {
		TxHash  string `json:"txhash"`
		Code    uint32
		RawLog  string `json:"raw_log"`
		Codespc string `json:"codespace"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		c.t.Fatalf("meritd %s: %v\n%s", strings.Join(tx, " "), err, out)
	}
	if res.Code != 0 { // refused by CheckTx
		return res.Code, res.Codespc, res.RawLog
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		out, err := c.exec("query", "tx", res.TxHash, "--node", c.node, "-o", "json")
		if err == nil {
			var r struct {
				Code      uint32
				Codespace string
				RawLog    string `json:"raw_log"`
			}
			if err := json.Unmarshal([]byte(out), &r); err != nil {
				c.t.Fatalf("query tx: %v\n%s", err, out)
			}
			return r.Code, r.Codespace, r.RawLog
		}
		time.Sleep(200 * time.Millisecond)
	}
	c.t.Fatalf("transaction %s (%s) not included within 30 s", res.TxHash, strings.Join(tx, " "))
	return 0, "", ""
}

func (c *chain) tx(key string, args ...string) {
	c.t.Helper()
	if code, space, log := c.send(key, args...); code != 0 {
		c.t.Fatalf("tx %s by %s failed: %s/%d: %s", strings.Join(args, " "), key, space, code, log)
	}
}

// txFails sends a transaction that must fail with the merit module's error code.
func (c *chain) txFails(key string, code uint32, args ...string) {
	c.t.Helper()
	got, space, log := c.send(key, args...)
	if got != code || space != "merit" {
		c.t.Fatalf("tx %s by %s: got %s/%d (%s), want merit/%d", strings.Join(args, " "), key, space, got, log, code)
	}
}

func (c *chain) height() (int64, time.Time) {
	out, err := c.exec("status", "--node", c.node)
	if err != nil {
		return 0, time.Time{}
	}
	var s struct {
		SyncInfo struct {
			Height string    `json:"latest_block_height"`
			Time   time.Time `json:"latest_block_time"`
		} `json:"sync_info"`
	}
	if json.Unmarshal([]byte(out), &s) != nil {
		return 0, time.Time{}
	}
	h, _ := strconv.ParseInt(s.SyncInfo.Height, 10, 64)
	return h, s.SyncInfo.Time
}

// waitBlockTime waits until the latest block's time is at least unix seconds t (so the
// next transaction's block is later still).
func (c *chain) waitBlockTime(t int64) {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if _, bt := c.height(); bt.Unix() >= t {
			return
		}
		time.Sleep(300 * time.Millisecond)
	}
	c.t.Fatalf("block time did not reach %d", t)
}

func freePorts(t *testing.T, n int) []int {
	var out []int
	var ls []net.Listener
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		out = append(out, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return out
}

func indexOf(xs []string, s string) int {
	for i, x := range xs {
		if x == s {
			return i
		}
	}
	return -1
}

func atoi(t *testing.T, s string) int64 {
	t.Helper()
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("not an integer: %q", s)
	}
	return v
}
