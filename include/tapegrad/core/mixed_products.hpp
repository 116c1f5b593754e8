// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Matrix products that mix Var<T> and T operands (`A_var * B`, `B * A_var`, `A_var * b`).
///
/// Eigen's blocked kernels assume both operands convert into one register type, which
/// is false for Var<T> and T, and its matrix-vector path converts the product's scale
/// factor to the plain operand's type. The specializations below give those cases a
/// plain loop over Var arithmetic, so every product records exact derivatives; the
/// scale factor is only converted when it is a constant (else TapeError, never a
/// silently dropped derivative). Large products belong on eigen/matrix statements.

#include <Eigen/Core>

#include "tapegrad/core/num_traits.hpp"

namespace tapegrad::detail {

/// res(i, j) += alpha * sum_k lhs(i, k) * rhs(k, j), over Var arithmetic.
template <class Index, class Res, class Lhs, class Rhs, class LhsAt, class RhsAt>
void mixed_gemm(Index rows, Index cols, Index depth, LhsAt lhs, RhsAt rhs, Res* res, Index res_incr, Index res_stride,
                const Res& alpha) {
  for (Index j = 0; j < cols; ++j) {
    for (Index i = 0; i < rows; ++i) {
      Res sum(0);
      for (Index k = 0; k < depth; ++k) sum += lhs(i, k) * rhs(k, j);
      Res& out = res[i * res_incr + j * res_stride];
      out += alpha * sum;
    }
  }
}

/// Element (i, j) of a raw matrix with the given storage order and stride.
template <class Scalar, class Index, int StorageOrder>
struct RawMatrix {
  const Scalar* data;
  Index stride;
  const Scalar& operator()(Index i, Index j) const {
    return StorageOrder == Eigen::ColMajor ? data[i + j * stride] : data[j + i * stride];
  }
};

}  // namespace tapegrad::detail

namespace Eigen::internal {

/// Var<T> matrix times T matrix, column-major result.
template <class Index, class T, int LhsStorageOrder, bool ConjugateLhs, int RhsStorageOrder, bool ConjugateRhs,
          int ResInnerStride>
struct general_matrix_matrix_product<Index, tapegrad::Var<T>, LhsStorageOrder, ConjugateLhs, T, RhsStorageOrder,
                                     ConjugateRhs, ColMajor, ResInnerStride> {
  using Res = tapegrad::Var<T>;
  using Traits = gebp_traits<Res, T>;  // Eigen's gemm_functor reads the blocking sizes here
  static void run(Index rows, Index cols, Index depth, const Res* lhs, Index lhs_stride, const T* rhs, Index rhs_stride,
                  Res* res, Index res_incr, Index res_stride, Res alpha, level3_blocking<Res, T>& /*blocking*/,
                  GemmParallelInfo<Index>* /*info*/ = nullptr) {
    tapegrad::detail::mixed_gemm<Index, Res, Res, T>(
        rows, cols, depth, tapegrad::detail::RawMatrix<Res, Index, LhsStorageOrder>{lhs, lhs_stride},
        tapegrad::detail::RawMatrix<T, Index, RhsStorageOrder>{rhs, rhs_stride}, res, res_incr, res_stride, alpha);
  }
};

/// T matrix times Var<T> matrix, column-major result.
template <class Index, class T, int LhsStorageOrder, bool ConjugateLhs, int RhsStorageOrder, bool ConjugateRhs,
          int ResInnerStride>
struct general_matrix_matrix_product<Index, T, LhsStorageOrder, ConjugateLhs, tapegrad::Var<T>, RhsStorageOrder,
                                     ConjugateRhs, ColMajor, ResInnerStride> {
  using Res = tapegrad::Var<T>;
  using Traits = gebp_traits<T, Res>;  // Eigen's gemm_functor reads the blocking sizes here
  static void run(Index rows, Index cols, Index depth, const T* lhs, Index lhs_stride, const Res* rhs, Index rhs_stride,
                  Res* res, Index res_incr, Index res_stride, Res alpha, level3_blocking<T, Res>& /*blocking*/,
                  GemmParallelInfo<Index>* /*info*/ = nullptr) {
    tapegrad::detail::mixed_gemm<Index, Res, T, Res>(
        rows, cols, depth, tapegrad::detail::RawMatrix<T, Index, LhsStorageOrder>{lhs, lhs_stride},
        tapegrad::detail::RawMatrix<Res, Index, RhsStorageOrder>{rhs, rhs_stride}, res, res_incr, res_stride, alpha);
  }
};

/// The scale factor of a Var-by-T matrix-vector product, converted to T: allowed only
/// when it is a constant, because the conversion would drop its derivative.
template <class T>
struct get_factor<tapegrad::Var<T>, T> {
  static T run(const tapegrad::Var<T>& alpha) {
    if (!alpha.is_constant())
      tapegrad::detail::throw_tape_error(
          "a matrix-vector product of a Var matrix and a plain vector was scaled by a "
          "variable; write s * (A * b) instead of (s * A) * b");
    return alpha.value();
  }
};

}  // namespace Eigen::internal
