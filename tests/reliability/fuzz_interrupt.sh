#!/usr/bin/env bash
# Reliability: a long `ci-run fuzz` campaign on a unikernel with a planted
# hang and crash (the example repository's bootvars at bootvar-crash, on
# virtio under QEMU), interrupted with SIGINT once BOOTS fuzz boots have run;
# then the same with SIGTERM. Checks, with counts: exit 130 (143 accepted
# for SIGTERM), no QEMU or other child left behind, and every hung boot
# stopped within its timeout plus a second (the campaign records each hung
# boot's time, spawn to reap, in its step: hung_boots, hang_overrun_max_ms,
# and "hung after Nms" lines in the step's log).
#
#   tests/reliability/fuzz_interrupt.sh [BOOTS [JOBS]]   (default 1000 2)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../bench/lib.sh"
boots=${1:-1000}
jobs=${2:-2}
T=$(mktemp -d "${TMPDIR:-/tmp}/ci-run-reliability.XXXXXX")
pid=
# leftovers: processes (other than this script and its subshells) whose command line names $T.
leftovers() { pgrep -f -- "$T" | grep -vx -e "$$" -e "$BASHPID" || true; }
cleanup() {
  local rc=$? p
  set +e
  [ -z "$pid" ] || kill -KILL "$pid" 2>/dev/null
  for p in $(leftovers); do kill -KILL "$p" 2>/dev/null; done
  rm -rf "$T"
  exit $rc
}
trap cleanup EXIT
"$SOURCE_DIR/fixtures/repos/make-example-repo.sh" "$T/repo" >/dev/null

# run SIGNAL: fuzzes until $boots boots were reported, sends SIGNAL, checks.
run() {
  local sig=$1 out="$T/fuzz-$1.out" rc=0 seen=0
  "$CI_RUN" fuzz "$T/repo" --rev bootvar-crash --unikernel bootvars --only compiler=gcc,target=virtio \
    --boots $((boots * 10)) -j "$jobs" --plain --work-dir "$T/work" --cache-dir "$T/cache" --db "$T/ci.db" \
    >"$out" 2>&1 &
  pid=$!
  # Progress lines say "fuzz N/M" at each tenth of the budget (ten times
  # BOOTS): wait for N >= BOOTS (or the campaign's end).
  while kill -0 "$pid" 2>/dev/null; do
    seen=$(grep -oE 'fuzz [0-9]+/' "$out" | tail -1 | tr -dc 0-9 || true)
    [ -n "$seen" ] && [ "$seen" -ge "$boots" ] && break
    sleep 0.2
  done
  kill -0 "$pid" 2>/dev/null || { tail -n 20 "$out" >&2; echo "FAILED: fuzz ended before the signal" >&2; return 1; }
  local t0 stop_ms left
  t0=$(now_ns)
  kill -s "$sig" "$pid"
  wait "$pid" || rc=$?
  stop_ms=$(awk -v a="$t0" -v b="$(now_ns)" 'BEGIN {printf "%.0f", (b - a) / 1e6}')
  pid=
  left=$(leftovers | wc -l)
  # The campaign as stored: the fuzz step of the last pipeline.
  python3 - "$T/ci.db" >"$T/campaign-$sig" <<'PY'
import json, re, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
detail, log = db.execute("SELECT s.detail_json, s.log FROM steps s JOIN jobs j ON j.id = s.job_id "
                         "WHERE s.name = 'fuzz' ORDER BY j.pipeline_id DESC LIMIT 1").fetchone()
d = json.loads(detail)
hung_ms = [int(m) for m in re.findall(r": hung after (\d+)ms: ", log)]
print(d.get("boots", 0), d.get("outcomes", {}).get("hung", 0), d.get("hung_boots", 0),
      d.get("hang_timeout_ms", 0), d.get("hang_overrun_max_ms", 0),
      max(hung_ms) if hung_ms else 0, len(hung_ms))
PY
  local stored fuzz_hung hung_boots timeout overrun logged_max logged
  read -r stored fuzz_hung hung_boots timeout overrun logged_max logged <"$T/campaign-$sig"
  record fuzz_interrupt "SIG$sig after $seen fuzz boots: exit code" "$rc" code
  record fuzz_interrupt "SIG$sig: processes left behind" "$left" count
  record fuzz_interrupt "SIG$sig: signal to exit, every VM stopped (ms)" "$stop_ms" ms
  record fuzz_interrupt "SIG$sig: fuzz boots stored" "$stored" count
  record fuzz_interrupt "SIG$sig: fuzz boots that hung" "$fuzz_hung" count
  record fuzz_interrupt "SIG$sig: hung boots, every phase (confirm, minimise)" "$hung_boots" count
  record fuzz_interrupt "SIG$sig: longest hung boot past its timeout (ms)" "$overrun" ms \
    "$timeout" "the hang timeout (ms)"
  local problems=0
  case "$sig:$rc" in INT:130 | TERM:130 | TERM:143) ;; *) echo "FAILED: SIG$sig: exit $rc" >&2; problems=1 ;; esac
  [ "$left" = 0 ] || { ps -o pid,args -p "$(leftovers | tr '\n' ',')0" >&2; echo "FAILED: processes left" >&2; problems=1; }
  grep -q "interrupted; every VM was stopped" "$out" || { echo "FAILED: no interruption message" >&2; problems=1; }
  [ "$stored" -ge "$boots" ] || { echo "FAILED: $stored fuzz boots stored, $seen reported" >&2; problems=1; }
  [ "$hung_boots" -gt 0 ] || { echo "FAILED: no hung boot to time" >&2; problems=1; }
  # The promise: every hang stopped within its timeout plus a second.
  [ "$overrun" -le 1000 ] || { echo "FAILED: a hung boot lived ${overrun}ms past its timeout" >&2; problems=1; }
  [ "$logged" = 0 ] || [ "$logged_max" -le $((timeout + 1000)) ] ||
    { echo "FAILED: a hung fuzz boot took ${logged_max}ms (timeout ${timeout}ms)" >&2; problems=1; }
  [ $problems = 0 ] || { tail -n 20 "$out" >&2; return 1; }
}
table_header
run INT
run TERM
echo "fuzz interrupt: nothing left behind, every hang stopped in time"
