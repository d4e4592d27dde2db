package localnet_test

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/cosmos/cosmos-sdk/types/query"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/meritchain/merit/chain/localnet"
	"github.com/meritchain/merit/chain/x/merit/keeper"
	merittypes "github.com/meritchain/merit/chain/x/merit/types"
	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/gas"
	"github.com/meritchain/merit/engine/rng"
)

// Faults TestLocalnet injects besides stopping a validator (localnet_test.go) and killing
// one mid-block under load (load_test.go): a transaction that runs out of gas inside the
// engine, governance proposals to change the engine build, and a chain restored from an
// exported genesis.

// gasScenario: a merit transaction whose engine call runs out of gas. Setup: ivan creates
// a DRT model and adds a sample. Then, each with a fee of 100 stake: an add-data with
// three features to the 2-dimensional model, refused (merit code 7) after the handler
// has read what it needs and before it calls the engine — its gas used S is the ante
// handler's and those reads; and the valid add-data with --gas S + half of what the
// engine's fixed call cost (gas.Call, 100 000 engine gas) costs in SDK gas, so that the
// engine gets less than it needs for its first call: the transaction fails with merit's
// ErrOutOfGas (code 20), its gas used equal to its limit. For that transaction, at its
// height against the height before: the model, its contributions and the module
// account's balance are unchanged, ivan paid the fee and nothing else, his sequence
// advanced by one; and the next add-data succeeds.
func gasScenario() Scenario {
	return Scenario{Name: "out of gas in the engine", Setup: func(h *Harness) {
		r := h.Tx("ivan", "merit", "create-model", "perceptron", "2", "2", "1000", "drt", "--cost-weight", "1",
			"--refund-wait", "3600", "--owner-wait", "7200", "--any-address-wait", "9000")
		model, _ := r.Attr("merit_create_model", "model_id")
		add := func(gas int64, x string) *localnet.TxResult {
			args := []string{"merit", "add-data", "--deposit", "3600"}
			if gas > 0 {
				args = append(args, "--gas", fmt.Sprint(gas), "--fees", "100"+localnet.Denom)
			}
			return h.TxOutcome(-1, "ivan", append(args, "--", model, "1", x)...)
		}
		if ok := add(0, "500,20"); ok.Code != 0 {
			h.T.Fatalf("add-data: %v", ok.Err())
		}
		wrong := add(3_000_000, "500,20,7")
		if wrong.Codespace != merittypes.ModuleName || wrong.Code != merittypes.ErrWrongDims.ABCICode() {
			h.T.Fatalf("add-data with three features: %s/%d %s", wrong.Codespace, wrong.Code, wrong.Log)
		}
		c, err := codecOnce()
		if err != nil {
			h.T.Fatal(err)
		}
		var p merittypes.QueryParamsResponse
		if err := c.abciQuery(h.Ctx, h.Net, wrong.Node, 0, "/merit.v1.Query/Params", &merittypes.QueryParamsRequest{}, &p); err != nil {
			h.T.Fatal(err)
		}
		call := int64(keeper.SDKGas(p.Params, gas.Default.Cost(gas.Call, 1))) // an engine call's fixed cost, in SDK gas
		limit := wrong.GasUsed + call/2
		oog := add(limit, "420,15")
		if oog.Codespace != merittypes.ModuleName || oog.Code != merittypes.ErrOutOfGas.ABCICode() || oog.GasUsed != oog.GasWanted {
			h.T.Fatalf("add-data with --gas %d (a refused one used %d before the engine): %s/%d, gas %d of %d: %s",
				limit, wrong.GasUsed, oog.Codespace, oog.Code, oog.GasUsed, oog.GasWanted, oog.Log)
		}
		// The state before and after its block, through the module's and the SDK's queries.
		ht, node := oog.Height, h.Running()[0]
		h.WaitHeight(node, ht+1) // /status counts a block once stored; its state is queryable once the next one is
		id := uint64(Atoi(h.T, model))
		ivan := h.Addr("ivan")
		state := func(height int64) (m merittypes.QueryModelResponse, cs merittypes.QueryContributionsResponse, mod, bal int64, seq uint64) {
			h.T.Helper()
			var a authtypes.QueryAccountInfoResponse
			for _, err := range []error{
				c.abciQuery(h.Ctx, h.Net, node, height, "/merit.v1.Query/Model", &merittypes.QueryModelRequest{ModelId: id}, &m),
				c.abciQuery(h.Ctx, h.Net, node, height, "/merit.v1.Query/Contributions", &merittypes.QueryContributionsRequest{ModelId: id}, &cs),
				c.abciQuery(h.Ctx, h.Net, node, height, "/cosmos.auth.v1beta1.Query/AccountInfo", &authtypes.QueryAccountInfoRequest{Address: ivan}, &a),
				func() (err error) {
					mod, err = c.balance(h.Ctx, h.Net, node, height, c.moduleAddress(), localnet.Denom)
					return
				}(),
				func() (err error) { bal, err = c.balance(h.Ctx, h.Net, node, height, ivan, localnet.Denom); return }(),
			} {
				if err != nil {
					h.T.Fatalf("height %d: %v", height, err)
				}
			}
			return m, cs, mod, bal, a.Info.Sequence
		}
		m0, cs0, mod0, bal0, seq0 := state(ht - 1)
		m1, cs1, mod1, bal1, seq1 := state(ht)
		switch {
		case m0.String() != m1.String() || m1.Model.Contributions != 1:
			h.T.Fatalf("model %s changed in block %d:\n%v\n%v", model, ht, &m0, &m1)
		case cs0.String() != cs1.String():
			h.T.Fatalf("model %s's contributions changed in block %d", model, ht)
		case mod0 != mod1:
			h.T.Fatalf("the module account: %d before block %d, %d after", mod0, ht, mod1)
		case bal1 != bal0-100:
			h.T.Fatalf("ivan held %d before block %d and %d after: want the fee, 100, charged", bal0, ht, bal1)
		case seq1 != seq0+1:
			h.T.Fatalf("ivan's sequence %d before block %d, %d after", seq0, ht, seq1)
		}
		h.Logf("out of gas inside the engine at --gas %d (block %d): merit/%d %q; the model, its contributions and the escrow unchanged, the fee charged, the sequence advanced",
			oog.GasWanted, ht, oog.Code, oog.Log)
		if r := add(0, "450,30"); r.Code != 0 {
			h.T.Fatalf("the next add-data: %v", r.Err())
		}
	}}
}

