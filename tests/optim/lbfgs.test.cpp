// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// lbfgs(): the two-loop recursion against the explicit BFGS inverse update, convergence
// to closed-form minima (a quadratic, Rosenbrock, box-constrained problems), the
// breast-cancer logistic regression in <= 50 iterations, nothing lost, bad input.

#include <Eigen/Dense>
#include <cmath>
#include <stdexcept>
#include <string>

#include "problems/rosenbrock.hpp"
#include "tapegrad/io/csv.hpp"
#include "tapegrad/optim/optim.hpp"
#include "test_support.hpp"

namespace optim = tapegrad::optim;
using Eigen::MatrixXd;
using Eigen::VectorXd;

using test_problems::rosenbrock;

namespace {

// A symmetric positive definite matrix with eigenvalues 1 .. kappa.
MatrixXd spd(Eigen::Index n, double kappa, std::uint64_t seed) {
  optim::Random rng(seed);
  MatrixXd Q(n, n);
  for (Eigen::Index j = 0; j < n; ++j)
    for (Eigen::Index i = 0; i < n; ++i) Q(i, j) = rng.uniform(-1.0, 1.0);
  const MatrixXd O = Q.householderQr().householderQ();
  VectorXd lambda(n);
  for (Eigen::Index i = 0; i < n; ++i) lambda[i] = std::pow(kappa, double(i) / double(n - 1));
  return O * lambda.asDiagonal() * O.transpose();
}
}  // namespace

TEST_CASE("the two-loop recursion equals the explicit BFGS inverse update", "[optim][lbfgs]") {
  // H_0 = gamma I (gamma of the newest pair), H_{i+1} = (I - rho s y^T) H_i (I - rho y s^T) + rho s s^T.
  const Eigen::Index n = 5;
  optim::Random rng(3);
  optim::detail::LbfgsMemory<double> memory(3, n);
  std::vector<VectorXd> S, Y;
  for (int k = 0; k < 5; ++k) {  // five pairs into a memory of three: the oldest two drop out
    VectorXd s(n), y(n);
    for (Eigen::Index i = 0; i < n; ++i) s[i] = rng.uniform(-1, 1), y[i] = s[i] * (2.0 + i) + 0.1 * rng.uniform(-1, 1);
    memory.add(s, y, 1.0);
    S.push_back(s), Y.push_back(y);
  }
  const double gamma = S[4].dot(Y[4]) / Y[4].squaredNorm();
  MatrixXd H = gamma * MatrixXd::Identity(n, n);
  for (int k = 2; k < 5; ++k) {
    const double rho = 1.0 / S[k].dot(Y[k]);
    const MatrixXd V = MatrixXd::Identity(n, n) - rho * Y[k] * S[k].transpose();
    H = V.transpose() * H * V + rho * S[k] * S[k].transpose();
  }
  VectorXd q(n);
  for (Eigen::Index i = 0; i < n; ++i) q[i] = 1.0 + 0.5 * double(i);
  const VectorXd expected = H * q;
  memory.apply(q);
  CHECK((q - expected).norm() <= 1e-12 * expected.norm());
  // a pair with s^T y <= eps (-g^T s) (no positive curvature) is skipped
  optim::detail::LbfgsMemory<double> empty(3, n);
  empty.add(VectorXd::Ones(n), -VectorXd::Ones(n), 1.0);
  CHECK(empty.empty());
}

