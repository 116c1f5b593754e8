// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

// The checks every primitive-function test uses (tests/core/math_*.test.cpp, the
// cross-mode agreement table tests/core/agreement.test.cpp, tests/second_order/): a value
// equals std:: bit for bit in T, a derivative is within k ulps of its closed form (in
// long double) and matches a central difference; second derivatives by forward over
// reverse (Var<Dual<T>>) against closed forms and central differences of the reverse-mode
// derivative.

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <iomanip>
#include <limits>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "test_support.hpp"

namespace mathtest {
using tapegrad::Dual;
using tapegrad::Tape;
using tapegrad::Var;
using LD = long double;

/// |actual - expected| / |expected| in long double; 0 if they are equal (Inf included),
/// NaN (which fails every bound) if actual is NaN.
inline LD rel_error(LD actual, LD expected) {
  if (actual == expected) return 0;
  return std::fabs(actual - expected) / std::max(std::fabs(expected), std::numeric_limits<LD>::min());
}

/// k units of T's epsilon, as a relative tolerance.
template <class T>
LD ulps(LD k) {
  return k * static_cast<LD>(std::numeric_limits<T>::epsilon());
}

/// The same number: equal with the same sign (so -0 differs from +0), or both NaN.
template <class T>
bool same(T a, T b) {
  return std::isnan(a) ? std::isnan(b) : (a == b && std::signbit(a) == std::signbit(b));
}

/// The same derivative: equal, or both NaN. The sign of a zero is not compared: a
/// gradient is a sum that starts at +0, so -0 + 0 = +0 is the same derivative.
template <class T>
bool same_derivative(T a, T b) {
  return std::isnan(a) ? std::isnan(b) : a == b;
}

/// Step scales for central differences: the distance over which f' changes by O(f').
inline const auto unit_or_size = [](LD x) { return std::max(LD(1), std::fabs(x)); };
inline const auto size_of = [](LD x) { return std::fabs(x); };

/// Checks a unary primitive f (a generic lambda: std:: for numbers, tapegrad for Vars) at
/// every point: the value equals f(x) computed by std:: in T exactly; the derivative is
/// within k ulps of T of `closed_form` (long double at the same x) and within fd_tol of a
/// central difference with step 1e-6 * scale(x).
template <class T, class F, class D, class S, class Points>
void check_unary(const char* name, F f, D closed_form, S scale, const Points& points, LD k = 16) {
  for (const LD p : points) {
    const T x = static_cast<T>(p);
    const LD lx = x;  // the same input, in long double
    INFO(name << "(" << std::setprecision(21) << lx << ")");
    Tape<T> tape;
    const Var<T> v = tape.variable(x);
    const Var<T> y = f(v);
    tape.backward(y);
    CHECK(same<T>(y.value(), f(x)));
    CHECK(rel_error(v.grad(), closed_form(lx)) <= ulps<T>(k));
    CHECK_CLOSE(v.grad(), test::central_difference(f, lx, 1e-6L * scale(lx)), test::fd_tol<T>());
  }
}

template <class T, class F, class D, class S>
void check_unary(const char* name, F f, D closed_form, S scale, std::initializer_list<LD> points, LD k = 16) {
  check_unary<T, F, D, S, std::initializer_list<LD>>(name, f, closed_form, scale, points, k);
}

/// Checks a binary primitive f(a, b) at every point, in all its forms: (Var, Var), then
/// (expression, expression), (Var, T) and (T, Var). Values equal std:: in T exactly;
/// partials are within k ulps of the closed forms da, db and match central differences
/// with step 1e-6 * scale(a, b).
template <class T, class F, class DA, class DB, class S, class Points>
void check_binary(const char* name, F f, DA da, DB db, S scale, const Points& points, LD k = 16) {
  for (const auto& p : points) {
    const T a = static_cast<T>(p.first), b = static_cast<T>(p.second);
    const LD la = a, lb = b;
    INFO(name << "(" << std::setprecision(21) << la << ", " << lb << ")");
    const T value = f(a, b);  // std:: in T
    const LD exact_da = da(la, lb), exact_db = db(la, lb);
    const LD h = 1e-6L * scale(la, lb);
    {
      Tape<T> tape;
      const Var<T> va = tape.variable(a), vb = tape.variable(b);
      const Var<T> y = f(va, vb);
      tape.backward(y);
      CHECK(same<T>(y.value(), value));
      CHECK(rel_error(va.grad(), exact_da) <= ulps<T>(k));
      CHECK(rel_error(vb.grad(), exact_db) <= ulps<T>(k));
      CHECK_CLOSE(va.grad(), test::central_difference([&](LD t) { return f(t, lb); }, la, h), test::fd_tol<T>());
      CHECK_CLOSE(vb.grad(), test::central_difference([&](LD t) { return f(la, t); }, lb, h), test::fd_tol<T>());
    }
    {  // the general expression form: operands that are expression nodes, not Vars
      Tape<T> tape;
      const Var<T> va = tape.variable(a), vb = tape.variable(b);
      const Var<T> y = f(va * T(1), vb * T(1));
      tape.backward(y);
      CHECK(same<T>(y.value(), value));
      CHECK(rel_error(va.grad(), exact_da) <= ulps<T>(k));
      CHECK(rel_error(vb.grad(), exact_db) <= ulps<T>(k));
    }
    {  // (Var, T) and (T, Var): one statement with one argument each
      Tape<T> tape;
      const Var<T> va = tape.variable(a), vb = tape.variable(b);
      const Var<T> ya = f(va, b), yb = f(a, vb);
      CHECK(same<T>(ya.value(), value));
      CHECK(same<T>(yb.value(), value));
      tape.backward(ya);
      CHECK(rel_error(va.grad(), exact_da) <= ulps<T>(k));
      CHECK(vb.grad() == T(0));
      tape.backward(yb);
      CHECK(va.grad() == T(0));
      CHECK(rel_error(vb.grad(), exact_db) <= ulps<T>(k));
    }
  }
}

template <class T, class F, class DA, class DB, class S>
void check_binary(const char* name, F f, DA da, DB db, S scale, std::initializer_list<std::pair<LD, LD>> points,
                  LD k = 16) {
  check_binary<T, F, DA, DB, S, std::initializer_list<std::pair<LD, LD>>>(name, f, da, db, scale, points, k);
}

/// Value and derivative of f at x (f takes a Var<T>).
template <class T, class F>
std::pair<T, T> at(F f, T x) {
  return test::value_and_derivative<T>([&](const Var<T>& v) { return Var<T>(f(v)); }, x);
}

template <class T>
inline constexpr T inf = std::numeric_limits<T>::infinity();

// ---- second order: forward over reverse ------------------------------------------------

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
/// form d2 against central differences of the reverse-mode derivative with step
/// 1e-6 * scale(x) (so the reference is itself checked); and x f(x), whose second
/// derivative 2 f' + x f'' also needs the e part that the tape carries forward in f's value.
template <class T, class F, class D1, class D2, class S, class Points>
void check_second_order(const char* name, F f, D1 d1, D2 d2, S scale, const Points& points) {
  const double tol = second_tol<T>();
  for (const LD point : points) {
    const T xt = static_cast<T>(point);
    const LD x = xt;  // the point exactly as T sees it
    INFO(name << " at x = " << static_cast<double>(x));
    const Second<T> s = second_derivative(f, xt);
    CHECK_CLOSE(s.d1, d1(x), tol);
    CHECK_CLOSE(s.forward_d1, d1(x), tol);
    CHECK_CLOSE(s.d2, d2(x), tol);
    const LD fd = test::central_difference([&](LD u) { return reverse_derivative(f, u); }, x, 1e-6L * scale(x));
    CHECK_CLOSE(d2(x), fd, fd2_tol);                // the closed form is right
    CHECK_CLOSE(s.d2, fd, std::max(fd2_tol, tol));  // and so is the tape
    const Second<T> p = second_derivative([&](const auto& v) { return v * f(v); }, xt);
    CHECK_CLOSE(p.d2, 2 * d1(x) + x * d2(x), tol * (1 + std::fabs(static_cast<double>(x))));
  }
}

using VectorLD = Eigen::Matrix<LD, Eigen::Dynamic, 1>;
using MatrixLD = Eigen::Matrix<LD, Eigen::Dynamic, Eigen::Dynamic>;

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
/// each point against a closed form hess(a, b) = (f_aa, f_ab, f_bb) and against fd_hessian.
template <class T, class F, class G, class H, class Points>
void check_second_partials(const char* name, F f, G grad, H hess, const Points& points) {
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
}  // namespace mathtest
