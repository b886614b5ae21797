#!/usr/bin/env bash
# Reliability: a flood of GitHub webhook deliveries at `ci-run serve`
# (SQLite, no worker), as GitHub and an attacker would send them at once:
# 10% redeliveries of an earlier delivery, 10% with a bad signature, 5%
# malformed JSON, a few larger than GitHub's 25 MB cap, the rest new pushes.
# A delivery answered 503 (plan queue full) is redelivered, as GitHub lets a
# user do. Checks, with counts: every delivery got the answer its kind
# deserves, exactly one pipeline per accepted delivery (none lost, none
# doubled, none from a bad signature), serve's memory flat.
#
#   tests/reliability/webhook_flood.sh [DELIVERIES [CONCURRENCY]]   (default 10000 8)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../bench/lib.sh"
deliveries=${1:-10000}
concurrency=${2:-8}
T=$(mktemp -d "${TMPDIR:-/tmp}/ci-run-reliability.XXXXXX")
serve_pid=
cleanup() {
  [ -z "$serve_pid" ] || { kill -TERM "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null; } || true
  rm -rf "$T"
}
trap cleanup EXIT

"$SOURCE_DIR/fixtures/repos/make-example-repo.sh" "$T/repo" >/dev/null
start_serve "$T" reliability-webhook-secret
commits=$(git -C "$T/repo" rev-list --all | head -20 | tr '\n' ' ')
echo "==> $deliveries deliveries, $concurrency at once, to serve (pid $serve_pid) on 127.0.0.1:$port"

python3 - "$port" "$serve_pid" "$T/secret" "$T/data/ci.db" "$deliveries" "$concurrency" "$commits" \
  >"$T/result" <<'PY'
import concurrent.futures, hashlib, hmac, http.client, json, os, random, sqlite3, sys, threading, time
port, pid, secret_file, db, n, conc, commits = sys.argv[1:8]
n, conc, commits = int(n), int(conc), commits.split()
secret = open(secret_file).read().strip().encode()
rng = random.Random(42)

def rss_mb():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    return 0.0

def push(i):
    sha = rng.choice(commits)
    return json.dumps({"ref": "refs/heads/main", "before": "0" * 40, "after": sha, "deleted": False,
                       "repository": {"full_name": "example/repo"},
                       "head_commit": {"id": sha, "message": f"push {i}"}}).encode()

# The deliveries, in a random order; a redelivery repeats an earlier accepted one.
plan, accepted = [], []
oversized = max(2, n // 1000)
for i in range(n):
    r = rng.random()
    if i < oversized:
        plan.append(("oversized", f"big-{i}", b'{"pad": "' + b"x" * (26 << 20) + b'"}', True))
    elif r < 0.10 and accepted:
        d = rng.choice(accepted)
        plan.append(("duplicate", d[1], d[2], True))
    elif r < 0.20:
        plan.append(("bad-signature", f"bad-{i}", push(i), False))
    elif r < 0.25:
        plan.append(("malformed", f"mal-{i}", b'{"ref": "refs/heads/main", "after": ', True))
    else:
        d = ("new", f"new-{i}", push(i), True)
        plan.append(d)
        accepted.append(d)
# A redelivery must come after its original: keep order, but interleave kinds.
expected = {"new": 202, "duplicate": 200, "bad-signature": 401, "malformed": 400, "oversized": 413}

local = threading.local()
def conn():
    if getattr(local, "c", None) is None:
        local.c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=60)
    return local.c

def send(kind, delivery, body, signed):
    headers = {"Content-Type": "application/json", "X-GitHub-Event": "push",
               "X-GitHub-Delivery": delivery, "User-Agent": "GitHub-Hookshot/reliability"}
    key = secret if signed else b"not-the-secret"
    headers["X-Hub-Signature-256"] = "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()
    for attempt in range(600):
        try:
            c = conn()
            c.request("POST", "/hooks/github", body=body, headers=headers)
            r = c.getresponse()
            r.read()
            if r.getheader("Connection", "").lower() == "close":
                c.close(); local.c = None
        except (OSError, http.client.HTTPException) as e:
            conn().close(); local.c = None
            if kind == "oversized":
                return kind, 413  # serve may close the connection while a 26 MB body is still sent
            time.sleep(0.05)
            continue
        if r.status == 503:  # plan queue full: GitHub would redeliver
            time.sleep(0.1)
            continue
        return kind, r.status
    return kind, -1

before = rss_mb()
peak = [before]
done = threading.Event()
def sample():
    while not done.is_set():
        peak[0] = max(peak[0], rss_mb())
        time.sleep(0.2)
sampler = threading.Thread(target=sample); sampler.start()
t0 = time.monotonic()
answers = {}
wrong = []
# Originals first within each window of 200, so a redelivery follows its original.
with concurrent.futures.ThreadPoolExecutor(conc) as pool:
    for w in range(0, len(plan), 200):
        window = plan[w:w + 200]
        firsts = [p for p in window if p[0] != "duplicate"]
        for kind, status in pool.map(lambda p: send(*p), firsts):
            answers.setdefault(kind, {}).setdefault(status, 0); answers[kind][status] += 1
            if status != expected[kind]: wrong.append((kind, status))
        for kind, status in pool.map(lambda p: send(*p), [p for p in window if p[0] == "duplicate"]):
            answers.setdefault(kind, {}).setdefault(status, 0); answers[kind][status] += 1
            if status != expected[kind]: wrong.append((kind, status))
took = time.monotonic() - t0
done.set(); sampler.join()
# The plan queue drains: every accepted delivery becomes one pipeline.
new_ids = {p[1] for p in accepted}
stored = {}
for _ in range(1200):
    with sqlite3.connect(db) as s:
        rows = s.execute("SELECT delivery_id, count(*) FROM pipelines GROUP BY delivery_id").fetchall()
    stored = dict(rows)
    if len(stored) >= len(new_ids):
        break
    time.sleep(0.5)
time.sleep(3)
after = rss_mb()
lost = len(new_ids - set(stored))
doubled = sum(1 for v in stored.values() if v > 1)
foreign = len(set(stored) - new_ids)
print(json.dumps({"deliveries": len(plan), "took_s": took, "answers": answers, "wrong": len(wrong),
                  "wrong_examples": wrong[:5], "accepted": len(new_ids), "pipelines": sum(stored.values()),
                  "lost": lost, "doubled": doubled, "foreign": foreign,
                  "rss_before": before, "rss_peak": peak[0], "rss_after": after}))
PY
read -r summary <"$T/result"
python3 - "$summary" <<'PY'
import json, sys
d = json.loads(sys.argv[1])
for kind, statuses in sorted(d["answers"].items()):
    print(f"  {kind:<14} " + ", ".join(f"{s} x{c}" for s, c in sorted(statuses.items())))
print(f"  {d['deliveries']} deliveries in {d['took_s']:.1f} s; {d['accepted']} accepted, "
      f"{d['pipelines']} pipelines stored")
PY
val() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$summary" "$1"; }
table_header
record webhook_flood "deliveries answered wrongly (of $(val deliveries))" "$(val wrong)" count
record webhook_flood "accepted deliveries with no pipeline (lost)" "$(val lost)" count
record webhook_flood "accepted deliveries with two pipelines (doubled)" "$(val doubled)" count
record webhook_flood "pipelines from no accepted delivery (bad signature...)" "$(val foreign)" count
record webhook_flood "serve RSS at the peak of the flood (MB)" "$(printf %.1f "$(val rss_peak)")" MB \
  "$(printf %.1f "$(val rss_before)")" "before the flood"
record webhook_flood "serve RSS 3 s after the plan queue drained (MB)" "$(printf %.1f "$(val rss_after)")" MB \
  "$(printf %.1f "$(val rss_before)")" "before the flood"
kill -0 "$serve_pid" || { echo "serve died during the flood" >&2; exit 1; }
for f in wrong lost doubled foreign; do
  [ "$(val $f)" = 0 ] || { echo "FAILED: $f = $(val $f)" >&2; python3 -c 'import json,sys; print(json.loads(sys.argv[1])["wrong_examples"])' "$summary" >&2; exit 1; }
done
echo "webhook flood: every promise held"
