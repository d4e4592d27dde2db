// Package market is the prediction-market incentive mechanism: a provider funds a bounty
// and commits to the SHA-256 hashes of k ≥ 2 portions of a test set; one portion, drawn
// from a seed, is revealed at once (so contributors can see what kind of data is
// wanted) and never used for scoring; contributors join with stakes; when the market
// ends the other portions are revealed and checked against their hashes; then reward
// passes move money between the bounty and the stakes by how much each contribution
// changes the model's number of correct predictions on the revealed portions.
//
// The market never sees a model or data: a Scorer supplied by the caller scores the live
// contributions, and the caller passes the revealed portions only so that their hashes
// (dataset.Hash) and row counts can be checked and recorded. Time is in seconds and money
// in integer base units, both uint64. docs/INCENTIVES.md specifies every rule, division,
// rounding and byte of the state encoding, and proves conservation and termination.
package market

import (
	"fmt"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/incentive"
	"github.com/meritchain/merit/engine/incentive/internal/rules"
	"github.com/meritchain/merit/engine/rng"
)

// Phase is the market's phase. Phases only move forward:
// Initialized → Participation → Reveal → Rewards → Finished, with two shortcuts to
// Finished: Cancel (from Initialized) and Abort (from Reveal).
type Phase uint8

const (
	Initialized   Phase = 1 // funded; the drawn portion is not revealed yet
	Participation Phase = 2 // contributors may join
	Reveal        Phase = 3 // ended; the scoring portions are being revealed
	Rewards       Phase = 4 // reward passes are running
	Finished      Phase = 5 // balances are final; everyone collects
)

func (p Phase) String() string {
	switch p {
	case Initialized:
		return "initialized"
	case Participation:
		return "participation"
	case Reveal:
		return "reveal"
	case Rewards:
		return "rewards"
	case Finished:
		return "finished"
	}
	return fmt.Sprintf("Phase(%d)", uint8(p))
}

// Limits.
const (
	MinPortions      = 2
	MaxPortions      = 64
	MaxContributions = 1 << 24
	MaxTestRows      = 1 << 32 // total rows of the scoring portions
)

// Params are a market's parameters.
type Params struct {
	// MinStake is the smallest stake a contribution may join with, and the balance
	// below which a contribution is dropped during the reward passes. ≥ 1.
	MinStake uint64
	// MinContributions: the market may end once it has this many contributions …
	MinContributions uint64
	// MinDuration: … or once this many seconds have passed since participation opened
	// (whichever comes first).
	MinDuration uint64
	// RevealTimeout: if the scoring portions are not all revealed this many seconds
	// after the market ended, anyone may abort it (the provider forfeits the bounty to
	// the contributions). ≥ 1.
	RevealTimeout uint64
}

// Validate checks MinStake ≥ 1 and RevealTimeout ≥ 1 (errors wrap ErrBadParams).
func (p Params) Validate() error {
	switch {
	case p.MinStake == 0:
		return fmt.Errorf("%w: minimum stake must be at least 1", incentive.ErrBadParams)
	case p.RevealTimeout == 0:
		return fmt.Errorf("%w: reveal timeout must be at least 1 second", incentive.ErrBadParams)
	}
	return nil
}

// Scorer scores the live contributions of a reward pass. The market calls Score once per
// pass with the ids of the live contributions in ascending order (the order they
// joined). Score must return, for each, the change in the number of correctly predicted
// rows of the scoring portions (all revealed portions except the initial one) caused by
// adding that contribution to the model obtained from the initial model by adding the
// live contributions before it, in order: a fresh replay from the initial model on every
// call. Each score must lie in [−T, T], T = TestRows(). An error aborts the pass and
// changes nothing.
type Scorer interface {
	Score(live []int) ([]int64, error)
}

// Portion is what the market records of a test-set portion.
type Portion struct {
	Hash     [32]byte // committed dataset.Hash of the portion
	Revealed bool
	Rows     uint64 // number of rows, once revealed
}

