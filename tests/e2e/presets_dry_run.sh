#!/usr/bin/env bash
# The MirageOS presets load through --config and `ci-run local --dry-run`
# prints their whole recipe: with the example host config of a MirageOS
# machine (opam switches, Solo5 targets), and on this host, which has none of
# their compilers (every job says why it would be skipped, then its commands).
source "$(dirname "$0")/common.inc"
make_repo
host=$SOURCE_DIR/matrices/hosts/mirage-opam.yml

expect_exit 0 "$CI_RUN" local "$T/repo" --rev good --config mirage-skeleton --dry-run --host-config "$host" >"$T/skeleton.txt" 2>&1 ||
  { cat "$T/skeleton.txt"; exit 1; }
[ "$(grep -c '^[a-z-]* ocaml-[0-9.]*/[a-z0-9]*$' "$T/skeleton.txt")" = 30 ] || fail "expected 30 opam jobs"
[ "$(grep -c '^[a-z-]* mirage/[a-z0-9]*$' "$T/skeleton.txt")" = 15 ] || fail "expected 15 jobs of the mirage toolchain"
# Each opam build names its opam root (OPAMROOT), so that a sandbox, whose
# HOME is not the user's, finds it.
[ "$(grep -c '^  build (in tutorial/[a-z-]*/): OPAMROOT=[^ ]* opam exec --switch=' "$T/skeleton.txt")" = 30 ] || fail "every build runs in its opam switch"
opamroot="OPAMROOT=${OPAMROOT:-$HOME/.opam}"
contains "$T/skeleton.txt" '  skipped on this host: no toolchain named "mirage" on this host'
contains "$T/skeleton.txt" "  skipped on this host: toolchain ocaml-4.14: opam: not found in PATH"
contains "$T/skeleton.txt" "  build (in tutorial/hello/): $opamroot opam exec --switch=4.14.2 -- sh -c 'mirage configure -t hvt && { if command -v ci-run-duniverse >/dev/null; then ci-run-duniverse hvt; else make depends; fi; } && dune build && { test hvt != unix || cp -L dist/hello dist/hello.unix; }'"
contains "$T/skeleton.txt" "  boot: solo5-hvt --mem=128 -- '\$WORKSPACE/tutorial/hello/dist/hello.hvt'"
contains "$T/skeleton.txt" "  boot: solo5-spt --mem=128 -- '\$WORKSPACE/tutorial/hello-key/dist/hello-key.spt' '\"--hello=Hi from ci-run\"'"
contains "$T/skeleton.txt" "  test unknown-key: solo5-spt --mem=128 -- '\$WORKSPACE/tutorial/hello-key/dist/hello-key.spt' --ci-run-no-such-key=1"
contains "$T/skeleton.txt" " -m 128 -nodefaults -machine acpi=off -display none -serial stdio -device isa-debug-exit -kernel '\$WORKSPACE/tutorial/hello-key/dist/hello-key.virtio' -append '\"--hello=Hi from ci-run\"'"
contains "$T/skeleton.txt" "  boot: '\$WORKSPACE/tutorial/noop/dist/noop.unix'"

# Without a host config: the built-in targets, and no such compilers here.
expect_exit 0 "$CI_RUN" local "$T/repo" --rev good --config mirage4 --dry-run >"$T/mirage4.txt" 2>&1 ||
  { cat "$T/mirage4.txt"; exit 1; }
cat "$T/mirage4.txt"
[ "$(grep -c '^unikernel ocaml-[0-9.]*/[a-z0-9]*$' "$T/mirage4.txt")" = 10 ] || fail "expected 10 opam jobs"
[ "$(grep -c '^unikernel mirage/[a-z0-9]*$' "$T/mirage4.txt")" = 5 ] || fail "expected 5 jobs of the mirage toolchain"
contains "$T/mirage4.txt" '  skipped on this host: no toolchain named "ocaml-5.3" on this host'
contains "$T/mirage4.txt" "  build (in ./): sh -c 'mirage configure -t xen && { if command -v ci-run-duniverse >/dev/null; then ci-run-duniverse xen; else make depends; fi; } && dune build && image="
contains "$T/mirage4.txt" "  test help: solo5-hvt --mem=64 -- '\$WORKSPACE/dist/ci-run.hvt' --help=plain"

# An unknown preset names the ones there are.
expect_exit 2 "$CI_RUN" local "$T/repo" --rev good --config mirage-nope --dry-run >"$T/nope.txt" 2>&1
contains "$T/nope.txt" "mirage-skeleton"
contains "$T/nope.txt" "mirage4"
