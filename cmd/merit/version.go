package main

import (
	"io"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/meritchain/merit/simd"
)

func runVersion(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("version", "version [--json]\n\nPrints the build's version, the Go toolchain, the kernel level in use (MERIT_SIMD=generic|avx2|avx512|neon\nforces one) and the CPU features the kernels look for.", stdout)
	asJSON := fs.Bool("json", false, "print as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	v := struct {
		Version string   `json:"version"`
		Go      string   `json:"go"`
		OS      string   `json:"os"`
		Arch    string   `json:"arch"`
		Kernels string   `json:"kernels"`
		Levels  []string `json:"levels"`       // the levels this machine and build support
		CPU     []string `json:"cpu_features"` // the kernel-relevant CPU features detected
	}{Version: "devel", Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH, Kernels: simd.LevelName(), CPU: simd.Features()}
	for _, l := range simd.Levels() {
		v.Levels = append(v.Levels, l.String())
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		v.Version = bi.Main.Version
	}
	if *asJSON {
		return writeJSON(stdout, v)
	}
	_, err := io.WriteString(stdout, "merit "+v.Version+" ("+v.Go+", "+v.OS+"/"+v.Arch+"), kernels: "+v.Kernels+
		" (supported: "+strings.Join(v.Levels, " ")+"; cpu: "+strings.Join(v.CPU, " ")+")\n")
	return err
}
