// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Argument checks shared by the optim headers: each throws std::invalid_argument with
/// a message naming the value and what was expected.

#include <cmath>
#include <cstdio>
#include <string>

#include "tapegrad/core/errors.hpp"
#include "tapegrad/eigen/matrix.hpp"

namespace tapegrad::optim::detail {

using tapegrad::detail::require_same_shape;
using tapegrad::detail::shape_string;
using tapegrad::detail::throw_invalid_argument;

/// A number for messages, without trailing zeros ("0.5", "1e+300", "nan").
inline std::string number(double x) {
  if (std::isnan(x)) return "NaN";
  if (std::isinf(x)) return x > 0 ? "Inf" : "-Inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", x);
  return buf;
}

/// Throws unless x is finite and > 0.
template <class T>
void require_positive(const T& x, const char* name) {
  if (!(x > T(0)) || !std::isfinite(static_cast<double>(x)))
    throw_invalid_argument(std::string(name) + " is " + number(static_cast<double>(x)) +
                           "; expected a finite number > 0");
}

/// Throws unless x is finite and >= 0.
template <class T>
void require_nonnegative(const T& x, const char* name) {
  if (!(x >= T(0)) || !std::isfinite(static_cast<double>(x)))
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

/// Throws unless every entry of m is finite, naming the first one that is not.
template <class Derived>
void require_finite(const Eigen::MatrixBase<Derived>& m, const std::string& what) {
  for (Eigen::Index j = 0; j < m.cols(); ++j)
    for (Eigen::Index i = 0; i < m.rows(); ++i)
      if (!std::isfinite(static_cast<double>(m(i, j))))
        throw_invalid_argument(what + "(" + std::to_string(i) + ", " + std::to_string(j) + ") is " +
                               number(static_cast<double>(m(i, j))) + "; expected a finite number");
}

}  // namespace tapegrad::optim::detail