// govScenario: parameter changes to the engine build through x/gov (the network's voting
// period is 10 s). Setup: three MsgUpdateParams proposals (judy's, then judy's and ken's
// at once), each with the current parameters but for engine_sha256:
//
//   - not even hex: refused when submitted. In SDK v0.54 x/gov's SubmitProposal runs a
//     message's ValidateBasic, its signer and its route, and runs the handler only for
//     MsgExecLegacyContent (x/gov/keeper/proposal.go); MsgUpdateParams.ValidateBasic runs
//     Params.Validate, so the transaction fails with gov's ErrInvalidProposalMsg (code 12)
//     and no proposal is made, nor deposit taken;
//   - valid hex but not the build the nodes run: accepted, voted for by two validators
//     (half the power, which passes it), it passes — and fails when gov executes it at the
//     end of the voting period (the handler's ErrEngineMismatch): status FAILED, nothing
//     written;
//   - the running build (a change to nothing; voted for by the other two): it passes and
//     executes.
//
// Recovered (after the voting period): those outcomes on every validator, the parameters
// unchanged everywhere, judy's deposits refunded.
func govScenario() Scenario {
	var (
		failing, passing string
		params           json.RawMessage
	)
	proposal := func(h *Harness, name, sha string) string {
		var p map[string]any
		if err := json.Unmarshal(params, &p); err != nil {
			h.T.Fatal(err)
		}
		p["engine_sha256"] = sha
		var gov struct {
			Account struct{ Value struct{ Address string } }
		}
		h.Query(&gov, "auth", "module-account", "gov")
		b, err := json.Marshal(map[string]any{
			"messages": []any{map[string]any{"@type": "/merit.v1.MsgUpdateParams", "authority": gov.Account.Value.Address, "params": p}},
			"deposit":  "10000000" + localnet.Denom, "title": "engine build: " + name, "summary": "engine_sha256 " + sha, "metadata": "",
		})
		if err != nil {
			h.T.Fatal(err)
		}
		f := filepath.Join(h.T.TempDir(), name+".json")
		if err := os.WriteFile(f, b, 0o644); err != nil {
			h.T.Fatal(err)
		}
		return f
	}
	return Scenario{
		Name: "engine build change through governance",
		Setup: func(h *Harness) {
			var q struct{ Params json.RawMessage }
			h.Query(&q, "merit", "params")
			params = q.Params
			var p struct {
				EngineSha256 string `json:"engine_sha256"`
			}
			if err := json.Unmarshal(params, &p); err != nil || len(p.EngineSha256) != 64 {
				h.T.Fatalf("params: %s", params)
			}
			bad := h.TxOutcome(-1, "judy", "gov", "submit-proposal", proposal(h, "malformed", strings.Repeat("z", 64)))
			if bad.Height == 0 || bad.Codespace != "gov" || bad.Code != 12 || !strings.Contains(bad.Log, "engine_sha256") {
				h.T.Fatalf("a proposal with a malformed engine_sha256: %s/%d in block %d: %s; want gov/12 in a block", bad.Codespace, bad.Code, bad.Height, bad.Log)
			}
			h.Logf("a proposal with engine_sha256 %q is refused when submitted (block %d): %s", strings.Repeat("z", 64), bad.Height, bad.Log)
			other := "11" + p.EngineSha256[2:]
			if other == p.EngineSha256 {
				other = "22" + p.EngineSha256[2:]
			}
			rs := h.Await(h.Send(-1, "judy", "gov", "submit-proposal", proposal(h, "other", other)),
				h.Send(-1, "ken", "gov", "submit-proposal", proposal(h, "same", p.EngineSha256)))
			failing, _ = rs[0].Attr("submit_proposal", "proposal_id")
			passing, _ = rs[1].Attr("submit_proposal", "proposal_id")
			var all struct{ Proposals []struct{ ID string } }
			h.Query(&all, "gov", "proposals")
			if ids := []string{failing, passing}; len(all.Proposals) != 2 || !slices.Contains(ids, "1") || !slices.Contains(ids, "2") {
				h.T.Fatalf("proposals %v (%s, %s): the malformed one should have made none", all.Proposals, failing, passing)
			}
			// Two validators (half the voting power, all of it yes) pass a proposal.
			var ps []*localnet.Pending
			for i, nd := range h.Net.Nodes {
				ps = append(ps, h.Send(i, nd.Key, "gov", "vote", []string{failing, passing}[i%2], "yes"))
			}
			h.Await(ps...)
			h.Logf("proposals %s (engine_sha256 %s…, by judy) and %s (the running build, by ken) submitted; two validators voted yes on each", failing, other[:8], passing)
		},
		Recovered: func(h *Harness) {
			var end struct {
				Proposal struct {
					VotingEndTime time.Time `json:"voting_end_time"`
				}
			}
			h.Query(&end, "gov", "proposal", passing)
			h.WaitBlockTime(end.Proposal.VotingEndTime.Unix() + 1)
			ht := h.WaitBlocks(2) - 1 // committed everywhere, not only stored
			for _, i := range h.Running() {
				for _, c := range []struct{ id, status, reason string }{
					{failing, "PROPOSAL_STATUS_FAILED", merittypes.ErrEngineMismatch.Error()},
					{passing, "PROPOSAL_STATUS_PASSED", ""},
				} {
					var q struct {
						Proposal struct {
							Status       string
							FailedReason string `json:"failed_reason"`
						}
					}
					h.QueryOn(i, &q, "gov", "proposal", c.id, "--height", fmt.Sprint(ht))
					if q.Proposal.Status != c.status || !strings.Contains(q.Proposal.FailedReason, c.reason) {
						h.T.Fatalf("%s: proposal %s: %s %q, want %s", h.Net.Nodes[i].Name, c.id, q.Proposal.Status, q.Proposal.FailedReason, c.status)
					}
				}
				var q struct{ Params json.RawMessage }
				h.QueryOn(i, &q, "merit", "params", "--height", fmt.Sprint(ht))
				if string(q.Params) != string(params) {
					h.T.Fatalf("%s: params changed:\n%s\n%s", h.Net.Nodes[i].Name, params, q.Params)
				}
			}
			if got := h.Balance(h.Running()[0], "judy", ht); got != h.Net.Funds {
				h.T.Fatalf("judy holds %d: the deposits should be back", got)
			}
			var q struct {
				Proposal struct {
					FailedReason string `json:"failed_reason"`
				}
			}
			h.Query(&q, "gov", "proposal", failing)
			h.Logf("proposal %s failed on execution (%s), %s passed; the parameters unchanged on every validator", failing, q.Proposal.FailedReason, passing)
		},
	}
}

