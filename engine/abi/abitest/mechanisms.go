package abitest

import (
	"errors"
	"fmt"
	"strings"

	"github.com/meritchain/merit/engine/abi"
	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/gas"
	"github.com/meritchain/merit/engine/incentive"
	"github.com/meritchain/merit/engine/incentive/drt"
	"github.com/meritchain/merit/engine/incentive/market"
	"github.com/meritchain/merit/engine/incentive/points"
	"github.com/meritchain/merit/engine/model"
	"github.com/meritchain/merit/engine/rng"
)

// The actors of the mechanism cases.
var (
	Owner = incentive.Address{0x0e, 1}
	Alice = incentive.Address{0xa1, 2}
	Bob   = incentive.Address{0xb0, 3}
	Carol = incentive.Address{0xca, 4}
	Dave  = incentive.Address{0xda, 5}
)

// Invalid reports whether c is one of Mechanisms' cases that the engine refuses with
// CodeInvalid (its name's middle part starts with "invalid-"); every other case succeeds.
func Invalid(c Case) bool {
	return strings.Contains(c.Name, "/invalid-")
}

// Mechanisms returns requests of every action of the three incentive mechanisms (OpDRT,
// OpPoints, OpMarket), built by driving each mechanism forward through the engine
// (abi.Run, natively) so that every request carries a realistic state: a DRT and a
// Points mechanism through additions, refunds, reports and claims, and a full prediction
// market (creation, reveals, joins, end, every reward pass until it finishes, collects,
// the provider's reclaim), plus branches that cancel and abort. Cases named
// "<op>/invalid-…/seed<n>" are well-formed requests the mechanism refuses (too early,
// wrong phase, a row or portion that does not match its hash, …): they fail with
// CodeInvalid (see Invalid); all others succeed. The model family and data are drawn
// from seed (two classes, a few dimensions); all cases of a seed run natively in a few
// milliseconds.
func Mechanisms(seed uint64) []Case {
	r := rng.New(seed)
	f := Families[r.Intn(len(Families))]
	sp := sparseFamily(f)
	d := 2 + r.Intn(5)
	const bound = 20
	pool := RandomDataset(r, 8, d, 2, sp, sp, bound)
	test := RandomDataset(r, 9, d, 2, sp, sp, bound)
	initial, err := model.New(Config(f, d, 2, bound))
	if err != nil {
		panic(err)
	}
	for i := 5; i < pool.Len(); i++ {
		if err := initial.Update(pool.Row(i), int(pool.Y[i])); err != nil {
			panic(err)
		}
	}
	b := &mechBuilder{seed: seed}
	b.drt(r, initial, pool)
	b.points(r, initial, pool)
	b.market(r, initial, pool, test)
	return b.out
}

type mechBuilder struct {
	seed uint64
	out  []Case
	seen map[string]int
}

// record appends the case (numbering repeated names: add, add-2, add-3, …) and runs it.
func (b *mechBuilder) record(name string, req abi.Request) (abi.Response, error) {
	full := fmt.Sprintf("%s/%s", req.Op(), name)
	if b.seen == nil {
		b.seen = map[string]int{}
	}
	b.seen[full]++
	if n := b.seen[full]; n > 1 {
		full = fmt.Sprintf("%s-%d", full, n)
	}
	b.out = append(b.out, Case{Name: fmt.Sprintf("%s/seed%d", full, b.seed), Request: abi.EncodeRequest(req)})
	return abi.Run(req, gas.Unmetered{})
}

// ok records a case that must succeed and returns its response.
func (b *mechBuilder) ok(name string, req abi.Request) abi.Response {
	resp, err := b.record(name, req)
	if err != nil {
		panic(fmt.Sprintf("abitest: mechanism case %s (seed %d): %v", name, b.seed, err))
	}
	return resp
}

// bad records a case that must be refused with CodeInvalid.
func (b *mechBuilder) bad(name string, req abi.Request) {
	if !strings.HasPrefix(name, "invalid-") {
		panic("abitest: an invalid case's name must start with invalid-")
	}
	if _, err := b.record(name, req); !errors.Is(err, abi.ErrInvalid) {
		panic(fmt.Sprintf("abitest: mechanism case %s (seed %d): got %v, want an invalid request", name, b.seed, err))
	}
}

