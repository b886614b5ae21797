#!/usr/bin/env bash
# The README's two commands, on a fresh Debian 12 machine:
#   ./bootstrap.sh demo   install packages, build, run `ci-run local` on the example repository
#   ./bootstrap.sh test   install packages, build, run the whole test suite (ctest)
# Other modes: `./bootstrap.sh build` (packages + build only), `./bootstrap.sh bench`,
# `./bootstrap.sh reliability` (docs/performance.md, docs/reliability.md),
# `./bootstrap.sh mirage` (the real mirage-skeleton pipeline, see the README).
set -euo pipefail
cd "$(dirname "$0")"
mode=${1:-demo}
shift || true

# Debian packages: build dependencies, the boot backends, the fixtures' compilers.
packages=(
  cmake ninja-build pkg-config g++ git
  libgit2-dev libboost-dev libboost-filesystem-dev libyaml-cpp-dev doctest-dev
  prometheus-cpp-dev libsqlite3-dev libpqxx-dev libpq-dev nlohmann-json3-dev libcli11-dev
  libssl-dev libcurl4-openssl-dev libcpp-httplib-dev libre2-dev
  qemu-system-x86 qemu-system-arm qemu-user
  gcc clang lld gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu
  ocaml-nox ocaml-findlib
  postgresql sqlite3 procps python3 bubblewrap
)
# The MirageOS toolchain (`ci-run toolchain add --mirage-sources`, for `test`
# and `mirage`): Debian's OCaml 4.13 and dune 2.9, the libraries the mirage
# tool and the unix target link, the compiler's sources for the Solo5 cross
# compiler, and libseccomp for solo5-spt.
mirage_packages=(
  ocaml-dune libdune-ocaml-dev ocaml-source make libseccomp-dev
  libcmdliner-ocaml-dev liblwt-ocaml-dev libfmt-ocaml-dev liblogs-ocaml-dev
  libbos-ocaml-dev libfpath-ocaml-dev libastring-ocaml-dev librresult-ocaml-dev
  libresult-ocaml-dev libipaddr-ocaml-dev libcstruct-ocaml-dev libduration-ocaml-dev
  libmtime-ocaml-dev libptime-ocaml-dev liburi-ocaml-dev libangstrom-ocaml-dev
  libbase64-ocaml-dev libbigstringaf-ocaml-dev libuutf-ocaml-dev
  libdomain-name-ocaml-dev
)
case "$mode" in test|mirage) packages+=("${mirage_packages[@]}") ;; esac
# The dashboard's browser test (tests/e2e/web_dashboard.sh) drives Debian's
# headless Chromium; puppeteer-core and uPlot come from the npm registry.
case "$mode" in test) packages+=(chromium) ;; esac
# libFuzzer's runtime (clang only recommends it) for the config parser fuzz
# targets of the reliability suite (tests/reliability/config_fuzz.sh).
case "$mode" in test|reliability) packages+=(libclang-rt-14-dev) ;; esac
# npm fetches the OCaml compiler sources for the test suite (npm pack ocaml@...):
# Debian's npm, unless this machine already has one (e.g. with Node.js).
command -v npm >/dev/null 2>&1 || packages+=(npm)

install_packages() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "==> installing ${#missing[@]} Debian package(s): ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# QEMU's qemu-plugin.h, which the coverage plugin (qemu_plugins/coverage.c)
# is built against: Debian ships it only in the `qemu` source package, fetched
# once into ~/.cache/ci-run/qemu-plugin-header with a private sources list
# (the system's apt sources are not touched). Without it the plugin is not
# built and the fuzzer runs with coverage off.
plugin_header_flag=()
qemu_plugin_header() {
  local dir
  mkdir -p build
  if dir=$(qemu_plugins/fetch-qemu-plugin-header.sh 2>build/plugin-header.log); then
    plugin_header_flag=(-DQEMU_PLUGIN_INCLUDE_DIR="$dir")
    rm -f build/plugin-header.log
  else
    echo "==> no qemu-plugin.h (see build/plugin-header.log): the QEMU coverage plugin is not built, fuzzing runs with coverage off" >&2
  fi
}

# build [TARGET...]: configure and build (everything by default).
build() {
  qemu_plugin_header
  echo "==> building ${*:-ci-run and its tests} (build/)"
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${plugin_header_flag[@]}" >/dev/null
  cmake --build build -j "$(nproc)" ${1:+--target "$@"}
}

