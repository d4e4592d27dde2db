#!/usr/bin/env bash
# Runs the arm64 (NEON) kernels and the engine suites that use them, once per kernel
# level, under QEMU user-mode emulation: `make test` calls this. On an arm64 host the
# tests run natively instead.
#
#   bash .ci/qemu-arm64.sh            # simd + every engine package whose tests use simd
#
# QEMU (Debian's qemu-user: /usr/bin/qemu-aarch64) is installed if missing. Go's arm64
# binaries are static, so no arm64 sysroot is needed; QEMU passes the environment to the
# guest, so MERIT_SIMD reaches the test binary. Speed under emulation means nothing:
# only correctness is checked here.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}

exec_flag=()
if [ "$($GO env GOHOSTARCH)" != arm64 ]; then
	qemu=$(command -v qemu-aarch64 || command -v qemu-aarch64-static || true)
	if [ -z "$qemu" ]; then
		echo "== installing qemu-user (for the arm64 tests)"
		if [ "$(id -u)" != 0 ]; then
			echo "qemu-aarch64 is missing; install Debian's qemu-user (apt-get install qemu-user) and rerun" >&2
			exit 1
		fi
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		apt-get install -y -qq qemu-user >/dev/null
		qemu=$(command -v qemu-aarch64)
	fi
	exec_flag=(-exec "$qemu")
fi

export GOARCH=arm64
# asmdecl checks the assembly's argument frames against the Go declarations; the
# purego build must compile without assembly.
$GO vet ./simd/
$GO vet -tags purego ./simd/

# The simd package plus every engine package whose test binary links it.
pkgs=(./simd/)
while read -r bin deps; do
	case " $deps " in *" github.com/meritchain/merit/simd "*) pkgs+=("${bin%.test}") ;; esac
done < <($GO list -test -f '{{if eq .Name "main"}}{{.ImportPath}}{{range .Deps}} {{.}}{{end}}{{end}}' ./engine/... | grep '^[^ ]*\.test ')

# Under user-mode emulation a test binary cannot start another arm64 binary (there is
# no binfmt_misc hand-off to QEMU), so tests that re-execute themselves are skipped
# there: TestInitFromEnv checks MERIT_SIMD parsing in a child process, and runs natively.
skip=()
if [ ${#exec_flag[@]} -gt 0 ]; then
	skip=(-skip '^TestInitFromEnv$')
fi

for level in neon generic; do
	echo "== arm64 tests, MERIT_SIMD=$level: ${pkgs[*]}"
	MERIT_SIMD=$level $GO test "${exec_flag[@]}" "${skip[@]}" "${pkgs[@]}"
done
