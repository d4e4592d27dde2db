//go:build !purego

package simd

// streamAsm returns the vector read anchors this machine runs (kernels_amd64.s).
func streamAsm() map[string]func(x []int64) int64 {
	m := map[string]func(x []int64) int64{}
	if Supported(AVX2) {
		m["avx2"] = streamSumAVX2
	}
	if Supported(AVX512) {
		m["avx512"] = streamSumAVX512
	}
	return m
}