// Contribution is the record of one contribution (a copy).
type Contribution struct {
	ID          int
	Contributor incentive.Address
	DataHash    [32]byte
	Stake       uint64
	Balance     uint64 // what the contribution is worth now (the amount collected, once collected)
	Live        bool   // still scored in reward passes
	Collected   bool
}

type contribution struct {
	contributor incentive.Address
	dataHash    [32]byte
	stake       uint64
	balance     uint64
	live        bool
	collected   bool
}

// Market is a prediction market's whole state. It is not safe for concurrent use.
type Market struct {
	p          Params
	provider   incentive.Address
	seed       uint64
	bountyInit uint64
	bounty     uint64 // the pool: bounty left, plus what negative scores took
	budget     uint64 // rounds budget left (see docs/INCENTIVES.md)
	phase      Phase
	reclaimed  bool
	aborted    bool
	cancelled  bool
	created    uint64
	start      uint64 // participation opened (initial portion revealed)
	end        uint64 // participation ended
	clock      uint64
	passes     uint32
	portions   []Portion
	cs         []contribution

	// Derived (rebuilt by Decode).
	initial  int    // index of the portion revealed at once
	stakes   uint64 // Σ stakes
	testRows uint64 // Σ rows of the revealed scoring portions
}

// InitialIndex returns the index of the portion revealed at once: the first draw of
// rng.New(seed).Uintn(k).
func InitialIndex(seed uint64, k int) int {
	return int(rng.New(seed).Uintn(uint64(k)))
}

// New opens a market at time now: provider funds bounty (≥ 0 base units) and commits to
// the hashes of k = len(portionHashes) test-set portions, 2 ≤ k ≤ MaxPortions. The
// portion revealed at once is InitialIndex(seed, k). Errors wrap ErrBadParams or
// ErrZeroAddress.
func New(p Params, provider incentive.Address, bounty uint64, portionHashes [][32]byte, seed, now uint64) (*Market, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := rules.Actor(provider, "provider"); err != nil {
		return nil, err
	}
	k := len(portionHashes)
	if k < MinPortions || k > MaxPortions {
		return nil, fmt.Errorf("%w: %d portions, need %d to %d", incentive.ErrBadParams, k, MinPortions, MaxPortions)
	}
	m := &Market{
		p: p, provider: provider, seed: seed, bountyInit: bounty, bounty: bounty, budget: bounty,
		phase: Initialized, created: now, clock: now, portions: make([]Portion, k),
		initial: InitialIndex(seed, k),
	}
	for i, h := range portionHashes {
		m.portions[i].Hash = h
	}
	return m, nil
}

// Accessors.

func (m *Market) Params() Params                      { return m.p }
func (m *Market) Provider() incentive.Address         { return m.provider }
func (m *Market) Seed() uint64                        { return m.seed }
func (m *Market) Phase() Phase                        { return m.phase }
func (m *Market) InitialBounty() uint64               { return m.bountyInit }
func (m *Market) Clock() uint64                       { return m.clock }
func (m *Market) Passes() int                         { return int(m.passes) }
func (m *Market) Len() int                            { return len(m.cs) }
func (m *Market) InitialPortion() int                 { return m.initial }
func (m *Market) TestRows() uint64                    { return m.testRows }
func (m *Market) Aborted() bool                       { return m.aborted }
func (m *Market) Cancelled() bool                     { return m.cancelled }
func (m *Market) Times() (created, start, end uint64) { return m.created, m.start, m.end }

// Bounty returns the pool: what is left of the bounty plus what negative scores have
// taken from stakes (the amount Reclaim returns to the provider once Finished).
func (m *Market) Bounty() uint64 { return m.bounty }

// Budget returns the rounds budget left (docs/INCENTIVES.md).
func (m *Market) Budget() uint64 { return m.budget }

