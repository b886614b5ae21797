#!/usr/bin/env bash
# ci-run history over the whole main history of the example repository names
# exactly the commit tagged perf-regression as the cause of bench's slowdown,
# with a size close to the planted 25%, and no other change point. Five
# commits are measured at first, so the culprit is found by bisection.
source "$(dirname "$0")/common.inc"
make_repo
"$CI_RUN" history "$T/repo" --unikernel bench --only compiler=gcc,target=virtio --points 5 --plain \
    --json "$T/history.json" >"$T/out" 2>&1 || { cat "$T/out"; fail "history exited $?"; }
cat "$T/out"
python3 - "$T/history.json" "$(git -C "$T/repo" rev-parse perf-regression)" "$(git -C "$T/repo" rev-list --count main)" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
culprit, count = sys.argv[2], int(sys.argv[3])
assert len(d["commits"]) == count, len(d["commits"])
[job] = d["jobs"]
assert job["measured_points"] == 5, job["measured_points"]
changes = job["changes"]
assert len(changes) == 1, changes                      # no other change point
[c] = changes
assert c["confirmed"] and not c["ambiguous"], c
assert c["commit"] == culprit, (c["commit"], culprit)  # exactly the tagged commit
assert len(c["bisected"]) >= 1, c                      # found by bisection
m = c["metrics"]
assert m["cycles"]["verdict"] == "slower", m["cycles"]
# The size: the example's bench runs on `clock: instructions`, so cycles is
# an exact instruction count: the planted 25% more work per item, the same
# on every run, and an interval of no width.
assert 1.20 <= m["cycles"]["hodges_lehmann_ratio"] <= 1.30, m["cycles"]
assert m["cycles"]["ci"][0] == m["cycles"]["ci"][1] == m["cycles"]["hodges_lehmann_ratio"], m["cycles"]
assert m["image_bytes"]["verdict"] == "no change", m["image_bytes"]
assert all(v["verdict"] != "faster" for v in m.values()), m
# The exact cycles decided the confirmation at its first batch of 10 runs:
# measuring stopped there, and the host's timings left inconclusive are named.
assert m["cycles"]["base"]["n"] == m["cycles"]["head"]["n"] == 10, m["cycles"]
assert sorted(c["undecided"]) == sorted(k for k, v in m.items() if v["verdict"] == "inconclusive"), c
for name, v in m.items():
    assert v["ci"][0] <= v["ratio"] <= v["ci"][1], (name, v)  # the estimate of its interval
PY
contains "$T/out" "1 change found"
contains "$T/out" "bench: one more mixing round per item"
