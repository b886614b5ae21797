#!/usr/bin/env bash
# Fails (exit 1) when a file includes a runner/ header that its folder may not
# use, and lists every such include as FILE:LINE: why. The allowed direction
# (docs/architecture.md): each runner/ folder may include the folders listed
# for it below, and nothing else in runner/; jobs/, harness/, base/ and
# qemu_plugins/ include nothing of runner/; nothing outside runner/cli/
# includes a runner/cli/ header. The CMake libraries link the same way
# (runner/*/CMakeLists.txt). Usage: check_includes.sh [SOURCE_DIR]
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"

declare -A may=(
  [store]=""
  [common]="store"
  [host]="common store"
  [sources]="store"
  [pipeline]="host sources common store"
  [perf]="pipeline host sources common store"
  [service]="perf pipeline host sources common store"
  [web]="service perf pipeline host sources common store"
  [cli]="web service perf pipeline host sources common store"
)

bad=0
complain() {
  echo "$1: $2" >&2
  bad=1
}

# $1: file, $2: its folder under runner/ ("" outside runner/), $3: what it may
# include of runner/ ("*": anything but cli/ and flat runner/ headers).
check_file() {
  local file=$1 folder=$2 allowed=$3 line target
  while IFS= read -r line; do
    local at=${line%%:*}
    target=${line#*\"runner/}
    target=${target%%\"*}
    local dir=${target%%/*}
    if [[ $target != */* ]]; then
      complain "$file:$at" "runner/$target: runner/ holds no headers of its own; use a folder's"
    elif [[ -z ${may[$dir]+set} ]]; then
      complain "$file:$at" "runner/$target: runner/$dir/ is not in check_includes.sh's table"
    elif [[ $dir == "$folder" ]]; then
      :
    elif [[ $allowed == "*" ]]; then
      if [[ $dir == cli ]]; then
        complain "$file:$at" "runner/$target: only runner/cli/ includes runner/cli/"
      fi
    elif [[ " $allowed " != *" $dir "* ]]; then
      if [[ -z $allowed ]]; then
        complain "$file:$at" "runner/$target: runner/$folder/ includes nothing else of runner/"
      else
        complain "$file:$at" "runner/$target: runner/$folder/ may include only runner/{${allowed// /,}}/"
      fi
    fi
  done < <(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"runner/' "$file" || true)
}

for dir in runner/*/; do
  folder=$(basename "$dir")
  if [[ -z ${may[$folder]+set} ]]; then
    complain "$dir" "a folder not in check_includes.sh's table: add it with what it may include"
    continue
  fi
done

while IFS= read -r file; do
  case $file in
    runner/*/*)
      folder=${file#runner/}
      folder=${folder%%/*}
      if [[ -n ${may[$folder]+set} ]]; then
        check_file "$file" "$folder" "${may[$folder]}"
      fi
      ;;
    runner/*) check_file "$file" "" "*" ;;
    jobs/* | harness/* | base/* | qemu_plugins/*)
      if grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"runner/' "$file" >/dev/null; then
        complain "$file" "$(dirname "$file")/ includes nothing of runner/"
      fi
      ;;
    *) check_file "$file" "" "*" ;;
  esac
done < <(find runner jobs harness base qemu_plugins tests -type f \( -name '*.h' -o -name '*.cc' -o -name '*.c' \) | sort)

if ((bad)); then
  echo "forbidden runner/ includes: see docs/architecture.md for the allowed direction" >&2
  exit 1
fi
echo "runner/ includes follow the allowed direction"
