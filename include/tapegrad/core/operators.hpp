// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Arithmetic and comparison operators. Each returns an expression node that carries
/// its value and local partials; the comment on each gives those partials, which come from
/// core/rules/arithmetic.hpp (the division's) like Dual's. Mixed forms take the plain
/// scalar as T (not deduced), so `x * 2` works for Var<double>. Comparisons look at values
/// only and are never recorded.

#include "tapegrad/core/dual.hpp"
#include "tapegrad/core/rules.hpp"
#include "tapegrad/core/var.hpp"

namespace tapegrad {
namespace detail {
/// The unary rule R (core/rules/) at the value of x, as an expression node.
template <class R, class T, class E>
TAPEGRAD_INLINE auto unary_rule(const Expr<T, E>& x) {
  const auto r = rules::evaluate<R>(value(x));
  return unary(x, r.value, r.slope);
}
/// The binary rule R at the values of a and b, as an expression node.
template <class R, class T, class A, class B>
TAPEGRAD_INLINE auto binary_rule(const Expr<T, A>& a, const Expr<T, B>& b) {
  const T u = value(a), w = value(b), v = rules::binary_value<R>(u, w);
  return binary(a, b, v, T(R::da(u, w, v)), T(R::db(u, w, v)));
}
/// The binary rule R with a constant second argument c: only d/da.
template <class R, class T, class A>
TAPEGRAD_INLINE auto binary_rule(const Expr<T, A>& a, const T& c) {
  const T u = value(a), v = rules::binary_value<R>(u, c);
  return unary(a, v, T(R::da(u, c, v)));
}
/// The binary rule R with a constant first argument c: only d/db.
template <class R, class T, class B>
TAPEGRAD_INLINE auto binary_rule(const T& c, const Expr<T, B>& b) {
  const T w = value(b), v = rules::binary_value<R>(c, w);
  return unary(b, v, T(R::db(c, w, v)));
}
}  // namespace detail

// ---- addition: d(a + b)/da = 1, d(a + b)/db = 1 ----------------------------------

/// a + b
template <class T, class A, class B>
TAPEGRAD_INLINE auto operator+(const Expr<T, A>& a, const Expr<T, B>& b) {
  return detail::binary_rule<detail::rules::Plus>(a, b);
}
/// a + c
template <class T, class A>
TAPEGRAD_INLINE auto operator+(const Expr<T, A>& a, const detail::scalar_arg<T>& c) {
  return detail::binary_rule<detail::rules::Plus>(a, c);
}
/// c + b
template <class T, class B>
TAPEGRAD_INLINE auto operator+(const detail::scalar_arg<T>& c, const Expr<T, B>& b) {
  return detail::binary_rule<detail::rules::Plus>(c, b);
}
/// +a (the same expression)
template <class T, class A>
TAPEGRAD_INLINE A operator+(const Expr<T, A>& a) {
  return a.derived();
}

// ---- subtraction: d(a - b)/da = 1, d(a - b)/db = -1 ------------------------------

/// a - b
template <class T, class A, class B>
TAPEGRAD_INLINE auto operator-(const Expr<T, A>& a, const Expr<T, B>& b) {
  return detail::binary_rule<detail::rules::Minus>(a, b);
}
/// a - c
template <class T, class A>
TAPEGRAD_INLINE auto operator-(const Expr<T, A>& a, const detail::scalar_arg<T>& c) {
  return detail::binary_rule<detail::rules::Minus>(a, c);
}
/// c - b
template <class T, class B>
TAPEGRAD_INLINE auto operator-(const detail::scalar_arg<T>& c, const Expr<T, B>& b) {
  return detail::binary_rule<detail::rules::Minus>(c, b);
}
/// -a; d(-a)/da = -1
template <class T, class A>
TAPEGRAD_INLINE auto operator-(const Expr<T, A>& a) {
  return detail::unary_rule<detail::rules::Negate>(a);
}

// ---- multiplication: d(a b)/da = b, d(a b)/db = a --------------------------------

/// a * b
template <class T, class A, class B>
TAPEGRAD_INLINE auto operator*(const Expr<T, A>& a, const Expr<T, B>& b) {
  return detail::binary_rule<detail::rules::Times>(a, b);
}
/// a * c; d/da = c
template <class T, class A>
TAPEGRAD_INLINE auto operator*(const Expr<T, A>& a, const detail::scalar_arg<T>& c) {
  return detail::binary_rule<detail::rules::Times>(a, c);
}
/// c * b; d/db = c
template <class T, class B>
TAPEGRAD_INLINE auto operator*(const detail::scalar_arg<T>& c, const Expr<T, B>& b) {
  return detail::binary_rule<detail::rules::Times>(c, b);
}

// ---- division: d(a/b)/da = 1/b, d(a/b)/db = -a/b^2 = -(a/b)/b ---------------------

/// a / b
template <class T, class A, class B>
TAPEGRAD_INLINE auto operator/(const Expr<T, A>& a, const Expr<T, B>& b) {
  return detail::binary_rule<detail::rules::Divide>(a, b);
}
/// a / c; d/da = 1/c
template <class T, class A>
TAPEGRAD_INLINE auto operator/(const Expr<T, A>& a, const detail::scalar_arg<T>& c) {
  return detail::binary_rule<detail::rules::Divide>(a, c);
}
/// c / b; d/db = -c/b^2 = -q/b
template <class T, class B>
TAPEGRAD_INLINE auto operator/(const detail::scalar_arg<T>& c, const Expr<T, B>& b) {
  return detail::binary_rule<detail::rules::Divide>(c, b);
}

// ---- compound assignment: x op= e records x = x op e -----------------------------

/// x += e
template <class T, class E>
TAPEGRAD_INLINE Var<T>& operator+=(Var<T>& x, const Expr<T, E>& e) {
  return x = x + e;
}
/// x += c
template <class T>
TAPEGRAD_INLINE Var<T>& operator+=(Var<T>& x, const detail::scalar_arg<T>& c) {
  return x = x + c;
}
/// x -= e
template <class T, class E>
TAPEGRAD_INLINE Var<T>& operator-=(Var<T>& x, const Expr<T, E>& e) {
  return x = x - e;
}
/// x -= c
template <class T>
TAPEGRAD_INLINE Var<T>& operator-=(Var<T>& x, const detail::scalar_arg<T>& c) {
  return x = x - c;
}
/// x *= e
template <class T, class E>
TAPEGRAD_INLINE Var<T>& operator*=(Var<T>& x, const Expr<T, E>& e) {
  return x = x * e;
}
/// x *= c
template <class T>
TAPEGRAD_INLINE Var<T>& operator*=(Var<T>& x, const detail::scalar_arg<T>& c) {
  return x = x * c;
}
/// x /= e
template <class T, class E>
TAPEGRAD_INLINE Var<T>& operator/=(Var<T>& x, const Expr<T, E>& e) {
  return x = x / e;
}
/// x /= c
template <class T>
TAPEGRAD_INLINE Var<T>& operator/=(Var<T>& x, const detail::scalar_arg<T>& c) {
  return x = x / c;
}

// ---- comparisons: on values, not recorded ------------------------------------------

#define TAPEGRAD_COMPARISON(OP)                                                           \
  template <class T, class A, class B>                                                    \
  TAPEGRAD_INLINE bool operator OP(const Expr<T, A>& a, const Expr<T, B>& b) {            \
    return value(a) OP value(b);                                                          \
  }                                                                                       \
  template <class T, class A>                                                             \
  TAPEGRAD_INLINE bool operator OP(const Expr<T, A>& a, const detail::scalar_arg<T>& c) { \
    return value(a) OP c;                                                                 \
  }                                                                                       \
  template <class T, class B>                                                             \
  TAPEGRAD_INLINE bool operator OP(const detail::scalar_arg<T>& c, const Expr<T, B>& b) { \
    return c OP value(b);                                                                 \
  }
TAPEGRAD_COMPARISON(==)
TAPEGRAD_COMPARISON(!=)
TAPEGRAD_COMPARISON(<)
TAPEGRAD_COMPARISON(<=)
TAPEGRAD_COMPARISON(>)
TAPEGRAD_COMPARISON(>=)
#undef TAPEGRAD_COMPARISON

}  // namespace tapegrad
