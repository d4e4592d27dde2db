#!/usr/bin/env bash
# Runs every fuzz target of the repository — the root module's and the appchain's
# (chain/, its own module) — for the given time each, and summarises.
#
#   bash fuzz/run.sh [FUZZTIME] [PATTERN]
#
# FUZZTIME is a go test -fuzztime value (default 30s; `make fuzz FUZZTIME=10m` for long
# runs; `make fuzz-short`, part of make test, runs each for FUZZTIME_SHORT, 3s).
# PATTERN, if given, keeps only the targets whose "package Target" matches it (grep -E),
# e.g. `bash fuzz/run.sh 60s 'simd|wasm'`.
#
# Environment: JOBS targets run at a time (default 1), each with WORKERS fuzzing processes
# (default: the CPUs divided by JOBS, at least 1) — make fuzz-short runs JOBS=2 WORKERS=1
# so that one target's start-up overlaps another's fuzzing; MINIMIZE (default 5s) bounds
# the time spent minimising each new input; GO is the go command.
#
# A target is found in the _test.go files that go list says this platform builds (so the
# arm64-only NEON targets are skipped on amd64). Each package's instrumented test binary
# is built once (go test -c -fuzz=.) and run in the package's directory once per target
# with go test's own fuzz cache, as go test -fuzz would. Each run starts from the target's
# seed corpus (its f.Add seeds and testdata/fuzz/<Target>/) plus what earlier runs found.
# An input that fails is written to testdata/fuzz/<Target>/ in the package: commit it as
# a regression seed (go test runs it every time; go test -run '^Target$/file' ./pkg
# reproduces it) and fix the bug.
#
# Exit status: 0 if every target ran clean, 1 if any failed, 2 if none was found.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
fuzztime=${1:-30s}
pattern=${2:-}
GO=${GO:-go}
jobs=${JOBS:-1}
workers=${WORKERS:-$(( $(nproc 2>/dev/null || echo 2) / jobs ))}
[ "$workers" -ge 1 ] || workers=1

# targets MODULE_DIR: prints "dir import/path Target" for every fuzz target of the module.
targets() {
	(cd "$1" && $GO list -f '{{.Dir}} {{.ImportPath}} {{join .TestGoFiles " "}} {{join .XTestGoFiles " "}}' ./...) |
		while read -r dir pkg files; do
			[ -n "$files" ] || continue
			for t in $(cd "$dir" && sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*testing\.F).*/\1/p' $files | sort -u); do
				echo "$dir $pkg $t"
			done
		done
}

list=$( { targets "$root"; targets "$root/chain"; } )
if [ -n "$pattern" ]; then
	list=$(echo "$list" | awk '{print $2 " " $3 "\t" $0}' | grep -E -- "$pattern" | cut -f2-)
fi
total=$(echo "$list" | grep -c . || true)
if [ "$total" -eq 0 ]; then
	echo "fuzz: no fuzz targets found" >&2
	exit 2
fi

logdir=$(mktemp -d "${TMPDIR:-/tmp}/merit-fuzz.XXXXXX")
export logdir fuzztime total workers GO
export MINIMIZE=${MINIMIZE:-5s} FUZZCACHE=$($GO env GOCACHE)/fuzz
start=$(date +%s)

# Build every package's instrumented test binary.
echo "fuzz: building the instrumented test binaries of $(echo "$list" | awk '{print $2}' | sort -u | wc -l) packages"
echo "$list" | awk '!seen[$2]++ {print $1, $2}' | while read -r dir pkg; do
	name=$(echo "${pkg#github.com/meritchain/merit/}" | tr / _)
	if ! (cd "$dir" && $GO test -c -fuzz=. -o "$logdir/$name.test" . >"$logdir/$name.build.log" 2>&1); then
		rm -f "$logdir/$name.test"
		echo "fuzz: ${pkg#github.com/meritchain/merit/} does not build (its targets fail):"
		sed 's/^/        /' "$logdir/$name.build.log" | tail -15
	fi
done
echo "fuzz: $total targets, $fuzztime each, $jobs at a time with $workers worker(s) each (logs in $logdir)"

# run_one INDEX DIR PKG TARGET: fuzz one target; prints one line and records a failure.
run_one() {
	local i=$1 dir=$2 pkg=$3 target=$4
	local short=${pkg#github.com/meritchain/merit/}
	local name
	name=$(echo "$short" | tr / _)
	local bin="$logdir/$name.test" log="$logdir/$name.$target.log" t0 status
	t0=$(date +%s)
	if [ ! -x "$bin" ]; then
		status="FAIL (the package does not build)"
	elif (cd "$dir" && "$bin" -test.run='^$' -test.fuzz="^${target}\$" -test.fuzztime="$fuzztime" \
		-test.parallel="$workers" -test.fuzzminimizetime="$MINIMIZE" -test.fuzzcachedir="$FUZZCACHE/$pkg" \
		-test.paniconexit0 -test.timeout=0 >"$log" 2>&1); then
		local execs
		execs=$(grep -o 'execs: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
		status="ok   $(( $(date +%s) - t0 ))s${execs:+ ($execs execs)}"
	elif grep -q 'context deadline exceeded' "$log" && ! grep -q 'Failing input written\|panic:' "$log"; then
		# The fuzzer ran out of time while a worker was still minimising a new input and
		# reports the deadline itself as an error: no input failed, so this is a pass.
		status="ok   $(( $(date +%s) - t0 ))s (stopped while minimising)"
	else
		status="FAIL $(( $(date +%s) - t0 ))s"
	fi
	local out
	out=$(printf '[%2d/%d] %-52s %s' "$i" "$total" "$short $target" "$status")
	case $status in
	FAIL*)
		echo "$short $target" >>"$logdir/failed"
		[ -f "$log" ] && out+=$'\n'$(sed 's/^/        /' "$log" | tail -25)
		;;
	esac
	echo "$out"
}
export -f run_one

echo "$list" | awk '{print NR, $0}' | xargs -P "$jobs" -L 1 bash -c 'run_one "$@"' _

echo
echo "fuzz: ran $total targets for $fuzztime each in $(( $(date +%s) - start ))s"
if [ -s "$logdir/failed" ]; then
	echo "fuzz: $(wc -l <"$logdir/failed") FAILED (each failing input is saved under its package's testdata/fuzz/<Target>/;"
	echo "      commit it as a regression seed and fix the bug; logs in $logdir):"
	sed 's/^/    /' "$logdir/failed"
	exit 1
fi
echo "fuzz: all passed"
rm -rf "$logdir"
