// Package sim is the collaborative-training simulation: a model lives on a (simulated)
// chain, agents of several kinds add data to it over simulated time under an incentive
// mechanism (Deposit-Refund-Take, Points or the prediction market of engine/incentive),
// and the run records the model's test accuracy and every agent's balance. It follows
// the simulation of Microsoft's "Sharing Updatable Models" (Decentralized & Collaborative
// AI on Blockchain) in spirit; docs/SIMULATION.md specifies what is simulated.
//
// Everything is integer and deterministic: time is in simulated seconds, money in base
// units, and every random draw comes from engine/rng seeded by Config.Seed, so the same
// Config gives the same Result on every machine, whatever GOMAXPROCS is.
package sim

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/incentive"
	"github.com/meritchain/merit/engine/incentive/drt"
	"github.com/meritchain/merit/engine/incentive/points"
	"github.com/meritchain/merit/engine/model"
	"github.com/meritchain/merit/engine/rng"
)

// agentState is an agent during a run.
type agentState struct {
	cfg     Agent
	addr    incentive.Address
	rows    []int // its pool rows
	subs    []submission
	balance int64
	sum     AgentSummary
}

// contrib is one accepted contribution.
type contrib struct {
	agent int
	row   int
	label int32
	time  int64
	id    uint64 // the mechanism's id
	paid  int64  // deposit or stake
}

// runner holds a run's state.
type runner struct {
	cfg    *Config
	mc     model.Config
	agents []*agentState
	owner  int64 // owner's balance
	oaddr  incentive.Address

	tracker  model.Tracker
	q        queue
	contribs []contrib
	every    int // CheckpointContributions in effect (0: none)
	done     int // submissions processed
	total    int // planned submissions, plus one for the settlement

	drt *drt.State
	pts *points.State
	mkt *marketRun

	res *Result
}

// Run simulates cfg and returns its result. It returns an error wrapping ErrConfig for a
// bad configuration, and any other error only if an engine component refused an action
// the simulation's rules say it accepts (which would be a bug).
func Run(cfg Config) (*Result, error) {
	r, err := run(cfg)
	if err != nil {
		return nil, err
	}
	return r.res, nil
}

// run is Run, returning the whole final state (the tests look inside).
func run(cfg Config) (*runner, error) {
	mc, err := cfg.Validate()
	if err != nil {
		return nil, err
	}
	r := &runner{cfg: &cfg, mc: mc, oaddr: address(len(cfg.Agents))}
	if err := r.setup(); err != nil {
		return nil, err
	}
	if err := r.loop(); err != nil {
		return nil, err
	}
	if err := r.finish(); err != nil {
		return nil, err
	}
	return r, nil
}

