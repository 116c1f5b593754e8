// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Teaches Eigen the scalar Var<T>, so Eigen::Matrix<Var<T>, ...> supports arithmetic,
/// products, reductions (sum, dot, squaredNorm, norm), array functions, and mixing with
/// Eigen::Matrix<T> (the result of Var<T> op T is Var<T>).

#include <Eigen/Core>
#include <cstddef>

#include "tapegrad/core/dual.hpp"
#include "tapegrad/core/math.hpp"

namespace Eigen {

/// NumTraits<Var<T>>: the limits are those of T, returned as constant Vars.
template <class T>
struct NumTraits<tapegrad::Var<T>> : NumTraits<T> {
  using Real = tapegrad::Var<T>;
  using NonInteger = tapegrad::Var<T>;
  using Nested = tapegrad::Var<T>;
  using Literal = tapegrad::Var<T>;

  enum {
    IsComplex = 0,
    IsInteger = 0,
    IsSigned = 1,
    RequireInitialization = 1,
    // A recorded operation costs a few times a plain one; Eigen uses these to decide
    // how much to unroll and whether to evaluate into temporaries.
    ReadCost = 1,
    AddCost = 4,
    MulCost = 4
  };

  /// Machine epsilon of T.
  static inline Real epsilon() { return Real(NumTraits<T>::epsilon()); }
  /// Eigen's default tolerance for fuzzy comparisons of T.
  static inline Real dummy_precision() { return Real(NumTraits<T>::dummy_precision()); }
  /// Largest finite value of T.
  static inline Real highest() { return Real(NumTraits<T>::highest()); }
  /// Most negative finite value of T.
  static inline Real lowest() { return Real(NumTraits<T>::lowest()); }
  /// +Inf.
  static inline Real infinity() { return Real(NumTraits<T>::infinity()); }
  /// A quiet NaN.
  static inline Real quiet_NaN() { return Real(NumTraits<T>::quiet_NaN()); }
  /// Decimal digits of T.
  static inline int digits10() { return NumTraits<T>::digits10(); }
  /// Mantissa bits of T.
  static inline int digits() { return NumTraits<T>::digits(); }
  /// Decimal digits needed to round-trip T.
  static inline int max_digits10() { return NumTraits<T>::max_digits10(); }
};

/// NumTraits<Dual<T, K>>: dual numbers behave like T for Eigen's purposes; an operation
/// costs about K + 1 (add) or 2 (K + 1) (multiply) operations on T.
template <class T, std::size_t K>
struct NumTraits<tapegrad::Dual<T, K>> : NumTraits<T> {
  using Real = tapegrad::Dual<T, K>;
  using NonInteger = tapegrad::Dual<T, K>;
  using Nested = tapegrad::Dual<T, K>;
  using Literal = tapegrad::Dual<T, K>;
  enum {
    IsComplex = 0,
    IsInteger = 0,
    IsSigned = 1,
    RequireInitialization = 1,
    ReadCost = static_cast<int>(K) + 1,
    AddCost = static_cast<int>(K) + 1,
    MulCost = 2 * (static_cast<int>(K) + 1)
  };
  /// Machine epsilon of T.
  static inline Real epsilon() { return Real(NumTraits<T>::epsilon()); }
  /// Eigen's default tolerance for fuzzy comparisons of T.
  static inline Real dummy_precision() { return Real(NumTraits<T>::dummy_precision()); }
  /// Largest finite value of T.
  static inline Real highest() { return Real(NumTraits<T>::highest()); }
  /// Most negative finite value of T.
  static inline Real lowest() { return Real(NumTraits<T>::lowest()); }
  /// Decimal digits of T.
  static inline int digits10() { return NumTraits<T>::digits10(); }
  /// Mantissa bits of T.
  static inline int digits() { return NumTraits<T>::digits(); }
};

/// Var<T> op T gives Var<T>.
template <class T, class BinaryOp>
struct ScalarBinaryOpTraits<tapegrad::Var<T>, T, BinaryOp> {
  using ReturnType = tapegrad::Var<T>;
};
/// T op Var<T> gives Var<T>.
template <class T, class BinaryOp>
struct ScalarBinaryOpTraits<T, tapegrad::Var<T>, BinaryOp> {
  using ReturnType = tapegrad::Var<T>;
};

}  // namespace Eigen
