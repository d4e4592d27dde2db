// Command localnet runs a network of meritd validators on loopback (package
// chain/localnet): `make localnet` runs `localnet up`, `make localnet-stop` runs
// `localnet stop -clean`.
//
//	localnet up     [flags]   create a fresh network and start it; print how to talk to it
//	localnet create [flags]   create a fresh network (homes, keys, genesis, configs) without starting it
//	localnet start  [-node i] start the network's nodes (all, or node i) again
//	localnet stop   [-node i] [-clean]   stop them (all, or node i); -clean removes the directory
//	localnet status           each node's pid, height and whether it is catching up
//	localnet info             how to talk to the network
//
// The directory is -dir, else $MERIT_LOCALNET_DIR, else build/localnet. By default node 0
// runs the engine's host kernels at MERIT_SIMD=generic and the others at this CPU's best
// level (-env sets each node's environment instead).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/meritchain/merit/chain/localnet"
	"github.com/meritchain/merit/simd"
)

const usage = `usage: localnet up|create|start|stop|status|info [flags]

  up      create a fresh network and start it, then print how to talk to it
  create  create a fresh network (homes, keys, genesis, configs), not started
  start   start the existing network's nodes (all, or -node i)
  stop    stop the nodes (all, or -node i); -clean also removes the directory
  status  each node's pid, height and whether it is catching up
  info    how to talk to the network

Run "localnet <command> -h" for the command's flags.
`

type envFlag map[int][]string

func (e envFlag) String() string { return fmt.Sprint(map[int][]string(e)) }

func (e envFlag) Set(s string) error {
	i, kv, ok := strings.Cut(s, ":")
	n, err := strconv.Atoi(i)
	if !ok || err != nil || n < 0 || !strings.Contains(kv, "=") {
		return fmt.Errorf("want NODE:NAME=VALUE, e.g. 0:MERIT_SIMD=generic")
	}
	e[n] = append(e[n], kv)
	return nil
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2:]); err != nil {
		fmt.Fprintln(os.Stderr, "localnet:", strings.TrimPrefix(err.Error(), "localnet: "))
		os.Exit(1)
	}
}

func run(command string, args []string) error {
	fs := flag.NewFlagSet("localnet "+command, flag.ExitOnError)
	defDir := os.Getenv("MERIT_LOCALNET_DIR")
	if defDir == "" {
		defDir = filepath.Join("build", "localnet")
	}
	dir := fs.String("dir", defDir, "the network's directory (default $MERIT_LOCALNET_DIR, else build/localnet)")
	node := fs.Int("node", -1, "start/stop: only this node")
	clean := fs.Bool("clean", false, "stop: remove the directory afterwards")
	defBin := os.Getenv("MERITD")
	if defBin == "" {
		defBin = filepath.Join("build", "meritd")
	}
	bin := fs.String("bin", defBin, "create/up: the meritd binary (default $MERITD, else build/meritd)")
	validators := fs.Int("n", 4, "create/up: how many validators")
	basePort := fs.Int("base-port", 26656, "create/up: node i listens on base+10i (P2P), +1 (RPC), +2 (ABCI, unused), +3 (gRPC); 0 picks free ports")
	chainID := fs.String("chain-id", localnet.DefaultChainID, "create/up: the chain id")
	commit := fs.Duration("timeout-commit", 500*time.Millisecond, "create/up: CometBFT's timeout_commit")
	env := envFlag{}
	fs.Var(env, "env", "create/up: NODE:NAME=VALUE, extra environment of a node (repeatable); when none is given, node 0 gets MERIT_SIMD=generic and the others MERIT_SIMD=<this CPU's best level>")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage+"\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	logf := func(format string, a ...any) { fmt.Fprintf(os.Stderr, format+"\n", a...) }
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()

	switch command {
	case "up", "create":
		if len(env) == 0 {
			env[0] = []string{simd.EnvVar + "=generic"}
			for i := 1; i < *validators; i++ {
				env[i] = []string{simd.EnvVar + "=" + simd.Best().String()}
			}
		}
		n, err := localnet.Create(ctx, localnet.Config{Bin: *bin, Dir: *dir, Validators: *validators, ChainID: *chainID,
			BasePort: *basePort, TimeoutCommit: *commit, Env: env, Logf: logf})
		if err != nil {
			return err
		}
		if command == "create" {
			fmt.Printf("created; start it with: localnet start -dir %s\n", n.Dir)
			return nil
		}
		return start(ctx, n, -1)
	case "start":
		n, err := open(*dir)
		if err != nil {
			return err
		}
		n.Logf = logf
		return start(ctx, n, *node)
	case "stop":
		n, err := localnet.Open(*dir)
		if errors.Is(err, os.ErrNotExist) {
			fmt.Printf("no localnet in %s: nothing to stop\n", *dir)
			return nil
		}
		if err != nil {
			return err
		}
		n.Logf = logf
		if *node >= 0 {
			if *node >= len(n.Nodes) {
				return fmt.Errorf("no node %d", *node)
			}
			return n.Stop(*node)
		}
		if len(n.Running()) == 0 {
			fmt.Printf("no node of %s is running\n", n.Dir)
		}
		if err := n.StopAll(); err != nil {
			return err
		}
		if *clean {
			if err := os.RemoveAll(n.Dir); err != nil {
				return err
			}
			fmt.Printf("removed %s\n", n.Dir)
		}
		return nil
	case "status":
		n, err := open(*dir)
		if err != nil {
			return err
		}
		for i, nd := range n.Nodes {
			pid, ok := n.PID(i)
			if !ok {
				fmt.Printf("%s  stopped\n", nd.Name)
				continue
			}
			s, err := n.Status(ctx, i)
			if err != nil {
				fmt.Printf("%s  pid %d  %s  no answer: %v\n", nd.Name, pid, nd.RPCURL(), err)
				continue
			}
			fmt.Printf("%s  pid %d  %s  height %d  app hash %s  catching up %v\n", nd.Name, pid, nd.RPCURL(), s.Height, s.AppHash, s.CatchingUp)
		}
		return nil
	case "info":
		n, err := open(*dir)
		if err != nil {
			return err
		}
		n.HowTo(os.Stdout)
		return nil
	default:
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	return nil
}

func open(dir string) (*localnet.Net, error) {
	n, err := localnet.Open(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no localnet in %s (create one with make localnet)", dir)
	}
	return n, err
}

// start starts node i (or all when i < 0), waits for them, and prints how to talk to them.
// If they do not come up it stops what it started.
func start(ctx context.Context, n *localnet.Net, i int) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	t0 := time.Now()
	var err error
	if i >= 0 {
		if i >= len(n.Nodes) {
			return fmt.Errorf("no node %d", i)
		}
		if err = n.Start(i); err == nil {
			err = n.WaitReady(ctx, i)
		}
	} else {
		err = n.StartAll(ctx)
	}
	if err != nil {
		if errors.Is(err, localnet.ErrRunning) {
			return err
		}
		if i >= 0 {
			n.Stop(i)
		} else {
			n.StopAll()
		}
		return err
	}
	h, _ := n.Height(ctx, max(i, 0))
	fmt.Fprintf(os.Stderr, "up after %s, at height %d\n\n", time.Since(t0).Round(time.Millisecond), h)
	n.HowTo(os.Stdout)
	fmt.Printf("One node: %s stop|start -node <i> -dir %s; heights and app hashes: %s status -dir %s\n",
		os.Args[0], n.Dir, os.Args[0], n.Dir)
	return nil
}
