// Command _asm generates the amd64 kernels of package simd (kernels_amd64.s) and their Go
// declarations (kernels_amd64.go) with avo. It is run by `go generate` in simd/ (see
// simd/gen.go); `make check-generate` regenerates into a temporary directory and fails if
// the committed files differ.
//
// It lives in its own module so that avo is not a dependency of github.com/meritchain/merit.
//
// Every kernel is an exact integer function and must return the same bits as its portable
// Go version in simd/kernels*.go for every input; the comments at each generator say why
// the instruction sequence does. Two levels are generated from the same code:
//
//	AVX2:   VEX-encoded, 256-bit registers (8 int32 or 4 int64 lanes)
//	AVX512: EVEX-encoded, 512-bit registers (16 int32 or 8 int64 lanes) and mask registers;
//	        needs AVX512F, and AVX512DQ for VPMULLQ (the Go side requires F, DQ, BW and VL).
//
// Loops run over whole vectors (unrolled by 4 where it pays), then single vectors, then a
// scalar tail, so no load ever reaches past a slice's end.
package main

import (
	"flag"
	"fmt"
	"os"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// level describes one instruction-set level.
type level struct {
	name  string // suffix of the generated function names
	lanes int    // int32 lanes per vector
	z     bool   // 512-bit (EVEX) registers
}

var (
	avx2   = level{name: "AVX2", lanes: 8}
	avx512 = level{name: "AVX512", lanes: 16, z: true}
)

func (l level) bytes() int { return 4 * l.lanes } // bytes per vector

// vec returns a new vector register of the level's width.
func (l level) vec() VecVirtual {
	if l.z {
		return ZMM()
	}
	return YMM()
}

// half returns the lower half of v: the int32 lanes VPMOVSXDQ widens into a full vector.
func (l level) half(v VecVirtual) Register {
	if l.z {
		return v.AsY()
	}
	return v.AsX()
}

// load moves one vector from m into a new register.
func (l level) load(m Mem) VecVirtual {
	v := l.vec()
	if l.z {
		VMOVDQU64(m, v)
	} else {
		VMOVDQU(m, v)
	}
	return v
}

func (l level) store(v VecVirtual, m Mem) {
	if l.z {
		VMOVDQU64(v, m)
	} else {
		VMOVDQU(v, m)
	}
}

// zero returns a new vector register holding zero.
func (l level) zero() VecVirtual {
	v := l.vec()
	if l.z {
		VPXORQ(v, v, v)
	} else {
		VPXOR(v, v, v)
	}
	return v
}

// broadcastQ returns a vector with every int64 lane equal to r.
func (l level) broadcastQ(r Register) VecVirtual {
	v := l.vec()
	if l.z {
		VPBROADCASTQ(r, v)
	} else {
		x := XMM()
		VMOVQ(r, x)
		VPBROADCASTQ(x, v)
	}
	return v
}

// broadcastD returns a vector with every int32 lane equal to the 32-bit register r.
func (l level) broadcastD(r Register) VecVirtual {
	v := l.vec()
	if l.z {
		VPBROADCASTD(r, v)
	} else {
		x := XMM()
		VMOVD(r, x)
		VPBROADCASTD(x, v)
	}
	return v
}

// reduceQ returns the wrapping sum of the int64 lanes of acc in a new general register.
func (l level) reduceQ(acc VecVirtual) Register {
	y := acc
	if l.z {
		y = YMM()
		VEXTRACTI64X4(U8(1), acc, y)
		VPADDQ(acc.AsY(), y, y)
	}
	x := XMM()
	VEXTRACTI128(U8(1), y, x)
	VPADDQ(y.AsX(), x, x)
	x2 := XMM()
	VPSHUFD(U8(0x4e), x, x2) // swap the two int64 lanes
	VPADDQ(x2, x, x)
	r := GP64()
	VMOVQ(x, r)
	return r
}

func (l level) addQ(src Op, acc VecVirtual) { VPADDQ(src, acc, acc) }

// label returns a label name unique to the function being generated.
var fn string

func lbl(s string) LabelRef { return LabelRef(fn + "_" + s) }
func here(s string)         { Label(fn + "_" + s) }

func text(name, sig string, doc ...string) {
	fn = name
	TEXT(name, NOSPLIT, sig)
	Doc(doc...)
	Pragma("noescape") // no kernel keeps a pointer it is given

}

// ---------------------------------------------------------------------------------------
// Reductions of two int32 vectors into int64 sums: Dot and SqDist (and their batches).

// pairOp describes a reduction Σ f(a[i], b[i]) with f's vector and scalar forms.
type pairOp struct {
	name string
	// vec adds f over one vector of a (in register va) and b (memory mb) to acc.
	vec func(l level, va VecVirtual, mb Mem, acc VecVirtual)
	// scalar adds f(a, b) for the int32 at ma and mb to s.
	scalar func(ma, mb Mem, s Register)
}

// Dot: a·b with each product exact in int64. VPMULDQ multiplies the signed low int32 of
// each int64 lane into a full 64-bit product, so the even elements are multiplied in
// place and the odd ones after VPSHUFD moves element 2k+1 into slot 2k (the high halves
// are ignored). The wrapping int64 sum of the products is the portable loop's, in any order.
var dotOp = pairOp{
	name: "dot",
	vec: func(l level, va VecVirtual, mb Mem, acc VecVirtual) {
		pe := l.vec()
		VPMULDQ(mb, va, pe)
		bo, ao := l.vec(), l.vec()
		VPSHUFD(U8(0xf5), mb, bo) // [1 1 3 3] in each 128-bit lane
		VPSHUFD(U8(0xf5), va, ao)
		VPMULDQ(bo, ao, ao)
		l.addQ(pe, acc)
		l.addQ(ao, acc)
	},
	scalar: func(ma, mb Mem, s Register) {
		x, y := GP64(), GP64()
		MOVLQSX(ma, x)
		MOVLQSX(mb, y)
		IMULQ(y, x)
		ADDQ(x, s)
	},
}

// SqDist: (a−b)² with the difference exact. |a−b| ≤ 2^32−1 fits an unsigned int32 lane:
// max(a,b) − min(a,b) (signed max and min, subtraction wrapping mod 2^32) is exactly |a−b|.
// VPMULUDQ squares it into an unsigned 64-bit product < 2^64, whose bits are those of the
// portable int64 d·d (d·d = |d|² mod 2^64). Odd elements as in Dot, via VPSRLQ.
var sqDistOp = pairOp{
	name: "sqDist",
	vec: func(l level, va VecVirtual, mb Mem, acc VecVirtual) {
		hi, lo := l.vec(), l.vec()
		VPMAXSD(mb, va, hi)
		VPMINSD(mb, va, lo)
		VPSUBD(lo, hi, hi) // |a−b| as uint32
		odd := l.vec()
		VPSRLQ(U8(32), hi, odd)
		VPMULUDQ(hi, hi, hi)
		VPMULUDQ(odd, odd, odd)
		l.addQ(hi, acc)
		l.addQ(odd, acc)
	},
	scalar: func(ma, mb Mem, s Register) {
		x, y := GP64(), GP64()
		MOVLQSX(ma, x)
		MOVLQSX(mb, y)
		SUBQ(y, x)
		IMULQ(x, x)
		ADDQ(x, s)
	},
}

const unroll = 4

// pairBody emits the loops of one reduction over n elements at pa and pb (all three
// advanced to the end) and returns the sum in a new register. tag makes its labels unique.
func pairBody(l level, op pairOp, pa, pb, n Register, tag string) Register {
	acc := make([]VecVirtual, unroll)
	for i := range acc {
		acc[i] = l.zero()
	}
	step := l.bytes()
	here(tag + "loop4")
	CMPQ(n, U32(unroll*l.lanes))
	JL(lbl(tag + "loop1"))
	for i := range unroll {
		va := l.load(Mem{Base: pa, Disp: i * step})
		op.vec(l, va, Mem{Base: pb, Disp: i * step}, acc[i])
	}
	ADDQ(U32(unroll*step), pa)
	ADDQ(U32(unroll*step), pb)
	SUBQ(U32(unroll*l.lanes), n)
	JMP(lbl(tag + "loop4"))

	here(tag + "loop1")
	CMPQ(n, U32(l.lanes))
	JL(lbl(tag + "tail"))
	va := l.load(Mem{Base: pa})
	op.vec(l, va, Mem{Base: pb}, acc[0])
	ADDQ(U32(step), pa)
	ADDQ(U32(step), pb)
	SUBQ(U32(l.lanes), n)
	JMP(lbl(tag + "loop1"))

	here(tag + "tail")
	for i := 1; i < unroll; i++ {
		l.addQ(acc[i], acc[0])
	}
	s := l.reduceQ(acc[0])
	here(tag + "scalar")
	TESTQ(n, n)
	JE(lbl(tag + "done"))
	op.scalar(Mem{Base: pa}, Mem{Base: pb}, s)
	ADDQ(U8(4), pa)
	ADDQ(U8(4), pb)
	DECQ(n)
	JMP(lbl(tag + "scalar"))
	here(tag + "done")
	return s
}

func genPair(l level, op pairOp) {
	text(op.name+l.name, "func(a, b []int32) int64",
		fmt.Sprintf("%s%s is %s for len(b) ≥ len(a), with %s.", op.name, l.name, op.name+"Generic", l.name))
	pa := Load(Param("a").Base(), GP64())
	pb := Load(Param("b").Base(), GP64())
	n := Load(Param("a").Len(), GP64())
	s := pairBody(l, op, pa, pb, n, "")
	VZEROUPPER()
	Store(s, ReturnIndex(0))
	RET()
}

// genPairBatch: out[r] = op(rows[r·dim:(r+1)·dim], q) for every r, dim = len(q). The row
// pointer runs through rows continuously: each row's loops leave it at the next row.
func genPairBatch(l level, op pairOp) {
	text(op.name+"Batch"+l.name, "func(rows, q []int32, out []int64)",
		fmt.Sprintf("%sBatch%s is %sBatchGeneric with %s; len(rows) must be len(out)·len(q).", op.name, l.name, op.name, l.name))
	pr := Load(Param("rows").Base(), GP64())
	qb := Load(Param("q").Base(), GP64())
	dim := Load(Param("q").Len(), GP64())
	po := Load(Param("out").Base(), GP64())
	m := Load(Param("out").Len(), GP64())
	here("row")
	TESTQ(m, m)
	JE(lbl("end"))
	pq, n := GP64(), GP64()
	MOVQ(qb, pq)
	MOVQ(dim, n)
	s := pairBody(l, op, pr, pq, n, "r")
	MOVQ(s, Mem{Base: po})
	ADDQ(U8(8), po)
	DECQ(m)
	JMP(lbl("row"))
	here("end")
	VZEROUPPER()
	RET()
}

// genSqDistBatchNarrow: sqDistBatch for rows whose values are small, with 16-bit
// multiply-adds (VPMADDWD) instead of 32×32→64 multiplies; any row that is not small is
// computed by the exact wide path instead. The Go side calls it only when every q[i]
// satisfies |q[i]| < 2^14 (it checks with MinMax).
//
// Proof that a row the narrow path accepts gets exactly the portable Σ (a[i]−q[i])²:
//
//  1. The row's narrow part (its first 16·⌊dim/16⌋ elements) is accepted only if every
//     |a[i]| < 2^14: chk ORs VPABSD(a) over that part, and the row is accepted iff chk has
//     no bit ≥ 14 set (VPABSD(−2^31) = 2^31 keeps bit 31, so −2^31 is rejected too).
//  2. VPACKSSDW saturates int32 to int16; values in (−2^14, 2^14) pass unchanged. It
//     interleaves its two sources per 128-bit lane, but the row block and the q block go
//     through the same instruction with the same operand order, so a[i] and q[i] land in
//     the same int16 slot.
//  3. |a[i] − q[i]| ≤ 2·(2^14−1) = 2^15−2, so VPSUBW gives the exact difference d[i].
//  4. VPMADDWD forms d[2k]² + d[2k+1]² ≤ 2·(2^15−2)² < 2^31: exact, non-negative int32.
//  5. Two such sums (VPADDD) are ≤ 4·(2^15−2)² < 2^32: exact as uint32; they are
//     zero-extended to 64 bits (even dwords by VPAND, odd by VPSRLQ) and added in int64.
//  6. So every d[i]² enters an int64 sum exactly, as in the portable loop; the remaining
//     dim mod 16 elements go through the wide path (exact for all int32 values), and int64
//     addition is associative and commutative (wrapping or not), so the total is the same.
func genSqDistBatchNarrow(l level) {
	text("sqDistBatchNarrow"+l.name, "func(rows, q []int32, out []int64)",
		"sqDistBatchNarrow"+l.name+" is sqDistBatchGeneric for a q with every |q[i]| < 2^14 (see the proof in the generator).")
	pr := Load(Param("rows").Base(), GP64())
	qb := Load(Param("q").Base(), GP64())
	dim := Load(Param("q").Len(), GP64())
	po := Load(Param("out").Base(), GP64())
	m := Load(Param("out").Len(), GP64())
	ones := l.vec()
	VPCMPEQD(ones, ones, ones)
	lo32, high := l.vec(), l.vec()
	VPSRLQ(U8(32), ones, lo32) // 0x00000000ffffffff in every int64 lane
	VPSLLD(U8(14), ones, high) // bits 14..31 of every int32 lane

	here("row")
	TESTQ(m, m)
	JE(lbl("end"))
	start, pq, n := GP64(), GP64(), GP64()
	MOVQ(pr, start)
	MOVQ(qb, pq)
	MOVQ(dim, n)
	acc, chk := l.zero(), l.zero()
	// block: the pair sums of 16 elements at byte offset off, checks folded into chk.
	block := func(off int) VecVirtual {
		a0, a1 := l.load(Mem{Base: pr, Disp: off}), l.load(Mem{Base: pr, Disp: off + 32})
		t0, t1 := l.vec(), l.vec()
		VPABSD(a0, t0)
		VPABSD(a1, t1)
		VPOR(t0, chk, chk)
		VPOR(t1, chk, chk)
		VPACKSSDW(a1, a0, a0)
		q0 := l.load(Mem{Base: pq, Disp: off})
		VPACKSSDW(Mem{Base: pq, Disp: off + 32}, q0, q0)
		VPSUBW(q0, a0, a0)
		VPMADDWD(a0, a0, a0)
		return a0
	}
	widen := func(p VecVirtual) {
		e := l.vec()
		VPAND(lo32, p, e)
		VPSRLQ(U8(32), p, p)
		l.addQ(e, acc)
		l.addQ(p, acc)
	}
	here("loop32")
	CMPQ(n, U32(32))
	JL(lbl("loop16"))
	p0, p1 := block(0), block(64)
	VPADDD(p1, p0, p0)
	widen(p0)
	ADDQ(U32(128), pr)
	ADDQ(U32(128), pq)
	SUBQ(U32(32), n)
	JMP(lbl("loop32"))
	here("loop16")
	CMPQ(n, U32(16))
	JL(lbl("check"))
	widen(block(0))
	ADDQ(U32(64), pr)
	ADDQ(U32(64), pq)
	SUBQ(U32(16), n)
	here("check")
	VPTEST(high, chk) // ZF = 1 iff no |a[i]| ≥ 2^14
	JNE(lbl("wide"))
	s := l.reduceQ(acc)
	TESTQ(n, n)
	JE(lbl("store"))
	ADDQ(pairBody(l, sqDistOp, pr, pq, n, "t"), s) // the dim mod 16 rest, exact for any value
	here("store")
	MOVQ(s, Mem{Base: po})
	JMP(lbl("next"))

	here("wide") // a value of the row is too large: the whole row on the exact wide path
	MOVQ(start, pr)
	MOVQ(qb, pq)
	MOVQ(dim, n)
	w := pairBody(l, sqDistOp, pr, pq, n, "w")
	MOVQ(w, Mem{Base: po})
	here("next")
	ADDQ(U8(8), po)
	DECQ(m)
	JMP(lbl("row"))
	here("end")
	VZEROUPPER()
	RET()
}

// ---------------------------------------------------------------------------------------
// AddScaledSat(Exact): dst[i] = clamp(dst[i] + s·x[i], −lim, lim), exact in int64.

// genAddScaledSat emits addScaledSat<L> (exact = false) or addScaledSatExact<L>.
//
// Each element is widened to int64 (VPMOVSXDQ), s·x[i] formed exactly by VPMULDQ
// (|s·x| ≤ 2^62) and dst[i] added (no wrap: |t| ≤ 2^62 + 2^31). The clamp follows the
// portable branches for every lim, including lim ≤ 0: both masks are computed from the
// unclamped t (gt = t > lim, lt = t < −lim), −lim is applied where lt, then lim where gt,
// so gt wins as the portable `if t > l … else if t < −l` does. The stored int32 is the low
// half of the int64, as Go's int32(t). Exact reports that no lane had gt or lt.
func genAddScaledSat(l level, exact bool) {
	name := "addScaledSat" + l.name
	sig := "func(dst []int32, s int32, x []int32, lim int32)"
	if exact {
		name = "addScaledSatExact" + l.name
		sig += " bool"
	}
	text(name, sig, fmt.Sprintf("%s is the portable kernel with %s; len(dst) must be ≥ len(x).", name, l.name))
	pd := Load(Param("dst").Base(), GP64())
	px := Load(Param("x").Base(), GP64())
	n := Load(Param("x").Len(), GP64())
	s64, lim, nlim := GP64(), GP64(), GP64()
	Load(Param("s"), s64.As32())
	MOVLQSX(s64.As32(), s64)
	Load(Param("lim"), lim.As32())
	MOVLQSX(lim.As32(), lim)
	MOVQ(lim, nlim)
	NEGQ(nlim)
	S, L, NL := l.broadcastQ(s64), l.broadcastQ(lim), l.broadcastQ(nlim)
	clamped := GP64() // scalar tail: non-zero once a lane is clamped
	XORQ(clamped, clamped)

	// t = widened dst + s·widened x for the l.lanes/2 elements at byte offset off.
	half := func(off int) VecVirtual {
		xv, dv := l.vec(), l.vec()
		VPMOVSXDQ(Mem{Base: px, Disp: off}, xv)
		VPMULDQ(S, xv, xv)
		VPMOVSXDQ(Mem{Base: pd, Disp: off}, dv)
		VPADDQ(xv, dv, dv)
		return dv
	}
	hb := l.bytes() / 2
	var flags VecVirtual // AVX2: OR of the lanes' masks
	var kflags Register  // AVX512: OR of the mask registers
	if exact {
		if l.z {
			kflags = K()
			KXORW(kflags, kflags, kflags)
		} else {
			flags = l.zero()
		}
	}

	here("loop")
	CMPQ(n, U32(l.lanes))
	JL(lbl("scalar"))
	t0, t1 := half(0), half(hb)
	if l.z {
		for i, t := range []VecVirtual{t0, t1} {
			gt, lt := K(), K()
			VPCMPGTQ(L, t, gt)  // t > lim
			VPCMPGTQ(t, NL, lt) // −lim > t
			VMOVDQA64(NL, lt, t)
			VMOVDQA64(L, gt, t)
			if exact {
				KORW(gt, kflags, kflags)
				KORW(lt, kflags, kflags)
			}
			VPMOVQD(t, Mem{Base: pd, Disp: i * hb}) // low halves: int32(t)
		}
	} else {
		for _, t := range []VecVirtual{t0, t1} {
			gt, lt := l.vec(), l.vec()
			VPCMPGTQ(L, t, gt)  // t > lim
			VPCMPGTQ(t, NL, lt) // −lim > t
			VPBLENDVB(lt, NL, t, t)
			VPBLENDVB(gt, L, t, t)
			if exact {
				VPOR(gt, flags, flags)
				VPOR(lt, flags, flags)
			}
		}
		// Low int32 of every int64 lane, in order: per 128-bit lane VSHUFPS takes
		// [t0₀ t0₂ t1₀ t1₂] (elements 0 1 4 5 | 2 3 6 7), VPERMQ restores 0…7.
		r := l.vec()
		VSHUFPS(U8(0x88), t1, t0, r)
		VPERMQ(U8(0xd8), r, r)
		l.store(r, Mem{Base: pd})
	}
	ADDQ(U32(l.bytes()), px)
	ADDQ(U32(l.bytes()), pd)
	SUBQ(U32(l.lanes), n)
	JMP(lbl("loop"))

	here("scalar")
	TESTQ(n, n)
	JE(lbl("done"))
	t, p := GP64(), GP64()
	MOVLQSX(Mem{Base: px}, p)
	IMULQ(s64, p)
	MOVLQSX(Mem{Base: pd}, t)
	ADDQ(p, t)
	// if t > lim { t = lim } else if t < −lim { t = −lim }
	CMPQ(t, lim)
	JLE(lbl("notgt"))
	MOVQ(lim, t)
	INCQ(clamped)
	JMP(lbl("put"))
	here("notgt")
	CMPQ(t, nlim)
	JGE(lbl("put"))
	MOVQ(nlim, t)
	INCQ(clamped)
	here("put")
	MOVL(t.As32(), Mem{Base: pd})
	ADDQ(U8(4), px)
	ADDQ(U8(4), pd)
	DECQ(n)
	JMP(lbl("scalar"))

	here("done")
	if exact {
		if l.z {
			r := GP32()
			KMOVW(kflags, r)
			ORL(r, clamped.As32())
		} else {
			VPTEST(flags, flags) // ZF = 1 iff no lane was clamped
			r := GP64()
			MOVQ(U64(1), r)
			CMOVQNE(r, clamped)
		}
		ok := GP8()
		TESTQ(clamped, clamped)
		SETEQ(ok)
		VZEROUPPER()
		Store(ok, ReturnIndex(0))
	} else {
		VZEROUPPER()
	}
	RET()
}

// ---------------------------------------------------------------------------------------
// Gathers: GatherDot and GatherSum.
//
// Every index is checked against len(w) before any load uses it: a vector of indices is
// compared (unsigned) with len(w)−1, and at the first out-of-range index the kernel returns
// ok = false without having read w at it; the Go side then runs the portable loop, which
// panics just as it would have. The Go side calls these only when 0 < len(w) ≤ 2^31−1, so
// every checked index is a non-negative int32, as VPGATHERDD's signed indices need.

func genGather(l level, withVal bool) {
	name := "gatherSum" + l.name
	sig := "func(w []int32, idx []uint32) (s int64, ok bool)"
	if withVal {
		name = "gatherDot" + l.name
		sig = "func(w []int32, idx []uint32, val []int32) (s int64, ok bool)"
	}
	text(name, sig, fmt.Sprintf("%s is the portable kernel with %s, or ok = false at an index ≥ len(w) (0 < len(w) < 2^31).", name, l.name))
	pw := Load(Param("w").Base(), GP64())
	wn := Load(Param("w").Len(), GP64())
	pi := Load(Param("idx").Base(), GP64())
	n := Load(Param("idx").Len(), GP64())
	var pv Register
	if withVal {
		pv = Load(Param("val").Base(), GP64())
	}
	last := GP64()
	MOVQ(wn, last)
	DECQ(last)
	LAST := l.broadcastD(last.As32())
	acc := l.zero()

	here("loop")
	CMPQ(n, U32(l.lanes))
	JL(lbl("tail"))
	vi := l.load(Mem{Base: pi})
	g := l.zero()
	if l.z {
		k := K()
		VPCMPUD(U8(2), LAST, vi, k) // k = idx ≤ len(w)−1, unsigned
		r := GP32()
		KMOVW(k, r)
		CMPL(r, U32(0xffff))
		JNE(lbl("bad"))
		VPGATHERDD(Mem{Base: pw, Index: vi, Scale: 4}, k, g)
	} else {
		mx := l.vec()
		VPMAXUD(LAST, vi, mx)
		VPCMPEQD(LAST, mx, mx) // all ones where max(idx, len(w)−1) = len(w)−1
		r := GP32()
		VPMOVMSKB(mx, r)
		CMPL(r, U32(0xffffffff))
		JNE(lbl("bad"))
		mask := l.vec()
		VPCMPEQD(mask, mask, mask)
		VPGATHERDD(mask, Mem{Base: pw, Index: vi, Scale: 4}, g)
	}
	if withVal {
		dotOp.vec(l, g, Mem{Base: pv}, acc)
		ADDQ(U32(l.bytes()), pv)
	} else {
		lo, hi := l.vec(), l.vec()
		VPMOVSXDQ(l.half(g), lo)
		if l.z {
			VEXTRACTI64X4(U8(1), g, hi.AsY())
			VPMOVSXDQ(hi.AsY(), hi)
		} else {
			VEXTRACTI128(U8(1), g, hi.AsX())
			VPMOVSXDQ(hi.AsX(), hi)
		}
		l.addQ(lo, acc)
		l.addQ(hi, acc)
	}
	ADDQ(U32(l.bytes()), pi)
	SUBQ(U32(l.lanes), n)
	JMP(lbl("loop"))

	here("tail")
	s := l.reduceQ(acc)
	here("scalar")
	TESTQ(n, n)
	JE(lbl("done"))
	j, x := GP64(), GP64()
	MOVL(Mem{Base: pi}, j.As32()) // zero-extends
	CMPQ(j, wn)
	JAE(lbl("bad"))
	MOVLQSX(Mem{Base: pw, Index: j, Scale: 4}, x)
	if withVal {
		y := GP64()
		MOVLQSX(Mem{Base: pv}, y)
		IMULQ(y, x)
		ADDQ(U8(4), pv)
	}
	ADDQ(x, s)
	ADDQ(U8(4), pi)
	DECQ(n)
	JMP(lbl("scalar"))

	here("done")
	VZEROUPPER()
	Store(s, ReturnIndex(0))
	t := GP8()
	MOVB(U8(1), t)
	Store(t, ReturnIndex(1))
	RET()

	here("bad")
	VZEROUPPER()
	z := GP64()
	XORQ(z, z)
	Store(z, ReturnIndex(0))
	Store(z.As8(), ReturnIndex(1))
	RET()
}

// ---------------------------------------------------------------------------------------
// Streaming kernels over one or two slices.

// genSum: Σ x[i] in int64; each int32 sign-extended (VPMOVSXDQ), the wrapping sum in any order.
func genSum(l level) {
	text("sum"+l.name, "func(x []int32) int64", "sum"+l.name+" is sumGeneric with "+l.name+".")
	px := Load(Param("x").Base(), GP64())
	n := Load(Param("x").Len(), GP64())
	acc := []VecVirtual{l.zero(), l.zero()}
	hb := l.bytes() / 2
	here("loop2")
	CMPQ(n, U32(2*l.lanes))
	JL(lbl("loop1"))
	for i := range 4 {
		v := l.vec()
		VPMOVSXDQ(Mem{Base: px, Disp: i * hb}, v)
		l.addQ(v, acc[i%2])
	}
	ADDQ(U32(2*l.bytes()), px)
	SUBQ(U32(2*l.lanes), n)
	JMP(lbl("loop2"))
	here("loop1")
	CMPQ(n, U32(l.lanes/2))
	JL(lbl("tail"))
	v := l.vec()
	VPMOVSXDQ(Mem{Base: px}, v)
	l.addQ(v, acc[0])
	ADDQ(U32(hb), px)
	SUBQ(U32(l.lanes/2), n)
	JMP(lbl("loop1"))
	here("tail")
	l.addQ(acc[1], acc[0])
	s := l.reduceQ(acc[0])
	here("scalar")
	TESTQ(n, n)
	JE(lbl("done"))
	x := GP64()
	MOVLQSX(Mem{Base: px}, x)
	ADDQ(x, s)
	ADDQ(U8(4), px)
	DECQ(n)
	JMP(lbl("scalar"))
	here("done")
	VZEROUPPER()
	Store(s, ReturnIndex(0))
	RET()
}

// genCountEq: how many x[i] == v. Each lane counts its matches (VPCMPEQD gives −1 per
// match, subtracted); a lane sees at most len(x)/8 matches, far below 2^32.
func genCountEq(l level) {
	text("countEq"+l.name, "func(x []int32, v int32) int", "countEq"+l.name+" is countEqGeneric with "+l.name+".")
	px := Load(Param("x").Base(), GP64())
	n := Load(Param("x").Len(), GP64())
	v := Load(Param("v"), GP32())
	V := l.broadcastD(v)
	cnt := l.zero()
	here("loop")
	CMPQ(n, U32(l.lanes))
	JL(lbl("tail"))
	m := l.vec()
	VPCMPEQD(Mem{Base: px}, V, m)
	VPSUBD(m, cnt, cnt)
	ADDQ(U32(l.bytes()), px)
	SUBQ(U32(l.lanes), n)
	JMP(lbl("loop"))
	here("tail")
	lo, hi := l.vec(), l.vec()
	VPMOVZXDQ(cnt.AsX(), lo)
	VEXTRACTI128(U8(1), cnt, hi.AsX())
	VPMOVZXDQ(hi.AsX(), hi)
	l.addQ(hi, lo)
	s := l.reduceQ(lo)
	here("scalar")
	TESTQ(n, n)
	JE(lbl("done"))
	CMPL(Mem{Base: px}, v)
	JNE(lbl("next"))
	INCQ(s)
	here("next")
	ADDQ(U8(4), px)
	DECQ(n)
	JMP(lbl("scalar"))
	here("done")
	VZEROUPPER()
	Store(s, ReturnIndex(0))
	RET()
}

// genMinMax: the smallest and largest x[i] of a non-empty x (the Go side handles empty).
func genMinMax(l level) {
	text("minMax"+l.name, "func(x []int32) (lo, hi int32)", "minMax"+l.name+" is minMaxGeneric with "+l.name+" for a non-empty x.")
	px := Load(Param("x").Base(), GP64())
	n := Load(Param("x").Len(), GP64())
	lo, hi := GP32(), GP32()
	MOVL(Mem{Base: px}, lo)
	MOVL(lo, hi)
	LO, HI := l.broadcastD(lo), l.broadcastD(hi)
	here("loop")
	CMPQ(n, U32(l.lanes))
	JL(lbl("tail"))
	VPMINSD(Mem{Base: px}, LO, LO)
	VPMAXSD(Mem{Base: px}, HI, HI)
	ADDQ(U32(l.bytes()), px)
	SUBQ(U32(l.lanes), n)
	JMP(lbl("loop"))
	here("tail")
	for _, p := range []struct {
		v  VecVirtual
		op func(...Op)
		r  Register
	}{{LO, VPMINSD, lo}, {HI, VPMAXSD, hi}} {
		x, t := XMM(), XMM()
		VEXTRACTI128(U8(1), p.v, x)
		p.op(p.v.AsX(), x, x)
		VPSHUFD(U8(0x4e), x, t)
		p.op(t, x, x)
		VPSHUFD(U8(0xb1), x, t)
		p.op(t, x, x)
		VMOVD(x, p.r)
	}
	here("scalar")
	TESTQ(n, n)
	JE(lbl("done"))
	e := GP32()
	MOVL(Mem{Base: px}, e)
	CMPL(e, lo)
	CMOVLLT(e, lo)
	CMPL(e, hi)
	CMOVLGT(e, hi)
	ADDQ(U8(4), px)
	DECQ(n)
	JMP(lbl("scalar"))
	here("done")
	VZEROUPPER()
	Store(lo, ReturnIndex(0))
	Store(hi, ReturnIndex(1))
	RET()
}

// mulLo returns the low 64 bits of x·s for every int64 lane (the wrapping product Go's
// int64 multiplication gives). AVX512 has it as VPMULLQ (AVX512DQ). AVX2 builds it from
// 32×32→64 unsigned products: with x = xh·2^32 + xl and s = sh·2^32 + sl,
// x·s mod 2^64 = xl·sl + ((xh·sl + xl·sh) mod 2^32)·2^32.
type mulLo struct {
	l      level
	S      VecVirtual // s in every lane
	SH     VecVirtual // AVX2: s >> 32 in every lane
	scalar Register
}

func newMulLo(l level, s Register) mulLo {
	m := mulLo{l: l, S: l.broadcastQ(s), scalar: s}
	if !l.z {
		sh := GP64()
		MOVQ(s, sh)
		SHRQ(U8(32), sh)
		m.SH = l.broadcastQ(sh)
	}
	return m
}

func (m mulLo) mul(x VecVirtual) {
	if m.l.z {
		VPMULLQ(m.S, x, x)
		return
	}
	xh, c := m.l.vec(), m.l.vec()
	VPSRLQ(U8(32), x, xh)
	VPMULUDQ(m.S, xh, xh) // xh·sl
	VPMULUDQ(m.SH, x, c)  // xl·sh
	VPADDQ(c, xh, xh)
	VPSLLQ(U8(32), xh, xh)
	VPMULUDQ(m.S, x, x) // xl·sl
	VPADDQ(xh, x, x)
}

// genAddScaledI64: dst[i] += s·src[i] (int64, wrapping).
func genAddScaledI64(l level) {
	text("addScaledI64"+l.name, "func(dst []int64, s int64, src []int64)", "addScaledI64"+l.name+" is addScaledI64Generic with "+l.name+"; len(dst) must be ≥ len(src).")
	pd := Load(Param("dst").Base(), GP64())
	ps := Load(Param("src").Base(), GP64())
	n := Load(Param("src").Len(), GP64())
	s := Load(Param("s"), GP64())
	m := newMulLo(l, s)
	q := l.lanes / 2 // int64 lanes
	here("loop")
	CMPQ(n, U32(2*q))
	JL(lbl("one"))
	for i := range 2 {
		x := l.load(Mem{Base: ps, Disp: i * l.bytes()})
		m.mul(x)
		VPADDQ(Mem{Base: pd, Disp: i * l.bytes()}, x, x)
		l.store(x, Mem{Base: pd, Disp: i * l.bytes()})
	}
	ADDQ(U32(2*l.bytes()), ps)
	ADDQ(U32(2*l.bytes()), pd)
	SUBQ(U32(2*q), n)
	JMP(lbl("loop"))
	here("one")
	CMPQ(n, U32(q))
	JL(lbl("scalar"))
	x := l.load(Mem{Base: ps})
	m.mul(x)
	VPADDQ(Mem{Base: pd}, x, x)
	l.store(x, Mem{Base: pd})
	ADDQ(U32(l.bytes()), ps)
	ADDQ(U32(l.bytes()), pd)
	SUBQ(U32(q), n)
	here("scalar")
	TESTQ(n, n)
	JE(lbl("done"))
	t := GP64()
	MOVQ(Mem{Base: ps}, t)
	IMULQ(s, t)
	ADDQ(t, Mem{Base: pd})
	ADDQ(U8(8), ps)
	ADDQ(U8(8), pd)
	DECQ(n)
	JMP(lbl("scalar"))
	here("done")
	VZEROUPPER()
	RET()
}

// genAddScaled64: dst[i] += s·int64(x[i]) (int64, wrapping), x sign-extended by VPMOVSXDQ.
func genAddScaled64(l level) {
	text("addScaled64"+l.name, "func(dst []int64, s int64, x []int32)", "addScaled64"+l.name+" is addScaled64Generic with "+l.name+"; len(dst) must be ≥ len(x).")
	pd := Load(Param("dst").Base(), GP64())
	px := Load(Param("x").Base(), GP64())
	n := Load(Param("x").Len(), GP64())
	s := Load(Param("s"), GP64())
	m := newMulLo(l, s)
	q := l.lanes / 2 // int64 lanes
	here("loop")
	CMPQ(n, U32(q))
	JL(lbl("scalar"))
	x := l.vec()
	VPMOVSXDQ(Mem{Base: px}, x)
	m.mul(x)
	VPADDQ(Mem{Base: pd}, x, x)
	l.store(x, Mem{Base: pd})
	ADDQ(U32(l.bytes()/2), px)
	ADDQ(U32(l.bytes()), pd)
	SUBQ(U32(q), n)
	JMP(lbl("loop"))
	here("scalar")
	TESTQ(n, n)
	JE(lbl("done"))
	t := GP64()
	MOVLQSX(Mem{Base: px}, t)
	IMULQ(s, t)
	ADDQ(t, Mem{Base: pd})
	ADDQ(U8(4), px)
	ADDQ(U8(8), pd)
	DECQ(n)
	JMP(lbl("scalar"))
	here("done")
	VZEROUPPER()
	RET()
}

// genAddConstI64: dst[i] += c (int64, wrapping).
func genAddConstI64(l level) {
	text("addConstI64"+l.name, "func(dst []int64, c int64)", "addConstI64"+l.name+" is addConstI64Generic with "+l.name+".")
	pd := Load(Param("dst").Base(), GP64())
	n := Load(Param("dst").Len(), GP64())
	c := Load(Param("c"), GP64())
	C := l.broadcastQ(c)
	q := l.lanes / 2
	here("loop")
	CMPQ(n, U32(q))
	JL(lbl("scalar"))
	x := l.vec()
	VPADDQ(Mem{Base: pd}, C, x)
	l.store(x, Mem{Base: pd})
	ADDQ(U32(l.bytes()), pd)
	SUBQ(U32(q), n)
	JMP(lbl("loop"))
	here("scalar")
	TESTQ(n, n)
	JE(lbl("done"))
	ADDQ(c, Mem{Base: pd})
	ADDQ(U8(8), pd)
	DECQ(n)
	JMP(lbl("scalar"))
	here("done")
	VZEROUPPER()
	RET()
}

// genSubI32: dst[i] = a[i] − b[i] (int32, wrapping).
func genSubI32(l level) {
	text("subI32"+l.name, "func(dst, a, b []int32)", "subI32"+l.name+" is subI32Generic with "+l.name+"; dst and b must be at least as long as a.")
	pd := Load(Param("dst").Base(), GP64())
	pa := Load(Param("a").Base(), GP64())
	pb := Load(Param("b").Base(), GP64())
	n := Load(Param("a").Len(), GP64())
	here("loop")
	CMPQ(n, U32(l.lanes))
	JL(lbl("scalar"))
	x := l.load(Mem{Base: pa})
	VPSUBD(Mem{Base: pb}, x, x)
	l.store(x, Mem{Base: pd})
	ADDQ(U32(l.bytes()), pa)
	ADDQ(U32(l.bytes()), pb)
	ADDQ(U32(l.bytes()), pd)
	SUBQ(U32(l.lanes), n)
	JMP(lbl("loop"))
	here("scalar")
	TESTQ(n, n)
	JE(lbl("done"))
	t := GP32()
	MOVL(Mem{Base: pa}, t)
	SUBL(Mem{Base: pb}, t)
	MOVL(t, Mem{Base: pd})
	ADDQ(U8(4), pa)
	ADDQ(U8(4), pb)
	ADDQ(U8(4), pd)
	DECQ(n)
	JMP(lbl("scalar"))
	here("done")
	VZEROUPPER()
	RET()
}

// genStream: Σ x[i] over a []int64 with plain loads: the memory-bandwidth anchor of the
// benchmarks (not a kernel of the engine).
func genStream(l level) {
	text("streamSum"+l.name, "func(x []int64) int64", "streamSum"+l.name+" returns Σ x[i] (wrapping): a streaming read at full vector width, the benchmarks' bandwidth anchor.")
	px := Load(Param("x").Base(), GP64())
	n := Load(Param("x").Len(), GP64())
	acc := make([]VecVirtual, 4)
	for i := range acc {
		acc[i] = l.zero()
	}
	q := l.lanes / 2
	here("loop")
	CMPQ(n, U32(4*q))
	JL(lbl("tail"))
	for i := range 4 {
		VPADDQ(Mem{Base: px, Disp: i * l.bytes()}, acc[i], acc[i])
	}
	ADDQ(U32(4*l.bytes()), px)
	SUBQ(U32(4*q), n)
	JMP(lbl("loop"))
	here("tail")
	for i := 1; i < 4; i++ {
		l.addQ(acc[i], acc[0])
	}
	s := l.reduceQ(acc[0])
	here("scalar")
	TESTQ(n, n)
	JE(lbl("done"))
	ADDQ(Mem{Base: px}, s)
	ADDQ(U8(8), px)
	DECQ(n)
	JMP(lbl("scalar"))
	here("done")
	VZEROUPPER()
	Store(s, ReturnIndex(0))
	RET()
}

func main() {
	flag.Parse()
	// The header of the generated files names the go:generate command (simd/gen.go), not
	// the paths this run writes to, so that regenerating elsewhere (make check-generate)
	// gives identical files.
	os.Args = []string{os.Args[0], "-out", "../kernels_amd64.s", "-stubs", "../kernels_amd64.go", "-pkg", "simd"}
	ConstraintExpr("!purego")

	for _, l := range []level{avx2, avx512} {
		genPair(l, dotOp)
		genPair(l, sqDistOp)
		genPairBatch(l, dotOp)
		genPairBatch(l, sqDistOp)
		genAddScaledSat(l, false)
		genAddScaledSat(l, true)
		genGather(l, true)
		genGather(l, false)
		genSum(l)
		genAddScaledI64(l)
		genAddScaled64(l)
		genStream(l)
	}
	// Kernels whose AVX2 version serves both levels: short, or bound by memory, or (the
	// narrow distance kernel) kept to code this machine can run.
	genSqDistBatchNarrow(avx2)
	genCountEq(avx2)
	genMinMax(avx2)
	genAddConstI64(avx2)
	genSubI32(avx2)
	Generate()
}
