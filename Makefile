# Merit — the two set-up commands on a fresh machine are `make demo` and `make test`.
GO       ?= go
BIN      := bin
FUZZTIME ?= 30s

.PHONY: all build demo test fmt-check vet lint bench fuzz clean

all: build

build:
	$(GO) build -o $(BIN)/merit ./cmd/merit

## demo: train every model family on every shipped dataset and print the accuracy table.
demo: build
	$(BIN)/merit demo

## test: formatting, vet, and every test (the accuracy-parity table is printed).
test: fmt-check vet
	$(GO) test -count=1 ./...
	$(GO) test -count=1 -run 'TestAccuracyParity' -v ./internal/floatref/ | grep -E '^(\s+\S+\.go:[0-9]+: )?\|?|^(---|ok|FAIL|PASS)' 

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

lint: fmt-check vet

## bench: run the Go benchmarks and record them in BENCHMARKS.md.
bench:
	bash bench/run.sh

## fuzz: run every fuzz target for FUZZTIME each (default 30s).
fuzz:
	bash fuzz/run.sh $(FUZZTIME)

clean:
	rm -rf $(BIN)
