//go:build sims

// The application simulation, in the style of the Cosmos SDK's own simapp tests, on the
// SDK's simulation framework (testutil/simsx over x/simulation): random accounts, a
// random genesis for every module that supports simulation (auth, bank, staking,
// distribution, slashing, gov, merit), then blocks of random messages of all of them,
// from random seeds. The build tag keeps them out of `go test ./...`: run them with
// `make sim-short` or `make sim` (repository root), or e.g.
//
//	cd chain && go test -tags sims -run TestFullAppSimulation -v ./app/ -Seed=7 -NumBlocks=100
//
// Flags: the SDK's simulator flags (-Seed, -NumBlocks, -BlockSize, -GenesisTime,
// -Params, -Genesis, -ExportStatePath, -ExportStatsPath, -Verbose, -DBBackend, …) and
// -Seeds (a comma-separated list of seeds, run in parallel; it overrides -Seed).
// Without them a run is short: seed 42, 60 blocks of about 30 operations, and a fixed
// genesis time, so that a seed reproduces the same chain in any process.
package app_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log/v2"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/server"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	govv1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"
	simcli "github.com/cosmos/cosmos-sdk/x/simulation/client/cli"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/meritchain/merit/chain/app"
	"github.com/meritchain/merit/chain/x/merit/types"
)

// The defaults of a run, when the flags do not set them: a short run.
const (
	defaultNumBlocks   = 60
	defaultBlockSize   = 30
	defaultGenesisTime = 1_700_000_000 // unix seconds; the SDK's default is the current time
)

var flagSeeds string

func init() {
	simcli.GetSimulatorFlags()
	flag.StringVar(&flagSeeds, "Seeds", "", "comma-separated simulation seeds, run in parallel (overrides -Seed)")
}

// simConfig returns the simulation configuration from the flags, with this package's
// defaults for the ones not given, and the seeds to run.
func simConfig(t *testing.T) (simtypes.Config, []int64) {
	cfg := simcli.NewConfigFromFlags()
	cfg.ChainID = simsx.SimAppChainID
	set := map[string]bool{}
	flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !set["NumBlocks"] {
		cfg.NumBlocks = defaultNumBlocks
	}
	if !set["BlockSize"] {
		cfg.BlockSize = defaultBlockSize
	}
	if !set["GenesisTime"] {
		cfg.GenesisTime = defaultGenesisTime
	}
	seeds := []int64{cfg.Seed}
	if flagSeeds != "" {
		seeds = nil
		for _, s := range strings.Split(flagSeeds, ",") {
			n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
			require.NoError(t, err, "-Seeds")
			seeds = append(seeds, n)
		}
	}
	return cfg, seeds
}

// withInvariants sets --inv-check-period 1: the app's end-blocker asserts every
// registered invariant (the merit module's escrow invariant; the SDK's modules register
// none since x/crisis left the SDK) at the end of every block, and panics, failing the
// simulation, if one is broken.
type withInvariants struct{ servertypes.AppOptions }

func (o withInvariants) Get(key string) any {
	if key == server.FlagInvCheckPeriod {
		return 1
	}
	return o.AppOptions.Get(key)
}

type appFactory = func(log.Logger, dbm.DB, bool, servertypes.AppOptions, ...func(*baseapp.BaseApp)) *app.App

// newSimApp is the app of every simulation: the shared WebAssembly engine, the
// invariants asserted at every block.
func newSimApp(logger log.Logger, db dbm.DB, loadLatest bool, appOpts servertypes.AppOptions, opts ...func(*baseapp.BaseApp)) *app.App {
	return app.New(logger, db, loadLatest, withInvariants{appOpts}, opts...)
}

func setupStateFactory(a *app.App) simsx.SimStateFactory {
	return simsx.SimStateFactory{
		Codec:         a.AppCodec(),
		AppStateFn:    simtestutil.AppStateFn(a.AppCodec(), a.SimulationManager(), a.DefaultGenesis()),
		BlockedAddr:   app.BlockedAddresses(),
		AccountSource: a.AccountKeeper,
		BalanceSource: a.BankKeeper,
	}
}

type postRun = func(testing.TB, simsx.TestInstance[*app.App], []simtypes.Account)

