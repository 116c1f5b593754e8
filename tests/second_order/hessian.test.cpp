// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// Second derivatives by forward-over-reverse (Var<Dual<T>>): the Rosenbrock Hessian;
// symmetry; H v against H * v; statements with a zero first-order adjoint; bad input.
// Every primitive's f'' against its closed form and central differences (and against
// forward over forward) is in the agreement table, tests/core/agreement.test.cpp.

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "core/math_checks.hpp"

using tapegrad::Dual;
using tapegrad::Tape;
using tapegrad::Var;

namespace {
using namespace mathtest;

/// The extended Rosenbrock function sum 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2, generic.
struct Rosenbrock {
  template <class V>
  auto operator()(const V& x) const {
    using S = typename V::Scalar;
    S sum = 0.0;
    for (Eigen::Index i = 0; i + 1 < x.size(); ++i) {
      const S a = x[i + 1] - x[i] * x[i];
      const S b = 1.0 - x[i];
      sum += 100.0 * a * a + b * b;
    }
    return sum;
  }
};
/// Its Hessian, tridiagonal: H_ii = 1200 x_i^2 - 400 x_{i+1} + 2 (i < n-1) + 200 (i > 0),
/// H_{i,i+1} = H_{i+1,i} = -400 x_i.
MatrixLD rosenbrock_hessian(const VectorLD& x) {
  const Eigen::Index n = x.size();
  MatrixLD H = MatrixLD::Zero(n, n);
  for (Eigen::Index i = 0; i + 1 < n; ++i) {
    H(i, i) += 1200 * x[i] * x[i] - 400 * x[i + 1] + 2;
    H(i + 1, i + 1) += 200;
    H(i, i + 1) = H(i + 1, i) = -400 * x[i];
  }
  return H;
}
}  // namespace

TEST_CASE("sigmoid and softplus at x = 0: the e part of the value", "[second_order][hessian]") {
  // sigmoid and softplus compute exp(x >= 0 ? -x : x), not exp(-|x|): |x| has derivative
  // 0 at x = 0, which would lose the e part of sigmoid(0) and softplus(0) on a Var<Dual> tape.
  const Second<double> s = second_derivative([](const auto& x) { return x * sigmoid(x); }, 0.0);
  CHECK_CLOSE(s.d2, 0.5, 1e-15);  // (x s)'' = 2 s' + x s'' = 1/2 at 0
  const Second<double> p = second_derivative([](const auto& x) { return softplus(x); }, 0.0);
  CHECK_CLOSE(p.d2, 0.25, 1e-15);  // s(0)(1 - s(0))
  const Second<double> q = second_derivative([](const auto& x) { return x * softplus(x); }, 0.0);
  CHECK_CLOSE(q.d2, 1.0, 1e-15);  // 2 softplus'(0) = 1
}

TEMPLATE_TEST_CASE("Rosenbrock Hessian against its closed form, n = 2 and n = 10", "[second_order][hessian]", float,
                   double, long double) {
  using T = TestType;
  using Vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
  for (const int n : {2, 10}) {
    Vector x(n);
    for (int i = 0; i < n; ++i) x[i] = static_cast<T>(i % 2 == 0 ? -1.2 + 0.1 * i : 1.0 - 0.05 * i);
    INFO("n = " << n);
    const Matrix H = tapegrad::hessian(Rosenbrock{}, x);
    REQUIRE(H.rows() == n);
    REQUIRE(H.cols() == n);
    const MatrixLD expected = rosenbrock_hessian(x.template cast<LD>());
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) {
        INFO("H(" << i << ", " << j << ")");
        CHECK_CLOSE(H(i, j), expected(i, j), second_tol<T>());
        CHECK(H(i, j) == H(j, i));  // symmetric exactly: both entries come from the same products
      }
    // value_gradient_hessian agrees with hessian and with the first-order gradient.
    Vector g;
    Matrix H2;
    const T value = tapegrad::value_gradient_hessian(Rosenbrock{}, x, g, H2);
    CHECK_CLOSE(value, Rosenbrock{}(x), test::exact_tol<T>());
    CHECK(H2 == H);
    const Vector g1 = tapegrad::gradient(Rosenbrock{}, x);
    for (int i = 0; i < n; ++i) CHECK_CLOSE(g[i], g1[i], test::exact_tol<T>());
  }
}

