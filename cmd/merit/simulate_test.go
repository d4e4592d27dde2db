package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/meritchain/merit/engine/sim"
)

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// readSimResult decodes a result.json strictly (every field of sim.Result, no other).
func readSimResult(t *testing.T, b []byte) sim.Result {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var res sim.Result
	if err := dec.Decode(&res); err != nil {
		t.Fatalf("result.json does not decode into sim.Result: %v", err)
	}
	if dec.More() {
		t.Fatalf("result.json holds more than one JSON value")
	}
	return res
}

func TestSimulate(t *testing.T) {
	for _, im := range []string{"drt", "points", "market"} {
		t.Run(im, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "a", "b") // created, parents too
			r := merit(t, "simulate", "--data", digitsCSV, "--im", im, "--out", out).ok(t)

			// The plots: PNG files of some substance.
			for _, name := range []string{"accuracy.png", "balances.png"} {
				b, err := os.ReadFile(filepath.Join(out, name))
				if err != nil {
					t.Fatalf("%s: %v", r, err)
				}
				if !bytes.HasPrefix(b, pngSignature) || len(b) <= 5000 {
					t.Errorf("%s: %s: %d bytes starting %q, want a PNG over 5 KB", r, name, len(b), b[:min(8, len(b))])
				}
			}
			if names := dirNames(t, out); !slices.Equal(names, []string{"accuracy.png", "balances.png", "result.json"}) {
				t.Errorf("%s: --out holds %v", r, names)
			}
			if runtime.GOOS != "windows" {
				// result.json is as readable as the plots (no temporary file's 0600).
				a, _ := os.Stat(filepath.Join(out, "accuracy.png"))
				j, _ := os.Stat(filepath.Join(out, "result.json"))
				if a == nil || j == nil || j.Mode().Perm() != a.Mode().Perm() {
					t.Errorf("%s: result.json mode %v, accuracy.png mode %v", r, j.Mode().Perm(), a.Mode().Perm())
				}
			}

			raw, err := os.ReadFile(filepath.Join(out, "result.json"))
			if err != nil {
				t.Fatal(err)
			}
			res := readSimResult(t, raw)
			var names map[string]any
			if err := json.Unmarshal(raw, &names); err != nil {
				t.Fatal(err)
			}
			if names["Mechanism"] != im || names["Family"] != "perceptron" || res.Mechanism.String() != im || res.Seed != 1 {
				t.Errorf("%s: Mechanism %v, Family %v, seed %d; want %q, \"perceptron\", 1", r, names["Mechanism"], names["Family"], res.Seed, im)
			}
			for _, a := range names["Agents"].([]any) {
				if k := a.(map[string]any)["Kind"]; !slices.Contains([]any{"honest", "label-flipper", "duplicate-spammer", "lazy-copier"}, k) {
					t.Errorf("%s: agent kind %v is not a name", r, k)
				}
			}

			// digits: 1797 rows, a quarter held out.
			if res.TestSize != 449 || res.InitialRows != 134 || len(res.Agents) != 8 || len(res.Series) < 2 {
				t.Errorf("%s: %d test rows, %d initial rows, %d agents, %d series points", r, res.TestSize, res.InitialRows, len(res.Agents), len(res.Series))
			}
			accepted := 0
			for _, a := range res.Agents {
				accepted += a.Accepted
			}
			if last := res.Series[len(res.Series)-1]; accepted != res.Contributions || last.Contributions != res.Contributions ||
				last.Correct != res.FinalCorrect || last.Time != res.EndTime {
				t.Errorf("%s: %d accepted, %d contributions, last point %+v, final correct %d, end %d", r, accepted, res.Contributions,
					last, res.FinalCorrect, res.EndTime)
			}
			if (im == "market") != (res.MarketCorrect >= 0) {
				t.Errorf("%s: MarketCorrect %d", r, res.MarketCorrect)
			}
			for i, p := range res.Series {
				if len(p.Balances) != len(res.Agents) {
					t.Fatalf("%s: point %d has %d balances for %d agents", r, i, len(p.Balances), len(res.Agents))
				}
				if i > 0 && (p.Time < res.Series[i-1].Time || p.Contributions < res.Series[i-1].Contributions) {
					t.Errorf("%s: point %d goes back: %+v after %+v", r, i, p, res.Series[i-1])
				}
				if p.Correct < 0 || p.Correct > res.TestSize {
					t.Errorf("%s: point %d: %d correct of %d", r, i, p.Correct, res.TestSize)
				}
			}
			if im == "points" {
				if res.Total != 0 {
					t.Errorf("%s: Total %d under points, want 0", r, res.Total)
				}
			} else {
				// Money is conserved at every point.
				if res.Total <= 0 {
					t.Errorf("%s: Total %d", r, res.Total)
				}
				for i, p := range res.Series {
					sum := p.Owner + p.Escrow
					for _, b := range p.Balances {
						sum += b
					}
					if sum != res.Total {
						t.Errorf("%s: point %d (time %d): Σ balances + owner + escrow = %d, Total %d", r, i, p.Time, sum, res.Total)
					}
				}
				var start int64 = res.OwnerStart
				for _, a := range res.Agents {
					start += a.Start
					if a.Final != a.Start-a.Paid+a.Returned+a.TakenBy || a.Change != a.Final-a.Start {
						t.Errorf("%s: %s: %+v does not add up", r, a.Name, a)
					}
				}
				if start != res.Total {
					t.Errorf("%s: starting balances add up to %d, Total %d", r, start, res.Total)
				}
			}

			// The summary names the run, every agent and where it wrote.
			head := fmt.Sprintf("collaborative training: perceptron model, %s mechanism, %s, seed 1, %d contributions", im, digitsCSV, res.Contributions)
			if !strings.HasPrefix(r.stdout, head) {
				t.Errorf("%s: summary does not start with %q:\n%s", r, head, r.stdout)
			}
			for _, a := range res.Agents {
				want := fmt.Sprintf("%-12s %-18s %8d %8d %9d %10d %10d %10d %+10d\n", a.Name, a.Kind, a.Accepted, a.Skipped, a.Validated, a.Paid, a.Returned, a.TakenFrom, a.Change)
				if !strings.Contains(r.stdout, want) {
					t.Errorf("%s: summary has no line %q:\n%s", r, want, r.stdout)
				}
			}
			if want := fmt.Sprintf("%.2f%%", pct(res.FinalCorrect, res.TestSize)); !strings.Contains(r.stdout, want) {
				t.Errorf("%s: summary does not show the final accuracy %s", r, want)
			}
			if !strings.HasSuffix(r.stdout, fmt.Sprintf("wrote %s, %s and %s\n", filepath.Join(out, "accuracy.png"),
				filepath.Join(out, "balances.png"), filepath.Join(out, "result.json"))) {
				t.Errorf("%s: summary does not end with the files written:\n%s", r, r.stdout)
			}

			// --json prints result.json; the same seed gives the same result.
			out2 := filepath.Join(dir, "again")
			rj := merit(t, "simulate", "--data", digitsCSV, "--im", im, "--out", out2, "--json").ok(t)
			if rj.stdout != string(raw) {
				t.Errorf("%s: stdout differs from the first run's result.json", rj)
			}
			if raw2, err := os.ReadFile(filepath.Join(out2, "result.json")); err != nil || !bytes.Equal(raw2, raw) {
				t.Errorf("%s: result.json differs from the first run's (err %v)", rj, err)
			}
		})
	}
}