demo() {
  local repo=build/example-repo
  rm -rf "$repo"
  echo "==> creating the example repository ($repo)"
  fixtures/repos/make-example-repo.sh "$repo" >/dev/null
  echo "==> ci-run local $repo --rev good"
  exec build/ci-run local "$repo" --rev good --cache-dir build/cache "$@"
}

# The MirageOS sources: shared/third_party/mirageos beside this checkout, or
# $CI_RUN_MIRAGE_SOURCES.
mirage_sources() {
  local dir=${CI_RUN_MIRAGE_SOURCES:-../shared/third_party/mirageos}
  [ -d "$dir" ] || { echo "no MirageOS sources in $dir: set CI_RUN_MIRAGE_SOURCES to the folder of tarballs (shared/third_party/mirageos)" >&2; exit 2; }
  (cd "$dir" && pwd)
}

mirage() {
  local sources repo=build/mirage-skeleton
  sources=$(mirage_sources)
  local cache=${CI_RUN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ci-run}
  echo "==> ci-run toolchain add mirage (first time about 15 minutes; kept in $cache/toolchains/mirage)"
  build/ci-run toolchain add mirage --mirage-sources "$sources" --cache-dir "$cache"
  rm -rf "$repo"
  echo "==> creating a mirage-skeleton checkout ($repo)"
  fixtures/repos/make-mirage-skeleton-repo.sh "$sources" "$repo" >/dev/null
  echo "==> ci-run local $repo --config mirage-skeleton"
  exec build/ci-run local "$repo" --config mirage-skeleton --cache-dir "$cache" "$@"
}

# ./bootstrap.sh bench|reliability [NAME [ARGS...]]: every script of the
# suite (tests/bench/ or tests/reliability/) at full size, or the one called
# NAME with ARGS. Each prints its own rows; the end is one table of every
# figure with its baseline and ratio, also written to build/SUITE/results.json
# with the machine's load, for comparing runs. A reliability script fails when
# a promise breaks; a benchmark only when it cannot measure.
run_suite() {
  local suite=$1 only=${2:-} name failed=()
  shift 2 || shift $#
  mkdir -p "build/$suite"
  export BENCH_JSON=$PWD/build/$suite/results.jsonl
  : >"$BENCH_JSON"
  if [ -n "$only" ] && [ ! -f "tests/$suite/$only.sh" ]; then
    echo "no script called $only in tests/$suite/" >&2
    return 2
  fi
  for b in tests/"$suite"/*.sh; do
    name=$(basename "$b" .sh)
    [ "$name" = lib ] && continue
    [ -n "$only" ] && [ "$name" != "$only" ] && continue
    echo "==> $b"
    CI_RUN=$PWD/build/ci-run SOURCE_DIR=$PWD bash "$b" "$@" || failed+=("$name")
  done
  python3 - "$BENCH_JSON" "build/$suite/results.json" <<'PY'
import json, os, platform, subprocess, sys, time
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
fmt = "{:<18} {:<66} {:>11} {:<7} {:>11}  {:>6}  {}"
print("\n" + fmt.format("script", "what", "value", "unit", "baseline", "ratio", "baseline is"))
for r in rows:
    num = lambda v: "-" if v is None else f"{v:g}"
    print(fmt.format(r["bench"], r["what"][:66], num(r["value"]), r["unit"], num(r["baseline"]),
                     num(r["ratio"]), r["baseline_what"] or ""))
rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
out = {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "commit": rev or None,
       "cpus": os.cpu_count(), "load_average": os.getloadavg(), "kernel": platform.release(),
       "results": rows}
json.dump(out, open(sys.argv[2], "w"), indent=1)
print(f"\n{len(rows)} figures in {sys.argv[2]} (load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
PY
  rm -f "$BENCH_JSON"
  [ ${#failed[@]} -eq 0 ] || { echo "$suite: failed: ${failed[*]}" >&2; return 1; }
}

run_tests() {
  echo "==> running the test suite"
  cd build
  exec ctest --output-on-failure -j "$(nproc)" "$@"
}

install_packages
case "$mode" in
  demo) build ci-run && demo "$@" ;;
  test) build && run_tests "$@" ;;
  build) build ;;
  bench) build ci-run store_claims && run_suite bench "$@" ;;
  reliability) build ci-run && run_suite reliability "$@" ;;
  mirage) build ci-run && mirage "$@" ;;
  *) echo "usage: $0 demo|test|build|bench|reliability|mirage" >&2; exit 2 ;;
esac
