// Command bench runs Merit's benchmark suite and rewrites BENCHMARKS.md: the machine, the
// exact commands, and tables of ratios measured in the same run (absolute times vary
// between machines; ratios are what carry over).
//
// Usage (from the repository root; `make bench` and `make bench-quick` run it):
//
//	go run ./bench [-quick] [-out BENCHMARKS.md] [-plot docs/bench/scaling.png] [-peer-full]
//	go run ./bench -peer-deps
//
// It runs, in order:
//
//   - `go test -bench` over the kernels (simd/), the models and the valuation methods, at
//     the best kernel level and with MERIT_SIMD=generic (main.go: jobs);
//   - the benchmarks of the WebAssembly package, if it has any (wasm.go);
//   - in this process, Merit's valuation methods against the peer — the same methods in
//     Python with NumPy and scikit-learn (bench/peer/), on the same data exported as .npy —
//     checking that both give the same values (compare.go, peer.go);
//   - the scaling of KNN-Shapley and marginal scoring in N, T and D, with a PNG plot
//     (scaling.go);
//
// and writes the report (report.go, goals.go). The peer's Debian packages are installed
// with apt-get when missing and the harness runs as root; otherwise it stops and says
// what to install.
//
// -quick runs everything once at tiny sizes, as a smoke test of the harness (CI runs it).
// -peer-full runs the peer's KNN-Shapley on the whole MNIST problem instead of
// extrapolating from its first 1,000 test rows (a few minutes more). -peer-deps only
// checks or installs the peer's packages (`make bench-deps`, which CI runs).
// If Merit and the peer disagree, or the WebAssembly benchmarks fail, the report is still
// written, and then the command fails.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// result is one parsed benchmark line: its name (without the -N GOMAXPROCS suffix) and
// its metrics by unit.
type result struct {
	name    string
	metrics map[string]float64
}

// job is one `go test -bench` invocation.
type job struct {
	title string
	tag   string // prefixed to the job's benchmark names ("generic:"), to tell runs apart
	dir   string // directory to run in (another Go module: chain); "" is the repository root
	env   []string
	args  []string
	// stat marks a job whose benchmarks run -count times: its results are the medians, and
	// benchstat reports their confidence intervals.
	stat bool
}

func (j job) command() string {
	c := strings.TrimSpace(strings.Join(j.env, " ") + " go " + strings.Join(j.args, " "))
	if j.dir != "" {
		c = "(cd " + j.dir + " && " + c + ")"
	}
	return c
}

// options are the command-line flags.
type options struct {
	quick    bool
	out      string
	plot     string
	peerFull bool
	peerDeps bool
}

