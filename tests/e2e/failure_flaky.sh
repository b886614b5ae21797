#!/usr/bin/env bash
# A failed boot runs twice more before the verdict. The fixture unikernel
# `flaky` fails one boot in three (a counter file in its workspace): its
# first boot fails, the reruns pass, so it is `flaky` with a pass rate of
# 2 of 3, its job passes with a warning (`flaky: warn`, the default) and it
# is never bisected; with `flaky: fail` it fails its job. The same image
# whose counter cannot be written fails every boot: deterministic, never
# flaky. The store keeps every case's runs per branch.
source "$(dirname "$0")/common.inc"

repo=$T/repo
mkdir -p "$repo"
cp -r "$SOURCE_DIR/fixtures/unikernels" "$repo/unikernels"
printf '_build/\n' >"$repo/.gitignore"
config() {
  cat <<YML
matrix:
  compiler: [gcc]
  target: [unix]
$1
unikernels:
  flaky:
    path: unikernels
    build: ./build.sh $2 \${target} \${compiler} _build/\${compiler}-\${target}
    image: _build/\${compiler}-\${target}/$2.\${target}
    boot:
      expect: ["^SUCCESS\$"]
      exit: [0]
  steady:
    path: unikernels
    build: ./build.sh flaky \${target} \${compiler} _build/\${compiler}-\${target}
    image: _build/\${compiler}-\${target}/flaky.\${target}
    boot:
      args: ["--counter=no-such-directory/count"]
      expect: ["^SUCCESS\$"]
      exit: [0]
YML
}
commit() { git -C "$repo" add -A && git -C "$repo" -c user.name=t -c user.email=t@t commit -q -m "$1"; }
git -C "$repo" init -q -b main
config "" hello >"$repo/.ci-run.yml"
commit "flaky boots hello: steady"
git -C "$repo" tag steady
config "" flaky >"$repo/.ci-run.yml"
commit "flaky boots the flaky fixture"

# The earlier commit passes the `flaky` cell (and `steady` crashes).
expect_exit 1 "$CI_RUN" local "$repo" --rev steady --plain --json "$T/first.json" >"$T/first.out" 2>&1 ||
  { cat "$T/first.out"; exit 1; }
expect_exit 1 "$CI_RUN" local "$repo" --rev main --plain --json "$T/report.json" --junit "$T/report.xml" \
    >"$T/out" 2>&1 || { cat "$T/out"; exit 1; }
cat "$T/out"
# JUnit: the flaky boot is a <flakyFailure> (Surefire's), the steady one a <failure>.
python3 - "$T/report.xml" <<'PY' || fail "JUnit flaky and failure elements"
import sys, xml.etree.ElementTree as ET
cases = {(tc.get("classname"), tc.get("name")): tc for tc in ET.parse(sys.argv[1]).iter("testcase")}
flaky, steady = cases[("flaky.gcc/unix", "boot")], cases[("steady.gcc/unix", "boot")]
assert flaky.find("failure") is None and flaky.find("flakyFailure") is not None, ET.tostring(flaky)
assert "PANIC: flaky failure" in flaky.find("flakyFailure").text, ET.tostring(flaky)
assert steady.find("failure") is not None and steady.find("flakyFailure") is None, ET.tostring(steady)
PY
job() { json "$T/report.json" "[j for j in d['jobs'] if j['unikernel'] == '$1'][0]$2"; }
[ "$(job flaky "['state']")" = passed ] || fail "the flaky job is $(job flaky "['state']"): $(job flaky "['cause']")"
[ "$(job flaky "['steps'][1]['outcome']")" = flaky ] || fail "flaky boot judged $(job flaky "['steps'][1]['outcome']")"
[ "$(job flaky "['steps'][1]['detail']['runs']")" = 3 ] || fail "runs"
[ "$(job flaky "['steps'][1]['detail']['passes']")" = 2 ] || fail "passes"
[ "$(job flaky "['steps'][1]['detail']['outcomes']")" = "['crashed', 'passed', 'passed']" ] || fail "outcomes"
job flaky "['steps'][1]['cause']" | grep -q "^passed 2 of 3 runs; the first crashed: " || fail "flaky cause: $(job flaky "['steps'][1]['cause']")"
contains "$T/out" "flaky: passed 2 of 3 runs"
# Deterministic: three crashes, never flaky.
[ "$(job steady "['state']")" = failed ] || fail "the steady crash is $(job steady "['state']")"
[ "$(job steady "['steps'][1]['outcome']")" = crashed ] || fail "steady judged $(job steady "['steps'][1]['outcome']")"
[ "$(job steady "['steps'][1]['detail']['outcomes']")" = "['crashed', 'crashed', 'crashed']" ] || fail "steady outcomes"
job steady "['cause']" | grep -q "\[failed 3 of 3 runs\]$" || fail "steady cause: $(job steady "['cause']")"
# Never blamed: no culprit search for the flaky cell (steady failed on both commits).
if grep -q "Culprits" "$T/out"; then fail "a flaky cell was bisected"; fi
[ "$(json "$T/report.json" "len(d.get('bisections', []))")" = 0 ] || fail "bisections in the report"

