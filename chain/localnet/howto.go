package localnet

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
)

// HowTo writes how to talk to the network: each node's pid, ports, home and environment,
// and example commands. Paths are shown relative to the working directory when they lie
// under it.
func (n *Net) HowTo(w io.Writer) {
	rel := func(p string) string {
		if wd, err := os.Getwd(); err == nil {
			if r, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(r, "..") {
				if !strings.Contains(r, "/") {
					return "./" + r
				}
				return r
			}
		}
		return p
	}
	fmt.Fprintf(w, "localnet: %d validators on 127.0.0.1, chain id %s, in %s\n\n", len(n.Nodes), n.ChainID, rel(n.Dir))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "node\tpid\tRPC\tP2P\tgRPC\thome\tenvironment")
	for i, nd := range n.Nodes {
		pid := "stopped"
		if p, ok := n.PID(i); ok {
			pid = fmt.Sprint(p)
		}
		env := strings.Join(nd.Env, " ")
		if env == "" {
			env = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t127.0.0.1:%d\t%s\t%s\n", nd.Name, pid, nd.RPCURL(), nd.P2P, nd.GRPC, rel(nd.Home), env)
	}
	tw.Flush()
	m := rel(n.Bin)
	h0, h1 := rel(n.Nodes[0].Home), rel(n.Nodes[len(n.Nodes)-1].Home)
	last := len(n.Nodes) - 1
	fmt.Fprintf(w, `
Keys (keyring backend "test", in every home): validators %s; accounts %s, each funded with %d%s.
Each home's client.toml names the chain id, the keyring backend and that node's RPC, so
--home <home> sends to that node; --node <rpc> picks another.

  M=%s
  $M status --node %s
  curl -s %s/status
  $M --home %s q bank balances $($M --home %s keys show alice -a)
  $M --home %s tx merit create-model perceptron 2 2 1000 drt --cost-weight 1 --refund-wait 20 --owner-wait 40 --any-address-wait 60 --from owner --gas 2000000 --yes
  $M --home %s tx merit add-data 0 1 500,20 --deposit 3600 --from alice --gas 2000000 --yes
  $M --home %s q merit model 0 --node %s

Logs: <home>/node.log. Stop them all and remove %s: make localnet-stop.
`, strings.Join(n.validatorKeys(), " "), strings.Join(n.Accounts, " "), n.Funds, Denom,
		m, n.Nodes[0].RPCAddr(), n.Nodes[last].RPCURL(),
		h0, h0, h0, h1, h0, n.Nodes[last].RPCAddr(), rel(n.Dir))
}

func (n *Net) validatorKeys() []string {
	var ks []string
	for _, nd := range n.Nodes {
		ks = append(ks, nd.Key)
	}
	return ks
}
