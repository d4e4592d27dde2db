package market

import (
	"fmt"

	"github.com/meritchain/merit/engine/incentive"
	"github.com/meritchain/merit/engine/internal/wire"
)

// The canonical encoding, version 1 (docs/INCENTIVES.md, "Market state"):
//
//	magic "MPMK", version u16 = 1
//	MinStake u64, MinContributions u64, MinDuration u64, RevealTimeout u64
//	provider [20], seed u64
//	bountyInit u64, bounty u64, budget u64
//	phase u8 (1..5), flags u8 (bit 0 reclaimed, bit 1 aborted, bit 2 cancelled)
//	created u64, start u64, end u64, clock u64
//	passes u32
//	k u8, then k portions: hash [32], revealed u8, rows u64
//	n u32, then n contributions in id order:
//	  contributor [20], dataHash [32], stake u64, balance u64,
//	  flags u8 (bit 0 live, bit 1 collected)
//
// The initial portion index, Σ stakes and the scoring row count are derived.
const (
	magic      = "MPMK"
	version    = 1
	headerLen  = 6 + 4*8 + incentive.AddressLen + 8 + 3*8 + 2 + 4*8 + 4 + 1
	portionLen = 32 + 1 + 8
	contribLen = incentive.AddressLen + 32 + 2*8 + 1
)

// MarshalBinary returns the market's canonical encoding. It never fails.
func (m *Market) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter(magic, version, headerLen+portionLen*len(m.portions)+4+contribLen*len(m.cs))
	w.U64(m.p.MinStake)
	w.U64(m.p.MinContributions)
	w.U64(m.p.MinDuration)
	w.U64(m.p.RevealTimeout)
	w.Addr(m.provider)
	w.U64(m.seed)
	w.U64(m.bountyInit)
	w.U64(m.bounty)
	w.U64(m.budget)
	w.U8(uint8(m.phase))
	var f uint8
	if m.reclaimed {
		f |= 1
	}
	if m.aborted {
		f |= 2
	}
	if m.cancelled {
		f |= 4
	}
	w.U8(f)
	w.U64(m.created)
	w.U64(m.start)
	w.U64(m.end)
	w.U64(m.clock)
	w.U32(m.passes)
	w.U8(uint8(len(m.portions)))
	for _, p := range m.portions {
		w.Hash(p.Hash)
		w.Bool(p.Revealed)
		w.U64(p.Rows)
	}
	w.U32(uint32(len(m.cs)))
	for i := range m.cs {
		c := &m.cs[i]
		w.Addr(c.contributor)
		w.Hash(c.dataHash)
		w.U64(c.stake)
		w.U64(c.balance)
		var cf uint8
		if c.live {
			cf |= 1
		}
		if c.collected {
			cf |= 2
		}
		w.U8(cf)
	}
	return w.Out(), nil
}

// Decode parses a canonical encoding. It returns an error wrapping
// incentive.ErrMalformed, never panicking and never allocating more than a constant
// times len(b), for any input that is not the encoding of a state that CheckInvariants
// accepts.
func Decode(b []byte) (*Market, error) {
	r := wire.NewReader(b, magic, version)
	m := &Market{}
	m.p.MinStake = r.U64()
	m.p.MinContributions = r.U64()
	m.p.MinDuration = r.U64()
	m.p.RevealTimeout = r.U64()
	m.provider = r.Addr()
	m.seed = r.U64()
	m.bountyInit = r.U64()
	m.bounty = r.U64()
	m.budget = r.U64()
	m.phase = Phase(r.U8())
	f := r.U8()
	if f&^7 != 0 {
		r.Failf("unknown flag bits %#x", f)
	}
	m.reclaimed, m.aborted, m.cancelled = f&1 != 0, f&2 != 0, f&4 != 0
	m.created = r.U64()
	m.start = r.U64()
	m.end = r.U64()
	m.clock = r.U64()
	m.passes = r.U32()
	k := r.Count(uint64(r.U8()), portionLen, MaxPortions)
	if r.Err() == nil && k < MinPortions {
		r.Failf("%d portions", k)
	}
	if r.Err() == nil {
		m.portions = make([]Portion, k)
	}
	for i := 0; i < k && r.Err() == nil; i++ {
		m.portions[i] = Portion{Hash: r.Hash(), Revealed: r.Bool(), Rows: r.U64()}
	}
	n := r.Count(uint64(r.U32()), contribLen, MaxContributions)
	if r.Err() == nil {
		m.cs = make([]contribution, n)
	}
	for i := 0; i < n && r.Err() == nil; i++ {
		c := &m.cs[i]
		c.contributor = r.Addr()
		c.dataHash = r.Hash()
		c.stake = r.U64()
		c.balance = r.U64()
		cf := r.U8()
		if cf&^3 != 0 {
			r.Failf("contribution %d: unknown flag bits %#x", i, cf)
		}
		c.live, c.collected = cf&1 != 0, cf&2 != 0
	}
	if err := r.Finish(); err != nil {
		return nil, err
	}
	m.initial = InitialIndex(m.seed, k)
	if err := m.derive(); err != nil {
		return nil, fmt.Errorf("%w: %v", incentive.ErrMalformed, err)
	}
	return m, nil
}

