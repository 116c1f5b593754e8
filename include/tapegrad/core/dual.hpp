// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Dual<T, K>: forward-mode numbers a + sum_j t_j e_j with e_i e_j = 0, carrying K
/// tangents (directional derivatives) at once, so f(a + t e) = f(a) + f'(a) t e for all K
/// directions in one evaluation. Dual<T> (K = 1) is the classic dual number with members
/// `value` and `derivative`; for K > 1 the tangents are the array `tangents`, and
/// `tangent(j)` reads or writes tangent j for every K.
///
/// Every function takes its value and derivative from the same rule as Var and MatrixVar
/// (core/rules/): tangent_j of f(a) is f'(a) t_j, of f(a, b) it is f_a a_j + f_b b_j,
/// where f_a, f_b are the partials the tape records. So forward and reverse mode agree bit
/// for bit. As the scalar of a tape, Var<Dual<T, K>> gives second derivatives by
/// forward-over-reverse: record f with inputs x + V e and sweep once; the adjoints are
/// grad f + (H V) e, K Hessian-vector products in one sweep.
///
/// A zero tangent contributes nothing to a function's result, whatever the partial: the
/// product partial * tangent is taken as exactly 0 when the tangent is 0, so the Inf
/// slope of sqrt at 0 or the NaN partial d/db of pow(-2, b) cannot leak NaN into a
/// direction the argument does not depend on (reverse mode's counterpart: a statement
/// whose adjoint is 0 is skipped). The four arithmetic operators are plain IEEE on every
/// part (see docs/design.md, "Edge rules").

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <ostream>
#include <type_traits>

#include "tapegrad/core/rules.hpp"

namespace tapegrad {

template <class T, std::size_t K = 1>
struct Dual;

namespace detail {
/// The parts of a Dual: the value and K tangents in an array ...
template <class T, std::size_t K>
struct DualParts {
  T value{};                    ///< the real part
  std::array<T, K> tangents{};  ///< the e_j parts: K directional derivatives carried forward

  constexpr DualParts() = default;
  constexpr explicit DualParts(const T& v) : value(v) {}
  constexpr DualParts(const T& v, const std::array<T, K>& t) : value(v), tangents(t) {}
  /// Tangent j.
  constexpr T& tangent(std::size_t j) { return tangents[j]; }
  /// Tangent j.
  constexpr const T& tangent(std::size_t j) const { return tangents[j]; }
};
/// ... or, for K = 1, the value and one tangent named `derivative`.
template <class T>
struct DualParts<T, 1> {
  T value{};       ///< the real part
  T derivative{};  ///< the e part: the directional derivative carried forward

  constexpr DualParts() = default;
  constexpr explicit DualParts(const T& v) : value(v) {}
  constexpr DualParts(const T& v, const T& d) : value(v), derivative(d) {}
  constexpr DualParts(const T& v, const std::array<T, 1>& t) : value(v), derivative(t[0]) {}
  /// The tangent (j must be 0).
  constexpr T& tangent(std::size_t) { return derivative; }
  /// The tangent (j must be 0).
  constexpr const T& tangent(std::size_t) const { return derivative; }
};

template <class U>
inline constexpr bool is_plain_number = std::is_arithmetic_v<U>;
}  // namespace detail

/// A dual number value + sum_j tangent(j) e_j with K tangents (e_i e_j = 0).
template <class T, std::size_t K>
struct Dual : detail::DualParts<T, K> {
  static_assert(K >= 1, "a Dual carries at least one tangent");
  using Parts = detail::DualParts<T, K>;
  using value_type = T;
  /// The number of tangents K.
  static constexpr std::size_t tangent_count = K;

