#!/usr/bin/env bash
# Build and run tools/corpus/go/main.go (needs golang-go; stdlib only, no modules).
# Output: $OUT_DIR/go.log
source "$(dirname "$0")/common.sh"
TMP=$(mktemp -d /tmp/corpus-go.XXXXXX)
export GOCACHE="$TMP/cache" GOPATH="$TMP/gopath" GOFLAGS=-mod=mod GO111MODULE=off
go build -o "$TMP/calsync-gateway" "$CORPUS_DIR/go/main.go"
GOVERSION_STR="$(go version)" "$TMP/calsync-gateway" 2>"$OUT_DIR/go.log" || echo "calsync-gateway exited with status $? (expected: it ends with a panic)"
echo "go.log: $(wc -l <"$OUT_DIR/go.log") lines ($(go version))"
rm -rf "$TMP"
