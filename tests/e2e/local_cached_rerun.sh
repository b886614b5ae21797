#!/usr/bin/env bash
# A second run of an unchanged commit rebuilds nothing (every build `cached`)
# and takes a fraction of the first run's time. Fuzzing and benchmarks are
# off: they run again on purpose (tested in fuzz_* and perf_*).
source "$(dirname "$0")/common.inc"
make_repo
now() { date +%s%N; }
t0=$(now)
expect_exit 0 "$CI_RUN" local "$T/repo" --rev good --no-fuzz --no-bench --plain --json "$T/first.json" >"$T/out1" 2>&1 || { cat "$T/out1"; exit 1; }
t1=$(now)
expect_exit 0 "$CI_RUN" local "$T/repo" --rev good --no-fuzz --no-bench --plain --json "$T/second.json" >"$T/out2" 2>&1 || { cat "$T/out2"; exit 1; }
t2=$(now)
cat "$T/out2"
[ "$(json "$T/first.json" "sum(1 for j in d['jobs'] if j['steps'] and j['steps'][0]['outcome']=='passed')")" = 27 ] || fail "first run should build all 27 runnable jobs"
[ "$(json "$T/second.json" "sum(1 for j in d['jobs'] if j['steps'] and j['steps'][0]['outcome']=='cached')")" = 27 ] || fail "second run rebuilt something"
first_ms=$(((t1 - t0) / 1000000)); second_ms=$(((t2 - t1) / 1000000))
echo "first run ${first_ms} ms, second run ${second_ms} ms, ratio $(python3 -c "print(round($second_ms/$first_ms, 2))")"
# A commit that only changes docs reuses every build too (the unikernels' tree is unchanged).
expect_exit 0 "$CI_RUN" local "$T/repo" --rev good~1 --no-fuzz --no-bench --plain --json "$T/third.json" >"$T/out3" 2>&1 || { cat "$T/out3"; exit 1; }
[ "$(json "$T/third.json" "sum(1 for j in d['jobs'] if j['steps'] and j['steps'][0]['outcome']=='cached')")" = 27 ] || fail "a docs-only commit rebuilt something"