func main() {
	var o options
	flag.BoolVar(&o.quick, "quick", false, "tiny sizes, one iteration each: a smoke test of the harness")
	flag.StringVar(&o.out, "out", "BENCHMARKS.md", "file to write")
	flag.StringVar(&o.plot, "plot", "", "scaling plot (PNG) to write; default docs/bench/scaling.png beside -out, or OUT.scaling.png with -quick")
	flag.BoolVar(&o.peerFull, "peer-full", false, "run the peer's KNN-Shapley on all 10,000 MNIST test rows instead of extrapolating from 1,000")
	flag.BoolVar(&o.peerDeps, "peer-deps", false, "only check (as root: install) the peer's Debian packages, then exit")
	flag.Parse()
	if o.peerDeps {
		if err := ensurePeer(); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		fmt.Fprintln(os.Stderr, "bench: the peer's packages are installed ("+strings.Join(peerPackages, ", ")+")")
		return
	}
	if o.plot == "" {
		if o.quick {
			o.plot = strings.TrimSuffix(o.out, ".md") + ".scaling.png"
		} else {
			o.plot = filepath.Join(filepath.Dir(o.out), "docs", "bench", "scaling.png")
		}
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func jobs(quick bool) []job {
	benchtime := "1s"
	contrib, test, naive := "10000", "10000", "3x"
	knnTrain, knnTest, knnGenericTest := "60000", "10000", "300"
	if quick {
		benchtime = "1x"
		contrib, test, naive = "200", "200", "1x"
		knnTrain, knnTest, knnGenericTest = "2000", "20", "20"
	}
	kernelTime, count := "100ms", "6"
	calibTime, addData, txs := "3x", "20x", "300"
	markets := "1000x1000,3000x3000,10000x10000"
	if quick {
		kernelTime, count = "1x", "2"
		calibTime, addData, txs = "1x", "1x", "20"
		markets = "100x100,300x300"
	}
	return []job{
		{title: "kernels", stat: true, args: []string{"test", "-run", "^$", "-bench", "^Benchmark(Kernel|Stream|GonumDot)$", "-benchtime", kernelTime, "-count", count, "./simd/"}},
		{title: "models", stat: true, args: []string{"test", "-run", "^$", "-bench", "^Benchmark(Predict|Update|Evaluate)$", "-benchtime", benchtime, "-count", count, "./engine/model/"}},
		{title: "marginal-incremental", env: []string{"MERIT_BENCH_CONTRIB=" + contrib, "MERIT_BENCH_TEST=" + test},
			args: []string{"test", "-run", "^$", "-bench", "^BenchmarkMarginal$/./^incremental$", "-benchtime", "1x", "-timeout", "60m", "./engine/value/"}},
		{title: "marginal-naive", env: []string{"MERIT_BENCH_CONTRIB=" + contrib, "MERIT_BENCH_TEST=" + test},
			args: []string{"test", "-run", "^$", "-bench", "^BenchmarkMarginal$/./^naive$", "-benchtime", naive, "-timeout", "60m", "./engine/value/"}},
		{title: "knn-shapley", env: []string{"MERIT_BENCH_KNN_TRAIN=" + knnTrain, "MERIT_BENCH_KNN_TEST=" + knnTest},
			args: []string{"test", "-run", "^$", "-bench", "^BenchmarkKNNShapley$", "-benchtime", "1x", "-timeout", "60m", "./engine/value/"}},
		// The same engine work with the portable kernels, for the end-to-end speed-up of the
		// SIMD levels (KNN-Shapley on fewer test rows: its cost per test row is constant).
		{title: "models-generic", tag: "generic:", env: []string{"MERIT_SIMD=generic"},
			args: []string{"test", "-run", "^$", "-bench", "^Benchmark(Predict|Update|Evaluate)$", "-benchtime", benchtime, "./engine/model/"}},
		{title: "knn-shapley-generic", tag: "generic:", env: []string{"MERIT_SIMD=generic", "MERIT_BENCH_KNN_TRAIN=" + knnTrain, "MERIT_BENCH_KNN_TEST=" + knnGenericTest},
			args: []string{"test", "-run", "^$", "-bench", "^BenchmarkKNNShapley$", "-benchtime", "1x", "-timeout", "60m", "./engine/value/"}},
		// The gas schedule's calibration: native time per unit of gas of every op.
		{title: "gas-calibration", args: []string{"test", "-run", "^$", "-bench", "^BenchmarkGasCalibration$", "-benchtime", calibTime, "./engine/abi/"}},
		// The appchain: one add-data message in the keeper (engine gas, SDK gas, the engine's
		// share of the time), and add-data throughput of a real one-validator node.
		{title: "chain-add-data", dir: "chain", args: []string{"test", "-run", "^$", "-bench", "^BenchmarkAddData$", "-benchtime", addData, "./x/merit/keeper/"}},
		{title: "chain-throughput", dir: "chain", env: []string{"MERIT_CHAIN_BENCH=" + txs},
			args: []string{"test", "-count=1", "-run", "^TestThroughput$", "-v", "-timeout", "20m", "./e2e/"}},
		// A prediction market's rewards, block by block, at growing sizes.
		{title: "chain-markets", dir: "chain", env: []string{"MERIT_MARKET_BENCH=" + markets},
			args: []string{"test", "-count=1", "-run", "^TestMarketScale$", "-v", "-timeout", "60m", "./x/merit/keeper/"}},
	}
}

func run(o options) error {
	start := time.Now()
	// The peer's packages first: a machine that cannot run it fails now, not after the
	// Go benchmarks.
	if err := ensurePeer(); err != nil {
		return err
	}
	r := &report{quick: o.quick, peerFull: o.peerFull}
	var raw bytes.Buffer
	for _, j := range jobs(o.quick) {
		fmt.Fprintf(os.Stderr, "== %s: %s\n", j.title, j.command())
		r.cmds = append(r.cmds, j.command())
		cmd := exec.Command("go", j.args...)
		cmd.Dir = j.dir
		cmd.Env = append(os.Environ(), j.env...)
		var buf bytes.Buffer
		cmd.Stdout = io.MultiWriter(&buf, os.Stderr)
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s: %w", j.command(), err)
		}
		raw.WriteString("$ " + j.command() + "\n" + buf.String())
		rs, c := parse(buf.String())
		if j.stat {
			rs = medians(rs)
			st, err := benchstat(buf.String())
			if err != nil {
				return fmt.Errorf("benchstat: %w", err)
			}
			r.stats = append(r.stats, statRun{title: j.title, command: j.command(), text: st})
		}
		for i := range rs {
			rs[i].name = j.tag + rs[i].name
		}
		if c != "" {
			r.cpu = c
		}
		if m := throughputRE.FindStringSubmatch(buf.String()); m != nil {
			r.throughput = m[0]
		}
		r.markets = append(r.markets, parseMarkets(buf.String())...)
		r.rs = append(r.rs, rs...)
	}

	wr := runWasm(o.quick)
	r.wasm = wr
	r.cmds = append(r.cmds, wr.cmds...)
	raw.WriteString(wr.raw)
	r.raw = raw.String()

	fmt.Fprintln(os.Stderr, "== valuation: Merit against the NumPy/scikit-learn peer")
	var err error
	if r.val, err = runValuation(o.quick, o.peerFull); err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, "== scaling")
	if r.scale, err = scaling(o.quick); err != nil {
		return err
	}
	if err := writeScalingPlot(o.plot, r.scale); err != nil {
		return err
	}
	if r.plotLink, err = filepath.Rel(filepath.Dir(o.out), o.plot); err != nil {
		r.plotLink = o.plot
	}
	r.plotLink = filepath.ToSlash(r.plotLink)

	r.took = time.Since(start)
	var doc bytes.Buffer
	r.write(&doc)
	if err := os.WriteFile(o.out, doc.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %s and %s in %s\n", o.out, o.plot, time.Since(start).Round(time.Second))
	var errs []string
	if len(r.val.failed) > 0 {
		errs = append(errs, "Merit and the peer disagree:\n  "+strings.Join(r.val.failed, "\n  "))
	}
	if wr.failed != "" {
		errs = append(errs, "WebAssembly benchmarks: "+wr.failed)
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "\n"))
	}
	return nil
}

