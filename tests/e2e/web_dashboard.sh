#!/usr/bin/env bash
# The web dashboard in a real headless Chromium (Debian's chromium, driven by
# puppeteer-core over the DevTools protocol; tests/e2e/web_dashboard.js holds
# the checks). One store holds real runs of the example repository: hello
# at `build-break` (clang fails its build), bootvars at `bootvar-crash` (two
# fuzz findings), bench's history over main (the perf-regression change
# point), and a unikernel whose console prints HTML, JavaScript and terminal
# escapes. `ci-run serve` serves it; the browser checks the grid's colours and
# counts and its one failure group, a rebuild of the failed jobs with and
# without the token, a job's log, failure excerpt, environment and
# manifest, the findings' minimised inputs, the chart's change point, that
# no console script ran (nor any of its excerpt, whose PANIC line is
# marked), and a job followed while it runs (its boot's console streaming
# in before the boot ends).
# Screenshots of each page: $WEB_ARTIFACTS (default ./web_dashboard, i.e.
# build/tests/e2e/web_dashboard under ctest).
source "$(dirname "$0")/common.inc"
E2E=$(cd "$(dirname "$0")" && pwd)
ARTIFACTS=${WEB_ARTIFACTS:-$PWD/web_dashboard}
mkdir -p "$ARTIFACTS"
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
[ -n "$CHROMIUM" ] || fail "no chromium (bootstrap.sh installs Debian's chromium)"

# puppeteer-core from the npm registry, into a cache outside the repository.
NPM_DIR=${CIRUN_WEB_TEST_NPM:-$HOME/.cache/ci-run-web-test}
if [ ! -f "$NPM_DIR/node_modules/puppeteer-core/package.json" ]; then
  mkdir -p "$NPM_DIR"
  npm install --no-audit --no-fund --no-save --loglevel=error --prefix "$NPM_DIR" \
    --cache "$HOME/.cache/ci-run-npm" puppeteer-core@25.19.0 >"$T/npm.log" 2>&1 ||
    { cat "$T/npm.log"; fail "cannot install puppeteer-core"; }
fi

WEB_PID=""
on_exit() {
  local rc=$?
  [ -z "$WEB_PID" ] || { kill -TERM "$WEB_PID" 2>/dev/null; wait "$WEB_PID" 2>/dev/null; }
  (exit $rc)
  cleanup
}
trap on_exit EXIT

# ---- the store: real runs -------------------------------------------------
make_repo
DB="$T/ci.db"
local_run() { "$CI_RUN" local "$T/repo" --db "$DB" --plain "$@"; }
expect_exit 1 local_run --rev build-break --unikernel hello --only target=unix --no-fuzz >"$T/break.out" 2>&1 ||
  { cat "$T/break.out"; exit 1; }
expect_exit 1 local_run --rev bootvar-crash --unikernel bootvars --only compiler=gcc,target=unix >"$T/fuzz.out" 2>&1 ||
  { cat "$T/fuzz.out"; exit 1; }
"$CI_RUN" history "$T/repo" --db "$DB" --unikernel bench --only compiler=gcc,target=virtio --points 5 \
  >"$T/history.out" 2>&1 || { cat "$T/history.out"; fail "history failed"; }

# A unikernel whose console is hostile: markup, script, terminal escapes; its
# fail pattern matches the last line. And a slow one, followed live.
X="$T/xss"
mkdir -p "$X"
cat >"$X/.ci-run.yml" <<'YML'
matrix:
  target: [unix]
unikernels:
  xss:
    path: .
    build: sh make.sh xss
    image: xss.unix
    boot:
      expect: ["^SUCCESS$"]
      fail: ["^PANIC"]
      timeout: 20s
      exit: [0]
  slow:
    path: .
    build: sh make.sh slow
    image: slow.unix
    boot:
      expect: ["^SUCCESS$"]
      timeout: 60s
      exit: [0]
YML
cat >"$X/make.sh" <<'SH'
if [ "$1" = xss ]; then
  cat >xss.unix <<'EOF'
#!/bin/sh
echo 'Hello <script>window.__xss=1;alert(1)</script>'
echo '<img src=x onerror="window.__xss=2">'
printf '\033[31mred\033[0m \033]0;title\007 done\n'
echo 'PANIC: <b>boom</b>'
EOF
else
  cat >slow.unix <<'EOF'
#!/bin/sh
echo starting
sleep 8
echo SUCCESS
EOF
fi
chmod +x "$1.unix"
SH
git -C "$X" init -q -b main
git -C "$X" add .
git -C "$X" -c user.name=t -c user.email=t@t commit -qm "a hostile console"
expect_exit 1 "$CI_RUN" local "$X" --db "$DB" --plain --unikernel xss >"$T/xss.out" 2>&1 ||
  { cat "$T/xss.out"; exit 1; }

ids=$(python3 - "$DB" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT id, ref FROM pipelines ORDER BY id").fetchall()
print(json.dumps({"breakId": rows[0][0], "fuzzId": rows[1][0], "xssId": rows[-1][0]}))
PY
)

# ---- the dashboard: ci-run serve on loopback over the store, a token for
# the actions (its jobs run by no worker here: a rebuild stays queued) ------
echo "e2e-dashboard-token" >"$T/token"
echo "e2e-dashboard-webhook-secret" >"$T/secret"
cat >"$T/service.yml" <<YML
listen: 127.0.0.1:0
database: $DB
data-dir: $T/data
cache-dir: $T/cache
github:
  webhook-secret-file: $T/secret
repositories:
  example/repo:
    url: file://$T/repo
worker:
  in-serve: false
web:
  token-file: $T/token
YML
"$CI_RUN" serve --config "$T/service.yml" >"$T/web.log" 2>&1 &
WEB_PID=$!
wait_for 30 "ci-run serve to listen" grep -q "listening on http://" "$T/web.log"
BASE=$(sed -n 's|.*listening on \(http://127.0.0.1:[0-9]*\).*|\1|p' "$T/web.log" | head -1)

BASE=$BASE ARTIFACTS=$ARTIFACTS TOKEN=e2e-dashboard-token IDS=$ids CHROMIUM=$CHROMIUM \
  PUPPETEER="$NPM_DIR/node_modules/puppeteer-core" PROFILE="$T/chromium-profile" \
  CULPRIT=$(git -C "$T/repo" rev-parse perf-regression) \
  FUZZ_COMMIT=$(git -C "$T/repo" rev-parse bootvar-crash) \
  LIVE_CMD="'$CI_RUN' local '$X' --db '$DB' --plain --unikernel slow >'$T/slow.out' 2>&1" \
  node "$E2E/web_dashboard.js" || { tail -20 "$T/web.log"; fail "the dashboard checks failed (above)"; }
ls "$ARTIFACTS"/*.png >/dev/null || fail "no screenshot in $ARTIFACTS"
