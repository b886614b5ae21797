#!/usr/bin/env bash
# At tag `good`, the whole example matrix builds, boots and passes: exit 0.
source "$(dirname "$0")/common.inc"
make_repo
expect_exit 0 "$CI_RUN" local "$T/repo" --rev good --plain --json "$T/report.json" --junit "$T/junit.xml" >"$T/out" 2>&1 || { cat "$T/out"; exit 1; }
cat "$T/out"
[ "$(json "$T/report.json" "len(d['jobs'])")" = 24 ] || fail "expected 24 jobs"
[ "$(json "$T/report.json" "sorted(set(j['state'] for j in d['jobs']))")" = "['passed']" ] || fail "not all passed"
[ "$(json "$T/report.json" "d['pipeline']['commit'][:7]")" = "$(git -C "$T/repo" rev-parse --short=7 good)" ] || fail "wrong commit"
# Every job booted: a boot step with a time to first byte, and bootvars ran its 7 tests.
[ "$(json "$T/report.json" "all(any(s['name']=='boot' and 'first_byte_ms' in s for s in j['steps']) for j in d['jobs'])")" = True ] || fail "boot timings missing"
[ "$(json "$T/report.json" "min(len([s for s in j['steps'] if s['name'].startswith('test:')]) for j in d['jobs'] if j['unikernel']=='bootvars')")" = 7 ] || fail "bootvars tests missing"
# The JUnit report is well-formed XML with one testcase per unikernel x cell x case and no failures.
python3 - "$T/junit.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = root.findall(".//testcase")
# hello and bench: build+boot; bootvars: build+boot+7 tests+fuzz; 8 cells each.
assert len(cases) == 8 * (2 + 2 + 10), len(cases)
assert len([c for c in cases if c.get("name") == "fuzz"]) == 8
assert not root.findall(".//failure") and not root.findall(".//error"), "failures in JUnit"
PY
contains "$T/out" "24 jobs: 24 passed"
# bootvars fuzzed its boot arguments in every cell and found nothing at `good`.
[ "$(json "$T/report.json" "sorted((s['outcome'], len(s['detail']['findings'])) for j in d['jobs'] for s in j['steps'] if s['name']=='fuzz')")" = "$(python3 -c "print([('passed', 0)] * 8)")" ] || fail "fuzz steps missing or not passed"
contains "$T/out" "Fuzzing: 8 jobs,"
