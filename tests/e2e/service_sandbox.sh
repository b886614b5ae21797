#!/usr/bin/env bash
# A hostile repository pushed to a running `ci-run serve` (SQLite, loopback,
# secrets in mode-600 files and in serve's environment). Its build and its
# unix-target "unikernel" (a shell script) each try, in a cell of their own:
# to read the service's token, webhook secret, config and store; to read
# another job's workspace; to write outside their workspace; to reach a
# loopback port of this host; to fork-bomb; to allocate 30 GiB; to fill the
# disk; to leave a daemon behind. Every attempt fails or is contained: the
# cell gets the right outcome and one-line cause, serve keeps working, the
# token's value is in no log, report, status or store row, and no process of
# the jobs survives them.
#
# Then a pull request poisons the build cache (its build of the same commit
# plants another image) and cannot change what a trusted rebuild boots.
source "$(dirname "${BASH_SOURCE[0]}")/common.inc"
E2E=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SECRET=sandbox-e2e-webhook-secret-7f3a
export CIRUN_E2E_TOKEN=ghp_sandboxE2eTokenValue9d81

on_exit() {
  local rc=$?
  set +e
  if [ $rc -ne 0 ]; then
    for f in "$T"/*.log; do [ -f "$f" ] && { echo "--- $f (last 60 lines)" >&2; tail -60 "$f" >&2; }; done
  fi
  stop_processes
  pkill -9 -f 3133.7 2>/dev/null
  (exit $rc)
  cleanup
}
trap on_exit EXIT

# finished N: pipeline N has ended (passed or failed).
finished() {
  "$CI_RUN" status --config "$T/service.yml" "$1" --json 2>/dev/null | python3 -c \
    'import json,sys; sys.exit(0 if json.load(sys.stdin)["pipeline"]["state"] in ("passed", "failed") else 1)'
}
if ! bwrap --unshare-all --die-with-parent --ro-bind / / true 2>"$T/bwrap.err"; then
  fail "bubblewrap cannot build a sandbox on this machine: $(cat "$T/bwrap.err")"
fi

# ---- the secrets, the store and a loopback port the jobs must not reach ----
echo "$SECRET" >"$T/webhook-secret"
chmod 600 "$T/webhook-secret"
python3 - "$T/listener.port" "$T/listener.log" <<'PY' &
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
log = open(sys.argv[2], "a")
while True:
    c, peer = s.accept(); log.write(f"connection from {peer}\n"); log.flush(); c.close()
PY
PIDS[listener]=$!
wait_for 20 "the loopback listener" test -s "$T/listener.port"
LISTEN_PORT=$(cat "$T/listener.port")

python3 "$E2E/fake_github.py" "$T/github.port" "$T/statuses.jsonl" 2 >"$T/fake-github.log" 2>&1 &
PIDS[github]=$!
wait_for 20 "the fake GitHub API" test -s "$T/github.port"

# ---- the hostile repository ----
mkdir -p "$T/repo"
cat >"$T/repo/attack.sh" <<SH
#!/bin/bash
# attack.sh WHEN WHAT: WHEN=build does WHAT now; WHEN=boot writes an image
# that does it when booted. Exit 0 (and "BLOCKED") when the attempt failed.
when=\$1 what=\$2
attack() {
  case \$what in
  secrets)
    env | grep -q CIRUN_E2E_TOKEN && { echo "LEAKED the token from the environment"; return 1; }
    for f in "$T/webhook-secret" "$T/service.yml" "$T/data/ci.db" "$HOME/.bashrc"; do
      cat "\$f" >/dev/null 2>&1 && { echo "LEAKED \$f"; return 1; }
    done
    echo "BLOCKED: no secret, config or store visible" ;;
  workspaces)
    n=\$(ls -d "$T"/data/work/*/p*/j* 2>/dev/null | wc -l)
    [ "\$n" -le 1 ] || { echo "LEAKED: \$n workspaces visible"; return 1; }
    for d in "$T/cache/builds" "$T/cache/git"; do
      ls "\$d"/* >/dev/null 2>&1 && { echo "LEAKED: \$d is visible"; return 1; }
    done
    echo "BLOCKED: no other workspace visible" ;;
  write)
    # Whatever lands outside the workspace lands in the box's own tmpfs, if
    # anywhere: the test looks for these files on the host.
    for f in "$T/planted-\$when" /usr/planted-\$when "$T/repo/planted-\$when"; do
      touch "\$f" 2>/dev/null || echo "cannot write \$f"
    done
    echo "TRIED: writes outside the workspace" ;;
  network)
    python3 -c 'import socket; socket.create_connection(("127.0.0.1", $LISTEN_PORT), timeout=3)' 2>/dev/null \
      && { echo "CONNECTED to the host's loopback"; return 1; }
    echo "BLOCKED: no network" ;;
  forkbomb)
    bomb() { bomb | bomb & }; bomb; sleep 60 ;;
  memory)
    python3 -c 'x = []
for i in range(120): x.append(b"\\1" * (256 << 20))
print("ALLOCATED 30 GiB")'
    return 1 ;;
  disk)
    i=0; while head -c 50000000 /dev/zero >"fill-\$i"; do i=\$((i + 1)); done
    echo "the disk filled up after \$i files"; sleep 60 ;;
  daemon)
    setsid sleep 3133.7\$([ \$when = build ] && echo 1 || echo 2) </dev/null >/dev/null 2>&1 &
    echo "BLOCKED?: a daemon was started; it must not outlive the job" ;;
  esac
}
mkdir -p out
if [ \$when = build ]; then
  attack || exit 1
  printf '#!/bin/sh\necho booted fine\n' >out/image
else
  { echo '#!/bin/bash'; declare -f attack; echo "what=\$what when=boot"; echo 'attack || exit 1'; echo 'echo booted fine'; } >out/image
fi
chmod +x out/image
SH
chmod +x "$T/repo/attack.sh"
{
  echo "matrix:"
  echo "  target: [unix]"
  echo "reruns: 0  # containment, not flakiness: each attack runs once"
  echo "unikernels:"
  for what in secrets workspaces write network forkbomb memory disk daemon; do
    for when in build boot; do
      echo "  $what-$when:"
      echo "    path: u"
      echo "    build: ../attack.sh $when $what"
      echo "    image: out/image"
      echo "    build-timeout: 90s"
      echo "    boot: {expect: [booted fine], timeout: 90s}"
    done
  done
} >"$T/repo/.ci-run.yml"
mkdir -p "$T/repo/u"
echo "the unikernels build here; attack.sh (outside) is not part of their source id" >"$T/repo/u/README"
git -C "$T/repo" init -q -b main
git -C "$T/repo" add -A
git -C "$T/repo" -c user.name=t -c user.email=t@t commit -qm "hostile"
HEAD_SHA=$(git -C "$T/repo" rev-parse HEAD)

cat >"$T/service.yml" <<YML
listen: 127.0.0.1:0
database: $T/data/ci.db
data-dir: $T/data
cache-dir: $T/cache
github:
  api: http://127.0.0.1:$(cat "$T/github.port")
  token-env: CIRUN_E2E_TOKEN
  webhook-secret-file: $T/webhook-secret
  retry-delay: 200ms
repositories:
  example/hostile:
    url: file://$T/repo
    branches: [main]
worker:
  slots: 2
  lease: 30s
sandbox:
  memory: 1GiB
  processes: 200
  disk: 300MiB
YML
chmod 600 "$T/service.yml"

"$CI_RUN" serve --config "$T/service.yml" 2>"$T/serve.log" &
PIDS[serve]=$!
wait_for 60 "serve to listen" grep -q "listening on http://" "$T/serve.log"
URL="http://127.0.0.1:$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$T/serve.log" | head -1)"
hook() { python3 "$E2E/send_hook.py" "$URL/hooks/github" "$1" "$2" "$3" "$SECRET"; }
status() { "$CI_RUN" status --config "$T/service.yml" "$@"; }

cat >"$T/push.json" <<JSON
{"ref": "refs/heads/main", "before": "$(printf '0%.0s' {1..40})", "after": "$HEAD_SHA",
 "deleted": false, "repository": {"full_name": "example/hostile", "clone_url": "file://$T/repo"},
 "head_commit": {"id": "$HEAD_SHA", "message": "hostile"}}
JSON
r=$(hook push hostile-1 "$T/push.json"); [ "${r%% *}" = 202 ] || fail "push: $r"
wait_for 600 "the hostile pipeline to finish" finished 1
status 1 --json >"$T/pipeline.json"
status 1 --logs >"$T/logs.txt" 2>&1 || true

# ---- every attempt failed or was contained, with the right outcome and cause ----
job() { json "$T/pipeline.json" "[j for j in d['jobs'] if j['unikernel'] == '$1'][0]['$2']"; }
for what in secrets workspaces write network daemon; do
  for when in build boot; do
    [ "$(job "$what-$when" state)" = passed ] ||
      fail "$what-$when: the attempt was not blocked: $(job "$what-$when" state): $(job "$what-$when" cause)"
  done
done
expect_cause() {
  local state cause
  state=$(job "$1" state) cause=$(job "$1" cause)
  [ "$state" = failed ] || fail "$1: expected failed, got $state: $cause"
  case "$cause" in *"$2"*) ;; *) fail "$1: expected a cause with \"$2\", got: $cause" ;; esac
}
expect_cause forkbomb-build "build tried to run more than 200 processes at once"
expect_cause forkbomb-boot "the boot tried to run more than 200 processes at once"
expect_cause memory-build "build used more than 1 GiB of memory"
expect_cause memory-boot "the boot used more than 1 GiB of memory"
expect_cause disk-build "build wrote more than 300 MiB to disk"
expect_cause disk-boot "the boot wrote more than 300 MiB to disk"
for when in build boot; do
  for f in "$T/planted-$when" "$T/repo/planted-$when"; do [ ! -e "$f" ] || fail "a job wrote $f"; done
done
[ ! -e /usr/planted-build ] && [ ! -e /usr/planted-boot ] || fail "a job wrote into /usr"
[ ! -s "$T/listener.log" ] || fail "a job reached the host's loopback port: $(cat "$T/listener.log")"
if pgrep -af 3133.7 | grep -v pgrep; then fail "a job's setsid daemon outlived it"; fi

# ---- serve keeps working; no secret stored or shown anywhere ----
http_get() { python3 -c "import urllib.request,sys; print(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())" "$1"; }
http_get "$URL/healthz" >/dev/null || fail "serve stopped answering after the hostile pipeline"
# The statuses as posted, without the Authorization header (where the token belongs).
python3 -c 'import json,sys
for line in open(sys.argv[1]):
    d = json.loads(line); d.pop("authorization", None); print(json.dumps(d))' "$T/statuses.jsonl" >"$T/statuses-posted.jsonl"
[ -s "$T/statuses-posted.jsonl" ] || fail "no commit status was posted"
contains "$T/statuses-posted.jsonl" "tried to run more than 200 processes"
for f in "$T/pipeline.json" "$T/logs.txt" "$T/statuses-posted.jsonl" "$T/serve.log" "$T/data/ci.db"; do
  not grep -qF "$CIRUN_E2E_TOKEN" "$f"
  not grep -qF "$SECRET" "$f"
done
if grep -rqF "$CIRUN_E2E_TOKEN" "$T/data" "$T/cache" 2>/dev/null; then fail "the token is stored somewhere"; fi
db_mode=$(stat -c %a "$T/data/ci.db")
case "$db_mode" in 600 | 640) ;; *) fail "the store is readable by others (mode $db_mode)" ;; esac

# ---- a pull request cannot poison what a trusted pipeline boots ----
# The trusted push built and cached every passing cell's image ("booted
# fine"). A pull request (same unikernel sources under u/, so the same cache
# keys) builds an image that also prints PLANTED, and its build tries to
# overwrite every image in the build cache. It runs with a cache of its own
# and sees no other: a rebuild of the trusted pipeline restores the trusted
# images.
git -C "$T/repo" checkout -q -b evil
python3 - "$T/repo/attack.sh" "$T" <<'PY'
import sys
path, t = sys.argv[1], sys.argv[2]
s = open(path).read()
plant = ("for f in %s/cache/builds/*/*/image; do [ -f \"$f\" ] && printf '#!/bin/sh\\necho PLANTED\\n' >\"$f\"; done 2>/dev/null\n" % t)
s = s.replace("mkdir -p out\n", plant + "mkdir -p out\n", 1)
s = s.replace("printf '#!/bin/sh\\necho booted fine\\n' >out/image",
              "printf '#!/bin/sh\\necho booted fine\\necho PLANTED\\n' >out/image", 1)
