// Command meritd is the Merit appchain's daemon and client: init, genesis, start, keys,
// tx, query, export, … (AutoCLI for the merit module). See chain/README.md.
package main

import (
	"fmt"
	"os"

	svrcmd "github.com/cosmos/cosmos-sdk/server/cmd"

	"github.com/meritchain/merit/chain/app"
	"github.com/meritchain/merit/chain/cmd/meritd/cmd"
)

func main() {
	if err := svrcmd.Execute(cmd.NewRootCmd(), "MERITD", app.DefaultNodeHome); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
