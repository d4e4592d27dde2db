package keeper

import (
	"context"
	errorsmod "cosmossdk.io/errors"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/meritchain/merit/chain/x/merit/types"
	"github.com/meritchain/merit/engine/abi"
	"github.com/meritchain/merit/engine/incentive/market"
)

type queryServer struct{ k Keeper }

// NewQueryServerImpl returns the module's Query service.
func NewQueryServerImpl(k Keeper) types.QueryServer { return queryServer{k} }

var _ types.QueryServer = queryServer{}

func (q queryServer) Params(ctx context.Context, _ *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	p, err := q.k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	return &types.QueryParamsResponse{Params: p}, nil
}

func (q queryServer) Model(ctx context.Context, req *types.QueryModelRequest) (*types.QueryModelResponse, error) {
	st, err := q.k.loadModel(ctx, req.ModelId)
	if err != nil {
		return nil, err
	}
	info := st.info
	if info.ModelState, err = q.k.ModelStates.Get(ctx, req.ModelId); err != nil {
		return nil, err
	}
	if info.MechanismState, err = q.k.MechStates.Get(ctx, req.ModelId); err != nil {
		return nil, err
	}
	out := &types.QueryModelResponse{Model: info}
	if st.drt != nil {
		t := st.drt.Totals()
		out.Deposited, out.PaidOut, out.Claimable, out.Validated = t.Deposited, t.PaidOut, t.Claimable, st.drt.TotalValidated()
	} else {
		out.Validated = st.points.TotalValidated()
	}
	return out, nil
}

// Predict runs the engine's prediction (abi.ModelPredict) of one dense sample, with the
// engine gas limited as for a transaction by the query's gas meter.
func (q queryServer) Predict(goCtx context.Context, req *types.QueryPredictRequest) (*types.QueryPredictResponse, error) {
	ctx := sdk.UnwrapSDKContext(goCtx)
	p, err := q.k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	st, err := q.k.loadModel(ctx, req.ModelId)
	if err != nil {
		return nil, err
	}
	row, err := buildRow(st.cfg, req.Features, nil, 0)
	if err != nil {
		return nil, err
	}
	resp, used, err := q.k.call(ctx, p, &abi.ModelPredict{Model: st.model, Data: row})
	if err != nil {
		return nil, err
	}
	labels := resp.(*abi.PredictResult).Labels
	if len(labels) != 1 {
		return nil, errorsmod.Wrapf(types.ErrEngine, "%d predictions for one row", len(labels))
	}
	return &types.QueryPredictResponse{Label: uint32(labels[0]), EngineGas: used}, nil
}

// RequiredDeposit asks the engine for a DRT model's deposit at the latest block time.
func (q queryServer) RequiredDeposit(goCtx context.Context, req *types.QueryRequiredDepositRequest) (*types.QueryRequiredDepositResponse, error) {
	ctx := sdk.UnwrapSDKContext(goCtx)
	p, err := q.k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	st, err := q.k.loadModel(ctx, req.ModelId)
	if err != nil {
		return nil, err
	}
	if st.drt == nil {
		return &types.QueryRequiredDepositResponse{Denom: st.info.DepositDenom}, nil
	}
	resp, _, err := q.k.call(ctx, p, &abi.DRTCall{Action: abi.DRTRequiredDeposit, State: st.drt, Now: now(ctx)})
	if err != nil {
		return nil, err
	}
	r := resp.(*abi.DRTResult)
	return &types.QueryRequiredDepositResponse{Required: r.Amount, Minimum: r.Minimum, Denom: st.info.DepositDenom}, nil
}

func (q queryServer) Contribution(ctx context.Context, req *types.QueryContributionRequest) (*types.QueryContributionResponse, error) {
	c, err := q.k.contribution(ctx, req.ModelId, req.ContributionId)
	if err != nil {
		return nil, err
	}
	return &types.QueryContributionResponse{Contribution: c}, nil
}

