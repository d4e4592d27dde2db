package dataset

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"unicode/utf8"

	"github.com/meritchain/merit/engine/fixed"
)

// span is a field's byte range [a, b) in its line.
type span struct{ a, b int }

// splitFields splits line at commas, appending the fields' ranges to dst.
func splitFields(line []byte, dst []span) []span {
	start := 0
	for {
		i := bytes.IndexByte(line[start:], ',')
		if i < 0 {
			return append(dst, span{start, len(line)})
		}
		dst = append(dst, span{start, start + i})
		start += i + 1
	}
}

type sklearnHeader struct {
	rows  int
	dims  int
	names []string
}

// parseCount parses a non-negative decimal integer of ASCII digits (spaces around
// allowed) no larger than max.
func parseCount(raw []byte, max int) (int, bool) {
	t := trimSpace(raw)
	if len(t) == 0 || len(t) > 10 {
		return 0, false
	}
	n := 0
	for _, c := range t {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, n <= max
}

// parseSklearnHeader parses `n_samples,n_features,name...`. On error it returns the
// column (1-based) and a message.
func parseSklearnHeader(line []byte, fields []span) (sklearnHeader, int, string) {
	var h sklearnHeader
	if len(fields) < 3 {
		return h, 1, fmt.Sprintf("scikit-learn header wants n_samples,n_features,class names...: got %d fields", len(fields))
	}
	var ok bool
	if h.rows, ok = parseCount(line[fields[0].a:fields[0].b], MaxLoadRows); !ok {
		return h, fields[0].a + 1, fmt.Sprintf("n_samples %q is not an integer in 0..%d", trimSpace(line[fields[0].a:fields[0].b]), MaxLoadRows)
	}
	if h.dims, ok = parseCount(line[fields[1].a:fields[1].b], MaxDims); !ok || h.dims < 1 {
		return h, fields[1].a + 1, fmt.Sprintf("n_features %q is not an integer in 1..%d", trimSpace(line[fields[1].a:fields[1].b]), MaxDims)
	}
	if len(fields)-2 > MaxClasses {
		return h, fields[2].a + 1, fmt.Sprintf("%d class names: at most %d classes", len(fields)-2, MaxClasses)
	}
	for _, f := range fields[2:] {
		name, msg := headerName(line[f.a:f.b])
		if msg == "" && name == "" {
			msg = "empty class name"
		}
		if msg != "" {
			return h, f.a + 1, msg
		}
		h.names = append(h.names, name)
	}
	return h, 0, ""
}

// headerName returns a header field with spaces trimmed and, if it is quoted ("…", with
// "" standing for one quote), unquoted. Quoted names cannot contain commas.
func headerName(raw []byte) (string, string) {
	t := trimSpace(raw)
	if !utf8.Valid(t) {
		return "", "name is not valid UTF-8"
	}
	if len(t) > 0 && t[0] == '"' {
		if len(t) < 2 || t[len(t)-1] != '"' {
			return "", fmt.Sprintf("unterminated quoted name %s (quoted names cannot contain commas)", t)
		}
		inner := t[1 : len(t)-1]
		var b []byte
		for i := 0; i < len(inner); i++ {
			if inner[i] == '"' {
				if i+1 < len(inner) && inner[i+1] == '"' {
					i++
				} else {
					return "", fmt.Sprintf("stray quote in quoted name %s", t)
				}
			}
			b = append(b, inner[i])
		}
		return string(b), ""
	}
	if bytes.IndexByte(t, '"') >= 0 {
		return "", fmt.Sprintf("quote inside unquoted name %s", t)
	}
	return string(t), ""
}

// csvReader holds the state of one CSV load.
type csvReader struct {
	src     *lineSrc
	opts    LoadOptions
	sc      *scaler
	dims    int // 0 until known
	classes int // 0: infer
	// declared is the row count a scikit-learn header declares, or −1.
	declared   int
	headerLine int // 0 if no header
	tagCol     int // the field index of LoadOptions.TagColumn, or −1
	vals       []fixed.Decimal
	ys         []int32
	maxLabel   int32
	fields     []span
	rep        Report
}

func (c *csvReader) errAt(line, col int, format string, args ...any) error {
	return &ParseError{File: c.opts.Name, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

func readCSV(src *lineSrc, opts LoadOptions, format Format, sc *scaler) (*Loaded, error) {
	c := &csvReader{src: src, opts: opts, sc: sc, classes: opts.Classes, declared: -1, tagCol: -1}
	if opts.TagColumn != "" && format != FormatCSV {
		return nil, &ParseError{File: opts.Name, Line: 1, Col: 1, Msg: fmt.Sprintf("a tag column (%q) needs a CSV header row of names, not the %v layout", opts.TagColumn, format)}
	}
	first, err := src.next()
	if err != nil {
		return nil, err // cannot be io.EOF: Read peeked a line
	}
	if first.blankBefore != 0 {
		return nil, c.errAt(first.blankBefore, 1, "blank line before the data")
	}
	switch format {
	case FormatSklearn, FormatCSV:
		if err := c.header(first, format); err != nil {
			return nil, err
		}
	case FormatHeaderless:
		if err := c.row(first); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("dataset: readCSV: format %v", format)
	}
	for {
		l, err := src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if l.blankBefore != 0 {
			return nil, c.errAt(l.blankBefore, 1, "blank line in the data (only trailing blank lines are allowed)")
		}
		if err := c.row(l); err != nil {
			return nil, err
		}
	}
	n := len(c.ys)
	if n == 0 {
		return nil, c.errAt(c.headerLine, 0, "no data rows after the header")
	}
	if c.declared >= 0 && n != c.declared {
		return nil, c.errAt(c.headerLine, 1, "line %d declares %d rows but the file has %d", c.headerLine, c.declared, n)
	}
	if c.classes == 0 {
		c.classes = int(c.maxLabel) + 1
	}
	k, err := c.sc.scale(c.vals)
	if err != nil {
		return nil, &ParseError{File: c.opts.Name, Msg: err.Error()}
	}
	x, rounded, err := convert(c.vals, k)
	if err != nil {
		return nil, &ParseError{File: c.opts.Name, Msg: err.Error()}
	}
	d := &Dataset{Kind: Dense, Dims: c.dims, Classes: c.classes, ScaleExp: k, Y: c.ys, X: x}
	if c.opts.Sparse {
		if d, err = d.ToSparse(); err != nil {
			return nil, &ParseError{File: c.opts.Name, Msg: "internal error", Err: err}
		}
	}
	c.rep.Rows = n
	c.rep.Values = len(c.vals)
	c.rep.Rounded = rounded
	c.rep.ScaleExp = k
	return &Loaded{Data: d, Report: c.rep}, nil
}

func (c *csvReader) header(l srcLine, format Format) error {
	c.headerLine = l.no
	c.fields = splitFields(l.text, c.fields[:0])
	if format == FormatSklearn {
		h, col, msg := parseSklearnHeader(l.text, c.fields)
		if msg != "" {
			return c.errAt(l.no, col, "%s", msg)
		}
		if c.opts.Classes != 0 && c.opts.Classes != len(h.names) {
			return c.errAt(l.no, c.fields[2].a+1, "the header names %d classes but Classes = %d was asked for", len(h.names), c.opts.Classes)
		}
		if c.opts.Dims != 0 && c.opts.Dims != h.dims {
			return c.errAt(l.no, c.fields[1].a+1, "the header declares %d features but Dims = %d was asked for", h.dims, c.opts.Dims)
		}
		c.dims, c.classes, c.declared = h.dims, len(h.names), h.rows
		c.rep.ClassNames = h.names
		return nil
	}
	if len(c.fields) < 2 {
		return c.errAt(l.no, 1, "header has %d field: want feature names and a label column", len(c.fields))
	}
	names := make([]string, 0, len(c.fields))
	for _, f := range c.fields {
		name, msg := headerName(l.text[f.a:f.b])
		if msg != "" {
			return c.errAt(l.no, f.a+1, "%s", msg)
		}
		names = append(names, name)
	}
	if tag := c.opts.TagColumn; tag != "" {
		i := slices.Index(names, tag)
		switch {
		case i < 0:
			return c.errAt(l.no, 1, "the header has no column named %q", tag)
		case i == len(names)-1:
			return c.errAt(l.no, c.fields[i].a+1, "column %q is the label column (the last one), not a tag", tag)
		}
		c.tagCol = i
		names = slices.Delete(names, i, i+1)
	}
	c.dims = len(names) - 1
	names = names[:c.dims]
	if c.opts.Dims != 0 && c.opts.Dims != c.dims {
		return c.errAt(l.no, 1, "the header names %d features but Dims = %d was asked for", c.dims, c.opts.Dims)
	}
	c.rep.FeatureNames = names
	return nil
}

func (c *csvReader) row(l srcLine) error {
	line := l.text
	c.fields = splitFields(line, c.fields[:0])
	if c.dims == 0 { // headerless: the first row fixes the width
		if len(c.fields) < 2 {
			return c.errAt(l.no, 1, "row has %d field: want at least one feature and a label", len(c.fields))
		}
		c.dims = len(c.fields) - 1
		if c.opts.Dims != 0 && c.opts.Dims != c.dims {
			return c.errAt(l.no, 1, "row has %d features but Dims = %d was asked for", c.dims, c.opts.Dims)
		}
	}
	want := c.dims + 1
	if c.tagCol >= 0 {
		want++
	}
	if len(c.fields) != want {
		how := ""
		if c.declared >= 0 {
			how = fmt.Sprintf(" (%d features and a label, as line %d declares)", c.dims, c.headerLine)
		}
		if len(c.fields) > want {
			return c.errAt(l.no, c.fields[want].a+1, "expected %d fields%s, got %d", want, how, len(c.fields))
		}
		return c.errAt(l.no, len(line)+1, "expected %d fields%s, got %d", want, how, len(c.fields))
	}
	if c.tagCol >= 0 {
		f := c.fields[c.tagCol]
		c.rep.Tags = append(c.rep.Tags, string(trimSpace(line[f.a:f.b])))
		c.fields = slices.Delete(c.fields, c.tagCol, c.tagCol+1)
	}
	if c.declared >= 0 && len(c.ys) == c.declared {
		return c.errAt(l.no, 1, "more rows than the %d that line %d declares", c.declared, c.headerLine)
	}
	if len(c.ys) >= MaxLoadRows {
		return c.errAt(l.no, 1, "more than %d rows", MaxLoadRows)
	}
	if len(c.vals)+c.dims > MaxLoadValues {
		return c.errAt(l.no, 1, "more than %d feature values", MaxLoadValues)
	}
	for _, f := range c.fields[:c.dims] {
		raw := line[f.a:f.b]
		d, msg := parseNumber(raw)
		if msg == "" {
			msg = c.sc.add(d, trimSpace(raw))
		}
		if msg != "" {
			return c.errAt(l.no, f.a+1, "%s", msg)
		}
		c.vals = append(c.vals, d)
	}
	f := c.fields[c.dims]
	y, msg := parseLabel(line[f.a:f.b], c.classes)
	if msg != "" {
		return c.errAt(l.no, f.a+1, "%s", msg)
	}
	c.ys = append(c.ys, y)
	if y > c.maxLabel {
		c.maxLabel = y
	}
	return nil
}
