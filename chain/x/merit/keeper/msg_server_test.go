package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/baseapp"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/meritchain/merit/chain/engine"
	"github.com/meritchain/merit/chain/x/merit/keeper"
	"github.com/meritchain/merit/chain/x/merit/types"
	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/model"
)

var errInsufficientFunds = sdkerrors.ErrInsufficientFunds

func coins(n int64) sdk.Coins { return sdk.NewCoins(sdk.NewCoin(denom, sdkmath.NewInt(n))) }

// TestDRTHonestAndDishonest runs Deposit-Refund-Take through the message router: honest
// contributions are refunded, a dishonest one is refused its refund and reported, and
// what is left of an unclaimed deposit goes to the owner, then to anyone. Each refused
// message fails with its registered error and changes nothing.
func TestDRTHonestAndDishonest(t *testing.T) { drtScenario(t, newFixture(t)) }

// TestDRTWebAssembly runs the same scenario on the chain's engine: the hash-pinned
// WebAssembly build (chain/engine), which must agree with the native engine.
func TestDRTWebAssembly(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the WebAssembly engine")
	}
	drtScenario(t, newFixtureWith(t, engine.Shared{}, engine.SHA256()))
}

func drtScenario(t *testing.T, f *fixture) {
	m := f.drtModel()
	start := map[string]int64{}
	for name := range f.accts {
		start[name] = f.balance(name)
	}

	// Honest data: label 1 when x0 > 0. alice contributes four points, carol one.
	honest := []struct {
		x     []int32
		label uint32
	}{{[]int32{500, 20}, 1}, {[]int32{-400, 10}, 0}, {[]int32{300, -50}, 1}, {[]int32{-350, -30}, 0}}
	var ids []uint64
	var paid int64
	for i, h := range honest {
		f.at(int64(100 * i))
		id, dep := f.add(m, "alice", h.x, h.label)
		require.Equal(t, uint64(i), id)
		ids = append(ids, id)
		paid += int64(dep)
	}
	require.Equal(t, int64(3600), int64(mustContribution(f, m, 0).Deposit), "the first deposit is cost_weight·3600")
	f.at(400)
	carolID, carolDep := f.add(m, "carol", []int32{450, 0}, 1)
	// Claims on carol's contribution: the owner may after 20 s, anyone after 30 s.
	f.at(410)
	f.refused(&types.MsgClaim{Claimer: f.addr("owner"), ModelId: m, ContributionId: carolID}, types.ErrTooEarly)
	f.at(425)
	f.refused(&types.MsgClaim{Claimer: f.addr("bob"), ModelId: m, ContributionId: carolID}, types.ErrTooEarly)
	// mallory flips a label.
	f.at(500)
	evilID, evilDep := f.add(m, "mallory", []int32{420, 15}, 0)
	// more honest data puts the model right again.
	f.at(600)
	id, dep := f.add(m, "alice", []int32{410, 10}, 1)
	ids = append(ids, id)
	paid += int64(dep)
	require.Equal(t, start["alice"]-paid, f.balance("alice"))
	require.Equal(t, paid+int64(carolDep)+int64(evilDep), f.escrow())
	f.checkInvariant()

	// The model predicts the honest labels and not mallory's.
	for _, x := range [][]int32{{500, 20}, {420, 15}} {
		r, err := f.query.Predict(f.ctx, &types.QueryPredictRequest{ModelId: m, Features: x})
		require.NoError(t, err)
		require.Equal(t, uint32(1), r.Label, "prediction of %v", x)
		require.NotZero(t, r.EngineGas)
	}

	// Too early: the refund wait (10 s) has not passed for the latest contribution.
	f.refused(&types.MsgRefund{Caller: f.addr("alice"), ModelId: m, ContributionId: id}, types.ErrTooEarly)
	f.at(700)
	// alice's contributions are refunded (validated).
	for _, id := range ids {
		r := mustDeliver[types.MsgRefundResponse](f, &types.MsgRefund{Caller: f.addr("alice"), ModelId: m, ContributionId: id})
		require.Equal(t, mustContribution(f, m, id).Deposit, r.Amount)
	}
	require.Equal(t, start["alice"], f.balance("alice"))
	// A second refund is refused.
	f.refused(&types.MsgRefund{Caller: f.addr("alice"), ModelId: m, ContributionId: ids[0]}, types.ErrAlreadyClaimed)
	// Someone else's refund is refused.
	f.refused(&types.MsgRefund{Caller: f.addr("bob"), ModelId: m, ContributionId: carolID}, types.ErrNotContributor)
	// mallory's refund is refused: the model disagrees with her label.
	f.refused(&types.MsgRefund{Caller: f.addr("mallory"), ModelId: m, ContributionId: evilID}, types.ErrModelDisagrees)
	// Reports: mallory may not report her own; bob has no validated contribution;
	// carol's contribution is one the model agrees with.
	f.refused(&types.MsgReport{Reporter: f.addr("mallory"), ModelId: m, ContributionId: evilID}, types.ErrOwnContribution)
	f.refused(&types.MsgReport{Reporter: f.addr("bob"), ModelId: m, ContributionId: evilID}, types.ErrNotValidated)
	f.refused(&types.MsgReport{Reporter: f.addr("alice"), ModelId: m, ContributionId: carolID}, types.ErrModelAgrees)
	// alice (all the validated contributions) takes mallory's whole deposit.
	r := mustDeliver[types.MsgReportResponse](f, &types.MsgReport{Reporter: f.addr("alice"), ModelId: m, ContributionId: evilID})
	require.Equal(t, evilDep, r.Amount)
	require.Equal(t, start["alice"]+int64(evilDep), f.balance("alice"))
	require.Equal(t, start["mallory"]-int64(evilDep), f.balance("mallory"))
	f.refused(&types.MsgReport{Reporter: f.addr("alice"), ModelId: m, ContributionId: evilID}, types.ErrAlreadyClaimed)
	f.refused(&types.MsgRefund{Caller: f.addr("mallory"), ModelId: m, ContributionId: evilID}, types.ErrTaken)

	c := mustContribution(f, m, evilID)
	require.Zero(t, c.Remaining)
	require.Equal(t, []string{f.addr("alice")}, c.ClaimedBy)
	require.False(t, c.Refunded)

	// carol never asks for her refund: the owner takes it.
	cl := mustDeliver[types.MsgClaimResponse](f, &types.MsgClaim{Claimer: f.addr("owner"), ModelId: m, ContributionId: carolID})
	require.Equal(t, carolDep, cl.Amount)
	require.Equal(t, start["owner"]+int64(carolDep), f.balance("owner"))
	// A second claim finds nothing left.
	f.refused(&types.MsgClaim{Claimer: f.addr("owner"), ModelId: m, ContributionId: carolID}, types.ErrNothingLeft)
	f.refused(&types.MsgClaim{Claimer: f.addr("bob"), ModelId: m, ContributionId: carolID}, types.ErrNothingLeft)

	// Everything was paid out: the escrow is empty and the invariant holds.
	require.Zero(t, f.escrow())
	f.checkInvariant()

	// Statistics.
	st, err := f.query.ContributorStats(f.ctx, &types.QueryContributorStatsRequest{ModelId: m, Address: f.addr("alice")})
	require.NoError(t, err)
	require.Equal(t, uint64(5), st.Stats.Contributions)
	require.Equal(t, uint64(5), st.Stats.Validated)
	require.Equal(t, uint64(paid), st.Stats.Deposited)
	require.Equal(t, uint64(paid), st.Stats.Refunded)
	require.Equal(t, uint64(1), st.Stats.Reports)
	require.Equal(t, evilDep, st.Stats.Taken)
	st, err = f.query.ContributorStats(f.ctx, &types.QueryContributorStatsRequest{ModelId: m, Address: f.addr("owner")})
	require.NoError(t, err)
	require.Equal(t, carolDep, st.Stats.Claimed)

	// The model query reports the mechanism's totals.
	mq, err := f.query.Model(f.ctx, &types.QueryModelRequest{ModelId: m})
	require.NoError(t, err)
	require.Equal(t, uint64(7), mq.Model.Contributions)
	require.Zero(t, mq.Claimable)
	require.Equal(t, mq.Deposited, mq.PaidOut)
	require.Equal(t, uint64(5), mq.Validated)
	require.NotEmpty(t, mq.Model.ModelState)

	// Pagination.
	page, err := f.query.Contributions(f.ctx, &types.QueryContributionsRequest{ModelId: m, Pagination: &query.PageRequest{Limit: 3, CountTotal: true}})
	require.NoError(t, err)
	require.Len(t, page.Contributions, 3)
	require.Equal(t, uint64(7), page.Pagination.Total)
	page, err = f.query.Contributions(f.ctx, &types.QueryContributionsRequest{ModelId: m, Pagination: &query.PageRequest{Key: page.Pagination.NextKey, Limit: 10}})
	require.NoError(t, err)
	require.Len(t, page.Contributions, 4)
	require.Equal(t, uint64(6), page.Contributions[3].Id)
}

