#!/usr/bin/env bash
# At tag `bootvar-crash`, the fuzz step's default budget finds both planted
# defects (a crash on a long --name, a hang on --port=0) on all 4 targets x 2
# compilers: each once per cell, minimised, stored, named once in the summary,
# and each reproducer reproduces it.
source "$(dirname "$0")/common.inc"
make_repo
expect_exit 1 "$CI_RUN" local "$T/repo" --rev bootvar-crash --unikernel bootvars --plain -j2 \
  --json "$T/report.json" >"$T/out" 2>&1 || { cat "$T/out"; exit 1; }
cat "$T/out"
q() { json "$T/report.json" "$1"; }
[ "$(q "len(d['jobs'])")" = 8 ] || fail "expected 8 bootvars jobs"
# Each cell: one fuzz step with exactly two findings, a hang minimised to
# --port=0 and a crash minimised to a name one byte over the limit (101 bytes
# on bare metal, 102 on unix: glibc's canary has a zero low byte).
python3 - "$T/report.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for j in d["jobs"]:
    fuzz = [s for s in j["steps"] if s["name"] == "fuzz"]
    assert len(fuzz) == 1, (j["name"], [s["name"] for s in j["steps"]])
    f = fuzz[0]
    assert f["outcome"] == "failed", (j["name"], f["outcome"], f["cause"])
    found = {x["outcome"]: x for x in f["detail"]["findings"]}
    assert len(f["detail"]["findings"]) == 2 and set(found) == {"hung", "crashed"}, (j["name"], f["detail"]["findings"])
    assert found["hung"]["command_line"] == "--port=0", found["hung"]
    n = 102 if j["cell"]["target"] == "unix" else 101
    assert found["crashed"]["command_line"] == "--name=" + "a" * n, (j["name"], found["crashed"]["command_line"])
    assert found["crashed"]["signature"] == 'crashed: name: "<arg>" | PANIC: stack smashing detected', found["crashed"]
    assert found["hung"]["signature"] == "hung: ipv4: #.#.#.#/# | verbose: false", found["hung"]
    # The long-name test crashed, so the last test was skipped, and says why.
    steps = {s["name"]: s for s in j["steps"]}
    assert steps["test:long-name"]["outcome"] == "crashed", steps["test:long-name"]
    assert steps["test:port-zero"]["outcome"] == "skipped", steps["test:port-zero"]
    assert steps["test:port-zero"]["cause"] == "test:long-name did not pass", steps["test:port-zero"]
    assert f["detail"]["inputs"] == 40, f["detail"]
    for x in found.values():
        assert x["reproducer"].endswith("--cmdline=" + x["command_line"]), x["reproducer"]
        assert " local " in x["reproducer"] and "--only " in x["reproducer"], x["reproducer"]
    assert j["state"] == "failed", j
print("8 cells: both defects found once each, minimised")
PY
# The summary names each unique finding once, with the cells that show it.
[ "$(grep -c '^  bootvars: hung: ' "$T/out")" = 1 ] || fail "the hang is not named exactly once"
[ "$(grep -c '^  bootvars: crashed: ' "$T/out")" = 1 ] || fail "the crash is not named exactly once"
contains "$T/out" "2 unique findings (16 over all cells)"
contains "$T/out" "    minimised: --port=0"
# Stored: one finding per cell and defect, with the commit.
commit=$(git -C "$T/repo" rev-parse bootvar-crash)
python3 - "$T/repo/.ci-run/ci.db" "$commit" <<'PY'
import sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute(
    "SELECT outcome, command_line, commit_sha, cell_key FROM findings ORDER BY id").fetchall()
assert len(rows) == 16, rows
assert all(r[2] == sys.argv[2] for r in rows), rows
assert sorted(set(r[0] for r in rows)) == ["crashed", "hung"], rows
assert len(set(r[3] for r in rows)) == 8, rows
PY
# The reproducers reproduce: the job-level one (rebuilds from the cache) for
# the unix crash and the virtio hang, the boot-level one for the arm64 crash.
repro() { json "$T/report.json" "[x['$3'] for j in d['jobs'] if j['cell']=={'compiler':'gcc','target':'$1'} for s in j['steps'] if s['name']=='fuzz' for x in s['detail']['findings'] if x['outcome']=='$2'][0]"; }
expect_exit 1 bash -c "$(repro unix crashed reproducer) --plain --json $T/r1.json" >"$T/r1.out" 2>&1 || { cat "$T/r1.out"; exit 1; }
[ "$(json "$T/r1.json" "d['jobs'][0]['steps'][1]['outcome']")" = crashed ] || { cat "$T/r1.out"; fail "the crash reproducer did not crash"; }
contains "$T/r1.out" "PANIC: stack smashing detected"
expect_exit 1 bash -c "$(repro virtio hung reproducer) --plain --json $T/r2.json" >"$T/r2.out" 2>&1 || { cat "$T/r2.out"; exit 1; }
[ "$(json "$T/r2.json" "d['jobs'][0]['steps'][1]['outcome']")" = hung ] || { cat "$T/r2.out"; fail "the hang reproducer did not hang"; }
[ "$(json "$T/r2.json" "[s['name'] for s in d['jobs'][0]['steps']]")" = "['build', 'boot', 'test:defaults', 'test:quoted-name', 'test:bad-port', 'test:port-out-of-range', 'test:unknown-key', 'test:long-name', 'test:port-zero']" ] || fail "a reproducer run fuzzed or lost its cases"
expect_exit 1 bash -c "$(repro virtio-arm64 crashed boot_reproducer) --quiet" >"$T/r3.out" 2>&1 || { cat "$T/r3.out"; exit 1; }
contains "$T/r3.out" "ci-run boot: crashed: crash signature /PANIC/ matched"
[ -z "$(leftovers)" ] || fail "processes left behind: $(leftovers)"
