// Package localnet creates and runs a network of meritd validators on loopback: one home
// per validator under a directory, one genesis carrying a gentx from each, distinct ports,
// persistent peers wired, fast blocks. It starts each node as its own process group (a pid
// file and node.log in its home, so that another invocation can stop it) and talks to the
// nodes through the meritd CLI and CometBFT's RPC.
//
// `make localnet` and `make localnet-stop` use it through chain/cmd/localnet; TestLocalnet
// (`make localnet-test`) drives a 4-validator network with it. It imports only the
// standard library, so the command builds in seconds.
package localnet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// DefaultAccounts are the funded test accounts of a network, in every home's keyring
// (backend test).
var DefaultAccounts = []string{"owner", "alice", "bob", "carol", "dave", "mallory", "provider", "erin", "frank", "grace", "heidi"}

const (
	// Denom is the staking, fee and deposit denomination.
	Denom = "stake"
	// DefaultChainID is the chain id of a network whose Config names none.
	DefaultChainID = "merit-local"
	// StateFile, in a network's directory, describes it (homes, ports, environment) for
	// later invocations: Open reads it.
	StateFile = "localnet.json"
)

// Config describes a network to create.
type Config struct {
	Bin        string   // the meritd binary
	Dir        string   // the network's directory: node0 … nodeN-1 and StateFile
	Validators int      // default 4
	ChainID    string   // default DefaultChainID
	Accounts   []string // funded test accounts; default DefaultAccounts
	Funds      int64    // every account's and validator's genesis balance; default 100 000 000 000
	Stake      int64    // each validator's self-delegation; default 1 000 000 000
	// BasePort, when positive, fixes the ports: node i listens on BasePort+10i (P2P),
	// +1 (CometBFT RPC), +2 (ABCI proxy, unused: the app runs in process) and +3 (gRPC).
	// Zero picks free ports.
	BasePort       int
	TimeoutCommit  time.Duration    // default 500ms
	TimeoutPropose time.Duration    // default 1s
	Env            map[int][]string // extra environment of node i ("MERIT_SIMD=generic")
	// SignedBlocksWindow is x/slashing's downtime window (blocks) in genesis: a validator
	// that misses half of it is jailed. Default 1000, so that a node stopped by hand for a
	// few minutes is not jailed (the SDK's default is 100).
	SignedBlocksWindow int
	// VotingPeriod, when positive, is x/gov's voting period in genesis (the expedited one
	// is half of it), so that a test can take a proposal through to its execution; zero
	// keeps the SDK's (48 hours).
	VotingPeriod time.Duration
	// Logf, when set, receives progress lines (it becomes the Net's Logf).
	Logf func(format string, args ...any)
}

// Node is one validator.
type Node struct {
	Index int      `json:"index"`
	Name  string   `json:"name"` // moniker: node0, node1, …
	Key   string   `json:"key"`  // the validator's operator key: val0, val1, …
	Home  string   `json:"home"`
	ID    string   `json:"id"` // CometBFT node ID
	P2P   int      `json:"p2p"`
	RPC   int      `json:"rpc"`
	Proxy int      `json:"proxy"`
	GRPC  int      `json:"grpc"`
	Env   []string `json:"env"`
}

// RPCAddr is the node's CometBFT RPC address as meritd's --node flag takes it.
func (n *Node) RPCAddr() string { return fmt.Sprintf("tcp://127.0.0.1:%d", n.RPC) }

// RPCURL is the node's CometBFT RPC as an HTTP URL.
func (n *Node) RPCURL() string { return fmt.Sprintf("http://127.0.0.1:%d", n.RPC) }

// LogFile is the node's log (stdout and stderr of meritd start; appended to on restart).
func (n *Node) LogFile() string { return filepath.Join(n.Home, "node.log") }

// PIDFile holds the pid (and process group) of the running node.
func (n *Node) PIDFile() string { return filepath.Join(n.Home, "meritd.pid") }

// Net is a created network. Its exported fields are what StateFile records.
type Net struct {
	ChainID  string   `json:"chain_id"`
	Bin      string   `json:"bin"`
	Dir      string   `json:"dir"`
	Accounts []string `json:"accounts"`
	Funds    int64    `json:"funds"`
	Nodes    []*Node  `json:"nodes"`
	// Addresses maps every key of the keyrings (accounts and validator operator keys) to
	// its address.
	Addresses map[string]string `json:"addresses"`

	// Attached nodes get SIGKILL when the process that started them dies (tests);
	// detached ones (the default, the CLI) outlive it.
	Attached bool `json:"-"`
	// Logf, when set, receives progress lines.
	Logf func(format string, args ...any) `json:"-"`
	// Gas is the gas limit Tx gives a transaction that names none; default 3 000 000.
	Gas string `json:"-"`

	mu    sync.Mutex
	procs map[int]*proc
}

