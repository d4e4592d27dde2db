package main

import (
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/meritchain/merit/engine/model"
	"github.com/meritchain/merit/simd"
)

// checkOverview checks that out is the overview: every command with its summary.
func checkOverview(t *testing.T, r result, out string) {
	t.Helper()
	if !strings.Contains(out, "Usage:\n  merit COMMAND [flags]") {
		t.Errorf("%s: no usage line in the overview:\n%s", r, out)
	}
	for _, c := range commands() {
		if !regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(c.name) + ` +` + regexp.QuoteMeta(c.summary) + `$`).MatchString(out) {
			t.Errorf("%s: overview does not list %q with its summary:\n%s", r, c.name, out)
		}
	}
	if !strings.Contains(out, `Run "merit COMMAND --help"`) {
		t.Errorf("%s: overview does not say how to get a command's flags", r)
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}, {"-help"}} {
		r := merit(t, args...).ok(t)
		checkOverview(t, r, r.stdout)
		if r.stderr != "" {
			t.Errorf("%s: stderr %q, want empty", r, r.stderr)
		}
	}
}

func TestNoArgs(t *testing.T) {
	r := merit(t)
	if r.code != 2 {
		t.Errorf("merit (no arguments): exit %d, want 2", r.code)
	}
	checkOverview(t, r, r.stdout+r.stderr)
}

// flagRE matches the documentation line of flag name in PrintDefaults output.
func flagRE(name string) *regexp.Regexp {
	return regexp.MustCompile(`(?m)^  -` + regexp.QuoteMeta(name) + `(\s|$)`)
}

func TestTrainHelpListsEveryFlag(t *testing.T) {
	r := merit(t, "train", "--help").ok(t)
	for _, f := range []string{"model", "train", "test", "out", "lr", "alpha", "k", "epochs", "bound", "format", "scale", "sparse", "json"} {
		if !flagRE(f).MatchString(r.stdout) {
			t.Errorf("train --help does not document --%s:\n%s", f, r.stdout)
		}
	}
	for _, fam := range model.Families() {
		if !strings.Contains(r.stdout, fam.String()) {
			t.Errorf("train --help does not name the family %s", fam)
		}
	}
}

// commandFlags lists the flags each command documents.
var commandFlags = map[string][]string{
	"dataset info": {"data", "format", "scale", "sparse", "json"},
	"train":        {"model", "train", "test", "out", "lr", "alpha", "k", "epochs", "bound", "format", "scale", "sparse", "engine", "gas-limit", "json"},
	"eval":         {"model", "train", "test", "lr", "alpha", "k", "epochs", "bound", "format", "scale", "sparse", "engine", "gas-limit", "json"},
	"predict":      {"model", "train", "data", "lr", "alpha", "k", "epochs", "bound", "format", "scale", "sparse", "engine", "gas-limit", "json"},
	"wasm info":    {"json"},
	"demo":         {"data-dir", "mnist", "knn-mnist-test", "seed", "json"},
	"version":      {"json"},
	"value": {"method", "model", "train", "test", "split", "seed", "samples", "noise", "workers", "all", "k", "lr", "alpha",
		"bound", "format", "scale", "sparse", "engine", "gas-limit", "json"},
	"simulate": {"data", "test-fraction", "model", "im", "seed", "out", "json"},
	"market": {"contributions", "contributor-column", "test", "initial", "model", "portions", "bounty", "stake", "min-stake",
		"seed", "k", "lr", "alpha", "bound", "format", "scale", "engine", "gas-limit", "json"},
}

func TestCommandHelp(t *testing.T) {
	if len(commands()) != len(commandFlags) {
		t.Errorf("commands() has %d commands, the test knows %d", len(commands()), len(commandFlags))
	}
	for _, c := range commands() {
		flags, known := commandFlags[c.name]
		if !known {
			t.Errorf("command %q is not covered by this test", c.name)
		}
		words := strings.Fields(c.name)
		for _, form := range [][]string{
			append(append([]string{}, words...), "--help"),
			append(append([]string{}, words...), "-h"),
			append([]string{"help"}, words...),
		} {
			r := merit(t, form...).ok(t)
			if r.stderr != "" {
				t.Errorf("%s: stderr %q, want empty", r, r.stderr)
			}
			if !strings.HasPrefix(r.stdout, "Usage: merit "+c.name) {
				t.Errorf("%s: help does not start with %q:\n%s", r, "Usage: merit "+c.name, r.stdout)
			}
			if n := strings.Count(r.stdout, "Usage: merit"); n != 1 {
				t.Errorf("%s: the help is printed %d times, want once:\n%s", r, n, r.stdout)
			}
			for _, f := range flags {
				if !flagRE(f).MatchString(r.stdout) {
					t.Errorf("%s: help does not document --%s:\n%s", r, f, r.stdout)
				}
			}
		}
	}
}

// usageCase is a command line that is a usage mistake, and a fragment of the message
// that must name the problem.
type usageCase struct {
	args []string
	want string
}

