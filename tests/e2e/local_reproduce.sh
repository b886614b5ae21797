#!/usr/bin/env bash
# A printed `reproduce:` line, run as printed, gets the same outcome: it
# repeats the run's --cmdline (else the rerun boots with the configured
# arguments and passes) and its --db and --cache-dir (else the rerun builds
# into another cache and records into a second database).
source "$(dirname "$0")/common.inc"
make_repo
cell=(--unikernel bootvars --only compiler=gcc,target=unix)
# At bootvar-fixed every configured boot passes; a bad port is rejected.
expect_exit 1 "$CI_RUN" local "$T/repo" --rev bootvar-fixed "${cell[@]}" --plain \
  --db "$T/state/runs.db" --cache-dir "$T/mycache" --json "$T/first.json" \
  --cmdline=--port=x >"$T/first.out" 2>&1 || { cat "$T/first.out"; exit 1; }
cat "$T/first.out"
line=$(sed -n 's/^    reproduce: //p' "$T/first.out" | head -1)
[ -n "$line" ] || fail "no reproduce: line printed"
case "$line" in *"--cmdline=--port=x"*) ;; *) fail "the reproducer drops --cmdline: $line" ;; esac
case "$line" in *"--db $T/state/runs.db"*) ;; *) fail "the reproducer drops --db: $line" ;; esac
case "$line" in *"--cache-dir $T/mycache"*) ;; *) fail "the reproducer drops --cache-dir: $line" ;; esac
outcome() { json "$1" "d['jobs'][0]['steps'][1]['outcome']"; }
first=$(outcome "$T/first.json")
[ "$first" != passed ] || fail "the bad port was not judged a failure"

# Run as printed, from elsewhere.
(cd / && expect_exit 1 bash -c "$line --plain --json $T/again.json") >"$T/again.out" 2>&1 ||
  { cat "$T/again.out"; exit 1; }
[ "$(outcome "$T/again.json")" = "$first" ] ||
  { cat "$T/again.out"; fail "the reproducer's boot was $(outcome "$T/again.json"), not $first"; }
# The same store and cache: two pipelines in runs.db, no second database,
# nothing in the default cache.
[ "$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM pipelines').fetchone()[0])" "$T/state/runs.db")" = 2 ] ||
  fail "the rerun did not record into --db"
[ ! -e "$T/repo/.ci-run/ci.db" ] || fail "the rerun created a second database"
[ ! -e "$T/cache" ] || fail "the rerun built into the default cache"
[ -z "$(leftovers)" ] || fail "processes left behind: $(leftovers)"
echo "the reproducer reproduced: $first, same store, same cache"
