package main

import (
	"io"
	"runtime"
	"runtime/debug"

	"github.com/meritchain/merit/simd"
)

func runVersion(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("version", "version [--json]\n\nPrints the build's version, the Go toolchain and the kernel level in use.", stdout)
	asJSON := fs.Bool("json", false, "print as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	v := struct {
		Version string `json:"version"`
		Go      string `json:"go"`
		OS      string `json:"os"`
		Arch    string `json:"arch"`
		Kernels string `json:"kernels"`
	}{Version: "devel", Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH, Kernels: simd.Level()}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		v.Version = bi.Main.Version
	}
	if *asJSON {
		return writeJSON(stdout, v)
	}
	_, err := io.WriteString(stdout, "merit "+v.Version+" ("+v.Go+", "+v.OS+"/"+v.Arch+"), kernels: "+v.Kernels+"\n")
	return err
}
