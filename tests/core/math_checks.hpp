// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

// The checks every primitive-function test uses (tests/core/math_*.test.cpp): a value
// equals std:: bit for bit in T, a derivative is within k ulps of its closed form (in
// long double) and matches a central difference.

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <iomanip>
#include <limits>
#include <utility>

#include "test_support.hpp"

namespace mathtest {
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

/// Step scales for central differences: the distance over which f' changes by O(f').
inline const auto unit_or_size = [](LD x) { return std::max(LD(1), std::fabs(x)); };

/// Checks a unary primitive f (a generic lambda: std:: for numbers, tapegrad for Vars) at
/// every point: the value equals f(x) computed by std:: in T exactly; the derivative is
/// within k ulps of T of `closed_form` (long double at the same x) and within fd_tol of a
/// central difference with step 1e-6 * scale(x).
template <class T, class F, class D, class S>
void check_unary(const char* name, F f, D closed_form, S scale, std::initializer_list<LD> points, LD k = 16) {
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

/// Checks a binary primitive f(a, b) at every point, in all its forms: (Var, Var), then
/// (expression, expression), (Var, T) and (T, Var). Values equal std:: in T exactly;
/// partials are within k ulps of the closed forms da, db and match central differences
/// with step 1e-6 * scale(a, b).
template <class T, class F, class DA, class DB, class S>
void check_binary(const char* name, F f, DA da, DB db, S scale, std::initializer_list<std::pair<LD, LD>> points,
                  LD k = 16) {
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

/// Value and derivative of f at x (f takes a Var<T>).
template <class T, class F>
std::pair<T, T> at(F f, T x) {
  return test::value_and_derivative<T>([&](const Var<T>& v) { return Var<T>(f(v)); }, x);
}

template <class T>
inline constexpr T inf = std::numeric_limits<T>::infinity();
}  // namespace mathtest
