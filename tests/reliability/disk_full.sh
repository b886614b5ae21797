#!/usr/bin/env bash
# Reliability: the disk fills up under `ci-run local`, on a small tmpfs
# (8 MiB; needs root and a container that allows mounting, else exit 77):
#   build  the work directory on the tmpfs; a build writes more than fits;
#   cache  the build cache on the tmpfs; an image larger than the room left;
#   store  the SQLite store on the tmpfs; filled while a job boots.
# Checks, with counts: each run fails (or warns, for the cache) with a clear
# error naming the full disk, the store passes `PRAGMA integrity_check`, no
# half-written cache entry is ever used, and once room is made (or, for a
# build, at once: a failed job's workspace is not kept when the disk is full)
# the next run passes.
#
#   tests/reliability/disk_full.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../bench/lib.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/ci-run-reliability.XXXXXX")
SMALL=$T/small
pid=
cleanup() {
  local rc=$? p
  set +e
  [ -z "$pid" ] || kill -KILL "$pid" 2>/dev/null
  for p in $(pgrep -f -- "$T/" | grep -vx -e "$$" -e "$BASHPID"); do kill -KILL "$p" 2>/dev/null; done
  mountpoint -q "$SMALL" && umount "$SMALL"
  [ -n "${KEEP:-}" ] || rm -rf "$T"
  exit $rc
}
trap cleanup EXIT
mkdir -p "$SMALL" "$T/work" "$T/cache" "$T/db"
if [ "$(id -u)" != 0 ] || ! mount -t tmpfs -o size=8m tmpfs "$SMALL" 2>"$T/mount.err"; then
  echo "cannot mount a small tmpfs here ($(cat "$T/mount.err")): skipped"
  exit 77
