// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Dual<T>: forward-mode dual numbers a + b e with e^2 = 0, so f(a + b e) = f(a) +
/// f'(a) b e. As the scalar of a tape, Var<Dual<T>>, they give second derivatives by
/// forward-over-reverse: record f with inputs x + v e and sweep backward once; the
/// adjoints are gradient + (H v) e. Every function here is the value rule of the
/// matching std:: function plus its derivative, the same rules the tape uses.

#include <cmath>
#include <limits>
#include <ostream>
#include <type_traits>

namespace tapegrad {

/// A dual number value + derivative * e (e^2 = 0).
template <class T>
struct Dual {
  T value{};       ///< the real part
  T derivative{};  ///< the e part: the directional derivative carried forward

  /// 0.
  constexpr Dual() = default;
  /// The constant c (derivative 0); implicit so that `Dual<double> d = 2.0;` works.
  template <class U, class = std::enable_if_t<std::is_arithmetic_v<U>>>
  constexpr Dual(U c) : value(static_cast<T>(c)) {}
  /// value + derivative e.
  constexpr Dual(T v, T d) : value(v), derivative(d) {}

  /// x += y
  Dual& operator+=(const Dual& y) { return *this = *this + y; }
  /// x -= y
  Dual& operator-=(const Dual& y) { return *this = *this - y; }
  /// x *= y
  Dual& operator*=(const Dual& y) { return *this = *this * y; }
  /// x /= y
  Dual& operator/=(const Dual& y) { return *this = *this / y; }

