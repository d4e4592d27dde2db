package floatref

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"

	"github.com/meritchain/merit/engine/dataset"
)

// LoadCSV reads a labelled CSV file into float64 rows, in file order. A gzip'd file
// (recognised by its magic bytes) is decompressed first. The layout is recognised from
// the first line (see ReadCSV).
func LoadCSV(path string) (*Data, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("floatref: %w", err)
	}
	defer f.Close()
	d, err := ReadCSV(f)
	if err != nil {
		return nil, fmt.Errorf("floatref: %s: %w", path, err)
	}
	return d, nil
}

// ReadCSV reads a labelled CSV (optionally gzip'd), rows in order, in one of the three
// comma-separated layouts of the engine's loader (engine/dataset.Read):
//
//   - scikit-learn's: a first line `n_samples,n_features,name_0,…,name_{C−1}`, then
//     n_samples rows of n_features reals and an integer label; Classes is the number of
//     names;
//   - headerless: every line is reals followed by an integer label;
//   - plain CSV: a first line of names (features, then the label), then such rows.
//
// Without a scikit-learn header, Classes is the largest label + 1 (at least 2). The
// layout is detected by the engine's rule: scikit-learn if the first line has at least
// three fields, the first two non-negative integers (n_features ≥ 1), at least one of
// the rest not a number, and the second line has n_features + 1 fields; headerless if
// every field of the first line is a number; plain CSV otherwise. Features are the
// decimal text converted by strconv.ParseFloat (correctly rounded); a label is a number
// with an integer value (so "1.0" is class 1, as in the engine).
func ReadCSV(r io.Reader) (*Data, error) {
	recs, err := readRecords(r)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, errors.New("empty CSV")
	}
	if isSklearnHeader(recs) {
		return parseSklearn(recs)
	}
	for _, f := range recs[0] {
		if !isNumber(f) {
			return parseRows(recs[1:], 2, 0, len(recs[0])-1)
		}
	}
	return parseRows(recs, 1, 0, 0)
}

// ReadSklearnCSV reads a CSV (optionally gzip'd) in scikit-learn's layout (see ReadCSV).
func ReadSklearnCSV(r io.Reader) (*Data, error) {
	recs, err := readRecords(r)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, errors.New("empty CSV")
	}
	return parseSklearn(recs)
}

// ReadHeaderlessCSV reads a CSV (optionally gzip'd) without a header (see ReadCSV).
func ReadHeaderlessCSV(r io.Reader) (*Data, error) {
	recs, err := readRecords(r)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, errors.New("empty CSV")
	}
	return parseRows(recs, 1, 0, 0)
}

// readRecords decompresses r if it is gzip'd and returns its CSV records.
func readRecords(r io.Reader) ([][]string, error) {
	br := bufio.NewReader(r)
	var in io.Reader = br
	if magic, _ := br.Peek(2); bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		z, err := gzip.NewReader(br)
		if err != nil {
			return nil, err
		}
		defer z.Close()
		in = z
	}
	cr := csv.NewReader(in)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	return cr.ReadAll()
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

func isSklearnHeader(recs [][]string) bool {
	h := recs[0]
	if len(h) < 3 {
		return false
	}
	n, err1 := strconv.Atoi(h[0])
	dims, err2 := strconv.Atoi(h[1])
	if err1 != nil || err2 != nil || n < 0 || dims < 1 {
		return false
	}
	named := false
	for _, s := range h[2:] {
		if !isNumber(s) {
			named = true
		}
	}
	return named && (len(recs) < 2 || len(recs[1]) == dims+1)
}

