// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// least_squares(): linear problems against the normal equations, Gauss-Newton's one
// step, the result's parts at its point, MINPACK's evaluation counts (SciPy's
// least_squares(method="lm") runs recorded as the independent reference), trials outside
// r's domain, bad input.

#include <Eigen/Dense>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "problems/mgh.hpp"
#include "tapegrad/optim/optim.hpp"
#include "test_support.hpp"

namespace optim = tapegrad::optim;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {
const MatrixXd A = (MatrixXd(6, 3) << 1, 2, 0, 0, 1, 1, 1, 0, 3, 2, 1, 1, 0, 0, 1, 1, 1, 1).finished();
const VectorXd y = VectorXd{{1.0, 2.0, 0.5, -1.0, 3.0, 0.25}};
auto linear = [](const auto& x) {
  using S = typename std::decay_t<decltype(x)>::Scalar;
  Eigen::Matrix<S, Eigen::Dynamic, 1> r(6);
  for (Eigen::Index i = 0; i < 6; ++i) r[i] = S(A(i, 0) * x[0] + A(i, 1) * x[1] + A(i, 2) * x[2] - y[i]);
  return r;
};
template <class Id>
auto residuals_of(Id id) {
  return [id](const auto& x) { return mgh::residuals(id, x); };
}
const mgh::Problem& problem(mgh::Id id) {
  for (const auto& p : mgh::problems())
    if (p.id == id) return p;
  throw std::logic_error("no such problem");
}
}  // namespace

TEST_CASE("least squares on a linear model: the normal-equation solution", "[optim][least_squares]") {
  const VectorXd exact = (A.transpose() * A).ldlt().solve(A.transpose() * y);
  for (const auto method : {optim::LeastSquaresMethod::levenberg_marquardt, optim::LeastSquaresMethod::gauss_newton}) {
    optim::LeastSquaresOptions<double> o;
    o.method = method;
    const auto r = optim::least_squares(linear, VectorXd::Zero(3), o);
    INFO(optim::to_string(r.status));
    CHECK((r.w - exact).cwiseAbs().maxCoeff() < 1e-12);
    // the result's parts belong to r.w
    CHECK((r.residuals - (A * r.w - y)).cwiseAbs().maxCoeff() < 1e-14);
    CHECK((r.jacobian - A).cwiseAbs().maxCoeff() < 1e-14);
    CHECK((r.gradient - A.transpose() * r.residuals).cwiseAbs().maxCoeff() < 1e-13);
    CHECK_CLOSE(r.loss, 0.5 * r.residuals.squaredNorm(), 1e-15);
    if (method == optim::LeastSquaresMethod::gauss_newton) {
      CHECK(r.steps == 1);  // the Gauss-Newton step of a linear model is exact
      CHECK(r.function_evaluations == 2);
      CHECK(r.gradient_evaluations == 2);
      CHECK(r.status == optim::Status::gradient_tolerance);
    }
  }
}

TEST_CASE("Levenberg-Marquardt counts the evaluations MINPACK does", "[optim][least_squares]") {
  // SciPy 1.10 least_squares(method="lm", x_scale="jac") (MINPACK's lmder, Jacobian scaling) needs
  // nfev evaluations of r and njev of J on these problems; tapegrad's LM is the same algorithm and
  // evaluates J once more, at the final point. x_scale=1 (SciPy's default and tapegrad's) is
  // jacobian_scaling = false.
  struct Reference {
    mgh::Id id;
    bool scaled;
    long nfev, njev;
  };
  const Reference runs[] = {{mgh::Id::rosenbrock, true, 21, 16},
                            {mgh::Id::freudenstein_roth, true, 14, 8},
                            {mgh::Id::powell_badly_scaled, true, 19, 17},
                            {mgh::Id::bard, true, 6, 5},
                            {mgh::Id::box_3d, true, 7, 6},
                            {mgh::Id::watson, true, 8, 7},
                            {mgh::Id::brown_dennis, false, 26, 17},
                            {mgh::Id::osborne_2, false, 13, 8}};
  for (const Reference& ref : runs) {
    const mgh::Problem& p = problem(ref.id);
    optim::LeastSquaresOptions<double> o;
    o.jacobian_scaling = ref.scaled;
    const auto r = optim::least_squares(residuals_of(p.id), p.x0, o);
    INFO(p.name << (ref.scaled ? ", scaled" : ", unscaled") << ": " << r.function_evaluations << " r, "
                << r.gradient_evaluations << " J; " << optim::to_string(r.status));
    CHECK(std::abs(r.function_evaluations - ref.nfev) <= 1);
    CHECK(std::abs(r.gradient_evaluations - (ref.njev + 1)) <= 1);
    const double minimum = p.id == mgh::Id::freudenstein_roth ? 48.98425367 : p.f_star;  // a local minimum there
    CHECK(2 * r.loss - minimum <= 1e-5 * std::max(1.0, minimum));
  }
}

