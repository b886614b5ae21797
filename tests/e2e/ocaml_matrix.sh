#!/usr/bin/env bash
# The OCaml axis with two real compilers: Debian's OCaml 4.13 (built-in
# toolchain ocaml-4.13) and OCaml 4.14 built from source by `ci-run toolchain
# add`. The sources are the npm registry's `ocaml` package (ocaml@4.14.1000 is
# the upstream 4.14.1 compiler), fetched with `npm pack` when missing.
#
# The built compiler is kept between runs on this machine, in
# $CI_RUN_TEST_TOOLCHAINS (default ~/.cache/ci-run-test-toolchains, outside
# build/), keyed by the toolchain name and the tarball's sha256: the first run
# builds it (about 5 minutes on 2 cores), later runs find it registered and
# take seconds. Without the npm registry the test FAILS, saying why.
source "$(dirname "$0")/common.inc"

npm_version=4.14.1000
name=ocaml-4.14
store=${CI_RUN_TEST_TOOLCHAINS:-${XDG_CACHE_HOME:-$HOME/.cache}/ci-run-test-toolchains}
tarball=$store/sources/ocaml-$npm_version.tgz
mkdir -p "$store/sources"

# 1. The sources, from the npm registry.
if [ ! -s "$tarball" ]; then
  command -v npm >/dev/null || fail "npm is not installed: it fetches the OCaml sources (npm pack ocaml@$npm_version)"
  echo "fetching the OCaml sources: npm pack ocaml@$npm_version"
  (cd "$T" && npm pack --silent "ocaml@$npm_version" >"$T/npm.out" 2>&1) ||
    { cat "$T/npm.out" >&2; fail "npm pack ocaml@$npm_version failed: is the npm registry reachable?"; }
  mv "$T/ocaml-$npm_version.tgz" "$tarball"
fi

# 2. The compiler, built and registered (or found registered from the same tarball).
start=$(date +%s)
"$CI_RUN" toolchain add "$name" --ocaml-source "$tarball" --cache-dir "$store" -j 2 >"$T/add.out" 2>&1 ||
  { cat "$T/add.out"; fail "ci-run toolchain add $name failed"; }
cat "$T/add.out"
echo "toolchain add took $(($(date +%s) - start))s"
registration=$store/toolchains/$name/toolchain.yml
[ -f "$registration" ] || fail "no $registration"

# 3. `toolchain list` reads the versions from the compilers themselves.
"$CI_RUN" toolchain list --cache-dir "$store" >"$T/list.out"
cat "$T/list.out"
"$CI_RUN" toolchain list --cache-dir "$store" --json >"$T/list.json"
[ "$(json "$T/list.json" "[t['version'] for t in d if t['name']=='$name']")" = "['4.14.1']" ] || fail "ocaml-4.14 is not 4.14.1"
[ "$(json "$T/list.json" "[t['version'] for t in d if t['name']=='ocaml-4.13']")" = "['4.13.1']" ] || fail "Debian's OCaml is not 4.13.1"
[ "$(json "$T/list.json" "[t['kind'] + ' ' + t['defined_in'] for t in d if t['name']=='$name']")" = "['prefix $registration']" ] || fail "wrong kind or origin"
grep -Eq "^$name +prefix +ocaml +4\.14\.1 +$registration$" "$T/list.out" || fail "the table row of $name"

# 4. The example repository's OCaml unikernels across the OCaml compilers. The
#    registration is also a host-config file; the test's own cache (mirrors,
#    build cache) stays in $T.
make_repo
expect_exit 0 "$CI_RUN" local "$T/repo" --rev good --unikernel ocaml-hello --unikernel ocaml-bootvars \
  --unikernel ocaml-bench --host-config "$registration" --plain --json "$T/report.json" --junit "$T/junit.xml" >"$T/out" 2>&1 ||
  { cat "$T/out"; exit 1; }
cat "$T/out"
[ "$(json "$T/report.json" "sorted((j['cell']['compiler'], j['state']) for j in d['jobs'] if j['unikernel']=='ocaml-bench')")" = \
  "[('ocaml-4.13', 'passed'), ('ocaml-4.14', 'passed'), ('ocaml-5.3', 'skipped')]" ] || fail "wrong bench cells"
