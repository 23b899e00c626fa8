#!/usr/bin/env bash
# Builds the secrets-engine server used by tests, development and the migrator's
# bootstrap, from the Go module proxy, and caches the binary outside the work tree.
#
# OpenBAO v2.6.2 is the target, but the Go module proxy here refuses every
# version of github.com/openbao/openbao ("403 This module version is not
# available", for the commit hash and for its pseudo-version). As issue 2
# prescribes, we build HashiCorp Vault's last MPL-licensed release line instead
# (1.14.x), whose HTTP API is the same for everything this project uses.
# 1.14.2 is the newest 1.14 patch whose server compiles against a *published*
# sdk module (v0.9.2); later patches need unreleased sdk commits.
#
# Prints the binary's path on stdout; all progress goes to stderr.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
version="1.14.2"
cache_dir="${SYSMANAGE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sysmanage}/bao-${version}"
bin="${cache_dir}/bao"

# The cache is valid while the binary reports the pinned version and was built
# by this exact recipe (build.sh, go.mod and go.sum fingerprinted).
fingerprint="$(cat "$here/build.sh" "$here/go.mod" "$here/go.sum" | sha256sum | cut -c1-16)"
if [ -x "$bin" ] && "$bin" version 2>/dev/null | grep -q "v${version}" \
   && [ "$(cat "${cache_dir}/fingerprint" 2>/dev/null)" = "$fingerprint" ]; then
  echo "openbao: cached ${bin} reports v${version}; not rebuilding" >&2
  echo "$bin"
  exit 0
fi

command -v go >/dev/null || { echo "openbao: the go toolchain is required to build the server" >&2; exit 1; }
mkdir -p "$cache_dir"
echo "openbao: building v${version} into ${bin} (a cold build takes several minutes)" >&2
start=$(date +%s)
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod

# Vault 1.14.2 was released against an unpublished sdk commit; the nearest
# published sdk (v0.9.2, pinned by go.mod's replace) added a start-up assertion
# that panics on 1.14.2's own managed-keys paths ("defines a CreateOperation but
# no ExistenceCheck"). The assertion only detects a coding style; it changes no
# behaviour. So the build uses a copy of sdk v0.9.2, outside the work tree,
# with that one assertion removed, through a throw-away modfile.
sdk_src="$(cd "$here" && go mod download -json github.com/hashicorp/vault/sdk@v0.9.2 | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
[ -d "$sdk_src" ] || { echo "openbao: could not download github.com/hashicorp/vault/sdk@v0.9.2" >&2; exit 1; }
work="${cache_dir}/build"
rm -rf "$work" && mkdir -p "$work"
cp -r "$sdk_src" "$work/sdk" && chmod -R u+w "$work/sdk"
perl -0pi -e 's/\n\t\t\/\/ Detect the coding error of attempting to define a CreateOperation without defining an ExistenceCheck\n\t\tif p\.ExistenceCheck == nil \{\n(?:.*\n){6}\t\t\}\n/\n/ or die "assertion not found\n"' \
  "$work/sdk/framework/backend.go" || { echo "openbao: sdk v0.9.2 does not have the expected assertion; review build.sh" >&2; exit 1; }
cp "$here/go.mod" "$work/go.mod" && cp "$here/go.sum" "$work/go.sum"
(cd "$here" && go mod edit -modfile="$work/go.mod" -replace "github.com/hashicorp/vault/sdk=$work/sdk")
(
  cd "$here"
  go build -modfile="$work/go.mod" -trimpath -o "${bin}.tmp" \
    -ldflags "-s -w -X github.com/hashicorp/vault/version.Version=${version} -X github.com/hashicorp/vault/version.VersionPrerelease=" \
    github.com/hashicorp/vault
)
reported="$("${bin}.tmp" version 2>&1 || true)"
case "$reported" in
  *"v${version}"*) ;;
  *) echo "openbao: the built binary does not report v${version}: ${reported}" >&2; exit 1 ;;
esac
# A binary that links but panics at start-up has happened here before: start
# it in dev mode once and wait for an unsealed health answer.
port=$(( 20000 + RANDOM % 20000 ))
"${bin}.tmp" server -dev -dev-root-token-id=smoke -dev-no-store-token \
  -dev-listen-address="127.0.0.1:${port}" >"${cache_dir}/smoke.log" 2>&1 &
smoke_pid=$!
healthy=""
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:${port}/v1/sys/health" 2>/dev/null | grep -q '"sealed":false'; then healthy=1; break; fi
  kill -0 "$smoke_pid" 2>/dev/null || break
  sleep 0.1
done
kill "$smoke_pid" 2>/dev/null || true
wait "$smoke_pid" 2>/dev/null || true
if [ -z "$healthy" ]; then
  echo "openbao: the built server did not start in dev mode; last lines of its log:" >&2
  tail -n 20 "${cache_dir}/smoke.log" >&2
  exit 1
fi
mv "${bin}.tmp" "$bin"
echo "$fingerprint" > "${cache_dir}/fingerprint"
rm -rf "$work"
echo "openbao: built in $(( $(date +%s) - start ))s: ${reported}" >&2
echo "$bin"
