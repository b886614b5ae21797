#!/usr/bin/env bash
# Cells this host cannot run are skipped with the reason; fail-fast cancels the
# rest of a failing unikernel's matrix; max-parallel caps its running jobs.
source "$(dirname "$0")/common.inc"
make_repo

cat >"$T/skip.yml" <<'YML'
matrix:
  compiler: [gcc, icc]
  target: [unix, hvt]
unikernels:
  hello:
    path: unikernels
    build: ./build.sh hello ${target} ${compiler} _build/${compiler}-${target}
    image: _build/${compiler}-${target}/hello.${target}
    boot: {args: [x], expect: ["^SUCCESS$"]}
YML
expect_exit 0 "$CI_RUN" local "$T/repo" --rev good --config "$T/skip.yml" --plain --json "$T/skip.json" >"$T/skip.out" 2>&1 || { cat "$T/skip.out"; exit 1; }
cat "$T/skip.out"
[ "$(json "$T/skip.json" "[(j['name'], j['state']) for j in d['jobs']]")" = "[('hello gcc/unix', 'passed'), ('hello gcc/hvt', 'skipped'), ('hello icc/unix', 'skipped'), ('hello icc/hvt', 'skipped')]" ] || fail "wrong states"
contains "$T/skip.out" 'no toolchain named "icc" on this host'
contains "$T/skip.out" "target hvt: solo5-hvt"

# fail-fast: the first failed build cancels the unikernel's queued jobs (one slot, so order is fixed).
cat >"$T/ff.yml" <<'YML'
matrix:
  compiler: [clang, gcc]
  target: [unix, virtio, xen]
  fail-fast: true
unikernels:
  hello:
    path: unikernels
    build: ./build.sh hello ${target} ${compiler} _build/${compiler}-${target}
    image: _build/${compiler}-${target}/hello.${target}
    boot: {expect: ["^SUCCESS$"]}
YML
expect_exit 1 "$CI_RUN" local "$T/repo" --rev build-break --config "$T/ff.yml" --jobs 1 --plain --json "$T/ff.json" >"$T/ff.out" 2>&1
cat "$T/ff.out"
[ "$(json "$T/ff.json" "[j['state'] for j in d['jobs']]")" = "['failed', 'cancelled', 'cancelled', 'cancelled', 'cancelled', 'cancelled']" ] || fail "fail-fast did not cancel the rest"
contains "$T/ff.out" "fail-fast: hello clang/unix failed"

# max-parallel 1: with 2 slots, no two jobs of the unikernel overlap in time.
sed -e 's/fail-fast: true/max-parallel: 1/' "$T/ff.yml" >"$T/mp.yml"
expect_exit 0 "$CI_RUN" local "$T/repo" --rev good --config "$T/mp.yml" --jobs 2 --plain --db "$T/mp.db" >"$T/mp.out" 2>&1 || { cat "$T/mp.out"; exit 1; }
python3 - "$T/mp.db" <<'PY'
import sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute("SELECT started_ms, finished_ms FROM jobs ORDER BY started_ms").fetchall()
assert len(rows) == 6, rows
for (s1, f1), (s2, f2) in zip(rows, rows[1:]):
    assert s2 >= f1, f"jobs overlap: {rows}"
PY
