// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// Trigonometric and hyperbolic functions and their inverses: every value bit for bit as
// std:: gives it in the same precision, every derivative against its closed form written
// out here (in long double, to a few ulps of T) and against a long double central
// difference, close to the domain edges and outside them.

// The tables below are aligned by hand, one primitive per row:
// clang-format off

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <iomanip>
#include <limits>
#include <utility>

#include "core/math_checks.hpp"

using tapegrad::Tape;
using tapegrad::Var;

namespace {
using namespace mathtest;

/// Distance to the nearest of the edges -1 and 1.
const auto inside_unit = [](LD x) { return 1 - std::fabs(x); };
}  // namespace

TEMPLATE_TEST_CASE("sin cos tan: std:: values with closed-form and finite-difference derivatives", "[math][trig]",
                   float, double, long double) {
  using T = TestType;
  const auto points = {-10.0L, -1.0L, -1e-6L, 0.0L, 0.5L, 1.5707963267948966L, 3.0L, 100.0L};
  check_unary<T>(
      "sin", [](auto x) { using std::sin; return sin(x); },
      [](LD x) { return std::cos(x); }, unit_or_size, points);
  check_unary<T>(
      "cos", [](auto x) { using std::cos; return cos(x); },
      [](LD x) { return -std::sin(x); }, unit_or_size, points);
  // d/dx tan x = 1/cos^2 x, up to 1/1000 from the pole at pi/2 (step scaled to cos x).
  check_unary<T>(
      "tan", [](auto x) { using std::tan; return tan(x); },
      [](LD x) { return 1 / (std::cos(x) * std::cos(x)); }, [](LD x) { return std::fabs(std::cos(x)); },
      {-1.5L, -0.5L, 0.0L, 0.25L, 1.0L, 1.5L, 1.5698L, 4.0L});
}

TEMPLATE_TEST_CASE("asin acos atan: std:: values and derivatives up to 2^-20 from |x| = 1", "[math][trig]",
                   float, double, long double) {
  using T = TestType;
  const auto points = {-1.0L + 0x1p-20L, -0.5L, -1e-4L, 0.0L, 0.3L, 0.9L, 1.0L - 0x1p-20L};
  check_unary<T>(
      "asin", [](auto x) { using std::asin; return asin(x); },
      [](LD x) { return 1 / std::sqrt((1 - x) * (1 + x)); }, inside_unit, points);
  check_unary<T>(
      "acos", [](auto x) { using std::acos; return acos(x); },
      [](LD x) { return -1 / std::sqrt((1 - x) * (1 + x)); }, inside_unit, points);
  check_unary<T>(
      "atan", [](auto x) { using std::atan; return atan(x); },
      [](LD x) { return 1 / (1 + x * x); }, unit_or_size, {-1e3L, -1.0L, -1e-3L, 0.0L, 0.5L, 2.0L, 1e6L});
}

TEMPLATE_TEST_CASE("atan2 in its three forms: std:: values and both partials", "[math][trig]", float, double,
                   long double) {
  using T = TestType;
  // f(y, x) = atan2(y, x): d/dy = x/r^2, d/dx = -y/r^2. No point on the branch cut
  // (y = 0, x < 0), where the central difference would jump by 2 pi.
  check_binary<T>(
      "atan2", [](auto y, auto x) { using std::atan2; return atan2(y, x); },
      [](LD y, LD x) { return x / (x * x + y * y); }, [](LD y, LD x) { return -y / (x * x + y * y); },
      [](LD y, LD x) { return std::hypot(x, y); },
      {{1.0L, 1.0L}, {0.5L, -2.0L}, {-3.0L, 0.25L}, {-1e-3L, -4.0L}, {0.0L, 2.0L}, {2.0L, 0.0L},
       {1e-6L, 1.0L}, {7.0L, -1e-5L}});
}

