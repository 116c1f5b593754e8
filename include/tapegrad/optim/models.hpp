// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Models for train(): a multilayer perceptron and its one-layer special cases, linear
/// and logistic regression. Rows are examples, so a layer is Z = A W + 1 b^T (W is
/// fan_in x fan_out) and each layer is three matrix statements on the tape: the
/// product, the bias added to every row, the element-wise activation. The loss is one
/// more statement, chosen by the output kind:
///   Output::linear                 identity output, mean squared error
///   Output::sigmoid                s(z) output, binary cross-entropy from the logits z
///   Output::softmax                softmax output, cross-entropy against integer labels
///   Output::sigmoid_squared_error  s(z) output, mean squared error of s(z) (the seeds'
///                                  network y = s(W3 s(W2 s(W1 x))) with squared error)
///
/// What train() needs from a model (write your own with these members):
///   Parameters<T>& parameters();                                  the weights
///   void check(const Dataset<T>&) const;                          throws if the data do not fit
///   Var<T> loss(const BoundParameters<T>&, const Batch<T>&) const; the batch loss, on the active tape
///   T loss(const Dataset<T>&) const;                              the plain loss (validation)
/// and, for validation accuracy, bool is_classifier() and classify(X).

#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tapegrad/eigen/matrix.hpp"
#include "tapegrad/optim/dataset.hpp"
#include "tapegrad/optim/loss.hpp"
#include "tapegrad/optim/parameters.hpp"
#include "tapegrad/optim/random.hpp"

namespace tapegrad::optim {

/// Hidden-layer activation functions.
enum class Nonlinearity { sigmoid, tanh, relu, identity };
/// Output layer and loss (see the file comment).
enum class Output { linear, sigmoid, softmax, sigmoid_squared_error };

/// "sigmoid", "tanh", ...
inline const char* to_string(Nonlinearity a) noexcept {
  switch (a) {
    case Nonlinearity::sigmoid:
      return "sigmoid";
    case Nonlinearity::tanh:
      return "tanh";
    case Nonlinearity::relu:
      return "relu";
    case Nonlinearity::identity:
      return "identity";
  }
  return "?";
}

namespace detail {
template <class T>
MatrixVar<T> activate(const MatrixVar<T>& Z, Nonlinearity a) {
  switch (a) {
    case Nonlinearity::sigmoid:
      return sigmoid(Z);
    case Nonlinearity::tanh:
      return tanh(Z);
    case Nonlinearity::relu:
      return relu(Z);
    case Nonlinearity::identity:
      break;
  }
  return Z;
}
/// The activation of plain Z, by the same rules and kernels as the tape's statements.
template <class T>
void activate_plain(MatrixX<T>& Z, Nonlinearity a) {
  switch (a) {
    case Nonlinearity::sigmoid:
      tapegrad::detail::apply_rule_in_place<tapegrad::detail::rules::Sigmoid>(Z);
      break;
    case Nonlinearity::tanh:
      tapegrad::detail::apply_rule_in_place<tapegrad::detail::rules::Tanh>(Z);
      break;
    case Nonlinearity::relu:
      tapegrad::detail::apply_rule_in_place<tapegrad::detail::rules::Relu>(Z);
      break;
    case Nonlinearity::identity:
      break;
  }
}
}  // namespace detail

/// A fully connected network with layer sizes n_0 (inputs), n_1, ..., n_L (outputs):
/// weights W_l (n_{l-1} x n_l), biases b_l (1 x n_l) named "W1", "b1", "W2", ...
/// Initialization is deterministic from the seed: uniform in [-a, a] with Glorot's
/// a = sqrt(6 / (fan_in + fan_out)) (He's sqrt(6 / fan_in) before relu), biases 0.
template <class T>
class MLP {
 public:
  using scalar_type = T;

