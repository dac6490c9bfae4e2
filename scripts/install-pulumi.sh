#!/usr/bin/env bash
# Get a Pulumi CLI whose version equals the pinned @pulumi/pulumi SDK.
#
# Our machines reach only the npm registry, Debian's archive and the Go module proxy, so the official
# installer (get.pulumi.com) cannot run. We build `pulumi` and `pulumi-language-nodejs` from Pulumi's
# published Go modules, with the release's version ldflags, into a cache folder OUTSIDE the clone keyed
# by version, and put `pulumi-resource-pulumi-nodejs` (shipped inside the npm @pulumi/pulumi package)
# beside them. Idempotent and quiet when cached.
#
# Any version whose pkg/v3 and sdk/v3 modules the Go module proxy serves can be built (3.248.0 and
# 3.276.0 are tested); for one it does not serve, the script says so in one line and exits 2.
# Concurrent runs for the same version wait for each other (flock), then use the cache.
#
# Prints the bin folder on stdout (last line); progress goes to stderr.
# Env: PULUMI_CSS_VPCEP_CACHE (default ~/.cache/pulumi-css-vpcep), PULUMI_VERSION (default: the
# @pulumi/pulumi devDependency in package.json), PULUMI_PKG_SHA (optional: the pkg/v$V commit, to
# try upstream's pulumi-language-nodejs first).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { echo "install-pulumi: $*" >&2; }

V="${PULUMI_VERSION:-}"
if [ -z "$V" ]; then
  V="$(node -p "require('$here/package.json').devDependencies['@pulumi/pulumi']" 2>/dev/null || true)"
fi
case "$V" in
  [0-9]*.[0-9]*.[0-9]*) ;;
  *) log "cannot tell which Pulumi version to install (got '$V'); set PULUMI_VERSION"; exit 1 ;;
esac

# Optional fast path: the commit tagged pkg/v$V. Upstream's language host module has no tags, so it can
# only be reached by pseudo-version; the Go module proxy here does not serve it, so by default we do not
# even try and build our own host (step 3b).
SHA="${PULUMI_PKG_SHA:-}"

cache="${PULUMI_CSS_VPCEP_CACHE:-$HOME/.cache/pulumi-css-vpcep}"
root="$cache/pulumi-v$V"
bin="$root/bin"

version_of() { "$1" version 2>/dev/null | tr -d '[:space:]' || true; }

place_dynamic_plugin() {
  # The dynamic-provider plugin is a shell script inside the npm package; the engine finds it next to `pulumi`.
  local src="$here/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
  if [ ! -x "$bin/pulumi-resource-pulumi-nodejs" ]; then
    if [ -f "$src" ]; then
      install -m 755 "$src" "$bin/pulumi-resource-pulumi-nodejs"
    else
      log "missing $src: run 'npm ci' first"; exit 1
    fi
  fi
}

# 1. A pulumi already on PATH with the right version (and its language host beside it).
if command -v pulumi >/dev/null 2>&1; then
  existing="$(command -v pulumi)"
  if [ "$(version_of "$existing")" = "v$V" ]; then
    if [ -x "$(dirname "$existing")/pulumi-language-nodejs" ] || command -v pulumi-language-nodejs >/dev/null; then
      dirname "$existing"; exit 0
    fi
  fi
fi

cached() { [ -x "$bin/pulumi" ] && [ "$(version_of "$bin/pulumi")" = "v$V" ] && [ -x "$bin/pulumi-language-nodejs" ]; }

# 2. Our cache.
if cached; then
  place_dynamic_plugin
  echo "$bin"; exit 0
fi

# 3. Build from the Go module proxy.
if ! command -v go >/dev/null 2>&1; then
  log "no Pulumi CLI v$V and no Go toolchain to build it."
  log "Install Pulumi the ordinary way (https://www.pulumi.com/docs/install/, version $V) and put it on PATH,"
  log "or install Go >= 1.24 so this script can build it from Pulumi's Go modules."
  exit 1
fi

# One build per version at a time: a second run waits, then finds the cache filled.
mkdir -p "$cache"
exec 9>"$cache/pulumi-v$V.lock"
if ! flock -n 9; then
  log "another install of v$V is running; waiting for it"
  flock 9