func TestSimulateOptions(t *testing.T) {
	// --out "" writes nothing, not even the default out/simulate; run from an empty
	// directory to see it.
	digits, err := filepath.Abs(digitsCSV)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	r := merit(t, "simulate", "--data", digits, "--im", "points", "--out", "", "--seed", "2", "--model", "centroid").ok(t)
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("%s: wrote %v", r, names)
	}
	if strings.Contains(r.stdout, "wrote") || !strings.Contains(r.stdout, "centroid model, points mechanism") ||
		!strings.Contains(r.stdout, "seed 2,") {
		t.Errorf("%s: summary:\n%s", r, r.stdout)
	}
	rj := merit(t, "simulate", "--data", digits, "--im", "points", "--out", "", "--seed", "2", "--model", "centroid", "--json").ok(t)
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("%s: wrote %v", rj, names)
	}
	res := readSimResult(t, []byte(rj.stdout))
	if res.Seed != 2 || res.Family.String() != "centroid" || res.Mechanism != sim.Points {
		t.Errorf("%s: seed %d, %s, %s", rj, res.Seed, res.Family, res.Mechanism)
	}
	// Another seed, another run.
	r1 := merit(t, "simulate", "--data", digits, "--im", "points", "--out", "", "--seed", "1", "--model", "centroid", "--json").ok(t)
	if r1.stdout == rj.stdout {
		t.Errorf("%s: seeds 1 and 2 give the same result", r1)
	}

	// --test-fraction sets the held-out part.
	r = merit(t, "simulate", "--data", digits, "--im", "drt", "--out", "", "--test-fraction", "0.5", "--json").ok(t)
	if res := readSimResult(t, []byte(r.stdout)); res.TestSize != 898 {
		t.Errorf("%s: %d test rows, want 898", r, res.TestSize)
	}
}

func TestSimulateErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []usageCase{
		{[]string{"simulate", "--im", "bogus"}, `--im "bogus"`},
		{[]string{"simulate", "--model", "bogus"}, `--model "bogus"`},
		{[]string{"simulate", "--test-fraction", "0"}, `--test-fraction "0"`},
		{[]string{"simulate", "--test-fraction", "1"}, `--test-fraction "1"`},
		{[]string{"simulate", "--test-fraction", "abc"}, `--test-fraction "abc"`},
		{[]string{"simulate", "--seed", "-1"}, "-seed"},
		{[]string{"simulate", "stray"}, `unexpected argument "stray"`},
	} {
		c.args = append(c.args, "--data", digitsCSV, "--out", filepath.Join(dir, "out"))
		r := merit(t, c.args...).fails(t, 2)
		if r.stdout != "" {
			t.Errorf("%s: bad usage wrote to stdout:\n%s", r, r.stdout)
		}
		if l := r.errorLine(t); !strings.HasPrefix(l, "merit simulate: ") || !strings.Contains(l, c.want) {
			t.Errorf("%s: error %q does not name the problem (%q)", r, l, c.want)
		}
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("bad usage wrote %v", names)
	}

	// --out under a regular file: exit 1, naming the path, nothing on stdout.
	file := writeFile(t, dir, "file", "not a directory")
	out := filepath.Join(file, "out")
	r := merit(t, "simulate", "--data", digitsCSV, "--im", "points", "--out", out, "--json").fails(t, 1)
	if l := r.errorLine(t); !strings.HasPrefix(l, "merit simulate: ") || !strings.Contains(l, file) {
		t.Errorf("%s: error %q does not name %s", r, l, file)
	}
	if r.stdout != "" {
		t.Errorf("%s: wrote to stdout:\n%s", r, r.stdout)
	}

	// result.json cannot replace a directory: exit 1, and no temporary file is left.
	blocked := filepath.Join(dir, "blocked")
	if err := os.MkdirAll(filepath.Join(blocked, "result.json", "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	r = merit(t, "simulate", "--data", digitsCSV, "--im", "points", "--out", blocked).fails(t, 1)
	if l := r.errorLine(t); !strings.Contains(l, "result.json") {
		t.Errorf("%s: error %q does not name result.json", r, l)
	}
	if names := dirNames(t, blocked); !slices.Equal(names, []string{"accuracy.png", "balances.png", "result.json"}) {
		t.Errorf("%s: --out holds %v, want the plots and the old result.json directory only", r, names)
	}

	// Data that cannot be simulated: exit 1 with a message.
	tiny := writeFile(t, dir, "tiny.csv", "a,b,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n")
	for _, c := range []struct{ data, want string }{
		{filepath.Join(dir, "missing.csv"), "missing.csv"},
		{tiny, "pool"},
	} {
		r := merit(t, "simulate", "--data", c.data, "--out", "")
		r.fails(t, 1)
		if l := r.errorLine(t); !strings.HasPrefix(l, "merit simulate: ") || !strings.Contains(l, c.want) {
			t.Errorf("%s: error %q does not say %q", r, l, c.want)
		}
	}
}

func TestSimulateHelp(t *testing.T) {
	r := merit(t, "simulate", "--help").ok(t)
	if !strings.HasPrefix(r.stdout, "Usage: merit simulate") || r.stderr != "" {
		t.Errorf("%s: stdout %q, stderr %q", r, r.stdout, r.stderr)
	}
	for _, f := range []string{"data", "test-fraction", "model", "im", "seed", "out", "json"} {
		if !flagRE(f).MatchString(r.stdout) {
			t.Errorf("%s: help does not document --%s:\n%s", r, f, r.stdout)
		}
	}
}
