// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Data for training: a Dataset of examples (rows of an Eigen matrix) with targets,
/// batches of size M in sequential or shuffled order, a seeded train/test split and a
/// Standardizer fitted on the training part only.
///
///     optim::Dataset<double> data(X, y);                     // N x d features, N x k targets
///     auto [train, test] = optim::train_test_split(data, 0.2, 42);
///     optim::Standardizer<double> scale(train);              // mean/std of train only
///     train = scale.transform(train); test = scale.transform(test);
///
/// Every check throws std::invalid_argument naming the value and what was expected.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tapegrad/optim/checks.hpp"
#include "tapegrad/optim/random.hpp"

namespace tapegrad::optim {

/// A mini-batch: the gathered rows of a Dataset. Reused from step to step, so after the
/// first gather of a given size it allocates nothing.
template <class T>
struct Batch {
  Eigen::MatrixX<T> features;  ///< M x d
  Eigen::MatrixX<T> targets;   ///< M x k
  Eigen::VectorXi labels;      ///< M integer labels (empty if the dataset has none)
  /// Number of examples M.
  Eigen::Index size() const noexcept { return features.rows(); }
};

/// Examples as rows of a feature matrix, with a target matrix (N x k) and, for
/// classification, integer labels (targets are then the labels as one column of T).
template <class T>
class Dataset {
 public:
  /// Features N x d and targets N x k (a matrix, or a vector for one target column).
  /// Throws std::invalid_argument if N = 0, if the row counts differ, or if any entry is
  /// NaN or infinite.
  template <class DX, class DY>
  Dataset(const Eigen::MatrixBase<DX>& features, const Eigen::MatrixBase<DY>& targets) : X_(features), Y_(targets) {
    check();
  }

  /// A classification dataset: features and integer labels in [0, classes). classes = 0
  /// means max(label) + 1. The targets are the labels as one column of T (so a 0/1
  /// problem also trains with binary cross-entropy).
  static Dataset from_labels(const Eigen::MatrixX<T>& features, const Eigen::VectorXi& labels, int classes = 0) {
    if (labels.size() != features.rows())
      detail::throw_invalid_argument("Dataset: features have " + std::to_string(features.rows()) +
                                     " rows but there are " + std::to_string(labels.size()) +
                                     " labels; expected one label per row");
    if (labels.size() == 0) detail::throw_invalid_argument("Dataset: no examples (expected N >= 1 rows)");
    const int top = labels.maxCoeff() + 1;
    if (classes == 0) classes = top;
    for (Eigen::Index i = 0; i < labels.size(); ++i)
      if (labels[i] < 0 || labels[i] >= classes)
        detail::throw_invalid_argument("Dataset: label " + std::to_string(labels[i]) + " of row " + std::to_string(i) +
                                       " is outside [0, " + std::to_string(classes) + ")");
    Dataset d(features, labels.cast<T>());
    d.labels_ = labels;
    d.classes_ = classes;
    return d;
  }

  /// Number of examples N.
  Eigen::Index size() const noexcept { return X_.rows(); }
  /// Number of features d.
  Eigen::Index feature_count() const noexcept { return X_.cols(); }
  /// Number of target columns k.
  Eigen::Index target_count() const noexcept { return Y_.cols(); }
  /// The N x d features.
  const Eigen::MatrixX<T>& features() const noexcept { return X_; }
  /// The N x k targets.
  const Eigen::MatrixX<T>& targets() const noexcept { return Y_; }
  /// The integer labels (empty unless made by from_labels).
  const Eigen::VectorXi& labels() const noexcept { return labels_; }
  /// Whether the dataset has integer labels.
  bool has_labels() const noexcept { return labels_.size() != 0; }
  /// Number of classes (0 without labels).
  int class_count() const noexcept { return classes_; }

  /// The examples at the given rows (in that order), as a new Dataset.
  Dataset subset(const std::vector<Eigen::Index>& rows) const {
    if (rows.empty()) detail::throw_invalid_argument("Dataset::subset: no rows (expected at least one)");
    Batch<T> b;
    gather(rows.data(), static_cast<Eigen::Index>(rows.size()), b);
    Dataset d(std::move(b.features), std::move(b.targets), Unchecked{});
    d.labels_ = std::move(b.labels);
    d.classes_ = classes_;
    return d;
  }

  /// The same examples with new features (same row count; e.g. after standardization).
  Dataset with_features(Eigen::MatrixX<T> features) const {
    Dataset d(*this);
    if (features.rows() != size())
      detail::throw_invalid_argument("Dataset::with_features: " + std::to_string(features.rows()) + " rows; expected " +
                                     std::to_string(size()));
    d.X_ = std::move(features);
    d.check();
    return d;
  }

