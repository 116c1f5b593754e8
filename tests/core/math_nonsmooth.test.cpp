// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// Functions with kinks and jumps: abs, fabs, relu, min, max, fmin, fmax away from their
// kinks (values bit for bit as std::, derivatives against closed forms and central
// differences), the documented choices at the kinks (0 for abs and relu at 0, 1/2 to each
// argument on a tie), NaN arguments as std:: treats them, rounding functions as
// constants, and comparisons that record nothing.

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

template <class T>
constexpr T nan_v = std::numeric_limits<T>::quiet_NaN();

/// Checks f(a, b) in all its forms, (Var, Var), (expression, expression) of the same and
/// of different types, (Var, expression), (Var, T) and (T, Var): the value is f(a, b)
/// computed by std:: in T (equal with the same sign, unless zero_sign is false), the
/// partials are exactly da, db.
template <class T, class F>
void expect_selection(const char* name, F f, T a, T b, T da, T db, bool zero_sign = true) {
  INFO(name << "(" << a << ", " << b << ") with sign bits " << std::signbit(a) << std::signbit(b));
  const T value = f(a, b);
  const auto value_ok = [&](T v) { return zero_sign ? same<T>(v, value) : (v == value || same<T>(v, value)); };
  Tape<T> tape;
  const Var<T> va = tape.variable(a), vb = tape.variable(b);
  const Var<T> forms[] = {f(va, vb), f(va * T(1), vb * T(1)), f(va * T(1), -(-vb)), f(va, vb * T(1))};
  for (const Var<T>& y : forms) {
    CHECK(value_ok(y.value()));
    tape.backward(y);
    CHECK(same<T>(va.grad(), da));
    CHECK(same<T>(vb.grad(), db));
  }
  const Var<T> ya = f(va, b), yb = f(a, vb);
  CHECK(value_ok(ya.value()));
  CHECK(value_ok(yb.value()));
  tape.backward(ya);
  CHECK(same<T>(va.grad(), da));
  tape.backward(yb);
  CHECK(same<T>(vb.grad(), db));
}

const auto max_ = [](auto a, auto b) { using std::max; return max(a, b); };
const auto min_ = [](auto a, auto b) { using std::min; return min(a, b); };
const auto fmax_ = [](auto a, auto b) { using std::fmax; return fmax(a, b); };
const auto fmin_ = [](auto a, auto b) { using std::fmin; return fmin(a, b); };
/// Half the distance to the kink a = b: the central difference never crosses it.
const auto half_gap = [](LD a, LD b) { return std::fabs(a - b) / 2; };
}  // namespace

TEMPLATE_TEST_CASE("abs fabs relu away from 0: std:: values and derivative sign(x) or step(x)", "[math][nonsmooth]",
                   float, double, long double) {
  using T = TestType;
  const auto points = {-1e10L, -3.0L, -1e-20L, 1e-20L, 0.5L, 7.0L};
  check_unary<T>(
      "abs", [](auto x) { using std::abs; return abs(x); },
      [](LD x) { return x > 0 ? 1.0L : -1.0L; }, size_of, points, 0);
  check_unary<T>(
      "fabs", [](auto x) { using std::fabs; return fabs(x); },
      [](LD x) { return x > 0 ? 1.0L : -1.0L; }, size_of, points, 0);
  // relu(x) = max(x, 0) has no std:: counterpart: its value is x for x > 0, else +0, for
  // Vars and for the plain-number overload alike.
  for (const LD p : points) {
    const T x = static_cast<T>(p);
    INFO("relu(" << p << ")");
    const auto r = test::value_and_derivative<T>([](const Var<T>& v) { return Var<T>(relu(v)); }, x);
    CHECK(same<T>(r.first, x > 0 ? x : T(0)));
    CHECK(same<T>(tapegrad::relu(x), r.first));
    CHECK(r.second == (x > 0 ? T(1) : T(0)));
    CHECK_CLOSE(r.second, test::central_difference([](LD t) { return t > 0 ? t : 0; }, p, 1e-6L * std::fabs(p)),
                test::fd_tol<T>());
  }
}

