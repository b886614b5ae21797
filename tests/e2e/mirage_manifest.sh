#!/usr/bin/env bash
# The manifest of a real MirageOS cell (mirage-skeleton's noop, built by the
# `mirage` toolchain on unix): the toolchain's OCaml compiler and dune, the
# libraries its ocamlfind sees with their versions, and the packages the
# build vendored into duniverse/, each with its git tree id. Each is checked
# against the toolchain's own ocamlfind and against git, run here.
source "$(dirname "$0")/common.inc"
source "$(dirname "$0")/mirage_skeleton.inc"

mirage_toolchain
make_skeleton "$T/skel"
rc=0
"$CI_RUN" local "$T/skel" --config mirage-skeleton --host-config "$mirage_registration" \
  --unikernel noop --only compiler=mirage,target=unix --no-fuzz --no-bench --plain \
  --db "$T/ci.db" --work-dir "$T/work" --keep-workspaces --json "$T/report.json" >"$T/out" 2>&1 || rc=$?
cat "$T/out"
[ "$rc" = 0 ] || fail "ci-run local exited $rc"
job=$(json "$T/report.json" "d['jobs'][0]['id']")
pipeline=$(json "$T/report.json" "d['pipeline']['id']")
"$CI_RUN" manifest "$job" --db "$T/ci.db" >"$T/manifest.txt"
"$CI_RUN" manifest "$job" --db "$T/ci.db" --json >"$T/manifest.json"
head -40 "$T/manifest.txt"
contains "$T/manifest.txt" "Duniverse (git tree ids)"

# The toolchain's own ocamlopt and ocamlfind, in the toolchain's environment
# (its prefix's bin/ first on PATH, its OCAMLPATH and findlib.conf).
prefix=$(json "$T/manifest.json" "d['toolchain']['location']")
in_toolchain() {
  OCAMLPATH="$prefix/lib" OCAMLFIND_CONF="$prefix/findlib/findlib.conf" PATH="$prefix/bin:$PATH" "$@"
}
[ "$(json "$T/manifest.json" "d['toolchain']['compilers']['ocamlopt']")" = "$(in_toolchain ocamlopt -version)" ] ||
  fail "the manifest's ocamlopt is not the toolchain's"
findlib() { in_toolchain ocamlfind "$@"; }
n=$(json "$T/manifest.json" "len(d['toolchain']['libraries'])")
[ "$n" -gt 20 ] || fail "only $n libraries in the manifest"
[ "$(json "$T/manifest.json" "d['toolchain']['libraries']['lwt']")" = "$(findlib query -format '%v' lwt)" ] ||
  fail "the manifest's lwt is not the toolchain's"
# Every top-level package `ocamlfind list` shows, with its version, and no other.
findlib list 2>/dev/null | sed -n 's/^\([A-Za-z0-9_+-]*\) *(version: \(.*\))$/\1 \2/p' | sort >"$T/findlib.txt"
json "$T/manifest.json" "'\n'.join(k + ' ' + v for k, v in sorted(d['toolchain']['libraries'].items()))" | sort >"$T/libraries.txt"
diff "$T/findlib.txt" "$T/libraries.txt" || fail "the manifest's libraries are not the toolchain's"
grep -q '^mirage-runtime ' "$T/libraries.txt" || fail "mirage-runtime is not among the libraries"

# The duniverse/ of the build, package by package, as git computes tree ids.
duniverse=$T/work/p$pipeline/j$job/tutorial/noop/duniverse
[ -d "$duniverse" ] || fail "the build made no $duniverse"
git -C "$T" init -q gitcheck
cp -a "$duniverse" "$T/gitcheck/duniverse"
git -C "$T/gitcheck" add -A -f duniverse
tree=$(git -C "$T/gitcheck" write-tree)
git -C "$T/gitcheck" ls-tree "$tree:duniverse" | awk '$2 == "tree" {print $4 " " $3}' >"$T/git-trees.txt"
json "$T/manifest.json" "'\n'.join(k + ' ' + v for k, v in sorted(d['toolchain']['duniverse'].items()))" >"$T/manifest-trees.txt"
[ -s "$T/git-trees.txt" ] || fail "git sees no package in duniverse/"
diff "$T/git-trees.txt" "$T/manifest-trees.txt" || fail "the manifest's duniverse tree ids are not git's"
echo "$(wc -l <"$T/git-trees.txt") duniverse packages, tree ids as git computes them"
