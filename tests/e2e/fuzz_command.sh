#!/usr/bin/env bash
# `ci-run fuzz` fuzzes one cell on its own: findings with reproducers, the
# same findings for the same seed, a JSON report, and clear usage errors.
source "$(dirname "$0")/common.inc"
make_repo
cell=(--unikernel bootvars --only compiler=gcc,target=virtio)
# --no-corpus: a stored corpus (booted first) would change the inputs of the second run.
expect_exit 1 "$CI_RUN" fuzz "$T/repo" --rev bootvar-crash "${cell[@]}" --boots 12 --seed 3 -j2 --plain \
  --no-corpus --json "$T/a.json" >"$T/a.out" 2>&1 || { cat "$T/a.out"; exit 1; }
cat "$T/a.out"
contains "$T/a.out" "Fuzzing bootvars gcc/virtio: 12 inputs, 2 boots at once, seed 3"
contains "$T/a.out" "bootvars gcc/virtio: fuzz 12/12 inputs"
contains "$T/a.out" "2 findings:"
contains "$T/a.out" "minimised:  --port=0"
[ "$(json "$T/a.json" "sorted(f['command_line'] for f in d['fuzz']['findings'])")" = "['--name=$(printf 'a%.0s' $(seq 101))', '--port=0']" ] || fail "unexpected findings"
[ "$(json "$T/a.json" "d['fuzz']['inputs']")" = 12 ] || fail "budget not applied"
[ "$(json "$T/a.json" "d['fuzz']['seed']")" = 3 ] || fail "seed not applied"
case "$(json "$T/a.json" "d['boot_command']")" in qemu-system-x86_64\ *) ;; *) fail "no boot command in the JSON";; esac
# The same seed: the same inputs, the same findings (in a second database).
expect_exit 1 "$CI_RUN" fuzz "$T/repo" --rev bootvar-crash "${cell[@]}" --boots 12 --seed 3 -j1 --plain \
  --no-corpus --db "$T/second.db" --json "$T/b.json" >"$T/b.out" 2>&1 || { cat "$T/b.out"; exit 1; }
key="[(f['signature'], f['command_line'], f['original'], f['first_input'], f['hits']) for f in d['fuzz']['findings']]"
[ "$(json "$T/a.json" "$key")" = "$(json "$T/b.json" "$key")" ] || fail "same seed, different findings"
[ "$(json "$T/a.json" "d['fuzz']['outcomes']")" = "$(json "$T/b.json" "d['fuzz']['outcomes']")" ] || fail "same seed, different outcomes"
# The fixed commit: nothing found, exit 0; a time budget.
expect_exit 0 "$CI_RUN" fuzz "$T/repo" --rev bootvar-fixed "${cell[@]}" --boots 100000 --seconds 3 --plain \
  --json "$T/c.json" >"$T/c.out" 2>&1 || { cat "$T/c.out"; exit 1; }
contains "$T/c.out" "No findings"
inputs=$(json "$T/c.json" "d['fuzz']['inputs']")
[ "$inputs" -gt 0 ] && [ "$inputs" -lt 100000 ] || fail "--seconds did not stop the campaign ($inputs inputs)"
# A unikernel without fuzz: mutates its boot arguments only.
expect_exit 0 "$CI_RUN" fuzz "$T/repo" --rev bootvar-fixed --unikernel hello --only compiler=gcc,target=unix --boots 30 --plain >"$T/d.out" 2>&1 || { cat "$T/d.out"; exit 1; }
contains "$T/d.out" "hello has no fuzz: section: no typed keys, mutating its boot arguments only"
# Usage errors: exit 2, one clear line.
expect_exit 2 "$CI_RUN" fuzz "$T/repo" --rev bootvar-crash --unikernel bootvars --only target=virtio >"$T/e.out" 2>&1
contains "$T/e.out" "--unikernel and --only select 2 jobs; ci-run fuzz fuzzes one cell, pick it with --only:"
expect_exit 2 "$CI_RUN" fuzz "$T/repo" --rev bootvar-crash --unikernel nosuch --only target=virtio >/dev/null 2>&1
expect_exit 2 "$CI_RUN" fuzz "$T/repo" --rev bootvar-crash "${cell[@]}" --boots 0 >/dev/null 2>&1
expect_exit 2 "$CI_RUN" fuzz "$T/repo" --rev bootvar-crash --only target=virtio >/dev/null 2>&1
[ -z "$(leftovers)" ] || fail "processes left behind: $(leftovers)"