TEMPLATE_TEST_CASE("abs fabs relu at 0 and at NaN: the documented derivative 0", "[math][nonsmooth]", float, double,
                   long double) {
  using T = TestType;
  for (const T zero : {T(0), -T(0)}) {
    INFO("x = 0 with sign bit " << std::signbit(zero));
    auto r = test::value_and_derivative<T>([](const Var<T>& v) { return Var<T>(abs(v)); }, zero);
    CHECK(same<T>(r.first, std::abs(zero)));  // +0
    CHECK(same<T>(r.second, T(0)));
    r = test::value_and_derivative<T>([](const Var<T>& v) { return Var<T>(fabs(v)); }, zero);
    CHECK(same<T>(r.first, std::fabs(zero)));
    CHECK(same<T>(r.second, T(0)));
    r = test::value_and_derivative<T>([](const Var<T>& v) { return Var<T>(relu(v)); }, zero);
    CHECK(same<T>(r.first, T(0)));
    CHECK(same<T>(r.second, T(0)));
    CHECK(same<T>(tapegrad::relu(zero), T(0)));
  }
  // A NaN argument gives a NaN value, and a NaN produced upstream (log of a negative
  // number) still reaches the gradient through abs and relu.
  for (const auto& f : {+[](const Var<T>& v) { return Var<T>(abs(log(v))); },
                        +[](const Var<T>& v) { return Var<T>(fabs(log(v))); },
                        +[](const Var<T>& v) { return Var<T>(relu(log(v))); }}) {
    const auto r = test::value_and_derivative<T>(f, T(-1));
    CHECK(std::isnan(r.first));
    CHECK(std::isnan(r.second));
  }
  CHECK(std::isnan(tapegrad::relu(nan_v<T>)));
}

TEMPLATE_TEST_CASE("max min fmax fmin away from ties: std:: values with closed-form and finite-difference partials",
                   "[math][nonsmooth]", float, double, long double) {
  using T = TestType;
  const auto points = {std::make_pair(1.0L, 2.0L), std::make_pair(-3.0L, -4.0L), std::make_pair(0.5L, -0.5L),
                       std::make_pair(-1e-20L, 1e-20L), std::make_pair(1e10L, 3.0L), std::make_pair(-0.25L, 7.0L)};
  const auto if_a_larger = [](LD a, LD b) { return a > b ? 1.0L : 0.0L; };
  const auto if_b_larger = [](LD a, LD b) { return b > a ? 1.0L : 0.0L; };
  check_binary<T>("max", max_, if_a_larger, if_b_larger, half_gap, points, 0);
  check_binary<T>("fmax", fmax_, if_a_larger, if_b_larger, half_gap, points, 0);
  check_binary<T>("min", min_, if_b_larger, if_a_larger, half_gap, points, 0);
  check_binary<T>("fmin", fmin_, if_b_larger, if_a_larger, half_gap, points, 0);
}

TEMPLATE_TEST_CASE("max min fmax fmin on a tie: 1/2 to each argument and 1 when both are the same Var", "[math][nonsmooth]", float,
                   double, long double) {
  using T = TestType;
  const T half = T(0.5);
  for (const T c : {T(-1.5), T(0), T(2), T(1e10)}) {
    expect_selection<T>("max", max_, c, c, half, half);
    expect_selection<T>("min", min_, c, c, half, half);
    expect_selection<T>("fmax", fmax_, c, c, half, half);
    expect_selection<T>("fmin", fmin_, c, c, half, half);
    // The same Var twice: 1/2 + 1/2 = 1, the derivative of x.
    Tape<T> tape;
    const Var<T> x = tape.variable(c);
    for (const Var<T>& y : {Var<T>(max(x, x)), Var<T>(min(x, x)), Var<T>(fmax(x, x)), Var<T>(fmin(x, x)),
                            Var<T>(max(x * T(1), x))}) {
      tape.backward(y);
      CHECK(x.grad() == T(1));
    }
  }
  // +0 and -0 are equal: a tie. std::max and std::min return the first argument; C leaves
  // the sign of fmax(+0, -0) and fmin(+0, -0) unspecified (glibc's answer changes with the
  // type and the optimization level), so only their value 0 is checked.
  for (const auto& p : {std::make_pair(T(0), -T(0)), std::make_pair(-T(0), T(0))}) {
    expect_selection<T>("max", max_, p.first, p.second, half, half);
    expect_selection<T>("min", min_, p.first, p.second, half, half);
    expect_selection<T>("fmax", fmax_, p.first, p.second, half, half, false);
    expect_selection<T>("fmin", fmin_, p.first, p.second, half, half, false);
  }
  // A Var tied with a constant gets 1/2 as well (so max(x, 0) at 0 differs from relu).
  const auto r = test::value_and_derivative<T>([](const Var<T>& v) { return Var<T>(max(v, T(0))); }, T(0));
  CHECK(r == std::make_pair(T(0), half));
}

