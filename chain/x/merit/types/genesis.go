package types

import (
	"bytes"
	errorsmod "cosmossdk.io/errors"
	"fmt"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/meritchain/merit/engine/abi"
	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/incentive/drt"
	"github.com/meritchain/merit/engine/incentive/market"
	"github.com/meritchain/merit/engine/incentive/points"
	"github.com/meritchain/merit/engine/model"
)

// DefaultGenesis returns the genesis of a chain with no models, pinned to engineSHA256.
func DefaultGenesis(engineSHA256 string) *GenesisState {
	return &GenesisState{Params: DefaultParams(engineSHA256), NextModelId: 0}
}

// Validate checks a genesis state: the parameters; each model's configuration,
// mechanism and canonical states (decoded by the engine's decoders); each
// contribution's model, id, row (its dataset.Hash must be its data hash) and amounts,
// against its mechanism's record; that every recorded contribution is present; and
// that the statistics refer to known models, once per address.
func (gs *GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
		return err
	}
	models := make(map[uint64]*ModelInfo, len(gs.Models))
	drts := make(map[uint64]*drt.State)
	pts := make(map[uint64]*points.State)
	for i := range gs.Models {
		m := &gs.Models[i]
		if m.Id >= gs.NextModelId {
			return errorsmod.Wrapf(ErrInvalidGenesis, "model %d ≥ next_model_id %d", m.Id, gs.NextModelId)
		}
		if _, dup := models[m.Id]; dup {
			return errorsmod.Wrapf(ErrInvalidGenesis, "model %d appears twice", m.Id)
		}
		models[m.Id] = m
		if _, err := sdk.AccAddressFromBech32(m.Owner); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "model %d owner: %v", m.Id, err)
		}
		cfg, err := m.EngineConfig()
		if err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "model %d: %v", m.Id, err)
		}
		md, err := model.Decode(m.ModelState)
		if err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "model %d state: %v", m.Id, err)
		}
		if md.Config() != cfg {
			return errorsmod.Wrapf(ErrInvalidGenesis, "model %d: its state's configuration differs from its fields", m.Id)
		}
		if err := sdk.ValidateDenom(m.DepositDenom); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "model %d deposit denom: %v", m.Id, err)
		}
		var n int
		switch m.Mechanism {
		case MechanismDRT:
			s, err := drt.Decode(m.MechanismState)
			if err != nil {
				return errorsmod.Wrapf(ErrInvalidGenesis, "model %d mechanism state: %v", m.Id, err)
			}
			drts[m.Id], n = s, s.Len()
		case MechanismPoints:
			s, err := points.Decode(m.MechanismState)
			if err != nil {
				return errorsmod.Wrapf(ErrInvalidGenesis, "model %d mechanism state: %v", m.Id, err)
			}
			pts[m.Id], n = s, s.Len()
		default:
			return errorsmod.Wrapf(ErrInvalidGenesis, "model %d: unknown mechanism %q", m.Id, m.Mechanism)
		}
		if uint64(n) != m.Contributions {
			return errorsmod.Wrapf(ErrInvalidGenesis, "model %d: %d contributions recorded, its mechanism holds %d", m.Id, m.Contributions, n)
		}
	}
	type key struct{ model, id uint64 }
	seen := make(map[key]bool, len(gs.Contributions))
	for i := range gs.Contributions {
		c := &gs.Contributions[i]
		m, ok := models[c.ModelId]
		if !ok {
			return errorsmod.Wrapf(ErrInvalidGenesis, "contribution %d of unknown model %d", c.Id, c.ModelId)
		}
		k := key{c.ModelId, c.Id}
		if seen[k] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "contribution %d/%d appears twice", c.ModelId, c.Id)
		}
		seen[k] = true
		if c.Id >= m.Contributions {
			return errorsmod.Wrapf(ErrInvalidGenesis, "contribution %d/%d: the model has %d", c.ModelId, c.Id, m.Contributions)
		}
		addr, err := sdk.AccAddressFromBech32(c.Contributor)
		if err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "contribution %d/%d contributor: %v", c.ModelId, c.Id, err)
		}
		row, err := dataset.Decode(c.Row)
		if err != nil || row.Len() != 1 {
			return errorsmod.Wrapf(ErrInvalidGenesis, "contribution %d/%d: row is not a one-row dataset (%v)", c.ModelId, c.Id, err)
		}
		h := row.Hash()
		if !bytes.Equal(h[:], c.DataHash) || uint32(row.Y[0]) != c.Label {
			return errorsmod.Wrapf(ErrInvalidGenesis, "contribution %d/%d: row does not match its data hash and label", c.ModelId, c.Id)
		}
		if err := checkAgainstMechanism(c, addr, drts[c.ModelId], pts[c.ModelId]); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "contribution %d/%d: %v", c.ModelId, c.Id, err)
		}
	}
	for _, m := range gs.Models {
		for id := uint64(0); id < m.Contributions; id++ {
			if !seen[key{m.Id, id}] {
				return errorsmod.Wrapf(ErrInvalidGenesis, "model %d: contribution %d is missing", m.Id, id)
			}
		}
	}
	type skey struct {
		model uint64
		addr  string
	}
	seenStats := make(map[skey]bool, len(gs.Stats))
	for _, s := range gs.Stats {
		if _, ok := models[s.ModelId]; !ok {
			return errorsmod.Wrapf(ErrInvalidGenesis, "statistics of unknown model %d", s.ModelId)
		}
		if _, err := sdk.AccAddressFromBech32(s.Address); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "statistics address: %v", err)
		}
		k := skey{s.ModelId, s.Address}
		if seenStats[k] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "statistics of %s on model %d appear twice", s.Address, s.ModelId)
		}
		seenStats[k] = true
	}
	return gs.validateMarkets()
}

