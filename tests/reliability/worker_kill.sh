#!/usr/bin/env bash
# Reliability: workers killed with SIGKILL in the middle of their jobs, again
# and again. A real PostgreSQL cluster on loopback, `ci-run serve` (no jobs of
# its own) and two `ci-run worker` processes (two slots each, a 2 s lease).
# Each round pushes a pipeline of two jobs (bench gcc/virtio, a boot of about
# two seconds under QEMU; hello gcc/virtio, a short one), waits until a
# worker's QEMU boots bench, kills that worker with SIGKILL and starts a
# replacement under a new name. At the end, with counts: every pipeline and
# job passed (none lost), every job interrupted by a kill was finished by
# another worker at a later attempt, no job has two passed boots or two
# records of one step in one attempt (none doubled), and nothing started by a
# dead worker (QEMU, build) outlives it (pgrep on its work directory). A bwrap
# left waiting for its dead parent while it set up a sandbox (no VM in it yet)
# is counted apart: a known gap (docs/reliability.md).
#
#   tests/reliability/worker_kill.sh [ROUNDS]   (default 100)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../bench/lib.sh"
rounds=${1:-100}
T=$(mktemp -d "${TMPDIR:-/tmp}/ci-run-reliability.XXXXXX")
SECRET=reliability-worker-kill
source "$here/service_lib.sh"
trap service_cleanup EXIT

# ---- the pieces: a commit of two jobs, PostgreSQL, serve, two workers ----
make_two_boot_repo kill-me 120s
start_postgres
start_service 2s
workers=0
start_worker() {
  workers=$((workers + 1))
  "$CI_RUN" worker --config "$T/service.yml" --name "w$workers" 2>"$T/w$workers.log" &
  PIDS[w$workers]=$!
}
start_worker
start_worker
write_push_json "round"
push() {
  local r
  r=$(python3 "$SOURCE_DIR/tests/e2e/send_hook.py" "$URL/hooks/github" push "round-$1" "$T/push.json" "$SECRET" 2>/dev/null)
  [ "${r%% *}" = 202 ] || fail "delivery round-$1: $r"
}
# booting_bench: "PID WORKER" of the QEMU (not the sandbox around it, still
# setting up) booting bench for the newest job, in the work directory of a
# live worker (work/WORKER/pPIPELINE/jJOB/).
booting_bench() {
  local pid worker job best=
  for pid in $(pgrep -f "qemu-system-x86_64.*$T/data/work/.*/bench.virtio" || true); do
    case "$(cat /proc/"$pid"/comm 2>/dev/null)" in qemu-system*) ;; *) continue ;; esac
    read -r worker job < <(tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null |
      sed -n "s|.*$T/data/work/\([^/]*\)/p[0-9]*/j\([0-9]*\)/.*|\1 \2|p") || true  # (no final newline)
    [ -n "$worker" ] && [ -n "${PIDS[$worker]:-}" ] || continue
    [ -n "$best" ] && [ "$job" -le "${best%% *}" ] || best="$job $pid $worker"
  done
  [ -n "$best" ] || return 1
  echo "${best#* }"
}
# find_booting_bench: sets booting to "PID WORKER"; 1 when no worker boots bench.
find_booting_bench() { booting=$(booting_bench) && [ -n "$booting" ]; }
survivors() { pgrep -f "$T/data/work/$1/" || true; }
gone() { [ -z "$(survivors "$1")" ]; }

