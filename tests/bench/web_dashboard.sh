#!/usr/bin/env bash
# Benchmark (not a test): the dashboard of `ci-run web` over a large store,
# on loopback. The store gets PIPELINES pipelines of 8 jobs each and one
# job whose boot log is LOG_MB MB. Prints, for each request, the time to
# the first byte and the whole reply (curl's time_starttransfer and
# time_total), and the size: the first page of the list, a page deep in
# it, a pipeline, the job, the first piece of its log, and the whole log
# read piece by piece (as the page's "more" button does).
#
#   tests/bench/web_dashboard.sh [PIPELINES [LOG_MB]]   (default 1000 100)
#   CI_RUN=build/ci-run SOURCE_DIR=. (defaults: the build tree next to this script)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
SOURCE_DIR=${SOURCE_DIR:-$(cd "$here/../.." && pwd)}
CI_RUN=${CI_RUN:-$SOURCE_DIR/build/ci-run}
pipelines=${1:-1000}
log_mb=${2:-100}
T=$(mktemp -d "${TMPDIR:-/tmp}/ci-run-bench.XXXXXX")
web_pid=
cleanup() {
  [ -z "$web_pid" ] || { kill -TERM "$web_pid" 2>/dev/null && wait "$web_pid" 2>/dev/null; } || true
  rm -rf "$T"
}
trap cleanup EXIT

# The schema comes from ci-run itself: it creates it when it opens an empty
# file (a database that does not exist is refused, as a typo).
: >"$T/ci.db"
"$CI_RUN" status --db "$T/ci.db" >/dev/null
python3 - "$T/ci.db" "$pipelines" "$log_mb" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
n, mb = int(sys.argv[2]), int(sys.argv[3])
now = int(time.time() * 1000)
spec = '{"build":"make","boots":[{"name":"boot","expect":["^SUCCESS$"],"fail":["PANIC"]}]}'
for p in range(n):
    cur = db.execute(
        "INSERT INTO pipelines(repo, repo_name, commit_sha, ref, trigger, dirty, worktree, title,"
        " options_json, state, created_ms, finished_ms) VALUES(?,?,?,?,?,0,'',?,'{}',?,?,?)",
        ("/srv/repo", "example/repo", "%040x" % p, "refs/heads/main", "push",
         "commit %d" % p, "passed" if p % 5 else "failed", now - (n - p) * 60000, now - (n - p) * 60000 + 30000))
    pid = cur.lastrowid
    for j in range(8):
        cell = ["unix", "virtio", "xen", "virtio-arm64"][j % 4]
        comp = ["gcc", "clang"][j // 4]
        db.execute(
            "INSERT INTO jobs(pipeline_id, name, unikernel, cell_key, cell_label, compiler, target,"
            " labels, spec_json, state, attempt, duration_ms) VALUES(?,?,?,?,?,?,?,'[]',?,?,1,1200)",
            (pid, "hello %s/%s" % (comp, cell), "hello", "compiler=%s,target=%s" % (comp, cell),
             "%s/%s" % (comp, cell), comp, cell, spec, "passed"))
job = db.execute("SELECT id, pipeline_id FROM jobs ORDER BY id DESC LIMIT 1").fetchone()
line = "console line with some text of a chatty unikernel 0123456789abcdef\n"
log = line * (mb * 1024 * 1024 // len(line))
for name, text in (("build", "cc -o hello\n"), ("boot", log)):
    db.execute(
        "INSERT INTO steps(job_id, attempt, name, outcome, cause, duration_ms, command, log,"
        " detail_json, created_ms) VALUES(?,1,?,'passed','',1000,'',?,'{}',?)",
        (job[0], name, text, now))
db.commit()
print(job[0], job[1], len(log), file=open(sys.argv[1] + ".job", "w"))
PY
read -r job pipeline log_bytes <"$T/ci.db.job"

"$CI_RUN" web --db "$T/ci.db" --listen 127.0.0.1:0 >"$T/web.log" 2>&1 &
web_pid=$!
for _ in $(seq 1 100); do grep -q "listening on" "$T/web.log" && break; sleep 0.1; done
base=$(sed -n 's|.*listening on \(http://127.0.0.1:[0-9]*\).*|\1|p' "$T/web.log")

measure() {  # label path
  curl -s -o /dev/null -w "%{time_starttransfer} %{time_total} %{size_download}" "$base$2" |
    awk -v l="$1" '{ printf "%-34s first byte %7.1f ms   whole %8.1f ms   %10d bytes\n", l, $1*1000, $2*1000, $3 }'
}
deep=$((pipelines / 2))
echo "store: $pipelines pipelines x 8 jobs, one boot log of $((log_bytes / 1048576)) MiB"
measure "GET / (the page shell)" "/"
measure "GET /api/pipelines (first page)" "/api/pipelines"
measure "GET /api/pipelines?before=$deep" "/api/pipelines?before=$deep"
measure "GET /api/pipelines?state=failed" "/api/pipelines?state=failed"
measure "GET /api/pipeline (8 jobs)" "/api/pipeline?id=$pipeline"
measure "GET /api/job (100 MB log's job)" "/api/job?pipeline=$pipeline&id=$job"
measure "GET /api/log (first 256 KiB)" "/api/log?pipeline=$pipeline&job=$job&step=1"
measure "GET /api/log (last piece)" "/api/log?pipeline=$pipeline&job=$job&step=1&offset=$((log_bytes - 1000))"
start=$(date +%s.%N)
offset=0
pieces=0
while [ "$offset" -lt "$log_bytes" ]; do
  offset=$(curl -s "$base/api/log?pipeline=$pipeline&job=$job&step=1&offset=$offset&limit=1048576" |
    python3 -c "import json,sys; print(json.load(sys.stdin)['next_offset'])")
  pieces=$((pieces + 1))
done
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" -v p="$pieces" -v b="$log_bytes" \
  'BEGIN { printf "whole log in %d pieces of 1 MiB      %.1f s  (%.1f ms a piece, %.1f MB/s)\n", p, e-s, (e-s)*1000/p, b/1e6/(e-s) }'
