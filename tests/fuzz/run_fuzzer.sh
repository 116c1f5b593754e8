#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the libFuzzer target (tests/fuzz/libfuzzer_target.cpp) with clang++
# -fsanitize=fuzzer,address,undefined and runs it for a number of seconds.
#
#   tests/fuzz/run_fuzzer.sh [seconds [build-dir]]     default: 60 s, build-libfuzzer/
#
# Exits non-zero on a finding: a failed gradient check (the program is printed, then
# abort()), a crash, or an AddressSanitizer/UndefinedBehaviorSanitizer report. The
# input that caused it is left in the build directory as crash-<hash>; replay it with
#   <build-dir>/tapegrad_fuzz <build-dir>/crash-<hash>
# The corpus is kept in <build-dir>/corpus/, so later runs continue where this one ended.
set -euo pipefail
seconds=${1:-60}
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${2:-$root/build-libfuzzer}
cxx=${CXX_FUZZ:-clang++}
mkdir -p "$out/corpus"
# Debug info and -O1 for readable reports; -ffp-contract=off keeps a * b + c unfused so
# the tape's values equal the interpreter's exactly on every target.
"$cxx" -std=c++17 -g -O1 -ffp-contract=off -fno-omit-frame-pointer \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
  -Wall -Wextra -Wpedantic -Werror \
  -I "$root/include" -I "$root/tests/fuzz" \
  "$root/tests/fuzz/libfuzzer_target.cpp" -o "$out/tapegrad_fuzz"
cd "$out"
echo "running the tapegrad libFuzzer target for ${seconds} s (corpus: $out/corpus)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ./tapegrad_fuzz -max_total_time="$seconds" -max_len=512 -print_final_stats=1 corpus
