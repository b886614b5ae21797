#!/usr/bin/env bash
# Fork pull requests wait for approval: `ci-run serve` (SQLite, jobs
# in-process) with a stand-in GitHub API gets signed deliveries of one pull
# request.
# - From an author GitHub calls NONE: its pipeline waits. No job runs, no
#   workspace is made, every cell and the summary get a pending "waiting for
#   approval" status, and the queue timeout does not end it.
# - `/ci-run approve` from a NONE user is ignored; from a COLLABORATOR the
#   pipeline runs and passes.
# - A new push by the same author (synchronize) waits again; `ci-run
#   approve PIPELINE` runs it.
# - The same pull request from a COLLABORATOR runs at once.
source "$(dirname "$0")/common.inc"
E2E=$(cd "$(dirname "$0")" && pwd)
SECRET=e2e-webhook-secret
export CIRUN_E2E_TOKEN=e2e-github-token

SERVE=""
GITHUB=""
on_exit() {
  local rc=$?
  set +e
  [ $rc -eq 0 ] || for f in "$T"/*.log; do echo "--- $f (last 40 lines)" >&2; tail -40 "$f" >&2; done
  for pid in $SERVE $GITHUB; do kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  (exit $rc)
  cleanup
}
trap on_exit EXIT

# ---- a pull request of one cell: two heads, refs/pull/7/head at the newest ----
make_repo
git -C "$T/repo" checkout -q -b contribution good
cat >"$T/repo/.ci-run.yml" <<'YML'
matrix:
  compiler: [gcc]
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
YML
git -C "$T/repo" -c user.name=m -c user.email=m@m commit -qam "a contribution"
HEAD1=$(git -C "$T/repo" rev-parse HEAD)
git -C "$T/repo" -c user.name=m -c user.email=m@m commit -q --allow-empty -m "more of it"
HEAD2=$(git -C "$T/repo" rev-parse HEAD)
git -C "$T/repo" update-ref refs/pull/7/head "$HEAD1"
git -C "$T/repo" checkout -q main
echo "$SECRET" >"$T/secret"

python3 "$E2E/fake_github.py" "$T/github.port" "$T/statuses.jsonl" >"$T/fake-github.log" 2>&1 &
GITHUB=$!
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
  example/repo:
    url: file://$T/repo
    branches: [main]
worker:
  slots: 1
  lease: 5s
  queue-timeout: 2s
YML
"$CI_RUN" serve --config "$T/service.yml" 2>"$T/serve.log" &
SERVE=$!
wait_for 60 "serve to listen" grep -q "listening on http://" "$T/serve.log"
URL="http://127.0.0.1:$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$T/serve.log" | head -1)"

hook() { python3 "$E2E/send_hook.py" "$URL/hooks/github" "$1" "$2" "$3" "$SECRET"; }
status() { "$CI_RUN" status --config "$T/service.yml" "$@"; }
# pr_body FILE ACTION HEAD LOGIN ASSOCIATION
pr_body() {
  cat >"$1" <<JSON
{"action": "$2", "number": 7,
 "pull_request": {"number": 7, "title": "a contribution", "author_association": "$5",
                  "user": {"login": "$4"},
                  "head": {"sha": "$3", "ref": "contribution"}, "base": {"sha": "$(git -C "$T/repo" rev-parse good)", "ref": "main"}},
 "repository": {"full_name": "example/repo", "clone_url": "file://$T/repo"}}
JSON
}
# comment_body FILE BODY LOGIN ASSOCIATION
comment_body() {
  cat >"$1" <<JSON
{"action": "created", "issue": {"number": 7, "pull_request": {"url": "x"}},
 "comment": {"body": "$2", "author_association": "$4", "user": {"login": "$3"}},
 "repository": {"full_name": "example/repo"}}
JSON
}
# statuses_of SHA CONTEXT: the states and descriptions posted, in order.
statuses_of() {
  python3 - "$T/statuses.jsonl" "$1" "$2" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    s = json.loads(line)
    if s["path"].endswith(sys.argv[2]) and s["context"] == sys.argv[3]:
        print(s["state"], s["description"])
PY
}
job_field() { json <(status "$1" --json) "[j['$2'] for j in d['jobs']]"; }
WAITING='waiting for approval by a collaborator (comment "/ci-run approve")'

# ---- 1. a pull request from a stranger waits ----
pr_body "$T/pr1.json" opened "$HEAD1" mallory NONE
r=$(hook pull_request pr-1 "$T/pr1.json"); [ "${r%% *}" = 202 ] || fail "pull_request: $r"
wait_for 60 "pipeline 1" status 1
wait_for 30 "the pending statuses of pipeline 1" grep -q "\"context\": \"ci-run\", \"description\": \"waiting for approval" "$T/statuses.jsonl"
wait_for 30 "the pending status of the cell" grep -q "\"context\": \"ci-run/hello/gcc/virtio\", \"description\": \"waiting for approval" "$T/statuses.jsonl"
sleep 4  # longer than the queue timeout, and a poll of the in-process worker
status 1 --json >"$T/p1-waiting.json"
[ "$(json "$T/p1-waiting.json" "d['pipeline']['state']")" = waiting ] || fail "pipeline 1 is not waiting: $(status 1)"
[ "$(json "$T/p1-waiting.json" "d['pipeline']['untrusted']")" = True ] || fail "pipeline 1 is not untrusted"
[ "$(json "$T/p1-waiting.json" "[(j['state'], j['attempt'], len(j['steps'])) for j in d['jobs']]")" = "[('waiting', 0, 0)]" ] ||
  fail "a job of the waiting pipeline ran or ended: $(status 1)"
json "$T/p1-waiting.json" "d['jobs'][0]['cause']" | grep -q "^waiting for approval: pull request by mallory (NONE), who is not trusted (owners, members, collaborators)$" ||
  fail "the waiting job's cause: $(json "$T/p1-waiting.json" "d['jobs'][0]['cause']")"
# (serve's worker makes its own directory under work/ at start; a job, one inside it)
[ -z "$(find "$T/data/work" -mindepth 2 2>/dev/null)" ] || fail "a workspace was made for a waiting job: $(find "$T/data/work" -mindepth 2)"
[ "$(statuses_of "$HEAD1" ci-run)" = "pending $WAITING" ] || fail "summary statuses of HEAD1: $(statuses_of "$HEAD1" ci-run)"
[ "$(statuses_of "$HEAD1" ci-run/hello/gcc/virtio)" = "pending $WAITING" ] || fail "cell statuses of HEAD1: $(statuses_of "$HEAD1" ci-run/hello/gcc/virtio)"
status 1 >"$T/p1-waiting.txt"
contains "$T/p1-waiting.txt" 'Waiting for approval: a trusted user'"'"'s "/ci-run approve" comment on the pull request, or `ci-run approve 1`, runs it.'
status >"$T/list.txt"
grep -Eq "^1 +waiting +pull_request " "$T/list.txt" || { cat "$T/list.txt"; fail "status does not list pipeline 1 as waiting"; }
grep -q "pipeline 1 (pull_request example/repo refs/pull/7/head ${HEAD1:0:12}): 1 jobs waiting for approval: pull request by mallory (NONE)" "$T/serve.log" ||
  fail "serve did not log the waiting pipeline"

# ---- 2. an approval by a stranger is ignored; by a collaborator it runs ----
comment_body "$T/approve-none.json" "/ci-run approve" mallory NONE
r=$(hook issue_comment c-1 "$T/approve-none.json")
case "$r" in 202*'"reason":"approval of #7 by mallory (NONE) ignored: not trusted'*'"result":"ignored"'*) ;; *) fail "approval by NONE: $r" ;; esac
sleep 2
[ "$(json <(status 1 --json) "d['pipeline']['state']")" = waiting ] || fail "an untrusted approval released pipeline 1"
comment_body "$T/lgtm.json" "looks good" alice COLLABORATOR
r=$(hook issue_comment c-2 "$T/lgtm.json")
case "$r" in 202*'"result":"ignored"'*) ;; *) fail "an ordinary comment: $r" ;; esac
[ "$(json <(status 1 --json) "d['pipeline']['state']")" = waiting ] || fail "an ordinary comment released pipeline 1"

comment_body "$T/approve.json" "/ci-run approve" alice COLLABORATOR
r=$(hook issue_comment c-3 "$T/approve.json")
case "$r" in 202*'"result":"approval"'*) ;; *) fail "approval by COLLABORATOR: $r" ;; esac
timeout 300 "$CI_RUN" status --config "$T/service.yml" 1 --wait --json >"$T/p1.json" || fail "pipeline 1 did not pass after its approval: $(status 1)"
[ "$(json "$T/p1.json" "[(j['state'], j['attempt']) for j in d['jobs']]")" = "[('passed', 1)]" ] || fail "pipeline 1's job: $(status 1)"
grep -q "approval of example/repo refs/pull/7/head by alice (COLLABORATOR): pipeline 1 at ${HEAD1:0:12}, 1 jobs queued" "$T/serve.log" ||
  fail "serve did not log the approval"
wait_for 30 "the success of pipeline 1" grep -q "\"path\": \"/repos/example/repo/statuses/$HEAD1\", .*\"state\": \"success\", \"context\": \"ci-run\"" "$T/statuses.jsonl"
statuses_of "$HEAD1" ci-run >"$T/p1.summary"
[ "$(head -1 "$T/p1.summary")" = "pending $WAITING" ] || fail "the summary was not waiting first: $(cat "$T/p1.summary")"
[ "$(tail -1 "$T/p1.summary")" = "success 1 passed" ] || fail "the summary did not end success: $(cat "$T/p1.summary")"
[ "$(grep -c "waiting for approval" "$T/p1.summary")" = 1 ] || fail "the summary went back to waiting: $(cat "$T/p1.summary")"

# ---- 3. a new push by the stranger waits again; an operator approves it ----
git -C "$T/repo" update-ref refs/pull/7/head "$HEAD2"
pr_body "$T/pr2.json" synchronize "$HEAD2" mallory FIRST_TIME_CONTRIBUTOR
r=$(hook pull_request pr-2 "$T/pr2.json"); [ "${r%% *}" = 202 ] || fail "synchronize: $r"
wait_for 60 "pipeline 2" status 2
wait_for 30 "the pending status of HEAD2" grep -q "statuses/$HEAD2\", .*\"context\": \"ci-run\", \"description\": \"waiting for approval" "$T/statuses.jsonl"
sleep 2
[ "$(job_field 2 state)" = "['waiting']" ] || fail "pipeline 2 does not wait: $(status 2)"
expect_exit 2 "$CI_RUN" approve --config "$T/service.yml" 1  # not waiting
expect_exit 2 "$CI_RUN" approve --config "$T/service.yml" 9  # no such pipeline
"$CI_RUN" approve --config "$T/service.yml" 2 >"$T/approve.out" || fail "ci-run approve 2: $(cat "$T/approve.out")"
contains "$T/approve.out" "pipeline 2 (pull_request example/repo refs/pull/7/head ${HEAD2:0:12}) approved: 1 jobs queued"
timeout 300 "$CI_RUN" status --config "$T/service.yml" 2 --wait >/dev/null || fail "pipeline 2 did not pass after ci-run approve: $(status 2)"
[ "$(job_field 2 attempt)" = "[1]" ] || fail "pipeline 2's job did not run once"

# ---- 4. the same pull request from a collaborator runs at once ----
pr_body "$T/pr3.json" reopened "$HEAD2" alice COLLABORATOR
r=$(hook pull_request pr-3 "$T/pr3.json"); [ "${r%% *}" = 202 ] || fail "pull_request from a collaborator: $r"
wait_for 60 "pipeline 3" status 3
timeout 300 "$CI_RUN" status --config "$T/service.yml" 3 --wait --json >"$T/p3.json" || fail "pipeline 3 did not pass: $(status 3)"
[ "$(json "$T/p3.json" "[(j['state'], j['attempt']) for j in d['jobs']]")" = "[('passed', 1)]" ] || fail "pipeline 3's job: $(status 3)"
[ "$(json "$T/p3.json" "d['pipeline']['untrusted']")" = True ] || fail "a collaborator's pull request is still untrusted code"
grep -q "pipeline 3 (pull_request example/repo refs/pull/7/head ${HEAD2:0:12}): 1 jobs queued" "$T/serve.log" ||
  fail "pipeline 3 was not queued at once"
[ "$(grep -c "^.*approval of example/repo" "$T/serve.log")" = 1 ] || fail "expected exactly one approval in serve's log"
[ "$(status | tail -n +2 | grep -c .)" = 3 ] || fail "expected 3 pipelines: $(status)"

kill -TERM "$SERVE"
wait "$SERVE" || fail "serve did not exit 0 after SIGTERM"
SERVE=""
echo "service approval scenario passed"
