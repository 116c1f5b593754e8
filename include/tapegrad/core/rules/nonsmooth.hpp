// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Rules of the functions with kinks or jumps (see rules/common.hpp). At a kink the
/// derivative is a documented choice:
/// - abs, fabs, relu at 0 (either sign): 0, the subgradient PyTorch and Stan use; at NaN
///   the value is NaN and the slope 0 (a comparison with NaN is false);
/// - max, min, fmax, fmin on a tie: 1/2 to each argument, the mean of the one-sided
///   derivatives, so max(x, x) has derivative 1 as x does; NaN arguments follow std::
///   (max/min return the first argument, fmax/fmin the number) and the selected argument
///   gets derivative 1;
/// - floor, ceil, trunc, round: slope 0 (piecewise constant).

#include <cmath>

#include "tapegrad/core/rules/common.hpp"

namespace tapegrad::detail::rules {

/// |x|; d/dx = sign(x), 0 at x = 0
struct Abs {
  template <class X>
  static TAPEGRAD_INLINE auto value(const X& x) {
    using std::abs;
    return abs(x);
  }
  template <class X, class V>
  static TAPEGRAD_INLINE auto slope(const X& x, const V&) {
    using S = scalar_t<X>;
    return indicator<S>(x > S(0)) - indicator<S>(x < S(0));
  }
};

/// max(x, 0) (NaN stays NaN); d/dx = 1 for x > 0, else 0
struct Relu {
  template <class X>
  static TAPEGRAD_INLINE auto value(const X& x) {
    using S = scalar_t<X>;
    return where(x <= S(0), S(0), x);
  }
  template <class X, class V>
  static TAPEGRAD_INLINE auto slope(const X& x, const V&) {
    using S = scalar_t<X>;
    return indicator<S>(x > S(0));
  }
};

/// The derivative of a selection such as max(a, b): 1 to the selected argument, 1/2 to
/// each on a tie (a == b, so +0 and -0 tie too).
template <class T>
TAPEGRAD_INLINE T selected(const T& a, const T& b, bool pick) {
  return a == b ? T(0.5) : (pick ? T(1) : T(0));
}

/// A selection rule: value, d/da and d/db from Pick::picks_a(a, b), whether a is the
/// argument returned (max, min, fmax, fmin differ only there).
template <class Pick>
struct Selection {
  template <class T>
  static TAPEGRAD_INLINE T value(const T& a, const T& b) {
    return Pick::picks_a(a, b) ? a : b;
  }
  template <class T>
  static TAPEGRAD_INLINE T da(const T& a, const T& b, const T&) {
    return selected(a, b, Pick::picks_a(a, b));
  }
  template <class T>
  static TAPEGRAD_INLINE T db(const T& a, const T& b, const T&) {
    return selected(a, b, !Pick::picks_a(a, b));
  }
};

/// max(a, b), which returns a unless a < b (std::max); d/da = 1 where a is selected
struct Max : Selection<Max> {
  template <class T>
  static TAPEGRAD_INLINE bool picks_a(const T& a, const T& b) {
    return !(a < b);
  }
};

/// min(a, b), which returns a unless b < a (std::min); d/da = 1 where a is selected
struct Min : Selection<Min> {
  template <class T>
  static TAPEGRAD_INLINE bool picks_a(const T& a, const T& b) {
    return !(b < a);
  }
};

/// fmax(a, b): max, but a NaN argument loses to a number (both NaN: a)
struct Fmax : Selection<Fmax> {
  template <class T>
  static TAPEGRAD_INLINE bool picks_a(const T& a, const T& b) {
    using std::isnan;
    return isnan(b) || (!isnan(a) && !(a < b));
  }
};

/// fmin(a, b): min, but a NaN argument loses to a number (both NaN: a)
struct Fmin : Selection<Fmin> {
  template <class T>
  static TAPEGRAD_INLINE bool picks_a(const T& a, const T& b) {
    using std::isnan;
    return isnan(b) || (!isnan(a) && !(b < a));
  }
};

/// Rounding: value floor/ceil/trunc/round x, slope 0.
#define TAPEGRAD_ROUNDING_RULE(RULE, NAME)                  \
  struct RULE {                                             \
    template <class X>                                      \
    static TAPEGRAD_INLINE auto value(const X& x) {         \
      using std::NAME;                                      \
      return NAME(x);                                       \
    }                                                       \
    template <class X, class V>                             \
    static TAPEGRAD_INLINE auto slope(const X&, const V&) { \
      return scalar_t<X>(0);                                \
    }                                                       \
  };
/// floor x; slope 0
TAPEGRAD_ROUNDING_RULE(Floor, floor)
/// ceil x; slope 0
TAPEGRAD_ROUNDING_RULE(Ceil, ceil)
/// trunc x; slope 0
TAPEGRAD_ROUNDING_RULE(Trunc, trunc)
/// round x (halves away from 0); slope 0
TAPEGRAD_ROUNDING_RULE(Round, round)
#undef TAPEGRAD_ROUNDING_RULE

}  // namespace tapegrad::detail::rules
