// SPDX-License-Identifier: MIT
// A consumer of tapegrad::mpi: minimizes a quadratic summed over the ranks (run alone it
// is one rank, MPI's singleton mode).
#include <cstdio>

#include "tapegrad/distributed/mpi.hpp"

int main(int argc, char** argv) {
  tapegrad::distributed::Environment mpi(argc, argv);
  tapegrad::distributed::Communicator world;
  tapegrad::optim::MinimizeOptions<double> options;
  options.learning_rate = 0.25;
  options.max_steps = 200;
  const auto part = [&](const auto& w) { return ((w.array() - 1.0).square().sum()) / double(world.size()); };
  const auto r = tapegrad::distributed::minimize(world, part, Eigen::VectorXd::Zero(3), options);
  const bool ok = (r.w.array() - 1.0).abs().maxCoeff() < 1e-9;
  if (world.rank() == 0) std::printf("mpi consumer: %s\n", ok ? "ok" : "wrong minimum");
  return ok ? 0 : 1;
}
