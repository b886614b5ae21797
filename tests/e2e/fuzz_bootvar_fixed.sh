#!/usr/bin/env bash
# At tag `bootvar-fixed`, the same fuzz budget finds nothing: every bootvars
# cell passes its fuzz step. --no-fuzz skips the step, --fuzz-boots sets it.
source "$(dirname "$0")/common.inc"
make_repo
expect_exit 0 "$CI_RUN" local "$T/repo" --rev bootvar-fixed --unikernel bootvars --plain -j2 \
  --json "$T/report.json" --junit "$T/junit.xml" >"$T/out" 2>&1 || { cat "$T/out"; exit 1; }
cat "$T/out"
plugin=no
[ -f "$(dirname "$CI_RUN")/qemu_plugins/coverage.so" ] && plugin=yes
python3 - "$T/report.json" "$plugin" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["jobs"]) == 8
for j in d["jobs"]:
    f = [s for s in j["steps"] if s["name"] == "fuzz"]
    assert len(f) == 1 and f[0]["outcome"] == "passed", (j["name"], f)
    det = f[0]["detail"]
    assert det["findings"] == [] and det["inputs"] == 40 and det["raw_findings"] == 0, det
    assert det["boots"] + det["not_representable"] == 40, det
    assert det["outcomes"].get("rejected", 0) > 10, det
    # With the coverage plugin, the QEMU cells are coverage-guided (and find nothing).
    qemu = not j["name"].endswith("/unix")
    assert det["coverage"]["enabled"] == (qemu and sys.argv[2] == "yes"), (j["name"], det["coverage"])
    assert j["state"] == "passed"
PY
contains "$T/out" "Fuzzing: 8 jobs,"
contains "$T/out" "0 unique findings"
grep -q '<testcase classname="bootvars.gcc/virtio" name="fuzz"' "$T/junit.xml" || fail "no fuzz testcase in JUnit"
[ "$(python3 -c "import sqlite3; print(sqlite3.connect('$T/repo/.ci-run/ci.db').execute('select count(*) from findings').fetchone()[0])")" = 0 ] || fail "findings stored"

# --no-fuzz: no fuzz step; --fuzz-boots: the budget of every fuzz step.
expect_exit 0 "$CI_RUN" local "$T/repo" --rev bootvar-fixed --unikernel bootvars --only compiler=gcc,target=unix \
  --no-fuzz --plain --json "$T/nofuzz.json" >"$T/out2" 2>&1 || { cat "$T/out2"; exit 1; }
[ "$(json "$T/nofuzz.json" "[s['name'] for s in d['jobs'][0]['steps'] if s['name']=='fuzz']")" = "[]" ] || fail "--no-fuzz fuzzed"
not grep -q "^Fuzzing:" "$T/out2"
expect_exit 0 "$CI_RUN" local "$T/repo" --rev bootvar-fixed --unikernel bootvars --only compiler=gcc,target=unix \
  --fuzz-boots 7 --plain --json "$T/seven.json" >"$T/out3" 2>&1 || { cat "$T/out3"; exit 1; }
[ "$(json "$T/seven.json" "[s['detail']['inputs'] for s in d['jobs'][0]['steps'] if s['name']=='fuzz']")" = "[7]" ] || fail "--fuzz-boots 7 not applied"
"$CI_RUN" local "$T/repo" --rev bootvar-fixed --unikernel bootvars --only compiler=gcc,target=unix --dry-run >"$T/dry"
contains "$T/dry" "  fuzz: 40 boots of hostile arguments (4 typed keys), seed 1"
