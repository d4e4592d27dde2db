package main

import (
	"fmt"
	"io"

	"github.com/meritchain/merit/engine/dataset"
)

func runDatasetInfo(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("dataset info", "dataset info --data FILE [--format F] [--scale N] [--sparse] [--json]\n\n"+
		"Reads a dataset as the engine would and describes it: layout, shape, decimal scale, how\n"+
		"many values the scale rounded, classes and their sizes, and the SHA-256 of its canonical\n"+
		"encoding (the hash that identifies the data everywhere in Merit).\n\n"+
		"Example:\n  merit dataset info --data testdata/iris.csv", stdout)
	var df dataFlags
	df.register(fs)
	spec := fs.String("data", "", "dataset file (required)")
	asJSON := fs.Bool("json", false, "print as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *spec == "" {
		return usagef("--data is required")
	}
	l, err := loadData(*spec, df, -1)
	if err != nil {
		return err
	}
	d := l.data
	enc, err := d.MarshalBinary()
	if err != nil {
		return err
	}
	info := struct {
		Path        string   `json:"path"`
		Format      string   `json:"format"`
		Kind        string   `json:"kind"`
		Rows        int      `json:"rows"`
		Dims        int      `json:"dims"`
		Classes     int      `json:"classes"`
		ClassNames  []string `json:"class_names,omitempty"`
		ClassCounts []int    `json:"class_counts"`
		ScaleExp    int      `json:"scale_exp"`
		Rounded     int      `json:"rounded_values"`
		MaxAbs      int32    `json:"max_abs"`
		NonZeros    int      `json:"non_zeros"`
		SHA256      string   `json:"sha256"`
		Bytes       int      `json:"encoded_bytes"`
	}{Path: l.path, Format: l.format, Kind: "dense", Rows: d.Len(), Dims: d.Dims, Classes: d.Classes,
		ClassNames: l.report.ClassNames, ClassCounts: make([]int, d.Classes), ScaleExp: d.ScaleExp, Rounded: l.report.Rounded,
		MaxAbs: d.MaxAbs(), SHA256: fmt.Sprintf("%x", d.Hash()), Bytes: len(enc)}
	for _, y := range d.Y {
		info.ClassCounts[y]++
	}
	if d.Kind == dataset.Sparse {
		info.Kind = "sparse"
		info.NonZeros = len(d.Idx)
	} else {
		for _, v := range d.X {
			if v != 0 {
				info.NonZeros++
			}
		}
	}
	if *asJSON {
		return writeJSON(stdout, info)
	}
	fmt.Fprintf(stdout, "file:      %s\n", info.Path)
	fmt.Fprintf(stdout, "format:    %s (%s rows)\n", info.Format, info.Kind)
	fmt.Fprintf(stdout, "shape:     %d rows × %d features, %d classes\n", info.Rows, info.Dims, info.Classes)
	fmt.Fprintf(stdout, "scale:     values stored as value·10^%d; %d rounded to that scale; largest |stored value| %d\n", info.ScaleExp, info.Rounded, info.MaxAbs)
	if total := info.Rows * info.Dims; total > 0 {
		fmt.Fprintf(stdout, "non-zeros: %d (%.1f%%)\n", info.NonZeros, 100*float64(info.NonZeros)/float64(total))
	}
	fmt.Fprintln(stdout, "classes:")
	for c, n := range info.ClassCounts {
		name := ""
		if c < len(info.ClassNames) {
			name = " " + info.ClassNames[c]
		}
		fmt.Fprintf(stdout, "  %3d%-14s %6d rows\n", c, name, n)
	}
	fmt.Fprintf(stdout, "sha256:    %s (canonical encoding, %d bytes)\n", info.SHA256, info.Bytes)
	return nil
}
