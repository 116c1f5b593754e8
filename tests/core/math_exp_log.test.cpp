// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// Exponentials, logarithms, powers and roots: every value bit for bit as std:: gives it
// in the same precision, every derivative against its closed form written out here (in
// long double, to a few ulps of T) and against a long double central difference, the
// IEEE results outside the domain, and the documented choices at the edges.

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
}  // namespace

TEMPLATE_TEST_CASE("exp exp2 expm1: std:: values with closed-form and finite-difference derivatives",
                   "[math][exp_log]", float, double, long double) {
  using T = TestType;
  check_unary<T>(
      "exp", [](auto x) { using std::exp; return exp(x); },
      [](LD x) { return std::exp(x); },  // d/dx e^x = e^x
      unit_or_size, {-20.0L, -1.0L, -1e-8L, 0.0L, 0.5L, 3.0L, 20.0L});
  check_unary<T>(
      "exp2", [](auto x) { using std::exp2; return exp2(x); },
      [](LD x) { return std::log(2.0L) * std::exp2(x); },  // d/dx 2^x = ln2 2^x
      unit_or_size, {-30.0L, -0.5L, 0.0L, 1.0L, 10.25L, 60.0L});
  // d/dx (e^x - 1) = e^x, also where e^x - 1 is close to -1 (x = -20, -40) and the
  // derivative is tiny: it must stay exact relative to e^x.
  check_unary<T>(
      "expm1", [](auto x) { using std::expm1; return expm1(x); },
      [](LD x) { return std::exp(x); }, unit_or_size,
      {-40.0L, -20.0L, -1.0L, -1e-9L, 0.0L, 1e-6L, 0.5L, 15.0L});
}

TEMPLATE_TEST_CASE("log log2 log10 log1p: std:: values and derivatives up to the domain edge",
                   "[math][exp_log]", float, double, long double) {
  using T = TestType;
  const auto points = {1e-30L, 1e-3L, 0.5L, 1.0L, 1.0009765625L, 2.0L, 1e3L, 1e30L};
  check_unary<T>(
      "log", [](auto x) { using std::log; return log(x); },
      [](LD x) { return 1 / x; }, size_of, points);
  check_unary<T>(
      "log2", [](auto x) { using std::log2; return log2(x); },
      [](LD x) { return 1 / (x * std::log(2.0L)); }, size_of, points);
  check_unary<T>(
      "log10", [](auto x) { using std::log10; return log10(x); },
      [](LD x) { return 1 / (x * std::log(10.0L)); }, size_of, points);
  // log1p is singular at x = -1: points as close as 2^-20 to it.
  check_unary<T>(
      "log1p", [](auto x) { using std::log1p; return log1p(x); },
      [](LD x) { return 1 / (1 + x); },
      [](LD x) { return std::min(1 + x, unit_or_size(x)); },
      {-1.0L + 0x1p-20L, -0.5L, -1e-10L, 0.0L, 1e-10L, 0.75L, 1e6L});
}

TEMPLATE_TEST_CASE("sqrt cbrt square: std:: values and derivatives", "[math][exp_log]", float, double,
                   long double) {
  using T = TestType;
  check_unary<T>(
      "sqrt", [](auto x) { using std::sqrt; return sqrt(x); },
      [](LD x) { return 1 / (2 * std::sqrt(x)); }, size_of, {1e-30L, 1e-4L, 0.25L, 2.0L, 1e10L, 1e30L});
  check_unary<T>(
      "cbrt", [](auto x) { using std::cbrt; return cbrt(x); },
      [](LD x) { return 1 / (3 * std::cbrt(x) * std::cbrt(x)); }, size_of,
      {-27.0L, -1e-3L, 1e-24L, 0.125L, 8.0L, 1e9L});
  check_unary<T>(
      "square", [](auto x) { using tapegrad::square; return square(x); },
      [](LD x) { return 2 * x; }, unit_or_size, {-3.0L, -1e-5L, 0.0L, 0.5L, 1e10L});
  // The plain-number overload is x * x.
  for (const T x : {T(-3), T(0.1), T(1e10)}) CHECK(tapegrad::square(x) == x * x);
}

