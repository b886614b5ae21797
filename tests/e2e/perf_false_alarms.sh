#!/usr/bin/env bash
# The false alarm rate of ci-run compare on this machine: the no-change
# comparison (good -> perf-regression~1: bench unchanged) repeated
# PERF_REPEATS times (default 8). Prints how often each verdict came out;
# fails if `slower` came out more than once (or `faster`, the same error the
# other way). docs/performance.md quotes what this measured.
source "$(dirname "$0")/common.inc"
make_repo
repeats=${PERF_REPEATS:-8}
for i in $(seq "$repeats"); do
    "$CI_RUN" compare "$T/repo" good perf-regression~1 --unikernel bench --only compiler=gcc,target=virtio \
        --json "$T/r$i.json" >"$T/out$i" 2>&1 || { cat "$T/out$i"; fail "compare $i exited $?"; }
done
python3 - "$T" "$repeats" <<'PY'
import collections, json, sys
t, n = sys.argv[1], int(sys.argv[2])
counts, runs, alarms = collections.Counter(), [], 0
for i in range(1, n + 1):
    job = json.load(open(f"{t}/r{i}.json"))["jobs"][0]
    runs.append(job["runs"])
    verdicts = {k: v["verdict"] for k, v in job["metrics"].items()}
    counts.update(f"{k}: {v}" for k, v in verdicts.items())
    alarms += any(v in ("slower", "faster") for v in verdicts.values())
for k in sorted(counts):
    print(f"  {k:28} {counts[k]}/{n}")
print(f"runs per commit: {runs}")
print(f"false alarms: {alarms} of {n} comparisons ({100 * alarms / n:.0f}%)")
assert alarms <= 1, "more than one false alarm"
PY
