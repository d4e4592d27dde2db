#!/usr/bin/env bash
# Runs the Go benchmarks and rewrites BENCHMARKS.md with the machine, the command and the
# results. Usage: bash bench/run.sh [BENCHTIME]   (default 1s per benchmark)
set -euo pipefail
cd "$(dirname "$0")/.."
benchtime=${1:-1s}
cmd="go test -run '^\$' -bench . -benchtime $benchtime -count 1 ./simd/ ./engine/..."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
echo "running: $cmd" >&2
eval "$cmd" | tee "$out" >&2
cpu=$(grep -m1 '^cpu:' "$out" | sed 's/^cpu: //' || true)
{
	echo "# Benchmarks"
	echo
	echo "Written by \`make bench\` (bench/run.sh); every number below comes from one run of:"
	echo
	echo '```'
	echo "$cmd"
	echo '```'
	echo
	echo "- Machine: ${cpu:-unknown CPU}, $(nproc) cores, $(go version | cut -d' ' -f3-)"
	echo "- Date: $(date -u +%Y-%m-%d)"
	echo "- Kernel level: portable Go (the SIMD kernels are not written yet)"
	echo
	echo "Absolute times vary between machines; compare rows of the same run."
	echo
	echo '```'
	grep -E '^(Benchmark|pkg:)' "$out"
	echo '```'
} > BENCHMARKS.md
echo "wrote BENCHMARKS.md" >&2