// rowOf returns row i of d as a one-row dataset labelled label.
func rowOf(d *dataset.Dataset, i int, label int32) *dataset.Dataset {
	row, err := d.Subset([]int{i})
	if err != nil {
		panic(err)
	}
	row.Y[0] = label
	return row
}

// agreeing returns which of two contributions of the same features x with labels 0 and
// 1 the model agrees with (the label it predicts for x).
func agreeing(md model.Model, x *dataset.Dataset) uint64 {
	p, err := md.Predict(x.Row(0))
	if err != nil {
		panic(err)
	}
	return uint64(p)
}

func (b *mechBuilder) drt(r *rng.Source, initial model.Model, pool *dataset.Dataset) {
	t0 := 1000 + uint64(r.Intn(1000))
	p := drt.Params{CostWeight: 1 + uint64(r.Intn(3)), RefundWait: 100, OwnerWait: 1000, AnyAddressWait: 2000, Owner: Owner}
	res := func(resp abi.Response) *abi.DRTResult { return resp.(*abi.DRTResult) }

	bp := p
	bp.RefundWait = 5000
	b.bad("invalid-new-bad-params", &abi.DRTCall{Action: abi.DRTNew, Params: bp, Now: t0})
	st := res(b.ok("new", &abi.DRTCall{Action: abi.DRTNew, Params: p, Now: t0})).State
	b.bad("invalid-required-deposit-clock-backwards", &abi.DRTCall{Action: abi.DRTRequiredDeposit, State: st, Now: t0 - 1})
	need := res(b.ok("required-deposit", &abi.DRTCall{Action: abi.DRTRequiredDeposit, State: st, Now: t0 + 16})).Minimum

	// Contributions 0 and 1 have the same features with labels 0 and 1: the model agrees
	// with exactly one of them.
	x0, x1 := rowOf(pool, 0, 0), rowOf(pool, 0, 1)
	y, z := rowOf(pool, 1, pool.Y[1]), rowOf(pool, 2, pool.Y[2])
	md := initial.Clone()
	who := []incentive.Address{Alice, Bob, Carol, Dave}
	rows := []*dataset.Dataset{x0, x1, y, z}
	times := []uint64{t0 + 16, t0 + 20, t0 + 30, t0 + 40}
	for i, row := range rows {
		if i == 1 {
			low, _ := st.MinimumDeposit(times[i])
			b.bad("invalid-add-deposit-too-low", &abi.DRTCall{Action: abi.DRTAdd, State: st, Model: md, Row: row,
				Actor: who[i], Now: times[i], Deposit: low - 1})
			b.bad("invalid-add-zero-address", &abi.DRTCall{Action: abi.DRTAdd, State: st, Model: md, Row: row,
				Now: times[i], Deposit: low})
			need = low + uint64(r.Intn(100))
		} else if i > 0 {
			need, _ = st.MinimumDeposit(times[i])
		}
		a := res(b.ok("add", &abi.DRTCall{Action: abi.DRTAdd, State: st, Model: md, Row: row, Actor: who[i],
			Now: times[i], Deposit: need}))
		st, md = a.State, a.Model
	}

	call := func(act abi.DRTAction, id uint64, row *dataset.Dataset, actor incentive.Address, now uint64) *abi.DRTCall {
		return &abi.DRTCall{Action: act, State: st, Model: md, Row: row, ID: id, Actor: actor, Now: now}
	}
	b.bad("invalid-refund-too-early", call(abi.DRTRefund, 0, x0, Alice, t0+50))
	b.bad("invalid-refund-wrong-row", call(abi.DRTRefund, 0, x1, Alice, t0+200))
	b.bad("invalid-refund-unknown-id", call(abi.DRTRefund, 9, x0, Alice, t0+200))
	good := agreeing(md, x0)
	wrong := 1 - good
	b.bad("invalid-report-not-validated", call(abi.DRTReport, wrong, rows[wrong], Carol, t0+200))
	b.bad("invalid-refund-model-disagrees", call(abi.DRTRefund, wrong, rows[wrong], who[wrong], t0+200))
	b.bad("invalid-report-model-agrees", call(abi.DRTReport, good, rows[good], Carol, t0+200))
	st = res(b.ok("refund", call(abi.DRTRefund, good, rows[good], who[good], t0+200))).State
	b.bad("invalid-report-own", call(abi.DRTReport, good, rows[good], who[good], t0+210))
	st = res(b.ok("report", call(abi.DRTReport, wrong, rows[wrong], who[good], t0+210))).State
	b.bad("invalid-report-twice", call(abi.DRTReport, wrong, rows[wrong], who[good], t0+220))

	claim := func(id uint64, actor incentive.Address, now uint64) *abi.DRTCall {
		return &abi.DRTCall{Action: abi.DRTClaim, State: st, ID: id, Actor: actor, Now: now}
	}
	b.bad("invalid-claim-too-early", claim(2, Dave, t0+500))
	b.bad("invalid-claim-unknown-id", claim(4, Owner, t0+5000))
	st = res(b.ok("claim-owner", claim(2, Owner, t0+30+p.OwnerWait))).State
	st = res(b.ok("claim-any", claim(3, Dave, t0+40+p.AnyAddressWait))).State
	b.bad("invalid-claim-nothing-left", claim(3, Dave, t0+40+p.AnyAddressWait))
	b.ok("required-deposit-late", &abi.DRTCall{Action: abi.DRTRequiredDeposit, State: st, Now: t0 + 1<<20})
}

