#!/usr/bin/env bash
# The README's two commands, on a fresh Debian 12 machine:
#   ./bootstrap.sh demo   install packages, build, run `ci-run local` on the example repository
#   ./bootstrap.sh test   install packages, build, run the whole test suite (ctest)
# Other modes: `./bootstrap.sh build` (packages + build only), `./bootstrap.sh bench`,
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
  libssl-dev libcurl4-openssl-dev libcpp-httplib-dev
  qemu-system-x86 qemu-system-arm
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

# build [TARGET...]: configure and build (everything by default).
build() {
  echo "==> building ${*:-ci-run and its tests} (build/)"
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
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

run_benchmarks() {
  echo "==> running the benchmarks (tests/bench/*.sh)"
  for b in tests/bench/*.sh; do
    echo "==> $b"
    CI_RUN=$PWD/build/ci-run SOURCE_DIR=$PWD bash "$b" "$@"
  done
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
  bench) build ci-run && run_benchmarks "$@" ;;
  mirage) build ci-run && mirage "$@" ;;
  *) echo "usage: $0 demo|test|build|bench|mirage" >&2; exit 2 ;;
esac
