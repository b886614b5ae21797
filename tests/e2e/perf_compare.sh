#!/usr/bin/env bash
# ci-run compare: perf-regression~1 -> perf-regression (25% more work per
# item) is `slower`; good -> bootvar-fixed (no change to bench) is never
# `slower`. gcc/virtio only, interleaved runs, real QEMU boots.
source "$(dirname "$0")/common.inc"
make_repo
cell=(--unikernel bench --only compiler=gcc,target=virtio)

"$CI_RUN" compare "$T/repo" perf-regression~1 perf-regression "${cell[@]}" --json "$T/slow.json" >"$T/out1" 2>&1 || { cat "$T/out1"; fail "compare exited $?"; }
cat "$T/out1"
v() { json "$1" "d['jobs'][0]['metrics']['$2']['verdict']"; }
[ "$(json "$T/slow.json" "len(d['jobs'])")" = 1 ] || fail "expected one job"
[ "$(v "$T/slow.json" cycles)" = slower ] || fail "cycles: $(v "$T/slow.json" cycles), expected slower"
# cycles is an exact instruction count (clock: instructions); the host's
# times see the change too, unless the machine is too noisy to tell.
case "$(v "$T/slow.json" cpu_ms)" in slower | inconclusive) ;; *) fail "cpu_ms: $(v "$T/slow.json" cpu_ms)" ;; esac
case "$(v "$T/slow.json" boot_ms)" in slower | inconclusive) ;; *) fail "boot_ms: $(v "$T/slow.json" boot_ms)" ;; esac
[ "$(v "$T/slow.json" image_bytes)" = "no change" ] || fail "image_bytes should not change"
# The size: the planted 25% more instructions per item, counted exactly
# (the loop around the work is the same), with no spread at all.
python3 - "$T/slow.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))["jobs"][0]["metrics"]["cycles"]
assert 1.20 <= m["ratio"] <= 1.30, m
assert m["ci"][0] == m["ci"][1] == m["hodges_lehmann_ratio"], m
assert abs(m["ratio"] - m["hodges_lehmann_ratio"]) < 1e-9, m
assert m["p_value"] < 0.001, m
PY
# Every ratio printed is the estimate its interval belongs to; the exact
# cycles decided at the first batch of 10, so measuring stopped there, and
# the host's timings still inconclusive are named; their host clock's
# resolution is said.
python3 - "$T/slow.json" <<'PY'
import json, sys
job = json.load(open(sys.argv[1]))["jobs"][0]
for name, m in job["metrics"].items():
    assert m["estimate"] == "hodges-lehmann", (name, m)
    assert m["ci"][0] <= m["ratio"] <= m["ci"][1], (name, m)
    assert abs(m["change_percent"] - (m["ratio"] - 1) * 100) < 1e-9, (name, m)
assert job["deciding"] == ["cycles"], job["deciding"]
assert job["runs"] == 10, job["runs"]
undecided = sorted(k for k, m in job["metrics"].items() if m["verdict"] == "inconclusive")
assert sorted(job["undecided"]) == undecided, (job["undecided"], undecided)
clock = job["host_clock"]
assert clock is None or set(clock["spread_percent"]) <= {"boot_ms", "cpu_ms"}, clock
PY
if [ "$(json "$T/slow.json" "len(d['jobs'][0]['undecided'])")" != 0 ]; then
    contains "$T/out1" "stopped at 10 runs: cycles decided (exact); left undecided: "
fi
contains "$T/out1" "reproduce: "
contains "$T/out1" "compare $T/repo"

# No change to bench between good and bootvar-fixed: never slower.
"$CI_RUN" compare "$T/repo" good bootvar-fixed "${cell[@]}" --json "$T/same.json" >"$T/out2" 2>&1 || { cat "$T/out2"; fail "compare exited $?"; }
cat "$T/out2"
python3 - "$T/same.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))["jobs"][0]["metrics"]
bad = {k: v["verdict"] for k, v in m.items() if v["verdict"] not in ("no change", "inconclusive")}
assert not bad, bad
PY

# A cell on the host's clock (unix: cycles is the host's rdtsc): its
# verdicts come with the runs' spread as its resolution; every metric decides.
"$CI_RUN" compare "$T/repo" perf-regression~1 perf-regression --unikernel bench --only compiler=gcc,target=unix --runs 8 --max-runs 8 --json "$T/host.json" >"$T/out3" 2>&1 || { cat "$T/out3"; fail "compare exited $?"; }
cat "$T/out3"
python3 - "$T/host.json" <<'PY'
import json, sys
job = json.load(open(sys.argv[1]))["jobs"][0]
assert job["deciding"] == [], job["deciding"]
clock = job["host_clock"]
assert clock and "cycles" in clock["spread_percent"], clock
assert "image_bytes" not in clock["spread_percent"], clock
assert clock["resolution_percent"] == max(clock["spread_percent"].values()), clock
PY
contains "$T/out3" "host clock: resolution ~"

# Both comparisons stored their samples; the regression is recorded with its reproducer.
python3 - "$T/repo/.ci-run/ci.db" "$(git -C "$T/repo" rev-parse perf-regression)" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
n = db.execute("select count(distinct commit_sha) from samples where source='compare'").fetchone()[0]
assert n == 4, n
rows = db.execute("select metric, verdict, reproducer, ratio, ci_low, ci_high from perf_changes where commit_sha=?", (sys.argv[2],)).fetchall()
assert any(r[0] == "cycles" and r[1] == "slower" and " compare " in r[2] for r in rows), rows
# The stored ratio is the one printed: inside its own interval.
assert all(r[4] <= r[3] <= r[5] for r in rows), rows
PY
# Usage errors exit 2.
expect_exit 2 "$CI_RUN" compare "$T/repo" good no-such-rev "${cell[@]}"
expect_exit 2 "$CI_RUN" compare "$T/repo" good main --unikernel hello
