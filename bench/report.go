package main

import (
	"fmt"
	"io"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/meritchain/merit/simd"
)

var families = []string{"perceptron", "naive-bayes", "centroid", "sparse-centroid", "knn"}

// report is everything one run measured.
type report struct {
	quick, peerFull bool
	cpu             string
	cmds            []string
	rs              []result // go test -bench results
	raw             string
	took            time.Duration
	wasm            wasmRun
	val             *valuation
	scale           []scaleSeries
	plotLink        string // the scaling plot, relative to the report
	throughput      string // the chain's add-data throughput line (chain/e2e TestThroughput)
	markets         []marketRow
	stats           []statRun
}

// statRun is benchstat's summary of one repeated job.
type statRun struct{ title, command, text string }

func (r *report) write(w io.Writer) {
	rs := r.rs
	fmt.Fprintln(w, "# Benchmarks")
	fmt.Fprintln(w)
	if r.quick {
		fmt.Fprintln(w, "**Quick run** (`make bench-quick`): tiny sizes, one iteration — a smoke test of the harness, not a measurement.")
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "Written by `make bench` (`go run ./bench`). Every number comes from the one run recorded here;")
	fmt.Fprintln(w, "absolute times vary between machines, so compare the ratios, which are measured side by side.")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "- Machine: %s, %d cores (GOMAXPROCS %d), %s/%s\n", orUnknown(r.cpu), runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(w, "- Go: %s\n", runtime.Version())
	fmt.Fprintf(w, "- Date: %s; the whole run took %s\n", time.Now().UTC().Format("2006-01-02"), r.took.Round(time.Second))
	fmt.Fprintf(w, "- Kernel level in use for the engine benchmarks: %s\n", kernelLevel())
	if r.val != nil {
		fmt.Fprintf(w, "- Peer: %s\n", r.val.peerEnv)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "```")
	for _, c := range r.cmds {
		fmt.Fprintln(w, c)
	}
	fmt.Fprintln(w, "go run ./bench   # in process: Merit's valuation methods and the scaling runs, timed around each engine call")
	fmt.Fprintln(w, peerPython+" -B "+peerScript+" TASK.json OUT.json   # the peer, once per dataset (bench/peer.go writes the task)")
	fmt.Fprintln(w, "```")

	r.writeGoals(w)
	writeKernels(w, rs)
	r.writeValuation(w)
	r.writeQuality(w)
	r.writeScaling(w)
	writeGasCalibration(w, rs)
	r.writeChain(w)
	for _, s := range r.stats {
		fmt.Fprintln(w)
		fmt.Fprintf(w, "## Confidence intervals: %s\n\n", s.title)
		fmt.Fprintf(w, "The tables above use the median of the repeated runs of `%s`; benchstat gives\n", s.command)
		fmt.Fprintln(w, "each median with its 95% confidence interval.")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "```")
		fmt.Fprint(w, s.text)
		fmt.Fprintln(w, "```")
	}

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
	fmt.Fprintln(w, "Time per sample at the best kernel level, then with the portable kernels (MERIT_SIMD=generic);")
	fmt.Fprintln(w, "KNN stores 2,000 rows.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| family / rows | predict | update | evaluate | predict (generic) | update (generic) | evaluate (generic) |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|")
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
		for _, op := range []string{"Predict", "Update", "Evaluate", "generic:Predict", "generic:Update", "generic:Evaluate"} {
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

	writeWasm(w, r.wasm)

	fmt.Fprintln(w)
	fmt.Fprintln(w, "## Raw output")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "<details><summary>go test -bench output</summary>")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "```")
	fmt.Fprint(w, r.raw)
	fmt.Fprintln(w, "```")
	fmt.Fprintln(w, "</details>")
}

// endToEndRow is one line of the end-to-end table: the same benchmark at the best kernel
// level and with MERIT_SIMD=generic.
type endToEndRow struct{ name, best, generic, unit string }

var endToEndRows = []endToEndRow{
	{"evaluate perceptron (dense)", "Evaluate/perceptron/dense", "generic:Evaluate/perceptron/dense", "ns/sample"},
	{"evaluate nearest centroid (dense)", "Evaluate/centroid/dense", "generic:Evaluate/centroid/dense", "ns/sample"},
	{"evaluate naive Bayes (dense)", "Evaluate/naive-bayes/dense", "generic:Evaluate/naive-bayes/dense", "ns/sample"},
	{"evaluate KNN (dense, 2,000 rows)", "Evaluate/knn/dense", "generic:Evaluate/knn/dense", "ns/sample"},
	{"exact KNN-Shapley (MNIST 60,000 training rows), per test row", "KNNShapley", "generic:KNNShapley", "wall-ns/test"},
}

