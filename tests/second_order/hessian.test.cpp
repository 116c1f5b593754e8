// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// Second derivatives by forward-over-reverse (Var<Dual<T>>): every primitive's f''
// against its closed form written out here and against central differences of the
// reverse-mode gradient; mixed partials of the binary ones; the Rosenbrock Hessian;
// symmetry; H v against H * v; bad input.

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "test_support.hpp"

using tapegrad::Dual;
using tapegrad::Tape;
using tapegrad::Var;

namespace {
using LD = long double;
using VectorLD = Eigen::Matrix<LD, Eigen::Dynamic, 1>;
using MatrixLD = Eigen::Matrix<LD, Eigen::Dynamic, Eigen::Dynamic>;
const LD pi = 3.141592653589793238462643383279502884L;

/// Value, first and second derivative of a one-variable f at x from one recording on a
/// Tape<Dual<T>> seeded with x + e, plus the e part of the value (f'(x) carried forward).
template <class T>
struct Second {
  T value, d1, d2, forward_d1;
};
template <class T, class F>
Second<T> second_derivative(F&& f, T x) {
  Tape<Dual<T>> tape;
  const Var<Dual<T>> v = tape.variable(Dual<T>(x, T(1)));
  const Var<Dual<T>> y = f(v);
  tape.backward(y);
  const Dual<T> g = v.grad();
  return {y.value().value, g.value, g.derivative, y.value().derivative};
}

/// The reverse-mode derivative of f at x in long double (no Dual involved).
template <class F>
LD reverse_derivative(F&& f, LD x) {
  return test::value_and_derivative<LD>(f, x).second;
}

/// Tolerance for second derivatives computed in precision T against exact values.
template <class T>
constexpr double second_tol() {
  return 16 * test::exact_tol<T>();
}
/// Central differences of a long double gradient agree with f'' to about this much.
constexpr double fd2_tol = 1e-8;

/// Checks f'' at each point: the Dual sweep against the closed forms d1, d2; the closed
/// form d2 against central differences of the reverse-mode derivative (so the reference
/// is itself checked); and x f(x), whose second derivative 2 f' + x f'' also needs the
/// e part that the tape carries forward in the value of f.
template <class T, class F, class D1, class D2>
void check_unary(const char* name, F f, D1 d1, D2 d2, const std::vector<LD>& points) {
  const double tol = second_tol<T>();
  for (const LD point : points) {
    const T xt = static_cast<T>(point);
    const LD x = xt;  // the point exactly as T sees it
    INFO(name << " at x = " << static_cast<double>(x));
    const Second<T> s = second_derivative(f, xt);
    CHECK_CLOSE(s.d1, d1(x), tol);
    CHECK_CLOSE(s.forward_d1, d1(x), tol);
    CHECK_CLOSE(s.d2, d2(x), tol);
    const LD fd = test::central_difference([&](LD u) { return reverse_derivative(f, u); }, x);
    CHECK_CLOSE(d2(x), fd, fd2_tol);                        // the closed form is right
    CHECK_CLOSE(s.d2, fd, std::max(fd2_tol, tol));          // and so is the tape
    const Second<T> p = second_derivative([&](const auto& v) { return v * f(v); }, xt);
    CHECK_CLOSE(p.d2, 2 * d1(x) + x * d2(x), tol * (1 + std::fabs(static_cast<double>(x))));
  }
}

/// The Hessian of f at x by central differences of the long double reverse-mode gradient.
template <class F>
MatrixLD fd_hessian(F&& f, const VectorLD& x) {
  const Eigen::Index n = x.size();
  MatrixLD H(n, n);
  for (Eigen::Index j = 0; j < n; ++j) {
    const LD h = 1e-6L * std::max(LD(1), std::fabs(x[j]));
    VectorLD up = x, down = x;
    up[j] += h;
    down[j] -= h;
    H.col(j) = (tapegrad::gradient(f, up) - tapegrad::gradient(f, down)) / (2 * h);
  }
  return H;
}

/// Checks the 2x2 Hessian of f(a, b) (value, both gradients, all second partials) at
/// each point against a closed form H(a, b) and against fd_hessian.
template <class T, class F, class G, class H>
void check_binary(const char* name, F f, G grad, H hess, const std::vector<std::pair<LD, LD>>& points) {
  const double tol = second_tol<T>();
  auto fv = [f](const auto& w) {
    using S = typename std::decay_t<decltype(w)>::Scalar;
    return S(f(w[0], w[1]));
  };
  for (const auto& [a0, b0] : points) {
    Eigen::Matrix<T, Eigen::Dynamic, 1> x(2);
    x << static_cast<T>(a0), static_cast<T>(b0);
    const LD a = x[0], b = x[1];
    INFO(name << " at (" << static_cast<double>(a) << ", " << static_cast<double>(b) << ")");
    Eigen::Matrix<T, Eigen::Dynamic, 1> g;
    Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> Hm;
    tapegrad::value_gradient_hessian(fv, x, g, Hm);
    const auto [ga, gb] = grad(a, b);
    CHECK_CLOSE(g[0], ga, tol);
    CHECK_CLOSE(g[1], gb, tol);
    const auto [haa, hab, hbb] = hess(a, b);
    CHECK_CLOSE(Hm(0, 0), haa, tol);
    CHECK_CLOSE(Hm(0, 1), hab, tol);  // d/db of df/da
    CHECK_CLOSE(Hm(1, 0), hab, tol);  // d/da of df/db
    CHECK_CLOSE(Hm(1, 1), hbb, tol);
    const MatrixLD fd = fd_hessian(fv, VectorLD(x.template cast<LD>()));
    CHECK_CLOSE(fd(0, 0), haa, fd2_tol);
    CHECK_CLOSE(fd(0, 1), hab, fd2_tol);
    CHECK_CLOSE(fd(1, 0), hab, fd2_tol);
    CHECK_CLOSE(fd(1, 1), hbb, fd2_tol);
  }
}

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

TEMPLATE_TEST_CASE("every unary primitive's second derivative", "[second_order][hessian]", float, double,
                   long double) {
  using T = TestType;
  using std::exp;
  const std::vector<LD> general{-1.7L, -0.3L, 0.4L, 1.1L, 2.5L};
  const std::vector<LD> positive{0.2L, 0.7L, 1.0L, 2.5L, 10.0L};
  const std::vector<LD> unit{-0.8L, -0.35L, 0.0L, 0.25L, 0.7L};
  const std::vector<LD> above_one{1.2L, 1.5L, 3.0L, 20.0L};
  const std::vector<LD> activations{-8.0L, -2.0L, -0.5L, 0.7L, 3.0L, 8.0L};
  const LD ln2 = std::log(2.0L), ln10 = std::log(10.0L), c = 2 / std::sqrt(pi);
  auto sig = [](LD x) { return 1 / (1 + std::exp(-x)); };
#define TG_FN(NAME, POINTS, D1, D2)                                                                   \
  check_unary<T>(                                                                                     \
      #NAME, [](const auto& x) { return NAME(x); }, [&](LD x) { (void)x; return LD(D1); }, \
      [&](LD x) { (void)x; return LD(D2); }, POINTS)
  TG_FN(sin, general, std::cos(x), -std::sin(x));
  TG_FN(cos, general, -std::sin(x), -std::cos(x));
  TG_FN(tan, general, 1 + std::tan(x) * std::tan(x), 2 * std::tan(x) * (1 + std::tan(x) * std::tan(x)));
  TG_FN(asin, unit, 1 / std::sqrt(1 - x * x), x / std::pow(1 - x * x, 1.5L));
  TG_FN(acos, unit, -1 / std::sqrt(1 - x * x), -x / std::pow(1 - x * x, 1.5L));
  TG_FN(atan, general, 1 / (1 + x * x), -2 * x / ((1 + x * x) * (1 + x * x)));
  TG_FN(sinh, general, std::cosh(x), std::sinh(x));
  TG_FN(cosh, general, std::sinh(x), std::cosh(x));
  TG_FN(tanh, general, 1 - std::tanh(x) * std::tanh(x), -2 * std::tanh(x) * (1 - std::tanh(x) * std::tanh(x)));
  TG_FN(asinh, general, 1 / std::sqrt(x * x + 1), -x / std::pow(x * x + 1, 1.5L));
  TG_FN(acosh, above_one, 1 / std::sqrt(x * x - 1), -x / std::pow(x * x - 1, 1.5L));
  TG_FN(atanh, unit, 1 / (1 - x * x), 2 * x / ((1 - x * x) * (1 - x * x)));
  TG_FN(exp, general, std::exp(x), std::exp(x));
  TG_FN(exp2, general, ln2 * std::exp2(x), ln2 * ln2 * std::exp2(x));
  TG_FN(expm1, general, std::exp(x), std::exp(x));
  TG_FN(log, positive, 1 / x, -1 / (x * x));
  TG_FN(log2, positive, 1 / (x * ln2), -1 / (x * x * ln2));
  TG_FN(log10, positive, 1 / (x * ln10), -1 / (x * x * ln10));
  TG_FN(log1p, unit, 1 / (1 + x), -1 / ((1 + x) * (1 + x)));
  TG_FN(sqrt, positive, 0.5L / std::sqrt(x), -0.25L / (x * std::sqrt(x)));
  TG_FN(cbrt, positive, 1 / (3 * std::cbrt(x * x)), -2 / (9 * x * std::cbrt(x * x)));
  TG_FN(cbrt, std::vector<LD>({-2.5L, -0.4L}), 1 / (3 * std::cbrt(x * x)), -2 / (9 * x * std::cbrt(x * x)));
  TG_FN(square, general, 2 * x, 2);
  TG_FN(erf, general, c * std::exp(-x * x), -2 * x * c * std::exp(-x * x));
  TG_FN(erfc, general, -c * std::exp(-x * x), 2 * x * c * std::exp(-x * x));
  TG_FN(sigmoid, activations, sig(x) * (1 - sig(x)), sig(x) * (1 - sig(x)) * (1 - 2 * sig(x)));
  TG_FN(softplus, activations, sig(x), sig(x) * (1 - sig(x)));
  // pow with a constant exponent or a constant base, hypot and atan2 with one constant.
  check_unary<T>(
      "pow(x, 2.5)", [](const auto& x) { return pow(x, 2.5); }, [](LD x) { return 2.5L * std::pow(x, 1.5L); },
      [](LD x) { return 3.75L * std::pow(x, 0.5L); }, positive);
  check_unary<T>(
      "pow(x, -3)", [](const auto& x) { return pow(x, -3.0); }, [](LD x) { return -3 / std::pow(x, 4.0L); },
      [](LD x) { return 12 / std::pow(x, 5.0L); }, general);
  check_unary<T>(
      "pow(1.7, x)", [](const auto& x) { return pow(1.7, x); },
      [](LD x) { return std::pow(1.7L, x) * std::log(1.7L); },
      [](LD x) { return std::pow(1.7L, x) * std::log(1.7L) * std::log(1.7L); }, general);
  check_unary<T>(
      "hypot(x, 1.5)", [](const auto& x) { return hypot(x, 1.5); },
      [](LD x) { return x / std::hypot(x, 1.5L); }, [](LD x) { return 2.25L / std::pow(x * x + 2.25L, 1.5L); },
      general);
  check_unary<T>(
      "atan2(x, 1.5)", [](const auto& x) { return atan2(x, 1.5); }, [](LD x) { return 1.5L / (x * x + 2.25L); },
      [](LD x) { return -3 * x / ((x * x + 2.25L) * (x * x + 2.25L)); }, general);
  check_unary<T>(
      "atan2(1.5, x)", [](const auto& x) { return atan2(1.5, x); }, [](LD x) { return -1.5L / (x * x + 2.25L); },
      [](LD x) { return 3 * x / ((x * x + 2.25L) * (x * x + 2.25L)); }, general);
  // The arithmetic operators with a constant: (c / x)'' = 2c/x^3; the rest are linear.
  check_unary<T>(
      "3 / x", [](const auto& x) { return 3.0 / x; }, [](LD x) { return -3 / (x * x); },
      [](LD x) { return 6 / (x * x * x); }, general);
  check_unary<T>(
      "x / 4 - 2 * x + 1 - (-x)", [](const auto& x) { return x / 4.0 - 2.0 * x + 1.0 - (-x); },
      [](LD) { return -0.75L; }, [](LD) { return 0.0L; }, general);
#undef TG_FN
}

TEMPLATE_TEST_CASE("every binary primitive's second partials", "[second_order][hessian]", float, double,
                   long double) {
  using T = TestType;
  using Pair = std::pair<LD, LD>;
  using G = std::pair<LD, LD>;
  using H3 = std::tuple<LD, LD, LD>;  // f_aa, f_ab, f_bb
  const std::vector<Pair> points{{1.5L, -0.75L}, {0.4L, 2.0L}, {-2.0L, 0.5L}, {3.0L, 1.25L}};
  const std::vector<Pair> positive_a{{1.5L, -0.75L}, {0.4L, 2.0L}, {2.0L, 0.5L}, {3.0L, 1.25L}};
  check_binary<T>(
      "a + b", [](const auto& a, const auto& b) { return a + b; }, [](LD, LD) { return G{1, 1}; },
      [](LD, LD) { return H3{0, 0, 0}; }, points);
  check_binary<T>(
      "a - b", [](const auto& a, const auto& b) { return a - b; }, [](LD, LD) { return G{1, -1}; },
      [](LD, LD) { return H3{0, 0, 0}; }, points);
  check_binary<T>(
      "a * b", [](const auto& a, const auto& b) { return a * b; }, [](LD a, LD b) { return G{b, a}; },
      [](LD, LD) { return H3{0, 1, 0}; }, points);
  // a/b: f_a = 1/b, f_b = -a/b^2, f_aa = 0, f_ab = -1/b^2, f_bb = 2a/b^3
  check_binary<T>(
      "a / b", [](const auto& a, const auto& b) { return a / b; },
      [](LD a, LD b) { return G{1 / b, -a / (b * b)}; },
      [](LD a, LD b) { return H3{0, -1 / (b * b), 2 * a / (b * b * b)}; }, points);
  // a^b: f_aa = b(b-1)a^(b-2), f_ab = a^(b-1)(1 + b ln a), f_bb = a^b ln^2 a
  check_binary<T>(
      "pow(a, b)", [](const auto& a, const auto& b) { return pow(a, b); },
      [](LD a, LD b) { return G{b * std::pow(a, b - 1), std::pow(a, b) * std::log(a)}; },
      [](LD a, LD b) {
        const LD l = std::log(a);
        return H3{b * (b - 1) * std::pow(a, b - 2), std::pow(a, b - 1) * (1 + b * l), std::pow(a, b) * l * l};
      },
      positive_a);
  // hypot: h = sqrt(a^2 + b^2); f_aa = b^2/h^3, f_ab = -ab/h^3, f_bb = a^2/h^3
  check_binary<T>(
      "hypot(a, b)", [](const auto& a, const auto& b) { return hypot(a, b); },
      [](LD a, LD b) { return G{a / std::hypot(a, b), b / std::hypot(a, b)}; },
      [](LD a, LD b) {
        const LD h3 = std::pow(std::hypot(a, b), 3.0L);
        return H3{b * b / h3, -a * b / h3, a * a / h3};
      },
      points);
  // atan2(y, x), r^2 = x^2 + y^2: f_y = x/r^2, f_x = -y/r^2; f_yy = -2xy/r^4,
  // f_yx = (y^2 - x^2)/r^4, f_xx = 2xy/r^4
  check_binary<T>(
      "atan2(y, x)", [](const auto& y, const auto& x) { return atan2(y, x); },
      [](LD y, LD x) { return G{x / (x * x + y * y), -y / (x * x + y * y)}; },
      [](LD y, LD x) {
        const LD r4 = (x * x + y * y) * (x * x + y * y);
        return H3{-2 * x * y / r4, (y * y - x * x) / r4, 2 * x * y / r4};
      },
      points);
}

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
  CHECK_THROWS_AS(
      tapegrad::hessian([](const auto&) -> Var<Dual<double>> { throw std::runtime_error("boom"); }, v2),
      std::runtime_error);
  CHECK(tapegrad::active_tape<Dual<double>>() == &mine);
}
