#!/usr/bin/env bash
# The `virtio-solo5` target boots real fixture images with Solo5's own
# solo5-virtio-run command line (TCG, its default: -cpu Westmere), judges a clean
# exit whose code Solo5 does not report by the console, and shows what the
# script's comma doubling does to an argument under this QEMU.
source "$(dirname "$0")/common.inc"
build() { "$SOURCE_DIR/fixtures/unikernels/build.sh" "$1" virtio gcc "$T/out" | tail -n 1; }
hello=$(build hello)
bootvars=$(build bootvars)
printf 'targets:\n  virtio-solo5: {accel: tcg, double-commas: false}\n' >"$T/verbatim.yml"
boot() { "$CI_RUN" boot --target virtio-solo5 --timeout 30s "$@"; }

# A clean exit (QEMU status 83): passed, no guest exit code, the backend's note.
expect_exit 0 boot "$hello" --expect '^arg\[1\]: two words$' --expect '^SUCCESS$' -- "two words" >"$T/hello.txt"
cat "$T/hello.txt"
contains "$T/hello.txt" "ci-run boot: passed: ok"
contains "$T/hello.txt" "ci-run boot: command: qemu-system-x86_64 -cpu Westmere -m 128 -nodefaults -machine acpi=off -display none -serial stdio -device isa-debug-exit -kernel $hello -append '\"two words\"'"
contains "$T/hello.txt" "; Solo5 virtio: the guest's exit code is read from its console, not QEMU's status"
grep -q ", guest exit [0-9]" "$T/hello.txt" && fail "a guest exit code was reported for a Solo5 virtio exit"

# solo5-virtio-run doubles commas; QEMU 7.2 passes -append verbatim, so the guest sees them doubled.
expect_exit 0 boot "$hello" --expect '^arg\[1\]: a,,b$' -- a,b >"$T/doubled.txt"
contains "$T/doubled.txt" "-append a,,b"
expect_exit 0 boot "$hello" --host-config "$T/verbatim.yml" --expect '^arg\[1\]: a,b$' -- a,b >"$T/verbatim.txt"
contains "$T/verbatim.txt" "-append a,b"

# A guest that does report a code (ci-run's runtime writes 64 to isa-debug-exit: status 129).
expect_exit 1 boot "$bootvars" --expect '^SUCCESS$' -- --port=x >"$T/rejected.txt"
contains "$T/rejected.txt" "ci-run boot: rejected: exit code 64 not in [0]"
expect_exit 0 boot "$bootvars" --exit 64 --expect '^error: ' -- --port=x >/dev/null
# --help: the MirageOS runtime's 63, rejected unless expected.
expect_exit 1 boot "$bootvars" -- --help >"$T/help.txt"
contains "$T/help.txt" "ci-run boot: rejected: exit code 63 (MirageOS: printed its help) not in [0]"