TEST_CASE("statements whose first-order adjoint is exactly 0 still carry H v", "[second_order][hessian]") {
  // The sweep skips a statement whose adjoint is zero; for Dual it must look at both
  // parts (is_zero_adjoint), or an adjoint 0 + c e, wherever a residual is exactly 0
  // (Rosenbrock at its minimum (1, 1) or at the origin), would lose its c e.
  Eigen::VectorXd x = Eigen::VectorXd::Ones(2);
  Eigen::MatrixXd H = tapegrad::hessian(Rosenbrock{}, x);  // [[802, -400], [-400, 200]]
  CHECK(H(0, 0) == 802.0);
  CHECK(H(0, 1) == -400.0);
  CHECK(H(1, 1) == 200.0);
  x.setZero();
  H = tapegrad::hessian(Rosenbrock{}, x);  // [[2, 0], [0, 200]]
  CHECK(H(0, 0) == 2.0);
  CHECK(H(1, 1) == 200.0);
  // One variable: f = r^2 with r = x - 1 recorded as its own statement; f''(1) = 2.
  const Second<double> s = second_derivative(
      [](const auto& v) {
        using S = std::decay_t<decltype(v)>;
        const S r = v - 1.0;  // its own statement, adjoint 2 r = 0 at v = 1
        return r * r;
      },
      1.0);
  CHECK(s.d2 == 2.0);
}

TEST_CASE("the Hessian of a dense function is symmetric and matches finite differences", "[second_order][hessian]") {
  // Every variable interacts with every other, through several primitives.
  auto f = [](const auto& x) {
    using S = typename std::decay_t<decltype(x)>::Scalar;
    S sum = 0.0;
    for (Eigen::Index i = 0; i < x.size(); ++i)
      for (Eigen::Index j = 0; j < x.size(); ++j) sum += sin(x[i] * x[j]) / (1.0 + exp(x[i] - x[j]));
    return S(sum + log1p(x.squaredNorm()) * tanh(x.sum()));
  };
  Eigen::VectorXd x(6);
  x << 0.3, -0.7, 1.1, 0.05, -1.4, 0.6;
  const Eigen::MatrixXd H = tapegrad::hessian(f, x);
  CHECK(((H - H.transpose()).cwiseAbs().maxCoeff()) <= 1e-13 * H.cwiseAbs().maxCoeff());
  const MatrixLD fd = fd_hessian(f, x.cast<LD>());
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 6; ++j) CHECK_CLOSE(H(i, j), static_cast<double>(fd(i, j)), 1e-8);
}

TEMPLATE_TEST_CASE("hessian_vector_product equals H * v", "[second_order][hessian]", float, double, long double) {
  using T = TestType;
  using Vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
  const int n = 10;
  Vector x(n), v(n);
  for (int i = 0; i < n; ++i) {
    x[i] = static_cast<T>(std::sin(1.0 + i));
    v[i] = static_cast<T>(std::cos(3.0 * i) - 0.25);
  }
  const Matrix H = tapegrad::hessian(Rosenbrock{}, x);
  const Vector Hv = tapegrad::hessian_vector_product(Rosenbrock{}, x, v);
  const Vector expected = H * v;
  REQUIRE(Hv.size() == n);
  const double scale = static_cast<double>(H.cwiseAbs().maxCoeff() * v.cwiseAbs().maxCoeff());
  for (int i = 0; i < n; ++i) CHECK_CLOSE(Hv[i] / scale, expected[i] / scale, 4 * test::exact_tol<T>());
  // Linear in v: H (2v) = 2 H v, H 0 = 0; v as an expression works too.
  const Vector Hv2 = tapegrad::hessian_vector_product(Rosenbrock{}, x, T(2) * v);
  for (int i = 0; i < n; ++i) CHECK_CLOSE(Hv2[i], 2 * Hv[i], test::exact_tol<T>());
  CHECK(tapegrad::hessian_vector_product(Rosenbrock{}, x, Vector::Zero(n)).isZero(0));
}

