#!/usr/bin/env bash
# `ci-run local --env-from JOB` runs the recorded job's unikernel and cell
# with the environment it recorded where this host has it: after the `gcc`
# toolchain is upgraded, the host's other toolchain whose compiler reports
# the recorded version (gcc-old) runs under the name `gcc`, and the new job's
# compiler is the recorded one. Where the host has it not, the run says
# precisely what differs, before (from the host) and after (from the new
# job's manifest).
source "$(dirname "$0")/common.inc"
make_repo
real_gcc=$(command -v gcc)

# wrapper DIR VERSION_LINE: DIR/bin/gcc runs the real gcc and reports VERSION_LINE.
wrapper() {
  mkdir -p "$1/bin"
  printf '#!/bin/sh\nif [ "$1" = --version ]; then echo "%s"; exit 0; fi\nexec %s "$@"\n' \
    "$2" "$real_gcc" >"$1/bin/gcc"
  chmod +x "$1/bin/gcc"
}
toolchain() {  # toolchain NAME DIR: a host config entry
  printf '  %s:\n    kind: prefix\n    prefix: "%s"\n    version: [gcc, --version]\n    env: {CC: gcc}\n' "$1" "$2"
}

run() {  # run NAME FLAGS...: a local run of the example repository at `good`
  local rc=0 name=$1
  shift
  "$CI_RUN" local "$T/repo" --rev good --host-config "$T/host.yml" --db "$T/ci.db" --no-fuzz \
    --no-bench --plain --json "$T/$name.json" "$@" >"$T/$name.out" 2>&1 || rc=$?
  cat "$T/$name.out"
  [ "$rc" = 0 ] || fail "run $name exited with $rc"
}

wrapper "$T/gcc" "gcc (wrapper) 1.0"
{ echo "toolchains:"; toolchain gcc "$T/gcc"; } >"$T/host.yml"
run first --unikernel hello --only compiler=gcc,target=virtio
recorded=$(json "$T/first.json" "d['jobs'][0]['id']")
[ "$(json "$T/first.json" "d['jobs'][0]['manifest']['toolchain']['compilers']['gcc']")" = "gcc (wrapper) 1.0" ] ||
  fail "the first job did not record its compiler"

# 1. gcc is upgraded; the old one stays on this host as gcc-old.
wrapper "$T/gcc" "gcc (wrapper) 2.0"
wrapper "$T/gcc-old" "gcc (wrapper) 1.0"
{ echo "toolchains:"; toolchain gcc "$T/gcc"; toolchain gcc-old "$T/gcc-old"; } >"$T/host.yml"
run pinned --env-from "$recorded" --no-cache  # a real build with the pinned compiler
contains "$T/pinned.out" "Environment of job $recorded (hello gcc/virtio, pipeline 1):"
contains "$T/pinned.out" "  toolchain gcc: this host's gcc-old (its compilers report what the job recorded)"
contains "$T/pinned.out" "  this host has all of it"
# The recorded job's unikernel and cell, and nothing else.
[ "$(json "$T/pinned.json" "[j['name'] for j in d['jobs']]")" = "['hello gcc/virtio']" ] ||
  fail "--env-from did not select the recorded job's unikernel and cell"
[ "$(json "$T/pinned.json" "d['jobs'][0]['manifest']['toolchain']['compilers']['gcc']")" = "gcc (wrapper) 1.0" ] ||
  fail "the pinned job did not build with the recorded compiler"
# After the run: the one difference left is where that compiler lives.
contains "$T/pinned.out" "Environment against job $recorded:"
python3 - "$T/pinned.out" "$T" <<'PY' || fail "the pinned run's environment is not the recorded one but for the prefix"
import sys
out = open(sys.argv[1]).read()
tail = out[out.index("Environment against job"):].splitlines()[1:]
want = ["  hello gcc/virtio: differs", f"    toolchain location: {sys.argv[2]}/gcc -> {sys.argv[2]}/gcc-old"]
assert tail == want, tail
PY

# 2. Without gcc-old this host has not got the recorded compiler: it says so,
#    before the run and after it, and still runs what it has.
{ echo "toolchains:"; toolchain gcc "$T/gcc"; } >"$T/host.yml"
run unpinned --env-from "$recorded"
contains "$T/unpinned.out" "  differs: compiler gcc: recorded gcc (wrapper) 1.0, this host has gcc (wrapper) 2.0"
not grep -q "this host has all of it" "$T/unpinned.out"
python3 - "$T/unpinned.out" <<'PY' || fail "the unpinned run does not name exactly the compiler"
import sys
out = open(sys.argv[1]).read()
tail = out[out.index("Environment against job"):].splitlines()[1:]
want = ["  hello gcc/virtio: differs", "    compiler gcc: gcc (wrapper) 1.0 -> gcc (wrapper) 2.0"]
assert tail == want, tail
PY

# 3. A job without a manifest is refused before anything runs.
expect_exit 2 "$CI_RUN" local "$T/repo" --rev good --host-config "$T/host.yml" --db "$T/ci.db" \
  --env-from 9999 --plain >"$T/missing.out" 2>&1
contains "$T/missing.out" "--env-from 9999: job has no manifest in $T/ci.db"
