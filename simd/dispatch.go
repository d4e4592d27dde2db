package simd

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/klauspost/cpuid/v2"
)

// Kernel levels and how one is chosen.
//
// Every exported kernel checks its arguments, then calls its xxxArch function (dotArch
// for Dot, …), which runs the implementation of the level in use:
//
//   - On amd64 (dispatch_amd64.go) xxxArch switches on the level and calls the assembly
//     directly: direct calls to //go:noescape functions keep callers' stack buffers on
//     the stack, which calls through function values would not.
//   - Elsewhere (dispatch_table.go) xxxArch calls the entry of the same name in the table
//     impl. The table starts as the portable set (the xxxGeneric functions); at init and
//     on SetLevel it is reset to the portable set and the architecture's archUse
//     overrides the entries it accelerates, so an architecture may accelerate any subset.
//
// tableFor(l) builds level l's table on every architecture, and the tests hold each
// table, and the exported kernels at each level, against the portable set.
//
// The contract with the per-architecture files (dispatch_amd64.go, dispatch_arm64.go,
// dispatch_wasmhost.go for the WebAssembly guest built with the merit_hostkernels tag,
// and dispatch_other.go for the purego tag and every other architecture):
//
//	func archLevels() []Level             // accelerated levels this CPU and build support, best first
//	func archUse(l Level, t *kernelTable) // install level l's kernels over the portable ones in t
//
// archUse is only called with a level that archLevels returned. Assembly files carry
// the build constraint !purego; dispatch_other.go is built with purego or on any other
// architecture and offers no accelerated level.

// Level names one set of kernel implementations.
type Level uint8

const (
	Generic Level = iota // portable Go: the reference, available everywhere
	AVX2                 // amd64 with AVX2 (VEX, 256-bit registers)
	AVX512               // amd64 with AVX-512 F, DQ, BW, VL (512-bit and mask registers)
	NEON                 // arm64 Advanced SIMD
	Host                 // the WebAssembly guest's host kernels (wasip1, tag merit_hostkernels)
)

var levelNames = [...]string{Generic: "generic", AVX2: "avx2", AVX512: "avx512", NEON: "neon", Host: "host"}

// String returns the level's name as MERIT_SIMD spells it: generic, avx2, avx512, neon,
// host.
func (l Level) String() string {
	if int(l) < len(levelNames) {
		return levelNames[l]
	}
	return fmt.Sprintf("Level(%d)", uint8(l))
}

// ParseLevel returns the level named s (generic, avx2, avx512, neon or host), or an error.
func ParseLevel(s string) (Level, error) {
	for l, name := range levelNames {
		if s == name {
			return Level(l), nil
		}
	}
	return Generic, fmt.Errorf("simd: unknown kernel level %q (want one of %s)", s, strings.Join(levelNames[:], ", "))
}

// EnvVar is the environment variable that forces a kernel level at start-up.
const EnvVar = "MERIT_SIMD"

// kernelTable holds one implementation of every dispatched kernel. Entries are called
// only after the exported kernel has checked its arguments (equal lengths, valid CSR
// offsets), so an implementation may assume them; indices inside idx are not checked
// beforehand and must still be bounds-checked (a panic) by the implementation.
type kernelTable struct {
	dot               func(a, b []int32) int64
	sqDist            func(a, b []int32) int64
	dotBatch          func(rows, q []int32, out []int64)
	sqDistBatch       func(rows, q []int32, out []int64)
	addScaledSat      func(dst []int32, s int32, x []int32, lim int32)
	addScaledSatExact func(dst []int32, s int32, x []int32, lim int32) bool
	addScaled64       func(dst []int64, s int64, x []int32)
	gatherDot         func(w []int32, idx []uint32, val []int32) int64
	gatherSum         func(w []int32, idx []uint32) int64
	gatherDotRows     func(w []int32, ptr []int, idx []uint32, val []int32, out []int64)
	gatherSumRows     func(w []int32, ptr []int, idx []uint32, out []int64)
	sum               func(x []int32) int64
	countZero         func(x []int32) int
	countEq           func(x []int32, v int32) int
	minMax            func(x []int32) (lo, hi int32)
	addScaledI64      func(dst []int64, s int64, src []int64)
	addConstI64       func(dst []int64, c int64)
	subI32            func(dst, a, b []int32)
	sqNormRows        func(ptr []int, val []int32, out, sum []int64)
	addColsScaled     func(colptr []int, ents []uint64, idx []uint32, x []int32, out []int64)
	addColsConst      func(colptr []int, ents []uint64, idx []uint32, c int64, out []int64)
	addMatchCounts    func(bits, q []uint64, c int64, out []int64)
	repredictMax      func(score []int64, classes, a, b int, pred, y []int32) int
	repredictMin      func(score []int64, classes, a, b int, pred, y []int32) int
	repredictSparse   func(g, cnt, q []int64, ptr []int, k int, pred, y []int32) int
	log2Batch         func(x []uint64, out []int64)
	knnSortPacked     func(dist []int64, labels []int32, yt int32, keys, tmp []uint64) int
	knnRecurse        func(ents []uint64, mask uint64, w []uint64, sums []int64)
	knnInsert         func(dots, sq []int64, xx int64, j, k, stride int, cnt []int, nd []int64, ni []int, labels, votes, pred, y []int32) int
	denseToCSR        func(x []int32, dims int, ptr []int, idx []uint32, val []int32)
	csrToCSC          func(ptr []int, idx []uint32, val []int32, colptr []int, ents []uint64)
	knnShapleyRows    func(train, labels, qs, ys []int32, w []uint64, sums, dists []int64, keys, tmp []uint64) uint64
}