// taskPortion returns rows samples of the localnet tests' 2-dimensional task: features
// in [-1000, 1000] drawn with intn, label 1 when x0 > 0.
func taskPortion(intn func(int) int, rows int) *dataset.Dataset {
	d := &dataset.Dataset{Kind: dataset.Dense, Dims: 2, Classes: 2}
	for range rows {
		x := []int32{int32(intn(2001)) - 1000, int32(intn(2001)) - 1000}
		y := int32(0)
		if x[0] > 0 {
			y = 1
		}
		d.X, d.Y = append(d.X, x...), append(d.Y, y)
	}
	return d
}

// portions writes k portions of rows rows of the task (taskPortion) to files (the CLI
// reads a bytes argument from a file) and returns the files and the hashes to commit to.
func portions(h *Harness, seed uint64, k, rows int) (files, hashes []string) {
	r := rng.New(seed)
	dir := h.T.TempDir()
	for j := range k {
		d := taskPortion(r.Intn, rows)
		b, err := d.MarshalBinary()
		if err != nil {
			h.T.Fatal(err)
		}
		f := filepath.Join(dir, fmt.Sprintf("portion%d.bin", j))
		if err := os.WriteFile(f, b, 0o644); err != nil {
			h.T.Fatal(err)
		}
		sum := d.Hash()
		files, hashes = append(files, f), append(hashes, hex.EncodeToString(sum[:]))
	}
	return files, hashes
}

