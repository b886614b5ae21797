#!/usr/bin/env bash
# Benchmark (not a test) of coverage-guided fuzzing (docs/fuzzing.md):
#  1. the plugin's cost: the same QEMU boot of deepvars.virtio BOOTS times in
#     a row, plain, with the coverage plugin (blocks) and with mode=edges;
#  2. the fixture deepvars on gcc/virtio, the same budget and seeds, with and
#     without coverage: findings, the input that first showed each, boots/s,
#     blocks covered;
#  3. the stored corpus: a second campaign (another seed) boots it first; the
#     inputs it needs to reach the blocks the first campaign ended with.
#
#   tests/bench/fuzz_coverage.sh [BUDGET [SEEDS [BOOTS]]]   (default 250 inputs, 2 seeds, 40 boots)
#   CI_RUN=build/ci-run SOURCE_DIR=. (defaults: the build tree next to this script)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
SOURCE_DIR=${SOURCE_DIR:-$(cd "$here/../.." && pwd)}
CI_RUN=${CI_RUN:-$SOURCE_DIR/build/ci-run}
budget=${1:-250}
seeds=${2:-2}
boots=${3:-40}
plugin=$(dirname "$CI_RUN")/qemu_plugins/coverage.so
[ -f "$plugin" ] || { echo "no $plugin: build it first (qemu_plugins/fetch-qemu-plugin-header.sh)" >&2; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/ci-run-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
export CI_RUN_CACHE_DIR="$T/cache"
now() { date +%s%N; }

echo "==> 1. plugin cost: deepvars.virtio, $boots boots in a row each"
image=$("$SOURCE_DIR/fixtures/unikernels/build.sh" deepvars virtio gcc "$T/img" | tail -1)
qemu=(qemu-system-x86_64 -M microvm -cpu qemu64 -nodefaults -no-reboot -display none -serial stdio
  -m 64M -device isa-debug-exit,iobase=0x501,iosize=2)
loop() {
  local t0 t1
  t0=$(now)
  for _ in $(seq "$boots"); do
    timeout -s KILL 20 "${qemu[@]}" "$@" -kernel "$image" -append "--name=ci --port=8443" \
      </dev/null >/dev/null 2>&1 || true
  done
  t1=$(now)
  echo $(((t1 - t0) / boots / 1000000))
}
plain=$(loop)
blocks=$(loop -plugin "$plugin,out=$T/c.txt")
edges=$(loop -plugin "$plugin,out=$T/e.txt,mode=edges")
printf "   plain %d ms/boot, blocks %d ms/boot (x%.2f), edges %d ms/boot (x%.2f); %d blocks, %d edges\n" \
  "$plain" "$blocks" "$(awk "BEGIN{print $blocks / $plain}")" "$edges" "$(awk "BEGIN{print $edges / $plain}")" \
  "$(($(wc -l <"$T/c.txt") - 1))" "$(($(wc -l <"$T/e.txt") - 1))"

echo "==> 2. deepvars gcc/virtio, $budget inputs, 2 at once, with and without coverage"
"$SOURCE_DIR/fixtures/repos/make-deepvars-repo.sh" "$T/repo" >/dev/null
campaign() {  # NAME FLAGS...
  local name=$1
  shift
  "$CI_RUN" fuzz "$T/repo" --unikernel deepvars --only compiler=gcc,target=virtio --boots "$budget" \
    -j2 --plain --json "$T/$name.json" "$@" >"$T/$name.out" 2>&1 || [ $? -eq 1 ] ||
    { cat "$T/$name.out"; exit 1; }
  python3 - "$T/$name.json" "$name" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["fuzz"]
c = d["coverage"]
found = ", ".join(f"{f['outcome']} at input {f['first_input']}" for f in d["findings"]) or "none"
blocks = f"{c['calibration_blocks']} -> {c['blocks']} blocks" if c.get("enabled") else "coverage off"
print(f"   {sys.argv[2]:<18} findings: {found}; {d['boots_per_s']:.1f} boots/s; {blocks}")
PY
}
for seed in $(seq "$seeds"); do
  campaign "guided-seed$seed" --seed "$seed" --no-corpus
  campaign "blind-seed$seed" --seed "$seed" --no-coverage --no-corpus
done

echo "==> 3. the stored corpus: night 1 (seed 1) stores it, night 2 (seed 2) boots it first"
campaign night1 --seed 1
campaign night2 --seed 2
python3 - "$T/night1.json" "$T/night2.json" <<'PY'
import json, sys
def reach(path, target):
    c = json.load(open(path))["fuzz"]["coverage"]
    return next((n for n, b in c["growth"] if b >= target), None), c
n1, c1 = reach(sys.argv[1], 0)
target = c1["blocks"]
first = next(n for n, b in c1["growth"] if b >= target)
second, c2 = reach(sys.argv[2], target)
print(f"   night 1 reached {target} blocks at input {first}; night 2 at input "
      f"{second if second is not None else 'never'} ({c2['seed_inputs']} stored inputs booted first, "
      f"{c2['blocks']} blocks at the end)")
PY
