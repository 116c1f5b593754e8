// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Exponentials, logarithms, powers and roots. Each function computes its value with
/// the std:: function of the same name (so domain errors give the same NaN/Inf) and
/// its derivative on the forward pass; the doc comment states the derivative.
/// Where the derivative formula would be finite although the value is NaN (log of a
/// negative number), the derivative is NaN too, so no finite gradient hides a NaN value.

#include <cmath>
#include <limits>

#include "tapegrad/core/operators.hpp"

namespace tapegrad {
namespace detail {
template <class T>
TAPEGRAD_INLINE T quiet_nan() {
  return std::numeric_limits<T>::quiet_NaN();
}
template <class T>
inline const T ln2 = T(0.693147180559945309417232121458176568L);
template <class T>
inline const T ln10 = T(2.302585092994045684017991454684364208L);
}  // namespace detail

/// e^x; d/dx e^x = e^x
template <class T, class E>
TAPEGRAD_INLINE auto exp(const Expr<T, E>& x) {
  using std::exp;
  const T v = exp(value(x));
  return detail::unary(x, v, v);
}
/// 2^x; d/dx 2^x = ln 2 * 2^x
template <class T, class E>
TAPEGRAD_INLINE auto exp2(const Expr<T, E>& x) {
  using std::exp2;
  const T v = exp2(value(x));
  return detail::unary(x, v, detail::ln2<T> * v);
}
/// e^x - 1 (accurate near 0); d/dx = e^x (computed as e^x: expm1(x) + 1 would lose
/// every digit of e^x where expm1(x) rounds to about -1)
template <class T, class E>
TAPEGRAD_INLINE auto expm1(const Expr<T, E>& x) {
  using std::exp;
  using std::expm1;
  const T u = value(x);
  return detail::unary(x, expm1(u), exp(u));
}
/// ln x; d/dx ln x = 1/x (NaN for x < 0)
template <class T, class E>
TAPEGRAD_INLINE auto log(const Expr<T, E>& x) {
  using std::log;
  const T u = value(x);
  return detail::unary(x, log(u), u < T(0) ? detail::quiet_nan<T>() : T(1) / u);
}
/// log2 x; d/dx = 1/(x ln 2) (NaN for x < 0)
template <class T, class E>
TAPEGRAD_INLINE auto log2(const Expr<T, E>& x) {
  using std::log2;
  const T u = value(x);
  return detail::unary(x, log2(u), u < T(0) ? detail::quiet_nan<T>() : T(1) / (u * detail::ln2<T>));
}
/// log10 x; d/dx = 1/(x ln 10) (NaN for x < 0)
template <class T, class E>
TAPEGRAD_INLINE auto log10(const Expr<T, E>& x) {
  using std::log10;
  const T u = value(x);
  return detail::unary(x, log10(u), u < T(0) ? detail::quiet_nan<T>() : T(1) / (u * detail::ln10<T>));
}
/// ln(1 + x) (accurate near 0); d/dx = 1/(1 + x) (NaN for x < -1)
template <class T, class E>
TAPEGRAD_INLINE auto log1p(const Expr<T, E>& x) {
  using std::log1p;
  const T u = value(x);
  return detail::unary(x, log1p(u), u < T(-1) ? detail::quiet_nan<T>() : T(1) / (T(1) + u));
}
/// sqrt x; d/dx = 1/(2 sqrt x): +Inf at x = 0 (the one-sided limit, also at x = -0,
/// where sqrt gives -0), NaN for x < 0
template <class T, class E>
TAPEGRAD_INLINE auto sqrt(const Expr<T, E>& x) {
  using std::sqrt;
  const T v = sqrt(value(x));
  return detail::unary(x, v, T(0.5) / (v == T(0) ? T(0) : v));
}
/// cube root; d/dx = 1/(3 cbrt(x)^2): +Inf at x = 0
template <class T, class E>
TAPEGRAD_INLINE auto cbrt(const Expr<T, E>& x) {
  using std::cbrt;
  const T v = cbrt(value(x));
  return detail::unary(x, v, T(1) / (T(3) * v * v));
}
/// x^2; d/dx = 2x (cheaper and more exact than pow(x, 2))
template <class T, class E>
TAPEGRAD_INLINE auto square(const Expr<T, E>& x) {
  const T u = value(x);
  return detail::unary(x, u * u, T(2) * u);
}
/// x^2 for plain numbers, so generic code can call square() on both.
template <class T, class = std::enable_if_t<std::is_arithmetic_v<T>>>
TAPEGRAD_INLINE T square(T x) {
  return x * x;
}

/// a^b; d/da = b a^(b-1) (0 when b = 0), d/db = a^b ln a (0 when a = 0; NaN for a < 0)
template <class T, class A, class B>
TAPEGRAD_INLINE auto pow(const Expr<T, A>& a, const Expr<T, B>& b) {
  using std::log;
  using std::pow;
  const T u = value(a), w = value(b), v = pow(u, w);
  const T da = (w == T(0)) ? T(0) : w * pow(u, w - T(1));
  const T db = (u == T(0)) ? T(0) : v * log(u);
  return detail::binary(a, b, v, da, db);
}
/// a^c; d/da = c a^(c-1) (0 when c = 0)
template <class T, class A>
TAPEGRAD_INLINE auto pow(const Expr<T, A>& a, const detail::scalar_arg<T>& c) {
  using std::pow;
  const T u = value(a);
  return detail::unary(a, pow(u, c), (c == T(0)) ? T(0) : c * pow(u, c - T(1)));
}
/// c^b; d/db = c^b ln c (0 when c = 0; NaN for c < 0)
template <class T, class B>
TAPEGRAD_INLINE auto pow(const detail::scalar_arg<T>& c, const Expr<T, B>& b) {
  using std::log;
  using std::pow;
  const T v = pow(c, value(b));
  return detail::unary(b, v, (c == T(0)) ? T(0) : v * log(c));
}

/// sqrt(a^2 + b^2) without overflow; d/da = a/h, d/db = b/h (both 0 at the origin)
template <class T, class A, class B>
TAPEGRAD_INLINE auto hypot(const Expr<T, A>& a, const Expr<T, B>& b) {
  using std::hypot;
  const T u = value(a), w = value(b), h = hypot(u, w);
  const bool origin = (h == T(0));
  return detail::binary(a, b, h, origin ? T(0) : u / h, origin ? T(0) : w / h);
}
/// hypot(a, c); d/da = a/h (0 when h = 0)
template <class T, class A>
TAPEGRAD_INLINE auto hypot(const Expr<T, A>& a, const detail::scalar_arg<T>& c) {
  using std::hypot;
  const T u = value(a), h = hypot(u, c);
  return detail::unary(a, h, (h == T(0)) ? T(0) : u / h);
}
/// hypot(c, b); d/db = b/h (0 when h = 0)
template <class T, class B>
TAPEGRAD_INLINE auto hypot(const detail::scalar_arg<T>& c, const Expr<T, B>& b) {
  using std::hypot;
  const T w = value(b), h = hypot(c, w);
  return detail::unary(b, h, (h == T(0)) ? T(0) : w / h);
}

}  // namespace tapegrad
