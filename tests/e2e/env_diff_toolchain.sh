#!/usr/bin/env bash
# Every job records its manifest; two runs of the example repository where
# only the toolchain changes (the `gcc` toolchain is a prefix whose gcc wraps
# the real one and, in the second run, reports another version) differ in
# exactly that, and `ci-run env-diff` names it and nothing else. A third run
# whose compiler is broken turns the same cell red with no source change: its
# summary says so and names what changed. `ci-run which` finds the job of an
# image a pipeline built.
source "$(dirname "$0")/common.inc"
make_repo
real_gcc=$(command -v gcc)
mkdir -p "$T/gcc/bin"
cat >"$T/host.yml" <<YAML
toolchains:
  gcc:
    kind: prefix
    prefix: "$T/gcc"
    version: [gcc, --version]
    env: {CC: gcc}
YAML

# wrapper VERSION_LINE [broken]: PREFIX/bin/gcc runs the real gcc; with a
# version line, `gcc --version` prints that instead; broken: compiling fails.
wrapper() {
  {
    echo '#!/bin/sh'
    [ -n "$1" ] && printf 'if [ "$1" = --version ]; then echo "%s"; exit 0; fi\n' "$1"
    [ "${2:-}" = broken ] && echo 'echo "gcc: internal compiler error: planted" >&2; exit 4'
    echo "exec $real_gcc \"\$@\""
  } >"$T/gcc/bin/gcc"
  chmod +x "$T/gcc/bin/gcc"
}

run() {  # run NAME [FLAGS...]: one pipeline of hello, gcc/virtio (QEMU) and gcc/unix
  local rc=0 name=$1
  shift
  "$CI_RUN" local "$T/repo" --rev good --unikernel hello --only compiler=gcc,target=virtio \
    --only compiler=gcc,target=unix --host-config "$T/host.yml" --db "$T/ci.db" --no-fuzz \
    --plain --json "$T/$name.json" "$@" >"$T/$name.out" 2>&1 || rc=$?
  cat "$T/$name.out"
  echo "$rc" >"$T/$name.rc"
}
job() { json "$T/$1.json" "[j['id'] for j in d['jobs'] if j['cell']['target']=='$2'][0]"; }

wrapper ""
run first
[ "$(cat "$T/first.rc")" = 0 ] || fail "the first run did not pass"
wrapper "gcc (wrapper) 99.1.0"
run second --work-dir "$T/work" --keep-workspaces
[ "$(cat "$T/second.rc")" = 0 ] || fail "the second run did not pass"

# 1. The manifest: the compiler's own version line, the target's QEMU, the image's hash.
a=$(job first virtio)
b=$(job second virtio)
"$CI_RUN" manifest "$a" --db "$T/ci.db" >"$T/manifest.txt"
cat "$T/manifest.txt"
contains "$T/manifest.txt" "$(gcc --version | head -1)"
contains "$T/manifest.txt" "$(qemu-system-x86_64 --version | head -1)"
contains "$T/manifest.txt" "$(git -C "$T/repo" rev-parse good)"
"$CI_RUN" manifest "$b" --db "$T/ci.db" --json >"$T/manifest.json"
[ "$(json "$T/manifest.json" "d['toolchain']['compilers']['gcc']")" = "gcc (wrapper) 99.1.0" ] || fail "the second manifest's gcc"
[ "$(json "$T/manifest.json" "d['toolchain']['location']")" = "$T/gcc" ] || fail "the toolchain's prefix"
[ "$(json "$T/manifest.json" "d['job']['id']")" = "$b" ] || fail "the manifest's job"
# The --json report carries each job's manifest.
[ "$(json "$T/second.json" "[j['manifest']['toolchain']['compilers']['gcc'] for j in d['jobs']]")" = \
  "['gcc (wrapper) 99.1.0', 'gcc (wrapper) 99.1.0']" ] || fail "the report's manifests"
sha=$(json "$T/manifest.json" "d['image']['sha256']")
size=$(json "$T/manifest.json" "d['image']['size']")
[ ${#sha} = 64 ] || fail "no image hash"
[ "$size" -gt 0 ] || fail "no image size"

# 2. The env diff names exactly the compiler, and nothing else.
expect_exit 1 "$CI_RUN" env-diff "$a" "$b" --db "$T/ci.db" >"$T/diff.txt"
cat "$T/diff.txt"
expect_exit 1 "$CI_RUN" env-diff "$a" "$b" --db "$T/ci.db" --json >"$T/diff.json"
[ "$(json "$T/diff.json" "[(c['entry'], c['before'], c['after']) for c in d['changes']]")" = \
  "[('compiler gcc', '$(gcc --version | head -1)', 'gcc (wrapper) 99.1.0')]" ] || fail "the env diff is not exactly the compiler"
contains "$T/diff.txt" "compiler gcc: $(gcc --version | head -1) -> gcc (wrapper) 99.1.0"
# A job against itself: no difference, exit 0.
"$CI_RUN" env-diff "$a" "$a" --db "$T/ci.db" >"$T/same.txt"
contains "$T/same.txt" "no difference"

# 3. which: the image a pipeline built leads back to its jobs (the same
#    bytes came out of both runs), by the file and by a prefix of its hash.
pipeline=$(json "$T/second.json" "d['pipeline']['id']")
built=$T/work/p$pipeline/j$b/$(json "$T/manifest.json" "d['image']['path']")
[ -f "$built" ] || fail "no image at $built"
"$CI_RUN" which "$built" --db "$T/ci.db" >"$T/which.txt"
cat "$T/which.txt"
contains "$T/which.txt" "job $b: hello gcc/virtio (passed)"
contains "$T/which.txt" "commit   $(git -C "$T/repo" rev-parse good)"
"$CI_RUN" which "${sha:0:12}" --db "$T/ci.db" --json >"$T/which.json"
[ "$(json "$T/which.json" "sorted(j['job'] for j in d)")" = "$(python3 -c "print(sorted([$a, $b]))")" ] || fail "which did not find both jobs"
expect_exit 1 "$CI_RUN" which 0123456789abcdef --db "$T/ci.db"
expect_exit 2 "$CI_RUN" which not-a-hash --db "$T/ci.db"

# 4. A broken compiler, same sources: red, and the summary says why.
wrapper "gcc (broken) 100.0" broken
run third
[ "$(cat "$T/third.rc")" = 1 ] || fail "the third run did not fail"
first_pipeline=$pipeline
contains "$T/third.out" "same source as pipeline $first_pipeline (green); environment changed: compiler gcc: gcc (wrapper) 99.1.0 -> gcc (broken) 100.0"
[ "$(json "$T/third.json" "[j['environment_note'] for j in d['jobs'] if j['cell']['target']=='virtio'][0]")" = \
  "same source as pipeline $first_pipeline (green); environment changed: compiler gcc: gcc (wrapper) 99.1.0 -> gcc (broken) 100.0" ] || fail "the JSON report lacks the environment note"