TEST_CASE("Levenberg-Marquardt's defaults are SciPy's: Brown-Dennis reaches SciPy's minimum",
          "[optim][least_squares]") {
  // SciPy 1.10 least_squares(method="lm") with its defaults stops at 85822.20168 (26 r, 17 J).
  // With MINPACK's Jacobian scaling the run crawls in a trust region that is too tight and
  // the relative-decrease test stops it at 85822.2057 (4.6e-8 above; docs/optim.md).
  const mgh::Problem& p = problem(mgh::Id::brown_dennis);
  const auto r = optim::least_squares(residuals_of(p.id), p.x0);
  INFO(optim::to_string(r.status) << ", " << r.function_evaluations << " r");
  CHECK(std::abs(2 * r.loss - 85822.20168) <= 1e-8 * 85822.20168);
  CHECK(r.function_evaluations <= 28);  // SciPy's wrapper calls r 28 times
  optim::LeastSquaresOptions<double> scaled;
  scaled.jacobian_scaling = true;
  const auto s = optim::least_squares(residuals_of(p.id), p.x0, scaled);
  CHECK(2 * s.loss > 2 * r.loss);  // the documented cost of scaling here
  CHECK(2 * s.loss - p.f_star <= 1e-5 * p.f_star);
}

TEST_CASE("least squares: singular Jacobians, zero residuals, Gauss-Newton", "[optim][least_squares]") {
  // Powell singular: J is singular at the solution 0; LM still converges (superlinearly fails, linearly works).
  const mgh::Problem& powell = problem(mgh::Id::powell_singular);
  const auto r = optim::least_squares(residuals_of(powell.id), powell.x0);
  CHECK(r.loss < 1e-30);
  CHECK(r.w.cwiseAbs().maxCoeff() < 1e-6);
  // Gauss-Newton with its line search on zero-residual Rosenbrock and Box 3-D
  optim::LeastSquaresOptions<double> gn;
  gn.method = optim::LeastSquaresMethod::gauss_newton;
  for (const auto id : {mgh::Id::rosenbrock, mgh::Id::box_3d, mgh::Id::helical_valley}) {
    const mgh::Problem& p = problem(id);
    const auto q = optim::least_squares(residuals_of(p.id), p.x0, gn);
    INFO(p.name << ": " << optim::to_string(q.status) << ", ||r||^2 " << 2 * q.loss);
    CHECK(2 * q.loss < 1e-20);
  }
}

TEST_CASE("least squares: trials where r is NaN are rejected, not taken", "[optim][least_squares]") {
  // r = (sqrt(b) - 2, b - 4): the solution b = 4; from b = 0.01 the first Gauss-Newton step
  // overshoots... and steps into b < 0 are NaN (sqrt), so they must be refused.
  auto r = [](const auto& b) {
    using S = typename std::decay_t<decltype(b)>::Scalar;
    using std::sqrt;
    Eigen::Matrix<S, Eigen::Dynamic, 1> out(2);
    out[0] = S(sqrt(b[0]) - 2.0);
    out[1] = S(0.1 * (b[0] - 4.0));
    return out;
  };
  for (const auto method : {optim::LeastSquaresMethod::levenberg_marquardt, optim::LeastSquaresMethod::gauss_newton}) {
    optim::LeastSquaresOptions<double> o;
    o.method = method;
    std::vector<double> visited;
    o.on_step = [&](std::int64_t, const VectorXd& b, double, const VectorXd&) { return visited.push_back(b[0]), true; };
    const auto q = optim::least_squares(r, VectorXd{{9.0}}, o);
    CHECK(std::abs(q.w[0] - 4.0) < 1e-8);
    for (const double b : visited) CHECK(b > 0.0);
  }
}

TEST_CASE("least squares: limits, callback and bad input", "[optim][least_squares]") {
  const mgh::Problem& p = problem(mgh::Id::meyer);
  optim::LeastSquaresOptions<double> o;
  o.max_evaluations = 10;
  const auto m = optim::least_squares(residuals_of(p.id), p.x0, o);
  CHECK(m.status == optim::Status::max_evaluations);
  CHECK(m.function_evaluations <= 11);
  CHECK(m.loss < 0.5 * mgh::sum_of_squares(p.id, p.x0));  // progress kept, nothing lost
  o = {};
  o.max_steps = 2;
  CHECK(optim::least_squares(residuals_of(p.id), p.x0, o).steps == 2);
  o = {};
  o.on_step = [](std::int64_t k, const VectorXd&, double, const VectorXd&) { return k < 1; };
  CHECK(optim::least_squares(residuals_of(p.id), p.x0, o).status == optim::Status::stopped_by_callback);

  CHECK_THROWS_WITH(optim::least_squares(linear, VectorXd()), ContainsSubstring("least_squares: x0 is empty"));
  CHECK_THROWS_WITH(optim::least_squares(linear, VectorXd{{1.0, std::nan(""), 0.0}}),
                    ContainsSubstring("x0(1, 0) is NaN"));
  auto none = [](const auto& x) {
    return Eigen::Matrix<typename std::decay_t<decltype(x)>::Scalar, Eigen::Dynamic, 1>();
  };
  CHECK_THROWS_WITH(optim::least_squares(none, VectorXd::Ones(2)), ContainsSubstring("r returned no residuals"));
  o = {};
  o.step_tolerance = -1;
  CHECK_THROWS_WITH(optim::least_squares(linear, VectorXd::Zero(3), o), ContainsSubstring("step_tolerance is -1"));
  o = {};
  o.initial_step_bound = 0;
  CHECK_THROWS_WITH(optim::least_squares(linear, VectorXd::Zero(3), o), ContainsSubstring("initial_step_bound is 0"));
}
