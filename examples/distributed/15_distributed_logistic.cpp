// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
//
// Example 15: logistic regression on 2 million rows, minimized by L-BFGS over MPI ranks.
//
//     mpiexec -n 2 ./build/examples/15_distributed_logistic [rows]
//
// No rank ever holds the whole data set: rank r generates only its rows i = r, r + P,
// ... (each row from its own counter-based random stream, so the data do not depend on
// the number of ranks). Each rank's part of the objective is its rows' share of the mean
// negative log-likelihood,
//     L_r(w) = (1/N) sum_{i on rank r} softplus(x_i . w + b) - y_i (x_i . w + b),
// recorded as two matrix statements; distributed::lbfgs sums L_r and its gradient over
// the ranks with one MPI_Allreduce per evaluation, and every rank takes the same steps.

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

#include "common/expect.hpp"
#include "tapegrad/distributed/mpi.hpp"
#include "tapegrad/tapegrad.hpp"

namespace optim = tapegrad::optim;
namespace distributed = tapegrad::distributed;

namespace {

constexpr Eigen::Index kFeatures = 20;

/// Uniform in [-1, 1) from (row, column) alone.
double uniform(std::uint64_t row, std::uint64_t column) {
  const std::uint64_t bits = optim::splitmix64(optim::splitmix64(row) ^ (column + 1));
  return static_cast<double>(bits >> 11) * 0x1.0p-52 - 1.0;
}

/// The true weights: w_j = (-1)^j (j + 1) / 10, and b = 0.5.
double true_weight(Eigen::Index j) { return (j % 2 == 0 ? 1.0 : -1.0) * double(j + 1) / 10.0; }

struct Shard {
  Eigen::MatrixXd X;  // [features, 1]: the last column multiplies the bias
  Eigen::VectorXd y;  // 0 or 1
};

/// This rank's rows of the N-row data set: x uniform in [-1, 1)^20, y ~ Bernoulli(s(x . w + b)).
Shard generate(Eigen::Index n, const optim::Collective& group) {
  const auto rows = optim::shard_rows(n, group.rank(), group.size());
  Shard s{Eigen::MatrixXd(static_cast<Eigen::Index>(rows.size()), kFeatures + 1),
          Eigen::VectorXd(static_cast<Eigen::Index>(rows.size()))};
  for (Eigen::Index r = 0; r < s.X.rows(); ++r) {
    const auto i = static_cast<std::uint64_t>(rows[static_cast<std::size_t>(r)]);
    double z = 0.5;
    for (Eigen::Index j = 0; j < kFeatures; ++j) {
      s.X(r, j) = uniform(i, static_cast<std::uint64_t>(j));
      z += true_weight(j) * s.X(r, j);
    }
    s.X(r, kFeatures) = 1.0;
    const double u = 0.5 * (uniform(i, kFeatures) + 1.0);
    s.y[r] = u < 1.0 / (1.0 + std::exp(-z)) ? 1.0 : 0.0;
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  distributed::Environment mpi(argc, argv);
  distributed::Communicator world;
  const bool root = world.rank() == 0;
  const Eigen::Index n = argc > 1 ? std::stol(argv[1]) : 2'000'000;

  const auto start = std::chrono::steady_clock::now();
  const Shard mine = generate(n, world);
  const double share = double(mine.X.rows()) / double(n);
  // L_r = (n_r / N) * mean over this rank's rows: bce_with_logits is the mean.
  auto part = [&](const Eigen::VectorX<tapegrad::Var<double>>& w) {
    const tapegrad::MatrixVar<double> W = tapegrad::to_matrix_var(w);
    return share * tapegrad::bce_with_logits(mine.X * W, mine.y);
  };

  optim::LbfgsOptions<double> options;
  options.gradient_tolerance = 1e-7;
  options.progress = &std::cout;  // rank 0's lines only
  options.print_every = 5;
  const auto result = distributed::lbfgs(world, part, Eigen::VectorXd::Zero(kFeatures + 1), options);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (root) {
    double worst = 0.0;
    for (Eigen::Index j = 0; j < kFeatures; ++j) worst = std::max(worst, std::abs(result.w[j] - true_weight(j)));
    worst = std::max(worst, std::abs(result.w[kFeatures] - 0.5));
    std::printf("%ld rows on %d rank%s: %s after %ld iterations, %ld evaluations, %.2f s (with generating the data)\n",
                static_cast<long>(n), world.size(), world.size() == 1 ? "" : "s", optim::to_string(result.status),
                static_cast<long>(result.steps), static_cast<long>(result.function_evaluations), seconds);
    std::printf("  L = %.6f; largest error of a weight against the true one: %.4f\n", result.loss, worst);
    example::expect_true("L-BFGS converged", result.status == optim::Status::gradient_tolerance ||
                                                 result.status == optim::Status::loss_tolerance);
    // With 2 million rows the maximum-likelihood weights are within a few 1e-3 of the
    // true ones (standard error about sqrt(1 / (N * Var)) ~ 2e-3 per weight).
    example::expect_true("the true weights recovered to 0.02", n < 1'000'000 || worst < 0.02);
  }
  return example::expect_status();
}
