// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// The error functions and the smooth activations: erf and erfc bit for bit as std:: gives
// them, sigmoid and softplus against closed forms evaluated in long double (to a few ulps
// of T, from their far tails to 0), derivatives against closed forms and central
// differences; and argument-dependent lookup: generic code written `using std::sin;
// sin(x)` computes the same for double, float, long double and Var.

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

const LD pi = std::acos(-1.0L);

/// Checks an activation f at every point: the value within k ulps of T of `closed_value`,
/// the derivative within k ulps of `closed_slope` (both long double, rounded to T so
/// that results which underflow in T are expected as T has them), the plain-number overload
/// equal to the Var value bit for bit, and the derivative close to a central difference.
template <class T, class F, class V, class D>
void check_activation(const char* name, F f, V closed_value, D closed_slope, std::initializer_list<LD> points,
                      LD k = 16) {
  for (const LD p : points) {
    const T x = static_cast<T>(p);
    const LD lx = x;
    INFO(name << "(" << std::setprecision(21) << lx << ")");
    Tape<T> tape;
    const Var<T> v = tape.variable(x);
    const Var<T> y = f(v);
    tape.backward(y);
    CHECK(rel_error(y.value(), static_cast<T>(closed_value(lx))) <= ulps<T>(k));
    CHECK(rel_error(v.grad(), static_cast<T>(closed_slope(lx))) <= ulps<T>(k));
    CHECK(same<T>(f(x), y.value()));
    CHECK_CLOSE(v.grad(), test::central_difference(f, lx, 1e-6L * unit_or_size(lx)), test::fd_tol<T>());
  }
}

/// Written as generic code is: std:: functions brought in by using-declarations, the
/// tapegrad overloads found by argument-dependent lookup when S is a Var.
template <class S>
S shared_sine(const S& x) {
  using std::exp;
  using std::sin;
  return sin(x) * x + exp(sin(x));
}

/// A larger generic function touching every family, for S = float, double, long double
/// and Var<T>. sigmoid and softplus are tapegrad's for plain numbers too.
template <class S>
S generic_model(const S& x, const S& y) {
  using std::abs;
  using std::atan2;
  using std::cbrt;
  using std::cosh;
  using std::erf;
  using std::erfc;
  using std::exp;
  using std::fmin;
  using std::hypot;
  using std::log;
  using std::log1p;
  using std::max;
  using std::pow;
  using std::sin;
  using std::sqrt;
  using std::tanh;
  using tapegrad::sigmoid;
  using tapegrad::softplus;
  using tapegrad::square;
  const S s = sin(x) * y;
  const S a = log(1 + square(x)) * sqrt(abs(y)) + pow(1 + square(x), y) + atan2(y, x) + hypot(x, s);
  const S b = max(x * 2, y * 2) + fmin(s, y) + tanh(erf(x)) + erfc(y) * cosh(s);
  return a * b + sigmoid(x - y) + softplus(s) + cbrt(log1p(exp(y)));
}
}  // namespace

TEMPLATE_TEST_CASE("erf erfc: std:: values and derivatives into the tails", "[math][special]", float, double,
                   long double) {
  using T = TestType;
  // d/dx erf x = 2/sqrt(pi) e^(-x^2), d/dx erfc x = -2/sqrt(pi) e^(-x^2); at x = 9,
  // erfc x = 4e-37 and the derivative 7e-36 are normal numbers even in float.
  const auto points = {-9.0L, -2.5L, -1.0L, -1e-4L, 0.0L, 0.5L, 1.5L, 3.0L, 9.0L};
  check_unary<T>(
      "erf", [](auto x) { using std::erf; return erf(x); },
      [](LD x) { return 2 / std::sqrt(pi) * std::exp(-x * x); }, unit_or_size, points);
  check_unary<T>(
      "erfc", [](auto x) { using std::erfc; return erfc(x); },
      [](LD x) { return -2 / std::sqrt(pi) * std::exp(-x * x); }, unit_or_size, points);
}

