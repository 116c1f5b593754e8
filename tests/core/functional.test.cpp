// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// gradient, value_and_gradient, jacobian over Eigen and std::vector inputs.

#include <vector>

#include "test_support.hpp"

using tapegrad::Var;
using VectorXv = Eigen::Matrix<Var<double>, Eigen::Dynamic, 1>;

namespace {
// A generic function: works for Eigen vectors of double and of Var<double>.
template <class V>
auto rosenbrock(const V& x) {
  using S = std::decay_t<decltype(x[0])>;
  S sum = 0.0;
  for (Eigen::Index i = 0; i + 1 < static_cast<Eigen::Index>(x.size()); ++i) {
    const S a = x[i + 1] - x[i] * x[i];
    const S b = 1.0 - x[i];
    sum += 100.0 * a * a + b * b;
  }
  return sum;
}
}  // namespace

TEST_CASE("value_and_gradient matches the closed-form Rosenbrock gradient", "[functional]") {
  Eigen::VectorXd x(4);
  x << -1.2, 1.0, 0.5, 2.0;
  const auto [value, g] = tapegrad::value_and_gradient([](const VectorXv& w) { return rosenbrock(w); }, x);
  CHECK_CLOSE(value, rosenbrock(x), 1e-14);
  Eigen::VectorXd expected = Eigen::VectorXd::Zero(4);
  for (int i = 0; i < 3; ++i) {
    expected[i] += -400.0 * x[i] * (x[i + 1] - x[i] * x[i]) - 2.0 * (1.0 - x[i]);
    expected[i + 1] += 200.0 * (x[i + 1] - x[i] * x[i]);
  }
  for (int i = 0; i < 4; ++i) CHECK_CLOSE(g[i], expected[i], 1e-13);
  const Eigen::VectorXd g2 = tapegrad::gradient([](const VectorXv& w) { return rosenbrock(w); }, x);
  CHECK(g2 == g);
}

TEST_CASE("std::vector inputs give std::vector gradients", "[functional]") {
  const std::vector<double> x{1.0, 2.0, 3.0};
  const auto [value, g] = tapegrad::value_and_gradient(
      [](const std::vector<Var<double>>& w) { return Var<double>(w[0] * w[1] * w[2]); }, x);
  CHECK(value == 6.0);
  REQUIRE(g.size() == 3);
  CHECK(g[0] == 6.0);
  CHECK(g[1] == 3.0);
  CHECK(g[2] == 2.0);
}

TEST_CASE("the output-argument form fills an existing vector", "[functional]") {
  Eigen::VectorXd x(2), g;
  x << 3.0, 4.0;
  const double value = tapegrad::value_and_gradient([](const VectorXv& w) { return w.squaredNorm(); }, x, g);
  CHECK(value == 25.0);
  CHECK(g[0] == 6.0);
  CHECK(g[1] == 8.0);
}

TEST_CASE("jacobian of a vector-valued function", "[functional]") {
  Eigen::VectorXd x(3);
  x << 0.5, -1.0, 2.0;
  auto F = [](const VectorXv& w) {
    VectorXv out(2);
    out[0] = w[0] * w[1] * w[2];
    out[1] = sin(w[0]) + w[2] * w[2];
    return out;
  };
  const Eigen::MatrixXd J = tapegrad::jacobian(F, x);
  REQUIRE(J.rows() == 2);
  REQUIRE(J.cols() == 3);
  CHECK(J(0, 0) == x[1] * x[2]);
  CHECK(J(0, 1) == x[0] * x[2]);
  CHECK(J(0, 2) == x[0] * x[1]);
  CHECK_CLOSE(J(1, 0), std::cos(0.5), 1e-15);
  CHECK(J(1, 1) == 0.0);
  CHECK(J(1, 2) == 4.0);
  const std::vector<double> xs{0.5, -1.0, 2.0};
  const Eigen::MatrixXd Js = tapegrad::jacobian(
      [](const std::vector<Var<double>>& w) {
        return std::vector<Var<double>>{w[0] * w[1] * w[2], w[1]};
      },
      xs);
  CHECK(Js(0, 2) == x[0] * x[1]);
  CHECK(Js(1, 1) == 1.0);
}

TEST_CASE("bad input to the functional API", "[functional]") {
  CHECK_THROWS_AS(tapegrad::gradient([](const VectorXv& w) { return w.sum(); }, Eigen::VectorXd()),
                  std::invalid_argument);
  CHECK_THROWS_AS(tapegrad::gradient([](const std::vector<Var<double>>& w) { return w[0]; }, std::vector<double>{}),
                  std::invalid_argument);
  // f returns a Var recorded on another tape: a clear error, not a silent zero gradient.
  tapegrad::Tape<double> other;
  const Var<double> foreign = other.variable(1.0) * 2.0;
  Eigen::VectorXd x(1);
  x << 1.0;
  CHECK_THROWS_WITH(tapegrad::gradient([&](const VectorXv&) { return foreign; }, x),
                    ContainsSubstring("not on the tape of its inputs"));
  // The user's tape is active again afterwards.
  CHECK(tapegrad::active_tape<double>() == &other);
}

TEST_CASE("an exception thrown by f restores the caller's active tape", "[functional]") {
  tapegrad::Tape<double> mine;
  Eigen::VectorXd x(1);
  x << 1.0;
  CHECK_THROWS_AS(tapegrad::gradient([](const VectorXv&) -> Var<double> { throw std::runtime_error("boom"); }, x),
                  std::runtime_error);
  CHECK(tapegrad::active_tape<double>() == &mine);
}

TEST_CASE("f may itself call gradient (nested, independent tapes)", "[functional]") {
  Eigen::VectorXd x(2);
  x << 1.0, 2.0;
  const Eigen::VectorXd g = tapegrad::gradient(
      [](const VectorXv& w) {
        Eigen::VectorXd y(1);
        y << 3.0;
        const Eigen::VectorXd inner = tapegrad::gradient([](const VectorXv& u) { return Var<double>(u[0] * u[0]); }, y);
        return Var<double>(w[0] * w[1] * inner[0]);  // inner[0] = 6 is a constant here
      },
      x);
  CHECK(g[0] == 12.0);
  CHECK(g[1] == 6.0);
}
