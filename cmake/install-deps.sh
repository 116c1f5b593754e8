#!/usr/bin/env bash
# Installs what building tapegrad needs on Debian/Ubuntu, if anything is missing:
#   cmake g++ libeigen3-dev catch2 libbenchmark-dev zlib1g-dev libopenmpi-dev openmpi-bin
#   libopenblas-dev
# (zlib reads gzip data: the tests and examples read examples/data/digits.csv.gz. Open MPI
# is optional for the library, tapegrad::mpi; with it the distributed tests and examples
# run too, and they install in seconds. OpenBLAS is optional too (TAPEGRAD_BLAS); with it
# the matrix tests also run with Eigen's products handed to it.)
# As root it installs directly, otherwise through sudo; without either it prints the
# exact command to run and stops.
set -euo pipefail
packages=(cmake g++ libeigen3-dev catch2 libbenchmark-dev zlib1g-dev libopenmpi-dev openmpi-bin libopenblas-dev)
if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "install-deps: not a Debian/Ubuntu system; tapegrad needs CMake >= 3.21, a C++17" \
       "compiler, Eigen 3.4, Catch2 (v2 or v3), zlib (for gzip input, the tests and" \
       "examples), for benchmarks Google Benchmark, and optionally MPI (distributed tests)." >&2
  exit 0
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "install-deps: please run: apt-get install -y ${missing[*]}   (as root)" >&2
  exit 1
fi
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
