package abi_test

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/meritchain/merit/engine/abi"
	"github.com/meritchain/merit/engine/abi/abitest"
	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/gas"
	"github.com/meritchain/merit/engine/incentive"
	"github.com/meritchain/merit/engine/incentive/drt"
	"github.com/meritchain/merit/engine/incentive/market"
	"github.com/meritchain/merit/engine/incentive/points"
	"github.com/meritchain/merit/engine/model"
	"github.com/meritchain/merit/engine/rng"
	"github.com/meritchain/merit/engine/value"
)

func mechCases(t testing.TB) []abitest.Case {
	t.Helper()
	var cases []abitest.Case
	for seed := uint64(1); seed <= 6; seed++ {
		cases = append(cases, abitest.Mechanisms(seed)...)
	}
	return cases
}

func mechCall(req []byte, limit uint64) ([]byte, uint64, error) {
	return abi.Native{}.Call(context.Background(), req, limit)
}

// TestMechanismsCases: every case decodes and re-encodes to its own bytes; the valid
// ones succeed and their responses re-encode to their own bytes; the invalid ones fail
// with CodeInvalid. Every action of every mechanism is covered, succeeding and failing.
func TestMechanismsCases(t *testing.T) {
	type key struct {
		op     abi.Op
		action uint8
	}
	okActions, badActions := map[key]bool{}, map[key]bool{}
	for _, c := range mechCases(t) {
		r, err := abi.DecodeRequest(c.Request)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if !bytes.Equal(abi.EncodeRequest(r), c.Request) {
			t.Fatalf("%s: request re-encoding differs", c.Name)
		}
		if !strings.HasPrefix(c.Name, r.Op().String()+"/") {
			t.Fatalf("%s: op %s", c.Name, r.Op())
		}
		k := key{r.Op(), c.Request[8]} // the action byte follows the 8-byte header
		resp, _, err := mechCall(c.Request, 1<<62)
		if abitest.Invalid(c) {
			if !errors.Is(err, abi.ErrInvalid) || resp != nil {
				t.Fatalf("%s: %v, want an invalid request", c.Name, err)
			}
			badActions[k] = true
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		okActions[k] = true
		d, err := abi.DecodeResponse(resp)
		if err != nil {
			t.Fatalf("%s: response: %v", c.Name, err)
		}
		if d.Op() != r.Op() || !bytes.Equal(abi.EncodeResponse(d), resp) {
			t.Fatalf("%s: response re-encoding differs", c.Name)
		}
		if resp[8] != c.Request[8] {
			t.Fatalf("%s: response action %d, request %d", c.Name, resp[8], c.Request[8])
		}
		checkMechState(t, c.Name, d)
	}
	for op, n := range map[abi.Op]uint8{abi.OpDRT: 6, abi.OpPoints: 4, abi.OpMarket: 10} {
		for a := uint8(1); a <= n; a++ {
			if !okActions[key{op, a}] {
				t.Errorf("%s action %d: no successful case", op, a)
			}
			if !badActions[key{op, a}] && !(op == abi.OpPoints && a == uint8(abi.PointsNew)) {
				t.Errorf("%s action %d: no failing case", op, a) // points.New cannot fail
			}
		}
	}
}

// checkState checks the invariants of a response's state.
func checkMechState(t *testing.T, name string, resp abi.Response) {
	t.Helper()
	var err error
	switch r := resp.(type) {
	case *abi.DRTResult:
		err = r.State.CheckInvariants()
		if tot := r.State.Totals(); err == nil && tot.Deposited != tot.PaidOut+tot.Claimable {
			t.Fatalf("%s: DRT totals %+v", name, tot)
		}
	case *abi.PointsResult:
		err = r.State.CheckInvariants()
	case *abi.MarketResult:
		err = r.State.CheckInvariants()
		if tot := r.State.Totals(); err == nil && tot.Funded != tot.Held+tot.PaidOut {
			t.Fatalf("%s: market totals %+v", name, tot)
		}
	}
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// TestMechanismsGas: the same request is charged the same gas twice and gets the same
// bytes; one unit short of that fails with ErrOutOfGas, using exactly the limit.
func TestMechanismsGas(t *testing.T) {
	for _, c := range mechCases(t) {
		resp1, used1, err1 := mechCall(c.Request, 1<<62)
		resp2, used2, err2 := mechCall(c.Request, 1<<62)
		if used1 != used2 || !bytes.Equal(resp1, resp2) || (err1 == nil) != (err2 == nil) {
			t.Fatalf("%s: gas %d, %v; then %d, %v", c.Name, used1, err1, used2, err2)
		}
		base := gas.Default.Cost(gas.Call, 1) + gas.Default.Cost(gas.InputByte, uint64(len(c.Request)))
		if used1 < base+gas.Default.Cost(gas.Sample, 1) {
			t.Fatalf("%s: gas %d below the base %d plus one sample", c.Name, used1, base)
		}
		resp, used, err := mechCall(c.Request, used1-1)
		if !errors.Is(err, gas.ErrOutOfGas) || used != used1-1 || resp != nil {
			t.Fatalf("%s: limit %d: used %d, err %v", c.Name, used1-1, used, err)
		}
	}
}

// TestMarketPassGas: a reward pass is charged for its scoring: the gas of the first pass
// exceeds that of the same call with nothing live by the documented amount.
func TestMarketPassGas(t *testing.T) {
	for _, c := range abitest.Mechanisms(3) {
		if !strings.HasPrefix(c.Name, "market/run-pass/") {
			continue
		}
		r, _ := abi.DecodeRequest(c.Request)
		call := r.(*abi.MarketCall)
		_, used, err := mechCall(c.Request, 1<<62)
		if err != nil {
			t.Fatal(err)
		}
		mk := call.State
		T, live := mk.TestRows(), uint64(len(mk.Live()))
		var rows uint64
		for _, d := range call.Scoring {
			rows += uint64(d.Len())
		}
		if rows != T || live == 0 {
			t.Fatalf("T %d, scoring rows %d, live %d", T, rows, live)
		}
		s := gas.Default
		want := s.Cost(gas.Call, 1) + s.Cost(gas.InputByte, uint64(len(c.Request))) +
			s.Cost(gas.Sample, 1+uint64(mk.Len())+uint64(len(call.Scoring))+T+live) + s.Cost(gas.Step, live*T)
		if used <= want { // plus the elements of the initial evaluation
			t.Fatalf("pass gas %d, want more than %d", used, want)
		}
		return
	}
	t.Fatal("no run-pass case")
}

var mechActors = []incentive.Address{abitest.Owner, abitest.Alice, abitest.Bob, abitest.Carol, abitest.Dave, {}}

func runMech(t *testing.T, req abi.Request) (abi.Response, error) {
	t.Helper()
	resp, err := abi.Run(req, gas.NewCounter(gas.Default, 1<<62))
	if err != nil && !errors.Is(err, abi.ErrInvalid) {
		t.Fatalf("%s: %v, want success or an invalid request", req.Op(), err)
	}
	return resp, err
}

func mechEncoded(t *testing.T, m interface{ MarshalBinary() ([]byte, error) }) []byte {
	t.Helper()
	b, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mechData returns a model family's initial model and a pool of rows to contribute.
func mechData(seed uint64) (model.Model, *dataset.Dataset) {
	r := rng.New(seed)
	f := abitest.Families[seed%uint64(len(abitest.Families))]
	sp := f == model.NaiveBayes || f == model.SparseCentroid
	d, c := 2+r.Intn(4), 2+r.Intn(2)
	pool := abitest.RandomDataset(r, 10, d, c, sp, sp, 20)
	md, err := model.New(abitest.Config(f, d, c, 20))
	if err != nil {
		panic(err)
	}
	return md, pool
}

func mechRow(t *testing.T, d *dataset.Dataset, i int, label int32) *dataset.Dataset {
	t.Helper()
	row, err := d.Subset([]int{i})
	if err != nil {
		t.Fatal(err)
	}
	row.Y[0] = label
	return row
}

// TestDRTMatchesEngine drives a DRT mechanism with random actions twice, directly
// (engine/incentive/drt, the model updated and asked by hand) and through the ABI, and
// checks that the two accept the same actions, pay the same amounts and reach the same
// states and models; money is conserved throughout.
func TestDRTMatchesEngine(t *testing.T) {
	for seed := uint64(1); seed <= 10; seed++ {
		r := rng.New(seed * 7)
		md, pool := mechData(seed)
		am := md.Clone()
		p := drt.Params{CostWeight: uint64(r.Intn(3)), RefundWait: 50, OwnerWait: 300, AnyAddressWait: 600, Owner: abitest.Owner}
		now := uint64(100)
		ds, err := drt.New(p, now)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := runMech(t, &abi.DRTCall{Action: abi.DRTNew, Params: p, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		as := resp.(*abi.DRTResult).State
		var rows []*dataset.Dataset
		var paid uint64
		accepted := map[abi.DRTAction]int{}
		for step := 0; step < 300; step++ {
			now += uint64(r.Intn(40))
			actor := mechActors[r.Intn(len(mechActors))]
			act := abi.DRTAction(1 + r.Intn(6))
			if act == abi.DRTNew {
				act = abi.DRTAdd
			}
			id := uint64(r.Intn(len(rows) + 1)) // sometimes unknown
			var row *dataset.Dataset
			if int(id) < len(rows) {
				row = rows[id]
			} else {
				row = mechRow(t, pool, 0, pool.Y[0])
			}
			call := &abi.DRTCall{Action: act, State: as, Model: am, Row: row, ID: id, Actor: actor, Now: now}
			var want uint64
			var derr error
			switch act {
			case abi.DRTRequiredDeposit:
				want, derr = ds.RequiredDeposit(now)
				call.Model, call.Row = nil, nil
			case abi.DRTAdd:
				i := r.Intn(pool.Len())
				row = mechRow(t, pool, i, int32(r.Intn(pool.Classes)))
				call.Row = row
				need, _ := ds.MinimumDeposit(now)
				call.Deposit = need + uint64(r.Intn(3)) - 1
				want, derr = ds.Add(actor, row.Hash(), row.Y[0], now, call.Deposit)
				if derr == nil {
					if err := md.Update(row.Row(0), int(row.Y[0])); err != nil {
						t.Fatal(err)
					}
					rows = append(rows, row)
				}
			case abi.DRTRefund, abi.DRTReport:
				agrees := false
				if int(id) < len(rows) {
					pr, err := md.Predict(row.Row(0))
					if err != nil {
						t.Fatal(err)
					}
					agrees = pr == int(row.Y[0])
				}
				if act == abi.DRTRefund {
					want, derr = ds.Refund(id, actor, now, agrees)
				} else {
					want, derr = ds.Report(id, actor, now, agrees)
				}
			case abi.DRTClaim:
				call.Model, call.Row = nil, nil
				want, derr = ds.Claim(id, actor, now)
			}
			resp, err := runMech(t, call)
			if (err == nil) != (derr == nil) {
				t.Fatalf("seed %d step %d %s: ABI %v, engine %v", seed, step, act, err, derr)
			}
			if err != nil {
				continue
			}
			accepted[act]++
			res := resp.(*abi.DRTResult)
			as = res.State
			switch act {
			case abi.DRTAdd:
				am = res.Model
				if res.ID != want || res.DataHash != row.Hash() || !bytes.Equal(mechEncoded(t, am), mechEncoded(t, md)) {
					t.Fatalf("seed %d step %d: add result %d %x, want %d", seed, step, res.ID, res.DataHash, want)
				}
			case abi.DRTRequiredDeposit:
				if res.Amount != want || res.Minimum != max(want, 1) {
					t.Fatalf("seed %d step %d: deposit %d/%d, want %d", seed, step, res.Amount, res.Minimum, want)
				}
			default:
				if res.Amount != want {
					t.Fatalf("seed %d step %d %s: amount %d, want %d", seed, step, act, res.Amount, want)
				}
				paid += want
			}
			if !bytes.Equal(mechEncoded(t, as), mechEncoded(t, ds)) {
				t.Fatalf("seed %d step %d %s: states differ", seed, step, act)
			}
			if err := as.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
			if tot := as.Totals(); tot.PaidOut != paid || tot.Deposited != tot.PaidOut+tot.Claimable {
				t.Fatalf("seed %d step %d: totals %+v, paid %d", seed, step, tot, paid)
			}
		}
		if seed == 1 {
			t.Logf("accepted actions: %v", accepted)
		}
	}
}

// TestPointsMatchesEngine is TestDRTMatchesEngine for Points.
func TestPointsMatchesEngine(t *testing.T) {
	for seed := uint64(1); seed <= 10; seed++ {
		r := rng.New(seed * 11)
		md, pool := mechData(seed)
		am := md.Clone()
		p := points.Params{RefundWait: uint64(r.Intn(60))}
		now := uint64(r.Intn(100))
		ps := points.New(p, now)
		resp, err := runMech(t, &abi.PointsCall{Action: abi.PointsNew, Params: p, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		as := resp.(*abi.PointsResult).State
		var rows []*dataset.Dataset
		accepted := map[abi.PointsAction]int{}
		for step := 0; step < 300; step++ {
			now += uint64(r.Intn(30))
			if r.Intn(20) == 0 {
				now -= 5 // sometimes before the clock
			}
			actor := mechActors[r.Intn(len(mechActors))]
			act := abi.PointsAction(2 + r.Intn(3))
			id := uint64(r.Intn(len(rows) + 1))
			var row *dataset.Dataset
			if int(id) < len(rows) {
				row = rows[id]
			} else {
				row = mechRow(t, pool, 1, pool.Y[1])
			}
			var want uint64
			var gained int64
			var derr error
			switch act {
			case abi.PointsAdd:
				row = mechRow(t, pool, r.Intn(pool.Len()), int32(r.Intn(pool.Classes)))
				want, derr = ps.Add(actor, row.Hash(), row.Y[0], now)
				if derr == nil {
					if err := md.Update(row.Row(0), int(row.Y[0])); err != nil {
						t.Fatal(err)
					}
					rows = append(rows, row)
				}
			default:
				agrees := false
				if int(id) < len(rows) {
					pr, err := md.Predict(row.Row(0))
					if err != nil {
						t.Fatal(err)
					}
					agrees = pr == int(row.Y[0])
				}
				if act == abi.PointsRefund {
					gained, derr = ps.Refund(id, actor, now, agrees)
				} else {
					gained, derr = ps.Report(id, actor, now, agrees)
				}
			}
			resp, err := runMech(t, &abi.PointsCall{Action: act, State: as, Model: am, Row: row, ID: id, Actor: actor, Now: now})
			if (err == nil) != (derr == nil) {
				t.Fatalf("seed %d step %d %s: ABI %v, engine %v", seed, step, act, err, derr)
			}
			if err != nil {
				continue
			}
			accepted[act]++
			res := resp.(*abi.PointsResult)
			as = res.State
			if act == abi.PointsAdd {
				am = res.Model
				if res.ID != want || res.DataHash != row.Hash() || !bytes.Equal(mechEncoded(t, am), mechEncoded(t, md)) {
					t.Fatalf("seed %d step %d: add result %d, want %d", seed, step, res.ID, want)
				}
			} else if res.Points != gained {
				t.Fatalf("seed %d step %d: points %d, want %d", seed, step, res.Points, gained)
			}
			if !bytes.Equal(mechEncoded(t, as), mechEncoded(t, ps)) {
				t.Fatalf("seed %d step %d %s: states differ", seed, step, act)
			}
			if err := as.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
		}
		if seed == 1 {
			t.Logf("accepted actions: %v", accepted)
		}
	}
}

// TestMarketMatchesEngine runs full markets twice: directly, with one
// value.MarketScorer for every pass as engine/sim does, and through the ABI, one call
// per action and per pass. The passes, states and amounts agree, and all the money comes
// back out.
func TestMarketMatchesEngine(t *testing.T) {
	passes := 0
	for seed := uint64(1); seed <= 12; seed++ {
		r := rng.New(seed * 13)
		initial, pool := mechData(seed)
		for i := 6; i < pool.Len(); i++ {
			if err := initial.Update(pool.Row(i), int(pool.Y[i])); err != nil {
				t.Fatal(err)
			}
		}
		f := initial.Config().Family
		sp := f == model.NaiveBayes || f == model.SparseCentroid
		test := abitest.RandomDataset(r, 12, pool.Dims, pool.Classes, sp, sp, 20)
		k := 2 + r.Intn(3)
		var portions []*dataset.Dataset
		var hashes [][32]byte
		var idx [][]int
		for j := range k {
			var is []int
			for i := j * test.Len() / k; i < (j+1)*test.Len()/k; i++ {
				is = append(is, i)
			}
			d, err := test.Subset(is)
			if err != nil {
				t.Fatal(err)
			}
			portions, hashes, idx = append(portions, d), append(hashes, d.Hash()), append(idx, is)
		}
		p := market.Params{MinStake: 5, MinContributions: 6, MinDuration: 10_000, RevealTimeout: 100}
		bounty, mseed := uint64(r.Intn(5000)), r.Uint64()

		dm, err := market.New(p, abitest.Owner, bounty, hashes, mseed, 0)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := runMech(t, &abi.MarketCall{Action: abi.MarketNew, Params: p, Actor: abitest.Owner, Bounty: bounty,
			PortionHashes: hashes, Seed: mseed, Now: 0})
		if err != nil {
			t.Fatal(err)
		}
		am := resp.(*abi.MarketResult).State
		step := func(call *abi.MarketCall, direct func() error) *abi.MarketResult {
			t.Helper()
			call.State = am
			resp, err := runMech(t, call)
			derr := direct()
			if err != nil || derr != nil {
				t.Fatalf("seed %d %s: ABI %v, engine %v", seed, call.Action, err, derr)
			}
			res := resp.(*abi.MarketResult)
			am = res.State
			if !bytes.Equal(mechEncoded(t, am), mechEncoded(t, dm)) {
				t.Fatalf("seed %d %s: states differ", seed, call.Action)
			}
			if err := am.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
			return res
		}
		ini := dm.InitialPortion()
		step(&abi.MarketCall{Action: abi.MarketRevealInitial, Portion: portions[ini], Now: 1},
			func() error { return dm.RevealInitial(portions[ini], 1) })

		contribs, err := pool.Subset([]int{0, 1, 2, 3, 4, 5})
		if err != nil {
			t.Fatal(err)
		}
		for i := range contribs.Y {
			if r.Intn(3) == 0 {
				contribs.Y[i] = int32(r.Intn(contribs.Classes))
			}
		}
		who := make([]incentive.Address, contribs.Len())
		for i := range contribs.Len() {
			who[i] = mechActors[1+r.Intn(4)]
			h := mechRow(t, contribs, i, contribs.Y[i]).Hash()
			stake, now := 5+uint64(r.Intn(500)), uint64(10+i)
			res := step(&abi.MarketCall{Action: abi.MarketJoin, Actor: who[i], DataHash: h, Stake: stake, Now: now},
				func() error { _, err := dm.Join(who[i], h, stake, now); return err })
			if res.ID != uint64(i) {
				t.Fatalf("join id %d, want %d", res.ID, i)
			}
		}
		step(&abi.MarketCall{Action: abi.MarketEnd, Now: 100}, func() error { return dm.End(100) })
		for dm.NextReveal() >= 0 {
			j := dm.NextReveal()
			res := step(&abi.MarketCall{Action: abi.MarketRevealNext, Portion: portions[j]},
				func() error { _, err := dm.RevealNext(portions[j]); return err })
			if res.Revealed != j {
				t.Fatalf("revealed %d, want %d", res.Revealed, j)
			}
		}
		var scoring []*dataset.Dataset
		var scoringIdx []int
		for _, j := range dm.ScoringPortions() {
			scoring = append(scoring, portions[j])
			scoringIdx = append(scoringIdx, idx[j]...)
		}
		scoringSet, err := test.Subset(scoringIdx)
		if err != nil {
			t.Fatal(err)
		}
		scorer, err := value.NewMarketScorer(initial, scoringSet, value.DatasetContributions(contribs))
		if err != nil {
			t.Fatal(err)
		}
		for dm.Phase() == market.Rewards {
			var want market.Pass
			res := step(&abi.MarketCall{Action: abi.MarketRunPass, Initial: initial, Contributions: contribs, Scoring: scoring},
				func() error { var err error; want, err = dm.RunPass(scorer); return err })
			if !reflect.DeepEqual(res.Pass, want) {
				t.Fatalf("seed %d: pass %+v, want %+v", seed, res.Pass, want)
			}
			passes++
		}
		for i := range contribs.Len() {
			var want uint64
			res := step(&abi.MarketCall{Action: abi.MarketCollect, ID: uint64(i), Actor: who[i]},
				func() error { var err error; want, err = dm.Collect(i, who[i]); return err })
			if res.Amount != want {
				t.Fatalf("collect %d, want %d", res.Amount, want)
			}
		}
		var want uint64
		res := step(&abi.MarketCall{Action: abi.MarketReclaim, Actor: abitest.Owner},
			func() error { var err error; want, err = dm.Reclaim(abitest.Owner); return err })
		if res.Amount != want {
			t.Fatalf("reclaim %d, want %d", res.Amount, want)
		}
		if tot := am.Totals(); tot.Held != 0 || tot.PaidOut != tot.Funded {
			t.Fatalf("seed %d: totals %+v after everyone collected", seed, tot)
		}
	}
	t.Logf("%d passes", passes)
}

// caseNamed returns the decoded request of the first Mechanisms(1) case with the name's
// prefix.
func mechCaseNamed(t *testing.T, prefix string) abi.Request {
	t.Helper()
	for _, c := range abitest.Mechanisms(1) {
		if strings.HasPrefix(c.Name, prefix) {
			r, err := abi.DecodeRequest(c.Request)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
	}
	t.Fatalf("no case %s", prefix)
	return nil
}

// TestMechanismsBadInput: refused input gets the right code, never a panic.
func TestMechanismsBadInput(t *testing.T) {
	expect := func(name string, req []byte, want error, msg string) {
		t.Helper()
		resp, _, err := mechCall(req, 1<<62)
		if !errors.Is(err, want) || resp != nil {
			t.Fatalf("%s: %v, want %v", name, err, want)
		}
		if !strings.Contains(err.Error(), msg) {
			t.Fatalf("%s: %v does not mention %q", name, err, msg)
		}
	}

	// A refund with another contribution's row.
	refund := mechCaseNamed(t, "drt/refund/").(*abi.DRTCall)
	if _, _, err := mechCall(abi.EncodeRequest(refund), 1<<62); err != nil {
		t.Fatal(err)
	}
	other := *refund
	c, err := refund.State.Contribution(refund.ID)
	if err != nil {
		t.Fatal(err)
	}
	other.Row = refund.Row.Clone()
	other.Row.Y[0] = (other.Row.Y[0] + 1) % int32(other.Row.Classes)
	expect("refund with another row", abi.EncodeRequest(&other), abi.ErrInvalid, "data hash")
	if other.Row.Hash() == c.DataHash {
		t.Fatal("the altered row has the contribution's hash")
	}

	// A reward pass with a portion that is not the committed one.
	pass := mechCaseNamed(t, "market/run-pass/").(*abi.MarketCall)
	bad := *pass
	bad.Scoring = append([]*dataset.Dataset(nil), pass.Scoring...)
	last := len(bad.Scoring) - 1
	bad.Scoring[last] = pass.Scoring[last].Clone()
	bad.Scoring[last].Y[0] = (bad.Scoring[last].Y[0] + 1) % int32(bad.Scoring[last].Classes)
	expect("pass with another portion", abi.EncodeRequest(&bad), abi.ErrInvalid, "commitment")
	// … or a contributions dataset with a row too few.
	bad = *pass
	bad.Contributions, err = pass.Contributions.Subset([]int{0})
	if err != nil {
		t.Fatal(err)
	}
	expect("pass with too few contributions", abi.EncodeRequest(&bad), abi.ErrInvalid, "contributions")
	// … or a model of another shape.
	bad = *pass
	cfg := pass.Initial.Config()
	cfg.Dims++
	if bad.Initial, err = model.New(cfg); err != nil {
		t.Fatal(err)
	}
	expect("pass with a model of another shape", abi.EncodeRequest(&bad), abi.ErrInvalid, "Dims")

	// Truncations and a trailing byte.
	for _, req := range []abi.Request{refund, pass, mechCaseNamed(t, "points/add/"), mechCaseNamed(t, "market/new/")} {
		b := abi.EncodeRequest(req)
		for n := 8; n < len(b); n++ {
			expect("truncated", b[:n], abi.ErrMalformed, "")
		}
		expect("trailing byte", append(append([]byte(nil), b...), 0), abi.ErrMalformed, "trailing")
	}

	// Unknown actions.
	for _, req := range []abi.Request{
		&abi.DRTCall{}, &abi.DRTCall{Action: 7}, &abi.PointsCall{Action: 5}, &abi.MarketCall{Action: 12},
		&abi.MarketCall{Action: 255},
	} {
		expect("unknown action", abi.EncodeRequest(req), abi.ErrMalformed, "unknown")
	}

	// A row that is not one row; a state of another mechanism.
	two := *refund
	if two.Row, err = refund.Row.Subset([]int{0, 0}); err != nil {
		t.Fatal(err)
	}
	expect("two rows", abi.EncodeRequest(&two), abi.ErrMalformed, "one-row")
	b := abi.EncodeRequest(mechCaseNamed(t, "points/refund/"))
	b[8] = byte(abi.DRTReport) // a points request body read as DRT: its state is not a DRT state
	b[6] = byte(abi.OpDRT)
	expect("points state in a DRT call", b, abi.ErrMalformed, "magic")
}

// FuzzMechanismRequest: arbitrary bytes into Execute never panic; a request that
// succeeds re-encodes to itself and gets a canonical response.
func FuzzMechanismRequest(f *testing.F) {
	for _, c := range abitest.Mechanisms(1) {
		f.Add(c.Request)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m := gas.NewCounter(gas.Default, 50_000_000)
		resp, err := abi.Execute(b, m)
		if err != nil {
			var e *abi.Error
			if !errors.As(err, &e) || e.Code == abi.CodeOK {
				t.Fatalf("error %v is not a coded *abi.Error", err)
			}
			return
		}
		r, err := abi.DecodeRequest(b)
		if err != nil {
			t.Fatalf("a request that ran does not decode: %v", err)
		}
		if !bytes.Equal(abi.EncodeRequest(r), b) {
			t.Fatal("accepted a non-canonical request")
		}
		d, err := abi.DecodeResponse(resp)
		if err != nil {
			t.Fatalf("response: %v", err)
		}
		if d.Op() != r.Op() || !bytes.Equal(abi.EncodeResponse(d), resp) {
			t.Fatal("response is not canonical")
		}
	})
}
