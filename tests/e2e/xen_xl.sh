#!/usr/bin/env bash
# The xen target's xl path end to end, against tests/xen/xl: a stand-in xl that
# boots the PVH image under QEMU in a session of its own (like a Xen domain, it
# outlives a killed `xl create`) and records create/destroy calls. `force-xl`
# in the host config makes ci-run take the xl path on this Xen-less machine.
# Scenarios: pass, crash, rejection, hang (xl destroy is called), ci-run
# SIGKILLed mid-boot (the next start destroys the leftover domain), Ctrl-C
# mid-boot (ci-run destroys it), and the QEMU fallback without force-xl.
source "$(dirname "$0")/common.inc"
export XL_STANDIN_STATE="$T/xl"
export PATH="$SOURCE_DIR/tests/xen:$PATH"
mkdir -p "$XL_STANDIN_STATE"
printf 'targets:\n  xen: {force-xl: true}\n' >"$T/xl.yml"
domains() { xl list | tail -n +3 | awk '{print $1}'; }
count() { [ -e "$1" ] && wc -l <"$1" || echo 0; }

make_repo

# 1. Pass: the example repository's gcc x xen cells at `good`, every boot
#    through `xl create -F -c`, every domain destroyed afterwards.
expect_exit 0 "$CI_RUN" local "$T/repo" --rev good --only compiler=gcc,target=xen \
  --host-config "$T/xl.yml" --no-bench --fuzz-boots 6 --plain --json "$T/good.json" >"$T/good.out" 2>&1 ||
  { cat "$T/good.out"; exit 1; }
cat "$T/good.out"
contains "$T/good.out" "3 jobs: 3 passed"
contains "$T/good.out" "booted with xl (force-xl) although no Xen hypervisor on this host"
# hello 1 boot, bootvars 1 + 7 tests + fuzzing (3 calibration boots, then the
# 6 of the budget), bench 1: nineteen domains, each created once and destroyed.
n=$(count "$XL_STANDIN_STATE/create.log")
[ "$n" = 19 ] || fail "expected 19 xl creates, got $n"
[ "$(sort "$XL_STANDIN_STATE/create.log")" = "$(sort "$XL_STANDIN_STATE/destroy.log")" ] ||
  fail "not every domain got its xl destroy"
[ "$(sort -u "$XL_STANDIN_STATE/create.log" | wc -l)" = 19 ] || fail "domain names not unique"
[ -z "$(domains)" ] || fail "domains left: $(domains)"
[ "$(json "$T/good.json" "sorted(set(s['command'].split()[0] for j in d['jobs'] for s in j['steps'] if s['name'] == 'boot' or s['name'].startswith('test:')))")" = "['xl']" ] ||
  fail "boots did not go through xl"