// validateMarkets checks the markets: ids, provider, configuration, initial model and
// state (engine decoders), progress, revealed portions (each equal to its commitment),
// and one contribution record per engine contribution, matching it.
func (gs *GenesisState) validateMarkets() error {
	markets := make(map[uint64]*market.Market, len(gs.Markets))
	for i := range gs.Markets {
		m := &gs.Markets[i]
		if m.Id >= gs.NextMarketId {
			return errorsmod.Wrapf(ErrInvalidGenesis, "market %d ≥ next_market_id %d", m.Id, gs.NextMarketId)
		}
		if _, dup := markets[m.Id]; dup {
			return errorsmod.Wrapf(ErrInvalidGenesis, "market %d appears twice", m.Id)
		}
		if _, err := sdk.AccAddressFromBech32(m.Provider); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "market %d provider: %v", m.Id, err)
		}
		if err := sdk.ValidateDenom(m.Denom); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "market %d denom: %v", m.Id, err)
		}
		cfg, err := m.EngineConfig()
		if err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "market %d: %v", m.Id, err)
		}
		md, err := model.Decode(m.InitialModel)
		if err != nil || md.Config() != cfg {
			return errorsmod.Wrapf(ErrInvalidGenesis, "market %d: initial model does not decode to its configuration (%v)", m.Id, err)
		}
		mk, err := market.Decode(m.State)
		if err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "market %d state: %v", m.Id, err)
		}
		markets[m.Id] = mk
		if uint64(mk.Len()) != m.Contributions || int(m.Portions) != len(mk.Portions()) || len(m.Revealed) != len(mk.Portions()) {
			return errorsmod.Wrapf(ErrInvalidGenesis, "market %d: contributions or portions differ from its state's", m.Id)
		}
		for j, q := range mk.Portions() {
			b := m.Revealed[j]
			if len(b) == 0 {
				if q.Revealed {
					return errorsmod.Wrapf(ErrInvalidGenesis, "market %d: revealed portion %d is missing", m.Id, j)
				}
				continue
			}
			d, err := dataset.Decode(b)
			if err != nil || d.Hash() != q.Hash || !q.Revealed {
				return errorsmod.Wrapf(ErrInvalidGenesis, "market %d: portion %d is not its revealed commitment (%v)", m.Id, j, err)
			}
		}
		if len(m.Progress) > 0 && mk.Phase() != market.Rewards {
			return errorsmod.Wrapf(ErrInvalidGenesis, "market %d: reward progress outside phase rewards", m.Id)
		}
		if len(m.Progress) > 0 {
			if err := checkProgress(m.Progress, mk, cfg); err != nil {
				return errorsmod.Wrapf(ErrInvalidGenesis, "market %d progress: %v", m.Id, err)
			}
		}
	}
	type key struct{ market, id uint64 }
	seen := make(map[key]bool, len(gs.MarketContributions))
	marketKind := make(map[uint64]dataset.Kind)
	for i := range gs.MarketContributions {
		c := &gs.MarketContributions[i]
		mk, ok := markets[c.MarketId]
		if !ok {
			return errorsmod.Wrapf(ErrInvalidGenesis, "contribution %d of unknown market %d", c.Id, c.MarketId)
		}
		k := key{c.MarketId, c.Id}
		if seen[k] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "market contribution %d/%d appears twice", c.MarketId, c.Id)
		}
		seen[k] = true
		if c.Id >= uint64(mk.Len()) {
			return errorsmod.Wrapf(ErrInvalidGenesis, "market contribution %d/%d: the market has %d", c.MarketId, c.Id, mk.Len())
		}
		e, err := mk.Contribution(int(c.Id))
		if err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "market contribution %d/%d: %v", c.MarketId, c.Id, err)
		}
		addr, err := sdk.AccAddressFromBech32(c.Contributor)
		if err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "market contribution %d/%d contributor: %v", c.MarketId, c.Id, err)
		}
		if ea, err := ToEngineAddress(addr); err != nil || ea != e.Contributor {
			return errorsmod.Wrapf(ErrInvalidGenesis, "market contribution %d/%d: contributor differs from the market's record", c.MarketId, c.Id)
		}
		row, err := dataset.Decode(c.Row)
		if err != nil || row.Len() != 1 {
			return errorsmod.Wrapf(ErrInvalidGenesis, "market contribution %d/%d: row is not a one-row dataset (%v)", c.MarketId, c.Id, err)
		}
		// A reward step concatenates a market's rows: they must share one kind.
		if kind, ok := marketKind[c.MarketId]; !ok {
			marketKind[c.MarketId] = row.Kind
		} else if kind != row.Kind {
			return errorsmod.Wrapf(ErrInvalidGenesis, "market contribution %d/%d: its row's kind differs from the market's other rows", c.MarketId, c.Id)
		}
		if h := row.Hash(); h != e.DataHash || !bytes.Equal(h[:], c.DataHash) || uint32(row.Y[0]) != c.Label || c.Stake != e.Stake {
			return errorsmod.Wrapf(ErrInvalidGenesis, "market contribution %d/%d: row, hash, label or stake differ from the market's record", c.MarketId, c.Id)
		}
		if e.Collected != (c.CollectedBy != "") {
			return errorsmod.Wrapf(ErrInvalidGenesis, "market contribution %d/%d: collected_by disagrees with the market's record", c.MarketId, c.Id)
		}
	}
	for _, m := range gs.Markets {
		for id := uint64(0); id < m.Contributions; id++ {
			if !seen[key{m.Id, id}] {
				return errorsmod.Wrapf(ErrInvalidGenesis, "market %d: contribution %d is missing", m.Id, id)
			}
		}
	}
	return nil
}

