// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Functions with kinks or jumps. At a kink the derivative is a documented choice:
/// - abs, fabs, relu at 0: 0 (the subgradient PyTorch and Stan use);
/// - min, max, fmin, fmax on a tie: 1/2 to each argument, the mean of the one-sided
///   derivatives, so max(x, x) has derivative 1 as x does;
/// - floor, ceil, trunc, round: 0 (they return a constant, nothing is recorded).
/// NaN arguments follow std:: (max/min return the first argument, fmax/fmin the number).

#include <cmath>

#include "tapegrad/core/math_exp_log.hpp"

namespace tapegrad {

/// |x|; d/dx = sign(x), 0 at x = 0
template <class T, class E>
TAPEGRAD_INLINE auto abs(const Expr<T, E>& x) {
  using std::abs;
  const T u = value(x);
  return detail::unary(x, abs(u), u > T(0) ? T(1) : (u < T(0) ? T(-1) : T(0)));
}
/// |x| (same as abs)
template <class T, class E>
TAPEGRAD_INLINE auto fabs(const Expr<T, E>& x) {
  return abs(x);
}
/// max(x, 0); d/dx = 1 for x > 0, else 0
template <class T, class E>
TAPEGRAD_INLINE auto relu(const Expr<T, E>& x) {
  const T u = value(x);
  return detail::unary(x, u <= T(0) ? T(0) : u, u > T(0) ? T(1) : T(0));
}
/// max(x, 0) for plain numbers, so generic code can call relu() on both.
template <class T, class = std::enable_if_t<std::is_arithmetic_v<T>>>
TAPEGRAD_INLINE T relu(T x) {
  return x <= T(0) ? T(0) : x;
}

namespace detail {
/// Value and partials of a selection such as max(a, b).
template <class T>
struct Selection {
  T value, da, db;
};
/// The selected argument gets derivative 1; on a tie each gets 1/2.
template <class T>
TAPEGRAD_INLINE Selection<T> select(const T& a, const T& b, bool pick_a) {
  if (a == b) return {a, T(0.5), T(0.5)};
  return pick_a ? Selection<T>{a, T(1), T(0)} : Selection<T>{b, T(0), T(1)};
}
template <class T>
TAPEGRAD_INLINE Selection<T> max_rule(const T& a, const T& b) {
  return select(a, b, !(a < b));  // std::max returns a unless a < b
}
template <class T>
TAPEGRAD_INLINE Selection<T> min_rule(const T& a, const T& b) {
  return select(a, b, !(b < a));  // std::min returns a unless b < a
}
template <class T>
TAPEGRAD_INLINE Selection<T> fmax_rule(const T& a, const T& b) {
  using std::isnan;
  return select(a, b, isnan(b) || (!isnan(a) && !(a < b)));  // a NaN loses to a number
}
template <class T>
TAPEGRAD_INLINE Selection<T> fmin_rule(const T& a, const T& b) {
  using std::isnan;
  return select(a, b, isnan(b) || (!isnan(a) && !(b < a)));
}
}  // namespace detail

// Each selection in four forms: two expressions, expression and constant, constant and
// expression, and two expressions of the same type (Var and Var, or two nodes such as
// x * 2 and y * 2): an exact match, so that generic code's `using std::max; max(a, b)`
// picks it rather than std::max<E>, which would return one operand whole.
#define TAPEGRAD_SELECTION(NAME)                                                       \
  template <class T, class A, class B>                                                 \
  TAPEGRAD_INLINE auto NAME(const Expr<T, A>& a, const Expr<T, B>& b) {                \
    const auto s = detail::NAME##_rule<T>(value(a), value(b));                         \
    return detail::binary(a, b, s.value, s.da, s.db);                                  \
  }                                                                                    \
  template <class T, class A>                                                          \
  TAPEGRAD_INLINE auto NAME(const Expr<T, A>& a, const detail::scalar_arg<T>& c) {     \
    const auto s = detail::NAME##_rule<T>(value(a), c);                                \
    return detail::unary(a, s.value, s.da);                                            \
  }                                                                                    \
  template <class T, class B>                                                          \
  TAPEGRAD_INLINE auto NAME(const detail::scalar_arg<T>& c, const Expr<T, B>& b) {     \
    const auto s = detail::NAME##_rule<T>(c, value(b));                                \
    return detail::unary(b, s.value, s.db);                                            \
  }                                                                                    \
  template <class T, template <class...> class E, class... Args,                      \
            class = std::enable_if_t<detail::is_expression<E<T, Args...>>::value>>     \
  TAPEGRAD_INLINE auto NAME(const E<T, Args...>& a, const E<T, Args...>& b) {          \
    const auto s = detail::NAME##_rule<T>(a.value(), b.value());                       \
    return detail::binary(a, b, s.value, s.da, s.db);                                  \
  }
/// max(a, b); derivative 1 to the larger argument, 1/2 to each on a tie
TAPEGRAD_SELECTION(max)
/// min(a, b); derivative 1 to the smaller argument, 1/2 to each on a tie
TAPEGRAD_SELECTION(min)
/// fmax(a, b): max, but a NaN argument loses to a number
TAPEGRAD_SELECTION(fmax)
/// fmin(a, b): min, but a NaN argument loses to a number
TAPEGRAD_SELECTION(fmin)
#undef TAPEGRAD_SELECTION

/// Rounding: derivative 0 almost everywhere, so the result is a constant.
#define TAPEGRAD_ROUNDING(NAME)                                   \
  /** NAME of the value; a constant (derivative 0) */            \
  template <class T, class E>                                     \
  TAPEGRAD_INLINE Var<T> NAME(const Expr<T, E>& x) {              \
    using std::NAME;                                              \
    return Var<T>(NAME(value(x)));                                \
  }
TAPEGRAD_ROUNDING(floor)
TAPEGRAD_ROUNDING(ceil)
TAPEGRAD_ROUNDING(trunc)
TAPEGRAD_ROUNDING(round)
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
