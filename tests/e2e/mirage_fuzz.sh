#!/usr/bin/env bash
# Fuzzing a real MirageOS unikernel (mirage 4.4.2, Solo5 0.8.1) on unix, spt
# and virtio:
# 1. the correct tutorial/hello-key: nothing found. Every hostile input is
#    passed or rejected: Cmdliner's 64, --help's 63, a line MirageOS' own
#    splitter refuses (a trailing backslash) and a line longer than the Solo5
#    tenders take (8192 bytes on spt; virtio truncates it and boots);
# 2. tutorial/hello-defects (tag `defects`), where an empty --hello= raises
#    Invalid_argument: found on each target as one finding, minimised to
#    `--hello=`, and the printed reproducer, run as printed, crashes.
source "$(dirname "$0")/common.inc"
source "$(dirname "$0")/mirage_skeleton.inc"

mirage_toolchain
make_skeleton --defects "$T/skel"
cells=(--only compiler=mirage,target=unix --only compiler=mirage,target=spt
  --only compiler=mirage,target=virtio)

# 1. hello-key: no findings, every outcome passed or rejected.
start=$(date +%s)
rc=0
"$CI_RUN" local "$T/skel" --config mirage-skeleton --host-config "$mirage_registration" \
  --unikernel hello-key "${cells[@]}" --fuzz-boots 30 --plain --json "$T/key.json" >"$T/key.out" 2>&1 || rc=$?
cat "$T/key.out"
echo "hello-key, 3 cells, 30 fuzz boots each: $(($(date +%s) - start))s"
[ "$rc" = 0 ] || fail "ci-run local on hello-key exited $rc"
contains "$T/key.out" "0 unique findings"
# With the QEMU coverage plugin built, the virtio cell's campaign is guided
# by coverage (and still finds nothing); unix and spt fuzz blind and say so.
plugin="$(dirname "$CI_RUN")/qemu_plugins/coverage.so"
python3 - "$T/key.json" "$plugin" <<'PY' || fail "hello-key's fuzz outcomes"
import json, os, sys
d = json.load(open(sys.argv[1]))
plugin_built = os.path.exists(sys.argv[2])
for target in ("unix", "spt", "virtio"):
    job = [j for j in d["jobs"] if j["unikernel"] == "hello-key" and j["cell"]["target"] == target][0]
    fuzz = [s for s in job["steps"] if s["name"] == "fuzz"][0]
    detail = fuzz["detail"]
    outcomes = detail["outcomes"]
    print(target, outcomes, "normal boot", detail["normal_boot_ms"], "ms, hang timeout",
          detail["hang_timeout_ms"], "ms")
    assert fuzz["outcome"] == "passed", (target, fuzz)
    assert detail["findings"] == [] and detail["raw_findings"] == 0, (target, detail)
    assert detail["boots"] == 30, (target, detail)
    assert set(outcomes) == {"passed", "rejected"}, (target, outcomes)
    coverage = detail["coverage"]
    print(target, "coverage", coverage)
    if target == "virtio" and plugin_built:
        assert coverage["enabled"] and coverage["blocks"] > 0, (target, coverage)
    if target != "virtio":
        assert not coverage["enabled"] and coverage["note"], (target, coverage)
PY
# The step logs name every boot that did not pass: the MirageOS splitter's
# refusal of a trailing backslash on every target, the tender's refusal of the
# 8192-byte line on spt (on virtio Solo5 truncates it, and the guest boots).
python3 - "$T/skel/.ci-run/ci.db" <<'PY' || fail "hello-key's fuzz logs or findings table"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
logs = dict(db.execute("SELECT j.target, s.log FROM steps s JOIN jobs j ON s.job_id = j.id "
                       "WHERE s.name = 'fuzz' AND j.pipeline_id = 1"))
assert sorted(logs) == ["spt", "unix", "virtio"], logs.keys()
for target, log in logs.items():
    assert "(trailing backslash): rejected: " in log, (target, log)
    assert "the MirageOS runtime refused the command line" in log, (target, log)
