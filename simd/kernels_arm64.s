//go:build !purego

// NEON (Advanced SIMD) kernels for arm64. Each one computes exactly the same integer
// function as its portable counterpart (the *Generic functions): every claim of
// exactness is argued in the comment above the function, and kernels_arm64_test.go
// holds every kernel against the portable one on all lengths 0..300, random longer
// lengths, unaligned starts and the int32 extremes.
//
// Go's assembler has no mnemonic for most of the widening and saturating NEON
// instructions used here (SMLAL, UMLAL, SABD, SXTL, SQXTN, SMIN, SMAX, SADALP, SMINV,
// SMAXV, CMEQ on .4S), so they are written as WORD $0x… with the ARM mnemonic in the
// comment beside it. arm64_words_test.go re-encodes every such comment and checks that
// it matches its WORD, so a comment and its encoding cannot drift apart.
//
// Registers: R0–R17 and V0–V31 are scratch in ABI0 assembly; R18, R26–R29 are not
// touched. Every function is a leaf with no frame (NOSPLIT, $0).
//
// Arithmetic facts used throughout (Go and arm64 integer arithmetic are both
// two's-complement modulo 2^64 for int64):
//   (F1) the product of two int32 values lies in [−2^62+2^31, 2^62] and so is exact in
//        int64; SMLAL/SMLAL2 form that exact product and add it modulo 2^64;
//   (F2) the portable sums are sums modulo 2^64, so the order in which terms are added
//        (lanes, accumulators, the scalar tail) does not change the result.

#include "textflag.h"

// func dotNEON(a, b []int32) int64
//
// Σ a[i]·b[i] modulo 2^64. SMLAL/SMLAL2 multiply int32 lanes into exact int64 products
// (F1) and add them to eight int64×2 accumulators modulo 2^64; the accumulators and the
// scalar tail (SMADDL: the same exact product, added modulo 2^64) are summed at the
// end. By (F2) the result equals the portable loop's. len(b) == len(a) is checked by
// the caller.
TEXT ·dotNEON(SB), NOSPLIT, $0-56
	MOVD	a_base+0(FP), R0
	MOVD	a_len+8(FP), R2
	MOVD	b_base+24(FP), R1
	MOVD	ZR, R7
	VEOR	V16.B16, V16.B16, V16.B16
	VEOR	V17.B16, V17.B16, V17.B16
	VEOR	V18.B16, V18.B16, V18.B16
	VEOR	V19.B16, V19.B16, V19.B16
	VEOR	V20.B16, V20.B16, V20.B16
	VEOR	V21.B16, V21.B16, V21.B16
	VEOR	V22.B16, V22.B16, V22.B16
	VEOR	V23.B16, V23.B16, V23.B16
	CMP	$16, R2
	BLT	dot4

dot16:
	VLD1.P	64(R0), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P	64(R1), [V4.S4, V5.S4, V6.S4, V7.S4]
	WORD	$0x0ea48010 // smlal v16.2d, v0.2s, v4.2s
	WORD	$0x4ea48011 // smlal2 v17.2d, v0.4s, v4.4s
	WORD	$0x0ea58032 // smlal v18.2d, v1.2s, v5.2s
	WORD	$0x4ea58033 // smlal2 v19.2d, v1.4s, v5.4s
	WORD	$0x0ea68054 // smlal v20.2d, v2.2s, v6.2s
	WORD	$0x4ea68055 // smlal2 v21.2d, v2.4s, v6.4s
	WORD	$0x0ea78076 // smlal v22.2d, v3.2s, v7.2s
	WORD	$0x4ea78077 // smlal2 v23.2d, v3.4s, v7.4s
	SUB	$16, R2, R2
	CMP	$16, R2
	BGE	dot16

dot4:
	CMP	$4, R2
	BLT	dotreduce
	VLD1.P	16(R0), [V0.S4]
	VLD1.P	16(R1), [V4.S4]
	WORD	$0x0ea48010 // smlal v16.2d, v0.2s, v4.2s
	WORD	$0x4ea48011 // smlal2 v17.2d, v0.4s, v4.4s
	SUB	$4, R2, R2
	B	dot4

