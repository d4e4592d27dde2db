package localnet_test

import (
	"fmt"
	"strings"

	"github.com/meritchain/merit/chain/localnet"
)

// drtContribution is one add-data of drtScenario.
type drtContribution struct {
	who, x, label string
	honest        bool
	id            string // its contribution id
	addedAt       int64  // block time (unix seconds)
}

// drtScenario is Deposit-Refund-Take traffic from several accounts: a perceptron model
// with honest contributions (label 1 when the first feature is positive) and a flipped
// label from mallory. Setup: the model and a first batch of contributions. Degraded (a
// validator down): a second batch, the first batch's refunds, mallory's refused refund,
// two reports that take mallory's deposit. Recovered: the state as the restarted
// validator sees it, the second batch's refunds, the owner's claim of what dave never
// asked back, and every account's balance.
func drtScenario() Scenario {
	const (
		deposit    = 3600 // the most the model can require (cost weight 1)
		refundWait = 10   // seconds
		ownerWait  = 16
		anyWait    = 30
	)
	var (
		model          string
		batch1, batch2 []*drtContribution
		change         = map[string]int64{} // each account's balance change
	)
	add := func(h *Harness, cs []*drtContribution) {
		h.T.Helper()
		var ps []*localnet.Pending
		for _, c := range cs {
			ps = append(ps, h.Send(-1, c.who, "merit", "add-data", "--deposit", fmt.Sprint(deposit), "--", model, c.label, c.x))
		}
		for k, r := range h.Await(ps...) {
			c := cs[k]
			id, ok := r.Attr("merit_add_data", "contribution_id")
			if !ok {
				h.T.Fatalf("add-data by %s: no contribution id in %s", c.who, r.Events)
			}
			c.id = id
			change[c.who] -= deposit
			var rec struct {
				Contribution struct {
					Contributor string
					AddedAt     string `json:"added_at"`
				}
			}
			h.Query(&rec, "merit", "contribution", model, id)
			if rec.Contribution.Contributor != h.Addr(c.who) {
				h.T.Fatalf("contribution %s: contributor %s, want %s's", id, rec.Contribution.Contributor, c.who)
			}
			c.addedAt = Atoi(h.T, rec.Contribution.AddedAt)
			h.Logf("contribution %s by %s (%s → %s) in block %d via %s", id, c.who, c.x, c.label, r.Height, h.Net.Nodes[ps[k].Node].Name)
		}
	}
	lastAdded := func(cs []*drtContribution) int64 {
		var t int64
		for _, c := range cs {
			t = max(t, c.addedAt)
		}
		return t
	}
	// refund asks for the refunds of the honest contributions in cs but skip, all at once.
	refund := func(h *Harness, cs []*drtContribution, skip string) {
		h.T.Helper()
		var ps []*localnet.Pending
		var who []string
		for _, c := range cs {
			if c.honest && c.who != skip {
				ps = append(ps, h.Send(-1, c.who, "merit", "refund", model, c.id))
				who = append(who, c.who)
			}
		}
		for k, r := range h.Await(ps...) {
			if amount, _ := r.Attr("merit_refund", "amount"); amount != fmt.Sprintf("%d%s", deposit, localnet.Denom) {
				h.T.Fatalf("refund to %s: amount %q, want %d%s", who[k], amount, deposit, localnet.Denom)
			}
			change[who[k]] += deposit
		}
		h.Logf("refunded %s", strings.Join(who, ", "))
	}

	return Scenario{
		Name: "deposit-refund-take",
		Setup: func(h *Harness) {
			r := h.Tx("owner", "merit", "create-model", "perceptron", "2", "2", "1000", "drt", "--cost-weight", "1",
				"--refund-wait", fmt.Sprint(refundWait), "--owner-wait", fmt.Sprint(ownerWait), "--any-address-wait", fmt.Sprint(anyWait))
			var ok bool
			if model, ok = r.Attr("merit_create_model", "model_id"); !ok {
				h.T.Fatalf("create-model: no model id in %s", r.Events)
			}
			h.Logf("model %s created in block %d via %s", model, r.Height, h.Net.Nodes[r.Node].Name)
			batch1 = []*drtContribution{
				{who: "alice", x: "500,20", label: "1", honest: true},
				{who: "bob", x: "300,-50", label: "1", honest: true},
				{who: "carol", x: "-400,10", label: "0", honest: true},
				{who: "mallory", x: "420,15", label: "0"}, // a flipped label
			}
			add(h, batch1)
		},
		Degraded: func(h *Harness) {
			batch2 = []*drtContribution{
				{who: "alice", x: "410,10", label: "1", honest: true},
				{who: "dave", x: "-350,-30", label: "0", honest: true}, // never asks for a refund
				{who: "bob", x: "450,-20", label: "1", honest: true},
				{who: "carol", x: "-300,25", label: "0", honest: true},
			}
			add(h, batch2)
			// The model has learnt the honest rule, so it disagrees with mallory.
			for _, c := range append(append([]*drtContribution{}, batch1...), batch2...) {
				var pred struct{ Label int }
				h.Query(&pred, "merit", "predict", "--", model, c.x)
				if c.honest != (fmt.Sprint(pred.Label) == c.label) {
					h.T.Fatalf("the model predicts %d for %s's %s (labelled %s)", pred.Label, c.who, c.x, c.label)
				}
			}
			h.WaitBlockTime(lastAdded(batch1) + refundWait)
			refund(h, batch1, "")
			mallory := batch1[3]
			h.TxFails("mallory", "merit", 15, "merit", "refund", model, mallory.id) // the model disagrees
			// alice, bob and carol have one validated contribution each: a report takes
			// ⌊3600 · 1 / 3⌋.
			rs := h.Await(h.Send(-1, "alice", "merit", "report", model, mallory.id), h.Send(-1, "bob", "merit", "report", model, mallory.id))
			for k, who := range []string{"alice", "bob"} {
				if amount, _ := rs[k].Attr("merit_report", "amount"); amount != fmt.Sprintf("%d%s", deposit/3, localnet.Denom) {
					h.T.Fatalf("report by %s took %q, want %d%s", who, amount, deposit/3, localnet.Denom)
				}
				change[who] += deposit / 3
			}
			h.Logf("alice and bob took %d each of mallory's deposit", deposit/3)
		},
		Recovered: func(h *Harness) {
			// The restarted validator has the state it missed.
			var rec struct {
				Contribution struct {
					Remaining string
					ClaimedBy []string `json:"claimed_by"`
				}
			}
			h.QueryOn(h.Down, &rec, "merit", "contribution", model, batch1[3].id)
			if rec.Contribution.Remaining != fmt.Sprint(deposit-2*(deposit/3)) || len(rec.Contribution.ClaimedBy) != 2 {
				h.T.Fatalf("%s: mallory's contribution: %+v", h.Net.Nodes[h.Down].Name, rec.Contribution)
			}
			h.WaitBlockTime(lastAdded(batch2) + refundWait)
			refund(h, batch2, "dave")
			dave := batch2[1]
			h.WaitBlockTime(dave.addedAt + ownerWait)
			h.TxOn(h.Down, "owner", "merit", "claim", model, dave.id)
			change["owner"] += deposit
			h.TxFails("owner", "merit", 18, "merit", "claim", model, dave.id) // nothing left
			h.Logf("the owner claimed dave's deposit through %s", h.Net.Nodes[h.Down].Name)

			ht := h.WaitBlocks(1)
			for _, a := range []string{"owner", "alice", "bob", "carol", "dave", "mallory"} { // this scenario's accounts
				want := h.Net.Funds + change[a]
				for i := range h.Net.Nodes {
					if i != 0 && i != h.Down && a != "alice" {
						continue // every account on node 0 and the restarted node; alice on all
					}
					if got := h.Balance(i, a, ht); got != want {
						h.T.Errorf("%s: %s holds %d at height %d, want %d", h.Net.Nodes[i].Name, a, got, ht, want)
					}
				}
			}
			h.Logf("balances at height %d as expected: %v", ht, change)
		},
	}
}
