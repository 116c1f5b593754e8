// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Argument checks shared by the optim headers: each throws std::invalid_argument with
/// a message naming the value and what was expected. Plain Eigen and the error helpers
/// only: no tape, no matrix statements.

#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <type_traits>

#include "tapegrad/core/errors.hpp"

namespace tapegrad::optim::detail {

using tapegrad::detail::shape_string;
using tapegrad::detail::throw_invalid_argument;

/// A number for messages, without trailing zeros ("0.5", "1e+300", "NaN").
inline std::string number(double x) {
  if (std::isnan(x)) return "NaN";
  if (std::isinf(x)) return x > 0 ? "Inf" : "-Inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", x);
  return buf;
}

/// Whether x is a finite number (for any floating-point T).
template <class T>
bool is_finite(const T& x) {
  return std::isfinite(static_cast<double>(x));
}

/// Whether every entry of m is finite.
template <class Derived>
bool all_finite(const Eigen::MatrixBase<Derived>& m) {
  using Scalar = typename Derived::Scalar;
  if constexpr (std::is_floating_point_v<Scalar>) {
    // x - x is 0 for a finite x and NaN for Inf or NaN, so the sum is 0 exactly when
    // every entry is finite (no overflow is possible). One vectorized pass, no branch
    // per entry: train() checks w and g of every step with it.
    const auto& a = m.derived().array();
    return (a - a).sum() == Scalar(0);
  } else {
    for (Eigen::Index j = 0; j < m.cols(); ++j)
      for (Eigen::Index i = 0; i < m.rows(); ++i)
        if (!is_finite(m(i, j))) return false;
    return true;
  }
}

/// Throws unless x is finite and > 0.
template <class T>
void require_positive(const T& x, const char* name) {
  if (!(x > T(0)) || !is_finite(x))
    throw_invalid_argument(std::string(name) + " is " + number(static_cast<double>(x)) +
                           "; expected a finite number > 0");
}

/// Throws unless x is finite and >= 0.
template <class T>
void require_nonnegative(const T& x, const char* name) {
  if (!(x >= T(0)) || !is_finite(x))
    throw_invalid_argument(std::string(name) + " is " + number(static_cast<double>(x)) +
                           "; expected a finite number >= 0");
}

/// Throws unless lo <= x < hi (x finite).
template <class T>
void require_in(const T& x, double lo, double hi, const char* name, const char* interval) {
  const double v = static_cast<double>(x);
  if (!(v >= lo && v < hi))
    throw_invalid_argument(std::string(name) + " is " + number(v) + "; expected a number in " + interval);
}

/// Throws unless the count n >= least.
inline void require_at_least(std::int64_t n, std::int64_t least, const char* name) {
  if (n < least)
    throw_invalid_argument(std::string(name) + " is " + std::to_string(n) + "; expected >= " + std::to_string(least));
}

/// Throws unless every entry of m is finite, naming the first one that is not.
template <class Derived>
void require_finite(const Eigen::MatrixBase<Derived>& m, const std::string& what) {
  for (Eigen::Index j = 0; j < m.cols(); ++j)
    for (Eigen::Index i = 0; i < m.rows(); ++i)
      if (!is_finite(m(i, j)))
        throw_invalid_argument(what + "(" + std::to_string(i) + ", " + std::to_string(j) + ") is " +
                               number(static_cast<double>(m(i, j))) + "; expected a finite number");
}

/// Throws unless x0 is a non-empty column vector of finite numbers ("who: x0 ...").
template <class Derived>
void require_start_point(const Eigen::MatrixBase<Derived>& x0, const std::string& who, const char* name) {
  if (x0.size() == 0) throw_invalid_argument(who + ": " + name + " is empty; expected at least one parameter");
  require_finite(x0, who + ": " + name);
}

}  // namespace tapegrad::optim::detail
