package dataset

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
)

// Format names a text layout that Read understands.
type Format uint8

const (
	// FormatAuto detects the layout from the first lines (see Read).
	FormatAuto Format = iota
	// FormatCSV is comma-separated text with a header row of names (feature names, then
	// the label column's name) and rows of numbers, the integer class index last.
	FormatCSV
	// FormatSklearn is the layout of scikit-learn's bundled CSV files: a first line
	// `n_samples,n_features,class name,...`, then rows of n_features numbers and the
	// integer class index. The declared counts are checked against the data.
	FormatSklearn
	// FormatHeaderless is comma-separated numbers with no header, the class index last.
	FormatHeaderless
	// FormatLibSVM is libsvm/svmlight sparse text: `label index:value index:value ...`,
	// indices 1-based (stored as index−1) and strictly increasing, `#` starting a comment.
	// It always produces a Sparse dataset.
	FormatLibSVM
)

// String returns the format's name.
func (f Format) String() string {
	switch f {
	case FormatAuto:
		return "auto"
	case FormatCSV:
		return "csv"
	case FormatSklearn:
		return "sklearn"
	case FormatHeaderless:
		return "headerless"
	case FormatLibSVM:
		return "libsvm"
	}
	return fmt.Sprintf("Format(%d)", uint8(f))
}

// AutoScale asks a loader to choose ScaleExp (LoadOptions.ScaleExp).
const AutoScale = -1

// Limits of the text loaders. They bound the memory a load can take whatever the input
// (a parsed value takes 16 bytes until it is scaled, then 4):
const (
	MaxLineBytes  = 1 << 20 // bytes in one line, without its line end
	MaxLoadRows   = 1 << 24 // data rows in one file
	MaxLoadValues = 1 << 26 // feature values in one file (dense: rows·dims; libsvm: index:value pairs)
)

// LoadOptions control the text loaders. Note that the zero value asks for ScaleExp 0:
// set ScaleExp to AutoScale to have it chosen.
type LoadOptions struct {
	// Format is the layout; FormatAuto (the zero value) detects it.
	Format Format
	// ScaleExp is the scale exponent to store features at, 0..MaxScale, or AutoScale (−1):
	// the smallest exponent at which every value is exact, lowered if needed until the
	// largest |value|·10^ScaleExp rounds to at most fixed.MaxFeature.
	ScaleExp int
	// Classes is the number of classes, or 0 to infer it: the number of class names of
	// a scikit-learn header, else the largest label + 1. Labels ≥ Classes are errors.
	Classes int
	// Dims is the number of features, or 0 to infer it (CSV: the number of columns − 1;
	// libsvm: the largest index seen). A CSV whose column count disagrees is an error,
	// as is a libsvm index > Dims.
	Dims int
	// Sparse stores a CSV dataset in sparse form (zeros dropped). libsvm input is always
	// sparse.
	Sparse bool
	// Name is the file name that errors carry (Load sets it to the path).
	Name string
	// TagColumn, if set, names a column of a CSV header row (FormatCSV) that is not a
	// feature but a per-row tag, such as the contributor of each row; its texts are
	// returned in Report.Tags. It is an error if the header has no such column, if it is
	// the label column, or if the format has no header row of names.
	TagColumn string
}

// Report describes a load.
type Report struct {
	Format       Format   // the layout read (detected, if FormatAuto was asked)
	Rows         int      // data rows
	Values       int      // feature values read from the text (dense: Rows·Dims; libsvm: index:value pairs)
	Rounded      int      // values that rounding to ScaleExp changed (libsvm: including those that became 0 and were dropped)
	ScaleExp     int      // the scale exponent used
	ClassNames   []string // class names of a scikit-learn header, else nil
	FeatureNames []string // feature names of a CSV header, else nil
	Tags         []string // with LoadOptions.TagColumn: each row's tag, trimmed of spaces
}

// Loaded is a loader's result: the dataset and the report.
type Loaded struct {
	Data   *Dataset
	Report Report
}

