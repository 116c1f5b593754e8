// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
//
// Example 14: the flagship network (07_mlp_digits) trained by several processes at once.
//
//     mpiexec -n 2 ./build/examples/14_distributed_digits
//
// Every rank reads the data set and keeps only its shard: global rows rank, rank + P,
// rank + 2P, ... Every step, each rank records the loss of its rows of the global batch
// on its own tape and sweeps it; one MPI_Allreduce sums the ranks' shares of the loss and
// the gradient, and every rank takes the same step. The batches are the same as in one
// process (same seed, same global order), so the result is the same to rounding: the
// program checks that against a one-process run it does on rank 0. docs/distributed.md
// explains the rest (clusters, faults, when it pays).

#include <cstdio>
#include <iostream>
#include <string>

#include "common/expect.hpp"
#include "tapegrad/distributed/mpi.hpp"
#include "tapegrad/tapegrad.hpp"

namespace optim = tapegrad::optim;
namespace distributed = tapegrad::distributed;

int main(int argc, char** argv) {
  distributed::Environment mpi(argc, argv);  // MPI_Init here, MPI_Finalize at the end
  distributed::Communicator world;           // MPI_COMM_WORLD
  const bool root = world.rank() == 0;

  // 1. The data as in 07_mlp_digits; each rank keeps its shard of both parts.
  const auto images = tapegrad::io::read_labeled_csv<double>(std::string(TAPEGRAD_DATA_DIR) + "/digits.csv.gz");
  const auto all = optim::classification_dataset(images);
  auto [train, test] = optim::train_test_split(all, 0.25, /*seed=*/7);
  train = train.with_features(train.features() / 16.0);
  test = test.with_features(test.features() / 16.0);
  const auto my_train = distributed::shard(train, world);
  const auto my_test = distributed::shard(test, world);
  if (root)
    std::printf("digits on %d rank%s: %ld training images (%ld on rank 0), %ld held out\n", world.size(),
                world.size() == 1 ? "" : "s", static_cast<long>(train.size()), static_cast<long>(my_train.size()),
                static_cast<long>(test.size()));

  // 2. The network and options of 07_mlp_digits; progress is printed by rank 0 only.
  optim::MLP<double> network({64, 32, 32, 10}, optim::Nonlinearity::relu, optim::Output::softmax, /*seed=*/1);
  optim::TrainOptions<double> options;
  options.epochs = 40;
  options.batch_size = 32;
  options.order = optim::Order::shuffled;
  options.seed = 2026;
  options.optimizer = optim::Momentum<double>(/*momentum=*/0.9);
  options.learning_rate = {/*alpha_0=*/0.05, optim::InverseTimeDecay<double>(/*k=*/0.05)};
  options.validation = &my_test;  // sharded too: the ranks sum their shares of the loss
  options.progress = &std::cout;
  const auto history = distributed::train(world, network, my_train, options);

  // 3. Every rank holds the same weights (train checked it). Rank 0 compares them with
  //    the same training in one process.
  if (root) {
    optim::MLP<double> alone({64, 32, 32, 10}, optim::Nonlinearity::relu, optim::Output::softmax, /*seed=*/1);
    auto one_process = options;
    one_process.validation = &test;
    one_process.progress = nullptr;
    const auto reference = optim::train(alone, train, one_process);
    const double difference = (network.parameters().values() - alone.parameters().values()).cwiseAbs().maxCoeff() /
                              alone.parameters().values().cwiseAbs().maxCoeff();
    const double accuracy = optim::accuracy(network, test);
    std::printf("after %ld epochs (%ld updates, %.2f s on %d ranks; %.2f s in one process):\n",
                static_cast<long>(history.epochs()), static_cast<long>(history.steps), history.seconds.back(),
                world.size(), reference.seconds.back());
    std::printf("  held-out accuracy %.2f%%; weights differ from one process by %.1e (relative)\n", 100 * accuracy,
                difference);
    example::expect_true("held-out accuracy >= 95%", accuracy >= 0.95);
    example::expect_true("the same weights as one process, to rounding", difference <= 1e-9);
    example::expect_true("finished normally", history.status == optim::Status::max_epochs);
  }
  return example::expect_status();
}
