package localnet_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meritchain/merit/chain/localnet"
)

// A Scenario is traffic TestLocalnet sends, in three phases around a fault: Setup runs
// with every validator up, Degraded while validator h.Down is stopped, Recovered once it
// has been restarted and has caught up. Every scenario's Setup runs first (in order), then
// every Degraded, then every Recovered; any phase may be nil. A scenario keeps its own
// state between phases in its closure (see drtScenario). The harness checks afterwards
// that every validator reports the same app hashes at every height.
type Scenario struct {
	Name                       string
	Setup, Degraded, Recovered func(h *Harness)
}

// Harness drives a running localnet from a test. Its methods fail the test (t.Fatal) on
// any error, so a scenario reads as a list of steps; the *localnet.Net (h.Net) has the
// same operations returning errors.
//
// Node arguments are validator indices; the methods without a node argument pick the
// next running validator round robin, so that traffic goes to every validator.
type Harness struct {
	T    *testing.T
	Ctx  context.Context // the test's deadline: every wait ends with it
	Net  *localnet.Net
	Down int // the validator stopped for the Degraded phases (restarted for Recovered); -1 in Setup

	start      time.Time
	mu         sync.Mutex
	stopped    map[int]bool
	rr         int
	lastHeight int64 // the highest block a transaction of this test landed in
}

// Logf logs with the time since the test started.
func (h *Harness) Logf(format string, args ...any) {
	h.T.Helper()
	h.T.Logf("[%6.1fs] %s", time.Since(h.start).Seconds(), fmt.Sprintf(format, args...))
}

func (h *Harness) fatal(err error) {
	h.T.Helper()
	h.T.Fatalf("[%6.1fs] %v", time.Since(h.start).Seconds(), err)
}

// Running returns the validators the harness has not stopped.
func (h *Harness) Running() []int {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []int
	for i := range h.Net.Nodes {
		if !h.stopped[i] {
			out = append(out, i)
		}
	}
	return out
}

// Next returns the next running validator, round robin.
func (h *Harness) Next() int {
	r := h.Running()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.rr++
	return r[h.rr%len(r)]
}

// Addr returns the address of a key (account or validator operator key val<i>).
func (h *Harness) Addr(name string) string {
	h.T.Helper()
	a, err := h.Net.Address(h.Ctx, name)
	if err != nil {
		h.fatal(err)
	}
	return a
}

// Send broadcasts `meritd tx args…` signed by from through node i (-1: the next running
// validator) and returns without waiting for a block: Await collects the results. Before
// it signs, it waits until node i has seen every block a transaction of this test landed
// in, so that the sender's account sequence is current there.
func (h *Harness) Send(i int, from string, args ...string) *localnet.Pending {
	h.T.Helper()
	if i < 0 {
		i = h.Next()
	}
	h.mu.Lock()
	last := h.lastHeight
	h.mu.Unlock()
	if err := h.Net.WaitHeight(h.Ctx, i, last); err != nil {
		h.fatal(err)
	}
	p, err := h.Net.Broadcast(h.Ctx, i, from, args...)
	if err != nil {
		h.fatal(err)
	}
	return p
}

// Await waits for the transactions to be in blocks and returns their results, which must
// all be successes.
func (h *Harness) Await(ps ...*localnet.Pending) []*localnet.TxResult {
	h.T.Helper()
	out := make([]*localnet.TxResult, len(ps))
	for k, p := range ps {
		r := h.wait(p)
		if err := r.Err(); err != nil {
			h.fatal(fmt.Errorf("tx %s via %s: %w", strings.Join(p.Args, " "), h.Net.Nodes[p.Node].Name, err))
		}
		out[k] = r
	}
	return out
}

func (h *Harness) wait(p *localnet.Pending) *localnet.TxResult {
	h.T.Helper()
	r, err := p.Wait(h.Ctx)
	if err != nil {
		h.fatal(err)
	}
	h.mu.Lock()
	h.lastHeight = max(h.lastHeight, r.Height)
	h.mu.Unlock()
	return r
}

