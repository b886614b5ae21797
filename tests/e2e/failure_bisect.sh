#!/usr/bin/env bash
# A cell that passed on an earlier tested commit and fails on a later one is
# bisected along the first-parent history to the commit that broke it,
# confirmed (it fails 3 times, its parent passes 3 times): after
# `ci-run local --rev`, for build-break (a build) and bootvar-crash (a test
# case) of the example repository; and by `ci-run bisect` on a history the
# test builds, with a defect planted at a commit drawn from a seed, so that
# nothing here knows the answer in advance.
source "$(dirname "$0")/common.inc"
make_repo
rev() { git -C "$T/repo" rev-parse "$1"; }

# build-break: clang fails to build hello.
sel=(--unikernel hello --only compiler=clang,target=unix --no-fuzz --no-bench --plain)
expect_exit 0 "$CI_RUN" local "$T/repo" --rev good "${sel[@]}" >"$T/good.out" 2>&1 || { cat "$T/good.out"; exit 1; }
expect_exit 1 "$CI_RUN" local "$T/repo" --rev build-break "${sel[@]}" --json "$T/break.json" --junit "$T/break.xml" \
    >"$T/break.out" 2>&1 || { cat "$T/break.out"; exit 1; }
cat "$T/break.out"
bisection() { json "$1" "d['bisections'][0]$2"; }
[ "$(json "$T/break.json" "len(d['bisections'])")" = 1 ] || fail "expected one bisection"
[ "$(bisection "$T/break.json" "['case']")" = build ] || fail "bisected case $(bisection "$T/break.json" "['case']")"
[ "$(bisection "$T/break.json" "['verdict']")" = confirmed ] ||
  fail "not confirmed: $(bisection "$T/break.json" "['summary']")"
[ "$(bisection "$T/break.json" "['culprit']")" = "$(rev build-break)" ] ||
  fail "culprit $(bisection "$T/break.json" "['culprit']"), expected build-break $(rev build-break)"
# The parent passed 3 times, the culprit failed 3 times (and once while searching).
bisection "$T/break.json" "['summary']" >"$T/break.seen"
[ "$(grep -c "^$(rev build-break | cut -c1-12) failed" "$T/break.seen")" -ge 4 ] || fail "the culprit did not fail 3 more times"
[ "$(grep -c "^$(rev build-break~1 | cut -c1-12) passed" "$T/break.seen")" -ge 3 ] || fail "its parent did not pass 3 times"
contains "$T/break.out" "Culprits (first-parent bisection of each new failure):"
contains "$T/break.out" "hello compiler=clang,target=unix, build: culprit $(rev build-break) (confirmed"
grep -q "<property name=\"bisect compiler=clang,target=unix build\" value=\"confirmed culprit $(rev build-break)\"/>" "$T/break.xml" ||
  fail "the JUnit report lacks the culprit"

# bootvar-crash: a test case of bootvars crashes (gcc, unix).
sel=(--unikernel bootvars --only compiler=gcc,target=unix --no-fuzz --no-bench --plain)
expect_exit 0 "$CI_RUN" local "$T/repo" --rev good "${sel[@]}" >"$T/good2.out" 2>&1 || { cat "$T/good2.out"; exit 1; }
expect_exit 1 "$CI_RUN" local "$T/repo" --rev bootvar-crash "${sel[@]}" --json "$T/crash.json" \
    >"$T/crash.out" 2>&1 || { cat "$T/crash.out"; exit 1; }
cat "$T/crash.out"
[ "$(bisection "$T/crash.json" "['case']")" = test:long-name ] || fail "bisected case $(bisection "$T/crash.json" "['case']")"
[ "$(bisection "$T/crash.json" "['verdict']")" = confirmed ] ||
  fail "not confirmed: $(bisection "$T/crash.json" "['summary']")"
[ "$(bisection "$T/crash.json" "['culprit']")" = "$(rev bootvar-crash)" ] ||
  fail "culprit $(bisection "$T/crash.json" "['culprit']"), expected bootvar-crash $(rev bootvar-crash)"
# The store keeps both.
python3 - "$T/repo/.ci-run/ci.db" "$(rev build-break)" "$(rev bootvar-crash)" <<'PY' || fail "bisections in the store"
import sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute(
    "SELECT case_name, verdict, culprit FROM bisections ORDER BY id").fetchall()
assert rows == [("build", "confirmed", sys.argv[2]), ("test:long-name", "confirmed", sys.argv[3])], rows
PY

# A history made here: N commits, hello's boot broken at a commit drawn from SEED.
SEED=${SEED:-$(date +%s)}
echo "seed $SEED"
h=$T/history
read -r n planted < <(python3 -c "import random; r = random.Random($SEED); n = r.randint(6, 24); print(n, r.randint(2, n))")
echo "history of $n commits, the defect planted at commit $planted"
make_history "$h" "$n" "$planted"
expected=$(git -C "$h" rev-list --reverse HEAD | sed -n "${planted}p")
expect_exit 0 "$CI_RUN" bisect "$h" --good "$(git -C "$h" rev-list --max-parents=0 HEAD)" --bad HEAD \
    --unikernel hello --only compiler=gcc,target=unix --json "$T/random.json" >"$T/random.out" 2>&1 ||
  { cat "$T/random.out"; exit 1; }
cat "$T/random.out"
[ "$(json "$T/random.json" "d['case']")" = boot ] || fail "case $(json "$T/random.json" "d['case']")"
[ "$(json "$T/random.json" "d['verdict']")" = confirmed ] || fail "not confirmed (seed $SEED)"
[ "$(json "$T/random.json" "d['culprit']")" = "$expected" ] ||
  fail "culprit $(json "$T/random.json" "d['culprit']"), planted at $expected (seed $SEED)"
[ -z "$(leftovers)" ] || fail "processes left behind: $(leftovers)"