// setup draws the data split and every agent's plan, trains the initial model and the
// baseline, creates the mechanism and schedules the first events.
func (r *runner) setup() error {
	c := r.cfg
	pool := c.Pool
	perm := rng.New(derive(c.Seed, streamPool)).Perm(pool.Len())
	k0 := initialRows(pool.Len(), c.InitialNum, c.InitialDen)

	res := &Result{Mechanism: c.Mechanism, Family: r.mc.Family, Seed: c.Seed, Duration: c.Duration, EndTime: c.endTime(), TestSize: c.Test.Len(),
		InitialRows: k0, MarketCorrect: -1, OwnerStart: c.OwnerFunds}
	r.res = res

	// The all-data baseline: every pool row, true labels, in pool order.
	base, err := model.New(r.mc)
	if err != nil {
		return err
	}
	for i := 0; i < pool.Len(); i++ {
		if err := base.Update(pool.Row(i), int(pool.Y[i])); err != nil {
			return fmt.Errorf("sim: baseline: row %d: %w", i, err)
		}
	}
	if res.BaselineCorrect, err = base.Evaluate(c.Test); err != nil {
		return fmt.Errorf("sim: baseline: %w", err)
	}

	// The initial model: the first k0 rows of the permutation, in that order.
	m, err := model.New(r.mc)
	if err != nil {
		return err
	}
	for _, i := range perm[:k0] {
		if err := m.Update(pool.Row(i), int(pool.Y[i])); err != nil {
			return fmt.Errorf("sim: initial model: row %d: %w", i, err)
		}
	}
	initial := m.Clone()
	if r.tracker, err = model.NewTracker(m, c.Test); err != nil {
		return fmt.Errorf("sim: %w", err)
	}
	res.InitialCorrect = r.tracker.Correct()

	// Agents: shares in Config order, then plans.
	off := k0
	res.Total = c.OwnerFunds
	for i, a := range c.Agents {
		st := &agentState{cfg: a, addr: address(i), rows: perm[off : off+a.Rows : off+a.Rows]}
		off += a.Rows
		st.subs = planAgent(a, st.rows, pool.Y, pool.Classes, c.Duration, rng.New(derive(c.Seed, streamAgent0+uint64(i))))
		if c.Mechanism != Points {
			st.balance = a.Funds
			res.Total += a.Funds
		}
		st.sum = AgentSummary{Name: a.Name, Kind: a.Kind, Rows: a.Rows, Planned: len(st.subs), Start: st.balance}
		r.total += len(st.subs) // plus one for the settlement, below
		for j, s := range st.subs {
			r.q.schedule(s.time, i, evSubmit, j)
		}
		r.agents = append(r.agents, st)
	}
	r.total++
	if c.Mechanism == Points {
		res.Total = 0
	}
	r.owner = c.OwnerFunds

	switch c.CheckpointContributions {
	case 0:
		r.every = DefaultCheckpointContributions
	case -1:
		r.every = 0
	default:
		r.every = c.CheckpointContributions
	}
	step := c.checkpointEvery()
	for t := int64(0); t < res.EndTime; t += step {
		r.q.schedule(t, -1, evCheckpoint, 0)
	}

	switch c.Mechanism {
	case DRT:
		p := drt.Params{CostWeight: uint64(c.DRT.CostWeight), RefundWait: uint64(c.DRT.RefundWait),
			OwnerWait: uint64(c.DRT.OwnerWait), AnyAddressWait: uint64(c.DRT.AnyAddressWait), Owner: r.oaddr}
		if r.drt, err = drt.New(p, 0); err != nil {
			return fmt.Errorf("sim: drt: %w", err)
		}
	case Points:
		r.pts = points.New(points.Params{RefundWait: uint64(c.DRT.RefundWait)}, 0)
	case Market:
		if r.mkt, err = r.openMarket(initial); err != nil {
			return err
		}
		r.q.schedule(c.Duration, len(c.Agents), evMarketEnd, 0)
	}
	return nil
}

