# Merit — the two set-up commands on a fresh machine are `make demo` and `make test`.
SHELL       := bash
.SHELLFLAGS := -eu -o pipefail -c
GO          ?= go
BIN         := bin
FUZZTIME    ?= 30s
# FUZZTIME_SHORT is how long make test (make fuzz-short) runs each fuzz target.
FUZZTIME_SHORT ?= 3s
# WASM_GO is the Go toolchain the committed WebAssembly builds (wasm/*.wasm) are made with:
# another version gives other bytes, so `make wasm` refuses to run under any other.
WASM_GO     := go1.26.8

.PHONY: all build demo test fmt-check vet lint bench bench-quick bench-deps fuzz fuzz-short sim sim-short clean

all: build

build:
	$(GO) build -o $(BIN)/merit ./cmd/merit

## demo: the main job — the collaborative-training simulation under each incentive mechanism
## (plots and JSON in out/simulate/), then the noisy-label comparison of the valuation methods
## and the accuracy table of every model family on every shipped dataset.
demo: build
	$(BIN)/merit simulate --im drt --out out/simulate/drt
	$(BIN)/merit simulate --im points --out out/simulate/points
	$(BIN)/merit simulate --im market --out out/simulate/market
	$(BIN)/merit value --method all --noise 0.1 --train testdata/digits.csv.gz --split 0.25 --samples 100
	$(BIN)/merit demo

## test: formatting, vet, generated kernels up to date, every test at every kernel level this
## machine can run (amd64 best level, generic, purego; arm64 NEON and generic under QEMU), and
## the accuracy-parity table; then the appchain's tests, the short fuzz and simulation runs
## and the 4-validator localnet test.
## Results are cached by `go test`, so a second run only re-tests what changed.
test: fmt-check vet check-generate
	@echo "== every package, at the best kernel level of this CPU ($$($(GO) run ./cmd/merit version))"
	$(GO) test $$($(GO) list ./... | grep -v /internal/floatref)
	@echo "== the engine again with the portable kernels (MERIT_SIMD=generic), and simd with -tags purego"
	MERIT_SIMD=generic $(GO) test -count=1 ./engine/... ./simd/
	$(GO) test -tags purego ./simd/
	@echo "== arm64 (NEON and generic) under QEMU user-mode emulation"
	GO=$(GO) bash .ci/qemu-arm64.sh
	@echo "== accuracy parity: integer engine vs float64 reference (internal/floatref)"
	$(GO) test -v ./internal/floatref/ | grep -v -E '^(=== (RUN|PAUSE|CONT)|    --- PASS)'
	@echo "== the appchain (chain/, its own Go module): vet, keeper and integration tests, and the"
	@echo "   end-to-end test (builds meritd, runs a one-validator chain on loopback, drives it with the CLI)"
	cd chain && $(GO) vet ./... && $(GO) vet -tags sims ./app/ && $(GO) test ./...
	@echo "== fuzz: every fuzz target of both modules for $(FUZZTIME_SHORT) (make fuzz-short)"
	$(MAKE) fuzz-short
	@echo "== the app simulation, short (make sim-short): invariants, determinism, export/import"
	$(MAKE) sim-short
	@echo "== the 4-validator localnet (make localnet-test): traffic through every validator, one stopped"
	@echo "   and restarted, the same app hash everywhere, one validator on MERIT_SIMD=generic"
	$(MAKE) localnet-test

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

lint: fmt-check vet

## bench: run the benchmark suite and rewrite BENCHMARKS.md and docs/bench/scaling.png, with
## Merit against its NumPy/scikit-learn peer (bench/peer/) on the same data (about 7 minutes on
## 2 cores, plus the WebAssembly benchmarks). It installs the peer's Debian packages when run as root.
bench:
	$(GO) run ./bench

## bench-quick: the same harness, every part of it (the peer too), at tiny sizes: a smoke test.
## It writes scratch files ($TMPDIR/BENCHMARKS.quick.md and .scaling.png), never BENCHMARKS.md.
bench-quick:
	$(GO) run ./bench -quick -out $${TMPDIR:-/tmp}/BENCHMARKS.quick.md

## bench-deps: install (as root) or check the peer's packages: Debian's python3-numpy,
## python3-sklearn and OpenBLAS.
bench-deps:
	$(GO) run ./bench -peer-deps