// runSeeds runs the simulation once per seed, each in its own parallel subtest, and then
// the post-run checks on the committed state.
func runSeeds(t *testing.T, cfg simtypes.Config, seeds []int64, factory appFactory, post ...postRun) {
	for _, seed := range seeds {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel()
			c := cfg
			if c.ExportStatsPath == "" {
				c.ExportStatsPath = t.TempDir() + "/stats.json" // read by opCounts
			}
			simsx.RunWithSeed(t, c, factory, setupStateFactory, seed, nil, post...)
		})
	}
}

// checkInvariants asserts the registered invariants on the final committed state (the
// end-blocker checked every block before it, but not the last block's messages).
func checkInvariants(tb testing.TB, ti simsx.TestInstance[*app.App], _ []simtypes.Account) {
	tb.Helper()
	a := ti.App
	require.Contains(tb, a.Invariants.Routes(), types.ModuleName+"/escrow")
	ctx := a.NewContextLegacy(true, cmtproto.Header{Height: a.LastBlockHeight()})
	require.NoError(tb, a.Invariants.Assert(ctx))
}

// meritMsgs returns the type URLs of the merit messages users sign: every merit
// message the app registers but MsgUpdateParams (governance only).
func meritMsgs(a *app.App) []string {
	var out []string
	for _, url := range a.InterfaceRegistry().ListImplementations(sdk.MsgInterfaceProtoName) {
		if strings.HasPrefix(url, "/"+types.ModuleName+".") && url != sdk.MsgTypeURL(&types.MsgUpdateParams{}) {
			out = append(out, url)
		}
	}
	sort.Strings(out)
	return out
}

// opCounts reads a run's operation statistics (the SDK's event stats, exported to
// cfg.ExportStatsPath): for each message type URL, the operations delivered
// successfully ("ok") and skipped ("failure": a factory that found nothing valid to
// send; a delivered message that fails stops the simulation).
func opCounts(tb testing.TB, path string) (ok, skipped map[string]int) {
	tb.Helper()
	b, err := os.ReadFile(path)
	require.NoError(tb, err)
	var stats map[string]map[string]map[string]int
	require.NoError(tb, json.Unmarshal(b, &stats))
	ok, skipped = map[string]int{}, map[string]int{}
	for _, ops := range stats {
		for op, res := range ops {
			if !strings.HasPrefix(op, "/") {
				continue // not a message: the simulator's block and validator events
			}
			ok[op] += res["ok"]
			skipped[op] += res["failure"]
		}
	}
	return ok, skipped
}

// reportOps prints how many operations of each merit message were delivered and
// skipped, and what became of the governance proposals that carried a merit parameter
// change; it returns the message types never delivered and the number of operations
// of the run (all modules, delivered or skipped).
func reportOps(tb testing.TB, ti simsx.TestInstance[*app.App]) (missing []string, ops int) {
	tb.Helper()
	a := ti.App
	ok, skipped := opCounts(tb, ti.Cfg.ExportStatsPath)
	var sb strings.Builder
	fmt.Fprintf(&sb, "merit operations, seed %d, %d blocks:\n%-34s %9s %9s\n", ti.Cfg.Seed, ti.Cfg.NumBlocks, "message", "delivered", "skipped")
	total := 0
	for _, url := range meritMsgs(a) {
		fmt.Fprintf(&sb, "%-34s %9d %9d\n", url, ok[url], skipped[url])
		total += ok[url]
		if ok[url] == 0 {
			missing = append(missing, url)
		}
	}
	all := 0
	for op, n := range ok {
		all += n
		ops += n + skipped[op]
	}
	fmt.Fprintf(&sb, "%-34s %9d\n%-34s %9d %9d\n", "merit, all", total, "every module", all, ops-all)
	status := map[string]int{}
	ctx := a.NewContextLegacy(true, cmtproto.Header{Height: a.LastBlockHeight()})
	require.NoError(tb, a.GovKeeper.Proposals.Walk(ctx, nil, func(_ uint64, p govv1.Proposal) (bool, error) {
		for _, m := range p.Messages {
			if m.TypeUrl == sdk.MsgTypeURL(&types.MsgUpdateParams{}) {
				status[p.Status.String()]++
			}
		}
		return false, nil
	}))
	fmt.Fprintf(&sb, "governance proposals carrying %s, by status: %v\n", sdk.MsgTypeURL(&types.MsgUpdateParams{}), status)
	fmt.Print(sb.String()) // printed whatever the verbosity, as the SDK prints its summary
	return missing, ops
}

// minCoverageOps is the number of operations (all modules, delivered or skipped) from
// which a run must have delivered every merit message. The SDK's simulator draws each
// block's size from a Markov chain whose empty-block state is sticky (it stays with
// probability 0.99): a seed that enters it early runs too few operations for every
// market phase to be reached, and is only reported.
const minCoverageOps = 800

