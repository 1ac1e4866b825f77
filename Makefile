# Two commands set everything up on a fresh Debian machine:
#   make run    installs what is missing, builds, and scans samples/
#   make test   installs what is missing, builds, and runs every test
SHELL := /bin/bash
SWIFT ?= swift
BIN_DEBUG := .build/debug/logwarden
BIN := .build/release/logwarden
APT_PACKAGES := libpcre2-dev libsqlite3-dev zlib1g-dev libcurl4-openssl-dev pkg-config prometheus logrotate prometheus-node-exporter prometheus-alertmanager

.PHONY: deps build release run test pack check-pack bench bench-deps bench-micro bench-discover clean

# Install only what is missing, so a machine that has everything needs no root and no network.
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

build: deps
	$(SWIFT) build

# The Swift runtime and Foundation linked in: fewer pages resident (about 6 MB less peak
# RSS) and no symbol lookups at start.
release: deps
	$(SWIFT) build -c release --static-swift-stdlib

run: release
	$(BIN) check rules/
	mkdir -p out
	$(BIN) scan --textfile out/samples.prom samples/
	@echo; echo "metrics written to out/samples.prom"

test: deps
	$(SWIFT) build
	$(SWIFT) test

# Regenerate the built-in pack (the patterns and alert rules compiled into the binary) from
# rules/patterns and rules/alerts.
pack:
	python3 tools/gen_builtin_pack.py rules > Sources/LogwardenKit/Generated/BuiltinPack.swift

# Throughput and memory, side by side with every installed peer in one run; writes BENCHMARKS.md.
# Its own packages (not make deps': make test never needs them), installed only when missing.
# env: RUNS, SLICE, SLOW_RUNS, BIG, CALLGRIND, LIVE, WORK (see bench/run.sh).
BENCH_APT_PACKAGES := hyperfine time mtail sec ripgrep valgrind
BENCH_WORK ?= $(or $(WORK),/tmp/logwarden-bench)

bench-deps:
	@missing=""; for p in $(BENCH_APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

bench: release bench-deps
	bash bench/run.sh

# Micro-benchmarks of the hot stages (Benchmarks/, package-benchmark) on a 1 MiB slice of the
# mix; writes bench/micro-results.md (per-stage ns and mallocs per record) and its section of BENCHMARKS.md.
bench-micro: deps
	mkdir -p $(BENCH_WORK)
	python3 bench/gen_logs.py 10000 --seed 42 2>/dev/null | head -c 1048576 > $(BENCH_WORK)/micro-1MiB.log
	cd Benchmarks && LOGWARDEN_BENCH_MIX=$(BENCH_WORK)/micro-1MiB.log \
	  $(SWIFT) package --allow-writing-to-package-directory benchmark --no-progress --format jmh --path $(BENCH_WORK)/micro
	python3 bench/micro_report.py $(BENCH_WORK)/micro $(BENCH_WORK)/micro-1MiB.log --update BENCHMARKS.md > bench/micro-results.md
	cat bench/micro-results.md

# Template discovery scored on the Loghub corpus (grouping accuracy), Drain3 in the same run.
# Drain3 goes into a venv under .build-venv/ (ignored by git), so no system pip is touched.
bench-discover: release
	@[ -x .build-venv/bin/python ] || python3 -m venv .build-venv
	@.build-venv/bin/python -c 'import drain3' 2>/dev/null || .build-venv/bin/pip install -q drain3
	.build-venv/bin/python bench/discover_score.py --bin $(BIN) --markdown out/discover-score.md

clean:
	rm -rf .build out
