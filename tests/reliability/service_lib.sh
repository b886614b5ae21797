# The service set-up shared by the reliability scripts that run `ci-run serve`
# and `ci-run worker` on a real PostgreSQL cluster (worker_kill.sh,
# store_outage.sh). Source it after tests/bench/lib.sh, with T (the
# script's temporary folder), SECRET, CI_RUN and SOURCE_DIR set.
# shellcheck shell=bash

declare -A PIDS=()  # name -> pid of every serve and worker started
PG_STATE=

fail() { echo "FAILED: $*" >&2; exit 1; }

# wait_until SECONDS CMD...: until CMD succeeds; 1 when it never did.
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do [ $SECONDS -lt $deadline ] || return 1; sleep 0.05; done
}

# service_cleanup: the EXIT trap. Stops every process in PIDS (TERM, then
# KILL after 5 s), kills whatever still runs in a work directory, stops
# PostgreSQL, shows the logs' last lines on a failure, removes T.
service_cleanup() {
  local rc=$? name pid
  set +e
  trap - PIPE
  for name in "${!PIDS[@]}"; do kill -TERM "${PIDS[$name]}" 2>/dev/null; done
  for name in "${!PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "${PIDS[$name]}" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "${PIDS[$name]}" 2>/dev/null
    wait "${PIDS[$name]}" 2>/dev/null
  done
  # What outlived a killed worker (a script counts it as a failure) goes too.
  for pid in $(pgrep -f "$T/data/work/" || true); do kill -KILL "$pid" 2>/dev/null; done
  [ -z "$PG_STATE" ] || bash "$SOURCE_DIR/tests/postgres/pg-cluster.sh" stop "$PG_STATE"
  if [ $rc -ne 0 ]; then
    for f in "$T"/*.log; do [ -f "$f" ] && { echo "--- $f (last 15 lines)" >&2; tail -15 "$f" >&2; }; done
  fi
  rm -rf "$T"
  exit $rc
}

# make_two_boot_repo BRANCH BENCH_TIMEOUT: the example repository in T/repo
# with BRANCH holding a pipeline of two jobs (bench gcc/virtio, a boot of a
# few seconds under QEMU, timing out after BENCH_TIMEOUT; hello gcc/virtio,
# a short one). Sets COMMIT to BRANCH's commit.
make_two_boot_repo() {
  "$SOURCE_DIR/fixtures/repos/make-example-repo.sh" "$T/repo" >/dev/null
  git -C "$T/repo" checkout -q -b "$1" good
  cat >"$T/repo/.ci-run.yml" <<YML
matrix:
  compiler: [gcc]
  target: [virtio]
unikernels:
  bench:
    path: unikernels
    build: ./build.sh bench \${target} \${compiler} _build/\${compiler}-\${target}
    image: _build/\${compiler}-\${target}/bench.\${target}
    boot:
      args: ["--size=100000000"]
      expect: ["^METRIC items=100000000 count\$", "^SUCCESS\$"]
      timeout: $2
  hello:
    path: unikernels
    build: ./build.sh hello \${target} \${compiler} _build/\${compiler}-\${target}
    image: _build/\${compiler}-\${target}/hello.\${target}
    boot:
      expect: ["^SUCCESS\$"]
      timeout: 60s
YML
  git -C "$T/repo" -c user.name=t -c user.email=t@t commit -qam "a long boot and a short one"
  COMMIT=$(git -C "$T/repo" rev-parse HEAD)
  git -C "$T/repo" checkout -q main
}

# start_postgres: a PostgreSQL cluster on loopback (T/pg-state) with a
# database "ci"; sets PG_STATE, PG_URL and DB_URL. Exits 77 (skipped) when
# PostgreSQL is not installed.
start_postgres() {
  PG_STATE="$T/pg-state"
  PG_URL=$(bash "$SOURCE_DIR/tests/postgres/pg-cluster.sh" start "$PG_STATE") || {
    local rc=$?
    [ $rc = 77 ] && { echo "PostgreSQL is not installed: skipped"; PG_STATE=; exit 77; }
    fail "cannot start PostgreSQL"
  }
  psql "$PG_URL" -qc "CREATE DATABASE ci" >/dev/null
  DB_URL="${PG_URL%/postgres}/ci"
}

# sql QUERY: the rows of QUERY on DB_URL, columns separated by spaces.
sql() { psql "$DB_URL" -qAtX -F ' ' -c "$1"; }

# start_service LEASE: writes T/service.yml (the store at DB_URL, T/repo as
# example/repo, workers of two slots with lease LEASE, none in serve) and
# starts `ci-run serve` on it (PIDS[serve], log T/serve.log); sets URL.
start_service() {
  echo "$SECRET" >"$T/secret"
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
  lease: $1
  in-serve: false
YML
  "$CI_RUN" serve --config "$T/service.yml" 2>"$T/serve.log" &
  PIDS[serve]=$!
  wait_until 60 grep -q "listening on http://" "$T/serve.log" || fail "serve did not start"
  URL="http://127.0.0.1:$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$T/serve.log" | head -1)"
}

# write_push_json MESSAGE: T/push.json, a push of COMMIT to main.
write_push_json() {
  cat >"$T/push.json" <<JSON
{"ref": "refs/heads/main", "before": "$(printf '0%.0s' {1..40})", "after": "$COMMIT",
 "deleted": false, "repository": {"full_name": "example/repo", "clone_url": "file://$T/repo"},
 "head_commit": {"id": "$COMMIT", "message": "$1"}}
JSON
}
