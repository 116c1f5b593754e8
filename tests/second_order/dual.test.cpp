// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// Dual<T> and Dual<T, K>: arithmetic, constructors, seeds and tangents, the binary
// functions' partials in their mixed forms, K directional derivatives in one evaluation
// against K Dual<T> runs, reverse mode and central differences, K Hessian-vector products
// in one Var<Dual<T, K>> sweep. Every function's derivative in every mode, at regular and
// edge points, is in the agreement table (tests/core/agreement.test.cpp).

#include <Eigen/LU>  // determinant()
#include <cmath>
#include <cstddef>
#include <limits>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "test_support.hpp"

using tapegrad::Dual;
using tapegrad::Tape;
using tapegrad::Var;

namespace {
using LD = long double;
}  // namespace

TEMPLATE_TEST_CASE("Dual arithmetic follows the rules of e^2 = 0", "[second_order][dual]", float, double, long double) {
  using T = TestType;
  const Dual<T> a(T(3), T(2)), b(T(-4), T(0.5));
  const double tol = test::exact_tol<T>();
  // (3 + 2e) + (-4 + 0.5e) = -1 + 2.5e
  CHECK((a + b).value == T(-1));
  CHECK((a + b).derivative == T(2.5));
  CHECK((a - b).value == T(7));
  CHECK((a - b).derivative == T(1.5));
  CHECK((-a).value == T(-3));
  CHECK((-a).derivative == T(-2));
  CHECK((+a).derivative == T(2));
  // (3 + 2e)(-4 + 0.5e) = -12 + (2 * -4 + 3 * 0.5) e = -12 - 6.5e
  CHECK((a * b).value == T(-12));
  CHECK((a * b).derivative == T(-6.5));
  // (3 + 2e)/(-4 + 0.5e) = -0.75 + (2 * -4 - 3 * 0.5)/16 e = -0.75 - 0.59375e
  CHECK_CLOSE((a / b).value, -0.75, tol);
  CHECK_CLOSE((a / b).derivative, -0.59375, tol);
  // Mixed with plain numbers on either side: constants carry no derivative.
  CHECK((a * T(2)).derivative == T(4));
  CHECK((T(2) * a).derivative == T(4));
  CHECK((a + 1.0).value == T(4));
  CHECK((1.0 - a).derivative == T(-2));
  CHECK_CLOSE((T(1) / a).derivative, -2.0 / 9.0, tol);  // d(1/a) = -a'/a^2
  // Compound assignment is the binary operator.
  Dual<T> c = a;
  c += b;
  CHECK(c.derivative == T(2.5));
  c = a;
  c -= b;
  CHECK(c.derivative == T(1.5));
  c = a;
  c *= b;
  CHECK(c.derivative == T(-6.5));
  c = a;
  c /= b;
  CHECK_CLOSE(c.derivative, -0.59375, tol);
  // e^2 = 0: (x + e)^2 = x^2 + 2x e exactly.
  const Dual<T> e(T(0), T(1));
  CHECK((e * e).value == T(0));
  CHECK((e * e).derivative == T(0));
}

TEST_CASE("Dual constructors, comparisons, printing and limits", "[second_order][dual]") {
  constexpr Dual<double> zero;
  static_assert(zero.value == 0.0 && zero.derivative == 0.0, "default is 0");
  constexpr Dual<double> two = 2;  // from int: a constant
  static_assert(two.value == 2.0 && two.derivative == 0.0, "constants carry no derivative");
  constexpr Dual<double> p = Dual<double>(1.0, 5.0) * Dual<double>(2.0, 0.0);
  static_assert(p.value == 2.0 && p.derivative == 10.0, "arithmetic is constexpr");
  // Comparisons look at the value only.
  const Dual<double> a(1.0, 100.0), b(1.0, -100.0), c(2.0, 0.0);
  CHECK(a == b);
  CHECK_FALSE(a != b);
  CHECK(a < c);
  CHECK(a <= b);
  CHECK(c > a);
  CHECK(c >= a);
  std::ostringstream out;
  out << Dual<double>(1.5, -2.0);
  CHECK(out.str() == "1.5 + -2e");
  CHECK(std::numeric_limits<Dual<double>>::epsilon().value == std::numeric_limits<double>::epsilon());
  CHECK(std::numeric_limits<Dual<double>>::max().derivative == 0.0);
  CHECK(std::numeric_limits<Dual<float>>::is_specialized);
  CHECK(isinf(std::numeric_limits<Dual<double>>::infinity()));
  CHECK(isnan(std::numeric_limits<Dual<double>>::quiet_NaN()));
  CHECK(isfinite(Dual<double>(1.0, std::numeric_limits<double>::infinity())));  // the value decides
}

