#!/usr/bin/env bash
# The project's one test command: formatting, vet, staticcheck, the
# externalidvet analyzer over the module, and the race-enabled test suite.
# Integration tests start moto_server themselves; without it they skip,
# unless EXTERNALID_REQUIRE_MOTO=1 (as in CI) makes that a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

STATICCHECK_VERSION=v0.8.2

step() { printf '\n== %s\n' "$*"; }

step gofmt
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.git/*'))
if [ -n "$unformatted" ]; then
  printf 'gofmt would change:\n%s\n' "$unformatted" >&2
  exit 1
fi

step "go vet"
go vet ./...

step "staticcheck $STATICCHECK_VERSION"
go install "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION"
"$(go env GOPATH)/bin/staticcheck" ./...

if [ -d cmd/externalidvet ]; then
  step "externalidvet over the module"
  tool_dir=$(mktemp -d)
  trap 'rm -rf "$tool_dir"' EXIT
  go build -o "$tool_dir/externalidvet" ./cmd/externalidvet
  go vet -vettool="$tool_dir/externalidvet" ./...
fi

step "go test -race ./..."
go test -race -count=1 ./...

if [ -d bench ]; then
  step "bench module: vet and tests"
  (cd bench && go vet ./... && "$(go env GOPATH)/bin/staticcheck" ./... && go test -race -count=1 ./...)
fi
