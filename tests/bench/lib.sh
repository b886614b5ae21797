# Shared by the benchmarks (sourced): timing, medians, and the records that
# `./bootstrap.sh bench` gathers into one table and one JSON file.
#
# A benchmark measures a figure and, where one exists, a baseline in the same
# run (interleaved), and records both with `record`. Nothing here judges a
# figure: benchmarks print and write; they fail only when they cannot measure.

here=${here:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
SOURCE_DIR=${SOURCE_DIR:-$(cd "$here/../.." && pwd)}
CI_RUN=${CI_RUN:-$SOURCE_DIR/build/ci-run}
# Where records go: one JSON object per line (BENCH_JSON, set by the suite).
BENCH_JSON=${BENCH_JSON:-}

now_ns() { date +%s%N; }
# median: the median of the numbers on stdin, one per line.
median() { sort -n | awk '{a[NR]=$1} END {if (NR == 0) exit 1; print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
# percentile P: the P-th percentile (nearest rank) of the numbers on stdin.
percentile() { sort -n | awk -v p="$1" '{a[NR]=$1} END {if (NR == 0) exit 1; i = int((p / 100) * NR + 0.999999); if (i < 1) i = 1; print a[i]}'; }
# time_ms CMD...: wall milliseconds of one run of CMD (output discarded; a
# failing CMD is an error: a benchmark never times a failure).
time_ms() {
  local t0 t1
  t0=$(now_ns)
  "$@" >/dev/null 2>&1 || { echo "benchmark command failed: $*" >&2; return 1; }
  t1=$(now_ns)
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f\n", (b - a) / 1e6}'
}
# ratio A B: A / B with two decimals ("-" when B is 0 or missing).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b + 0 == 0) print "-"; else printf "%.2f\n", a / b}'; }

# record BENCH WHAT VALUE UNIT [BASELINE BASELINE_WHAT]: prints one table row
# and appends one JSON record to $BENCH_JSON. The ratio is VALUE / BASELINE.
record() {
  local bench=$1 what=$2 value=$3 unit=$4 base=${5:-} base_what=${6:-}
  local r="-"
  [ -n "$base" ] && r=$(ratio "$value" "$base")
  printf '%-22s %-62s %12s %-6s %12s  %-6s %s\n' "$bench" "$what" "$value" "$unit" "${base:--}" "$r" "${base_what}"
  [ -z "$BENCH_JSON" ] && return 0
  python3 - "$BENCH_JSON" "$bench" "$what" "$value" "$unit" "$base" "$base_what" "$r" <<'PY'
import json, sys
path, bench, what, value, unit, base, base_what, r = sys.argv[1:]
num = lambda s: float(s) if s not in ("", "-") else None
with open(path, "a") as f:
    f.write(json.dumps({"bench": bench, "what": what, "value": num(value), "unit": unit,
                        "baseline": num(base), "baseline_what": base_what or None,
                        "ratio": num(r)}) + "\n")
PY
}
# table_header: the column names of `record`'s rows.
table_header() {
  printf '%-22s %-62s %12s %-6s %12s  %-6s %s\n' "benchmark" "what" "value" "unit" "baseline" "ratio" "baseline is"
}
# time_ms_any CMD...: like time_ms, whatever CMD's exit status (a raw QEMU
# exits non-zero on a clean guest exit: isa-debug-exit).
time_ms_any() {
  local t0 t1
  t0=$(now_ns)
  "$@" >/dev/null 2>&1 || true
  t1=$(now_ns)
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f\n", (b - a) / 1e6}'
}
# start_serve DIR SECRET: writes DIR/service.yml (SQLite in DIR/data, mirrors
# in DIR/cache, the repository example/repo at file://DIR/repo, jobs left to
# workers, the webhook secret SECRET in DIR/secret), starts `ci-run serve` on
# a free loopback port with its log in DIR/serve.log, and sets serve_pid and
# port. Exits 1, showing the log, if serve is not listening within 20 s.
start_serve() {
  local dir=$1
  echo "$2" >"$dir/secret"
  cat >"$dir/service.yml" <<YML
listen: 127.0.0.1:0
database: $dir/data/ci.db
data-dir: $dir/data
cache-dir: $dir/cache
github:
  webhook-secret-file: $dir/secret
repositories:
  example/repo:
    url: file://$dir/repo
worker:
  in-serve: false
YML
  "$CI_RUN" serve --config "$dir/service.yml" 2>"$dir/serve.log" &
  serve_pid=$!
  for _ in $(seq 200); do grep -q "listening on http://" "$dir/serve.log" && break; sleep 0.1; done
  port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$dir/serve.log" | head -1)
  [ -n "$port" ] || { cat "$dir/serve.log"; echo "serve did not start" >&2; exit 1; }
}
