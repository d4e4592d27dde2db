package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/meritchain/merit/engine/dataset"
)

// The peer is bench/peer/peer.py: the same valuation methods in Python with NumPy and
// scikit-learn, from Debian's packages (so that the versions are those of a stock
// system). It runs under Debian's interpreter, not whatever python3 comes first on PATH.
const (
	peerPython = "/usr/bin/python3"
	peerScript = "bench/peer/peer.py"
)

// peerPackages are the Debian packages the peer needs. libopenblas0-pthread is
// python3-numpy's recommended BLAS; it is named so that a system that skips recommended
// packages does not leave the peer on the slow reference BLAS.
var peerPackages = []string{"python3-numpy", "python3-sklearn", "libopenblas0-pthread"}

// ensurePeer checks that the peer's packages are installed and that its interpreter
// imports numpy and scikit-learn, installing the packages when it can (as root, with
// apt-get), and otherwise returns an error saying what to install.
func ensurePeer() error {
	missing := missingPackages()
	err := checkPeerImports()
	if err == nil && len(missing) == 0 {
		return nil
	}
	if len(missing) == 0 {
		missing = peerPackages
	}
	apt, aptErr := exec.LookPath("apt-get")
	if os.Geteuid() != 0 || aptErr != nil {
		why := "the packages " + strings.Join(missing, ", ") + " are not installed"
		if err != nil {
			why = err.Error()
		}
		return fmt.Errorf("%s\nthe NumPy/scikit-learn peer (bench/peer/) needs Debian's packages: run as root\n  apt-get update && apt-get install -y %s\n(or run this harness as root: it installs them)", why, strings.Join(peerPackages, " "))
	}
	fmt.Fprintf(os.Stderr, "== installing the peer's packages: apt-get install -y %s\n", strings.Join(peerPackages, " "))
	for _, args := range [][]string{{"update"}, append([]string{"install", "-y"}, peerPackages...)} {
		cmd := exec.Command(apt, args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("apt-get %s: %w", strings.Join(args, " "), err)
		}
	}
	return checkPeerImports()
}

// checkPeerImports checks that the peer's interpreter imports its libraries.
func checkPeerImports() error {
	if _, err := os.Stat(peerPython); err != nil {
		return fmt.Errorf("no Python at %s: %w", peerPython, err)
	}
	out, err := exec.Command(peerPython, "-c", "import numpy, sklearn, scipy").CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s -c 'import numpy, sklearn, scipy': %v: %s", peerPython, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// missingPackages returns the peer packages dpkg does not list as installed (none on a
// system without dpkg, where only the imports are checked).
func missingPackages() []string {
	q, err := exec.LookPath("dpkg-query")
	if err != nil {
		return nil
	}
	var missing []string
	for _, p := range peerPackages {
		out, err := exec.Command(q, "-W", "-f=${Status}", p).Output()
		if err != nil || !strings.Contains(string(out), "install ok installed") {
			missing = append(missing, p)
		}
	}
	return missing
}

// peerMethod is one method of a peer task (see bench/peer/peer.py).
type peerMethod struct {
	Method     string  `json:"method"`
	TestRows   int     `json:"test_rows,omitempty"`
	Batch      int     `json:"batch,omitempty"`
	Algorithm  string  `json:"algorithm,omitempty"`
	Recursion  string  `json:"recursion,omitempty"`
	Samples    int     `json:"samples,omitempty"`
	Truncation int     `json:"truncation,omitempty"`
	Seed       uint64  `json:"seed,omitempty"`
	MinSeconds float64 `json:"min_seconds,omitempty"`
}

type peerTask struct {
	TrainX  string       `json:"train_x"`
	TrainY  string       `json:"train_y"`
	TestX   string       `json:"test_x"`
	TestY   string       `json:"test_y"`
	Classes int          `json:"classes"`
	K       int          `json:"k"`
	Methods []peerMethod `json:"methods"`
}

// peerResult is one method's outcome.
type peerResult struct {
	Method      string             `json:"method"`
	TestRows    int                `json:"test_rows"`
	TrainRows   int                `json:"train_rows"`
	Seconds     float64            `json:"seconds"`
	Phases      map[string]float64 `json:"phases"`
	Values      []float64          `json:"values"`
	Num         []int64            `json:"num"`
	Den         int64              `json:"den"`
	Samples     int                `json:"samples"`
	Truncated   int64              `json:"truncated"`
	FullUtility int64              `json:"full_utility"`
	Algorithm   string             `json:"algorithm"`
	Recursion   string             `json:"recursion"`
	Runs        int                `json:"runs"`
}

type peerOutput struct {
	Environment map[string]any `json:"environment"`
	Results     []peerResult   `json:"results"`
}

// runPeer exports train and test to dir as .npy files and runs the peer's methods on them.
func runPeer(dir, name string, train, test *dataset.Dataset, methods []peerMethod) (*peerOutput, error) {
	var t peerTask
	var err error
	if t.TrainX, t.TrainY, err = writeNPY(filepath.Join(dir, name+"_train"), train); err != nil {
		return nil, err
	}
	if t.TestX, t.TestY, err = writeNPY(filepath.Join(dir, name+"_test"), test); err != nil {
		return nil, err
	}
	t.Classes, t.K, t.Methods = max(train.Classes, test.Classes, 2), knnK, methods
	taskPath, outPath := filepath.Join(dir, name+"_task.json"), filepath.Join(dir, name+"_out.json")
	b, err := json.Marshal(t)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(taskPath, b, 0o644); err != nil {
		return nil, err
	}
	start := time.Now()
	cmd := exec.Command(peerPython, "-B", peerScript, taskPath, outPath)
	var stderr bytes.Buffer
	cmd.Stdout = os.Stderr
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("peer %s: %w\n%s", name, err, stderr.String())
	}
	os.Stderr.Write(stderr.Bytes())
	fmt.Fprintf(os.Stderr, "   (peer process for %s: %s)\n", name, time.Since(start).Round(time.Millisecond))
	b, err = os.ReadFile(outPath)
	if err != nil {
		return nil, err
	}
	var out peerOutput
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("peer %s: %w", name, err)
	}
	if len(out.Results) != len(methods) {
		return nil, fmt.Errorf("peer %s: %d results for %d methods", name, len(out.Results), len(methods))
	}
	for i, r := range out.Results {
		if r.Method != methods[i].Method {
			return nil, errors.New("peer " + name + ": results out of order")
		}
	}
	return &out, nil
}

// peerEnvironment describes the peer's software for the report, from one of its outputs.
func peerEnvironment(env map[string]any) string {
	if env == nil {
		return "unknown"
	}
	s := fmt.Sprintf("Python %v, NumPy %v, scikit-learn %v, SciPy %v", env["python"], env["numpy"], env["sklearn"], env["scipy"])
	if pools, ok := env["threadpools"].([]any); ok {
		var ps []string
		for _, p := range pools {
			m, ok := p.(map[string]any)
			if !ok {
				continue
			}
			name := fmt.Sprint(m["internal_api"])
			if v, ok := m["version"].(string); ok && v != "" {
				name += " " + v
			}
			ps = append(ps, fmt.Sprintf("%s (%v threads)", name, m["num_threads"]))
		}
		if len(ps) > 0 {
			s += "; thread pools: " + strings.Join(ps, ", ")
		}
	}
	return s
}
