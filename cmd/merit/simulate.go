package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/engine/model"
	"github.com/meritchain/merit/engine/sim"
)

func runSimulate(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("simulate", "simulate [--data FILE] [--model FAMILY] [--im drt|points|market] [--out DIR] [--json]\n\n"+
		"Runs the collaborative-training simulation (docs/SIMULATION.md): an owner trains an initial\n"+
		"model on a tenth of the data; honest agents, label flippers, a duplicate spammer and a lazy\n"+
		"copier then add the rest over simulated time under an incentive mechanism, and every\n"+
		"contribution updates the model. It prints the final accuracy against the all-data baseline,\n"+
		"each agent's balance change and how well the mechanism caught the bad contributions, and\n"+
		"writes PNG plots (accuracy and balances over time) and result.json to --out.\n\n"+
		"Example:\n  merit simulate --data testdata/digits.csv.gz --model perceptron --im drt", stdout)
	dataSpec := fs.String("data", "testdata/digits.csv.gz", "dataset; a seeded --test-fraction of it is held out as the test set")
	testFrac := fs.String("test-fraction", "0.25", "fraction of --data held out as the test set")
	family := fs.String("model", "perceptron", "model family: "+familyNames())
	im := fs.String("im", "drt", "incentive mechanism: drt (Deposit-Refund-Take), points, market (prediction market)")
	seed := fs.Uint64("seed", 1, "seed of the split, the agents' schedules and the market's draw")
	outDir := fs.String("out", "out/simulate", "directory for accuracy.png, balances.png and result.json (\"\" writes nothing)")
	asJSON := fs.Bool("json", false, "print the whole result as JSON instead of the summary")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fam, err := model.ParseFamily(*family)
	if err != nil {
		return usagef("--model %q: want one of %s", *family, familyNames())
	}
	mech, err := sim.ParseMechanism(*im)
	if err != nil {
		return usagef("--im %q: want drt, points or market", *im)
	}
	num, den, err := parseFraction(*testFrac)
	if err != nil || num == 0 || num == den {
		return usagef("--test-fraction %q: want a fraction strictly between 0 and 1", *testFrac)
	}
	var df dataFlags
	df.format, df.scale = "auto", -1
	data, err := loadData(*dataSpec, df, -1)
	if err != nil {
		return err
	}
	pool, test, err := dataset.Split(data.data, int(num), int(den), *seed)
	if err != nil {
		return err
	}
	cfg := sim.DefaultConfig(pool, test, fam, mech, *seed)
	last := time.Now()
	cfg.Progress = func(done, total int) {
		if now := time.Now(); now.Sub(last) >= time.Second || done == total {
			last = now
			fmt.Fprintf(stderr, "\rsimulating: %d/%d events", done, total)
			if done == total {
				fmt.Fprintln(stderr)
			}
		}
	}
	fmt.Fprintf(stderr, "simulate: %s under %s on %s (%d pool rows, %d test rows), seed %d\n", fam, mech, data.path, pool.Len(), test.Len(), *seed)
	start := time.Now()
	res, err := sim.Run(cfg)
	if err != nil {
		return err
	}
	took := time.Since(start)
	if *outDir != "" {
		if err := writeSimOutputs(*outDir, res); err != nil {
			return err
		}
	}
	if *asJSON {
		return writeJSON(stdout, res)
	}
	printSimSummary(stdout, res, data.path, took)
	if *outDir != "" {
		fmt.Fprintf(stdout, "\nwrote %s, %s and %s\n", filepath.Join(*outDir, "accuracy.png"), filepath.Join(*outDir, "balances.png"), filepath.Join(*outDir, "result.json"))
	}
	return nil
}

func pct(correct, total int) float64 { return 100 * float64(correct) / float64(max(total, 1)) }

func ratioString(r sim.Ratio) string {
	if r.Den == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%5.1f%% (%d/%d)", 100*float64(r.Num)/float64(r.Den), r.Num, r.Den)
}

