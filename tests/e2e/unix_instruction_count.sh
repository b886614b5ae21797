#!/usr/bin/env bash
# `bench: clock: instructions` on the unix target: the image runs under
# QEMU's user mode (qemu-x86_64, Debian's qemu-user) with ci-run's
# instruction count plugin, so its `instructions` metric is exact, the same
# on every run, and a planted 25% more work per item is `slower` with no
# spread at all. The unikernel's own `cycles` reads the host's clock there,
# and stays a host-clock metric. No timing is asserted.
source "$(dirname "$0")/common.inc"

emulator="qemu-$(uname -m)"
command -v "$emulator" >/dev/null || fail "$emulator not found: bootstrap.sh installs Debian's qemu-user"

# The example repository's bench, 3 runs, with the plugin's instructions.
make_repo
git -C "$T/repo" show HEAD:.ci-run.yml |
  sed -e 's/^      runs: 10$/      runs: 3/' \
    -e 's/^      metrics: \[boot_ms, cpu_ms, cycles, image_bytes\]$/      metrics: [cycles, instructions, boot_ms]/' \
    >"$T/example.yml"
grep -q "metrics: \[cycles, instructions, boot_ms\]" "$T/example.yml" || fail "could not write the example configuration"
cell=(--config "$T/example.yml" --unikernel bench --only compiler=gcc,target=unix)
unix_bench() {
  expect_exit 0 "$CI_RUN" bench "$T/repo" "${cell[@]}" --json "$1" >"$1.out" 2>&1 || { cat "$1.out"; exit 1; }
  cat "$1.out"
}
unix_bench "$T/b1.json"
contains "$T/b1.json.out" "instructions counted under $emulator (QEMU user mode)"
not grep -q "no instructions metric" "$T/b1.json.out"
count=$(exact "$T/b1.json" instructions 3)
# A second bench of the same image counts the same.
unix_bench "$T/b2.json"
[ "$(exact "$T/b2.json" instructions 3)" = "$count" ] || fail "instructions differ between two benches"
echo "C fixture on unix under $emulator: instructions=$count"

# The planted regression, compared interleaved: instructions decides alone,
# exactly; cycles (the host's clock under user mode) is reported with the
# runs' spread.
expect_exit 0 "$CI_RUN" compare "$T/repo" perf-regression~1 perf-regression "${cell[@]}" \
  --runs 8 --max-runs 8 --json "$T/slow.json" >"$T/slow.out" 2>&1 || { cat "$T/slow.out"; exit 1; }
cat "$T/slow.out"
contains "$T/slow.out" "instructions counted under $emulator (QEMU user mode); the unikernel's own clock stays the host's"
python3 - "$T/slow.json" <<'PY' || fail "the unix comparison is not exact"
import json, sys
job = json.load(open(sys.argv[1]))["jobs"][0]
assert job["deciding"] == ["instructions"], job["deciding"]
m = job["metrics"]["instructions"]
assert m["verdict"] == "slower", m
assert 1.20 <= m["ratio"] <= 1.30, m
assert m["ci"][0] == m["ci"][1], m
clock = job["host_clock"]
assert clock is None or "instructions" not in clock["spread_percent"], clock
PY
# The samples are filed apart from the host clock's.
python3 - "$T/repo/.ci-run/ci.db" <<'PY' || fail "samples not filed under HOST/instructions"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
hosts = {r[0] for r in db.execute("select distinct host from samples where metric='instructions'")}
assert hosts and all(h.endswith("/instructions") for h in hosts), hosts
PY

# On the host's clock the image runs as itself: no count, and bench says why.
sed 's/^      clock: instructions .*$/      clock: host/' "$T/example.yml" >"$T/host.yml"
grep -q "clock: host" "$T/host.yml" || fail "could not write the host-clock configuration"
expect_exit 1 "$CI_RUN" bench "$T/repo" --config "$T/host.yml" --unikernel bench \
  --only compiler=gcc,target=unix --runs 1 >"$T/host.out" 2>&1
contains "$T/host.out" "or on the unix target with QEMU's user mode, $emulator from Debian's qemu-user"
