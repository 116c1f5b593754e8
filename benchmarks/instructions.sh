#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the tapegrad developers
# Instructions per gradient of every tapegrad row (P1-P6, O1, T1, T2), counted by callgrind:
# deterministic, where wall time on a shared machine is not (benchmarks/instructions.cpp).
# Builds tapegrad_instructions in each build directory given, runs it under callgrind and
# prints one column per directory, with each column's ratio to the first.
#
#   benchmarks/instructions.sh BUILD_DIR [BUILD_DIR...] [-- ID_PREFIX]
#
# E.g. the checks on and off, each in a build directory of its own:
#   cmake -S . -B build-on  -G Ninja -DCMAKE_BUILD_TYPE=Release -DTAPEGRAD_BUILD_BENCHMARKS=ON
#   cmake -S . -B build-off -G Ninja -DCMAKE_BUILD_TYPE=Release -DTAPEGRAD_BUILD_BENCHMARKS=ON \
#         -DCMAKE_CXX_FLAGS=-DTAPEGRAD_CHECKS=0
#   benchmarks/instructions.sh build-off build-on
# Needs valgrind (Debian: valgrind) and Google Benchmark (the rows' harness).
set -euo pipefail
dirs=()
prefix=""
while [ $# -gt 0 ]; do
  if [ "$1" = "--" ]; then
    prefix=${2:-}
    break
  fi
  dirs+=("$1")
  shift
done
if [ ${#dirs[@]} -eq 0 ]; then
  echo "usage: benchmarks/instructions.sh BUILD_DIR [BUILD_DIR...] [-- ID_PREFIX]" >&2
  exit 2
fi
if ! command -v valgrind >/dev/null 2>&1; then
  echo "instructions.sh: valgrind is not installed (Debian: apt-get install valgrind)" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
column=0
for dir in "${dirs[@]}"; do
  cmake --build "$dir" --target tapegrad_instructions >/dev/null
  valgrind --tool=callgrind --callgrind-out-file="$work/cg.$column" \
    "$dir/benchmarks/tapegrad_instructions" "$prefix" >/dev/null 2>&1
  # One dump per row: its name (the client request) and its total over three gradients.
  for dump in "$work/cg.$column".*; do
    name=$(sed -n 's/^desc: Trigger: Client Request: //p' "$dump")
    total=$(sed -n 's/^totals: //p' "$dump")
    echo "$column $name $total"
  done >>"$work/counts"
  column=$((column + 1))
done
python3 - "$work/counts" "${dirs[@]}" <<'PY'
import sys
counts, dirs = sys.argv[1], sys.argv[2:]
table = {}
for line in open(counts):
    column, name, total = line.split()
    table.setdefault(name, {})[int(column)] = int(total) / 3  # three gradients per dump
print("instructions per gradient (callgrind); ratios to %s" % dirs[0])
print("%-16s" % "row" + "".join("%16s" % d[-16:] for d in dirs) + "".join("%10s" % ("/" + str(i + 1)) for i in range(1, len(dirs))))
for name in sorted(table):
    row = table[name]
    cells = [row.get(i) for i in range(len(dirs))]
    text = "%-16s" % name + "".join("%16.0f" % c if c else "%16s" % "-" for c in cells)
    text += "".join("%10.3f" % (c / cells[0]) if c and cells[0] else "%10s" % "-" for c in cells[1:])
    print(text)
PY