func mustContribution(f *fixture, m, id uint64) types.Contribution {
	f.t.Helper()
	r, err := f.query.Contribution(f.ctx, &types.QueryContributionRequest{ModelId: m, ContributionId: id})
	require.NoError(f.t, err)
	return r.Contribution
}

// TestAddDataRefusals: each bad contribution fails with its registered error and
// changes nothing.
func TestAddDataRefusals(t *testing.T) {
	f := newFixture(t)
	m := f.drtModel()
	alice := f.addr("alice")
	f.refused(&types.MsgAddData{Contributor: alice, ModelId: 99, Features: []int32{1, 2}, Label: 1, Deposit: 3600}, types.ErrUnknownModel)
	f.refused(&types.MsgAddData{Contributor: alice, ModelId: m, Features: []int32{1, 2, 3}, Label: 1, Deposit: 3600}, types.ErrWrongDims)
	f.refused(&types.MsgAddData{Contributor: alice, ModelId: m, Features: []int32{1}, Label: 1, Deposit: 3600}, types.ErrWrongDims)
	f.refused(&types.MsgAddData{Contributor: alice, ModelId: m, Features: []int32{1, 2}, Label: 2, Deposit: 3600}, types.ErrMalformedFeatures)
	f.refused(&types.MsgAddData{Contributor: alice, ModelId: m, Features: []int32{1, 2000}, Label: 1, Deposit: 3600}, types.ErrMalformedFeatures)
	f.refused(&types.MsgAddData{Contributor: alice, ModelId: m, Row: []byte("not a dataset"), Label: 1, Deposit: 3600}, types.ErrMalformedFeatures)
	f.refused(&types.MsgAddData{Contributor: alice, ModelId: m, Label: 1, Deposit: 3600}, types.ErrWrongDims)
	f.refused(&types.MsgAddData{Contributor: alice, ModelId: m, Features: []int32{1, 2}, Label: 1, Deposit: 3599}, types.ErrDepositTooLow)
	f.refused(&types.MsgAddData{Contributor: alice, ModelId: m, Features: []int32{1, 2}, Label: 1}, types.ErrDepositTooLow)
	f.refused(&types.MsgAddData{Contributor: "nonsense", ModelId: m, Features: []int32{1, 2}, Label: 1, Deposit: 3600}, types.ErrInvalidAddress)
	// More than the account holds: the bank refuses, after the engine accepted.
	f.refused(&types.MsgAddData{Contributor: alice, ModelId: m, Features: []int32{1, 2}, Label: 1, Deposit: 1 << 40}, errInsufficientFunds)
	f.refused(&types.MsgRefund{Caller: alice, ModelId: m, ContributionId: 0}, types.ErrUnknownContribution)
	f.refused(&types.MsgClaim{Claimer: alice, ModelId: 7, ContributionId: 0}, types.ErrUnknownModel)

	// A well-formed row encoding is accepted, and recorded as given.
	row := &dataset.Dataset{Kind: dataset.Dense, Dims: 2, Classes: 2, Y: []int32{1}, X: []int32{10, 20}}
	b, err := row.MarshalBinary()
	require.NoError(t, err)
	r := mustDeliver[types.MsgAddDataResponse](f, &types.MsgAddData{Contributor: alice, ModelId: m, Row: b, Label: 1, Deposit: 3600})
	h := row.Hash()
	require.Equal(t, h[:], r.DataHash)
	require.Equal(t, b, mustContribution(f, m, 0).Row)
}

