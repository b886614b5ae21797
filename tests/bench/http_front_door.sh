#!/usr/bin/env bash
# Benchmark (not a test): the HTTP front door of `ci-run serve` under abuse,
# on loopback, with a minimal SQLite config that runs no jobs.
#   1. GET /healthz and signed-ping webhook latency (a fresh connection each)
#      with no attackers, then with SLOW clients sending their headers one
#      byte a second plus IDLE clients that connect and send nothing;
#   2. serve's RSS (/proc/PID/status) before, during (peak) and 3 s after a
#      flood of FLOOD unsigned 24 MB POSTs to /hooks/github, 8 at a time.
# Prints a table with ratios.
#
#   tests/bench/http_front_door.sh [SLOW [IDLE [FLOOD]]]   (default 64 64 50)
#   CI_RUN=build/ci-run SOURCE_DIR=. (defaults: the build tree next to this script)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
slow=${1:-64}
idle=${2:-64}
flood=${3:-50}
T=$(mktemp -d "${TMPDIR:-/tmp}/ci-run-bench.XXXXXX")
serve_pid=
cleanup() {
  [ -z "$serve_pid" ] || { kill -TERM "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null; } || true
  rm -rf "$T"
}
trap cleanup EXIT

start_serve "$T" bench-webhook-secret
echo "==> $("$CI_RUN" --version 2>/dev/null || echo ci-run) serve on 127.0.0.1:$port (pid $serve_pid)"

python3 - "$port" "$serve_pid" "$slow" "$idle" "$flood" "$(cat "$T/secret")" <<'PY'
import asyncio, hashlib, hmac, json, os, statistics, sys, time

port, pid, n_slow, n_idle, n_flood = (int(a) for a in sys.argv[1:6])
secret = sys.argv[6].encode()
PING = b'{"zen": "Keep it logically awesome.", "hook_id": 1}'
BODY = 24 << 20

def rss_mb():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")

def request(kind):
    if kind == "healthz":
        return b"GET /healthz HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n"
    sig = "sha256=" + hmac.new(secret, PING, hashlib.sha256).hexdigest()
    return (f"POST /hooks/github HTTP/1.1\r\nHost: b\r\nContent-Type: application/json\r\n"
            f"X-GitHub-Event: ping\r\nX-GitHub-Delivery: bench\r\nX-Hub-Signature-256: {sig}\r\n"
            f"Content-Length: {len(PING)}\r\nConnection: close\r\n\r\n").encode() + PING

async def timed(kind, timeout=5.0):
    """Seconds for one request on a new connection, or None if starved."""
    start = time.monotonic()
    try:
        r, w = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
        w.write(request(kind))
        reply = await asyncio.wait_for(r.read(), timeout - (time.monotonic() - start))
        w.close()
        return time.monotonic() - start if reply.startswith(b"HTTP/1.1 200") else None
    except (asyncio.TimeoutError, OSError):
        return None

async def latencies(kind, n=100):
    got = [await timed(kind) for _ in range(n)]
    ok = sorted(x * 1000 for x in got if x is not None)
    return ok, n - len(ok)

async def slow_client(stop):
    try:
        r, w = await asyncio.open_connection("127.0.0.1", port)
        for ch in b"GET /healthz HTTP/1.1\r\nHost: b\r\nX-Slow: " + b"a" * 10000:
            if stop.is_set():
                break
            w.write(bytes([ch]))
            await w.drain()
            await asyncio.sleep(1)
        w.close()
    except OSError:
        pass  # cut off by the server

async def idle_client(stop):
    try:
        r, w = await asyncio.open_connection("127.0.0.1", port)
        await stop.wait()
        w.close()
    except OSError:
        pass

async def unsigned_post(results):
    head = (f"POST /hooks/github HTTP/1.1\r\nHost: b\r\nContent-Type: application/json\r\n"
            f"X-GitHub-Event: push\r\nX-GitHub-Delivery: flood\r\nContent-Length: {BODY}\r\n"
            f"Connection: close\r\n\r\n").encode()
    try:
        r, w = await asyncio.open_connection("127.0.0.1", port)
        w.write(head + b"{" + b" " * (BODY - 2) + b"}")
        await w.drain()
        status = (await asyncio.wait_for(r.readline(), 60)).split(b" ")[1].decode()
        w.close()
    except (OSError, IndexError, asyncio.TimeoutError) as e:
        status = type(e).__name__
    results[status] = results.get(status, 0) + 1

async def flood_rss():
    results, peak, done = {}, rss_mb(), asyncio.Event()
    async def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_mb())
            await asyncio.sleep(0.05)
    sampler = asyncio.create_task(sample())
    gate = asyncio.Semaphore(8)
    async def one():
        async with gate:
            await unsigned_post(results)
    start = time.monotonic()
    await asyncio.gather(*(one() for _ in range(n_flood)))
    took = time.monotonic() - start
    done.set()
    await sampler
    return peak, results, took