// ErrRunning is returned when a network (or one of its nodes) is already running.
var ErrRunning = errors.New("already running")

func (n *Net) logf(format string, args ...any) {
	if n.Logf != nil {
		n.Logf(format, args...)
	}
}

// Open reads the network described by dir's StateFile.
func Open(dir string) (*Net, error) {
	b, err := os.ReadFile(filepath.Join(dir, StateFile))
	if err != nil {
		return nil, err
	}
	n := &Net{}
	if err := json.Unmarshal(b, n); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, StateFile), err)
	}
	return n, nil
}

func (n *Net) save() error {
	b, err := json.MarshalIndent(n, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(n.Dir, StateFile), append(b, '\n'), 0o644)
}

// Create makes a fresh network in cfg.Dir (removing what was there, unless a node of a
// network there is running: then it fails with ErrRunning). The nodes are not started.
func Create(ctx context.Context, cfg Config) (*Net, error) {
	if cfg.Validators <= 0 {
		cfg.Validators = 4
	}
	if cfg.ChainID == "" {
		cfg.ChainID = DefaultChainID
	}
	if cfg.Accounts == nil {
		cfg.Accounts = DefaultAccounts
	}
	if cfg.Funds == 0 {
		cfg.Funds = 100_000_000_000
	}
	if cfg.Stake == 0 {
		cfg.Stake = 1_000_000_000
	}
	if cfg.TimeoutCommit == 0 {
		cfg.TimeoutCommit = 500 * time.Millisecond
	}
	if cfg.TimeoutPropose == 0 {
		cfg.TimeoutPropose = time.Second
	}
	if cfg.SignedBlocksWindow == 0 {
		cfg.SignedBlocksWindow = 1000
	}
	if cfg.Dir == "" {
		return nil, errors.New("localnet: no directory")
	}
	bin, err := filepath.Abs(cfg.Bin)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(bin); err != nil || st.IsDir() {
		return nil, fmt.Errorf("localnet: no meritd binary at %s (make chain builds build/meritd)", bin)
	}
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, err
	}
	if err := freshDir(dir); err != nil {
		return nil, err
	}

	n := &Net{ChainID: cfg.ChainID, Bin: bin, Dir: dir, Accounts: cfg.Accounts, Funds: cfg.Funds, Logf: cfg.Logf}
	var ports []int
	if cfg.BasePort <= 0 {
		if ports, err = freePorts(4 * cfg.Validators); err != nil {
			return nil, err
		}
	}
	for i := range cfg.Validators {
		nd := &Node{Index: i, Name: fmt.Sprintf("node%d", i), Key: fmt.Sprintf("val%d", i),
			Home: filepath.Join(dir, fmt.Sprintf("node%d", i)), Env: cfg.Env[i]}
		if cfg.BasePort > 0 {
			b := cfg.BasePort + 10*i
			nd.P2P, nd.RPC, nd.Proxy, nd.GRPC = b, b+1, b+2, b+3
		} else {
			nd.P2P, nd.RPC, nd.Proxy, nd.GRPC = ports[4*i], ports[4*i+1], ports[4*i+2], ports[4*i+3]
		}
		n.Nodes = append(n.Nodes, nd)
	}
	if err := n.save(); err != nil { // first, so that a failed Create can be redone
		return nil, err
	}
	start := time.Now()
	if err := n.genesis(ctx, cfg); err != nil {
		return nil, err
	}
	if err := n.configure(cfg); err != nil {
		return nil, err
	}
	if err := n.save(); err != nil {
		return nil, err
	}
	n.logf("created %d validators in %s (%s)", len(n.Nodes), dir, time.Since(start).Round(time.Millisecond))
	return n, nil
}

