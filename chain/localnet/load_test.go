package localnet_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/meritchain/merit/chain/localnet"
	merittypes "github.com/meritchain/merit/chain/x/merit/types"
)

// The load: many accounts, each with its own key, sequence and validator, send a steady
// stream of merit transactions for a bounded time, with a bounded number in flight each
// (a closed loop: a sender signs its next transaction when one of its own has landed):
//
//   - add-data to Deposit-Refund-Take models (3600 stake deposited; a tenth of the labels
//     flipped), and to Points models; a model is shared by a group of senders, and a
//     group moves to a new model (create-model) when its model holds ModelCap
//     contributions, so that no model's state grows without bound;
//   - refunds of the sender's own DRT contributions once their refund wait has passed
//     (they succeed, or fail with merit code 15 when the model disagrees);
//   - join-market to the open prediction market, with a stake;
//   - and a market provider that keeps a market open: once it has MarketJoins
//     contributions it opens the next one, ends the old one and reveals its portions; the
//     end-blocker runs the reward passes; when the market has finished each contributor
//     collects its balance and the provider reclaims the pool.
//
// After Duration the senders stop, the open market is finished and collected, and every
// transaction has landed. Transactions are signed in this process and sent with
// broadcast_tx_sync; a watcher reads every block of validator Watch (block and
// block_results) as soon as it is committed, which times each transaction from its
// submission to the commit of its block and collects its result and events.

// loadConfig configures runLoad.
type loadConfig struct {
	Name     string        // distinguishes the accounts of two loads on one chain
	Duration time.Duration // how long the senders send
	Senders  int           // default 24
	Window   int           // transactions in flight per sender; default 2
	Funder   string        // a funded keyring account: it funds the senders and the provider
	Watch    int           // the validator whose commits time the blocks (not killed)
	// Kill ≥ 0: validator Kill gets SIGKILL KillAfter into the load, while it executes a
	// block (see killer), and is restarted KillFor later. -1: no fault.
	Kill               int
	KillAfter, KillFor time.Duration
	MarketJoins        int // contributions after which a market is ended; default 32
	ModelCap           int // contributions after which a group moves to a new model; default 300
}

const (
	loadDeposit    = 3600 // the most a cost-weight-1 model requires
	loadRefundWait = 4    // seconds
	loadGas        = 10_000_000
	loadFunds      = 1_000_000_000
	loadBounty     = 100_000
	dropAfter      = 45 * time.Second // a transaction not in a block by then is dropped
)

// Transaction kinds, in the order of the report.
var loadKinds = []string{"add-data drt", "add-data points", "refund", "join-market", "collect",
	"create-model", "create-market", "reveal-initial", "end-market", "reveal-portion", "reclaim-bounty"}

// expectedRefusals are the failures a kind may have in its block besides success.
var expectedRefusals = map[string][]string{
	"join-market": {"merit/31"}, // the market was ended before the join landed
	"refund":      {"merit/15"}, // the model disagrees with the contribution
}

// staleSequence is a failure any transaction of the load may have: the SDK's account
// sequence mismatch (sdk/32) in its block, which changes nothing. It is rare (0 to 5 in a
// minute of load; 1 in the 10 000 transactions of a 5-minute run) and of two kinds seen:
// "expected N, got N+1" — a block carried a sender's transaction N+1 while its N was not
// in the chain yet, also in runs where no sender had sent anything twice, so it comes from
// how transactions travel between the validators' mempools (why was not established); and
// "expected N+1, got N" — a second transaction with one sequence: when CheckTx on a
// sender's validator answers "expected N" while the sender's N is still in flight (as
// happens after the first kind), the sender waits and sends the same transaction again, up
// to 10 times over 3 s, and only then signs a new one with N. A collection that fails so
// is sent again.
const staleSequence = "sdk/32"

type abciEvent struct {
	Type       string `json:"type"`
	Attributes []struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	} `json:"attributes"`
}

func (e abciEvent) attr(key string) string {
	for _, a := range e.Attributes {
		if a.Key == key {
			return a.Value
		}
	}
	return ""
}

// loadTx is one submitted transaction.
type loadTx struct {
	kind   string
	from   *sender
	job    job
	seq    uint64
	node   int
	hash   string
	submit time.Time
	then   func(*loadTx) // run by the watcher when the transaction lands
	done   chan struct{} // closed when it landed or was dropped

	// Set before done is closed.
	height    int64
	included  time.Time
	code      uint32
	codespace string
	log       string
	events    []abciEvent
	dropped   bool
}

func (t *loadTx) result() string {
	if t.code == 0 {
		return "ok"
	}
	return fmt.Sprintf("%s/%d", t.codespace, t.code)
}

func (t *loadTx) event(typ string) (abciEvent, bool) {
	for _, e := range t.events {
		if e.Type == typ {
			return e, true
		}
	}
	return abciEvent{}, false
}

type job struct {
	kind  string
	msg   sdk.Msg
	then  func(*loadTx)
	again bool // send it again if it fails for a stale sequence or is dropped (collections)
	tries int
}

type refundable struct {
	model, id uint64
	after     time.Time
}

// sender is an account of the load with its own sequence.
type sender struct {
	name     string
	key      *key
	seq      uint64
	node     int
	rng      *rand.Rand
	drt, pts *modelGroup
	inflight []*loadTx

	mu      sync.Mutex
	jobs    []job        // collections to send before anything else
	refunds []refundable // its DRT contributions, to ask back once their wait has passed
}

func (s *sender) addRefund(r refundable) {
	s.mu.Lock()
	s.refunds = append(s.refunds, r)
	s.mu.Unlock()
}

// takeRefund returns the oldest contribution whose refund wait has passed.
func (s *sender) takeRefund() (refundable, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.refunds) == 0 || time.Now().Before(s.refunds[0].after) {
		return refundable{}, false
	}
	r := s.refunds[0]
	s.refunds = s.refunds[1:]
	return r, true
}

func (s *sender) hasJobs() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.jobs) > 0
}

func (s *sender) push(j job) {
	s.mu.Lock()
	s.jobs = append(s.jobs, j)
	s.mu.Unlock()
}

func (s *sender) pop() (job, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.jobs) == 0 {
		return job{}, false
	}
	j := s.jobs[0]
	s.jobs = s.jobs[1:]
	return j, true
}

// modelGroup is a model that a group of senders contributes to.
type modelGroup struct {
	mu        sync.Mutex
	mechanism string
	id        int64 // -1 until created
	count     int
	creating  bool
	created   int
}

// loadMarket is a prediction market of the load.
type loadMarket struct {
	id       uint64
	portions [][]byte
	initial  int
	opened   time.Time
	joins    atomic.Int64

	mu        sync.Mutex
	contribs  map[uint64]*sender
	finished  bool
	reclaimed bool
}

type blockRec struct {
	height int64
	seen   time.Time
	txs    int
	steps  int // market reward steps the end-blocker ran
}

// killReport describes the fault of the load.
type killReport struct {
	node                       int
	target                     string // what the block killed in carried
	height                     int64  // the block it was executing
	midBlock                   bool   // no "finalized block" for it in its log before the kill
	appHeight, storeHeight     int64  // what the restarted node's handshake found: the app's last commit, the last block stored
	killedAt, restartedAt      time.Time
	caughtUpAt                 time.Time
	caughtUpHeight             int64
	handshake                  string // what the restarted node's handshake logged
	longestGap                 time.Duration
	blocksWhileDown            int
	sentToKilled, droppedTotal int
}

