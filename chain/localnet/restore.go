package localnet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Export writes the state of node i, which must be stopped, as a genesis file:
// `meritd export --home <home> --output-document file` (the app state at the node's
// latest committed height H, initial_height H+1, the validator set and the consensus
// parameters). It returns H.
func (n *Net) Export(ctx context.Context, i int, file string) (int64, error) {
	if _, ok := n.PID(i); ok {
		return 0, fmt.Errorf("localnet: export: %s is running; stop it first", n.Nodes[i].Name)
	}
	if _, err := n.Meritd(ctx, nil, "export", "--home", n.Nodes[i].Home, "--output-document", file); err != nil {
		return 0, err
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return 0, err
	}
	var g struct {
		InitialHeight json.RawMessage `json:"initial_height"`
	}
	if err := json.Unmarshal(b, &g); err != nil {
		return 0, fmt.Errorf("localnet: export of %s: %w", n.Nodes[i].Name, err)
	}
	var h num
	if err := h.UnmarshalJSON(g.InitialHeight); err != nil || h < 2 {
		return 0, fmt.Errorf("localnet: export of %s: initial_height %s", n.Nodes[i].Name, g.InitialHeight)
	}
	return int64(h) - 1, nil
}

// RestoreConfig describes a network started from an exported genesis.
type RestoreConfig struct {
	// From is the network whose validators sign the new chain: each new node i gets node
	// i's consensus key (priv_validator_key.json) and keyring. Nothing else is copied: no
	// block, no state, no address book, no double-signing record.
	From *Net
	// Genesis is the exported genesis file (Net.Export).
	Genesis string
	// Dir is the new network's directory (wiped, like Create's).
	Dir string
	// ChainID of the new chain; default From.ChainID + "-restored". A new chain id keeps
	// the two chains apart: the validators sign at heights the old chain also has.
	ChainID string
	// GenesisTime of the new chain; default now. It must not precede the last block of
	// the exported state, or the new chain's first block would be earlier than the state's
	// latest time.
	GenesisTime    time.Time
	TimeoutCommit  time.Duration    // default 500ms
	TimeoutPropose time.Duration    // default 1s
	Env            map[int][]string // extra environment of node i; default From's
	Logf           func(format string, args ...any)
}

// Restore creates a network that continues the state of an exported genesis as a new
// chain: a fresh home per validator of cfg.From (`meritd init`: a new node key and fresh
// data, its priv_validator_state at height 0), that validator's consensus key and
// keyring, the exported genesis with only chain_id and genesis_time replaced (the app
// state, initial_height, validators and consensus parameters are the export's), and the
// configuration Create writes, on free ports. `meritd genesis validate` checks the file.
// The nodes are not started (StartAll starts them; the first block is initial_height).
func Restore(ctx context.Context, cfg RestoreConfig) (*Net, error) {
	from := cfg.From
	if from == nil || cfg.Genesis == "" || cfg.Dir == "" {
		return nil, errors.New("localnet: restore needs From, Genesis and Dir")
	}
	if cfg.ChainID == "" {
		cfg.ChainID = from.ChainID + "-restored"
	}
	if cfg.GenesisTime.IsZero() {
		cfg.GenesisTime = time.Now()
	}
	if cfg.TimeoutCommit == 0 {
		cfg.TimeoutCommit = 500 * time.Millisecond
	}
	if cfg.TimeoutPropose == 0 {
		cfg.TimeoutPropose = time.Second
	}
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, err
	}
	if err := freshDir(dir); err != nil {
		return nil, err
	}
	genesis, err := restoredGenesis(cfg.Genesis, cfg.ChainID, cfg.GenesisTime)
	if err != nil {
		return nil, err
	}

	n := &Net{ChainID: cfg.ChainID, Bin: from.Bin, Dir: dir, Accounts: from.Accounts, Funds: from.Funds,
		Addresses: from.Addresses, Logf: cfg.Logf}
	ports, err := freePorts(4 * len(from.Nodes))
	if err != nil {
		return nil, err
	}
	for i, old := range from.Nodes {
		env := old.Env
		if cfg.Env != nil {
			env = cfg.Env[i]
		}
		n.Nodes = append(n.Nodes, &Node{Index: i, Name: old.Name, Key: old.Key,
			Home: filepath.Join(dir, old.Name), Env: env,
			P2P: ports[4*i], RPC: ports[4*i+1], Proxy: ports[4*i+2], GRPC: ports[4*i+3]})
	}
	if err := n.save(); err != nil {
		return nil, err
	}
	start := time.Now()
	if err := parallel(len(n.Nodes), func(i int) error {
		nd, old := n.Nodes[i], from.Nodes[i]
		if _, err := n.Meritd(ctx, nil, "init", nd.Name, "--chain-id", n.ChainID, "--home", nd.Home); err != nil {
			return err
		}
		conf := filepath.Join(nd.Home, "config")
		if err := copyFile(filepath.Join(old.Home, "config", "priv_validator_key.json"), filepath.Join(conf, "priv_validator_key.json")); err != nil {
			return err
		}
		if err := copyDir(filepath.Join(old.Home, "keyring-test"), filepath.Join(nd.Home, "keyring-test")); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(conf, "genesis.json"), genesis, 0o600); err != nil {
			return err
		}
		id, err := n.Meritd(ctx, nil, "comet", "show-node-id", "--home", nd.Home)
		nd.ID = strings.TrimSpace(id)
		return err
	}); err != nil {
		return nil, err
	}
	if _, err := n.Meritd(ctx, nil, "genesis", "validate", "--home", n.Nodes[0].Home); err != nil {
		return nil, err
	}
	if err := n.configure(Config{TimeoutCommit: cfg.TimeoutCommit, TimeoutPropose: cfg.TimeoutPropose}); err != nil {
		return nil, err
	}
	if err := n.save(); err != nil {
		return nil, err
	}
	n.logf("restored %d validators from %s in %s as chain %s (%s)", len(n.Nodes), cfg.Genesis, dir, n.ChainID,
		time.Since(start).Round(time.Millisecond))
	return n, nil
}

// restoredGenesis returns the exported genesis at path with chain_id and genesis_time
// replaced, everything else as exported.
func restoredGenesis(path, chainID string, t time.Time) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var g map[string]json.RawMessage
	if err := json.Unmarshal(b, &g); err != nil {
		return nil, fmt.Errorf("localnet: %s: %w", path, err)
	}
	for _, key := range []string{"chain_id", "genesis_time", "initial_height", "app_state", "consensus"} {
		if _, ok := g[key]; !ok {
			return nil, fmt.Errorf("localnet: %s: no %s: not an exported genesis", path, key)
		}
	}
	g["chain_id"], _ = json.Marshal(chainID)
	g["genesis_time"], _ = json.Marshal(t.UTC().Format(time.RFC3339Nano))
	out, err := json.MarshalIndent(g, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}