// derive recomputes the derived fields and checks every invariant.
func (m *Market) derive() error {
	m.stakes, m.testRows = 0, 0
	if err := m.p.Validate(); err != nil {
		return err
	}
	if m.provider.IsZero() {
		return fmt.Errorf("zero provider")
	}
	if m.phase < Initialized || m.phase > Finished {
		return fmt.Errorf("unknown phase %d", m.phase)
	}
	k := len(m.portions)
	if k < MinPortions || k > MaxPortions || m.initial != InitialIndex(m.seed, k) {
		return fmt.Errorf("bad portion count %d or initial index", k)
	}

	// Which shape the phase implies.
	fin := m.phase == Finished
	normal := !m.aborted && !m.cancelled // reached the phase through the normal path
	switch {
	case m.aborted && m.cancelled:
		return fmt.Errorf("both aborted and cancelled")
	case !fin && (m.reclaimed || !normal):
		return fmt.Errorf("flags set before the market finished")
	}
	opened := m.phase >= Participation && !m.cancelled // the initial portion was revealed
	ended := m.phase >= Reveal && !m.cancelled
	scored := m.phase >= Rewards && normal // every portion revealed

	// Portions: the initial one revealed iff opened; the scoring ones revealed in index
	// order, all of them iff scored, none before the end.
	prefix := true
	revealedScoring, scoring := 0, 0
	for i, p := range m.portions {
		if !p.Revealed && p.Rows != 0 {
			return fmt.Errorf("portion %d: rows recorded but not revealed", i)
		}
		if p.Rows > MaxTestRows {
			return fmt.Errorf("portion %d: %d rows", i, p.Rows)
		}
		if i == m.initial {
			if p.Revealed != opened {
				return fmt.Errorf("initial portion revealed = %v in phase %s", p.Revealed, m.phase)
			}
			continue
		}
		scoring++
		if p.Revealed {
			if !prefix {
				return fmt.Errorf("portion %d revealed out of order", i)
			}
			revealedScoring++
			m.testRows += p.Rows
		} else {
			prefix = false
		}
	}
	switch {
	case m.testRows > MaxTestRows:
		return fmt.Errorf("%d scoring rows", m.testRows)
	case !ended && revealedScoring != 0:
		return fmt.Errorf("scoring portion revealed before the end")
	case scored != (revealedScoring == scoring):
		return fmt.Errorf("%d of %d scoring portions revealed in phase %s", revealedScoring, scoring, m.phase)
	}

	// Times.
	switch {
	case m.clock < m.created:
		return fmt.Errorf("clock before creation")
	case !opened && m.start != 0, opened && (m.start < m.created || m.start > m.clock):
		return fmt.Errorf("bad participation start %d", m.start)
	case !ended && m.end != 0, ended && (m.end < m.start || m.end > m.clock):
		return fmt.Errorf("bad end %d", m.end)
	}

	// Contributions and money.
	n := len(m.cs)
	switch {
	case !opened && n != 0:
		return fmt.Errorf("contributions before participation opened")
	case !scored && m.passes != 0, uint64(m.passes) > uint64(n)+1:
		return fmt.Errorf("%d passes", m.passes)
	case m.budget > m.bountyInit:
		return fmt.Errorf("budget above the bounty")
	case m.phase <= Reveal && (m.budget != m.bountyInit || m.bounty != m.bountyInit):
		return fmt.Errorf("budget or pool changed before rewards")
	case (m.aborted || m.cancelled) && m.budget != 0:
		return fmt.Errorf("budget left after abort or cancel")
	case m.cancelled && m.bounty != m.bountyInit:
		return fmt.Errorf("pool changed in a cancelled market")
	}
	sum := m.bounty
	funded := m.bountyInit
	for i := range m.cs {
		c := &m.cs[i]
		switch {
		case c.contributor.IsZero():
			return fmt.Errorf("contribution %d: zero contributor", i)
		case c.stake < m.p.MinStake:
			return fmt.Errorf("contribution %d: stake below the minimum", i)
		case c.collected && !fin:
			return fmt.Errorf("contribution %d: collected before the market finished", i)
		case !scored && !c.live:
			return fmt.Errorf("contribution %d: dropped without a reward pass", i)
		case !scored && !m.aborted && c.balance != c.stake:
			return fmt.Errorf("contribution %d: balance moved before rewards", i)
		case m.aborted && c.balance < c.stake:
			return fmt.Errorf("contribution %d: lost money in an aborted market", i)
		case scored && c.live != (c.balance >= m.p.MinStake):
			return fmt.Errorf("contribution %d: live = %v with balance %d", i, c.live, c.balance)
		}
		if funded+c.stake < funded || sum+c.balance < sum {
			return fmt.Errorf("money totals overflow")
		}
		funded += c.stake
		sum += c.balance
		m.stakes += c.stake
	}
	if sum != funded {
		return fmt.Errorf("money not conserved: pool + balances = %d, bounty + stakes = %d", sum, funded)
	}
	if m.phase == Rewards && (len(m.Live()) == 0 && m.passes > 0) {
		// A pass that drops every live contribution finishes the market.
		return fmt.Errorf("rewards phase with nothing live after a pass")
	}
	if m.phase == Rewards && m.passes > 0 && m.budget == 0 {
		// A pass that uses up the budget finishes the market.
		return fmt.Errorf("rewards phase with no budget after a pass")
	}
	return nil
}

// CheckInvariants checks every invariant of the state (the ones Decode enforces),
// including conservation: pool + Σ balances = initial bounty + Σ stakes. It returns nil
// for every state reachable through the API.
func (m *Market) CheckInvariants() error {
	c := *m
	if err := c.derive(); err != nil {
		return err
	}
	if c.stakes != m.stakes || c.testRows != m.testRows {
		return fmt.Errorf("derived totals differ")
	}
	return nil
}