// load is one run.
type load struct {
	h   *Harness
	c   *sdkCodec
	cfg loadConfig

	start, sendEnd time.Time
	senders        []*sender
	provider       *sender
	groups         []*modelGroup
	byAddr         map[string]*sender

	open      atomic.Pointer[loadMarket]
	revealC   chan string   // hashes of last reveals, for the killer
	coordDone chan struct{} // closed when every market of the load is finished and reclaimed
	sendDone  atomic.Bool

	mu            sync.Mutex
	pending       map[string]*loadTx
	all           []*loadTx
	checkFails    map[string]int // kind → CheckTx refusals (after retries)
	broadcastErrs map[string]int // broadcasts without an answer, by error
	markets       []*loadMarket
	marketByID    map[uint64]*loadMarket
	blocks        []blockRec
	ledgerIn      int64 // coins into the module account per the merit events
	ledgerOut     int64
	errs          []string
	logStart      []int64      // each validator's log size when the load started
	resyncs       atomic.Int64 // CheckTx refusals for a stale sequence, after which a sender took the one expected
	killNode      atomic.Int32 // the validator killed (-1 none)
	killedAt      atomic.Int64 // when (unix nanoseconds)
	kill          *killReport
	portionSeed   uint64
}

func (l *load) errorf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.errs) < 20 {
		l.errs = append(l.errs, fmt.Sprintf(format, args...))
	}
}