TEMPLATE_TEST_CASE("atan2 partials where x^2 + y^2 overflows or underflows T", "[math][trig]", float, double,
                   long double) {
  using T = TestType;
  // |y|, |x| around sqrt(max) and sqrt(min): the partials x/r^2 and -y/r^2 are ordinary
  // normal numbers although r^2 is not representable in T. The closed form is
  // evaluated as (x/r)/r with r = hypot(x, y) in long double.
  // tiny makes r^2 a subnormal with a few significant bits, zero makes it round to 0.
  const T big = T(4) * std::sqrt(std::numeric_limits<T>::max());
  const T tiny = std::sqrt(std::numeric_limits<T>::min()) / T(4096);
  const T zero = std::sqrt(std::numeric_limits<T>::denorm_min()) / T(4);
  for (const auto& p : {std::make_pair(big, -big / T(2)), std::make_pair(-big, big), std::make_pair(tiny, tiny * T(3)),
                        std::make_pair(-tiny * T(2), tiny), std::make_pair(zero, -zero)}) {
    const T y = p.first, x = p.second;
    const LD ly = y, lx = x, r = std::hypot(lx, ly);
    INFO("atan2(" << ly << ", " << lx << ")");
    Tape<T> tape;
    const Var<T> vy = tape.variable(y), vx = tape.variable(x);
    const Var<T> f = atan2(vy, vx), fy = atan2(vy, x), fx = atan2(y, vx);
    CHECK(same<T>(f.value(), std::atan2(y, x)));
    tape.backward(f);
    CHECK(rel_error(vy.grad(), lx / r / r) <= ulps<T>(16));
    CHECK(rel_error(vx.grad(), -ly / r / r) <= ulps<T>(16));
    tape.backward(fy);
    CHECK(rel_error(vy.grad(), lx / r / r) <= ulps<T>(16));
    tape.backward(fx);
    CHECK(rel_error(vx.grad(), -ly / r / r) <= ulps<T>(16));
  }
}

TEMPLATE_TEST_CASE("sinh cosh tanh: std:: values and derivatives", "[math][trig]", float, double, long double) {
  using T = TestType;
  const auto points = {-20.0L, -1.0L, -1e-5L, 0.0L, 0.7L, 5.0L, 20.0L};
  check_unary<T>(
      "sinh", [](auto x) { using std::sinh; return sinh(x); },
      [](LD x) { return std::cosh(x); }, unit_or_size, points);
  check_unary<T>(
      "cosh", [](auto x) { using std::cosh; return cosh(x); },
      [](LD x) { return std::sinh(x); }, unit_or_size, points);
  // d/dx tanh x = 1/cosh^2 x. The documented formula 1 - tanh^2 is computed from the
  // rounded tanh, so it is exact to a few ulps relative while tanh^2 <= 0.9 or so ...
  check_unary<T>(
      "tanh", [](auto x) { using std::tanh; return tanh(x); },
      [](LD x) { return 1 / (std::cosh(x) * std::cosh(x)); }, unit_or_size,
      {-1.5L, -0.5L, -1e-4L, 0.0L, 0.3L, 1.0L, 1.5L});
  // ... and beyond, where 1/cosh^2 x < 0.1, exact to a few eps of T in absolute terms
  // (rounding tanh x to T costs up to eps/2 in 1 - tanh^2); at |x| = 30 it is 0 in every T.
  for (const LD p : {-30.0L, -8.0L, -3.0L, 2.5L, 5.0L, 12.0L, 30.0L}) {
    const T x = static_cast<T>(p);
    INFO("tanh(" << p << ")");
    const auto r = at<T>([](const Var<T>& v) { return tanh(v); }, x);
    CHECK(same<T>(r.first, std::tanh(x)));
    const LD exact = 1 / (std::cosh(p) * std::cosh(p));
    CHECK(std::fabs(r.second - exact) <= ulps<T>(4));
    CHECK(r.second >= T(0));
  }
}

TEMPLATE_TEST_CASE("asinh acosh atanh: std:: values and derivatives up to the domain edges", "[math][trig]",
                   float, double, long double) {
  using T = TestType;
  // asinh: 1/sqrt(x^2 + 1), also at 1e30 where x^2 overflows float.
  check_unary<T>(
      "asinh", [](auto x) { using std::asinh; return asinh(x); },
      [](LD x) { return 1 / std::sqrt(x * x + 1); }, unit_or_size,
      {-1e10L, -3.0L, -1e-6L, 0.0L, 0.5L, 2.0L, 1e10L, 1e30L});
  // acosh: 1/sqrt(x^2 - 1), from 2^-20 above the edge x = 1.
  check_unary<T>(
      "acosh", [](auto x) { using std::acosh; return acosh(x); },
      [](LD x) { return 1 / std::sqrt((x - 1) * (x + 1)); }, [](LD x) { return x - 1; },
      {1.0L + 0x1p-20L, 1.5L, 2.0L, 10.0L, 1e10L, 1e30L});
  // atanh: 1/(1 - x^2), up to 2^-20 from the poles at -1 and 1.
  check_unary<T>(
      "atanh", [](auto x) { using std::atanh; return atanh(x); },
      [](LD x) { return 1 / ((1 - x) * (1 + x)); }, inside_unit,
      {-1.0L + 0x1p-20L, -0.5L, -1e-6L, 0.0L, 0.25L, 0.9L, 1.0L - 0x1p-20L});
}

