package sim

import "github.com/meritchain/merit/engine/model"

// Ratio is an exact fraction Num/Den; Den == 0 means undefined (nothing to measure).
type Ratio struct{ Num, Den int64 }

// Point is one time-series sample of a run.
type Point struct {
	Time          int64   // simulated seconds since the start
	Contributions int     // contributions accepted so far
	Correct       int     // test rows the current model predicts correctly (of Result.TestSize)
	Balances      []int64 // each agent's balance (Points: points), in Config.Agents order
	Owner         int64   // the owner's (bounty provider's) balance
	Escrow        int64   // money held by the mechanism (deposits or stakes and bounty not yet paid out)
}

// AgentSummary is what happened to one agent.
type AgentSummary struct {
	Name string
	Kind Kind
	Rows int // pool rows the agent owns

	Planned  int // submissions planned
	Skipped  int // submissions dropped because the agent could not pay the deposit or stake
	Accepted int // contributions recorded: deposit or stake paid, model updated

	// DRT and Points: contributions refunded (validated), and contributions on which
	// someone else took a share (were reported). Market: contributions paid back at
	// least their stake, and contributions paid back less.
	Validated int
	Reported  int
	Reports   int // DRT and Points: successful reports this agent made

	Paid     int64 // Σ deposits (DRT) or stakes (Market) paid; 0 under Points
	Returned int64 // Σ refunds (DRT) or market payouts (Market); Points: points earned by refunds
	// TakenFrom: DRT: Σ taken from this agent's deposits by reporters; Points: penalty
	// points lost to reports; Market: 0.
	TakenFrom int64
	// OwnerClaimed: DRT: Σ left of this agent's deposits that the owner claimed.
	OwnerClaimed int64
	// TakenBy: DRT: Σ this agent took from others by reports; Points: points earned by
	// reports; Market: 0.
	TakenBy int64

	Start, Final int64 // balance at the start and at the end (Points: points)
	Change       int64 // Final − Start
}

// KindStats adds up the summaries of the agents of one kind.
type KindStats struct {
	Kind                                    Kind
	Agents                                  int
	Accepted, Validated, Reported, Reports  int
	Paid, Returned, TakenFrom, OwnerClaimed int64
	TakenBy, Change                         int64
}

// Quality measures how well the mechanism told good contributions from bad ones. The
// headline ratios compare the label flippers (whose data is wrong) with the honest
// agents; ByKind has the same totals for every kind.
type Quality struct {
	ByKind []KindStats // the kinds present, in Kind order

	// DRT: Σ(taken + owner-claimed) / Σ deposits over the flippers' contributions.
	// Market: Σ max(0, stake − payout) / Σ stakes over the flippers' contributions.
	// Points: undefined (0/0).
	FlipperDepositsLost Ratio
	// DRT: Σ refunds / Σ deposits of the honest agents. Market: Σ payouts / Σ stakes of
	// the honest agents (above 1 when they earned from the bounty). Points: undefined.
	HonestDepositsReturned Ratio
	// The flippers' contributions that were reported (DRT, Points) or paid back less
	// than their stake (Market), over all their accepted contributions.
	FlippersCaught Ratio
	// The honest agents' contributions that were validated (DRT, Points) or paid back at
	// least their stake (Market), over all their accepted contributions.
	HonestValidated Ratio
}

// Result is the outcome of a run. Every number is an integer; equal configurations
// (same seed) give equal Results.
type Result struct {
	Mechanism Mechanism
	Family    model.Family
	Seed      uint64
	Duration  int64 // the contribution period, seconds
	EndTime   int64 // the time of the last event (Duration + OwnerWait, or Duration for the market)

	TestSize        int // rows of the test set
	InitialRows     int // pool rows the owner's initial model was trained on
	InitialCorrect  int // test rows the initial model predicts correctly
	FinalCorrect    int // the same for the final model
	BaselineCorrect int // the same for the all-data baseline: a model of the same family trained once on the whole pool, true labels, in pool order
	// MarketCorrect: the market only: the initial model updated with the contributions
	// that were still live after the reward passes, in order (the market's outcome); −1
	// otherwise.
	MarketCorrect int
	MarketPasses  int // the market only: reward passes run
	// The market selects contributions by their effect on the scoring portions, which are
	// part of the test set, so MarketCorrect is optimistic. The portion revealed at the
	// start is never scored: HeldOutSize is its rows, and HeldOutFinal and HeldOutMarket
	// the rows of it that the final chain model and the market's model predict correctly
	// (the market only; 0 otherwise).
	HeldOutSize, HeldOutFinal, HeldOutMarket int

	Contributions int // accepted contributions in all
	Series        []Point
	Agents        []AgentSummary
	OwnerStart    int64
	OwnerFinal    int64
	// Total is Σ starting balances (agents and owner); under DRT and Market every Point
	// has Σ Balances + Owner + Escrow = Total (money is conserved). 0 under Points.
	Total   int64
	Quality Quality
}