// genericTable is the portable set: the reference every level is held against.
var genericTable = kernelTable{
	dot:               dotGeneric,
	sqDist:            sqDistGeneric,
	dotBatch:          dotBatchGeneric,
	sqDistBatch:       sqDistBatchGeneric,
	addScaledSat:      addScaledSatGeneric,
	addScaledSatExact: addScaledSatExactGeneric,
	addScaled64:       addScaled64Generic,
	gatherDot:         gatherDotGeneric,
	gatherSum:         gatherSumGeneric,
	gatherDotRows:     gatherDotRowsGeneric,
	gatherSumRows:     gatherSumRowsGeneric,
	sum:               sumGeneric,
	countZero:         countZeroGeneric,
	countEq:           countEqGeneric,
	minMax:            minMaxGeneric,
	addScaledI64:      addScaledI64Generic,
	addConstI64:       addConstI64Generic,
	subI32:            subI32Generic,
	sqNormRows:        sqNormRowsGeneric,
	addColsScaled:     addColsScaledGeneric,
	addColsConst:      addColsConstGeneric,
	addMatchCounts:    addMatchCountsGeneric,
	repredictMax:      repredictMaxGeneric,
	repredictMin:      repredictMinGeneric,
	repredictSparse:   repredictSparseGeneric,
	log2Batch:         log2BatchGeneric,
	knnSortPacked:     knnSortPackedGeneric,
	knnRecurse:        knnRecurseGeneric,
	knnInsert:         knnInsertGeneric,
	denseToCSR:        denseToCSRGeneric,
	csrToCSC:          csrToCSCGeneric,
	knnShapleyRows:    knnShapleyRowsGeneric,
}

var (
	impl    = genericTable // the kernels in use
	current = Generic      // their level
	best    = Generic      // the best level this machine supports
	initErr error          // a bad MERIT_SIMD, reported by Init
)

func init() {
	if ls := archLevels(); len(ls) > 0 {
		best = ls[0]
	}
	use(best)
	if s, ok := os.LookupEnv(EnvVar); ok && s != "" {
		l, err := ParseLevel(s)
		if err == nil {
			err = SetLevel(l)
		}
		if err != nil {
			initErr = fmt.Errorf("%s=%s: %w", EnvVar, s, err)
		}
	}
}

// narrowMin is the smallest len(rows) for which amd64's SqDistBatch checks whether the
// 16-bit kernel applies: below it (about two MNIST rows) the check costs more than the
// narrower arithmetic saves. The tests lower it to reach the 16-bit kernel with short
// inputs.
var narrowMin = 2048

// tableFor returns the kernel table of level l, which must be supported.
func tableFor(l Level) kernelTable {
	t := genericTable
	if l != Generic {
		archUse(l, &t)
	}
	return t
}

func use(l Level) {
	impl, current = tableFor(l), l
}

// Init reports whether the level requested by MERIT_SIMD at start-up was applied: nil
// when the variable is unset or empty, or names a level this machine supports; an error
// naming the problem when it names an unknown level or one this CPU (or a purego build)
// does not support. In that case the best supported level stays in use. Commands call it
// at start-up and stop with its message.
func Init() error { return initErr }

// Current returns the level whose kernels are in use.
func Current() Level { return current }

// Best returns the best level this machine and build support: the default.
func Best() Level { return best }

// LevelName returns the name of the level in use (Current().String()).
func LevelName() string { return current.String() }

// Levels returns every level this machine and build support, Generic first.
func Levels() []Level {
	return append([]Level{Generic}, archLevels()...)
}

// Supported reports whether level l can be used on this machine and build.
func Supported(l Level) bool {
	for _, s := range Levels() {
		if s == l {
			return true
		}
	}
	return false
}

// ErrUnsupported is wrapped by SetLevel's error for a level this machine cannot run.
var ErrUnsupported = errors.New("not supported on this machine")

// SetLevel switches every kernel to level l, or returns an error (and changes nothing)
// if this machine or build does not support it. It is meant for start-up and tests: it
// must not run concurrently with kernels or with itself.
func SetLevel(l Level) error {
	if !Supported(l) {
		why := "CPU features: " + strings.Join(Features(), " ")
		if len(Features()) == 0 {
			why = "no relevant CPU features"
		}
		if purego {
			why = "built with the purego tag: portable kernels only"
		}
		return fmt.Errorf("simd: kernel level %v: %w (%s/%s; %s)", l, ErrUnsupported, runtime.GOOS, runtime.GOARCH, why)
	}
	use(l)
	return nil
}

// featureIDs are the CPU features the kernels of some level use, or that make a level
// unusable when missing; Features reports those detected.
var featureIDs = map[string][]cpuid.FeatureID{
	"amd64": {cpuid.SSE2, cpuid.SSE4, cpuid.OSXSAVE, cpuid.AVX, cpuid.AVX2, cpuid.BMI2,
		cpuid.AVX512F, cpuid.AVX512BW, cpuid.AVX512DQ, cpuid.AVX512VL, cpuid.AVX512VNNI, cpuid.AVXVNNI},
	"arm64": {cpuid.ASIMD, cpuid.ASIMDDP, cpuid.SVE},
}

// Features returns the names (lower case, as cpuid spells them) of the kernel-relevant
// CPU features this machine reports, with operating-system support checked: avx2 and
// the avx512 features are listed only when the OS saves the YMM, ZMM and mask registers.
func Features() []string {
	var out []string
	for _, f := range featureIDs[runtime.GOARCH] {
		if cpuid.CPU.Supports(f) {
			out = append(out, strings.ToLower(f.String()))
		}
	}
	return out
}
