# clusterd — build, test and run a Wazuh-compatible manager cluster.
SHELL        := /bin/bash
GO           ?= go
BIN          := bin
PKGS         := ./...
VERSION      ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS      := -s -w -X github.com/clusterd/clusterd/node.Version=$(VERSION)
FUZZTIME     ?= 10s
BENCHTIME    ?= 1s
STATICCHECK  := honnef.co/go/tools/cmd/staticcheck@v0.8.2
COMMANDS     := clusterd cluster_control actorctl agent_groups manage_agents agentsim

export CGO_ENABLED ?= 0

.PHONY: all build test test-short run bench bench-e2e bench-shape fuzz lint tidy-check package clean

all: build

## build: static binaries of every command into bin/
build:
	@mkdir -p $(BIN)
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/ $(addprefix ./cmd/,$(COMMANDS))

## test: the whole test suite under the race detector (includes end-to-end tests with real processes)
test:
	CGO_ENABLED=1 $(GO) test -race -count=1 -timeout 20m $(PKGS)

## test-short: the suite without the slow end-to-end and chaos tests
test-short:
	CGO_ENABLED=1 $(GO) test -race -count=1 -short -timeout 10m $(PKGS)

## run: a master and two workers on loopback, shown working; Ctrl-C stops them
run: build
	./deploy/local-cluster.sh

## package: dist/clusterd-<version>-linux-<arch>.tar.gz, clusterd laid out to take the place of a
## Wazuh 4.14.x manager's wazuh-clusterd (bin/wazuh-clusterd, bin/cluster_control, bin/actorctl)
## with deploy/wazuh/clusterd-swap.sh to install and roll back (GOARCH=arm64 for another arch)
package:
	@mkdir -p dist/bin
	GOOS=linux $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o dist/bin/ ./cmd/clusterd ./cmd/cluster_control ./cmd/actorctl
	./deploy/wazuh/package.sh dist/bin dist $(VERSION) $$(GOOS=linux $(GO) env GOARCH)

## bench: benchmarks (figures go to docs/benchmarks.md)
bench:
	$(GO) test -run='^$$' -bench=. -benchmem -benchtime=$(BENCHTIME) -timeout 30m $(PKGS)

## bench-e2e: real-process benchmarks: a full integrity sync master → empty worker over
## generated ruleset text and random bytes (needs RULESET or WAZUH_REPO, see the script), then
## Wazuh's benchmark shape (bench-shape)
bench-e2e:
	./deploy/bench-e2e.sh
	./deploy/bench-shape.sh

## bench-shape: Wazuh's cluster benchmark shape, real processes: 1 master, 25 workers, 50,000
## simulated agents (SHAPES, STEADY: see the script), with Wazuh's statistics and thresholds
bench-shape:
	./deploy/bench-shape.sh

## fuzz: every fuzz target, FUZZTIME each
fuzz:
	./.ci/fuzz.sh $(FUZZTIME)

## lint: gofmt, go vet, staticcheck (ST1005 is off: several error texts are Wazuh's own,
## capitalised as the protocol carries them, e.g. "Write path not allowed"), and every § reference
## naming a section of docs/protocol/ that exists
lint:
	./.ci/check-refs.sh
	@unformatted=$$(gofmt -l $$(git ls-files --cached --others --exclude-standard '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) run $(STATICCHECK) -checks 'inherit,-ST1005' $(PKGS)

## tidy-check: fail if go.mod or go.sum are not tidy
tidy-check:
	@cp go.mod /tmp/clusterd-go.mod.bak && cp go.sum /tmp/clusterd-go.sum.bak
	@$(GO) mod tidy
	@if ! diff -q go.mod /tmp/clusterd-go.mod.bak >/dev/null || ! diff -q go.sum /tmp/clusterd-go.sum.bak >/dev/null; then \
	  diff -u /tmp/clusterd-go.mod.bak go.mod; diff -u /tmp/clusterd-go.sum.bak go.sum; \
	  cp /tmp/clusterd-go.mod.bak go.mod; cp /tmp/clusterd-go.sum.bak go.sum; \
	  echo "go.mod/go.sum are not tidy: run go mod tidy"; exit 1; fi
	@echo "go.mod and go.sum are tidy"

clean:
	rm -rf $(BIN) var dist
