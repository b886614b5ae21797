#!/usr/bin/env bash
# Reliability: the store goes away and comes back under `ci-run serve` and a
# `ci-run worker`: PostgreSQL (a real cluster on loopback) is stopped (fast
# shutdown: every connection cut) while the worker boots a job, stays down
# for OUTAGE seconds while a webhook delivery arrives and /healthz is asked,
# then starts again on the same port. Checks, with counts: /healthz says the
# store is down while it is, and ok after; the delivery made during the
# outage is either refused (GitHub redelivers it) or planned once the store
# is back, never lost; the job running during the outage finishes exactly
# once; serve and the worker live through it and log clear errors; a push
# after the outage passes (work resumes).
#
#   tests/reliability/store_outage.sh [OUTAGE]   (default 10)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../bench/lib.sh"
outage=${1:-10}
T=$(mktemp -d "${TMPDIR:-/tmp}/ci-run-reliability.XXXXXX")
SECRET=reliability-store-outage
source "$here/service_lib.sh"
trap service_cleanup EXIT

make_two_boot_repo outage 300s
start_postgres
start_service 3s
"$CI_RUN" worker --config "$T/service.yml" --name w1 2>"$T/w1.log" &
PIDS[w1]=$!
write_push_json "push"
# push DELIVERY: prints the HTTP status of the delivery.
push() {
  local r
  r=$(python3 "$SOURCE_DIR/tests/e2e/send_hook.py" "$URL/hooks/github" push "$1" "$T/push.json" "$SECRET" 2>/dev/null || echo "000")
  echo "${r%% *}"
}
# healthz: prints the status of GET /healthz.
healthz() {
  python3 -c '
import sys, urllib.request, urllib.error
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=10).status)
except urllib.error.HTTPError as e:
    print(e.code)
except OSError:
    print(0)' "$URL/healthz"
}
booting() { pgrep -f "qemu-system-x86_64.*$T/data/work/w1/.*/bench.virtio" >/dev/null; }

table_header
[ "$(push before)" = 202 ] || fail "the first delivery was not accepted"
wait_until 300 booting || fail "the worker never booted bench"
echo "==> PostgreSQL stopped while w1 boots bench; down for ${outage}s"
t_down=$(now_ns)
bash "$SOURCE_DIR/tests/postgres/pg-cluster.sh" pause "$PG_STATE"
sleep 2
during=$(push during)
health_down=$(healthz)
sleep $((outage > 2 ? outage - 2 : 0))
bash "$SOURCE_DIR/tests/postgres/pg-cluster.sh" resume "$PG_STATE"
down_s=$(awk -v a="$t_down" -v b="$(now_ns)" 'BEGIN {printf "%.1f", (b - a) / 1e9}')
echo "  PostgreSQL back after ${down_s}s; the delivery during the outage got $during, /healthz $health_down"
# A refused delivery is delivered again, as GitHub does.
redelivered=0
case "$during" in 2??) ;; *) redelivered=1; [ "$(push during)" = 202 ] || fail "the redelivery was not accepted" ;; esac
wait_until 60 bash -c "[ \"\$(python3 -c 'import sys,urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=10).status)' '$URL/healthz' 2>/dev/null)\" = 200 ]" || fail "/healthz not ok after the outage"
health_up=$(healthz)
t_back=$(now_ns)
[ "$(push after)" = 202 ] || fail "the delivery after the outage was not accepted"
all_finished() {
  [ "$(sql "SELECT count(*) FROM pipelines")" = 3 ] &&
    [ "$(sql "SELECT count(*) FROM jobs WHERE state IN ('queued', 'running')")" = 0 ]
}
wait_until 300 all_finished || fail "not finished: $(sql "SELECT p.delivery_id, j.name, j.state, j.attempt FROM jobs j JOIN pipelines p ON p.id = j.pipeline_id")"
resume_s=$(awk -v a="$t_back" -v b="$(now_ns)" 'BEGIN {printf "%.1f", (b - a) / 1e9}')
sql "SELECT p.delivery_id, j.name, j.state, j.attempt, j.worker FROM jobs j JOIN pipelines p ON p.id = j.pipeline_id ORDER BY j.id" | sed 's/^/  | /'
lost=$((3 - $(sql "SELECT count(DISTINCT delivery_id) FROM pipelines WHERE delivery_id IN ('before', 'during', 'after')")))
not_passed=$(sql "SELECT count(*) FROM jobs WHERE state <> 'passed'")
doubled=$(sed -n 's/.* job \([0-9]*\) .*: passed in .*/\1/p' "$T/w1.log" | sort | uniq -d | wc -l)
errors=$(grep -c "PostgreSQL" "$T/serve.log" "$T/w1.log" | awk -F: '{s += $2} END {print s}')
echo "  the first error lines the outage logged:"
grep -h "PostgreSQL" "$T/serve.log" "$T/w1.log" | head -n 4 | cut -c1-220 | sed 's/^/  | /'
retries=$(grep -c "cannot create its pipeline" "$T/serve.log" || true)
alive=0
kill -0 "${PIDS[serve]}" && kill -0 "${PIDS[w1]}" && alive=1
record store_outage "PostgreSQL down (s), during a boot" "$down_s" s
record store_outage "/healthz while the store is down (HTTP status)" "$health_down" code
record store_outage "/healthz after (HTTP status)" "$health_up" code
record store_outage "delivery during the outage: HTTP status" "$during" code
record store_outage "tries to plan it while the store was down" "$retries" count
record store_outage "deliveries lost (of 3: before, during, after)" "$lost" count
record store_outage "jobs not passed at the end (of 6)" "$not_passed" count
record store_outage "jobs finished twice" "$doubled" count
record store_outage "log lines naming PostgreSQL's errors" "$errors" count
record store_outage "serve and worker alive after (1: both)" "$alive" count
record store_outage "store back to every pipeline finished (s)" "$resume_s" s
[ "$lost" = 0 ] || fail "$lost deliveries lost"
[ "$not_passed" = 0 ] || fail "$not_passed jobs not passed"
[ "$doubled" = 0 ] || fail "$doubled jobs finished twice"
[ "$alive" = 1 ] || fail "serve or the worker died"
[ "$health_down" != 200 ] || fail "/healthz said ok while the store was down"
[ "$health_up" = 200 ] || fail "/healthz not ok after the outage"
[ "$errors" -gt 0 ] || fail "no error logged during the outage"
echo "store outage: nothing lost, work resumed"
