// Command bench runs Merit's benchmark suite and rewrites BENCHMARKS.md: the machine, the
// exact commands, and tables of ratios measured in the same run (absolute times vary
// between machines; ratios are what carry over).
//
// Usage (from the repository root; `make bench` and `make bench-quick` run it):
//
//	go run ./bench [-quick] [-out BENCHMARKS.md]
//
// -quick runs every benchmark once at small sizes, as a smoke test of the harness.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"sort"
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
	env   []string
	args  []string
}

func (j job) command() string {
	return strings.TrimSpace(strings.Join(j.env, " ") + " go " + strings.Join(j.args, " "))
}

func main() {
	quick := flag.Bool("quick", false, "small sizes, one iteration each: a smoke test of the harness")
	out := flag.String("out", "BENCHMARKS.md", "file to write")
	flag.Parse()
	if err := run(*quick, *out); err != nil {
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
	kernelTime := "300ms"
	if quick {
		kernelTime = "1x"
	}
	return []job{
		{title: "kernels", args: []string{"test", "-run", "^$", "-bench", "^Benchmark(Kernel|Stream|GonumDot)$", "-benchtime", kernelTime, "./simd/"}},
		{title: "models", args: []string{"test", "-run", "^$", "-bench", "^Benchmark(Predict|Update|Evaluate)$", "-benchtime", benchtime, "./engine/model/"}},
		{title: "marginal-incremental", env: []string{"MERIT_BENCH_CONTRIB=" + contrib, "MERIT_BENCH_TEST=" + test},
			args: []string{"test", "-run", "^$", "-bench", "^BenchmarkMarginal$/./^incremental$", "-benchtime", "1x", "-timeout", "60m", "./engine/value/"}},
		{title: "marginal-naive", env: []string{"MERIT_BENCH_CONTRIB=" + contrib, "MERIT_BENCH_TEST=" + test},
			args: []string{"test", "-run", "^$", "-bench", "^BenchmarkMarginal$/./^naive$", "-benchtime", naive, "-timeout", "60m", "./engine/value/"}},
		{title: "knn-shapley", env: []string{"MERIT_BENCH_KNN_TRAIN=" + knnTrain, "MERIT_BENCH_KNN_TEST=" + knnTest},
			args: []string{"test", "-run", "^$", "-bench", "^BenchmarkKNNShapley$", "-benchtime", "1x", "-timeout", "60m", "./engine/value/"}},
		// The same engine work with the portable kernels, for the end-to-end speed-up of the
		// SIMD levels (KNN-Shapley on fewer test rows: its cost per test row is constant).
		{title: "models-generic", tag: "generic:", env: []string{"MERIT_SIMD=generic"},
			args: []string{"test", "-run", "^$", "-bench", "^BenchmarkEvaluate$", "-benchtime", benchtime, "./engine/model/"}},
		{title: "knn-shapley-generic", tag: "generic:", env: []string{"MERIT_SIMD=generic", "MERIT_BENCH_KNN_TRAIN=" + knnTrain, "MERIT_BENCH_KNN_TEST=" + knnGenericTest},
			args: []string{"test", "-run", "^$", "-bench", "^BenchmarkKNNShapley$", "-benchtime", "1x", "-timeout", "60m", "./engine/value/"}},
	}
}

func run(quick bool, out string) error {
	start := time.Now()
	var all []result
	var raw bytes.Buffer
	var cmds []string
	cpu := ""
	for _, j := range jobs(quick) {
		fmt.Fprintf(os.Stderr, "== %s: %s\n", j.title, j.command())
		cmds = append(cmds, j.command())
		cmd := exec.Command("go", j.args...)
		cmd.Env = append(os.Environ(), j.env...)
		var buf bytes.Buffer
		cmd.Stdout = io.MultiWriter(&buf, os.Stderr)
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s: %w", j.command(), err)
		}
		raw.WriteString("$ " + j.command() + "\n" + buf.String())
		rs, c := parse(buf.String())
		for i := range rs {
			rs[i].name = j.tag + rs[i].name
		}
		if c != "" {
			cpu = c
		}
		all = append(all, rs...)
	}
	var doc bytes.Buffer
	write(&doc, quick, cpu, cmds, all, raw.String(), time.Since(start))
	if err := os.WriteFile(out, doc.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %s in %s\n", out, time.Since(start).Round(time.Second))
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

var families = []string{"perceptron", "naive-bayes", "centroid", "sparse-centroid", "knn"}

func write(w io.Writer, quick bool, cpu string, cmds []string, rs []result, raw string, took time.Duration) {
	fmt.Fprintln(w, "# Benchmarks")
	fmt.Fprintln(w)
	if quick {
		fmt.Fprintln(w, "**Quick run** (`make bench-quick`): tiny sizes, one iteration — a smoke test of the harness, not a measurement.")
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "Written by `make bench` (`go run ./bench`). Every number comes from the one run recorded here;")
	fmt.Fprintln(w, "absolute times vary between machines, so compare the ratios, which are measured side by side.")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "- Machine: %s, %d cores (GOMAXPROCS %d), %s/%s\n", orUnknown(cpu), runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(w, "- Go: %s\n", runtime.Version())
	fmt.Fprintf(w, "- Date: %s; the whole run took %s\n", time.Now().UTC().Format("2006-01-02"), took.Round(time.Second))
	fmt.Fprintf(w, "- Kernel level in use for the engine benchmarks: %s\n", kernelLevel())
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "```")
	for _, c := range cmds {
		fmt.Fprintln(w, c)
	}
	fmt.Fprintln(w, "```")

	writeKernels(w, rs)

	fmt.Fprintln(w)
	fmt.Fprintln(w, "## Incremental versus naive marginal scoring (MNIST)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Sequential marginal scores of the first MNIST training images as contributions, against the")
	fmt.Fprintln(w, "first MNIST test images (sizes in the commands). *Incremental* is a whole `value.Marginal` run")
	fmt.Fprintln(w, "divided by the number of contributions; *naive* re-evaluates the whole test set after one")
	fmt.Fprintln(w, "contribution from the middle of the sequence (`value.MarginalNaive`'s cost per contribution). The")
	fmt.Fprintln(w, "goal is a speed-up of at least 5× for every family.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| family | incremental per contribution | naive per contribution | speed-up |")
	fmt.Fprintln(w, "|---|--:|--:|--:|")
	for _, f := range families {
		inc, ok1 := find(rs, "Marginal/"+f+"/incremental")
		nai, ok2 := find(rs, "Marginal/"+f+"/naive")
		if !ok1 || !ok2 {
			continue
		}
		a, b := inc.metrics["ns/contribution"], nai.metrics["ns/contribution"]
		fmt.Fprintf(w, "| %s | %s | %s | %.0f× |\n", f, dur(a), dur(b), b/a)
	}

	fmt.Fprintln(w)
	fmt.Fprintln(w, "## Exact KNN-Shapley (MNIST, K = 5)")
	fmt.Fprintln(w)
	if r, ok := find(rs, "KNNShapley"); ok {
		m := r.metrics
		total := m["dist-ns/test"] + m["sort-ns/test"] + m["rec-ns/test"]
		fmt.Fprintf(w, "%.0f training rows; the run's wall time: %s (%s per test row, %.0f workers).\n\n",
			m["train-rows"], dur(m["ns/op"]), dur(m["wall-ns/test"]), m["workers"])
		fmt.Fprintln(w, "| phase | worker time per test row | share |")
		fmt.Fprintln(w, "|---|--:|--:|")
		for _, p := range []struct{ name, unit string }{{"distances", "dist-ns/test"}, {"sorting", "sort-ns/test"}, {"recursion", "rec-ns/test"}} {
			fmt.Fprintf(w, "| %s | %s | %.1f%% |\n", p.name, dur(m[p.unit]), 100*m[p.unit]/total)
		}
		fmt.Fprintf(w, "\nAt this rate 10,000 test rows take %.0f s of wall time (the goal: under 60 s on 2 cores).\n", m["s/10k-test"])
	}

	writeEndToEnd(w, rs)

	fmt.Fprintln(w)
	fmt.Fprintln(w, "## Models (MNIST-shaped data: 784 dims, 10 classes, values 0..255)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Nanoseconds per sample; KNN stores 2,000 rows.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| family / rows | predict | update | evaluate |")
	fmt.Fprintln(w, "|---|--:|--:|--:|")
	var variants []string
	seen := map[string]bool{}
	for _, r := range rs {
		if v, ok := strings.CutPrefix(r.name, "Predict/"); ok && !seen[v] {
			seen[v] = true
			variants = append(variants, v)
		}
	}
	sort.Strings(variants)
	for _, v := range variants {
		cells := []string{v}
		for _, op := range []string{"Predict", "Update", "Evaluate"} {
			c := "–"
			if r, ok := find(rs, op+"/"+v); ok {
				if ns, ok := r.metrics["ns/sample"]; ok {
					c = dur(ns)
				} else {
					c = dur(r.metrics["ns/op"])
				}
			}
			cells = append(cells, c)
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	}

	fmt.Fprintln(w)
	fmt.Fprintln(w, "## Raw output")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "<details><summary>go test -bench output</summary>")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "```")
	fmt.Fprint(w, raw)
	fmt.Fprintln(w, "```")
	fmt.Fprintln(w, "</details>")
}

