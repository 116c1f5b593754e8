// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Trigonometric and hyperbolic functions and their inverses; each takes its value and
/// derivative from its rule in core/rules/trig.hpp (shared with Dual and MatrixVar), and
/// its doc comment states the derivative.

#include "tapegrad/core/math_exp_log.hpp"
#include "tapegrad/core/rules/trig.hpp"

namespace tapegrad {

/// sin x; d/dx = cos x
template <class T, class E>
TAPEGRAD_INLINE auto sin(const Expr<T, E>& x) {
  return detail::unary_rule<detail::rules::Sin>(x);
}
/// cos x; d/dx = -sin x
template <class T, class E>
TAPEGRAD_INLINE auto cos(const Expr<T, E>& x) {
  return detail::unary_rule<detail::rules::Cos>(x);
}
/// tan x; d/dx = 1 + tan^2 x
template <class T, class E>
TAPEGRAD_INLINE auto tan(const Expr<T, E>& x) {
  return detail::unary_rule<detail::rules::Tan>(x);
}
/// asin x; d/dx = 1/sqrt(1 - x^2): +Inf at |x| = 1, NaN for |x| > 1
template <class T, class E>
TAPEGRAD_INLINE auto asin(const Expr<T, E>& x) {
  return detail::unary_rule<detail::rules::Asin>(x);
}
/// acos x; d/dx = -1/sqrt(1 - x^2): -Inf at |x| = 1, NaN for |x| > 1
template <class T, class E>
TAPEGRAD_INLINE auto acos(const Expr<T, E>& x) {
  return detail::unary_rule<detail::rules::Acos>(x);
}
/// atan x; d/dx = 1/(1 + x^2)
template <class T, class E>
TAPEGRAD_INLINE auto atan(const Expr<T, E>& x) {
  return detail::unary_rule<detail::rules::Atan>(x);
}

/// atan2(y, x), the angle of the point (x, y); d/dy = x/r^2, d/dx = -y/r^2 with
/// r^2 = x^2 + y^2 (both 0 at the origin and at infinity; no overflow or underflow in r^2)
template <class T, class Y, class X>
TAPEGRAD_INLINE auto atan2(const Expr<T, Y>& y, const Expr<T, X>& x) {
  return detail::binary_rule<detail::rules::Atan2>(y, x);
}
/// atan2(y, c); d/dy = c/r^2 (0 at the origin)
template <class T, class Y>
TAPEGRAD_INLINE auto atan2(const Expr<T, Y>& y, const detail::scalar_arg<T>& c) {
  return detail::binary_rule<detail::rules::Atan2>(y, c);
}
/// atan2(c, x); d/dx = -c/r^2 (0 at the origin)
template <class T, class X>
TAPEGRAD_INLINE auto atan2(const detail::scalar_arg<T>& c, const Expr<T, X>& x) {
  return detail::binary_rule<detail::rules::Atan2>(c, x);
}

/// sinh x; d/dx = cosh x
template <class T, class E>
TAPEGRAD_INLINE auto sinh(const Expr<T, E>& x) {
  return detail::unary_rule<detail::rules::Sinh>(x);
}
/// cosh x; d/dx = sinh x
template <class T, class E>
TAPEGRAD_INLINE auto cosh(const Expr<T, E>& x) {
  return detail::unary_rule<detail::rules::Cosh>(x);
}
/// tanh x; d/dx = 1 - tanh^2 x
template <class T, class E>
TAPEGRAD_INLINE auto tanh(const Expr<T, E>& x) {
  return detail::unary_rule<detail::rules::Tanh>(x);
}
/// asinh x; d/dx = 1/sqrt(x^2 + 1) (computed with hypot: no overflow for huge x)
template <class T, class E>
TAPEGRAD_INLINE auto asinh(const Expr<T, E>& x) {
  return detail::unary_rule<detail::rules::Asinh>(x);
}
/// acosh x; d/dx = 1/sqrt(x^2 - 1): +Inf at x = 1, NaN for x < 1
template <class T, class E>
TAPEGRAD_INLINE auto acosh(const Expr<T, E>& x) {
  return detail::unary_rule<detail::rules::Acosh>(x);
}
/// atanh x; d/dx = 1/(1 - x^2): +Inf at |x| = 1, NaN for |x| > 1
template <class T, class E>
TAPEGRAD_INLINE auto atanh(const Expr<T, E>& x) {
  return detail::unary_rule<detail::rules::Atanh>(x);
}

}  // namespace tapegrad
