#!/usr/bin/env bash
# Reliability: the three YAML config parsers (`.ci-run.yml`, the host config,
# the service config) under libFuzzer with AddressSanitizer and
# UndefinedBehaviorSanitizer, SECONDS each. Builds the fuzz targets
# (tests/fuzz/libfuzzer/, clang), seeds each from the repository's own
# configurations (tests/fuzz/seeds.py) and the checked-in malformed files
# (tests/fuzz/malformed/), and runs it. Each target aborts when a parser's
# error has a line without FILE:LINE:COL (tests/fuzz/config_parsers.h); a
# crash, a sanitizer report, an input slower than 10 s or over 2 GB of memory
# is a failure too. Prints runs, crashes and corpus size per parser; fails if
# any parser crashed (the input is kept in FUZZ_BUILD/artifacts/).
#
#   tests/reliability/config_fuzz.sh [SECONDS]   (default 60 per parser)
#
# Needs clang and libFuzzer's runtime (Debian: clang, libclang-rt-14-dev);
# without them it says so and exits 77 (ctest: skipped).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../bench/lib.sh"
secs=${1:-60}
FUZZ_BUILD=${FUZZ_BUILD:-$SOURCE_DIR/build/config-fuzz}
T=$(mktemp -d "${TMPDIR:-/tmp}/ci-run-config-fuzz.XXXXXX")
trap 'rm -rf "$T"' EXIT

command -v clang++ >/dev/null || { echo "SKIPPED: no clang++ (Debian: clang)"; exit 77; }
printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' >"$T/probe.cc"
clang++ -fsanitize=fuzzer "$T/probe.cc" -o "$T/probe" 2>"$T/probe.log" ||
  { echo "SKIPPED: clang++ cannot link libFuzzer (Debian: libclang-rt-14-dev)"; cat "$T/probe.log"; exit 77; }

echo "==> building the fuzz targets ($FUZZ_BUILD, clang, -fsanitize=fuzzer,address,undefined)"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$SOURCE_DIR/tests/fuzz/libfuzzer" -B "$FUZZ_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ "${launcher[@]}" >"$T/cmake.log" || { cat "$T/cmake.log"; exit 1; }
cmake --build "$FUZZ_BUILD" -j "$(nproc)" >"$T/build.log" || { tail -n 40 "$T/build.log"; exit 1; }

python3 "$SOURCE_DIR/tests/fuzz/seeds.py" "$SOURCE_DIR" "$T/seeds"
mkdir -p "$FUZZ_BUILD/artifacts"
table_header
crashed=()
for kind in repo_config host_config service_config; do
  corpus=$T/corpus/$kind
  malformed=$SOURCE_DIR/tests/fuzz/malformed/$kind
  mkdir -p "$corpus"
  start=$(( $(ls "$T/seeds/$kind" | wc -l) + $(ls "$malformed" | wc -l) ))
  rm -f "$FUZZ_BUILD/artifacts/$kind-"*
  rc=0
  # The first folder is the corpus libFuzzer grows; the others are read.
  "$FUZZ_BUILD/${kind}_fuzz" "$corpus" "$T/seeds/$kind" "$malformed" -max_total_time="$secs" \
    -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$FUZZ_BUILD/artifacts/$kind-" >"$T/$kind.log" 2>&1 || rc=$?
  runs=$(awk '/stat::number_of_executed_units:/ {print $2}' "$T/$kind.log")
  crashes=$(find "$FUZZ_BUILD/artifacts" -name "$kind-*" | wc -l)
  [ "$rc" = 0 ] || [ "$crashes" -gt 0 ] || crashes=1  # failed without an artifact
  record config_fuzz "$kind: inputs parsed in ${secs}s" "${runs:-0}" inputs
  record config_fuzz "$kind: failures (crash, sanitizer, no FILE:LINE:COL)" "$crashes" count
  record config_fuzz "$kind: corpus (inputs reaching new code)" "$(ls "$corpus" | wc -l)" inputs \
    "$start" "the seeds and malformed files"
  if [ "$crashes" -gt 0 ]; then
    crashed+=("$kind")
    grep -E 'contract broken|ERROR:|runtime error|SUMMARY' "$T/$kind.log" | head -n 5 >&2
    for a in "$FUZZ_BUILD/artifacts/$kind-"*; do
      [ -e "$a" ] && echo "reproduce: $FUZZ_BUILD/${kind}_fuzz $a" >&2
    done
  fi
done
[ ${#crashed[@]} = 0 ] || { echo "config fuzz: FAILED: ${crashed[*]}" >&2; exit 1; }
echo "config fuzz: no crash, no sanitizer report, every error at FILE:LINE:COL"