dotreduce:
	VADD	V17.D2, V16.D2, V16.D2
	VADD	V19.D2, V18.D2, V18.D2
	VADD	V21.D2, V20.D2, V20.D2
	VADD	V23.D2, V22.D2, V22.D2
	VADD	V18.D2, V16.D2, V16.D2
	VADD	V22.D2, V20.D2, V20.D2
	VADD	V20.D2, V16.D2, V16.D2
	VMOV	V16.D[0], R7
	VMOV	V16.D[1], R8
	ADD	R8, R7, R7

dottail:
	CBZ	R2, dotdone
	MOVW.P	4(R0), R4 // sign-extending load
	MOVW.P	4(R1), R5
	SMADDL	R5, R7, R4, R7 // R7 += int64(R4)·int64(R5)
	SUB	$1, R2, R2
	B	dottail

dotdone:
	MOVD	R7, ret+48(FP)
	RET

// func sqDistNEON(a, b []int32) int64
//
// Σ (a[i]−b[i])² modulo 2^64, where the portable version computes d = int64(a)−int64(b)
// and adds d·d modulo 2^64. Proof that the vector form is exact for ALL int32 inputs:
//   - d lies in [−(2^32−1), 2^32−1], so u = |d| lies in [0, 2^32−1] and fits in uint32.
//   - SABD computes |a−b| at unbounded precision and keeps its low 32 bits (ARM ARM,
//     SABD: "absdiff = Abs(element1 − element2)" on the integer values); since
//     u < 2^32 those 32 bits are u itself, read as unsigned.
//   - UMLAL/UMLAL2 multiply the unsigned u by itself into u² ≤ (2^32−1)² < 2^64, exact
//     as a uint64, and add it to the lane modulo 2^64.
//   - d·d = u² as integers, so d·d modulo 2^64 (the portable term, whose int64 bits may
//     read as negative when u² ≥ 2^63) has exactly the bits of u².
// The lanes, accumulators and the scalar tail (SUB on sign-extended values gives the
// exact d in 64 bits; MADD adds d·d modulo 2^64) are summed modulo 2^64: by (F2) the
// result equals the portable loop's, including at a = −2^31, b = 2^31−1.
TEXT ·sqDistNEON(SB), NOSPLIT, $0-56
	MOVD	a_base+0(FP), R0
	MOVD	a_len+8(FP), R2
	MOVD	b_base+24(FP), R1
	MOVD	ZR, R7
	VEOR	V16.B16, V16.B16, V16.B16
	VEOR	V17.B16, V17.B16, V17.B16
	VEOR	V18.B16, V18.B16, V18.B16
	VEOR	V19.B16, V19.B16, V19.B16
	VEOR	V20.B16, V20.B16, V20.B16
	VEOR	V21.B16, V21.B16, V21.B16
	VEOR	V22.B16, V22.B16, V22.B16
	VEOR	V23.B16, V23.B16, V23.B16
	CMP	$16, R2
	BLT	sq4

sq16:
	VLD1.P	64(R0), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P	64(R1), [V4.S4, V5.S4, V6.S4, V7.S4]
	WORD	$0x4ea47408 // sabd v8.4s, v0.4s, v4.4s
	WORD	$0x4ea57429 // sabd v9.4s, v1.4s, v5.4s
	WORD	$0x4ea6744a // sabd v10.4s, v2.4s, v6.4s
	WORD	$0x4ea7746b // sabd v11.4s, v3.4s, v7.4s
	WORD	$0x2ea88110 // umlal v16.2d, v8.2s, v8.2s
	WORD	$0x6ea88111 // umlal2 v17.2d, v8.4s, v8.4s
	WORD	$0x2ea98132 // umlal v18.2d, v9.2s, v9.2s
	WORD	$0x6ea98133 // umlal2 v19.2d, v9.4s, v9.4s
	WORD	$0x2eaa8154 // umlal v20.2d, v10.2s, v10.2s
	WORD	$0x6eaa8155 // umlal2 v21.2d, v10.4s, v10.4s
	WORD	$0x2eab8176 // umlal v22.2d, v11.2s, v11.2s
	WORD	$0x6eab8177 // umlal2 v23.2d, v11.4s, v11.4s
	SUB	$16, R2, R2
	CMP	$16, R2
	BGE	sq16