// writeEndToEnd compares engine work at the best kernel level with MERIT_SIMD=generic.
func writeEndToEnd(w io.Writer, rs []result) {
	fmt.Fprintln(w)
	fmt.Fprintln(w, "## End to end: the best kernel level against MERIT_SIMD=generic")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "The same engine work, once with the kernels this CPU supports and once with the portable")
	fmt.Fprintln(w, "ones (the goal: at least 5× for model evaluation and KNN-Shapley).")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| work | best level | generic | speed-up |")
	fmt.Fprintln(w, "|---|--:|--:|--:|")
	for _, r := range endToEndRows {
		b, ok1 := find(rs, r.best)
		g, ok2 := find(rs, r.generic)
		if !ok1 || !ok2 || b.metrics[r.unit] == 0 {
			continue
		}
		fmt.Fprintf(w, "| %s | %s | %s | %.1f× |\n", r.name, dur(b.metrics[r.unit]), dur(g.metrics[r.unit]), g.metrics[r.unit]/b.metrics[r.unit])
	}
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

// kernelLevel describes the kernel level in use, as `merit version` does.
func kernelLevel() string {
	return fmt.Sprintf("kernels: %s (supported: %s; cpu: %s)", simd.LevelName(), supportedLevels(), strings.Join(simd.Features(), " "))
}

