#!/usr/bin/env bash
# Benchmark (not a test): what the sandbox costs. Boots the example
# repository's hello image through `ci-run boot` with and without
# --no-sandbox (unix and virtio), and runs a whole uncached build-and-boot job
# (`ci-run local --no-cache`) both ways, interleaved, and prints the medians
# and their ratios (boxed / unboxed).
#
#   tests/bench/sandbox_cost.sh [BOOT_ROUNDS [JOB_ROUNDS]]   (default 20 and 5)
#   CI_RUN=build/ci-run SOURCE_DIR=. (defaults: the build tree next to this script)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
SOURCE_DIR=${SOURCE_DIR:-$(cd "$here/../.." && pwd)}
CI_RUN=${CI_RUN:-$SOURCE_DIR/build/ci-run}
boot_rounds=${1:-20}
job_rounds=${2:-5}
T=$(mktemp -d "${TMPDIR:-/tmp}/ci-run-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
export CI_RUN_CACHE_DIR="$T/cache"

"$SOURCE_DIR/fixtures/repos/make-example-repo.sh" "$T/repo" >/dev/null
source "$here/lib.sh"
now() { now_ns; }

echo "==> building hello for unix and virtio"
"$CI_RUN" local "$T/repo" --unikernel hello --only compiler=gcc,target=unix \
  --only compiler=gcc,target=virtio --keep-workspaces --no-fuzz --no-bench --plain \
  --work-dir "$T/work" >"$T/build.out" 2>&1 || { cat "$T/build.out"; exit 1; }
unix_image=$(find "$T/work" -name hello.unix | head -1)
virtio_image=$(find "$T/work" -name hello.virtio | head -1)
[ -n "$unix_image" ] && [ -n "$virtio_image" ] || { echo "no images built" >&2; exit 1; }

# time_ms CMD...: wall milliseconds of one run (its output discarded).
time_ms() {
  local t0 t1
  t0=$(now)
  "$@" >/dev/null 2>&1 || true
  t1=$(now)
  echo $(((t1 - t0) / 1000000))
}

for target in unix virtio; do
  image=$unix_image
  [ $target = virtio ] && image=$virtio_image
  echo "==> ci-run boot, $target: $boot_rounds rounds, boxed and unboxed interleaved"
  : >"$T/$target-boxed" && : >"$T/$target-plain"
  for _ in $(seq "$boot_rounds"); do
    time_ms "$CI_RUN" boot "$image" --target $target -q >>"$T/$target-boxed"
    time_ms "$CI_RUN" boot "$image" --target $target -q --no-sandbox >>"$T/$target-plain"
  done
done

echo "==> ci-run local --no-cache (checkout, build, boot), $job_rounds rounds each way"
: >"$T/job-boxed" && : >"$T/job-plain"
for _ in $(seq "$job_rounds"); do
  for mode in boxed plain; do
    flag=()
    [ $mode = plain ] && flag=(--no-sandbox)
    time_ms "$CI_RUN" local "$T/repo" --unikernel hello --only compiler=gcc,target=unix \
      --no-cache --no-fuzz --no-bench --plain --db "$T/$mode.db" --work-dir "$T/work-$mode" \
      "${flag[@]}" >>"$T/job-$mode"
  done
done

echo
table_header
for what in unix virtio job; do
  boxed=$(median <"$T/$what-boxed")
  plain=$(median <"$T/$what-plain")
  case $what in
  unix) label="boot hello, unix (process)" ;;
  virtio) label="boot hello, virtio (QEMU TCG)" ;;
  job) label="build + boot job, gcc/unix" ;;
  esac
  record sandbox_cost "$label, boxed, median" "$boxed" ms "$plain" "the same with --no-sandbox"
done