// TestCreateModelRefusals checks the model checks.
func TestCreateModelRefusals(t *testing.T) {
	f := newFixture(t)
	o := f.addr("owner")
	f.refused(&types.MsgCreateModel{Creator: o, Family: "forest", Dims: 2, Classes: 2, Bound: 10, Mechanism: "drt"}, types.ErrInvalidModel)
	f.refused(&types.MsgCreateModel{Creator: o, Family: "perceptron", Dims: 0, Classes: 2, Bound: 10, Mechanism: "drt"}, types.ErrInvalidModel)
	f.refused(&types.MsgCreateModel{Creator: o, Family: "perceptron", Dims: 5000, Classes: 2, Bound: 10, Mechanism: "drt"}, types.ErrInvalidModel)
	f.refused(&types.MsgCreateModel{Creator: o, Family: "perceptron", Dims: 2, Classes: 2, Bound: 10, Mechanism: "market"}, types.ErrInvalidModel)
	// The engine refuses inconsistent waits (refund > owner wait).
	f.refused(&types.MsgCreateModel{Creator: o, Family: "perceptron", Dims: 2, Classes: 2, Bound: 10, Mechanism: "drt", RefundWait: 5}, types.ErrInvalidModel)
	f.refused(&types.MsgCreateModel{Creator: o, Family: "perceptron", Dims: 2, Classes: 2, Bound: 10, Mechanism: "points", CostWeight: 3}, types.ErrInvalidModel)
	f.refused(&types.MsgCreateModel{Creator: o, Family: "perceptron", Dims: 2, Classes: 2, Bound: 10, Mechanism: "drt", InitialModel: []byte{1, 2, 3}}, types.ErrInvalidModel)

	// An initial model with the same configuration is stored as given.
	md, err := model.New(model.Config{Family: model.Centroid, Dims: 2, Classes: 2, Bound: 10})
	require.NoError(t, err)
	require.NoError(t, md.Update(dataset.Row{Dense: []int32{3, 4}}, 1))
	b, err := md.MarshalBinary()
	require.NoError(t, err)
	r := mustDeliver[types.MsgCreateModelResponse](f, &types.MsgCreateModel{Creator: o, Family: "centroid", Dims: 2, Classes: 2,
		Bound: 10, Mechanism: "points", RefundWait: 1, InitialModel: b})
	mq, err := f.query.Model(f.ctx, &types.QueryModelRequest{ModelId: r.ModelId})
	require.NoError(t, err)
	require.Equal(t, b, mq.Model.ModelState)
	// … but one whose configuration differs is refused.
	f.refused(&types.MsgCreateModel{Creator: o, Family: "centroid", Dims: 2, Classes: 3, Bound: 10, Mechanism: "points", InitialModel: b}, types.ErrInvalidModel)
}

