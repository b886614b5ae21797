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

# Both comparisons stored their samples; the regression is recorded with its reproducer.
python3 - "$T/repo/.ci-run/ci.db" "$(git -C "$T/repo" rev-parse perf-regression)" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
n = db.execute("select count(distinct commit_sha) from samples where source='compare'").fetchone()[0]
assert n == 4, n
rows = db.execute("select metric, verdict, reproducer from perf_changes where commit_sha=?", (sys.argv[2],)).fetchall()
assert any(r[0] == "cycles" and r[1] == "slower" and " compare " in r[2] for r in rows), rows
PY
# Usage errors exit 2.
expect_exit 2 "$CI_RUN" compare "$T/repo" good no-such-rev "${cell[@]}"
expect_exit 2 "$CI_RUN" compare "$T/repo" good main --unikernel hello