// TxOn sends a transaction through node i (-1: round robin), waits for its block, and
// fails the test unless it succeeded.
func (h *Harness) TxOn(i int, from string, args ...string) *localnet.TxResult {
	h.T.Helper()
	return h.Await(h.Send(i, from, args...))[0]
}

// Tx is TxOn through the next running validator.
func (h *Harness) Tx(from string, args ...string) *localnet.TxResult {
	h.T.Helper()
	return h.TxOn(-1, from, args...)
}

// TxFails sends a transaction through the next running validator that must fail with
// codespace/code (e.g. "merit", 15), in CheckTx or in its block.
func (h *Harness) TxFails(from, codespace string, code uint32, args ...string) *localnet.TxResult {
	h.T.Helper()
	p := h.Send(-1, from, args...)
	r := h.wait(p)
	if r.Code != code || r.Codespace != codespace {
		h.fatal(fmt.Errorf("tx %s by %s via %s: got %s/%d (%s), want %s/%d",
			strings.Join(args, " "), from, h.Net.Nodes[p.Node].Name, r.Codespace, r.Code, r.Log, codespace, code))
	}
	return r
}

// TxOutcome sends a transaction through node i (-1: round robin) and returns its result,
// whatever it is: refused by CheckTx (Height 0), failed in its block, or a success.
func (h *Harness) TxOutcome(i int, from string, args ...string) *localnet.TxResult {
	h.T.Helper()
	return h.wait(h.Send(i, from, args...))
}

// QueryOn runs `meritd query args… -o json` on node i and decodes the output into v.
// Add "--height", "H" to ask about a given height.
func (h *Harness) QueryOn(i int, v any, args ...string) {
	h.T.Helper()
	if err := h.Net.Query(h.Ctx, i, v, args...); err != nil {
		h.fatal(err)
	}
}

// Query is QueryOn on the next running validator.
func (h *Harness) Query(v any, args ...string) {
	h.T.Helper()
	h.QueryOn(h.Next(), v, args...)
}

// Balance returns key's balance (in stake) as node i reports it at height (0: latest).
func (h *Harness) Balance(i int, key string, height int64) int64 {
	h.T.Helper()
	var r struct{ Balance struct{ Amount string } }
	args := []string{"bank", "balance", h.Addr(key), localnet.Denom}
	if height > 0 {
		args = append(args, "--height", fmt.Sprint(height))
	}
	h.QueryOn(i, &r, args...)
	return Atoi(h.T, r.Balance.Amount)
}

// Height returns node i's latest height.
func (h *Harness) Height(i int) int64 {
	h.T.Helper()
	ht, err := h.Net.Height(h.Ctx, i)
	if err != nil {
		h.fatal(err)
	}
	return ht
}

// BlockTime returns the latest block time on a running validator.
func (h *Harness) BlockTime() time.Time {
	h.T.Helper()
	s, err := h.Net.Status(h.Ctx, h.Running()[0])
	if err != nil {
		h.fatal(err)
	}
	return s.Time
}

// WaitHeight waits until node i has committed height ht.
func (h *Harness) WaitHeight(i int, ht int64) {
	h.T.Helper()
	if err := h.Net.WaitHeight(h.Ctx, i, ht); err != nil {
		h.fatal(err)
	}
}

// WaitBlocks waits until every running validator has committed k blocks more than the
// highest of them now, and returns that height.
func (h *Harness) WaitBlocks(k int64) int64 {
	h.T.Helper()
	var top int64
	for _, i := range h.Running() {
		top = max(top, h.Height(i))
	}
	for _, i := range h.Running() {
		h.WaitHeight(i, top+k)
	}
	return top + k
}

// WaitBlockTime waits until the latest block time on every running validator is at
// least t (unix seconds), so that the next transaction's block is later still.
func (h *Harness) WaitBlockTime(unix int64) {
	h.T.Helper()
	for _, i := range h.Running() {
		if err := h.Net.WaitBlockTime(h.Ctx, i, time.Unix(unix, 0)); err != nil {
			h.fatal(err)
		}
	}
}

// StopNode stops validator i (SIGTERM to its process group).
func (h *Harness) StopNode(i int) {
	h.T.Helper()
	h.mu.Lock()
	h.stopped[i] = true
	h.mu.Unlock()
	if err := h.Net.Stop(i); err != nil {
		h.fatal(err)
	}
}