  /// 0.
  constexpr Dual() = default;
  /// The constant c (every tangent 0); implicit so that `Dual<double> d = 2.0;` works.
  template <class U, class = std::enable_if_t<detail::is_plain_number<U>>>
  constexpr Dual(U c) : Parts(static_cast<T>(c)) {}
  /// The constant v (every tangent 0), for a T that is not a plain number (a nested Dual).
  template <class U = T, class = std::enable_if_t<!detail::is_plain_number<U>>>
  constexpr Dual(const T& v) : Parts(v) {}
  /// value + derivative e (K = 1).
  template <std::size_t N = K, class = std::enable_if_t<N == 1>>
  constexpr Dual(const T& v, const T& d) : Parts(v, d) {}
  /// value + sum_j tangents[j] e_j.
  constexpr Dual(const T& v, const std::array<T, K>& t) : Parts(v, t) {}

  /// value + e_j: an input that tangent j differentiates with respect to (the others 0).
  static constexpr Dual seed(const T& v, std::size_t j) {
    Dual d(v);
    d.tangent(j) = T(1);
    return d;
  }

  /// x += y
  template <class U>
  Dual& operator+=(const U& y) {
    return *this = *this + y;
  }
  /// x -= y
  template <class U>
  Dual& operator-=(const U& y) {
    return *this = *this - y;
  }
  /// x *= y
  template <class U>
  Dual& operator*=(const U& y) {
    return *this = *this * y;
  }
  /// x /= y
  template <class U>
  Dual& operator/=(const U& y) {
    return *this = *this / y;
  }

  // Arithmetic: the partials of rules/arithmetic.hpp, tangent_j = f_a a_j + f_b b_j, with
  // plain IEEE products (no zero-tangent test: these are the hot path of cwise and of
  // second order). Friends, so that plain numbers convert on either side; the forms with
  // one plain operand use only its partial, as a Var statement with a constant does.
  /// a + b; partials 1, 1
  friend constexpr Dual operator+(const Dual& a, const Dual& b) {
    Dual r(a.value + b.value);
    for (std::size_t j = 0; j < K; ++j) r.tangent(j) = a.tangent(j) + b.tangent(j);
    return r;
  }
  /// a - b; partials 1, -1
  friend constexpr Dual operator-(const Dual& a, const Dual& b) {
    Dual r(a.value - b.value);
    for (std::size_t j = 0; j < K; ++j) r.tangent(j) = a.tangent(j) - b.tangent(j);
    return r;
  }
  /// a b; partials b, a
  friend constexpr Dual operator*(const Dual& a, const Dual& b) {
    Dual r(a.value * b.value);
    for (std::size_t j = 0; j < K; ++j) r.tangent(j) = a.tangent(j) * b.value + a.value * b.tangent(j);
    return r;
  }
  /// a / b = q; partials 1/b, -q/b
  friend constexpr Dual operator/(const Dual& a, const Dual& b) {
    const T q = a.value / b.value;
    const T da = detail::rules::Divide::da(a.value, b.value, q), db = detail::rules::Divide::db(a.value, b.value, q);
    Dual r(q);
    for (std::size_t j = 0; j < K; ++j) r.tangent(j) = da * a.tangent(j) + db * b.tangent(j);
    return r;
  }
  /// -a; partial -1
  friend constexpr Dual operator-(const Dual& a) {
    Dual r(-a.value);
    for (std::size_t j = 0; j < K; ++j) r.tangent(j) = -a.tangent(j);
    return r;
  }
  /// +a
  friend constexpr Dual operator+(const Dual& a) { return a; }

