# platform: build, test, generate and benchmark. Only Go (and make) are needed.
GO      ?= go
BIN     ?= bin/platform
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
GORELEASER ?= github.com/goreleaser/goreleaser/v2@v2.15.1

.PHONY: all build test generate templates-release bench fuzz clean release-check release-snapshot

all: build

## build: a static binary in bin/platform
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/platform

## test: vet, unit tests and the testscript suites in testdata/script
test:
	$(GO) vet ./...
	$(GO) test ./...

## generate: the release archives of the embedded templates (templates-release), the k8s lint schema (schema.json), GitLab's CI schema (internal/lint/gitlabci/schema: downloaded only when its pinned version changes), shell completions into completions/, the CLI reference into docs/cli/, the lint rules into docs/rules/
generate: templates-release
	rm -rf completions docs/cli docs/rules
	$(GO) generate ./internal/lint/k8s/ ./internal/lint/gitlabci/
	$(GO) run ./cmd/platform generate --completions completions --docs docs/cli --rules docs/rules

## templates-release: add templates/releases/<name>/<version>.tar.gz for each embedded template's current version that has none (never rewrites one; fails when a template changed without a new spec.version)
templates-release:
	$(GO) run ./templates/internal/snapshot templates/releases

## bench: the benchmarks recorded in docs/performance.md
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 5 ./internal/scaffold/ ./internal/cli/ ./internal/gitx/
	$(GO) test -run '^$$' -bench . -benchmem -count 5 ./internal/glob/ ./internal/lint/
	$(GO) test -run '^$$' -bench BenchmarkMerge -benchmem -count 5 ./internal/merge3/
	$(GO) test -run '^$$' -bench . -benchmem -count 3 ./internal/update/ ./internal/fstx/ ./internal/yamlmerge/
	$(GO) test -run '^$$' -bench BenchmarkFleetStatus -benchtime 1x -count 3 ./internal/fleet/

## fuzz: a short run of the fuzzers that guard untrusted input (templates, release archives, globs, .gitignore, redaction, merges)
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParseManifest -fuzztime 30s ./internal/scaffold/
	$(GO) test -run '^$$' -fuzz FuzzLoadArchive -fuzztime 30s ./internal/scaffold/
	$(GO) test -run '^$$' -fuzz FuzzMatch -fuzztime 30s ./internal/glob/
	$(GO) test -run '^$$' -fuzz FuzzIgnoreSet -fuzztime 30s ./internal/lint/
	$(GO) test -run '^$$' -fuzz FuzzURL -fuzztime 30s ./internal/redact/
	$(GO) test -run '^$$' -fuzz FuzzPasswordNeverShown -fuzztime 30s ./internal/redact/
	$(GO) test -run '^$$' -fuzz FuzzMerge -fuzztime 30s ./internal/merge3/
	$(GO) test -run '^$$' -fuzz FuzzMerge -fuzztime 30s ./internal/yamlmerge/

## release-check: validate .goreleaser.yaml (downloads and builds goreleaser the first time; not part of test)
release-check:
	$(GO) run $(GORELEASER) check

## release-snapshot: a local release trial into dist/, nothing published (needs docker with buildx, and syft)
release-snapshot:
	$(GO) run $(GORELEASER) release --snapshot --clean

clean:
	rm -rf bin
