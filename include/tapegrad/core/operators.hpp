// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Arithmetic and comparison operators. Each returns an expression node that carries
/// its value and local partials; the comment on each gives those partials.
/// Mixed forms take the plain scalar as T (not deduced), so `x * 2` works for
/// Var<double>. Comparisons look at values only and are never recorded.

#include "tapegrad/core/var.hpp"

namespace tapegrad {

// ---- addition: d(a + b)/da = 1, d(a + b)/db = 1 ----------------------------------

/// a + b
template <class T, class A, class B>
TAPEGRAD_INLINE auto operator+(const Expr<T, A>& a, const Expr<T, B>& b) {
  return detail::binary(a, b, value(a) + value(b), T(1), T(1));
}
/// a + c
template <class T, class A>
TAPEGRAD_INLINE auto operator+(const Expr<T, A>& a, const detail::scalar_arg<T>& c) {
  return detail::unary(a, value(a) + c, T(1));
}
/// c + b
template <class T, class B>
TAPEGRAD_INLINE auto operator+(const detail::scalar_arg<T>& c, const Expr<T, B>& b) {
  return detail::unary(b, c + value(b), T(1));
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
  return detail::binary(a, b, value(a) - value(b), T(1), T(-1));
}
/// a - c
template <class T, class A>
TAPEGRAD_INLINE auto operator-(const Expr<T, A>& a, const detail::scalar_arg<T>& c) {
  return detail::unary(a, value(a) - c, T(1));
}
/// c - b
template <class T, class B>
TAPEGRAD_INLINE auto operator-(const detail::scalar_arg<T>& c, const Expr<T, B>& b) {
  return detail::unary(b, c - value(b), T(-1));
}
/// -a; d(-a)/da = -1
template <class T, class A>
TAPEGRAD_INLINE auto operator-(const Expr<T, A>& a) {
  return detail::unary(a, -value(a), T(-1));
}

// ---- multiplication: d(a b)/da = b, d(a b)/db = a --------------------------------

/// a * b
template <class T, class A, class B>
TAPEGRAD_INLINE auto operator*(const Expr<T, A>& a, const Expr<T, B>& b) {
  const T& va = value(a);
  const T& vb = value(b);
  return detail::binary(a, b, va * vb, vb, va);
}
/// a * c; d/da = c
template <class T, class A>
TAPEGRAD_INLINE auto operator*(const Expr<T, A>& a, const detail::scalar_arg<T>& c) {
  return detail::unary(a, value(a) * c, c);
}
/// c * b; d/db = c
template <class T, class B>
TAPEGRAD_INLINE auto operator*(const detail::scalar_arg<T>& c, const Expr<T, B>& b) {
  return detail::unary(b, c * value(b), c);
}

// ---- division: d(a/b)/da = 1/b, d(a/b)/db = -a/b^2 = -(a/b)/b ---------------------

/// a / b
template <class T, class A, class B>
TAPEGRAD_INLINE auto operator/(const Expr<T, A>& a, const Expr<T, B>& b) {
  const T& vb = value(b);
  const T q = value(a) / vb;
  return detail::binary(a, b, q, T(1) / vb, -q / vb);
}
/// a / c; d/da = 1/c
template <class T, class A>
TAPEGRAD_INLINE auto operator/(const Expr<T, A>& a, const detail::scalar_arg<T>& c) {
  return detail::unary(a, value(a) / c, T(1) / c);
}
/// c / b; d/db = -c/b^2
template <class T, class B>
TAPEGRAD_INLINE auto operator/(const detail::scalar_arg<T>& c, const Expr<T, B>& b) {
  const T& vb = value(b);
  const T q = c / vb;
  return detail::unary(b, q, -q / vb);
}

// ---- compound assignment: x op= e records x = x op e -----------------------------

/// x += e
template <class T, class E>
TAPEGRAD_INLINE Var<T>& operator+=(Var<T>& x, const Expr<T, E>& e) { return x = x + e; }
/// x += c
template <class T>
TAPEGRAD_INLINE Var<T>& operator+=(Var<T>& x, const detail::scalar_arg<T>& c) { return x = x + c; }
/// x -= e
template <class T, class E>
TAPEGRAD_INLINE Var<T>& operator-=(Var<T>& x, const Expr<T, E>& e) { return x = x - e; }
/// x -= c
template <class T>
TAPEGRAD_INLINE Var<T>& operator-=(Var<T>& x, const detail::scalar_arg<T>& c) { return x = x - c; }
/// x *= e
template <class T, class E>
TAPEGRAD_INLINE Var<T>& operator*=(Var<T>& x, const Expr<T, E>& e) { return x = x * e; }
/// x *= c
template <class T>
TAPEGRAD_INLINE Var<T>& operator*=(Var<T>& x, const detail::scalar_arg<T>& c) { return x = x * c; }
/// x /= e
template <class T, class E>
TAPEGRAD_INLINE Var<T>& operator/=(Var<T>& x, const Expr<T, E>& e) { return x = x / e; }
/// x /= c
template <class T>
TAPEGRAD_INLINE Var<T>& operator/=(Var<T>& x, const detail::scalar_arg<T>& c) { return x = x / c; }

// ---- comparisons: on values, not recorded ------------------------------------------

#define TAPEGRAD_COMPARISON(OP)                                                          \
  template <class T, class A, class B>                                                   \
  TAPEGRAD_INLINE bool operator OP(const Expr<T, A>& a, const Expr<T, B>& b) {           \
    return value(a) OP value(b);                                                         \
  }                                                                                      \
  template <class T, class A>                                                            \
  TAPEGRAD_INLINE bool operator OP(const Expr<T, A>& a, const detail::scalar_arg<T>& c) { \
    return value(a) OP c;                                                                \
  }                                                                                      \
  template <class T, class B>                                                            \
  TAPEGRAD_INLINE bool operator OP(const detail::scalar_arg<T>& c, const Expr<T, B>& b) { \
    return c OP value(b);                                                                \
  }
TAPEGRAD_COMPARISON(==)
TAPEGRAD_COMPARISON(!=)
TAPEGRAD_COMPARISON(<)
TAPEGRAD_COMPARISON(<=)
TAPEGRAD_COMPARISON(>)
TAPEGRAD_COMPARISON(>=)
#undef TAPEGRAD_COMPARISON

}  // namespace tapegrad
