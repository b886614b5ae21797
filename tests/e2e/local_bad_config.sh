#!/usr/bin/env bash
# Malformed configurations: FILE:LINE:COL errors, exit 2, nothing run.
source "$(dirname "$0")/common.inc"
make_repo

# check NAME EXPECTED-PREFIX: the config in $T/NAME must be rejected with that error.
check() {
  local out="$T/$1.out"
  expect_exit 2 "$CI_RUN" local "$T/repo" --rev good --config "$T/$1" --db "$T/$1.db" >"$out" 2>&1
  contains "$out" "$2"
  contains "$out" "nothing was run"
  [ ! -e "$T/$1.db" ] || fail "$1: a pipeline was created for a rejected configuration"
}

printf 'matrix:\n  target: [unix\nunikernels: {}\n' >"$T/syntax.yml"
check syntax.yml "$T/syntax.yml:3:"

printf 'matrix:\n  target: [unix]\nunikernels:\n  hello:\n    bulid: make\n    image: x\n' >"$T/unknown-key.yml"
check unknown-key.yml "$T/unknown-key.yml:5:5: unknown key \"bulid\""

printf 'matrix:\n  target: [unix]\nunikernels:\n  hello:\n    build: make\n    image: x\n    boot:\n      timeout: ten\n' >"$T/duration.yml"
check duration.yml "$T/duration.yml:8:16:"

printf 'matrix:\n  target: [unix]\nunikernels:\n  hello:\n    build: make ${compilr}\n    image: x\n' >"$T/variable.yml"
check variable.yml "$T/variable.yml:5:12:"

printf 'matrix:\n  target: [unix]\nunikernels:\n  hello:\n    build: make\n    image: x\n    boot:\n      expect: ["(unclosed"]\n' >"$T/regex.yml"
check regex.yml "$T/regex.yml:8:16:"

printf 'matrix:\n  a: [1,2,3,4,5,6,7]\n  b: [1,2,3,4,5,6,7]\n  c: [1,2,3,4,5,6]\n  target: [unix]\nunikernels:\n  hello: {build: make, image: x}\n' >"$T/too-big.yml"
check too-big.yml "$T/too-big.yml:"
contains "$T/too-big.yml.out" "256"

# Several errors in one file are all reported.
printf 'matrix:\n  target: [unix]\nunikernels:\n  hello:\n    image: x\n    boot: {exit: [300]}\n' >"$T/many.yml"
check many.yml "$T/many.yml:4:3:"
contains "$T/many.yml.out" "$T/many.yml:6:"

# A malformed .ci-run.yml in the work tree is reported with its real path.
printf 'unikernels: [\n' >"$T/repo/.ci-run.yml"
expect_exit 2 "$CI_RUN" local "$T/repo" >"$T/worktree.out" 2>&1
contains "$T/worktree.out" "$T/repo/.ci-run.yml:2:"