// Portions returns a copy of the portion records.
func (m *Market) Portions() []Portion { return append([]Portion(nil), m.portions...) }

// ScoringPortions returns the indices of the portions used for scoring, ascending: all
// but InitialPortion().
func (m *Market) ScoringPortions() []int {
	out := make([]int, 0, len(m.portions)-1)
	for i := range m.portions {
		if i != m.initial {
			out = append(out, i)
		}
	}
	return out
}

// Contribution returns a copy of contribution id's record.
func (m *Market) Contribution(id int) (Contribution, error) {
	if id < 0 || id >= len(m.cs) {
		return Contribution{}, fmt.Errorf("%w: id %d of %d", incentive.ErrUnknownContribution, id, len(m.cs))
	}
	c := &m.cs[id]
	return Contribution{ID: id, Contributor: c.contributor, DataHash: c.dataHash, Stake: c.stake,
		Balance: c.balance, Live: c.live, Collected: c.collected}, nil
}

// Live returns the ids of the live contributions, ascending.
func (m *Market) Live() []int {
	var out []int
	for i := range m.cs {
		if m.cs[i].live {
			out = append(out, i)
		}
	}
	return out
}

func (m *Market) need(action string, want ...Phase) error {
	for _, w := range want {
		if m.phase == w {
			return nil
		}
	}
	ws := ""
	for i, w := range want {
		if i > 0 {
			ws += " or "
		}
		ws += w.String()
	}
	return &incentive.PhaseError{Action: action, Have: m.phase.String(), Want: ws}
}

// checkPortion checks that d is a valid dataset whose hash is portion i's commitment.
func (m *Market) checkPortion(i int, d *dataset.Dataset) error {
	if d == nil {
		return fmt.Errorf("%w: portion %d: no dataset", incentive.ErrHashMismatch, i)
	}
	if err := d.Validate(); err != nil {
		return fmt.Errorf("%w: portion %d: not a valid dataset: %v", incentive.ErrHashMismatch, i, err)
	}
	if d.Hash() != m.portions[i].Hash {
		return fmt.Errorf("%w: portion %d", incentive.ErrHashMismatch, i)
	}
	if uint64(d.Len()) > MaxTestRows {
		return fmt.Errorf("%w: portion %d has %d rows", incentive.ErrTooMany, i, d.Len())
	}
	return nil
}

// RevealInitial reveals the portion InitialPortion() at time now (anyone may; the hash
// decides) and opens participation. Phase Initialized; now ≥ Clock(); the portion's
// dataset.Hash must equal its commitment (ErrHashMismatch).
func (m *Market) RevealInitial(portion *dataset.Dataset, now uint64) error {
	if err := m.need("RevealInitial", Initialized); err != nil {
		return err
	}
	if err := rules.Clock(m.clock, now); err != nil {
		return err
	}
	if err := m.checkPortion(m.initial, portion); err != nil {
		return err
	}
	m.portions[m.initial].Revealed = true
	m.portions[m.initial].Rows = uint64(portion.Len())
	m.phase, m.start, m.clock = Participation, now, now
	return nil
}

// Cancel closes a market whose participation never opened: phase Initialized, caller
// the provider (ErrNotProvider), now ≥ Clock(). The market is Finished and the provider
// may Reclaim the whole bounty.
func (m *Market) Cancel(caller incentive.Address, now uint64) error {
	if err := m.need("Cancel", Initialized); err != nil {
		return err
	}
	if caller != m.provider {
		return fmt.Errorf("%w: %s", incentive.ErrNotProvider, caller)
	}
	if err := rules.Clock(m.clock, now); err != nil {
		return err
	}
	m.phase, m.cancelled, m.budget, m.clock = Finished, true, 0, now
	return nil
}