// genesis initialises every home, creates the keys, funds them, makes each validator's
// gentx in its own home, collects them in node 0's home and copies the result to all.
// What is independent between the nodes runs in parallel.
func (n *Net) genesis(ctx context.Context, cfg Config) error {
	kb := []string{"--keyring-backend", "test"}
	home0 := n.Nodes[0].Home
	addKey := func(name, home string) (string, error) {
		out, err := n.Meritd(ctx, nil, append([]string{"keys", "add", name, "--home", home, "--output", "json"}, kb...)...)
		if err != nil {
			return "", err
		}
		var k struct{ Address string }
		if err := json.Unmarshal([]byte(out), &k); err != nil || k.Address == "" {
			return "", fmt.Errorf("meritd keys add %s: no address in %q", name, out)
		}
		return k.Address, nil
	}
	addrs := make([]string, len(n.Nodes))
	if err := parallel(len(n.Nodes), func(i int) error {
		nd := n.Nodes[i]
		if _, err := n.Meritd(ctx, nil, "init", nd.Name, "--chain-id", n.ChainID, "--home", nd.Home); err != nil {
			return err
		}
		a, err := addKey(nd.Key, nd.Home)
		if err != nil {
			return err
		}
		addrs[i] = a
		id, err := n.Meritd(ctx, nil, "comet", "show-node-id", "--home", nd.Home)
		nd.ID = strings.TrimSpace(id)
		return err
	}); err != nil {
		return err
	}
	n.Addresses = map[string]string{}
	for i, nd := range n.Nodes {
		n.Addresses[nd.Key] = addrs[i]
	}
	for _, a := range n.Accounts {
		addr, err := addKey(a, home0)
		if err != nil {
			return err
		}
		n.Addresses[a] = addr
	}
	// Every key in every home's keyring: any home can sign for anyone.
	for _, src := range n.Nodes {
		for _, dst := range n.Nodes {
			if src != dst {
				if err := copyDir(filepath.Join(src.Home, "keyring-test"), filepath.Join(dst.Home, "keyring-test")); err != nil {
					return err
				}
			}
		}
	}
	type coin struct {
		Denom  string `json:"denom"`
		Amount string `json:"amount"`
	}
	type account struct {
		Address string `json:"address"`
		Coins   []coin `json:"coins"`
	}
	var accounts []account
	for _, name := range append(n.validatorKeys(), n.Accounts...) {
		accounts = append(accounts, account{n.Addresses[name], []coin{{Denom, fmt.Sprint(cfg.Funds)}}})
	}
	b, err := json.MarshalIndent(accounts, "", "  ")
	if err != nil {
		return err
	}
	accountsFile := filepath.Join(n.Dir, "genesis-accounts.json")
	if err := os.WriteFile(accountsFile, b, 0o644); err != nil {
		return err
	}
	if _, err := n.Meritd(ctx, nil, "genesis", "bulk-add-genesis-account", accountsFile, "--home", home0); err != nil {
		return err
	}
	genesis0 := filepath.Join(home0, "config", "genesis.json")
	if err := setSignedBlocksWindow(genesis0, cfg.SignedBlocksWindow); err != nil {
		return err
	}
	if cfg.VotingPeriod > 0 {
		if err := setVotingPeriod(genesis0, cfg.VotingPeriod); err != nil {
			return err
		}
	}
	if err := parallel(len(n.Nodes), func(i int) error {
		nd := n.Nodes[i]
		if i > 0 {
			if err := copyFile(genesis0, filepath.Join(nd.Home, "config", "genesis.json")); err != nil {
				return err
			}
		}
		_, err := n.Meritd(ctx, nil, append([]string{"genesis", "gentx", nd.Key, fmt.Sprintf("%d%s", cfg.Stake, Denom),
			"--chain-id", n.ChainID, "--home", nd.Home, "--ip", "127.0.0.1", "--p2p-port", fmt.Sprint(nd.P2P),
			"--moniker", nd.Name}, kb...)...)
		return err
	}); err != nil {
		return err
	}
	for _, nd := range n.Nodes[1:] {
		if err := copyDir(filepath.Join(nd.Home, "config", "gentx"), filepath.Join(home0, "config", "gentx")); err != nil {
			return err
		}
	}
	if _, err := n.Meritd(ctx, nil, "genesis", "collect-gentxs", "--home", home0); err != nil {
		return err
	}
	if _, err := n.Meritd(ctx, nil, "genesis", "validate", "--home", home0); err != nil {
		return err
	}
	for _, nd := range n.Nodes[1:] {
		if err := copyFile(genesis0, filepath.Join(nd.Home, "config", "genesis.json")); err != nil {
			return err
		}
	}
	return nil
}

