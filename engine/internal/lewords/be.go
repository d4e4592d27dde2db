//go:build !(386 || amd64 || arm || arm64 || loong64 || mips64le || mipsle || ppc64le || riscv64 || wasm)

package lewords

// littleEndian is false on every other machine (s390x, ppc64, mips, mips64, …), and on
// one that this list does not know yet: the portable loop is always correct.
const littleEndian = false