TEMPLATE_TEST_CASE("sigmoid and softplus against closed forms from tail to tail", "[math][special]", float, double,
                   long double) {
  using T = TestType;
  // s(x) = 1/(1 + e^-x), s'(x) = 1/(4 cosh^2(x/2)); softplus(x) = ln(1 + e^x),
  // softplus'(x) = s(x). At |x| = 1000 the tails underflow except in long double, where
  // e^-1000 = 5e-435 must come out as such.
  const auto points = {-1000.0L, -80.0L, -30.0L, -5.0L, -1e-3L, 0.0L, 0.5L, 5.0L, 30.0L, 80.0L, 1000.0L};
  const auto s = [](LD x) { return 1 / (1 + std::exp(-x)); };
  check_activation<T>(
      "sigmoid", [](auto x) { using tapegrad::sigmoid; return sigmoid(x); }, s,
      [](LD x) { return 1 / (4 * std::cosh(x / 2) * std::cosh(x / 2)); }, points);
  check_activation<T>(
      "softplus", [](auto x) { using tapegrad::softplus; return softplus(x); },
      [](LD x) { return std::log1p(std::exp(x)); }, s, points);
}

TEMPLATE_TEST_CASE("erf erfc sigmoid softplus at infinity and NaN", "[math][special]", float, double, long double) {
  using T = TestType;
  const T i = inf<T>, n = std::numeric_limits<T>::quiet_NaN();
  const auto at = [](auto f, T x) { return test::value_and_derivative<T>([&](const Var<T>& v) { return Var<T>(f(v)); }, x); };
  const auto erf_ = [](const Var<T>& v) { return erf(v); };
  const auto erfc_ = [](const Var<T>& v) { return erfc(v); };
  const auto sigmoid_ = [](const Var<T>& v) { return sigmoid(v); };
  const auto softplus_ = [](const Var<T>& v) { return softplus(v); };
  CHECK(at(erf_, i) == std::make_pair(T(1), T(0)));
  CHECK(at(erf_, -i) == std::make_pair(T(-1), T(0)));
  CHECK(at(erfc_, i) == std::make_pair(T(0), T(0)));
  CHECK(at(erfc_, -i) == std::make_pair(T(2), T(0)));
  CHECK(at(sigmoid_, i) == std::make_pair(T(1), T(0)));
  CHECK(at(sigmoid_, -i) == std::make_pair(T(0), T(0)));
  CHECK(at(softplus_, i) == std::make_pair(i, T(1)));
  CHECK(at(softplus_, -i) == std::make_pair(T(0), T(0)));
  for (const auto& r : {at(erf_, n), at(erfc_, n), at(sigmoid_, n), at(softplus_, n)}) {
    CHECK(std::isnan(r.first));
    CHECK(std::isnan(r.second));
  }
  CHECK(std::isnan(tapegrad::sigmoid(n)));
  CHECK(std::isnan(tapegrad::softplus(n)));
}

