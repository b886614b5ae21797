#!/usr/bin/env bash
# Real MirageOS defects: tutorial/hello-defects, a copy of mirage-skeleton's
# hello-key with planted defects (fixtures/repos/make-mirage-skeleton-repo.sh
# --defects), built by the real MirageOS toolchain and booted on unix, spt
# and virtio. An `assert false` at start and a `failwith` are `crashed`, an
# infinite loop is `hung`, each on every target with the one-line cause a
# developer needs. Negative tests: a case that expects `outcome: crashed`
# passes when the unikernel crashes, and fails when it survives.
source "$(dirname "$0")/common.inc"
source "$(dirname "$0")/mirage_skeleton.inc"

mirage_toolchain
make_skeleton --defects "$T/skel"

# One build serves every unikernel below (same folder, command and image:
# the build cache shares it); each boots with another --defect.
cat >"$T/defects.yml" <<'EOF'
matrix:
  compiler: [mirage]
  target: [unix, spt, virtio]
unikernels:
  assert:
    path: &path tutorial/hello-defects
    build: &build >-
      mirage configure -t ${target} && ci-run-duniverse ${target} && dune build &&
      { test ${target} != unix || cp -L dist/hello-defects dist/hello-defects.unix; }
    image: &image dist/hello-defects.${target}
    boot: {args: ["--defect=assert"], expect: ["\\[application\\] ci$"], timeout: 60s}
  loop:
    {path: *path, build: *build, image: *image,
     boot: {args: ["--defect=loop"], expect: ["\\[application\\] ci$"], timeout: 15s}}
  fail:
    {path: *path, build: *build, image: *image,
     boot: {args: ["--defect=fail", "--hello=ci"], expect: ["\\[application\\] ci$"], timeout: 60s}}
  negative:
    path: *path
    build: *build
    image: *image
    boot: {args: ["--hello=ci"], expect: ["\\[application\\] ci$"], timeout: 60s}
    tests:
      - {name: abort-expected, args: ["--defect=assert"], outcome: crashed}
      - {name: survives, args: ["--hello=still here"], outcome: crashed}
EOF

expect_exit 1 "$CI_RUN" local "$T/skel" --rev defects --config "$T/defects.yml" \
  --host-config "$mirage_registration" --plain --json "$T/report.json" >"$T/out" 2>&1
cat "$T/out"

python3 - "$T/report.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
def step(unikernel, target, name):
    job = [j for j in d["jobs"] if j["unikernel"] == unikernel and j["cell"]["target"] == target][0]
    return [s for s in job["steps"] if s["name"] == name][0], job
for target in ("unix", "spt", "virtio"):
    s, job = step("assert", target, "boot")
    assert s["outcome"] == "crashed", (target, s)
    assert 'Fatal error: exception File \\"unikernel.ml\\", line 10' in s["cause"], (target, s["cause"])
    assert "Assertion failed" in s["cause"], (target, s["cause"])
    assert job["state"] == "failed", (target, job["state"])

    s, job = step("loop", target, "boot")
    assert s["outcome"] == "hung", (target, s)
    assert s["cause"].startswith("timed out after 15s"), (target, s["cause"])

    s, job = step("fail", target, "boot")
    assert s["outcome"] == "crashed", (target, s)
    assert 'Fatal error: exception Failure(\\"planted failure\\")' in s["cause"], (target, s["cause"])

    # Negative tests: the expected crash passes; a unikernel that survives fails.
    s, job = step("negative", target, "test:abort-expected")
    assert s["outcome"] == "passed", (target, s)
    s, job = step("negative", target, "test:survives")
    assert s["outcome"] == "failed", (target, s)
    assert s["cause"].startswith("expected crashed, but the boot passed"), (target, s["cause"])
print("defects: crashed, hung, crashed and the negative tests right on unix, spt and virtio")
PY
contains "$T/out" "12 jobs: 12 failed"

# "boot again" of a failed case, run as printed, judges the same way: on unix
# too, where the run's host config makes ci-run hand the arguments over as
# MirageOS' unix runtime reads them (one argument with a space stays one).
again=$(json "$T/report.json" "[s['detail']['reproducer'] for j in d['jobs'] if j['unikernel']=='negative' and j['cell']['target']=='unix' for s in j['steps'] if s['name']=='test:survives'][0]")
echo "boot again: $again"
case "$again" in *"--host-config $mirage_registration"*) ;; *) fail "the boot reproducer lacks the host config" ;; esac
expect_exit 1 bash -c "$again" >"$T/again.out" 2>&1
cat "$T/again.out"
contains "$T/again.out" "expected crashed, but the boot passed"