  // One operand a constant c of type T: only the other operand's partial.
  friend constexpr Dual operator+(const Dual& a, const T& c) {
    return a.map(a.value + c, [](const T& t) { return t; });
  }
  friend constexpr Dual operator+(const T& c, const Dual& b) {
    return b.map(c + b.value, [](const T& t) { return t; });
  }
  friend constexpr Dual operator-(const Dual& a, const T& c) {
    return a.map(a.value - c, [](const T& t) { return t; });
  }
  friend constexpr Dual operator-(const T& c, const Dual& b) {
    return b.map(c - b.value, [](const T& t) { return -t; });
  }
  friend constexpr Dual operator*(const Dual& a, const T& c) {
    return a.map(a.value * c, [&](const T& t) { return t * c; });
  }
  friend constexpr Dual operator*(const T& c, const Dual& b) {
    return b.map(c * b.value, [&](const T& t) { return c * t; });
  }
  /// a / c; partial 1/c
  friend constexpr Dual operator/(const Dual& a, const T& c) {
    const T da = detail::rules::Divide::da(a.value, c, T(0));
    return a.map(a.value / c, [&](const T& t) { return da * t; });
  }
  /// c / b = q; partial -q/b
  friend constexpr Dual operator/(const T& c, const Dual& b) {
    const T q = c / b.value;
    const T db = detail::rules::Divide::db(c, b.value, q);
    return b.map(q, [&](const T& t) { return db * t; });
  }
  // A plain number of another type (an int, or a double when T is itself a Dual).
#define TAPEGRAD_DUAL_MIXED_OPERATOR(OP)                                                            \
  template <class U, class = std::enable_if_t<detail::is_plain_number<U> && !std::is_same_v<U, T>>> \
  friend constexpr Dual operator OP(const Dual& a, U c) {                                           \
    return a OP T(c);                                                                               \
  }                                                                                                 \
  template <class U, class = std::enable_if_t<detail::is_plain_number<U> && !std::is_same_v<U, T>>> \
  friend constexpr Dual operator OP(U c, const Dual& b) {                                           \
    return T(c) OP b;                                                                               \
  }
  TAPEGRAD_DUAL_MIXED_OPERATOR(+)
  TAPEGRAD_DUAL_MIXED_OPERATOR(-)
  TAPEGRAD_DUAL_MIXED_OPERATOR(*)
  TAPEGRAD_DUAL_MIXED_OPERATOR(/)
#undef TAPEGRAD_DUAL_MIXED_OPERATOR

  // Comparisons look at values, as for Var.
  friend constexpr bool operator==(const Dual& a, const Dual& b) { return a.value == b.value; }
  friend constexpr bool operator!=(const Dual& a, const Dual& b) { return a.value != b.value; }
  friend constexpr bool operator<(const Dual& a, const Dual& b) { return a.value < b.value; }
  friend constexpr bool operator<=(const Dual& a, const Dual& b) { return a.value <= b.value; }
  friend constexpr bool operator>(const Dual& a, const Dual& b) { return a.value > b.value; }
  friend constexpr bool operator>=(const Dual& a, const Dual& b) { return a.value >= b.value; }
  /// Prints value + derivative e (K = 1) or value + (t_0, ..., t_K-1) e.
  friend std::ostream& operator<<(std::ostream& out, const Dual& a) {
    out << a.value << " + ";
    if constexpr (K == 1) return out << a.derivative << "e";
    out << "(";
    for (std::size_t j = 0; j < K; ++j) out << (j ? ", " : "") << a.tangent(j);
    return out << ")e";
  }