// TestPoints runs the points mechanism: no deposits, no claims; refunds and reports
// earn points.
func TestPoints(t *testing.T) {
	f := newFixture(t)
	m := f.pointsModel()
	f.refused(&types.MsgAddData{Contributor: f.addr("alice"), ModelId: m, Features: []int32{100, 100}, Label: 1, Deposit: 5}, types.ErrUnsupported)
	a := mustDeliver[types.MsgAddDataResponse](f, &types.MsgAddData{Contributor: f.addr("alice"), ModelId: m, Features: []int32{100, 100}, Label: 1}).ContributionId
	b := mustDeliver[types.MsgAddDataResponse](f, &types.MsgAddData{Contributor: f.addr("alice"), ModelId: m, Features: []int32{-100, -100}, Label: 0}).ContributionId
	e := mustDeliver[types.MsgAddDataResponse](f, &types.MsgAddData{Contributor: f.addr("mallory"), ModelId: m, Features: []int32{-90, -120}, Label: 1}).ContributionId
	for i := 0; i < 3; i++ { // outweigh mallory's point
		mustDeliver[types.MsgAddDataResponse](f, &types.MsgAddData{Contributor: f.addr("bob"), ModelId: m, Features: []int32{-110, -90}, Label: 0})
	}
	require.Zero(t, f.escrow())
	f.refused(&types.MsgRefund{Caller: f.addr("alice"), ModelId: m, ContributionId: a}, types.ErrTooEarly)
	f.at(11)
	require.Equal(t, int64(1), mustDeliver[types.MsgRefundResponse](f, &types.MsgRefund{Caller: f.addr("alice"), ModelId: m, ContributionId: a}).Points)
	require.Equal(t, int64(1), mustDeliver[types.MsgRefundResponse](f, &types.MsgRefund{Caller: f.addr("alice"), ModelId: m, ContributionId: b}).Points)
	f.refused(&types.MsgRefund{Caller: f.addr("mallory"), ModelId: m, ContributionId: e}, types.ErrModelDisagrees)
	require.Equal(t, int64(1), mustDeliver[types.MsgReportResponse](f, &types.MsgReport{Reporter: f.addr("alice"), ModelId: m, ContributionId: e}).Points)
	f.refused(&types.MsgClaim{Claimer: f.addr("alice"), ModelId: m, ContributionId: a}, types.ErrUnsupported)

	c := mustContribution(f, m, e)
	require.Equal(t, types.StatusReported, c.Status)
	require.Equal(t, f.addr("alice"), c.Reporter)
	st, err := f.query.ContributorStats(f.ctx, &types.QueryContributorStatsRequest{ModelId: m, Address: f.addr("alice")})
	require.NoError(t, err)
	require.Equal(t, int64(3), st.Stats.Points)
	require.Equal(t, uint64(2), st.Stats.Validated)
	st, err = f.query.ContributorStats(f.ctx, &types.QueryContributorStatsRequest{ModelId: m, Address: f.addr("mallory")})
	require.NoError(t, err)
	require.Equal(t, int64(-1), st.Stats.Points)
}