  /// sizes = {inputs, hidden..., outputs}; one activation for every hidden layer.
  MLP(std::vector<Eigen::Index> sizes, Nonlinearity hidden = Nonlinearity::relu, Output output = Output::softmax,
      std::uint64_t seed = 0, bool bias = true)
      : MLP(sizes, std::vector<Nonlinearity>(sizes.size() > 2 ? sizes.size() - 2 : 0, hidden), output, seed, bias) {}

  /// One activation per hidden layer (sizes.size() - 2 of them).
  MLP(std::vector<Eigen::Index> sizes, std::vector<Nonlinearity> hidden, Output output, std::uint64_t seed = 0,
      bool bias = true)
      : sizes_(std::move(sizes)), hidden_(std::move(hidden)), output_(output), bias_(bias) {
    if (sizes_.size() < 2)
      detail::throw_invalid_argument("MLP: " + std::to_string(sizes_.size()) +
                                     " layer sizes; expected at least 2 (inputs and outputs)");
    for (std::size_t l = 0; l < sizes_.size(); ++l)
      if (sizes_[l] < 1)
        detail::throw_invalid_argument("MLP: layer size " + std::to_string(l) + " is " + std::to_string(sizes_[l]) +
                                       "; expected >= 1");
    if (hidden_.size() != sizes_.size() - 2)
      detail::throw_invalid_argument("MLP: " + std::to_string(hidden_.size()) + " hidden activations for " +
                                     std::to_string(sizes_.size() - 2) + " hidden layers");
    if (output_ == Output::softmax && sizes_.back() < 2)
      detail::throw_invalid_argument("MLP: a softmax output needs >= 2 outputs, got " + std::to_string(sizes_.back()));
    Random rng(seed);
    for (std::size_t l = 1; l < sizes_.size(); ++l) {
      const Eigen::Index fan_in = sizes_[l - 1], fan_out = sizes_[l];
      const bool relu_next = l < sizes_.size() - 1 && hidden_[l - 1] == Nonlinearity::relu;
      const double a = relu_next ? std::sqrt(6.0 / double(fan_in)) : std::sqrt(6.0 / double(fan_in + fan_out));
      MatrixX<T> W(fan_in, fan_out);
      for (Eigen::Index j = 0; j < fan_out; ++j)
        for (Eigen::Index i = 0; i < fan_in; ++i) W(i, j) = T(rng.uniform(-a, a));
      params_.add("W" + std::to_string(l), W, true);
      if (bias_) params_.add("b" + std::to_string(l), MatrixX<T>::Zero(1, fan_out), false);
    }
  }

  /// The weights.
  Parameters<T>& parameters() noexcept { return params_; }
  const Parameters<T>& parameters() const noexcept { return params_; }
  /// Layer sizes {inputs, hidden..., outputs}.
  const std::vector<Eigen::Index>& sizes() const noexcept { return sizes_; }
  Eigen::Index input_count() const noexcept { return sizes_.front(); }
  Eigen::Index output_count() const noexcept { return sizes_.back(); }
  Output output() const noexcept { return output_; }
  /// Number of weight layers L.
  std::size_t layer_count() const noexcept { return sizes_.size() - 1; }
  /// Whether classify() is meaningful (softmax, or sigmoid with one output).
  bool is_classifier() const noexcept {
    return output_ == Output::softmax || (output_ != Output::linear && sizes_.back() == 1);
  }