// writeValuation writes the Merit-versus-peer table.
func (r *report) writeValuation(w io.Writer) {
	v := r.val
	if v == nil {
		return
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "## Valuation: Merit against a NumPy/scikit-learn peer")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "The same valuation methods run by Merit (in this process, on every core) and by the peer,")
	fmt.Fprintln(w, "[bench/peer/](bench/peer/): Python with NumPy and scikit-learn from Debian's packages, whose BLAS")
	fmt.Fprintln(w, "and OpenMP threads use every core too. Both value the same integer data: the harness exports the")
	fmt.Fprintln(w, "engine's datasets as `.npy` files. Every method but KNN-Shapley has the test accuracy of a KNN")
	fmt.Fprintf(w, "classifier (K = %d) as its utility, with Merit's rules (neighbours ordered by (distance, index);\n", knnK)
	fmt.Fprintln(w, "a tie between classes goes to the class whose nearest member comes first), which the peer follows;")
	fmt.Fprintln(w, "KNN-Shapley has the paper's utility (the fraction of the K nearest labels that are correct).")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "- **KNN-Shapley** (Jia et al., PVLDB 2019, Theorem 1) as [pyDVL](https://github.com/aai-institute/pyDVL)")
	fmt.Fprintln(w, "  computes it (`pydvl.value.shapley.knn`): scikit-learn's")
	fmt.Fprintln(w, "  `NearestNeighbors(n_neighbors=N).kneighbors` orders every training row for each test row, then")
	fmt.Fprintln(w, "  the recursion runs from the farthest row — vectorised over a batch of test rows with NumPy")
	fmt.Fprintln(w, "  (a reverse cumulative sum) rather than pyDVL's Python loop, and with the brute-force search,")
	fmt.Fprintln(w, "  the faster one when every neighbour is wanted. The row marked *pyDVL's choices* runs")
	fmt.Fprintln(w, "  pyDVL's own: a ball tree (its default above 20 dimensions) and a Python loop per test row.")
	fmt.Fprintln(w, "  scikit-learn breaks distance ties arbitrarily; the peer re-sorts by (distance, index).")
	fmt.Fprintln(w, "- **Leave-one-out**: the K + 1 nearest rows of each test row (scikit-learn `kneighbors`), and the")
	fmt.Fprintln(w, "  vote without each of the first K — the algorithm of Merit's `value.LeaveOneOut`.")
	fmt.Fprintln(w, "- **Marginal (sequential) scores**: the rows added in order to an incremental KNN classifier")
	fmt.Fprintln(w, "  whose per-test-row neighbour lists are updated with NumPy; distances come in blocks of 1,024")
	fmt.Fprintln(w, "  contributions from scikit-learn's `euclidean_distances` (a BLAS matrix product).")
	fmt.Fprintln(w, "- **TMC-Shapley** (Ghorbani & Zou, ICML 2019) and **Banzhaf with maximum sample reuse** (Wang &")
	fmt.Fprintln(w, "  Jia, AISTATS 2023): the peer computes the test-by-training distance matrix once and reuses it for")
	fmt.Fprintln(w, "  every sample; Merit trains a model per sample (its incremental tracker for permutations).")
	fmt.Fprintln(w, "  TMC truncates at 1% of the test rows on both sides.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "**Checks.** Leave-one-out and marginal scores must be identical integers (numerators over T).")
	fmt.Fprintf(w, "KNN-Shapley must agree within %.0e: Merit's fixed point is within 5·10^−13 of the exact values,\n", knnDiffBound)
	fmt.Fprintln(w, "the peer's float64 within rounding. The sampled methods draw different samples (NumPy's generator")
	fmt.Fprintln(w, "against Merit's specified streams), so their values cannot agree bit for bit: for them the table")
	fmt.Fprintln(w, "compares the time for the same number of samples (a ratio of time per sample), and the check column")
	fmt.Fprintln(w, "gives the correlation of the two estimates. A disagreement fails the run.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Times are of the method alone (not loading data or starting Python): the median of repeated runs")
	fmt.Fprintln(w, "for the small problems, one run for the large ones. Speed-up = peer time / Merit time. On the")
	fmt.Fprintln(w, "small datasets the peer's times are mostly the fixed cost of its scikit-learn and NumPy calls.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| method | data | N × T, D | Merit | peer | speed-up | max \\|difference\\| | check |")
	fmt.Fprintln(w, "|---|---|---|--:|--:|--:|--:|---|")
	extrapolated := false
	var slower []string
	// By method (in allMethods' order), then in the order run: growing sizes.
	rows := slices.Clone(v.rows)
	rank := func(title string) int {
		for i, m := range allMethods {
			if strings.HasPrefix(title, methodTitle[m]) {
				return i
			}
		}
		return len(allMethods)
	}
	slices.SortStableFunc(rows, func(a, b cmpRow) int { return rank(a.method) - rank(b.method) })
	for _, row := range rows {
		method := row.method
		if row.samples > 0 {
			method += fmt.Sprintf(" (%d samples)", row.samples)
		}
		peer := secs(row.peer)
		check := row.check
		if row.peerFrom > 0 {
			peer = "≈ " + peer + " *"
			check += fmt.Sprintf(" (on the first %s test rows)", thousands(row.peerFrom))
			extrapolated = true
		}
		if !row.ok {
			check = "**MISMATCH: " + check + "**"
		}
		diff := "–"
		if row.hasDiff {
			diff = fmt.Sprintf("%.1e", row.maxDiff)
			if row.maxDiff == 0 {
				diff = "0"
			}
		}
		up := row.peer.Seconds() / row.merit.Seconds()
		if up < 1 {
			slower = append(slower, fmt.Sprintf("%s on %s (%s)", row.method, row.data, row.size))
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", method, row.data, row.size, secs(row.merit), peer, speedup(up), diff, check)
	}
	if extrapolated {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "\\* The peer ran on the first test rows only (named in the check column; test rows are")
		fmt.Fprintln(w, "independent): its time is the one-off set-up (`fit`) plus its time per test row × T, an")
		fmt.Fprintln(w, "extrapolation. `go run ./bench -peer-full` runs the peer's KNN-Shapley on all of MNIST.")
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Merit's sampled methods spread their samples over every core; the peer's loop over the rows of a")
	fmt.Fprintln(w, "permutation runs on one (NumPy does not thread operations on short vectors).")
	if len(slower) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintf(w, "The peer is faster than Merit on: %s. Its distances come from BLAS matrix products\n", strings.Join(slower, "; "))
		fmt.Fprintln(w, "(float64, blocked for the cache over many rows at once, exact on these integers), and the sampled")
		fmt.Fprintln(w, "methods compute them once and reuse them for every sample. Merit computes exact integer distances")
		fmt.Fprintln(w, "with its kernels as each step needs them: each contribution against the whole test set as it arrives")
		fmt.Fprintln(w, "(marginal scores, TMC: the test set streams from memory once per contribution), every sample's model")
		fmt.Fprintln(w, "from scratch (Banzhaf), and each test row against the whole training set (leave-one-out streams it")
		fmt.Fprintln(w, "once per test row; KNN-Shapley once per 8) — work that more rows per pass, or reused distances, would cut.")
	}
	if p := v.knnPhases; p != nil {
		fmt.Fprintln(w)
		fmt.Fprintf(w, "Where the time goes in KNN-Shapley on MNIST (%s), per test row (wall time; Merit's phases are\n", p.size)
		fmt.Fprintln(w, "its worker time divided by its workers):")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| phase | Merit | peer |")
		fmt.Fprintln(w, "|---|--:|--:|")
		fmt.Fprintf(w, "| distances and ordering | %s (distances) + %s (radix sort) | %s (`kneighbors`) + %s (ties re-sorted) |\n",
			dur(p.meritDist), dur(p.meritSort), dur(p.peerKNN), dur(p.peerTies))
		fmt.Fprintf(w, "| recursion and sums | %s | %s |\n", dur(p.meritRec), dur(p.peerRec))
		fmt.Fprintf(w, "| total | %s | %s |\n", dur(p.meritWall), dur(p.peerWall))
	}
}