// Join adds a contribution with the given stake at time now and returns its id (ids are
// 0, 1, … in joining order). Phase Participation; contributor non-zero; now ≥ Clock();
// stake ≥ MinStake (ErrStakeTooLow); fewer than MaxContributions so far (ErrTooMany);
// bounty + Σ stakes stays below 2^64 (ErrOverflow).
func (m *Market) Join(contributor incentive.Address, dataHash [32]byte, stake, now uint64) (int, error) {
	if err := m.need("Join", Participation); err != nil {
		return 0, err
	}
	if err := rules.Actor(contributor, "contributor"); err != nil {
		return 0, err
	}
	if err := rules.Clock(m.clock, now); err != nil {
		return 0, err
	}
	if stake < m.p.MinStake {
		return 0, fmt.Errorf("%w: %d < %d", incentive.ErrStakeTooLow, stake, m.p.MinStake)
	}
	if len(m.cs) >= MaxContributions {
		return 0, fmt.Errorf("%w: %d contributions", incentive.ErrTooMany, len(m.cs))
	}
	funded := m.bountyInit + m.stakes
	if funded+stake < funded {
		return 0, fmt.Errorf("%w: bounty plus stakes", incentive.ErrOverflow)
	}
	m.cs = append(m.cs, contribution{contributor: contributor, dataHash: dataHash, stake: stake, balance: stake, live: true})
	m.stakes += stake
	m.clock = now
	return len(m.cs) - 1, nil
}

// CanEnd reports whether End(now) would succeed: phase Participation, now ≥ Clock(), and
// Len() ≥ MinContributions or now − start ≥ MinDuration.
func (m *Market) CanEnd(now uint64) bool {
	return m.phase == Participation && now >= m.clock &&
		(uint64(len(m.cs)) >= m.p.MinContributions || now-m.start >= m.p.MinDuration)
}

// End closes participation at time now (anyone may): phase Participation; now ≥ Clock();
// the market must have MinContributions contributions or have been open MinDuration
// seconds (ErrCannotEnd).
func (m *Market) End(now uint64) error {
	if err := m.need("End", Participation); err != nil {
		return err
	}
	if err := rules.Clock(m.clock, now); err != nil {
		return err
	}
	if !m.CanEnd(now) {
		return fmt.Errorf("%w: %d of %d contributions, open %d of %d seconds", incentive.ErrCannotEnd,
			len(m.cs), m.p.MinContributions, now-m.start, m.p.MinDuration)
	}
	m.phase, m.end, m.clock = Reveal, now, now
	return nil
}

// NextReveal returns the index of the next portion to reveal (the lowest unrevealed
// scoring portion), or −1 if none is left.
func (m *Market) NextReveal() int {
	for i := range m.portions {
		if !m.portions[i].Revealed {
			return i
		}
	}
	return -1
}

// RevealNext reveals the next scoring portion (NextReveal()) and returns its index
// (anyone may; the hash decides). Phase Reveal; the portion's dataset.Hash must equal
// its commitment (ErrHashMismatch); the scoring rows stay ≤ MaxTestRows (ErrTooMany).
// After the last portion the market moves to Rewards.
func (m *Market) RevealNext(portion *dataset.Dataset) (int, error) {
	if err := m.need("RevealNext", Reveal); err != nil {
		return 0, err
	}
	i := m.NextReveal() // ≥ 0 in phase Reveal
	if err := m.checkPortion(i, portion); err != nil {
		return 0, err
	}
	rows := uint64(portion.Len())
	if m.testRows+rows > MaxTestRows {
		return 0, fmt.Errorf("%w: more than %d scoring rows", incentive.ErrTooMany, uint64(MaxTestRows))
	}
	m.portions[i].Revealed = true
	m.portions[i].Rows = rows
	m.testRows += rows
	if m.NextReveal() < 0 {
		m.phase = Rewards
	}
	return i, nil
}

