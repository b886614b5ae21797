#!/usr/bin/env bash
# Benchmark (not a test): what a boot through ci-run costs next to the same
# boot run by hand. For each target of the example repository's hello
# (unix, virtio, xen under QEMU's PVH loader, virtio-arm64) it times, in
# interleaved rounds: the raw command that `ci-run local --dry-run` prints
# (qemu-system-* or the process), `ci-run boot --no-sandbox` (the harness:
# supervision, console judging, exit decoding) and `ci-run boot` (the
# harness in the bubblewrap sandbox). Ratios are against the raw command.
#
#   tests/bench/boot_overhead.sh [ROUNDS]      (default 10)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
rounds=${1:-10}
T=$(mktemp -d "${TMPDIR:-/tmp}/ci-run-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
export CI_RUN_CACHE_DIR="$T/cache"
targets=(unix virtio xen virtio-arm64)

"$SOURCE_DIR/fixtures/repos/make-example-repo.sh" "$T/repo" >/dev/null
only=()
for t in "${targets[@]}"; do only+=(--only "compiler=gcc,target=$t"); done
echo "==> building hello for ${targets[*]}" >&2
"$CI_RUN" local "$T/repo" --rev good --unikernel hello "${only[@]}" --keep-workspaces --no-fuzz \
  --no-bench --plain --work-dir "$T/work" --db "$T/ci.db" >"$T/build.out" 2>&1 ||
  { cat "$T/build.out" >&2; exit 1; }
"$CI_RUN" local "$T/repo" --rev good --unikernel hello "${only[@]}" --dry-run >"$T/dry.out" 2>&1

table_header
for t in "${targets[@]}"; do
  image=$(find "$T/work" -path "*/_build/gcc-$t/hello.$t" | head -1)
  [ -n "$image" ] || { echo "no hello.$t built" >&2; exit 1; }
  workspace=${image%/unikernels/_build/*}
  # The raw command, exactly as the pipeline would run it, $WORKSPACE filled in.
  raw=$(awk -v cell="hello gcc/$t" '$0 == cell {getline; getline; sub(/^  boot: /, ""); print; exit}' "$T/dry.out")
  [ -n "$raw" ] || { echo "no boot command for gcc/$t in the dry run" >&2; exit 1; }
  raw=${raw//\$WORKSPACE/$workspace}
  : >"$T/raw" && : >"$T/plain" && : >"$T/boxed"
  for _ in $(seq "$rounds"); do
    time_ms_any bash -c "$raw" >>"$T/raw"
    time_ms "$CI_RUN" boot "$image" --target "$t" -q --no-sandbox -- --greeting=hi "two words" >>"$T/plain"
    time_ms "$CI_RUN" boot "$image" --target "$t" -q -- --greeting=hi "two words" >>"$T/boxed"
  done
  raw_ms=$(median <"$T/raw")
  record boot_overhead "boot hello $t: ci-run boot --no-sandbox (median ms)" "$(median <"$T/plain")" ms "$raw_ms" "raw command"
  record boot_overhead "boot hello $t: ci-run boot, sandboxed (median ms)" "$(median <"$T/boxed")" ms "$raw_ms" "raw command"
done
