package main

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// throughputRE matches chain/e2e TestThroughput's summary line.
var throughputRE = regexp.MustCompile(`\d+ add-data transactions .*tx/s`)

// marketRowRE matches a row of chain/x/merit/keeper TestMarketScale's table (not its
// header): contributions, test rows, passes, blocks, most spent in a block, budget,
// mean and most engine time per block, engine ns per gas, last reveal → collectable.
var marketRowRE = regexp.MustCompile(`market_bench_test\.go:\d+: \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\S+) \| (\S+) \| (\S+) \| (\S+) \|`)

// marketRow is one market size of TestMarketScale.
type marketRow struct {
	contributions, testRows, passes, blocks, spent, budget int64
	meanBlock, mostBlock, nsPerGas, wall                   string
}

// parseMarkets returns TestMarketScale's rows in out.
func parseMarkets(out string) []marketRow {
	var rows []marketRow
	for _, m := range marketRowRE.FindAllStringSubmatch(out, -1) {
		var n [6]int64
		for i := range n {
			n[i], _ = strconv.ParseInt(m[1+i], 10, 64)
		}
		rows = append(rows, marketRow{n[0], n[1], n[2], n[3], n[4], n[5], m[7], m[8], m[9], m[10]})
	}
	return rows
}

// writeMarkets writes the prediction market's reward processing per block.
func (r *report) writeMarkets(w io.Writer) {
	if len(r.markets) == 0 {
		return
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "### Prediction markets: reward processing per block")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "A market in its rewards phase (N contributions of one row each, a test set of T rows in 3")
	fmt.Fprintln(w, "portions, a 16-dimensional centroid model, a third of the labels flipped), imported through")
	fmt.Fprintln(w, "genesis and driven by the end-blocker alone under the default parameters (chain/x/merit/keeper")
	fmt.Fprintln(w, "TestMarketScale). Each block spends at most `market_block_gas`: every reward step's engine")
	fmt.Fprintln(w, "work gas plus `market_step_gas`; the test fails if a block spends more. Engine time is the")
	fmt.Fprintln(w, "time inside the hash-pinned WebAssembly engine (host-kernel build, compiled before the run);")
	fmt.Fprintln(w, "ns per gas divides it by all the engine gas the steps used (I/O included), to compare with")
	fmt.Fprintln(w, "the native calibration above. The last column is the end-blockers' own time from the last")
	fmt.Fprintln(w, "reveal to every reward collectable; a real chain adds its block interval per block.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| contributions | test rows | reward passes | blocks | most spent in a block | budget | engine time per block (mean) | (most) | engine ns per gas | last reveal → collectable |")
	fmt.Fprintln(w, "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, m := range r.markets {
		fmt.Fprintf(w, "| %d | %d | %d | %d | %d | %d | %s | %s | %s | %s |\n", m.contributions, m.testRows, m.passes, m.blocks,
			m.spent, m.budget, m.meanBlock, m.mostBlock, m.nsPerGas, m.wall)
	}
}

// writeGasCalibration writes the native time per unit of gas of every op and family
// (engine/abi BenchmarkGasCalibration) and the spread between the cheapest and the
// dearest: the schedule (docs/GAS.md) is calibrated when the spread is small.
func writeGasCalibration(w io.Writer, rs []result) {
	var rows []result
	for _, r := range rs {
		if strings.HasPrefix(r.name, "GasCalibration/") {
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 {
		return
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "## Gas calibration (docs/GAS.md)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Native time per unit of gas of every engine call on the digits dataset (1,198 training rows,")
	fmt.Fprintln(w, "599 test rows, 64 features, 10 classes), per op and model family (`engine/abi`")
	fmt.Fprintln(w, "BenchmarkGasCalibration). The schedule aims at one unit costing the same time whatever the work.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| op / family | gas | time | ns per gas |")
	fmt.Fprintln(w, "|---|--:|--:|--:|")
	var per []float64
	for _, r := range rows {
		g, t := r.metrics["gas"], r.metrics["ns/op"]
		fmt.Fprintf(w, "| %s | %.0f | %s | %.3f |\n", strings.TrimPrefix(r.name, "GasCalibration/"), g, dur(t), r.metrics["ns/gas"])
		per = append(per, r.metrics["ns/gas"])
	}
	lo, hi := slices.Min(per), slices.Max(per)
	slices.Sort(per)
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Median %.3f ns per gas; the cheapest op costs %.3f, the dearest %.3f (%.1f× apart).\n", per[len(per)/2], lo, hi, hi/max(lo, 1e-9))
}

// writeChain writes the appchain's numbers: one add-data message per family and
// dimension in the keeper, and the add-data throughput of a real node.
func (r *report) writeChain(w io.Writer) {
	var rows []result
	for _, x := range r.rs {
		if strings.HasPrefix(x.name, "AddData/") {
			rows = append(rows, x)
		}
	}
	if len(rows) == 0 && r.throughput == "" && len(r.markets) == 0 {
		return
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "## The appchain (chain/)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "One Deposit-Refund-Take add-data message (its two engine calls in fresh instances of the")
	fmt.Fprintln(w, "hash-pinned WebAssembly build, the store, the bank) on a model already holding 100")
	fmt.Fprintln(w, "contributions, through the keeper (chain/x/merit/keeper BenchmarkAddData): engine gas, SDK gas")
	fmt.Fprintln(w, "charged, and the share of the message's time spent in the engine.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| family / dims | time per message | engine gas | SDK gas | time in the engine |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|")
	for _, x := range rows {
		fmt.Fprintf(w, "| %s | %s | %.0f | %.0f | %.0f%% |\n", strings.TrimPrefix(x.name, "AddData/"), dur(x.metrics["ns/op"]),
			x.metrics["engine-gas/op"], x.metrics["sdk-gas/op"], x.metrics["%engine"])
	}
	if r.throughput != "" {
		fmt.Fprintln(w)
		fmt.Fprintf(w, "A real one-validator node over loopback (chain/e2e TestThroughput, signed transactions broadcast\n")
		fmt.Fprintf(w, "by one account, 300 ms commit timeout): %s.\n", r.throughput)
	}
	r.writeMarkets(w)
}