// restore is the state a chain restored from an export continues: a market waiting for
// its last portion (ken's), and a DRT model with one contribution of ken's.
type restore struct {
	market, model, contribution string
	files                       []string
	next                        int // the next portion to reveal
	initial                     int
	joined                      []string // contributor of each market contribution
}

// scenario prepares it. Setup: the market (three portions), its drawn portion revealed,
// four contributions; the model and ken's contribution. Degraded: the market ended and
// its second portion revealed; the third stays hidden for restoreStage.
func (x *restore) scenario() Scenario {
	return Scenario{
		Name: "state for the export",
		Setup: func(h *Harness) {
			var hashes []string
			x.files, hashes = portions(h, 11, 3, 20)
			args := []string{"merit", "create-market", "centroid", "2", "2", "1000", "100000",
				"--min-stake", "100", "--min-contributions", "4", "--min-duration", "1", "--reveal-timeout", "3600"}
			for _, hh := range hashes {
				args = append(args, "--portion-hashes", hh)
			}
			r := h.Tx("ken", args...)
			x.market, _ = r.Attr("merit_create_market", "market_id")
			ini, _ := r.Attr("merit_create_market", "initial_portion")
			x.initial = int(Atoi(h.T, ini))
			h.Tx("ken", "merit", "reveal-initial", x.market, x.files[x.initial])
			var ps []*localnet.Pending
			for k, c := range []struct{ who, x, label string }{
				{"erin", "600,10", "1"}, {"frank", "-500,20", "0"}, {"grace", "300,-40", "1"}, {"heidi", "200,70", "0"}, // the last mislabelled
			} {
				ps = append(ps, h.Send(-1, c.who, "merit", "join-market", "--stake", fmt.Sprint(400+100*k), "--", x.market, c.label, c.x))
			}
			for k, r := range h.Await(ps...) {
				id, _ := r.Attr("merit_join_market", "contribution_id")
				for len(x.joined) <= int(Atoi(h.T, id)) {
					x.joined = append(x.joined, "")
				}
				x.joined[Atoi(h.T, id)] = []string{"erin", "frank", "grace", "heidi"}[k]
			}
			r = h.Tx("ken", "merit", "create-model", "perceptron", "2", "2", "1000", "drt", "--cost-weight", "1",
				"--refund-wait", "5", "--owner-wait", "7200", "--any-address-wait", "9000")
			x.model, _ = r.Attr("merit_create_model", "model_id")
			r = h.Tx("ken", "merit", "add-data", "--deposit", "3600", "--", x.model, "1", "700,30")
			x.contribution, _ = r.Attr("merit_add_data", "contribution_id")
		},
		Degraded: func(h *Harness) {
			h.Tx("ken", "merit", "end-market", x.market)
			x.next = 0
			if x.next == x.initial {
				x.next++
			}
			h.Tx("ken", "merit", "reveal-portion", x.market, x.files[x.next])
			revealed := x.next
			for x.next++; x.next == x.initial; x.next++ {
			}
			h.Logf("market %s: ended, portions %d and %d revealed; portion %d waits for the export", x.market, x.initial, revealed, x.next)
		},
	}
}

