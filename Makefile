# Two commands set everything up on a fresh Debian machine:
#   make run    installs what is missing, builds, and scans samples/
#   make test   installs what is missing, builds, and runs every test
SHELL := /bin/bash
SWIFT ?= swift
BIN_DEBUG := .build/debug/logwarden
BIN := .build/release/logwarden
APT_PACKAGES := libpcre2-dev libsqlite3-dev zlib1g-dev libcurl4-openssl-dev pkg-config prometheus logrotate prometheus-node-exporter prometheus-alertmanager

.PHONY: deps build release run test pack check-pack bench bench-discover clean

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

# Regenerate the built-in pack (the rules compiled into the binary) from rules/patterns.
pack:
	python3 tools/gen_builtin_pack.py rules/patterns > Sources/LogwardenKit/Classify/BuiltinPack.swift

# Throughput and memory, side by side with peers in one run; writes BENCHMARKS.md.
bench: release
	@command -v hyperfine >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); $$SUDO apt-get install -y -qq hyperfine time >/dev/null; }
	bash bench/run.sh

# Template discovery scored on the Loghub corpus (grouping accuracy), Drain3 in the same run.
# Drain3 goes into a venv under .build-venv/ (ignored by git), so no system pip is touched.
bench-discover: release
	@[ -x .build-venv/bin/python ] || python3 -m venv .build-venv
	@.build-venv/bin/python -c 'import drain3' 2>/dev/null || .build-venv/bin/pip install -q drain3
	.build-venv/bin/python bench/discover_score.py --bin $(BIN) --markdown out/discover-score.md

clean:
	rm -rf .build out
