#!/usr/bin/env bash
# SIGINT during `ci-run fuzz` and SIGTERM during `ci-run local` with fuzzing:
# exit 130, and no QEMU or unikernel process is left behind.
source "$(dirname "$0")/common.inc"
make_repo

# wait_for FILE REGEX: until a line of FILE matches REGEX (at most 120 s).
wait_for() {
  for _ in $(seq 1200); do grep -qE -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  cat "$1"; fail "\"$2\" never appeared in $1"
}
# qemus: the QEMU processes of this test.
qemus() { pgrep -f -- "qemu-system.*$T" | wc -l; }

# fuzzing_in_db: the last test of bootvars is recorded, so its fuzz step runs.
fuzzing_in_db() {
  python3 -c "import sqlite3,sys; sys.exit(0 if sqlite3.connect('$T/repo/.ci-run/ci.db').execute(\"select count(*) from steps where name='test:port-zero'\").fetchone()[0] else 1)" 2>/dev/null
}

# interrupt SIGNAL OUT CMD...: starts CMD, waits until fuzzing runs a QEMU,
# sends SIGNAL, expects exit 130 and nothing left.
interrupt() {
  local sig=$1 out=$2 rc=0
  shift 2
  "$@" >"$out" 2>&1 &
  local pid=$!
  if [ "$2" = fuzz ]; then
    wait_for "$out" "fuzz [0-9]+/"
  else
    for _ in $(seq 1200); do fuzzing_in_db && break; sleep 0.1; done
    fuzzing_in_db || { cat "$out"; fail "the fuzz step never started"; }
  fi
  # Fuzz boots are short: look once per try (a second look may fall between two boots).
  local seen=0
  for _ in $(seq 200); do [ "$(qemus)" -gt 0 ] && { seen=1; break; }; sleep 0.05; done
  [ "$seen" = 1 ] || fail "no QEMU running when interrupting"
  kill -s "$sig" "$pid"
  wait "$pid" || rc=$?
  cat "$out"
  [ "$rc" = 130 ] || fail "$sig: exit $rc, expected 130"
  [ -z "$(leftovers)" ] || fail "$sig: processes left behind: $(leftovers)"
}

interrupt INT "$T/fuzz.out" "$CI_RUN" fuzz "$T/repo" --rev bootvar-fixed --unikernel bootvars \
  --only compiler=gcc,target=virtio --boots 100000 -j2 --plain
contains "$T/fuzz.out" "interrupted; every VM was stopped"

interrupt TERM "$T/local.out" "$CI_RUN" local "$T/repo" --rev bootvar-fixed --unikernel bootvars \
  --only compiler=gcc,target=virtio-arm64 --fuzz-boots 100000 -j2 --plain
contains "$T/local.out" "interrupted; every VM and build was stopped"

# Interrupted during a hanging boot (--port=0 is input 1).
interrupt INT "$T/min.out" "$CI_RUN" fuzz "$T/repo" --rev bootvar-crash --unikernel bootvars \
  --only compiler=gcc,target=xen --boots 3 -j1 --plain