func parseSklearn(recs [][]string) (*Data, error) {
	h := recs[0]
	if len(h) < 4 {
		return nil, fmt.Errorf("line 1: scikit-learn header needs n_samples, n_features and at least two class names, got %d fields", len(h))
	}
	n, err1 := strconv.Atoi(h[0])
	dims, err2 := strconv.Atoi(h[1])
	if err1 != nil || err2 != nil || n < 0 || dims < 1 {
		return nil, fmt.Errorf("line 1: bad scikit-learn header %q,%q", h[0], h[1])
	}
	if len(recs)-1 != n {
		return nil, fmt.Errorf("header says %d samples, file has %d rows", n, len(recs)-1)
	}
	return parseRows(recs[1:], 2, len(h)-2, dims)
}

// parseRows parses records of reals followed by an integer label. firstLine is the file
// line of recs[0]; classes is the class count (0: the largest label + 1); dims is the
// number of features (0: the first record's field count − 1).
func parseRows(recs [][]string, firstLine, classes, dims int) (*Data, error) {
	if len(recs) == 0 {
		return nil, fmt.Errorf("line %d: no data rows", firstLine)
	}
	d := &Data{Dims: dims, Classes: classes, X: make([][]float64, len(recs)), Y: make([]int, len(recs))}
	if d.Dims == 0 {
		d.Dims = len(recs[0]) - 1
	}
	if d.Dims < 1 {
		return nil, fmt.Errorf("line %d: need at least one feature and a label", firstLine)
	}
	back := make([]float64, len(recs)*d.Dims)
	maxLabel := 0
	for i, rec := range recs {
		line := firstLine + i
		if len(rec) != d.Dims+1 {
			return nil, fmt.Errorf("line %d: %d fields, want %d", line, len(rec), d.Dims+1)
		}
		row := back[i*d.Dims : (i+1)*d.Dims : (i+1)*d.Dims]
		for f, s := range rec[:d.Dims] {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
				return nil, fmt.Errorf("line %d, field %d: bad number %q", line, f+1, s)
			}
			row[f] = v
		}
		y, ok := parseLabel(rec[d.Dims], classes)
		if !ok {
			return nil, fmt.Errorf("line %d: bad label %q", line, rec[d.Dims])
		}
		maxLabel = max(maxLabel, y)
		d.X[i], d.Y[i] = row, y
	}
	if classes == 0 {
		d.Classes = max(2, maxLabel+1)
	}
	return d, nil
}

// parseLabel parses a class index: a number with an integer value in [0, classes) (or
// below 2^16, the engine's MaxClasses, if classes is 0).
func parseLabel(s string, classes int) (int, bool) {
	v, err := strconv.ParseFloat(s, 64)
	limit := classes
	if limit == 0 {
		limit = dataset.MaxClasses
	}
	if err != nil || v != math.Trunc(v) || v < 0 || v >= float64(limit) {
		return 0, false
	}
	return int(v), true
}

// Row returns row i of ds as reals, v / 10^ScaleExp, in buf (grown if needed). A sparse
// row is expanded to ds.Dims values.
func Row(ds *dataset.Dataset, i int, buf []float64) []float64 {
	if cap(buf) < ds.Dims {
		buf = make([]float64, ds.Dims)
	}
	buf = buf[:ds.Dims]
	scale := math.Pow10(ds.ScaleExp)
	r := ds.Row(i)
	if !r.IsSparse() {
		for f, v := range r.Dense {
			buf[f] = float64(v) / scale
		}
		return buf
	}
	clear(buf)
	for j, f := range r.Idx {
		buf[f] = float64(r.Val[j]) / scale
	}
	return buf
}

// FromDataset converts an engine dataset to float64 rows: each stored value v becomes
// v / 10^ScaleExp (exactly the real it stands for, correctly rounded).
func FromDataset(ds *dataset.Dataset) *Data {
	n := ds.Len()
	d := &Data{X: make([][]float64, n), Y: make([]int, n), Dims: ds.Dims, Classes: ds.Classes}
	back := make([]float64, n*ds.Dims)
	for i := range n {
		d.X[i] = Row(ds, i, back[i*ds.Dims:(i+1)*ds.Dims:(i+1)*ds.Dims])
		d.Y[i] = int(ds.Y[i])
	}
	return d
}
