// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
//
// distributed_scaling: what docs/distributed.md's cost model needs, measured under MPI.
//
//     benchmarks/distributed/run.sh build       (1 and 2 ranks; or by hand:)
//     mpiexec -n 2 build/benchmarks/distributed/distributed_scaling
//
// 1. MPI_Allreduce of 1 to 2^20 doubles (8 B to 8 MB): the median time per call, and a
//    least-squares fit t = alpha + bytes / bandwidth (this machine: shared memory).
// 2. Steps of train() on three problems, with the share of the step spent in the
//    allreduce (a Collective that times its sums):
//      flagship   MLP 64-32-32-10 on UCI digits, batch 32 (3,466 parameters)
//      wide       MLP 256-512-512-10, 20,000 synthetic rows, batch 512 (399,370 parameters)
//      logistic   logistic regression on 2,000,000 x 20 synthetic rows, full batch
//                 (one evaluation of the sharded objective per step; 21 parameters)
//    With P ranks the global batch is the same, so each rank computes 1/P of it.
// Run it on 1 rank and on P ranks: the ratio of the step times is the speedup.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "tapegrad/distributed/mpi.hpp"
#include "../synthetic_classification.hpp"
#include "tapegrad/tapegrad.hpp"

namespace optim = tapegrad::optim;
namespace distributed = tapegrad::distributed;
using Clock = std::chrono::steady_clock;

namespace {

/// A Collective that forwards to another one and adds up the time its sums take.
class TimedCollective final : public optim::Collective {
 public:
  explicit TimedCollective(optim::Collective& inner) : inner_(inner) {}
  int rank() const override { return inner_.rank(); }
  int size() const override { return inner_.size(); }
  void sum(double* v, std::size_t n) override {
    timed([&] { inner_.sum(v, n); });
  }
  void sum(float* v, std::size_t n) override {
    timed([&] { inner_.sum(v, n); });
  }
  void sum(long double* v, std::size_t n) override {
    timed([&] { inner_.sum(v, n); });
  }
  void sum(std::int64_t* v, std::size_t n) override {
    timed([&] { inner_.sum(v, n); });
  }
  std::int64_t min(std::int64_t value) override { return inner_.min(value); }
  void broadcast(unsigned char* bytes, std::size_t n, int root) override { inner_.broadcast(bytes, n, root); }
  double seconds = 0.0;