func (b *mechBuilder) points(r *rng.Source, initial model.Model, pool *dataset.Dataset) {
	t0 := uint64(r.Intn(1000))
	res := func(resp abi.Response) *abi.PointsResult { return resp.(*abi.PointsResult) }
	st := res(b.ok("new", &abi.PointsCall{Action: abi.PointsNew, Params: points.Params{RefundWait: 100}, Now: t0})).State

	x0, x1, y := rowOf(pool, 3, 0), rowOf(pool, 3, 1), rowOf(pool, 4, pool.Y[4])
	md := initial.Clone()
	who := []incentive.Address{Alice, Bob, Carol}
	rows := []*dataset.Dataset{x0, x1, y}
	for i, row := range rows {
		now := t0 + 10*uint64(i+1)
		if i == 1 {
			b.bad("invalid-add-zero-address", &abi.PointsCall{Action: abi.PointsAdd, State: st, Model: md, Row: row, Now: now})
			b.bad("invalid-add-clock-backwards", &abi.PointsCall{Action: abi.PointsAdd, State: st, Model: md, Row: row,
				Actor: who[i], Now: now - 11})
		}
		a := res(b.ok("add", &abi.PointsCall{Action: abi.PointsAdd, State: st, Model: md, Row: row, Actor: who[i], Now: now}))
		st, md = a.State, a.Model
	}

	call := func(act abi.PointsAction, id uint64, row *dataset.Dataset, actor incentive.Address, now uint64) *abi.PointsCall {
		return &abi.PointsCall{Action: act, State: st, Model: md, Row: row, ID: id, Actor: actor, Now: now}
	}
	b.bad("invalid-refund-too-early", call(abi.PointsRefund, 0, x0, Alice, t0+50))
	b.bad("invalid-refund-wrong-row", call(abi.PointsRefund, 0, y, Alice, t0+200))
	b.bad("invalid-report-unknown-id", call(abi.PointsReport, 3, y, Alice, t0+200))
	good := agreeing(md, x0)
	wrong := 1 - good
	b.bad("invalid-report-not-validated", call(abi.PointsReport, wrong, rows[wrong], Carol, t0+200))
	b.bad("invalid-refund-model-disagrees", call(abi.PointsRefund, wrong, rows[wrong], who[wrong], t0+200))
	st = res(b.ok("refund", call(abi.PointsRefund, good, rows[good], who[good], t0+200))).State
	b.bad("invalid-refund-twice", call(abi.PointsRefund, good, rows[good], who[good], t0+200))
	st = res(b.ok("report", call(abi.PointsReport, wrong, rows[wrong], who[good], t0+210))).State
	b.bad("invalid-report-settled", call(abi.PointsReport, wrong, rows[wrong], Carol, t0+210))
	// Contribution 2 is settled by whichever claim the model allows.
	if p, err := md.Predict(y.Row(0)); err != nil {
		panic(err)
	} else if p == int(y.Y[0]) {
		b.ok("refund", call(abi.PointsRefund, 2, y, Carol, t0+300))
	} else {
		b.ok("report", call(abi.PointsReport, 2, y, who[good], t0+300))
	}
}

