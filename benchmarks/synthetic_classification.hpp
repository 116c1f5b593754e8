// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

// A seeded synthetic classification data set for the measuring programs
// (benchmarks/distributed/, benchmarks/threads/): features uniform in [0, 1), the label
// from a fixed rule on the first 8 features (so a network has something to learn).

#include <Eigen/Core>

#include "tapegrad/optim/dataset.hpp"
#include "tapegrad/optim/random.hpp"

namespace tapegrad_bench {

/// rows x features in [0, 1) and labels 0 .. classes-1: floor(classes x mean of the
/// first 8 features), the same for every run (seed 5). features must be >= 8.
inline tapegrad::optim::Dataset<double> synthetic_classification(Eigen::Index rows, Eigen::Index features,
                                                                 int classes) {
  tapegrad::optim::Random rng(5);
  Eigen::MatrixXd X(rows, features);
  for (Eigen::Index j = 0; j < features; ++j)
    for (Eigen::Index i = 0; i < rows; ++i) X(i, j) = rng.uniform();
  Eigen::VectorXi y(rows);
  for (Eigen::Index i = 0; i < rows; ++i) y[i] = static_cast<int>(X.row(i).head(8).sum() * classes / 8.0) % classes;
  return tapegrad::optim::Dataset<double>::from_labels(X, y, classes);
}

}  // namespace tapegrad_bench