// parallel runs f(0) … f(k-1) at once and returns their errors joined.
func parallel(k int, f func(i int) error) error {
	errs := make([]error, k)
	var wg sync.WaitGroup
	for i := range k {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = f(i) }()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// setSignedBlocksWindow sets app_state.slashing.params.signed_blocks_window.
func setSignedBlocksWindow(path string, window int) error {
	return editModuleParams(path, "slashing", func(params map[string]json.RawMessage) error {
		if _, ok := params["signed_blocks_window"]; !ok {
			return errors.New("genesis: no slashing.params.signed_blocks_window")
		}
		params["signed_blocks_window"], _ = json.Marshal(fmt.Sprint(window))
		return nil
	})
}

// setVotingPeriod sets app_state.gov.params.voting_period to d and the expedited voting
// period (which must be shorter) to d/2.
func setVotingPeriod(path string, d time.Duration) error {
	return editModuleParams(path, "gov", func(params map[string]json.RawMessage) error {
		for key, v := range map[string]time.Duration{"voting_period": d, "expedited_voting_period": d / 2} {
			if _, ok := params[key]; !ok {
				return fmt.Errorf("genesis: no gov.params.%s", key)
			}
			// Durations in the genesis JSON are protobuf Durations: seconds with an "s".
			params[key], _ = json.Marshal(fmt.Sprintf("%gs", v.Seconds()))
		}
		return nil
	})
}

// editModuleParams rewrites app_state.<module>.params of the genesis file at path with
// edit.
func editModuleParams(path, module string, edit func(params map[string]json.RawMessage) error) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var g map[string]json.RawMessage
	if err := json.Unmarshal(b, &g); err != nil {
		return err
	}
	var app map[string]json.RawMessage
	if err := json.Unmarshal(g["app_state"], &app); err != nil {
		return err
	}
	var mod map[string]json.RawMessage
	if err := json.Unmarshal(app[module], &mod); err != nil {
		return fmt.Errorf("genesis: %s: %w", module, err)
	}
	var params map[string]json.RawMessage
	if err := json.Unmarshal(mod["params"], &params); err != nil {
		return fmt.Errorf("genesis: %s params: %w", module, err)
	}
	if err := edit(params); err != nil {
		return err
	}
	// Marshalling maps sorts the keys, which is fine: every node gets this same file.
	if mod["params"], err = json.Marshal(params); err != nil {
		return err
	}
	if app[module], err = json.Marshal(mod); err != nil {
		return err
	}
	if g["app_state"], err = json.Marshal(app); err != nil {
		return err
	}
	out, err := json.MarshalIndent(g, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(out, '\n'), 0o600)
}

// configure writes each home's config.toml (ports, peers, loopback, fast blocks, no
// pprof), app.toml (gRPC port, API off, zero minimum gas price) and client.toml (chain id,
// keyring backend test, this node's RPC: `meritd --home <home> …` needs no other flag).
func (n *Net) configure(cfg Config) error {
	for _, nd := range n.Nodes {
		var peers []string
		for _, p := range n.Nodes {
			if p != nd {
				peers = append(peers, fmt.Sprintf("%s@127.0.0.1:%d", p.ID, p.P2P))
			}
		}
		conf := filepath.Join(nd.Home, "config")
		if err := editTOML(filepath.Join(conf, "config.toml"), map[string]map[string]string{
			"": {
				"proxy_app": quote(fmt.Sprintf("tcp://127.0.0.1:%d", nd.Proxy)),
				"moniker":   quote(nd.Name),
			},
			"rpc": {
				"laddr":       quote(nd.RPCAddr()),
				"pprof_laddr": quote(""),
			},
			"p2p": {
				"laddr":              quote(fmt.Sprintf("tcp://127.0.0.1:%d", nd.P2P)),
				"external_address":   quote(fmt.Sprintf("127.0.0.1:%d", nd.P2P)),
				"persistent_peers":   quote(strings.Join(peers, ",")),
				"addr_book_strict":   "false",
				"allow_duplicate_ip": "true",
			},
			"consensus": {
				"timeout_commit":  quote(cfg.TimeoutCommit.String()),
				"timeout_propose": quote(cfg.TimeoutPropose.String()),
			},
		}); err != nil {
			return err
		}
		if err := editTOML(filepath.Join(conf, "app.toml"), map[string]map[string]string{
			"":     {"minimum-gas-prices": quote("0" + Denom)},
			"grpc": {"enable": "true", "address": quote(fmt.Sprintf("127.0.0.1:%d", nd.GRPC))},
			"api":  {"enable": "false"},
		}); err != nil {
			return err
		}
		if err := editTOML(filepath.Join(conf, "client.toml"), map[string]map[string]string{
			"": {
				"chain-id":        quote(n.ChainID),
				"keyring-backend": quote("test"),
				"node":            quote(nd.RPCAddr()),
			},
		}); err != nil {
			return err
		}
	}
	return nil
}

func freePorts(k int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range k {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, st.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// copyDir copies the regular files of src into dst (created if missing).
func copyDir(src, dst string) error {
	es, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dst, 0o700); err != nil {
		return err
	}
	for _, e := range es {
		if e.Type().IsRegular() {
			if err := copyFile(filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

// freshDir empties dir for a new network, refusing while a network in it runs. Only a
// directory this package made (or an empty one) is wiped.
func freshDir(dir string) error {
	if old, err := Open(dir); err == nil {
		if running := old.Running(); len(running) > 0 {
			return fmt.Errorf("localnet in %s: %s %w (pid %d); stop it first (make localnet-stop)",
				dir, old.Nodes[running[0]].Name, ErrRunning, old.pid(running[0]))
		}
	}
	if es, err := os.ReadDir(dir); err == nil && len(es) > 0 {
		if _, err := os.Stat(filepath.Join(dir, StateFile)); err != nil {
			return fmt.Errorf("localnet: %s exists and holds no %s: not removing it; pick another directory", dir, StateFile)
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	return os.MkdirAll(dir, 0o755)
}
