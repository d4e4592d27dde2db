package keeper

import (
	"context"
	errorsmod "cosmossdk.io/errors"
	"encoding/hex"
	"fmt"
	"strconv"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/meritchain/merit/chain/x/merit/types"
	"github.com/meritchain/merit/engine/abi"
	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/incentive"
	"github.com/meritchain/merit/engine/incentive/drt"
	"github.com/meritchain/merit/engine/incentive/points"
	"github.com/meritchain/merit/engine/model"
)

// Event types and attributes.
const (
	EventCreateModel  = "merit_create_model"
	EventAddData      = "merit_add_data"
	EventRefund       = "merit_refund"
	EventReport       = "merit_report"
	EventClaim        = "merit_claim"
	EventUpdateParams = "merit_update_params"

	AttrModelID        = "model_id"
	AttrContributionID = "contribution_id"
	AttrActor          = "actor"
	AttrAmount         = "amount"
	AttrPoints         = "points"
	AttrDataHash       = "data_hash"
	AttrEngineGas      = "engine_gas"
)

type msgServer struct{ k Keeper }

// NewMsgServerImpl returns the module's Msg service.
func NewMsgServerImpl(k Keeper) types.MsgServer { return msgServer{k} }

var _ types.MsgServer = msgServer{}

// Every handler below reads and checks everything, runs the engine, and only then moves
// coins and writes state: a refused message writes nothing (on top of the transaction's
// own rollback).

func (s msgServer) UpdateParams(goCtx context.Context, msg *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	k := s.k
	if msg.Authority != k.authority {
		return nil, errorsmod.Wrapf(types.ErrUnauthorized, "expected %s, got %s", k.authority, msg.Authority)
	}
	if err := msg.Params.Validate(); err != nil {
		return nil, err
	}
	if msg.Params.EngineSha256 != k.engineSHA256 {
		return nil, errorsmod.Wrapf(types.ErrEngineMismatch, "engine_sha256 %s is not the build this node runs (%s)",
			msg.Params.EngineSha256, k.engineSHA256)
	}
	ctx := sdk.UnwrapSDKContext(goCtx)
	if err := k.Params.Set(ctx, msg.Params); err != nil {
		return nil, err
	}
	ctx.EventManager().EmitEvent(sdk.NewEvent(EventUpdateParams, sdk.NewAttribute("engine_sha256", msg.Params.EngineSha256)))
	return &types.MsgUpdateParamsResponse{}, nil
}

func (s msgServer) CreateModel(goCtx context.Context, msg *types.MsgCreateModel) (*types.MsgCreateModelResponse, error) {
	k := s.k
	ctx := sdk.UnwrapSDKContext(goCtx)
	creator, owner, err := actor(msg.Creator)
	if err != nil {
		return nil, err
	}
	p, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	cfg, err := msg.EngineConfig()
	if err != nil {
		return nil, err
	}
	md, err := k.initialModel(ctx, p, cfg, msg.InitialModel)
	if err != nil {
		return nil, err
	}
	modelState, err := marshal(md)
	if err != nil {
		return nil, err
	}
	t := now(ctx)

	// The mechanism, made by the engine.
	info := types.ModelInfo{Owner: creator.String(), Mechanism: msg.Mechanism, RefundWait: msg.RefundWait, CreatedAt: t}
	info.SetConfig(cfg)
	var mechState []byte
	switch msg.Mechanism {
	case types.MechanismDRT:
		info.CostWeight, info.OwnerWait, info.AnyAddressWait = msg.CostWeight, msg.OwnerWait, msg.AnyAddressWait
		info.DepositDenom = p.DepositDenom
		resp, _, err := k.call(ctx, p, &abi.DRTCall{Action: abi.DRTNew, Now: t, Params: drt.Params{
			CostWeight: msg.CostWeight, RefundWait: msg.RefundWait, OwnerWait: msg.OwnerWait,
			AnyAddressWait: msg.AnyAddressWait, Owner: owner,
		}})
		if err != nil {
			return nil, err
		}
		mechState, err = resp.(*abi.DRTResult).State.MarshalBinary()
		if err != nil {
			return nil, errorsmod.Wrapf(types.ErrEngine, "%v", err)
		}
	case types.MechanismPoints:
		if msg.CostWeight != 0 || msg.OwnerWait != 0 || msg.AnyAddressWait != 0 {
			return nil, errorsmod.Wrapf(types.ErrInvalidModel, "a points mechanism takes only refund_wait")
		}
		info.DepositDenom = p.DepositDenom
		resp, _, err := k.call(ctx, p, &abi.PointsCall{Action: abi.PointsNew, Now: t, Params: points.Params{RefundWait: msg.RefundWait}})
		if err != nil {
			return nil, err
		}
		mechState, err = resp.(*abi.PointsResult).State.MarshalBinary()
		if err != nil {
			return nil, errorsmod.Wrapf(types.ErrEngine, "%v", err)
		}
	default:
		return nil, errorsmod.Wrapf(types.ErrInvalidModel, "mechanism %q (want %q or %q)", msg.Mechanism, types.MechanismDRT, types.MechanismPoints)
	}

	id, err := k.NextModelID.Next(ctx)
	if err != nil {
		return nil, err
	}
	info.Id = id
	if err := k.setModel(ctx, info, modelState, mechState); err != nil {
		return nil, err
	}
	ctx.EventManager().EmitEvent(sdk.NewEvent(EventCreateModel,
		sdk.NewAttribute(AttrModelID, strconv.FormatUint(id, 10)),
		sdk.NewAttribute("owner", info.Owner),
		sdk.NewAttribute("family", info.Family),
		sdk.NewAttribute("mechanism", info.Mechanism),
	))
	return &types.MsgCreateModelResponse{ModelId: id}, nil
}

