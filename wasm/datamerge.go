package wasm

import (
	"cmp"
	"encoding/binary"
	"slices"
)

// mergeData returns bin with its active data segments merged: the Go linker splits the
// data section at every run of zeros (45,000 segments for the guest), and wazero
// initialises each segment separately at every instantiation, about 3 ms per Call. The
// merged module fills the gaps between segments (each smaller than mergeGap) with zeros,
// which is what the memory already holds there, so every instance starts with the same
// bytes in its memory; only the instantiation is faster. The module is otherwise
// unchanged, byte for byte.
//
// Only the simple form the Go linker emits is merged: active segments of memory 0 with
// an i32.const offset, not overlapping, and no data-count section (so no instruction
// names a segment). Anything else, or a malformed binary, returns bin unchanged (wazero
// then reports what is wrong with it). The hash the Engine checks is of the embedded
// bytes, before merging.
func mergeData(bin []byte) []byte {
	const header = 8 // magic and version
	if len(bin) < header {
		return bin
	}
	type section struct {
		id         byte
		start, end int // the section's contents in bin
		whole      []byte
	}
	var secs []section
	data := -1
	for off := header; off < len(bin); {
		id := bin[off]
		size, n := binary.Uvarint(bin[off+1:])
		if n <= 0 || size > uint64(len(bin)-off-1-n) {
			return bin
		}
		start := off + 1 + n
		end := start + int(size)
		if id == 12 { // data count: instructions may name segments
			return bin
		}
		if id == 11 {
			data = len(secs)
		}
		secs = append(secs, section{id, start, end, bin[off:end]})
		off = end
	}
	if data < 0 {
		return bin
	}
	segs, ok := parseSegments(bin[secs[data].start:secs[data].end])
	if !ok || len(segs) < 2 {
		return bin
	}
	slices.SortStableFunc(segs, func(a, b segment) int { return cmp.Compare(a.off, b.off) })
	// Group the sorted segments into runs whose gaps are at most mergeGap, then copy
	// each run into one buffer (zeros in the gaps).
	var merged []segment
	for i := 0; i < len(segs); {
		start, end := uint64(segs[i].off), uint64(segs[i].off)+uint64(len(segs[i].b))
		j := i + 1
		for ; j < len(segs); j++ {
			off := uint64(segs[j].off)
			if off < end {
				return bin // overlapping: the order of application would matter
			}
			if off-end > mergeGap {
				break
			}
			end = off + uint64(len(segs[j].b))
		}
		b := segs[i].b
		if j > i+1 {
			b = make([]byte, end-start)
			for _, s := range segs[i:j] {
				copy(b[uint64(s.off)-start:], s.b)
			}
		}
		merged = append(merged, segment{segs[i].off, b})
		i = j
	}
	var body []byte
	body = binary.AppendUvarint(body, uint64(len(merged)))
	for _, s := range merged {
		body = append(body, 0, 0x41) // active, memory 0; i32.const
		body = appendSleb(body, int64(int32(s.off)))
		body = append(body, 0x0b) // end
		body = binary.AppendUvarint(body, uint64(len(s.b)))
		body = append(body, s.b...)
	}
	out := make([]byte, 0, len(bin)+len(body))
	out = append(out, bin[:header]...)
	for i, s := range secs {
		if i != data {
			out = append(out, s.whole...)
			continue
		}
		out = append(out, 11)
		out = binary.AppendUvarint(out, uint64(len(body)))
		out = append(out, body...)
	}
	return out
}

// mergeGap is the largest gap between two segments that merging fills with zeros.
const mergeGap = 4096

type segment struct {
	off uint32
	b   []byte
}

// parseSegments parses a data section's contents, accepting only active segments of
// memory 0 with an i32.const offset that fit in 32 bits.
func parseSegments(b []byte) ([]segment, bool) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)) {
		return nil, false
	}
	b = b[k:]
	segs := make([]segment, 0, n)
	for range n {
		if len(b) < 2 || b[0] != 0 || b[1] != 0x41 {
			return nil, false
		}
		off, k := sleb(b[2:])
		if k <= 0 || off < 0 || off > 1<<31-1 {
			return nil, false
		}
		b = b[2+k:]
		if len(b) < 1 || b[0] != 0x0b {
			return nil, false
		}
		size, k := binary.Uvarint(b[1:])
		if k <= 0 || size > uint64(len(b)-1-k) {
			return nil, false
		}
		start := 1 + k
		segs = append(segs, segment{uint32(off), b[start : start+int(size)]})
		b = b[start+int(size):]
	}
	return segs, len(b) == 0
}

// sleb decodes a signed LEB128 of at most 5 bytes (an i32), returning the value and the
// bytes read, or k ≤ 0.
func sleb(b []byte) (v int64, k int) {
	var shift uint
	for i := 0; i < len(b) && i < 5; i++ {
		c := b[i]
		v |= int64(c&0x7f) << shift
		shift += 7
		if c&0x80 == 0 {
			if c&0x40 != 0 {
				v -= 1 << shift
			}
			return int64(int32(v)), i + 1
		}
	}
	return 0, 0
}

// appendSleb appends v as a signed LEB128.
func appendSleb(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}