 private:
  /// value v with tangent_j = f(tangent_j of *this).
  template <class F>
  constexpr Dual map(const T& v, F f) const {
    Dual r(v);
    for (std::size_t j = 0; j < K; ++j) r.tangent(j) = f(this->tangent(j));
    return r;
  }
};

namespace detail {
/// A part of a Dual is zero: a number equal to 0, or a nested Dual zero in every part.
template <class T>
constexpr bool is_zero_part(const T& t) noexcept {
  if constexpr (std::is_arithmetic_v<T>) {
    return t == T(0);
  } else {
    return is_zero_adjoint(t);
  }
}
}  // namespace detail

/// An adjoint is zero only if every part is: 0 + c e still carries second order.
template <class T, std::size_t K>
constexpr bool is_zero_adjoint(const Dual<T, K>& a) noexcept {
  bool zero = detail::is_zero_part(a.value);
  for (std::size_t j = 0; j < K; ++j) zero = zero && detail::is_zero_part(a.tangent(j));
  return zero;
}

namespace detail {
namespace rules {
// A rule at dual numbers, for Var<Dual<T, K>> and nested duals (defined below).
template <class R, class T, std::size_t K>
ValueSlope<Dual<T, K>> evaluate(const Dual<T, K>& x);
template <class R, class T, std::size_t K>
Dual<T, K> binary_value(const Dual<T, K>& a, const Dual<T, K>& b);
}  // namespace rules

/// partial * tangent, and exactly 0 for a tangent that is 0 in every part, whatever the
/// partial (Inf and NaN partials stay out of directions the argument does not depend on).
template <class T>
TAPEGRAD_INLINE constexpr T times_tangent(const T& partial, const T& tangent) {
  return is_zero_part(tangent) ? T(0) : T(partial * tangent);
}
/// f(a) with value v and slope f'(a.value): tangent_j = slope * a_j.
template <class T, std::size_t K>
TAPEGRAD_INLINE constexpr Dual<T, K> chain(const Dual<T, K>& a, const T& v, const T& slope) {
  Dual<T, K> r(v);
  for (std::size_t j = 0; j < K; ++j) r.tangent(j) = times_tangent(slope, a.tangent(j));
  return r;
}
/// f(a, b) with value v and partials da, db: tangent_j = da a_j + db b_j.
template <class T, std::size_t K>
TAPEGRAD_INLINE constexpr Dual<T, K> chain(const Dual<T, K>& a, const Dual<T, K>& b, const T& v, const T& da,
                                           const T& db) {
  Dual<T, K> r(v);
  for (std::size_t j = 0; j < K; ++j) r.tangent(j) = times_tangent(da, a.tangent(j)) + times_tangent(db, b.tangent(j));
  return r;
}
/// The unary rule R applied to a dual number.
template <class R, class T, std::size_t K>
TAPEGRAD_INLINE Dual<T, K> apply_rule(const Dual<T, K>& a) {
  const auto r = rules::evaluate<R>(a.value);
  return chain(a, r.value, r.slope);
}
/// The binary rule R applied to two dual numbers.
template <class R, class T, std::size_t K>
TAPEGRAD_INLINE Dual<T, K> apply_rule(const Dual<T, K>& a, const Dual<T, K>& b) {
  const T v = rules::binary_value<R>(a.value, b.value);  // (a nested Dual's own tangents too)
  return chain(a, b, v, T(R::da(a.value, b.value, v)), T(R::db(a.value, b.value, v)));
}
/// The binary rule R with a constant second argument c: only d/da.
template <class R, class T, std::size_t K>
TAPEGRAD_INLINE Dual<T, K> apply_rule(const Dual<T, K>& a, const T& c) {
  const T v = rules::binary_value<R>(a.value, c);
  return chain(a, v, T(R::da(a.value, c, v)));
}
/// The binary rule R with a constant first argument c: only d/db.
template <class R, class T, std::size_t K>
TAPEGRAD_INLINE Dual<T, K> apply_rule(const T& c, const Dual<T, K>& b) {
  const T v = rules::binary_value<R>(c, b.value);
  return chain(b, v, T(R::db(c, b.value, v)));
}
}  // namespace detail

namespace detail::rules {
/// A unary rule at a dual number x, for Var<Dual<T, K>> (second order): the value is the
/// Dual function of the rule, whose tangents are slope * x_j with the slope of R at
/// x.value (not the derivative of R's value formula, which could round differently or,
/// through a branch, disagree); the slope is R's slope evaluated in dual arithmetic, whose
/// tangents are f'' * x_j.
template <class R, class T, std::size_t K>
ValueSlope<Dual<T, K>> evaluate(const Dual<T, K>& x) {
  if constexpr (is_plain_ieee<R>::value) {  // -x: Dual's own operator
    const Dual<T, K> v = R::value(x);
    return {v, Dual<T, K>(R::slope(x, v))};
  } else if constexpr (has_aux<R>::value) {
    const Dual<T, K> v = apply_rule<R>(x);
    const Dual<T, K> z = R::aux(x);
    return {v, Dual<T, K>(R::slope(x, v, z))};
  } else {
    const Dual<T, K> v = apply_rule<R>(x);
    return {v, Dual<T, K>(R::slope(x, v))};
  }
}
/// A binary rule at dual numbers a, b: the value with the tangents of R's partials (a
/// constant operand, with zero tangents, contributes nothing); for + - * / Dual's
/// operators, which use the same partials with plain IEEE products.
template <class R, class T, std::size_t K>
Dual<T, K> binary_value(const Dual<T, K>& a, const Dual<T, K>& b) {
  if constexpr (is_plain_ieee<R>::value) {
    return R::value(a, b);  // + - * /: Dual's own operators, plain IEEE
  } else {
    return apply_rule<R>(a, b);
  }
}
}  // namespace detail::rules

// Each function: the value and derivative of its rule (core/rules/), as documented there
// and on the Var version.
#define TAPEGRAD_DUAL_UNARY(NAME, RULE)                    \
  /** NAME of a dual number (rule: detail::rules::RULE) */ \
  template <class T, std::size_t K>                        \
  Dual<T, K> NAME(const Dual<T, K>& a) {                   \
    return detail::apply_rule<detail::rules::RULE>(a);     \
  }
TAPEGRAD_DUAL_UNARY(exp, Exp)
TAPEGRAD_DUAL_UNARY(exp2, Exp2)
TAPEGRAD_DUAL_UNARY(expm1, Expm1)
TAPEGRAD_DUAL_UNARY(log, Log)
TAPEGRAD_DUAL_UNARY(log2, Log2)
TAPEGRAD_DUAL_UNARY(log10, Log10)
TAPEGRAD_DUAL_UNARY(log1p, Log1p)
TAPEGRAD_DUAL_UNARY(sqrt, Sqrt)
TAPEGRAD_DUAL_UNARY(cbrt, Cbrt)
TAPEGRAD_DUAL_UNARY(square, Square)
TAPEGRAD_DUAL_UNARY(sin, Sin)
TAPEGRAD_DUAL_UNARY(cos, Cos)
TAPEGRAD_DUAL_UNARY(tan, Tan)
TAPEGRAD_DUAL_UNARY(asin, Asin)
TAPEGRAD_DUAL_UNARY(acos, Acos)
TAPEGRAD_DUAL_UNARY(atan, Atan)
TAPEGRAD_DUAL_UNARY(sinh, Sinh)
TAPEGRAD_DUAL_UNARY(cosh, Cosh)
TAPEGRAD_DUAL_UNARY(tanh, Tanh)
TAPEGRAD_DUAL_UNARY(asinh, Asinh)
TAPEGRAD_DUAL_UNARY(acosh, Acosh)
TAPEGRAD_DUAL_UNARY(atanh, Atanh)
TAPEGRAD_DUAL_UNARY(erf, Erf)
TAPEGRAD_DUAL_UNARY(erfc, Erfc)
TAPEGRAD_DUAL_UNARY(sigmoid, Sigmoid)
TAPEGRAD_DUAL_UNARY(softplus, Softplus)
TAPEGRAD_DUAL_UNARY(abs, Abs)
TAPEGRAD_DUAL_UNARY(fabs, Abs)
TAPEGRAD_DUAL_UNARY(relu, Relu)
TAPEGRAD_DUAL_UNARY(floor, Floor)
TAPEGRAD_DUAL_UNARY(ceil, Ceil)
TAPEGRAD_DUAL_UNARY(trunc, Trunc)
TAPEGRAD_DUAL_UNARY(round, Round)
#undef TAPEGRAD_DUAL_UNARY

// Binary functions in three forms: two dual numbers, and a plain constant (T or any
// plain number) on either side, which contributes no partial.
#define TAPEGRAD_DUAL_BINARY(NAME, RULE)                                                  \
  /** NAME of two dual numbers (rule: detail::rules::RULE) */                             \
  template <class T, std::size_t K>                                                       \
  Dual<T, K> NAME(const Dual<T, K>& a, const Dual<T, K>& b) {                             \
    return detail::apply_rule<detail::rules::RULE>(a, b);                                 \
  }                                                                                       \
  /** NAME with a constant second argument */                                             \
  template <class T, std::size_t K, class U,                                              \
            class = std::enable_if_t<detail::is_plain_number<U> || std::is_same_v<U, T>>> \
  Dual<T, K> NAME(const Dual<T, K>& a, const U& c) {                                      \
    return detail::apply_rule<detail::rules::RULE>(a, T(c));                              \
  }                                                                                       \
  /** NAME with a constant first argument */                                              \
  template <class T, std::size_t K, class U,                                              \
            class = std::enable_if_t<detail::is_plain_number<U> || std::is_same_v<U, T>>> \
  Dual<T, K> NAME(const U& c, const Dual<T, K>& b) {                                      \
    return detail::apply_rule<detail::rules::RULE>(T(c), b);                              \
  }
TAPEGRAD_DUAL_BINARY(pow, Pow)
TAPEGRAD_DUAL_BINARY(atan2, Atan2)
TAPEGRAD_DUAL_BINARY(hypot, Hypot)
TAPEGRAD_DUAL_BINARY(max, Max)
TAPEGRAD_DUAL_BINARY(min, Min)
TAPEGRAD_DUAL_BINARY(fmax, Fmax)
TAPEGRAD_DUAL_BINARY(fmin, Fmin)
#undef TAPEGRAD_DUAL_BINARY

/// True if the value is NaN.
template <class T, std::size_t K>
bool isnan(const Dual<T, K>& a) {
  using std::isnan;
  return isnan(a.value);
}
/// True if the value is +-Inf.
template <class T, std::size_t K>
bool isinf(const Dual<T, K>& a) {
  using std::isinf;
  return isinf(a.value);
}
/// True if the value is finite.
template <class T, std::size_t K>
bool isfinite(const Dual<T, K>& a) {
  using std::isfinite;
  return isfinite(a.value);
}

}  // namespace tapegrad

