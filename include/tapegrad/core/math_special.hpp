// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Error functions and the smooth activations of neural networks, from their rules in
/// core/rules/special.hpp. sigmoid and softplus are written so that neither value nor
/// derivative overflows: at x = +-1000 both are finite and exact to rounding.

#include <type_traits>

#include "tapegrad/core/math_exp_log.hpp"
#include "tapegrad/core/rules/special.hpp"

namespace tapegrad {

/// erf x; d/dx = 2/sqrt(pi) e^(-x^2)
template <class T, class E>
TAPEGRAD_INLINE auto erf(const Expr<T, E>& x) {
  return detail::unary_rule<detail::rules::Erf>(x);
}
/// erfc x = 1 - erf x; d/dx = -2/sqrt(pi) e^(-x^2)
template <class T, class E>
TAPEGRAD_INLINE auto erfc(const Expr<T, E>& x) {
  return detail::unary_rule<detail::rules::Erfc>(x);
}

/// The logistic function s(x) = 1/(1 + e^-x); d/dx = s(x)(1 - s(x))
template <class T, class E>
TAPEGRAD_INLINE auto sigmoid(const Expr<T, E>& x) {
  return detail::unary_rule<detail::rules::Sigmoid>(x);
}
/// s(x) = 1/(1 + e^-x) for plain numbers (stable for large |x|).
template <class T, class = std::enable_if_t<std::is_floating_point_v<T>>>
TAPEGRAD_INLINE T sigmoid(T x) {
  return detail::rules::value_of<detail::rules::Sigmoid>(x);
}

/// softplus(x) = ln(1 + e^x) = max(x, 0) + ln(1 + e^-|x|); d/dx = s(x)
template <class T, class E>
TAPEGRAD_INLINE auto softplus(const Expr<T, E>& x) {
  return detail::unary_rule<detail::rules::Softplus>(x);
}
/// ln(1 + e^x) for plain numbers (stable for large |x|).
template <class T, class = std::enable_if_t<std::is_floating_point_v<T>>>
TAPEGRAD_INLINE T softplus(T x) {
  return detail::rules::value_of<detail::rules::Softplus>(x);
}

}  // namespace tapegrad
