package simd

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Go's assembler has no mnemonic for most NEON widening and saturating instructions,
// so kernels_arm64.s writes them as `WORD $0x…  // mnemonic`. This test (which runs on
// every architecture) re-encodes each commented mnemonic from the field layouts of the
// Arm Architecture Reference Manual (A64 Advanced SIMD encoding classes) and checks it
// against its WORD, so a comment cannot misdescribe the instruction beside it.

// neonClass is the fixed part of one A64 Advanced SIMD encoding class.
type neonClass func(q, u, size, opcode uint32) uint32

var (
	// three same: 0 Q U 01110 size 1 Rm opcode(5) 1 Rn Rd
	neonThreeSame neonClass = func(q, u, size, op uint32) uint32 {
		return q<<30 | u<<29 | 0b01110<<24 | size<<22 | 1<<21 | op<<11 | 1<<10
	}
	// three different: 0 Q U 01110 size 1 Rm opcode(4) 00 Rn Rd
	neonThreeDiff neonClass = func(q, u, size, op uint32) uint32 {
		return q<<30 | u<<29 | 0b01110<<24 | size<<22 | 1<<21 | op<<12
	}
	// two-register miscellaneous: 0 Q U 01110 size 10000 opcode(5) 10 Rn Rd
	neonTwoMisc neonClass = func(q, u, size, op uint32) uint32 {
		return q<<30 | u<<29 | 0b01110<<24 | size<<22 | 0b10000<<17 | op<<12 | 0b10<<10
	}
	// across lanes: 0 Q U 01110 size 11000 opcode(5) 10 Rn Rd
	neonAcrossLanes neonClass = func(q, u, size, op uint32) uint32 {
		return q<<30 | u<<29 | 0b01110<<24 | size<<22 | 0b11000<<17 | op<<12 | 0b10<<10
	}
	// shift by immediate, SSHLL #0 from 32-bit lanes (immh:immb = 0100:000):
	// 0 Q U 011110 immh immb opcode(5) 1 Rn Rd; `size` is unused.
	neonShiftImm neonClass = func(q, u, _, op uint32) uint32 {
		return q<<30 | u<<29 | 0b011110<<23 | 0b0100<<19 | op<<11 | 1<<10
	}
)

// neonForm gives, for a mnemonic with its operand arrangements, the encoding with all
// registers zero, and whether it has an Rm operand.
type neonForm struct {
	base  uint32
	hasRm bool
}

var neonForms = map[string]neonForm{
	// name arrangements (d, n[, m])        class      Q  U  size opcode
	"smlal 2d 2s 2s":  {neonThreeDiff(0, 0, 2, 0b1000), true},
	"smlal2 2d 4s 4s": {neonThreeDiff(1, 0, 2, 0b1000), true},
	"umlal 2d 2s 2s":  {neonThreeDiff(0, 1, 2, 0b1000), true},
	"umlal2 2d 4s 4s": {neonThreeDiff(1, 1, 2, 0b1000), true},
	"sabd 4s 4s 4s":   {neonThreeSame(1, 0, 2, 0b01110), true},
	"smax 4s 4s 4s":   {neonThreeSame(1, 0, 2, 0b01100), true},
	"smin 4s 4s 4s":   {neonThreeSame(1, 0, 2, 0b01101), true},
	"cmeq 4s 4s 4s":   {neonThreeSame(1, 1, 2, 0b10001), true},
	"sadalp 2d 4s":    {neonTwoMisc(1, 0, 2, 0b00110), false},
	"sqxtn 2s 2d":     {neonTwoMisc(0, 0, 2, 0b10100), false},
	"sqxtn2 4s 2d":    {neonTwoMisc(1, 0, 2, 0b10100), false},
	"smaxv s 4s":      {neonAcrossLanes(1, 0, 2, 0b01010), false},
	"sminv s 4s":      {neonAcrossLanes(1, 0, 2, 0b11010), false},
	"sxtl 2d 2s":      {neonShiftImm(0, 0, 0, 0b10100), false},
	"sxtl2 2d 4s":     {neonShiftImm(1, 0, 0, 0b10100), false},
	"addp d 2d":       {0x5ef1b800, false}, // scalar pairwise: 01 0 11110 11 11000 11011 10 Rn Rd
}

