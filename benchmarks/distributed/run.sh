#!/usr/bin/env bash
# Runs distributed_scaling on 1 and 2 ranks (more with RANKS="1 2 4"); prints both tables.
#   benchmarks/distributed/run.sh [build directory, default build]
set -euo pipefail
build=${1:-build}
exe="$build/benchmarks/distributed/distributed_scaling"
if ! command -v mpiexec >/dev/null 2>&1; then
  echo "distributed benchmarks: skipped, mpiexec not found (Debian: apt-get install libopenmpi-dev openmpi-bin)"
  exit 0
fi
cmake --build "$build" --target distributed_scaling
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1  # Open MPI refuses root otherwise
flags=()
mpiexec --version 2>/dev/null | grep -q "Open MPI\|OpenRTE" && flags=(--oversubscribe --bind-to core)
for ranks in ${RANKS:-1 2}; do
  echo "=== $ranks rank(s): mpiexec -n $ranks ${flags[*]} $exe"
  mpiexec -n "$ranks" "${flags[@]}" "$exe"
done