fi
if cached; then
  place_dynamic_plugin
  echo "$bin"; exit 0
fi

# Served? The proxy may list a version's .info and still refuse its zip, so download both zips now
# (the build needs them anyway) and turn a refusal into one clear line.
for mod in pkg sdk; do
  if ! out="$(cd "$cache" && go mod download -json "github.com/pulumi/pulumi/$mod/v3@v$V" 2>&1)"; then
    why="$(printf '%s\n' "$out" | sed -n 's/.*"Error": "\(.*\)",*$/\1/p' | sed 's/\\n.*//; s/^[^ ]*: //' | head -n 1)"
    log "Pulumi v$V cannot be built: the Go module proxy ($(go env GOPROXY)) does not serve github.com/pulumi/pulumi/$mod/v3@v$V${why:+ ($why)}"
    exit 2
  fi
done

log "building Pulumi CLI v$V from Go modules into $root (first time only; takes several minutes)"
mkdir -p "$bin"
build_flags=(-trimpath -tags osusergo,grpcnotrace -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$V")
export GOFLAGS="${GOFLAGS:-} -mod=mod"

# 3a. The CLI itself: pkg/v3 at the release tag, with the release's replace for the clipboard fork.
work="$cache/build-v$V"
rm -rf "$work"; mkdir -p "$work"
(
  cd "$work"
  go mod init local/pulumi-build >/dev/null 2>&1
  go mod edit -replace=github.com/atotto/clipboard=github.com/tgummerer/clipboard@v0.0.0-20241001131231-d02d263e614e
  go get "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$V" >&2
  go get "github.com/pulumi/pulumi/sdk/v3@v$V" "github.com/pulumi/pulumi/pkg/v3@v$V" >&2
  grep -q "github.com/pulumi/pulumi/pkg/v3 v$V" go.mod || { log "go.mod did not pin pkg v$V"; cat go.mod >&2; exit 1; }
  CGO_ENABLED=0 go build "${build_flags[@]}" -o "$bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
)

# 3b. The Node.js language host (needed for `pulumi up` on a project folder; the Automation API's inline
# programs do not use it). Upstream's module has no tags and the proxy here does not serve its
# pseudo-versions, so unless PULUMI_PKG_SHA asks to try it we build our own minimal host
# (scripts/language-host), which runs @pulumi/pulumi's own `cmd/run` as the upstream host does. It is
# built against sdk/v3 v$V (a scratch copy of its module, so the committed go.mod stays as it is),
# and against its own pinned go.mod if that version's SDK does not compile with it.
if [ -n "$SHA" ] && (
  cd "$work"
  go get "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3@$SHA" >/dev/null 2>&1 &&
  go get "github.com/pulumi/pulumi/sdk/v3@v$V" "github.com/pulumi/pulumi/pkg/v3@v$V" >&2 &&
  CGO_ENABLED=0 go build "${build_flags[@]}" -o "$bin/pulumi-language-nodejs" \
    github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 >&2
); then
  log "built upstream pulumi-language-nodejs at $SHA"
else
  [ -n "$SHA" ] && log "upstream pulumi-language-nodejs@$SHA is not served here"
  log "building our language host (scripts/language-host) against sdk/v3 v$V"
  host="$work/language-host"
  mkdir -p "$host"
  cp "$here/scripts/language-host/go.mod" "$here/scripts/language-host/go.sum" "$here/scripts/language-host/"*.go "$host/"
  if ! (
    cd "$host"
    go get "github.com/pulumi/pulumi/sdk/v3@v$V" >&2 &&
    CGO_ENABLED=0 go build "${build_flags[@]}" -o "$bin/pulumi-language-nodejs" . >&2
  ); then
    log "our language host does not build against sdk/v3 v$V; building it with its own pinned go.mod"
    (
      cd "$here/scripts/language-host"
      CGO_ENABLED=0 go build "${build_flags[@]}" -o "$bin/pulumi-language-nodejs" . >&2
    )
  fi
fi
place_dynamic_plugin
got="$(version_of "$bin/pulumi")"
[ "$got" = "v$V" ] || { log "built pulumi reports '$got', expected v$V"; exit 1; }
rm -rf "$work"
log "done: $bin"
echo "$bin"
