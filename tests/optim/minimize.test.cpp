// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// minimize(): full-batch gradient descent on any differentiable f(w).

#include <Eigen/Dense>
#include <cmath>
#include <stdexcept>

#include "tapegrad/optim/optim.hpp"
#include "test_support.hpp"

namespace optim = tapegrad::optim;
using Eigen::VectorXd;

TEST_CASE("minimize a quadratic: converges, and the first steps match a hand computation", "[optim][minimize]") {
  // f(w) = (w0 - 1)^2 + 4 (w1 + 2)^2, gradient (2 (w0 - 1), 8 (w1 + 2))
  auto f = [](const auto& w) { return (w[0] - 1.0) * (w[0] - 1.0) + 4.0 * (w[1] + 2.0) * (w[1] + 2.0); };
  optim::MinimizeOptions<double> o;
  o.learning_rate = 0.1;  // the optimizer is GradientDescent by default
  o.max_steps = 2;
  auto r = optim::minimize(f, VectorXd::Zero(2), o);
  // w1 = (0, 0) - 0.1 (-2, 16) = (0.2, -1.6); w2 = (0.2, -1.6) - 0.1 (-1.6, 3.2) = (0.36, -1.92)
  CHECK(r.steps == 2);
  CHECK(r.status == optim::Status::max_steps);
  CHECK_CLOSE(r.w[0], 0.36, 1e-15);
  CHECK_CLOSE(r.w[1], -1.92, 1e-15);
  CHECK(r.loss_history.size() == 3);
  CHECK(r.loss_history[0] == 17.0);
  CHECK_CLOSE(r.loss, f(r.w), 1e-15);
  CHECK_CLOSE(r.gradient[1], 8.0 * (-1.92 + 2.0), 1e-14);

  o.max_steps = 10000;
  o.gradient_tolerance = 1e-10;
  r = optim::minimize(f, VectorXd::Zero(2), o);
  CHECK(r.status == optim::Status::gradient_tolerance);
  CHECK_CLOSE(r.w[0], 1.0, 1e-10);
  CHECK_CLOSE(r.w[1], -2.0, 1e-10);
}

TEST_CASE("minimize Rosenbrock with Adam and with momentum", "[optim][minimize]") {
  auto rosenbrock = [](const auto& w) {
    return (1.0 - w[0]) * (1.0 - w[0]) + 100.0 * (w[1] - w[0] * w[0]) * (w[1] - w[0] * w[0]);
  };
  const VectorXd start{{-1.2, 1.0}};
  optim::MinimizeOptions<double> o;
  o.max_steps = 20000;
  o.optimizer = optim::Adam<double>();
  o.learning_rate = {0.02, optim::InverseTimeDecay<double>(1e-3)};
  auto r = optim::minimize(rosenbrock, start, o);
  CHECK(r.loss < 1e-6);
  CHECK_CLOSE(r.w[0], 1.0, 1e-2);
  o.optimizer = optim::Momentum<double>(0.9, true);
  o.learning_rate = 1e-3;
  r = optim::minimize(rosenbrock, start, o);
  CHECK(r.loss < 1e-4);
}