func (s msgServer) AddData(goCtx context.Context, msg *types.MsgAddData) (*types.MsgAddDataResponse, error) {
	k := s.k
	ctx := sdk.UnwrapSDKContext(goCtx)
	contributor, who, err := actor(msg.Contributor)
	if err != nil {
		return nil, err
	}
	p, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	st, err := k.loadModel(ctx, msg.ModelId)
	if err != nil {
		return nil, err
	}
	if st.info.Contributions >= p.MaxContributionsPerModel {
		return nil, errorsmod.Wrapf(types.ErrTooManyContributions, "model %d has %d, the limit", msg.ModelId, st.info.Contributions)
	}
	row, err := buildRow(st.cfg, msg.Features, msg.Row, msg.Label)
	if err != nil {
		return nil, err
	}
	t := now(ctx)

	var (
		id        uint64
		dataHash  [32]byte
		newModel  model.Model
		mechState []byte
		rec       = types.Contribution{ModelId: msg.ModelId, Contributor: contributor.String()}
		engineGas uint64
	)
	switch {
	case st.drt != nil:
		resp, used, err := k.call(ctx, p, &abi.DRTCall{Action: abi.DRTRequiredDeposit, State: st.drt, Now: t})
		if err != nil {
			return nil, err
		}
		engineGas += used
		if need := resp.(*abi.DRTResult).Minimum; msg.Deposit < need {
			return nil, errorsmod.Wrapf(types.ErrDepositTooLow, "offered %d%s, the engine requires %d%s now",
				msg.Deposit, st.info.DepositDenom, need, st.info.DepositDenom)
		}
		resp, used, err = k.call(ctx, p, &abi.DRTCall{Action: abi.DRTAdd, State: st.drt, Model: st.model, Row: row,
			Actor: who, Now: t, Deposit: msg.Deposit})
		if err != nil {
			return nil, err
		}
		engineGas += used
		r := resp.(*abi.DRTResult)
		id, dataHash, newModel = r.ID, r.DataHash, r.Model
		if mechState, err = marshal(r.State); err != nil {
			return nil, err
		}
		if err := refreshDRT(&rec, r.State, id); err != nil {
			return nil, err
		}
	default:
		if msg.Deposit != 0 {
			return nil, errorsmod.Wrapf(types.ErrUnsupported, "a points model takes no deposit")
		}
		resp, used, err := k.call(ctx, p, &abi.PointsCall{Action: abi.PointsAdd, State: st.points, Model: st.model, Row: row, Actor: who, Now: t})
		if err != nil {
			return nil, err
		}
		engineGas += used
		r := resp.(*abi.PointsResult)
		id, dataHash, newModel = r.ID, r.DataHash, r.Model
		if mechState, err = marshal(r.State); err != nil {
			return nil, err
		}
		if err := refreshPoints(&rec, r.State, id); err != nil {
			return nil, err
		}
	}
	if id != st.info.Contributions {
		return nil, errorsmod.Wrapf(types.ErrEngine, "the engine numbered the contribution %d, expected %d", id, st.info.Contributions)
	}
	modelState, err := newModel.MarshalBinary()
	if err != nil {
		return nil, errorsmod.Wrapf(types.ErrEngine, "%v", err)
	}
	rowBytes, err := row.MarshalBinary()
	if err != nil {
		return nil, errorsmod.Wrapf(types.ErrMalformedFeatures, "%v", err)
	}

	// Everything checked and computed: escrow the deposit, then write.
	if msg.Deposit > 0 {
		if err := k.bk.SendCoinsFromAccountToModule(ctx, contributor, types.ModuleName, coins(st.info.DepositDenom, msg.Deposit)); err != nil {
			return nil, err
		}
	}
	rec.Row = rowBytes
	st.info.Contributions++
	if err := k.setModel(ctx, st.info, modelState, mechState); err != nil {
		return nil, err
	}
	if err := k.Contributions.Set(ctx, collections.Join(msg.ModelId, id), rec); err != nil {
		return nil, err
	}
	stats, err := k.stats(ctx, msg.ModelId, contributor)
	if err != nil {
		return nil, err
	}
	stats.Contributions++
	stats.Deposited += msg.Deposit
	if err := k.setStats(ctx, stats); err != nil {
		return nil, err
	}
	ctx.EventManager().EmitEvent(sdk.NewEvent(EventAddData,
		sdk.NewAttribute(AttrModelID, strconv.FormatUint(msg.ModelId, 10)),
		sdk.NewAttribute(AttrContributionID, strconv.FormatUint(id, 10)),
		sdk.NewAttribute(AttrActor, contributor.String()),
		sdk.NewAttribute(AttrAmount, coins(st.info.DepositDenom, msg.Deposit).String()),
		sdk.NewAttribute(AttrDataHash, hex.EncodeToString(dataHash[:])),
		sdk.NewAttribute(AttrEngineGas, strconv.FormatUint(engineGas, 10)),
	))
	return &types.MsgAddDataResponse{ContributionId: id, DataHash: dataHash[:], Deposit: msg.Deposit}, nil
}