  /// Throws std::invalid_argument if `data` does not fit this model.
  void check(const Dataset<T>& data) const {
    if (data.feature_count() != input_count())
      detail::throw_invalid_argument("model: the data have " + std::to_string(data.feature_count()) +
                                     " features; the model expects " + std::to_string(input_count()) + " inputs");
    if (output_ == Output::softmax) {
      if (!data.has_labels())
        detail::throw_invalid_argument(
            "model: a softmax output needs integer labels (make the Dataset with from_labels)");
      if (data.class_count() > output_count())
        detail::throw_invalid_argument("model: the data have " + std::to_string(data.class_count()) +
                                       " classes; the model has " + std::to_string(output_count()) + " outputs");
      return;
    }
    if (data.target_count() != output_count())
      detail::throw_invalid_argument("model: the data have " + std::to_string(data.target_count()) +
                                     " target columns; the model has " + std::to_string(output_count()) + " outputs");
    if (output_ == Output::sigmoid) {
      const auto& Y = data.targets();
      for (Eigen::Index j = 0; j < Y.cols(); ++j)
        for (Eigen::Index i = 0; i < Y.rows(); ++i)
          if (!(Y(i, j) >= T(0) && Y(i, j) <= T(1)))
            detail::throw_invalid_argument("model: target (" + std::to_string(i) + ", " + std::to_string(j) + ") is " +
                                           detail::number(static_cast<double>(Y(i, j))) +
                                           "; binary cross-entropy expects targets in [0, 1]");
    }
  }

  /// The network's last pre-activation Z_L (logits) on the tape, for a plain batch X.
  MatrixVar<T> forward(const BoundParameters<T>& w, const MatrixX<T>& X) const {
    MatrixVar<T> A;
    for (std::size_t l = 0; l < layer_count(); ++l) {
      const std::size_t k = bias_ ? 2 * l : l;
      MatrixVar<T> Z = l == 0 ? X * w[k] : A * w[k];
      if (bias_) Z = rowwise_add(Z, w[k + 1]);
      A = l + 1 < layer_count() ? detail::activate(Z, hidden_[l]) : Z;
    }
    return A;
  }

  /// The loss of a batch, recorded on the active tape (w bound to it).
  Var<T> loss(const BoundParameters<T>& w, const Batch<T>& batch) const {
    const MatrixVar<T> Z = forward(w, batch.features);
    switch (output_) {
      case Output::linear:
        return mse(Z, batch.targets);
      case Output::sigmoid:
        return bce_with_logits(Z, batch.targets);
      case Output::softmax:
        return softmax_cross_entropy(Z, batch.labels);
      case Output::sigmoid_squared_error:
        return mse(sigmoid(Z), batch.targets);
    }
    return Var<T>();
  }

  /// Z_L (logits, or the predictions of a linear output) for plain X, with the current weights.
  MatrixX<T> logits(const MatrixX<T>& X) const {
    if (X.cols() != input_count())
      detail::throw_invalid_argument("model: X has " + std::to_string(X.cols()) + " columns; the model expects " +
                                     std::to_string(input_count()) + " inputs");
    MatrixX<T> A = X;
    for (std::size_t l = 0; l < layer_count(); ++l) {
      const std::size_t k = bias_ ? 2 * l : l;
      MatrixX<T> Z = A * params_[k];
      if (bias_) Z.rowwise() += Eigen::Matrix<T, 1, Eigen::Dynamic>(params_[k + 1]);
      if (l + 1 < layer_count()) detail::activate_plain(Z, hidden_[l]);
      A = std::move(Z);
    }
    return A;
  }

  /// Predictions for plain X (one row per example): the output for linear, s(z) for
  /// sigmoid outputs, class probabilities for softmax.
  MatrixX<T> predict(const MatrixX<T>& X) const {
    MatrixX<T> Z = logits(X);
    if (output_ == Output::sigmoid || output_ == Output::sigmoid_squared_error) {
      detail::activate_plain(Z, Nonlinearity::sigmoid);
    } else if (output_ == Output::softmax) {
      for (Eigen::Index i = 0; i < Z.rows(); ++i) {
        Z.row(i) = tapegrad::detail::rules::LogSumExp::shifted_exp(Z.row(i).array(), Z.row(i).maxCoeff()).matrix();
        Z.row(i) /= Z.row(i).sum();
      }
    }
    return Z;
  }

