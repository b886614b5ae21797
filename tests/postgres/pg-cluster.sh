#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback, for the tests.
#
#   pg-cluster.sh start STATE   creates and starts a cluster; prints its URL and
#                               writes it to STATE/url (STATE/dir: the cluster)
#   pg-cluster.sh stop STATE    stops the cluster and removes it
#   pg-cluster.sh pause STATE   stops the server (fast shutdown: clients are
#                               disconnected), keeping the cluster
#   pg-cluster.sh resume STATE  starts a paused server again, on the same port
#
# The cluster lives in its own mktemp directory (as root, initdb refuses to
# run, so the cluster belongs to the `postgres` user), listens on 127.0.0.1 on
# a free port and trusts local connections (user `postgres`, no password).
# fsync is off: nothing here must survive a crash. Exit 77 (ctest's "skip")
# if PostgreSQL's server programs are not installed.
set -euo pipefail
cmd=${1:?usage: pg-cluster.sh start|stop|pause|resume STATE}
state=${2:?usage: pg-cluster.sh start|stop|pause|resume STATE}

bindir=${PG_BINDIR:-}
if [ -z "$bindir" ]; then
  for v in 17 16 15 14 13; do
    if [ -x "/usr/lib/postgresql/$v/bin/initdb" ]; then bindir=/usr/lib/postgresql/$v/bin; break; fi
  done
fi

# as_owner CMD...: run CMD as the cluster's owner (postgres when we are root).
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  stop  # a cluster left by an interrupted earlier run
  [ -n "$bindir" ] || { echo "pg-cluster.sh: PostgreSQL server not installed (initdb not found)" >&2; exit 77; }
  mkdir -p "$state"
  local dir
  dir=$(mktemp -d "${TMPDIR:-/tmp}/ci-run-pg.XXXXXX")
  chmod 0755 "$dir"
  [ "$(id -u)" -ne 0 ] || chown postgres: "$dir"
  echo "$dir" >"$state/dir"
  as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  local port tries=0
  while :; do
    port=$((20000 + RANDOM % 30000))
    if start_server "$dir" "$port"; then
      break
    fi
    tries=$((tries + 1))
    if [ $tries -ge 5 ]; then
      echo "pg-cluster.sh: cannot start PostgreSQL:" >&2
      cat "$dir/server.log" >&2
      exit 1
    fi
  done
  echo "postgresql://postgres@127.0.0.1:$port/postgres" >"$state/url"
  cat "$state/url"
}

# start_server DIR PORT: starts the server of the cluster in DIR on PORT.
start_server() {
  as_owner "$bindir/pg_ctl" -D "$1/data" -l "$1/server.log" -w -t 60 \
    -o "-p $2 -k $1 -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200" \
    start >/dev/null 2>&1
}

pause() {
  as_owner "$bindir/pg_ctl" -D "$(cat "$state/dir")/data" -m fast -w stop >/dev/null
}

resume() {
  local url port
  url=$(cat "$state/url")
  port=${url##*:}
  port=${port%%/*}
  start_server "$(cat "$state/dir")" "$port" || { cat "$(cat "$state/dir")/server.log" >&2; exit 1; }
}

stop() {
  [ -f "$state/dir" ] || return 0
  local dir
  dir=$(cat "$state/dir")
  if [ -n "$bindir" ] && [ -d "$dir/data" ]; then
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir" "$state/dir" "$state/url"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  pause) pause ;;
  resume) resume ;;
  *) echo "usage: pg-cluster.sh start|stop|pause|resume STATE" >&2; exit 2 ;;
esac
