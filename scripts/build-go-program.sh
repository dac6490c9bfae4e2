#!/usr/bin/env bash
# The Go Automation API program of test/e2e/plugin-go.test.ts (test/e2e/plugin-go), built from the Go
# module proxy into the same cache as the CLI, keyed by a hash of its go.mod, go.sum and main.go (so an
# edit rebuilds it, and the compat run reuses the pinned run's build). The first build takes a few
# minutes on a fresh machine, which is why npm test runs this before jest. Prints the binary's path (last line).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$here/test/e2e/plugin-go"
cache="${PULUMI_CSS_VPCEP_CACHE:-$HOME/.cache/pulumi-css-vpcep}"
key="$(cd "$src" && cat go.mod go.sum main.go | sha256sum | cut -c1-16)"
out="$cache/plugin-go-$key/plugin-go"
if [ ! -x "$out" ]; then
  command -v go >/dev/null 2>&1 || { echo "build-go-program: no Go toolchain (install Go >= 1.25 to build $src)" >&2; exit 1; }
  mkdir -p "$cache"
  exec 9>"$cache/plugin-go.lock"
  flock 9
  if [ ! -x "$out" ]; then
    echo "build-go-program: building $src (first time only)" >&2
    # Build to a temporary name and rename, so a killed build never leaves a half-written binary.
    mkdir -p "$(dirname "$out")"
    (cd "$src" && CGO_ENABLED=0 go build -trimpath -mod=readonly -o "$out.tmp" .) >&2
    mv "$out.tmp" "$out"
  fi
fi
echo "$out"
