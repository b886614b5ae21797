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
