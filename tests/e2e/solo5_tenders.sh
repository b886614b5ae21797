#!/usr/bin/env bash
# hvt and spt boot through the solo5-hvt / solo5-spt tenders found on PATH.
# No tender is packaged for Debian 12, so stand-ins print the argv they get
# and answer as Solo5 does: SUCCESS and 0, "Solo5: ABORT" and 255, a tender
# error on stderr and 1, or a SIGSEGV (a guest fault under spt).
source "$(dirname "$0")/common.inc"
mkdir -p "$T/bin"
for tender in solo5-hvt solo5-spt; do
  cat >"$T/bin/$tender" <<'SH'
#!/bin/sh
for a in "$@"; do echo "argv: $a"; done
case "$*" in
  *plant-abort*) echo "Solo5: ABORT: planted"; exit 255 ;;
  *plant-tender-error*) echo "$(basename "$0"): Could not open /dev/kvm: No such file or directory" >&2; exit 1 ;;
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
expect_exit 1 boot --target hvt -- plant-tender-error >"$T/tender.txt"
contains "$T/tender.txt" "ci-run boot: infra: backend failed: solo5-hvt: Could not open /dev/kvm: No such file or directory"
expect_exit 1 boot --target hvt -- plant-exit-1 >"$T/one.txt"
contains "$T/one.txt" "ci-run boot: failed: exit code 1 not in [0]"
expect_exit 1 boot --target spt -- plant-segv >"$T/segv.txt"
contains "$T/segv.txt" "ci-run boot: crashed: guest fault under spt: killed by signal 11 (SIGSEGV)"
expect_exit 1 boot --target hvt -- plant-segv >"$T/segv-hvt.txt"
contains "$T/segv-hvt.txt" "ci-run boot: infra: backend failed: solo5-hvt killed by signal 11 (SIGSEGV)"
