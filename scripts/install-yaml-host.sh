#!/usr/bin/env bash
# The real Pulumi YAML language host, built from the Go module proxy into the same
# cache as the CLI (once, a few minutes). Prints its bin folder (last line).
set -euo pipefail
V="${PULUMI_YAML_VERSION:-1.25.0}"
cache="${PULUMI_CSS_VPCEP_CACHE:-$HOME/.cache/pulumi-css-vpcep}"
bin="$cache/pulumi-language-yaml-v$V/bin"
if [ ! -x "$bin/pulumi-language-yaml" ]; then
  mkdir -p "$cache"
  exec 9>"$cache/pulumi-language-yaml-v$V.lock"
  flock 9
  if [ ! -x "$bin/pulumi-language-yaml" ]; then
    echo "install-yaml-host: building pulumi-language-yaml v$V (first time only)" >&2
    GOBIN="$bin" GOFLAGS="-trimpath" go install "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@v$V" >&2
  fi
fi
echo "$bin"
