#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the libFuzzer targets of tapegrad's file readers with clang++
# -fsanitize=fuzzer,address,undefined and runs each for a bounded time, two at a time (a
# fuzzer is one process; two cores), under an RSS limit of 1 GB, from the seeds in tests/fuzz/corpus/<target>/.
#
#   tests/fuzz/run_reader_fuzzers.sh [seconds-per-target [build-dir [target...]]]
#       defaults: 60 s, build-reader-fuzz/, every target
#
# A finding (a crash, a sanitizer report, an uncaught exception other than
# std::runtime_error, a broken promise checked by the target, a timeout, memory past the
# limit) makes the script exit 1 after all targets ran; the input is left in
# <build-dir>/findings/ and the line to replay it is printed. New inputs found are kept in
# <build-dir>/corpus/<target>/, so a later run continues from them.
#
# Skipped (exit 0, with a message) where clang++ or its libFuzzer runtime is missing.
# FUZZ_TIMEOUT (default 10 s) is libFuzzer's wall-clock limit per input: raise it for a
# long run under `nice` on a busy machine, where a starved process can pass 10 s on any input.
set -euo pipefail
seconds=${1:-60}
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${2:-$root/build-reader-fuzz}
shift $(($# < 2 ? $# : 2))
cxx=${CXX_FUZZ:-clang++}

# The targets: a name and the longest input libFuzzer may make. Each is
# tests/fuzz/<name>.cpp with its seeds in tests/fuzz/corpus/<name>/, and needs zlib if
# its line says so. A new reader joins with one line.
targets=(
  "fuzz_csv          8192"
  "fuzz_labeled_csv  8192"
  "fuzz_gzip        16384 zlib"
  "fuzz_checkpoint   4096 zlib"
)

skip() {
  echo "reader fuzzers: SKIPPED: $*"
  exit 0
}
mkdir -p "$out/findings"
out=$(cd "$out" && pwd)
command -v "$cxx" >/dev/null 2>&1 || skip "$cxx not found (Debian/Ubuntu: apt-get install clang)"
"$cxx" --version 2>/dev/null | grep -q clang || skip "$cxx is not clang++: libFuzzer needs clang (set CXX_FUZZ)"
probe_source=$out/probe.cpp
printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' >"$probe_source"
if ! "$cxx" -fsanitize=fuzzer,address,undefined "$probe_source" -o "$out/probe" >/dev/null 2>&1; then
  version=$("$cxx" -dumpversion 2>/dev/null | cut -d. -f1)
  skip "$cxx cannot link a libFuzzer target: its runtime is missing (Debian/Ubuntu: apt-get install libclang-rt-${version:-<version>}-dev)"
fi
have_zlib=0
printf '#include <zlib.h>\nint main() { return zlibVersion() == 0; }\n' >"$probe_source"
"$cxx" "$probe_source" -lz -o "$out/probe" >/dev/null 2>&1 && have_zlib=1
eigen_flags=$(pkg-config --cflags eigen3 2>/dev/null || echo "-I/usr/include/eigen3")
eigen_flags=${eigen_flags//-I/-isystem }  # Eigen's own warnings are not ours

# -O1 and debug info for readable reports; the headers' warnings are errors here too.
flags=(-std=c++17 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
  -Wall -Wextra -Wpedantic -Werror -I "$root/include")
selected=("$@")
names=()
lengths=()
pids=()
build_failed=0
wait_oldest() {  # waits for the oldest build still running
  wait "${pids[0]}" || build_failed=1
  pids=("${pids[@]:1}")
}
for line in "${targets[@]}"; do
  read -r name max_len needs <<<"$line"
  if [ ${#selected[@]} -gt 0 ] && [[ ! " ${selected[*]} " == *" $name "* ]]; then continue; fi
  zlib_flags=()
  if [ "$have_zlib" = 1 ]; then
    zlib_flags=(-DTAPEGRAD_WITH_ZLIB=1 -lz)
  elif [ "${needs:-}" = zlib ]; then
    echo "reader fuzzers: $name skipped: zlib not found (Debian/Ubuntu: apt-get install zlib1g-dev)"
    continue
  fi
  [ ${#pids[@]} -lt 2 ] || wait_oldest  # two compilers at a time: 2 cores
  # shellcheck disable=SC2086
  "$cxx" "${flags[@]}" $eigen_flags "$root/tests/fuzz/$name.cpp" "${zlib_flags[@]}" -o "$out/$name" &
  pids+=($!)
  names+=("$name")
  lengths+=("$max_len")
done
while [ ${#pids[@]} -gt 0 ]; do wait_oldest; done
[ "$build_failed" = 0 ] || { echo "reader fuzzers: a target failed to build"; exit 1; }
[ ${#names[@]} -gt 0 ] || { echo "reader fuzzers: no target selected"; exit 1; }

# Two targets at a time (each fuzzer is one process: 2 cores), each for `seconds`.
run_target() {  # runs target i; its status goes to $out/<name>.status
  local name=${names[$1]}
  mkdir -p "$out/corpus/$name"
  set +e
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$out/$name" -max_total_time="$seconds" -rss_limit_mb=1024 -timeout="${FUZZ_TIMEOUT:-10}" -max_len="${lengths[$1]}" \
    -print_final_stats=1 -artifact_prefix="$out/findings/$name-" \
    "$out/corpus/$name" "$root/tests/fuzz/corpus/$name" >"$out/$name.log" 2>&1
  echo $? >"$out/$name.status"
}
running=()
for i in "${!names[@]}"; do
  echo "=== ${names[$i]}: ${seconds} s, RSS limit 1024 MB, inputs up to ${lengths[$i]} bytes"
  if [ ${#running[@]} -ge 2 ]; then
    wait "${running[0]}"
    running=("${running[@]:1}")
  fi
  run_target "$i" &
  running+=($!)
done
wait

failed=()
summary=()
for i in "${!names[@]}"; do
  name=${names[$i]}
  log=$out/$name.log
  status=$(cat "$out/$name.status")
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  took=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\2/p' "$log" | tail -1)
  corpus=$(find "$out/corpus/$name" -type f | wc -l)
  if [ "$status" -eq 0 ]; then
    summary+=("$name: ${runs:-?} executions in ${took:-$seconds} s, corpus $corpus inputs, no finding")
  else
    tail -n 60 "$log"
    summary+=("$name: FINDING (exit $status) after ${runs:-?} executions")
    failed+=("$name")
    for artifact in "$out/findings/$name-"*; do
      [ -e "$artifact" ] && echo "replay: $out/$name $artifact"
    done
  fi
done
echo
echo "reader fuzzers (log per target: $out/<target>.log):"
printf '  %s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "reader fuzzers: findings in ${failed[*]}; inputs in $out/findings/"
  exit 1
fi
