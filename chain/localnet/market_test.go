package localnet_test

import (
	"fmt"

	"github.com/meritchain/merit/chain/localnet"
)

// marketScenario is the prediction market's part of TestLocalnet: the transactions of a
// complete market, sent to the validators round robin, with validator h.Down stopped in
// the middle of it.
//
//   - Setup (all up): create the market (bounty escrowed, three committed portions),
//     reveal the drawn portion, four contributions.
//   - Degraded (h.Down stopped): four more contributions, end, reveal the other two
//     portions; the end-blocker runs the reward passes and the market finishes without
//     the stopped validator.
//   - Recovered (back and caught up): every contribution collects — some through the
//     restarted validator — the provider reclaims the pool, and every validator reports
//     the market finished with nothing held.
func marketScenario() Scenario {
	const (
		bounty = 100_000
		stake  = 500
	)
	var (
		id       string
		files    []string
		hashes   []string
		initial  int
		joined   []string // contributor of each contribution id
		contribs = []struct{ who, x, label string }{
			{"erin", "500,20", "1"}, {"frank", "-300,50", "0"}, {"grace", "200,-90", "1"}, {"heidi", "-700,10", "0"},
			{"erin", "-400,-20", "0"}, {"frank", "650,30", "1"}, {"grace", "-250,80", "1"}, {"heidi", "300,40", "0"}, // the last two mislabelled
		}
	)
	join := func(h *Harness, from, to int) {
		h.T.Helper()
		var ps []*localnet.Pending
		for _, c := range contribs[from:to] {
			ps = append(ps, h.Send(-1, c.who, "merit", "join-market", "--stake", fmt.Sprint(stake), "--", id, c.label, c.x))
		}
		for k, r := range h.Await(ps...) {
			cid, ok := r.Attr("merit_join_market", "contribution_id")
			if !ok {
				h.T.Fatalf("join-market: no contribution id in %s", r.Events)
			}
			if cid != fmt.Sprint(len(joined)) {
				// Transactions of one batch may land in any order; record by id.
				h.Logf("contribution %s landed out of order", cid)
			}
			n := int(Atoi(h.T, cid))
			for len(joined) <= n {
				joined = append(joined, "")
			}
			joined[n] = contribs[from+k].who
		}
	}
	phase := func(h *Harness, node int) (string, string) {
		var q struct {
			Status struct {
				Phase string
				Held  string
			}
		}
		h.QueryOn(node, &q, "merit", "market", id)
		return q.Status.Phase, q.Status.Held
	}
	return Scenario{
		Name: "prediction market",
		Setup: func(h *Harness) {
			// Three portions of the 2-dimensional task, written to files.
			files, hashes = portions(h, 7, 3, 20)
			args := []string{"merit", "create-market", "centroid", "2", "2", "1000", fmt.Sprint(bounty),
				"--min-stake", "100", "--min-contributions", "4", "--min-duration", "1", "--reveal-timeout", "3600"}
			for _, hh := range hashes {
				args = append(args, "--portion-hashes", hh)
			}
			res := h.Tx("provider", args...)
			var ok bool
			if id, ok = res.Attr("merit_create_market", "market_id"); !ok {
				h.T.Fatalf("create-market: no market id in %s", res.Events)
			}
			ini, _ := res.Attr("merit_create_market", "initial_portion")
			initial = int(Atoi(h.T, ini))
			h.Logf("market %s created in block %d; portion %d drawn first", id, res.Height, initial)
			h.Tx("provider", "merit", "reveal-initial", id, files[initial])
			join(h, 0, 4)
			h.Logf("market %s: 4 contributions", id)
		},
		Degraded: func(h *Harness) {
			join(h, 4, len(contribs))
			h.Tx("erin", "merit", "end-market", id)
			var last *localnet.TxResult
			for j := range 3 {
				if j != initial {
					last = h.Tx("provider", "merit", "reveal-portion", id, files[j])
				}
			}
			h.Logf("market %s: last portion revealed in block %d; rewards run in the end-blocker", id, last.Height)
			node := h.Running()[0]
			for range 30 {
				if p, _ := phase(h, node); p == "finished" {
					break
				}
				h.WaitBlocks(1)
			}
			if p, _ := phase(h, node); p != "finished" {
				h.T.Fatalf("market %s still in phase %s 30 blocks after the last reveal", id, p)
			}
			h.Logf("market %s finished with validator %d down", id, h.Down)
		},
		Recovered: func(h *Harness) {
			var ps []*localnet.Pending
			for cid, who := range joined {
				node := -1
				if cid%2 == 0 {
					node = h.Down // the restarted validator takes half the collections
				}
				ps = append(ps, h.Send(node, who, "merit", "collect", id, fmt.Sprint(cid)))
			}
			paid := 0
			for _, r := range h.Await(ps...) {
				a, _ := r.Attr("merit_market_payout", "amount")
				h.Logf("collected %s", a)
				paid++
			}
			h.Tx("provider", "merit", "reclaim-bounty", id)
			ht := h.WaitBlocks(1)
			for _, i := range h.Running() {
				var q struct {
					Status struct {
						Phase string
						Held  string
					}
				}
				h.QueryOn(i, &q, "merit", "market", id, "--height", fmt.Sprint(ht))
				if q.Status.Phase != "finished" || (q.Status.Held != "0" && q.Status.Held != "") {
					h.T.Fatalf("validator %d at height %d: market %s in phase %s holding %s", i, ht, id, q.Status.Phase, q.Status.Held)
				}
			}
			h.Logf("market %s: %d collections and the reclaim; nothing held on any validator", id, paid)
		},
	}
}