fi
problems=0
check() { "$@" || { echo "FAILED: $*" >&2; problems=$((problems + 1)); }; }
has() { grep -q -- "$2" "$1" || { echo "FAILED: no \"$2\" in $1:" >&2; tail -n 15 "$1" >&2; return 1; }; }
integrity() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0])' "$1"; }
# fill: fills the tmpfs to the last byte.
fill() { head -c 16M /dev/zero >"$SMALL/filler" 2>/dev/null || true; }
empty() { rm -rf "${SMALL:?}"/*; }
# local_run OUT REV WORK CACHE DB: `ci-run local` of hello (unix); prints its exit code.
local_run() {
  local rc=0
  "$CI_RUN" local "$T/repo" --rev "$2" --plain --work-dir "$3" --cache-dir "$4" --db "$5" >"$1" 2>&1 || rc=$?
  echo "$rc"
}

# The repository: `thin` builds hello; `fat` also pads its image with 12 MiB
# (still a valid executable); `long` boots bench under QEMU for a few seconds.
"$SOURCE_DIR/fixtures/repos/make-example-repo.sh" "$T/repo" >/dev/null
config() {
  cat >"$T/repo/.ci-run.yml" <<YML
matrix:
  compiler: [gcc]
  target: [$1]
unikernels:
  $2:
    path: unikernels
    build: ./build.sh $2 \${target} \${compiler} _build/\${compiler}-\${target}$3
    image: _build/\${compiler}-\${target}/$2.\${target}
    boot:
      args: [$4]
      expect: ["^SUCCESS$"]
      timeout: 120s
YML
  git -C "$T/repo" -c user.name=t -c user.email=t@t commit -qam "$5"
}
git -C "$T/repo" checkout -q -b thin good
config unix hello "" "" "hello"
git -C "$T/repo" checkout -q -b fat good
config unix hello " && head -c 12M /dev/zero >>_build/\${compiler}-\${target}/hello.\${target}" "" "a fat image"
git -C "$T/repo" checkout -q -b long good
config virtio bench "" '"--size=200000000"' "a long boot"
git -C "$T/repo" checkout -q main

table_header
# ---- build: the work directory fills up ----
echo "==> build: a build writes 12 MiB into a work directory on an 8 MiB disk"
rc=$(local_run "$T/build.out" fat "$SMALL/work" "$T/cache" "$T/db/build.db")
check [ "$rc" = 1 ]
check has "$T/build.out" "No space left on device"
check has "$T/build.out" "workspace removed: the disk is full"
left_kb=$(du -sk "$SMALL" | cut -f1)
rc2=$(local_run "$T/build-next.out" thin "$SMALL/work" "$T/cache" "$T/db/build.db")
check [ "$rc2" = 0 ]
check [ "$(integrity "$T/db/build.db")" = ok ]
record disk_full "build fills the disk: exit code (1: the job failed)" "$rc" code
record disk_full "build: KiB the failed job left on the 8 MiB disk" "$left_kb" KiB
record disk_full "build: the next run, at once: exit code" "$rc2" code

# ---- cache: an image larger than the room left in the cache ----
echo "==> cache: a 12 MiB image into a build cache on an 8 MiB disk"
empty
rc=$(local_run "$T/cache.out" fat "$T/work" "$SMALL/cache" "$T/db/cache.db")
check [ "$rc" = 0 ]  # the cache is an optimisation: the job passes, with a warning
check has "$T/cache.out" "the cache.s disk is full"
partial=$(find "$SMALL/cache" -name 'image*' -size +0 | wc -l)
rc2=$(local_run "$T/cache-again.out" fat "$T/work" "$SMALL/cache" "$T/db/cache.db")
check [ "$rc2" = 0 ]
rebuilt=$(grep -c "build: passed\|build passed" "$T/cache-again.out" || true)
rc3=$(local_run "$T/cache-thin.out" thin "$T/work" "$SMALL/cache" "$T/db/cache.db")
rc4=$(local_run "$T/cache-thin2.out" thin "$T/work" "$SMALL/cache" "$T/db/cache.db")
check [ "$rc3" = 0 ]
check [ "$rc4" = 0 ]
cached=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM steps WHERE name = '"'build'"' AND outcome = '"'cached'"'").fetchone()[0])' "$T/db/cache.db")
check [ "$partial" = 0 ]
check [ "$cached" = 1 ]
record disk_full "cache full: exit code (0: passed, the image not cached)" "$rc" code
record disk_full "cache: cache entries holding an image after the failed write" "$partial" count
record disk_full "cache: builds served from the cache (only the small image)" "$cached" count

# ---- store: the SQLite store's disk fills while a job boots ----
echo "==> store: the store's disk fills up while a job boots"
empty
mkdir -p "$SMALL/db"
"$CI_RUN" local "$T/repo" --rev long --plain --work-dir "$T/work" --cache-dir "$T/cache" --db "$SMALL/db/ci.db" \
  >"$T/store.out" 2>&1 &
pid=$!
for _ in $(seq 1200); do pgrep -f "qemu-system.*$T/work/" >/dev/null && break; sleep 0.1; done
pgrep -f "qemu-system.*$T/work/" >/dev/null || { cat "$T/store.out"; echo "FAILED: no boot" >&2; exit 1; }
fill
rc=0
wait "$pid" || rc=$?
pid=
check [ "$rc" != 0 ]
check has "$T/store.out" "full"
grep -E "warning|result not written|interrupted|error" "$T/store.out" | sed 's/^/  | /' | head -n 8
ok1=$(integrity "$SMALL/db/ci.db")
rm -f "$SMALL/filler"
rc2=$(local_run "$T/store-next.out" long "$T/work" "$T/cache" "$SMALL/db/ci.db")
check [ "$rc2" = 0 ]
ok2=$(integrity "$SMALL/db/ci.db")
check [ "$ok1" = ok ]
check [ "$ok2" = ok ]
record disk_full "store full mid-job: exit code" "$rc" code
record disk_full "store: integrity_check right after / after the next run" "$([ "$ok1" = ok ] && echo 1 || echo 0)" ok
record disk_full "store: the next run, once room is made: exit code" "$rc2" code
left=$(pgrep -f -- "$T/" | grep -vx -e "$$" -e "$BASHPID" | wc -l || true)
check [ "$left" = 0 ]
[ "$problems" = 0 ] || { echo "disk full: $problems problem(s)" >&2; exit 1; }
echo "disk full: clear errors, no corrupt store or cache, work resumes"