namespace std {
/// The limits of T, as constant dual numbers.
template <class T, std::size_t K>
struct numeric_limits<tapegrad::Dual<T, K>> : numeric_limits<T> {
  static constexpr tapegrad::Dual<T, K> min() noexcept { return tapegrad::Dual<T, K>(numeric_limits<T>::min()); }
  static constexpr tapegrad::Dual<T, K> max() noexcept { return tapegrad::Dual<T, K>(numeric_limits<T>::max()); }
  static constexpr tapegrad::Dual<T, K> lowest() noexcept { return tapegrad::Dual<T, K>(numeric_limits<T>::lowest()); }
  static constexpr tapegrad::Dual<T, K> epsilon() noexcept {
    return tapegrad::Dual<T, K>(numeric_limits<T>::epsilon());
  }
  static constexpr tapegrad::Dual<T, K> round_error() noexcept {
    return tapegrad::Dual<T, K>(numeric_limits<T>::round_error());
  }
  static constexpr tapegrad::Dual<T, K> infinity() noexcept {
    return tapegrad::Dual<T, K>(numeric_limits<T>::infinity());
  }
  static constexpr tapegrad::Dual<T, K> quiet_NaN() noexcept {
    return tapegrad::Dual<T, K>(numeric_limits<T>::quiet_NaN());
  }
  static constexpr tapegrad::Dual<T, K> signaling_NaN() noexcept {
    return tapegrad::Dual<T, K>(numeric_limits<T>::signaling_NaN());
  }
  static constexpr tapegrad::Dual<T, K> denorm_min() noexcept {
    return tapegrad::Dual<T, K>(numeric_limits<T>::denorm_min());
  }
};
}  // namespace std