// snapshot is the state the queries give at one height: each entry's JSON by what it
// is ("params", "model 3", "model 3 contributions", "market 1", "market 1 contributions",
// "balances", "supply").
type snapshot map[string]string

func takeSnapshot(h *Harness, node int, height int64) snapshot {
	h.T.Helper()
	c, err := codecOnce()
	if err != nil {
		h.T.Fatal(err)
	}
	s := snapshot{}
	q := func(key, path string, req, resp interface {
		Reset()
		String() string
		ProtoMessage()
	}) error {
		if err := c.abciQuery(h.Ctx, h.Net, node, height, path, req, resp); err != nil {
			return err
		}
		b, err := c.cdc.MarshalJSON(resp)
		if err != nil {
			return err
		}
		s[key] += string(b)
		return nil
	}
	must := func(err error) {
		h.T.Helper()
		if err != nil {
			h.T.Fatalf("snapshot at height %d on %s: %v", height, h.Net.Nodes[node].Name, err)
		}
	}
	must(q("params", "/merit.v1.Query/Params", &merittypes.QueryParamsRequest{}, &merittypes.QueryParamsResponse{}))
	for id := uint64(0); ; id++ {
		key := fmt.Sprintf("model %d", id)
		err := q(key, "/merit.v1.Query/Model", &merittypes.QueryModelRequest{ModelId: id}, &merittypes.QueryModelResponse{})
		if notFound(err) {
			break
		}
		must(err)
		must(pages(func(p *query.PageRequest) (*query.PageResponse, error) {
			var r merittypes.QueryContributionsResponse
			err := q(key+" contributions", "/merit.v1.Query/Contributions", &merittypes.QueryContributionsRequest{ModelId: id, Pagination: p}, &r)
			return r.Pagination, err
		}))
	}
	for id := uint64(0); ; id++ {
		key := fmt.Sprintf("market %d", id)
		err := q(key, "/merit.v1.Query/Market", &merittypes.QueryMarketRequest{MarketId: id}, &merittypes.QueryMarketResponse{})
		if notFound(err) {
			break
		}
		must(err)
		must(pages(func(p *query.PageRequest) (*query.PageResponse, error) {
			var r merittypes.QueryMarketContributionsResponse
			err := q(key+" contributions", "/merit.v1.Query/MarketContributions", &merittypes.QueryMarketContributionsRequest{MarketId: id, Pagination: p}, &r)
			return r.Pagination, err
		}))
	}
	must(pages(func(p *query.PageRequest) (*query.PageResponse, error) {
		var r banktypes.QueryDenomOwnersResponse
		err := q("balances", "/cosmos.bank.v1beta1.Query/DenomOwners", &banktypes.QueryDenomOwnersRequest{Denom: localnet.Denom, Pagination: p}, &r)
		return r.Pagination, err
	}))
	must(q("supply", "/cosmos.bank.v1beta1.Query/SupplyOf", &banktypes.QuerySupplyOfRequest{Denom: localnet.Denom}, &banktypes.QuerySupplyOfResponse{}))
	return s
}

