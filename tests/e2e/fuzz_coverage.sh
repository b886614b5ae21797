#!/usr/bin/env bash
# Coverage-guided fuzzing (qemu_plugins/coverage.c) on the fixture
# `deepvars` (fixtures/repos/make-deepvars-repo.sh), whose two defects sit
# one step off the typed boundaries: on virtio, a pipeline-sized budget
# finds and minimises both with coverage; the same budget and seed without
# coverage (--no-coverage) finds fewer. The corpus is stored per unikernel
# and booted first by the next campaign, which reaches the first one's
# blocks within those boots. On unix the campaign says coverage is off.
source "$(dirname "$0")/common.inc"
plugin=$(dirname "$CI_RUN")/qemu_plugins/coverage.so
[ -f "$plugin" ] || fail "$plugin not built: no qemu-plugin.h (run qemu_plugins/fetch-qemu-plugin-header.sh and configure again)"
"$SOURCE_DIR/fixtures/repos/make-deepvars-repo.sh" "$T/repo" >/dev/null
virtio=(--unikernel deepvars --only compiler=gcc,target=virtio)
boots=300

# run NAME FLAGS...: ci-run fuzz on the repository; exit 0 (nothing found)
# or 1 (findings); prints the campaign's summary lines.
run() {
  local name=$1 rc=0
  shift
  "$CI_RUN" fuzz "$T/repo" --plain -j2 --json "$T/$name.json" "$@" >"$T/$name.out" 2>&1 || rc=$?
  [ $rc -le 1 ] || { cat "$T/$name.out"; fail "ci-run fuzz exited $rc"; }
  grep -E "^(Fuzzing|  hang timeout|  coverage|[0-9]+ finding|  +[0-9]\.|     minimised|No findings)" "$T/$name.out" || true
}

# With coverage: both defects, minimised.
run guided "${virtio[@]}" --boots $boots --seed 1
contains "$T/guided.out" "coverage: "
not grep -q "coverage: off" "$T/guided.out"
findings=$(json "$T/guided.json" "sorted((f['outcome'], f['command_line']) for f in d['fuzz']['findings'])")
echo "guided findings: $findings"
python3 - "$T/guided.json" <<'PY' || fail "the guided campaign did not find and minimise both defects"
import json, re, sys
d = json.load(open(sys.argv[1]))["fuzz"]
found = {f["outcome"]: f for f in d["findings"]}
crash, hang = found.get("crashed"), found.get("hung")
assert crash and "numeric label overflow" in crash["cause"], crash
assert re.fullmatch(r"--name=[0-9].{16}", crash["command_line"]), crash["command_line"]
assert hang, d["findings"]
assert re.search(r"--peer=[^ ]*=[0-9]+ .*--port=", hang["command_line"]), hang["command_line"]
c = d["coverage"]
assert c["enabled"] and c["blocks"] > c["calibration_blocks"] > 100 and c["corpus"] > 0, c
PY

# Blind, the same budget and seed, no stored corpus: fewer findings.
run blind "${virtio[@]}" --boots $boots --seed 1 --no-coverage --no-corpus
contains "$T/blind.out" "coverage: off (--no-coverage)"
guided_n=$(json "$T/guided.json" "len(d['fuzz']['findings'])")
blind_n=$(json "$T/blind.json" "len(d['fuzz']['findings'])")
echo "findings in $boots boots: $guided_n with coverage, $blind_n without"
[ "$blind_n" -lt "$guided_n" ] || fail "blind fuzzing found as much ($blind_n) as coverage-guided ($guided_n)"

# The stored corpus: the next campaign (another seed) boots it first and
# reaches at least the blocks the first campaign had, within those boots.
ls "$CI_RUN_CACHE_DIR"/fuzz-corpus/*/deepvars/*.corpus >/dev/null || fail "no corpus stored"
run again "${virtio[@]}" --boots 60 --seed 2
contains "$T/again.out" "stored ones booted first"
python3 - "$T/guided.json" "$T/again.json" <<'PY' || fail "the stored corpus did not bring the coverage back"
import json, sys
first = json.load(open(sys.argv[1]))["fuzz"]["coverage"]
again = json.load(open(sys.argv[2]))["fuzz"]["coverage"]
seeds = again["seed_inputs"]
assert seeds > 0, again
reached = max([b for n, b in again["growth"] if n <= seeds] or [again["calibration_blocks"]])
print(f"first campaign: {first['blocks']} blocks in {first['growth'][-1][0]} inputs; "
      f"next one: {reached} blocks after its {seeds} stored inputs")
assert reached >= first["blocks"], (reached, first["blocks"])
PY

# unix: no QEMU, no coverage; the campaign says so and fuzzes blind.
run unix --unikernel deepvars --only compiler=gcc,target=unix --boots 10 --seed 1
contains "$T/unix.out" "coverage: off (the unix target does not run under QEMU TCG: no coverage)"
[ -z "$(leftovers)" ] || fail "processes left behind: $(leftovers)"
echo ok