 private:
  template <class F>
  void timed(F&& f) {
    const auto start = Clock::now();
    f();
    seconds += std::chrono::duration<double>(Clock::now() - start).count();
  }
  optim::Collective& inner_;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void allreduce_table(distributed::Communicator& world) {
  const bool root = world.rank() == 0;
  if (root) std::printf("\nMPI_Allreduce (sum of doubles) on %d ranks: median of 21 runs\n", world.size());
  std::vector<double> bytes, seconds;
  for (std::size_t n = 1; n <= (1u << 20); n *= 4) {
    std::vector<double> v(n, 1.0), times;
    const int repeats = n <= 4096 ? 200 : 10;
    for (int r = 0; r < 21; ++r) {
      MPI_Barrier(world.get());
      const auto start = Clock::now();
      for (int k = 0; k < repeats; ++k) world.sum(v.data(), n);
      times.push_back(std::chrono::duration<double>(Clock::now() - start).count() / repeats);
    }
    const double t = median(times);
    bytes.push_back(8.0 * double(n));
    seconds.push_back(t);
    if (root) std::printf("  %9zu B  %10.2f us  %8.2f GB/s\n", 8 * n, 1e6 * t, 8.0 * double(n) / t / 1e9);
  }
  // Least squares t = alpha + beta * bytes.
  const auto k = static_cast<double>(bytes.size());
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    sx += bytes[i];
    sy += seconds[i];
    sxx += bytes[i] * bytes[i];
    sxy += bytes[i] * seconds[i];
  }
  const double beta = (k * sxy - sx * sy) / (k * sxx - sx * sx), alpha = (sy - beta * sx) / k;
  if (root)
    std::printf("  fit: alpha = %.2f us (smallest message %.2f us), bandwidth 1/beta = %.2f GB/s\n", 1e6 * alpha,
                1e6 * seconds.front(), 1e-9 / beta);
}

void train_row(distributed::Communicator& world, const char* name, const optim::Dataset<double>& all,
               std::vector<Eigen::Index> sizes, Eigen::Index batch, std::int64_t steps) {
  const auto mine = distributed::shard(all, world);
  TimedCollective timed(world);
  optim::MLP<double> model(std::move(sizes), optim::Nonlinearity::relu, optim::Output::softmax, 1);
  optim::TrainOptions<double> o;
  o.epochs = 1000;
  o.max_steps = steps;
  o.batch_size = batch;
  o.optimizer = optim::Momentum<double>(0.9);
  o.learning_rate = 0.01;
  o.collective = &timed;
  (void)optim::train(model, mine, o);  // warm: allocations, caches
  std::vector<double> per_step, shares;
  for (int r = 0; r < 5; ++r) {
    timed.seconds = 0.0;
    MPI_Barrier(world.get());
    const auto start = Clock::now();
    (void)optim::train(model, mine, o);
    const double total = std::chrono::duration<double>(Clock::now() - start).count();
    per_step.push_back(total / double(steps));
    shares.push_back(timed.seconds / total);
  }
  if (world.rank() == 0)
    std::printf("  %-9s %8ld params  batch %5ld  %9.1f us per step  allreduce share %5.1f%%\n", name,
                static_cast<long>(model.parameters().size()), static_cast<long>(batch), 1e6 * median(per_step),
                100.0 * median(shares));
}

void logistic_row(distributed::Communicator& world) {
  const Eigen::Index n = 2'000'000, features = 20;
  const auto rows = optim::shard_rows(n, world.rank(), world.size());
  Eigen::MatrixXd X(static_cast<Eigen::Index>(rows.size()), features + 1);
  Eigen::VectorXd y(X.rows());
  for (Eigen::Index r = 0; r < X.rows(); ++r) {
    optim::Random rng(static_cast<std::uint64_t>(rows[static_cast<std::size_t>(r)]));
    double z = 0.0;
    for (Eigen::Index j = 0; j < features; ++j) z += (X(r, j) = 2.0 * rng.uniform() - 1.0) * (j % 3 - 1.0);
    X(r, features) = 1.0;
    y[r] = rng.uniform() < 1.0 / (1.0 + std::exp(-z)) ? 1.0 : 0.0;
  }
  const double share = double(X.rows()) / double(n);
  TimedCollective timed(world);
  auto objective = distributed::over_ranks(timed, [&](const Eigen::VectorX<tapegrad::Var<double>>& w) {
    return share * tapegrad::bce_with_logits(X * tapegrad::to_matrix_var(w), y);
  });
  const Eigen::VectorXd w = Eigen::VectorXd::Constant(features + 1, 0.01);
  Eigen::VectorXd g;
  (void)objective.value_and_gradient(w, g);
  std::vector<double> per_step, shares;
  for (int r = 0; r < 7; ++r) {
    timed.seconds = 0.0;
    MPI_Barrier(world.get());
    const auto start = Clock::now();
    for (int k = 0; k < 5; ++k) (void)objective.value_and_gradient(w, g);
    const double total = std::chrono::duration<double>(Clock::now() - start).count();
    per_step.push_back(total / 5);
    shares.push_back(timed.seconds / total);
  }
  if (world.rank() == 0)
    std::printf("  %-9s %8ld params  rows %7ld  %9.1f us per step  allreduce share %5.1f%%\n", "logistic",
                static_cast<long>(features + 1), static_cast<long>(n), 1e6 * median(per_step), 100.0 * median(shares));
}

}  // namespace

int main(int argc, char** argv) {
  distributed::Environment mpi(argc, argv);
  distributed::Communicator world;
  allreduce_table(world);

  if (world.rank() == 0) std::printf("\ntrain() / the sharded objective on %d ranks: median of 5 runs\n", world.size());
  const auto images = tapegrad::io::read_labeled_csv<double>(std::string(TAPEGRAD_BENCH_DATA_DIR) + "/digits.csv.gz");
  const auto digits = optim::classification_dataset(images);
  train_row(world, "flagship", digits.with_features(digits.features() / 16.0), {64, 32, 32, 10}, 32, 500);
  train_row(world, "wide", tapegrad_bench::synthetic_classification(20000, 256, 10), {256, 512, 512, 10}, 512, 20);
  logistic_row(world);
  return 0;
}
