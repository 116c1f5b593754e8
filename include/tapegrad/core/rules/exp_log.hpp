// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Rules of the exponentials, logarithms, powers and roots (see rules/common.hpp for what a
/// rule is). Values are the std:: functions, so domain errors give std::'s NaN and Inf.
/// Edges: outside the domain, where the value is NaN, the slope is NaN too (never a finite
/// slope beside a NaN value); at a domain end the slope is the one-sided limit (+Inf for
/// log at +-0, log1p at -1, sqrt and cbrt at +-0).

#include <cmath>

#include "tapegrad/core/rules/common.hpp"

namespace tapegrad::detail::rules {

/// e^x; d/dx = e^x
struct Exp {
  template <class X>
  static TAPEGRAD_INLINE auto value(const X& x) {
    using std::exp;
    return exp(x);
  }
  template <class X, class V>
  static TAPEGRAD_INLINE auto slope(const X&, const V& v) {
    return v;
  }
};

/// 2^x; d/dx = ln 2 * 2^x
struct Exp2 {
  template <class X>
  static TAPEGRAD_INLINE auto value(const X& x) {
    using std::exp2;
    return exp2(x);
  }
  template <class X, class V>
  static TAPEGRAD_INLINE auto slope(const X&, const V& v) {
    return ln2<scalar_t<X>> * v;
  }
};

/// e^x - 1; d/dx = e^x, computed as e^x: expm1(x) + 1 would lose every digit where
/// expm1(x) rounds to -1 (x << 0)
struct Expm1 {
  template <class X>
  static TAPEGRAD_INLINE auto value(const X& x) {
    using std::expm1;
    return expm1(x);
  }
  template <class X, class V>
  static TAPEGRAD_INLINE auto slope(const X& x, const V&) {
    using std::exp;
    return exp(x);
  }
};

/// ln x; d/dx = 1/x: NaN for x < 0, +Inf at +-0 (x + 0 turns -0 into +0)
struct Log {
  template <class X>
  static TAPEGRAD_INLINE auto value(const X& x) {
    using std::log;
    return log(x);
  }
  template <class X, class V>
  static TAPEGRAD_INLINE auto slope(const X& x, const V&) {
    using S = scalar_t<X>;
    return where(x < S(0), quiet_nan<S>(), S(1) / (x + S(0)));
  }
};

/// log2 x; d/dx = 1/(x ln 2): NaN for x < 0, +Inf at +-0
struct Log2 {
  template <class X>
  static TAPEGRAD_INLINE auto value(const X& x) {
    using std::log2;
    return log2(x);
  }
  template <class X, class V>
  static TAPEGRAD_INLINE auto slope(const X& x, const V&) {
    using S = scalar_t<X>;
    return where(x < S(0), quiet_nan<S>(), S(1) / ((x + S(0)) * ln2<S>));
  }
};

/// log10 x; d/dx = 1/(x ln 10): NaN for x < 0, +Inf at +-0
struct Log10 {
  template <class X>
  static TAPEGRAD_INLINE auto value(const X& x) {
    using std::log10;
    return log10(x);
  }
  template <class X, class V>
  static TAPEGRAD_INLINE auto slope(const X& x, const V&) {
    using S = scalar_t<X>;
    return where(x < S(0), quiet_nan<S>(), S(1) / ((x + S(0)) * ln10<S>));
  }
};

/// ln(1 + x), accurate near 0; d/dx = 1/(1 + x): NaN for x < -1, +Inf at -1
struct Log1p {
  template <class X>
  static TAPEGRAD_INLINE auto value(const X& x) {
    using std::log1p;
    return log1p(x);
  }
  template <class X, class V>
  static TAPEGRAD_INLINE auto slope(const X& x, const V&) {
    using S = scalar_t<X>;
    return where(x < S(-1), quiet_nan<S>(), S(1) / (S(1) + x));
  }
};

/// sqrt x; d/dx = 1/(2 sqrt x): +Inf at +-0 (the one-sided limit; sqrt(-0) is -0, and
/// v + 0 turns it into +0), NaN for x < 0 (v is NaN). On arrays the IEEE square root of
/// every entry: Eigen's fast-math kernel (float, and double with AVX-512) is an
/// approximation that is not correctly rounded, gives NaN at +Inf and flushes subnormals.
struct Sqrt {
  template <class X>
  static TAPEGRAD_INLINE auto value(const X& x) {
    using std::sqrt;
    if constexpr (is_array<X>::value) {
      return x.unaryExpr([](const scalar_t<X>& e) {
        using std::sqrt;
        return sqrt(e);
      });
    } else {
      return sqrt(x);
    }
  }
  template <class X, class V>
  static TAPEGRAD_INLINE auto slope(const X&, const V& v) {
    using S = scalar_t<X>;
    return S(0.5) / (v + S(0));
  }
};

/// cube root; d/dx = 1/(3 cbrt(x)^2): +Inf at +-0
struct Cbrt {
  template <class X>
  static TAPEGRAD_INLINE auto value(const X& x) {
    using std::cbrt;
    return cbrt(x);
  }
  template <class X, class V>
  static TAPEGRAD_INLINE auto slope(const X&, const V& v) {
    using S = scalar_t<X>;
    return S(1) / (S(3) * v * v);
  }
};

/// x^2; d/dx = 2x
struct Square {
  template <class X>
  static TAPEGRAD_INLINE auto value(const X& x) {
    return x * x;
  }
  template <class X, class V>
  static TAPEGRAD_INLINE auto slope(const X& x, const V&) {
    return scalar_t<X>(2) * x;
  }
};

/// a^b; d/da = b a^(b-1), 0 when b = 0 (also at a = 0, where it would be 0 * Inf);
/// d/db = a^b ln a, 0 when a = 0 (the limit for b > 0) and NaN for a < 0
struct Pow {
  template <class T>
  static TAPEGRAD_INLINE T value(const T& a, const T& b) {
    using std::pow;
    return pow(a, b);
  }
  template <class T>
  static TAPEGRAD_INLINE T da(const T& a, const T& b, const T&) {
    using std::pow;
    return b == T(0) ? T(0) : T(b * pow(a, b - T(1)));
  }
  template <class T>
  static TAPEGRAD_INLINE T db(const T& a, const T&, const T& v) {
    using std::log;
    return a == T(0) ? T(0) : T(v * log(a));
  }
};

/// sqrt(a^2 + b^2) without overflow or underflow; d/da = a/h, d/db = b/h, both 0 at the
/// origin (h = 0); at an infinite argument its own partial is NaN (Inf/Inf), the other's 0
struct Hypot {
  template <class T>
  static TAPEGRAD_INLINE T value(const T& a, const T& b) {
    using std::hypot;
    return hypot(a, b);
  }
  template <class T>
  static TAPEGRAD_INLINE T da(const T& a, const T&, const T& h) {
    return h == T(0) ? T(0) : T(a / h);
  }
  template <class T>
  static TAPEGRAD_INLINE T db(const T&, const T& b, const T& h) {
    return h == T(0) ? T(0) : T(b / h);
  }
};

}  // namespace tapegrad::detail::rules