var neonOperandRE = regexp.MustCompile(`^([vsd])([0-9]+)(?:\.([0-9]+[bhsd]))?$`)

// encodeNEON encodes one mnemonic in GNU syntax, e.g. "smlal v16.2d, v0.2s, v4.2s".
func encodeNEON(asm string) (uint32, error) {
	name, rest, _ := strings.Cut(strings.TrimSpace(asm), " ")
	key := []string{name}
	var regs []uint32
	for _, op := range strings.Split(rest, ",") {
		m := neonOperandRE.FindStringSubmatch(strings.TrimSpace(op))
		if m == nil {
			return 0, fmt.Errorf("bad operand %q", op)
		}
		r, _ := strconv.Atoi(m[2])
		if r > 31 {
			return 0, fmt.Errorf("bad register %q", op)
		}
		regs = append(regs, uint32(r))
		if m[3] != "" {
			key = append(key, m[3])
		} else {
			key = append(key, m[1]) // scalar register: its width
		}
	}
	f, ok := neonForms[strings.Join(key, " ")]
	if !ok {
		return 0, fmt.Errorf("no encoding form %q", strings.Join(key, " "))
	}
	want := 2
	if f.hasRm {
		want = 3
	}
	if len(regs) != want {
		return 0, fmt.Errorf("%d operands, want %d", len(regs), want)
	}
	w := f.base | regs[1]<<5 | regs[0]
	if f.hasRm {
		w |= regs[2] << 16
	}
	return w, nil
}

func TestEncodeNEONKnown(t *testing.T) {
	// Encodings printed by a reference assembler (GNU as for aarch64).
	for asm, want := range map[string]uint32{
		"smlal v16.2d, v0.2s, v4.2s":   0x0ea48010,
		"umlal2 v17.2d, v8.4s, v8.4s":  0x6ea88111,
		"sabd v8.4s, v0.4s, v4.4s":     0x4ea47408,
		"sxtl2 v3.2d, v0.4s":           0x4f20a403,
		"sqxtn2 v4.4s, v3.2d":          0x4ea14864,
		"smin v4.4s, v4.4s, v28.4s":    0x4ebc6c84,
		"smax v4.4s, v4.4s, v29.4s":    0x4ebd6484,
		"cmeq v0.4s, v0.4s, v30.4s":    0x6ebe8c00,
		"sadalp v16.2d, v0.4s":         0x4ea06810,
		"sminv s0, v0.4s":              0x4eb1a800,
		"smaxv s1, v1.4s":              0x4eb0a821,
		"addp d0, v16.2d":              0x5ef1ba00,
		"smlal2 v7.2d, v3.4s, v30.4s":  0x4ebe8067,
		"umlal v22.2d, v11.2s, v11.2s": 0x2eab8176,
	} {
		got, err := encodeNEON(asm)
		if err != nil || got != want {
			t.Errorf("encodeNEON(%q) = %#08x, %v; want %#08x", asm, got, err, want)
		}
	}
}

var neonWordRE = regexp.MustCompile(`^\s*WORD\s+\$0x([0-9a-fA-F]{8})\s*//\s*(.+?)\s*$`)

func TestARM64WordsMatchComments(t *testing.T) {
	src, err := os.ReadFile("kernels_arm64.s")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i, line := range strings.Split(string(src), "\n") {
		if !strings.Contains(line, "WORD") || strings.HasPrefix(strings.TrimSpace(line), "//") {
			continue
		}
		m := neonWordRE.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("kernels_arm64.s:%d: WORD without a `// mnemonic` comment: %q", i+1, line)
			continue
		}
		word, _ := strconv.ParseUint(m[1], 16, 32)
		enc, err := encodeNEON(m[2])
		if err != nil {
			t.Errorf("kernels_arm64.s:%d: %q: %v", i+1, m[2], err)
			continue
		}
		if uint32(word) != enc {
			t.Errorf("kernels_arm64.s:%d: WORD $0x%08x but %q encodes as 0x%08x", i+1, word, m[2], enc)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no WORD lines found")
	}
}