func (s msgServer) Refund(goCtx context.Context, msg *types.MsgRefund) (*types.MsgRefundResponse, error) {
	amount, pts, err := s.k.settle(sdk.UnwrapSDKContext(goCtx), actionRefund, msg.Caller, msg.ModelId, msg.ContributionId)
	if err != nil {
		return nil, err
	}
	return &types.MsgRefundResponse{Amount: amount, Points: pts}, nil
}

func (s msgServer) Report(goCtx context.Context, msg *types.MsgReport) (*types.MsgReportResponse, error) {
	amount, pts, err := s.k.settle(sdk.UnwrapSDKContext(goCtx), actionReport, msg.Reporter, msg.ModelId, msg.ContributionId)
	if err != nil {
		return nil, err
	}
	return &types.MsgReportResponse{Amount: amount, Points: pts}, nil
}

func (s msgServer) Claim(goCtx context.Context, msg *types.MsgClaim) (*types.MsgClaimResponse, error) {
	amount, _, err := s.k.settle(sdk.UnwrapSDKContext(goCtx), actionClaim, msg.Claimer, msg.ModelId, msg.ContributionId)
	if err != nil {
		return nil, err
	}
	return &types.MsgClaimResponse{Amount: amount}, nil
}

type action int

const (
	actionRefund action = iota
	actionReport
	actionClaim
)