// checkProgress checks a reward pass's stored progress against its market.
func checkProgress(b []byte, mk *market.Market, cfg model.Config) error {
	pr, err := abi.DecodeRewardProgress(b)
	if err != nil {
		return err
	}
	if pr.Pass != uint32(mk.Passes()) || len(pr.Scores) > len(mk.Live()) || pr.Model.Config() != cfg {
		return fmt.Errorf("pass %d with %d scores of a %s model does not fit the market (pass %d, %d live)",
			pr.Pass, len(pr.Scores), pr.Model.Config().Family, mk.Passes(), len(mk.Live()))
	}
	return nil
}

// checkAgainstMechanism checks a contribution record against its mechanism's record.
func checkAgainstMechanism(c *Contribution, addr sdk.AccAddress, d *drt.State, p *points.State) error {
	if d != nil {
		r, err := d.Contribution(c.Id)
		if err != nil {
			return err
		}
		if !bytes.Equal(FromEngineAddress(r.Contributor), addr) || !bytes.Equal(r.DataHash[:], c.DataHash) ||
			r.Added != c.AddedAt || r.InitialDeposit != c.Deposit || r.Remaining != c.Remaining || r.Refunded != c.Refunded {
			return fmt.Errorf("record differs from the mechanism's")
		}
		return nil
	}
	r, err := p.Contribution(c.Id)
	if err != nil {
		return err
	}
	if !bytes.Equal(FromEngineAddress(r.Contributor), addr) || !bytes.Equal(r.DataHash[:], c.DataHash) ||
		r.Added != c.AddedAt || c.Deposit != 0 || c.Remaining != 0 || r.Status.String() != c.Status {
		return fmt.Errorf("record differs from the mechanism's")
	}
	return nil
}
