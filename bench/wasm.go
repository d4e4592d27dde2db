package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"
)

// The WebAssembly section runs the benchmarks of github.com/meritchain/merit/wasm, if it
// has any, and relates them by name. A benchmark takes part in the ratios when one of its
// name's segments (after the first) names the form the engine runs in:
//
//	native                      native Go with the best SIMD kernels
//	native-generic, portable    native Go with the portable kernels (if absent, the native
//	                            benchmarks are run again with MERIT_SIMD=generic)
//	host, wasm                  the WebAssembly build that calls the host's kernels
//	pure, self-contained        the self-contained WebAssembly build
//
// and, for the WebAssembly forms, optionally the runtime: compiler (the default) or
// interpreter. For example BenchmarkKNNShapley/host/compiler, BenchmarkMarginal/pure/interpreter,
// BenchmarkKNNShapley/native. The other segments qualify the work (a size, say). Benchmarks
// without a form (compile cold and cached, instantiate, per-call overhead) are listed as they
// are, and a metric whose unit ends in "/gas" is the gas schedule's calibration.
const wasmPkg = "./wasm/"

// wasmRun is what the WebAssembly benchmarks gave.
type wasmRun struct {
	note   string // why the section is skipped, if it is
	failed string // a benchmark run that failed (the report is written, then the command fails)
	cmds   []string
	raw    string
	rs     []result
}

func (w *wasmRun) run(title string, env, args []string) error {
	j := job{title: title, env: env, args: args}
	fmt.Fprintf(os.Stderr, "== %s: %s\n", j.title, j.command())
	w.cmds = append(w.cmds, j.command())
	cmd := exec.Command("go", args...)
	cmd.Env = append(os.Environ(), env...)
	var buf bytes.Buffer
	cmd.Stdout = io.MultiWriter(&buf, os.Stderr)
	cmd.Stderr = os.Stderr
	err := cmd.Run()
	w.raw += "$ " + j.command() + "\n" + buf.String()
	rs, _ := parse(buf.String())
	tag := ""
	for _, e := range env {
		if e == "MERIT_SIMD=generic" {
			tag = "generic:"
		}
	}
	for i := range rs {
		rs[i].name = tag + rs[i].name
	}
	w.rs = append(w.rs, rs...)
	return err
}

// runWasm lists and runs the WebAssembly benchmarks; a missing package or no benchmarks
// skip the section with a note. A failing run is recorded in failed: the rest of the
// suite still runs and the report is written, and then the command fails.
func runWasm(quick bool) wasmRun {
	var w wasmRun
	out, err := exec.Command("go", "test", "-list", "^Benchmark", wasmPkg).CombinedOutput()
	var names []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "Benchmark") {
			names = append(names, strings.TrimSpace(l))
		}
	}
	if err != nil || len(names) == 0 {
		msg := strings.TrimSpace(string(out))
		if i := strings.IndexByte(msg, '\n'); i > 0 {
			msg = msg[:i]
		}
		w.note = fmt.Sprintf("skipped: `go test -list '^Benchmark' %s` found no benchmarks (%s)", wasmPkg, orNone(msg))
		return w
	}
	benchtime := "1s"
	var env []string
	if quick {
		benchtime = "1x"
		env = []string{"MERIT_BENCH_QUICK=1"}
	}
	if err := w.run("wasm", env, []string{"test", "-run", "^$", "-bench", ".", "-benchtime", benchtime, "-timeout", "60m", wasmPkg}); err != nil {
		w.failed = fmt.Sprintf("`%s` failed: %v", w.cmds[len(w.cmds)-1], err)
		return w
	}
	hasNative, hasPortable := false, false
	for _, r := range w.rs {
		_, form, _, _ := wasmForm(r.name)
		hasNative = hasNative || form == "native"
		hasPortable = hasPortable || form == "native-portable"
	}
	if hasNative && !hasPortable {
		// The native benchmarks again with the portable kernels, for the self-contained
		// build's goal: `native` as the second or the third segment of the name (a -bench
		// pattern matches each level separately, so one pattern cannot take both).
		for _, pat := range []string{".*/^native$", ".*/.*/^native$"} {
			if err := w.run("wasm-native-generic", append(env, "MERIT_SIMD=generic"),
				[]string{"test", "-run", "^$", "-bench", pat, "-benchtime", benchtime, "-timeout", "60m", wasmPkg}); err != nil {
				w.failed = fmt.Sprintf("`%s` failed: %v", w.cmds[len(w.cmds)-1], err)
				break
			}
		}
	}
	return w
}

