#!/usr/bin/env bash
# A cell that passed on an earlier pushed commit fails on a later push: the
# service's worker searches the first-parent range between them for the
# commit that broke it before it finishes the job (building and booting only
# that cell, and only its failing case), confirms it (fails 3 times, its
# parent passes 3 times), and the pipeline ends with the answer: the
# bisection in the store and in `status --json`, the `bisect` step on the
# job, a GitHub status on the culprit commit, and the summary status naming
# it. The defect is planted at a commit drawn from a seed, so nothing here
# knows the answer in advance. SQLite, `serve` running the jobs itself, a
# local stand-in for the GitHub API.
source "$(dirname "$0")/common.inc"
E2E=$(cd "$(dirname "$0")" && pwd)
SECRET=e2e-webhook-secret
export CIRUN_E2E_TOKEN=e2e-github-token

on_exit() {
  local rc=$?
  set +e
  if [ $rc -ne 0 ]; then
    for f in "$T"/*.log; do [ -f "$f" ] && { echo "--- $f (last 60 lines)" >&2; tail -60 "$f" >&2; }; done
  fi
  stop_processes
  (exit $rc)
  cleanup
}
trap on_exit EXIT

# ---- a history: N commits, hello's boot broken at one drawn from SEED ----
SEED=${SEED:-$(date +%s)}
echo "seed $SEED"
h=$T/repo
read -r n planted < <(python3 -c "import random; r = random.Random($SEED); n = r.randint(6, 12); print(n, r.randint(3, n))")
echo "history of $n commits, the first pushed commit is 1, the defect planted at commit $planted"
make_history "$h" "$n" "$planted"
FIRST=$(git -C "$h" rev-list --max-parents=0 HEAD)
HEAD_SHA=$(git -C "$h" rev-parse HEAD)
CULPRIT=$(git -C "$h" rev-list --reverse HEAD | sed -n "${planted}p")
echo "$SECRET" >"$T/secret"

# ---- the service: fake GitHub, serve with its own worker ----
python3 "$E2E/fake_github.py" "$T/github.port" "$T/statuses.jsonl" >"$T/fake-github.log" 2>&1 &
PIDS[github]=$!
wait_for 20 "the fake GitHub API" test -s "$T/github.port"
cat >"$T/service.yml" <<YML
listen: 127.0.0.1:0
database: $T/data/ci.db
data-dir: $T/data
cache-dir: $T/cache
github:
  api: http://127.0.0.1:$(cat "$T/github.port")
  token-env: CIRUN_E2E_TOKEN
  webhook-secret-file: $T/secret
  retry-delay: 200ms
repositories:
  example/history:
    url: file://$h
    branches: [main]
worker:
  slots: 1
  lease: 5s
  in-serve: true
web:
  public-url: http://dashboard.invalid/
YML
"$CI_RUN" serve --config "$T/service.yml" 2>"$T/serve.log" &
PIDS[serve]=$!
wait_for 60 "serve to listen" grep -q "listening on http://" "$T/serve.log"
PORT=$(grep -m1 -o 'listening on http://127.0.0.1:[0-9]*' "$T/serve.log")
URL="http://127.0.0.1:${PORT##*:}"
hook() { python3 "$E2E/send_hook.py" "$URL/hooks/github" push "$1" "$2" "$SECRET"; }
push_body() {
  cat >"$1" <<JSON
{"ref": "refs/heads/main", "before": "$(printf '0%.0s' {1..40})", "after": "$2",
 "deleted": false, "repository": {"full_name": "example/history", "clone_url": "file://$h"},
 "head_commit": {"id": "$2", "message": "test push"}}
JSON
}
status() { "$CI_RUN" status --config "$T/service.yml" "$@"; }

# ---- 1. the first commit is pushed and passes ----
push_body "$T/push-1.json" "$FIRST"
r=$(hook delivery-1 "$T/push-1.json"); [ "${r%% *}" = 202 ] || fail "push 1: $r"
wait_for 120 "pipeline 1" status 1
timeout 600 "$CI_RUN" status --config "$T/service.yml" 1 --wait --json >"$T/p1.json" || fail "pipeline 1 did not pass: $(status 1)"

# ---- 2. the head is pushed: hello fails, its worker finds the culprit ----
push_body "$T/push-2.json" "$HEAD_SHA"
r=$(hook delivery-2 "$T/push-2.json"); [ "${r%% *}" = 202 ] || fail "push 2: $r"
wait_for 120 "pipeline 2" status 2
expect_exit 1 timeout 1200 "$CI_RUN" status --config "$T/service.yml" 2 --wait --json >"$T/p2.json"
python3 - "$T/p2.json" "$FIRST" "$HEAD_SHA" "$CULPRIT" <<'PY' || fail "pipeline 2 does not carry the culprit (seed $SEED)"
import json, sys
d = json.load(open(sys.argv[1]))
first, head, culprit = sys.argv[2:5]
[job] = d["jobs"]
assert job["state"] == "failed", job["state"]
steps = {s["name"]: s for s in job["steps"]}
assert steps["boot"]["outcome"] != "passed", steps["boot"]
assert steps["bisect"]["outcome"] == "passed", steps["bisect"]
[b] = d["bisections"]
assert (b["case"], b["good"], b["bad"]) == ("boot", first, head), b
assert b["verdict"] == "confirmed", b
assert b["culprit"] == culprit, (b["culprit"], culprit)
print("bisect step:", steps["bisect"]["duration_ms"], "ms; culprit", culprit[:12])
PY
# What it saw: the culprit failed 3 more times, its parent passed 3 times,
# and only commits of the range were tested.
json "$T/p2.json" "d['bisections'][0]['summary']" >"$T/seen"
cat "$T/seen"
[ "$(grep -c "^${CULPRIT:0:12} failed" "$T/seen")" -ge 3 ] || fail "the culprit did not fail 3 times"
[ "$(grep -c "^$(git -C "$h" rev-parse "$CULPRIT~1" | cut -c1-12) passed" "$T/seen")" -ge 3 ] || fail "its parent did not pass 3 times"

# ---- 3. GitHub hears it: a status on the culprit, the summary names it ----
wait_for 60 "the culprit's status" grep -q "statuses/$CULPRIT\".*\"context\": \"ci-run/culprit/hello/compiler=gcc,target=unix\"" "$T/statuses.jsonl"
python3 - "$T/statuses.jsonl" "$CULPRIT" "$HEAD_SHA" <<'PY' || fail "statuses"
import json, sys
culprit, head = sys.argv[2], sys.argv[3]
last = {}
for line in open(sys.argv[1]):
    s = json.loads(line)
    last[(s["path"].rsplit("/", 1)[1], s["context"])] = s
c = last[(culprit, "ci-run/culprit/hello/compiler=gcc,target=unix")]
assert c["state"] == "failure", c
assert c["description"].startswith("first commit where hello boot fails (confirmed); found by pipeline 2 at " + head[:12]), c
assert c["target_url"] == "http://dashboard.invalid/pipeline?id=2", c
summary = last[(head, "ci-run")]
assert summary["state"] == "failure", summary
assert summary["description"].startswith("1 of 1 failed, culprit " + culprit[:12] + "; "), summary
print("culprit status:", c["description"])
print("summary status:", summary["description"])
PY
# The pipeline's page lists the culprit too.
python3 -c "import urllib.request,sys; print(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())" \
  "$URL/api/pipeline?id=2" >"$T/page.json"
contains "$T/page.json" "$CULPRIT"
