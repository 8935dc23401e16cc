#!/bin/sh
# Builds quicgo-peer offline, in GOPATH mode, against Debian's quic-go 0.29.
#   usage: build.sh [OUTDIR]     (default OUTDIR: ./bin next to this script)
# Prints the absolute path of the binary on its last line of stdout.
# Needs the Debian packages golang-go and golang-github-lucas-clemente-quic-go-dev.
set -eu

src_dir=$(cd "$(dirname "$0")" && pwd)
out_dir=${1:-"$src_dir/bin"}
gocode=/usr/share/gocode
quicgo="$gocode/src/github.com/lucas-clemente/quic-go"

missing() {
    echo "quicgo-peer build: $1" >&2
    echo "install the Debian packages: apt-get install golang-go golang-github-lucas-clemente-quic-go-dev" >&2
    exit 3
}

command -v go >/dev/null 2>&1 || missing "the 'go' command is not on PATH"
[ -f "$quicgo/interface.go" ] || missing "quic-go sources not found at $quicgo"

mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/quicgo-peer-gopath.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$tmp/src/quicactors"
ln -s "$src_dir" "$tmp/src/quicactors/quicgo-peer"

# Go refuses to build without a cache directory; give it a throwaway one when the
# environment (e.g. a bare CI container) defines no home.
if [ -z "${GOCACHE:-}" ] && [ -z "${XDG_CACHE_HOME:-}" ] && [ -z "${HOME:-}" ]; then
    export GOCACHE="$tmp/gocache"
fi

# GOPATH mode, no network: modules off, proxy off.
cd "$tmp/src/quicactors/quicgo-peer"
GO111MODULE=off GOPROXY=off GOFLAGS= GOPATH="$tmp:$gocode" \
    go build -o "$out_dir/quicgo-peer" . || {
        echo "quicgo-peer build: go build failed (Go $(go env GOVERSION 2>/dev/null || echo '?'); needs the quic-go 0.29 API from golang-github-lucas-clemente-quic-go-dev)" >&2
        exit 1
    }
echo "$out_dir/quicgo-peer"
