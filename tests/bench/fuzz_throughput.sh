#!/usr/bin/env bash
# Benchmark (not a test): boots per second of `ci-run fuzz` on the gcc/virtio
# cell of the example repository, next to a plain shell loop that runs the
# same qemu-system-x86_64 command (the main boot's, same arguments) as often,
# with the same parallelism. Prints both rates and their ratio.
#
#   tests/bench/fuzz_throughput.sh [BOOTS [JOBS]]     (default 200 boots, nproc jobs)
#   CI_RUN=build/ci-run SOURCE_DIR=. (defaults: the build tree next to this script)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
SOURCE_DIR=${SOURCE_DIR:-$(cd "$here/../.." && pwd)}
CI_RUN=${CI_RUN:-$SOURCE_DIR/build/ci-run}
boots=${1:-200}
jobs=${2:-$(nproc)}
T=$(mktemp -d "${TMPDIR:-/tmp}/ci-run-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
export CI_RUN_CACHE_DIR="$T/cache"

"$SOURCE_DIR/fixtures/repos/make-example-repo.sh" "$T/repo" >/dev/null
now() { date +%s%N; }
# bootvar-fixed: nothing to find, so every boot is a fuzz boot (no minimising).
echo "==> ci-run fuzz: $boots inputs, $jobs at once (bootvars gcc/virtio at bootvar-fixed)"
"$CI_RUN" fuzz "$T/repo" --rev bootvar-fixed --unikernel bootvars --only compiler=gcc,target=virtio \
  --boots "$boots" --jobs "$jobs" --plain --keep-workspaces --json "$T/fuzz.json" >"$T/fuzz.out" 2>&1 ||
  { cat "$T/fuzz.out"; exit 1; }
read -r fuzz_rate fuzz_boots fuzz_ms cmd < <(python3 - "$T/fuzz.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
f = d["fuzz"]
print(f"{f['boots_per_s']:.2f}", f["boots"], f["fuzz_ms"], d["boot_command"])
PY
)
case "$cmd" in qemu-system-x86_64\ *) ;; *) echo "unexpected boot command: $cmd" >&2; exit 1 ;; esac

echo "==> shell loop: the same QEMU command $fuzz_boots times, $jobs at once"
echo "    $cmd"
per_worker=$(((fuzz_boots + jobs - 1) / jobs))
t0=$(now)
for _ in $(seq "$jobs"); do
  (for _ in $(seq "$per_worker"); do eval "timeout -s KILL 20 $cmd" </dev/null >/dev/null 2>&1 || true; done) &
done
wait
t1=$(now)
loop_boots=$((per_worker * jobs))
loop_ms=$(((t1 - t0) / 1000000))
python3 - "$fuzz_rate" "$fuzz_boots" "$fuzz_ms" "$loop_boots" "$loop_ms" "$jobs" <<'PY'
import sys
fuzz_rate, fuzz_boots, fuzz_ms = float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
loop_boots, loop_ms, jobs = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
loop_rate = loop_boots * 1000.0 / loop_ms
print(f"ci-run fuzz : {fuzz_boots} boots in {fuzz_ms / 1000:.1f}s = {fuzz_rate:.1f} boots/s ({jobs} at once)")
print(f"shell loop  : {loop_boots} boots in {loop_ms / 1000:.1f}s = {loop_rate:.1f} boots/s ({jobs} at once)")
print(f"ratio       : ci-run fuzz runs at {fuzz_rate / loop_rate:.2f}x the shell loop's rate")
PY
loop_rate=$(awk -v b="$loop_boots" -v ms="$loop_ms" 'BEGIN {printf "%.2f", b * 1000 / ms}')
source "$here/lib.sh"
record fuzz_throughput "ci-run fuzz, boots/s ($jobs at once)" "$fuzz_rate" boots/s "$loop_rate" "shell loop, same QEMU command"
echo "(load average: $(cut -d' ' -f1-3 /proc/loadavg))"
