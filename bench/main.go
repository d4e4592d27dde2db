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
	knnTrain, knnTest := "60000", "10000"
	if quick {
		benchtime = "1x"
		contrib, test, naive = "200", "200", "1x"
		knnTrain, knnTest = "2000", "20"
	}
	return []job{
		{title: "models", args: []string{"test", "-run", "^$", "-bench", "^Benchmark(Predict|Update|Evaluate)$", "-benchtime", benchtime, "./engine/model/"}},
		{title: "marginal-incremental", env: []string{"MERIT_BENCH_CONTRIB=" + contrib, "MERIT_BENCH_TEST=" + test},
			args: []string{"test", "-run", "^$", "-bench", "^BenchmarkMarginal$/./^incremental$", "-benchtime", "1x", "-timeout", "60m", "./engine/value/"}},
		{title: "marginal-naive", env: []string{"MERIT_BENCH_CONTRIB=" + contrib, "MERIT_BENCH_TEST=" + test},
			args: []string{"test", "-run", "^$", "-bench", "^BenchmarkMarginal$/./^naive$", "-benchtime", naive, "-timeout", "60m", "./engine/value/"}},
		{title: "knn-shapley", env: []string{"MERIT_BENCH_KNN_TRAIN=" + knnTrain, "MERIT_BENCH_KNN_TEST=" + knnTest},
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
	fmt.Fprintln(w, "- Kernels: the portable Go kernels (simd/)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "```")
	for _, c := range cmds {
		fmt.Fprintln(w, c)
	}
	fmt.Fprintln(w, "```")

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
		fmt.Fprintf(w, "\nAt this rate 10,000 test rows take %.0f s of wall time. The goal, once the SIMD kernels land,\n", m["s/10k-test"])
		fmt.Fprintln(w, "is under 60 s on 2 cores; with the portable kernels the distance computation dominates.")
	}

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

func orUnknown(s string) string {
	if s == "" {
		return "unknown CPU"
	}
	return s
}
