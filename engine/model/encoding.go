package model

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"

	"github.com/meritchain/merit/engine/internal/lewords"
)

// The canonical encoding; docs/encoding-model.md specifies it byte by byte.
const (
	magic         = "MRTM"
	formatVersion = 1
	headerLen     = 36
)

var le = binary.LittleEndian

// appendHeader appends magic, version and the normalized config.
func appendHeader(b []byte, c *Config) []byte {
	b = append(b, magic...)
	b = le.AppendUint16(b, formatVersion)
	b = append(b, byte(c.Family), byte(c.ScaleExp))
	b = le.AppendUint32(b, uint32(c.Dims))
	b = le.AppendUint32(b, uint32(c.Classes))
	b = le.AppendUint32(b, uint32(c.Bound))
	b = le.AppendUint32(b, uint32(c.LearningRate))
	b = le.AppendUint64(b, uint64(c.AlphaMicro))
	b = le.AppendUint32(b, uint32(c.K))
	return b
}

func appendI32s(b []byte, v []int32) []byte {
	for _, x := range v {
		b = le.AppendUint32(b, uint32(x))
	}
	return b
}

func appendI64s(b []byte, v []int64) []byte {
	for _, x := range v {
		b = le.AppendUint64(b, uint64(x))
	}
	return b
}

func (m *perceptron) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, headerLen+4*(len(m.w)+len(m.b)))
	b = appendHeader(b, &m.cfg)
	b = appendI32s(b, m.w)
	return appendI32s(b, m.b), nil
}

func (m *naiveBayes) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, headerLen+8*(len(m.n)+len(m.cnt)))
	b = appendHeader(b, &m.cfg)
	b = appendI64s(b, m.n)
	return appendI64s(b, m.cnt), nil
}

func (m *centroid) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, headerLen+8*(len(m.n)+len(m.sum)))
	b = appendHeader(b, &m.cfg)
	b = appendI64s(b, m.n)
	return appendI64s(b, m.sum), nil
}

func (m *sparseCentroid) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, headerLen+8*len(m.n)+4*len(m.cnt))
	b = appendHeader(b, &m.cfg)
	b = appendI64s(b, m.n)
	return appendI32s(b, m.cnt), nil
}

func (m *knn) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, headerLen+8+4*(len(m.y)+len(m.x)))
	b = appendHeader(b, &m.cfg)
	b = le.AppendUint64(b, uint64(len(m.y)))
	b = appendI32s(b, m.y)
	return appendI32s(b, m.x), nil
}

// Hash returns the SHA-256 of m's canonical encoding.
func Hash(m Model) ([32]byte, error) {
	if m == nil {
		return [32]byte{}, fmt.Errorf("%w: Hash of a nil model", ErrInput)
	}
	b, err := m.MarshalBinary()
	if err != nil {
		return [32]byte{}, err
	}
	return sha256.Sum256(b), nil
}

func malformed(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrEncoding}, a...)...)
}

// readI32s and readI64s fill dst from the little-endian words at the start of b (a bulk
// copy on a little-endian machine: package lewords).
func readI32s(dst []int32, b []byte) { lewords.Read(dst, b) }

func readI64s(dst []int64, b []byte) { lewords.Read(dst, b) }

// Decode returns the model whose canonical encoding is b. It rejects, with an error
// wrapping ErrEncoding, bad magic, version or family, truncation, trailing bytes, a
// config that New would reject or that is not in normalized form, and state that
// breaks a family's invariant. It never panics, and allocates only in proportion to
// len(b): every declared size is checked against the bytes present first.
func Decode(b []byte) (Model, error) {
	if len(b) < headerLen {
		return nil, malformed("%d bytes, shorter than the %d-byte header", len(b), headerLen)
	}
	if string(b[:4]) != magic {
		return nil, malformed("bad magic %q, want %q", b[:4], magic)
	}
	if v := le.Uint16(b[4:]); v != formatVersion {
		return nil, malformed("unsupported version %d, want %d", v, formatVersion)
	}
	fam := Family(b[6])
	if !fam.Valid() {
		return nil, malformed("unknown family %d", b[6])
	}
	cfg := Config{
		Family:       fam,
		ScaleExp:     int(b[7]),
		Dims:         int(le.Uint32(b[8:])),
		Classes:      int(le.Uint32(b[12:])),
		Bound:        int32(le.Uint32(b[16:])),
		LearningRate: int32(le.Uint32(b[20:])),
		AlphaMicro:   int64(le.Uint64(b[24:])),
		K:            int(le.Uint32(b[32:])),
	}
	norm, err := cfg.Normalize()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrEncoding, err)
	}
	if norm != cfg {
		return nil, malformed("config is not in normalized form (defaults applied, other families' hyperparameters zero)")
	}
	st := b[headerLen:]
	switch fam {
	case Perceptron:
		return decodePerceptron(cfg, st)
	case NaiveBayes:
		return decodeNaiveBayes(cfg, st)
	case Centroid:
		return decodeCentroid(cfg, st)
	case SparseCentroid:
		return decodeSparseCentroid(cfg, st)
	default:
		return decodeKNN(cfg, st)
	}
}

// wantLen checks that the state is exactly n bytes.
func wantLen(fam Family, st []byte, n int) error {
	if len(st) < n {
		return malformed("%s: state truncated: %d bytes, want %d", fam, len(st), n)
	}
	if len(st) > n {
		return malformed("%s: %d trailing bytes after the state", fam, len(st)-n)
	}
	return nil
}

