#!/usr/bin/env bash
# Real MirageOS: the mirage-skeleton preset on a real mirage-skeleton
# checkout, built by the MirageOS toolchain that `ci-run toolchain add
# mirage --mirage-sources` builds (mirage 4.4.2, Solo5 0.8.1, OCaml 4.13), and
# booted on unix (a process), spt (solo5-spt), virtio (QEMU/TCG, Solo5's way)
# and hvt (solo5-hvt, where KVM works). noop, hello and hello-key pass on
# every target; hello-key's Cmdliner cases are judged by the unikernel's own
# exit code on every target, virtio included, where QEMU always exits 83 and
# the code comes from the console's `Solo5: solo5_exit(N) called`.
source "$(dirname "$0")/common.inc"
source "$(dirname "$0")/mirage_skeleton.inc"

mirage_toolchain

# `toolchain list` reads the mirage tool's version from the tool itself.
"$CI_RUN" toolchain list --cache-dir "$mirage_store" --json >"$T/list.json"
[ "$(json "$T/list.json" "[t['version'] for t in d if t['name']=='mirage']")" = "['4.4.2']" ] ||
  { cat "$T/list.json"; fail "mirage --version is not 4.4.2"; }

make_skeleton "$T/skel"
rc=0
"$CI_RUN" local "$T/skel" --config mirage-skeleton --host-config "$mirage_registration" --no-fuzz \
  --plain --json "$T/report.json" >"$T/out" 2>&1 || rc=$?
cat "$T/out"
# 0: everything passed or was skipped; 3: besides, hvt could not run for a
# host reason (a KVM that opens but cannot run a guest is infra, not a failure).
[ "$rc" = 0 ] || [ "$rc" = 3 ] || fail "ci-run local exited $rc"

for u in noop hello hello-key; do
  for t in unix spt virtio; do
    [ "$(job_state "$T/report.json" $u mirage/$t)" = passed ] || fail "$u mirage/$t did not pass"
  done
  # xen needs mirage-xen, which the toolchain does not build: skipped, saying why.
  [ "$(job_state "$T/report.json" $u mirage/xen)" = skipped ] || fail "$u mirage/xen not skipped"
  for c in ocaml-4.14 ocaml-5.3; do
    [ "$(job_state "$T/report.json" $u $c/unix)" = skipped ] || fail "$u $c/unix not skipped"
  done
  hvt=$(job_state "$T/report.json" $u mirage/hvt)
  if kvm_usable; then
    [ "$hvt" = passed ] || [ "$hvt" = infra ] || fail "$u mirage/hvt: $hvt"
  else
    [ "$hvt" = skipped ] || fail "$u mirage/hvt: $hvt without KVM"
  fi
done
contains "$T/out" "toolchain mirage builds for unix, hvt, spt, virtio only, not xen"
contains "$T/out" 'no toolchain named "ocaml-4.14" on this host'
kvm_usable || contains "$T/out" "/dev/kvm"
[ "$rc" = 0 ] || contains "$T/out" "solo5-hvt: "

# hello-key's Cmdliner cases, by the guest's own exit code, on every target.
python3 - "$T/report.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
want = {"boot": 0, "default-greeting": 0, "unknown-key": 64, "missing-value": 64, "help": 63}
for target in ("unix", "spt", "virtio"):
    job = [j for j in d["jobs"] if j["unikernel"] == "hello-key"
           and j["cell"]["compiler"] == "mirage" and j["cell"]["target"] == target][0]
    seen = {}
    for step in job["steps"]:
        name = step["name"]
        case = "boot" if name == "boot" else name.split(":", 1)[-1]
        if case in want:
            assert step["outcome"] == "passed", (target, name, step)
            seen[case] = step["detail"].get("guest_exit")
    assert seen == want, (target, seen)
print("hello-key: the Cmdliner cases' exit codes are right on unix, spt and virtio")
PY

# A second run finds every image in the build cache.
"$CI_RUN" local "$T/skel" --config mirage-skeleton --host-config "$mirage_registration" --no-fuzz \
  --only compiler=mirage,target=spt --plain >"$T/again" 2>&1 || fail "second run failed"
[ "$(grep -c "cached" "$T/again")" -ge 3 ] || { cat "$T/again"; fail "the second run rebuilt"; }

# The preset benchmarks noop (the cost of booting MirageOS itself): 10 boots
# a cell, boot time, CPU time and image size on unix, spt and virtio.
"$CI_RUN" bench "$T/skel" --config mirage-skeleton --host-config "$mirage_registration" --unikernel noop \
  --only compiler=mirage --json "$T/bench.json" >"$T/bench.out" 2>&1 || true
cat "$T/bench.out"
python3 - "$T/bench.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
cells = {r["cell"]: r["metrics"] for r in d["results"] if "metrics" in r}
for target in ("unix", "spt", "virtio"):
    m = cells["compiler=mirage,target=" + target]
    for name in ("boot_ms", "cpu_ms", "image_bytes"):
        assert m[name]["n"] == 10, (target, name, m[name])
    assert m["image_bytes"]["min"] == m["image_bytes"]["max"] > 1000000, (target, m["image_bytes"])
    print(f"noop {target}: boot {m['boot_ms']['median']} ms, cpu {m['cpu_ms']['median']:.1f} ms, "
          f"image {int(m['image_bytes']['median'])} bytes")
PY
