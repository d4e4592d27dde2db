package main

import (
	"context"
	"fmt"
	"io"

	"github.com/meritchain/merit/wasm"
)

func runWasmInfo(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("wasm info", "wasm info [--json]\n\n"+
		"Describes the engine's two WebAssembly builds embedded in this binary: the host-kernel\n"+
		"build that validators run (--engine wasm) and the self-contained one (--engine wasm-pure):\n"+
		"file, size, SHA-256 (the hash the chain pins), and the functions each imports and\n"+
		"exports (docs/WASM.md explains the ABI).", stdout)
	asJSON := fs.Bool("json", false, "print the description as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var infos []wasm.Info
	for _, b := range wasm.Builds() {
		info, err := wasm.Inspect(context.Background(), b)
		if err != nil {
			return err
		}
		infos = append(infos, info)
	}
	if *asJSON {
		return writeJSON(stdout, infos)
	}
	for i, info := range infos {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		fmt.Fprintf(stdout, "%s build (%s)\n  size:   %d bytes\n  sha256: %s\n", info.Build, info.File, info.Size, info.SHA256)
		fmt.Fprintf(stdout, "  imports (%d):\n", len(info.Imports))
		for _, f := range info.Imports {
			fmt.Fprintf(stdout, "    %s.%s %s\n", f.Module, f.Name, f.Signature)
		}
		fmt.Fprintf(stdout, "  exports (%d):\n", len(info.Exports))
		for _, f := range info.Exports {
			fmt.Fprintf(stdout, "    %s %s\n", f.Name, f.Signature)
		}
	}
	return nil
}
