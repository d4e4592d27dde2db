//go:build 386 || amd64 || arm || arm64 || loong64 || mips64le || mipsle || ppc64le || riscv64 || wasm

package lewords

// littleEndian reports whether this machine stores words least significant byte first,
// as the encodings do (the GOARCH values Go's own internal/goarch lists as little-endian).
const littleEndian = true
