#!/usr/bin/env bash
# A job no worker can take does not wait forever: with `worker.queue-timeout`,
# the reaper of a running `ci-run worker` ends it as infra with the labels it
# waited for, the pipeline finishes (failed), and `rebuild --failed` queues it
# again. Here the only worker offers gcc but not clang, so of hello's two
# cells the gcc one passes and the clang one times out in the queue. Workers
# announce themselves in the store: `status --workers` lists the live ones,
# `status PIPELINE` says whether one offers a queued job's labels, and a
# worker that stops is gone.
source "$(dirname "$0")/common.inc"
make_repo

git -C "$T/repo" checkout -q -b two-compilers good
cat >"$T/repo/.ci-run.yml" <<'YML'
matrix:
  compiler: [gcc, clang]
  target: [virtio]
unikernels:
  hello:
    path: unikernels
    build: ./build.sh hello ${target} ${compiler} _build/${compiler}-${target}
    image: _build/${compiler}-${target}/hello.${target}
    boot:
      args: ["--greeting=hi"]
      expect: ["^SUCCESS$"]
      timeout: 20s
YML
git -C "$T/repo" -c user.name=t -c user.email=t@t commit -qam "hello on gcc and clang"

cat >"$T/service.yml" <<YML
database: $T/data/ci.db
data-dir: $T/data
cache-dir: $T/cache
repositories:
  example/repo:
    url: file://$T/repo
    branches: [two-compilers]
worker:
  in-serve: false
  labels: [target:virtio, toolchain:gcc]
  lease: 2s
  queue-timeout: 10s
nightly: {bench: false, history: false}
YML
status() { "$CI_RUN" status --config "$T/service.yml" "$@"; }

"$CI_RUN" nightly --config "$T/service.yml" >"$T/nightly.out" 2>&1 || { cat "$T/nightly.out"; fail "nightly failed"; }
status 1 >"$T/queued.txt"
cat "$T/queued.txt"
contains "$T/queued.txt" "Queued, waiting for a worker offering:"
contains "$T/queued.txt" "1 job: target:virtio toolchain:clang (no live worker offers these)"
status --workers >"$T/list0.txt"
contains "$T/list0.txt" "no live worker"

"$CI_RUN" worker --config "$T/service.yml" --name w1 >"$T/worker.log" 2>&1 &
worker=$!
# gcc passes, clang is infra: nothing failed, the pipeline is incomplete (exit 3).
expect_exit 3 timeout 300 "$CI_RUN" status --config "$T/service.yml" 1 --wait --json >"$T/p1.json"
cell_state() { json "$T/p1.json" "[j['state'] for j in d['jobs'] if j['cell']['compiler']=='$1'][0]"; }
cell_cause() { json "$T/p1.json" "[j['cause'] for j in d['jobs'] if j['cell']['compiler']=='$1'][0]"; }
[ "$(cell_state gcc)" = passed ] || fail "the gcc cell did not pass: $(cell_cause gcc)"
[ "$(cell_state clang)" = infra ] || fail "the clang cell is $(cell_state clang), not infra"
cell_cause clang | grep -q "^no worker offering .*toolchain:clang.* claimed it within 10s$" ||
  fail "unexpected cause: $(cell_cause clang)"
[ "$(json "$T/p1.json" "d['pipeline']['state']")" = failed ] || fail "the pipeline did not end failed"
grep -q "ended 1 job(s) as infra: no worker offering their labels claimed them within 10s" "$T/worker.log" ||
  { cat "$T/worker.log"; fail "the worker did not log the expiry"; }
status 1 >"$T/p1.txt"
contains "$T/p1.txt" "claimed it within 10s"
status --workers >"$T/list1.txt"
cat "$T/list1.txt"
grep -Eq "^w1 +[0-9]+/[0-9]+ .* target:virtio toolchain:gcc$" "$T/list1.txt" || fail "status does not list the live worker w1"

# Nothing was lost: a rebuild of the failed job queues it again.
"$CI_RUN" rebuild --config "$T/service.yml" 1 --failed >"$T/rebuild.out" 2>&1 || { cat "$T/rebuild.out"; fail "rebuild failed"; }
[ "$(json <(status 2 --json) "[j['state'] for j in d['jobs']]")" = "['queued']" ] ||
  fail "the rebuild did not queue the clang job again: $(status 2)"
status 2 >"$T/p2.txt"
contains "$T/p2.txt" "1 job: target:virtio toolchain:clang (no live worker offers these)"

# A worker offering clang takes it; workers that stop are no longer live.
"$CI_RUN" worker --config "$T/service.yml" --name w2 --labels target:virtio,toolchain:clang \
  >"$T/worker2.log" 2>&1 &
worker2=$!
timeout 300 "$CI_RUN" status --config "$T/service.yml" 2 --wait >"$T/p2-done.txt" ||
  { cat "$T/p2-done.txt" "$T/worker2.log"; fail "the clang job did not pass on w2"; }
kill -TERM "$worker" "$worker2"
wait "$worker" || true
wait "$worker2" || true
status --workers >"$T/list2.txt"
contains "$T/list2.txt" "no live worker"