// wasmForm splits a benchmark name into the work, the form, and the runtime ("" for
// native). ok is false when no segment names a form.
func wasmForm(name string) (work, form, rt string, ok bool) {
	generic := false
	if rest, cut := strings.CutPrefix(name, "generic:"); cut {
		name, generic = rest, true
	}
	segs := strings.Split(name, "/")
	work = segs[0]
	for _, s := range segs[1:] {
		l := strings.ToLower(s)
		switch {
		case strings.Contains(l, "interp"):
			rt = "interpreter"
		case l == "compiler" || l == "compiled":
			rt = "compiler"
		case l == "native-generic" || l == "native-portable" || l == "portable" || l == "generic" || l == "native-purego":
			form = "native-portable"
		case l == "native" || l == "go":
			form = "native"
		case strings.Contains(l, "pure") || strings.Contains(l, "self"):
			form = "pure"
		case strings.Contains(l, "host") || l == "wasm":
			form = "host"
		default:
			work += "/" + s
		}
	}
	if form == "" {
		return name, "", "", false
	}
	if generic && form == "native" {
		form = "native-portable"
	}
	if form == "host" || form == "pure" {
		if rt == "" {
			rt = "compiler"
		}
	} else {
		rt = ""
	}
	return work, form, rt, true
}

// wasmTable is the forms of each work, in ns/op.
type wasmTable struct {
	works []string
	t     map[string]map[string]float64 // work → "form/runtime" → ns/op
	other []result                      // benchmarks without a form
	gas   []string                      // "name: value unit" calibration lines
}

func (w wasmRun) table() wasmTable {
	tb := wasmTable{t: map[string]map[string]float64{}}
	for _, r := range w.rs {
		work, form, rt, ok := wasmForm(r.name)
		if strings.HasPrefix(r.name, "generic:") && form != "native-portable" {
			continue // the MERIT_SIMD=generic run only supplies native portable times
		}
		for unit, v := range r.metrics {
			if strings.HasSuffix(unit, "/gas") {
				tb.gas = append(tb.gas, fmt.Sprintf("%s: %.4g %s", r.name, v, unit))
			}
		}
		if !ok {
			tb.other = append(tb.other, r)
			continue
		}
		if tb.t[work] == nil {
			tb.t[work] = map[string]float64{}
			tb.works = append(tb.works, work)
		}
		key := form
		if rt != "" {
			key += "/" + rt
		}
		tb.t[work][key] = r.metrics["ns/op"]
	}
	sort.Strings(tb.gas)
	return tb
}

// The engine's work in the WebAssembly benchmarks, by name prefix: goalWorks are what
// issue 5 states its goals for (marginal scoring and KNN-Shapley at MNIST size); midWorks
// are the same at the mid size, held to the same bounds as a stricter check, where a
// call's fixed costs weigh more. Compilation, instantiation and the per-call overhead
// are reported but are not the engine's work.
var (
	goalWorks = []string{"MarginalMNIST", "KNNShapleyMNIST"}
	midWorks  = []string{"Marginal", "KNNShapley"}
)

// isWork reports whether work is one of group's (a prefix, or a prefix and "/…").
func isWork(work string, group []string) bool {
	for _, p := range group {
		if work == p || strings.HasPrefix(work, p+"/") {
			return true
		}
	}
	return false
}

// ratios lists a/b for every work of group that has both.
func (tb wasmTable) ratios(a, b string, group []string) []string {
	var out []string
	for _, w := range tb.works {
		if x, y := tb.t[w][a], tb.t[w][b]; isWork(w, group) && x > 0 && y > 0 {
			out = append(out, fmt.Sprintf("%s %.2f×", w, x/y))
		}
	}
	return out
}

// worstRatio returns the largest a/b over the works of group that have both, and that
// work.
func (tb wasmTable) worstRatio(a, b string, group []string) (float64, string, bool) {
	worst, which, ok := 0.0, "", false
	for _, w := range tb.works {
		if !isWork(w, group) {
			continue
		}
		x, y := tb.t[w][a], tb.t[w][b]
		if x > 0 && y > 0 && x/y > worst {
			worst, which, ok = x/y, w, true
		}
	}
	return worst, which, ok
}