TEMPLATE_TEST_CASE("trig domain errors and edges: IEEE NaN and Inf exactly as std:: and no exception", "[math][trig]",
                   float, double, long double) {
  using T = TestType;
  const auto unary = [](auto f) { return [f](const Var<T>& v) { return Var<T>(f(v)); }; };
  const auto asin_ = unary([](const Var<T>& v) { return asin(v); });
  const auto acos_ = unary([](const Var<T>& v) { return acos(v); });
  const auto acosh_ = unary([](const Var<T>& v) { return acosh(v); });
  const auto atanh_ = unary([](const Var<T>& v) { return atanh(v); });
  std::pair<T, T> r;
  const auto nan_both = [&](auto f, T x) {
    REQUIRE_NOTHROW(r = test::value_and_derivative<T>(f, x));
    return std::isnan(r.first) && std::isnan(r.second);
  };
  // Outside the domain: std::'s NaN, and a NaN derivative.
  CHECK(nan_both(asin_, T(2)));
  CHECK(nan_both(asin_, T(-1.0001)));
  CHECK(nan_both(acos_, T(-1.5)));
  CHECK(nan_both(acosh_, T(0.5)));
  CHECK(nan_both(acosh_, T(-2)));
  CHECK(nan_both(atanh_, T(2)));
  CHECK(nan_both(atanh_, T(-1.5)));
  // At the edges: std::'s value, and the one-sided infinite derivative.
  for (const T one : {T(1), T(-1)}) {
    INFO("x = " << one);
    r = test::value_and_derivative<T>(asin_, one);
    CHECK(same<T>(r.first, std::asin(one)));
    CHECK(r.second == inf<T>);
    r = test::value_and_derivative<T>(acos_, one);
    CHECK(same<T>(r.first, std::acos(one)));
    CHECK(r.second == -inf<T>);
    r = test::value_and_derivative<T>(atanh_, one);
    CHECK(same<T>(r.first, std::atanh(one)));  // +-Inf
    CHECK(std::isinf(r.first));
    CHECK(r.second == inf<T>);
  }
  r = test::value_and_derivative<T>(acosh_, T(1));
  CHECK(same<T>(r.first, T(0)));
  CHECK(r.second == inf<T>);
  // Infinite arguments.
  const T i = inf<T>;
  CHECK(nan_both(unary([](const Var<T>& v) { return sin(v); }), i));
  CHECK(nan_both(unary([](const Var<T>& v) { return cos(v); }), -i));
  CHECK(nan_both(unary([](const Var<T>& v) { return tan(v); }), i));
  CHECK(at<T>([](const Var<T>& v) { return atan(v); }, i) == std::make_pair(std::atan(i), T(0)));
  CHECK(at<T>([](const Var<T>& v) { return atan(v); }, -i) == std::make_pair(std::atan(-i), T(0)));
  CHECK(at<T>([](const Var<T>& v) { return tanh(v); }, i) == std::make_pair(T(1), T(0)));
  CHECK(at<T>([](const Var<T>& v) { return tanh(v); }, -i) == std::make_pair(T(-1), T(0)));
  CHECK(at<T>([](const Var<T>& v) { return sinh(v); }, -i) == std::make_pair(-i, i));
  CHECK(at<T>([](const Var<T>& v) { return cosh(v); }, -i) == std::make_pair(i, -i));
  CHECK(at<T>([](const Var<T>& v) { return asinh(v); }, -i) == std::make_pair(-i, T(0)));
  CHECK(at<T>([](const Var<T>& v) { return acosh(v); }, i) == std::make_pair(i, T(0)));
  // Overflow of sinh and cosh: Inf values and derivatives.
  CHECK(at<T>([](const Var<T>& v) { return sinh(v); }, T(1e5)) == std::make_pair(i, i));
  CHECK(at<T>([](const Var<T>& v) { return cosh(v); }, T(-1e5)) == std::make_pair(i, -i));
  // atan2 at the origin: std::'s value (which depends on the signs of the zeros) and
  // partials 0, the documented choice, in all three forms.
  for (const T sy : {T(0), -T(0)}) {
    for (const T sx : {T(0), -T(0)}) {
      INFO("atan2(" << sy << ", " << sx << ") with sign bits " << std::signbit(sy) << std::signbit(sx));
      Tape<T> tape;
      const Var<T> y = tape.variable(sy), x = tape.variable(sx);
      const Var<T> f = atan2(y, x);
      CHECK(same<T>(f.value(), std::atan2(sy, sx)));
      tape.backward(f);
      CHECK(y.grad() == T(0));
      CHECK(x.grad() == T(0));
      const Var<T> g = atan2(y, sx) + atan2(sy, x);
      tape.backward(g);
      CHECK(y.grad() == T(0));
      CHECK(x.grad() == T(0));
    }
  }
}