TEST_CASE("f may return a 1x1 Eigen matrix of Var", "[second_order][hessian]") {
  Eigen::VectorXd x(2);
  x << 2.0, 3.0;
  // f(x) = x^T x as a 1x1 product: H = 2 I.
  const Eigen::MatrixXd H = tapegrad::hessian([](const auto& w) { return (w.transpose() * w).eval(); }, x);
  CHECK(H.isApprox(2.0 * Eigen::MatrixXd::Identity(2, 2)));
}

TEST_CASE("second order on a Tape<Dual<T>> the user records by hand", "[second_order][hessian]") {
  // f(a, b) = a^2 b + exp(a b) at (1, 0.5), seeded in the direction v = (1, 0): the
  // adjoints are grad f + (H v) e with H v = (2b + b^2 e^ab, 2a + (1 + ab) e^ab).
  Tape<Dual<double>> tape;
  const Var<Dual<double>> a = tape.variable(Dual<double>(1.0, 1.0));
  const Var<Dual<double>> b = tape.variable(Dual<double>(0.5, 0.0));
  const Var<Dual<double>> y = a * a * b + exp(a * b);
  tape.backward(y);
  const double e = std::exp(0.5);
  CHECK_CLOSE(a.grad().value, 2 * 0.5 + 0.5 * e, 1e-15);
  CHECK_CLOSE(b.grad().value, 1 + e, 1e-15);
  CHECK_CLOSE(a.grad().derivative, 2 * 0.5 + 0.25 * e, 1e-15);
  CHECK_CLOSE(b.grad().derivative, 2 + 1.5 * e, 1e-15);
  // The e part of the value is the directional derivative: grad f . v.
  CHECK_CLOSE(y.value().derivative, 2 * 0.5 + 0.5 * e, 1e-15);
}

TEST_CASE("bad input to the second-order functions", "[second_order][hessian]") {
  const Eigen::VectorXd x = Eigen::VectorXd::Ones(3), v2 = Eigen::VectorXd::Ones(2), empty;
  CHECK_THROWS_AS(tapegrad::hessian_vector_product(Rosenbrock{}, x, v2), std::invalid_argument);
  CHECK_THROWS_WITH(tapegrad::hessian_vector_product(Rosenbrock{}, x, v2),
                    ContainsSubstring("hessian_vector_product") && ContainsSubstring("x has 3 entries") &&
                        ContainsSubstring("v has 2"));
  CHECK_THROWS_WITH(tapegrad::hessian_vector_product(Rosenbrock{}, empty, empty),
                    ContainsSubstring("hessian_vector_product: x is empty"));
  CHECK_THROWS_AS(tapegrad::hessian(Rosenbrock{}, empty), std::invalid_argument);
  CHECK_THROWS_WITH(tapegrad::hessian(Rosenbrock{}, empty), ContainsSubstring("hessian: x is empty"));
  Eigen::VectorXd g;
  Eigen::MatrixXd H;
  CHECK_THROWS_WITH(tapegrad::value_gradient_hessian(Rosenbrock{}, empty, g, H),
                    ContainsSubstring("value_gradient_hessian: x is empty"));
  // f returns two values: not a scalar function; the message names the shape.
  auto two = [](const auto& w) { return (w * 2.0).eval(); };
  CHECK_THROWS_AS(tapegrad::hessian(two, v2), std::invalid_argument);
  CHECK_THROWS_WITH(tapegrad::hessian(two, v2), ContainsSubstring("2x1") && ContainsSubstring("one scalar"));
  CHECK_THROWS_WITH(tapegrad::hessian_vector_product(two, v2, v2), ContainsSubstring("2x1"));
  // A Var from another tape is a TapeError, and the user's tape is active again after.
  Tape<Dual<double>> mine;
  const Var<Dual<double>> foreign = mine.variable(Dual<double>(1.0, 0.0));
  CHECK_THROWS_WITH(tapegrad::hessian([&](const auto&) { return foreign; }, v2),
                    ContainsSubstring("not on the tape of its inputs"));
  CHECK(tapegrad::active_tape<Dual<double>>() == &mine);
  CHECK_THROWS_AS(tapegrad::hessian([](const auto&) -> Var<Dual<double>> { throw std::runtime_error("boom"); }, v2),
                  std::runtime_error);
  CHECK(tapegrad::active_tape<Dual<double>>() == &mine);
}

