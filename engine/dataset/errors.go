package dataset

import (
	"strconv"
	"strings"
)

// ParseError reports malformed input to a loader. File is the name given to the loader
// (the path for the file forms; LoadOptions.Name for the reader forms; may be empty).
// Line and Col are 1-based; Col is the byte column where the offending field starts,
// counted after a UTF-8 byte-order mark on line 1. Either is 0 when it does not apply
// (for example a binary MNIST file, whose message gives a byte offset instead).
type ParseError struct {
	File string
	Line int
	Col  int
	Msg  string
	Err  error // underlying error (I/O, gzip), if any
}

// Error formats the error as "file:line:col: msg", leaving out the parts that are unset.
func (e *ParseError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
	}
	if e.Line > 0 {
		if b.Len() > 0 {
			b.WriteByte(':')
		}
		b.WriteString(strconv.Itoa(e.Line))
		if e.Col > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(e.Col))
		}
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error, if any.
func (e *ParseError) Unwrap() error { return e.Err }