func TestBadUsage(t *testing.T) {
	iris := irisCSV
	cases := []usageCase{
		{[]string{"bogus"}, `unknown command "bogus"`},
		{[]string{"train", "--bogus"}, "-bogus"},
		{[]string{"eval", "--model", "knn", "--nope=1"}, "-nope"},
		{[]string{"version", "--bogus"}, "-bogus"},
		{[]string{"train", "--model", "knn", "--train", iris, "stray"}, `unexpected argument "stray"`},
		{[]string{"version", "extra"}, `unexpected argument "extra"`},
		{[]string{"train", "--model", "perceptron"}, "--train is required"},
		{[]string{"train", "--train", iris}, `--model ""`},
		{[]string{"train", "--model", "bogus", "--train", iris}, `--model "bogus"`},
		{[]string{"train", "--model", "naive-bayes", "--train", iris, "--alpha", "abc"}, "--alpha"},
		{[]string{"train", "--model", "naive-bayes", "--train", iris, "--alpha", "0"}, "--alpha 0"},
		{[]string{"train", "--model", "naive-bayes", "--train", iris, "--alpha", "-1"}, "--alpha -1"},
		{[]string{"train", "--model", "naive-bayes", "--train", iris, "--alpha", "0.0000001"}, "--alpha 0.0000001"},
		{[]string{"train", "--model", "knn", "--train", iris, "--k", "0"}, "--k 0"},
		{[]string{"train", "--model", "knn", "--train", iris, "--k", "abc"}, "-k"},
		{[]string{"train", "--model", "perceptron", "--train", iris, "--lr", "0"}, "--lr 0"},
		{[]string{"train", "--model", "perceptron", "--train", iris, "--bound", "-1"}, "--bound -1"},
		{[]string{"train", "--model", "knn", "--train", iris, "--epochs", "0"}, "--epochs 0"},
		{[]string{"train", "--model", "knn", "--train", iris, "--scale", "12"}, "--scale 12"},
		{[]string{"train", "--model", "knn", "--train", iris, "--scale", "-2"}, "--scale -2"},
		{[]string{"train", "--model", "knn", "--train", iris, "--format", "bogus"}, `--format "bogus"`},
		{[]string{"dataset"}, "dataset info"},
		{[]string{"dataset", "list"}, "dataset info"},
		{[]string{"dataset", "info"}, "--data is required"},
		{[]string{"dataset", "info", "--data", iris, "--format", "bogus"}, `--format "bogus"`},
		{[]string{"dataset", "info", "--data", "mnist:bogus"}, `"mnist:bogus"`},
		{[]string{"train", "--model", "mnist:bogus", "--train", iris}, `--model "mnist:bogus"`},
		{[]string{"eval", "--model", "mnist:bogus", "--test", iris}, `--model "mnist:bogus"`},
		{[]string{"train", "--model", "knn", "--train", "mnist:bogus"}, `"mnist:bogus"`},
		{[]string{"eval", "--model", "knn", "--train", iris}, "--test is required"},
		{[]string{"eval", "--test", iris}, "--model is required"},
		{[]string{"eval", "--model", "knn", "--test", iris}, "--train is required"},
		{[]string{"predict", "--model", "knn", "--train", iris}, "--data is required"},
		{[]string{"demo", "--knn-mnist-test", "0"}, "--knn-mnist-test 0"},
	}
	for _, c := range cases {
		r := merit(t, c.args...).fails(t, 2)
		if r.stdout != "" {
			t.Errorf("%s: bad usage wrote to stdout:\n%s", r, r.stdout)
		}
		lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
		if !strings.HasPrefix(lines[0], "merit") || !strings.Contains(lines[0], c.want) {
			t.Errorf("%s: first stderr line %q does not name the problem (%q)", r, lines[0], c.want)
		}
		// One line for the problem, optionally one pointing at the help.
		if len(lines) > 2 || len(lines) == 2 && !strings.HasPrefix(lines[1], `Run "merit `) {
			t.Errorf("%s: stderr is not a one-line message (plus a pointer to the help):\n%s", r, r.stderr)
		}
	}
}

func TestVersion(t *testing.T) {
	r := merit(t, "version", "--json").ok(t)
	var v versionJSON
	r.decode(t, &v)
	if v.Kernels != simd.LevelName() {
		t.Errorf("version --json: kernels %q, want simd.LevelName() = %q", v.Kernels, simd.LevelName())
	}
	if v.Go != runtime.Version() || v.OS != runtime.GOOS || v.Arch != runtime.GOARCH {
		t.Errorf("version --json: %+v, want go %s on %s/%s", v, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	}
	if v.Version == "" {
		t.Errorf("version --json: empty version")
	}
	r = merit(t, "version").ok(t)
	if !strings.HasPrefix(r.stdout, "merit "+v.Version+" ") || !strings.Contains(r.stdout, "kernels: "+simd.LevelName()+" (") {
		t.Errorf("version: %q, want \"merit %s ... kernels: %s (...)\"", r.stdout, v.Version, simd.LevelName())
	}
}
