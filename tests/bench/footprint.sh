#!/usr/bin/env bash
# Benchmark (not a test): start-up time and memory.
#  - `ci-run --version` start-up vs `git --version` (a C program with a few
#    shared libraries) and /bin/true (process creation alone);
#  - the resident memory of an idle `ci-run serve` (SQLite, jobs in-process)
#    and an idle `ci-run worker`, 5 s after start;
#  - ci-run boot's peak resident memory while a unix image streams 1 GiB of
#    console (100-byte lines) vs while it boots the example's hello.
#
#   tests/bench/footprint.sh [ROUNDS]      (default 20)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
rounds=${1:-20}
T=$(mktemp -d "${TMPDIR:-/tmp}/ci-run-bench.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$T"
}
trap cleanup EXIT

table_header
: >"$T/ci" && : >"$T/git" && : >"$T/true"
for _ in $(seq "$rounds"); do
  time_ms "$CI_RUN" --version >>"$T/ci"
  time_ms git --version >>"$T/git"
  time_ms /bin/true >>"$T/true"
done
record footprint "ci-run --version start-up (median ms)" "$(median <"$T/ci")" ms "$(median <"$T/git")" "git --version"
record footprint "ci-run --version start-up (median ms)" "$(median <"$T/ci")" ms "$(median <"$T/true")" "/bin/true"

# rss_kb PID: resident set size in KiB.
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
echo bench-secret >"$T/secret"
cat >"$T/service.yml" <<YML
listen: 127.0.0.1:0
database: $T/ci.db
data-dir: $T/data
cache-dir: $T/cache
github: {webhook-secret-file: $T/secret}
repositories: {}
worker: {slots: 2, in-serve: true}
YML
"$CI_RUN" serve --config "$T/service.yml" 2>"$T/serve.log" &
serve=$!
pids+=("$serve")
"$CI_RUN" worker --config "$T/service.yml" --name bench 2>"$T/worker.log" &
worker=$!
pids+=("$worker")
sleep 5
kill -0 "$serve" && kill -0 "$worker" || { cat "$T/serve.log" "$T/worker.log" >&2; exit 1; }
record footprint "idle serve, resident memory (KiB)" "$(rss_kb "$serve")" KiB
record footprint "idle worker, resident memory (KiB)" "$(rss_kb "$worker")" KiB

# Peak RSS of a ci-run child, read from getrusage(RUSAGE_CHILDREN).
peak_kb() {
  python3 -c '
import resource, subprocess, sys
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(r.returncode)' "$@" || { echo "benchmark command failed: $*" >&2; return 1; }
}
cat >"$T/flood.unix" <<'SH'
#!/bin/sh
# 1 GiB of console: 10,737,418 lines of 100 bytes, then a clean exit.
yes 'ci-run console flood xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' | head -c 1073741824
echo
echo DONE
SH
chmod +x "$T/flood.unix"
"$SOURCE_DIR/fixtures/repos/make-example-repo.sh" "$T/repo" >/dev/null
"$CI_RUN" local "$T/repo" --rev good --unikernel hello --only compiler=gcc,target=unix --keep-workspaces \
  --no-fuzz --no-bench --plain --work-dir "$T/work" --db "$T/local.db" --cache-dir "$T/cache" >/dev/null 2>&1
hello=$(find "$T/work" -name hello.unix | head -1)
base=$(peak_kb "$CI_RUN" boot "$hello" --target unix --no-sandbox -q -- --greeting=hi "two words")
t0=$(now_ns)
flood=$(peak_kb "$CI_RUN" boot "$T/flood.unix" --target unix --no-sandbox -q --expect '^DONE$' --timeout 10m)
t1=$(now_ns)
# The same with a fail pattern that never matches: every line goes through the matcher.
flood_fail=$(peak_kb "$CI_RUN" boot "$T/flood.unix" --target unix --no-sandbox -q --expect '^DONE$' --fail 'PANIC|Fatal error' --timeout 10m)
record footprint "ci-run boot streaming 1 GiB of console, peak RSS (KiB)" "$flood" KiB "$base" "boot of hello"
record footprint "ci-run boot streaming 1 GiB of console, throughput (MiB/s)" \
  "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", 1024 / ((b - a) / 1e9)}')" MiB/s
record footprint "the same with a fail: pattern on every line, peak RSS (KiB)" "$flood_fail" KiB "$base" "boot of hello"
