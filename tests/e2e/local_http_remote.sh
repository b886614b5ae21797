#!/usr/bin/env bash
# A repository served over smart HTTP on loopback (git http-backend behind a
# CGI server) is fetched by libgit2 and tested like a local path.
source "$(dirname "$0")/common.inc"
make_repo
git clone -q --bare "$T/repo" "$T/srv/example.git"
chmod 755 "$T"  # as root, Python's CGI server runs scripts as nobody
mkdir -p "$T/www/cgi-bin"
cat >"$T/www/cgi-bin/git" <<SH
#!/bin/sh
export GIT_PROJECT_ROOT="$T/srv" GIT_HTTP_EXPORT_ALL=1
# Running as nobody, git would distrust a repository owned by root.
export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=safe.directory GIT_CONFIG_VALUE_0='*'
exec git http-backend
SH
chmod +x "$T/www/cgi-bin/git"
# The server binds port 0 and writes the port it got (no window in which
# another process could take a port chosen in advance).
(cd "$T/www" && exec python3 -W ignore - "$T/http.port" >"$T/http.log" 2>&1) <<'PY' &
import http.server, sys
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.CGIHTTPRequestHandler)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
server.serve_forever()
PY
server=$!
trap 'rc=$?; set +e; kill $server 2>/dev/null; wait $server 2>/dev/null; (exit $rc); cleanup' EXIT
for _ in $(seq 300); do [ -s "$T/http.port" ] && break; sleep 0.1; done
[ -s "$T/http.port" ] || { cat "$T/http.log"; fail "the HTTP server did not start"; }
port=$(cat "$T/http.port")
url="http://127.0.0.1:$port/cgi-bin/git/example.git"
cd "$T"  # for a URL, ci-run keeps its state in ./.ci-run
expect_exit 0 "$CI_RUN" local "$url" --rev good --unikernel hello --only target=unix --plain --json "$T/r.json" >"$T/out" 2>&1 || { cat "$T/out" "$T/http.log"; exit 1; }
cat "$T/out"
[ "$(json "$T/r.json" "d['pipeline']['repo']")" = "$url" ] || fail "pipeline repo is not the URL"
[ "$(json "$T/r.json" "[j['state'] for j in d['jobs']]")" = "['passed', 'passed']" ] || fail "jobs did not pass"
contains "$T/http.log" "git-upload-pack"
