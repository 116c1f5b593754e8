// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// conjugate_gradient() and newton_cg(): closed-form minima, the first PR+ direction
// by hand, negative curvature, Hessian-vector products counted, bad input.

#include <Eigen/Dense>
#include <cmath>
#include <stdexcept>

#include "problems/rosenbrock.hpp"
#include "tapegrad/optim/optim.hpp"
#include "test_support.hpp"

namespace optim = tapegrad::optim;
using Eigen::MatrixXd;
using Eigen::VectorXd;

using test_problems::rosenbrock;

namespace {
// f(w) = (1/2) w^T Q w - c^T w with Q = diag(1, 4, 9, 16) plus a coupling
const MatrixXd Q = (MatrixXd(4, 4) << 1, 0.5, 0, 0, 0.5, 4, 0.5, 0, 0, 0.5, 9, 0.5, 0, 0, 0.5, 16).finished();
const VectorXd c = VectorXd{{1.0, -2.0, 3.0, -4.0}};
auto quadratic = [](const auto& w) {
  using S = typename std::decay_t<decltype(w)>::Scalar;
  S value = 0.0;
  for (Eigen::Index i = 0; i < 4; ++i) {
    S row = 0.0;
    for (Eigen::Index j = 0; j < 4; ++j) row += Q(i, j) * w[j];
    value += 0.5 * w[i] * row - c[i] * w[i];
  }
  return value;
};
}  // namespace

TEST_CASE("conjugate gradients: the first step is steepest descent, then PR+", "[optim][cg]") {
  // After one iteration, d_1 = -g_1 + beta d_0 with beta = max(0, g_1^T (g_1 - g_0) / g_0^T g_0): check the
  // second step's direction through the points the run visits.
  std::vector<VectorXd> points, gradients;
  optim::ConjugateGradientOptions<double> o;
  o.max_steps = 2;
  o.on_step = [&](std::int64_t, const VectorXd& w, double, const VectorXd& g) {
    points.push_back(w), gradients.push_back(g);
    return true;
  };
  optim::conjugate_gradient(quadratic, VectorXd::Zero(4), o);
  REQUIRE(points.size() == 3);
  const VectorXd d0 = points[1] - points[0], d1 = points[2] - points[1];
  CHECK((d0.normalized() + gradients[0].normalized()).norm() < 1e-12);  // along -g_0
  const VectorXd &g0 = gradients[0], &g1 = gradients[1];
  const double beta = std::max(0.0, g1.dot(g1 - g0) / g0.squaredNorm());
  const VectorXd direction = -g1 + beta * (-g0);  // d_0 = -g_0
  CHECK((d1.normalized() - direction.normalized()).norm() < 1e-10);
}

TEST_CASE("conjugate gradients reach closed-form minima", "[optim][cg]") {
  optim::ConjugateGradientOptions<double> o;
  o.gradient_tolerance = 1e-10;
  o.loss_tolerance = 0;
  const auto q = optim::conjugate_gradient(quadratic, VectorXd::Zero(4), o);
  CHECK(q.status == optim::Status::gradient_tolerance);
  CHECK((q.w - Q.ldlt().solve(c)).cwiseAbs().maxCoeff() < 1e-10);
  CHECK(q.steps <= 20);
  o.gradient_tolerance = 1e-8;
  const auto r = optim::conjugate_gradient(rosenbrock, VectorXd{{-1.2, 1.0}}, o);
  CHECK(std::abs(r.w[0] - 1.0) < 1e-6);
  CHECK(std::abs(r.w[1] - 1.0) < 1e-6);
  for (std::size_t k = 1; k < r.loss_history.size(); ++k) CHECK(r.loss_history[k] <= r.loss_history[k - 1]);
  o.restart_every = 1;  // every step along -g: steepest descent with the Wolfe search, much slower
  o.max_steps = 200;
  const auto sd = optim::conjugate_gradient(rosenbrock, VectorXd{{-1.2, 1.0}}, o);
  CHECK(sd.loss > r.loss);
  CHECK_THROWS_WITH(optim::conjugate_gradient(rosenbrock, VectorXd{{std::nan(""), 1.0}}),
                    ContainsSubstring("conjugate_gradient: x0(0, 0) is NaN"));
  o.restart_every = -1;
  CHECK_THROWS_WITH(optim::conjugate_gradient(rosenbrock, VectorXd{{1.0, 1.0}}, o),
                    ContainsSubstring("restart_every is -1"));
}

