#!/usr/bin/env bash
# At tag `build-break` exactly the clang cells fail, at their build step: exit 1.
source "$(dirname "$0")/common.inc"
make_repo
expect_exit 1 "$CI_RUN" local "$T/repo" --rev build-break --plain --json "$T/report.json" >"$T/out" 2>&1
cat "$T/out"
failed=$(json "$T/report.json" "sorted(set(j['cell']['compiler'] for j in d['jobs'] if j['state']=='failed'))")
[ "$failed" = "['clang']" ] || fail "failed compilers: $failed"
[ "$(json "$T/report.json" "len([j for j in d['jobs'] if j['state']=='failed'])")" = 12 ] || fail "expected 12 failed clang jobs"
[ "$(json "$T/report.json" "all(j['steps'][0]['name']=='build' and j['steps'][0]['outcome']=='failed' for j in d['jobs'] if j['state']=='failed')")" = True ] || fail "failures are not builds"
[ "$(json "$T/report.json" "all(j['state']=='passed' for j in d['jobs'] if j['cell']['compiler']=='gcc')")" = True ] || fail "gcc cells should pass"
# The summary gives each failure's cause in one line and a reproducer.
contains "$T/out" "Failures:"
contains "$T/out" "reproduce: "
contains "$T/out" "--only compiler=clang,target=virtio"
grep -q "build: build exited with status .*error" "$T/out" || fail "no one-line compiler error in the summary"