## fuzz: run every fuzz target of both modules (the root and chain/) for FUZZTIME each
## (default 30s; e.g. make fuzz FUZZTIME=10m), with a summary; fails if any target fails.
## The failing input is saved under the package's testdata/fuzz/<Target>/ (see README,
## "Reliability").
fuzz:
	GO=$(GO) bash fuzz/run.sh $(FUZZTIME)

## fuzz-short: every fuzz target for FUZZTIME_SHORT (default 3s), as make test runs them:
## two targets at a time with one fuzzing process each, so that one's start-up overlaps
## the other's fuzzing (about 2 minutes on 2 cores once the build cache is warm).
fuzz-short:
	JOBS=2 WORKERS=1 GO=$(GO) bash fuzz/run.sh $(FUZZTIME_SHORT)

## sim: the application simulation (chain/app/sim_test.go, build tag sims) at length: for
## each of SIM_SEEDS (default 1,2,3), SIM_BLOCKS blocks (default 200) of random messages of
## every module (merit's models, contributions and markets; bank, staking, distribution,
## slashing, gov) with the invariants asserted at every block, every merit message delivered
## at least once, the determinism check (the seed run twice: the same app hash at every
## height) and export/import (every KV store compared). About 6½ minutes on 2 idle cores.
## sim-short: the same three checks for seed 42 and the default run of 60 blocks (about a
## minute on 2 cores once the build cache is warm). A failing seed is rerun with
## `cd chain && go test -tags sims -run TestFullAppSimulation -v ./app/ -Seed=N -NumBlocks=B`.
SIM_SEEDS  ?= 1,2,3
SIM_BLOCKS ?= 200
SIM_TESTS  := ^(TestFullAppSimulation|TestAppStateDeterminism|TestAppImportExport)$$
sim:
	cd chain && $(GO) test -tags sims -count=1 -timeout 40m -v -run '$(SIM_TESTS)' ./app/ -Seeds=$(SIM_SEEDS) -NumBlocks=$(SIM_BLOCKS)

sim-short:
	cd chain && $(GO) test -tags sims -count=1 -timeout 15m -v -run '$(SIM_TESTS)' ./app/

clean:
	rm -rf $(BIN)

## wasm: build the engine for WebAssembly, reproducibly: wasm/merit-pure.wasm (portable
## kernels), wasm/merit-host.wasm (host kernels), and wasm/builds.go with their SHA-256
## (docs/WASM.md). Needs Go $(WASM_GO) exactly (GOTOOLCHAIN=$(WASM_GO) make wasm fetches it).
.PHONY: wasm
wasm:
	@v=$$($(GO) env GOVERSION); if [ "$$v" != "$(WASM_GO)" ]; then \
	  echo "make wasm: this is $$v, but the committed WebAssembly builds are made with $(WASM_GO), and another Go gives other bytes."; \
	  echo "Run GOTOOLCHAIN=$(WASM_GO) make wasm (or change WASM_GO in the Makefile to re-pin the builds deliberately)."; exit 1; fi
	GO=$(GO) $(GO) run ./wasm/internal/build -go $(WASM_GO) -out wasm

## generate: regenerate the amd64 SIMD kernels (simd/kernels_amd64.s and .go) with avo.
.PHONY: generate check-generate
generate:
	cd simd && $(GO) generate

## check-generate: regenerate the kernels and the WebAssembly builds into a temporary
## directory and fail if the committed files differ (the generator builds avo: ~35 s of CPU
## with a cold build cache; the two wasm builds about as much). The wasm check needs Go
## $(WASM_GO), like make wasm.
check-generate: check-proto
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(GO) run -C simd/_asm . -out "$$tmp/kernels_amd64.s" -stubs "$$tmp/kernels_amd64.go" -pkg simd; \
	if diff -u simd/kernels_amd64.s "$$tmp/kernels_amd64.s" && diff -u simd/kernels_amd64.go "$$tmp/kernels_amd64.go"; then \
	  echo "check-generate: simd/kernels_amd64.{s,go} are what simd/_asm generates"; \
	else echo "check-generate: simd/kernels_amd64.{s,go} are stale: run make generate"; exit 1; fi
	@v=$$($(GO) env GOVERSION); if [ "$$v" != "$(WASM_GO)" ]; then \
	  echo "check-generate: this is $$v; the WebAssembly builds are made with $(WASM_GO): run GOTOOLCHAIN=$(WASM_GO) make check-generate"; exit 1; fi
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	GO=$(GO) $(GO) run ./wasm/internal/build -go $(WASM_GO) -out "$$tmp"; \
	if cmp wasm/merit-pure.wasm "$$tmp/merit-pure.wasm" && cmp wasm/merit-host.wasm "$$tmp/merit-host.wasm" && diff -u wasm/builds.go "$$tmp/builds.go"; then \
	  echo "check-generate: wasm/merit-{pure,host}.wasm and wasm/builds.go are byte-identical to a rebuild"; \
	else echo "check-generate: the WebAssembly builds are stale: run make wasm"; exit 1; fi