// Load reads the file at path (see Read); errors carry the path as the file name.
// Gzip-compressed files are recognised by their magic bytes whatever their name.
func Load(path string, opts LoadOptions) (*Loaded, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	opts.Name = path
	return Read(f, opts)
}

// Read parses a labelled dataset from text in one of the Format layouts. Input that
// starts with the gzip magic bytes 1f 8b is decompressed first. Lines end in LF or CRLF;
// a UTF-8 byte-order mark at the start is skipped; the last line may lack its line end;
// blank lines at the end are ignored (a blank line before more data is an error in the
// CSV layouts; libsvm skips blank and comment lines anywhere). Numeric fields may have
// spaces or tabs around them; quotes in numeric fields are errors.
//
// Every number is parsed exactly by fixed.ParseDecimal and then scaled to ScaleExp with
// round-half-even (fixed.Decimal.Scaled); Report.Rounded counts the values that changed.
//
// With FormatAuto the layout is chosen from the first non-blank line: libsvm if it starts
// with '#' or has a ':' and no ','; scikit-learn if it has at least three fields, the
// first two non-negative integers (n_features ≥ 1), at least one of the rest not a
// number, and the next line has n_features+1 fields; headerless if every field is a
// number; plain CSV otherwise. (A scikit-learn file whose class names are all numbers
// must be read with FormatSklearn.)
//
// Malformed input gives a *ParseError naming the line and the column of the field.
func Read(r io.Reader, opts LoadOptions) (*Loaded, error) {
	if opts.Format > FormatLibSVM {
		return nil, fmt.Errorf("dataset: unknown format %d", opts.Format)
	}
	if opts.ScaleExp < AutoScale || opts.ScaleExp > MaxScale {
		return nil, fmt.Errorf("dataset: ScaleExp %d: want %d (auto) or 0..%d", opts.ScaleExp, AutoScale, MaxScale)
	}
	if opts.Classes < 0 || opts.Classes > MaxClasses {
		return nil, fmt.Errorf("dataset: Classes %d: want 0 (infer) or 1..%d", opts.Classes, MaxClasses)
	}
	if opts.Dims < 0 || opts.Dims > MaxDims {
		return nil, fmt.Errorf("dataset: Dims %d: want 0 (infer) or 1..%d", opts.Dims, MaxDims)
	}
	br, err := decompress(r, opts.Name)
	if err != nil {
		return nil, err
	}
	src := &lineSrc{lr: lineReader{r: br, name: opts.Name}}
	ahead, err := src.peek(2)
	if err != nil {
		return nil, err
	}
	if len(ahead) == 0 {
		return nil, &ParseError{File: opts.Name, Msg: "empty file"}
	}
	format := opts.Format
	if format == FormatAuto {
		format = detect(ahead)
	}
	sc := newScaler(opts.ScaleExp)
	var out *Loaded
	if format == FormatLibSVM {
		out, err = readLibSVM(src, opts, sc)
	} else {
		out, err = readCSV(src, opts, format, sc)
	}
	if err != nil {
		return nil, err
	}
	out.Report.Format = format
	if err := out.Data.Validate(); err != nil {
		// Unreachable if the loaders are correct; kept so that a bug cannot leak an
		// invalid dataset.
		return nil, &ParseError{File: opts.Name, Msg: "internal error", Err: err}
	}
	return out, nil
}

// decompress returns a buffered reader over r, gunzipped if r starts with the gzip magic.
func decompress(r io.Reader, name string) (*bufio.Reader, error) {
	br := bufio.NewReaderSize(r, 16<<10)
	magic, err := br.Peek(2)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, &ParseError{File: name, Msg: "read error", Err: err}
	}
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, &ParseError{File: name, Msg: "bad gzip data", Err: err}
		}
		return bufio.NewReaderSize(zr, 16<<10), nil
	}
	return br, nil
}

// lineReader yields lines of at most MaxLineBytes bytes, without their line ends.
type lineReader struct {
	r    *bufio.Reader
	name string
	line int // number of the last line returned
	buf  []byte
}

