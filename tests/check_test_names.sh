#!/usr/bin/env bash
# check_test_names.sh SOURCE_DIR: fails when a doctest case or subcase name
# holds a ';'. ctest splits a discovered test's name on ';', so such a case
# becomes entries that select nothing and still report "Passed".
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"
bad=$(grep -rn --include='*_test.cc' -E '(TEST_CASE|SUBCASE)\("[^"]*;' base jobs harness runner tests || true)
if [ -n "$bad" ]; then
  echo "doctest names with ';' (ctest would run nothing for them; use ','):" >&2
  echo "$bad" >&2
  exit 1
fi
n=$(grep -rh --include='*_test.cc' -cE '(TEST_CASE|SUBCASE)\("' base jobs harness runner tests | awk '{s+=$1} END {print s}')
echo "checked $n doctest case and subcase names: none holds ';'"