TEST_CASE("minimize: divergence keeps the last finite point; callback and tolerance stops", "[optim][minimize]") {
  auto f = [](const auto& w) { return w.squaredNorm(); };
  optim::MinimizeOptions<double> o;
  o.learning_rate = 2.5;  // |1 - 2 alpha| = 4: grows until it overflows
  o.max_steps = 100000;
  const auto r = optim::minimize(f, VectorXd::Ones(3), o);
  CHECK(r.status == optim::Status::diverged);
  CHECK(r.w.allFinite());
  CHECK(std::isfinite(r.loss));
  CHECK(r.gradient.allFinite());
  CHECK_CLOSE(r.loss, r.w.squaredNorm(), 1e-15);
  CHECK(r.loss > 1e200);

  o.learning_rate = 0.1;
  o.on_step = [](std::int64_t t, const VectorXd&, double, const VectorXd&) { return t < 5; };
  const auto c = optim::minimize(f, VectorXd::Ones(3), o);
  CHECK(c.status == optim::Status::stopped_by_callback);
  CHECK(c.steps == 5);

  o.on_step = nullptr;
  o.loss_tolerance = 1e-9;
  const auto l = optim::minimize(f, VectorXd::Ones(3), o);
  CHECK(l.status == optim::Status::loss_tolerance);

  CHECK_THROWS_WITH(optim::minimize(f, VectorXd(), o), ContainsSubstring("w0 is empty"));
  CHECK_THROWS_WITH(optim::minimize(f, VectorXd{{1.0, std::nan("")}}, o), ContainsSubstring("w0(1, 0) is NaN"));
  o.max_steps = -1;
  CHECK_THROWS_WITH(optim::minimize(f, VectorXd::Ones(2), o), ContainsSubstring("max_steps is -1"));
}

TEST_CASE("minimize: a schedule that turns negative at t = 2 is refused before f is evaluated", "[optim][minimize]") {
  int evaluations = 0;
  auto f = [&](const auto& w) {
    ++evaluations;
    return w.squaredNorm();
  };
  optim::MinimizeOptions<double> o;
  o.learning_rate = {0.1, [](double a, std::int64_t t) { return a - 0.06 * double(t); }};  // -0.02 at t = 2
  o.max_steps = 5;
  CHECK_THROWS_WITH(optim::minimize(f, VectorXd::Ones(2), o),
                    ContainsSubstring("minimize: the schedule gives learning rate -0.02 at t = 2"));
  CHECK(evaluations == 0);
  o.max_steps = 2;  // steps t = 0 and 1 only
  const auto r = optim::minimize(f, VectorXd::Ones(2), o);
  CHECK(r.steps == 2);
  CHECK(r.status == optim::Status::max_steps);
}

TEST_CASE("minimize: gradient descent with a line search", "[optim][minimize][line_search]") {
  // f = (w0 - 1)^2 + 4 (w1 + 2)^2 from 0: g0 = (-2, 16), ||g0||^2 = 260, f(0) = 17. Backtracking from
  // alpha = 1: f(2, -16) = 785 and f(1, -8) = 144 fail the Armijo test, f(0.5, -4) = 16.25 <= 17 - 1e-4 0.25 260.
  auto f = [](const auto& w) { return (w[0] - 1.0) * (w[0] - 1.0) + 4.0 * (w[1] + 2.0) * (w[1] + 2.0); };
  optim::MinimizeOptions<double> o;
  o.learning_rate = 1.0;  // where each search starts
  o.line_search = optim::LineSearch::backtracking;
  o.max_steps = 1;
  const auto one = optim::minimize(f, VectorXd::Zero(2), o);
  REQUIRE(one.learning_rate.size() == 1);
  CHECK(one.learning_rate[0] == 0.25);
  CHECK(one.w == VectorXd{{0.5, -4.0}});
  CHECK(one.loss == 16.25);
  CHECK(one.function_evaluations == 4);  // f(0), then three trials; the accepted one is not evaluated again
  // both searches converge where the fixed rate 1.0 would diverge
  o.max_steps = 500;
  o.gradient_tolerance = 1e-10;
  for (const auto search : {optim::LineSearch::backtracking, optim::LineSearch::strong_wolfe}) {
    o.line_search = search;
    const auto r = optim::minimize(f, VectorXd::Zero(2), o);
    CHECK(r.status == optim::Status::gradient_tolerance);
    CHECK((r.w - VectorXd{{1.0, -2.0}}).norm() < 1e-10);
    CHECK_CLOSE(r.loss, f(r.w), 1e-15);
  }
  // a line search goes along -g: only with plain gradient descent
  o.optimizer = optim::Adam<double>();
  CHECK_THROWS_WITH(optim::minimize(f, VectorXd::Zero(2), o),
                    ContainsSubstring("a line search needs the GradientDescent optimizer"));
}