open(path, "w").write(s)
PY
grep -q "echo PLANTED" "$T/repo/attack.sh" || fail "the evil branch was not made"
git -C "$T/repo" -c user.name=t -c user.email=t@t commit -qam "plant an image"
EVIL_SHA=$(git -C "$T/repo" rev-parse HEAD)
git -C "$T/repo" update-ref refs/pull/9/head "$EVIL_SHA"
git -C "$T/repo" checkout -q main
cat >"$T/pr.json" <<JSON
{"action": "opened", "number": 9,
 "pull_request": {"number": 9, "title": "harmless", "author_association": "COLLABORATOR",
   "user": {"login": "mallory"},
   "head": {"sha": "$EVIL_SHA", "ref": "evil", "repo": {"full_name": "mallory/hostile"}},
   "base": {"ref": "main", "repo": {"full_name": "example/hostile"}}},
 "repository": {"full_name": "example/hostile", "clone_url": "file://$T/repo"}}
JSON
r=$(hook pull_request pr-9 "$T/pr.json"); [ "${r%% *}" = 202 ] || fail "pull request: $r"
wait_for 600 "the pull request's pipeline" finished 2
status 2 --logs --job "daemon-build unix" >"$T/pr-logs.txt" 2>&1 || true
contains "$T/pr-logs.txt" PLANTED  # its own image is the planted one: the test can tell
ls "$T/cache/builds/pull-requests"/* >/dev/null 2>&1 || fail "the pull request's builds were not cached apart"
if grep -rl PLANTED "$T/cache/builds" | grep -v /pull-requests/; then
  fail "a pull request changed a trusted cache entry"
fi
"$CI_RUN" rebuild --config "$T/service.yml" 1 >"$T/rebuild.txt" 2>&1 || fail "rebuild: $(cat "$T/rebuild.txt")"
wait_for 600 "the rebuild" finished 3
status 3 --logs --job "daemon-build unix" >"$T/rebuild-logs.txt" 2>&1 || true
status 3 --json >"$T/rebuild.json"
[ "$(json "$T/rebuild.json" "[j for j in d['jobs'] if j['unikernel'] == 'daemon-build'][0]['state']")" = passed ] ||
  fail "the trusted rebuild of daemon-build did not pass"
not grep -q PLANTED "$T/rebuild-logs.txt"
if pgrep -af 3133.7 | grep -v pgrep; then fail "a job's setsid daemon outlived it"; fi
echo "ok: every attempt blocked or contained; the pull request's image never reached a trusted pipeline"
