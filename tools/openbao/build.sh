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

if [ -x "$bin" ] && "$bin" version 2>/dev/null | grep -q "v${version}"; then
  echo "openbao: cached ${bin} reports v${version}; not rebuilding" >&2
  echo "$bin"
  exit 0
fi

command -v go >/dev/null || { echo "openbao: the go toolchain is required to build the server" >&2; exit 1; }
mkdir -p "$cache_dir"
echo "openbao: building v${version} into ${bin} (a cold build takes several minutes)" >&2
start=$(date +%s)
(
  cd "$here"
  export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
  go build -trimpath -o "${bin}.tmp" \
    -ldflags "-s -w -X github.com/hashicorp/vault/version.Version=${version} -X github.com/hashicorp/vault/version.VersionPrerelease=" \
    github.com/hashicorp/vault
)
reported="$("${bin}.tmp" version 2>&1 || true)"
case "$reported" in
  *"v${version}"*) ;;
  *) echo "openbao: the built binary does not report v${version}: ${reported}" >&2; exit 1 ;;
esac
mv "${bin}.tmp" "$bin"
echo "openbao: built in $(( $(date +%s) - start ))s: ${reported}" >&2
echo "$bin"