assert "the platform refused the command line: \"solo5-spt: Guest command line too long" in logs["spt"], logs["spt"]
assert "Guest command line too long" not in logs["virtio"], logs["virtio"]
assert db.execute("SELECT count(*) FROM findings").fetchone()[0] == 0
PY

# 2. hello-defects: the empty greeting found, minimised, reproduced.
cat >"$T/defects.yml" <<'EOF'
matrix:
  compiler: [mirage]
  target: [unix, spt, virtio]
unikernels:
  hello-defects:
    path: tutorial/hello-defects
    build: >-
      mirage configure -t ${target} &&
      { if command -v ci-run-duniverse >/dev/null; then ci-run-duniverse ${target}; else make depends; fi; } &&
      dune build &&
      { test ${target} != unix || cp -L dist/${unikernel} dist/${unikernel}.unix; }
    image: dist/hello-defects.${target}
    build-timeout: 30m
    boot:
      args: ["--hello=ci"]
      expect: ["\\[application\\] ci$"]
      fail: ["Fatal error: exception"]
      timeout: 60s
      exit: [0]
    fuzz:
      keys: {hello: string}
      boots: 20
EOF
start=$(date +%s)
rc=0
"$CI_RUN" local "$T/skel" --rev defects --config "$T/defects.yml" --host-config "$mirage_registration" \
  --plain --json "$T/defects.json" >"$T/defects.out" 2>&1 || rc=$?
cat "$T/defects.out"
echo "hello-defects, 3 cells, 20 fuzz boots each: $(($(date +%s) - start))s"
[ "$rc" = 1 ] || fail "ci-run local on hello-defects exited $rc, not 1 (findings)"
# One defect, one finding, in all three cells.
contains "$T/defects.out" "1 unique finding"
contains "$T/defects.out" 'hello-defects: crashed: Fatal error: exception Invalid_argument("empty greeting")'
contains "$T/defects.out" "in 3 cells: mirage/unix mirage/spt mirage/virtio"
contains "$T/defects.out" "minimised: --hello="
python3 - "$T/defects.json" >"$T/reproducers" <<'PY' || fail "hello-defects' findings"
import json, sys
d = json.load(open(sys.argv[1]))
for target in ("unix", "spt", "virtio"):
    job = [j for j in d["jobs"] if j["cell"]["target"] == target][0]
    fuzz = [s for s in job["steps"] if s["name"] == "fuzz"][0]
    findings = fuzz["detail"]["findings"]
    assert len(findings) == 1, (target, findings)
    f = findings[0]
    assert f["outcome"] == "crashed", (target, f)
    assert f["command_line"] == "--hello=", (target, f)
    assert f["minimal"], (target, f)
    assert 'Invalid_argument("empty greeting")' in f["signature"], (target, f)
    print(f["reproducer"])
PY
python3 - "$T/skel/.ci-run/ci.db" <<'PY' || fail "hello-defects' findings table"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT j.target, f.outcome, f.command_line FROM findings f "
                  "JOIN jobs j ON f.job_id = j.id ORDER BY j.target").fetchall()
assert rows == [("spt", "crashed", "--hello="), ("unix", "crashed", "--hello="),
                ("virtio", "crashed", "--hello=")], rows
PY

# The reproducer printed in the summary, run exactly as printed (a shell
# command line), then each cell's own from the report: each boots the
# minimised line and crashes.
sed -n '/^Fuzzing: /,$p' "$T/defects.out" | grep -E '^    reproduce: ' | sed 's/^    reproduce: //' >"$T/printed"
[ "$(wc -l <"$T/printed")" = 1 ] || fail "not one reproduce: line in the summary"
cat "$T/printed" >>"$T/reproducers"
n=0
while IFS= read -r line; do
  n=$((n + 1))
  rc=0
  bash -c "$line" >"$T/repro$n.out" 2>&1 || rc=$?
  cat "$T/repro$n.out"
  [ "$rc" = 1 ] || fail "reproducer exited $rc: $line"
  contains "$T/repro$n.out" "crashed"
  contains "$T/repro$n.out" 'Invalid_argument(\"empty greeting\")'
done <"$T/reproducers"
[ "$n" = 4 ] || fail "ran $n reproducers, not 4"
