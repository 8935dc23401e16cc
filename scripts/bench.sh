#!/usr/bin/env bash
# Runs every benchmark behind the README's table and prints the medians: the kernel set, the raw engines
# (in-memory churn and bulk; ngtcp2 against two quic-go peers in one run), and the lifecycle (actors against
# the raw engine in the same process; idle bytes per open stream). Not a test: figures depend on the machine
# and on whatever else runs on it, so run it on a quiet machine. Takes about 10 minutes.
# Usage: scripts/bench.sh [runs=3]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
project=tests/QuicActors.Benchmarks
bench() { dotnet run -c Release --no-build --project "$project" -- "$@"; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit; print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "== machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
bash tests/interop/quicgo-peer/build.sh artifacts/quicgo-peer >/dev/null
dotnet build -c Release "$project" -nologo -v quiet >/dev/null

echo "== kernel (medians of $runs fresh processes per scenario)"
bash "$project/run-kernel.sh" "$runs" 2>/dev/null

echo "== engine, in-memory (medians of $runs)"
for ((i = 0; i < runs; i++)); do bench engine churn --engine in-memory --concurrency 100; done | awk '$1 == "RESULT" { print $3 }' | median | sed 's/^/RESULT engine-churn-in-memory /; s/$/ streams\/s/'
for ((i = 0; i < runs; i++)); do bench engine bulk --engine in-memory; done | awk '$1 == "RESULT" { print $3 }' | median | sed 's/^/RESULT engine-bulk-in-memory /; s/$/ MB\/s/'

echo "== engine, ngtcp2 against quic-go in one run"
bench engine compare --streams 5000 --concurrency 100 --runs "$runs"

echo "== lifecycle, in-memory"
bench lifecycle churn --engine in-memory --streams 200000 --concurrency 100 --runs "$runs"
bench lifecycle idle --streams 100000
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
