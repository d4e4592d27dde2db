package wasm

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/meritchain/merit/engine/abi"
	"github.com/meritchain/merit/engine/abi/abitest"
	"github.com/meritchain/merit/engine/model"
	"github.com/meritchain/merit/simd"
)

// TestRounds measures the goals of docs/WASM.md on a shared machine: the benchmarks'
// works (the same requests), each form (native, native portable, host and pure under
// the compiler) timed one call after another in rounds, so that a change of the
// machine's load falls on every form alike, which the benchmarks (a second of one form,
// then of the next) cannot promise. It logs, per work, the fastest round of each form
// and the goal ratios (host / native, pure / native portable) of the fastest rounds and
// the median of the per-round ratios. It runs only when asked:
//
//	MERIT_WASM_ROUNDS=mid:15,mnist:5,knn:3 go test -run '^TestRounds$' -v -timeout 2h ./wasm/
//
// (each entry names a group of works, mid: Marginal and KNNShapley, mnist:
// MarginalMNIST, knn: KNNShapleyMNIST, and its number of rounds, after one round of
// warm-up except for knn).
func TestRounds(t *testing.T) {
	spec := os.Getenv("MERIT_WASM_ROUNDS")
	if spec == "" {
		t.Skip("set MERIT_WASM_ROUNDS (for example mid:15,mnist:5,knn:3) to run")
	}
	type work struct {
		name   string
		req    []byte
		rounds int
		warmup bool
	}
	var works []work
	for _, g := range strings.Split(spec, ",") {
		name, n, ok := strings.Cut(g, ":")
		rounds, err := strconv.Atoi(n)
		if !ok || err != nil || rounds < 1 {
			t.Fatalf("MERIT_WASM_ROUNDS=%q: want group:rounds,… (groups mid, mnist, knn)", spec)
		}
		switch name {
		case "mid":
			for _, f := range abitest.Families {
				works = append(works, work{"Marginal/" + f.String(), midMarginal(t, f), rounds, true})
			}
			works = append(works, work{"KNNShapley", midKNNShapley(), rounds, true})
		case "mnist":
			train, test := benchMNIST(t, mnistContrib, mnistTest)
			for _, f := range abitest.Families {
				m, err := model.New(model.Config{Family: f, Dims: train.Dims, Classes: 10, Bound: 255, K: 5})
				if err != nil {
					t.Fatal(err)
				}
				works = append(works, work{"MarginalMNIST/" + f.String(), abi.EncodeRequest(&abi.Marginal{Model: m, Train: train, Test: test}), rounds, true})
			}
		case "knn":
			train, test := benchMNIST(t, 60000, mnistKNNTest)
			works = append(works, work{"KNNShapleyMNIST", abi.EncodeRequest(&abi.KNNShapley{K: 5, Train: train, Test: test}), rounds, false})
		default:
			t.Fatalf("MERIT_WASM_ROUNDS: unknown group %q (mid, mnist, knn)", name)
		}
	}
	ctx := context.Background()
	forms := []string{"native", "portable", "host", "pure"}
	engine := map[string]*Engine{"host": engineOf(t, form{build: HostKernels}), "pure": engineOf(t, form{build: Pure})}
	call := func(f string, req []byte) time.Duration {
		run := abi.Native{}.Call
		if e := engine[f]; e != nil {
			run = e.Call
		}
		if f == "portable" {
			if err := simd.SetLevel(simd.Generic); err != nil {
				t.Fatal(err)
			}
			defer simd.SetLevel(simd.Best())
		}
		start := time.Now()
		if _, _, err := run(ctx, req, unlimited); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		return time.Since(start)
	}
	ms := func(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 1, 64) }
	var out strings.Builder
	fmt.Fprintf(&out, "\n| work | rounds | native | native portable | host | pure | host / native | pure / portable |\n|---|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, w := range works {
		times := map[string][]time.Duration{}
		var hostRatio, pureRatio []float64
		for r := -1; r < w.rounds; r++ {
			if r < 0 && !w.warmup {
				continue
			}
			round := map[string]time.Duration{}
			for _, f := range forms {
				round[f] = call(f, w.req)
			}
			if r < 0 {
				continue
			}
			for _, f := range forms {
				times[f] = append(times[f], round[f])
			}
			hostRatio = append(hostRatio, float64(round["host"])/float64(round["native"]))
			pureRatio = append(pureRatio, float64(round["pure"])/float64(round["portable"]))
		}
		best := func(f string) time.Duration { return slices.Min(times[f]) }
		fmt.Fprintf(&out, "| %s | %d | %s | %s | %s | %s | %.2f× (%.2f×) | %.2f× (%.2f×) |\n", w.name, w.rounds,
			ms(best("native")), ms(best("portable")), ms(best("host")), ms(best("pure")),
			float64(best("host"))/float64(best("native")), median(hostRatio),
			float64(best("pure"))/float64(best("portable")), median(pureRatio))
	}
	t.Log("fastest round of each form in ms; goal ratios of the fastest rounds and (in brackets) the median of the per-round ratios" + out.String())
}

func median(x []float64) float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