  /// Copies rows[0..m) into `out`, resizing its matrices only if their size changes.
  /// Rows are not checked in release builds beyond a debug assertion.
  void gather(const Eigen::Index* rows, Eigen::Index m, Batch<T>& out) const {
    out.features.resize(m, X_.cols());
    out.targets.resize(m, Y_.cols());
    // Runs of consecutive rows (all of a sequential batch) are copied as blocks, which
    // Eigen vectorizes; the column-major storage makes one row at a time much slower.
    for (Eigen::Index r = 0; r < m;) {
      Eigen::Index run = 1;
      while (r + run < m && rows[r + run] == rows[r] + run) ++run;
      out.features.middleRows(r, run) = X_.middleRows(rows[r], run);
      out.targets.middleRows(r, run) = Y_.middleRows(rows[r], run);
      r += run;
    }
    if (has_labels()) {
      out.labels.resize(m);
      for (Eigen::Index r = 0; r < m; ++r) out.labels[r] = labels_[rows[r]];
    } else {
      out.labels.resize(0);
    }
  }

  /// The whole dataset as one batch (a copy).
  Batch<T> all() const { return Batch<T>{X_, Y_, labels_}; }

 private:
  struct Unchecked {};
  Dataset(Eigen::MatrixX<T> features, Eigen::MatrixX<T> targets, Unchecked)
      : X_(std::move(features)), Y_(std::move(targets)) {}

  void check() const {
    if (X_.rows() == 0) detail::throw_invalid_argument("Dataset: no examples (expected N >= 1 rows of features)");
    if (X_.cols() == 0) detail::throw_invalid_argument("Dataset: no features (expected d >= 1 columns)");
    if (Y_.rows() != X_.rows())
      detail::throw_invalid_argument("Dataset: features have " + std::to_string(X_.rows()) + " rows but targets have " +
                                     std::to_string(Y_.rows()) + "; expected one target row per example");
    if (Y_.cols() == 0) detail::throw_invalid_argument("Dataset: targets have no columns (expected k >= 1)");
    detail::require_finite(X_, "Dataset: feature ");
    detail::require_finite(Y_, "Dataset: target ");
  }

  Eigen::MatrixX<T> X_, Y_;
  Eigen::VectorXi labels_;
  int classes_ = 0;
};

/// A classification Dataset from anything with `features` (a matrix of T), `labels` (an
/// Eigen::VectorXi) and `class_names` members, such as io::LabeledData<T> from io/csv.hpp.
/// The classes are the class names, or without names 0..max label, at most one per
/// example (K <= N); a label outside them throws std::invalid_argument.
template <class Labeled>
auto classification_dataset(const Labeled& data) {
  using T = typename std::decay_t<decltype(data.features)>::Scalar;
  const std::size_t named = data.class_names.size();
  if (named == 0 && data.labels.size() > 0 && data.labels.maxCoeff() >= data.labels.size())
    detail::throw_invalid_argument("classification_dataset: label " + std::to_string(data.labels.maxCoeff()) +
                                   " but only " + std::to_string(data.labels.size()) +
                                   " examples and no class names; expected labels 0..K-1 with K <= N, or class names");
  return Dataset<T>::from_labels(data.features, data.labels, static_cast<int>(named));
}

/// The order in which examples are visited within an epoch.
enum class Order {
  sequential,  ///< contiguous chunks in data order: 0..M-1, M..2M-1, ...
  shuffled     ///< a new permutation every epoch, drawn from (seed, epoch)
};

/// Splits 0..N-1 into batches of size M, epoch by epoch. Epoch e of a shuffled order
/// uses the permutation drawn from (seed, e) alone, so a run is reproducible and any
/// epoch can be regenerated on its own.
class BatchSampler {
 public:
  /// Throws std::invalid_argument for N < 1, M < 1, or M > N with drop_last.
  BatchSampler(Eigen::Index n, Eigen::Index batch_size, Order order = Order::sequential, std::uint64_t seed = 0,
               bool drop_last = false)
      : n_(n), m_(batch_size), order_(order), seed_(seed), drop_last_(drop_last) {
    if (n < 1)
      detail::throw_invalid_argument("BatchSampler: dataset size N is " + std::to_string(n) + "; expected N >= 1");
    if (batch_size < 1)
      detail::throw_invalid_argument("batch_size is " + std::to_string(batch_size) + "; expected a batch size M >= 1");
    if (drop_last && batch_size > n)
      detail::throw_invalid_argument("batch_size is " + std::to_string(batch_size) +
                                     " with drop_last, but the dataset has only N = " + std::to_string(n) +
                                     " examples; expected M <= N (or drop_last = false)");
    if (m_ > n_) m_ = n_;  // one batch of all examples
    perm_.resize(static_cast<std::size_t>(n));
    start_epoch(0);
  }

  /// Prepares the order of epoch e (0-based).
  void start_epoch(std::uint64_t epoch) {
    for (std::size_t i = 0; i < perm_.size(); ++i) perm_[i] = static_cast<Eigen::Index>(i);
    if (order_ == Order::shuffled) Random(seed_, epoch).shuffle(perm_);
  }