var bom = []byte{0xef, 0xbb, 0xbf}

// next returns the next line; it is valid until the following call. After the last
// line it returns io.EOF.
func (lr *lineReader) next() ([]byte, error) {
	lr.buf = lr.buf[:0]
	for {
		chunk, err := lr.r.ReadSlice('\n')
		if len(lr.buf)+len(chunk) > MaxLineBytes+2 { // +2: room for "\r\n"
			return nil, &ParseError{File: lr.name, Line: lr.line + 1, Msg: fmt.Sprintf("line longer than %d bytes", MaxLineBytes)}
		}
		if err == bufio.ErrBufferFull {
			lr.buf = append(lr.buf, chunk...)
			continue
		}
		if err != nil && err != io.EOF {
			return nil, &ParseError{File: lr.name, Line: lr.line + 1, Msg: "read error", Err: err}
		}
		if err == io.EOF && len(lr.buf)+len(chunk) == 0 {
			return nil, io.EOF
		}
		line := chunk
		if len(lr.buf) > 0 {
			lr.buf = append(lr.buf, chunk...)
			line = lr.buf
		}
		lr.line++
		if n := len(line); n > 0 && line[n-1] == '\n' {
			line = line[:n-1]
		}
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		if len(line) > MaxLineBytes {
			return nil, &ParseError{File: lr.name, Line: lr.line, Msg: fmt.Sprintf("line longer than %d bytes", MaxLineBytes)}
		}
		if lr.line == 1 {
			line = bytes.TrimPrefix(line, bom)
		}
		return line, nil
	}
}

// srcLine is a non-blank line with its number and the number of the first blank line
// met since the previous non-blank one (0 if none).
type srcLine struct {
	text        []byte
	no          int
	blankBefore int
}

// lineSrc yields non-blank lines, with read-ahead.
type lineSrc struct {
	lr         lineReader
	ahead      []srcLine // copies
	firstBlank int
}

func (s *lineSrc) read() (srcLine, error) {
	for {
		t, err := s.lr.next()
		if err != nil {
			return srcLine{}, err
		}
		if len(trimSpace(t)) == 0 {
			if s.firstBlank == 0 {
				s.firstBlank = s.lr.line
			}
			continue
		}
		l := srcLine{text: t, no: s.lr.line, blankBefore: s.firstBlank}
		s.firstBlank = 0
		return l, nil
	}
}

// peek returns up to k lines ahead without consuming them (fewer at the end of input).
func (s *lineSrc) peek(k int) ([]srcLine, error) {
	for len(s.ahead) < k {
		l, err := s.read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		l.text = append([]byte(nil), l.text...)
		s.ahead = append(s.ahead, l)
	}
	return s.ahead, nil
}

// next returns the next non-blank line, or io.EOF.
func (s *lineSrc) next() (srcLine, error) {
	if len(s.ahead) > 0 {
		l := s.ahead[0]
		s.ahead = s.ahead[1:]
		return l, nil
	}
	return s.read()
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

// trimSpace trims ASCII spaces and tabs.
func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// detect chooses a layout from the first (one or two) non-blank lines.
func detect(ahead []srcLine) Format {
	first := ahead[0].text
	t := trimSpace(first)
	if len(t) > 0 && t[0] == '#' {
		return FormatLibSVM
	}
	if bytes.IndexByte(first, ',') < 0 && bytes.IndexByte(first, ':') >= 0 {
		return FormatLibSVM
	}
	fields := splitFields(first, nil)
	if h, _, msg := parseSklearnHeader(first, fields); msg == "" {
		named := false
		for _, f := range fields[2:] {
			if !isNumber(first[f.a:f.b]) {
				named = true
				break
			}
		}
		if named && (len(ahead) < 2 || len(splitFields(ahead[1].text, nil)) == h.dims+1) {
			return FormatSklearn
		}
	}
	for _, f := range fields {
		if !isNumber(first[f.a:f.b]) {
			return FormatCSV
		}
	}
	return FormatHeaderless
}