sq4:
	CMP	$4, R2
	BLT	sqreduce
	VLD1.P	16(R0), [V0.S4]
	VLD1.P	16(R1), [V4.S4]
	WORD	$0x4ea47408 // sabd v8.4s, v0.4s, v4.4s
	WORD	$0x2ea88110 // umlal v16.2d, v8.2s, v8.2s
	WORD	$0x6ea88111 // umlal2 v17.2d, v8.4s, v8.4s
	SUB	$4, R2, R2
	B	sq4

sqreduce:
	VADD	V17.D2, V16.D2, V16.D2
	VADD	V19.D2, V18.D2, V18.D2
	VADD	V21.D2, V20.D2, V20.D2
	VADD	V23.D2, V22.D2, V22.D2
	VADD	V18.D2, V16.D2, V16.D2
	VADD	V22.D2, V20.D2, V20.D2
	VADD	V20.D2, V16.D2, V16.D2
	VMOV	V16.D[0], R7
	VMOV	V16.D[1], R8
	ADD	R8, R7, R7

sqtail:
	CBZ	R2, sqdone
	MOVW.P	4(R0), R4
	MOVW.P	4(R1), R5
	SUB	R5, R4, R4     // d = a − b, exact in 64 bits
	MADD	R4, R7, R4, R7 // R7 += d·d (mod 2^64)
	SUB	$1, R2, R2
	B	sqtail

sqdone:
	MOVD	R7, ret+48(FP)
	RET

// func addScaledSatNEON(dst, x []int32, s, lim int32) (exact bool)
//
// dst[i] = clamp(dst[i] + s·x[i], −lim, lim), with t = dst[i] + s·x[i] exact in int64,
// and exact reports whether no element was clamped. The caller guarantees lim > 0,
// len(x) == len(dst), and that dst and x are either the same slice or do not overlap.
// Proof of exactness:
//   - t: SXTL widens dst[i] to int64 exactly and SMLAL adds the exact product s·x[i]
//     (F1); |t| ≤ 2^31 + 2^62 < 2^63, so no wrap occurs, as in the portable version.
//   - clamp: SQXTN narrows t to int32 with signed saturation, i.e. clamp(t, −2^31,
//     2^31−1); SMIN with lim then SMAX with −lim clamp that to [−lim, lim]. Since
//     0 < lim ≤ 2^31−1, [−lim, lim] ⊆ [−2^31, 2^31−1], and clamping to an interval
//     after clamping to a larger one containing it is clamping to the smaller one
//     directly (inside the larger interval the first clamp is the identity; beyond one
//     of its ends, the first clamp moves t to that end, which is beyond the same end of
//     the smaller interval). So the lane holds clamp(t, −lim, lim).
//   - exact: an element is clamped iff its result r differs from t. r is widened back
//     with SXTL, t − r is ORed into V31 (all zero iff every r == t); the scalar tail
//     ORs t XOR r into R12 likewise.
// Each group of 8 is loaded before it is stored, so dst == x gives the portable result.
TEXT ·addScaledSatNEON(SB), NOSPLIT, $0-57
	MOVD	dst_base+0(FP), R0
	MOVD	dst_len+8(FP), R2
	MOVD	x_base+24(FP), R1
	MOVW	s+48(FP), R6   // sign-extended
	MOVW	lim+52(FP), R8 // sign-extended, > 0
	NEG	R8, R9         // −lim
	VDUP	R6, V30.S4
	VDUP	R8, V28.S4
	VDUP	R9, V29.S4
	VEOR	V31.B16, V31.B16, V31.B16
	MOVD	ZR, R12
	CMP	$8, R2
	BLT	sattail

