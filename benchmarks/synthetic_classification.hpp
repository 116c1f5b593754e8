// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

// A seeded synthetic classification data set for the measuring programs
// (benchmarks/distributed/, benchmarks/threads/, benchmarks/training/): features uniform
// in [0, 1), the label from a fixed rule on the first 8 features (so a network has
// something to learn).

#include <Eigen/Core>

#include "tapegrad/optim/dataset.hpp"
#include "tapegrad/optim/random.hpp"

namespace tapegrad_bench {

/// rows x features in [0, 1) and labels 0 .. classes-1: floor(classes x mean of the
/// first 8 features), the same for every run (seed 5). features must be >= 8.
template <class T = double>
tapegrad::optim::Dataset<T> synthetic_classification(Eigen::Index rows, Eigen::Index features, int classes) {
  tapegrad::optim::Random rng(5);
  Eigen::MatrixX<T> X(rows, features);
  for (Eigen::Index j = 0; j < features; ++j)
    for (Eigen::Index i = 0; i < rows; ++i) X(i, j) = static_cast<T>(rng.uniform());
  Eigen::VectorXi y(rows);
  for (Eigen::Index i = 0; i < rows; ++i)
    y[i] = static_cast<int>(static_cast<double>(X.row(i).head(8).sum()) * classes / 8.0) % classes;
  return tapegrad::optim::Dataset<T>::from_labels(X, y, classes);
}

}  // namespace tapegrad_bench
