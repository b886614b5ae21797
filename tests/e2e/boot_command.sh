#!/usr/bin/env bash
# `ci-run boot` boots one image and judges it with the same rules as pipelines.
source "$(dirname "$0")/common.inc"
img=$("$SOURCE_DIR/fixtures/unikernels/build.sh" hello virtio gcc "$T/out" | tail -n 1)
expect_exit 0 "$CI_RUN" boot "$img" --target virtio --expect '^Hello from virtio$' --expect '^arg\[2\]: two words$' --expect '^SUCCESS$' -- --greeting=hi "two words" >"$T/out.txt"
contains "$T/out.txt" "ci-run boot: passed"
contains "$T/out.txt" "arg[2]: two words"
expect_exit 1 "$CI_RUN" boot "$img" --target virtio --expect '^NEVER$' >"$T/miss.txt"
contains "$T/miss.txt" "ci-run boot: failed: expected /^NEVER$/ not seen"
bv=$("$SOURCE_DIR/fixtures/unikernels/build.sh" bootvars unix gcc "$T/out" | tail -n 1)
expect_exit 1 "$CI_RUN" boot "$bv" --target unix --expect '^SUCCESS$' -- --port=x >"$T/rej.txt"
contains "$T/rej.txt" "ci-run boot: rejected"
expect_exit 0 "$CI_RUN" boot "$bv" --target unix --exit 64 --expect '^error:' -- --port=x >/dev/null
expect_exit 2 "$CI_RUN" boot "$img" --target no-such-target
expect_exit 2 "$CI_RUN" boot "$T/missing.img" --target virtio