// Abort closes a market whose provider did not reveal every scoring portion within
// RevealTimeout seconds of the end (anyone may): phase Reveal; now ≥ Clock();
// now − end ≥ RevealTimeout (ErrTooEarly). The provider forfeits the bounty: each
// contribution's balance becomes stake + ⌊bounty·stake / Σ stakes⌋; the remainder of
// the division (less than the number of contributions), or the whole bounty if there
// are none, stays in the pool for the provider. The market is Finished.
func (m *Market) Abort(now uint64) error {
	if err := m.need("Abort", Reveal); err != nil {
		return err
	}
	if err := rules.Clock(m.clock, now); err != nil {
		return err
	}
	if now-m.end < m.p.RevealTimeout {
		return fmt.Errorf("%w: abort allowed from %d seconds after the end, now %d", incentive.ErrTooEarly,
			m.p.RevealTimeout, now-m.end)
	}
	shares := make([]uint64, len(m.cs))
	var total uint64
	for i := range m.cs {
		s, ok := mulDivFloor(m.bounty, m.cs[i].stake, m.stakes) // ≤ bounty: stake ≤ Σ stakes
		if !ok {
			return fmt.Errorf("%w: forfeit share", incentive.ErrOverflow) // unreachable
		}
		shares[i] = s
		total += s // Σ ⌊bounty·stake_i/Σ⌋ ≤ bounty
	}
	for i := range m.cs {
		m.cs[i].balance += shares[i]
	}
	m.bounty -= total
	m.phase, m.aborted, m.budget, m.clock = Finished, true, 0, now
	return nil
}

// Collect pays contribution id's balance to its contributor: phase Finished; id exists;
// caller is the contributor (ErrNotContributor); not collected yet (ErrAlreadyClaimed).
// A dropped contribution collects its balance too. It returns the amount (possibly 0).
func (m *Market) Collect(id int, caller incentive.Address) (uint64, error) {
	if err := m.need("Collect", Finished); err != nil {
		return 0, err
	}
	if id < 0 || id >= len(m.cs) {
		return 0, fmt.Errorf("%w: id %d of %d", incentive.ErrUnknownContribution, id, len(m.cs))
	}
	c := &m.cs[id]
	switch {
	case caller != c.contributor:
		return 0, fmt.Errorf("%w: %s", incentive.ErrNotContributor, caller)
	case c.collected:
		return 0, fmt.Errorf("%w: contribution %d collected", incentive.ErrAlreadyClaimed, id)
	}
	c.collected = true
	return c.balance, nil
}

// Reclaim returns the pool (Bounty()) to the provider: phase Finished; caller is the
// provider (ErrNotProvider); not reclaimed yet (ErrAlreadyClaimed). It returns the
// amount.
func (m *Market) Reclaim(caller incentive.Address) (uint64, error) {
	if err := m.need("Reclaim", Finished); err != nil {
		return 0, err
	}
	switch {
	case caller != m.provider:
		return 0, fmt.Errorf("%w: %s", incentive.ErrNotProvider, caller)
	case m.reclaimed:
		return 0, fmt.Errorf("%w: bounty reclaimed", incentive.ErrAlreadyClaimed)
	}
	m.reclaimed = true
	return m.bounty, nil
}

// Totals are the market's money totals: Funded = Held + PaidOut always.
type Totals struct {
	Funded  uint64 // initial bounty + Σ stakes
	Held    uint64 // pool (unless reclaimed) + Σ uncollected balances
	PaidOut uint64 // Σ collected balances + the pool if reclaimed
}

// Totals returns the money totals.
func (m *Market) Totals() Totals {
	t := Totals{Funded: m.bountyInit + m.stakes}
	if m.reclaimed {
		t.PaidOut += m.bounty
	} else {
		t.Held += m.bounty
	}
	for i := range m.cs {
		if m.cs[i].collected {
			t.PaidOut += m.cs[i].balance
		} else {
			t.Held += m.cs[i].balance
		}
	}
	return t
}
