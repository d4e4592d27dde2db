//go:build !purego

package simd

import "github.com/klauspost/cpuid/v2"

// arm64 offers one accelerated level, NEON (Advanced SIMD). ASIMD is part of every
// ARMv8-A core that Linux and Go run on, but the level is still offered only when the
// CPU reports it (HWCAP_ASIMD), so a restricted environment that hides the feature
// falls back to the portable kernels instead of faulting.
func archLevels() []Level {
	if cpuid.CPU.Supports(cpuid.ASIMD) {
		return []Level{NEON}
	}
	return nil
}

// archUse installs the NEON kernels over the portable ones. Kernels without a NEON
// version here (gathers and scatters, which NEON cannot vectorise; AddScaledI64, which
// needs a 64×64-bit multiply NEON lacks; SqNormRows) keep their portable entry, as does
// AddScaled64 with a scale wider than int32 (see addScaled64NEONGlue).
func archUse(l Level, t *kernelTable) {
	if l != NEON {
		return
	}
	t.dot = dotNEONGlue
	t.sqDist = sqDistNEONGlue
	t.dotBatch = dotBatchNEON
	t.sqDistBatch = sqDistBatchNEON
	t.addScaledSat = addScaledSatNEONGlue
	t.addScaledSatExact = addScaledSatExactNEONGlue
	t.addScaled64 = addScaled64NEONGlue
	t.sum = sumNEON
	t.countZero = countZeroNEON
	t.countEq = countEqNEONGlue
	t.minMax = minMaxNEONGlue
	t.addConstI64 = addConstI64NEON
	t.subI32 = subI32NEONGlue
}
