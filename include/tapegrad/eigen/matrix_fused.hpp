// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Fused element-wise statements of a generic scalar function f: cwise(f, A) applies f
/// entry by entry, cwise_sum(f, ...) also sums the results, colwise_sum(f, X) sums f over
/// the columns of a 2-row X, each as ONE tape statement. f is written once as a generic
/// lambda; its slopes come from forward mode (f is called once per entry, with Dual<T> for
/// one operand and Dual<T, 2> for two, whose tangents are df/da and df/db), so f must be
/// pure, and every function of core/dual.hpp may appear in it. Every function there uses
/// the same rule as Var, so these slopes are the ones a scalar tape would record.

#include <algorithm>

#include "tapegrad/core/dual.hpp"
#include "tapegrad/eigen/matrix_functions.hpp"

namespace tapegrad {
namespace detail {
/// Entries per chunk of cwise_sum: the values of a chunk are summed by Eigen (vectorized).
inline constexpr Eigen::Index kChunk = 256;
}  // namespace detail

/// cwise(f, A): f applied to every entry, ONE statement for any generic scalar function
/// f, e.g. `cwise([](auto a) { return exp(sin(a)) * a; }, A)`. The slopes f'(a) are
/// computed on the forward pass by forward mode: f is called once per entry with a
/// Dual<T> (so f must be generic and pure; every function of core/dual.hpp may appear in
/// it). Backward: adj(A) += f'(A) .* G, like the built-in element-wise functions.
template <class T, class F>
MatrixVar<T> cwise(F f, const MatrixVar<T>& A) {
  Tape<T>& tape = detail::active_or_throw<T>();
  auto buf = detail::buffers(tape, A, "cwise");
  const T* a = A.value().data();
  for (Eigen::Index k = 0; k < buf.n; ++k) {
    const Dual<T> r = f(Dual<T>(a[k], T(1)));
    buf.out[k] = r.value;
    buf.slope[k] = r.derivative;
  }
  return detail::elementwise(tape, A, buf.out, buf.slope);
}
/// cwise(f, A, B): f(a, b) entry by entry for A and B of the same shape, one statement;
/// f is called once per entry with Dual<T, 2> arguments a + e_0 and b + e_1, whose
/// tangents are df/da and df/db. Backward: adj(A) += df/da .* G, adj(B) += df/db .* G.
template <class T, class F>
MatrixVar<T> cwise(F f, const MatrixVar<T>& A, const MatrixVar<T>& B) {
  Tape<T>& tape = detail::active_or_throw<T>();
  auto buf = detail::buffers(tape, A, "cwise");
  detail::check_operand(tape, B, "cwise");
  detail::require_same_shape("cwise", A.rows(), A.cols(), B.rows(), B.cols());
  T* slope_b = tape.arena().template allocate_array<T>(static_cast<std::size_t>(A.size()));
  const T *a = A.value().data(), *b = B.value().data();
  for (Eigen::Index k = 0; k < buf.n; ++k) {
    const Dual<T, 2> r = f(Dual<T, 2>::seed(a[k], 0), Dual<T, 2>::seed(b[k], 1));
    buf.out[k] = r.value;
    buf.slope[k] = r.tangent(0);
    slope_b[k] = r.tangent(1);
  }
  const T* slope_a = buf.slope;
  const Index fa = A.first_slot(), fb = B.first_slot();
  const Eigen::Index n = A.size();
  return detail::record_matrix(tape, buf.out, A.rows(), A.cols(), [fa, fb, n, slope_a, slope_b](T* adj, Index first) {
    for (Eigen::Index k = 0; k < n; ++k) {
      const T g = adj[first + k];
      adj[fa + k] += slope_a[k] * g;
      adj[fb + k] += slope_b[k] * g;
    }
  });
}
/// cwise_sum(f, A): sum over the entries of f(a), ONE statement that keeps only the slopes
/// (no matrix of results): sum(cwise(f, A)) fused. Backward: adj(A) += f'(A) adj(s).
template <class T, class F>
Var<T> cwise_sum(F f, const MatrixVar<T>& A) {
  Tape<T>& tape = detail::active_or_throw<T>();
  detail::check_operand(tape, A, "cwise_sum");
  const Eigen::Index n = A.size();
  T* slope = tape.arena().template allocate_array<T>(static_cast<std::size_t>(n));
  const T* a = A.value().data();
  T total(0);
  T values[detail::kChunk];  // summed per chunk by Eigen, so the loop itself has no serial sum
  for (Eigen::Index start = 0; start < n; start += detail::kChunk) {
    const Eigen::Index m = std::min<Eigen::Index>(detail::kChunk, n - start);
    for (Eigen::Index k = 0; k < m; ++k) {
      const Dual<T> r = f(Dual<T>(a[start + k], T(1)));
      values[k] = r.value;
      slope[start + k] = r.derivative;
    }
    total += Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>(values, m).sum();
  }
  const Index fa = A.first_slot();
  return detail::record_scalar(tape, total, [fa, n, slope](T* adj, Index first) {
    const T g = adj[first];
    for (Eigen::Index k = 0; k < n; ++k) adj[fa + k] += g * slope[k];
  });
}
/// cwise_sum(f, A, B): sum over the entries of f(a, b) for A and B of the same shape, one
/// statement (sum(cwise(f, A, B)) fused), f called once per entry with Dual<T, 2>.
/// Backward: adj(A) += df/da adj(s), adj(B) += df/db adj(s).
template <class T, class F>
Var<T> cwise_sum(F f, const MatrixVar<T>& A, const MatrixVar<T>& B) {
  Tape<T>& tape = detail::active_or_throw<T>();
  detail::check_operand(tape, A, "cwise_sum");
  detail::check_operand(tape, B, "cwise_sum");
  detail::require_same_shape("cwise_sum", A.rows(), A.cols(), B.rows(), B.cols());
  const Eigen::Index n = A.size();
  T* slope_a = tape.arena().template allocate_array<T>(static_cast<std::size_t>(n));
  T* slope_b = tape.arena().template allocate_array<T>(static_cast<std::size_t>(n));
  const T *a = A.value().data(), *b = B.value().data();
  T total(0);
  T values[detail::kChunk];  // as in the unary form
  for (Eigen::Index start = 0; start < n; start += detail::kChunk) {
    const Eigen::Index m = std::min<Eigen::Index>(detail::kChunk, n - start);
    for (Eigen::Index k = 0; k < m; ++k) {
      const Dual<T, 2> r = f(Dual<T, 2>::seed(a[start + k], 0), Dual<T, 2>::seed(b[start + k], 1));
      values[k] = r.value;
      slope_a[start + k] = r.tangent(0);
      slope_b[start + k] = r.tangent(1);
    }
    total += Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>(values, m).sum();
  }
  const Index fa = A.first_slot(), fb = B.first_slot();
  return detail::record_scalar(tape, total, [fa, fb, n, slope_a, slope_b](T* adj, Index first) {
    const T g = adj[first];
    for (Eigen::Index k = 0; k < n; ++k) {
      adj[fa + k] += g * slope_a[k];
      adj[fb + k] += g * slope_b[k];
    }
  });
}

/// colwise_sum(f, X): sum over the columns j of a 2-row X of f(X(0, j), X(1, j)), ONE
/// statement. For pairs of neighbouring entries, as in the extended Rosenbrock function
/// sum_k f(x_2k, x_2k+1): view x as X = x.reshaped(2, n/2) and no row is copied out. f is
/// called once per column with Dual<T, 2>.
/// Backward: adj(X(0, j)) += df/da adj(s), adj(X(1, j)) += df/db adj(s), one contiguous pass.
template <class T, class F>
Var<T> colwise_sum(F f, const MatrixVar<T>& X) {
  Tape<T>& tape = detail::active_or_throw<T>();
  detail::check_operand(tape, X, "colwise_sum");
  if (X.rows() != 2)
    detail::throw_invalid_argument("colwise_sum: X is " + detail::shape_string(X.rows(), X.cols()) +
                                   "; expected 2 rows (f takes one column's two entries)");
  const Eigen::Index n = X.size();
  T* slope = tape.arena().template allocate_array<T>(static_cast<std::size_t>(n));  // same layout as X
  const T* x = X.value().data();
  T total(0);
  T values[detail::kChunk];  // as in cwise_sum
  for (Eigen::Index start = 0; start < X.cols(); start += detail::kChunk) {
    const Eigen::Index m = std::min<Eigen::Index>(detail::kChunk, X.cols() - start);
    for (Eigen::Index k = 0; k < m; ++k) {
      const Eigen::Index j = 2 * (start + k);
      const Dual<T, 2> r = f(Dual<T, 2>::seed(x[j], 0), Dual<T, 2>::seed(x[j + 1], 1));
      values[k] = r.value;
      slope[j] = r.tangent(0);
      slope[j + 1] = r.tangent(1);
    }
    total += Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>(values, m).sum();
  }
  const Index fx = X.first_slot();
  return detail::record_scalar(tape, total, [fx, n, slope](T* adj, Index first) {
    const T g = adj[first];
    for (Eigen::Index k = 0; k < n; ++k) adj[fx + k] += g * slope[k];
  });
}

}  // namespace tapegrad