func decodePerceptron(c Config, st []byte) (Model, error) {
	v := c.Classes
	if v == 2 {
		v = 1
	}
	// Normalize bounds v·Dims by MaxCells, so the sizes cannot overflow.
	if err := wantLen(c.Family, st, 4*(v*c.Dims+v)); err != nil {
		return nil, err
	}
	m := newPerceptron(c)
	readI32s(m.w, st)
	readI32s(m.b, st[4*len(m.w):])
	lim := m.lim
	for _, vals := range [][]int32{m.w, m.b} {
		for i, w := range vals {
			if w < -lim || w > lim {
				return nil, malformed("perceptron: weight %d at %d is beyond the limit W = %d", w, i, lim)
			}
		}
	}
	return m, nil
}

// decodeCounts reads C int64 sample counts, each in [0, nmax].
func decodeCounts(fam Family, dst []int64, st []byte, nmax int64) error {
	readI64s(dst, st)
	for c, n := range dst {
		if n < 0 || n > nmax {
			return malformed("%s: class %d's sample count %d is not in [0, %d]", fam, c, n, nmax)
		}
	}
	return nil
}

func decodeNaiveBayes(c Config, st []byte) (Model, error) {
	cd := c.Classes * c.Dims
	if err := wantLen(c.Family, st, 8*(c.Classes+cd)); err != nil {
		return nil, err
	}
	m := allocNaiveBayes(c)
	if err := decodeCounts(c.Family, m.n, st, maxSamples); err != nil {
		return nil, err
	}
	for _, n := range m.n {
		m.total += n
		if m.total > maxSamples {
			return nil, malformed("naive-bayes: more than 2^62 samples in all")
		}
	}
	readI64s(m.cnt, st[8*c.Classes:])
	d, b := c.Dims, int64(c.Bound)
	for k := range c.Classes {
		// Each sample adds at most Bound to a count: 0 ≤ N[c][f] ≤ n[c]·Bound.
		nmaxF := int64(maxSamples)
		if m.n[k] < maxSamples/b {
			nmaxF = m.n[k] * b
		}
		var t int64
		for f, v := range m.cnt[k*d : (k+1)*d] {
			if v < 0 || v > nmaxF {
				return nil, malformed("naive-bayes: count N[%d][%d] = %d is not in [0, n[c]·Bound = %d]", k, f, v, nmaxF)
			}
			t += v
			if t > m.tmax {
				return nil, malformed("naive-bayes: class %d's total count breaks T·10^6 + AlphaMicro·S·D < 2^62", k)
			}
		}
		m.tot[k] = t
	}
	m.recompute()
	return m, nil
}

func decodeCentroid(c Config, st []byte) (Model, error) {
	cd := c.Classes * c.Dims
	if err := wantLen(c.Family, st, 8*(c.Classes+cd)); err != nil {
		return nil, err
	}
	m := newCentroid(c)
	if err := decodeCounts(c.Family, m.n, st, m.nmax); err != nil {
		return nil, err
	}
	readI64s(m.sum, st[8*c.Classes:])
	d, b := c.Dims, int64(c.Bound)
	for k := range c.Classes {
		// Each sample adds at most Bound in magnitude: |sum| ≤ n[c]·Bound < 2^62.
		lim := m.n[k] * b
		for f, v := range m.sum[k*d : (k+1)*d] {
			if v < -lim || v > lim {
				return nil, malformed("centroid: sum[%d][%d] = %d is beyond n[c]·Bound = %d", k, f, v, lim)
			}
		}
		m.refresh(k)
	}
	return m, nil
}

func decodeSparseCentroid(c Config, st []byte) (Model, error) {
	cd := c.Classes * c.Dims
	if err := wantLen(c.Family, st, 8*c.Classes+4*cd); err != nil {
		return nil, err
	}
	m := newSparseCentroid(c)
	if err := decodeCounts(c.Family, m.n, st, m.nmax); err != nil {
		return nil, err
	}
	readI32s(m.cnt, st[8*c.Classes:])
	d := c.Dims
	for k := range c.Classes {
		var q int64
		for f, v := range m.cnt[k*d : (k+1)*d] {
			if v < 0 || int64(v) > m.n[k] {
				return nil, malformed("sparse-centroid: s[%d][%d] = %d is not in [0, n[c] = %d]", k, f, v, m.n[k])
			}
			q += int64(v) * int64(v)
		}
		m.q[k] = q
	}
	return m, nil
}

func decodeKNN(c Config, st []byte) (Model, error) {
	if len(st) < 8 {
		return nil, malformed("knn: state truncated: %d bytes, want at least 8", len(st))
	}
	n := le.Uint64(st)
	st = st[8:]
	row := uint64(4 + 4*c.Dims) // label and features
	if n > uint64(len(st))/row {
		return nil, malformed("knn: %d stored rows need %d bytes per row, only %d bytes remain", n, row, len(st))
	}
	if err := wantLen(c.Family, st, int(n*row)); err != nil {
		return nil, err
	}
	m := &knn{cfg: c, y: make([]int32, n), x: make([]int32, int(n)*c.Dims)}
	readI32s(m.y, st)
	readI32s(m.x, st[4*n:])
	for i, y := range m.y {
		if y < 0 || int(y) >= c.Classes {
			return nil, malformed("knn: label %d of row %d is not in [0, %d)", y, i, c.Classes)
		}
	}
	if err := checkRange(&c, m.x, false); err != nil {
		return nil, fmt.Errorf("%w: knn: stored row: %w", ErrEncoding, err)
	}
	return m, nil
}