TEMPLATE_TEST_CASE("composite activations with shared subexpressions against closed forms", "[math][special]", float,
                   double, long double) {
  using T = TestType;
  const LD k = 64;
  for (const LD p : {-30.0L, -3.0L, -0.5L, 0.0L, 1.0L, 4.0L, 30.0L}) {
    const T x0 = static_cast<T>(p);
    const LD x = x0, s = 1 / (1 + std::exp(-x)), ds = 1 / (4 * std::cosh(x / 2) * std::cosh(x / 2));
    INFO("x = " << std::setprecision(21) << x);
    Tape<T> tape;
    const Var<T> vx = tape.variable(x0);
    {  // s (1 - s) with s used twice: d/dx = s' (1 - 2s)
      const auto sg = sigmoid(vx);
      const Var<T> f = sg * (T(1) - sg);
      tape.backward(f);
      // s' (1 - 2s) with 1 - 2s = tanh(-x/2), exact in long double at both tails; the
      // error is measured against s' because the result is 0 at x = 0.
      CHECK(std::fabs(vx.grad() - ds * std::tanh(-x / 2)) <= ulps<T>(k) * ds);
    }
    {  // log(sigmoid(x)) = -softplus(-x): both have derivative 1 - s(x) = s(-x)
      const Var<T> f = log(sigmoid(vx)), g = -softplus(-vx);
      const LD exact = 1 / (1 + std::exp(x));
      tape.backward(f);
      CHECK(rel_error(vx.grad(), exact) <= ulps<T>(k));
      tape.backward(g);
      CHECK(rel_error(vx.grad(), exact) <= ulps<T>(k));
    }
    {  // binary cross-entropy from a logit, label 1/4: softplus(x) - x/4, d/dx = s - 1/4
      const Var<T> f = softplus(vx) - vx * T(0.25);
      tape.backward(f);
      CHECK(rel_error(vx.grad(), s - 0.25L) <= ulps<T>(k));
    }
    {  // the normal distribution function Phi(x) = erfc(-x/sqrt 2)/2 = (1 + erf(x/sqrt 2))/2:
       // d/dx = e^(-x^2/2)/sqrt(2 pi), both ways (x within the range where it is normal in T)
      if (std::fabs(x) <= 4) {
        const T r2 = T(1) / std::sqrt(T(2));
        const Var<T> f = erfc(-vx * r2) * T(0.5), g = (T(1) + erf(vx * r2)) * T(0.5);
        const LD exact = std::exp(-x * x / 2) / std::sqrt(2 * pi);
        tape.backward(f);
        CHECK(rel_error(vx.grad(), exact) <= ulps<T>(k));
        tape.backward(g);
        CHECK(rel_error(vx.grad(), exact) <= ulps<T>(k));
      }
    }
  }
}

TEMPLATE_TEST_CASE("ADL: generic code with using std::sin; sin(x) works for plain numbers and Vars", "[math][special]",
                   float, double, long double) {
  using T = TestType;
  for (const LD p : {-1.25L, 0.4L, 2.0L}) {
    const T x0 = static_cast<T>(p);
    const LD x = x0;
    INFO("x = " << std::setprecision(21) << x);
    {  // the brief's example, against its closed form
      Tape<T> tape;
      const Var<T> vx = tape.variable(x0);
      const Var<T> y = shared_sine(vx);
      CHECK(rel_error(y.value(), shared_sine(x0)) <= ulps<T>(4));
      tape.backward(y);
      CHECK(rel_error(vx.grad(), std::cos(x) * x + std::sin(x) + std::exp(std::sin(x)) * std::cos(x)) <= ulps<T>(64));
    }
    {  // every family at once: the Var value equals the plain value (up to the rounding of
       // a different evaluation order, e.g. contractions into fused multiply-adds), and the
       // gradient matches central differences of the same generic code in long double.
      const T y0 = static_cast<T>(0.75L - p / 4);
      const LD y = y0;
      Tape<T> tape;
      const Var<T> vx = tape.variable(x0), vy = tape.variable(y0);
      const std::size_t before = tape.size();
      const Var<T> f = generic_model(vx, vy);
      CHECK(tape.size() > before);  // recorded, not computed on plain values
      CHECK(rel_error(f.value(), generic_model(x0, y0)) <= ulps<T>(64));
      tape.backward(f);
      CHECK_CLOSE(vx.grad(), test::central_difference([&](LD t) { return generic_model(t, y); }, x), test::fd_tol<T>());
      CHECK_CLOSE(vy.grad(), test::central_difference([&](LD t) { return generic_model(x, t); }, y), test::fd_tol<T>());
    }
  }
  // A tie through `using std::max; max(x * 2, y * 2)` in generic code is tapegrad's 1/2 each,
  // not std::max returning one operand.
  Tape<T> tape;
  const Var<T> a = tape.variable(T(1)), b = tape.variable(T(1));
  const auto both = [](const auto& u, const auto& v) { using std::max; return max(u * 2, v * 2) + max(u, v); };
  const Var<T> m = both(a, b);
  CHECK(m.value() == both(T(1), T(1)));
  tape.backward(m);
  CHECK(a.grad() == T(1.5));
  CHECK(b.grad() == T(1.5));
}
