// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// One tape per thread: threads record and sweep at the same time and each gets
// exactly the gradient a single thread computes. Run under ThreadSanitizer in CI.

#include <thread>
#include <vector>

#include "test_support.hpp"

using tapegrad::Var;
using VectorXv = Eigen::Matrix<Var<double>, Eigen::Dynamic, 1>;

namespace {
// A different function for every thread index k.
Var<double> loss(const VectorXv& w, int k) {
  Var<double> sum = 0.0;
  for (Eigen::Index i = 0; i < w.size(); ++i) {
    const double c = 1.0 + 0.1 * k + 0.01 * static_cast<double>(i);
    sum += tapegrad::sigmoid(w[i] * c) * exp(sin(w[(i + k) % w.size()])) + square(w[i] - c);
  }
  return sum;
}

Eigen::VectorXd point(int k) { return Eigen::VectorXd::LinSpaced(64, -1.0 + 0.05 * k, 1.0 + 0.03 * k); }
}  // namespace

TEST_CASE("threads compute different gradients concurrently, each equal to the serial one", "[threads]") {
  constexpr int threads = 4, rounds = 50;
  std::vector<Eigen::VectorXd> serial(threads);
  for (int k = 0; k < threads; ++k)
    serial[static_cast<std::size_t>(k)] = tapegrad::gradient([k](const VectorXv& w) { return loss(w, k); }, point(k));

  std::vector<Eigen::VectorXd> parallel(threads);
  std::vector<int> mismatches(threads, 0);
  std::vector<std::thread> pool;
  for (int k = 0; k < threads; ++k) {
    pool.emplace_back([k, &parallel, &serial, &mismatches] {
      const auto ku = static_cast<std::size_t>(k);
      for (int r = 0; r < rounds; ++r) {  // functional API: one hidden tape per thread
        parallel[ku] = tapegrad::gradient([k](const VectorXv& w) { return loss(w, k); }, point(k));
        if (parallel[ku] != serial[ku]) ++mismatches[ku];
      }
      // An explicit tape owned by this thread, reused with mark/rewind.
      tapegrad::Tape<double> tape;
      const VectorXv w = tapegrad::variables(tape, point(k));
      const auto mark = tape.mark();
      for (int r = 0; r < rounds; ++r) {
        tape.backward(loss(w, k));
        if (tapegrad::gradients(tape, w) != serial[ku]) ++mismatches[ku];
        tape.rewind(mark);
      }
    });
  }
  for (auto& t : pool) t.join();
  for (int k = 0; k < threads; ++k) {
    INFO("thread " << k);
    CHECK(mismatches[static_cast<std::size_t>(k)] == 0);
    CHECK(parallel[static_cast<std::size_t>(k)] == serial[static_cast<std::size_t>(k)]);
  }
}

TEST_CASE("a tape prepared on one thread can be handed to a worker with TapeScope", "[threads]") {
  tapegrad::Tape<double> tape(tapegrad::Activation::later);
  double gradient = 0.0;
  std::thread worker([&] {
    tapegrad::TapeScope<double> scope(tape);
    const Var<double> x = tape.variable(3.0);
    tape.backward(x * x);
    gradient = x.grad();
  });
  worker.join();
  CHECK(gradient == 6.0);
  // Released by the worker: this thread may now use it.
  tapegrad::TapeScope<double> scope(tape);
  const Var<double> y = tape.variable(2.0);
  tape.backward(y * y * y);
  CHECK(y.grad() == 12.0);
}