func (b *mechBuilder) market(r *rng.Source, initial model.Model, pool, test *dataset.Dataset) {
	t0 := uint64(r.Intn(1000))
	const k = 3
	portions := make([]*dataset.Dataset, k)
	hashes := make([][32]byte, k)
	for j := range portions {
		var err error
		if portions[j], err = test.Subset([]int{3 * j, 3*j + 1, 3*j + 2}); err != nil {
			panic(err)
		}
		hashes[j] = portions[j].Hash()
	}
	// altered returns d with its first label changed: a dataset whose hash differs.
	altered := func(d *dataset.Dataset) *dataset.Dataset {
		c := d.Clone()
		c.Y[0] = 1 - c.Y[0]
		return c
	}
	p := market.Params{MinStake: 10, MinContributions: 4, MinDuration: 1000, RevealTimeout: 500}
	bounty := 1000 + uint64(r.Intn(1000))
	seed := r.Uint64()
	res := func(resp abi.Response) *abi.MarketResult { return resp.(*abi.MarketResult) }
	newCall := func(p market.Params, hs [][32]byte) *abi.MarketCall {
		return &abi.MarketCall{Action: abi.MarketNew, Params: p, Actor: Owner, Bounty: bounty, PortionHashes: hs, Seed: seed, Now: t0}
	}
	bp := p
	bp.MinStake = 0
	b.bad("invalid-new-bad-params", newCall(bp, hashes))
	b.bad("invalid-new-one-portion", newCall(p, hashes[:1]))
	mk := res(b.ok("new", newCall(p, hashes))).State

	// A branch: the provider cancels before participation opens and reclaims the bounty.
	b.bad("invalid-cancel-not-provider", &abi.MarketCall{Action: abi.MarketCancel, State: mk, Actor: Alice, Now: t0 + 1})
	cancelled := res(b.ok("cancel", &abi.MarketCall{Action: abi.MarketCancel, State: mk, Actor: Owner, Now: t0 + 1})).State
	b.bad("invalid-reclaim-not-provider", &abi.MarketCall{Action: abi.MarketReclaim, State: cancelled, Actor: Alice})
	b.ok("reclaim-cancelled", &abi.MarketCall{Action: abi.MarketReclaim, State: cancelled, Actor: Owner})

	// Participation.
	contribs, err := pool.Subset([]int{0, 1, 2, 3, 4})
	if err != nil {
		panic(err)
	}
	contribs.Y[1] = 1 - contribs.Y[1] // mislabelled contributions: negative scores, more passes
	contribs.Y[3] = 1 - contribs.Y[3]
	who := []incentive.Address{Alice, Bob, Carol, Dave, Alice}
	join := func(st *market.Market, i int, stake, now uint64) *abi.MarketCall {
		return &abi.MarketCall{Action: abi.MarketJoin, State: st, Actor: who[i], DataHash: rowOf(contribs, i, contribs.Y[i]).Hash(),
			Stake: stake, Now: now}
	}
	b.bad("invalid-join-before-reveal", join(mk, 0, 50, t0+2))
	ini := mk.InitialPortion()
	b.bad("invalid-reveal-initial-wrong-portion", &abi.MarketCall{Action: abi.MarketRevealInitial, State: mk,
		Portion: altered(portions[ini]), Now: t0 + 2})
	mk = res(b.ok("reveal-initial", &abi.MarketCall{Action: abi.MarketRevealInitial, State: mk, Portion: portions[ini], Now: t0 + 2})).State
	b.bad("invalid-collect-too-early", &abi.MarketCall{Action: abi.MarketCollect, State: mk, ID: 0, Actor: Alice})
	now := t0 + 10
	for i := range contribs.Len() {
		if i == 1 {
			b.bad("invalid-join-stake-too-low", join(mk, i, p.MinStake-1, now))
			b.bad("invalid-end-too-early", &abi.MarketCall{Action: abi.MarketEnd, State: mk, Now: now})
		}
		mk = res(b.ok("join", join(mk, i, p.MinStake+uint64(r.Intn(100)), now))).State
		now += 10
	}
	mk = res(b.ok("end", &abi.MarketCall{Action: abi.MarketEnd, State: mk, Now: now})).State
	_, _, end := mk.Times()

	// A branch: nobody reveals; after the timeout anyone aborts and the stakes share the bounty.
	b.bad("invalid-abort-too-early", &abi.MarketCall{Action: abi.MarketAbort, State: mk, Now: end + p.RevealTimeout - 1})
	aborted := res(b.ok("abort", &abi.MarketCall{Action: abi.MarketAbort, State: mk, Now: end + p.RevealTimeout})).State
	b.ok("collect-aborted", &abi.MarketCall{Action: abi.MarketCollect, State: aborted, ID: 2, Actor: Carol})

	// Reveal and rewards.
	b.bad("invalid-run-pass-too-early", &abi.MarketCall{Action: abi.MarketRunPass, State: mk, Initial: initial,
		Contributions: contribs, Scoring: []*dataset.Dataset{}})
	for mk.NextReveal() >= 0 {
		next := portions[mk.NextReveal()]
		b.bad("invalid-reveal-next-wrong-portion", &abi.MarketCall{Action: abi.MarketRevealNext, State: mk, Portion: altered(next)})
		mk = res(b.ok("reveal-next", &abi.MarketCall{Action: abi.MarketRevealNext, State: mk, Portion: next})).State
	}
	var scoring []*dataset.Dataset
	for _, j := range mk.ScoringPortions() {
		scoring = append(scoring, portions[j])
	}
	pass := func(st *market.Market, cs *dataset.Dataset, sc []*dataset.Dataset) *abi.MarketCall {
		return &abi.MarketCall{Action: abi.MarketRunPass, State: st, Initial: initial, Contributions: cs, Scoring: sc}
	}
	wrongScoring := append([]*dataset.Dataset{altered(scoring[0])}, scoring[1:]...)
	b.bad("invalid-run-pass-wrong-portion", pass(mk, contribs, wrongScoring))
	b.bad("invalid-run-pass-wrong-contribution", pass(mk, altered(contribs), scoring))
	b.bad("invalid-run-pass-missing-portion", pass(mk, contribs, scoring[:1]))

	// A branch: the same passes in bounded steps, two contributions per step at most, and
	// the refusals of a step.
	step := func(st *market.Market, pr *abi.RewardProgress, rows *dataset.Dataset, budget uint64) *abi.MarketCall {
		return &abi.MarketCall{Action: abi.MarketScoreStep, State: st, Initial: initial, Progress: pr, Rows: rows,
			Scoring: scoring, Budget: budget}
	}
	stepped := mk
	var pr *abi.RewardProgress
	for stepped.Phase() == market.Rewards {
		progressModel := initial
		if pr != nil {
			progressModel = pr.Model
		}
		fixed, per := abi.ScoreStepCost(progressModel, len(scoring), stepped.TestRows(), contribs.Dims)
		live, next := stepped.Live(), 0
		if pr != nil {
			next = len(pr.Scores)
		}
		ids := live[next:min(len(live), next+3)]
		rows, err := contribs.Subset(ids)
		if err != nil {
			panic(err)
		}
		if pr == nil && len(ids) > 0 {
			b.bad("invalid-score-step-budget", step(stepped, pr, rows, per)) // below the fixed part + one
			b.bad("invalid-score-step-wrong-row", step(stepped, pr, altered(rows), fixed+2*per))
		}
		r := res(b.ok("score-step", step(stepped, pr, rows, fixed+2*per)))
		stepped, pr = r.State, r.Progress
	}
	b.bad("invalid-score-step-finished", step(stepped, nil, nil, 1<<40))

	for mk.Phase() == market.Rewards {
		mk = res(b.ok("run-pass", pass(mk, contribs, scoring))).State
	}
	b.bad("invalid-run-pass-finished", pass(mk, contribs, scoring))

	// Everyone collects; the provider reclaims the pool.
	b.bad("invalid-collect-not-contributor", &abi.MarketCall{Action: abi.MarketCollect, State: mk, ID: 0, Actor: Bob})
	b.bad("invalid-collect-unknown-id", &abi.MarketCall{Action: abi.MarketCollect, State: mk, ID: 1 << 40, Actor: Alice})
	for i := range contribs.Len() {
		mk = res(b.ok("collect", &abi.MarketCall{Action: abi.MarketCollect, State: mk, ID: uint64(i), Actor: who[i]})).State
	}
	b.bad("invalid-collect-twice", &abi.MarketCall{Action: abi.MarketCollect, State: mk, ID: 4, Actor: Alice})
	mk = res(b.ok("reclaim", &abi.MarketCall{Action: abi.MarketReclaim, State: mk, Actor: Owner})).State
	b.bad("invalid-reclaim-twice", &abi.MarketCall{Action: abi.MarketReclaim, State: mk, Actor: Owner})
}