sat8:
	VLD1	(R0), [V0.S4, V1.S4]
	VLD1.P	32(R1), [V2.S4, V3.S4]
	WORD	$0x0f20a404 // sxtl v4.2d, v0.2s
	WORD	$0x4f20a405 // sxtl2 v5.2d, v0.4s
	WORD	$0x0f20a426 // sxtl v6.2d, v1.2s
	WORD	$0x4f20a427 // sxtl2 v7.2d, v1.4s
	WORD	$0x0ebe8044 // smlal v4.2d, v2.2s, v30.2s
	WORD	$0x4ebe8045 // smlal2 v5.2d, v2.4s, v30.4s
	WORD	$0x0ebe8066 // smlal v6.2d, v3.2s, v30.2s
	WORD	$0x4ebe8067 // smlal2 v7.2d, v3.4s, v30.4s
	WORD	$0x0ea14890 // sqxtn v16.2s, v4.2d
	WORD	$0x4ea148b0 // sqxtn2 v16.4s, v5.2d
	WORD	$0x0ea148d1 // sqxtn v17.2s, v6.2d
	WORD	$0x4ea148f1 // sqxtn2 v17.4s, v7.2d
	WORD	$0x4ebc6e10 // smin v16.4s, v16.4s, v28.4s
	WORD	$0x4ebc6e31 // smin v17.4s, v17.4s, v28.4s
	WORD	$0x4ebd6610 // smax v16.4s, v16.4s, v29.4s
	WORD	$0x4ebd6631 // smax v17.4s, v17.4s, v29.4s
	VST1.P	[V16.S4, V17.S4], 32(R0)
	WORD	$0x0f20a612 // sxtl v18.2d, v16.2s
	WORD	$0x4f20a613 // sxtl2 v19.2d, v16.4s
	WORD	$0x0f20a634 // sxtl v20.2d, v17.2s
	WORD	$0x4f20a635 // sxtl2 v21.2d, v17.4s
	VSUB	V18.D2, V4.D2, V18.D2
	VSUB	V19.D2, V5.D2, V19.D2
	VSUB	V20.D2, V6.D2, V20.D2
	VSUB	V21.D2, V7.D2, V21.D2
	VORR	V18.B16, V31.B16, V31.B16
	VORR	V19.B16, V31.B16, V31.B16
	VORR	V20.B16, V31.B16, V31.B16
	VORR	V21.B16, V31.B16, V31.B16
	SUB	$8, R2, R2
	CMP	$8, R2
	BGE	sat8
	VMOV	V31.D[0], R10
	VMOV	V31.D[1], R11
	ORR	R10, R12, R12
	ORR	R11, R12, R12

sattail:
	CBZ	R2, satdone
	MOVW	(R0), R4
	MOVW.P	4(R1), R5
	SMADDL	R5, R4, R6, R4 // t = dst + s·x, exact
	MOVD	R4, R10
	CMP	R8, R4
	CSEL	GT, R8, R4, R4 // t > lim  → lim
	CMP	R9, R4
	CSEL	LT, R9, R4, R4 // t < −lim → −lim
	EOR	R4, R10, R10   // non-zero iff clamped
	ORR	R10, R12, R12
	MOVW.P	R4, 4(R0)
	SUB	$1, R2, R2
	B	sattail

satdone:
	CMP	$0, R12
	CSET	EQ, R12
	MOVB	R12, exact+56(FP)
	RET

// func addScaled64NEON(dst []int64, x []int32, s int32)
//
// dst[i] += s·x[i] modulo 2^64, for an s that fits in int32 (the caller checks that
// and uses the portable loop otherwise): SMLAL adds the exact int64 product (F1)
// modulo 2^64, which is the portable int64(s)·int64(x[i]) added with wrapping.
TEXT ·addScaled64NEON(SB), NOSPLIT, $0-52
	MOVD	dst_base+0(FP), R0
	MOVD	dst_len+8(FP), R2
	MOVD	x_base+24(FP), R1
	MOVW	s+48(FP), R3
	VDUP	R3, V30.S4
	CMP	$8, R2
	BLT	as64tail

as64loop:
	VLD1	(R0), [V0.D2, V1.D2, V2.D2, V3.D2]
	VLD1.P	32(R1), [V4.S4, V5.S4]
	WORD	$0x0ebe8080 // smlal v0.2d, v4.2s, v30.2s
	WORD	$0x4ebe8081 // smlal2 v1.2d, v4.4s, v30.4s
	WORD	$0x0ebe80a2 // smlal v2.2d, v5.2s, v30.2s
	WORD	$0x4ebe80a3 // smlal2 v3.2d, v5.4s, v30.4s
	VST1.P	[V0.D2, V1.D2, V2.D2, V3.D2], 64(R0)
	SUB	$8, R2, R2
	CMP	$8, R2
	BGE	as64loop

as64tail:
	CBZ	R2, as64done
	MOVD	(R0), R4
	MOVW.P	4(R1), R5
	SMADDL	R5, R4, R3, R4
	MOVD.P	R4, 8(R0)
	SUB	$1, R2, R2
	B	as64tail

as64done:
	RET