// StartNode starts validator i again (with its environment) and waits until it answers.
func (h *Harness) StartNode(i int) {
	h.T.Helper()
	if err := h.Net.Start(i); err != nil {
		h.fatal(err)
	}
	if err := h.Net.WaitReady(h.Ctx, i); err != nil {
		h.fatal(err)
	}
	h.mu.Lock()
	delete(h.stopped, i)
	h.mu.Unlock()
}

// WaitCatchUp waits until validator i has reached the height the other running
// validators are at now and is no longer catching up; it returns that height.
func (h *Harness) WaitCatchUp(i int) int64 {
	h.T.Helper()
	var target int64
	for _, j := range h.Running() {
		if j != i {
			target = max(target, h.Height(j))
		}
	}
	h.WaitHeight(i, target)
	for {
		s, err := h.Net.Status(h.Ctx, i)
		if err != nil {
			h.fatal(err)
		}
		if !s.CatchingUp {
			return target
		}
		select {
		case <-h.Ctx.Done():
			h.fatal(fmt.Errorf("%s still catching up: %w", h.Net.Nodes[i].Name, h.Ctx.Err()))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// CheckAppHashes waits until every running validator has committed at least the lowest
// height among them plus one, then compares what each reports for every height from the
// chain's first (1, or the initial height of a chain started from an exported genesis)
// to that one (block ID, header app hash, the app hash it computed); it returns the
// height checked.
func (h *Harness) CheckAppHashes() int64 {
	h.T.Helper()
	nodes := h.Running()
	top, from := int64(0), int64(1)
	for _, i := range nodes {
		s, err := h.Net.Status(h.Ctx, i)
		if err != nil {
			h.fatal(err)
		}
		top, from = max(top, s.Height), max(from, s.Earliest)
	}
	for _, i := range nodes {
		h.WaitHeight(i, top)
	}
	t0 := time.Now()
	if err := h.Net.CheckAppHashesFrom(h.Ctx, nodes, from, top); err != nil {
		h.fatal(fmt.Errorf("app hashes differ: %w", err))
	}
	h.Logf("validators %v report the same block and app hashes at every height %d…%d (checked in %s)",
		nodes, from, top, time.Since(t0).Round(time.Millisecond))
	return top
}

// CheckAlive fails the test if a validator the harness has not stopped has exited (a
// consensus failure or a panic ends the node).
func (h *Harness) CheckAlive() {
	h.T.Helper()
	for _, i := range h.Running() {
		if exited, how := h.Net.Exited(i); exited {
			h.fatal(fmt.Errorf("%s exited (%v); the end of its log:\n%s", h.Net.Nodes[i].Name, how, h.Net.LogTail(i, 4000)))
		}
	}
}

// Atoi parses a decimal integer or fails the test.
func Atoi(t testing.TB, s string) int64 {
	t.Helper()
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("not an integer: %q", s)
	}
	return v
}

// meritd returns the meritd binary to run: $MERIT_LOCALNET_BIN (make localnet-test sets
// it to build/meritd, which it has just built), else a fresh build in a temporary
// directory.
func meritd(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("MERIT_LOCALNET_BIN"); bin != "" {
		abs, err := filepath.Abs(bin)
		if err != nil {
			t.Fatal(err)
		}
		return abs
	}
	bin := filepath.Join(t.TempDir(), "meritd")
	t0 := time.Now()
	build := exec.Command("go", "build", "-o", bin, "./cmd/meritd")
	build.Dir = ".." // chain/
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building meritd: %v\n%s", err, out)
	}
	t.Logf("built meritd in %s", time.Since(t0).Round(time.Millisecond))
	return bin
}

// simdEnv returns node i's MERIT_SIMD as its running process sees it (Linux /proc).
func simdEnv(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
	if err != nil {
		return "?"
	}
	val := "(unset)"
	for _, kv := range strings.Split(string(b), "\x00") {
		if v, ok := strings.CutPrefix(kv, "MERIT_SIMD="); ok {
			val = v
		}
	}
	return val
}