TEMPLATE_TEST_CASE("max min fmax fmin with NaN: values as std:: and derivative to the selected argument",
                   "[math][nonsmooth]", float, double, long double) {
  using T = TestType;
  const T n = nan_v<T>, one = T(1), zero = T(0);
  // std::max and std::min return the first argument unless the comparison says otherwise,
  // and every comparison with NaN is false: the first argument is selected.
  expect_selection<T>("max", max_, n, one, one, zero);  // NaN
  expect_selection<T>("max", max_, one, n, one, zero);  // 1
  expect_selection<T>("min", min_, n, one, one, zero);
  expect_selection<T>("min", min_, one, n, one, zero);
  // fmax and fmin return the number: it gets the derivative.
  expect_selection<T>("fmax", fmax_, n, one, zero, one);
  expect_selection<T>("fmax", fmax_, one, n, one, zero);
  expect_selection<T>("fmin", fmin_, n, one, zero, one);
  expect_selection<T>("fmin", fmin_, one, n, one, zero);
  // Both NaN: NaN, derivative to the first.
  expect_selection<T>("fmax", fmax_, n, n, one, zero);
  expect_selection<T>("fmin", fmin_, n, n, one, zero);
}

TEMPLATE_TEST_CASE("floor ceil trunc round: std:: values as constants and nothing recorded", "[math][nonsmooth]",
                   float, double, long double) {
  using T = TestType;
  for (const LD p : {-2.5L, -1.5L, -0.5L, -0.2L, -0.0L, 0.0L, 0.49L, 0.5L, 1.5L, 2.7L, 1e10L + 0.5L}) {
    const T x0 = static_cast<T>(p);
    INFO("x = " << std::setprecision(21) << p);
    Tape<T> tape;
    const Var<T> x = tape.variable(x0);
    const std::size_t size = tape.size();
    const Var<T> f = floor(x), c = ceil(x), t = trunc(x), r = round(x * T(1));  // an expression argument too
    CHECK(tape.size() == size);
    CHECK(same<T>(f.value(), std::floor(x0)));
    CHECK(same<T>(c.value(), std::ceil(x0)));
    CHECK(same<T>(t.value(), std::trunc(x0)));
    CHECK(same<T>(r.value(), std::round(x0)));
    for (const Var<T>& k : {f, c, t, r}) CHECK(k.is_constant());
    // In an expression they act as constants: d/dx (x floor(x) + ceil(x) + trunc(x) + round(x)) = floor(x).
    const Var<T> y = x * floor(x) + ceil(x) + trunc(x) + round(x);
    tape.backward(y);
    CHECK(x.grad() == std::floor(x0));  // as numbers: an adjoint sums from +0
  }
}

