#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the tapegrad developers
# Builds tapegrad_bench (Release, in its own build directory) and runs every benchmark:
# gradient checks, then the timing table. Also times the compile-time probe.
#
#   benchmarks/run.sh [--benchmark_* flags]     e.g. --benchmark_filter=P3 --benchmark_repetitions=9
#
# TAPEGRAD_BENCH_BUILD_DIR overrides the build directory (default: build-bench/ at the top
# of the repository, ignored by git; an existing build directory keeps its settings, see
# below). Needs CMake >= 3.21, a C++17 compiler, Eigen 3.4 and Google Benchmark
# (cmake/install-deps.sh installs them on Debian/Ubuntu); ADOL-C and Trilinos Sacado are
# benchmarked when installed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TAPEGRAD_BENCH_BUILD_DIR:-$root/build-bench}
# A new build directory is configured for the benchmark alone (Release, no tests, no
# examples). An existing one keeps its settings (only TAPEGRAD_BUILD_BENCHMARKS is turned
# on), so pointing TAPEGRAD_BENCH_BUILD_DIR at a development build does not switch its
# tests off: its ctest, including bench_gradients_agree (tapegrad_bench --check_only),
# keeps working. The timed code is compiled with -O3 -march=native -DNDEBUG whatever
# CMAKE_BUILD_TYPE is (benchmarks/CMakeLists.txt).
configure=(-DTAPEGRAD_BUILD_BENCHMARKS=ON)
if [ ! -f "$build/CMakeCache.txt" ]; then
  configure+=(-DCMAKE_BUILD_TYPE=Release -DTAPEGRAD_BUILD_TESTS=OFF -DTAPEGRAD_BUILD_EXAMPLES=OFF)
  if command -v ninja >/dev/null 2>&1; then configure+=(-G Ninja); fi
fi

echo "== configure ($build)"
cmake -S "$root" -B "$build" "${configure[@]}" >/dev/null
if [ ! -f "$build/benchmarks/compile_probe.txt" ]; then
  echo "run.sh: Google Benchmark was not found, so tapegrad_bench is not configured." >&2
  echo "        Install libbenchmark-dev (cmake/install-deps.sh) and run again." >&2
  exit 1
fi
echo "== build tapegrad_bench"
cmake --build "$build" --target tapegrad_bench -j "$(nproc 2>/dev/null || echo 2)"

# Compile-time probe: the project's compiler, -O2, the include directories CMake uses.
compiler=$(sed -n 's/^compiler=//p' "$build/benchmarks/compile_probe.txt")
includes=()
IFS=';' read -r -a dirs <<<"$(sed -n 's/^includes=//p' "$build/benchmarks/compile_probe.txt")"
for d in "${dirs[@]}"; do [ -n "$d" ] && includes+=(-isystem "$d"); done
probe_out="$build/benchmarks/compile_time_probe"
times=()
for _ in 1 2 3; do
  start=$(date +%s%N)
  "$compiler" -std=c++17 -O2 -I "$root/include" "${includes[@]}" -c "$root/benchmarks/compile_time.cpp" \
    -o "$probe_out.o"
  end=$(date +%s%N)
  times+=("$(awk -v ns=$((end - start)) 'BEGIN { printf "%.2f", ns / 1e9 }')")
done
"$compiler" "$probe_out.o" -o "$probe_out" && "$probe_out"  # the probe checks its gradient
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)
echo "== compile-time probe: $("$compiler" --version | head -n1), -O2, benchmarks/compile_time.cpp"
echo "   median of 3: $median s (${times[*]} s); target < 3 s: $(awk -v t="$median" 'BEGIN { print (t < 3 ? "met" : "MISSED") }')"

# What was measured, for the record.
if command -v git >/dev/null 2>&1 && git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
  dirty=$(git -C "$root" status --porcelain -- include benchmarks | head -n1)
  echo "== source: commit $(git -C "$root" rev-parse --short HEAD)${dirty:+ + uncommitted changes in include/ or benchmarks/}"
fi
if command -v lscpu >/dev/null 2>&1; then
  echo "== machine: $(lscpu | sed -n 's/^Model name: *//p' | head -n1), $(nproc) CPUs"
fi
echo "== tapegrad_bench $*"
exec "$build/benchmarks/tapegrad_bench" "$@"