func writeWasm(w io.Writer, wr wasmRun) {
	fmt.Fprintln(w)
	fmt.Fprintln(w, "## WebAssembly")
	fmt.Fprintln(w)
	if wr.note != "" {
		fmt.Fprintf(w, "Not measured in this run — %s. The harness runs every benchmark of the package\n", wr.note)
		fmt.Fprintln(w, "`github.com/meritchain/merit/wasm` once it has some, and relates those whose names carry the form")
		fmt.Fprintln(w, "(`native`, `native-generic`, `host`, `pure`) and runtime (`compiler`, `interpreter`), e.g.")
		fmt.Fprintln(w, "`BenchmarkKNNShapley/host/compiler` (bench/wasm.go).")
		return
	}
	if wr.failed != "" {
		fmt.Fprintf(w, "**The WebAssembly benchmarks failed in this run:** %s (the raw output below has the details).\n\n", wr.failed)
	}
	tb := wr.table()
	fmt.Fprintln(w, "Time per operation of the same engine work in each form: native Go (best SIMD level, and the")
	fmt.Fprintln(w, "portable kernels: MERIT_SIMD=generic), the WebAssembly build that calls the host's kernels")
	fmt.Fprintln(w, "(*host*), and the self-contained build (*pure*), each under wazero's compiler and interpreter,")
	fmt.Fprintln(w, "from the benchmarks of `github.com/meritchain/merit/wasm` (their sizes are set there). Goals")
	fmt.Fprintf(w, "(issue 5), for the engine's work at MNIST size (%s): host (compiler) within 1.5× of\n", strings.Join(goalWorks, ", "))
	fmt.Fprintf(w, "native; pure (compiler) within 6× of native portable; the goals table also holds the mid\n")
	fmt.Fprintf(w, "size (%s) to the same bounds.\n", strings.Join(midWorks, ", "))
	fmt.Fprintln(w)
	cols := []struct{ key, title string }{
		{"native", "native"}, {"native-portable", "native portable"},
		{"host/compiler", "host (compiler)"}, {"pure/compiler", "pure (compiler)"},
		{"host/interpreter", "host (interpreter)"}, {"pure/interpreter", "pure (interpreter)"},
	}
	if len(tb.works) == 0 {
		fmt.Fprintln(w, "No benchmark name gives the form it runs in yet, so there are no ratios: the harness looks for a")
		fmt.Fprintln(w, "segment `native`, `native-generic`, `host` or `pure` (and `compiler` or `interpreter`), e.g.")
		fmt.Fprintln(w, "`BenchmarkKNNShapley/host/compiler` (bench/wasm.go). The package's benchmarks as they are:")
	} else {
		head := "| work |"
		sep := "|---|"
		for _, c := range cols {
			head += " " + c.title + " |"
			sep += "--:|"
		}
		fmt.Fprintln(w, head+" host / native | pure / native portable | interpreter / compiler (host) |")
		fmt.Fprintln(w, sep+"--:|--:|--:|")
		for _, work := range tb.works {
			m := tb.t[work]
			cells := []string{work}
			for _, c := range cols {
				cells = append(cells, durOrDash(m[c.key]))
			}
			cells = append(cells, ratioCell(m["host/compiler"], m["native"]), ratioCell(m["pure/compiler"], m["native-portable"]),
				ratioCell(m["host/interpreter"], m["host/compiler"]))
			fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
		}
	}
	if len(tb.other) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| benchmark | time per op | other metrics |")
		fmt.Fprintln(w, "|---|--:|---|")
		for _, r := range tb.other {
			var extra []string
			for unit, v := range r.metrics {
				if unit != "ns/op" {
					extra = append(extra, fmt.Sprintf("%.4g %s", v, unit))
				}
			}
			sort.Strings(extra)
			fmt.Fprintf(w, "| %s | %s | %s |\n", r.name, dur(r.metrics["ns/op"]), strings.Join(extra, ", "))
		}
	}
	if len(tb.gas) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Gas calibration (time per unit of gas, per operation; the schedule aims at equal cost):")
		fmt.Fprintln(w)
		for _, g := range tb.gas {
			fmt.Fprintf(w, "- %s\n", g)
		}
	}
}

func durOrDash(ns float64) string {
	if ns <= 0 {
		return "–"
	}
	return dur(ns)
}

func ratioCell(a, b float64) string {
	if a <= 0 || b <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", a/b)
}

func orNone(s string) string {
	if s == "" {
		return "no output"
	}
	return s
}