TEMPLATE_TEST_CASE("pow in its three forms: std:: values and both partials", "[math][exp_log]", float, double,
                   long double) {
  using T = TestType;
  // d/da a^b = b a^(b-1), d/db a^b = a^b ln a, for a > 0.
  check_binary<T>(
      "pow", [](auto a, auto b) { using std::pow; return pow(a, b); },
      [](LD a, LD b) { return b * std::pow(a, b - 1); }, [](LD a, LD b) { return std::pow(a, b) * std::log(a); },
      [](LD a, LD) { return std::min(LD(1), a); },
      {{0.5L, 1.5L}, {2.0L, -0.75L}, {3.5L, 2.25L}, {1e-3L, 0.5L}, {10.0L, 3.0L}, {1.0L, 7.5L},
       {0.9990234375L, 100.0L}});
}

TEMPLATE_TEST_CASE("pow at the documented special points", "[math][exp_log]", float, double, long double) {
  using T = TestType;
  Tape<T> tape;
  const auto partials = [&](T a, T b) {
    const Var<T> va = tape.variable(a), vb = tape.variable(b);
    const Var<T> y = pow(va, vb);
    tape.backward(y);
    return std::make_pair(va.grad(), vb.grad());
  };
  // b = 0: a^0 = 1 everywhere, d/da = 0 (also at a = 0, where b a^(b-1) would be 0 * Inf).
  CHECK(partials(T(0), T(0)) == std::make_pair(T(0), T(0)));
  CHECK(partials(T(2), T(0)).first == T(0));
  CHECK(rel_error(partials(T(2), T(0)).second, std::log(2.0L)) <= ulps<T>(4));
  // a = 0: d/db = 0 (the limit of a^b ln a for b > 0); d/da = b a^(b-1).
  CHECK(partials(T(0), T(3)) == std::make_pair(T(0), T(0)));
  CHECK(partials(T(0), T(1)) == std::make_pair(T(1), T(0)));
  CHECK(partials(T(0), T(0.5)) == std::make_pair(inf<T>, T(0)));  // one-sided limit of 1/(2 sqrt a)
  // a < 0 with an integer b: the value is finite, d/da is b a^(b-1), d/db = a^b ln a is NaN.
  {
    const Var<T> va = tape.variable(T(-2)), vb = tape.variable(T(3));
    const Var<T> y = pow(va, vb);
    CHECK(y.value() == T(-8));
    tape.backward(y);
    CHECK(va.grad() == T(12));
    CHECK(std::isnan(vb.grad()));
    const Var<T> z = pow(T(-2), vb);  // the (T, Var) form says the same
    tape.backward(z);
    CHECK(std::isnan(vb.grad()));
    const Var<T> w = pow(va, T(3));  // (Var, T) is defined for a negative base
    tape.backward(w);
    CHECK(va.grad() == T(12));
  }
  // a < 0 with a fractional b: NaN value and NaN partials, as std::pow says.
  {
    const Var<T> va = tape.variable(T(-8)), vb = tape.variable(T(1) / T(3));
    Var<T> y;
    REQUIRE_NOTHROW(y = pow(va, vb));
    CHECK(std::isnan(y.value()));
    tape.backward(y);
    CHECK(std::isnan(va.grad()));
    CHECK(std::isnan(vb.grad()));
  }
  // An integer literal exponent or base converts to T.
  {
    const Var<T> x = tape.variable(T(1.5));
    const Var<T> y = pow(x, 2) + pow(2, x);
    CHECK(y.value() == std::pow(T(1.5), T(2)) + std::pow(T(2), T(1.5)));
    tape.backward(y);
    CHECK(rel_error(x.grad(), 3.0L + std::pow(2.0L, 1.5L) * std::log(2.0L)) <= ulps<T>(8));
  }
  // 0^-1 = +Inf and d/da = -1/a^2 = -Inf: IEEE, no exception.
  CHECK(at<T>([](const Var<T>& a) { return pow(a, T(-1)); }, T(0)) == std::make_pair(inf<T>, -inf<T>));
}

