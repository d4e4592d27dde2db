// Package simulation is the merit module's part of the Cosmos SDK application
// simulation (the SDK's testutil/simsx framework): a randomized genesis, a factory for
// every message of the module's Msg service (models under Deposit-Refund-Take and
// Points, and prediction markets through every phase), and the governance proposal that
// changes the parameters. chain/app/sim_test.go runs them, with the other modules',
// against the whole application.
//
// Every factory reads the chain's state and sends a message that the module accepts: a
// refund only of a contribution the model still agrees with, a report only by an
// address with a validated contribution, a reveal only of the portion that is due, and
// so on. When the state offers nothing valid (no market in the right phase, no wait
// that has passed) the factory skips, with a reason the simulation's summary counts.
// The data are small random models and datasets in the engine's own encodings, drawn
// from a per-model task (data.go).
package simulation

import (
	"math/rand"

	"github.com/cosmos/cosmos-sdk/types/module"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"

	"github.com/meritchain/merit/chain/x/merit/types"
	"github.com/meritchain/merit/engine/abi"
	"github.com/meritchain/merit/engine/incentive/drt"
	"github.com/meritchain/merit/engine/incentive/points"
	"github.com/meritchain/merit/engine/model"
)

// Keys of the randomized genesis values (a simulation params file may set them).
const (
	KeyMaxContributionsPerModel = "merit_max_contributions_per_model"
	KeyMaxMarketContributions   = "merit_max_market_contributions"
	KeyMaxMarketTestRows        = "merit_max_market_test_rows"
	KeyMarketStepRows           = "merit_market_step_rows"
	KeyMarketAbandonWait        = "merit_market_abandon_wait"
	KeyMarketBlockGasSteps      = "merit_market_block_gas_steps"
	KeyGenesisModels            = "merit_genesis_models"
)

// Waits are in seconds. The SDK's simulator advances the block time by 5 000 to 10 000
// seconds per block, so these waits pass within a few blocks.
const (
	maxRefundWait  = 20_000
	maxExtraWait   = 30_000 // owner wait after the refund wait, and any-address wait after that
	maxAbandonWait = 40_000
	maxCostWeight  = 5
)

// RandomizedGenState writes the module's randomized genesis into simState: parameters
// pinned to engineSHA256 with small limits and market budgets (RandomParams), and a few
// empty models whose engine states are built by the engine's own packages.
func RandomizedGenState(simState *module.SimulationState, engineSHA256 string) {
	r := simState.Rand
	p := types.DefaultParams(engineSHA256)
	p.DepositDenom = simState.BondDenom
	ap := simState.AppParams
	ap.GetOrGenerate(KeyMaxContributionsPerModel, &p.MaxContributionsPerModel, r, func(r *rand.Rand) {
		p.MaxContributionsPerModel = randMaxContributions(r)
	})
	ap.GetOrGenerate(KeyMaxMarketContributions, &p.MaxMarketContributions, r, func(r *rand.Rand) {
		p.MaxMarketContributions = randMaxMarketContributions(r)
	})
	ap.GetOrGenerate(KeyMaxMarketTestRows, &p.MaxMarketTestRows, r, func(r *rand.Rand) {
		p.MaxMarketTestRows = randMaxMarketTestRows(r)
	})
	ap.GetOrGenerate(KeyMarketStepRows, &p.MarketStepRows, r, func(r *rand.Rand) {
		p.MarketStepRows = randMarketStepRows(r)
	})
	ap.GetOrGenerate(KeyMarketAbandonWait, &p.MarketAbandonWait, r, func(r *rand.Rand) {
		p.MarketAbandonWait = randAbandonWait(r)
	})
	var steps uint64
	ap.GetOrGenerate(KeyMarketBlockGasSteps, &steps, r, func(r *rand.Rand) { steps = randBlockGasSteps(r) })
	p.MarketBlockGas = marketBlockGas(p, steps)
	var n int
	ap.GetOrGenerate(KeyGenesisModels, &n, r, func(r *rand.Rand) { n = r.Intn(3) })

	gs := &types.GenesisState{Params: p, NextModelId: uint64(n)}
	createdAt := uint64(max(simState.GenTimestamp.Unix(), 0))
	for id := range n {
		gs.Models = append(gs.Models, genesisModel(r, simState.Accounts, p, uint64(id), createdAt))
	}
	if err := gs.Validate(); err != nil {
		panic(err) // a bug in this generator
	}
	simState.GenState[types.ModuleName] = simState.Cdc.MustMarshalJSON(gs)
}

// RandomParams returns p with the limits and market budgets the simulation uses drawn
// at random (the engine build, the denomination, the gas price and the market step gas
// are kept): at most 30 to 120 contributions per model, 10 to 50 per market, 40 to 80
// test rows per market, reward steps of 1 to 8 contributions, an abandon wait of up to
// 40 000 s, and a per-block reward budget of one to four of the costliest reward steps
// a simulated market can have. Governance proposals use it too.
func RandomParams(r *rand.Rand, p types.Params) types.Params {
	p.MaxContributionsPerModel = randMaxContributions(r)
	p.MaxMarketContributions = randMaxMarketContributions(r)
	p.MaxMarketTestRows = randMaxMarketTestRows(r)
	p.MarketStepRows = randMarketStepRows(r)
	p.MarketAbandonWait = randAbandonWait(r)
	p.MarketBlockGas = marketBlockGas(p, randBlockGasSteps(r))
	return p
}

