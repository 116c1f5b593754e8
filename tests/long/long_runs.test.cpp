// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// Long runs: memory stays flat over 10^5 training steps, and a 10^7-statement tape
// records and sweeps in linear time. The second is hidden ([.long]); .ci/run runs it
// in the optimized build: tests/test_long "[.long]".

#include <chrono>
#include <fstream>
#include <string>

#include "test_support.hpp"

using Eigen::MatrixXd;
using Eigen::VectorXd;
using tapegrad::Tape;
using tapegrad::Var;

namespace {
/// Resident set size in bytes (Linux), or 0 where /proc is not available.
std::size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0, resident = 0;
  if (!(statm >> pages >> resident)) return 0;
  return resident * 4096;
}
}  // namespace

TEST_CASE("10^5 training steps keep tape memory and RSS flat after warm-up", "[long]") {
  // Logistic regression by mini-batch gradient descent on a fixed synthetic batch set.
  const Eigen::Index features = 8, batch = 16, batches = 10;
  std::vector<MatrixXd> X;
  std::vector<MatrixXd> Y;
  for (Eigen::Index b = 0; b < batches; ++b) {
    X.push_back(MatrixXd::Random(batch, features));
    Y.push_back(
        (X.back() * VectorXd::LinSpaced(features, -1.0, 1.0)).unaryExpr([](double z) { return z > 0 ? 1.0 : 0.0; }));
  }
  MatrixXd w = MatrixXd::Zero(features, 1);
  MatrixXd g(features, 1);
  Tape<double> tape;
  const auto start = tape.mark();
  auto step = [&](int s) {
    tape.rewind(start);
    const auto W = tapegrad::matrix_variable(tape, w);
    const std::size_t b = static_cast<std::size_t>(s % batches);
    const Var<double> loss = tapegrad::bce_with_logits(X[b] * W, Y[b]) + 1e-4 * tapegrad::squared_norm(W);
    tape.backward(loss);
    tapegrad::gradients_into(tape, W, g);
    w -= 0.1 * g;
    return loss.value();
  };
  for (int s = 0; s < 1000; ++s) step(s);  // warm-up
  const std::size_t memory = tape.memory_bytes();
  const std::size_t rss = resident_bytes();
  double loss = 0.0;
  for (int s = 1000; s < 100000; ++s) loss = step(s);
  CHECK(tape.memory_bytes() == memory);
  if (rss != 0) CHECK(resident_bytes() <= rss + 256 * 1024);  // no growth beyond page noise
  CHECK(std::isfinite(loss));
  CHECK(loss < 0.5);  // it did learn something (separable labels)
}

namespace {
/// Seconds to record n statements (a chain of sums of products) and sweep them, best of
/// 3 on a warmed tape (so page faults of fresh memory are not counted).
double record_and_sweep_seconds(std::size_t n) {
  double best = 1e30;
  Tape<double> tape;
  for (int round = 0; round < 4; ++round) {
    tape.clear();
    const auto t0 = std::chrono::steady_clock::now();
    const Var<double> x = tape.variable(1.0);
    Var<double> sum = 0.0;
    for (std::size_t i = 1; i < n; ++i) sum += x * 1e-9;
    tape.backward(sum);
    const auto t1 = std::chrono::steady_clock::now();
    REQUIRE(tape.size() >= n);
    CHECK_CLOSE(x.grad(), 1e-9 * static_cast<double>(n - 1), 1e-9);
    if (round > 0) best = std::min(best, std::chrono::duration<double>(t1 - t0).count());
  }
  return best;
}
}  // namespace

TEST_CASE("a 10^7-statement tape records and sweeps in linear time", "[.long]") {
  const double small = record_and_sweep_seconds(1000000);
  const double large = record_and_sweep_seconds(10000000);
  INFO("10^6 statements: " << small << " s, 10^7 statements: " << large << " s");
  // Linear growth is a factor of 10; quadratic would be 100. Allow 2x for noise.
  CHECK(large < 20.0 * small);
}