namespace {
/// sin(sin(...sin(x) x ...) x) x with N sines, as ONE expression of N + 1 leaves: above
/// the fold limit the inner part is recorded as its own statement.
template <int N, class X, class V>
auto nested_sines(const X& x, const V& v) {
  if constexpr (N == 0) {
    return x;
  } else {
    return sin(nested_sines<N - 1>(x, v)) * v;
  }
}
}  // namespace

TEMPLATE_TEST_CASE("composite trig expressions with shared subexpressions against closed forms", "[math][trig]",
                   float, double, long double) {
  using T = TestType;
  const LD k = 64;  // a few roundings per operation, over a handful of operations
  for (const LD p : {-2.0L, -0.3L, 0.6L, 1.25L, 2.5L}) {
    const T x0 = static_cast<T>(p), y0 = static_cast<T>(0.3L - p / 4);  // |y| < 1
    const LD x = x0, y = y0;
    INFO("x = " << std::setprecision(21) << x << ", y = " << y);
    Tape<T> tape;
    const Var<T> vx = tape.variable(x0), vy = tape.variable(y0);
    {  // sin(x) x + exp(sin(x)), sin(x) as an expression node used twice
      const auto s = sin(vx);
      const Var<T> f = s * vx + exp(s);
      tape.backward(f);
      CHECK(rel_error(vx.grad(), std::cos(x) * x + std::sin(x) + std::exp(std::sin(x)) * std::cos(x)) <= ulps<T>(k));
    }
    {  // the same with sin(x) recorded as a Var first
      const Var<T> s = sin(vx);
      const Var<T> f = s * vx + exp(s);
      tape.backward(f);
      CHECK(rel_error(vx.grad(), std::cos(x) * x + std::sin(x) + std::exp(std::sin(x)) * std::cos(x)) <= ulps<T>(k));
    }
    {  // polar round trip: r cos(theta) = x and r sin(theta) = y, so the gradients are
       // (1, 0) and (0, 1) up to rounding
      const Var<T> r = hypot(vx, vy), theta = atan2(vy, vx);
      const Var<T> back_x = r * cos(theta), back_y = r * sin(theta);
      tape.backward(back_x);
      CHECK(std::fabs(vx.grad() - T(1)) <= ulps<T>(k));
      CHECK(std::fabs(vy.grad()) <= ulps<T>(k));
      tape.backward(back_y);
      CHECK(std::fabs(vx.grad()) <= ulps<T>(k));
      CHECK(std::fabs(vy.grad() - T(1)) <= ulps<T>(k));
    }
    {  // tanh(asinh(x)) = x / sqrt(1 + x^2): d/dx = (1 + x^2)^(-3/2); and
       // cos(acos(y)) atan(tan(y)) = y^2 inside (-1, 1) x (-pi/2, pi/2): d/dy = 2y
      const Var<T> f = tanh(asinh(vx)), g = cos(acos(vy)) * atan(tan(vy));
      tape.backward(f);
      CHECK(rel_error(vx.grad(), std::pow(1 + x * x, -1.5L)) <= ulps<T>(k));
      tape.backward(g);
      CHECK(rel_error(vy.grad(), 2 * y) <= ulps<T>(k));
    }
    {  // sin^2 + cos^2 = 1 and cosh^2 - sinh^2 = 1: gradients vanish up to rounding
       // (relative to the size of the terms)
      const Var<T> one = square(sin(vx)) + square(cos(vx));
      tape.backward(one);
      CHECK(std::fabs(vx.grad()) <= ulps<T>(k));
      const Var<T> also_one = square(cosh(vx)) - square(sinh(vx));
      tape.backward(also_one);
      CHECK(std::fabs(vx.grad()) <= ulps<T>(k) * std::cosh(x) * std::sinh(std::fabs(x)) * 4);
    }
    {  // 40 nested sines in one expression (folded into several statements)
      const Var<T> f = nested_sines<40>(vx, vx);
      LD z = x, dz = 1;
      for (int i = 0; i < 40; ++i) {
        dz = std::cos(z) * dz * x + std::sin(z);
        z = std::sin(z) * x;
      }
      tape.backward(f);
      CHECK(rel_error(f.value(), z) <= ulps<T>(k * 4));
      CHECK(rel_error(vx.grad(), dz) <= ulps<T>(k * 4));
    }
  }
}