// TestEngineGas: each call's gas limit follows the transaction's meter, its gas is
// charged at the parameters' price, and running out inside the engine fails with
// ErrOutOfGas and changes nothing.
func TestEngineGas(t *testing.T) {
	f := newFixture(t)
	m := f.drtModel()
	msg := &types.MsgAddData{Contributor: f.addr("alice"), ModelId: m, Features: []int32{5, 5}, Label: 1, Deposit: 3600}

	// With plenty of gas: the meter is charged the engine gas at 1/10.
	h := f.app.MsgServiceRouter().Handler(msg)
	ctx := f.ctx.WithGasMeter(storetypes.NewGasMeter(10_000_000))
	_, err := h(ctx, msg)
	require.NoError(t, err)
	used := ctx.GasMeter().GasConsumed()
	require.Greater(t, used, uint64(2*100_000/10), "two engine calls of at least gas.Call each")

	// A fresh chain, and too little gas for the engine: out of gas, nothing written.
	f = newFixture(t)
	m = f.drtModel()
	msg.ModelId = m
	h = f.app.MsgServiceRouter().Handler(msg)
	// Scan limits below what the message needs: the transaction runs out either inside
	// the engine (ErrOutOfGas, and nothing written) or in the SDK's store accounting
	// (the SDK's out-of-gas panic, which baseapp turns into a failed transaction that
	// drops its writes).
	before := f.snapshot()
	inEngine := 0
	for limit := uint64(1); limit < used; limit += used / 50 {
		cctx, _ := f.ctx.CacheContext()
		err, panicked := runWithGas(h, cctx, msg, limit)
		if panicked {
			continue
		}
		require.ErrorIs(t, err, types.ErrOutOfGas, "limit %d", limit)
		require.Equal(t, before, f.snapshotAt(cctx), "limit %d", limit)
		inEngine++
	}
	require.Greater(t, inEngine, 0)
	ctx = f.ctx.WithGasMeter(storetypes.NewGasMeter(used))
	_, err = h(ctx, msg)
	require.NoError(t, err, "exactly the gas of a successful call is enough")

	// The engine gas cap applies too.
	p, err := f.k.Params.Get(f.ctx)
	require.NoError(t, err)
	p.MaxEngineGasPerCall = 1000
	require.NoError(t, f.k.Params.Set(f.ctx, p))
	f.refused(&types.MsgAddData{Contributor: f.addr("bob"), ModelId: m, Features: []int32{5, 5}, Label: 1, Deposit: 100_000}, types.ErrOutOfGas)
}

// runWithGas runs a handler with a gas limit. It fails with ErrOutOfGas if the engine
// ran out or the SDK's meter did after the engine calls.
func runWithGas(h baseapp.MsgServiceHandler, ctx sdk.Context, msg sdk.Msg, limit uint64) (err error, panicked bool) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(storetypes.ErrorOutOfGas); !ok {
				panic(r)
			}
			panicked = true
		}
	}()
	ctx = ctx.WithGasMeter(storetypes.NewGasMeter(limit))
	_, err = h(ctx, msg)
	return err, false
}

func TestGasArithmetic(t *testing.T) {
	p := types.DefaultParams(testHash)
	require.Equal(t, uint64(1), keeper.SDKGas(p, 1))
	require.Equal(t, uint64(1), keeper.SDKGas(p, 10))
	require.Equal(t, uint64(2), keeper.SDKGas(p, 11))
	p.GasPriceNumerator, p.GasPriceDenominator = 3, 1
	require.Equal(t, ^uint64(0), keeper.SDKGas(p, ^uint64(0)))
	require.Equal(t, uint64(30), keeper.SDKGas(p, 10))
}