// knnPhases compares where KNN-Shapley's time goes, per test row in nanoseconds.
type knnPhases struct {
	size                                      string
	meritDist, meritSort, meritRec, meritWall float64
	peerKNN, peerTies, peerRec, peerWall      float64
}

// writeQuality writes the noisy-label detection table.
func (r *report) writeQuality(w io.Writer) {
	if r.val == nil || len(r.val.quality) == 0 {
		return
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "## Valuation quality: noisy-label detection")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%d%% of the training labels flipped (`dataset.FlipLabels`, seed %d), every row of the noisy training\n", 100*noiseNum/noiseDen, noiseSeed)
	fmt.Fprintln(w, "set valued, and the values scored by `value.DetectNoisyLabels`: the ROC AUC of ranking rows by")
	fmt.Fprintf(w, "ascending value (0.5 is chance, 1 perfect) and the F1 of flagging the lowest %d%% — beside the time\n", 100*noiseNum/noiseDen)
	fmt.Fprintln(w, "each method took (the same runs as the table above). The peer's values are scored the same way: for the")
	fmt.Fprintln(w, "exact methods they are Merit's; for the sampled ones they show that the two estimators are as good.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| data | N × T, D | method | AUC | F1 | Merit time | peer AUC | peer F1 | peer time |")
	fmt.Fprintln(w, "|---|---|---|--:|--:|--:|--:|--:|--:|")
	for _, q := range r.val.quality {
		fmt.Fprintf(w, "| %s | %s | %s | %.3f | %.3f | %s | %.3f | %.3f | %s |\n", q.data, q.size, q.method, q.auc, q.f1, secs(q.merit), q.peerAUC, q.peerF1, secs(q.peer))
	}
}

// writeScaling writes the scaling table and links the plot.
func (r *report) writeScaling(w io.Writer) {
	if len(r.scale) == 0 {
		return
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "## Scaling")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Merit's time on MNIST as one size doubles and the others stay fixed: N training rows, T test")
	fmt.Fprintln(w, "rows, D dimensions (D < 784 takes evenly spaced pixel columns). The exponent is the least-squares")
	fmt.Fprintln(w, "slope of log time against log size, so the complexity claims can be read off: 1 is linear.")
	fmt.Fprintln(w, "Marginal scoring is the knn family's (`value.Marginal`). A cost that does not grow with the varied")
	fmt.Fprintln(w, "size lowers its exponent at the small end: validating the inputs (O(N·D) per call) for T, and")
	fmt.Fprintln(w, "each contribution's own model update (O(D)) for the marginal scores' T.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| method | varied | fixed | sizes | times | exponent | expected |")
	fmt.Fprintln(w, "|---|---|---|---|---|--:|---|")
	for _, s := range r.scale {
		var xs, ts []string
		for i := range s.x {
			xs = append(xs, thousands(int(s.x[i])))
			ts = append(ts, dur(float64(s.t[i].Nanoseconds())))
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %.2f | %s |\n", methodTitle[s.method], s.varied, s.fixed, strings.Join(xs, ", "), strings.Join(ts, ", "), s.slope, s.expect)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "![Scaling plot: time against N, T and D on log-log axes](%s)\n", r.plotLink)
}

// secs formats a duration for the tables: three significant digits.
func secs(d time.Duration) string { return dur(float64(d.Nanoseconds())) }

// speedup formats a ratio.
func speedup(x float64) string {
	switch {
	case x >= 100:
		return fmt.Sprintf("%.0f×", x)
	case x >= 10:
		return fmt.Sprintf("%.1f×", x)
	}
	return fmt.Sprintf("%.2f×", x)
}
