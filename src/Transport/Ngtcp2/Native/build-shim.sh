#!/bin/sh
# Builds libqa_ngtcp2_shim.so from qa_ngtcp2_shim.c against the installed ngtcp2 0.12 and GnuTLS headers.
# Usage: build-shim.sh <output .so path>
# A machine that cannot build it never fails the build (not Linux, packages missing, an ngtcp2 other than 0.12, no gcc):
# the script says why and produces nothing, and the managed engine then reports itself unavailable. Where it can, a
# compile error fails the build: otherwise the old library would stay in place and the engine would only report a
# version mismatch at run time.
set -u
out="$1"
here="$(cd "$(dirname "$0")" && pwd)"
if [ "$(uname -s)" != Linux ]; then
  echo "ngtcp2 shim not built: it needs Linux (eventfd, glibc's malloc_usable_size); this is $(uname -s)"
  exit 0
fi
pkgs="libngtcp2 libngtcp2_crypto_gnutls gnutls"
if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists $pkgs 2>/dev/null; then
  echo "ngtcp2 shim not built: pkg-config cannot find $pkgs; install libngtcp2-dev libngtcp2-crypto-gnutls-dev libgnutls28-dev pkg-config"
  exit 0
fi
# ngtcp2 changed its API before 1.0 and at it: the shim is written against 0.12 (Debian 12's 0.12.1).
if ! pkg-config --exists 'libngtcp2 >= 0.12' 'libngtcp2 < 0.13' 'libngtcp2_crypto_gnutls >= 0.12' 'libngtcp2_crypto_gnutls < 0.13'; then
  echo "ngtcp2 shim not built: it needs ngtcp2 0.12.x, and pkg-config finds $(pkg-config --modversion libngtcp2)"
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
  exit 1
fi
exit 0
