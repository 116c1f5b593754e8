// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Exponentials, logarithms, powers and roots. Each function takes its value (the std::
/// function of the same name, so domain errors give the same NaN/Inf) and its derivative
/// from its rule in core/rules/exp_log.hpp, which Dual and MatrixVar use too; the doc
/// comment states the derivative. Outside the domain (log of a negative number) the
/// derivative is NaN like the value, so no finite gradient hides a NaN value.

#include <type_traits>

#include "tapegrad/core/operators.hpp"
#include "tapegrad/core/rules/exp_log.hpp"

namespace tapegrad {

/// e^x; d/dx e^x = e^x
template <class T, class E>
TAPEGRAD_INLINE auto exp(const Expr<T, E>& x) {
  return detail::unary_rule<detail::rules::Exp>(x);
}
/// 2^x; d/dx 2^x = ln 2 * 2^x
template <class T, class E>
TAPEGRAD_INLINE auto exp2(const Expr<T, E>& x) {
  return detail::unary_rule<detail::rules::Exp2>(x);
}
/// e^x - 1 (accurate near 0); d/dx = e^x (computed as e^x: expm1(x) + 1 would lose
/// every digit of e^x where expm1(x) rounds to about -1)
template <class T, class E>
TAPEGRAD_INLINE auto expm1(const Expr<T, E>& x) {
  return detail::unary_rule<detail::rules::Expm1>(x);
}
/// ln x; d/dx ln x = 1/x (NaN for x < 0, +Inf at +-0)
template <class T, class E>
TAPEGRAD_INLINE auto log(const Expr<T, E>& x) {
  return detail::unary_rule<detail::rules::Log>(x);
}
/// log2 x; d/dx = 1/(x ln 2) (NaN for x < 0, +Inf at +-0)
template <class T, class E>
TAPEGRAD_INLINE auto log2(const Expr<T, E>& x) {
  return detail::unary_rule<detail::rules::Log2>(x);
}
/// log10 x; d/dx = 1/(x ln 10) (NaN for x < 0, +Inf at +-0)
template <class T, class E>
TAPEGRAD_INLINE auto log10(const Expr<T, E>& x) {
  return detail::unary_rule<detail::rules::Log10>(x);
}
/// ln(1 + x) (accurate near 0); d/dx = 1/(1 + x) (NaN for x < -1, +Inf at -1)
template <class T, class E>
TAPEGRAD_INLINE auto log1p(const Expr<T, E>& x) {
  return detail::unary_rule<detail::rules::Log1p>(x);
}
/// sqrt x; d/dx = 1/(2 sqrt x): +Inf at x = 0 (the one-sided limit, also at x = -0,
/// where sqrt gives -0), NaN for x < 0
template <class T, class E>
TAPEGRAD_INLINE auto sqrt(const Expr<T, E>& x) {
  return detail::unary_rule<detail::rules::Sqrt>(x);
}
/// cube root; d/dx = 1/(3 cbrt(x)^2): +Inf at x = 0
template <class T, class E>
TAPEGRAD_INLINE auto cbrt(const Expr<T, E>& x) {
  return detail::unary_rule<detail::rules::Cbrt>(x);
}
/// x^2; d/dx = 2x (cheaper and more exact than pow(x, 2))
template <class T, class E>
TAPEGRAD_INLINE auto square(const Expr<T, E>& x) {
  return detail::unary_rule<detail::rules::Square>(x);
}
/// x^2 for plain numbers, so generic code can call square() on both.
template <class T, class = std::enable_if_t<std::is_arithmetic_v<T>>>
TAPEGRAD_INLINE T square(T x) {
  return detail::rules::Square::value(x);
}

/// a^b; d/da = b a^(b-1) (0 when b = 0), d/db = a^b ln a (0 when a = 0; NaN for a < 0)
template <class T, class A, class B>
TAPEGRAD_INLINE auto pow(const Expr<T, A>& a, const Expr<T, B>& b) {
  return detail::binary_rule<detail::rules::Pow>(a, b);
}
/// a^c; d/da = c a^(c-1) (0 when c = 0)
template <class T, class A>
TAPEGRAD_INLINE auto pow(const Expr<T, A>& a, const detail::scalar_arg<T>& c) {
  return detail::binary_rule<detail::rules::Pow>(a, c);
}
/// c^b; d/db = c^b ln c (0 when c = 0; NaN for c < 0)
template <class T, class B>
TAPEGRAD_INLINE auto pow(const detail::scalar_arg<T>& c, const Expr<T, B>& b) {
  return detail::binary_rule<detail::rules::Pow>(c, b);
}

/// sqrt(a^2 + b^2) without overflow; d/da = a/h, d/db = b/h (both 0 at the origin)
template <class T, class A, class B>
TAPEGRAD_INLINE auto hypot(const Expr<T, A>& a, const Expr<T, B>& b) {
  return detail::binary_rule<detail::rules::Hypot>(a, b);
}
/// hypot(a, c); d/da = a/h (0 when h = 0)
template <class T, class A>
TAPEGRAD_INLINE auto hypot(const Expr<T, A>& a, const detail::scalar_arg<T>& c) {
  return detail::binary_rule<detail::rules::Hypot>(a, c);
}
/// hypot(c, b); d/db = b/h (0 when h = 0)
template <class T, class B>
TAPEGRAD_INLINE auto hypot(const detail::scalar_arg<T>& c, const Expr<T, B>& b) {
  return detail::binary_rule<detail::rules::Hypot>(c, b);
}

}  // namespace tapegrad
