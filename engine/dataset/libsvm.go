package dataset

import (
	"bytes"
	"fmt"
	"io"

	"github.com/meritchain/merit/engine/fixed"
)

// readLibSVM reads libsvm/svmlight text: one row per line, `label index:value ...`,
// tokens separated by spaces or tabs, `#` starting a comment that runs to the end of the
// line; blank and comment-only lines are skipped. The label is a class index ≥ 0 (the
// −1/+1 labels of binary svmlight files must be mapped to 0/1 first). Indices are
// 1-based, as in libsvm's own tools, so index i is stored as feature i−1; they must
// strictly increase within a row. Explicit zero values are dropped, as are values that
// round to zero at the chosen ScaleExp (those count in Report.Rounded). The `qid:`
// token of ranking files is not supported.
func readLibSVM(src *lineSrc, opts LoadOptions, sc *scaler) (*Loaded, error) {
	errAt := func(line, col int, format string, args ...any) error {
		return &ParseError{File: opts.Name, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
	}
	maxIdx := MaxDims
	if opts.Dims != 0 {
		maxIdx = opts.Dims
	}
	var (
		ys       []int32
		ptr      = []int{0}
		idx      []uint32
		vals     []fixed.Decimal
		maxLabel int32
		maxSeen  int
		pairs    int
	)
	for {
		l, err := src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		text := l.text
		if i := bytes.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		pos := 0
		// token returns the next token's start and end, or -1 at the end of the line.
		token := func() (int, int) {
			for pos < len(text) && isSpace(text[pos]) {
				pos++
			}
			if pos == len(text) {
				return -1, -1
			}
			a := pos
			for pos < len(text) && !isSpace(text[pos]) {
				pos++
			}
			return a, pos
		}
		a, b := token()
		if a < 0 {
			continue // blank or comment-only line
		}
		if len(ys) >= MaxLoadRows {
			return nil, errAt(l.no, 1, "more than %d rows", MaxLoadRows)
		}
		y, msg := parseLabel(text[a:b], opts.Classes)
		if msg != "" {
			return nil, errAt(l.no, a+1, "%s", msg)
		}
		prev := 0
		for {
			a, b := token()
			if a < 0 {
				break
			}
			tok := text[a:b]
			colon := bytes.IndexByte(tok, ':')
			if colon < 0 {
				return nil, errAt(l.no, a+1, "expected index:value, got %q", tok)
			}
			if bytes.Equal(tok[:colon], []byte("qid")) {
				return nil, errAt(l.no, a+1, "qid is not supported")
			}
			i, ok := parseCount(tok[:colon], MaxDims)
			if !ok || bytes.ContainsAny(tok[:colon], " \t") {
				return nil, errAt(l.no, a+1, "feature index %q is not an integer in 1..%d", tok[:colon], maxIdx)
			}
			if i == 0 {
				return nil, errAt(l.no, a+1, "feature index 0: libsvm indices are 1-based")
			}
			if i > maxIdx {
				return nil, errAt(l.no, a+1, "feature index %d > Dims %d", i, maxIdx)
			}
			if i <= prev {
				return nil, errAt(l.no, a+1, "feature index %d after %d: indices must strictly increase", i, prev)
			}
			prev = i
			pairs++
			if pairs > MaxLoadValues {
				return nil, errAt(l.no, a+1, "more than %d feature values", MaxLoadValues)
			}
			raw := tok[colon+1:]
			d, msg := parseNumber(raw)
			if msg == "" && d.Coef != 0 {
				msg = sc.add(d, raw)
			}
			if msg != "" {
				return nil, errAt(l.no, a+colon+2, "%s", msg)
			}
			if d.Coef == 0 {
				continue // an explicit zero
			}
			if i > maxSeen {
				maxSeen = i
			}
			idx = append(idx, uint32(i-1))
			vals = append(vals, d)
		}
		ys = append(ys, y)
		ptr = append(ptr, len(idx))
		if y > maxLabel {
			maxLabel = y
		}
	}
	if len(ys) == 0 {
		return nil, &ParseError{File: opts.Name, Msg: "no data rows (only blank or comment lines)"}
	}
	k, err := sc.scale(vals)
	if err != nil {
		return nil, &ParseError{File: opts.Name, Msg: err.Error()}
	}
	x, rounded, err := convert(vals, k)
	if err != nil {
		return nil, &ParseError{File: opts.Name, Msg: err.Error()}
	}
	// Drop values that rounded to zero, compacting in place.
	out := 0
	for r := 0; r < len(ys); r++ {
		a, b := ptr[r], ptr[r+1]
		ptr[r] = out
		for j := a; j < b; j++ {
			if x[j] != 0 {
				idx[out], x[out] = idx[j], x[j]
				out++
			}
		}
	}
	ptr[len(ys)] = out
	dims := opts.Dims
	if dims == 0 {
		dims = max(maxSeen, 1)
	}
	classes := opts.Classes
	if classes == 0 {
		classes = int(maxLabel) + 1
	}
	d := &Dataset{Kind: Sparse, Dims: dims, Classes: classes, ScaleExp: k, Y: ys, Ptr: ptr, Idx: idx[:out:out], Val: x[:out:out]}
	if d.Idx == nil {
		d.Idx = []uint32{}
	}
	return &Loaded{Data: d, Report: Report{Rows: len(ys), Values: pairs, Rounded: rounded, ScaleExp: k}}, nil
}
