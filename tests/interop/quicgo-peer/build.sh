#!/usr/bin/env bash
# Builds the quic-go interop peer offline, in GOPATH mode, against Debian's
# packaged quic-go 0.29 (no module download ever happens).
#
#   tests/interop/quicgo-peer/build.sh [OUTDIR]
#
# Writes OUTDIR/quicgo-peer (default: <repo>/artifacts/quicgo-peer/quicgo-peer)
# and prints the binary's absolute path as the last line of stdout.
set -euo pipefail

src_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$src_dir/../../.." && pwd)"
out_dir="${1:-$repo_root/artifacts/quicgo-peer}"
gocode=/usr/share/gocode
quicgo_pkg="$gocode/src/github.com/lucas-clemente/quic-go"
packages="golang-go golang-github-lucas-clemente-quic-go-dev"

fail() {
  echo "quicgo-peer build: $*" >&2
  exit 1
}

if ! command -v go >/dev/null 2>&1; then
  for candidate in /usr/lib/go/bin/go /usr/lib/go-*/bin/go; do
    if [ -x "$candidate" ]; then
      PATH="$(dirname "$candidate"):$PATH"
      break
    fi
  done
fi
command -v go >/dev/null 2>&1 ||
  fail "the Go toolchain is missing; install the Debian packages: apt-get install $packages"
[ -f "$quicgo_pkg/interface.go" ] ||
  fail "quic-go is missing from $quicgo_pkg; install the Debian packages: apt-get install $packages"
[ -d "$gocode/src/github.com/marten-seemann" ] ||
  fail "quic-go's qtls dependency is missing under $gocode; install the Debian packages: apt-get install $packages"

gopath="$(mktemp -d "${TMPDIR:-/tmp}/quicgo-peer-gopath.XXXXXX")"
staged=""
trap 'rm -rf "$gopath"; [ -z "$staged" ] || rm -f "$staged"' EXIT
mkdir -p "$gopath/src/quicactors"
ln -s "$src_dir" "$gopath/src/quicactors/quicgo-peer"

mkdir -p "$out_dir"
out_dir="$(cd "$out_dir" && pwd)"

# The build cache survives between runs unless the caller chose one; HOME may
# be unset or read-only under CI, so fall back to a cache beside the binary.
if [ -z "${GOCACHE:-}" ]; then
  if [ -n "${HOME:-}" ] && [ -w "${HOME:-/nonexistent}" ]; then
    export GOCACHE="$HOME/.cache/go-build"
  else
    export GOCACHE="$out_dir/.gocache"
  fi
fi

# Build beside the target and rename, so that concurrent builds (parallel test
# runs) never expose a half-written binary to a test that is starting it.
staged="$out_dir/.quicgo-peer.$$"
(
  cd "$gopath/src/quicactors/quicgo-peer"
  GO111MODULE=off GOPROXY=off GOFLAGS= GOPATH="$gopath:$gocode" \
    go build -o "$staged" .
) || { fail "go build failed (Go $(go env GOVERSION 2>/dev/null || echo unknown)); quic-go 0.29 from $packages is expected"; }
mv -f "$staged" "$out_dir/quicgo-peer"
staged=""

echo "$out_dir/quicgo-peer"