TEMPLATE_TEST_CASE("hypot in its three forms without overflow or underflow", "[math][exp_log]", float, double,
                   long double) {
  using T = TestType;
  // d/da hypot(a, b) = a/h, d/db = b/h; the squares of 1e30 overflow and of 1e-30
  // underflow in float, hypot and its partials must not.
  check_binary<T>(
      "hypot", [](auto a, auto b) { using std::hypot; return hypot(a, b); },
      [](LD a, LD b) { return a / std::hypot(a, b); }, [](LD a, LD b) { return b / std::hypot(a, b); },
      [](LD a, LD b) { return std::hypot(a, b); },
      {{3.0L, 4.0L}, {-1e-3L, 2.0L}, {0.5L, -0.25L}, {-7.0L, 0.0L}, {1e30L, -2e30L}, {1e-30L, 3e-30L}});
  // At the origin the partials are 0 in every form (the documented choice).
  Tape<T> tape;
  const Var<T> a = tape.variable(T(0)), b = tape.variable(T(0));
  const Var<T> y = hypot(a, b) + hypot(a, T(0)) + hypot(T(0), b);
  CHECK(y.value() == T(0));
  tape.backward(y);
  CHECK(a.grad() == T(0));
  CHECK(b.grad() == T(0));
}

TEMPLATE_TEST_CASE("exp and log domain errors: IEEE NaN and Inf exactly as std:: and no exception", "[math][exp_log]", float,
                   double, long double) {
  using T = TestType;
  const auto value_is = [](T actual, T expected) { return same<T>(actual, expected); };
  const T nan = std::numeric_limits<T>::quiet_NaN();
  std::pair<T, T> r;
  // Outside the domain the value is std::'s NaN and the derivative is NaN too (never a
  // finite gradient hiding a NaN value).
  REQUIRE_NOTHROW(r = at<T>([](const Var<T>& x) { return log(x); }, T(-1)));
  CHECK((value_is(r.first, std::log(T(-1))) && std::isnan(r.first) && std::isnan(r.second)));
  REQUIRE_NOTHROW(r = at<T>([](const Var<T>& x) { return log2(x); }, T(-1)));
  CHECK((std::isnan(r.first) && std::isnan(r.second)));
  REQUIRE_NOTHROW(r = at<T>([](const Var<T>& x) { return log10(x); }, T(-1e-30)));
  CHECK((std::isnan(r.first) && std::isnan(r.second)));
  REQUIRE_NOTHROW(r = at<T>([](const Var<T>& x) { return log1p(x); }, T(-2)));
  CHECK((std::isnan(r.first) && std::isnan(r.second)));
  REQUIRE_NOTHROW(r = at<T>([](const Var<T>& x) { return sqrt(x); }, T(-1)));
  CHECK((std::isnan(r.first) && std::isnan(r.second)));
  // At the edge: log(0) = -Inf with derivative 1/x = +Inf, log1p(-1) likewise.
  CHECK(at<T>([](const Var<T>& x) { return log(x); }, T(0)) == std::make_pair(-inf<T>, inf<T>));
  CHECK(at<T>([](const Var<T>& x) { return log2(x); }, T(0)) == std::make_pair(-inf<T>, inf<T>));
  CHECK(at<T>([](const Var<T>& x) { return log10(x); }, T(0)) == std::make_pair(-inf<T>, inf<T>));
  CHECK(at<T>([](const Var<T>& x) { return log1p(x); }, T(-1)) == std::make_pair(-inf<T>, inf<T>));
  // sqrt and cbrt at 0: value 0 (with std::'s sign), derivative +Inf, the documented
  // one-sided limit, also at -0.
  for (const T zero : {T(0), -T(0)}) {
    INFO("zero with sign bit " << std::signbit(zero));
    r = at<T>([](const Var<T>& x) { return sqrt(x); }, zero);
    CHECK(value_is(r.first, std::sqrt(zero)));
    CHECK(r.second == inf<T>);
    r = at<T>([](const Var<T>& x) { return cbrt(x); }, zero);
    CHECK(value_is(r.first, std::cbrt(zero)));
    CHECK(r.second == inf<T>);
  }
  // Overflow and underflow of exp, exp2, expm1: Inf/0 values, Inf/0 derivatives.
  const T big = T(1e5);  // beyond the exponent range of long double too
  CHECK(at<T>([](const Var<T>& x) { return exp(x); }, big) == std::make_pair(inf<T>, inf<T>));
  CHECK(at<T>([](const Var<T>& x) { return exp(x); }, -big) == std::make_pair(T(0), T(0)));
  CHECK(at<T>([](const Var<T>& x) { return exp2(x); }, big) == std::make_pair(inf<T>, inf<T>));
  CHECK(at<T>([](const Var<T>& x) { return exp2(x); }, -big) == std::make_pair(T(0), T(0)));
  CHECK(at<T>([](const Var<T>& x) { return expm1(x); }, big) == std::make_pair(inf<T>, inf<T>));
  CHECK(at<T>([](const Var<T>& x) { return expm1(x); }, -big) == std::make_pair(T(-1), T(0)));
  // NaN in, NaN out, for value and derivative.
  for (const auto& f : {+[](const Var<T>& x) { return Var<T>(exp(x)); }, +[](const Var<T>& x) { return Var<T>(log(x)); },
                        +[](const Var<T>& x) { return Var<T>(sqrt(x)); }, +[](const Var<T>& x) { return Var<T>(cbrt(x)); },
                        +[](const Var<T>& x) { return Var<T>(pow(x, x)); }}) {
    REQUIRE_NOTHROW(r = test::value_and_derivative<T>(f, nan));
    CHECK((std::isnan(r.first) && std::isnan(r.second)));
  }
}