func printSimSummary(w io.Writer, r *sim.Result, path string, took time.Duration) {
	fmt.Fprintf(w, "collaborative training: %s model, %s mechanism, %s, seed %d, %d contributions over %.1f simulated days (ran in %s)\n",
		r.Family, r.Mechanism, path, r.Seed, r.Contributions, float64(r.Duration)/sim.Day, took.Round(time.Millisecond))
	fmt.Fprintf(w, "\naccuracy on %d test rows:\n", r.TestSize)
	fmt.Fprintf(w, "  initial model (owner, %d rows)   %6.2f%%\n", r.InitialRows, pct(r.InitialCorrect, r.TestSize))
	fmt.Fprintf(w, "  final model (every contribution) %6.2f%%\n", pct(r.FinalCorrect, r.TestSize))
	if r.MarketCorrect >= 0 {
		fmt.Fprintf(w, "  market's model (live contributions only) %6.2f%% (held-out portion: %d/%d final, %d/%d market)\n",
			pct(r.MarketCorrect, r.TestSize), r.HeldOutFinal, r.HeldOutSize, r.HeldOutMarket, r.HeldOutSize)
	}
	fmt.Fprintf(w, "  all-data baseline (true labels)  %6.2f%%\n", pct(r.BaselineCorrect, r.TestSize))
	unit := "balance"
	if r.Mechanism == sim.Points {
		unit = "points"
	}
	fmt.Fprintf(w, "\n%-12s %-18s %8s %8s %9s %10s %10s %10s %10s\n", "agent", "kind", "accepted", "skipped", "validated", "paid", "returned", "taken", unit+" Δ")
	for _, a := range r.Agents {
		fmt.Fprintf(w, "%-12s %-18s %8d %8d %9d %10d %10d %10d %+10d\n", a.Name, a.Kind, a.Accepted, a.Skipped, a.Validated, a.Paid, a.Returned, a.TakenFrom, a.Change)
	}
	fmt.Fprintf(w, "%-12s %-18s %8s %8s %9s %10s %10s %10s %+10d\n", "owner", "", "", "", "", "", "", "", r.OwnerFinal-r.OwnerStart)
	q := r.Quality
	fmt.Fprintln(w, "\nhow well the mechanism told bad contributions from good ones:")
	fmt.Fprintf(w, "  label flippers' contributions caught   %s\n", ratioString(q.FlippersCaught))
	fmt.Fprintf(w, "  label flippers' deposits/stakes lost    %s\n", ratioString(q.FlipperDepositsLost))
	fmt.Fprintf(w, "  honest contributions validated          %s\n", ratioString(q.HonestValidated))
	fmt.Fprintf(w, "  honest deposits/stakes returned         %s\n", ratioString(q.HonestDepositsReturned))
}

// writeSimOutputs writes the plots and result.json into dir, creating it.
func writeSimOutputs(dir string, r *sim.Result) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	days := make([]float64, len(r.Series))
	acc := make([]float64, len(r.Series))
	for i, p := range r.Series {
		days[i] = float64(p.Time) / sim.Day
		acc[i] = pct(p.Correct, r.TestSize)
	}
	base := []float64{pct(r.BaselineCorrect, r.TestSize), pct(r.BaselineCorrect, r.TestSize)}
	span := []float64{0, 0}
	if len(days) > 0 {
		span[1] = days[len(days)-1]
	}
	if err := writeLinePlot(filepath.Join(dir, "accuracy.png"), fmt.Sprintf("Test accuracy: %s model under %s", r.Family, r.Mechanism),
		"simulated days", "test accuracy (%)", []series{{"model on the chain", days, acc}, {"all-data baseline", span, base}}); err != nil {
		return err
	}
	var lines []series
	for j, a := range r.Agents {
		y := make([]float64, len(r.Series))
		for i, p := range r.Series {
			y[i] = float64(p.Balances[j])
		}
		lines = append(lines, series{fmt.Sprintf("%s (%s)", a.Name, a.Kind), days, y})
	}
	ylabel := "balance (base units)"
	if r.Mechanism == sim.Points {
		ylabel = "points"
	}
	if err := writeLinePlot(filepath.Join(dir, "balances.png"), fmt.Sprintf("Balances: %s under %s", r.Family, r.Mechanism),
		"simulated days", ylabel, lines); err != nil {
		return err
	}
	var b bytes.Buffer
	if err := writeJSON(&b, r); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, "result.json"), b.Bytes())
}
