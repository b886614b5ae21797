#!/usr/bin/env bash
# `bench: clock: instructions` gives an `instructions` metric, counted by
# ci-run's QEMU plugin (qemu_plugins/instruction_count.c), for any image QEMU
# boots: the C fixture on the plain `virtio` target (the qemu backend), and
# a real MirageOS unikernel, noop, on Solo5 virtio. The count is exact: the
# same on every run of one image. No timing is asserted.
source "$(dirname "$0")/common.inc"
source "$(dirname "$0")/mirage_skeleton.inc"

# The C fixture: the example repository's bench, 3 runs, its own cycles
# metric and the plugin's instructions.
make_repo
git -C "$T/repo" show HEAD:.ci-run.yml |
  sed -e 's/^      runs: 10$/      runs: 3/' \
    -e 's/^      metrics: \[boot_ms, cpu_ms, cycles, image_bytes\]$/      metrics: [cycles, instructions, boot_ms]/' \
    >"$T/example.yml"
grep -q "metrics: \[cycles, instructions, boot_ms\]" "$T/example.yml" || fail "could not write the example configuration"
c_bench() {
  expect_exit 0 "$CI_RUN" bench "$T/repo" --config "$T/example.yml" --unikernel bench \
    --only compiler=gcc,target=virtio --json "$1" >"$1.out" 2>&1 || { cat "$1.out"; exit 1; }
  cat "$1.out"
}
c_bench "$T/c1.json"
contains "$T/c1.json.out" "guest clock counts instructions (QEMU -icount)"
not grep -q "no instructions metric" "$T/c1.json.out"
c_instructions=$(exact "$T/c1.json" instructions 3)
c_cycles=$(exact "$T/c1.json" cycles 3)
# The guest's clock advances one nanosecond per instruction: the fixture's
# own timing of its loop is a part of what the plugin counts.
[ "$c_cycles" -lt "$c_instructions" ] || fail "cycles $c_cycles not below instructions $c_instructions"
# A second bench of the same image counts the same.
c_bench "$T/c2.json"
[ "$(exact "$T/c2.json" instructions 3)" = "$c_instructions" ] || fail "instructions differ between two benches"
[ "$(exact "$T/c2.json" cycles 3)" = "$c_cycles" ] || fail "cycles differ between two benches"
echo "C fixture on virtio: instructions=$c_instructions cycles=$c_cycles"

# MirageOS noop on Solo5 virtio (QEMU as Solo5's solo5-virtio-run starts it).
mirage_toolchain
make_skeleton "$T/skel"
cat >"$T/noop.yml" <<'EOF'
matrix:
  compiler: [mirage]
  target: [virtio]
unikernels:
  noop:
    path: tutorial/noop
    build: mirage configure -t ${target} && ci-run-duniverse ${target} && dune build
    image: dist/noop.${target}
    build-timeout: 30m
    boot:
      args: []
      expect: []
      fail: ["Fatal error: exception"]
      timeout: 60s
      exit: [0]
    bench: {runs: 3, clock: instructions, metrics: [instructions, boot_ms]}
EOF
noop_bench() {
  expect_exit 0 "$CI_RUN" bench "$T/skel" --config "$T/noop.yml" --host-config "$mirage_registration" \
    --unikernel noop --only compiler=mirage,target=virtio --json "$1" >"$1.out" 2>&1 ||
    { cat "$1.out"; exit 1; }
  cat "$1.out"
}
noop_bench "$T/n1.json"
contains "$T/n1.json.out" "guest clock counts instructions (QEMU -icount)"
noop_instructions=$(exact "$T/n1.json" instructions 3)
noop_bench "$T/n2.json"
[ "$(exact "$T/n2.json" instructions 3)" = "$noop_instructions" ] || fail "noop's instructions differ between two benches"
echo "MirageOS noop on virtio: instructions=$noop_instructions"

# Without `clock: instructions` there is no count, and bench says why.
sed 's/clock: instructions, //' "$T/noop.yml" >"$T/noop-host.yml"
expect_exit 1 "$CI_RUN" bench "$T/skel" --config "$T/noop-host.yml" --host-config "$mirage_registration" \
  --unikernel noop --only compiler=mirage,target=virtio --runs 1 >"$T/host.out" 2>&1
contains "$T/host.out" "the instructions metric needs \`clock: instructions\` on a QEMU backend"
