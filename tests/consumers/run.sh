#!/usr/bin/env bash
# Builds and runs the consumer projects against this checkout:
#   find_package of a copy installed with `cmake --install` (its config finds zlib, and
#   MPI for tapegrad::mpi when the copy has it),
#   add_subdirectory (with zlib, and with -DTAPEGRAD_ZLIB=OFF), FetchContent.
# Usage: tests/consumers/run.sh <scratch-dir>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
scratch=${1:?usage: run.sh <scratch-dir>}
rm -rf "$scratch" && mkdir -p "$scratch"

cmake -S "$root" -B "$scratch/lib" -DTAPEGRAD_BUILD_TESTS=OFF -DTAPEGRAD_BUILD_EXAMPLES=OFF \
  -DTAPEGRAD_BUILD_BENCHMARKS=OFF -DCMAKE_INSTALL_PREFIX="$scratch/prefix" >/dev/null
cmake --install "$scratch/lib" >/dev/null
cmake -S "$here/find_package" -B "$scratch/find_package" -DCMAKE_PREFIX_PATH="$scratch/prefix" >/dev/null
cmake --build "$scratch/find_package" >/dev/null
"$scratch/find_package/consumer"
if [ -x "$scratch/find_package/mpi_consumer" ]; then
  OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "$scratch/find_package/mpi_consumer"
else
  echo "find_package: tapegrad::mpi not installed or MPI not found here: its consumer skipped"
fi

cmake -S "$here/add_subdirectory" -B "$scratch/add_subdirectory" >/dev/null
cmake --build "$scratch/add_subdirectory" >/dev/null
"$scratch/add_subdirectory/consumer"

# Without zlib: plain CSV builds and reads with nothing more to link; gzip input is refused.
cmake -S "$here/add_subdirectory" -B "$scratch/add_subdirectory_without_zlib" -DTAPEGRAD_ZLIB=OFF >/dev/null
cmake --build "$scratch/add_subdirectory_without_zlib" >/dev/null
"$scratch/add_subdirectory_without_zlib/consumer"

if git -C "$root" rev-parse HEAD >/dev/null 2>&1; then
  cmake -S "$here/fetch_content" -B "$scratch/fetch_content" -DTAPEGRAD_REPOSITORY="$root" >/dev/null
  cmake --build "$scratch/fetch_content" >/dev/null
  "$scratch/fetch_content/consumer"
else
  echo "fetch_content: skipped (not a git checkout)"
fi
echo "consumers: all passed"
