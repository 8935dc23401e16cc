#!/usr/bin/env bash
# Runs the kernel benchmark set several times, each scenario in a fresh process, and prints the median of
# every RESULT (and of the CPU-normalised INFO figures, which are steadier on a shared machine).
# Usage: tests/QuicActors.Benchmarks/run-kernel.sh [runs=5] [extra options, e.g. --warmup 2 --measure 4, --dispatcher thread-pool]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-5}"
shift || true
project=tests/QuicActors.Benchmarks
dotnet build -c Release "$project" >/dev/null
scenarios=(
  "pingpong 1 1" "pingpong 2 1" "pingpong 8 1"
  "pingpong 1 1000" "pingpong 2 1000" "pingpong 8 1000"
  "tell" "dispatch 16" "spawn" "memory 100000"
)
results="$(mktemp)"
trap 'rm -f "$results"' EXIT
for ((run = 1; run <= runs; run++)); do
  for scenario in "${scenarios[@]}"; do
    # shellcheck disable=SC2086
    dotnet run -c Release --no-build --project "$project" -- kernel $scenario "$@" | tee -a "$results" >&2
  done
done
echo "median of $runs runs ($(nproc) cores, load average: $(cut -d' ' -f1-3 /proc/loadavg))"
awk '
  $1 == "RESULT" { key = "RESULT " $2 " " $4; values[key] = values[key] " " $3 }
  $1 == "INFO"   { key = "INFO   " $2 " per-cpu-second"; values[key] = values[key] " " $3 }
  END {
    for (key in values) {
      n = split(substr(values[key], 2), v, " ")
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
      median = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
      printf "%s %.0f\n", key, median
    }
  }' "$results" | sort
