// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
//
// Example 5: the gradient of a sigmoid model, by the closed form and by the tape.
//
// The model squashes a linear score through the sigmoid s(d) = 1 / (1 + e^-d):
//     d_i = sum_j w_j x_ij          (x_i0 = 1, so w_0 is the bias)
//     delta_i = y_i - s(d_i)
//     L = sum_i delta_i^2
// Since s'(d) = s(d)(1 - s(d)), the chain rule gives the closed form
//     dL/dw_j = -2 sum_i delta_i s(d_i)(1 - s(d_i)) x_ij.
// We evaluate it by hand and read the same numbers from one backward sweep, then train
// the model with gradient descent on the tape's gradient.
//
// Data: Fisher's iris (examples/data/iris.csv, 150 flowers, 4 measurements); y = 1 for
// Iris virginica, 0 for the other two species. Features are standardized.

#include <array>
#include <cmath>
#include <cstdio>

#include "common/expect.hpp"
#include "tapegrad/tapegrad.hpp"

using tapegrad::Tape;
using tapegrad::Var;

namespace {

constexpr int kWeights = 5;  // bias + 4 features
using Weights = std::array<double, kWeights>;

struct Data {
  Eigen::MatrixXd x;  // n x 5, first column all ones
  Eigen::VectorXd y;  // 0 or 1
};

Data load_iris() {
  const auto iris = tapegrad::io::read_labeled_csv(TAPEGRAD_DATA_DIR "/iris.csv");
  const Eigen::Index n = iris.features.rows();
  Data data{Eigen::MatrixXd::Ones(n, kWeights), Eigen::VectorXd(n)};
  for (Eigen::Index j = 0; j < 4; ++j) {
    const auto column = iris.features.col(j);
    const double mean = column.mean();
    const double sd = std::sqrt((column.array() - mean).square().mean());
    data.x.col(j + 1) = (column.array() - mean) / sd;
  }
  for (Eigen::Index i = 0; i < n; ++i) data.y[i] = iris.labels[i] == 2 ? 1.0 : 0.0;
  return data;
}

double sigmoid(double d) { return 1.0 / (1.0 + std::exp(-d)); }

/// dL/dw_j = -2 sum_i delta_i s(d_i)(1 - s(d_i)) x_ij, written out.
Weights closed_form(const Data& data, const Weights& w) {
  Weights g{};
  for (Eigen::Index i = 0; i < data.x.rows(); ++i) {
    double d = 0.0;
    for (int j = 0; j < kWeights; ++j) d += w[j] * data.x(i, j);
    const double s = sigmoid(d), delta = data.y[i] - s;
    for (int j = 0; j < kWeights; ++j) g[j] += -2.0 * delta * s * (1.0 - s) * data.x(i, j);
  }
  return g;
}

/// L(w) recorded on the tape, one backward sweep; returns L and writes dL/dw to g.
double tape_gradient(Tape<double>& tape, const Data& data, const Weights& w, Weights& g) {
  tape.clear();
  std::array<Var<double>, kWeights> wv;
  for (int j = 0; j < kWeights; ++j) wv[j] = tape.variable(w[j]);
  Var<double> L = 0.0;
  for (Eigen::Index i = 0; i < data.x.rows(); ++i) {
    const auto& x = data.x;
    const Var<double> d = wv[0] + wv[1] * x(i, 1) + wv[2] * x(i, 2) + wv[3] * x(i, 3) + wv[4] * x(i, 4);
    const Var<double> delta = data.y[i] - tapegrad::sigmoid(d);
    L += delta * delta;
  }
  tape.backward(L);
  for (int j = 0; j < kWeights; ++j) g[j] = wv[j].grad();
  return L.value();
}

/// Prints both gradients side by side; returns the largest relative difference.
double compare(const Weights& closed, const Weights& taped) {
  double worst = 0.0;
  std::printf("  %2s %22s %22s\n", "j", "closed form", "tape");
  for (int j = 0; j < kWeights; ++j) {
    std::printf("  %2d %22.15g %22.15g\n", j, closed[j], taped[j]);
    worst = std::fmax(worst, std::fabs(closed[j] - taped[j]) / std::fmax(1.0, std::fabs(closed[j])));
  }
  return worst;
}

double accuracy(const Data& data, const Weights& w) {
  int right = 0;
  for (Eigen::Index i = 0; i < data.x.rows(); ++i) {
    double d = 0.0;
    for (int j = 0; j < kWeights; ++j) d += w[j] * data.x(i, j);
    right += (sigmoid(d) > 0.5) == (data.y[i] > 0.5);
  }
  return double(right) / double(data.x.rows());
}

}  // namespace

int main() {
  const Data data = load_iris();
  std::printf("iris: %d flowers, %d of them virginica\n", int(data.x.rows()), int(data.y.sum()));
  Tape<double> tape;

  // 1. At a fixed starting point, the closed form and the tape agree.
  Weights w = {0.1, -0.2, 0.3, 0.4, -0.1}, g{};
  const double L0 = tape_gradient(tape, data, w, g);
  std::printf("dL/dw at w = (0.1, -0.2, 0.3, 0.4, -0.1), L = %.6g:\n", L0);
  example::expect("largest relative difference", compare(closed_form(data, w), g), 0.0, 1e-12);

  // 2. Gradient descent on the tape's gradient: 300 steps of size 0.01.
  double L = L0;
  for (int step = 0; step < 300; ++step) {
    L = tape_gradient(tape, data, w, g);
    for (int j = 0; j < kWeights; ++j) w[j] -= 0.01 * g[j];
  }
  L = tape_gradient(tape, data, w, g);
  std::printf("after 300 steps:\n");
  example::expect("L", L, 3.98794, 1e-5);
  example::expect("accuracy (146 of 150)", accuracy(data, w), 146.0 / 150.0);

  // 3. And at the trained weights, where the sigmoid saturates, they still agree.
  std::printf("dL/dw at the trained weights:\n");
  example::expect("largest relative difference", compare(closed_form(data, w), g), 0.0, 1e-12);
  return example::expect_status();
}