TEST_CASE("newton_cg on a quadratic: inexact Newton steps, every one accepted", "[optim][newton_cg]") {
  optim::NewtonCgOptions<double> o;
  o.initial_radius = 100;
  o.gradient_tolerance = 1e-12;
  o.loss_tolerance = 0;
  const auto r = optim::newton_cg(quadratic, VectorXd::Zero(4), o);
  // CG stops at ||H p + g|| <= min(1/2, sqrt||g||) ||g||, so the residual shrinks superlinearly: a few
  // steps, each at most 4 products (CG on a 4x4 system ends in 4), and the model is exact (rho = 1).
  CHECK(r.status == optim::Status::gradient_tolerance);
  CHECK((r.w - Q.ldlt().solve(c)).cwiseAbs().maxCoeff() < 1e-12);
  CHECK(r.steps <= 8);
  CHECK(r.hessian_vector_products <= 4 * r.steps);
  CHECK(r.function_evaluations == r.steps + 1);  // no rejected step
  // Once sqrt||g|| < 1/2 the forcing term makes the convergence superlinear, ||g_{k+1}|| = O(||g_k||^1.5)
  // (linear, ratio about 1/2, before): 5.5, 2.5, 1.2, 0.59, 0.23, 0.037, 0.0036, 4e-16.
  int superlinear = 0;
  for (std::size_t k = 1; k < r.gradient_norm.size(); ++k)
    if (r.gradient_norm[k - 1] < 0.25) {
      CHECK(r.gradient_norm[k] <= 2 * std::pow(r.gradient_norm[k - 1], 1.5));
      ++superlinear;
    }
  CHECK(superlinear >= 2);
}

TEST_CASE("newton_cg: Rosenbrock, negative curvature and the trust region", "[optim][newton_cg]") {
  optim::NewtonCgOptions<double> o;
  o.gradient_tolerance = 1e-10;
  o.loss_tolerance = 0;
  const auto r = optim::newton_cg(rosenbrock, VectorXd{{-1.2, 1.0}}, o);
  CHECK(r.status == optim::Status::gradient_tolerance);
  CHECK((r.w - VectorXd{{1.0, 1.0}}).norm() < 1e-10);
  CHECK(r.steps < 40);
  CHECK(r.hessian_vector_products > 0);
  // f = x^2 - y^2 + y^4 from (1, 0.01): H has negative curvature along y at first. The
  // minima are (0, +-1/sqrt 2), f = -1/4; the step must follow the negative curvature.
  auto saddle = [](const auto& w) { return w[0] * w[0] - w[1] * w[1] + w[1] * w[1] * w[1] * w[1]; };
  const auto s = optim::newton_cg(saddle, VectorXd{{1.0, 0.01}}, o);
  CHECK(std::abs(s.loss + 0.25) < 1e-12);
  CHECK(std::abs(std::abs(s.w[1]) - std::sqrt(0.5)) < 1e-8);
  // a tiny region forces many small steps, each within the radius
  o.initial_radius = 1e-3;
  o.max_radius = 1e-3;
  o.max_steps = 5;
  std::vector<VectorXd> points;
  o.on_step = [&](std::int64_t, const VectorXd& w, double, const VectorXd&) { return points.push_back(w), true; };
  optim::newton_cg(rosenbrock, VectorXd{{-1.2, 1.0}}, o);
  for (std::size_t k = 1; k < points.size(); ++k) CHECK((points[k] - points[k - 1]).norm() <= 1e-3 * (1 + 1e-12));
  optim::NewtonCgOptions<double> bad;
  bad.eta = 0.5;
  CHECK_THROWS_WITH(optim::newton_cg(rosenbrock, VectorXd{{1.0, 1.0}}, bad), ContainsSubstring("eta is 0.5"));
  bad = {};
  bad.initial_radius = 2000;
  CHECK_THROWS_WITH(optim::newton_cg(rosenbrock, VectorXd{{1.0, 1.0}}, bad),
                    ContainsSubstring("initial_radius exceeds max_radius"));
}
