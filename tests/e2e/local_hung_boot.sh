#!/usr/bin/env bash
# A boot that hangs is killed at its timeout, judged `hung`, and leaves no QEMU behind.
source "$(dirname "$0")/common.inc"
make_repo
cat >"$T/hang.yml" <<'YML'
matrix:
  compiler: [gcc]
  target: [virtio, unix]
unikernels:
  bootvars:
    path: unikernels
    build: ./build.sh bootvars ${target} ${compiler} _build/${compiler}-${target}
    image: _build/${compiler}-${target}/bootvars.${target}
    boot:
      args: ["--port=0"]
      expect: ["^SUCCESS$"]
      timeout: 2s
YML
start=$(date +%s)
expect_exit 1 "$CI_RUN" local "$T/repo" --rev bootvar-crash --config "$T/hang.yml" --plain --json "$T/report.json" >"$T/out" 2>&1
cat "$T/out"
elapsed=$(($(date +%s) - start))
[ "$(json "$T/report.json" "sorted(j['steps'][1]['outcome'] for j in d['jobs'])")" = "['hung', 'hung']" ] || fail "boots not judged hung"
contains "$T/out" "timed out after 2s"
[ -z "$(leftovers)" ] || fail "processes left behind: $(leftovers)"
echo "two hung boots judged in ${elapsed}s"

# A negative test: the same boot, expected to hang, passes; fuzzing from its
# arguments would find nothing running, so the fuzz step says why it skipped.
cat >"$T/expect-hang.yml" <<'YML'
matrix:
  compiler: [gcc]
  target: [unix]
unikernels:
  bootvars:
    path: unikernels
    build: ./build.sh bootvars ${target} ${compiler} _build/${compiler}-${target}
    image: _build/${compiler}-${target}/bootvars.${target}
    boot:
      args: ["--port=0"]
      expect: ["^SUCCESS$"]
      timeout: 2s
      outcome: hung
    fuzz:
      keys: {port: "int[0,65535]"}
      boots: 5
YML
expect_exit 0 "$CI_RUN" local "$T/repo" --rev bootvar-crash --config "$T/expect-hang.yml" --plain --json "$T/expected.json" >"$T/expected.out" 2>&1 ||
  { cat "$T/expected.out"; exit 1; }
step() { json "$T/expected.json" "[s['$2'] for s in d['jobs'][0]['steps'] if s['name'] == '$1'][0]"; }
[ "$(step boot outcome)" = passed ] || fail "the expected hang did not pass: $(step boot cause)"
[ "$(step fuzz outcome)" = skipped ] || fail "the fuzz step ran: $(step fuzz outcome)"
[ "$(step fuzz cause)" = "the main boot expects outcome hung, so its arguments give fuzzing no running unikernel" ] ||
  fail "unexpected fuzz skip reason: $(step fuzz cause)"
[ -z "$(leftovers)" ] || fail "processes left behind: $(leftovers)"