// diff returns the first difference between two snapshots, or "".
func (s snapshot) diff(o snapshot) string {
	keys := map[string]bool{}
	for k := range s {
		keys[k] = true
	}
	for k := range o {
		keys[k] = true
	}
	var ks []string
	for k := range keys {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		if s[k] != o[k] {
			return fmt.Sprintf("%s:\n  %s\n  %s", k, s[k], o[k])
		}
	}
	return ""
}

func (s snapshot) count(prefix string) int {
	n := 0
	for k := range s {
		if strings.HasPrefix(k, prefix) && !strings.HasSuffix(k, "contributions") {
			n++
		}
	}
	return n
}

// marketOutcome is a market's status and each contribution's balance, as node i reports
// them at the latest height — what a finished market's rewards decided, without the
// record's times and heights, which differ between chains.
func marketOutcome(h *Harness, node int, id string) string {
	var m struct{ Status json.RawMessage }
	h.QueryOn(node, &m, "merit", "market", id)
	var cs struct{ Statuses json.RawMessage }
	h.QueryOn(node, &cs, "merit", "market-contributions", id)
	return string(m.Status) + "\n" + string(cs.Statuses)
}

func marketPhase(h *Harness, node int, id string) string {
	var m struct{ Status struct{ Phase string } }
	h.QueryOn(node, &m, "merit", "market", id)
	return m.Status.Phase
}

// waitFinished waits (at most 30 blocks) until the market has finished on node i.
func waitFinished(h *Harness, node int, id string) {
	h.T.Helper()
	for range 30 {
		if marketPhase(h, node, id) == "finished" {
			return
		}
		h.WaitBlocks(1)
	}
	h.T.Fatalf("market %s not finished 30 blocks after its last reveal", id)
}

