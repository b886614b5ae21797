#!/usr/bin/env bash
# hvt and spt boot through the solo5-hvt / solo5-spt tenders found on PATH.
# No tender is packaged for Debian 12, so stand-ins print the argv they get
# and answer as Solo5 0.8.1 does (lines captured from the real tenders):
# SUCCESS and 0, "Solo5: ABORT" or "Solo5: solo5_abort() called" and 255, a
# tender error on stderr and 1 (the host's or the image's fault), or a SIGSEGV
# (a guest fault under spt).
source "$(dirname "$0")/common.inc"
mkdir -p "$T/bin"
for tender in solo5-hvt solo5-spt; do
  cat >"$T/bin/$tender" <<'SH'
#!/bin/sh
for a in "$@"; do echo "argv: $a"; done
case "$*" in
  *plant-abort*) echo "Solo5: ABORT: planted"; exit 255 ;;
  *plant-solo5-abort*) echo "Solo5: solo5_abort() called"; exit 255 ;;
  *plant-tender-error*) echo "$(basename "$0"): Could not open: /dev/kvm: Permission denied" >&2; exit 1 ;;
  *plant-wrong-target*) echo "$(basename "$0"): u.hvt: Executable is not for the $(basename "$0") target" >&2; exit 1 ;;
  *plant-exit-1*) exit 1 ;;
  *plant-segv*) kill -SEGV $$ ;;
esac
echo SUCCESS
SH
  chmod +x "$T/bin/$tender"
done
printf 'unikernel\n' >"$T/u.hvt"
printf 'targets:\n  hvt: {memory: "256", block: {storage: /srv/disk.img}, net: {service: tap100}}\n' >"$T/host.yml"
boot() { PATH="$T/bin:$PATH" "$CI_RUN" boot "$T/u.hvt" --timeout 10s "$@"; }

# Without a tender on PATH the target is unavailable, saying which.
expect_exit 2 "$CI_RUN" boot "$T/u.hvt" --target hvt >"$T/missing.txt" 2>&1
contains "$T/missing.txt" "ci-run boot: target hvt: solo5-hvt not found in PATH"

# The argv: memory and devices from the host config, --, the image, the arguments as one element.
expect_exit 0 boot --target hvt --host-config "$T/host.yml" --expect '^SUCCESS$' -- --hello="a b" x >"$T/ok.txt"
cat "$T/ok.txt"
[ "$(grep '^argv: ' "$T/ok.txt" | tr '\n' '|')" = "argv: --mem=256|argv: --block:storage=/srv/disk.img|argv: --net:service=tap100|argv: --|argv: $T/u.hvt|argv: \"--hello=a b\" x|" ] ||
  fail "wrong tender argv"
contains "$T/ok.txt" "ci-run boot: passed: ok"

# Solo5's exit statuses.
expect_exit 1 boot --target hvt -- plant-abort >"$T/abort.txt"
contains "$T/abort.txt" "ci-run boot: crashed"
expect_exit 1 boot --target hvt -- plant-solo5-abort >"$T/solo5-abort.txt"
contains "$T/solo5-abort.txt" "ci-run boot: crashed: Solo5: solo5_abort() called (exit 255)"
# A negative test: the abort is what is expected.
expect_exit 0 boot --target hvt --outcome crashed -- plant-solo5-abort >"$T/expected.txt"
contains "$T/expected.txt" "ci-run boot: passed: ok"
contains "$T/expected.txt" "expected crashed: Solo5: solo5_abort() called (exit 255)"
expect_exit 1 boot --target hvt --outcome crashed -- fine >"$T/survived.txt"
contains "$T/survived.txt" "ci-run boot: failed: expected crashed, but the boot passed"
# The host's fault is infra (exit 3: nothing failed, but the boot could not run) ...
expect_exit 3 boot --target hvt -- plant-tender-error >"$T/tender.txt"
contains "$T/tender.txt" "ci-run boot: infra: backend failed: solo5-hvt: Could not open: /dev/kvm: Permission denied"
# ... an image the tender refuses is the build's.
expect_exit 1 boot --target spt -- plant-wrong-target >"$T/image.txt"
contains "$T/image.txt" "ci-run boot: failed: solo5-spt: u.hvt: Executable is not for the solo5-spt target"
expect_exit 1 boot --target hvt -- plant-exit-1 >"$T/one.txt"
contains "$T/one.txt" "ci-run boot: failed: exit code 1 not in [0]"
expect_exit 1 boot --target spt -- plant-segv >"$T/segv.txt"
contains "$T/segv.txt" "ci-run boot: crashed: guest fault under spt: killed by signal 11 (SIGSEGV)"
expect_exit 3 boot --target hvt -- plant-segv >"$T/segv-hvt.txt"
contains "$T/segv-hvt.txt" "ci-run boot: infra: backend failed: solo5-hvt killed by signal 11 (SIGSEGV)"
