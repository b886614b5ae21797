#!/usr/bin/env bash
# At tag `good`, the whole example matrix builds, boots and passes: exit 0.
# The OCaml cells of compilers this host lacks (ocaml-4.14 and ocaml-5.3 here:
# nothing is registered in the test's own cache) are skipped with the reason.
source "$(dirname "$0")/common.inc"
make_repo
expect_exit 0 "$CI_RUN" local "$T/repo" --rev good --plain --json "$T/report.json" --junit "$T/junit.xml" >"$T/out" 2>&1 || { cat "$T/out"; exit 1; }
cat "$T/out"
[ "$(json "$T/report.json" "len(d['jobs'])")" = 33 ] || fail "expected 33 jobs"
[ "$(json "$T/report.json" "sorted(set(j['state'] for j in d['jobs']))")" = "['passed', 'skipped']" ] || fail "not all passed or skipped"
[ "$(json "$T/report.json" "sorted(set(j['cell']['compiler'] for j in d['jobs'] if j['state']=='skipped'))")" = "['ocaml-4.14', 'ocaml-5.3']" ] || fail "wrong cells skipped"
[ "$(json "$T/report.json" "len([j for j in d['jobs'] if j['cell']['compiler']=='ocaml-4.13' and j['state']=='passed'])")" = 3 ] || fail "the ocaml-4.13 cells did not pass"
[ "$(json "$T/report.json" "d['pipeline']['commit'][:7]")" = "$(git -C "$T/repo" rev-parse --short=7 good)" ] || fail "wrong commit"
# Every job booted: a boot step with a time to first byte, and bootvars ran its 7 tests.
[ "$(json "$T/report.json" "all(any(s['name']=='boot' and 'first_byte_ms' in s for s in j['steps']) for j in d['jobs'] if j['state']=='passed')")" = True ] || fail "boot timings missing"
[ "$(json "$T/report.json" "min(len([s for s in j['steps'] if s['name'].startswith('test:')]) for j in d['jobs'] if j['unikernel']=='bootvars')")" = 7 ] || fail "bootvars tests missing"
# The JUnit report is well-formed XML with one testcase per unikernel x cell x case and no failures.
python3 - "$T/junit.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = root.findall(".//testcase")
# hello and bench: build+boot; bootvars: build+boot+7 tests+fuzz; 8 cells each.
# OCaml: hello and bench build+boot, bootvars build+boot+4 tests; 3 cells each
# (the 2 skipped cells' cases are <skipped/>).
assert len(cases) == 8 * (2 + 2 + 10) + 3 * (2 + 2 + 6), len(cases)
assert len([c for c in cases if c.get("name") == "fuzz"]) == 8
assert len(root.findall(".//skipped")) == 2 * (2 + 2 + 6), len(root.findall(".//skipped"))
assert not root.findall(".//failure") and not root.findall(".//error"), "failures in JUnit"
PY
contains "$T/out" "33 jobs: 27 passed, 6 skipped"
contains "$T/out" '3 jobs: no toolchain named "ocaml-4.14" on this host'
contains "$T/out" '3 jobs: no toolchain named "ocaml-5.3" on this host'
# bootvars fuzzed its boot arguments in every cell and found nothing at `good`.
[ "$(json "$T/report.json" "sorted((s['outcome'], len(s['detail']['findings'])) for j in d['jobs'] for s in j['steps'] if s['name']=='fuzz')")" = "$(python3 -c "print([('passed', 0)] * 8)")" ] || fail "fuzz steps missing or not passed"
contains "$T/out" "Fuzzing: 8 jobs,"