  /// Predicted classes: argmax for softmax, z >= 0 for one sigmoid output.
  Eigen::VectorXi classify(const MatrixX<T>& X) const {
    if (!is_classifier())
      detail::throw_invalid_argument(
          "classify: the model is not a classifier (linear output or several sigmoid outputs)");
    const MatrixX<T> Z = logits(X);
    Eigen::VectorXi c(Z.rows());
    for (Eigen::Index i = 0; i < Z.rows(); ++i) {
      if (output_ == Output::softmax) {
        Eigen::Index best = 0;
        Z.row(i).maxCoeff(&best);
        c[i] = static_cast<int>(best);
      } else {
        c[i] = Z(i, 0) >= T(0) ? 1 : 0;
      }
    }
    return c;
  }

  /// The plain loss over a whole dataset with the current weights.
  T loss(const Dataset<T>& data) const {
    check(data);
    const MatrixX<T> Z = logits(data.features());
    switch (output_) {
      case Output::linear:
        return mse(Z, data.targets());
      case Output::sigmoid:
        return bce_with_logits(Z, data.targets());
      case Output::softmax:
        return softmax_cross_entropy(Z, data.labels());
      case Output::sigmoid_squared_error: {
        MatrixX<T> S = Z;
        detail::activate_plain(S, Nonlinearity::sigmoid);
        return mse(S, data.targets());
      }
    }
    return T(0);
  }

 protected:
  std::vector<Eigen::Index> sizes_;
  std::vector<Nonlinearity> hidden_;
  Output output_;
  bool bias_;
  Parameters<T> params_;
};

/// y = X W + b with the mean squared error; W (inputs x outputs) and b start at 0.
template <class T>
class LinearRegression : public MLP<T> {
 public:
  explicit LinearRegression(Eigen::Index inputs, Eigen::Index outputs = 1)
      : MLP<T>({inputs, outputs}, Nonlinearity::identity, Output::linear) {
    this->params_.values().setZero();
  }
  /// W, inputs x outputs.
  Eigen::Map<const MatrixX<T>> weights() const { return this->params_[0]; }
  /// b, 1 x outputs.
  Eigen::Map<const MatrixX<T>> bias() const { return this->params_[1]; }
};

/// P(y = 1 | x) = s(x^T w + b) with binary cross-entropy from the logits; starts at 0.
template <class T>
class LogisticRegression : public MLP<T> {
 public:
  explicit LogisticRegression(Eigen::Index inputs) : MLP<T>({inputs, 1}, Nonlinearity::identity, Output::sigmoid) {
    this->params_.values().setZero();
  }
  /// w, inputs x 1.
  Eigen::Map<const MatrixX<T>> weights() const { return this->params_[0]; }
  /// b, 1 x 1.
  Eigen::Map<const MatrixX<T>> bias() const { return this->params_[1]; }
};

/// The fraction of equal entries of two label vectors (std::invalid_argument if the
/// sizes differ or are 0).
inline double accuracy(const Eigen::VectorXi& predicted, const Eigen::VectorXi& labels) {
  if (predicted.size() != labels.size() || labels.size() == 0)
    detail::throw_invalid_argument("accuracy: " + std::to_string(predicted.size()) + " predictions for " +
                                   std::to_string(labels.size()) + " labels; expected the same number >= 1");
  return static_cast<double>((predicted.array() == labels.array()).count()) / static_cast<double>(labels.size());
}

/// The fraction of examples of `data` a classifier gets right (labels, or the rounded
/// first target column when the dataset has no labels).
template <class Model, class T>
double accuracy(const Model& model, const Dataset<T>& data) {
  const Eigen::VectorXi predicted = model.classify(data.features());
  if (data.has_labels()) return accuracy(predicted, data.labels());
  Eigen::VectorXi truth(data.size());
  for (Eigen::Index i = 0; i < data.size(); ++i)
    truth[i] = static_cast<int>(std::lround(static_cast<double>(data.targets()(i, 0))));
  return accuracy(predicted, truth);
}

}  // namespace tapegrad::optim
