#!/bin/sh
# Builds libqa_ngtcp2_shim.so from qa_ngtcp2_shim.c against the installed ngtcp2 0.12 and GnuTLS headers.
# Usage: build-shim.sh <output .so path>
# Never fails the build: when the packages are missing it says so and produces nothing, and the managed engine then
# reports itself unavailable with the same advice.
set -u
out="$1"
here="$(cd "$(dirname "$0")" && pwd)"
pkgs="libngtcp2 libngtcp2_crypto_gnutls gnutls"
if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists $pkgs 2>/dev/null; then
  echo "ngtcp2 shim not built: pkg-config cannot find $pkgs; install libngtcp2-dev libngtcp2-crypto-gnutls-dev libgnutls28-dev pkg-config"
  exit 0
fi
if ! command -v gcc >/dev/null 2>&1; then
  echo "ngtcp2 shim not built: gcc is missing; install gcc"
  exit 0
fi
mkdir -p "$(dirname "$out")"
tmp="$out.$$.tmp"
# shellcheck disable=SC2046
if gcc -std=c11 -O2 -g -Wall -Wextra -shared -fPIC -fvisibility=hidden \
    $(pkg-config --cflags $pkgs) "$here/qa_ngtcp2_shim.c" -o "$tmp" $(pkg-config --libs $pkgs); then
  mv -f "$tmp" "$out"
  echo "ngtcp2 shim built: $out"
else
  rm -f "$tmp"
  echo "ngtcp2 shim not built: gcc failed on qa_ngtcp2_shim.c (see the compiler output above)"
fi
exit 0
