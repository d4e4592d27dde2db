# Merit — the two set-up commands on a fresh machine are `make demo` and `make test`.
SHELL       := bash
.SHELLFLAGS := -eu -o pipefail -c
GO          ?= go
BIN         := bin
FUZZTIME    ?= 30s

.PHONY: all build demo test fmt-check vet lint bench bench-quick fuzz clean

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
## the accuracy-parity table.
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

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

lint: fmt-check vet

## bench: run the benchmark suite and rewrite BENCHMARKS.md (about 15 minutes).
bench:
	$(GO) run ./bench

## bench-quick: the same harness at tiny sizes (a smoke test; writes a scratch file).
bench-quick:
	$(GO) run ./bench -quick -out $${TMPDIR:-/tmp}/BENCHMARKS.quick.md

## fuzz: run every fuzz target for FUZZTIME each (default 30s).
fuzz:
	bash fuzz/run.sh $(FUZZTIME)

clean:
	rm -rf $(BIN)

## generate: regenerate the amd64 SIMD kernels (simd/kernels_amd64.s and .go) with avo.
.PHONY: generate check-generate
generate:
	cd simd && $(GO) generate

## check-generate: regenerate the kernels into a temporary directory and fail if the
## committed files differ (the generator builds avo: ~35 s of CPU with a cold build cache).
check-generate:
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(GO) run -C simd/_asm . -out "$$tmp/kernels_amd64.s" -stubs "$$tmp/kernels_amd64.go" -pkg simd; \
	if diff -u simd/kernels_amd64.s "$$tmp/kernels_amd64.s" && diff -u simd/kernels_amd64.go "$$tmp/kernels_amd64.go"; then \
	  echo "check-generate: simd/kernels_amd64.{s,go} are what simd/_asm generates"; \
	else echo "check-generate: simd/kernels_amd64.{s,go} are stale: run make generate"; exit 1; fi