TEMPLATE_TEST_CASE("binary Dual functions carry both partial derivatives", "[second_order][dual]", float, double,
                   long double) {
  using T = TestType;
  const double tol = 4 * test::exact_tol<T>();
  // f(a + da e, b + db e) = f(a, b) + (f_a da + f_b db) e
  const T a = T(1.5), b = T(-0.75), da = T(0.3), db = T(-2);
  const LD A = a, B = b, dA = da, dB = db;
  const Dual<T> x(a, da), y(b, db);
  {
    const Dual<T> p = pow(x, Dual<T>(T(2.5), db));  // a^c: c a^(c-1) da + a^c ln(a) dc
    CHECK_CLOSE(p.value, std::pow(A, 2.5L), tol);
    CHECK_CLOSE(p.derivative, 2.5L * std::pow(A, 1.5L) * dA + std::pow(A, 2.5L) * std::log(A) * dB, tol);
    CHECK(pow(Dual<T>(T(0), T(1)), Dual<T>(T(2), T(1))).derivative == T(0));  // 0^b: d/db term is 0
    CHECK(pow(Dual<T>(T(2), T(1)), Dual<T>(T(0), T(0))).derivative == T(0));  // a^0 = 1
    // A constant exponent of a negative base: ln(a) is NaN but its term is absent.
    const Dual<T> cube = pow(Dual<T>(T(-2), T(1)), Dual<T>(T(3)));
    CHECK(cube.value == T(-8));
    CHECK_CLOSE(cube.derivative, 12.0, tol);
    // Plain numbers on either side are constants.
    CHECK_CLOSE(pow(x, 2).derivative, 2 * A * dA, tol);
    CHECK_CLOSE(pow(2.0, x).derivative, std::pow(2.0L, A) * std::log(2.0L) * dA, tol);
    CHECK_CLOSE(hypot(x, 2.0f).derivative, A * dA / std::hypot(A, 2.0L), tol);
    CHECK_CLOSE(atan2(1, x).derivative, -dA / (A * A + 1), tol);
  }
  {
    const Dual<T> h = hypot(x, y);
    const LD H = std::hypot(A, B);
    CHECK_CLOSE(h.value, H, tol);
    CHECK_CLOSE(h.derivative, (A * dA + B * dB) / H, tol);
    CHECK(hypot(Dual<T>(T(0), T(1)), Dual<T>(T(0), T(1))).derivative == T(0));  // 0 at the origin
  }
  {
    const Dual<T> t = atan2(y, x);  // d atan2(y, x) = (x dy - y dx)/(x^2 + y^2)
    CHECK_CLOSE(t.value, std::atan2(B, A), tol);
    CHECK_CLOSE(t.derivative, (A * dB - B * dA) / (A * A + B * B), tol);
    CHECK(atan2(Dual<T>(T(0), T(1)), Dual<T>(T(0), T(1))).derivative == T(0));
  }
  // Selections: the chosen argument's derivative; half of each on a tie.
  CHECK(max(x, y).derivative == da);
  CHECK(min(x, y).derivative == db);
  CHECK(max(x, Dual<T>(a, T(1))).derivative == (da + T(1)) / T(2));
  CHECK(min(x, Dual<T>(a, T(1))).derivative == (da + T(1)) / T(2));
  const Dual<T> nan(std::numeric_limits<T>::quiet_NaN(), T(7));
  CHECK(fmax(nan, y).derivative == db);
  CHECK(fmax(x, nan).derivative == da);
  CHECK(fmin(nan, x).derivative == da);
  CHECK(fmin(y, nan).derivative == db);
}