// TestFullAppSimulation runs the whole application from random seeds with the
// invariants asserted at every block and on the final state, and reports every merit
// message's delivered and skipped operations. A run of at least the default length and
// minCoverageOps operations must have delivered every merit message (but the
// governance-only MsgUpdateParams) at least once: the factories must not all skip.
func TestFullAppSimulation(t *testing.T) {
	t.Parallel()
	cfg, seeds := simConfig(t)
	runSeeds(t, cfg, seeds, newSimApp, checkInvariants, func(tb testing.TB, ti simsx.TestInstance[*app.App], _ []simtypes.Account) {
		missing, ops := reportOps(tb, ti)
		switch {
		case ti.Cfg.NumBlocks < defaultNumBlocks || ti.Cfg.BlockSize < defaultBlockSize:
			tb.Logf("a run shorter than the default (%d blocks of %d): every merit message is not required", defaultNumBlocks, defaultBlockSize)
		case ops < minCoverageOps:
			tb.Logf("seed %d ran %d operations (< %d: mostly empty blocks): every merit message is not required; never delivered: %v",
				ti.Cfg.Seed, ops, minCoverageOps, missing)
		default:
			require.Empty(tb, missing, "merit messages never delivered in %d blocks, %d operations (seed %d)", ti.Cfg.NumBlocks, ops, ti.Cfg.Seed)
		}
	})
}

// hashRecorder records, for every app it creates, the app hash committed at every
// height, through an ABCI listener (the simulator calls Commit on the BaseApp itself).
type hashRecorder struct {
	mu   sync.Mutex
	logs map[*baseapp.BaseApp]*commitLog
}

type commitLog struct {
	b      *baseapp.BaseApp
	hashes []storetypes.CommitID
}

func (l *commitLog) ListenFinalizeBlock(context.Context, abci.RequestFinalizeBlock, abci.ResponseFinalizeBlock) error {
	return nil
}

func (l *commitLog) ListenCommit(context.Context, abci.ResponseCommit, []*storetypes.StoreKVPair) error {
	l.hashes = append(l.hashes, l.b.LastCommitID())
	return nil
}

func (h *hashRecorder) factory(logger log.Logger, db dbm.DB, loadLatest bool, appOpts servertypes.AppOptions, opts ...func(*baseapp.BaseApp)) *app.App {
	l := &commitLog{}
	listen := func(b *baseapp.BaseApp) {
		l.b = b
		b.SetStreamingManager(storetypes.StreamingManager{ABCIListeners: []storetypes.ABCIListener{l}})
	}
	a := newSimApp(logger, db, loadLatest, appOpts, append(slices.Clone(opts), listen)...)
	h.mu.Lock()
	h.logs[a.GetBaseApp()] = l
	h.mu.Unlock()
	return a
}

func (h *hashRecorder) hashes(a *app.App) []storetypes.CommitID {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.logs[a.GetBaseApp()].hashes
}

// TestAppStateDeterminism runs each seed twice (in parallel) and requires the same app
// hash at every height: nothing in the state machine may depend on a map's order, the
// clock, the scheduler or the process (the WebAssembly engine is shared by both runs).
func TestAppStateDeterminism(t *testing.T) {
	t.Parallel()
	cfg, seeds := simConfig(t)
	rec := &hashRecorder{logs: map[*baseapp.BaseApp]*commitLog{}}
	var (
		mu    sync.Mutex
		first = map[int64][]storetypes.CommitID{}
		logs  = map[int64]simsx.TestInstance[*app.App]{}
		done  = map[int64]int{}
	)
	compare := func(tb testing.TB, ti simsx.TestInstance[*app.App], _ []simtypes.Account) {
		tb.Helper()
		got := rec.hashes(ti.App)
		require.Len(tb, got, ti.Cfg.NumBlocks, "commits recorded")
		seed := ti.Cfg.Seed
		mu.Lock()
		want, other := first[seed], logs[seed]
		if want == nil {
			first[seed], logs[seed] = got, ti
		}
		done[seed]++
		mu.Unlock()
		if want == nil {
			return
		}
		for i := range want {
			if want[i].Version != got[i].Version || string(want[i].Hash) != string(got[i].Hash) {
				other.ExecLogWriter.PrintLogs()
				ti.ExecLogWriter.PrintLogs()
				tb.Fatalf("non-determinism, seed %d: at height %d the runs committed app hashes %X and %X",
					seed, want[i].Version, want[i].Hash, got[i].Hash)
			}
		}
		tb.Logf("seed %d: both runs committed the same app hash at each of the %d heights (last %X)", seed, len(got), got[len(got)-1].Hash)
	}
	var twice []int64
	for _, s := range seeds {
		twice = append(twice, s, s)
	}
	t.Run("runs", func(t *testing.T) { runSeeds(t, cfg, twice, rec.factory, checkInvariants, compare) })
	for _, s := range seeds {
		require.Equal(t, 2, done[s], "seed %d: runs compared", s)
	}
}