  /// Batches per epoch: floor(N/M) with drop_last, else ceil(N/M).
  Eigen::Index batch_count() const noexcept { return drop_last_ ? n_ / m_ : (n_ + m_ - 1) / m_; }
  /// The size of batch b (M, or the remainder for the last one).
  Eigen::Index batch_size(Eigen::Index b) const noexcept { return std::min(m_, n_ - b * m_); }
  /// The example indices of batch b of the current epoch (batch_size(b) of them).
  const Eigen::Index* batch(Eigen::Index b) const noexcept { return perm_.data() + b * m_; }
  /// The order of all N examples in the current epoch.
  const std::vector<Eigen::Index>& order() const noexcept { return perm_; }
  /// Nominal batch size M (at most N).
  Eigen::Index nominal_batch_size() const noexcept { return m_; }

 private:
  Eigen::Index n_, m_;
  Order order_;
  std::uint64_t seed_;
  bool drop_last_;
  std::vector<Eigen::Index> perm_;
};

/// The two parts of a split.
template <class T>
struct Split {
  Dataset<T> train;
  Dataset<T> test;
};

/// Splits off round(test_fraction N) examples, chosen by a permutation drawn from seed,
/// as the test part; the rest (in their original order) is the training part. Throws
/// std::invalid_argument unless 0 < test_fraction < 1 and both parts are non-empty.
template <class T>
Split<T> train_test_split(const Dataset<T>& data, double test_fraction, std::uint64_t seed) {
  if (!(test_fraction > 0.0 && test_fraction < 1.0))
    detail::throw_invalid_argument("train_test_split: test_fraction is " + detail::number(test_fraction) +
                                   "; expected a number in (0, 1)");
  const Eigen::Index n = data.size();
  const auto test_count = static_cast<Eigen::Index>(std::llround(test_fraction * static_cast<double>(n)));
  if (test_count < 1 || test_count > n - 1)
    detail::throw_invalid_argument("train_test_split: test_fraction " + detail::number(test_fraction) +
                                   " of N = " + std::to_string(n) + " examples leaves " + std::to_string(test_count) +
                                   " test and " + std::to_string(n - test_count) +
                                   " training examples; expected at least one of each");
  std::vector<Eigen::Index> perm(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < perm.size(); ++i) perm[i] = static_cast<Eigen::Index>(i);
  Random(seed).shuffle(perm);
  std::vector<Eigen::Index> test(perm.begin(), perm.begin() + test_count);
  std::vector<Eigen::Index> train(perm.begin() + test_count, perm.end());
  std::sort(test.begin(), test.end());
  std::sort(train.begin(), train.end());
  return Split<T>{data.subset(train), data.subset(test)};
}

/// Feature standardization x' = (x - mean) / std, with mean and (population) standard
/// deviation per column fitted on the data it is given (use the training part only, so
/// nothing of the test part leaks into training). Constant columns get std 1.
template <class T>
class Standardizer {
 public:
  /// Fits on the features of `train`.
  explicit Standardizer(const Dataset<T>& train) : Standardizer(train.features()) {}
  /// Fits on a feature matrix (rows are examples; at least one row).
  explicit Standardizer(const Eigen::MatrixX<T>& X) {
    using std::sqrt;
    if (X.rows() == 0 || X.cols() == 0)
      detail::throw_invalid_argument("Standardizer: empty feature matrix " + detail::shape_string(X.rows(), X.cols()));
    mean_ = X.colwise().mean();
    scale_ = (X.rowwise() - mean_).array().square().colwise().mean().sqrt().matrix();
    for (Eigen::Index j = 0; j < scale_.size(); ++j)
      if (!(scale_[j] > T(0))) scale_[j] = T(1);
  }

  /// (X - mean) / std, column by column. Throws if X has another number of columns.
  Eigen::MatrixX<T> transform(const Eigen::MatrixX<T>& X) const {
    if (X.cols() != mean_.size())
      detail::throw_invalid_argument("Standardizer: fitted on " + std::to_string(mean_.size()) + " features, given " +
                                     std::to_string(X.cols()));
    return ((X.rowwise() - mean_).array().rowwise() / scale_.array()).matrix();
  }
  /// The dataset with standardized features (targets and labels unchanged).
  Dataset<T> transform(const Dataset<T>& data) const { return data.with_features(transform(data.features())); }

  /// Column means of the fitting data.
  const Eigen::Matrix<T, 1, Eigen::Dynamic>& mean() const noexcept { return mean_; }
  /// Column standard deviations of the fitting data (1 for constant columns).
  const Eigen::Matrix<T, 1, Eigen::Dynamic>& scale() const noexcept { return scale_; }

 private:
  Eigen::Matrix<T, 1, Eigen::Dynamic> mean_, scale_;
};

}  // namespace tapegrad::optim