// loop runs the events in order.
func (r *runner) loop() error {
	for r.q.Len() > 0 {
		e := r.q.pop()
		var err error
		switch e.kind {
		case evCheckpoint:
			r.record(e.time)
		case evSubmit:
			err = r.submit(e.time, e.actor, e.ref)
			r.done++
			if r.cfg.Progress != nil {
				r.cfg.Progress(r.done, r.total)
			}
		case evMature:
			err = r.mature(e.time, e.ref)
		case evOwnerClaim:
			err = r.ownerClaim(e.time, e.ref)
		case evMarketEnd:
			err = r.endMarket(e.time)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// predicts reports whether the current model predicts label for pool row row.
func (r *runner) predicts(row int, label int32) (bool, error) {
	p, err := r.tracker.Model().Predict(r.cfg.Pool.Row(row))
	return p == int(label), err
}

// rowHash is the data hash recorded with a contribution: SHA-256 of the label and the
// row's stored values (and, for a sparse row, indices), each as little-endian 32 bits.
func rowHash(x dataset.Row, label int32) [32]byte {
	h := sha256.New()
	var b [4]byte
	put := func(v uint32) {
		binary.LittleEndian.PutUint32(b[:], v)
		h.Write(b[:])
	}
	put(uint32(label))
	for _, v := range x.Dense {
		put(uint32(v))
	}
	for k, i := range x.Idx {
		put(i)
		put(uint32(x.Val[k]))
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// submit is agent i's j-th planned submission.
func (r *runner) submit(now int64, i, j int) error {
	a := r.agents[i]
	s := a.subs[j]
	x := r.cfg.Pool.Row(s.row)
	label := s.label
	if a.cfg.Kind == LazyCopier {
		p, err := r.tracker.Model().Predict(x)
		if err != nil {
			return fmt.Errorf("sim: %w", err)
		}
		label = int32(p)
	}
	var id uint64
	var paid int64
	var err error
	switch r.cfg.Mechanism {
	case DRT:
		need, err := r.drt.MinimumDeposit(uint64(now))
		if err != nil {
			return fmt.Errorf("sim: drt: %w", err)
		}
		if need > uint64(a.balance) {
			a.sum.Skipped++
			return nil
		}
		paid = int64(need)
		id, err = r.drt.Add(a.addr, rowHash(x, label), label, uint64(now), need)
		if err != nil {
			return fmt.Errorf("sim: drt: %w", err)
		}
	case Points:
		if id, err = r.pts.Add(a.addr, rowHash(x, label), label, uint64(now)); err != nil {
			return fmt.Errorf("sim: points: %w", err)
		}
	case Market:
		stake := r.cfg.Market.Stake
		if stake > a.balance {
			a.sum.Skipped++
			return nil
		}
		paid = stake
		if id, err = r.mkt.contribute(a.addr, x, label, now, stake); err != nil {
			return err
		}
	}
	a.balance -= paid
	a.sum.Paid += paid
	a.sum.Accepted++
	if _, err := r.tracker.Add(x, int(label)); err != nil {
		return fmt.Errorf("sim: model update of an accepted contribution: %w", err)
	}
	ci := len(r.contribs)
	r.contribs = append(r.contribs, contrib{agent: i, row: s.row, label: label, time: now, id: id, paid: paid})
	r.res.Contributions++
	switch r.cfg.Mechanism {
	case DRT:
		r.q.schedule(now+r.cfg.DRT.RefundWait, i, evMature, ci)
		r.q.schedule(now+r.cfg.DRT.OwnerWait, len(r.agents), evOwnerClaim, ci)
	case Points:
		r.q.schedule(now+r.cfg.DRT.RefundWait, i, evMature, ci)
	}
	if r.every > 0 && r.res.Contributions%r.every == 0 {
		r.record(now)
	}
	return nil
}

// mature runs when RefundWait has passed for contribution ci: its contributor asks for
// a refund if the model predicts its label; otherwise every other agent, in index order
// starting after the contributor, reports it (the mechanism refuses reporters without a
// validated contribution).
func (r *runner) mature(now int64, ci int) error {
	c := &r.contribs[ci]
	agrees, err := r.predicts(c.row, c.label)
	if err != nil {
		return fmt.Errorf("sim: %w", err)
	}
	a := r.agents[c.agent]
	if agrees {
		var amount int64
		switch r.cfg.Mechanism {
		case DRT:
			v, err := r.drt.Refund(c.id, a.addr, uint64(now), true)
			if err != nil {
				return fmt.Errorf("sim: drt refund: %w", err)
			}
			amount = int64(v)
			a.balance += amount
		case Points:
			if amount, err = r.pts.Refund(c.id, a.addr, uint64(now), true); err != nil {
				return fmt.Errorf("sim: points refund: %w", err)
			}
		}
		a.sum.Validated++
		a.sum.Returned += amount
		return nil
	}
	n := len(r.agents)
	reported := false
reporters:
	for k := 1; k < n; k++ {
		j := (c.agent + k) % n
		rep := r.agents[j]
		var amount int64
		switch r.cfg.Mechanism {
		case DRT:
			v, err := r.drt.Report(c.id, rep.addr, uint64(now), false)
			if err != nil {
				if errors.Is(err, incentive.ErrNotValidated) {
					continue
				}
				if errors.Is(err, incentive.ErrNothingLeft) {
					break reporters
				}
				return fmt.Errorf("sim: drt report: %w", err)
			}
			amount = int64(v)
			rep.balance += amount
		case Points:
			v, err := r.pts.Report(c.id, rep.addr, uint64(now), false)
			if err != nil {
				if errors.Is(err, incentive.ErrNotValidated) {
					continue
				}
				if errors.Is(err, incentive.ErrNothingLeft) {
					break reporters
				}
				return fmt.Errorf("sim: points report: %w", err)
			}
			amount = v
			a.sum.TakenFrom += points.ReportedPenalty
		}
		if r.cfg.Mechanism == DRT {
			a.sum.TakenFrom += amount
		}
		rep.sum.Reports++
		rep.sum.TakenBy += amount
		reported = true
	}
	if reported {
		a.sum.Reported++
	}
	return nil
}

// ownerClaim runs when OwnerWait has passed for contribution ci (DRT): the owner takes
// whatever is left of its deposit.
func (r *runner) ownerClaim(now int64, ci int) error {
	c := &r.contribs[ci]
	v, err := r.drt.Claim(c.id, r.oaddr, uint64(now))
	if err != nil {
		if errors.Is(err, incentive.ErrNothingLeft) {
			return nil
		}
		return fmt.Errorf("sim: drt owner claim: %w", err)
	}
	r.owner += int64(v)
	r.agents[c.agent].sum.OwnerClaimed += int64(v)
	return nil
}

// balance returns agent i's current balance (Points: its points).
func (r *runner) balance(i int) int64 {
	if r.cfg.Mechanism == Points {
		return r.pts.Points(r.agents[i].addr)
	}
	return r.agents[i].balance
}

// escrow returns the money the mechanism holds, from the mechanism's own totals.
func (r *runner) escrow() int64 {
	switch r.cfg.Mechanism {
	case DRT:
		return int64(r.drt.Totals().Claimable)
	case Market:
		return r.mkt.escrow()
	}
	return 0
}

// record appends a time-series point.
func (r *runner) record(now int64) {
	p := Point{Time: now, Contributions: r.res.Contributions, Correct: r.tracker.Correct(),
		Balances: make([]int64, len(r.agents)), Owner: r.owner, Escrow: r.escrow()}
	for i := range r.agents {
		p.Balances[i] = r.balance(i)
	}
	r.res.Series = append(r.res.Series, p)
}

// finish records the last point and builds the summaries.
func (r *runner) finish() error {
	res := r.res
	r.record(res.EndTime)
	r.done = r.total
	if r.cfg.Progress != nil {
		r.cfg.Progress(r.done, r.total)
	}
	res.FinalCorrect = r.tracker.Correct()
	res.OwnerFinal = r.owner
	q := &res.Quality
	byKind := map[Kind]*KindStats{}
	var flipLost, flipPaid, flipCaught, flipN, honRet, honPaid, honVal, honN int64
	for i, a := range r.agents {
		s := a.sum
		s.Final = r.balance(i)
		s.Change = s.Final - s.Start
		res.Agents = append(res.Agents, s)
		ks := byKind[s.Kind]
		if ks == nil {
			ks = &KindStats{Kind: s.Kind}
			byKind[s.Kind] = ks
		}
		ks.Agents++
		ks.Accepted += s.Accepted
		ks.Validated += s.Validated
		ks.Reported += s.Reported
		ks.Reports += s.Reports
		ks.Paid += s.Paid
		ks.Returned += s.Returned
		ks.TakenFrom += s.TakenFrom
		ks.OwnerClaimed += s.OwnerClaimed
		ks.TakenBy += s.TakenBy
		ks.Change += s.Change
		switch s.Kind {
		case LabelFlipper:
			flipPaid += s.Paid
			flipLost += s.TakenFrom + s.OwnerClaimed
			flipN += int64(s.Accepted)
			flipCaught += int64(s.Reported)
		case Honest:
			honPaid += s.Paid
			honRet += s.Returned
			honN += int64(s.Accepted)
			honVal += int64(s.Validated)
		}
	}
	for _, k := range Kinds() { // a fixed order: no map iteration reaches the result
		if ks := byKind[k]; ks != nil {
			q.ByKind = append(q.ByKind, *ks)
		}
	}
	switch r.cfg.Mechanism {
	case DRT:
		q.FlipperDepositsLost = Ratio{flipLost, flipPaid}
		q.HonestDepositsReturned = Ratio{honRet, honPaid}
	case Market:
		q.FlipperDepositsLost = Ratio{r.mkt.lost(r, LabelFlipper), flipPaid}
		q.HonestDepositsReturned = Ratio{honRet, honPaid}
	}
	q.FlippersCaught = Ratio{flipCaught, flipN}
	q.HonestValidated = Ratio{honVal, honN}
	return r.check()
}

// check verifies the run's accounting: money conservation at every point (DRT, Market)
// and the mechanism's own invariants.
func (r *runner) check() error {
	res := r.res
	if r.cfg.Mechanism != Points {
		for _, p := range res.Series {
			sum := p.Owner + p.Escrow
			for _, b := range p.Balances {
				sum += b
			}
			if sum != res.Total {
				return fmt.Errorf("sim: money not conserved at time %d: %d != %d", p.Time, sum, res.Total)
			}
		}
	}
	switch r.cfg.Mechanism {
	case DRT:
		return r.drt.CheckInvariants()
	case Points:
		return r.pts.CheckInvariants()
	}
	return nil
}