func (q queryServer) Contributions(ctx context.Context, req *types.QueryContributionsRequest) (*types.QueryContributionsResponse, error) {
	if _, err := q.k.model(ctx, req.ModelId); err != nil {
		return nil, err
	}
	cs, page, err := query.CollectionPaginate(ctx, q.k.Contributions, req.Pagination,
		func(_ collections.Pair[uint64, uint64], c types.Contribution) (types.Contribution, error) {
			return c, nil
		},
		query.WithCollectionPaginationPairPrefix[uint64, uint64](req.ModelId))
	if err != nil {
		return nil, err
	}
	return &types.QueryContributionsResponse{Contributions: cs, Pagination: page}, nil
}

func (q queryServer) ContributorStats(ctx context.Context, req *types.QueryContributorStatsRequest) (*types.QueryContributorStatsResponse, error) {
	if _, err := q.k.model(ctx, req.ModelId); err != nil {
		return nil, err
	}
	addr, err := sdk.AccAddressFromBech32(req.Address)
	if err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "%v", err)
	}
	s, err := q.k.stats(ctx, req.ModelId, addr)
	if err != nil {
		return nil, err
	}
	return &types.QueryContributorStatsResponse{Stats: s}, nil
}

func (q queryServer) Market(ctx context.Context, req *types.QueryMarketRequest) (*types.QueryMarketResponse, error) {
	st, err := q.k.loadMarket(ctx, req.MarketId)
	if err != nil {
		return nil, err
	}
	status := marketStatus(st.mk)
	if b, err := q.k.MarketProgress.Get(ctx, req.MarketId); err == nil {
		if pr, err := abi.DecodeRewardProgress(b); err == nil {
			status.Scored = uint64(len(pr.Scores))
		}
	}
	return &types.QueryMarketResponse{Market: st.info, Status: status}, nil
}

// marketStatus is the engine state of a market in readable form.
func marketStatus(mk *market.Market) types.MarketStatus {
	t := mk.Totals()
	return types.MarketStatus{
		Phase: mk.Phase().String(), Bounty: mk.Bounty(), InitialBounty: mk.InitialBounty(), Budget: mk.Budget(),
		TestRows: mk.TestRows(), InitialPortion: int32(mk.InitialPortion()), Passes: uint64(mk.Passes()),
		Live: uint64(len(mk.Live())), Funded: t.Funded, Held: t.Held, PaidOut: t.PaidOut,
		Aborted: mk.Aborted(), Cancelled: mk.Cancelled(),
	}
}

func contributionStatus(mk *market.Market, id uint64) types.MarketContributionStatus {
	c, err := mk.Contribution(int(min(id, market.MaxContributions)))
	if err != nil {
		return types.MarketContributionStatus{}
	}
	return types.MarketContributionStatus{Balance: c.Balance, Live: c.Live, Collected: c.Collected}
}

func (q queryServer) MarketContribution(ctx context.Context, req *types.QueryMarketContributionRequest) (*types.QueryMarketContributionResponse, error) {
	st, err := q.k.loadMarket(ctx, req.MarketId)
	if err != nil {
		return nil, err
	}
	c, err := q.k.MarketContributions.Get(ctx, collections.Join(req.MarketId, req.ContributionId))
	if err != nil {
		return nil, errorsmod.Wrapf(types.ErrUnknownContribution, "market %d has no contribution %d", req.MarketId, req.ContributionId)
	}
	return &types.QueryMarketContributionResponse{Contribution: c, Status: contributionStatus(st.mk, req.ContributionId)}, nil
}

func (q queryServer) MarketContributions(ctx context.Context, req *types.QueryMarketContributionsRequest) (*types.QueryMarketContributionsResponse, error) {
	st, err := q.k.loadMarket(ctx, req.MarketId)
	if err != nil {
		return nil, err
	}
	cs, page, err := query.CollectionPaginate(ctx, q.k.MarketContributions, req.Pagination,
		func(_ collections.Pair[uint64, uint64], c types.MarketContribution) (types.MarketContribution, error) {
			return c, nil
		},
		query.WithCollectionPaginationPairPrefix[uint64, uint64](req.MarketId))
	if err != nil {
		return nil, err
	}
	statuses := make([]types.MarketContributionStatus, len(cs))
	for i, c := range cs {
		statuses[i] = contributionStatus(st.mk, c.Id)
	}
	return &types.QueryMarketContributionsResponse{Contributions: cs, Statuses: statuses, Pagination: page}, nil
}