  // Arithmetic (friends, so that T converts implicitly on either side).
  friend constexpr Dual operator+(const Dual& a, const Dual& b) { return {a.value + b.value, a.derivative + b.derivative}; }
  friend constexpr Dual operator-(const Dual& a, const Dual& b) { return {a.value - b.value, a.derivative - b.derivative}; }
  friend constexpr Dual operator-(const Dual& a) { return {-a.value, -a.derivative}; }
  friend constexpr Dual operator+(const Dual& a) { return a; }
  /// (a b)' = a' b + a b'
  friend constexpr Dual operator*(const Dual& a, const Dual& b) {
    return {a.value * b.value, a.derivative * b.value + a.value * b.derivative};
  }
  /// (a/b)' = (a' - (a/b) b') / b
  friend constexpr Dual operator/(const Dual& a, const Dual& b) {
    const T q = a.value / b.value;
    return {q, (a.derivative - q * b.derivative) / b.value};
  }
  // Comparisons look at values, as for Var.
  friend constexpr bool operator==(const Dual& a, const Dual& b) { return a.value == b.value; }
  friend constexpr bool operator!=(const Dual& a, const Dual& b) { return a.value != b.value; }
  friend constexpr bool operator<(const Dual& a, const Dual& b) { return a.value < b.value; }
  friend constexpr bool operator<=(const Dual& a, const Dual& b) { return a.value <= b.value; }
  friend constexpr bool operator>(const Dual& a, const Dual& b) { return a.value > b.value; }
  friend constexpr bool operator>=(const Dual& a, const Dual& b) { return a.value >= b.value; }
  /// Prints value + derivative e.
  friend std::ostream& operator<<(std::ostream& out, const Dual& a) {
    return out << a.value << " + " << a.derivative << "e";
  }
};

/// An adjoint is zero only if both parts are: 0 + c e still carries second order.
template <class T>
constexpr bool is_zero_adjoint(const Dual<T>& a) noexcept {
  if constexpr (std::is_arithmetic_v<T>) return a.value == T(0) && a.derivative == T(0);
  else return is_zero_adjoint(a.value) && is_zero_adjoint(a.derivative);  // nested duals
}

namespace detail {
/// f(a) with f(a.value) = v and f'(a.value) = slope: the chain rule in one place.
template <class T>
constexpr Dual<T> chain(const Dual<T>& a, const T& v, const T& slope) {
  return {v, slope * a.derivative};
}
}  // namespace detail

// Each function: value from std::, derivative as documented on the Var version.
#define TAPEGRAD_DUAL_UNARY(NAME, SLOPE)                     \
  /** NAME of a dual number */                               \
  template <class T>                                         \
  Dual<T> NAME(const Dual<T>& a) {                           \
    using std::NAME;                                         \
    const T x = a.value;                                     \
    const T v = NAME(x);                                     \
    (void)v; /* not every slope uses the value */            \
    return detail::chain(a, v, static_cast<T>(SLOPE));       \
  }
TAPEGRAD_DUAL_UNARY(exp, v)
TAPEGRAD_DUAL_UNARY(exp2, T(0.693147180559945309417232121458176568L) * v)
TAPEGRAD_DUAL_UNARY(expm1, [&] { using std::exp; return exp(x); }())  // e^x, not expm1 + 1: exact for x << 0
TAPEGRAD_DUAL_UNARY(log, T(1) / x)
TAPEGRAD_DUAL_UNARY(log2, T(1) / (x * T(0.693147180559945309417232121458176568L)))
TAPEGRAD_DUAL_UNARY(log10, T(1) / (x * T(2.302585092994045684017991454684364208L)))
TAPEGRAD_DUAL_UNARY(log1p, T(1) / (T(1) + x))
TAPEGRAD_DUAL_UNARY(sqrt, T(0.5) / v)
TAPEGRAD_DUAL_UNARY(cbrt, T(1) / (T(3) * v * v))
TAPEGRAD_DUAL_UNARY(sin, std::cos(x))
TAPEGRAD_DUAL_UNARY(cos, -std::sin(x))
TAPEGRAD_DUAL_UNARY(tan, T(1) + v * v)
TAPEGRAD_DUAL_UNARY(asin, T(1) / std::sqrt((T(1) - x) * (T(1) + x)))
TAPEGRAD_DUAL_UNARY(acos, T(-1) / std::sqrt((T(1) - x) * (T(1) + x)))
TAPEGRAD_DUAL_UNARY(atan, T(1) / (T(1) + x * x))
TAPEGRAD_DUAL_UNARY(sinh, std::cosh(x))
TAPEGRAD_DUAL_UNARY(cosh, std::sinh(x))
TAPEGRAD_DUAL_UNARY(tanh, T(1) - v * v)
TAPEGRAD_DUAL_UNARY(asinh, T(1) / std::hypot(x, T(1)))
TAPEGRAD_DUAL_UNARY(acosh, T(1) / (std::sqrt(x - T(1)) * std::sqrt(x + T(1))))
TAPEGRAD_DUAL_UNARY(atanh, T(1) / ((T(1) - x) * (T(1) + x)))
TAPEGRAD_DUAL_UNARY(erf, T(1.128379167095512573896158903121545172L) * std::exp(-x * x))
TAPEGRAD_DUAL_UNARY(erfc, T(-1.128379167095512573896158903121545172L) * std::exp(-x * x))
TAPEGRAD_DUAL_UNARY(abs, x > T(0) ? T(1) : (x < T(0) ? T(-1) : T(0)))
TAPEGRAD_DUAL_UNARY(fabs, x > T(0) ? T(1) : (x < T(0) ? T(-1) : T(0)))
TAPEGRAD_DUAL_UNARY(floor, T(0))
TAPEGRAD_DUAL_UNARY(ceil, T(0))
TAPEGRAD_DUAL_UNARY(trunc, T(0))
TAPEGRAD_DUAL_UNARY(round, T(0))
#undef TAPEGRAD_DUAL_UNARY

/// x^2; derivative 2x
template <class T>
constexpr Dual<T> square(const Dual<T>& a) {
  return {a.value * a.value, T(2) * a.value * a.derivative};
}
/// max(x, 0); derivative 1 for x > 0, else 0
template <class T>
constexpr Dual<T> relu(const Dual<T>& a) {
  return a.value > T(0) ? a : Dual<T>();
}
/// The logistic function s = 1/(1 + e^-x), from z = e^-|x| (no overflow); derivative s(1 - s)
template <class T>
Dual<T> sigmoid(const Dual<T>& a) {
  using std::abs;
  using std::exp;
  const T z = exp(-abs(a.value)), r = T(1) / (T(1) + z);
  return {a.value >= T(0) ? r : z * r, z * r * r * a.derivative};
}
/// softplus(x) = ln(1 + e^x) = max(x, 0) + ln(1 + e^-|x|); derivative sigmoid(x)
template <class T>
Dual<T> softplus(const Dual<T>& a) {
  using std::abs;
  using std::exp;
  using std::log1p;
  const T z = exp(-abs(a.value)), r = T(1) / (T(1) + z);
  const T s = a.value >= T(0) ? r : z * r;
  return {(a.value > T(0) ? a.value : T(0)) + log1p(z), s * a.derivative};
}

/// a^b; derivative b a^(b-1) a' + a^b ln(a) b' (each term 0 where the Var rule says so,
/// and where a' or b' is 0: a constant exponent of a negative base gives no NaN)
template <class T>
Dual<T> pow(const Dual<T>& a, const Dual<T>& b) {
  using std::log;
  using std::pow;
  const T v = pow(a.value, b.value);
  const T da = (b.value == T(0) || a.derivative == T(0)) ? T(0) : b.value * pow(a.value, b.value - T(1));
  const T db = (a.value == T(0) || b.derivative == T(0)) ? T(0) : v * log(a.value);
  return {v, da * a.derivative + db * b.derivative};
}
/// atan2(y, x); derivative (x y' - y x') / (x^2 + y^2), 0 at the origin
template <class T>
Dual<T> atan2(const Dual<T>& y, const Dual<T>& x) {
  using std::atan2;
  const T r2 = x.value * x.value + y.value * y.value;
  const T d = (r2 == T(0)) ? T(0) : (x.value * y.derivative - y.value * x.derivative) / r2;
  return {atan2(y.value, x.value), d};
}
/// hypot(a, b); derivative (a a' + b b') / h, 0 at the origin
template <class T>
Dual<T> hypot(const Dual<T>& a, const Dual<T>& b) {
  using std::hypot;
  const T h = hypot(a.value, b.value);
  return {h, (h == T(0)) ? T(0) : (a.value * a.derivative + b.value * b.derivative) / h};
}
// A plain number on either side of pow, atan2, hypot is a constant dual number.
#define TAPEGRAD_DUAL_MIXED(NAME)                                                    \
  /** NAME with a constant second argument */                                        \
  template <class T, class U, class = std::enable_if_t<std::is_arithmetic_v<U>>>    \
  Dual<T> NAME(const Dual<T>& a, U c) {                                              \
    return NAME(a, Dual<T>(c));                                                      \
  }                                                                                  \
  /** NAME with a constant first argument */                                         \
  template <class T, class U, class = std::enable_if_t<std::is_arithmetic_v<U>>>    \
  Dual<T> NAME(U c, const Dual<T>& b) {                                              \
    return NAME(Dual<T>(c), b);                                                      \
  }
TAPEGRAD_DUAL_MIXED(pow)
TAPEGRAD_DUAL_MIXED(atan2)
TAPEGRAD_DUAL_MIXED(hypot)
#undef TAPEGRAD_DUAL_MIXED

/// max(a, b); ties give half of each derivative, as for Var
template <class T>
Dual<T> max(const Dual<T>& a, const Dual<T>& b) {
  if (a.value == b.value) return {a.value, (a.derivative + b.derivative) / T(2)};
  return (a.value < b.value) ? b : a;
}
/// min(a, b); ties give half of each derivative, as for Var
template <class T>
Dual<T> min(const Dual<T>& a, const Dual<T>& b) {
  if (a.value == b.value) return {a.value, (a.derivative + b.derivative) / T(2)};
  return (b.value < a.value) ? b : a;
}
/// fmax(a, b): max, but a NaN argument loses to a number
template <class T>
Dual<T> fmax(const Dual<T>& a, const Dual<T>& b) {
  using std::isnan;
  if (isnan(a.value)) return b;
  if (isnan(b.value)) return a;
  return max(a, b);
}
/// fmin(a, b): min, but a NaN argument loses to a number
template <class T>
Dual<T> fmin(const Dual<T>& a, const Dual<T>& b) {
  using std::isnan;
  if (isnan(a.value)) return b;
  if (isnan(b.value)) return a;
  return min(a, b);
}
/// True if the value is NaN.
template <class T>
bool isnan(const Dual<T>& a) {
  using std::isnan;
  return isnan(a.value);
}
/// True if the value is +-Inf.
template <class T>
bool isinf(const Dual<T>& a) {
  using std::isinf;
  return isinf(a.value);
}
/// True if the value is finite.
template <class T>
bool isfinite(const Dual<T>& a) {
  using std::isfinite;
  return isfinite(a.value);
}

}  // namespace tapegrad

namespace std {
/// The limits of T, as constant dual numbers.
template <class T>
struct numeric_limits<tapegrad::Dual<T>> : numeric_limits<T> {
  static constexpr tapegrad::Dual<T> min() noexcept { return numeric_limits<T>::min(); }
  static constexpr tapegrad::Dual<T> max() noexcept { return numeric_limits<T>::max(); }
  static constexpr tapegrad::Dual<T> lowest() noexcept { return numeric_limits<T>::lowest(); }
  static constexpr tapegrad::Dual<T> epsilon() noexcept { return numeric_limits<T>::epsilon(); }
  static constexpr tapegrad::Dual<T> infinity() noexcept { return numeric_limits<T>::infinity(); }
  static constexpr tapegrad::Dual<T> quiet_NaN() noexcept { return numeric_limits<T>::quiet_NaN(); }
};
}  // namespace std