TEST_CASE("lbfgs minimizes a quadratic to its closed-form minimum", "[optim][lbfgs]") {
  const Eigen::Index n = 30;
  const MatrixXd A = spd(n, 100.0, 5);
  VectorXd b(n);
  for (Eigen::Index i = 0; i < n; ++i) b[i] = std::sin(double(i));
  auto f = [&](const auto& x) {
    using S = typename std::decay_t<decltype(x)>::Scalar;
    S value = 0.0;
    for (Eigen::Index i = 0; i < n; ++i) {
      S row = 0.0;
      for (Eigen::Index j = 0; j < n; ++j) row += A(i, j) * x[j];
      value += 0.5 * x[i] * row - b[i] * x[i];
    }
    return value;
  };
  optim::LbfgsOptions<double> o;
  o.gradient_tolerance = 1e-7;  // L itself is only accurate to ~1e-15: a tighter g stalls the searches
  o.loss_tolerance = 0;         // stop only if L stops decreasing at all
  o.history = 30;               // m = n: close to full BFGS
  const auto r = optim::lbfgs(f, VectorXd::Zero(n), o);
  const VectorXd exact = A.ldlt().solve(b);
  CHECK(r.status == optim::Status::gradient_tolerance);
  CHECK((r.w - exact).norm() <= 1e-7 * std::sqrt(double(n)));  // ||w - w*|| <= ||g|| / lambda_min, lambda_min = 1
  CHECK(r.steps < 60);
  // the result's parts belong together
  CHECK_CLOSE(r.loss, f(r.w), 1e-14);
  CHECK((r.gradient - (A * r.w - b)).norm() <= 1e-12 * (1 + b.norm()));
  CHECK(r.loss_history.size() == static_cast<std::size_t>(r.steps) + 1);
  CHECK(r.function_evaluations == r.gradient_evaluations);
}

TEST_CASE("lbfgs on Rosenbrock from (-1.2, 1) reaches (1, 1)", "[optim][lbfgs]") {
  optim::LbfgsOptions<double> o;
  o.gradient_tolerance = 1e-9;
  o.loss_tolerance = 0;
  const auto r = optim::lbfgs(rosenbrock, VectorXd{{-1.2, 1.0}}, o);
  CHECK(r.status == optim::Status::gradient_tolerance);
  CHECK(std::abs(r.w[0] - 1.0) < 1e-8);
  CHECK(std::abs(r.w[1] - 1.0) < 1e-8);
  CHECK(r.steps < 60);
  CHECK(r.function_evaluations < 80);
  // loss never increases from one accepted point to the next (sufficient decrease)
  for (std::size_t k = 1; k < r.loss_history.size(); ++k) CHECK(r.loss_history[k] <= r.loss_history[k - 1]);
  // with history m = 1 it still converges, more slowly
  o.history = 1;
  const auto one = optim::lbfgs(rosenbrock, VectorXd{{-1.2, 1.0}}, o);
  CHECK(std::abs(one.w[0] - 1.0) < 1e-7);
}

TEST_CASE("lbfgs with box bounds: minima on the boundary, every iterate feasible", "[optim][lbfgs][bounds]") {
  // Rosenbrock with w0 <= 0.5: the constrained minimum is (0.5, 0.25), f = 0.25.
  optim::LbfgsOptions<double> o;
  o.lower = VectorXd{{-2.0, -2.0}};
  o.upper = VectorXd{{0.5, 2.0}};
  o.gradient_tolerance = 1e-10;
  bool feasible = true;
  o.on_step = [&](std::int64_t, const VectorXd& w, double, const VectorXd&) {
    feasible = feasible && (w.array() >= o.lower.array()).all() && (w.array() <= o.upper.array()).all();
    return true;
  };
  const auto r = optim::lbfgs(rosenbrock, VectorXd{{-1.2, 1.0}}, o);
  CHECK(r.status == optim::Status::gradient_tolerance);
  CHECK(feasible);
  CHECK(r.w[0] == 0.5);  // exactly on the bound
  CHECK(std::abs(r.w[1] - 0.25) < 1e-9);
  CHECK(std::abs(r.loss - 0.25) < 1e-12);
  CHECK(r.gradient[0] < 0);  // KKT: the gradient pushes out of the box at an active upper bound

  // A separable quadratic sum_i d_i (w_i - c_i)^2: the minimum in the box is clamp(c, l, u).
  const VectorXd c{{-3.0, 0.5, 4.0, -0.2, 10.0}}, d{{1.0, 10.0, 0.1, 3.0, 1.0}};
  auto f = [&](const auto& w) {
    using S = typename std::decay_t<decltype(w)>::Scalar;
    S s = 0.0;
    for (Eigen::Index i = 0; i < 5; ++i) s += d[i] * (w[i] - c[i]) * (w[i] - c[i]);
    return s;
  };
  optim::LbfgsOptions<double> box;
  box.lower = VectorXd{{-1.0, -1.0, -1.0, -1.0, -std::numeric_limits<double>::infinity()}};
  box.upper = VectorXd{{1.0, 1.0, 1.0, 1.0, 2.0}};
  box.gradient_tolerance = 1e-10;
  const auto q = optim::lbfgs(f, VectorXd::Zero(5), box);
  const VectorXd expected = c.cwiseMax(box.lower).cwiseMin(box.upper);
  CHECK((q.w - expected).cwiseAbs().maxCoeff() < 1e-9);
  CHECK(q.w[0] == -1.0);  // the active bounds are met exactly
  CHECK(q.w[2] == 1.0);
  CHECK(q.w[4] == 2.0);
}