# ---- the rounds ----
echo "==> $rounds rounds: push a pipeline, SIGKILL the worker booting bench, start a replacement"
: >"$T/kills"  # JOB_ID KILL_MS VICTIM per job running on a killed worker
kills=0 orphans=0 setup_orphans=0 qemu_gone_max=0
t_start=$(now_ns)
for round in $(seq "$rounds"); do
  push "$round"
  wait_until 300 find_booting_bench || fail "round $round: no worker booted bench within 300 s"
  qemu=${booting% *} victim=${booting#* }
  running=$(sql "SELECT id, attempt FROM jobs WHERE state = 'running' AND worker = '$victim'")
  kill -KILL "${PIDS[$victim]}"
  kill_ms=$(date +%s%3N)  # (after the kill: nothing the victim stores is later)
  wait "${PIDS[$victim]}" 2>/dev/null || true
  unset "PIDS[$victim]"
  kills=$((kills + 1))
  [ -z "$running" ] || echo "$running" | while read -r job attempt; do echo "$job $attempt $kill_ms $victim"; done >>"$T/kills"
  start_worker
  # Everything the dead worker started dies with it (PR_SET_PDEATHSIG, process groups).
  if wait_until 30 gone "$victim"; then
    gone_ms=$(($(date +%s%3N) - kill_ms))
    [ "$gone_ms" -le "$qemu_gone_max" ] || qemu_gone_max=$gone_ms
  else
    for pid in $(survivors "$victim"); do
      comm=$(cat /proc/"$pid"/comm 2>/dev/null || true)
      echo "round $round: outlived $victim: pid $pid ($comm," \
        "parent $(awk '/^PPid/ {print $2}' /proc/"$pid"/status 2>/dev/null), waiting in $(cat /proc/"$pid"/wchan 2>/dev/null))" >&2
      # A bwrap with no child, waiting for its dead parent's go-ahead: the
      # sandbox was being set up when the worker died (a race in bwrap,
      # docs/reliability.md). Counted apart: no VM, no build runs in it.
      if [ "$comm" = bwrap ] && [ -z "$(pgrep -P "$pid" || true)" ]; then
        setup_orphans=$((setup_orphans + 1))
      else
        orphans=$((orphans + 1))
      fi
      kill -KILL "$pid" 2>/dev/null || true
    done
  fi
  [ $((round % 10)) != 0 ] || echo "  round $round: killed $victim (QEMU $qemu, jobs: $(echo "$running" | awk '{print $1}' | tr '\n' ' '))"
done

# ---- every pipeline finishes; then the store is judged ----
all_finished() { [ "$(sql "SELECT count(*) FROM jobs WHERE state IN ('queued', 'running')")" = 0 ]; }
wait_until $((120 + rounds * 20)) all_finished || fail "jobs still unfinished: $(sql "SELECT id, state, worker, attempt FROM jobs WHERE state IN ('queued', 'running')")"
secs=$(awk -v a="$t_start" -v b="$(now_ns)" 'BEGIN {printf "%.0f", (b - a) / 1e9}')
pipelines=$(sql "SELECT count(*) FROM pipelines")
jobs=$(sql "SELECT count(*) FROM jobs")
passed=$(sql "SELECT count(*) FROM jobs WHERE state = 'passed'")
lost=$((2 * rounds - passed))
reclaimed=$(sql "SELECT count(*) FROM jobs WHERE attempt > 1")
# Doubled: a job that two workers finished (each worker logs "job N ...: passed
# in" once it has stored the result), or a step recorded twice in one attempt.
# A boot that passed in an attempt whose worker died before it finished the
# job is run again by the next attempt: counted, not an error.
doubled=$(cat "$T"/w*.log | sed -n 's/.* job \([0-9]*\) .*: passed in .*/\1/p' | sort | uniq -d | wc -l)
finished_in_logs=$(cat "$T"/w*.log | grep -c ': passed in ' || true)
refused=$(cat "$T"/w*.log | grep -c ': result not written: ' || true)
reboots=$(sql "SELECT count(*) FROM steps s JOIN jobs j ON j.id = s.job_id
  WHERE s.name = 'boot' AND s.outcome = 'passed' AND s.attempt < j.attempt")
doubled_steps=$(sql "SELECT count(*) FROM (SELECT 1 FROM steps GROUP BY job_id, attempt, name HAVING count(*) > 1) d")
# Every job running on a killed worker: finished at a later attempt by
# another worker, unless it finished before the kill (its boot ended between
# the look at the store and the kill: counted apart).
bad_finish=0 interrupted=0 raced=0
reclaim_ms=()
while read -r job attempt_then kill_ms victim; do
  read -r state attempt worker started_ms finished_ms < <(sql "SELECT state, attempt, worker, started_ms, finished_ms FROM jobs WHERE id = $job")
  if [ "$attempt" = "$attempt_then" ] && [ "$worker" = "$victim" ] && [ "$state" = passed ] && [ "$finished_ms" -le "$kill_ms" ]; then
    raced=$((raced + 1))
    continue
  fi
  interrupted=$((interrupted + 1))
  if [ "$state" != passed ] || [ "$attempt" -le "$attempt_then" ] || [ "$worker" = "$victim" ]; then
    bad_finish=$((bad_finish + 1))
    echo "job $job (attempt $attempt_then killed on $victim): $state, attempt $attempt, by $worker" >&2
  fi
done <"$T/kills"
interrupted_jobs=$(awk '{print $1}' "$T/kills" | sort -u | wc -l)
# Kill to claim: the last kill of each job, to its last attempt's start.
while read -r job attempt_then kill_ms victim; do
  read -r attempt started_ms < <(sql "SELECT attempt, started_ms FROM jobs WHERE id = $job")
  [ "$attempt" -le "$attempt_then" ] || reclaim_ms+=($((started_ms - kill_ms)))
done < <(tac "$T/kills" | sort -s -u -k1,1n)
passed_boots=$(sql "SELECT count(*) FROM steps WHERE name = 'boot' AND outcome = 'passed'")
final_boots=$(sql "SELECT count(*) FROM steps s JOIN jobs j ON j.id = s.job_id
  WHERE s.name = 'boot' AND s.outcome = 'passed' AND s.attempt = j.attempt")
# (every job finished: no QEMU may run)
survivors_at_end=$(pgrep -f "qemu-system.*$T" | wc -l || true)

reclaim_median=$(printf '%s\n' "${reclaim_ms[@]:-0}" | median)
reclaim_max=$(printf '%s\n' "${reclaim_ms[@]:-0}" | sort -n | tail -1)
echo "  $rounds rounds in $secs s: $pipelines pipelines, $jobs jobs, $passed passed, $reclaimed claimed again"
table_header
record worker_kill "workers killed (SIGKILL) while booting a job" "$kills" count
record worker_kill "jobs running on a killed worker, interrupted (kills x jobs)" "$interrupted" count
record worker_kill "jobs that finished between the look and the kill" "$raced" count
record worker_kill "jobs interrupted by a kill (once or more)" "$interrupted_jobs" count
record worker_kill "jobs passed (of $((2 * rounds)) pushed in $rounds pipelines)" "$passed" count
record worker_kill "jobs lost (not passed at the end)" "$lost" count
record worker_kill "interrupted jobs not finished by another worker, later" "$bad_finish" count
record worker_kill "jobs finished by two workers (doubled)" "$doubled" count
record worker_kill "results refused (a worker no longer held the job)" "$refused" count
record worker_kill "steps recorded twice in one attempt" "$doubled_steps" count
record worker_kill "boots passed in an attempt whose worker died before finishing" "$reboots" count
record worker_kill "processes of a dead worker alive 30 s after its kill" "$orphans" count
record worker_kill "bwrap sandbox set-ups orphaned by a kill (no VM; known gap)" "$setup_orphans" count
record worker_kill "kill to the last process of the dead worker gone (ms, max)" "$qemu_gone_max" ms
record worker_kill "kill to the job claimed again (ms, median; lease 2 s)" "$reclaim_median" ms
record worker_kill "kill to the job claimed again (ms, max)" "$reclaim_max" ms
[ "$pipelines" = "$rounds" ] || fail "$pipelines pipelines for $rounds deliveries"
[ "$jobs" = $((2 * rounds)) ] || fail "$jobs jobs for $rounds pipelines of 2"
[ "$(sql "SELECT count(*) FROM pipelines WHERE state <> 'passed'")" = 0 ] || fail "pipelines not passed: $(sql "SELECT id, state FROM pipelines WHERE state <> 'passed'")"
[ "$final_boots" = "$jobs" ] || fail "$final_boots jobs with a passed boot in their last attempt, of $jobs"
[ "$finished_in_logs" = "$jobs" ] || fail "workers logged $finished_in_logs finished jobs for $jobs jobs"
[ "$passed_boots" = $((jobs + reboots)) ] || fail "$passed_boots passed boots for $jobs jobs and $reboots boots of dead attempts"
# (a boot may end between the look at the store and the kill: not every kill interrupts)
[ "$interrupted" -gt 0 ] || fail "no kill hit a running job"
for f in lost bad_finish doubled doubled_steps orphans survivors_at_end; do
  [ "${!f}" = 0 ] || fail "$f = ${!f}"
done
echo "worker kill: every job finished exactly once, nothing outlived its worker"