TEST_CASE("comparisons and classification look at values and record nothing", "[math][nonsmooth]") {
  Tape<double> tape;
  const Var<double> x = tape.variable(1.0), y = tape.variable(2.0), n = tape.variable(nan_v<double>);
  const Var<double> i = tape.variable(std::numeric_limits<double>::infinity());
  const std::size_t size = tape.size(), arguments = tape.argument_count();
  CHECK(x < y);
  CHECK(sin(x) < y);  // an expression compares by its value
  CHECK(exp(x) > 2.5);
  CHECK(3.0 >= abs(x - y) * 3.0);
  CHECK(max(x, y) == y);
  CHECK_FALSE(n == n);
  CHECK(n != n);
  CHECK_FALSE(n < x);
  CHECK_FALSE(n >= x);
  CHECK(isnan(n));
  CHECK(isnan(n * x));
  CHECK_FALSE(isnan(x));
  CHECK(isinf(i));
  CHECK(isinf(-i + x));
  CHECK_FALSE(isinf(x));
  CHECK(isfinite(x * y));
  CHECK_FALSE(isfinite(i));
  CHECK_FALSE(isfinite(n));
  CHECK(tape.size() == size);
  CHECK(tape.argument_count() == arguments);
  // Branching on a comparison differentiates the branch taken.
  const auto pick = [](const Var<double>& a, const Var<double>& b) { return a < b ? Var<double>(a * b) : Var<double>(a + b); };
  Var<double> z = pick(x, y);
  tape.backward(z);
  CHECK(x.grad() == 2.0);
  CHECK(y.grad() == 1.0);
  z = pick(y, x);
  tape.backward(z);
  CHECK(x.grad() == 1.0);
  CHECK(y.grad() == 1.0);
}

TEMPLATE_TEST_CASE("composite non-smooth expressions against piecewise closed forms", "[math][nonsmooth]", float,
                   double, long double) {
  using T = TestType;
  const LD k = 32;
  // clamp(x, lo, hi) = min(max(x, lo), hi): derivative 1 inside, 0 outside, 1/2 on the
  // boundaries; with lo and hi variables they receive the rest.
  for (const LD p : {-3.0L, -1.0L, -0.25L, 0.0L, 0.5L, 2.0L, 4.0L}) {
    INFO("x = " << p);
    Tape<T> tape;
    const Var<T> x = tape.variable(T(p)), lo = tape.variable(T(-1)), hi = tape.variable(T(2));
    const Var<T> c = min(max(x, lo), hi);
    tape.backward(c);
    const T in = p > -1 && p < 2 ? T(1) : (p == -1 || p == 2 ? T(0.5) : T(0));
    CHECK(c.value() == T(std::min(std::max(p, -1.0L), 2.0L)));
    CHECK(x.grad() == in);
    CHECK(lo.grad() == (p < -1 ? T(1) : (p == -1 ? T(0.5) : T(0))));
    CHECK(hi.grad() == (p > 2 ? T(1) : (p == 2 ? T(0.5) : T(0))));
    CHECK(x.grad() + lo.grad() + hi.grad() == T(1));
  }
  // f(x, y) = |x| |x| + relu(y) max(x, y) + fmin(x y, 1) with shared subexpressions.
  for (const auto& p : {std::make_pair(-1.5L, 0.25L), std::make_pair(0.75L, 2.0L), std::make_pair(2.0L, -3.0L),
                        std::make_pair(0.5L, 0.5L)}) {
    const T x0 = static_cast<T>(p.first), y0 = static_cast<T>(p.second);
    const LD lx = x0, ly = y0;
    INFO("x = " << lx << ", y = " << ly);
    Tape<T> tape;
    const Var<T> x = tape.variable(x0), y = tape.variable(y0);
    const auto ax = abs(x);
    const Var<T> f = ax * ax + relu(y) * max(x, y) + fmin(x * y, T(1));
    tape.backward(f);
    const LD r = ly > 0 ? ly : 0, dr = ly > 0 ? 1 : 0;
    const LD m = std::max(lx, ly), dm_dx = lx > ly ? 1 : (lx == ly ? 0.5L : 0), dm_dy = 1 - dm_dx;
    const LD dmin = lx * ly < 1 ? 1 : (lx * ly == 1 ? 0.5L : 0);
    const LD dfdx = 2 * lx + r * dm_dx + dmin * ly;
    const LD dfdy = dr * m + r * dm_dy + dmin * lx;
    CHECK(rel_error(x.grad(), dfdx) <= ulps<T>(k));
    CHECK(rel_error(y.grad(), dfdy) <= ulps<T>(k));
  }
}
