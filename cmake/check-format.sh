#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Checks that every C++ file of the repository is formatted by .clang-format:
#   cmake/check-format.sh          list the files that differ (exit 1 if any)
#   cmake/check-format.sh --fix    format them in place
# clang-format's output changes between major versions, so the check runs only with the
# version the files were formatted with (14, Debian 12's); with another or none it says
# so and exits 0 (Debian/Ubuntu: apt-get install clang-format-14).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
wanted=14
formatter=""
for candidate in clang-format-$wanted clang-format; do
  if command -v "$candidate" >/dev/null 2>&1 &&
     "$candidate" --version | grep -q "version $wanted\."; then
    formatter=$candidate
    break
  fi
done
if [ -z "$formatter" ]; then
  echo "check-format: SKIPPED: clang-format $wanted not found (Debian/Ubuntu: apt-get install clang-format-$wanted)"
  exit 0
fi
# Every tracked C++ file but the layer check's deliberately broken fixture.
mapfile -t files < <(git ls-files '*.hpp' '*.cpp' '*.h' | grep -v '^tests/layers/fixture/')
if [ "${1:-}" = "--fix" ]; then
  "$formatter" -i "${files[@]}"
  echo "check-format: formatted ${#files[@]} files"
  exit 0
fi
bad=()
for f in "${files[@]}"; do
  "$formatter" "$f" | cmp -s - "$f" || bad+=("$f")
done
if [ ${#bad[@]} -gt 0 ]; then
  echo "check-format: ${#bad[@]} of ${#files[@]} files are not formatted by .clang-format:"
  printf '  %s\n' "${bad[@]}"
  echo "check-format: run cmake/check-format.sh --fix (clang-format $wanted)"
  exit 1
fi
echo "check-format: all ${#files[@]} C++ files are formatted"
