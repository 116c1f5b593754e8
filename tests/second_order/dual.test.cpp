// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// Dual<T>: arithmetic and the derivative of every function against closed forms, for
// float, double and long double.

#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.hpp"

using tapegrad::Dual;

namespace {
using LD = long double;
const LD pi = 3.141592653589793238462643383279502884L;

/// Checks f(x + d e) = f(x) + f'(x) d e at every point, with f' written out.
template <class T, class F, class V, class D>
void check_function(const char* name, F f, V value, D slope, const std::vector<LD>& points) {
  const double tol = 4 * test::exact_tol<T>();
  for (const LD x : points) {
    INFO(name << " at x = " << static_cast<double>(x));
    const T xt = static_cast<T>(x);
    const Dual<T> y = f(Dual<T>(xt, T(1)));
    CHECK_CLOSE(y.value, value(static_cast<LD>(xt)), tol);
    CHECK_CLOSE(y.derivative, slope(static_cast<LD>(xt)), tol);
    // The e part scales with the seed: f(x + 3 e) carries 3 f'(x).
    const Dual<T> y3 = f(Dual<T>(xt, T(3)));
    CHECK_CLOSE(y3.derivative, 3 * slope(static_cast<LD>(xt)), tol);
  }
}
}  // namespace

TEMPLATE_TEST_CASE("Dual arithmetic follows the rules of e^2 = 0", "[second_order][dual]", float, double,
                   long double) {
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

TEMPLATE_TEST_CASE("every Dual function carries its closed-form derivative", "[second_order][dual]", float, double,
                   long double) {
  using T = TestType;
  using std::exp;
  const std::vector<LD> general{-1.7L, -0.3L, 0.4L, 1.1L, 2.5L};
  const std::vector<LD> positive{0.05L, 0.4L, 1.0L, 2.5L, 10.0L};
  const std::vector<LD> unit{-0.9L, -0.35L, 0.0L, 0.25L, 0.8L};
  const std::vector<LD> above_one{1.1L, 1.5L, 3.0L, 20.0L};
  const LD ln2 = std::log(2.0L), ln10 = std::log(10.0L), two_over_sqrt_pi = 2 / std::sqrt(pi);
#define TG_CHECK_DUAL(NAME, POINTS, VALUE, SLOPE)                                                    \
  check_function<T>(                                                                                 \
      #NAME, [](const Dual<T>& d) { return NAME(d); }, [&](LD x) { return LD(VALUE); },         \
      [&](LD x) { (void)x; return LD(SLOPE); }, POINTS)
  TG_CHECK_DUAL(sin, general, std::sin(x), std::cos(x));
  TG_CHECK_DUAL(cos, general, std::cos(x), -std::sin(x));
  TG_CHECK_DUAL(tan, general, std::tan(x), 1 / (std::cos(x) * std::cos(x)));
  TG_CHECK_DUAL(asin, unit, std::asin(x), 1 / std::sqrt(1 - x * x));
  TG_CHECK_DUAL(acos, unit, std::acos(x), -1 / std::sqrt(1 - x * x));
  TG_CHECK_DUAL(atan, general, std::atan(x), 1 / (1 + x * x));
  TG_CHECK_DUAL(sinh, general, std::sinh(x), std::cosh(x));
  TG_CHECK_DUAL(cosh, general, std::cosh(x), std::sinh(x));
  TG_CHECK_DUAL(tanh, general, std::tanh(x), 1 / (std::cosh(x) * std::cosh(x)));
  TG_CHECK_DUAL(asinh, general, std::asinh(x), 1 / std::sqrt(x * x + 1));
  TG_CHECK_DUAL(acosh, above_one, std::acosh(x), 1 / std::sqrt(x * x - 1));
  TG_CHECK_DUAL(atanh, unit, std::atanh(x), 1 / (1 - x * x));
  TG_CHECK_DUAL(exp, general, std::exp(x), std::exp(x));
  TG_CHECK_DUAL(exp2, general, std::exp2(x), ln2 * std::exp2(x));
  TG_CHECK_DUAL(expm1, general, std::expm1(x), std::exp(x));
  TG_CHECK_DUAL(log, positive, std::log(x), 1 / x);
  TG_CHECK_DUAL(log2, positive, std::log2(x), 1 / (x * ln2));
  TG_CHECK_DUAL(log10, positive, std::log10(x), 1 / (x * ln10));
  TG_CHECK_DUAL(log1p, unit, std::log1p(x), 1 / (1 + x));
  TG_CHECK_DUAL(sqrt, positive, std::sqrt(x), 0.5L / std::sqrt(x));
  TG_CHECK_DUAL(cbrt, general, std::cbrt(x), 1 / (3 * std::cbrt(x) * std::cbrt(x)));
  TG_CHECK_DUAL(erf, general, std::erf(x), two_over_sqrt_pi * std::exp(-x * x));
  TG_CHECK_DUAL(erfc, general, std::erfc(x), -two_over_sqrt_pi * std::exp(-x * x));
  TG_CHECK_DUAL(abs, general, std::fabs(x), x > 0 ? 1 : -1);
  TG_CHECK_DUAL(fabs, general, std::fabs(x), x > 0 ? 1 : -1);
  TG_CHECK_DUAL(square, general, x * x, 2 * x);
  TG_CHECK_DUAL(relu, general, x > 0 ? x : 0, x > 0 ? 1 : 0);
  // sigmoid and softplus, including x = 0 and far out where a naive formula overflows.
  const std::vector<LD> activations{-30.0L, -2.0L, -0.5L, 0.0L, 0.7L, 3.0L, 30.0L};
  TG_CHECK_DUAL(sigmoid, activations, 1 / (1 + exp(-x)), exp(-x) / ((1 + exp(-x)) * (1 + exp(-x))));
  TG_CHECK_DUAL(softplus, activations, std::log1p(exp(x)), 1 / (1 + exp(-x)));
  // Rounding: the value, derivative 0.
  TG_CHECK_DUAL(floor, general, std::floor(x), 0);
  TG_CHECK_DUAL(ceil, general, std::ceil(x), 0);
  TG_CHECK_DUAL(trunc, general, std::trunc(x), 0);
  TG_CHECK_DUAL(round, general, std::round(x), 0);
#undef TG_CHECK_DUAL
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
  const double expected =
      (2 * x / (1 + x * x)) / std::sqrt(x) - std::log(1 + x * x) * 0.5 / (x * std::sqrt(x));
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