def record(what, value, unit, base=None, base_what=None):
    """One record for `./bootstrap.sh bench`'s table (tests/bench/lib.sh's format)."""
    path = os.environ.get("BENCH_JSON")
    if not path:
        return
    with open(path, "a") as f:
        f.write(json.dumps({"bench": "http_front_door", "what": what, "value": round(value, 2),
                            "unit": unit, "baseline": None if base is None else round(base, 2),
                            "baseline_what": base_what,
                            "ratio": None if not base else round(value / base, 2)}) + "\n")

def summary(ms):
    if not ms:
        return "all starved", float("nan")
    return (f"median {statistics.median(ms):7.2f} ms  p99 {ms[int(len(ms) * 0.99) - 1]:7.2f} ms"
            f"  max {ms[-1]:7.2f} ms"), statistics.median(ms)

async def main():
    quiet, q_fail = await latencies("healthz")
    q_ping, qp_fail = await latencies("ping")
    stop = asyncio.Event()
    attackers = [asyncio.create_task(slow_client(stop)) for _ in range(n_slow)]
    attackers += [asyncio.create_task(idle_client(stop)) for _ in range(n_idle)]
    await asyncio.sleep(2)  # every attacker connected and trickling
    attacked, a_fail = await latencies("healthz")
    a_ping, ap_fail = await latencies("ping")
    stop.set()
    await asyncio.gather(*attackers)
    attack = f"{n_slow} slow-header + {n_idle} idle"
    for name, q, qf, a, af in (("GET /healthz", quiet, q_fail, attacked, a_fail),
                               ("signed ping webhook", q_ping, qp_fail, a_ping, ap_fail)):
        q_text, q_med = summary(q)
        a_text, a_med = summary(a)
        print(f"\n{name}, 100 requests each, a new connection each (timeout 5 s):")
        print(f"  {'no attackers':<30} {q_text}  starved {qf}")
        print(f"  {attack:<30} {a_text}  starved {af}")
        print(f"  ratio of medians, attacked / quiet: {a_med / q_med:.2f}")
        record(f"{name}, median latency under {attack} clients", a_med, "ms", q_med, "no attackers")

    before = rss_mb()
    peak, results, took = await flood_rss()
    await asyncio.sleep(3)
    after = rss_mb()
    print(f"\nserve RSS, {n_flood} unsigned 24 MB POSTs to /hooks/github, 8 at a time "
          f"({took:.1f} s; replies: {', '.join(f'{k} x{v}' for k, v in sorted(results.items()))}):")
    print(f"  {'before':<8} {before:8.1f} MB")
    print(f"  {'peak':<8} {peak:8.1f} MB   {peak / before:5.2f} x before")
    print(f"  {'after':<8} {after:8.1f} MB   {after / before:5.2f} x before (3 s after the flood)")
    record(f"serve peak RSS, {n_flood} unsigned 24 MB POSTs", peak, "MB", before, "before the flood")
    record("serve RSS 3 s after the flood", after, "MB", before, "before the flood")

asyncio.run(main())
PY