# The quoted-name test's argument reached the guest through the .xl file's cmdline.
quoted=$(grep -l 'cmdline = "\\"--name=a b\\""' "$XL_STANDIN_STATE"/configs/* | wc -l)
[ "$quoted" = 1 ] || fail "no .xl file with cmdline \"\\\"--name=a b\\\"\""
[ "$(json "$T/good.json" "[s['outcome'] for j in d['jobs'] for s in j['steps'] if s['name']=='test:quoted-name']")" = "['passed']" ] ||
  fail "quoted-name did not pass"

# 2. Crash and hang at `bootvar-crash`: a 101-byte name smashes the stack
#    (crashed), --port=0 loops until the 3 s timeout (hung); ci-run destroys
#    the hung domain, whose QEMU outlived the killed `xl create`.
name=$(printf 'n%.0s' $(seq 1 101))
cat >"$T/crash.yml" <<YML
matrix: {compiler: [gcc], target: [xen]}
reruns: 0  # one domain per failing boot (reruns are for flakiness)
unikernels:
  hang:
    path: unikernels
    build: ./build.sh bootvars \${target} \${compiler} _build/\${compiler}-\${target}
    image: _build/\${compiler}-\${target}/bootvars.\${target}
    boot: {args: ["--port=0"], expect: ["^SUCCESS\$"], timeout: 3s}
  crash:
    path: unikernels
    build: ./build.sh bootvars \${target} \${compiler} _build/\${compiler}-\${target}
    image: _build/\${compiler}-\${target}/bootvars.\${target}
    boot: {args: ["--name=$name"], expect: ["^SUCCESS\$"]}
YML
: >"$XL_STANDIN_STATE/create.log"
: >"$XL_STANDIN_STATE/destroy.log"
expect_exit 1 "$CI_RUN" local "$T/repo" --rev bootvar-crash --config "$T/crash.yml" \
  --host-config "$T/xl.yml" --plain --json "$T/crash.json" >"$T/crash.out" 2>&1 ||
  { cat "$T/crash.out"; exit 1; }
cat "$T/crash.out"
outcome() { json "$T/crash.json" "[j['steps'][1]['outcome'] for j in d['jobs'] if j['unikernel']=='$1'][0]"; }
[ "$(outcome crash)" = crashed ] || fail "the long name did not crash"
[ "$(outcome hang)" = hung ] || fail "--port=0 did not hang"
contains "$T/crash.out" 'crash signature /PANIC/ matched: "PANIC: stack smashing detected"'
contains "$T/crash.out" "timed out after 3s"
[ "$(count "$XL_STANDIN_STATE/create.log")" = 2 ] || fail "expected 2 xl creates"
[ "$(sort "$XL_STANDIN_STATE/create.log")" = "$(sort "$XL_STANDIN_STATE/destroy.log")" ] ||
  fail "not every domain got its xl destroy"
[ -z "$(domains)" ] || fail "domains left: $(domains)"
[ -z "$(leftovers)" ] || fail "processes left: $(leftovers)"

# 3. ci-run boot: a rejected argument (the guest's EXIT: 64) and a missing expect.
bv=$("$SOURCE_DIR/fixtures/unikernels/build.sh" bootvars xen gcc "$T/img" | tail -n 1)
expect_exit 1 "$CI_RUN" boot "$bv" --target xen --host-config "$T/xl.yml" --expect '^SUCCESS$' \
  -- --port=x >"$T/rej.out"
contains "$T/rej.out" 'ci-run boot: rejected: exit code 64 not in [0]; last line: "EXIT: 64"'
expect_exit 1 "$CI_RUN" boot "$bv" --target xen --host-config "$T/xl.yml" --expect '^NEVER$' \
  >"$T/miss.out"
contains "$T/miss.out" 'ci-run boot: failed: expected /^NEVER$/ not seen; last line: "EXIT: 0"'

# 4. ci-run SIGKILLed mid-boot: its domain keeps running (as on Xen), and the
#    next ci-run start destroys it.
hang=$(PLANT=BOOTVAR_HANG "$SOURCE_DIR/fixtures/unikernels/build.sh" bootvars xen gcc "$T/hang" | tail -n 1)
"$CI_RUN" boot "$hang" --target xen --host-config "$T/xl.yml" --timeout 120s -- --port=0 \
  >"$T/killed.out" 2>&1 &
victim=$!
for _ in $(seq 1 1200); do
  grep -q '^verbose' "$T/killed.out" 2>/dev/null && [ -n "$(domains)" ] && break
  sleep 0.1
done
grep -q '^verbose' "$T/killed.out" || { cat "$T/killed.out"; fail "the guest did not start within 120 s"; }
left=$(domains)
[ "$left" = "ci-run-$victim-boot-$victim" ] || fail "expected the domain of ci-run $victim, got '$left'"
kill -KILL "$victim"
wait "$victim" 2>/dev/null || true
read -r _ qemu _ <"$XL_STANDIN_STATE/domains/$left"
sleep 0.5
kill -0 "$qemu" 2>/dev/null || fail "the domain died with its ci-run (a real Xen domain would not)"
hello=$("$SOURCE_DIR/fixtures/unikernels/build.sh" hello xen gcc "$T/img" | tail -n 1)
expect_exit 0 "$CI_RUN" boot "$hello" --target xen --host-config "$T/xl.yml" --expect '^SUCCESS$' \
  >"$T/next.out"
cat "$T/next.out"
contains "$T/next.out" "ci-run boot: destroyed leftover Xen domain $left (its ci-run process $victim is gone)"
grep -qx -- "$left" "$XL_STANDIN_STATE/destroy.log" || fail "no xl destroy $left"
for _ in $(seq 1 40); do kill -0 "$qemu" 2>/dev/null || break; sleep 0.05; done
kill -0 "$qemu" 2>/dev/null && fail "the leftover domain's QEMU still runs"
[ -z "$(domains)" ] || fail "domains left: $(domains)"

# 5. Ctrl-C mid-boot: ci-run stops, destroys the domain itself, exits 130.
"$CI_RUN" boot "$hang" --target xen --host-config "$T/xl.yml" --timeout 120s -- --port=0 \
  >"$T/int.out" 2>&1 &
victim=$!
for _ in $(seq 1 1200); do
  grep -q '^verbose' "$T/int.out" 2>/dev/null && [ -n "$(domains)" ] && break
  sleep 0.1
done
grep -q '^verbose' "$T/int.out" || { cat "$T/int.out"; fail "the guest did not start within 120 s"; }
left=$(domains)
[ "$left" = "ci-run-$victim-boot-$victim" ] || fail "expected the domain of ci-run $victim, got '$left'"
kill -INT "$victim"
rc=0
wait "$victim" || rc=$?
[ "$rc" = 130 ] || { cat "$T/int.out"; fail "interrupted ci-run boot exited $rc, not 130"; }
grep -qx -- "$left" "$XL_STANDIN_STATE/destroy.log" || fail "no xl destroy $left after Ctrl-C"
[ -z "$(domains)" ] || fail "domains left after Ctrl-C: $(domains)"

# 6. Without force-xl there is no Xen here: the QEMU (PVH) fallback, xl untouched.
before=$(count "$XL_STANDIN_STATE/create.log")
expect_exit 0 "$CI_RUN" boot "$hello" --target xen --expect '^SUCCESS$' >"$T/fallback.out"
contains "$T/fallback.out" "xen image booted under QEMU (PVH): no Xen hypervisor on this host"
contains "$T/fallback.out" "ci-run boot: command: qemu-system-x86_64"
[ "$(count "$XL_STANDIN_STATE/create.log")" = "$before" ] || fail "the fallback called xl"
echo "xl path: pass, crash, rejection, hang, SIGKILL sweep, Ctrl-C and fallback all behaved"
