// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Error functions and the smooth activations of neural networks. sigmoid and
/// softplus are written so that neither value nor derivative overflows: at x = +-1000
/// both are finite and exact to rounding.

#include <cmath>

#include "tapegrad/core/math_exp_log.hpp"

namespace tapegrad {
namespace detail {
template <class T>
inline const T two_over_sqrt_pi = T(1.128379167095512573896158903121545172L);

/// sigmoid and its derivative from z = exp(-|x|) <= 1, which never overflows:
/// s = 1/(1+z) for x >= 0, z/(1+z) for x < 0; s(1 - s) = z/(1+z)^2 in both cases.
template <class T>
TAPEGRAD_INLINE void sigmoid_and_slope(const T& x, T& s, T& slope) {
  using std::exp;
  // exp(x >= 0 ? -x : x), not exp(-abs(x)): abs has derivative 0 at 0, which would drop
  // the second-order part when T is a Dual (sigmoid''(0) and softplus''(0)).
  const T z = exp(x >= T(0) ? T(-x) : x);
  const T r = T(1) / (T(1) + z);
  s = (x >= T(0)) ? r : z * r;
  slope = z * r * r;
}
}  // namespace detail

/// erf x; d/dx = 2/sqrt(pi) e^(-x^2)
template <class T, class E>
TAPEGRAD_INLINE auto erf(const Expr<T, E>& x) {
  using std::erf;
  using std::exp;
  const T u = value(x);
  return detail::unary(x, erf(u), detail::two_over_sqrt_pi<T> * exp(-u * u));
}
/// erfc x = 1 - erf x; d/dx = -2/sqrt(pi) e^(-x^2)
template <class T, class E>
TAPEGRAD_INLINE auto erfc(const Expr<T, E>& x) {
  using std::erfc;
  using std::exp;
  const T u = value(x);
  return detail::unary(x, erfc(u), -detail::two_over_sqrt_pi<T> * exp(-u * u));
}

/// The logistic function s(x) = 1/(1 + e^-x); d/dx = s(x)(1 - s(x))
template <class T, class E>
TAPEGRAD_INLINE auto sigmoid(const Expr<T, E>& x) {
  T s, slope;
  detail::sigmoid_and_slope(value(x), s, slope);
  return detail::unary(x, s, slope);
}
/// s(x) = 1/(1 + e^-x) for plain numbers (stable for large |x|).
template <class T, class = std::enable_if_t<std::is_floating_point_v<T>>>
TAPEGRAD_INLINE T sigmoid(T x) {
  T s, slope;
  detail::sigmoid_and_slope(x, s, slope);
  return s;
}

/// softplus(x) = ln(1 + e^x) = max(x, 0) + ln(1 + e^-|x|); d/dx = s(x)
template <class T, class E>
TAPEGRAD_INLINE auto softplus(const Expr<T, E>& x) {
  using std::exp;
  using std::log1p;
  const T u = value(x);
  T s, slope;
  detail::sigmoid_and_slope(u, s, slope);
  return detail::unary(x, u > T(0) ? T(u + log1p(exp(-u))) : T(log1p(exp(u))), s);
}
/// ln(1 + e^x) for plain numbers (stable for large |x|).
template <class T, class = std::enable_if_t<std::is_floating_point_v<T>>>
TAPEGRAD_INLINE T softplus(T x) {
  using std::exp;
  using std::log1p;
  return x > T(0) ? x + log1p(exp(-x)) : log1p(exp(x));
}

}  // namespace tapegrad