// writeEndToEnd compares engine work at the best kernel level with MERIT_SIMD=generic.
func writeEndToEnd(w io.Writer, rs []result) {
	type row struct{ name, best, generic, unit string }
	rows := []row{
		{"evaluate perceptron (dense)", "Evaluate/perceptron/dense", "generic:Evaluate/perceptron/dense", "ns/sample"},
		{"evaluate nearest centroid (dense)", "Evaluate/centroid/dense", "generic:Evaluate/centroid/dense", "ns/sample"},
		{"evaluate naive Bayes (dense)", "Evaluate/naive-bayes/dense", "generic:Evaluate/naive-bayes/dense", "ns/sample"},
		{"evaluate KNN (dense, 2,000 rows)", "Evaluate/knn/dense", "generic:Evaluate/knn/dense", "ns/sample"},
		{"exact KNN-Shapley (MNIST 60,000 training rows), per test row", "KNNShapley", "generic:KNNShapley", "wall-ns/test"},
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "## End to end: the best kernel level against MERIT_SIMD=generic")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "The same engine work, once with the kernels this CPU supports and once with the portable")
	fmt.Fprintln(w, "ones (the goal: at least 5× for model evaluation and KNN-Shapley).")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| work | best level | generic | speed-up |")
	fmt.Fprintln(w, "|---|--:|--:|--:|")
	for _, r := range rows {
		b, ok1 := find(rs, r.best)
		g, ok2 := find(rs, r.generic)
		if !ok1 || !ok2 || b.metrics[r.unit] == 0 {
			continue
		}
		fmt.Fprintf(w, "| %s | %s | %s | %.1f× |\n", r.name, dur(b.metrics[r.unit]), dur(g.metrics[r.unit]), g.metrics[r.unit]/b.metrics[r.unit])
	}
}

