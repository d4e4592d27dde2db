package main

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
)

// TestMain gives the package's tests one compilation cache for the WebAssembly builds, so
// each build is compiled once per test run (the cache is removed afterwards).
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "merit-wazero-")
	if err != nil {
		panic(err)
	}
	os.Setenv("MERIT_CACHE_DIR", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// withoutRunFields decodes a JSON object and drops the fields that describe the run, not
// the result: the wall-clock time and the engine's name.
func withoutRunFields(t *testing.T, r result) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
		t.Fatalf("%s: %v\n%s", r, err, r.stdout)
	}
	delete(m, "seconds")
	delete(m, "engine")
	return m
}

// TestValueEngines: `merit value --engine wasm` and `--engine wasm-pure` print exactly
// what `--engine native` prints (values, sums and gas), for every method.
func TestValueEngines(t *testing.T) {
	for _, method := range valueMethods {
		args := []string{"value", "--method", method, "--train", irisCSV, "--split", "0.3", "--samples", "6", "--json"}
		native := withoutRunFields(t, merit(t, append(args, "--engine", "native")...).ok(t))
		if native["gas"].(float64) <= 0 {
			t.Fatalf("%s: no gas reported", method)
		}
		for _, e := range []string{"wasm", "wasm-pure"} {
			got := withoutRunFields(t, merit(t, append(args, "--engine", e)...).ok(t))
			if !reflect.DeepEqual(got, native) {
				t.Errorf("%s --engine %s differs from native:\n%v\nvs\n%v", method, e, got, native)
			}
		}
	}
}

// TestEvalEngines: eval and predict give the same output in every engine.
func TestEvalEngines(t *testing.T) {
	for _, cmd := range []string{"eval", "predict"} {
		flag := "--test"
		if cmd == "predict" {
			flag = "--data"
		}
		args := []string{cmd, "--model", "perceptron", "--train", irisCSV, flag, irisCSV, "--json"}
		want := merit(t, append(args, "--engine", "native")...).ok(t)
		got := merit(t, append(args, "--engine", "wasm")...).ok(t)
		if cmd == "eval" {
			if !reflect.DeepEqual(withoutRunFields(t, got), withoutRunFields(t, want)) {
				t.Errorf("eval: wasm %s, native %s", got.stdout, want.stdout)
			}
		} else if got.stdout != want.stdout {
			t.Errorf("predict: wasm output differs from native")
		}
		if cmd == "eval" && withoutRunFields(t, got)["gas"].(float64) <= 0 {
			t.Errorf("eval: no gas in %s", got.stdout)
		}
	}
}

// TestEngineFlagErrors: an unknown engine and a too-small gas limit are clear errors.
func TestEngineFlagErrors(t *testing.T) {
	r := merit(t, "value", "--method", "loo", "--train", irisCSV, "--split", "0.3", "--engine", "gpu")
	if r.code != 2 || !strings.Contains(r.stderr, "--engine") {
		t.Fatalf("%s: exit %d, stderr %s", r, r.code, r.stderr)
	}
	r = merit(t, "value", "--method", "loo", "--train", irisCSV, "--split", "0.3", "--gas-limit", "1000")
	if r.code != 1 || !strings.Contains(r.stderr, "out of gas") {
		t.Fatalf("%s: exit %d, stderr %s", r, r.code, r.stderr)
	}
}

// TestWasmInfo: both builds are described with their hashes and the ABI's exports.
func TestWasmInfo(t *testing.T) {
	r := merit(t, "wasm", "info", "--json").ok(t)
	var infos []struct {
		Build   string
		SHA256  string
		Size    int
		Exports []struct{ Name string }
		Imports []struct{ Module, Name string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &infos); err != nil {
		t.Fatal(err)
	}
	if len(infos) != 2 {
		t.Fatalf("%d builds described, want 2", len(infos))
	}
	for _, in := range infos {
		if len(in.SHA256) != 64 || in.Size == 0 {
			t.Errorf("%s: hash %q, size %d", in.Build, in.SHA256, in.Size)
		}
		found := false
		for _, e := range in.Exports {
			found = found || e.Name == "merit_call"
		}
		if !found {
			t.Errorf("%s: no merit_call export", in.Build)
		}
	}
	if r := merit(t, "wasm"); r.code != 2 {
		t.Fatalf("merit wasm: exit %d, want 2", r.code)
	}
}

// TestMarketEngines: the market's reward passes give the same payouts in every engine.
func TestMarketEngines(t *testing.T) {
	contrib, test, _, _, _ := marketFiles(t)
	args := []string{"market", "--contributions", contrib, "--test", test, "--json"}
	want := merit(t, append(args, "--engine", "native")...).ok(t)
	for _, e := range []string{"wasm", "wasm-pure"} {
		if got := merit(t, append(args, "--engine", e)...).ok(t); got.stdout != want.stdout {
			t.Errorf("market --engine %s:\n%s\nnative:\n%s", e, got.stdout, want.stdout)
		}
	}
}
