#!/usr/bin/env bash
# Infra health (LAVA's health checks), on PostgreSQL with `serve` and two
# `ci-run worker`s: a worker whose QEMU breaks (a `qemu-system-x86_64` early
# in its PATH that prints a QEMU error and exits 1) ends its jobs `infra`;
# each goes back to the queue for the other worker (worker.infra-retries),
# and after `worker.unhealthy-after` of them in a row it takes no jobs and is
# reported unhealthy: `status --workers`, /metrics, serve's log. Once its QEMU
# works again, its health boot (the last boot that passed on it) passes and it
# takes jobs again.
source "$(dirname "$0")/common.inc"
make_repo

# ---- processes this test starts, stopped before common.inc checks leftovers ----
on_exit() {
  local rc=$?
  set +e
  if [ $rc -ne 0 ]; then
    for f in "$T"/*.log; do [ -f "$f" ] && { echo "--- $f (last 40 lines)" >&2; tail -40 "$f" >&2; }; done
  fi
  stop_processes
  (exit $rc)
  cleanup
}
trap on_exit EXIT

# Four QEMU jobs per pipeline (hello and a copy, on gcc and clang, virtio).
git -C "$T/repo" checkout -q -b qemu-only good
cat >"$T/repo/.ci-run.yml" <<'YML'
matrix:
  compiler: [gcc, clang]
  target: [virtio]
unikernels:
  hello:
    path: unikernels
    build: ./build.sh hello ${target} ${compiler} _build/${compiler}-${target}
    image: _build/${compiler}-${target}/hello.${target}
    boot:
      args: ["--greeting=hi"]
      expect: ["^SUCCESS$"]
      timeout: 20s
  hello-copy:
    path: unikernels
    build: ./build.sh hello ${target} ${compiler} _build/${compiler}-${target}
    image: _build/${compiler}-${target}/hello.${target}
    boot:
      args: ["--greeting=hi"]
      expect: ["^SUCCESS$"]
      timeout: 20s
YML
git -C "$T/repo" -c user.name=t -c user.email=t@t commit -qam "QEMU cells only"

# w1's QEMU: a wrapper early in its PATH, working (the real QEMU) or broken
# (a QEMU error, exit 1). Jobs run it inside their sandbox, where only the
# wrapper's own path is visible: set_qemu rewrites it in place.
REAL_QEMU=$(command -v qemu-system-x86_64) || fail "no qemu-system-x86_64"
mkdir -p "$T/w1-bin"
set_qemu() {
  if [ "$1" = broken ]; then
    printf '#!/bin/sh\necho "qemu-system-x86_64: broken on purpose by the test" >&2\nexit 1\n'
  else
    printf '#!/bin/sh\nexec %s "$@"\n' "$REAL_QEMU"
  fi >"$T/w1-bin/qemu-system-x86_64"
  chmod +x "$T/w1-bin/qemu-system-x86_64"
}
set_qemu working

PG_STATE="$T/pg-state"
PG_URL=$(bash "$SOURCE_DIR/tests/postgres/pg-cluster.sh" start "$PG_STATE") || fail "cannot start PostgreSQL"
psql "$PG_URL" -qc "CREATE DATABASE ci" || fail "cannot create the database"
echo e2e-secret >"$T/secret"
cat >"$T/service.yml" <<YML
listen: 127.0.0.1:0
database: ${PG_URL%/postgres}/ci
data-dir: $T/data
cache-dir: $T/cache
github: {webhook-secret-file: $T/secret}
repositories:
  example/repo:
    url: file://$T/repo
    branches: [qemu-only]
worker:
  slots: 1
  labels: [target:virtio, toolchain:gcc, toolchain:clang]
  lease: 3s
  in-serve: false
  infra-retries: 2
  unhealthy-after: 2
  health-check: 2s
nightly: {bench: false, history: false}
YML
status() { "$CI_RUN" status --config "$T/service.yml" "$@"; }
queue() { "$CI_RUN" nightly --config "$T/service.yml" --again >>"$T/nightly.out" 2>&1 || fail "nightly failed"; }
http_get() { python3 -c "import urllib.request,sys; print(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())" "$1"; }
job_states() { json "$1" "' '.join(sorted(set(j['state'] for j in d['jobs'])))"; }
job_workers() { json "$1" "' '.join(sorted(set(j['worker'] for j in d['jobs'])))"; }

"$CI_RUN" serve --config "$T/service.yml" 2>"$T/serve.log" &
PIDS[serve]=$!
wait_for 60 "serve to listen" grep -q "listening on http://" "$T/serve.log"
kill -0 "${PIDS[serve]}" || fail "serve did not start"
URL="http://127.0.0.1:$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$T/serve.log" | head -1)"
start_w1() { PATH="$T/w1-bin:$PATH" "$CI_RUN" worker --config "$T/service.yml" --name w1 2>>"$T/w1.log" & PIDS[w1]=$!; }
start_w2() { "$CI_RUN" worker --config "$T/service.yml" --name w2 2>>"$T/w2.log" & PIDS[w2]=$!; }

# ---- 1. w1 alone, QEMU working: it passes pipeline 1 (its known-good boot) ----
start_w1
queue
timeout 900 "$CI_RUN" status --config "$T/service.yml" 1 --wait --json >"$T/p1.json" ||
  fail "pipeline 1 did not pass: $(status 1)"
[ "$(job_workers "$T/p1.json")" = w1 ] || fail "pipeline 1 ran on $(job_workers "$T/p1.json")"

# ---- 2. QEMU breaks on w1; w2 joins: w1 turns unhealthy, w2 runs every job ----
set_qemu broken
start_w2
w2_live() { status --workers | grep -q "^w2 "; }
wait_for 60 "w2 to announce itself" w2_live
queue
timeout 900 "$CI_RUN" status --config "$T/service.yml" 2 --wait --json >"$T/p2.json" ||
  fail "pipeline 2 did not pass: $(status 2)"
[ "$(job_states "$T/p2.json")" = passed ] || fail "pipeline 2 jobs: $(job_states "$T/p2.json")"
[ "$(job_workers "$T/p2.json")" = w2 ] || fail "pipeline 2 ran on $(job_workers "$T/p2.json")"
handed=$(grep -c "infra (.*broken on purpose by the test), handed back to the queue for another worker" "$T/w1.log" || true)
[ "$handed" = 2 ] || fail "w1 handed back $handed infra jobs, expected 2 (unhealthy-after)"
grep -q "worker w1 is unhealthy (2 jobs in a row ended infra, the last: hello.* taking no jobs until it passes a health boot" "$T/w1.log" ||
  fail "w1 did not log that it is unhealthy"
wait_for 30 "w1's health boot to fail" \
  grep -q "worker w1: health boot failed (virtio: infra: .*broken on purpose by the test): still taking no jobs" "$T/w1.log"
status --workers >"$T/workers.txt"
cat "$T/workers.txt"
grep -A1 "^w1 " "$T/workers.txt" | grep -q "^  unhealthy: 2 jobs in a row ended infra" ||
  fail "status --workers does not say w1 is unhealthy"
grep -A1 "^w2 " "$T/workers.txt" | grep -q "unhealthy" && fail "w2 is reported unhealthy"
wait_for 30 "serve to log w1 unhealthy" grep -q "worker w1 is unhealthy (2 jobs in a row ended infra" "$T/serve.log"
http_get "$URL/metrics" >"$T/metrics.txt"
grep -qx "cirun_workers_unhealthy 1" "$T/metrics.txt" || fail "/metrics: $(grep unhealthy "$T/metrics.txt")"

# ---- 3. QEMU works again: w1's health boot passes and it takes jobs again ----
set_qemu working
wait_for 60 "w1 to pass its health boot" grep -q "worker w1: health boot passed (virtio): taking jobs again" "$T/w1.log"
wait_for 30 "serve to log w1 healthy" grep -q "worker w1 passed its health boot: it takes jobs again" "$T/serve.log"
all_healthy() { status --workers >"$T/workers-now.txt" && ! grep -q unhealthy "$T/workers-now.txt"; }
wait_for 30 "the registry to say w1 is healthy" all_healthy
kill -TERM "${PIDS[w2]}"
wait "${PIDS[w2]}" || true
unset 'PIDS[w2]'
queue
timeout 900 "$CI_RUN" status --config "$T/service.yml" 3 --wait --json >"$T/p3.json" ||
  fail "pipeline 3 did not pass: $(status 3)"
[ "$(job_workers "$T/p3.json")" = w1 ] || fail "pipeline 3 ran on $(job_workers "$T/p3.json")"
# Into a file first: `grep -q` on a pipe closes it early (a broken pipe under pipefail).
http_get "$URL/metrics" >"$T/metrics-after.txt"
grep -qx "cirun_workers_unhealthy 0" "$T/metrics-after.txt" || fail "/metrics still counts w1 unhealthy"
grep -E "infra|health" "$T/w1.log" "$T/serve.log"
echo "w1 unhealthy after 2 infra jobs, its jobs passed on w2, healthy again after its health boot"
