// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Rules of the trigonometric and hyperbolic functions and their inverses (see
/// rules/common.hpp). Values are the std:: functions. Edges: at the ends of the domains of
/// asin, acos, acosh, atanh the slope is the one-sided limit (+-Inf); outside them, where
/// the value is NaN, the slope is NaN; atan2 has partials 0 at the origin and at infinity,
/// and never overflows or underflows in x^2 + y^2.

#include <cmath>
#include <limits>

#include "tapegrad/core/rules/common.hpp"

namespace tapegrad::detail::rules {

/// sin x; d/dx = cos x
struct Sin {
  template <class X>
  static TAPEGRAD_INLINE auto value(const X& x) {
    using std::sin;
    return sin(x);
  }
  template <class X, class V>
  static TAPEGRAD_INLINE auto slope(const X& x, const V&) {
    using std::cos;
    return cos(x);
  }
};

/// cos x; d/dx = -sin x
struct Cos {
  template <class X>
  static TAPEGRAD_INLINE auto value(const X& x) {
    using std::cos;
    return cos(x);
  }
  template <class X, class V>
  static TAPEGRAD_INLINE auto slope(const X& x, const V&) {
    using std::sin;
    return -sin(x);
  }
};

/// tan x; d/dx = 1 + tan^2 x
struct Tan {
  template <class X>
  static TAPEGRAD_INLINE auto value(const X& x) {
    using std::tan;
    return tan(x);
  }
  template <class X, class V>
  static TAPEGRAD_INLINE auto slope(const X&, const V& v) {
    return scalar_t<X>(1) + v * v;
  }
};

/// asin x; d/dx = 1/sqrt(1 - x^2): +Inf at |x| = 1, NaN for |x| > 1
struct Asin {
  template <class X>
  static TAPEGRAD_INLINE auto value(const X& x) {
    using std::asin;
    return asin(x);
  }
  template <class X, class V>
  static TAPEGRAD_INLINE auto slope(const X& x, const V&) {
    using S = scalar_t<X>;
    using std::sqrt;
    return S(1) / sqrt((S(1) - x) * (S(1) + x));
  }
};

/// acos x; d/dx = -1/sqrt(1 - x^2): -Inf at |x| = 1, NaN for |x| > 1
struct Acos {
  template <class X>
  static TAPEGRAD_INLINE auto value(const X& x) {
    using std::acos;
    return acos(x);
  }
  template <class X, class V>
  static TAPEGRAD_INLINE auto slope(const X& x, const V&) {
    using S = scalar_t<X>;
    using std::sqrt;
    return S(-1) / sqrt((S(1) - x) * (S(1) + x));
  }
};

/// atan x; d/dx = 1/(1 + x^2)
struct Atan {
  template <class X>
  static TAPEGRAD_INLINE auto value(const X& x) {
    using std::atan;
    return atan(x);
  }
  template <class X, class V>
  static TAPEGRAD_INLINE auto slope(const X& x, const V&) {
    using S = scalar_t<X>;
    return S(1) / (S(1) + x * x);
  }
};

/// Partials of atan2(y, x): d/dy = x/r^2, d/dx = -y/r^2 with r^2 = x^2 + y^2. Where r^2
/// would overflow or underflow T (|x|, |y| beyond sqrt(max) or below sqrt(min)) they are
/// (x/r)/r with r = hypot(x, y); both are 0 at the origin and at infinity (their limits).
template <class T>
struct Atan2Partials {
  T dy, dx;
};
template <class T>
TAPEGRAD_INLINE Atan2Partials<T> atan2_partials(const T& y, const T& x) {
  using std::hypot;
  using std::isinf;
  const T r2 = x * x + y * y;
  if (r2 >= std::numeric_limits<T>::min() && r2 <= std::numeric_limits<T>::max()) return {x / r2, -y / r2};
  const T r = hypot(x, y);
  if (r == T(0) || isinf(r)) return {T(0), T(0)};
  return {x / r / r, -y / r / r};
}

/// atan2(y, x), the angle of the point (x, y); d/dy = x/r^2, d/dx = -y/r^2 (see
/// atan2_partials). Its first argument is y: da is d/dy, db is d/dx.
struct Atan2 {
  template <class T>
  static TAPEGRAD_INLINE T value(const T& y, const T& x) {
    using std::atan2;
    return atan2(y, x);
  }
  template <class T>
  static TAPEGRAD_INLINE T da(const T& y, const T& x, const T&) {
    return atan2_partials(y, x).dy;
  }
  template <class T>
  static TAPEGRAD_INLINE T db(const T& y, const T& x, const T&) {
    return atan2_partials(y, x).dx;
  }
};

/// sinh x; d/dx = cosh x
struct Sinh {
  template <class X>
  static TAPEGRAD_INLINE auto value(const X& x) {
    using std::sinh;
    return sinh(x);
  }
  template <class X, class V>
  static TAPEGRAD_INLINE auto slope(const X& x, const V&) {
    using std::cosh;
    return cosh(x);
  }
};

/// cosh x; d/dx = sinh x
struct Cosh {
  template <class X>
  static TAPEGRAD_INLINE auto value(const X& x) {
    using std::cosh;
    return cosh(x);
  }
  template <class X, class V>
  static TAPEGRAD_INLINE auto slope(const X& x, const V&) {
    using std::sinh;
    return sinh(x);
  }
};

/// tanh x; d/dx = 1 - tanh^2 x
struct Tanh {
  template <class X>
  static TAPEGRAD_INLINE auto value(const X& x) {
    using std::tanh;
    return tanh(x);
  }
  template <class X, class V>
  static TAPEGRAD_INLINE auto slope(const X&, const V& v) {
    return scalar_t<X>(1) - v * v;
  }
};

/// asinh x; d/dx = 1/sqrt(x^2 + 1), computed as 1/hypot(x, 1): no overflow for huge x
struct Asinh {
  template <class X>
  static TAPEGRAD_INLINE auto value(const X& x) {
    using std::asinh;
    return asinh(x);
  }
  template <class X, class V>
  static TAPEGRAD_INLINE auto slope(const X& x, const V&) {
    using S = scalar_t<X>;
    using std::hypot;
    return S(1) / hypot(x, S(1));
  }
};

/// acosh x; d/dx = 1/(sqrt(x - 1) sqrt(x + 1)) (no overflow for huge x): +Inf at x = 1,
/// NaN for x < 1
struct Acosh {
  template <class X>
  static TAPEGRAD_INLINE auto value(const X& x) {
    using std::acosh;
    return acosh(x);
  }
  template <class X, class V>
  static TAPEGRAD_INLINE auto slope(const X& x, const V&) {
    using S = scalar_t<X>;
    using std::sqrt;
    return S(1) / (sqrt(x - S(1)) * sqrt(x + S(1)));
  }
};

/// atanh x; d/dx = 1/(1 - x^2) with 1 - x^2 = (1 - x)(1 + x) (exact near |x| = 1): +Inf
/// at |x| = 1, NaN for |x| > 1, where (1 - x)(1 + x) < 0
struct Atanh {
  template <class X>
  static TAPEGRAD_INLINE auto value(const X& x) {
    using std::atanh;
    return atanh(x);
  }
  template <class X, class V>
  static TAPEGRAD_INLINE auto slope(const X& x, const V&) {
    using S = scalar_t<X>;
    const auto d = (S(1) - x) * (S(1) + x);
    return where(d < S(0), quiet_nan<S>(), S(1) / d);
  }
};

}  // namespace tapegrad::detail::rules