TEMPLATE_TEST_CASE("composite expressions with shared subexpressions against closed forms", "[math][exp_log]",
                   float, double, long double) {
  using T = TestType;
  const LD k = 64;  // a few roundings per operation, over a handful of operations
  for (const LD p : {0.25L, 0.8L, 1.5L, 3.0L}) {
    const T x0 = static_cast<T>(p), y0 = static_cast<T>(p / 3);
    const LD x = x0, y = y0;
    INFO("x = " << std::setprecision(21) << x << ", y = " << y);
    Tape<T> tape;
    const Var<T> vx = tape.variable(x0), vy = tape.variable(y0);
    {  // an expression node used twice in one statement: e^x e^x + ln(e^x) = e^(2x) + x
      const auto e = exp(vx);
      const Var<T> f = e * e + log(e);
      tape.backward(f);
      CHECK(rel_error(vx.grad(), 2 * std::exp(2 * x) + 1) <= ulps<T>(k));
    }
    {  // nested, with a Var shared across statements: s = sqrt(x^2 + y^2) (via square),
       // f = log1p(s) * exp2(y) + pow(x, y) + cbrt(s)
      const Var<T> s = sqrt(square(vx) + square(vy));
      const Var<T> f = log1p(s) * exp2(vy) + pow(vx, vy) + cbrt(s);
      tape.backward(f);
      const LD r = std::sqrt(x * x + y * y), ds_dx = x / r, ds_dy = y / r;
      const LD df_ds = std::exp2(y) / (1 + r) + 1 / (3 * std::cbrt(r) * std::cbrt(r));
      const LD dfdx = df_ds * ds_dx + y * std::pow(x, y - 1);
      const LD dfdy = df_ds * ds_dy + std::log1p(r) * std::log(2.0L) * std::exp2(y) + std::pow(x, y) * std::log(x);
      CHECK(rel_error(vx.grad(), dfdx) <= ulps<T>(k));
      CHECK(rel_error(vy.grad(), dfdy) <= ulps<T>(k));
    }
    {  // x^x = e^(x ln x): d/dx = x^x (ln x + 1), both ways
      const Var<T> f = pow(vx, vx), g = exp(vx * log(vx));
      const LD exact = std::pow(x, x) * (std::log(x) + 1);
      tape.backward(f);
      CHECK(rel_error(vx.grad(), exact) <= ulps<T>(k));
      tape.backward(g);
      CHECK(rel_error(vx.grad(), exact) <= ulps<T>(k));
    }
    {  // a chain of statements: z <- log(1 + z^2) + x, eight times, against forward-mode
       // derivatives carried along in long double
      Var<T> z = vx;
      LD lz = x, dz = 1;
      for (int i = 0; i < 8; ++i) {
        z = log1p(square(z)) + vx;
        dz = 2 * lz / (1 + lz * lz) * dz + 1;
        lz = std::log1p(lz * lz) + x;
      }
      tape.backward(z);
      CHECK(rel_error(z.value(), lz) <= ulps<T>(k));
      CHECK(rel_error(vx.grad(), dz) <= ulps<T>(k));
    }
  }
}