func randMaxContributions(r *rand.Rand) uint64       { return 30 + uint64(r.Intn(91)) }
func randMaxMarketContributions(r *rand.Rand) uint64 { return 10 + uint64(r.Intn(41)) }
func randMaxMarketTestRows(r *rand.Rand) uint64      { return 40 + uint64(r.Intn(41)) }
func randMarketStepRows(r *rand.Rand) uint32         { return 1 + uint32(r.Intn(8)) }
func randAbandonWait(r *rand.Rand) uint64            { return 1 + uint64(r.Intn(maxAbandonWait)) }
func randBlockGasSteps(r *rand.Rand) uint64          { return 1 + uint64(r.Intn(4)) }

// marketBlockGas returns a market_block_gas that pays for `steps` of the costliest
// reward step a simulated market can have under p (its step gas included), so that
// every simulated market passes the module's creation check, a process-rewards
// transaction given market_block_gas always runs a step, and a market's passes take one
// or several blocks.
func marketBlockGas(p types.Params, steps uint64) uint64 {
	return min(p.MarketStepGas+steps*maxStepWork(p.MaxMarketTestRows), p.MaxEngineGasPerCall)
}

// maxStepWork returns the largest engine work gas of one reward step (one contribution
// scored: abi.ScoreStepCost's fixed + per) of any market the simulation creates, with
// testRows scoring rows.
func maxStepWork(testRows uint64) uint64 {
	var most uint64
	for _, f := range marketFamilies {
		md, err := model.New(model.Config{Family: f, Dims: maxMarketDims, Classes: maxMarketClass, Bound: 1})
		if err != nil {
			panic(err)
		}
		fixed, per := abi.ScoreStepCost(md, maxPortions, testRows, maxMarketDims)
		most = max(most, fixed+per)
	}
	return most
}

// randomModelConfig returns a random small configuration of one of families (not
// normalized: zero hyperparameters select the defaults, as in a message).
func randomModelConfig(r *rand.Rand, families []model.Family, maxDims, maxClasses int) model.Config {
	cfg := model.Config{
		Family:   families[r.Intn(len(families))],
		Dims:     1 + r.Intn(maxDims),
		Classes:  2 + r.Intn(maxClasses-1),
		ScaleExp: r.Intn(4),
		Bound:    []int32{100, 1000, 10_000}[r.Intn(3)],
	}
	if r.Intn(2) == 0 {
		switch cfg.Family {
		case model.Perceptron:
			cfg.LearningRate = 1 + r.Int31n(5)
		case model.NaiveBayes:
			cfg.AlphaMicro = 1 + r.Int63n(2_000_000)
		case model.KNN:
			cfg.K = 1 + r.Intn(5)
		}
	}
	return cfg
}

// randomDRTParams returns a DRT mechanism's cost weight and waits.
func randomDRTParams(r *rand.Rand) (cost, refund, owner, anyAddr uint64) {
	cost = uint64(r.Intn(maxCostWeight + 1))
	refund = uint64(r.Intn(maxRefundWait + 1))
	owner = refund + uint64(r.Intn(maxExtraWait+1))
	anyAddr = owner + uint64(r.Intn(maxExtraWait+1))
	return cost, refund, owner, anyAddr
}

// genesisModel returns an empty model owned by a random account: its model and
// mechanism states are the engine packages' encodings (the same bytes the WebAssembly
// engine makes).
func genesisModel(r *rand.Rand, accs []simtypes.Account, p types.Params, id, createdAt uint64) types.ModelInfo {
	cfg, err := randomModelConfig(r, model.Families(), min(maxSimDims, int(p.MaxDims)), min(maxSimClasses, int(p.MaxClasses))).Normalize()
	if err != nil {
		panic(err)
	}
	owner := accs[r.Intn(len(accs))].Address
	info := types.ModelInfo{Id: id, Owner: owner.String(), DepositDenom: p.DepositDenom, CreatedAt: createdAt}
	info.SetConfig(cfg)
	md, err := model.New(cfg)
	if err != nil {
		panic(err)
	}
	if info.ModelState, err = md.MarshalBinary(); err != nil {
		panic(err)
	}
	ea, err := types.ToEngineAddress(owner)
	if err != nil {
		panic(err)
	}
	if r.Intn(3) == 0 {
		info.Mechanism, info.RefundWait = types.MechanismPoints, uint64(r.Intn(maxRefundWait+1))
		info.MechanismState, err = points.New(points.Params{RefundWait: info.RefundWait}, createdAt).MarshalBinary()
	} else {
		info.Mechanism = types.MechanismDRT
		info.CostWeight, info.RefundWait, info.OwnerWait, info.AnyAddressWait = randomDRTParams(r)
		var s *drt.State
		s, err = drt.New(drt.Params{CostWeight: info.CostWeight, RefundWait: info.RefundWait, OwnerWait: info.OwnerWait,
			AnyAddressWait: info.AnyAddressWait, Owner: ea}, createdAt)
		if err == nil {
			info.MechanismState, err = s.MarshalBinary()
		}
	}
	if err != nil {
		panic(err)
	}
	return info
}