// restoreStage: a chain restored from an export. "Restored from an export" means here:
// validator 1 is stopped (SIGTERM) at height H; `meritd export --home <its home>` writes
// its state at H as a genesis (app state, initial_height H+1, validators, consensus
// parameters); every validator of the old network is stopped; and a new network is
// started whose nodes have fresh homes (`meritd init`: new node keys, no blocks, empty
// stores, priv_validator_state at height 0) holding only the old validators' consensus
// keys and keyrings, and that genesis with a new chain id (merit-local-restored) and
// genesis time (now) — nothing else is changed. Their stores are rebuilt by InitChain
// from the exported state (localnet.Restore).
//
// Checked: every merit query (parameters, every model and its contributions, every market
// and its contributions), every balance (x/bank's denom owners) and the supply give the
// same answer on the new chain at its first height H+1, which has no transactions, as on
// the old chain at H. The old chain, meanwhile, reveals the restore market's last portion
// (before it is stopped); its reward passes are run to the end there. The new chain then
// takes the same reveal, and its reward passes end with the same status and the same
// balance for every contribution; every contributor collects and the provider reclaims
// the pool there, ken asks for his DRT refund (its wait passed on the old chain), carol
// adds data to his model; the escrow and the supply add up, and the validators agree on
// every height of the new chain.
func restoreStage(h *Harness, x *restore) *Harness {
	h.T.Helper()
	const k = 1
	c, err := codecOnce()
	if err != nil {
		h.T.Fatal(err)
	}
	h.StopNode(k)
	file := filepath.Join(h.T.TempDir(), "exported-genesis.json")
	H, err := h.Net.Export(h.Ctx, k, file)
	if err != nil {
		h.T.Fatal(err)
	}
	h.WaitHeight(0, H+1)
	old := takeSnapshot(h, 0, H)
	h.Logf("exported %s's state at height %d (%d models, %d markets)", h.Net.Nodes[k].Name, H, old.count("model "), old.count("market "))

	// The old chain finishes the market.
	h.Tx("ken", "merit", "reveal-portion", x.market, x.files[x.next])
	waitFinished(h, 0, x.market)
	want := marketOutcome(h, 0, x.market)
	for _, i := range h.Running() {
		h.StopNode(i)
	}

	restored, err := localnet.Restore(h.Ctx, localnet.RestoreConfig{From: h.Net, Genesis: file,
		Dir: filepath.Join(h.T.TempDir(), "restored"), Logf: h.Logf})
	if err != nil {
		h.T.Fatal(err)
	}
	restored.Attached = true
	h2 := &Harness{T: h.T, Ctx: h.Ctx, Net: restored, Down: -1, start: h.start, stopped: map[int]bool{}}
	h.T.Cleanup(func() {
		if err := restored.StopAll(); err != nil {
			h.T.Errorf("stopping the restored network: %v", err)
		}
		if h.T.Failed() {
			for i, nd := range restored.Nodes {
				h.T.Logf("---- the end of restored %s's log (%s):\n%s", nd.Name, nd.LogFile(), restored.LogTail(i, 3000))
			}
		}
	})
	if err := restored.StartAll(h.Ctx); err != nil {
		h.T.Fatal(err)
	}
	first := H + 1
	s, err := restored.Status(h.Ctx, 0)
	if err != nil || s.Earliest != first {
		h.T.Fatalf("the restored chain starts at %v, want %d (%v)", s, first, err)
	}
	h2.WaitHeight(0, first+1)
	var blk struct {
		Block struct{ Data struct{ Txs []string } }
	}
	if err := restored.RPC(h.Ctx, 0, "block", map[string][]string{"height": {fmt.Sprint(first)}}, &blk); err != nil || len(blk.Block.Data.Txs) != 0 {
		h.T.Fatalf("block %d of the restored chain: %d transactions (%v)", first, len(blk.Block.Data.Txs), err)
	}
	now := takeSnapshot(h2, 0, first)
	if d := old.diff(now); d != "" {
		h.T.Fatalf("the restored chain at height %d differs from the old one at %d: %s", first, H, d)
	}
	h2.Logf("the restored chain (%s) at height %d answers every merit query, every balance and the supply as the old chain at %d (%d entries)",
		restored.ChainID, first, H, len(now))

	// It goes on: the same reveal, the same rewards.
	h2.Tx("ken", "merit", "reveal-portion", x.market, x.files[x.next])
	waitFinished(h2, 0, x.market)
	if got := marketOutcome(h2, 0, x.market); got != want {
		h.T.Fatalf("market %s ends differently on the restored chain:\n%s\nthe old chain:\n%s", x.market, got, want)
	}
	var ps []*localnet.Pending
	for id, who := range x.joined {
		ps = append(ps, h2.Send(-1, who, "merit", "collect", x.market, fmt.Sprint(id)))
	}
	ps = append(ps, h2.Send(-1, "ken", "merit", "refund", x.model, x.contribution),
		h2.Send(-1, "carol", "merit", "add-data", "--deposit", "3600", "--", x.model, "0", "-650,40"))
	rs := h2.Await(ps...)
	if a, _ := rs[len(x.joined)].Attr("merit_refund", "amount"); a != "3600"+localnet.Denom {
		h.T.Fatalf("ken's refund on the restored chain: %q", a)
	}
	h2.Tx("ken", "merit", "reclaim-bounty", x.market)
	top := h2.WaitBlocks(2) - 1 // committed, not only stored
	if p := marketPhase(h2, 0, x.market); p != "finished" {
		h.T.Fatalf("market %s: %s", x.market, p)
	}
	esc, err := escrowAt(h.Ctx, c, restored, 0, top)
	if err != nil {
		h.T.Fatal(err)
	}
	mod, err := c.balance(h.Ctx, restored, 0, top, c.moduleAddress(), localnet.Denom)
	if err != nil {
		h.T.Fatal(err)
	}
	if len(esc.problems) > 0 || mod != esc.contributions+esc.markets {
		h.T.Fatalf("restored chain at %d: module account %d, contributions %d + markets %d %v", top, mod, esc.contributions, esc.markets, esc.problems)
	}
	supply, err := c.supply(h.Ctx, restored, 0, top, localnet.Denom)
	if want := int64(len(h.Net.Nodes)+len(h.Net.Accounts)) * h.Net.Funds; err != nil || supply != want {
		h.T.Fatalf("restored chain: supply %d, want the genesis total %d (%v)", supply, want, err)
	}
	h2.Logf("market %s finished with the same status and balances as on the old chain, collected and reclaimed; ken refunded, carol added data; escrow %d = %d + %d; supply %d",
		x.market, mod, esc.contributions, esc.markets, supply)
	h2.CheckAppHashes()
	h2.CheckAlive()
	return h2
}
