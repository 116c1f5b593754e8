// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Trigonometric and hyperbolic functions and their inverses; each doc comment states
/// the derivative used.

#include <cmath>
#include <limits>

#include "tapegrad/core/math_exp_log.hpp"

namespace tapegrad {

/// sin x; d/dx = cos x
template <class T, class E>
TAPEGRAD_INLINE auto sin(const Expr<T, E>& x) {
  using std::cos;
  using std::sin;
  const T u = value(x);
  return detail::unary(x, sin(u), cos(u));
}
/// cos x; d/dx = -sin x
template <class T, class E>
TAPEGRAD_INLINE auto cos(const Expr<T, E>& x) {
  using std::cos;
  using std::sin;
  const T u = value(x);
  return detail::unary(x, cos(u), -sin(u));
}
/// tan x; d/dx = 1 + tan^2 x
template <class T, class E>
TAPEGRAD_INLINE auto tan(const Expr<T, E>& x) {
  using std::tan;
  const T v = tan(value(x));
  return detail::unary(x, v, T(1) + v * v);
}
/// asin x; d/dx = 1/sqrt(1 - x^2): +Inf at |x| = 1, NaN for |x| > 1
template <class T, class E>
TAPEGRAD_INLINE auto asin(const Expr<T, E>& x) {
  using std::asin;
  using std::sqrt;
  const T u = value(x);
  return detail::unary(x, asin(u), T(1) / sqrt((T(1) - u) * (T(1) + u)));
}
/// acos x; d/dx = -1/sqrt(1 - x^2): -Inf at |x| = 1, NaN for |x| > 1
template <class T, class E>
TAPEGRAD_INLINE auto acos(const Expr<T, E>& x) {
  using std::acos;
  using std::sqrt;
  const T u = value(x);
  return detail::unary(x, acos(u), T(-1) / sqrt((T(1) - u) * (T(1) + u)));
}
/// atan x; d/dx = 1/(1 + x^2)
template <class T, class E>
TAPEGRAD_INLINE auto atan(const Expr<T, E>& x) {
  using std::atan;
  const T u = value(x);
  return detail::unary(x, atan(u), T(1) / (T(1) + u * u));
}
namespace detail {
/// Partials of atan2(y, x): d/dy = x/r^2, d/dx = -y/r^2 with r^2 = x^2 + y^2; both 0 at
/// the origin. Where r^2 would overflow or underflow T (|x|, |y| beyond sqrt(max) or below
/// sqrt(min)) they are computed as (x/r)/r with r = hypot(x, y).
template <class T>
struct Atan2Partials {
  T dy, dx;
};
template <class T>
TAPEGRAD_INLINE Atan2Partials<T> atan2_partials(const T& y, const T& x) {
  using std::hypot;
  const T r2 = x * x + y * y;
  if (r2 >= std::numeric_limits<T>::min() && r2 <= std::numeric_limits<T>::max()) return {x / r2, -y / r2};
  const T r = hypot(x, y);
  if (r == T(0)) return {T(0), T(0)};
  return {x / r / r, -y / r / r};
}
}  // namespace detail

/// atan2(y, x), the angle of the point (x, y); d/dy = x/r^2, d/dx = -y/r^2 with
/// r^2 = x^2 + y^2 (both 0 at the origin; no overflow or underflow in r^2)
template <class T, class Y, class X>
TAPEGRAD_INLINE auto atan2(const Expr<T, Y>& y, const Expr<T, X>& x) {
  using std::atan2;
  const T vy = value(y), vx = value(x);
  const auto d = detail::atan2_partials(vy, vx);
  return detail::binary(y, x, atan2(vy, vx), d.dy, d.dx);
}
/// atan2(y, c); d/dy = c/r^2 (0 at the origin)
template <class T, class Y>
TAPEGRAD_INLINE auto atan2(const Expr<T, Y>& y, const detail::scalar_arg<T>& c) {
  using std::atan2;
  const T vy = value(y);
  return detail::unary(y, atan2(vy, c), detail::atan2_partials(vy, c).dy);
}
/// atan2(c, x); d/dx = -c/r^2 (0 at the origin)
template <class T, class X>
TAPEGRAD_INLINE auto atan2(const detail::scalar_arg<T>& c, const Expr<T, X>& x) {
  using std::atan2;
  const T vx = value(x);
  return detail::unary(x, atan2(c, vx), detail::atan2_partials(c, vx).dx);
}

/// sinh x; d/dx = cosh x
template <class T, class E>
TAPEGRAD_INLINE auto sinh(const Expr<T, E>& x) {
  using std::cosh;
  using std::sinh;
  const T u = value(x);
  return detail::unary(x, sinh(u), cosh(u));
}
/// cosh x; d/dx = sinh x
template <class T, class E>
TAPEGRAD_INLINE auto cosh(const Expr<T, E>& x) {
  using std::cosh;
  using std::sinh;
  const T u = value(x);
  return detail::unary(x, cosh(u), sinh(u));
}
/// tanh x; d/dx = 1 - tanh^2 x
template <class T, class E>
TAPEGRAD_INLINE auto tanh(const Expr<T, E>& x) {
  using std::tanh;
  const T v = tanh(value(x));
  return detail::unary(x, v, T(1) - v * v);
}
/// asinh x; d/dx = 1/sqrt(x^2 + 1) (computed with hypot: no overflow for huge x)
template <class T, class E>
TAPEGRAD_INLINE auto asinh(const Expr<T, E>& x) {
  using std::asinh;
  using std::hypot;
  const T u = value(x);
  return detail::unary(x, asinh(u), T(1) / hypot(u, T(1)));
}
/// acosh x; d/dx = 1/sqrt(x^2 - 1): +Inf at x = 1, NaN for x < 1
template <class T, class E>
TAPEGRAD_INLINE auto acosh(const Expr<T, E>& x) {
  using std::acosh;
  using std::sqrt;
  const T u = value(x);
  return detail::unary(x, acosh(u), T(1) / (sqrt(u - T(1)) * sqrt(u + T(1))));
}
/// atanh x; d/dx = 1/(1 - x^2): +Inf at |x| = 1, NaN for |x| > 1
template <class T, class E>
TAPEGRAD_INLINE auto atanh(const Expr<T, E>& x) {
  using std::atanh;
  const T u = value(x);
  const bool outside = (u < T(-1) || u > T(1));
  return detail::unary(x, atanh(u), outside ? detail::quiet_nan<T>() : T(1) / ((T(1) - u) * (T(1) + u)));
}

}  // namespace tapegrad
