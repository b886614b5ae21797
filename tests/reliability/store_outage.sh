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
declare -A PIDS=()
PG_STATE=
cleanup() {
  local rc=$? name p
  set +e
  for name in "${!PIDS[@]}"; do kill -TERM "${PIDS[$name]}" 2>/dev/null; done
  for name in "${!PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "${PIDS[$name]}" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "${PIDS[$name]}" 2>/dev/null
    wait "${PIDS[$name]}" 2>/dev/null
  done
  for p in $(pgrep -f "$T/data/work/" || true); do kill -KILL "$p" 2>/dev/null; done
  [ -z "$PG_STATE" ] || bash "$SOURCE_DIR/tests/postgres/pg-cluster.sh" stop "$PG_STATE"
  if [ $rc -ne 0 ]; then
    for f in "$T"/*.log; do [ -f "$f" ] && { echo "--- $f (last 15 lines)" >&2; tail -15 "$f" >&2; }; done
  fi
  rm -rf "$T"
  exit $rc
}
trap cleanup EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do [ $SECONDS -lt $deadline ] || return 1; sleep 0.1; done
}

"$SOURCE_DIR/fixtures/repos/make-example-repo.sh" "$T/repo" >/dev/null
git -C "$T/repo" checkout -q -b outage good
cat >"$T/repo/.ci-run.yml" <<'YML'
matrix:
  compiler: [gcc]
  target: [virtio]
unikernels:
  bench:
    path: unikernels
    build: ./build.sh bench ${target} ${compiler} _build/${compiler}-${target}
    image: _build/${compiler}-${target}/bench.${target}
    boot:
      args: ["--size=100000000"]
      expect: ["^METRIC items=100000000 count$", "^SUCCESS$"]
      timeout: 300s
  hello:
    path: unikernels
    build: ./build.sh hello ${target} ${compiler} _build/${compiler}-${target}
    image: _build/${compiler}-${target}/hello.${target}
    boot:
      expect: ["^SUCCESS$"]
      timeout: 60s
YML
git -C "$T/repo" -c user.name=t -c user.email=t@t commit -qam "a long boot and a short one"
COMMIT=$(git -C "$T/repo" rev-parse HEAD)
git -C "$T/repo" checkout -q main
echo "$SECRET" >"$T/secret"

PG_STATE="$T/pg-state"
PG_URL=$(bash "$SOURCE_DIR/tests/postgres/pg-cluster.sh" start "$PG_STATE") || {
  [ $? = 77 ] && { echo "PostgreSQL is not installed: skipped"; PG_STATE=; exit 77; }
  fail "cannot start PostgreSQL"
}
psql "$PG_URL" -qc "CREATE DATABASE ci" >/dev/null
DB_URL="${PG_URL%/postgres}/ci"
sql() { psql "$DB_URL" -qAtX -F ' ' -c "$1"; }
cat >"$T/service.yml" <<YML
listen: 127.0.0.1:0
database: $DB_URL
data-dir: $T/data
cache-dir: $T/cache
github:
  webhook-secret-file: $T/secret
repositories:
  example/repo:
    url: file://$T/repo
worker:
  slots: 2
  lease: 3s
  in-serve: false
YML
"$CI_RUN" serve --config "$T/service.yml" 2>"$T/serve.log" &
PIDS[serve]=$!
wait_until 60 grep -q "listening on http://" "$T/serve.log" || fail "serve did not start"
URL="http://127.0.0.1:$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$T/serve.log" | head -1)"
"$CI_RUN" worker --config "$T/service.yml" --name w1 2>"$T/w1.log" &
PIDS[w1]=$!
cat >"$T/push.json" <<JSON
{"ref": "refs/heads/main", "before": "$(printf '0%.0s' {1..40})", "after": "$COMMIT",
 "deleted": false, "repository": {"full_name": "example/repo", "clone_url": "file://$T/repo"},
 "head_commit": {"id": "$COMMIT", "message": "push"}}
JSON
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
