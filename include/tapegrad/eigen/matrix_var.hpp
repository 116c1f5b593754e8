// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// MatrixVar<T>: a matrix-valued variable whose operations are ONE tape statement each.
///
/// A scalar tape records C = A B for 32x32 matrices as about 32^3 multiply-adds. A
/// MatrixVar keeps its values in the tape's arena and its adjoints in one block of
/// consecutive slots, so C = A B is a single custom statement whose backward is two
/// Eigen products: adj(A) += adj(C) B^T and adj(B) += A^T adj(C). Elements are still
/// ordinary Vars (slot first + i + j rows, column-major), so matrix statements and
/// scalar code mix freely on one tape.
///
/// Lifetimes: values live until the tape is rewound past or cleared (then the
/// MatrixVar is stale and detected like any Var). A plain Eigen matrix passed as an
/// lvalue operand is referenced, not copied: keep it alive and unchanged until
/// backward() has run. Temporaries (expressions) are copied into the tape.

#include <Eigen/Core>
#include <string>
#include <type_traits>

#include "tapegrad/eigen/values.hpp"

namespace tapegrad {

/// Dynamic-size matrix and column vector of plain scalars.
template <class T>
using MatrixX = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
template <class T>
using VectorX = Eigen::Matrix<T, Eigen::Dynamic, 1>;

/// A rows x cols matrix of variables recorded as one block of tape slots.
template <class T>
class MatrixVar {
 public:
  using value_type = T;
  using ConstMap = Eigen::Map<const MatrixX<T>>;

  /// An empty 0 x 0 matrix.
  MatrixVar() = default;

  /// Number of rows.
  Eigen::Index rows() const noexcept { return rows_; }
  /// Number of columns.
  Eigen::Index cols() const noexcept { return cols_; }
  /// rows() * cols().
  Eigen::Index size() const noexcept { return rows_ * cols_; }
  /// The values, as a read-only Eigen map into the tape's arena.
  ConstMap value() const { return ConstMap(values_, rows_, cols_); }
  /// Slot of entry (0, 0); entry (i, j) is slot first_slot() + i + j * rows().
  Index first_slot() const noexcept { return first_; }
  /// The tape era this matrix was recorded in.
  Generation generation() const noexcept { return generation_; }

  /// Entry (i, j) as a scalar Var (nothing is recorded).
  Var<T> operator()(Eigen::Index i, Eigen::Index j) const {
    check_index(i, j);
    return detail::VarAccess<T>::make(values_[i + j * rows_], static_cast<Index>(first_ + i + j * rows_), generation_);
  }
  /// Entry k in column-major order as a scalar Var.
  Var<T> operator[](Eigen::Index k) const { return (*this)(k % rows_, k / rows_); }

  /// The same entries seen as a rows x cols matrix in column-major order (nothing is
  /// recorded: the slots are the same). Throws std::invalid_argument if the sizes differ.
  MatrixVar reshaped(Eigen::Index rows, Eigen::Index cols) const {
    if (rows < 0 || cols < 0 || rows * cols != size())
      detail::throw_invalid_argument("reshaped: cannot view a " + detail::shape_string(rows_, cols_) + " matrix as " +
                                     detail::shape_string(rows, cols));
    return from_block(values_, first_, generation_, rows, cols);
  }

  /// dy/d(this) after backward(y), read from this thread's active tape.
  MatrixX<T> grad() const {
    const Tape<T>* tape = active_tape<T>();
    if (tape == nullptr) detail::throw_no_active_tape();
    tape->check_owned((*this)(0, 0), "MatrixVar::grad");
    MatrixX<T> g(rows_, cols_);
    tape->copy_adjoints(first_, static_cast<std::size_t>(size()), g.data());
    return g;
  }

  /// Wraps a block that a statement recorded (for the operations in matrix_ops.hpp).
  static MatrixVar from_block(const T* values, Index first, Generation generation, Eigen::Index rows,
                              Eigen::Index cols) {
    MatrixVar m;
    m.values_ = values;
    m.first_ = first;
    m.generation_ = generation;
    m.rows_ = rows;
    m.cols_ = cols;
    return m;
  }

 private:
  void check_index(Eigen::Index i, Eigen::Index j) const {
    if (i < 0 || j < 0 || i >= rows_ || j >= cols_)
      detail::throw_invalid_argument("MatrixVar: entry (" + std::to_string(i) + ", " + std::to_string(j) +
                                     ") is outside a " + detail::shape_string(rows_, cols_) + " matrix");
  }

