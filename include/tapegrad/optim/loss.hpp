// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Losses of a batch, the mean over its M examples (rows), so that the gradient, and
/// with it the step alpha dL/dw, does not grow with M:
///   mse:                   L = (1/n) sum (p - y)^2 over the n = M k entries
///   bce_with_logits:       L = (1/n) sum softplus(z) - y z   (= -y log s(z) - (1-y) log(1 - s(z)))
///   softmax_cross_entropy: L = (1/M) sum_i logsumexp(z_i) - z_i[label_i]
///   l2_penalty:            R = (lambda/2) ||W||^2, dR/dW = lambda W   (weight decay)
/// On MatrixVar operands these are the single tape statements of
/// eigen/matrix_losses.hpp (re-exported here); on plain Eigen matrices they return the
/// plain value, computed the same stable way (finite at |z| = 1000), for evaluation
/// without a tape.

#include <Eigen/Core>
#include <cmath>
#include <iterator>
#include <string>

#include "tapegrad/eigen/matrix.hpp"
#include "tapegrad/optim/checks.hpp"

namespace tapegrad::optim {

using tapegrad::bce_with_logits;
using tapegrad::mse;
using tapegrad::softmax_cross_entropy;

/// Mean squared error of plain predictions P against targets Y of the same shape.
template <class T>
T mse(const MatrixX<T>& P, const MatrixX<T>& Y) {
  tapegrad::detail::require_same_shape("mse", P.rows(), P.cols(), Y.rows(), Y.cols());
  if (P.size() == 0) detail::throw_invalid_argument("mse: empty predictions");
  return (P - Y).squaredNorm() / T(P.size());
}

/// Binary cross-entropy from plain logits Z against 0/1 targets Y (stable for any z).
template <class T>
T bce_with_logits(const MatrixX<T>& Z, const MatrixX<T>& Y) {
  tapegrad::detail::require_same_shape("bce_with_logits", Z.rows(), Z.cols(), Y.rows(), Y.cols());
  if (Z.size() == 0) detail::throw_invalid_argument("bce_with_logits: empty logits");
  const auto z = Z.array();
  // softplus(z) = max(z, 0) + log1p(e^-|z|), the rule of the tape's statement: e^-|z| <= 1
  return (tapegrad::detail::rules::Softplus::value(z, tapegrad::detail::rules::logistic_z(z)) - Y.array() * z).sum() /
         T(Z.size());
}

/// Softmax cross-entropy of plain logits Z (M x K) against integer labels in [0, K).
template <class T, class Labels>
T softmax_cross_entropy(const MatrixX<T>& Z, const Labels& labels) {
  const Eigen::Index rows = Z.rows(), classes = Z.cols();
  if (rows == 0) detail::throw_invalid_argument("softmax_cross_entropy: empty logits");
  if (static_cast<Eigen::Index>(labels.size()) != rows)
    detail::throw_invalid_argument("softmax_cross_entropy: " + std::to_string(labels.size()) + " labels for " +
                                   std::to_string(rows) + " rows of logits");
  T total(0);
  for (Eigen::Index i = 0; i < rows; ++i) {
    const auto label = static_cast<Eigen::Index>(std::begin(labels)[i]);
    if (label < 0 || label >= classes)
      detail::throw_invalid_argument("softmax_cross_entropy: label " + std::to_string(label) + " of row " +
                                     std::to_string(i) + " is outside [0, " + std::to_string(classes) + ")");
    const T m = Z.row(i).maxCoeff();
    const T sum = tapegrad::detail::rules::LogSumExp::shifted_exp(Z.row(i).array(), m).sum();
    total += tapegrad::detail::rules::LogSumExp::value(m, sum) - Z(i, label);
  }
  return total / T(rows);
}

/// L2 weight decay (lambda/2) ||W||^2 of a MatrixVar, as one tape statement; its
/// gradient lambda W is what PyTorch's `weight_decay = lambda` adds to the gradient.
template <class T>
Var<T> l2_penalty(const MatrixVar<T>& W, const T& lambda) {
  detail::require_nonnegative(lambda, "l2_penalty: lambda");
  const Var<T> s = squared_norm(W);
  return Var<T>(s * (lambda / T(2)));
}

/// (lambda/2) ||W||^2 of a plain matrix.
template <class T>
T l2_penalty(const MatrixX<T>& W, const T& lambda) {
  detail::require_nonnegative(lambda, "l2_penalty: lambda");
  return lambda / T(2) * W.squaredNorm();
}

}  // namespace tapegrad::optim