[ "$(json "$T/report.json" "len([j for j in d['jobs'] if j['state']=='passed'])")" = 6 ] || fail "expected 6 passed jobs"
# Each cell was built by its own compiler: build.sh logs which ocamlopt ran,
# and the JUnit report keeps each build's log.
python3 - "$T/junit.xml" "$store" <<'PY'
import sys, xml.etree.ElementTree as ET
root, store = ET.parse(sys.argv[1]).getroot(), sys.argv[2]
want = {"ocaml-4.13": "with /usr/bin/ocamlopt 4.13.1",
        "ocaml-4.14": f"with {store}/toolchains/ocaml-4.14/prefix/bin/ocamlopt 4.14.1"}
seen = 0
for case in root.iter("testcase"):
    compiler = case.get("classname").split(".", 1)[1].split("/")[0]
    if case.get("name") != "build" or compiler not in want:
        continue
    out = case.findtext("system-out") or ""
    assert want[compiler] in out, (case.get("classname"), out)
    seen += 1
assert seen == 6, seen
PY
contains "$T/out" "ocaml-bench ocaml-4.13/unix"
contains "$T/out" "ocaml-bench ocaml-4.14/unix"
contains "$T/out" '3 jobs: no toolchain named "ocaml-5.3" on this host'
contains "$T/out" "9 jobs: 6 passed, 3 skipped"
# The benchmark's numbers per compiler: in the JSON report and the summary.
python3 - "$T/report.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
rows = {}
for j in d["jobs"]:
    if j["unikernel"] != "ocaml-bench" or j["state"] != "passed":
        continue
    boot = next(s for s in j["steps"] if s["name"] == "boot")
    m = boot["detail"]["metrics"]
    rows[j["cell"]["compiler"]] = m
    assert m["checksum"]["value"] == 2727795703, m
    assert m["items"]["value"] == 12000000 and m["cycles"]["unit"] == "ns" and m["cycles"]["value"] > 0, m
assert sorted(rows) == ["ocaml-4.13", "ocaml-4.14"], rows
for c, m in sorted(rows.items()):
    print(f"{c}: bench cpu time {m['cycles']['value'] / 1e6:.1f} ms")
PY
grep -Eq "^  ocaml-bench ocaml-4.13/unix +cycles=[0-9]+ ns$" "$T/out" || fail "no 4.13 metrics line in the summary"
grep -Eq "^  ocaml-bench ocaml-4.14/unix +cycles=[0-9]+ ns$" "$T/out" || fail "no 4.14 metrics line in the summary"

# 5. `ci-run bench`: the OCaml benchmark's numbers per compiler (median and
#    spread), from a configuration that gives ocaml-bench a `bench:` section
#    (the example repository's ocaml-bench has none: it would lengthen every
#    pipeline and history run).
git -C "$T/repo" show good:.ci-run.yml >"$T/bench.yml"
tail -1 "$T/bench.yml" | grep -q '^      exit: \[0\]$' || fail "ocaml-bench is no longer the last unikernel of .ci-run.yml"
printf '    bench:\n      runs: 3\n      metrics: [boot_ms, cpu_ms, cycles]\n' >>"$T/bench.yml"
expect_exit 0 "$CI_RUN" bench "$T/repo" --rev good --config "$T/bench.yml" --unikernel ocaml-bench \
  --host-config "$registration" --json "$T/bench.json" >"$T/bench.out" 2>&1 || { cat "$T/bench.out"; exit 1; }
cat "$T/bench.out"
[ "$(json "$T/bench.json" "sorted((r['cell'], r['runs'], r['metrics']['cycles']['unit']) for r in d['results'])")" = \
  "[('compiler=ocaml-4.13,target=unix', 3, 'ns'), ('compiler=ocaml-4.14,target=unix', 3, 'ns')]" ] ||
  fail "ci-run bench did not measure ocaml-bench with both compilers"
grep -Eq "^ocaml-bench ocaml-4.13/unix +cycles " "$T/bench.out" || fail "no 4.13 cycles row in ci-run bench"
grep -Eq "^ocaml-bench ocaml-4.14/unix +cycles " "$T/bench.out" || fail "no 4.14 cycles row in ci-run bench"
