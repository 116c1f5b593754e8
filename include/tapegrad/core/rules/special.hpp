// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Rules of the error functions and of the smooth activations (see rules/common.hpp).
/// sigmoid and softplus are computed from z = e^-|x| <= 1, which never overflows: value
/// and slope are finite and exact to rounding at x = +-1000 and tend to their limits at
/// +-Inf; NaN in gives NaN value and slope.

#include <cmath>

#include "tapegrad/core/rules/common.hpp"

namespace tapegrad::detail::rules {

/// erf x; d/dx = 2/sqrt(pi) e^(-x^2)
struct Erf {
  template <class X>
  static TAPEGRAD_INLINE auto value(const X& x) {
    using std::erf;
    return erf(x);
  }
  template <class X, class V>
  static TAPEGRAD_INLINE auto slope(const X& x, const V&) {
    using std::exp;
    return two_over_sqrt_pi<scalar_t<X>> * exp(-(x * x));
  }
};

/// erfc x = 1 - erf x; d/dx = -2/sqrt(pi) e^(-x^2)
struct Erfc {
  template <class X>
  static TAPEGRAD_INLINE auto value(const X& x) {
    using std::erfc;
    return erfc(x);
  }
  template <class X, class V>
  static TAPEGRAD_INLINE auto slope(const X& x, const V&) {
    using std::exp;
    return -two_over_sqrt_pi<scalar_t<X>> * exp(-(x * x));
  }
};

/// z = e^-|x| in (0, 1], the intermediate of sigmoid and softplus (-|x| by neg_abs, so a
/// Dual keeps its derivative at x = 0).
template <class X>
TAPEGRAD_INLINE auto logistic_z(const X& x) {
  using std::exp;
  return exp(neg_abs(x));
}
/// s(x) = 1/(1 + e^-x) from z = e^-|x|: r = 1/(1 + z) for x >= 0, z r for x < 0.
template <class X, class Z>
TAPEGRAD_INLINE auto logistic_from_z(const X& x, const Z& z) {
  using S = scalar_t<X>;
  const auto r = S(1) / (S(1) + z);
  return where(x >= S(0), r, z * r);
}

/// The logistic function s(x) = 1/(1 + e^-x); d/dx = s(1 - s) = z/(1 + z)^2 = z r^2
struct Sigmoid {
  template <class X>
  static TAPEGRAD_INLINE auto aux(const X& x) {
    return logistic_z(x);
  }
  template <class X, class Z>
  static TAPEGRAD_INLINE auto value(const X& x, const Z& z) {
    return logistic_from_z(x, z);
  }
  template <class X, class V, class Z>
  static TAPEGRAD_INLINE auto slope(const X&, const V&, const Z& z) {
    using S = scalar_t<X>;
    const auto r = S(1) / (S(1) + z);
    return z * r * r;
  }
};

/// softplus(x) = ln(1 + e^x) = max(x, 0) + ln(1 + e^-|x|); d/dx = s(x). The max takes the
/// same branch as z (pos_part and neg_abs), so a Dual's derivative at 0 is s(0) = 1/2.
/// A NaN x gives log1p(z) = NaN, whatever the max of an array makes of it.
struct Softplus {
  template <class X>
  static TAPEGRAD_INLINE auto aux(const X& x) {
    return logistic_z(x);
  }
  template <class X, class Z>
  static TAPEGRAD_INLINE auto value(const X& x, const Z& z) {
    using std::log1p;
    return pos_part(x) + log1p(z);
  }
  template <class X, class V, class Z>
  static TAPEGRAD_INLINE auto slope(const X& x, const V&, const Z& z) {
    return logistic_from_z(x, z);
  }
};

/// logsumexp(x) = m + ln sum_k e^(x_k - m) over an array x, with the shift m = max_k x_k,
/// so that no e^x_k overflows; its gradient is softmax(x) = e^(x - m) / sum_k e^(x_k - m).
/// Reductions have no slope of their own: the callers keep e^(x - m) for the backward.
struct LogSumExp {
  /// e^(x - m) entry by entry, the softmax before normalization
  template <class X, class S>
  static TAPEGRAD_INLINE auto shifted_exp(const X& x, const S& m) {
    using std::exp;
    return exp(x - m);
  }
  /// m + ln(total) with total = sum_k e^(x_k - m)
  template <class S>
  static TAPEGRAD_INLINE S value(const S& m, const S& total) {
    using std::log;
    return m + log(total);
  }
};

}  // namespace tapegrad::detail::rules
