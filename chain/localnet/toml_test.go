package localnet

import (
	"slices"
	"testing"
)

func TestSetTOML(t *testing.T) {
	in := `proxy_app = "tcp://127.0.0.1:26658"
[rpc]
laddr = "tcp://127.0.0.1:26657"
[p2p]
# Address to listen for incoming connections
laddr = "tcp://0.0.0.0:26656"
[[p2p.libp2p.scaler.overrides]]
laddr = "elsewhere"
`
	out, err := setTOML(in, "p2p", "laddr", `"tcp://127.0.0.1:1"`)
	if err != nil {
		t.Fatal(err)
	}
	if out, err = setTOML(out, "", "proxy_app", `"tcp://127.0.0.1:2"`); err != nil {
		t.Fatal(err)
	}
	want := `proxy_app = "tcp://127.0.0.1:2"
[rpc]
laddr = "tcp://127.0.0.1:26657"
[p2p]
# Address to listen for incoming connections
laddr = "tcp://127.0.0.1:1"
[[p2p.libp2p.scaler.overrides]]
laddr = "elsewhere"
`
	if out != want {
		t.Fatalf("got\n%s\nwant\n%s", out, want)
	}
	if _, err := setTOML(in, "consensus", "timeout_commit", `"1s"`); err == nil {
		t.Fatal("a missing key is not an error")
	}
}

func TestWithFlags(t *testing.T) {
	got := withFlags([]string{"tx", "merit", "add-data", "--", "0", "1", "-3,4"}, "--home", "h")
	want := []string{"tx", "merit", "add-data", "--home", "h", "--", "0", "1", "-3,4"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	if got := withFlags([]string{"status"}, "--home", "h"); !slices.Equal(got, []string{"status", "--home", "h"}) {
		t.Fatalf("got %q", got)
	}
}
