package localnet_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/meritchain/merit/chain/localnet"
	"github.com/meritchain/merit/simd"
)

// scenarios is the traffic TestLocalnet sends. Add a scenario here.
func scenarios() []Scenario {
	return []Scenario{drtScenario(), marketScenario()}
}

// down is the validator TestLocalnet stops for the Degraded phases (not node 0, which
// runs the portable kernels).
const down = 2

// TestLocalnet starts a 4-validator network on loopback (node 0 with MERIT_SIMD=generic,
// the others at this CPU's best kernel level), sends the scenarios' transactions to the
// validators round robin, stops validator 2 mid-traffic and checks that blocks and
// transactions still land, restarts it and checks that it catches up, and checks that
// every validator reports the same block and app hashes at every height. Every node is
// stopped when the test ends, however it ends.
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
		Validators: 4, Env: env, Logf: h.Logf})
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

	ss := scenarios()
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
	h.Logf("done: %d heights, the same app hash on all %d validators", top, len(net.Nodes))
}
