#!/usr/bin/env bash
# The compatibility run: this repository's test suites on the Node.js and Pulumi a new user gets today
# (default: Node 22 from npm's `node` package, @pulumi/pulumi 3.276.0 and the Pulumi CLI 3.276.0), next
# to the pinned set that `npm test` covers. It works in a scratch copy of the repository, so the
# repository's package.json, package-lock.json and node_modules are never touched.
#
# PULUMI_VERSION is exported to the tests, so everything that takes a Pulumi version uses the same one:
# the CLI (scripts/install-pulumi.sh, built into the shared cache keyed by version) and the consumer
# projects the e2e tests create (test/helpers/pulumi.ts).
#
# Prints progress, then one plain "N passed, N failed" line as its last line; exits non-zero when
# anything failed.
# Env: COMPAT_NODE (version of npm's `node` package, default 22), COMPAT_PULUMI (default 3.276.0),
#      COMPAT_SUITES (jest paths, default: test/unit test/integration test/e2e), COMPAT_DIR (scratch folder, default a new temp
#      folder, removed at the end unless COMPAT_KEEP=1), PULUMI_CSS_VPCEP_CACHE (the CLI cache).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
node_spec="${COMPAT_NODE:-22}"
V="${COMPAT_PULUMI:-3.276.0}"
# Unit, integration and e2e by default (what exercises Pulumi); the reliability suite (~10 more minutes)
# runs with COMPAT_SUITES=test. It keeps a fresh machine's whole .ci/run under an hour.
read -r -a suites <<< "${COMPAT_SUITES:-test/unit test/integration test/e2e}"
log() { echo "compat: $*" >&2; }
now() { date +%s; }

scratch="${COMPAT_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/css-vpcep-compat-XXXXXX")}"
mkdir -p "$scratch"
if [ -z "${COMPAT_DIR:-}" ] && [ "${COMPAT_KEEP:-}" != 1 ]; then
  trap 'rm -rf "$scratch"' EXIT
fi
t0=$(now)

# 1. Node.js from npm's `node` package (its install script fetches the platform binary, also from npm).
log "installing node@$node_spec into $scratch/node"
mkdir -p "$scratch/node"
echo '{ "private": true }' > "$scratch/node/package.json"  # so npm installs here, not in a parent project
( cd "$scratch/node" && npm install --no-save --no-audit --no-fund --loglevel=error "node@$node_spec" >&2 )
export PATH="$scratch/node/node_modules/node/bin:$PATH"
node_version="$(node --version)"
case "$node_version" in
  "v${node_spec%%.*}."*) ;;
  *) log "node on PATH is $node_version, expected $node_spec: the node@$node_spec install did not work"; exit 1 ;;
esac

# 2. A copy of the working tree (committed or not), without what installs and builds produce.
log "copying the repository into $scratch/repo"
rm -rf "$scratch/repo"; mkdir -p "$scratch/repo"
tar -C "$here" --exclude=./node_modules --exclude=./dist --exclude=./.git --exclude=./test/.tmp --exclude=./bench/.tmp \
  -cf - . | tar -C "$scratch/repo" -xf -
cd "$scratch/repo"

# 3. The lock file's dependencies under this Node, then @pulumi/pulumi@V on top without saving it.
log "npm ci, then @pulumi/pulumi@$V (--no-save), under node $node_version"
npm ci --no-audit --no-fund --loglevel=error >&2
npm install --no-save --no-audit --no-fund --loglevel=error "@pulumi/pulumi@$V" >&2
sdk="$(node -p "require('@pulumi/pulumi/package.json').version")"
[ "$sdk" = "$V" ] || { log "@pulumi/pulumi is $sdk after installing $V"; exit 1; }
t_install=$(( $(now) - t0 ))

# 4. The CLI of the same version (built once into the shared cache).
t1=$(now)
export PULUMI_VERSION="$V"
bin="$(bash scripts/install-pulumi.sh | tail -n 1)"
export PATH="$bin:$PATH"
cli="$(pulumi version)"
[ "$cli" = "v$V" ] || { log "pulumi on PATH is $cli, expected v$V"; exit 1; }
t_cli=$(( $(now) - t1 ))

# 5. The suites, as npm test runs them (build, type-check, jest in one process).
t2=$(now)
results="$scratch/jest-results.json"
rm -f "$results"
status=0
npm run build >&2 && npm run typecheck >&2 && npx jest --runInBand --json --outputFile="$results" "${suites[@]}" || status=$?
t_tests=$(( $(now) - t2 ))

line="$(node scripts/jest-summary.js "$results")"
echo "== compat: node $node_version, @pulumi/pulumi $sdk, CLI $cli, suites ${suites[*]:-all}:" \
  "install ${t_install}s, CLI ${t_cli}s, tests ${t_tests}s"
echo "$line"
case "$line" in
  *" 0 failed") exit "$status" ;;
  *) exit 1 ;;
esac