// runLoad runs a load on the harness's network and checks it; it fails the test on any
// unexpected result. It returns the report (printed by the caller).
func runLoad(h *Harness, cfg loadConfig) *loadResult {
	h.T.Helper()
	if cfg.Senders <= 0 {
		cfg.Senders = 24
	}
	if cfg.Window <= 0 {
		cfg.Window = 2
	}
	if cfg.MarketJoins <= 0 {
		cfg.MarketJoins = 32
	}
	if cfg.ModelCap <= 0 {
		cfg.ModelCap = 300
	}
	c, err := codecOnce()
	if err != nil {
		h.T.Fatal(err)
	}
	l := &load{h: h, c: c, cfg: cfg, byAddr: map[string]*sender{}, pending: map[string]*loadTx{},
		checkFails: map[string]int{}, broadcastErrs: map[string]int{}, marketByID: map[uint64]*loadMarket{}, revealC: make(chan string, 1),
		coordDone: make(chan struct{})}
	l.killNode.Store(-1)
	nodes := len(h.Net.Nodes)

	// Keys, funded by one multi-send.
	var groupsDRT, groupsPts []*modelGroup
	for i := range cfg.Senders + 1 {
		name := fmt.Sprintf("load-%s-%d", cfg.Name, i)
		if i == cfg.Senders {
			name = fmt.Sprintf("load-%s-provider", cfg.Name)
		}
		k, err := newKey(c, name)
		if err != nil {
			h.T.Fatal(err)
		}
		s := &sender{name: name, key: k, node: i % nodes, rng: rand.New(rand.NewPCG(uint64(i), 0x10ad))}
		if i == cfg.Senders {
			s.node = cfg.Watch
			l.provider = s
		} else {
			if i%4 == 0 {
				groupsDRT = append(groupsDRT, &modelGroup{mechanism: merittypes.MechanismDRT, id: -1})
			}
			if i%8 == 0 {
				groupsPts = append(groupsPts, &modelGroup{mechanism: merittypes.MechanismPoints, id: -1})
			}
			s.drt, s.pts = groupsDRT[len(groupsDRT)-1], groupsPts[len(groupsPts)-1]
			l.senders = append(l.senders, s)
		}
		l.byAddr[k.address] = s
	}
	args := []string{"bank", "multi-send", cfg.Funder}
	for _, s := range append(slices.Clone(l.senders), l.provider) {
		args = append(args, s.key.address)
	}
	funded := h.Tx(cfg.Funder, append(args, fmt.Sprintf("%d%s", loadFunds, localnet.Denom))...)
	h.WaitHeight(cfg.Watch, funded.Height+1) // the accounts exist there too (committed, not only stored)
	for _, s := range append(slices.Clone(l.senders), l.provider) {
		if s.key.number, s.seq, err = c.accountNumber(h.Ctx, h.Net, cfg.Watch, s.key.address); err != nil {
			h.T.Fatal(err)
		}
	}

	// The state before the load: the module account, the supply, the first block. (/status
	// counts a block once stored; its state can be queried once the next one is.)
	h0 := h.Height(cfg.Watch)
	h.WaitHeight(cfg.Watch, h0+1)
	modBefore, err := c.balance(h.Ctx, h.Net, cfg.Watch, h0, c.moduleAddress(), localnet.Denom)
	if err != nil {
		h.T.Fatal(err)
	}
	supplyBefore, err := c.supply(h.Ctx, h.Net, cfg.Watch, h0, localnet.Denom)
	if err != nil {
		h.T.Fatal(err)
	}
	ctx, cancel := context.WithCancel(h.Ctx)
	defer cancel()
	watchDone := make(chan struct{})
	go func() { defer close(watchDone); l.watch(ctx, h0+1) }()

	// Each group's first model, created by its first sender.
	var first []*loadTx
	for _, g := range append(slices.Clone(groupsDRT), groupsPts...) {
		for _, s := range l.senders {
			if s.drt == g || s.pts == g {
				g.creating = true
				if t := l.submit(ctx, s, l.createModel(s, g)); t != nil {
					first = append(first, t)
				}
				break
			}
		}
	}
	for _, t := range first {
		l.await(ctx, t)
	}
	l.groups = append(slices.Clone(groupsDRT), groupsPts...)
	for _, g := range l.groups {
		if g.id < 0 {
			h.T.Fatalf("load: a group's first model was not created: %v", l.errs)
		}
	}
	for _, s := range l.senders {
		s.inflight = nil
	}
	l.mu.Lock()
	l.all = nil // the setup's transactions are not the load's
	l.mu.Unlock()
	h.Logf("load: %d senders (window %d) and a market provider funded; %d DRT and %d Points models; sending for %s",
		len(l.senders), cfg.Window, len(groupsDRT), len(groupsPts), cfg.Duration)

	for _, nd := range h.Net.Nodes {
		st, _ := os.Stat(nd.LogFile())
		if st != nil {
			l.logStart = append(l.logStart, st.Size())
		} else {
			l.logStart = append(l.logStart, 0)
		}
	}
	l.start = time.Now()
	l.sendEnd = l.start.Add(cfg.Duration)
	var wg sync.WaitGroup
	for _, s := range l.senders {
		wg.Add(1)
		go func() { defer wg.Done(); l.run(ctx, s) }()
	}
	wg.Add(1)
	go func() { defer wg.Done(); l.coordinate(ctx) }()
	if cfg.Kill >= 0 {
		wg.Add(1)
		go func() { defer wg.Done(); l.killer(ctx, cfg.Kill) }()
	}
	wg.Wait()
	end := time.Now()

	// Every transaction has landed (or was dropped); the watcher has read their blocks.
	l.mu.Lock()
	last := int64(0)
	for _, t := range l.all {
		last = max(last, t.height)
	}
	l.mu.Unlock()
	for {
		l.mu.Lock()
		seen := int64(0)
		if len(l.blocks) > 0 {
			seen = l.blocks[len(l.blocks)-1].height
		}
		l.mu.Unlock()
		if seen >= last {
			break
		}
		if ctx.Err() != nil {
			h.T.Fatalf("load: the watcher did not reach height %d", last)
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	<-watchDone
	h.WaitHeight(cfg.Watch, last+1) // block last committed, not only executed: its state can be queried
	h.CheckAlive()
	if cfg.Kill >= 0 && (l.kill == nil || l.kill.caughtUpAt.IsZero()) {
		h.T.Fatalf("load: the fault did not complete: %v", l.errs)
	}

	res := l.result(end, last, modBefore, supplyBefore)
	l.check(res)
	return res
}

// submit signs the job as s with its next sequence and sends it to s's validator; on a
// stale sequence it takes the one the node expects, and when the validator does not
// answer (killed) it moves s to the next one. It returns the submitted transaction, or
// nil when CheckTx refused it (counted).
func (l *load) submit(ctx context.Context, s *sender, j job) *loadTx {
	nodes := len(l.h.Net.Nodes)
	var (
		tx      []byte
		t       *loadTx
		unsure  bool // a broadcast of tx failed without an answer: a validator may hold it
		behind  int  // CheckTx refusals for a sequence behind ours, waited out
		started = time.Now()
	)
	sign := func() bool {
		var err error
		if tx, err = l.c.sign(l.h.Net.ChainID, s.key, s.seq, loadGas, j.msg); err != nil {
			l.errorf("%s: signing %s: %v", s.name, j.kind, err)
			return false
		}
		t = &loadTx{kind: j.kind, from: s, job: j, seq: s.seq, hash: txHash(tx), then: j.then, done: make(chan struct{})}
		l.mu.Lock()
		l.pending[t.hash] = t
		l.mu.Unlock()
		unsure = false
		return true
	}
	untrack := func() {
		l.mu.Lock()
		delete(l.pending, t.hash)
		l.mu.Unlock()
	}
	accept := func() *loadTx {
		s.seq++
		s.inflight = append(s.inflight, t)
		l.mu.Lock()
		l.all = append(l.all, t)
		l.mu.Unlock()
		return t
	}
	if !sign() {
		return nil
	}
	for attempt := 0; attempt < 100 && ctx.Err() == nil; attempt++ {
		t.node, t.submit = s.node, time.Now()
		r, err := broadcastSync(ctx, l.h.Net, s.node, tx)
		switch {
		case err == nil && r.Code == 0, err != nil && strings.Contains(err.Error(), "already exists in cache"):
			t.submit = started
			return accept()
		case err != nil && strings.Contains(err.Error(), "mempool is full"):
			time.Sleep(100 * time.Millisecond)
		case err != nil:
			// No answer (the validator was killed, or the request failed): the same
			// transaction to the next validator — never another one with this sequence,
			// since the first may have taken it.
			l.noteBroadcastError(err)
			unsure = true
			s.node = (s.node + 1) % nodes
			time.Sleep(50 * time.Millisecond)
		case r.Codespace == "sdk" && r.Code == 32: // account sequence mismatch, expected N, got M
			m := regexp.MustCompile(`expected (\d+)`).FindStringSubmatch(r.Log)
			if m == nil {
				l.errorf("%s: %s: %s", s.name, j.kind, r.Log)
				untrack()
				return nil
			}
			expected, _ := strconv.ParseUint(m[1], 10, 64)
			if unsure && expected == s.seq+1 { // an earlier broadcast did take it
				t.submit = started
				return accept()
			}
			if expected < s.seq && len(s.inflight) > 0 && behind < 10 {
				// The validator's CheckTx state is behind this sender's transactions in
				// flight: wait for it rather than sign a second transaction with a
				// sequence one of them has.
				behind++
				time.Sleep(300 * time.Millisecond)
				continue
			}
			untrack()
			s.seq = expected
			l.resyncs.Add(1)
			if !sign() {
				return nil
			}
		default:
			untrack()
			l.mu.Lock()
			l.checkFails[j.kind]++
			l.mu.Unlock()
			l.errorf("%s: %s refused by CheckTx on node%d: %s/%d %s", s.name, j.kind, s.node, r.Codespace, r.Code, r.Log)
			return nil
		}
	}
	untrack()
	return nil
}

// noteBroadcastError counts a broadcast that got no answer, by its error.
func (l *load) noteBroadcastError(err error) {
	var ue *url.Error
	if errors.As(err, &ue) { // not the URL: it holds the transaction
		err = ue.Err
	}
	msg := err.Error()
	if i := strings.Index(msg, "127.0.0.1:"); i >= 0 { // the port differs between validators
		if j := strings.IndexAny(msg[i:], "/ "); j > 0 {
			msg = msg[:i] + "<validator>" + msg[i+j:]
		}
	}
	if len(msg) > 120 {
		msg = msg[:120] + "…"
	}
	l.mu.Lock()
	l.broadcastErrs[msg]++
	l.mu.Unlock()
}

// await waits until t landed or was dropped: not in a block dropAfter after it was sent,
// or, when it was sent to a validator that was then killed, 8 s after the kill (the
// validator's mempool died with it; a transaction it had already passed on lands).
func (l *load) await(ctx context.Context, t *loadTx) {
	for {
		deadline := t.submit.Add(dropAfter)
		if k := l.killedAt.Load(); k != 0 && int(l.killNode.Load()) == t.node && t.submit.UnixNano() < k {
			deadline = minTime(deadline, time.Unix(0, k).Add(8*time.Second))
		}
		select {
		case <-t.done:
			return
		case <-time.After(min(time.Until(deadline), 250*time.Millisecond)):
			if time.Now().After(deadline) {
				l.resolve(t, nil, 0)
				return
			}
		case <-ctx.Done():
			return
		}
	}
}

// resolve records t's result (r nil: dropped) once.
func (l *load) resolve(t *loadTx, r *txResultJSON, height int64) {
	l.mu.Lock()
	if _, ok := l.pending[t.hash]; !ok {
		l.mu.Unlock()
		return
	}
	delete(l.pending, t.hash)
	l.mu.Unlock()
	again := func() { // before done is closed, so that the sender sees the job
		if t.job.again && t.job.tries < 3 {
			j := t.job
			j.tries++
			t.from.push(j)
		}
	}
	if r == nil {
		t.dropped = true
		again()
		close(t.done)
		return
	}
	t.height, t.included = height, time.Now()
	t.code, t.codespace, t.log, t.events = r.Code, r.Codespace, r.Log, r.Events
	if t.code != 0 && !slices.Contains(expectedRefusals[t.kind], t.result()) && t.result() != staleSequence {
		l.errorf("%s by %s in block %d: %s: %s", t.kind, t.from.name, height, t.result(), t.log)
	}
	if t.then != nil {
		t.then(t)
	}
	if t.result() == staleSequence {
		again()
	}
	close(t.done)
}

// run is a sender's loop. It ends once the provider has finished every market (by then
// every collection is queued) and the sender has nothing queued or in flight.
func (l *load) run(ctx context.Context, s *sender) {
	for ctx.Err() == nil {
		if len(s.inflight) >= l.cfg.Window {
			l.await(ctx, s.inflight[0])
			s.inflight = s.inflight[1:]
			continue
		}
		if j, ok := l.next(s); ok {
			l.submit(ctx, s, j)
			continue
		}
		if len(s.inflight) > 0 {
			l.await(ctx, s.inflight[0])
			s.inflight = s.inflight[1:]
			continue
		}
		select {
		case <-l.coordDone:
			if !s.hasJobs() {
				return
			}
		case <-ctx.Done():
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// next picks s's next transaction: a queued collection, else (while the load sends) a
// refund, a market contribution, or data for a Points or DRT model.
func (l *load) next(s *sender) (job, bool) {
	if j, ok := s.pop(); ok {
		return j, true
	}
	if time.Now().After(l.sendEnd) {
		return job{}, false
	}
	r := s.rng.Float64()
	if r < 0.1 {
		if c, ok := s.takeRefund(); ok {
			return job{kind: "refund", msg: &merittypes.MsgRefund{Caller: s.key.address, ModelId: c.model, ContributionId: c.id}}, true
		}
	}
	x, label := s.sample()
	if m := l.open.Load(); m != nil && r < 0.4 {
		return job{kind: "join-market", msg: &merittypes.MsgJoinMarket{Contributor: s.key.address, MarketId: m.id,
			Features: x, Label: label, Stake: 100 + uint64(s.rng.IntN(900))},
			then: func(t *loadTx) {
				if e, ok := t.event("merit_join_market"); ok && t.code == 0 {
					id, _ := strconv.ParseUint(e.attr("contribution_id"), 10, 64)
					m.mu.Lock()
					m.contribs[id] = s
					m.mu.Unlock()
					m.joins.Add(1)
				}
			}}, true
	}
	for _, g := range []*modelGroup{s.pts, s.drt} {
		if g == s.pts && r >= 0.6 {
			continue
		}
		g.mu.Lock()
		id, full, creating := g.id, g.count >= l.cfg.ModelCap, g.creating
		if full && !creating {
			g.creating = true
		}
		g.mu.Unlock()
		switch {
		case full && !creating:
			return l.createModel(s, g), true
		case id < 0 || full:
			continue // another sender is creating the group's next model
		}
		msg := &merittypes.MsgAddData{Contributor: s.key.address, ModelId: uint64(id), Features: x, Label: label}
		kind := "add-data points"
		if g == s.drt {
			msg.Deposit, kind = loadDeposit, "add-data drt"
		}
		return job{kind: kind, msg: msg, then: func(t *loadTx) {
			if t.code != 0 {
				return
			}
			g.mu.Lock()
			if g.id == id {
				g.count++
			}
			g.mu.Unlock()
			if g == s.drt {
				e, _ := t.event("merit_add_data")
				cid, _ := strconv.ParseUint(e.attr("contribution_id"), 10, 64)
				// The block time is about the commit time here: a margin of 3 s.
				s.addRefund(refundable{model: uint64(id), id: cid, after: t.included.Add((loadRefundWait + 3) * time.Second)})
			}
		}}, true
	}
	return job{}, false
}

// sample is a labelled sample of the load's task (label 1 when the first feature is
// positive), with a tenth of the labels flipped.
func (s *sender) sample() ([]int32, uint32) {
	x := []int32{int32(s.rng.IntN(2001)) - 1000, int32(s.rng.IntN(2001)) - 1000}
	label := uint32(0)
	if x[0] > 0 {
		label = 1
	}
	if s.rng.IntN(10) == 0 {
		label ^= 1
	}
	return x, label
}

func (l *load) createModel(s *sender, g *modelGroup) job {
	msg := &merittypes.MsgCreateModel{Creator: s.key.address, Family: "perceptron", Dims: 2, Classes: 2, Bound: 1000,
		Mechanism: g.mechanism, RefundWait: loadRefundWait}
	if g.mechanism == merittypes.MechanismDRT {
		msg.CostWeight, msg.OwnerWait, msg.AnyAddressWait = 1, 3600, 7200
	}
	return job{kind: "create-model", msg: msg, then: func(t *loadTx) {
		g.mu.Lock()
		defer g.mu.Unlock()
		g.creating = false
		if e, ok := t.event("merit_create_model"); ok && t.code == 0 {
			id, _ := strconv.ParseInt(e.attr("model_id"), 10, 64)
			g.id, g.count = id, 0
			g.created++
		}
	}}
}

// coordinate is the market provider: it keeps a market open while the load sends, and
// finishes every market it opened.
func (l *load) coordinate(ctx context.Context) {
	defer close(l.coordDone)
	m := l.newMarket(ctx)
	if m == nil {
		return
	}
	l.open.Store(m)
	for ctx.Err() == nil && time.Now().Before(l.sendEnd) {
		if m.joins.Load() < int64(l.cfg.MarketJoins) || time.Since(m.opened) < 2*time.Second {
			l.reclaim(ctx)
			time.Sleep(100 * time.Millisecond)
			continue
		}
		next := l.newMarket(ctx)
		if next == nil {
			return
		}
		l.open.Store(next)
		l.closeMarket(ctx, m)
		m = next
	}
	l.open.Store(nil)
	time.Sleep(time.Second) // the joins in flight land
	l.closeMarket(ctx, m)
	deadline := time.Now().Add(60 * time.Second)
	for ctx.Err() == nil {
		l.reclaim(ctx)
		l.mu.Lock()
		done := true
		for _, m := range l.markets {
			m.mu.Lock()
			done = done && m.finished && m.reclaimed
			m.mu.Unlock()
		}
		l.mu.Unlock()
		if done {
			return
		}
		if time.Now().After(deadline) {
			l.errorf("markets not finished and reclaimed 60 s after the load")
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// send submits a job as the provider and waits for its block; false unless it succeeded.
func (l *load) send(ctx context.Context, j job) (*loadTx, bool) {
	t := l.submit(ctx, l.provider, j)
	if t == nil {
		return nil, false
	}
	l.await(ctx, t)
	l.provider.inflight = nil
	return t, !t.dropped && t.code == 0
}

// newMarket creates a market (three committed portions of 20 rows) and reveals its drawn
// portion.
func (l *load) newMarket(ctx context.Context) *loadMarket {
	l.mu.Lock()
	l.portionSeed++
	seed := l.portionSeed
	l.mu.Unlock()
	r := rand.New(rand.NewPCG(seed, 0x9a7))
	m := &loadMarket{contribs: map[uint64]*sender{}}
	msg := &merittypes.MsgCreateMarket{Provider: l.provider.key.address, Family: "centroid", Dims: 2, Classes: 2, Bound: 1000,
		Bounty: loadBounty, MinStake: 100, MinContributions: 4, MinDuration: 1, RevealTimeout: 3600}
	for range 3 {
		d := taskPortion(r.IntN, 20)
		b, err := d.MarshalBinary()
		if err != nil {
			l.errorf("portion: %v", err)
			return nil
		}
		hash := d.Hash()
		m.portions, msg.PortionHashes = append(m.portions, b), append(msg.PortionHashes, hash[:])
	}
	t, ok := l.send(ctx, job{kind: "create-market", msg: msg})
	if !ok {
		return nil
	}
	e, _ := t.event("merit_create_market")
	m.id, _ = strconv.ParseUint(e.attr("market_id"), 10, 64)
	m.initial, _ = strconv.Atoi(e.attr("initial_portion"))
	l.mu.Lock()
	l.markets = append(l.markets, m)
	l.marketByID[m.id] = m
	l.mu.Unlock()
	if _, ok := l.send(ctx, job{kind: "reveal-initial", msg: &merittypes.MsgRevealInitial{Sender: l.provider.key.address,
		MarketId: m.id, Portion: m.portions[m.initial]}}); !ok {
		return nil
	}
	m.opened = time.Now()
	return m
}

// closeMarket ends a market and reveals its other portions: its rewards are then due, and
// the end-blocker runs them.
func (l *load) closeMarket(ctx context.Context, m *loadMarket) {
	if _, ok := l.send(ctx, job{kind: "end-market", msg: &merittypes.MsgEndMarket{Sender: l.provider.key.address, MarketId: m.id}}); !ok {
		return
	}
	var reveals []*loadTx
	for k := range m.portions {
		if k == m.initial {
			continue
		}
		t := l.submit(ctx, l.provider, job{kind: "reveal-portion", msg: &merittypes.MsgRevealPortion{Sender: l.provider.key.address,
			MarketId: m.id, Portion: m.portions[k]}})
		if t == nil {
			return
		}
		reveals = append(reveals, t)
	}
	select { // the killer may want the block that carries the last reveal
	case l.revealC <- reveals[len(reveals)-1].hash:
	default:
	}
	for _, t := range reveals {
		l.await(ctx, t)
	}
	l.provider.inflight = nil
}

// reclaim takes back the pool of every finished market not yet reclaimed.
func (l *load) reclaim(ctx context.Context) {
	l.mu.Lock()
	ms := slices.Clone(l.markets)
	l.mu.Unlock()
	for _, m := range ms {
		m.mu.Lock()
		due := m.finished && !m.reclaimed
		m.mu.Unlock()
		if !due {
			continue
		}
		if _, ok := l.send(ctx, job{kind: "reclaim-bounty", msg: &merittypes.MsgReclaimBounty{Provider: l.provider.key.address, MarketId: m.id}}); ok {
			m.mu.Lock()
			m.reclaimed = true
			m.mu.Unlock()
		}
	}
}

// marketFinished queues the collections of a market that has finished.
func (l *load) marketFinished(id uint64) {
	l.mu.Lock()
	m := l.marketByID[id]
	l.mu.Unlock()
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.finished {
		return
	}
	m.finished = true
	for cid, s := range m.contribs {
		s.push(job{kind: "collect", msg: &merittypes.MsgCollect{Contributor: s.key.address, MarketId: m.id, ContributionId: cid}, again: true})
	}
}

// txResultJSON is a transaction's result in block_results.
type txResultJSON struct {
	Code      uint32      `json:"code"`
	Codespace string      `json:"codespace"`
	Log       string      `json:"log"`
	Events    []abciEvent `json:"events"`
}

// watch reads every block of validator Watch from height from on, as soon as it has
// been executed and committed: a block is "seen" when the node first gives its results
// (/status reports a block as soon as it is stored, before it is executed).
func (l *load) watch(ctx context.Context, from int64) {
	next := from
	var failing time.Time // since when block next has had no results
	for ctx.Err() == nil {
		st, err := l.h.Net.Status(ctx, l.cfg.Watch)
		for err == nil && next <= st.Height {
			if err = l.readBlock(ctx, next, time.Now()); err != nil {
				break
			}
			next++
			failing = time.Time{}
		}
		if err != nil && ctx.Err() == nil {
			if failing.IsZero() {
				failing = time.Now()
			} else if time.Since(failing) > 20*time.Second {
				l.errorf("watcher: block %d: %v", next, err)
				failing = time.Now()
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(25 * time.Millisecond):
		}
	}
}

func (l *load) readBlock(ctx context.Context, height int64, seen time.Time) error {
	hp := url.Values{"height": {fmt.Sprint(height)}}
	var r struct {
		TxsResults     []txResultJSON `json:"txs_results"`
		FinalizeEvents []abciEvent    `json:"finalize_block_events"`
	}
	if err := l.h.Net.RPC(ctx, l.cfg.Watch, "block_results", hp, &r); err != nil {
		return err // not executed yet
	}
	seen = time.Now()
	var b struct {
		Block struct {
			Data struct {
				Txs []string `json:"txs"`
			} `json:"data"`
		} `json:"block"`
	}
	if err := l.h.Net.RPC(ctx, l.cfg.Watch, "block", hp, &b); err != nil {
		return err
	}
	if len(r.TxsResults) != len(b.Block.Data.Txs) {
		return fmt.Errorf("%d transactions, %d results", len(b.Block.Data.Txs), len(r.TxsResults))
	}
	rec := blockRec{height: height, seen: seen, txs: len(b.Block.Data.Txs)}
	var in, out int64
	for k, s := range b.Block.Data.Txs {
		tx, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return err
		}
		res := &r.TxsResults[k]
		if res.Code == 0 {
			i, o := ledger(res.Events)
			in, out = in+i, out+o
		}
		l.mu.Lock()
		t := l.pending[txHash(tx)]
		l.mu.Unlock()
		if t != nil {
			l.resolve(t, res, height)
		}
	}
	i, o := ledger(r.FinalizeEvents)
	in, out = in+i, out+o
	var finished []uint64
	for _, e := range r.FinalizeEvents {
		switch e.Type {
		case "merit_rewards_block":
			n, _ := strconv.Atoi(e.attr("steps"))
			rec.steps += n
		case "merit_market_phase":
			if e.attr("phase") == "finished" {
				id, _ := strconv.ParseUint(e.attr("market_id"), 10, 64)
				finished = append(finished, id)
			}
		}
	}
	l.mu.Lock()
	l.blocks = append(l.blocks, rec)
	l.ledgerIn += in
	l.ledgerOut += out
	l.mu.Unlock()
	for _, id := range finished {
		l.marketFinished(id)
	}
	return nil
}

// ledger sums the coins the merit events say went into and out of the module account.
func ledger(events []abciEvent) (in, out int64) {
	amount := func(e abciEvent) int64 {
		v := e.attr("amount")
		if v == "" {
			return 0
		}
		cs, err := sdk.ParseCoinsNormalized(v)
		if err != nil {
			return 0
		}
		return cs.AmountOf(localnet.Denom).Int64()
	}
	for _, e := range events {
		switch e.Type {
		case "merit_add_data", "merit_join_market", "merit_create_market":
			in += amount(e)
		case "merit_refund", "merit_report", "merit_claim", "merit_market_payout":
			out += amount(e)
		}
	}
	return in, out
}

// killer: at KillAfter it waits for the provider to broadcast the last reveal of a market
// (whose block runs the market's first reward steps in the end-blocker), then follows the
// validator's log; at each "finalizing commit of block" — consensus has decided the
// block, the node saves it and then executes it (FinalizeBlock) and commits the app
// state — it asks the validator for that block, and sends SIGKILL to the validator's
// process group as soon as the block is the one carrying the reveal (or, when no reveal
// came within 8 s, any block with transactions). The validator's log then shows whether
// it died before "finalized block" for that height (mid-execution). After KillFor it is
// restarted and must catch up.
func (l *load) killer(ctx context.Context, k int) {
	net := l.h.Net
	select {
	case <-time.After(time.Until(l.start.Add(l.cfg.KillAfter))):
	case <-ctx.Done():
		return
	}
	for len(l.revealC) > 0 { // an old one
		<-l.revealC
	}
	rep := &killReport{node: k}
	var target string
	select {
	case target = <-l.revealC:
		rep.target = "the last reveal of a market, whose block runs its reward steps"
	case <-time.After(8 * time.Second):
		rep.target = "merit transactions"
	case <-ctx.Done():
		return
	}
	// From now on (the reveal was broadcast just now: its block is not decided yet).
	logPath := net.Nodes[k].LogFile()
	f, err := os.Open(logPath)
	if err != nil {
		l.errorf("killer: %v", err)
		return
	}
	defer f.Close()
	start, _ := f.Seek(0, io.SeekEnd)
	rd := bufio.NewReader(f)
	finalizing := regexp.MustCompile(`finalizing commit of block.* height=(\d+)`)
	numTxs := regexp.MustCompile(`num_txs=(\d+)`)
	deadline := time.Now().Add(4 * time.Second)
	var partial string
	giveUp := time.Now().Add(30 * time.Second)
	for rep.killedAt.IsZero() {
		if ctx.Err() != nil {
			return
		}
		if time.Now().After(giveUp) {
			l.errorf("killer: no \"finalizing commit of block\" in %s's log for 30 s", net.Nodes[k].Name)
			return
		}
		line, err := rd.ReadString('\n')
		if err != nil { // no complete line yet
			partial += line
			time.Sleep(2 * time.Millisecond)
			continue
		}
		line, partial = partial+line, ""
		m := finalizing.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		height, _ := strconv.ParseInt(m[1], 10, 64)
		hit := false
		if target != "" {
			var b struct {
				Block struct {
					Data struct {
						Txs []string `json:"txs"`
					} `json:"data"`
				} `json:"block"`
			}
			bctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
			if net.RPC(bctx, k, "block", url.Values{"height": {fmt.Sprint(height)}}, &b) == nil {
				for _, s := range b.Block.Data.Txs {
					if tx, err := base64.StdEncoding.DecodeString(s); err == nil && txHash(tx) == target {
						hit = true
					}
				}
			}
			cancel()
			if !hit && time.Now().After(deadline) {
				target, rep.target = "", "merit transactions (the reveal's block was missed)"
			}
		}
		if target == "" {
			n := numTxs.FindStringSubmatch(line)
			// Any block once the load has stopped sending (its last blocks may be empty).
			hit = n != nil && n[1] != "0" || time.Now().After(l.sendEnd)
		}
		if !hit {
			continue
		}
		l.killNode.Store(int32(k))
		l.h.mu.Lock()
		l.h.stopped[k] = true
		l.h.mu.Unlock()
		if err := net.Kill(k); err != nil {
			l.errorf("killer: %v", err)
			return
		}
		rep.killedAt, rep.height = time.Now(), height
		l.killedAt.Store(rep.killedAt.UnixNano())
	}
	// What the log says the node did with that block before it died.
	b, _ := os.ReadFile(logPath)
	after := string(b[min(int(start), len(b)):])
	rep.midBlock = !regexp.MustCompile(fmt.Sprintf(`finalized block.* height=%d\b`, rep.height)).MatchString(after)
	l.mu.Lock()
	l.kill = rep
	l.mu.Unlock()

	select {
	case <-time.After(l.cfg.KillFor):
	case <-ctx.Done():
		return
	}
	mark, _ := os.Stat(logPath)
	if err := net.Start(k); err != nil {
		l.errorf("killer: restarting: %v", err)
		return
	}
	rep.restartedAt = time.Now()
	if err := net.WaitReady(ctx, k); err != nil {
		l.errorf("killer: %v", err)
		return
	}
	l.h.mu.Lock()
	delete(l.h.stopped, k)
	l.h.mu.Unlock()
	target2, err := net.Height(ctx, l.cfg.Watch)
	if err != nil {
		l.errorf("killer: %v", err)
		return
	}
	if err := net.WaitHeight(ctx, k, target2); err != nil {
		l.errorf("killer: %v", err)
		return
	}
	rep.caughtUpAt, rep.caughtUpHeight = time.Now(), target2
	if b, err := os.ReadFile(logPath); err == nil && mark != nil && int(mark.Size()) <= len(b) {
		replay := regexp.MustCompile(`ABCI Replay Blocks appHeight=(\d+) .*storeHeight=(\d+)`)
		for _, line := range strings.Split(string(b[mark.Size():]), "\n") {
			if strings.Contains(line, "ABCI Replay Blocks") || strings.Contains(line, "Replay: ") ||
				strings.Contains(line, "ABCI Handshake App Info") || strings.Contains(line, "Replay last block") {
				rep.handshake += "\n      " + compactLog(line)
			}
			if m := replay.FindStringSubmatch(line); m != nil {
				rep.appHeight, _ = strconv.ParseInt(m[1], 10, 64)
				rep.storeHeight, _ = strconv.ParseInt(m[2], 10, 64)
			}
		}
	}
}

// compactLog strips a log line's time and level.
func compactLog(line string) string {
	if i := strings.Index(line, " INF "); i >= 0 {
		return strings.TrimSpace(line[i+5:])
	}
	return strings.TrimSpace(line)
}

// loadResult is what a load did and what was checked afterwards.
type loadResult struct {
	cfg                        loadConfig
	nodes                      int
	duration                   time.Duration // from the first submission to the last block
	rows                       []loadRow
	total                      loadRow
	inWindow, okInWindow       int // transactions committed while the senders sent
	blocks, maxTxs, steps      int
	meanInterval, maxInterval  time.Duration
	firstHeight, lastHeight    int64
	markets, finished          int
	modelsCreated, groups      int
	modBefore, modAfter        int64
	ledgerIn, ledgerOut        int64
	contribHeld, marketHeld    int64
	models, contributions      int
	allMarkets                 int
	supplyBefore, supplyAfter  int64
	invCheck                   string
	kill                       *killReport
	checkFails                 int
	errs                       []string
	latencies                  []time.Duration
	refusals                   map[string]int
	refusalLog                 map[string]string // the first log of each
	dropped, droppedFromKilled int
	recheckTimeouts            []int // per validator, in its log during the load
	resyncs                    int64
	broadcastErrs              map[string]int
}

type loadRow struct {
	kind                        string
	sent, committed, ok, failed int
	dropped                     int
	p50, p90, p99, max          time.Duration
}

func percentiles(ds []time.Duration, r *loadRow) {
	if len(ds) == 0 {
		return
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	at := func(p float64) time.Duration { // nearest rank
		k := int(math.Ceil(p*float64(len(ds)))) - 1
		return ds[max(0, min(len(ds)-1, k))]
	}
	r.p50, r.p90, r.p99, r.max = at(0.50), at(0.90), at(0.99), ds[len(ds)-1]
}

// result summarises the run and queries the end state (at the last block the watcher
// read) for the checks.
func (l *load) result(end time.Time, last int64, modBefore, supplyBefore int64) *loadResult {
	h, c := l.h, l.c
	l.mu.Lock()
	defer l.mu.Unlock()
	res := &loadResult{cfg: l.cfg, nodes: len(h.Net.Nodes), modBefore: modBefore, supplyBefore: supplyBefore,
		ledgerIn: l.ledgerIn, ledgerOut: l.ledgerOut, kill: l.kill, errs: l.errs, refusals: map[string]int{}, refusalLog: map[string]string{}, resyncs: l.resyncs.Load(),
		broadcastErrs: maps.Clone(l.broadcastErrs)}
	byKind := map[string][]*loadTx{}
	for _, t := range l.all {
		byKind[t.kind] = append(byKind[t.kind], t)
	}
	var all []time.Duration
	first := end
	lastIncl := l.start
	for _, kind := range loadKinds {
		row := loadRow{kind: kind}
		var ds []time.Duration
		for _, t := range byKind[kind] {
			row.sent++
			first = minTime(first, t.submit)
			switch {
			case t.dropped:
				row.dropped++
				res.dropped++
				if l.kill != nil && t.node == l.kill.node {
					res.droppedFromKilled++
				}
			default:
				row.committed++
				if t.code == 0 {
					row.ok++
				} else {
					row.failed++
					res.refusals[kind+" "+t.result()]++
					if _, ok := res.refusalLog[t.result()]; !ok {
						res.refusalLog[t.result()] = t.log
					}
				}
				d := t.included.Sub(t.submit)
				ds, all = append(ds, d), append(all, d)
				if lastIncl.Before(t.included) {
					lastIncl = t.included
				}
				if !t.included.After(l.sendEnd) && !t.submit.Before(l.start) {
					res.inWindow++
					if t.code == 0 {
						res.okInWindow++
					}
				}
			}
		}
		row.sent += l.checkFails[kind]
		res.checkFails += l.checkFails[kind]
		percentiles(ds, &row)
		if row.sent > 0 {
			res.rows = append(res.rows, row)
		}
		res.total.sent += row.sent
		res.total.committed += row.committed
		res.total.ok += row.ok
		res.total.failed += row.failed
		res.total.dropped += row.dropped
	}
	res.total.kind = "all"
	res.latencies = slices.Clone(all)
	percentiles(all, &res.total)
	res.duration = lastIncl.Sub(first)

	var prev time.Time
	var sum time.Duration
	n := 0
	for _, b := range l.blocks {
		res.steps += b.steps
		if b.seen.Before(l.start) || b.seen.After(l.sendEnd) {
			continue
		}
		res.blocks++
		res.maxTxs = max(res.maxTxs, b.txs)
		if !prev.IsZero() {
			d := b.seen.Sub(prev)
			sum += d
			n++
			res.maxInterval = max(res.maxInterval, d)
		}
		prev = b.seen
	}
	if n > 0 {
		res.meanInterval = sum / time.Duration(n)
	}
	if len(l.blocks) > 0 {
		res.firstHeight, res.lastHeight = l.blocks[0].height, l.blocks[len(l.blocks)-1].height
	}
	res.markets = len(l.markets)
	for _, m := range l.markets {
		if m.finished && m.reclaimed {
			res.finished++
		}
	}
	for _, g := range l.groups {
		res.modelsCreated += g.created
	}
	res.groups = len(l.groups)
	if l.kill != nil {
		for _, t := range l.all {
			if t.node == l.kill.node {
				l.kill.sentToKilled++
			}
		}
		l.kill.droppedTotal = res.dropped
		var prev time.Time
		for _, b := range l.blocks {
			if b.seen.Before(l.kill.killedAt) || b.seen.After(l.kill.caughtUpAt) {
				continue
			}
			if !prev.IsZero() {
				l.kill.longestGap = max(l.kill.longestGap, b.seen.Sub(prev))
			} else {
				l.kill.longestGap = b.seen.Sub(l.kill.killedAt)
			}
			prev = b.seen
			if b.seen.Before(l.kill.restartedAt) {
				l.kill.blocksWhileDown++
			}
		}
	}

	// The end state, at the last height the watcher read.
	var err error
	w := l.cfg.Watch
	if res.modAfter, err = c.balance(h.Ctx, h.Net, w, last, c.moduleAddress(), localnet.Denom); err != nil {
		res.errs = append(res.errs, err.Error())
	}
	if res.supplyAfter, err = c.supply(h.Ctx, h.Net, w, last, localnet.Denom); err != nil {
		res.errs = append(res.errs, err.Error())
	}
	for _, m := range l.markets {
		var q merittypes.QueryMarketResponse
		if err := c.abciQuery(h.Ctx, h.Net, w, last, "/merit.v1.Query/Market", &merittypes.QueryMarketRequest{MarketId: m.id}, &q); err != nil {
			res.errs = append(res.errs, err.Error())
		} else if q.Status.Phase != "finished" || q.Status.Held != 0 {
			res.errs = append(res.errs, fmt.Sprintf("market %d of the load: phase %s, holding %d", m.id, q.Status.Phase, q.Status.Held))
		}
	}
	esc, err := escrowAt(h.Ctx, c, h.Net, w, last)
	if err != nil {
		res.errs = append(res.errs, err.Error())
	} else {
		res.contribHeld, res.marketHeld, res.models, res.contributions, res.allMarkets = esc.contributions, esc.markets, esc.nModels, esc.nContributions, esc.nMarkets
		res.errs = append(res.errs, esc.problems...)
	}
	for i, nd := range h.Net.Nodes {
		b, _ := os.ReadFile(nd.LogFile())
		res.recheckTimeouts = append(res.recheckTimeouts, strings.Count(string(b[min(len(b), int(l.logStart[i])):]), "timed out waiting for recheck responses"))
	}
	for _, i := range h.Running() {
		pid, _ := h.Net.PID(i)
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		args := strings.Split(string(b), "\x00")
		if k := slices.Index(args, "--inv-check-period"); k < 0 || k+1 >= len(args) || args[k+1] != "1" {
			res.invCheck = fmt.Sprintf("%s does not run with --inv-check-period 1: %q", h.Net.Nodes[i].Name, args)
		}
	}
	if res.invCheck == "" {
		res.invCheck = fmt.Sprintf("every validator runs with --inv-check-period 1 (its command line): the escrow invariant is asserted at the end of every block, and a broken one halts the node; all %d ran to the end", len(h.Net.Nodes))
	}
	return res
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// escrow is what the merit queries say the module account should hold.
type escrow struct {
	contributions, markets            int64 // Σ remaining deposits; Σ market held (pool unless reclaimed, uncollected balances)
	nModels, nContributions, nMarkets int
	problems                          []string // a DRT model whose claimable differs from its records
}

// escrowAt adds up, at height on node i, what every contribution of every model still
// holds and what every market holds, through the module's queries (models and markets
// are numbered from 0: each is asked for until one is unknown).
func escrowAt(ctx context.Context, c *sdkCodec, n *localnet.Net, i int, height int64) (*escrow, error) {
	e := &escrow{}
	for id := uint64(0); ; id++ {
		var m merittypes.QueryModelResponse
		if err := c.abciQuery(ctx, n, i, height, "/merit.v1.Query/Model", &merittypes.QueryModelRequest{ModelId: id}, &m); err != nil {
			if notFound(err) {
				break
			}
			return nil, err
		}
		e.nModels++
		var sum uint64
		if err := pages(func(p *query.PageRequest) (*query.PageResponse, error) {
			var r merittypes.QueryContributionsResponse
			if err := c.abciQuery(ctx, n, i, height, "/merit.v1.Query/Contributions", &merittypes.QueryContributionsRequest{ModelId: id, Pagination: p}, &r); err != nil {
				return nil, err
			}
			for _, ct := range r.Contributions {
				sum += ct.Remaining
				e.nContributions++
			}
			return r.Pagination, nil
		}); err != nil {
			return nil, err
		}
		if m.Model.Mechanism == merittypes.MechanismDRT && m.Claimable != sum {
			e.problems = append(e.problems, fmt.Sprintf("model %d: claimable %d, its contributions hold %d", id, m.Claimable, sum))
		}
		e.contributions += int64(sum)
	}
	for id := uint64(0); ; id++ {
		var m merittypes.QueryMarketResponse
		if err := c.abciQuery(ctx, n, i, height, "/merit.v1.Query/Market", &merittypes.QueryMarketRequest{MarketId: id}, &m); err != nil {
			if notFound(err) {
				break
			}
			return nil, err
		}
		e.nMarkets++
		e.markets += int64(m.Status.Held)
		if m.Status.Funded != m.Status.Held+m.Status.PaidOut {
			e.problems = append(e.problems, fmt.Sprintf("market %d: funded %d ≠ held %d + paid out %d", id, m.Status.Funded, m.Status.Held, m.Status.PaidOut))
		}
	}
	return e, nil
}

// check fails the test unless the load went as it must.
func (l *load) check(res *loadResult) {
	t := l.h.T
	t.Helper()
	for _, e := range res.errs {
		t.Errorf("load: %s", e)
	}
	if res.checkFails > 0 {
		t.Errorf("load: %d transactions refused by CheckTx", res.checkFails)
	}
	if res.total.ok == 0 || res.inWindow == 0 {
		t.Errorf("load: nothing committed")
	}
	if res.dropped > res.droppedFromKilled {
		// CometBFT's mempool does not promise to include what CheckTx accepted; a few
		// losses are reported, more than 1% fail the run.
		if res.dropped-res.droppedFromKilled > res.total.sent/100 {
			t.Errorf("load: %d transactions never landed, %d of them sent to a validator that was killed", res.dropped, res.droppedFromKilled)
		} else {
			t.Logf("load: %d transactions never landed, %d of them sent to a validator that was killed", res.dropped, res.droppedFromKilled)
		}
		l.mu.Lock()
		n := 0
		for _, tx := range l.all {
			if tx.dropped && n < 8 {
				n++
				t.Logf("  dropped: %s by %s, sequence %d, sent to node%d at %s (%.1fs into the load), hash %s", tx.kind, tx.from.name, tx.seq,
					tx.node, tx.submit.Format("15:04:05.000"), tx.submit.Sub(l.start).Seconds(), tx.hash)
			}
		}
		l.mu.Unlock()
	}
	if res.markets == 0 || res.finished != res.markets {
		t.Errorf("load: %d markets, %d finished and reclaimed", res.markets, res.finished)
	}
	if got, want := res.modAfter, res.contribHeld+res.marketHeld; got != want {
		t.Errorf("load: the module account holds %d, the queries say %d (contributions) + %d (markets) = %d", got, res.contribHeld, res.marketHeld, want)
	}
	if got, want := res.modAfter-res.modBefore, res.ledgerIn-res.ledgerOut; got != want {
		t.Errorf("load: the module account changed by %d, the merit events say %d in − %d out = %d", got, res.ledgerIn, res.ledgerOut, want)
	}
	if res.supplyAfter != res.supplyBefore {
		t.Errorf("load: total supply %d before, %d after", res.supplyBefore, res.supplyAfter)
	}
	if !strings.HasPrefix(res.invCheck, "every validator") {
		t.Errorf("load: %s", res.invCheck)
	}
	if k := res.kill; k != nil {
		if k.blocksWhileDown < 1 {
			t.Errorf("load: no block while node%d was down", k.node)
		}
		if k.longestGap > 10*time.Second {
			t.Errorf("load: the chain stalled for %s around the kill", k.longestGap)
		}
	}
}

// print writes the summary table.
func (r *loadResult) print(w io.Writer) {
	fmt.Fprintf(w, "\nLoad: %d validators on loopback, %d senders (each its own account, sequence and validator; %d transactions in flight each) and a market provider, sending for %s.\n",
		r.nodes, r.cfg.Senders, r.cfg.Window, r.cfg.Duration)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "transaction\tsent\tcommitted\tok\tfailed\tdropped\tp50\tp90\tp99\tmax\t")
	ms := func(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond)) }
	for _, row := range append(slices.Clone(r.rows), r.total) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t\n", row.kind, row.sent, row.committed, row.ok, row.failed, row.dropped,
			ms(row.p50), ms(row.p90), ms(row.p99), ms(row.max))
	}
	tw.Flush()
	fmt.Fprintf(w, "Latency: from broadcast_tx_sync to the commit of the transaction's block as seen by node%d (polled every 25 ms).\n", r.cfg.Watch)
	secs := r.cfg.Duration.Seconds()
	fmt.Fprintf(w, "Throughput: %.1f transactions/s committed (%.1f/s successful) while the senders sent: %d in %d blocks (at most %d in one; a block every %s on average, the longest gap %s).\n",
		float64(r.inWindow)/secs, float64(r.okInWindow)/secs, r.inWindow, r.blocks, r.maxTxs,
		r.meanInterval.Round(time.Millisecond), r.maxInterval.Round(time.Millisecond))
	fmt.Fprintf(w, "Blocks %d…%d; %d markets opened, ended, revealed, rewarded (%d reward steps in the end-blocker), collected and reclaimed; %d models created (%d groups of senders, a new model every %d contributions).\n",
		r.firstHeight, r.lastHeight, r.markets, r.steps, r.modelsCreated, r.groups, r.cfg.ModelCap)
	if len(r.refusals) > 0 {
		var ks []string
		for k, v := range r.refusals {
			ks = append(ks, fmt.Sprintf("%s ×%d", k, v))
		}
		sort.Strings(ks)
		fmt.Fprintf(w, "Expected failures: %s (merit/15: the model disagrees with the contribution; merit/31: the market ended before the join landed; sdk/32: a stale account sequence, see staleSequence in load_test.go).\n", strings.Join(ks, ", "))
	}
	fmt.Fprintf(w, "Mempool rechecks that timed out (CometBFT's recheck_timeout, 1 s), per validator: %v; CheckTx refusals for a stale sequence (the sender then took the sequence expected): %d.\n",
		r.recheckTimeouts, r.resyncs)
	if lg, ok := r.refusalLog[staleSequence]; ok {
		fmt.Fprintf(w, "The first sdk/32: %s\n", lg)
	}
	if n := r.dropped - r.droppedFromKilled; n > 0 {
		fmt.Fprintf(w, "%d transactions accepted by CheckTx never landed within %s (not counting those a killed validator held).\n", n, dropAfter)
	}
	if len(r.broadcastErrs) > 0 {
		var ks []string
		for k, v := range r.broadcastErrs {
			ks = append(ks, fmt.Sprintf("%q ×%d", k, v))
		}
		sort.Strings(ks)
		fmt.Fprintf(w, "Broadcasts without an answer (sent again, the same bytes, to the next validator): %s.\n", strings.Join(ks, ", "))
	}
	if k := r.kill; k != nil {
		mid := "after it had executed it"
		if k.midBlock {
			mid = "before its log showed \"finalized block\" for it"
		}
		switch {
		case k.storeHeight == k.height && k.appHeight == k.height-1:
			mid += fmt.Sprintf("; on restart its block store held block %d and its app state was at %d: it had died mid-block, and replayed the block", k.height, k.height-1)
		case k.storeHeight > 0:
			mid += fmt.Sprintf("; on restart its block store was at %d and its app state at %d", k.storeHeight, k.appHeight)
		}
		fmt.Fprintf(w, "Fault: node%d got SIGKILL right after its log said \"finalizing commit of block %d\" (a block carrying %s), %s; restarted %s later, caught up to height %d %s after the restart. While it was down: %d blocks, the longest gap between blocks %s. %d transactions had been sent to it; %d were never committed.%s\n",
			k.node, k.height, k.target, mid, k.restartedAt.Sub(k.killedAt).Round(time.Millisecond), k.caughtUpHeight,
			k.caughtUpAt.Sub(k.restartedAt).Round(time.Millisecond), k.blocksWhileDown, k.longestGap.Round(time.Millisecond),
			k.sentToKilled, r.droppedFromKilled, func() string {
				if k.handshake == "" {
					return ""
				}
				return "\n    Its restart:" + k.handshake
			}())
	}
	fmt.Fprintf(w, "Escrow at height %d: the merit module account holds %d%s = %d held by %d contributions of %d models + %d held by %d markets (the queries); it changed by %+d during the load = %d in − %d out per the merit events.\n",
		r.lastHeight, r.modAfter, localnet.Denom, r.contribHeld, r.contributions, r.models, r.marketHeld, r.allMarkets,
		r.modAfter-r.modBefore, r.ledgerIn, r.ledgerOut)
	fmt.Fprintf(w, "Supply: %d%s before and after (no mint module; fees are transfers).\n", r.supplyAfter, localnet.Denom)
	fmt.Fprintf(w, "Invariant: %s.\n\n", r.invCheck)
}