TEMPLATE_TEST_CASE("value_gradient_hvp: f, its gradient and H v in one call", "[second_order][hessian]", float,
                   double) {
  using T = TestType;
  using Vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  const int n = 6;
  Vector x(n), v(n);
  for (int i = 0; i < n; ++i) {
    x[i] = static_cast<T>(std::sin(1.0 + i));
    v[i] = static_cast<T>(std::cos(3.0 * i) - 0.25);
  }
  Vector g, hv;
  const T value = tapegrad::value_gradient_hvp(Rosenbrock{}, x, v, g, hv);
  REQUIRE(g.size() == n);
  REQUIRE(hv.size() == n);
  // Closed forms: the value, the gradient, H v with the tridiagonal Hessian.
  const VectorLD xl = x.template cast<LD>(), vl = v.template cast<LD>();
  CHECK_CLOSE(value, static_cast<double>(Rosenbrock{}(xl)), test::exact_tol<T>());
  VectorLD grad = VectorLD::Zero(n);
  for (int i = 0; i + 1 < n; ++i) {
    grad[i] += -400 * xl[i] * (xl[i + 1] - xl[i] * xl[i]) - 2 * (1 - xl[i]);
    grad[i + 1] += 200 * (xl[i + 1] - xl[i] * xl[i]);
  }
  const VectorLD Hv = rosenbrock_hessian(xl) * vl;
  const double gscale = static_cast<double>(grad.cwiseAbs().maxCoeff()),
               hscale = static_cast<double>(Hv.cwiseAbs().maxCoeff());
  for (int i = 0; i < n; ++i) {
    INFO("i = " << i);
    CHECK_CLOSE(g[i] / gscale, static_cast<double>(grad[i]) / gscale, 4 * test::exact_tol<T>());
    CHECK_CLOSE(hv[i] / hscale, static_cast<double>(Hv[i]) / hscale, 4 * test::exact_tol<T>());
  }
  // H v against central differences of the closed-form gradient along v.
  const LD h = 1e-6L;
  const auto gradient_at = [&](const VectorLD& w) {
    VectorLD out = VectorLD::Zero(n);
    for (int i = 0; i + 1 < n; ++i) {
      out[i] += -400 * w[i] * (w[i + 1] - w[i] * w[i]) - 2 * (1 - w[i]);
      out[i + 1] += 200 * (w[i + 1] - w[i] * w[i]);
    }
    return out;
  };
  const VectorLD fd = (gradient_at(xl + h * vl) - gradient_at(xl - h * vl)) / (2 * h);
  for (int i = 0; i < n; ++i) CHECK_CLOSE(hv[i] / hscale, static_cast<double>(fd[i]) / hscale, test::fd_tol<T>());
  // The same gradient as gradient(), the same product as hessian_vector_product().
  const Vector hv_alone = tapegrad::hessian_vector_product(Rosenbrock{}, x, v);
  const Vector g_alone = tapegrad::gradient(Rosenbrock{}, x);
  for (int i = 0; i < n; ++i) {
    CHECK(hv[i] == hv_alone[i]);
    CHECK_CLOSE(g[i], g_alone[i], test::exact_tol<T>());
  }
}

TEST_CASE("value_gradient_hvp rejects mismatched and empty input", "[second_order][hessian]") {
  const Eigen::VectorXd x = Eigen::VectorXd::Ones(3), v2 = Eigen::VectorXd::Ones(2), empty(0);
  Eigen::VectorXd g, hv;
  CHECK_THROWS_WITH(tapegrad::value_gradient_hvp(Rosenbrock{}, x, v2, g, hv),
                    ContainsSubstring("value_gradient_hvp: x has 3 entries but v has 2"));
  CHECK_THROWS_WITH(tapegrad::value_gradient_hvp(Rosenbrock{}, empty, empty, g, hv),
                    ContainsSubstring("value_gradient_hvp: x is empty"));
  const auto two = [](const auto& w) { return (w * w[0]).eval(); };  // 3 outputs, not a scalar
  CHECK_THROWS_WITH(tapegrad::value_gradient_hvp(two, x, x, g, hv), ContainsSubstring("one scalar"));
}