TEST_CASE("Dual functions applied twice follow the chain rule", "[second_order][dual]") {
  // d/dx sin(exp(x)) = cos(exp(x)) exp(x); d/dx log(1 + x^2) / sqrt(x) by the quotient rule.
  const double x = 0.6;
  const Dual<double> d(x, 1.0);
  CHECK_CLOSE(sin(exp(d)).derivative, std::cos(std::exp(x)) * std::exp(x), 1e-15);
  const Dual<double> q = log(1.0 + d * d) / sqrt(d);
  const double expected = (2 * x / (1 + x * x)) / std::sqrt(x) - std::log(1 + x * x) * 0.5 / (x * std::sqrt(x));
  CHECK_CLOSE(q.derivative, expected, 1e-14);
}

TEST_CASE("expm1 of a Dual keeps its derivative e^x for x << 0", "[second_order][dual]") {
  // expm1(x) + 1 would round to 0 here; the derivative must be e^x to full precision.
  for (const double x : {-20.0, -40.0, -700.0}) {
    const Dual<double> y = expm1(Dual<double>(x, 1.0));
    INFO("x = " << x);
    CHECK(y.value == std::expm1(x));
    CHECK_THAT(y.derivative, Catch::Matchers::WithinRel(std::exp(x), 1e-15));
  }
}

// ---- Dual<T, K>: K tangents at once ---------------------------------------------------

TEST_CASE("Dual<T, K>: seeds, tangents, constants, printing, limits", "[second_order][dual][vector]") {
  using D3 = Dual<double, 3>;
  static_assert(D3::tangent_count == 3 && Dual<double>::tangent_count == 1, "K is known at compile time");
  static_assert(sizeof(D3) == 4 * sizeof(double), "a value and three tangents, nothing else");
  static_assert(std::is_same_v<Dual<double>, Dual<double, 1>>, "Dual<T> is Dual<T, 1>");
  constexpr D3 x = D3::seed(2.0, 1);  // 2 + e_1
  static_assert(x.value == 2.0 && x.tangent(0) == 0.0 && x.tangent(1) == 1.0 && x.tangent(2) == 0.0, "seed");
  constexpr D3 c = 5;  // a constant: every tangent 0
  static_assert(c.value == 5.0 && c.tangents[0] == 0.0 && c.tangents[2] == 0.0, "constant");
  constexpr D3 p = x * x + 3.0 * x - c / 2.0;  // d/dx_1 (x^2 + 3x) = 2x + 3 = 7, constexpr
  static_assert(p.value == 7.5 && p.tangent(1) == 7.0 && p.tangent(0) == 0.0, "arithmetic is constexpr");
  D3 t(1.5, {1.0, -2.0, 0.0});
  t.tangent(2) = 4.0;  // tangents are writable
  CHECK(t.tangents[2] == 4.0);
  std::ostringstream out;
  out << t;
  CHECK(out.str() == "1.5 + (1, -2, 4)e");
  Dual<double> one(1.0, 2.0);
  one.tangent(0) = 3.0;  // tangent(0) is the derivative for K = 1
  CHECK(one.derivative == 3.0);
  CHECK(std::numeric_limits<D3>::max().value == std::numeric_limits<double>::max());
  CHECK(std::numeric_limits<D3>::max().tangent(2) == 0.0);
  CHECK(isnan(std::numeric_limits<D3>::quiet_NaN()));
  CHECK(tapegrad::is_zero_adjoint(D3(0.0)));
  CHECK_FALSE(tapegrad::is_zero_adjoint(D3(0.0, {0.0, 0.0, 1e-300})));  // a tangent still carries second order
  // Comparisons look at the value, as for Var and Dual<T>.
  CHECK(D3(1.0, {5.0, 0.0, 0.0}) == D3(1.0, {0.0, -5.0, 0.0}));
  CHECK(D3(1.0) < D3(2.0));
  // Compound assignment with Duals and plain numbers.
  D3 y = x;
  y *= 2;
  y += x;
  y -= 1.0;
  y /= D3(2.0);
  CHECK(y.value == 2.5);
  CHECK(y.tangent(1) == 1.5);
}

