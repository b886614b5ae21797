#!/usr/bin/env bash
# Reliability: hostile consoles through `ci-run boot` (unix target, no
# sandbox: the "unikernel" is a shell script): MIB MiB of console lines, then
# one line of 10 MB, then the expected line. Checks that each boot is judged
# (a pattern at the end of the 10 MB line is found, an expect after the flood
# passes, a fail pattern after it fails), that the kept console still ends
# with the last line, and that peak memory stays bounded (compared with a
# boot printing one line). Then the same console as a cell of `ci-run
# local` that fails on its last line: the job's excerpt (the lines that
# matter, in its JSON report) marks that line and stays a few KB.
#
#   tests/reliability/console_flood.sh [MIB]   (default 2048)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../bench/lib.sh"
mib=${1:-2048}
T=$(mktemp -d "${TMPDIR:-/tmp}/ci-run-reliability.XXXXXX")
trap 'rm -rf "$T"' EXIT

# peak_kb OUT CMD...: runs CMD (stdout to OUT) and prints its peak RSS in KiB.
peak_kb() {
  local out=$1
  shift
  python3 -c '
import resource, subprocess, sys
with open(sys.argv[1], "w") as out:
    r = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.STDOUT)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)' "$out" "$@"
}
cat >"$T/one-line.unix" <<'SH'
#!/bin/sh
echo DONE
SH
cat >"$T/flood.unix" <<SH
#!/bin/sh
yes 'ci-run console flood xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' | head -c $((mib << 20))
echo
head -c 10000000 /dev/zero | tr '\\0' a
echo END-OF-LONG-LINE
echo DONE
SH
chmod +x "$T/one-line.unix" "$T/flood.unix"

read -r base _ < <(peak_kb "$T/base.out" "$CI_RUN" boot "$T/one-line.unix" --target unix --no-sandbox -q --expect '^DONE$')
echo "==> $mib MiB of console, a 10 MB line, DONE: expect it (RE2 on every line)"
t0=$(now_ns)
read -r pass_kb pass_rc < <(peak_kb "$T/pass.out" "$CI_RUN" boot "$T/flood.unix" --target unix --no-sandbox -q \
  --timeout 30m --expect '(a|aa)*END-OF-LONG-LINE$' --expect '^DONE$' --fail '(x|xx)*PANIC')
t1=$(now_ns)
echo "==> the same with a fail pattern that matches only the last line"
read -r fail_kb fail_rc < <(peak_kb "$T/fail.out" "$CI_RUN" boot "$T/flood.unix" --target unix --no-sandbox -q \
  --timeout 30m --expect '^NEVER$' --fail '^DONE$')
echo "==> the same console as a failing cell of ci-run local: its excerpt"
mkdir -p "$T/repo"
cp "$T/flood.unix" "$T/repo/flood.unix"
cat >"$T/repo/.ci-run.yml" <<'YML'
reruns: 0
matrix:
  compiler: [gcc]
  target: [unix]
unikernels:
  flood:
    path: .
    build: "true"
    image: flood.unix
    boot:
      expect: ["^NEVER$"]
      fail: ["^DONE$"]
      timeout: 30m
YML
git -C "$T/repo" init -q -b main
git -C "$T/repo" add -A
git -C "$T/repo" -c user.name=t -c user.email=t@t commit -qm flood
read -r local_kb local_rc < <(peak_kb "$T/local.out" "$CI_RUN" local "$T/repo" --no-sandbox --no-fuzz \
  --no-bench --plain --cache-dir "$T/cache" --json "$T/local.json")
excerpt_bytes=$(python3 - "$T/local.json" "$T/excerpt.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
text = [s.get("excerpt", "") for j in d["jobs"] for s in j["steps"] if s["name"] == "boot"][0]
open(sys.argv[2], "w").write(text)
print(len(text.encode()))
PY
)
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", (b - a) / 1e9}')
table_header
record console_flood "boot with $mib MiB + a 10 MB line, peak RSS (KiB)" "$pass_kb" KiB "$base" "a boot printing one line"
record console_flood "the same, console judged at (MiB/s)" "$(awk -v m="$mib" -v s="$secs" 'BEGIN {printf "%.0f", (m + 10) / s}')" MiB/s
record console_flood "the same with a fail pattern, peak RSS (KiB)" "$fail_kb" KiB "$base" "a boot printing one line"
record console_flood "ci-run local, the same console failing: its excerpt (bytes)" "$excerpt_bytes" bytes
record console_flood "ci-run local, the same console failing: peak RSS (KiB)" "$local_kb" KiB "$base" "a boot printing one line"
problems=0
check() { "$@" || { echo "FAILED: $*" >&2; problems=$((problems + 1)); }; }
check [ "$pass_rc" = 0 ]
check grep -q "ci-run boot: passed" "$T/pass.out"
check [ "$fail_rc" != 0 ]
check grep -q 'fail pattern /^DONE\$/ matched' "$T/fail.out"
check [ "$pass_kb" -lt $((base + 64 * 1024)) ]
check [ "$local_rc" = 1 ]
check grep -q '^>.* | DONE$' "$T/excerpt.txt"
check [ "$excerpt_bytes" -gt 0 ]
check [ "$excerpt_bytes" -lt 16384 ]
check [ "$local_kb" -lt $((base + 128 * 1024)) ]
[ "$problems" = 0 ] || { tail -n 20 "$T/pass.out" "$T/fail.out" "$T/local.out" >&2; exit 1; }
echo "console flood: judged, bounded; the failing cell's excerpt is $excerpt_bytes bytes"