// kernelLevel asks the merit command which kernel level this machine uses.
func kernelLevel() string {
	out, err := exec.Command("go", "run", "./cmd/merit", "version").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}

// writeKernels writes the kernel table: GB/s per level and size, the speed-up over the
// portable level measured in the same run, and the DRAM throughput as a fraction of the
// fastest streaming read (the memory-bandwidth anchor).
func writeKernels(w io.Writer, rs []result) {
	sizes := []string{"L1", "L2", "DRAM"}
	gbs := func(name string) (float64, bool) {
		r, ok := find(rs, name)
		if !ok {
			return 0, false
		}
		v, ok := r.metrics["MB/s"]
		return v / 1000, ok
	}
	anchor := map[string]float64{}
	anchorName := map[string]string{}
	for _, r := range rs {
		rest, ok := strings.CutPrefix(r.name, "Stream/read-")
		if !ok {
			continue
		}
		how, size, _ := strings.Cut(rest, "/")
		if v := r.metrics["MB/s"] / 1000; v > anchor[size] {
			anchor[size], anchorName[size] = v, how
		}
	}
	var kernels, levels []string
	seenK, seenL := map[string]bool{}, map[string]bool{}
	for _, r := range rs {
		rest, ok := strings.CutPrefix(r.name, "Kernel/")
		if !ok {
			continue
		}
		parts := strings.Split(rest, "/")
		if len(parts) != 3 {
			continue
		}
		if !seenK[parts[0]] {
			seenK[parts[0]] = true
			kernels = append(kernels, parts[0])
		}
		if !seenL[parts[1]] {
			seenL[parts[1]] = true
			levels = append(levels, parts[1])
		}
	}
	if len(kernels) == 0 {
		return
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "## Kernels (simd/)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Throughput in GB/s of the bytes each kernel reads and writes, at working sets that sit in L1")
	fmt.Fprintln(w, "(1 KiB), L2 (256 KiB) and DRAM (64 MiB); the speed-up over the portable Go loop (generic) at")
	fmt.Fprintln(w, "each size; and the DRAM throughput as a fraction of the fastest streaming read measured in the")
	fmt.Fprintf(w, "same run (%.1f GB/s, %s). Every level gives bit-identical results (simd tests).\n", anchor["DRAM"], anchorName["DRAM"])
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| kernel | level | L1 GB/s | L2 GB/s | DRAM GB/s | speed-up L1 / L2 / DRAM | DRAM / read bandwidth |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|--:|")
	for _, k := range kernels {
		for _, l := range levels {
			cells := []string{k, l}
			var ups []string
			ok := false
			for _, sz := range sizes {
				v, has := gbs("Kernel/" + k + "/" + l + "/" + sz)
				if !has {
					cells = append(cells, "–")
					ups = append(ups, "–")
					continue
				}
				ok = true
				cells = append(cells, fmt.Sprintf("%.1f", v))
				if g, hasG := gbs("Kernel/" + k + "/generic/" + sz); hasG && g > 0 {
					ups = append(ups, fmt.Sprintf("%.1f×", v/g))
				} else {
					ups = append(ups, "–")
				}
			}
			if !ok {
				continue
			}
			cells = append(cells, strings.Join(ups, " / "))
			if v, has := gbs("Kernel/" + k + "/" + l + "/DRAM"); has && anchor["DRAM"] > 0 {
				cells = append(cells, fmt.Sprintf("%.0f%%", 100*v/anchor["DRAM"]))
			} else {
				cells = append(cells, "–")
			}
			fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
		}
	}
	if _, ok := gbs("GonumDot/L1"); ok {
		cells := []string{"Dot", "gonum floats.Dot (float64)"}
		var ups []string
		for _, sz := range sizes {
			v, _ := gbs("GonumDot/" + sz)
			cells = append(cells, fmt.Sprintf("%.1f", v))
			if g, ok := gbs("Kernel/Dot/generic/" + sz); ok && g > 0 {
				ups = append(ups, fmt.Sprintf("%.1f×", v/g))
			}
		}
		cells = append(cells, strings.Join(ups, " / "), "–")
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
		fmt.Fprintln(w)
		fmt.Fprintln(w, "The gonum row is the peer a Go user would otherwise use: float64 `floats.Dot` on the same")
		fmt.Fprintln(w, "element counts (its GB/s counts 8 bytes per element, like the int32 kernels, so rows compare")
		fmt.Fprintln(w, "as element rates).")
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Streaming-read anchors (GB/s):")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| read | L1 | L2 | DRAM |")
	fmt.Fprintln(w, "|---|--:|--:|--:|")
	for _, how := range []string{"go", "avx2", "avx512", "neon"} {
		cells := []string{how}
		any := false
		for _, sz := range sizes {
			if v, ok := gbs("Stream/read-" + how + "/" + sz); ok {
				cells = append(cells, fmt.Sprintf("%.1f", v))
				any = true
			} else {
				cells = append(cells, "–")
			}
		}
		if any {
			fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
		}
	}
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown CPU"
	}
	return s
}
