// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Linear algebra on MatrixVar, each operation one tape statement. With G = dL/dC:
///   C = A + B        adj(A) += G, adj(B) += G
///   C = A B          adj(A) += G B^T, adj(B) += A^T G
///   C = s A + c      adj(A) += s G, adj(s) += sum(A .* G)   (s a plain scalar or a Var)
///   C = A^T          adj(A) += G^T
///   C = A + 1 b^T    adj(A) += G, adj(b) += column sums of G   (rowwise_add)
/// Plain Eigen matrices may stand on either side of + - * (see matrix_var.hpp on their
/// lifetime); a shape mismatch throws std::invalid_argument naming both shapes.

#include <string>

#include "tapegrad/eigen/matrix_var.hpp"

namespace tapegrad {
namespace detail {

/// True for plain Eigen dense objects and expressions with scalar T.
template <class M, class T, class = void>
struct is_plain_matrix : std::false_type {};
template <class M, class T>
struct is_plain_matrix<M, T, std::void_t<typename std::decay_t<M>::Scalar>>
    : std::bool_constant<std::is_base_of_v<Eigen::MatrixBase<std::decay_t<M>>, std::decay_t<M>> &&
                         std::is_same_v<typename std::decay_t<M>::Scalar, T>> {};
template <class M, class T>
using if_plain_matrix = std::enable_if_t<is_plain_matrix<M, T>::value, int>;

/// Throws std::invalid_argument unless the two operands have the same shape.
inline void require_same_shape(const char* op, Eigen::Index r1, Eigen::Index c1, Eigen::Index r2, Eigen::Index c2) {
  if (r1 != r2 || c1 != c2)
    throw_invalid_argument(std::string(op) + ": operands are " + shape_string(r1, c1) + " and " + shape_string(r2, c2) +
                           "; they must have the same shape");
}
/// Throws std::invalid_argument unless A (r1 x c1) times B (r2 x c2) is defined.
inline void require_product_shape(Eigen::Index r1, Eigen::Index c1, Eigen::Index r2, Eigen::Index c2) {
  if (c1 != r2)
    throw_invalid_argument("matrix product: A is " + shape_string(r1, c1) + " and B is " + shape_string(r2, c2) +
                           "; A's columns must equal B's rows");
}

template <class T>
using ConstMap = Eigen::Map<const MatrixX<T>>;

/// C = A + sign B for two MatrixVars.
template <class T>
MatrixVar<T> add(const MatrixVar<T>& A, const MatrixVar<T>& B, T sign, const char* op) {
  Tape<T>& tape = active_or_throw<T>();
  check_operand(tape, A, op);
  check_operand(tape, B, op);
  require_same_shape(op, A.rows(), A.cols(), B.rows(), B.cols());
  T* out = tape.arena().template allocate_array<T>(static_cast<std::size_t>(A.size()));
  Eigen::Map<MatrixX<T>>(out, A.rows(), A.cols()) = A.value() + sign * B.value();
  const Index fa = A.first_slot(), fb = B.first_slot();
  const Eigen::Index n = A.size();
  return record_matrix(tape, out, A.rows(), A.cols(), [fa, fb, n, sign](T* adj, Index first) {
    for (Eigen::Index k = 0; k < n; ++k) {
      const T g = adj[first + k];
      adj[fa + k] += g;
      adj[fb + k] += sign * g;
    }
  });
}

/// C = sign_a A + M with M a plain matrix (only A carries a derivative).
template <class T, class M>
MatrixVar<T> add_plain(const MatrixVar<T>& A, T sign_a, M&& plain, const char* op) {
  Tape<T>& tape = active_or_throw<T>();
  check_operand(tape, A, op);
  require_same_shape(op, A.rows(), A.cols(), plain.rows(), plain.cols());
  T* out = tape.arena().template allocate_array<T>(static_cast<std::size_t>(A.size()));
  Eigen::Map<MatrixX<T>>(out, A.rows(), A.cols()) = sign_a * A.value() + plain;
  const Index fa = A.first_slot();
  const Eigen::Index n = A.size();
  return record_matrix(tape, out, A.rows(), A.cols(), [fa, n, sign_a](T* adj, Index first) {
    for (Eigen::Index k = 0; k < n; ++k) adj[fa + k] += sign_a * adj[first + k];
  });
}

}  // namespace detail

/// A + B
template <class T>
MatrixVar<T> operator+(const MatrixVar<T>& A, const MatrixVar<T>& B) {
  return detail::add(A, B, T(1), "A + B");
}
/// A - B
template <class T>
MatrixVar<T> operator-(const MatrixVar<T>& A, const MatrixVar<T>& B) {
  return detail::add(A, B, T(-1), "A - B");
}
/// A + M (M a plain matrix)
template <class T, class M, detail::if_plain_matrix<M, T> = 0>
MatrixVar<T> operator+(const MatrixVar<T>& A, M&& plain) {
  return detail::add_plain(A, T(1), std::forward<M>(plain), "A + M");
}
/// M + A
template <class T, class M, detail::if_plain_matrix<M, T> = 0>
MatrixVar<T> operator+(M&& plain, const MatrixVar<T>& A) {
  return detail::add_plain(A, T(1), std::forward<M>(plain), "M + A");
}
/// A - M
template <class T, class M, detail::if_plain_matrix<M, T> = 0>
MatrixVar<T> operator-(const MatrixVar<T>& A, M&& plain) {
  return detail::add_plain(A, T(1), -plain, "A - M");
}
/// M - A
template <class T, class M, detail::if_plain_matrix<M, T> = 0>
MatrixVar<T> operator-(M&& plain, const MatrixVar<T>& A) {
  return detail::add_plain(A, T(-1), std::forward<M>(plain), "M - A");
}

/// A B (matrix product)
template <class T>
MatrixVar<T> operator*(const MatrixVar<T>& A, const MatrixVar<T>& B) {
  Tape<T>& tape = detail::active_or_throw<T>();
  detail::check_operand(tape, A, "A * B");
  detail::check_operand(tape, B, "A * B");
  detail::require_product_shape(A.rows(), A.cols(), B.rows(), B.cols());
  const Eigen::Index m = A.rows(), k = A.cols(), n = B.cols();
  T* out = tape.arena().template allocate_array<T>(static_cast<std::size_t>(m * n));
  Eigen::Map<MatrixX<T>>(out, m, n).noalias() = A.value() * B.value();
  const T *a = A.value().data(), *b = B.value().data();
  const Index fa = A.first_slot(), fb = B.first_slot();
  return detail::record_matrix(tape, out, m, n, [a, b, fa, fb, m, k, n](T* adj, Index first) {
    const detail::ConstMap<T> G(adj + first, m, n);
    detail::adjoint_of(adj, fa, m, k).noalias() += G * detail::ConstMap<T>(b, k, n).transpose();
    detail::adjoint_of(adj, fb, k, n).noalias() += detail::ConstMap<T>(a, m, k).transpose() * G;
  });
}
/// A M (M a plain matrix); adj(A) += G M^T
template <class T, class M, detail::if_plain_matrix<M, T> = 0>
MatrixVar<T> operator*(const MatrixVar<T>& A, M&& plain) {
  Tape<T>& tape = detail::active_or_throw<T>();
  detail::check_operand(tape, A, "A * M");
  detail::require_product_shape(A.rows(), A.cols(), plain.rows(), plain.cols());
  const Eigen::Index m = A.rows(), k = A.cols(), n = plain.cols();
  const T* b = detail::hold_constant(tape, std::forward<M>(plain));
  T* out = tape.arena().template allocate_array<T>(static_cast<std::size_t>(m * n));
  Eigen::Map<MatrixX<T>>(out, m, n).noalias() = A.value() * detail::ConstMap<T>(b, k, n);
  const Index fa = A.first_slot();
  return detail::record_matrix(tape, out, m, n, [b, fa, m, k, n](T* adj, Index first) {
    detail::adjoint_of(adj, fa, m, k).noalias() +=
        detail::ConstMap<T>(adj + first, m, n) * detail::ConstMap<T>(b, k, n).transpose();
  });
}
/// M A (M a plain matrix); adj(A) += M^T G
template <class T, class M, detail::if_plain_matrix<M, T> = 0>
MatrixVar<T> operator*(M&& plain, const MatrixVar<T>& A) {
  Tape<T>& tape = detail::active_or_throw<T>();
  detail::check_operand(tape, A, "M * A");
  detail::require_product_shape(plain.rows(), plain.cols(), A.rows(), A.cols());
  const Eigen::Index m = plain.rows(), k = plain.cols(), n = A.cols();
  const T* a = detail::hold_constant(tape, std::forward<M>(plain));
  T* out = tape.arena().template allocate_array<T>(static_cast<std::size_t>(m * n));
  Eigen::Map<MatrixX<T>>(out, m, n).noalias() = detail::ConstMap<T>(a, m, k) * A.value();
  const Index fb = A.first_slot();
  return detail::record_matrix(tape, out, m, n, [a, fb, m, k, n](T* adj, Index first) {
    detail::adjoint_of(adj, fb, k, n).noalias() +=
        detail::ConstMap<T>(a, m, k).transpose() * detail::ConstMap<T>(adj + first, m, n);
  });
}

namespace detail {
/// C = scale A + offset for plain scalars; adj(A) += scale G.
template <class T>
MatrixVar<T> affine(const MatrixVar<T>& A, const T& scale, const T& offset, const char* op) {
  Tape<T>& tape = active_or_throw<T>();
  check_operand(tape, A, op);
  T* out = tape.arena().template allocate_array<T>(static_cast<std::size_t>(A.size()));
  Eigen::Map<MatrixX<T>>(out, A.rows(), A.cols()) = (scale * A.value().array() + offset).matrix();
  const Index fa = A.first_slot();
  const Eigen::Index n = A.size();
  return record_matrix(tape, out, A.rows(), A.cols(), [fa, n, scale](T* adj, Index first) {
    for (Eigen::Index k = 0; k < n; ++k) adj[fa + k] += scale * adj[first + k];
  });
}
}  // namespace detail

/// c A for a plain scalar c
template <class T>
MatrixVar<T> operator*(const detail::scalar_arg<T>& c, const MatrixVar<T>& A) {
  return detail::affine(A, c, T(0), "c * A");
}
/// A c for a plain scalar c
template <class T>
MatrixVar<T> operator*(const MatrixVar<T>& A, const detail::scalar_arg<T>& c) {
  return detail::affine(A, c, T(0), "A * c");
}
/// A / c for a plain scalar c
template <class T>
MatrixVar<T> operator/(const MatrixVar<T>& A, const detail::scalar_arg<T>& c) {
  return detail::affine(A, T(1) / c, T(0), "A / c");
}
/// -A
template <class T>
MatrixVar<T> operator-(const MatrixVar<T>& A) {
  return detail::affine(A, T(-1), T(0), "-A");
}
/// A + c: c added to every entry
template <class T>
MatrixVar<T> operator+(const MatrixVar<T>& A, const detail::scalar_arg<T>& c) {
  return detail::affine(A, T(1), c, "A + c");
}
/// c + A: c added to every entry
template <class T>
MatrixVar<T> operator+(const detail::scalar_arg<T>& c, const MatrixVar<T>& A) {
  return detail::affine(A, T(1), c, "c + A");
}
/// A - c: c subtracted from every entry
template <class T>
MatrixVar<T> operator-(const MatrixVar<T>& A, const detail::scalar_arg<T>& c) {
  return detail::affine(A, T(1), -c, "A - c");
}
/// c - A: every entry subtracted from c
template <class T>
MatrixVar<T> operator-(const detail::scalar_arg<T>& c, const MatrixVar<T>& A) {
  return detail::affine(A, T(-1), c, "c - A");
}
/// s A for a scalar Var s; adj(s) += sum(A .* G)
template <class T>
MatrixVar<T> operator*(const Var<T>& s, const MatrixVar<T>& A) {
  Tape<T>& tape = detail::active_or_throw<T>();
  detail::check_operand(tape, A, "s * A");
  tape.check_owned(s, "s * A");
  T* out = tape.arena().template allocate_array<T>(static_cast<std::size_t>(A.size()));
  Eigen::Map<MatrixX<T>>(out, A.rows(), A.cols()) = s.value() * A.value();
  const T* a = A.value().data();
  const T sv = s.value();
  const Index fa = A.first_slot(), fs = s.index();
  const Eigen::Index n = A.size();
  return detail::record_matrix(tape, out, A.rows(), A.cols(), [a, sv, fa, fs, n](T* adj, Index first) {
    T sum(0);
    for (Eigen::Index k = 0; k < n; ++k) {
      const T g = adj[first + k];
      adj[fa + k] += sv * g;
      sum += a[k] * g;
    }
    adj[fs] += sum;  // slot 0 (a constant s) is the sink
  });
}
/// A s for a scalar Var s
template <class T>
MatrixVar<T> operator*(const MatrixVar<T>& A, const Var<T>& s) {
  return s * A;
}

/// A^T
template <class T>
MatrixVar<T> transpose(const MatrixVar<T>& A) {
  Tape<T>& tape = detail::active_or_throw<T>();
  detail::check_operand(tape, A, "transpose");
  const Eigen::Index r = A.rows(), c = A.cols();
  T* out = tape.arena().template allocate_array<T>(static_cast<std::size_t>(A.size()));
  Eigen::Map<MatrixX<T>>(out, c, r) = A.value().transpose();
  const Index fa = A.first_slot();
  return detail::record_matrix(tape, out, c, r, [fa, r, c](T* adj, Index first) {
    detail::adjoint_of(adj, fa, r, c) += detail::ConstMap<T>(adj + first, c, r).transpose();
  });
}

/// A + 1 b^T: adds the vector b (length A.cols(), a MatrixVar row or column) to every
/// row of A, as a bias is added to every example of a batch; adj(b) += column sums of G.
template <class T>
MatrixVar<T> rowwise_add(const MatrixVar<T>& A, const MatrixVar<T>& b) {
  Tape<T>& tape = detail::active_or_throw<T>();
  detail::check_operand(tape, A, "rowwise_add");
  detail::check_operand(tape, b, "rowwise_add");
  if (b.size() != A.cols() || (b.rows() != 1 && b.cols() != 1))
    detail::throw_invalid_argument("rowwise_add: A is " + detail::shape_string(A.rows(), A.cols()) +
                                   " so b must be a vector of length " + std::to_string(A.cols()) + ", but b is " +
                                   detail::shape_string(b.rows(), b.cols()));
  const Eigen::Index r = A.rows(), c = A.cols();
  T* out = tape.arena().template allocate_array<T>(static_cast<std::size_t>(A.size()));
  const Eigen::Map<const Eigen::Matrix<T, 1, Eigen::Dynamic>> bias(b.value().data(), c);
  Eigen::Map<MatrixX<T>>(out, r, c) = A.value().rowwise() + bias;
  const Index fa = A.first_slot(), fb = b.first_slot();
  return detail::record_matrix(tape, out, r, c, [fa, fb, r, c](T* adj, Index first) {
    const detail::ConstMap<T> G(adj + first, r, c);
    detail::adjoint_of(adj, fa, r, c) += G;
    Eigen::Map<Eigen::Matrix<T, 1, Eigen::Dynamic>>(adj + fb, c) += G.colwise().sum();
  });
}

}  // namespace tapegrad
