// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Numerical differentiation, the independent answer every gradient is checked against.
///
/// numerical_gradient uses central differences, g_i = (f(x + h_i e_i) - f(x - h_i e_i))
/// / (2 h_i), whose error is O(h^2) from truncation plus O(eps/h) from rounding; the
/// default h = cbrt(eps) balances the two (about 6e-6 for double). gradcheck compares
/// it with the tape's gradient of the same generic f.

#include <Eigen/Core>
#include <cmath>
#include <limits>
#include <ostream>

#include "tapegrad/core/functional.hpp"

namespace tapegrad {

/// The outcome of gradcheck: both gradients and where they disagree most.
template <class T>
struct GradcheckReport {
  bool passed = false;                            ///< every i has |analytic - numerical| <= atol + rtol |numerical|
  T value{};                                      ///< f(x)
  T max_abs_error{};                              ///< max_i |analytic_i - numerical_i|
  T max_rel_error{};                              ///< max_i |analytic_i - numerical_i| / |numerical_i|
  Eigen::Index worst_index = -1;                  ///< the i that is furthest outside (or closest to) the bound
  Eigen::Matrix<T, Eigen::Dynamic, 1> analytic;   ///< gradient from the tape
  Eigen::Matrix<T, Eigen::Dynamic, 1> numerical;  ///< gradient from central differences
};

/// Prints a report, one line per component.
template <class T>
std::ostream& operator<<(std::ostream& out, const GradcheckReport<T>& r) {
  out << (r.passed ? "gradcheck passed" : "gradcheck FAILED") << ": max abs error " << r.max_abs_error
      << ", max rel error " << r.max_rel_error << ", worst index " << r.worst_index << "\n";
  for (Eigen::Index i = 0; i < r.analytic.size(); ++i)
    out << "  [" << i << "] tape " << r.analytic[i] << "  finite differences " << r.numerical[i] << "\n";
  return out;
}

/// Default central-difference step: cbrt(machine epsilon).
template <class T>
T default_step() {
  using std::cbrt;
  return cbrt(std::numeric_limits<T>::epsilon());
}

/// Default gradcheck tolerance: 100 sqrt(epsilon) (1.5e-6 for double, 3.5e-2 for float).
template <class T>
T default_tolerance() {
  using std::sqrt;
  return T(100) * sqrt(std::numeric_limits<T>::epsilon());
}

/// Central-difference gradient of f at x, with step h_i = h max(1, |x_i|). f is called
/// with plain Eigen vectors; it must return something convertible to T.
template <class F, class Derived, class T = typename Derived::Scalar>
Eigen::Matrix<T, Eigen::Dynamic, 1> numerical_gradient(F&& f, const Eigen::MatrixBase<Derived>& x,
                                                       T h = default_step<T>()) {
  using std::abs;
  using std::max;
  if (!(h > T(0))) detail::throw_invalid_argument("numerical_gradient: step h must be > 0");
  Eigen::Matrix<T, Eigen::Dynamic, 1> point = x;
  Eigen::Matrix<T, Eigen::Dynamic, 1> g(point.size());
  for (Eigen::Index i = 0; i < point.size(); ++i) {
    const T xi = point[i];
    const T step = h * max(T(1), abs(xi));
    point[i] = xi + step;
    const T up = static_cast<T>(f(point));
    const T forward = point[i] - xi;  // the step actually taken after rounding
    point[i] = xi - step;
    const T down = static_cast<T>(f(point));
    const T backward = xi - point[i];
    point[i] = xi;
    g[i] = (up - down) / (forward + backward);
  }
  return g;
}

/// Compares the tape's gradient of a generic f with central differences at x.
template <class F, class Derived, class T = typename Derived::Scalar>
GradcheckReport<T> gradcheck(F&& f, const Eigen::MatrixBase<Derived>& x, T rtol = default_tolerance<T>(),
                             T atol = default_tolerance<T>()) {
  using std::abs;
  using std::max;
  const Eigen::Matrix<T, Eigen::Dynamic, 1> point = x;
  GradcheckReport<T> report;
  report.value = value_and_gradient(f, point, report.analytic);
  report.numerical = numerical_gradient(f, point);
  report.passed = true;
  T worst_ratio = T(-1);
  for (Eigen::Index i = 0; i < point.size(); ++i) {
    const T err = abs(report.analytic[i] - report.numerical[i]);
    const T bound = atol + rtol * abs(report.numerical[i]);
    const T rel = err / max(abs(report.numerical[i]), std::numeric_limits<T>::min());
    report.max_abs_error = max(report.max_abs_error, err);
    report.max_rel_error = max(report.max_rel_error, rel);
    const T ratio = err / bound;
    if (!(err <= bound)) report.passed = false;  // NaN fails too
    if (!(ratio <= worst_ratio)) {
      worst_ratio = ratio;
      report.worst_index = i;
    }
  }
  return report;
}

}  // namespace tapegrad