TEMPLATE_TEST_CASE("Dual<T, K>: K directional derivatives of a generic function in one evaluation",
                   "[second_order][dual][vector]", float, double, long double) {
  using T = TestType;
  // f: R^3 -> R touching every family; x + V e with the K = 4 directions V = [e_0 e_1 e_2 w].
  const auto f = [](const auto& a, const auto& b, const auto& c) {
    using std::atan2;
    using std::exp;
    using std::log1p;
    using std::pow;
    using std::sqrt;
    using tapegrad::sigmoid;
    return exp(a * b) / (2 + c * c) + sqrt(1 + a * a) * log1p(c * c) + atan2(b, a) + pow(sigmoid(c), a);
  };
  // Read through volatile: otherwise GCC folds one run's powl at compile time (correctly
  // rounded, MPFR) and calls glibc's powl in the other, and long double differs by an ulp.
  volatile T in0 = T(0.7), in1 = T(-1.3), in2 = T(0.4);
  const T x0 = in0, x1 = in1, x2 = in2;
  const T w[3] = {T(0.5), T(-2), T(1.25)};
  using DK = Dual<T, 4>;
  const DK a(x0, {T(1), T(0), T(0), w[0]}), b(x1, {T(0), T(1), T(0), w[1]}), c(x2, {T(0), T(0), T(1), w[2]});
  const DK y = f(a, b, c);
  // Each tangent equals its own Dual<T> run bit for bit.
  for (std::size_t j = 0; j < 4; ++j) {
    INFO("direction " << j);
    const Dual<T> yj = f(Dual<T>(x0, a.tangent(j)), Dual<T>(x1, b.tangent(j)), Dual<T>(x2, c.tangent(j)));
    CHECK(yj.value == y.value);
    CHECK(yj.derivative == y.tangent(j));
  }
  // The first three are the gradient: against reverse mode and central differences.
  Eigen::Matrix<T, 3, 1> x;
  x << x0, x1, x2;
  const auto g = tapegrad::gradient([&](const auto& v) { return tapegrad::Var<T>(f(v[0], v[1], v[2])); },
                                    Eigen::Matrix<T, Eigen::Dynamic, 1>(x));
  const auto fl = [&](LD u0, LD u1, LD u2) { return f(u0, u1, u2); };
  const LD gl[3] = {test::central_difference([&](LD t) { return fl(t, x1, x2); }, x0),
                    test::central_difference([&](LD t) { return fl(x0, t, x2); }, x1),
                    test::central_difference([&](LD t) { return fl(x0, x1, t); }, x2)};
  for (int i = 0; i < 3; ++i) {
    INFO("d/dx_" << i);
    CHECK_CLOSE(y.tangent(static_cast<std::size_t>(i)), g[i], 8 * test::exact_tol<T>());
    CHECK_CLOSE(y.tangent(static_cast<std::size_t>(i)), gl[i], test::fd_tol<T>());
  }
  // The fourth is the directional derivative g . w.
  CHECK_CLOSE(y.tangent(3), g[0] * w[0] + g[1] * w[1] + g[2] * w[2], 16 * test::exact_tol<T>());
  const LD h = 1e-6L;
  CHECK_CLOSE(
      y.tangent(3),
      (fl(x0 + h * w[0], x1 + h * w[1], x2 + h * w[2]) - fl(x0 - h * w[0], x1 - h * w[1], x2 - h * w[2])) / (2 * h),
      test::fd_tol<T>());
}

