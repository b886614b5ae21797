#!/usr/bin/env bash
# A nightly pipeline runs `history` after each benchmark cell: on a branch of
# the example repository whose configuration keeps only bench on gcc x virtio,
# `ci-run nightly` queues one job, a `ci-run worker` runs it (build, boot,
# bench, history), and the history step names the commit tagged
# perf-regression, as a warning (no fail-on-regression), with its evidence in
# the step's detail. (`history: false` is a unit test: history_step_test.cc.)
source "$(dirname "$0")/common.inc"
make_repo

# The branch: main plus a configuration with one benchmark cell.
git -C "$T/repo" checkout -q -b nightly main
cat >"$T/repo/.ci-run.yml" <<'YML'
matrix:
  compiler: [gcc]
  target: [virtio]
unikernels:
  bench:
    path: unikernels
    build: ./build.sh bench ${target} ${compiler} _build/${compiler}-${target}
    image: _build/${compiler}-${target}/bench.${target}
    boot:
      args: ["--size=6000000"]
      expect: ["^METRIC items=6000000 count$", "^SUCCESS$"]
      timeout: 60s
    bench:
      runs: 10
      clock: instructions
      metrics: [boot_ms, cpu_ms, cycles, image_bytes]
YML
git -C "$T/repo" -c user.name=t -c user.email=t@t commit -qam "nightly: only the benchmark"
# A few more commits that leave bench alone: as in a real history, the slower
# side has several points, so one noisy point cannot hide the change.
for n in 1 2 3; do
  echo "note $n" >>"$T/repo/NOTES.md"
  git -C "$T/repo" add NOTES.md
  git -C "$T/repo" -c user.name=t -c user.email=t@t commit -qm "notes: $n"
done
git -C "$T/repo" checkout -q main
REGRESSION=$(git -C "$T/repo" rev-parse perf-regression)

# The service's own QEMU for virtio (targets: in its configuration): a
# wrapper that notes which ci-run command booted it. The history step must
# boot with it too, as the service's other steps do.
cat >"$T/qemu-wrapper" <<SH
#!/bin/sh
tr '\\0' ' ' </proc/\$PPID/cmdline >>"$T/qemu-callers"; echo >>"$T/qemu-callers"
exec qemu-system-x86_64 "\$@"
SH
chmod +x "$T/qemu-wrapper"

# The wrapper spies on its caller from outside any box (it writes into $T and
# reads its parent's command line), so this scenario runs its trusted nightly
# jobs unboxed; the sandbox has tests of its own (e2e.service_sandbox).
write_config() {
  cat >"$T/service.yml" <<YML
targets:
  virtio: {binary: $T/qemu-wrapper}
sandbox: {enabled: false}
database: $T/data/ci.db
data-dir: $T/data
cache-dir: $T/cache
repositories:
  example/repo:
    url: file://$T/repo
    branches: [nightly]
worker:
  slots: 1
nightly:
  $1
YML
}
run_nightly() {  # run_nightly PIPELINE: queue it, run it with a worker, wait for its end
  "$CI_RUN" nightly --config "$T/service.yml" --again >"$T/nightly$1.out" 2>&1 ||
    { cat "$T/nightly$1.out"; fail "ci-run nightly failed"; }
  cat "$T/nightly$1.out"
  "$CI_RUN" worker --config "$T/service.yml" --name w1 >"$T/worker$1.log" 2>&1 &
  local worker=$!
  timeout 900 "$CI_RUN" status --config "$T/service.yml" "$1" --wait --json >"$T/p$1.json" ||
    { kill "$worker"; cat "$T/worker$1.log"; fail "pipeline $1 did not pass"; }
  kill -TERM "$worker"
  wait "$worker" || true
}

write_config "history: true"
run_nightly 1
# The job's step logs, history's own output among them.
history_log() { "$CI_RUN" status --config "$T/service.yml" 1 --job "bench gcc/virtio" >&3 || true; }
step() { json "$T/p$1.json" "[s for s in d['jobs'][0]['steps'] if s['name']=='history'][0]$2"; }
# (and reproducible: a nightly pipeline builds each image twice, by default)
[ "$(json "$T/p1.json" "[s['name'] for s in d['jobs'][0]['steps']]")" = "['build', 'boot', 'bench', 'history', 'reproducible']" ] ||
  fail "expected build, boot, bench, history and reproducible steps"
[ "$(step 1 "['outcome']")" = passed ] || fail "history step: $(step 1 "['cause']")"
# Exactly one confirmed change: the commit tagged perf-regression, slower.
[ "$(json "$T/p1.json" "[c['commit'] for c in [s for s in d['jobs'][0]['steps'] if s['name']=='history'][0]['detail']['history']['changes']]")" = "['$REGRESSION']" ] ||
  { history_log; fail "history did not name exactly perf-regression: $(step 1 "['cause']")"; }
[ "$(step 1 "['detail']['regressions']")" -ge 1 ] || fail "no regression counted"
step 1 "['cause']" | grep -q "slower .* at ${REGRESSION:0:12} " || fail "the cause does not name the commit: $(step 1 "['cause']")"
# The command it ran reproduces it, and used the pipeline's own store.
step 1 "['command']" | grep -q -- "history file://$T/repo --rev " || fail "unexpected command: $(step 1 "['command']")"
step 1 "['command']" | grep -q -- "--db sqlite:$T/data/ci.db" || fail "history did not use the service's store: $(step 1 "['command']")"
step 1 "['command']" | grep -q -- "--service-config $T/service.yml" || fail "history was not given the service's configuration: $(step 1 "['command']")"
grep -q " history file://$T/repo " "$T/qemu-callers" || { cat "$T/qemu-callers"; fail "history did not boot with the service's targets: (its QEMU wrapper)"; }
