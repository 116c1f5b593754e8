// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Rules of + - * / (see rules/common.hpp): the partials that both the tape (Var) and the
/// forward-mode numbers (Dual) use. A constant operand of a Var has no partial; the
/// others are these with the constant's value. IEEE arithmetic decides every edge: a / 0
/// has partials +-Inf (or NaN for 0 / 0), Inf - Inf is NaN. They are `plain_ieee`: a Dual
/// computes their tangents with plain IEEE products, without the zero-tangent test of the
/// other rules (core/dual.hpp), because they are the hot path of cwise and of Hessians.

#include "tapegrad/core/rules/common.hpp"

namespace tapegrad::detail::rules {

/// a + b; d/da = 1, d/db = 1
struct Plus {
  static constexpr bool plain_ieee = true;  // see is_plain_ieee
  template <class T>
  static constexpr TAPEGRAD_INLINE T value(const T& a, const T& b) {
    return a + b;
  }
  template <class T>
  static constexpr TAPEGRAD_INLINE T da(const T&, const T&, const T&) {
    return T(1);
  }
  template <class T>
  static constexpr TAPEGRAD_INLINE T db(const T&, const T&, const T&) {
    return T(1);
  }
};

/// a - b; d/da = 1, d/db = -1
struct Minus {
  static constexpr bool plain_ieee = true;  // see is_plain_ieee
  template <class T>
  static constexpr TAPEGRAD_INLINE T value(const T& a, const T& b) {
    return a - b;
  }
  template <class T>
  static constexpr TAPEGRAD_INLINE T da(const T&, const T&, const T&) {
    return T(1);
  }
  template <class T>
  static constexpr TAPEGRAD_INLINE T db(const T&, const T&, const T&) {
    return T(-1);
  }
};

/// a b; d/da = b, d/db = a
struct Times {
  static constexpr bool plain_ieee = true;  // see is_plain_ieee
  template <class T>
  static constexpr TAPEGRAD_INLINE T value(const T& a, const T& b) {
    return a * b;
  }
  template <class T>
  static constexpr TAPEGRAD_INLINE T da(const T&, const T& b, const T&) {
    return b;
  }
  template <class T>
  static constexpr TAPEGRAD_INLINE T db(const T& a, const T&, const T&) {
    return a;
  }
};

/// a / b = q; d/da = 1/b, d/db = -a/b^2 = -q/b
struct Divide {
  static constexpr bool plain_ieee = true;  // see is_plain_ieee
  template <class T>
  static constexpr TAPEGRAD_INLINE T value(const T& a, const T& b) {
    return a / b;
  }
  template <class T>
  static constexpr TAPEGRAD_INLINE T da(const T&, const T& b, const T&) {
    return T(1) / b;
  }
  template <class T>
  static constexpr TAPEGRAD_INLINE T db(const T&, const T& b, const T& q) {
    return -q / b;
  }
};

/// -a; d/da = -1
struct Negate {
  static constexpr bool plain_ieee = true;  // see is_plain_ieee
  template <class X>
  static constexpr TAPEGRAD_INLINE auto value(const X& x) {
    return -x;
  }
  template <class X, class V>
  static constexpr TAPEGRAD_INLINE auto slope(const X&, const V&) {
    return scalar_t<X>(-1);
  }
};

}  // namespace tapegrad::detail::rules