TEMPLATE_TEST_CASE("Var<Dual<T, K>>: K Hessian-vector products in one sweep", "[second_order][dual][vector]", float,
                   double, long double) {
  using T = TestType;
  // The Rosenbrock function of n = 6 inputs, written once for every scalar type; its
  // Hessian is tridiagonal with a closed form.
  const auto rosenbrock = [](const auto* x, int n) {
    using S = std::decay_t<decltype(x[0])>;
    S sum = 0.0;
    for (int i = 0; i + 1 < n; ++i) {
      const S a = x[i + 1] - x[i] * x[i];
      const S b = 1.0 - x[i];
      sum += 100.0 * a * a + b * b;
    }
    return sum;
  };
  constexpr int n = 6;
  constexpr std::size_t K = 3;
  T x[n];
  for (int i = 0; i < n; ++i) x[i] = static_cast<T>(i % 2 == 0 ? -1.2 + 0.1 * i : 1.0 - 0.05 * i);
  // Directions: e_0, e_3 and a dense w.
  T V[n][K];
  for (int i = 0; i < n; ++i) {
    V[i][0] = i == 0 ? T(1) : T(0);
    V[i][1] = i == 3 ? T(1) : T(0);
    V[i][2] = static_cast<T>(std::cos(1.0 + i));
  }
  Tape<Dual<T, K>> tape;
  std::vector<Var<Dual<T, K>>> xs;
  for (int i = 0; i < n; ++i) xs.push_back(tape.variable(Dual<T, K>(x[i], {V[i][0], V[i][1], V[i][2]})));
  const Var<Dual<T, K>> y = rosenbrock(xs.data(), n);
  tape.backward(y);
  // The Hessian in closed form: H_ii = 1200 x_i^2 - 400 x_{i+1} + 2 (i < n-1) + 200 (i > 0),
  // H_{i,i+1} = H_{i+1,i} = -400 x_i.
  LD H[n][n] = {};
  for (int i = 0; i + 1 < n; ++i) {
    H[i][i] += 1200 * LD(x[i]) * x[i] - 400 * LD(x[i + 1]) + 2;
    H[i + 1][i + 1] += 200;
    H[i][i + 1] = H[i + 1][i] = -400 * LD(x[i]);
  }
  for (std::size_t j = 0; j < K; ++j) {
    // One Var<Dual<T>> sweep per direction gives the same numbers bit for bit.
    Tape<Dual<T>> one;
    std::vector<Var<Dual<T>>> us;
    for (int i = 0; i < n; ++i) us.push_back(one.variable(Dual<T>(x[i], V[i][j])));
    const Var<Dual<T>> z = rosenbrock(us.data(), n);
    one.backward(z);
    for (int i = 0; i < n; ++i) {
      INFO("(H v_" << j << ")_" << i);
      const Dual<T, K> gi = xs[static_cast<std::size_t>(i)].grad();
      CHECK(gi.value == us[static_cast<std::size_t>(i)].grad().value);
      CHECK(gi.tangent(j) == us[static_cast<std::size_t>(i)].grad().derivative);
      LD hv = 0;
      for (int k = 0; k < n; ++k) hv += H[i][k] * V[k][j];
      CHECK_CLOSE(gi.tangent(j), hv, 64 * test::exact_tol<T>());
    }
  }
}

TEST_CASE("Eigen matrices of Dual<T, K>", "[second_order][dual][vector]") {
  // NumTraits<Dual<T, K>>: products and reductions of Eigen matrices of dual numbers.
  using D2 = Dual<double, 2>;
  Eigen::Matrix<D2, 2, 2> A;
  A << D2::seed(1.0, 0), D2(2.0), D2(3.0), D2::seed(4.0, 1);
  const Eigen::Matrix<D2, 2, 2> B = A * A;  // d(A^2) = dA A + A dA
  CHECK(B(0, 0).value == 7.0);
  CHECK(B(0, 0).tangent(0) == 2.0);  // d/dA00 of A00^2 + A01 A10
  CHECK(B(1, 1).tangent(1) == 8.0);  // d/dA11 of A10 A01 + A11^2
  const D2 det = A.determinant();    // A00 A11 - A01 A10: gradient (A11, A00)
  CHECK(det.value == -2.0);
  CHECK(det.tangent(0) == 4.0);
  CHECK(det.tangent(1) == 1.0);
  CHECK(A.sum().tangent(1) == 1.0);
}