// func sumNEON(x []int32) int64
//
// Σ x[i] modulo 2^64. SADALP adds each pair of adjacent int32 lanes, sign-extended to
// int64 (exact), into an int64 lane modulo 2^64; by (F2) the total equals the portable
// one.
TEXT ·sumNEON(SB), NOSPLIT, $0-32
	MOVD	x_base+0(FP), R0
	MOVD	x_len+8(FP), R2
	MOVD	ZR, R7
	VEOR	V16.B16, V16.B16, V16.B16
	VEOR	V17.B16, V17.B16, V17.B16
	VEOR	V18.B16, V18.B16, V18.B16
	VEOR	V19.B16, V19.B16, V19.B16
	CMP	$16, R2
	BLT	sum4

sum16:
	VLD1.P	64(R0), [V0.S4, V1.S4, V2.S4, V3.S4]
	WORD	$0x4ea06810 // sadalp v16.2d, v0.4s
	WORD	$0x4ea06831 // sadalp v17.2d, v1.4s
	WORD	$0x4ea06852 // sadalp v18.2d, v2.4s
	WORD	$0x4ea06873 // sadalp v19.2d, v3.4s
	SUB	$16, R2, R2
	CMP	$16, R2
	BGE	sum16

sum4:
	CMP	$4, R2
	BLT	sumreduce
	VLD1.P	16(R0), [V0.S4]
	WORD	$0x4ea06810 // sadalp v16.2d, v0.4s
	SUB	$4, R2, R2
	B	sum4

sumreduce:
	VADD	V17.D2, V16.D2, V16.D2
	VADD	V19.D2, V18.D2, V18.D2
	VADD	V18.D2, V16.D2, V16.D2
	VMOV	V16.D[0], R7
	VMOV	V16.D[1], R8
	ADD	R8, R7, R7

sumtail:
	CBZ	R2, sumdone
	MOVW.P	4(R0), R4
	ADD	R4, R7, R7
	SUB	$1, R2, R2
	B	sumtail

sumdone:
	MOVD	R7, ret+24(FP)
	RET

// func countEqNEON(x []int32, v int32) int
//
// How many x[i] == v. CMEQ sets a lane to all ones (−1) where equal, and subtracting it
// adds 1 to a uint32 lane count. Each of the 8 lane counts sees at most ⌈len(x)/8⌉
// elements; the caller passes at most 2^31 elements at a time, so no count wraps, and
// UADDLV adds the four uint32 lanes into a 64-bit total exactly.
TEXT ·countEqNEON(SB), NOSPLIT, $0-40
	MOVD	x_base+0(FP), R0
	MOVD	x_len+8(FP), R2
	MOVW	v+24(FP), R3
	MOVD	ZR, R7
	VDUP	R3, V30.S4
	VEOR	V16.B16, V16.B16, V16.B16
	VEOR	V17.B16, V17.B16, V17.B16
	CMP	$8, R2
	BLT	cnttail

cnt8:
	VLD1.P	32(R0), [V0.S4, V1.S4]
	WORD	$0x6ebe8c00 // cmeq v0.4s, v0.4s, v30.4s
	WORD	$0x6ebe8c21 // cmeq v1.4s, v1.4s, v30.4s
	VSUB	V0.S4, V16.S4, V16.S4
	VSUB	V1.S4, V17.S4, V17.S4
	SUB	$8, R2, R2
	CMP	$8, R2
	BGE	cnt8
	VADD	V17.S4, V16.S4, V16.S4
	VUADDLV	V16.S4, V16
	VMOV	V16.D[0], R7

cnttail:
	CBZ	R2, cntdone
	MOVW.P	4(R0), R4
	CMPW	R3, R4
	CINC	EQ, R7, R7
	SUB	$1, R2, R2
	B	cnttail

cntdone:
	MOVD	R7, ret+32(FP)
	RET

// func minMaxNEON(x []int32) (lo, hi int32)
//
// The smallest and largest element of a non-empty x (the caller handles len(x) == 0).
// SMIN/SMAX and their across-lane forms SMINV/SMAXV compare as signed int32, like Go;
// min and max are the same whatever the order the elements are visited in.
TEXT ·minMaxNEON(SB), NOSPLIT, $0-32
	MOVD	x_base+0(FP), R0
	MOVD	x_len+8(FP), R2
	MOVW	(R0), R4 // lo
	MOVW	(R0), R6 // hi
	CMP	$4, R2
	BLT	mmtail
	VLD1.P	16(R0), [V0.S4]
	SUB	$4, R2, R2
	VORR	V0.B16, V0.B16, V1.B16

