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
# A run with --config: its reproducer repeats it (without it, a rerun would
# read the repository's own .ci-run.yml), and running it fails the same way.
git -C "$T/repo" show build-break:.ci-run.yml >"$T/ci.yml"
expect_exit 1 "$CI_RUN" local "$T/repo" --rev build-break --config "$T/ci.yml" --unikernel hello \
    --only compiler=clang,target=unix --plain --json "$T/one.json" >"$T/one.out" 2>&1
repro=$(json "$T/one.json" "[j['reproducer'] for j in d['jobs'] if j['state']=='failed'][0]")
case "$repro" in *" --config $T/ci.yml"*) ;; *) fail "the reproducer lacks --config: $repro" ;; esac
expect_exit 1 bash -c "$repro --plain --json $T/again.json" >"$T/again.out" 2>&1 || { cat "$T/again.out"; exit 1; }
[ "$(json "$T/again.json" "[(j['unikernel'], j['state'], j['steps'][0]['outcome']) for j in d['jobs']]")" = "[('hello', 'failed', 'failed')]" ] ||
  { cat "$T/again.out"; fail "the reproducer did not fail the same build"; }