// parse reads `go test -bench` output: benchmark lines and the cpu: line.
func parse(text string) ([]result, string) {
	var rs []result
	cpu := ""
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := sc.Text()
		if c, ok := strings.CutPrefix(line, "cpu: "); ok {
			cpu = c
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := f[0]
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i]
			}
		}
		r := result{name: strings.TrimPrefix(name, "Benchmark"), metrics: map[string]float64{}}
		for i := 2; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				r.metrics[f[i+1]] = v
			}
		}
		rs = append(rs, r)
	}
	return rs, cpu
}

// medians merges the results of repeated runs (-count): one result per name, in first
// appearance order, each metric the median of its runs.
func medians(rs []result) []result {
	var order []string
	runs := map[string][]result{}
	for _, r := range rs {
		if _, ok := runs[r.name]; !ok {
			order = append(order, r.name)
		}
		runs[r.name] = append(runs[r.name], r)
	}
	out := make([]result, 0, len(order))
	for _, name := range order {
		m := result{name: name, metrics: map[string]float64{}}
		for unit := range runs[name][0].metrics {
			var vs []float64
			for _, r := range runs[name] {
				if v, ok := r.metrics[unit]; ok {
					vs = append(vs, v)
				}
			}
			slices.Sort(vs)
			m.metrics[unit] = vs[len(vs)/2]
		}
		out = append(out, m)
	}
	return out
}

// benchstatVersion is the benchstat the harness runs (go run, from the module proxy; it
// never enters go.mod).
const benchstatVersion = "golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da"

// benchstat returns benchstat's summary (medians with 95% confidence intervals) of a
// `go test -bench -count N` output.
func benchstat(out string) (string, error) {
	f, err := os.CreateTemp("", "merit-bench-*.txt")
	if err != nil {
		return "", err
	}
	defer os.Remove(f.Name())
	if _, err := f.WriteString(out); err != nil {
		return "", err
	}
	f.Close()
	cmd := exec.Command("go", "run", benchstatVersion, f.Name())
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", err
	}
	return stdout.String(), nil
}

func find(rs []result, name string) (result, bool) {
	for _, r := range rs {
		if r.name == name {
			return r, true
		}
	}
	return result{}, false
}

func dur(ns float64) string {
	return time.Duration(ns).Round(time.Duration(max(1, pow10(int(ns))))).String()
}

// pow10 returns a rounding unit keeping about three significant digits of ns.
func pow10(ns int) int {
	u := 1
	for ns >= 1000 {
		ns /= 10
		u *= 10
	}
	return u
}
