// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Parts of a MatrixVar as new matrices: block, row, col. Each is one statement that
/// copies the entries; its backward adds G into the matching block of adj(A).
/// (A reshape needs no statement at all: MatrixVar::reshaped.)

#include <string>

#include "tapegrad/eigen/matrix_ops.hpp"

namespace tapegrad {

/// The r x c block of A whose top-left entry is (i, j); adj(A).block(i, j, r, c) += G
template <class T>
MatrixVar<T> block(const MatrixVar<T>& A, Eigen::Index i, Eigen::Index j, Eigen::Index r, Eigen::Index c) {
  Tape<T>& tape = detail::active_or_throw<T>();
  detail::check_operand(tape, A, "block");
  if (i < 0 || j < 0 || r <= 0 || c <= 0 || i + r > A.rows() || j + c > A.cols())
    detail::throw_invalid_argument("block: the " + detail::shape_string(r, c) + " block at (" + std::to_string(i) +
                                   ", " + std::to_string(j) + ") does not fit in a " +
                                   detail::shape_string(A.rows(), A.cols()) + " matrix");
  T* out = tape.arena().template allocate_array<T>(static_cast<std::size_t>(r * c));
  const T* a = A.value().data();
  const T* corner = a + i + j * A.rows();
  if (r == 1) {  // plain loops: see the backward
    for (Eigen::Index jj = 0; jj < c; ++jj) out[jj] = corner[jj * A.rows()];
  } else {
    for (Eigen::Index jj = 0; jj < c; ++jj)
      for (Eigen::Index ii = 0; ii < r; ++ii) out[ii + jj * r] = corner[ii + jj * A.rows()];
  }
  const Index fa = A.first_slot();
  const Eigen::Index rows = A.rows();
  return detail::record_matrix(tape, out, r, c, [fa, rows, i, j, r, c](T* adj, Index first) {
    // adj(A).block(i, j, r, c) += G, as plain loops (Eigen's block assignment of a thin
    // block, e.g. a row, was several times slower), a row as one strided loop.
    const T* G = adj + first;
    T* target = adj + fa + i + j * rows;
    if (r == 1) {  // a row: one strided loop
      for (Eigen::Index jj = 0; jj < c; ++jj) target[jj * rows] += G[jj];
      return;
    }
    for (Eigen::Index jj = 0; jj < c; ++jj)
      for (Eigen::Index ii = 0; ii < r; ++ii) target[ii + jj * rows] += G[ii + jj * r];
  });
}
/// Row i of A, as a 1 x cols matrix
template <class T>
MatrixVar<T> row(const MatrixVar<T>& A, Eigen::Index i) {
  return block(A, i, 0, 1, A.cols());
}
/// Column j of A, as a rows x 1 matrix
template <class T>
MatrixVar<T> col(const MatrixVar<T>& A, Eigen::Index j) {
  return block(A, 0, j, A.rows(), 1);
}

}  // namespace tapegrad
