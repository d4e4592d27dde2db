package types

import (
	"bytes"
	errorsmod "cosmossdk.io/errors"
	"fmt"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/incentive/drt"
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
