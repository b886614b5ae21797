#!/usr/bin/env bash
# The dashboard's cancel action on a running job: `ci-run local` fuzzes a
# unikernel (one boot after another); `ci-run web` on its store gets
# POST /api/cancel with the token; the job pool learns it on its next
# heartbeat, kills the running boot and writes the job `cancelled`.
# Checks: the cancel answered `cancelling: 1`, local ends by itself (no
# signal sent to it) with the job cancelled and its cause saying why, and
# no QEMU or other process of the test is left.
source "$(dirname "$0")/common.inc"
make_repo
DB=$T/repo/.ci-run/ci.db

qemus() { pgrep -f -- "qemu-system.*$T" | wc -l; }
sql() { python3 -c "import sqlite3,sys; print(sqlite3.connect('$DB').execute(sys.argv[1]).fetchone()[0])" "$1" 2>/dev/null; }

"$CI_RUN" local "$T/repo" --rev bootvar-fixed --unikernel bootvars \
  --only compiler=gcc,target=virtio --fuzz-boots 100000 -j1 --plain >"$T/local.out" 2>&1 &
LOCAL=$!

# Until the fuzz step runs (the last test was recorded) and a QEMU runs.
for _ in $(seq 3000); do
  [ "$(sql "select count(*) from steps where name='test:port-zero'")" = 1 ] && break
  kill -0 "$LOCAL" 2>/dev/null || { cat "$T/local.out"; fail "ci-run local ended before fuzzing"; }
  sleep 0.2
done
seen=0
for _ in $(seq 400); do [ "$(qemus)" -gt 0 ] && { seen=1; break; }; sleep 0.05; done
[ "$seen" = 1 ] || { cat "$T/local.out"; fail "no QEMU running before the cancel"; }

echo "e2e-cancel-token" >"$T/token"
"$CI_RUN" web --db "$DB" --listen 127.0.0.1:0 --token-file "$T/token" >"$T/web.log" 2>&1 &
WEB=$!
for _ in $(seq 300); do grep -q "listening on http://" "$T/web.log" && break; sleep 0.1; done
BASE=$(sed -n 's|.*listening on \(http://127.0.0.1:[0-9]*\).*|\1|p' "$T/web.log" | head -1)
[ -n "$BASE" ] || { cat "$T/web.log"; fail "ci-run web did not listen"; }
P=$(sql "select max(id) from pipelines")

# Without the token: refused, nothing marked.
code=$(curl -s -o "$T/refused.json" -w '%{http_code}' -X POST "$BASE/api/cancel?pipeline=$P")
[ "$code" = 401 ] || fail "cancel without the token: HTTP $code"
[ "$(sql "select count(*) from jobs where cancel_requested != 0")" = 0 ] || fail "marked without the token"

curl -sf -X POST -H "Authorization: Bearer e2e-cancel-token" "$BASE/api/cancel?pipeline=$P" >"$T/cancel.json" ||
  fail "cancel with the token failed"
cat "$T/cancel.json"; echo
contains "$T/cancel.json" '"cancelling":1'

rc=0
for _ in $(seq 600); do kill -0 "$LOCAL" 2>/dev/null || break; sleep 0.1; done
kill -0 "$LOCAL" 2>/dev/null && { cat "$T/local.out"; fail "ci-run local still runs 60 s after the cancel"; }
wait "$LOCAL" || rc=$?
cat "$T/local.out"
[ "$rc" != 0 ] || fail "ci-run local exited 0 with its job cancelled"
[ "$(sql "select state from jobs where pipeline_id = $P")" = cancelled ] || fail "the job is not cancelled"
[ "$(sql "select state from pipelines where id = $P")" = cancelled ] || fail "the pipeline is not cancelled"
sql "select cause from jobs where pipeline_id = $P" | grep -q "cancel action" || fail "no cause"
[ "$(qemus)" = 0 ] || fail "QEMU survived the cancel"

# The job page says so.
J=$(sql "select id from jobs where pipeline_id = $P")
curl -sf "$BASE/api/job?pipeline=$P&id=$J" >"$T/job.json"
contains "$T/job.json" '"state":"cancelled"'
kill "$WEB"; wait "$WEB" || true
[ -z "$(leftovers)" ] || fail "processes left behind: $(leftovers)"
echo "PASS"
