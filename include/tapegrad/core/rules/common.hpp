// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// The vocabulary of the derivative rules. Every primitive's value, derivative and edge
/// handling is written ONCE, in core/rules/, as a small struct of templates on the
/// argument type X, and every mode evaluates that same text:
///   X = T (float, double, long double): Var<T> statements, Dual<T, K> tangents, plain values;
///   X = Dual<T, K>: Var<Dual<T, K>>, where the slope's own e part is the second derivative;
///   X = an Eigen array: MatrixVar element-wise functions, with Eigen's vectorized kernels.
/// A rule may therefore use only what all three have: arithmetic, comparisons, the math
/// functions found by argument-dependent lookup after `using std::f;` and the four helpers
/// below, which branch on a number and select entry by entry on an array. Rules that no
/// array uses (pow, atan2, ...) may branch freely.
///
/// A unary rule is `struct R { value(x); slope(x, v); }` with v = value(x), or, when value
/// and slope share an intermediate z (sigmoid, softplus), `{ aux(x); value(x, z);
/// slope(x, v, z); }`. A binary rule is `{ value(a, b); da(a, b, v); db(a, b, v); }`.

#include <limits>
#include <type_traits>
#include <utility>

#include "tapegrad/core/config.hpp"

namespace tapegrad::detail {

/// ln 2
template <class T>
inline constexpr T ln2 = T(0.693147180559945309417232121458176568L);
/// ln 10
template <class T>
inline constexpr T ln10 = T(2.302585092994045684017991454684364208L);
/// 2 / sqrt(pi), the scale of the error function's derivative
template <class T>
inline constexpr T two_over_sqrt_pi = T(1.128379167095512573896158903121545172L);
/// A quiet NaN of T.
template <class T>
TAPEGRAD_INLINE constexpr T quiet_nan() {
  return std::numeric_limits<T>::quiet_NaN();
}

namespace rules {

/// True for Eigen expressions (they name their Scalar); false for numbers and Dual.
template <class X, class = void>
struct is_array : std::false_type {};
template <class X>
struct is_array<X, std::void_t<typename X::Scalar>> : std::true_type {};

/// The number type of X's entries: X itself for numbers and Dual, an array's Scalar.
template <class X, bool = is_array<X>::value>
struct scalar_of {
  using type = X;
};
template <class X>
struct scalar_of<X, true> {
  using type = typename X::Scalar;
};
template <class X>
using scalar_t = typename scalar_of<X>::type;

/// c ? a : b for a number; entry by entry (Eigen's select) for an array of conditions.
/// Both a and b are evaluated.
template <class C, class A, class B>
TAPEGRAD_INLINE auto where(const C& c, const A& a, const B& b) {
  if constexpr (std::is_same_v<C, bool>) {
    return c ? a : b;
  } else {
    return c.select(a, b);
  }
}

/// 1 where c holds, else 0, as numbers of type S.
template <class S, class C>
TAPEGRAD_INLINE auto indicator(const C& c) {
  if constexpr (std::is_same_v<C, bool>) {
    return c ? S(1) : S(0);
  } else {
    return c.template cast<S>();
  }
}

/// -|x|, as a branch on a number: -x for x >= 0, else x, so that a Dual keeps the
/// derivative -1 or 1 of the branch it takes (abs would give 0 at x = 0 and lose the second
/// order there). On an array (values only) Eigen's vectorized -abs, which is equal.
template <class X>
TAPEGRAD_INLINE auto neg_abs(const X& x) {
  using S = scalar_t<X>;
  if constexpr (is_array<X>::value) {
    return -x.abs();
  } else {
    return x >= S(0) ? S(-x) : x;
  }
}

/// max(x, 0), as the same branch as neg_abs on a number (x for x >= 0, else 0); on an
/// array Eigen's vectorized max, equal for every x but NaN (which no rule lets through:
/// see Softplus).
template <class X>
TAPEGRAD_INLINE auto pos_part(const X& x) {
  using S = scalar_t<X>;
  if constexpr (is_array<X>::value) {
    return x.max(S(0));
  } else {
    return x >= S(0) ? x : S(0);
  }
}

/// True if the unary rule R has an intermediate aux(x) shared by value and slope.
template <class R, class = void>
struct has_aux : std::false_type {};
template <class R>
struct has_aux<R, std::void_t<decltype(R::aux(std::declval<const double&>()))>> : std::true_type {};

/// True for the rules of + - * / and unary -, whose dual-number tangents are plain IEEE
/// (core/rules/arithmetic.hpp).
template <class R, class = void>
struct is_plain_ieee : std::false_type {};
template <class R>
struct is_plain_ieee<R, std::void_t<decltype(R::plain_ieee)>> : std::bool_constant<R::plain_ieee> {};

/// A value and its derivative.
template <class T>
struct ValueSlope {
  T value;
  T slope;
};

/// The unary rule R at the number x: value and slope. (For Dual numbers, core/dual.hpp
/// overloads it: the value's tangents then come from R's slope, not from differentiating
/// R's value formula, so that they agree bit for bit with the gradient.)
template <class R, class T>
TAPEGRAD_INLINE ValueSlope<T> evaluate(const T& x) {
  if constexpr (has_aux<R>::value) {
    const T z = R::aux(x);
    const T v = R::value(x, z);
    return {v, T(R::slope(x, v, z))};
  } else {
    const T v = R::value(x);
    return {v, T(R::slope(x, v))};
  }
}

/// The value of the binary rule R at the numbers a, b (for Dual numbers, core/dual.hpp
/// overloads it: the value then carries the tangents of R's own partials).
template <class R, class T>
TAPEGRAD_INLINE T binary_value(const T& a, const T& b) {
  return R::value(a, b);
}

/// The value alone of the unary rule R at the number x (plain evaluations).
template <class R, class T>
TAPEGRAD_INLINE T value_of(const T& x) {
  if constexpr (has_aux<R>::value) {
    return R::value(x, T(R::aux(x)));
  } else {
    return R::value(x);
  }
}

}  // namespace rules
}  // namespace tapegrad::detail
