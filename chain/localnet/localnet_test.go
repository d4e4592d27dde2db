package localnet_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/meritchain/merit/chain/localnet"
	"github.com/meritchain/merit/simd"
)

// scenarios is the traffic TestLocalnet sends. Add a scenario here (and its accounts to
// testAccounts).
func scenarios(r *restore) []Scenario {
	return []Scenario{drtScenario(), marketScenario(), gasScenario(), govScenario(), r.scenario()}
}

// testAccounts are the funded accounts of the test networks: the default ones, ivan (the
// gas scenario), judy (governance), ken (the state restored from an export) and loader
// (funds the load's accounts).
var testAccounts = append(slices.Clone(localnet.DefaultAccounts), "ivan", "judy", "ken", "loader")

// votingPeriod is x/gov's voting period on the test networks: the governance scenario's
// proposals end between its Setup and its Recovered phase.
const votingPeriod = 10 * time.Second

// down is the validator TestLocalnet stops for the Degraded phases (not node 0, which
// runs the portable kernels).
const down = 2

// TestLocalnet starts a 4-validator network on loopback (node 0 with MERIT_SIMD=generic,
// the others at this CPU's best kernel level), sends the scenarios' transactions to the
// validators round robin, stops validator 2 mid-traffic and checks that blocks and
// transactions still land, restarts it and checks that it catches up, and checks that
// every validator reports the same block and app hashes at every height. Then:
//
//   - the load (load_test.go) for MERIT_LOCALNET_LOAD (default 12s): a stream of add-data,
//     refund and market transactions from 24 accounts, during which validator 3 gets
//     SIGKILL as it starts executing a block (the one carrying a market's last reveal, whose
//     end-blocker runs reward steps) and is restarted; throughput, latencies, the escrow
//     and the supply are reported and checked;
//   - every height compared again across the validators;
//   - a chain restored from an export of validator 1's state, checked against the old
//     one and driven on (restoreStage in faults_test.go).
//
// Every node is stopped when the test ends, however it ends.
//
// It runs only with MERIT_LOCALNET=1 (make localnet-test sets it), so that
// `go test ./...` in chain/ stays quick; -short skips it too. MERIT_LOCALNET_BIN names a
// prebuilt meritd (else the test builds one); MERIT_LOCALNET_TIMEOUT bounds the run
// (default 5m).
func TestLocalnet(t *testing.T) {
	if os.Getenv("MERIT_LOCALNET") != "1" {
		t.Skip("the 4-validator localnet test runs with MERIT_LOCALNET=1 (make localnet-test)")
	}
	if testing.Short() {
		t.Skip("-short")
	}
	timeout := 5 * time.Minute
	if s := os.Getenv("MERIT_LOCALNET_TIMEOUT"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			t.Fatalf("MERIT_LOCALNET_TIMEOUT: %v", err)
		}
		timeout = d
	}
	loadTime := 12 * time.Second
	if s := os.Getenv("MERIT_LOCALNET_LOAD"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < 6*time.Second {
			t.Fatalf("MERIT_LOCALNET_LOAD=%q: want a duration of at least 6s", s)
		}
		loadTime = d
	}
	h := startLocalnet(t, timeout)
	net := h.Net

	rs := &restore{}
	ss := scenarios(rs)
	for _, s := range ss {
		if s.Setup != nil {
			h.Logf("== %s: setup", s.Name)
			s.Setup(h)
			h.CheckAlive()
		}
	}

	h.Down = down
	stopAt := h.Height(0)
	h.StopNode(down)
	t0 := time.Now()
	h.Logf("stopped %s at height %d", net.Nodes[down].Name, stopAt)
	h.Logf("the chain goes on without %s: height %d", net.Nodes[down].Name, h.WaitBlocks(2))
	for _, s := range ss {
		if s.Degraded != nil {
			h.Logf("== %s: with %s down", s.Name, net.Nodes[down].Name)
			s.Degraded(h)
			h.CheckAlive()
		}
	}
	restartAt := h.Height(0)
	if restartAt < stopAt+3 {
		t.Fatalf("only %d blocks while %s was down", restartAt-stopAt, net.Nodes[down].Name)
	}
	h.Logf("%d blocks in %s while %s was down; restarting it", restartAt-stopAt, time.Since(t0).Round(time.Millisecond), net.Nodes[down].Name)
	t0 = time.Now()
	h.StartNode(down)
	caught := h.WaitCatchUp(down)
	h.Logf("%s caught up to height %d in %s", net.Nodes[down].Name, caught, time.Since(t0).Round(time.Millisecond))
	h.CheckAppHashes()

	for _, s := range ss {
		if s.Recovered != nil {
			h.Logf("== %s: after the restart", s.Name)
			s.Recovered(h)
			h.CheckAlive()
		}
	}

	top := h.CheckAppHashes()
	if h.Height(down) < top {
		t.Fatalf("%s is at height %d, behind %d", net.Nodes[down].Name, h.Height(down), top)
	}
	h.Logf("%d heights, the same app hash on all %d validators", top, len(net.Nodes))

	h.Logf("== load for %s; node3 killed mid-block and restarted", loadTime)
	res := runLoad(h, loadConfig{Name: "localnet", Duration: loadTime, Funder: "loader", Watch: 0,
		Kill: 3, KillAfter: loadTime / 5, KillFor: 4 * time.Second, MarketJoins: 16})
	res.print(os.Stdout)
	if want := int64(len(net.Nodes)+len(net.Accounts)) * net.Funds; res.supplyAfter != want {
		t.Errorf("total supply %d, want the genesis total %d", res.supplyAfter, want)
	}
	top = h.CheckAppHashes()
	h.Logf("%d heights, the same app hash on all %d validators", top, len(net.Nodes))

	h.Logf("== a chain restored from an export")
	h2 := restoreStage(h, rs)
	h2.Logf("done")
}

