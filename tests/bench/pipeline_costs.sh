#!/usr/bin/env bash
# Benchmark (not a test): what the pipeline around the boots costs.
#  - a no-op re-run (the same commit again: every build cached) vs the first run;
#  - the matrix's wall time vs the work of its cells (build + boot + tests,
#    summed from the JSON report) divided by the cores: 1.00 is perfect
#    packing, more is time lost to scheduling, waiting and start-up;
#  - fetching and planning one new commit (`ci-run local --dry-run`: libgit2's
#    incremental fetch into the mirror, .ci-run.yml, the matrix) vs `git fetch`
#    of the same commit into a clone.
# The example repository at tag `good`, gcc and clang cells (24 jobs), no fuzzing
# or benchmarks.
#
#   tests/bench/pipeline_costs.sh [ROUNDS]      (default 3)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
rounds=${1:-3}
T=$(mktemp -d "${TMPDIR:-/tmp}/ci-run-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
export CI_RUN_CACHE_DIR="$T/cache"
cores=$(nproc)
"$SOURCE_DIR/fixtures/repos/make-example-repo.sh" "$T/repo" >/dev/null
common=(--rev good --only compiler=gcc --only compiler=clang --no-fuzz --no-bench --plain --work-dir "$T/work")

table_header
: >"$T/first" && : >"$T/again" && : >"$T/packing"
for i in $(seq "$rounds"); do
  rm -rf "$T/cache" "$T/work"
  t0=$(now_ns)
  "$CI_RUN" local "$T/repo" "${common[@]}" --db "$T/first-$i.db" --json "$T/first-$i.json" >"$T/first.out" 2>&1 ||
    { tail -20 "$T/first.out" >&2; exit 1; }
  t1=$(now_ns)
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", (b - a) / 1e6}')
  echo "$wall" >>"$T/first"
  work=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(sum(s['duration_ms'] for j in d['jobs'] for s in j['steps']))" "$T/first-$i.json")
  awk -v w="$wall" -v s="$work" -v c="$cores" 'BEGIN {printf "%.2f\n", w / (s / c)}' >>"$T/packing"
  echo "$work" >>"$T/work-sum"
  time_ms "$CI_RUN" local "$T/repo" "${common[@]}" --db "$T/first-$i.db" >>"$T/again"
done
first=$(median <"$T/first")
record pipeline_costs "no-op re-run of 24 cached jobs (median ms)" "$(median <"$T/again")" ms "$first" "first run"
record pipeline_costs "matrix wall time, 24 jobs (median ms)" "$first" ms \
  "$(awk -v c="$cores" '{print $1 / c}' "$T/work-sum" | median)" "cells' work / $cores cores"

# One new commit: ci-run's mirror fetch + plan vs git fetch into a clone.
git clone -q --bare "$T/repo" "$T/clone.git"
: >"$T/plan" && : >"$T/gitfetch"
for i in $(seq "$rounds"); do
  git -C "$T/repo" -c user.name=b -c user.email=b@example.org commit -q --allow-empty -m "bench $i"
  time_ms "$CI_RUN" local "$T/repo" --rev main --dry-run --plain >>"$T/plan"
  time_ms git -C "$T/clone.git" fetch -q "$T/repo" main >>"$T/gitfetch"
done
record pipeline_costs "fetch + plan one new commit: local --dry-run (median ms)" "$(median <"$T/plan")" ms \
  "$(median <"$T/gitfetch")" "git fetch"
