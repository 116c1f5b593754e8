// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Helpers shared by the tests: closeness checks that work for float, double and long
/// double with Catch2 v2 and v3, derivatives of one-variable functions on a fresh tape,
/// and a finite-difference reference computed in long double.

#include <cmath>
#include <limits>
#include <utility>

#include "catch_compat.hpp"
#include "tapegrad/tapegrad.hpp"

/// Passes if |actual - expected| <= tol * max(1, |expected|). Values are compared as
/// double (Catch2 v2's matchers take float or double only).
#define CHECK_CLOSE(actual, expected, tol)                                                                      \
  CHECK_THAT(static_cast<double>(actual), WithinRel(static_cast<double>(expected), static_cast<double>(tol)) || \
                                              WithinAbs(static_cast<double>(expected), static_cast<double>(tol)))
#define REQUIRE_CLOSE(actual, expected, tol)                                                                      \
  REQUIRE_THAT(static_cast<double>(actual), WithinRel(static_cast<double>(expected), static_cast<double>(tol)) || \
                                                WithinAbs(static_cast<double>(expected), static_cast<double>(tol)))

namespace test {

/// Tolerance for comparing exact derivatives with closed forms in precision T.
template <class T>
constexpr double exact_tol() {
  return std::numeric_limits<T>::digits <= 24 ? 2e-6 : 1e-13;
}
/// Tolerance for comparing with a long double central difference, as T.
template <class T>
constexpr double fd_tol() {
  return std::numeric_limits<T>::digits <= 24 ? 2e-5 : 1e-8;
}

/// Value and derivative of f at x, recorded on a fresh tape of type T.
template <class T, class F>
std::pair<T, T> value_and_derivative(F&& f, T x) {
  tapegrad::Tape<T> tape;
  const tapegrad::Var<T> v = tape.variable(x);
  const tapegrad::Var<T> y = f(v);
  tape.backward(y);
  return {y.value(), v.grad()};
}

/// Partial derivatives (d/da, d/db) of f(a, b) on a fresh tape.
template <class T, class F>
std::pair<T, T> partials(F&& f, T a, T b) {
  tapegrad::Tape<T> tape;
  const tapegrad::Var<T> va = tape.variable(a), vb = tape.variable(b);
  const tapegrad::Var<T> y = f(va, vb);
  tape.backward(y);
  return {va.grad(), vb.grad()};
}

/// Central difference of a generic f at x, evaluated in long double with step h.
template <class F>
long double central_difference(F&& f, long double x, long double h = 1e-6L) {
  return (static_cast<long double>(f(x + h)) - static_cast<long double>(f(x - h))) / (2 * h);
}

}  // namespace test
