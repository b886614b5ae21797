#!/usr/bin/env bash
# One failure in many cells is told once: the summary's "Failures by cause:"
# groups the failed cells by a signature (the outcome and the cause with
# numbers, addresses and the cell's own values masked), one line per
# cause with its cells; the JSON report carries the groups; the store keeps
# each signature's first and last commit, which the next run shows. On the
# example repository at bootvar-crash: bootvars' long name crashes on unix
# (a process) and virtio (QEMU), with gcc and clang; hello's fail pattern
# matches in the same four cells; they are two causes, four cells each.
source "$(dirname "$0")/common.inc"
make_repo
rev() { git -C "$T/repo" rev-parse "$1"; }

cat >"$T/groups.yml" <<'YML'
matrix:
  compiler: [gcc, clang]
  target: [unix, virtio]
reruns: 0
unikernels:
  crash:
    path: unikernels
    build: ./build.sh bootvars ${target} ${compiler} _build/${compiler}-${target}
    image: _build/${compiler}-${target}/bootvars.${target}
    boot:
      args: ["--name=nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"]
      expect: ["^SUCCESS$"]
      fail: ["PANIC", "ABORT"]
      timeout: 30s
  pattern:
    path: unikernels
    build: ./build.sh hello ${target} ${compiler} _build/${compiler}-${target}
    image: _build/${compiler}-${target}/hello.${target}
    boot:
      args: ["--greeting=hi", "oops: disk on fire"]
      expect: ["^SUCCESS$"]
      fail: ["disk on fire"]
      timeout: 30s
YML

run() {  # run REV NAME: a pipeline at REV, its report in $T/NAME.{out,json}
  expect_exit 1 "$CI_RUN" local "$T/repo" --rev "$1" --config "$T/groups.yml" --no-fuzz --no-bisect \
      --plain -j2 --json "$T/$2.json" >"$T/$2.out" 2>&1 || { cat "$T/$2.out"; exit 1; }
  cat "$T/$2.out"
}
run bootvar-crash first
[ "$(json "$T/first.json" "len(d['failure_groups'])")" = 2 ] ||
  fail "expected two causes: $(json "$T/first.json" "d['failure_groups']")"
group() { json "$1" "[g for g in d['failure_groups'] if g['jobs'][0].startswith('$2 ')][0]$3"; }
for u in crash pattern; do
  [ "$(group "$T/first.json" $u "['jobs']")" = \
    "['$u gcc/unix', '$u gcc/virtio', '$u clang/unix', '$u clang/virtio']" ] ||
    fail "$u: cells $(group "$T/first.json" $u "['jobs']")"
  [ "$(group "$T/first.json" $u "['first_commit']")" = "$(rev bootvar-crash)" ] || fail "$u: first commit"
done
[ "$(group "$T/first.json" crash "['outcome']")" = crashed ] || fail "crash outcome"
[ "$(group "$T/first.json" pattern "['outcome']")" = failed ] || fail "pattern outcome"
contains "$T/first.out" "Failures by cause:"
grep -q '^  crashed: crash signature /PANIC/ matched: "PANIC: stack smashing detected", 4 cells (crash gcc/unix, crash gcc/virtio, crash clang/unix, crash clang/virtio)$' "$T/first.out" ||
  fail "the summary does not tell the crash once with its four cells"
grep -q '^  failed: fail pattern /disk on fire/ matched: .*, 4 cells (pattern gcc/unix, ' "$T/first.out" ||
  fail "the summary does not tell the fail pattern once with its four cells"
if grep -q "seen first at" "$T/first.out"; then fail "a new cause was said to be seen before"; fi

# The next commit (docs) still crashes: the same causes, seen first at bootvar-crash.
run "$(rev bootvar-fixed~1)" second
first=$(rev bootvar-crash | cut -c1-12)
last=$(rev bootvar-fixed~1 | cut -c1-12)
[ "$(grep -c "^    seen first at $first, last at $last, " "$T/second.out")" = 2 ] ||
  fail "the second run does not show where the causes were first seen"
[ "$(group "$T/second.json" crash "['first_commit']")" = "$(rev bootvar-crash)" ] || fail "first commit after two runs"
[ "$(group "$T/second.json" crash "['last_commit']")" = "$(rev bootvar-fixed~1)" ] || fail "last commit after two runs"
python3 - "$T/repo/.ci-run/ci.db" "$(rev bootvar-crash)" "$(rev bootvar-fixed~1)" <<'PY' || fail "signatures in the store"
import sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute(
    "SELECT signature, first_commit, last_commit, cells FROM failure_signatures").fetchall()
print(rows)
assert len(rows) == 2, rows
for signature, first, last, cells in rows:
    assert (first, last) == (sys.argv[2], sys.argv[3]), rows
    assert cells == 8, rows  # 4 cells at each of two commits
PY
[ -z "$(leftovers)" ] || fail "processes left behind: $(leftovers)"
