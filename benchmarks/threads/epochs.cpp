// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
//
// threads_epochs: train()'s time per epoch with 1 and 2 threads (docs/optim.md, "Threads").
//
//     cmake --build build --target threads_epochs && build/benchmarks/threads/threads_epochs [big]
//
// The flagship MLP 64-32-32-10 on UCI digits (1,347 training rows) at M = 32 and 128 and,
// with `big`, a 256-256-128-10 MLP on 6,000 synthetic rows at M = 32, 128 and 512.
// Momentum 0.9, shuffled batches; the median of 7 train() calls after one warm-up.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "../synthetic_classification.hpp"
#include "tapegrad/tapegrad.hpp"

namespace optim = tapegrad::optim;

namespace {

/// Milliseconds per epoch, median of 7 runs of `epochs` epochs.
double per_epoch(const optim::Dataset<double>& data, const std::vector<Eigen::Index>& sizes, Eigen::Index batch,
                 unsigned threads, int epochs) {
  optim::MLP<double> net(sizes, optim::Nonlinearity::relu, optim::Output::softmax, 1);
  optim::TrainOptions<double> o;
  o.epochs = epochs;
  o.batch_size = batch;
  o.order = optim::Order::shuffled;
  o.seed = 3;
  o.optimizer = optim::Momentum<double>(0.9);
  o.learning_rate = 0.01;
  o.threads = threads;
  (void)optim::train(net, data, o);
  std::vector<double> t;
  for (int r = 0; r < 7; ++r) {
    const auto start = std::chrono::steady_clock::now();
    (void)optim::train(net, data, o);
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / epochs * 1e3);
  }
  std::sort(t.begin(), t.end());
  return t[3];
}

}  // namespace

int main(int argc, char** argv) {
  const auto images = tapegrad::io::read_labeled_csv<double>(std::string(TAPEGRAD_BENCH_DATA_DIR) + "/digits.csv.gz");
  auto all = optim::classification_dataset(images);
  all = all.with_features(all.features() / 16.0);
  const auto split = optim::train_test_split(all, 0.25, 7);
  for (Eigen::Index b : {32, 128})
    for (unsigned k : {1u, 2u})
      std::printf("flagship 64-32-32-10  M = %3ld  threads %u: %8.3f ms per epoch\n", static_cast<long>(b), k,
                  per_epoch(split.train, {64, 32, 32, 10}, b, k, 20));
  if (argc > 1 && std::string(argv[1]) == "big") {
    const auto big = tapegrad_bench::synthetic_classification(6000, 256, 10);
    for (Eigen::Index b : {32, 128, 512})
      for (unsigned k : {1u, 2u})
        std::printf("256-256-128-10        M = %3ld  threads %u: %8.2f ms per epoch\n", static_cast<long>(b), k,
                    per_epoch(big, {256, 256, 128, 10}, b, k, 2));
  }
  return 0;
}