TEST_CASE("lbfgs: logistic regression on breast cancer in <= 50 iterations", "[optim][lbfgs][data]") {
  // Example 10's problem: mean log-loss + (1e-3 / 2) ||w||^2 on the standardized features
  // and a bias; its minimum from Newton's method (exact Hessians) is the reference.
  const auto data = tapegrad::io::read_labeled_csv<double>(std::string(TAPEGRAD_DATA_DIR) + "/breast_cancer.csv");
  MatrixXd X = data.features.rowwise() - data.features.colwise().mean();
  X = X.array().rowwise() / X.array().square().colwise().mean().sqrt();
  const VectorXd sign = 2.0 * data.labels.cast<double>().array() - 1.0;
  const Eigen::Index n = X.rows(), d = X.cols();
  auto loss = [&](const auto& w) {
    using S = typename std::decay_t<decltype(w)>::Scalar;
    using tapegrad::softplus;
    S total = 0.0;
    for (Eigen::Index i = 0; i < n; ++i) {
      S z = w[d];
      for (Eigen::Index j = 0; j < d; ++j) z += X(i, j) * w[j];
      total += softplus(-sign[i] * z);
    }
    S penalty = 0.0;
    for (Eigen::Index j = 0; j < d; ++j) penalty += w[j] * w[j];
    return S(total / double(n) + 0.5e-3 * penalty);
  };
  VectorXd newton = VectorXd::Zero(d + 1), g;
  MatrixXd H;
  for (int k = 0; k < 30; ++k) {  // undamped Newton converges from 0 here (convex, well conditioned)
    tapegrad::value_gradient_hessian(loss, newton, g, H);
    newton -= H.ldlt().solve(g);
  }
  const double minimum = loss(newton);
  // Gradient descent needs 10,395 steps to |g| <= 1e-8 here (example 10). L-BFGS with
  // the default m = 10, 50 iterations at most: the loss to 9 significant digits.
  optim::LbfgsOptions<double> o;
  o.gradient_tolerance = 1e-8;
  o.loss_tolerance = 0;
  o.max_steps = 50;
  std::int64_t nine_digits = -1, ten_digits = -1;
  o.on_step = [&](std::int64_t k, const VectorXd&, double L, const VectorXd&) {
    if (nine_digits < 0 && L - minimum <= 1e-9 * minimum) nine_digits = k;
    if (ten_digits < 0 && L - minimum <= 1e-10 * minimum) ten_digits = k;
    return true;
  };
  const auto r = optim::lbfgs(loss, VectorXd::Zero(d + 1), o);
  INFO("L-BFGS: 9 digits of the minimum at iteration " << nine_digits << ", 10 digits at " << ten_digits << "; "
                                                       << r.function_evaluations << " evaluations in all");
  CHECK(nine_digits >= 0);
  CHECK(nine_digits <= 50);
  CHECK(r.loss - minimum <= 1e-9 * minimum);
  CHECK(r.loss >= minimum * (1 - 1e-14));  // Newton's point is the minimum
  CHECK((r.w - newton).cwiseAbs().maxCoeff() < 1e-3);
  WARN("breast cancer, L-BFGS (m = 10): loss to 9 digits at iteration " << nine_digits << ", to 10 digits at "
                                                                        << ten_digits);
}

