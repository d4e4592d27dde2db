package localnet_test

// marketScenario is the prediction market's part of TestLocalnet (issue 7): the
// transactions of a complete market, sent to the validators round robin, with validator
// h.Down stopped in the middle of it. Fill in the phases, e.g.:
//
//   - Setup (all validators up): create the market (the bounty escrowed, the committed
//     portion hashes), reveal the first portion, the first contributions
//     (h.Send(-1, "alice", "merit", …) for several accounts, then h.Await(…) for them all).
//   - Degraded (h.Down stopped): the remaining contributions, end, reveal the remaining
//     portions, process the rewards in bounded steps until done (h.WaitBlocks(k) when the
//     EndBlocker does the steps) — the market must complete without the stopped validator.
//   - Recovered (it is back and has caught up): collect the rewards, through every
//     validator including the restarted one (h.TxOn(h.Down… or a saved index, …)); check
//     the payouts and that the escrow is empty (h.QueryOn(i, &v, "merit", …) on each
//     validator at a fixed height: add "--height", fmt.Sprint(ht)).
//
// The harness then checks the app hashes of every height on every validator.
// drtScenario shows the helpers in use.
func marketScenario() Scenario {
	return Scenario{Name: "prediction market"}
}
