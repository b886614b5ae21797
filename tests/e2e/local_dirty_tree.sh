#!/usr/bin/env bash
# A work tree with uncommitted changes is tested as it is, and ci-run says so.
source "$(dirname "$0")/common.inc"
make_repo
git -C "$T/repo" checkout -q good
# An uncommitted change: hello gets a third argument, which it must echo.
sed -i 's/args: \["--greeting=hi", "two words"\]/args: ["--greeting=hi", "two words", "dirty-marker"]/' "$T/repo/.ci-run.yml"
sed -i 's/"\^arg\\\\\[2\\\\\]: two words\$", /&"^arg\\\\[3\\\\]: dirty-marker$", /' "$T/repo/.ci-run.yml"
grep -q 'arg\\\\\[3\\\\\]: dirty-marker' "$T/repo/.ci-run.yml" || fail "sed did not apply"
expect_exit 0 "$CI_RUN" local "$T/repo" --unikernel hello --only compiler=gcc --plain --json "$T/report.json" >"$T/out" 2>&1 || { cat "$T/out"; exit 1; }
cat "$T/out"
contains "$T/out" "Testing the work tree of $T/repo as it is: 1 uncommitted change(s): .ci-run.yml"
[ "$(json "$T/report.json" "d['pipeline']['dirty']")" = True ] || fail "pipeline not marked dirty"
[ "$(json "$T/report.json" "len(d['jobs'])")" = 4 ] || fail "expected 4 hello gcc jobs"
[ "$(json "$T/report.json" "all('dirty-marker' in j['steps'][1]['command'] for j in d['jobs'])")" = True ] || fail "the dirty config was not used"
# ci-run's own state does not make the tree dirtier.
[ "$(git -C "$T/repo" status --porcelain)" = " M .ci-run.yml" ] || fail "ci-run left files in the work tree: $(git -C "$T/repo" status --porcelain)"
# A dirty source file is built as it is too: break hello.c and the build must fail.
echo "#error uncommitted breakage" >>"$T/repo/unikernels/apps/hello.c"
expect_exit 1 "$CI_RUN" local "$T/repo" --unikernel hello --only compiler=gcc,target=unix --plain >"$T/out2" 2>&1
contains "$T/out2" "uncommitted breakage"
