// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Losses of a batch as single statements: the mean over the batch, so the gradient
/// does not grow with the batch size M. Rows are examples.
///   mse:                   L = (1/n) sum (P - Y)^2 over all n entries; dL/dP = 2 (P - Y)/n
///   bce_with_logits:       L = (1/n) sum softplus(z) - y z;                dL/dz = (s(z) - y)/n
///   softmax_cross_entropy: L = (1/M) sum_i logsumexp(z_i) - z_i[label_i]; dL/dz_i = (softmax(z_i) - e_label)/M
/// The last two never form exp(z) for large z, so they are finite at |z| = 1000; their
/// softplus, sigmoid and logsumexp are the rules of core/rules/special.hpp.

#include <iterator>
#include <string>
#include <vector>

#include "tapegrad/eigen/matrix_functions.hpp"

namespace tapegrad {

/// Mean squared error between predictions P and plain targets Y of the same shape.
template <class T, class M, detail::if_plain_matrix<M, T> = 0>
Var<T> mse(const MatrixVar<T>& P, const M& Y) {
  Tape<T>& tape = detail::active_or_throw<T>();
  detail::check_operand(tape, P, "mse");
  detail::require_same_shape("mse", P.rows(), P.cols(), Y.rows(), Y.cols());
  const auto n = P.size();
  T* slope = tape.arena().template allocate_array<T>(static_cast<std::size_t>(n));
  Eigen::Map<MatrixX<T>> d(slope, P.rows(), P.cols());
  d = P.value() - Y;
  const T value = d.squaredNorm() / T(n);
  d *= T(2) / T(n);
  const Index fp = P.first_slot();
  return detail::record_scalar(tape, value, [slope, fp, n](T* adj, Index first) {
    const T g = adj[first];
    for (Eigen::Index k = 0; k < n; ++k) adj[fp + k] += g * slope[k];
  });
}

/// Binary cross-entropy from logits Z against plain 0/1 targets Y of the same shape.
template <class T, class M, detail::if_plain_matrix<M, T> = 0>
Var<T> bce_with_logits(const MatrixVar<T>& Z, const M& Y) {
  Tape<T>& tape = detail::active_or_throw<T>();
  detail::check_operand(tape, Z, "bce_with_logits");
  detail::require_same_shape("bce_with_logits", Z.rows(), Z.cols(), Y.rows(), Y.cols());
  const auto n = Z.size();
  using Array = Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>>;
  T* slope = tape.arena().template allocate_array<T>(static_cast<std::size_t>(n));
  Array e(tape.arena().template allocate_array<T>(static_cast<std::size_t>(n)), n);
  Eigen::Map<MatrixX<T>>(slope, Z.rows(), Z.cols()) = Y;  // the slope buffer holds y first
  Array y(slope, n);
  const auto z = detail::array_of(Z);
  e = detail::rules::logistic_z(z);  // e^-|z| <= 1: no overflow for any z
  const T value = (detail::rules::Softplus::value(z, e) - y * z).sum() / T(n);
  y = (detail::rules::Sigmoid::value(z, e) - y) / T(n);  // (s(z) - y)/n
  const Index fz = Z.first_slot();
  return detail::record_scalar(tape, value, [slope, fz, n](T* adj, Index first) {
    const T g = adj[first];
    for (Eigen::Index k = 0; k < n; ++k) adj[fz + k] += g * slope[k];
  });
}

/// Softmax cross-entropy from logits Z (M x K: one row per example, one column per
/// class) against integer labels in [0, K), one per row.
template <class T, class Labels>
Var<T> softmax_cross_entropy(const MatrixVar<T>& Z, const Labels& labels) {
  Tape<T>& tape = detail::active_or_throw<T>();
  detail::check_operand(tape, Z, "softmax_cross_entropy");
  const Eigen::Index rows = Z.rows(), classes = Z.cols();
  if (static_cast<Eigen::Index>(labels.size()) != rows)
    detail::throw_invalid_argument("softmax_cross_entropy: " + std::to_string(labels.size()) + " labels for " +
                                   std::to_string(rows) + " rows of logits");
  T* slope = tape.arena().template allocate_array<T>(static_cast<std::size_t>(Z.size()));
  Eigen::Map<MatrixX<T>> P(slope, rows, classes);
  const auto logits = Z.value();
  T total(0);
  for (Eigen::Index i = 0; i < rows; ++i) {
    const auto label = static_cast<Eigen::Index>(std::begin(labels)[i]);
    if (label < 0 || label >= classes)
      detail::throw_invalid_argument("softmax_cross_entropy: label " + std::to_string(label) + " of row " +
                                     std::to_string(i) + " is outside [0, " + std::to_string(classes) + ")");
    const T m = logits.row(i).maxCoeff();
    P.row(i) = detail::rules::LogSumExp::shifted_exp(logits.row(i).array(), m).matrix();
    const T s = P.row(i).sum();
    total += detail::rules::LogSumExp::value(m, s) - logits(i, label);
    P.row(i) /= s * T(rows);
    P(i, label) -= T(1) / T(rows);
  }
  const Index fz = Z.first_slot();
  const Eigen::Index n = Z.size();
  return detail::record_scalar(tape, total / T(rows), [slope, fz, n](T* adj, Index first) {
    const T g = adj[first];
    for (Eigen::Index k = 0; k < n; ++k) adj[fz + k] += g * slope[k];
  });
}

}  // namespace tapegrad