// settle runs a refund, report or claim by actorAddr on a contribution and pays out what
// the engine decides.
func (k Keeper) settle(ctx sdk.Context, a action, actorAddr string, modelID, id uint64) (uint64, int64, error) {
	addr, who, err := actor(actorAddr)
	if err != nil {
		return 0, 0, err
	}
	p, err := k.Params.Get(ctx)
	if err != nil {
		return 0, 0, err
	}
	st, err := k.loadModel(ctx, modelID)
	if err != nil {
		return 0, 0, err
	}
	rec, err := k.contribution(ctx, modelID, id)
	if err != nil {
		return 0, 0, err
	}
	row, err := dataset.Decode(rec.Row)
	if err != nil {
		return 0, 0, errorsmod.Wrapf(types.ErrEngine, "stored row of contribution %d: %v", id, err)
	}
	t := now(ctx)

	var (
		amount    uint64
		pts       int64
		mechState []byte
		engineGas uint64
		event     = [...]string{EventRefund, EventReport, EventClaim}[a]
	)
	// The accounts whose statistics the mechanism's new state changes.
	touched := []sdk.AccAddress{addr}
	if a == actionReport {
		if c, err := sdk.AccAddressFromBech32(rec.Contributor); err == nil {
			touched = append(touched, c)
		}
	}
	var validated func(incentive.Address) uint64
	var pointsOf func(incentive.Address) int64
	switch {
	case st.drt != nil:
		req := &abi.DRTCall{State: st.drt, ID: id, Actor: who, Now: t}
		switch a {
		case actionRefund:
			req.Action, req.Model, req.Row = abi.DRTRefund, st.model, row
		case actionReport:
			req.Action, req.Model, req.Row = abi.DRTReport, st.model, row
		case actionClaim:
			req.Action = abi.DRTClaim
		}
		resp, used, err := k.call(ctx, p, req)
		if err != nil {
			return 0, 0, err
		}
		engineGas = used
		r := resp.(*abi.DRTResult)
		amount = r.Amount
		if mechState, err = marshal(r.State); err != nil {
			return 0, 0, err
		}
		if err := refreshDRT(&rec, r.State, id); err != nil {
			return 0, 0, err
		}
		validated = r.State.Validated
	default:
		req := &abi.PointsCall{State: st.points, Model: st.model, Row: row, ID: id, Actor: who, Now: t}
		switch a {
		case actionRefund:
			req.Action = abi.PointsRefund
		case actionReport:
			req.Action = abi.PointsReport
		case actionClaim:
			return 0, 0, errorsmod.Wrapf(types.ErrUnsupported, "a points model has no timed claims")
		}
		resp, used, err := k.call(ctx, p, req)
		if err != nil {
			return 0, 0, err
		}
		engineGas = used
		r := resp.(*abi.PointsResult)
		pts = r.Points
		if mechState, err = marshal(r.State); err != nil {
			return 0, 0, err
		}
		if err := refreshPoints(&rec, r.State, id); err != nil {
			return 0, 0, err
		}
		validated, pointsOf = r.State.Validated, r.State.Points
	}

	// Pay, then write.
	if amount > 0 {
		if err := k.bk.SendCoinsFromModuleToAccount(ctx, types.ModuleName, addr, coins(st.info.DepositDenom, amount)); err != nil {
			return 0, 0, err
		}
	}
	if err := k.MechStates.Set(ctx, modelID, mechState); err != nil {
		return 0, 0, err
	}
	if err := k.Contributions.Set(ctx, collections.Join(modelID, id), rec); err != nil {
		return 0, 0, err
	}
	for i, acc := range touched {
		stats, err := k.stats(ctx, modelID, acc)
		if err != nil {
			return 0, 0, err
		}
		if i == 0 {
			switch a {
			case actionRefund:
				stats.Refunded += amount
			case actionReport:
				stats.Reports++
				stats.Taken += amount
			case actionClaim:
				stats.Claimed += amount
			}
		}
		if ea, err := types.ToEngineAddress(acc); err == nil {
			stats.Validated = validated(ea)
			if pointsOf != nil {
				stats.Points = pointsOf(ea)
			}
		}
		if err := k.setStats(ctx, stats); err != nil {
			return 0, 0, err
		}
	}
	ctx.EventManager().EmitEvent(sdk.NewEvent(event,
		sdk.NewAttribute(AttrModelID, strconv.FormatUint(modelID, 10)),
		sdk.NewAttribute(AttrContributionID, strconv.FormatUint(id, 10)),
		sdk.NewAttribute(AttrActor, addr.String()),
		sdk.NewAttribute(AttrAmount, coins(st.info.DepositDenom, amount).String()),
		sdk.NewAttribute(AttrPoints, strconv.FormatInt(pts, 10)),
		sdk.NewAttribute(AttrEngineGas, strconv.FormatUint(engineGas, 10)),
	))
	return amount, pts, nil
}

