#!/usr/bin/env bash
# Benchmark (not a test): job claims per second and claim latency on
# PostgreSQL, with no-op jobs in pipelines of 25 (claim, finish at once, claim
# the next), through
# the real Store (build/tests/bench/store_claims): WORKERS worker processes
# with a connection each; one process whose WORKERS slots share one Store; and,
# as the baseline, the cheapest store round trip from WORKERS processes.
#
#   tests/bench/store_claims.sh [JOBS [WORKERS]]   (default 20000 8)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
jobs=${1:-20000}
workers=${2:-8}
BIN=${STORE_CLAIMS:-$(dirname "$CI_RUN")/tests/bench/store_claims}
[ -x "$BIN" ] || { echo "no $BIN: build the target store_claims" >&2; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/ci-run-bench.XXXXXX")
cleanup() {
  bash "$SOURCE_DIR/tests/postgres/pg-cluster.sh" stop "$T/pg" >/dev/null 2>&1 || true
  rm -rf "$T"
}
trap cleanup EXIT
url=$(bash "$SOURCE_DIR/tests/postgres/pg-cluster.sh" start "$T/pg") || { echo "cannot start PostgreSQL" >&2; exit 1; }
for db in roundtrip processes threads; do psql "$url" -qc "CREATE DATABASE $db" >/dev/null; done
db() { echo "${url%/postgres}/$1"; }
echo "==> PostgreSQL on loopback; $jobs no-op jobs, $workers workers"
read -r base_rate base_p50 base_p99 _ < <("$BIN" "$(db roundtrip)" "$jobs" "$workers" roundtrip)
read -r proc_rate proc_p50 proc_p99 proc_n < <("$BIN" "$(db processes)" "$jobs" "$workers" processes)
read -r thr_rate thr_p50 thr_p99 thr_n < <("$BIN" "$(db threads)" "$jobs" "$workers" threads)
[ "$proc_n" = "$jobs" ] && [ "$thr_n" = "$jobs" ] || { echo "claimed $proc_n and $thr_n of $jobs jobs" >&2; exit 1; }
table_header
record store_claims "claims/s, $workers worker processes (claim + finish each)" "$proc_rate" claims/s "$base_rate" "store round trips/s, $workers processes"
record store_claims "claim latency p99, $workers worker processes" "$proc_p99" ms "$base_p99" "round trip p99"
record store_claims "claim latency p50, $workers worker processes" "$proc_p50" ms "$base_p50" "round trip p50"
record store_claims "claims/s, one worker with $workers slots (one Store)" "$thr_rate" claims/s "$proc_rate" "$workers worker processes"
record store_claims "claim latency p99, one worker with $workers slots" "$thr_p99" ms "$proc_p99" "$workers worker processes"
echo "(load average: $(cut -d' ' -f1-3 /proc/loadavg))"
