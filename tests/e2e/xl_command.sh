#!/usr/bin/env bash
# `ci-run xl` prints the .xl file for an image: exact text, every value in
# xl's syntax, and a clear error (exit 2) for what xl cannot carry.
source "$(dirname "$0")/common.inc"
img=$("$SOURCE_DIR/fixtures/unikernels/build.sh" hello xen gcc "$T/img" | tail -n 1)
expect_exit 0 "$CI_RUN" xl "$img" --name web-1 --memory 32 --disk /srv/a.img --disk "/srv/b,c.img" \
  --bridge xenbr0 --bridge br1 -- --greeting=hi "two words" 'say "x"' 'a\b' >"$T/web.xl"
cat >"$T/expected.xl" <<XL
# xl domain configuration written by ci-run (xl.cfg(5))
name = "web-1"
type = "pvh"
kernel = "$img"
memory = 32
cmdline = "--greeting=hi \\"two words\\" \\"say \\\\\\"x\\\\\\"\\" \\"a\\\\\\\\b\\""
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "destroy"
disk = [ "format=raw, vdev=xvda, access=rw, target=/srv/a.img", "format=raw, vdev=xvdb, access=rw, target=/srv/b,c.img" ]
vif = [ "bridge=xenbr0", "bridge=br1" ]
XL
diff -u "$T/expected.xl" "$T/web.xl" || fail "unexpected .xl text"

# Defaults: the name from the image file, the target's memory, no cmdline without arguments;
# the host config's xen target settings apply.
cat >"$T/host.yml" <<'YML'
targets:
  xen: {memory: 128, on-crash: coredump-destroy, bridges: [xenbr9], disks: [{path: /srv/d.qcow2, format: qcow2, access: ro}]}
YML
expect_exit 0 "$CI_RUN" xl "$img" --host-config "$T/host.yml" >"$T/default.xl"
contains "$T/default.xl" 'name = "hello"'
contains "$T/default.xl" 'memory = 128'
contains "$T/default.xl" 'on_crash = "coredump-destroy"'
contains "$T/default.xl" 'disk = [ "format=qcow2, vdev=xvda, access=ro, target=/srv/d.qcow2" ]'
contains "$T/default.xl" 'vif = [ "bridge=xenbr9" ]'
not grep -q cmdline "$T/default.xl"

# Values the file cannot carry: one line on stderr, exit 2, nothing on stdout.
check_error() {
  local want=$1
  shift
  expect_exit 2 "$CI_RUN" xl "$@" >"$T/err.out" 2>"$T/err.txt"
  [ ! -s "$T/err.out" ] || fail "output despite an error: $*"
  [ "$(cat "$T/err.txt")" = "$want" ] || fail "for $*: got '$(cat "$T/err.txt")', want '$want'"
}
check_error "ci-run xl: cmdline: byte 0xc3 at offset 3 is not ASCII (xl cannot carry it)" "$img" -- "café"
check_error "ci-run xl: cmdline: control byte 0x01 at offset 0 has no escape in xl's string syntax" "$img" -- $'\x01'
check_error 'ci-run xl: disk[0]: disk target "rel.img" is not an absolute path' "$img" --disk rel.img
check_error 'ci-run xl: vif[0]: bridge name "br 0" is not 1-15 characters of letters, digits, _ . -' "$img" --bridge "br 0"
check_error 'ci-run xl: domain name "a b" has character 0x20 (allowed: letters, digits, _ . -)' "$img" --name "a b"
check_error "ci-run xl: no image file $T/missing.xen" "$T/missing.xen"
check_error "ci-run xl: target virtio is not a xen target (backend qemu)" "$img" --target virtio