## chain: build the appchain daemon into ./build/meritd (chain/README.md).
.PHONY: chain proto check-proto
chain:
	$(MAKE) -C chain build BUILD=$(CURDIR)/build GO=$(GO)

## proto: regenerate chain/x/merit/types/*.pb.go from chain/proto (installs buf and
## protoc-gen-gocosmos at pinned versions with go install when missing).
proto:
	$(MAKE) -C chain proto GO=$(GO)

## check-proto: fail if `make proto` changes the committed generated code (part of
## check-generate).
check-proto:
	$(MAKE) -C chain check-proto GO=$(GO)

## localnet: build meritd, create a fresh network of 4 validators on loopback in
## MERIT_LOCALNET_DIR (default build/localnet; one home per validator, one genesis), start
## them (node 0 with MERIT_SIMD=generic, the others at the CPU's best kernel level) and
## print how to talk to them. Node i listens on 26656+10i (P2P), 26657+10i (RPC) and
## 26659+10i (gRPC); LOCALNET_FLAGS passes more flags (e.g. -base-port 36656, -n 5).
## It refuses to start while a network in that directory runs.
## localnet-stop: stop them and remove the directory.
## localnet-test: TestLocalnet (chain/localnet): a fresh 4-validator network in a temporary
## directory, traffic through every validator, one validator stopped and restarted, the
## same app hash on every validator at every height, faults, a 12-second load and a restore
## from export (about 2 minutes once meritd is built).
MERIT_LOCALNET_DIR ?= $(CURDIR)/build/localnet
LOCALNET_FLAGS     ?=
.PHONY: localnet localnet-stop localnet-test localnet-cmd
localnet-cmd:
	cd chain && $(GO) build -o $(CURDIR)/build/merit-localnet ./cmd/localnet

localnet: chain localnet-cmd
	build/merit-localnet up -dir $(abspath $(MERIT_LOCALNET_DIR)) -bin build/meritd $(LOCALNET_FLAGS)

localnet-stop: localnet-cmd
	build/merit-localnet stop -clean -dir $(abspath $(MERIT_LOCALNET_DIR))

localnet-test: chain
	cd chain && MERIT_LOCALNET=1 MERIT_LOCALNET_BIN=$(CURDIR)/build/meritd \
	  $(GO) test -count=1 -v -timeout 10m -run '^TestLocalnet$$' ./localnet/

## load: the load test (TestLoad in chain/localnet): a fresh 4-validator localnet in a
## temporary directory, then LOAD_SENDERS funded accounts (default 24; each its own key,
## sequence and validator, LOAD_WINDOW transactions in flight each, default 2) send
## add-data (Deposit-Refund-Take and Points), refunds and prediction-market joins, while a
## provider opens, ends and reveals markets whose rewards run in the end-blocker and whose
## balances are collected, for LOADTIME (default 2m; e.g. make load LOADTIME=5m). It prints
## a summary table — transactions/s committed, latency percentiles from submission to the
## commit of the block — and checks the escrow accounting, the supply, the invariant and
## the app hashes. LOAD_KILL=i (1-3) also kills validator i with SIGKILL a third of the way
## through and restarts it 5 s later.
LOADTIME     ?= 2m
LOAD_SENDERS ?= 24
LOAD_WINDOW  ?= 2
LOAD_KILL    ?= -1
.PHONY: load
load: chain
	cd chain && MERIT_LOAD=$(LOADTIME) MERIT_LOAD_SENDERS=$(LOAD_SENDERS) MERIT_LOAD_WINDOW=$(LOAD_WINDOW) \
	  MERIT_LOAD_KILL=$(LOAD_KILL) MERIT_LOCALNET_BIN=$(CURDIR)/build/meritd \
	  $(GO) test -count=1 -v -timeout 0 -run '^TestLoad$$' ./localnet/
