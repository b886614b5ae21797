#!/usr/bin/env bash
# `ci-run local --reproducible` builds every image a second time, in another
# workspace, and compares the two. The fixture unikernels (C for every
# compiler and target of the example matrix, and OCaml) are reproducible:
# each job's `reproducible` step passes with both builds' hashes equal. A
# unikernel that embeds its build directory (added to the repository here,
# as a user's would be) is reported `not reproducible`, with both sizes and
# the first differing ELF section, which is the one holding that directory.
source "$(dirname "$0")/common.inc"
make_repo
git -C "$T/repo" checkout -q -b stamped good
sed -e 's|rt_printf("Hello from %s\\n", RT_TARGET);|rt_printf("Hello from %s, built in %s\\n", RT_TARGET, BUILD_DIR);|' \
  "$T/repo/unikernels/apps/hello.c" >"$T/repo/unikernels/apps/stamped.c"
grep -q BUILD_DIR "$T/repo/unikernels/apps/stamped.c" || fail "the stamped app was not made"
cat >>"$T/repo/.ci-run.yml" <<'YAML'
  stamped:
    path: unikernels
    matrix:
      compiler: [gcc]
      target: [virtio]
    build: EXTRA_CFLAGS=-DBUILD_DIR=\"$PWD\" ./build.sh stamped ${target} ${compiler} _build/${compiler}-${target}
    image: _build/${compiler}-${target}/stamped.${target}
    boot:
      expect: ["^Hello from ${target}, built in /", "^SUCCESS$"]
      timeout: 20s
      exit: [0]
YAML
git -C "$T/repo" add -A
git -C "$T/repo" -c user.name=t -c user.email=t@t.invalid commit -q -m "stamped: a unikernel that embeds its build directory"

rc=0
"$CI_RUN" local "$T/repo" --rev stamped --db "$T/ci.db" --work-dir "$T/work" --keep-workspaces \
  --no-fuzz --no-bench --plain --reproducible --json "$T/report.json" >"$T/out.txt" 2>&1 || rc=$?
cat "$T/out.txt"
[ "$rc" = 1 ] || fail "expected exit 1 (the stamped job not reproducible), got $rc"

# 1. Every fixture job that ran was built twice with the same bytes.
python3 - "$T/report.json" <<'PY' || fail "a fixture image is not reproducible"
import json, sys
d = json.load(open(sys.argv[1]))
ran = [j for j in d["jobs"] if j["unikernel"] != "stamped" and j["state"] != "skipped"]
assert len(ran) >= 25, f"only {len(ran)} fixture jobs ran"
for j in ran:
    assert j["state"] == "passed", (j["name"], j["state"], j["cause"])
    step = [s for s in j["steps"] if s["name"] == "reproducible"]
    assert len(step) == 1 and step[0]["outcome"] == "passed", (j["name"], step)
    detail = step[0]["detail"]
    assert len(detail["sha256"]) == 64 and detail["sha256"] == detail["second_sha256"], (j["name"], detail)
    assert detail["size"] == detail["second_size"] == j["manifest"]["image"]["size"], (j["name"], detail)
    assert detail["sha256"] == j["manifest"]["image"]["sha256"], j["name"]
print(len(ran), "fixture jobs reproducible")
PY

# 2. The stamped job is not reproducible, and says where.
stamped() { json "$T/report.json" "[j for j in d['jobs'] if j['unikernel']=='stamped'][0]$1"; }
[ "$(stamped "['state']")" = failed ] || fail "the stamped job did not fail"
detail() { json "$T/report.json" "[s for j in d['jobs'] if j['unikernel']=='stamped' for s in j['steps'] if s['name']=='reproducible'][0]['detail']['$1']"; }
section=$(detail first_differing_section)
second=$(detail second_workspace)
job=$(stamped "['id']")
pipeline=$(json "$T/report.json" "d['pipeline']['id']")
first=$T/work/p$pipeline/j$job
image=unikernels/_build/gcc-virtio/stamped.virtio
[ -f "$first/$image" ] && [ -f "$second/$image" ] || fail "the two builds were not kept ($first, $second)"
not cmp -s "$first/$image" "$second/$image"
size_a=$(stat -c %s "$first/$image")
size_b=$(stat -c %s "$second/$image")
cause="not reproducible: $size_a vs $size_b bytes, first differing ELF section $section"
[ "$(stamped "['cause']")" = "reproducible: $cause" ] || fail "the cause is \"$(stamped "['cause']")\", not \"reproducible: $cause\""
contains "$T/out.txt" "stamped gcc/virtio: reproducible: $cause"
# The named section is the first, in the section table's order, whose bytes
# differ (read here with readelf, not ci-run's ELF reader)...
python3 - "$first/$image" "$second/$image" "$section" <<'PY' || fail "$section is not the first differing section"
import re, subprocess, sys
def sections(path):
    out = subprocess.run(["readelf", "-S", "-W", path], capture_output=True, text=True, check=True).stdout
    found = []
    for line in out.splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+([0-9a-f]+)", line)
        if m and m.group(2) != "NULL":
            found.append((m.group(1), m.group(2), int(m.group(3), 16), int(m.group(4), 16)))
    return found
a, b = sys.argv[1], sys.argv[2]
bytes_a, bytes_b = open(a, "rb").read(), open(b, "rb").read()
sections_b = {name: (kind, off, size) for name, kind, off, size in sections(b)}
def contents(data, kind, off, size):
    return size if kind == "NOBITS" else data[off:off + size]
for name, kind, off, size in sections(a):
    other = sections_b.get(name)
    if other is None or contents(bytes_a, kind, off, size) != contents(bytes_b, *other):
        print("first differing section (readelf):", name)
        sys.exit(0 if name == sys.argv[3] else 1)
sys.exit(1)
PY
# ... and what differs is each build's own directory, in .rodata.
readelf -p .rodata "$first/$image" | grep -qF "$first/unikernels" ||
  fail "the first image's .rodata does not hold its build directory"
readelf -p .rodata "$second/$image" | grep -qF "$second/unikernels" ||
  fail "the second image's .rodata does not hold its build directory"
echo "stamped: $cause"