// actor parses a signer's address into its account and engine addresses.
// initialModel checks cfg against the limits and returns the given trained model (its
// canonical encoding, whose configuration must be cfg) or, if none is given, a new one
// made by the engine.
func (k Keeper) initialModel(ctx sdk.Context, p types.Params, cfg model.Config, given []byte) (model.Model, error) {
	if cfg.Dims > int(p.MaxDims) || cfg.Classes > int(p.MaxClasses) {
		return nil, errorsmod.Wrapf(types.ErrInvalidModel, "%d dims and %d classes; the limits are %d and %d",
			cfg.Dims, cfg.Classes, p.MaxDims, p.MaxClasses)
	}
	if len(given) == 0 {
		resp, _, err := k.call(ctx, p, &abi.ModelNew{Config: cfg})
		if err != nil {
			return nil, err
		}
		return resp.(*abi.ModelResult).Model, nil
	}
	md, err := model.Decode(given)
	if err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidModel, "initial model: %v", err)
	}
	if md.Config() != cfg {
		return nil, errorsmod.Wrapf(types.ErrInvalidModel, "the initial model's configuration differs from the message's")
	}
	return md, nil
}

func actor(bech string) (sdk.AccAddress, incentive.Address, error) {
	addr, err := sdk.AccAddressFromBech32(bech)
	if err != nil {
		return nil, incentive.Address{}, errorsmod.Wrapf(types.ErrInvalidAddress, "%v", err)
	}
	ea, err := types.ToEngineAddress(addr)
	return addr, ea, err
}

func coins(denom string, amount uint64) sdk.Coins {
	return sdk.NewCoins(sdk.NewCoin(denom, sdkmath.NewIntFromUint64(amount)))
}

func marshal(s interface{ MarshalBinary() ([]byte, error) }) ([]byte, error) {
	b, err := s.MarshalBinary()
	if err != nil {
		return nil, errorsmod.Wrapf(types.ErrEngine, "%v", err)
	}
	return b, nil
}

// buildRow makes the one-row dataset of a contribution or a prediction: from dense
// features, or from a canonical one-row dataset encoding, checked against the model's
// shape (dims, classes, scale, bound) and the label.
func buildRow(cfg model.Config, features []int32, rowBytes []byte, label uint32) (*dataset.Dataset, error) {
	var d *dataset.Dataset
	switch {
	case len(rowBytes) > 0 && len(features) > 0:
		return nil, errorsmod.Wrapf(types.ErrMalformedFeatures, "give features or row, not both")
	case len(rowBytes) > 0:
		var err error
		if d, err = dataset.Decode(rowBytes); err != nil {
			return nil, errorsmod.Wrapf(types.ErrMalformedFeatures, "row: %v", err)
		}
		if d.Len() != 1 {
			return nil, errorsmod.Wrapf(types.ErrMalformedFeatures, "row holds %d samples, not 1", d.Len())
		}
		if d.Dims != cfg.Dims {
			return nil, errorsmod.Wrapf(types.ErrWrongDims, "row has %d dims, the model %d", d.Dims, cfg.Dims)
		}
		if d.Classes != cfg.Classes || d.ScaleExp != cfg.ScaleExp {
			return nil, errorsmod.Wrapf(types.ErrMalformedFeatures, "row has %d classes and scale 10^%d, the model %d and 10^%d",
				d.Classes, d.ScaleExp, cfg.Classes, cfg.ScaleExp)
		}
		if uint32(d.Y[0]) != label {
			return nil, errorsmod.Wrapf(types.ErrMalformedFeatures, "row's label %d is not the message's %d", d.Y[0], label)
		}
	default:
		if len(features) != cfg.Dims {
			return nil, errorsmod.Wrapf(types.ErrWrongDims, "%d features, the model has %d dims", len(features), cfg.Dims)
		}
		if label >= uint32(cfg.Classes) {
			return nil, errorsmod.Wrapf(types.ErrMalformedFeatures, "label %d, the model has %d classes", label, cfg.Classes)
		}
		d = &dataset.Dataset{Kind: dataset.Dense, Dims: cfg.Dims, Classes: cfg.Classes, ScaleExp: cfg.ScaleExp,
			Y: []int32{int32(label)}, X: append([]int32(nil), features...)}
		if err := d.Validate(); err != nil {
			return nil, errorsmod.Wrapf(types.ErrMalformedFeatures, "%v", err)
		}
	}
	if m := d.MaxAbs(); m > cfg.Bound {
		return nil, errorsmod.Wrapf(types.ErrMalformedFeatures, "a feature of magnitude %d exceeds the model's bound %d", m, cfg.Bound)
	}
	return d, nil
}

