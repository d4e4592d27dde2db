package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/meritchain/merit/engine/dataset"
	"github.com/meritchain/merit/internal/mnistsrc"
)

// dataFlags are the flags that say how dataset files are read.
type dataFlags struct {
	format string
	scale  int
	sparse bool
	dims   int // not a flag: the number of features a model's data must have (0 = infer)
}

func (d *dataFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.format, "format", "auto", "file layout: auto, csv (header row), sklearn (\"n_samples,n_features,names\" first line), headerless, libsvm")
	fs.IntVar(&d.scale, "scale", -1, "decimal scale exponent: features are stored as value·10^scale (0..9); -1 picks the smallest exact scale that fits")
	fs.BoolVar(&d.sparse, "sparse", false, "store the features as sparse rows (CSR) instead of dense")
}

func parseFormat(s string) (dataset.Format, error) {
	for _, f := range []dataset.Format{dataset.FormatAuto, dataset.FormatCSV, dataset.FormatSklearn, dataset.FormatHeaderless, dataset.FormatLibSVM} {
		if f.String() == s {
			return f, nil
		}
	}
	return 0, usagef("--format %q: want auto, csv, sklearn, headerless or libsvm", s)
}

// loaded is a dataset read for the command, with what the loader reported.
type loaded struct {
	path   string
	format string // the layout read: a dataset.Format's name, or "mnist-idx"
	data   *dataset.Dataset
	report dataset.Report
}

// loadData reads the dataset at spec. scaleExp overrides the flags' scale when ≥ 0 (a test
// set is read at its model's scale).
func loadData(spec string, df dataFlags, scaleExp int) (*loaded, error) {
	if spec == "" {
		return nil, usagef("no dataset given")
	}
	format, err := parseFormat(df.format)
	if err != nil {
		return nil, err
	}
	if scaleExp < 0 {
		scaleExp = df.scale
	}
	if scaleExp < dataset.AutoScale || scaleExp > dataset.MaxScale {
		return nil, usagef("--scale %d: want -1 (auto) or 0..%d", scaleExp, dataset.MaxScale)
	}
	var out *loaded
	if images, ok, err := mnistImages(spec); err != nil {
		return nil, err
	} else if ok {
		labels, err := dataset.MNISTLabelsPath(images)
		if err != nil {
			return nil, err
		}
		ds, err := dataset.LoadMNIST(images, labels)
		if err != nil {
			return nil, err
		}
		if scaleExp > 0 {
			return nil, fmt.Errorf("%s: MNIST pixels are integers at scale 0, not %d", spec, scaleExp)
		}
		out = &loaded{path: spec, format: "mnist-idx", data: ds, report: dataset.Report{Rows: ds.Len(), Values: len(ds.X)}}
	} else {
		if format == dataset.FormatAuto && (strings.HasSuffix(spec, ".svm") || strings.HasSuffix(spec, ".libsvm")) {
			format = dataset.FormatLibSVM
		}
		l, err := dataset.Load(spec, dataset.LoadOptions{Format: format, ScaleExp: scaleExp, Dims: df.dims})
		if err != nil {
			return nil, err
		}
		out = &loaded{path: spec, format: l.Report.Format.String(), data: l.Data, report: l.Report}
	}
	if df.sparse && out.data.Kind == dataset.Dense {
		sp, err := out.data.ToSparse()
		if err != nil {
			return nil, err
		}
		out.data = sp
	}
	return out, nil
}

// mnistImages resolves "mnist:train", "mnist:test" and paths to idx image files.
func mnistImages(spec string) (string, bool, error) {
	switch spec {
	case "mnist:train", "mnist:test":
		dir := os.Getenv("MERIT_MNIST_DIR")
		if dir == "" {
			var err error
			if dir, err = mnistsrc.Dir(); err != nil {
				return "", false, fmt.Errorf("%s: %v (set MERIT_MNIST_DIR to the directory holding the idx files)", spec, err)
			}
		}
		name := mnistsrc.TrainImages
		if spec == "mnist:test" {
			name = mnistsrc.TestImages
		}
		return filepath.Join(dir, name), true, nil
	}
	if strings.HasPrefix(spec, "mnist:") {
		return "", false, usagef("%q: want mnist:train or mnist:test", spec)
	}
	return spec, strings.Contains(filepath.Base(spec), "idx3-ubyte"), nil
}