TEST_CASE("lbfgs: nothing lost, limits and the callback", "[optim][lbfgs]") {
  // f is NaN for w0 > 2: the searches retreat, the result stays finite and decreasing.
  auto walled = [](const auto& w) {
    using S = typename std::decay_t<decltype(w)>::Scalar;
    using std::log;
    return S(log(2.0 - w[0]) * 0.0 + (w[0] - 3.0) * (w[0] - 3.0) + w[1] * w[1]);
  };
  const auto r = optim::lbfgs(walled, VectorXd{{0.0, 1.0}});
  CHECK(r.w.allFinite());
  CHECK(std::isfinite(r.loss));
  CHECK(r.w[0] < 2.0);
  CHECK(r.loss < walled(VectorXd{{0.0, 1.0}}));
  // f(x0) not finite: diverged, x0 returned as it is
  const auto bad = optim::lbfgs(walled, VectorXd{{5.0, 0.0}});
  CHECK(bad.status == optim::Status::diverged);
  CHECK(bad.w == VectorXd{{5.0, 0.0}});
  CHECK(bad.steps == 0);
  // limits and the callback
  optim::LbfgsOptions<double> o;
  o.max_steps = 3;
  CHECK(optim::lbfgs(rosenbrock, VectorXd{{-1.2, 1.0}}, o).status == optim::Status::max_steps);
  CHECK(optim::lbfgs(rosenbrock, VectorXd{{-1.2, 1.0}}, o).steps == 3);
  o = {};
  o.max_evaluations = 5;
  CHECK(optim::lbfgs(rosenbrock, VectorXd{{-1.2, 1.0}}, o).status == optim::Status::max_evaluations);
  o = {};
  o.on_step = [](std::int64_t k, const VectorXd&, double, const VectorXd&) { return k < 2; };
  const auto c = optim::lbfgs(rosenbrock, VectorXd{{-1.2, 1.0}}, o);
  CHECK(c.status == optim::Status::stopped_by_callback);
  CHECK(c.steps == 2);
}

TEST_CASE("lbfgs: bad input is refused before f is evaluated", "[optim][lbfgs]") {
  int calls = 0;
  auto f = [&](const auto& w) { return ++calls, w.squaredNorm(); };
  auto refused = [&](const VectorXd& x0, const optim::LbfgsOptions<double>& o, const std::string& message) {
    INFO(message);
    CHECK_THROWS_AS(optim::lbfgs(f, x0, o), std::invalid_argument);
    CHECK_THROWS_WITH(optim::lbfgs(f, x0, o), ContainsSubstring(message));
  };
  optim::LbfgsOptions<double> o;
  refused(VectorXd(), o, "lbfgs: x0 is empty");
  refused(VectorXd{{1.0, std::nan("")}}, o, "lbfgs: x0(1, 0) is NaN");
  o.history = 0;
  refused(VectorXd::Ones(2), o, "history is 0; expected m >= 1");
  o = {};
  o.lower = VectorXd{{0.0, 2.0}};
  o.upper = VectorXd{{1.0, 1.0}};
  refused(VectorXd{{0.5, 1.0}}, o, "lower(1) = 2 and upper(1) = 1; expected lower <= upper");
  o.lower = VectorXd{{0.0, 0.0}};
  refused(VectorXd{{0.5, 1.5}}, o, "x0(1) = 1.5 is outside [0, 1]");
  o.lower = VectorXd::Zero(3);
  refused(VectorXd{{0.5, 0.5}}, o, "lower has 3 and upper 2 entries; expected 2 each");
  o = {};
  o.gradient_tolerance = -1;
  refused(VectorXd::Ones(2), o, "gradient_tolerance is -1");
  o = {};
  o.max_evaluations = 0;
  refused(VectorXd::Ones(2), o, "max_evaluations is 0; expected >= 1");
  CHECK(calls == 0);
}