// modelState is a model's record with its decoded engine states.
type modelState struct {
	info   types.ModelInfo
	cfg    model.Config
	model  model.Model
	drt    *drt.State    // DRT models
	points *points.State // points models
}

// loadModel reads a model and decodes its states (for the engine request, which carries
// them in their canonical encodings).
func (k Keeper) loadModel(ctx context.Context, id uint64) (*modelState, error) {
	info, err := k.model(ctx, id)
	if err != nil {
		return nil, err
	}
	st := &modelState{info: info}
	if st.cfg, err = info.EngineConfig(); err != nil {
		return nil, err
	}
	mb, err := k.ModelStates.Get(ctx, id)
	if err != nil {
		return nil, errorsmod.Wrapf(types.ErrUnknownModel, "model %d has no state", id)
	}
	if st.model, err = model.Decode(mb); err != nil {
		return nil, errorsmod.Wrapf(types.ErrEngine, "stored model %d: %v", id, err)
	}
	sb, err := k.MechStates.Get(ctx, id)
	if err != nil {
		return nil, errorsmod.Wrapf(types.ErrUnknownModel, "model %d has no mechanism state", id)
	}
	switch info.Mechanism {
	case types.MechanismDRT:
		st.drt, err = drt.Decode(sb)
	case types.MechanismPoints:
		st.points, err = points.Decode(sb)
	default:
		err = fmt.Errorf("unknown mechanism %q", info.Mechanism)
	}
	if err != nil {
		return nil, errorsmod.Wrapf(types.ErrEngine, "stored mechanism of model %d: %v", id, err)
	}
	return st, nil
}

// setModel stores a model's record and its two states (kept apart from the record).
func (k Keeper) setModel(ctx context.Context, info types.ModelInfo, modelState, mechState []byte) error {
	info.ModelState, info.MechanismState = nil, nil
	if err := k.Models.Set(ctx, info.Id, info); err != nil {
		return err
	}
	if err := k.ModelStates.Set(ctx, info.Id, modelState); err != nil {
		return err
	}
	return k.MechStates.Set(ctx, info.Id, mechState)
}

// refreshDRT copies contribution id's record in the mechanism's state into rec.
func refreshDRT(rec *types.Contribution, s *drt.State, id uint64) error {
	c, err := s.Contribution(id)
	if err != nil {
		return errorsmod.Wrapf(types.ErrEngine, "%v", err)
	}
	rec.Id, rec.Contributor = id, types.FromEngineAddress(c.Contributor).String()
	rec.DataHash, rec.Label, rec.AddedAt = c.DataHash[:], uint32(c.Label), c.Added
	rec.Deposit, rec.Remaining, rec.Refunded = c.InitialDeposit, c.Remaining, c.Refunded
	rec.ClaimedBy = rec.ClaimedBy[:0]
	for _, a := range c.ClaimedBy {
		rec.ClaimedBy = append(rec.ClaimedBy, types.FromEngineAddress(a).String())
	}
	if len(rec.ClaimedBy) == 0 {
		rec.ClaimedBy = nil
	}
	return nil
}

// refreshPoints copies contribution id's record in the mechanism's state into rec.
func refreshPoints(rec *types.Contribution, s *points.State, id uint64) error {
	c, err := s.Contribution(id)
	if err != nil {
		return errorsmod.Wrapf(types.ErrEngine, "%v", err)
	}
	rec.Id, rec.Contributor = id, types.FromEngineAddress(c.Contributor).String()
	rec.DataHash, rec.Label, rec.AddedAt = c.DataHash[:], uint32(c.Label), c.Added
	rec.Status = c.Status.String()
	rec.Reporter = ""
	if !c.Reporter.IsZero() {
		rec.Reporter = types.FromEngineAddress(c.Reporter).String()
	}
	return nil
}