mm8:
	CMP	$8, R2
	BLT	mm4
	VLD1.P	32(R0), [V2.S4, V3.S4]
	WORD	$0x4ea26c00 // smin v0.4s, v0.4s, v2.4s
	WORD	$0x4ea36c00 // smin v0.4s, v0.4s, v3.4s
	WORD	$0x4ea26421 // smax v1.4s, v1.4s, v2.4s
	WORD	$0x4ea36421 // smax v1.4s, v1.4s, v3.4s
	SUB	$8, R2, R2
	B	mm8

mm4:
	CMP	$4, R2
	BLT	mmreduce
	VLD1.P	16(R0), [V2.S4]
	WORD	$0x4ea26c00 // smin v0.4s, v0.4s, v2.4s
	WORD	$0x4ea26421 // smax v1.4s, v1.4s, v2.4s
	SUB	$4, R2, R2

mmreduce:
	WORD	$0x4eb1a800 // sminv s0, v0.4s
	WORD	$0x4eb0a821 // smaxv s1, v1.4s
	VMOV	V0.S[0], R4
	VMOV	V1.S[0], R6

mmtail:
	CBZ	R2, mmdone
	MOVW.P	4(R0), R5
	CMPW	R4, R5
	CSELW	LT, R5, R4, R4 // x < lo → lo = x
	CMPW	R6, R5
	CSELW	GT, R5, R6, R6 // x > hi → hi = x
	SUB	$1, R2, R2
	B	mmtail

mmdone:
	MOVW	R4, lo+24(FP)
	MOVW	R6, hi+28(FP)
	RET

// func addConstI64NEON(dst []int64, c int64)
//
// dst[i] += c modulo 2^64: VADD on .2D lanes wraps exactly as Go's int64 addition.
TEXT ·addConstI64NEON(SB), NOSPLIT, $0-32
	MOVD	dst_base+0(FP), R0
	MOVD	dst_len+8(FP), R2
	MOVD	c+24(FP), R3
	VDUP	R3, V30.D2
	CMP	$8, R2
	BLT	actail

ac8:
	VLD1	(R0), [V0.D2, V1.D2, V2.D2, V3.D2]
	VADD	V30.D2, V0.D2, V0.D2
	VADD	V30.D2, V1.D2, V1.D2
	VADD	V30.D2, V2.D2, V2.D2
	VADD	V30.D2, V3.D2, V3.D2
	VST1.P	[V0.D2, V1.D2, V2.D2, V3.D2], 64(R0)
	SUB	$8, R2, R2
	CMP	$8, R2
	BGE	ac8

actail:
	CBZ	R2, acdone
	MOVD	(R0), R4
	ADD	R3, R4, R4
	MOVD.P	R4, 8(R0)
	SUB	$1, R2, R2
	B	actail

acdone:
	RET

// func subI32NEON(dst, a, b []int32)
//
// dst[i] = a[i] − b[i] modulo 2^32: VSUB on .4S lanes wraps exactly as Go's int32
// subtraction. The caller guarantees equal lengths and that dst is either a, b, or
// disjoint from both (each group of 8 is loaded before it is stored).
TEXT ·subI32NEON(SB), NOSPLIT, $0-72
	MOVD	dst_base+0(FP), R0
	MOVD	dst_len+8(FP), R3
	MOVD	a_base+24(FP), R1
	MOVD	b_base+48(FP), R2
	CMP	$8, R3
	BLT	subtail

sub8:
	VLD1.P	32(R1), [V0.S4, V1.S4]
	VLD1.P	32(R2), [V2.S4, V3.S4]
	VSUB	V2.S4, V0.S4, V0.S4
	VSUB	V3.S4, V1.S4, V1.S4
	VST1.P	[V0.S4, V1.S4], 32(R0)
	SUB	$8, R3, R3
	CMP	$8, R3
	BGE	sub8

subtail:
	CBZ	R3, subdone
	MOVW.P	4(R1), R4
	MOVW.P	4(R2), R5
	SUBW	R5, R4, R4
	MOVW.P	R4, 4(R0)
	SUB	$1, R3, R3
	B	subtail

subdone:
	RET
