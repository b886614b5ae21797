#!/usr/bin/env bash
# Every failure carries the lines that matter (an excerpt) in the terminal
# summary, the JSON report and the JUnit <failure> text: the compiler's
# first error of a build that breaks, the crash line of a boot that
# crashes, the line a fail pattern matched, the last lines before a hang;
# and a console of tens of MB gives an excerpt of a few KB.
source "$(dirname "$0")/common.inc"
make_repo

# A build failure: the clang cells at build-break.
expect_exit 1 "$CI_RUN" local "$T/repo" --rev build-break --unikernel hello --only compiler=clang,target=unix \
    --no-bisect --plain --json "$T/build.json" --junit "$T/build.xml" >"$T/build.out" 2>&1
cat "$T/build.out"
excerpt() { json "$1" "[s.get('excerpt', '') for j in d['jobs'] for s in j['steps'] if s['name'] == '$2'][0]"; }
excerpt "$T/build.json" build >"$T/build.excerpt"
grep -q '^>.* | .*error: ' "$T/build.excerpt" || fail "the build excerpt does not mark the compiler's error: $(cat "$T/build.excerpt")"
contains "$T/build.out" "lines that matter (build):"
grep -q '^      >.*error: ' "$T/build.out" || fail "the summary does not show the error line"
python3 - "$T/build.xml" <<'PY' || fail "the JUnit failure text is not the excerpt"
import sys, xml.etree.ElementTree as ET
failures = [f for f in ET.parse(sys.argv[1]).iter("failure")]
assert len(failures) == 1, len(failures)
assert "error: " in failures[0].text and " | " in failures[0].text, failures[0].text
PY

# A crash, a fail pattern and a hang, each the main boot of a cell.
cat >"$T/red.yml" <<'YML'
matrix:
  compiler: [gcc]
  target: [unix]
reruns: 0
unikernels:
  crash:
    path: unikernels
    build: ./build.sh bootvars ${target} ${compiler} _build/${compiler}-${target}
    image: _build/${compiler}-${target}/bootvars.${target}
    boot:
      args: ["--name=nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"]
      expect: ["^SUCCESS$"]
  pattern:
    path: unikernels
    build: ./build.sh hello ${target} ${compiler} _build/${compiler}-${target}
    image: _build/${compiler}-${target}/hello.${target}
    boot:
      args: ["--greeting=hi", "oops: disk on fire"]
      expect: ["^SUCCESS$"]
      fail: ["disk on fire"]
  hang:
    path: unikernels
    build: ./build.sh bootvars ${target} ${compiler} _build/${compiler}-${target}
    image: _build/${compiler}-${target}/bootvars.${target}
    boot:
      args: ["--name=hung", "--port=0"]
      expect: ["^SUCCESS$"]
      timeout: 2s
YML
expect_exit 1 "$CI_RUN" local "$T/repo" --rev bootvar-crash --config "$T/red.yml" --no-fuzz --no-bisect \
    --plain --json "$T/red.json" --junit "$T/red.xml" >"$T/red.out" 2>&1
cat "$T/red.out"
# Each excerpt into a file first: `grep -q` on a pipe would close it early.
for u in crash pattern hang; do
  json "$T/red.json" "[s.get('excerpt', '') for j in d['jobs'] if j['unikernel'] == '$u' for s in j['steps'] if s['name'] == 'boot'][0]" >"$T/$u.excerpt"
done
grep -q '^>.* | PANIC: stack smashing detected$' "$T/crash.excerpt" || fail "crash excerpt: $(cat "$T/crash.excerpt")"
grep -q '^>.* | arg\[2\]: oops: disk on fire$' "$T/pattern.excerpt" || fail "pattern excerpt: $(cat "$T/pattern.excerpt")"
grep -q '^ .* | Hello from unix$' "$T/pattern.excerpt" || fail "the lines before the match are missing: $(cat "$T/pattern.excerpt")"
grep -q ' | name: "hung"$' "$T/hang.excerpt" || fail "hang excerpt lacks the last lines: $(cat "$T/hang.excerpt")"
grep -q '^>' "$T/hang.excerpt" && fail "a hang has no matched line: $(cat "$T/hang.excerpt")"
[ "$(grep -c "lines that matter (boot):" "$T/red.out")" = 3 ] || fail "the summary does not show three excerpts"
python3 - "$T/red.xml" <<'PY' || fail "JUnit failure texts"
import sys, xml.etree.ElementTree as ET
texts = {tc.get("classname").split(".")[0]: tc.find("failure").text
         for tc in ET.parse(sys.argv[1]).iter("testcase") if tc.find("failure") is not None}
assert "PANIC: stack smashing detected" in texts["crash"], texts
assert "oops: disk on fire" in texts["pattern"], texts
assert 'name: "hung"' in texts["hang"], texts
PY

# A console of 40 MB: the excerpt stays a few KB.
mkdir -p "$T/big"
git -C "$T/big" init -q
cat >"$T/big/talk.sh" <<'SH'
#!/bin/sh
head -c 40000000 /dev/zero | tr '\0' 'x' | fold -w 4000
echo
echo "PANIC: after 40 MB"
exit 255
SH
cat >"$T/big/.ci-run.yml" <<'YML'
matrix:
  target: [unix]
reruns: 0
unikernels:
  talk:
    build: cp talk.sh talk.unix && chmod +x talk.unix
    image: talk.unix
    boot:
      expect: ["^SUCCESS$"]
      timeout: 120s
YML
git -C "$T/big" add -A
git -C "$T/big" -c user.name=t -c user.email=t@t commit -q -m big
expect_exit 1 "$CI_RUN" local "$T/big" --rev HEAD --no-bisect --plain --json "$T/big.json" >"$T/big.out" 2>&1
tail -25 "$T/big.out"
size=$(json "$T/big.json" "len(d['jobs'][0]['steps'][1]['excerpt'])")
[ "$size" -le 4200 ] || fail "a 40 MB console gave an excerpt of $size bytes"
# The whole console is judged: the crash after 40 MB is found, and the
# excerpt shows the lines before it and marks it.
json "$T/big.json" "d['jobs'][0]['steps'][1]['excerpt']" >"$T/big.excerpt"
grep -q ' | xxxx' "$T/big.excerpt" || fail "the excerpt of the big console lacks the lines before the crash"
grep -q '^ *>10001 | PANIC: after 40 MB' "$T/big.excerpt" ||
  fail "the excerpt of the big console does not mark the crash: $(cat "$T/big.excerpt")"
contains "$T/big.out" 'crash signature /PANIC/ matched: "PANIC: after 40 MB"'
echo "excerpt of a 40 MB console: $size bytes"