// startLocalnet creates and starts a 4-validator network in a temporary directory (node
// 0 with MERIT_SIMD=generic, the others at this CPU's best kernel level; testAccounts;
// votingPeriod), stopped when the test ends; the harness's context ends timeout from now
// (or 15 s before the test's deadline).
func startLocalnet(t *testing.T, timeout time.Duration) *Harness {
	deadline := time.Now().Add(timeout)
	if d, ok := t.Deadline(); ok && d.Add(-15*time.Second).Before(deadline) {
		deadline = d.Add(-15 * time.Second) // time left for the cleanups
	}
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	t.Cleanup(cancel)

	bin := meritd(t)
	h := &Harness{T: t, Ctx: ctx, Down: -1, start: time.Now(), stopped: map[int]bool{}}
	best := simd.Best().String()
	env := map[int][]string{0: {simd.EnvVar + "=generic"}}
	for i := 1; i < 4; i++ {
		env[i] = []string{simd.EnvVar + "=" + best}
	}
	net, err := localnet.Create(ctx, localnet.Config{Bin: bin, Dir: filepath.Join(t.TempDir(), "localnet"),
		Validators: 4, Env: env, Accounts: testAccounts, VotingPeriod: votingPeriod, Logf: h.Logf})
	if err != nil {
		t.Fatal(err)
	}
	net.Attached = true
	h.Net = net
	t.Cleanup(func() {
		if err := net.StopAll(); err != nil {
			t.Errorf("stopping the localnet: %v", err)
		}
		if running := net.Running(); len(running) > 0 {
			t.Errorf("nodes %v still run after StopAll", running)
		}
		if t.Failed() {
			for i, nd := range net.Nodes {
				t.Logf("---- the end of %s's log (%s):\n%s", nd.Name, nd.LogFile(), net.LogTail(i, 4000))
			}
		}
	})

	if err := net.StartAll(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range net.Nodes {
		pid, _ := net.PID(i)
		h.Logf("%s: pid %d, %s, MERIT_SIMD=%s", net.Nodes[i].Name, pid, net.Nodes[i].RPCURL(), simdEnv(pid))
	}
	if pid, _ := net.PID(0); simdEnv(pid) != "generic" {
		t.Fatalf("node0 runs with MERIT_SIMD=%s, want generic", simdEnv(pid))
	}
	if best == "generic" {
		h.Logf("this CPU's best kernel level is generic: every node runs the same kernels")
	}
	h.Logf("all validators up at height %d", h.WaitBlocks(1))
	return h
}

// TestLoad is `make load`: a fresh 4-validator network, then the load (load_test.go) for
// MERIT_LOAD (e.g. 5m) from MERIT_LOAD_SENDERS accounts (default 24) with
// MERIT_LOAD_WINDOW transactions in flight each (default 2); MERIT_LOAD_KILL=i also kills
// validator i (not 0, which times the blocks) a third of the way through and restarts it
// 5 s later. It prints the summary table, and fails if the load's checks fail or the
// validators' app hashes differ at any height. Skipped unless MERIT_LOAD is set.
func TestLoad(t *testing.T) {
	d, err := time.ParseDuration(os.Getenv("MERIT_LOAD"))
	if os.Getenv("MERIT_LOAD") == "" {
		t.Skip("make load (MERIT_LOAD=<duration>) runs the load test")
	}
	if err != nil || d < 6*time.Second {
		t.Fatalf("MERIT_LOAD=%q: want a duration of at least 6s", os.Getenv("MERIT_LOAD"))
	}
	env := func(name string, def int) int {
		if s := os.Getenv(name); s != "" {
			v, err := strconv.Atoi(s)
			if err != nil {
				t.Fatalf("%s=%q", name, s)
			}
			return v
		}
		return def
	}
	cfg := loadConfig{Name: "load", Duration: d, Funder: "loader", Watch: 0, Senders: env("MERIT_LOAD_SENDERS", 24),
		Window: env("MERIT_LOAD_WINDOW", 2), Kill: env("MERIT_LOAD_KILL", -1), KillAfter: d / 3, KillFor: 5 * time.Second}
	if cfg.Kill == 0 || cfg.Kill > 3 {
		t.Fatalf("MERIT_LOAD_KILL=%d: a validator from 1 to 3", cfg.Kill)
	}
	h := startLocalnet(t, d+10*time.Minute)
	res := runLoad(h, cfg)
	res.print(os.Stdout)
	if want := int64(len(h.Net.Nodes)+len(h.Net.Accounts)) * h.Net.Funds; res.supplyAfter != want {
		t.Errorf("total supply %d, want the genesis total %d", res.supplyAfter, want)
	}
	h.CheckAppHashes()
}