# The store keeps the runs per case and branch: the pass rate of flaky's boot on main.
python3 - "$repo/.ci-run/ci.db" <<'PY' || fail "case runs in the store"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT branch, unikernel, case_name, outcome, runs, passes FROM case_runs "
                  "WHERE unikernel = 'flaky' ORDER BY id").fetchall()
print(rows)
assert rows == [("steady", "flaky", "boot", "passed", 1, 1), ("main", "flaky", "boot", "flaky", 3, 2)], rows
steady = db.execute("SELECT outcome, runs, passes FROM case_runs WHERE unikernel = 'steady' "
                    "AND branch = 'main'").fetchall()
assert steady == [("crashed", 3, 0)], steady
PY

# A second pipeline on main: the pass rate of the case on the branch, over both.
expect_exit 1 "$CI_RUN" local "$repo" --rev main --no-bisect --plain --json "$T/again.json" >"$T/again.out" 2>&1 ||
  { cat "$T/again.out"; exit 1; }
contains "$T/again.out" "    on main: passed 4 of 6 runs in 2 pipelines"
[ "$(json "$T/again.json" "[s['branch_runs'] for j in d['jobs'] if j['unikernel'] == 'flaky' for s in j['steps'] if s['name'] == 'boot'][0]")" = \
  "{'branch': 'main', 'passes': 4, 'pipelines': 2, 'runs': 6}" ] || fail "branch pass rate in the JSON"

# Bisecting by hand: the flaky commit fails once, then passes: never a culprit.
expect_exit 1 "$CI_RUN" bisect "$repo" --good steady --bad main --only compiler=gcc,target=unix \
    --unikernel flaky --case boot --json "$T/bisect.json" >"$T/bisect.out" 2>&1 || { cat "$T/bisect.out"; exit 1; }
cat "$T/bisect.out"
[ "$(json "$T/bisect.json" "d['verdict']")" = "not confirmed" ] || fail "a flaky commit was confirmed as the culprit"
[ "$(json "$T/bisect.json" "d['culprit']")" = "" ] || fail "a culprit was named"

# flaky: fail: the same flaky boot fails its job.
git -C "$repo" show main:.ci-run.yml | sed 's/^unikernels:/flaky: fail\nunikernels:/' >"$T/strict.yml"
expect_exit 1 "$CI_RUN" local "$repo" --rev main --config "$T/strict.yml" --unikernel flaky --no-bisect \
    --plain --json "$T/strict.json" >"$T/strict.out" 2>&1 || { cat "$T/strict.out"; exit 1; }
[ "$(json "$T/strict.json" "d['jobs'][0]['state']")" = failed ] || fail "flaky: fail did not fail the job"
json "$T/strict.json" "d['jobs'][0]['cause']" | grep -q "^boot: flaky: passed 2 of 3 runs" ||
  fail "strict cause: $(json "$T/strict.json" "d['jobs'][0]['cause']")"
