// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Functions with kinks or jumps, from their rules in core/rules/nonsmooth.hpp. At a kink
/// the derivative is a documented choice:
/// - abs, fabs, relu at 0: 0 (the subgradient PyTorch and Stan use);
/// - min, max, fmin, fmax on a tie: 1/2 to each argument, the mean of the one-sided
///   derivatives, so max(x, x) has derivative 1 as x does;
/// - floor, ceil, trunc, round: 0 (they return a constant, nothing is recorded).
/// NaN arguments follow std:: (max/min return the first argument, fmax/fmin the number).

#include <cmath>
#include <type_traits>

#include "tapegrad/core/math_exp_log.hpp"
#include "tapegrad/core/rules/nonsmooth.hpp"

namespace tapegrad {

/// |x|; d/dx = sign(x), 0 at x = 0
template <class T, class E>
TAPEGRAD_INLINE auto abs(const Expr<T, E>& x) {
  return detail::unary_rule<detail::rules::Abs>(x);
}
/// |x| (same as abs)
template <class T, class E>
TAPEGRAD_INLINE auto fabs(const Expr<T, E>& x) {
  return abs(x);
}
/// max(x, 0); d/dx = 1 for x > 0, else 0
template <class T, class E>
TAPEGRAD_INLINE auto relu(const Expr<T, E>& x) {
  return detail::unary_rule<detail::rules::Relu>(x);
}
/// max(x, 0) for plain numbers, so generic code can call relu() on both.
template <class T, class = std::enable_if_t<std::is_arithmetic_v<T>>>
TAPEGRAD_INLINE T relu(T x) {
  return detail::rules::Relu::value(x);
}

// Each selection in four forms: two expressions, expression and constant, constant and
// expression, and two expressions of the same type (Var and Var, or two nodes such as
// x * 2 and y * 2): an exact match, so that generic code's `using std::max; max(a, b)`
// picks it rather than std::max<E>, which would return one operand whole.
#define TAPEGRAD_SELECTION(NAME, RULE)                                             \
  template <class T, class A, class B>                                             \
  TAPEGRAD_INLINE auto NAME(const Expr<T, A>& a, const Expr<T, B>& b) {            \
    return detail::binary_rule<detail::rules::RULE>(a, b);                         \
  }                                                                                \
  template <class T, class A>                                                      \
  TAPEGRAD_INLINE auto NAME(const Expr<T, A>& a, const detail::scalar_arg<T>& c) { \
    return detail::binary_rule<detail::rules::RULE>(a, c);                         \
  }                                                                                \
  template <class T, class B>                                                      \
  TAPEGRAD_INLINE auto NAME(const detail::scalar_arg<T>& c, const Expr<T, B>& b) { \
    return detail::binary_rule<detail::rules::RULE>(c, b);                         \
  }                                                                                \
  template <class T, template <class...> class E, class... Args,                   \
            class = std::enable_if_t<detail::is_expression<E<T, Args...>>::value>> \
  TAPEGRAD_INLINE auto NAME(const E<T, Args...>& a, const E<T, Args...>& b) {      \
    return detail::binary_rule<detail::rules::RULE>(a, b);                         \
  }
/// max(a, b); derivative 1 to the larger argument, 1/2 to each on a tie
TAPEGRAD_SELECTION(max, Max)
/// min(a, b); derivative 1 to the smaller argument, 1/2 to each on a tie
TAPEGRAD_SELECTION(min, Min)
/// fmax(a, b): max, but a NaN argument loses to a number
TAPEGRAD_SELECTION(fmax, Fmax)
/// fmin(a, b): min, but a NaN argument loses to a number
TAPEGRAD_SELECTION(fmin, Fmin)
#undef TAPEGRAD_SELECTION

/// Rounding: derivative 0 almost everywhere, so the result is a constant.
#define TAPEGRAD_ROUNDING(NAME, RULE)                    \
  /** NAME of the value; a constant (derivative 0) */    \
  template <class T, class E>                            \
  TAPEGRAD_INLINE Var<T> NAME(const Expr<T, E>& x) {     \
    return Var<T>(detail::rules::RULE::value(value(x))); \
  }
TAPEGRAD_ROUNDING(floor, Floor)
TAPEGRAD_ROUNDING(ceil, Ceil)
TAPEGRAD_ROUNDING(trunc, Trunc)
TAPEGRAD_ROUNDING(round, Round)
#undef TAPEGRAD_ROUNDING

/// Classification looks at the value.
template <class T, class E>
TAPEGRAD_INLINE bool isnan(const Expr<T, E>& x) {
  using std::isnan;
  return isnan(value(x));
}
/// True if the value is +-Inf.
template <class T, class E>
TAPEGRAD_INLINE bool isinf(const Expr<T, E>& x) {
  using std::isinf;
  return isinf(value(x));
}
/// True if the value is neither NaN nor +-Inf.
template <class T, class E>
TAPEGRAD_INLINE bool isfinite(const Expr<T, E>& x) {
  using std::isfinite;
  return isfinite(value(x));
}

}  // namespace tapegrad