func TestUpdateParams(t *testing.T) {
	f := newFixture(t)
	p := types.DefaultParams(testHash)
	p.MaxDims = 8
	f.refused(&types.MsgUpdateParams{Authority: f.addr("alice"), Params: p}, types.ErrUnauthorized)
	bad := p
	bad.EngineSha256 = "11" + testHash[2:]
	f.refused(&types.MsgUpdateParams{Authority: f.gov, Params: bad}, types.ErrEngineMismatch)
	bad = p
	bad.GasPriceDenominator = 0
	f.refused(&types.MsgUpdateParams{Authority: f.gov, Params: bad}, types.ErrInvalidParams)
	mustDeliver[types.MsgUpdateParamsResponse](f, &types.MsgUpdateParams{Authority: f.gov, Params: p})
	got, err := f.query.Params(f.ctx, &types.QueryParamsRequest{})
	require.NoError(t, err)
	require.Equal(t, p, got.Params)
	f.refused(&types.MsgCreateModel{Creator: f.addr("owner"), Family: "perceptron", Dims: 9, Classes: 2, Bound: 10, Mechanism: "points"}, types.ErrInvalidModel)
}

// TestGenesisRoundTrip exports a state with models and contributions, validates it,
// imports it into a fresh keeper and exports the same state again.
func TestGenesisRoundTrip(t *testing.T) {
	f := newFixture(t)
	m := f.drtModel()
	f.add(m, "alice", []int32{10, 10}, 1)
	f.at(50)
	f.add(m, "bob", []int32{-10, 10}, 0)
	f.at(100)
	mustDeliver[types.MsgRefundResponse](f, &types.MsgRefund{Caller: f.addr("alice"), ModelId: m, ContributionId: 0})
	p := f.pointsModel()
	mustDeliver[types.MsgAddDataResponse](f, &types.MsgAddData{Contributor: f.addr("carol"), ModelId: p, Features: []int32{1, 1}, Label: 1})

	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate())
	require.Len(t, gs.Models, 2)
	require.Len(t, gs.Contributions, 3)

	g := newFixture(t)
	require.NoError(t, g.k.InitGenesis(g.ctx, gs))
	gs2, err := g.k.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Equal(t, gs, gs2)

	// Tampering is caught by validation.
	bad := *gs
	bad.Contributions = append([]types.Contribution(nil), gs.Contributions...)
	bad.Contributions[1].Remaining++
	require.ErrorIs(t, bad.Validate(), types.ErrInvalidGenesis)
	bad.Contributions = gs.Contributions[:2]
	require.ErrorIs(t, bad.Validate(), types.ErrInvalidGenesis)
	bad = *gs
	bad.NextModelId = 1
	require.ErrorIs(t, bad.Validate(), types.ErrInvalidGenesis)
	bad = *gs
	bad.Params.EngineSha256 = "x"
	require.ErrorIs(t, bad.Validate(), types.ErrInvalidParams)
	// A genesis pinned to another build is refused by InitGenesis.
	other := types.DefaultGenesis("11" + testHash[2:])
	require.ErrorIs(t, newFixture(t).k.InitGenesis(g.ctx, other), types.ErrEngineMismatch)
}

// TestInvariantDetectsImbalance: coins that reach the escrow outside the module break
// the invariant.
func TestInvariantDetectsImbalance(t *testing.T) {
	f := newFixture(t)
	m := f.drtModel()
	f.add(m, "alice", []int32{10, 10}, 1)
	f.checkInvariant()
	require.NoError(t, f.bank.SendCoinsFromModuleToAccount(f.ctx, types.ModuleName, f.accts["bob"], coins(1)))
	msg, broken := keeper.EscrowInvariant(f.k)(f.ctx)
	require.True(t, broken, msg)
}

// TestEngineMismatch: a node whose build differs from the pinned hash refuses engine calls.
func TestEngineMismatch(t *testing.T) {
	f := newFixture(t)
	p, err := f.k.Params.Get(f.ctx)
	require.NoError(t, err)
	p.EngineSha256 = "22" + testHash[2:]
	require.NoError(t, f.k.Params.Set(f.ctx, p))
	f.refused(&types.MsgCreateModel{Creator: f.addr("owner"), Family: "perceptron", Dims: 2, Classes: 2, Bound: 10, Mechanism: "points"}, types.ErrEngineMismatch)
}
