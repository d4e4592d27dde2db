package abi_test

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/meritchain/merit/engine/abi"
	"github.com/meritchain/merit/engine/abi/abitest"
	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/gas"
	"github.com/meritchain/merit/engine/incentive"
	"github.com/meritchain/merit/engine/incentive/market"
	"github.com/meritchain/merit/engine/model"
	"github.com/meritchain/merit/engine/rng"
)

// rewardsMarket returns a market in phase Rewards with n contributions (about a third
// mislabelled), its initial model, the contributions' rows and the scoring portions.
func rewardsMarket(t testing.TB, seed uint64, n int) (*market.Market, model.Model, *dataset.Dataset, []*dataset.Dataset) {
	r := rng.New(seed)
	f := abitest.Families[seed%uint64(len(abitest.Families))]
	sp := f == model.NaiveBayes || f == model.SparseCentroid
	d, c := 2+r.Intn(5), 2+r.Intn(3)
	initial, err := model.New(abitest.Config(f, d, c, 20))
	if err != nil {
		t.Fatal(err)
	}
	warm := abitest.RandomDataset(r, 4, d, c, sp, sp, 20)
	for i := range warm.Len() {
		if err := initial.Update(warm.Row(i), int(warm.Y[i])); err != nil {
			t.Fatal(err)
		}
	}
	// Labels follow the sign of the first feature, so that data helps and flipped labels hurt.
	label := func(ds *dataset.Dataset, i int) int32 {
		x := ds.Row(i)
		if (x.Dense != nil && x.Dense[0] > 0) || (x.Idx != nil && len(x.Idx) > 0 && x.Val[0] > 10) {
			return 1
		}
		return 0
	}
	test := abitest.RandomDataset(r, 6+r.Intn(30), d, c, sp, sp, 20)
	for i := range test.Y {
		test.Y[i] = label(test, i)
	}
	k := 2 + r.Intn(3)
	portions := make([]*dataset.Dataset, k)
	hashes := make([][32]byte, k)
	for j := range k {
		var is []int
		for i := j * test.Len() / k; i < (j+1)*test.Len()/k; i++ {
			is = append(is, i)
		}
		if portions[j], err = test.Subset(is); err != nil {
			t.Fatal(err)
		}
		hashes[j] = portions[j].Hash()
	}
	p := market.Params{MinStake: 5, MinContributions: 1, MinDuration: 10, RevealTimeout: 100}
	mk, err := market.New(p, abitest.Owner, uint64(r.Intn(5000)), hashes, r.Uint64(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := mk.RevealInitial(portions[mk.InitialPortion()], 1); err != nil {
		t.Fatal(err)
	}
	contribs := abitest.RandomDataset(r, n, d, c, sp, sp, 20)
	for i := range contribs.Y {
		contribs.Y[i] = label(contribs, i)
		if r.Intn(3) == 0 {
			contribs.Y[i] = 1 - contribs.Y[i]
		}
		row, err := contribs.Subset([]int{i})
		if err != nil {
			t.Fatal(err)
		}
		var who incentive.Address
		who[0], who[1] = byte(i), byte(i>>8)|0x80
		if _, err := mk.Join(who, row.Hash(), 5+uint64(r.Intn(500)), 2); err != nil {
			t.Fatal(err)
		}
	}
	if err := mk.End(20); err != nil {
		t.Fatal(err)
	}
	for mk.NextReveal() >= 0 {
		if _, err := mk.RevealNext(portions[mk.NextReveal()]); err != nil {
			t.Fatal(err)
		}
	}
	var scoring []*dataset.Dataset
	for _, j := range mk.ScoringPortions() {
		scoring = append(scoring, portions[j])
	}
	return mk, initial, contribs, scoring
}

// checkSteppedPasses runs a market's reward passes twice, whole (MarketRunPass) and in
// steps of random budgets (MarketScoreStep), and checks that the two give the same
// passes and the same states, and that no step's work gas exceeds its budget.
func checkSteppedPasses(t *testing.T, seed uint64, n int, budgetSeed uint64) (steps int) {
	t.Helper()
	whole, initial, contribs, scoring := rewardsMarket(t, seed, n)
	stepped, _, _, _ := rewardsMarket(t, seed, n)
	r := rng.New(budgetSeed)
	call := func(req abi.Request) (abi.Response, uint64, error) {
		b := abi.EncodeRequest(req)
		out, used, err := abi.Native{}.Call(t.Context(), b, 1<<62)
		if err != nil {
			return nil, used, err
		}
		resp, err := abi.DecodeResponse(out)
		if err != nil {
			t.Fatal(err)
		}
		work := used - gas.Default.Cost(gas.Call, 1) - gas.Default.Cost(gas.InputByte, uint64(len(b))) -
			gas.Default.Cost(gas.OutputByte, uint64(len(out)))
		return resp, work, nil
	}
	for whole.Phase() == market.Rewards {
		resp, _, err := call(&abi.MarketCall{Action: abi.MarketRunPass, State: whole, Initial: initial, Contributions: contribs, Scoring: scoring})
		if err != nil {
			t.Fatalf("seed %d: run pass: %v", seed, err)
		}
		want := resp.(*abi.MarketResult)
		whole = want.State

		// The same pass in steps.
		var pr *abi.RewardProgress
		for ran := false; !ran; {
			md, next := initial, 0
			if pr != nil {
				md, next = pr.Model, len(pr.Scores)
			}
			fixed, per := abi.ScoreStepCost(md, len(scoring), stepped.TestRows(), contribs.Dims)
			budget := fixed + per + r.Uintn(4*per+1)
			live := stepped.Live()
			rows, err := contribs.Subset(live[next:min(len(live), next+1+r.Intn(8))])
			if err != nil {
				t.Fatal(err)
			}
			resp, work, err := call(&abi.MarketCall{Action: abi.MarketScoreStep, State: stepped, Initial: initial, Progress: pr,
				Rows: rows, Scoring: scoring, Budget: budget})
			if err != nil {
				t.Fatalf("seed %d: step: %v", seed, err)
			}
			res := resp.(*abi.MarketResult)
			steps++
			if work > budget {
				t.Fatalf("seed %d: a step's work gas %d exceeds its budget %d", seed, work, budget)
			}
			if res.Scored == 0 && !res.Ran {
				t.Fatalf("seed %d: a step with budget %d ≥ fixed %d + per %d scored nothing", seed, budget, fixed, per)
			}
			stepped, pr, ran = res.State, res.Progress, res.Ran
			if ran {
				if !reflect.DeepEqual(res.Pass, want.Pass) {
					t.Fatalf("seed %d: stepped pass %+v, whole %+v", seed, res.Pass, want.Pass)
				}
			} else if pr == nil {
				t.Fatalf("seed %d: a step that did not run the pass returned no progress", seed)
			}
		}
		if !bytes.Equal(mechEncoded(t, stepped), mechEncoded(t, whole)) {
			t.Fatalf("seed %d: states differ after pass %d", seed, whole.Passes())
		}
	}
	return steps
}

func TestScoreStepMatchesRunPass(t *testing.T) {
	steps := 0
	for seed := uint64(1); seed <= 25; seed++ {
		steps += checkSteppedPasses(t, seed, 5+int(seed%4)*7, seed)
	}
	t.Logf("%d steps", steps)
}

// TestScoreStepRefusals: a budget below one contribution, a wrong row, a progress of
// another pass, and too many rows are refused, and the market is unchanged.
func TestScoreStepRefusals(t *testing.T) {
	mk, initial, contribs, scoring := rewardsMarket(t, 3, 12)
	before := mechEncoded(t, mk)
	live := mk.Live()
	rows, err := contribs.Subset(live[:2])
	if err != nil {
		t.Fatal(err)
	}
	fixed, per := abi.ScoreStepCost(initial, len(scoring), mk.TestRows(), contribs.Dims)
	step := func(pr *abi.RewardProgress, rows *dataset.Dataset, budget uint64) *abi.MarketCall {
		return &abi.MarketCall{Action: abi.MarketScoreStep, State: mk, Initial: initial, Progress: pr, Rows: rows, Scoring: scoring, Budget: budget}
	}
	expect := func(name string, req abi.Request, want error) {
		t.Helper()
		_, _, err := abi.Native{}.Call(t.Context(), abi.EncodeRequest(req), 1<<62)
		if !errors.Is(err, want) {
			t.Fatalf("%s: %v, want %v", name, err, want)
		}
		if !bytes.Equal(mechEncoded(t, mk), before) {
			t.Fatalf("%s changed the market", name)
		}
	}
	expect("budget", step(nil, rows, fixed), abi.ErrInvalid)
	_, _, err = abi.Native{}.Call(t.Context(), abi.EncodeRequest(step(nil, rows, 1)), 1<<62)
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte(abi.ErrBudget.Error())) {
		t.Fatalf("tiny budget: %v, want %v", err, abi.ErrBudget)
	}
	wrong := rows.Clone()
	wrong.Y[0] = 1 - wrong.Y[0]
	expect("wrong row", step(nil, wrong, fixed+2*per), abi.ErrInvalid)
	all, err := contribs.Subset(append(append([]int(nil), live...), live[0]))
	if err != nil {
		t.Fatal(err)
	}
	expect("too many rows", step(nil, all, 1<<50), abi.ErrInvalid)
	expect("no rows", step(nil, nil, 1<<50), abi.ErrInvalid)
	expect("other pass", step(&abi.RewardProgress{Pass: 1, Model: initial.Clone()}, rows, 1<<50), abi.ErrInvalid)
	second, err := contribs.Subset(live[1:2])
	if err != nil {
		t.Fatal(err)
	}
	expect("wrong correct count", step(&abi.RewardProgress{Model: initial.Clone(), Correct: 1 << 40, Scores: []int64{0}}, second, 1<<50), abi.ErrInvalid)
}

// TestRewardProgressEncoding: the encoding round-trips and refuses damage.
func TestRewardProgressEncoding(t *testing.T) {
	_, initial, _, _ := rewardsMarket(t, 2, 3)
	p := &abi.RewardProgress{Pass: 3, Model: initial, Correct: 7, Scores: []int64{1, -2, 0}}
	b, err := p.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	q, err := abi.DecodeRewardProgress(b)
	if err != nil {
		t.Fatal(err)
	}
	c, err := q.MarshalBinary()
	if err != nil || !bytes.Equal(b, c) || q.Pass != 3 || q.Correct != 7 || len(q.Scores) != 3 {
		t.Fatalf("round trip: %v %+v", err, q)
	}
	for n := range len(b) {
		if _, err := abi.DecodeRewardProgress(b[:n]); err == nil {
			t.Fatalf("truncated to %d bytes: decoded", n)
		}
	}
	if _, err := abi.DecodeRewardProgress(append(b, 0)); err == nil {
		t.Fatal("trailing byte: decoded")
	}
}

// FuzzScoreStep: stepped passes of random markets, with random budgets and row counts,
// equal whole passes and keep within their budgets.
func FuzzScoreStep(f *testing.F) {
	f.Add(uint64(1), uint8(5), uint64(7))
	f.Add(uint64(4), uint8(30), uint64(1))
	f.Fuzz(func(t *testing.T, seed uint64, n uint8, budgetSeed uint64) {
		checkSteppedPasses(t, seed, 1+int(n%40), budgetSeed)
	})
}
