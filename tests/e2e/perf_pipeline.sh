#!/usr/bin/env bash
# Benchmarks in pipelines: `ci-run bench`, the bench step of `ci-run local`
# (samples stored, compared with the nearest ancestor that has samples),
# fail-on-regression, --bench-base (a pull request's interleaved comparison)
# and --no-bench.
source "$(dirname "$0")/common.inc"
make_repo
sel=(--unikernel bench --only compiler=gcc,target=virtio)
db="$T/ci.db"

# ci-run bench: median and spread per metric, samples stored.
expect_exit 0 "$CI_RUN" bench "$T/repo" --rev perf-regression~1 "${sel[@]}" --runs 5 --db "$db" --json "$T/bench.json" >"$T/out0" 2>&1 || { cat "$T/out0"; exit 1; }
cat "$T/out0"
contains "$T/out0" "bench gcc/virtio"
[ "$(json "$T/bench.json" "d['results'][0]['metrics']['cycles']['n']")" = 5 ] || fail "bench: 5 runs expected"
[ "$(json "$T/bench.json" "d['results'][0]['metrics']['image_bytes']['unit']")" = bytes ] || fail "image_bytes unit"
# clock: instructions: said in the output, an exact count (no spread), and
# the samples filed under this host's name with /instructions.
contains "$T/out0" "guest clock counts instructions (QEMU -icount)"
[ "$(json "$T/bench.json" "d['results'][0]['metrics']['cycles']['min'] == d['results'][0]['metrics']['cycles']['max']")" = True ] ||
    fail "cycles differ between runs of one image: $(json "$T/bench.json" "d['results'][0]['metrics']['cycles']")"
hosts=$(python3 -c "import sqlite3,sys; print(sorted({r[0] for r in sqlite3.connect(sys.argv[1]).execute('SELECT host FROM samples')}))" "$db")
[ "$hosts" = "['$(json "$T/bench.json" "d['host']")/instructions']" ] || fail "samples filed under $hosts"

# A pipeline at perf-regression compares with perf-regression~1's stored samples.
expect_exit 0 "$CI_RUN" local "$T/repo" --rev perf-regression "${sel[@]}" --plain --db "$db" --json "$T/p1.json" >"$T/out1" 2>&1 || { cat "$T/out1"; exit 1; }
cat "$T/out1"
step() { json "$1" "[s for s in d['jobs'][0]['steps'] if s['name']=='bench'][0]$2"; }
[ "$(step "$T/p1.json" "['outcome']")" = passed ] || fail "bench step should pass (no fail-on-regression)"
[ "$(step "$T/p1.json" "['detail']['base']['commit']")" = "$(git -C "$T/repo" rev-parse perf-regression~1)" ] || fail "wrong base"
[ "$(step "$T/p1.json" "['detail']['base']['interleaved']")" = False ] || fail "stored base is not interleaved"
[ "$(step "$T/p1.json" "['detail']['clock']")" = instructions ] || fail "the bench step's clock: $(step "$T/p1.json" "['detail']['clock']")"
[ "$(step "$T/p1.json" "['detail']['comparisons']['cycles']['verdict']")" = slower ] ||
    fail "cycles, an exact count, is not slower: $(step "$T/p1.json" "['detail']['comparisons']['cycles']")"
contains "$T/out1" "Warnings:"
contains "$T/out1" "bench gcc/virtio: bench: slower: "
# The summary's Benchmarks section: every metric's verdict against the base.
contains "$T/out1" "Benchmarks:"
contains "$T/out1" "bench gcc/virtio: vs $(git -C "$T/repo" rev-parse --short=12 perf-regression~1) (stored samples, not interleaved): boot_ms "
contains "$T/out1" ", cycles slower +25"

# An improvement (a pull request that undoes the slowdown: its base is
# perf-regression) is shown in the summary too, and recorded as a change.
expect_exit 0 "$CI_RUN" local "$T/repo" --rev perf-regression~1 --bench-base perf-regression "${sel[@]}" --plain --db "$db" --json "$T/p4.json" >"$T/out4" 2>&1 || { cat "$T/out4"; exit 1; }
cat "$T/out4"
[ "$(step "$T/p4.json" "['detail']['comparisons']['cycles']['verdict']")" = faster ] ||
    fail "cycles is not faster: $(step "$T/p4.json" "['detail']['comparisons']['cycles']")"
contains "$T/out4" "Benchmarks:"
contains "$T/out4" ", cycles faster -20"
# cycles decided at the first batch: the host's timings still inconclusive are named.
if [ "$(step "$T/p4.json" "['detail']['comparisons']['boot_ms']['verdict']")" = inconclusive ]; then
    contains "$T/out4" "stopped at 10 runs: cycles decided (exact); left undecided: boot_ms"
fi
python3 - "$db" "$(git -C "$T/repo" rev-parse perf-regression~1)" <<'PY'
import sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute(
    "select metric, verdict from perf_changes where commit_sha=? and source like 'pipeline %'", (sys.argv[2],)).fetchall()
assert ("cycles", "faster") in rows, rows
PY

# fail-on-regression: 10% in the configuration, and a pull request's base:
# both commits built and run interleaved, the cell fails.
git -C "$T/repo" show perf-regression:.ci-run.yml | sed 's/^      runs: 10$/      runs: 15\n      fail-on-regression: 10%/' >"$T/strict.yml"
grep -q "fail-on-regression: 10%" "$T/strict.yml" || fail "could not write the strict configuration"
expect_exit 1 "$CI_RUN" local "$T/repo" --rev perf-regression --bench-base perf-regression~1 --config "$T/strict.yml" "${sel[@]}" --plain --db "$db" --json "$T/p2.json" >"$T/out2" 2>&1 || { cat "$T/out2"; exit 1; }
cat "$T/out2"
[ "$(step "$T/p2.json" "['outcome']")" = failed ] || fail "bench step should fail"
[ "$(step "$T/p2.json" "['detail']['base']['interleaved']")" = True ] || fail "a PR base is interleaved"
contains "$T/out2" "slower beyond fail-on-regression: "
contains "$T/out2" "cycles +"
# The step counts its slower metrics (what /metrics' cirun_regressions_total adds up).
slower=$(json "$T/p2.json" "sum(c['verdict'] == 'slower' for c in [s for s in d['jobs'][0]['steps'] if s['name'] == 'bench'][0]['detail']['comparisons'].values())")
[ "$(step "$T/p2.json" "['detail']['regressions']")" = "$slower" ] || fail "detail.regressions does not count the slower metrics"
[ "$(step "$T/p2.json" "['detail']['regressions']")" -ge 1 ] || fail "no regression counted"

# --no-bench: no bench step at all.
expect_exit 0 "$CI_RUN" local "$T/repo" --rev perf-regression "${sel[@]}" --no-bench --plain --db "$db" --json "$T/p3.json" >"$T/out3" 2>&1 || { cat "$T/out3"; exit 1; }
[ "$(json "$T/p3.json" "[s['name'] for s in d['jobs'][0]['steps']]")" = "['build', 'boot']" ] || fail "--no-bench ran a bench step"
