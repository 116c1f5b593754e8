// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
//
// Example 9: logistic regression on real data, trained three ways.
//
// Data: the UCI "Breast Cancer Wisconsin (Diagnostic)" set, 569 tumours with 30 features
// each (radius, texture, ...), labelled malignant (0) or benign (1); a quarter is held
// out. The features have very different scales (areas in the hundreds, smoothness near
// 0.1), so they are standardized with the mean and deviation of the training part only.
//
// Model: P(benign | x) = s(w^T x + b), loss the mean binary cross-entropy
//     L(w) = (1/M) sum_i [ log(1 + e^{z_i}) - y_i z_i ],   z_i = w^T x_i + b,
// whose gradient is dL/dw = (1/M) sum_i (s(z_i) - y_i) x_i.
//
// The three optimizers, each for 60 epochs from w = 0:
//   full-batch gradient descent   w <- w - alpha dL/dw over all N examples (60 updates)
//   mini-batch gradient descent   the same rule on shuffled batches of M = 16
//   Adam on the same mini-batches per-weight step sizes from running moments of g

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "common/expect.hpp"
#include "common/plot.hpp"
#include "tapegrad/tapegrad.hpp"

namespace optim = tapegrad::optim;

/// The training and held-out parts of a seeded split, standardized with the training part.
optim::Split<double> standardized_split(const optim::Dataset<double>& all, std::uint64_t seed) {
  auto [train, test] = optim::train_test_split(all, 0.25, seed);
  const optim::Standardizer<double> scale(train);  // fitted on the training part only
  return {scale.transform(train), scale.transform(test)};
}

int main() {
  const auto table = tapegrad::io::read_labeled_csv<double>(std::string(TAPEGRAD_DATA_DIR) + "/breast_cancer.csv");
  const auto all = optim::classification_dataset(table);
  const auto [train, test] = standardized_split(all, /*seed=*/2);
  std::printf("breast cancer: %ld training and %ld held-out tumours, %ld features\n", static_cast<long>(train.size()),
              static_cast<long>(test.size()), static_cast<long>(train.features().cols()));

  struct Run {
    const char* name;
    Eigen::Index batch_size;
    optim::Optimizer<double> optimizer;
    double learning_rate;
  };
  const std::vector<Run> runs = {{"full-batch GD, alpha = 0.5", train.size(), optim::GradientDescent<double>(), 0.5},
                                 {"mini-batch GD (M = 16), alpha = 0.05", 16, optim::GradientDescent<double>(), 0.05},
                                 {"Adam (M = 16), alpha = 0.01", 16, optim::Adam<double>(), 0.01}};

  example::plot::LinePlot plot;
  plot.title = "Logistic regression on breast cancer: training loss";
  plot.xlabel = "epoch";
  plot.ylabel = "binary cross-entropy";
  plot.log_y = true;
  std::vector<double> held_out, final_loss;
  for (const Run& run : runs) {
    optim::LogisticRegression<double> model(train.features().cols());
    optim::TrainOptions<double> options;
    options.epochs = 60;
    options.batch_size = run.batch_size;
    options.order = optim::Order::shuffled;
    options.seed = 3;
    options.optimizer = run.optimizer;
    options.learning_rate = run.learning_rate;
    const auto history = optim::train(model, train, options);
    held_out.push_back(optim::accuracy(model, test));
    final_loss.push_back(history.loss.back());
    std::printf("%-38s %5ld updates  loss %.4f  held-out accuracy %.2f%%\n", run.name, static_cast<long>(history.steps),
                history.loss.back(), 100 * held_out.back());
    example::plot::Series curve{run.name, {}, {history.loss.begin(), history.loss.end()}};
    for (std::size_t e = 1; e <= history.epochs(); ++e) curve.x.push_back(double(e));
    plot.series.push_back(curve);
  }
  example::expect_true("full batch >= 95% held out", held_out[0] >= 0.95);
  example::expect_true("mini-batch >= 95% held out", held_out[1] >= 0.95);
  example::expect_true("Adam >= 95% held out", held_out[2] >= 0.95);
  // 60 full-batch updates against 1,620 mini-batch ones: per epoch the mini-batches win.
  example::expect_true("mini-batch ends lower than full", final_loss[1] < final_loss[0]);

  // How much does the held-out accuracy depend on which quarter is held out? Five
  // different splits, full-batch gradient descent as above.
  double sum = 0, worst = 1;
  std::printf("full-batch GD on five different splits:");
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const auto [part_train, part_test] = standardized_split(all, seed);
    optim::LogisticRegression<double> model(part_train.features().cols());
    optim::TrainOptions<double> options;
    options.epochs = 60;
    options.batch_size = part_train.size();
    options.learning_rate = 0.5;  // plain gradient descent, the default optimizer
    optim::train(model, part_train, options);
    const double a = optim::accuracy(model, part_test);
    std::printf(" %.1f%%", 100 * a);
    sum += a / 5;
    worst = std::min(worst, a);
  }
  std::printf("\n");
  example::expect_true("mean over splits >= 95%", sum >= 0.95);
  example::expect_true("every split >= 93%", worst >= 0.93);

  const bool wrote = example::plot::write_csv("09_breast_cancer_loss.csv", plot.series) &&
                     example::plot::write_svg("09_breast_cancer_loss.svg", plot);
  std::printf("%s 09_breast_cancer_loss.csv and .svg\n", wrote ? "wrote" : "could not write");
  return example::expect_status();
}