// skipPrefixes are the store prefixes the import/export comparison skips: exactly the
// SDK's own list (its simapp's TestAppImportExport) for the modules this app has. They
// hold state that genesis does not carry or that import rebuilds differently: staking's
// unbonding, redelegation and validator queues (the SDK: their ordering may change),
// historical info, the unbonding-id counter and indexes and the last block's validator
// updates (without these skips, seed 42's staking store holds 268 keys more than its
// import), and slashing's missed-block bitmaps. Every other store, the merit module's included, is compared
// whole.
var skipPrefixes = map[string][][]byte{
	stakingtypes.StoreKey: {
		stakingtypes.UnbondingQueueKey, stakingtypes.RedelegationQueueKey, stakingtypes.ValidatorQueueKey,
		stakingtypes.HistoricalInfoKey, stakingtypes.UnbondingIDKey, stakingtypes.UnbondingIndexKey,
		stakingtypes.UnbondingTypeKey, stakingtypes.ValidatorUpdatesKey,
	},
	slashingtypes.StoreKey: {slashingtypes.ValidatorMissedBlockBitmapKeyPrefix},
}

// TestAppImportExport runs the simulation (invariants as in TestFullAppSimulation),
// exports the state as a genesis, checks that it validates, imports it into a fresh app
// and compares every KV store of the two apps key by key (but skipPrefixes).
func TestAppImportExport(t *testing.T) {
	t.Parallel()
	cfg, seeds := simConfig(t)
	runSeeds(t, cfg, seeds, newSimApp, checkInvariants, func(tb testing.TB, ti simsx.TestInstance[*app.App], _ []simtypes.Account) {
		tb.Helper()
		a := ti.App
		exported, err := a.ExportAppStateAndValidators(false, nil, nil)
		require.NoError(tb, err)
		var gs map[string]json.RawMessage
		require.NoError(tb, json.Unmarshal(exported.AppState, &gs))
		require.NoError(tb, a.BasicModuleManager.ValidateGenesis(a.AppCodec(), a.TxConfig(), gs))

		b := simsx.NewSimulationAppInstance(tb, ti.Cfg, newSimApp).App
		ctxA := a.NewContextLegacy(true, cmtproto.Header{Height: a.LastBlockHeight()})
		ctxB := b.NewContextLegacy(true, cmtproto.Header{Height: a.LastBlockHeight()})
		if _, err := b.ModuleManager.InitGenesis(ctxB, b.AppCodec(), gs); err != nil {
			if strings.Contains(err.Error(), "validator set is empty after InitGenesis") {
				tb.Skipf("seed %d: every validator unbonded: nothing to import", ti.Cfg.Seed)
			}
			require.NoError(tb, err)
		}
		require.NoError(tb, b.StoreConsensusParams(ctxB, exported.ConsensusParams))

		keys := a.GetStoreKeys()
		require.NotEmpty(tb, keys)
		for _, ka := range keys {
			name := ka.Name()
			kb := b.GetKey(name)
			require.NotNil(tb, kb, "store %s", name)
			diffA, diffB := simtestutil.DiffKVStores(ctxA.KVStore(ka), ctxB.KVStore(kb), skipPrefixes[name])
			require.Equal(tb, len(diffA), len(diffB), "store %s", name)
			if len(diffA) > 0 {
				tb.Fatalf("store %s: %d key/value pairs differ after export and import:\n%s", name, len(diffA),
					simtestutil.GetSimulationLog(name, a.SimulationManager().StoreDecoders, diffA, diffB))
			}
			n := 0
			it := ctxA.KVStore(ka).Iterator(nil, nil)
			for ; it.Valid(); it.Next() {
				n++
			}
			require.NoError(tb, it.Close())
			tb.Logf("store %-12s: %6d keys, identical after export and import", name, n)
		}
	})
}
