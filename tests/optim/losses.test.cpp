// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// optim losses: the plain forms agree with the tape statements, they are stable at
// |z| = 1000, and the weight-decay term has gradient lambda W.

#include <cmath>
#include <stdexcept>

#include "tapegrad/optim/optim.hpp"
#include "test_support.hpp"

namespace optim = tapegrad::optim;
using tapegrad::MatrixX;
using tapegrad::Tape;
using tapegrad::Var;

TEST_CASE("plain losses equal the tape statements' values", "[optim][loss]") {
  MatrixX<double> Z(3, 2), Y(3, 2);
  Z << 0.5, -1.0, 2.0, 0.1, -3.0, 4.0;
  Y << 1.0, 0.0, 0.0, 1.0, 1.0, 1.0;
  Eigen::VectorXi labels(3);
  labels << 1, 0, 1;
  Tape<double> tape;
  const auto Zv = tapegrad::matrix_variable(tape, Z);
  CHECK_CLOSE(optim::mse(Z, Y), optim::mse(Zv, Y).value(), 1e-15);
  CHECK_CLOSE(optim::bce_with_logits(Z, Y), optim::bce_with_logits(Zv, Y).value(), 1e-15);
  CHECK_CLOSE(optim::softmax_cross_entropy(Z, labels), optim::softmax_cross_entropy(Zv, labels).value(), 1e-15);
  // by hand for the first: mean of squared differences
  CHECK_CLOSE(optim::mse(Z, Y), ((Z - Y).array().square().sum()) / 6.0, 1e-15);
}

TEST_CASE("bce from logits: finite value and gradient s(z) - y at |z| = 1000", "[optim][loss]") {
  MatrixX<double> Z(4, 1), Y(4, 1);
  Z << 1000.0, -1000.0, 1000.0, -1000.0;
  Y << 1.0, 0.0, 0.0, 1.0;
  // plain: softplus(z) - y z per entry = 0, 0, 1000, 1000 -> mean 500
  CHECK(optim::bce_with_logits(Z, Y) == 500.0);
  Tape<double> tape;
  const auto Zv = tapegrad::matrix_variable(tape, Z);
  const Var<double> L = optim::bce_with_logits(Zv, Y);
  tape.backward(L);
  const MatrixX<double> g = Zv.grad();
  CHECK(L.value() == 500.0);
  CHECK(std::abs(g(0, 0)) < 1e-300);
  CHECK(std::abs(g(1, 0)) < 1e-300);
  CHECK(g(2, 0) == 0.25);   // (1 - 0)/4
  CHECK(g(3, 0) == -0.25);  // (0 - 1)/4
}

TEST_CASE("softmax cross-entropy at |z| = 1000 and bad labels", "[optim][loss]") {
  MatrixX<double> Z(2, 3);
  Z << 1000.0, -1000.0, 0.0, -1000.0, 1000.0, 999.0;
  Eigen::VectorXi labels(2);
  labels << 0, 2;
  const double L = optim::softmax_cross_entropy(Z, labels);
  CHECK(std::isfinite(L));
  CHECK_CLOSE(L, 0.5 * (1.0 + std::log1p(std::exp(-1.0))), 1e-12);  // row 2: 1000 + log(1 + e^-1) - 999
  labels << 0, 3;
  CHECK_THROWS_WITH(optim::softmax_cross_entropy(Z, labels), ContainsSubstring("label 3 of row 1 is outside [0, 3)"));
}

TEST_CASE("l2_penalty: (lambda/2)||W||^2 with gradient lambda W", "[optim][loss]") {
  MatrixX<double> W(2, 2);
  W << 1.0, -2.0, 0.5, 3.0;
  Tape<double> tape;
  const auto Wv = tapegrad::matrix_variable(tape, W);
  const Var<double> R = optim::l2_penalty(Wv, 0.1);
  tape.backward(R);
  CHECK_CLOSE(R.value(), 0.05 * W.squaredNorm(), 1e-15);
  CHECK_CLOSE(optim::l2_penalty(W, 0.1), R.value(), 1e-15);
  CHECK(Wv.grad().isApprox(0.1 * W, 1e-15));
  CHECK_THROWS_WITH(optim::l2_penalty(W, -1.0), ContainsSubstring("lambda is -1; expected a finite number >= 0"));
  CHECK_THROWS_AS(optim::mse(MatrixX<double>(2, 1), MatrixX<double>(3, 1)), std::invalid_argument);
}
