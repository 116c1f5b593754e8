// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
//
// Example 4: linear regression, its gradient three ways, and full batch vs mini-batch.
//
// Data: N = 240 examples y_i = w_true^T x_i + noise with 3 features and a column of ones.
// The loss of the seed text is the sum of squared errors L(w) = sum_i (y_i - w^T x_i)^2
// with the hand-derived gradient dL/dw_j = -2 sum_i delta_i x_ij, delta_i = y_i - w^T x_i.
// We compute that gradient by the rule, by central finite differences and by the tape.
//
// Then we train with the mean instead of the sum, L = (1/N) sum_i (...)^2, so that the
// step size does not depend on the batch size, three ways with the same learning rate:
// full batch (M = N, one update per epoch), sequential mini-batches (M = 16: examples
// 1..16, 17..32, ...) and shuffled mini-batches (M = 16, a new order every epoch), and
// shuffled again with a learning rate that decays over the epochs.

#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <Eigen/Cholesky>

#include "common/expect.hpp"
#include "common/plot.hpp"
#include "tapegrad/tapegrad.hpp"

namespace optim = tapegrad::optim;
using Vector = Eigen::VectorXd;
using tapegrad::Var;

int main() {
  const int N = 240, d = 4;  // 3 features and the column of ones
  std::mt19937_64 rng(4);
  std::normal_distribution<double> normal(0.0, 1.0);
  Eigen::MatrixXd X(N, d);
  Vector y(N);
  const Vector w_true = (Vector(d) << 2.0, -1.0, 0.5, 3.0).finished();
  for (int i = 0; i < N; ++i) {
    for (int j = 0; j < d - 1; ++j) X(i, j) = normal(rng);
    X(i, d - 1) = 1.0;
    y[i] = X.row(i).dot(w_true) + 0.3 * normal(rng);
  }

  // 1. dL/dw at w = 0, three ways, for L(w) = sum_i (y_i - w^T x_i)^2.
  const auto sum_of_squares = [&](const auto& w) {
    using S = typename std::decay_t<decltype(w)>::Scalar;
    S L = 0.0;
    for (int i = 0; i < N; ++i) L += tapegrad::square(y[i] - X.row(i).dot(w));
    return L;
  };
  const Vector w0 = Vector::Zero(d);
  const Vector delta = y - X * w0;
  const Vector by_rule = -2.0 * X.transpose() * delta;  // -2 sum_i delta_i x_ij
  const Vector by_differences = tapegrad::numerical_gradient(sum_of_squares, w0);
  const Vector by_tape = tapegrad::gradient(sum_of_squares, w0);
  std::printf("dL/dw at w = 0:\n  %-8s %14s %14s %14s\n", "j", "rule", "differences", "tape");
  for (int j = 0; j < d; ++j)
    std::printf("  w_%-6d %14.6f %14.6f %14.6f\n", j, by_rule[j], by_differences[j], by_tape[j]);
  const double scale = by_rule.cwiseAbs().maxCoeff();
  example::expect("tape vs rule (relative)", (by_tape - by_rule).cwiseAbs().maxCoeff() / scale, 0.0, 1e-14);
  example::expect("differences vs rule", (by_differences - by_rule).cwiseAbs().maxCoeff() / scale, 0.0, 1e-8);

  // 2. The answer gradient descent should find: the normal equations X^T X w = X^T y.
  const Vector w_star = (X.transpose() * X).ldlt().solve(X.transpose() * y);
  const double L_star = (y - X * w_star).squaredNorm() / N;

  // 3. Train three ways with the same alpha = 0.05 and 30 epochs.
  const optim::Dataset<double> data(X.leftCols(d - 1), y);  // the model adds the bias itself
  struct Run {
    const char* name;
    Eigen::Index batch_size;
    optim::Order order;
    double decay;  // k of alpha_t = alpha / (1 + k t), t in epochs
  };
  const std::vector<Run> runs = {{"full batch (M = N)", N, optim::Order::sequential, 0.0},
                                 {"sequential mini-batches (M = 16)", 16, optim::Order::sequential, 0.0},
                                 {"shuffled mini-batches (M = 16)", 16, optim::Order::shuffled, 0.0},
                                 {"shuffled, alpha / (1 + t)", 16, optim::Order::shuffled, 1.0}};
  example::plot::LinePlot plot;
  plot.title = "Linear regression, alpha = 0.05: L - L* per epoch";
  plot.xlabel = "epoch";
  plot.ylabel = "L(w) - L(w*)";
  plot.log_y = true;
  std::vector<double> final_gap, late_mean;  // L - L* after the last epoch; mean over the last 10
  for (const Run& run : runs) {
    optim::LinearRegression<double> model(d - 1);
    optim::TrainOptions<double> options;
    options.epochs = 30;
    options.batch_size = run.batch_size;
    options.order = run.order;
    options.seed = 1;
    options.optimizer = optim::GradientDescent<double>();
    options.learning_rate = {0.05, optim::InverseTimeDecay<double>(run.decay)};
    options.validation = &data;  // the full-batch loss after each epoch
    const auto history = optim::train(model, data, options);
    example::plot::Series curve{run.name, {}, {}};
    for (std::size_t e = 0; e < history.epochs(); ++e) {
      curve.x.push_back(double(e + 1));
      curve.y.push_back(history.validation_loss[e] - L_star);
    }
    Vector w(d);
    w << Vector(model.weights().col(0)), model.bias()(0, 0);
    std::printf("%-34s %3ld updates: L - L* = %.3g, |w - w*| = %.3g\n", run.name, static_cast<long>(history.steps),
                curve.y.back(), (w - w_star).norm());
    final_gap.push_back(curve.y.back());
    double late = 0;
    for (std::size_t e = curve.y.size() - 10; e < curve.y.size(); ++e) late += curve.y[e] / 10;
    late_mean.push_back(late);
    plot.series.push_back(curve);
  }
  // After 30 epochs full batch has made 30 updates, the mini-batch runs 450: they are far
  // closer to w*, and only the noise of their last steps keeps them from it exactly.
  example::expect_true("full batch: L - L* > 1e-3", final_gap[0] > 1e-3);
  example::expect_true("sequential: L - L* < 1e-3", final_gap[1] < 1e-3);
  example::expect_true("shuffled: L - L* < 1e-3", final_gap[2] < 1e-3);
  // A constant alpha leaves shuffled batches bouncing around w*; a decaying one settles.
  std::printf("mean L - L* over the last 10 epochs: constant alpha %.3g, decaying alpha %.3g\n", late_mean[2],
              late_mean[3]);
  example::expect_true("decaying alpha settles closer", late_mean[3] < 0.5 * late_mean[2]);

  const bool wrote = example::plot::write_csv("04_linear_regression_curves.csv", plot.series) &&
                     example::plot::write_svg("04_linear_regression_curves.svg", plot);
  std::printf("%s 04_linear_regression_curves.csv and .svg\n", wrote ? "wrote" : "could not write");
  return example::expect_status();
}
