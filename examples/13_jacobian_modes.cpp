// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
//
// Example 13: a tall residual Jacobian by forward and by reverse mode.
//
// NIST's Chwirut1 data set (examples/data/nist_strd, ultrasonic response against metal
// distance): 214 measurements and the 3-parameter exponential model
//     y = exp(-b1 x) / (b2 + b3 x).
// The residuals r_i(b) = y_i - model(x_i; b) make a 214 x 3 Jacobian J = dr/db: tall.
// Reverse mode records r once and then needs one sweep per output row (4 rows per sweep):
// 54 sweeps. Forward mode calls r with Dual<double, 4> inputs that carry 4 tangents, so
// one call gives all 3 columns. jacobian(r, b) picks forward here by itself; the example
// computes J both ways, checks them against each other and a hand-written J, times both,
// and fits the model by Gauss-Newton with the forward-mode Jacobian.

#include <Eigen/Dense>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>

#include "common/expect.hpp"
#include "problems/nist_strd.hpp"  // reads NIST's .dat format (tests/optim/problems)
#include "tapegrad/tapegrad.hpp"

using tapegrad::JacobianMode;

/// Microseconds per call of fn, the best of 5 rounds of `reps` calls.
template <class Fn>
double microseconds(Fn&& fn, int reps) {
  double best = 1e300;
  for (int round = 0; round < 5; ++round) {
    const auto start = std::chrono::steady_clock::now();
    for (int k = 0; k < reps; ++k) fn();
    const std::chrono::duration<double, std::micro> took = std::chrono::steady_clock::now() - start;
    best = std::min(best, took.count() / reps);
  }
  return best;
}

int main() {
  const nist::Problem data = nist::read(std::string(TAPEGRAD_DATA_DIR) + "/nist_strd/Chwirut1.dat");
  const Eigen::Index m = data.y.size();
  std::printf("Chwirut1: %ld measurements, %ld parameters\n", long(m), long(data.parameters()));

  // r(b), written once for every scalar: double, Var (reverse mode), Dual (forward mode).
  auto residuals = [&](const auto& b) {
    using S = typename std::decay_t<decltype(b)>::Scalar;
    using std::exp;
    Eigen::Matrix<S, Eigen::Dynamic, 1> r(m);
    for (Eigen::Index i = 0; i < m; ++i) {
      const double x = data.x(i, 0);
      r[i] = data.y[i] - exp(-b[0] * x) / (b[1] + b[2] * x);
    }
    return r;
  };
  // The same Jacobian by hand: with e = exp(-b1 x) and d = b2 + b3 x, model = e / d and
  // dr/db1 = x e / d, dr/db2 = e / d^2, dr/db3 = x e / d^2.
  auto hand_jacobian = [&](const Eigen::VectorXd& b) {
    Eigen::MatrixXd J(m, 3);
    for (Eigen::Index i = 0; i < m; ++i) {
      const double x = data.x(i, 0), e = std::exp(-b[0] * x), d = b[1] + b[2] * x;
      J.row(i) << x * e / d, e / (d * d), x * e / (d * d);
    }
    return J;
  };

  const Eigen::VectorXd b0 = data.start1;
  const Eigen::MatrixXd forward = tapegrad::jacobian(residuals, b0, JacobianMode::forward);
  const Eigen::MatrixXd reverse = tapegrad::jacobian(residuals, b0, JacobianMode::reverse);
  const Eigen::MatrixXd automatic = tapegrad::jacobian(residuals, b0);
  const Eigen::MatrixXd by_hand = hand_jacobian(b0);
  const double scale = by_hand.cwiseAbs().maxCoeff();
  std::printf("\nJ = dr/db at NIST's start 1: %ld x %ld\n", long(forward.rows()), long(forward.cols()));
  example::expect("max |forward - by hand| / max|J|", (forward - by_hand).cwiseAbs().maxCoeff() / scale, 0.0, 1e-14);
  example::expect("max |reverse - by hand| / max|J|", (reverse - by_hand).cwiseAbs().maxCoeff() / scale, 0.0, 1e-14);
  example::expect("max |forward - reverse| / max|J|", (forward - reverse).cwiseAbs().maxCoeff() / scale, 0.0, 1e-15);
  example::expect_true("automatic mode == forward", automatic == forward);
  example::expect_true("forward_jacobian == forward", tapegrad::forward_jacobian(residuals, b0) == forward);

  // Times: the plain residuals, then each mode (printed, not checked: timing varies).
  volatile double sink = 0;
  const int reps = 200;
  const double plain_us = microseconds([&] { sink = residuals(b0)[0]; }, reps);
  const double forward_us =
      microseconds([&] { sink = tapegrad::jacobian(residuals, b0, JacobianMode::forward)(0, 0); }, reps);
  const double reverse_us =
      microseconds([&] { sink = tapegrad::jacobian(residuals, b0, JacobianMode::reverse)(0, 0); }, reps);
  const double hand_us = microseconds([&] { sink = hand_jacobian(b0)(0, 0); }, reps);
  std::printf("\n  %-32s %9.2f us\n", "plain residuals r(b)", plain_us);
  std::printf("  %-32s %9.2f us  (%5.1fx plain)\n", "hand-written J", hand_us, hand_us / plain_us);
  std::printf("  %-32s %9.2f us  (%5.1fx plain)\n", "forward mode: 1 call of r", forward_us, forward_us / plain_us);
  std::printf("  %-32s %9.2f us  (%5.1fx plain)\n\n", "reverse mode: 1 record, 54 sweeps", reverse_us,
              reverse_us / plain_us);

  // Gauss-Newton with the forward-mode Jacobian: b <- b - (J^T J)^{-1} J^T r, halving the
  // step until ||r||^2 decreases.
  Eigen::VectorXd b = b0;
  double rss = residuals(b).squaredNorm();
  int iterations = 0;
  for (; iterations < 50; ++iterations) {
    const Eigen::VectorXd r = residuals(b);
    const Eigen::MatrixXd J = tapegrad::jacobian(residuals, b);  // forward, as chosen
    const Eigen::VectorXd step = (J.transpose() * J).ldlt().solve(J.transpose() * r);
    double t = 1.0, trial = rss;
    Eigen::VectorXd next = b;
    for (int halvings = 0; halvings < 30; ++halvings, t /= 2) {
      next = b - t * step;
      trial = residuals(next).squaredNorm();
      if (trial < rss) break;
    }
    if (!(trial < rss)) break;
    const double decrease = rss - trial;
    b = next;
    rss = trial;
    if (decrease <= 1e-15 * rss) break;
  }
  std::printf("Gauss-Newton from start 1: %d iterations, ||r||^2 = %.10g\n", iterations, rss);
  for (Eigen::Index j = 0; j < b.size(); ++j) {
    const std::string name = "b" + std::to_string(j + 1) + " (certified)";
    example::expect(name.c_str(), b[j], data.certified[j], 1e-7);
  }
  example::expect("||r||^2 (certified)", rss, data.certified_rss, 1e-8);
  return example::expect_status();
}