  const T* values_ = nullptr;
  Index first_ = 0;
  Generation generation_ = 0;
  Eigen::Index rows_ = 0, cols_ = 0;
};

namespace detail {

/// The active tape, or TapeError.
template <class T>
Tape<T>& active_or_throw() {
  Tape<T>* tape = active_tape<T>();
  if (tape == nullptr) throw_no_active_tape();
  return *tape;
}

/// Throws TapeError unless m belongs to the active tape (checked for every matrix
/// statement: the cost is nothing next to the matrix work).
template <class T>
void check_operand(const Tape<T>& tape, const MatrixVar<T>& m, const char* where) {
  if (m.size() == 0) throw_invalid_argument(std::string(where) + ": empty matrix operand");
  tape.check_owned(m(0, 0), where);
}

/// Copies n values into the tape's arena.
template <class T, class Derived>
T* arena_copy(Tape<T>& tape, const Eigen::MatrixBase<Derived>& m) {
  T* out = tape.arena().template allocate_array<T>(static_cast<std::size_t>(m.size()));
  Eigen::Map<MatrixX<T>>(out, m.rows(), m.cols()) = m;
  return out;
}

/// Records a statement producing `out` (rows x cols values already in the arena) with
/// backward functor `op(adjoint, first)`; returns the new matrix.
template <class T, class Op>
MatrixVar<T> record_matrix(Tape<T>& tape, const T* out, Eigen::Index rows, Eigen::Index cols, Op&& op) {
  const Index first = tape.record_custom(static_cast<std::size_t>(rows * cols), std::forward<Op>(op));
  return MatrixVar<T>::from_block(out, first, tape.generation(), rows, cols);
}

/// Records a statement producing one scalar with backward functor `op(adjoint, first)`.
template <class T, class Op>
Var<T> record_scalar(Tape<T>& tape, const T& value, Op&& op) {
  const Index slot = tape.record_custom(1, std::forward<Op>(op));
  return VarAccess<T>::make(value, slot, tape.generation());
}

/// Adjoint block of a matrix operand, as a writable Eigen map.
template <class T>
Eigen::Map<MatrixX<T>> adjoint_of(T* adjoint, Index first, Eigen::Index rows, Eigen::Index cols) {
  return Eigen::Map<MatrixX<T>>(adjoint + first, rows, cols);
}

/// A plain-matrix operand held by a statement: referenced if the caller passed a plain
/// lvalue matrix, else copied into the arena (see the file comment on lifetimes).
template <class T, class M>
const T* hold_constant(Tape<T>& tape, M&& m) {
  using Plain = std::decay_t<M>;
  if constexpr (std::is_lvalue_reference_v<M> && std::is_same_v<Plain, MatrixX<T>>) {
    return m.data();
  } else if constexpr (std::is_lvalue_reference_v<M> && std::is_same_v<Plain, VectorX<T>>) {
    return m.data();
  } else {
    return arena_copy(tape, m);
  }
}

}  // namespace detail

/// Records a matrix of independent variables holding `values` (one block of slots).
template <class T, class Derived>
MatrixVar<T> matrix_variable(Tape<T>& tape, const Eigen::MatrixBase<Derived>& values) {
  if (values.size() == 0) detail::throw_invalid_argument("matrix_variable: empty matrix");
  const T* out = detail::arena_copy(tape, values);
  return detail::record_matrix(tape, out, values.rows(), values.cols(), [](T*, Index) {});
}

/// Records a matrix of independent variables whose values stay where they are: the
/// statement references `values` instead of copying them (as a plain lvalue operand is
/// referenced), so keep them alive and unchanged until backward() has run. For values
/// that are large and reread every step, e.g. a model's weights bound once per step.
template <class T, int Rows, int Cols>
MatrixVar<T> matrix_variable_in_place(Tape<T>& tape, const Eigen::Matrix<T, Rows, Cols>& values) {
  static_assert(!(Eigen::Matrix<T, Rows, Cols>::Flags & Eigen::RowMajorBit) || Rows == 1,
                "matrix_variable_in_place: the values must be stored column by column");
  if (values.size() == 0) detail::throw_invalid_argument("matrix_variable_in_place: empty matrix");
  return detail::record_matrix(tape, values.data(), values.rows(), values.cols(), [](T*, Index) {});
}

/// Gathers a matrix of scalar Vars into one MatrixVar (one statement; its backward
/// passes each entry's adjoint back to the Var it came from).
template <class T, int R, int C, int O, int MR, int MC>
MatrixVar<T> to_matrix_var(const Eigen::Matrix<Var<T>, R, C, O, MR, MC>& vars) {
  Tape<T>& tape = detail::active_or_throw<T>();
  const auto n = static_cast<std::size_t>(vars.size());
  if (n == 0) detail::throw_invalid_argument("to_matrix_var: empty matrix");
  T* out = tape.arena().template allocate_array<T>(n);
  Index* source = tape.arena().template allocate_array<Index>(n);
  for (Eigen::Index j = 0, k = 0; j < vars.cols(); ++j) {
    for (Eigen::Index i = 0; i < vars.rows(); ++i, ++k) {
      tape.check_owned(vars(i, j), "to_matrix_var");
      out[k] = vars(i, j).value();
      source[k] = vars(i, j).index();
    }
  }
  return detail::record_matrix(tape, out, vars.rows(), vars.cols(), [source, n](T* adj, Index first) {
    for (std::size_t k = 0; k < n; ++k) adj[source[k]] += adj[first + k];
  });
}

/// The entries of a MatrixVar as an Eigen matrix of scalar Vars (nothing recorded).
template <class T>
Eigen::Matrix<Var<T>, Eigen::Dynamic, Eigen::Dynamic> to_vars(const MatrixVar<T>& m) {
  Eigen::Matrix<Var<T>, Eigen::Dynamic, Eigen::Dynamic> out(m.rows(), m.cols());
  for (Eigen::Index j = 0; j < m.cols(); ++j)
    for (Eigen::Index i = 0; i < m.rows(); ++i) out(i, j) = m(i, j);
  return out;
}

/// dy/dm after tape.backward(y), as a plain matrix.
template <class T>
MatrixX<T> gradients(const Tape<T>& tape, const MatrixVar<T>& m) {
  tape.check_owned(m(0, 0), "gradients");
  MatrixX<T> g(m.rows(), m.cols());
  tape.copy_adjoints(m.first_slot(), static_cast<std::size_t>(m.size()), g.data());
  return g;
}

/// Writes dy/dm into out, a plain matrix of the same shape (else std::invalid_argument).
template <class T>
void gradients_into(const Tape<T>& tape, const MatrixVar<T>& m, MatrixX<T>& out) {
  detail::check_same_shape("gradients_into", m.rows(), m.cols(), out.rows(), out.cols());
  tape.check_owned(m(0, 0), "gradients_into");
  tape.copy_adjoints(m.first_slot(), static_cast<std::size_t>(m.size()), out.data());
}

}  // namespace tapegrad
