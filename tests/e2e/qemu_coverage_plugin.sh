#!/usr/bin/env bash
# The coverage plugin (qemu_plugins/coverage.c) loads into Debian's QEMU 7.2
# on the three QEMU targets (virtio, xen under PVH, virtio-arm64) and writes
# the blocks a boot ran: the same set for the same input, more blocks for an
# input that runs more of the guest's code, edge ids with mode=edges. A
# missing plugin fails (bootstrap.sh fetches the header it needs).
source "$(dirname "$0")/common.inc"
plugin=$(dirname "$CI_RUN")/qemu_plugins/coverage.so
[ -f "$plugin" ] || fail "$plugin not built: no qemu-plugin.h (run qemu_plugins/fetch-qemu-plugin-header.sh and configure again)"
build() { "$SOURCE_DIR/fixtures/unikernels/build.sh" bootvars "$1" gcc "$T/img" | tail -1; }

# boot TARGET OUT CMDLINE [MODE]: boots bootvars on TARGET with the plugin.
boot() {
  local image=$T/img/bootvars.$1 out=$2 line=$3 mode=${4:-blocks}
  local plug=$plugin,out=$out,mode=$mode
  case $1 in
    virtio | xen)
      timeout -s KILL 60 qemu-system-x86_64 -M microvm -cpu qemu64 -nodefaults -no-reboot \
        -display none -serial stdio -m 64M -device isa-debug-exit,iobase=0x501,iosize=2 \
        -plugin "$plug" -kernel "$image" -append "$line" </dev/null >"$out.console" || true ;;
    virtio-arm64)
      timeout -s KILL 60 qemu-system-aarch64 -M virt -cpu cortex-a57 -nodefaults -no-reboot \
        -display none -serial stdio -m 64M -semihosting-config enable=on,target=native \
        -plugin "$plug" -kernel "$image" -append "$line" </dev/null >"$out.console" || true ;;
  esac
  contains "$out.console" "SUCCESS"
  [ "$(head -1 "$out")" = "ci-run coverage 1 $mode" ] || fail "$out: bad header: $(head -1 "$out")"
  tail -n +2 "$out" | grep -qvE '^[0-9a-f]+$' && fail "$out: a line that is not a hex id"
  tail -n +2 "$out" | sort -u >"$out.ids"
  [ "$(wc -l <"$out.ids")" -eq "$(($(wc -l <"$out") - 1))" ] || fail "$out: ids repeat"
  [ "$(wc -l <"$out.ids")" -gt 100 ] || fail "$out: only $(wc -l <"$out.ids") ids"
}

for target in virtio xen virtio-arm64; do
  build "$target" >/dev/null
  boot "$target" "$T/$target.1" "--name=ci"
  boot "$target" "$T/$target.2" "--name=ci"
  cmp -s "$T/$target.1.ids" "$T/$target.2.ids" || fail "$target: two boots of one input covered different blocks"
  # --verbose prints a line per key: code the first input never ran.
  boot "$target" "$T/$target.3" "--name=ci --verbose"
  new=$(comm -13 "$T/$target.1.ids" "$T/$target.3.ids" | wc -l)
  [ "$new" -gt 0 ] || fail "$target: --verbose covered no new block"
  echo "$target: $(wc -l <"$T/$target.1.ids") blocks for --name=ci, $new more with --verbose"
done
boot virtio "$T/edges" "--name=ci" edges
echo "virtio edges: $(wc -l <"$T/edges.ids")"
# A wrong argument: QEMU refuses the plugin and says why.
not timeout -s KILL 60 qemu-system-x86_64 -M microvm -nodefaults -display none -serial stdio \
  -plugin "$plugin,bogus=1" -kernel "$T/img/bootvars.virtio" </dev/null >"$T/bad.out" 2>&1
contains "$T/bad.out" "coverage: unknown argument 'bogus=1'"
echo "ok"
