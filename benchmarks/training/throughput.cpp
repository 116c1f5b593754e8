// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
//
// training_throughput: train()'s time per epoch at real model sizes (issue 19's T3 and T4),
// against the same network's forward and backward written by hand with Eigen (the limit
// with Eigen's kernels), in the same run. docs/benchmarks.md, "Training throughput".
//
//     cmake --build build --target training_throughput
//     build/benchmarks/training/training_throughput [rows] [threads]
//
// T3: MLP 784-256-128-10 (relu, softmax cross-entropy), batches 32, 128, 512, on `rows`
// rows (3,072 by default; 60000 is MNIST's size). T4: 784-1024-1024-10, batch 256, on 768
// rows. Data: seeded synthetic MNIST-shaped features in [0, 1), 10 classes. Both in float64
// and float32; Momentum 0.9, learning rate 0.01, sequential batches (the order a PyTorch
// DataLoader without shuffle takes, for benchmarks/training/pytorch_throughput.py). Each
// row: the median of 5 epochs after one warm-up epoch (train(): one call of 6 epochs, timed
// by its epoch callback; by hand: the same epochs on the same buffers). `threads` (default 1) also times
// train() with that many threads.
//
// Before timing, each runs from the same weights and the final weights are compared: the
// hand-written network must do the same arithmetic as train() (relative difference
// <= 1e-9 after one epoch in float64, <= 1e-5 after one step in float32), or the program
// fails.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "../synthetic_classification.hpp"
#include "tapegrad/tapegrad.hpp"

namespace optim = tapegrad::optim;

namespace {

template <class T>
using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
template <class T>
using RowVector = Eigen::Matrix<T, 1, Eigen::Dynamic>;

/// The MLP's forward and backward written by hand: what train() computes for one
/// Momentum step, with no tape, no copies of the weights and no per-step allocation.
template <class T>
class HandWrittenMLP {
 public:
  /// The weights of `net` (W1, b1, W2, b2, ...), velocity zero.
  explicit HandWrittenMLP(const optim::MLP<T>& net) {
    const auto& p = net.parameters();
    for (std::size_t l = 0; l < net.layer_count(); ++l) {
      W_.push_back(p[2 * l]);
      b_.push_back(p[2 * l + 1]);
      vW_.push_back(Matrix<T>::Zero(W_.back().rows(), W_.back().cols()));
      vb_.push_back(RowVector<T>::Zero(b_.back().cols()));
    }
    Z_.resize(W_.size());
    A_.resize(W_.size());
  }

  /// One step of Momentum (v = mu v + g, w -= alpha v) on rows [first, first + m).
  void step(const Matrix<T>& X, const Eigen::VectorXi& labels, Eigen::Index first, Eigen::Index m, T alpha, T mu) {
    const auto Xb = X.middleRows(first, m);
    const std::size_t L = W_.size();
    for (std::size_t l = 0; l < L; ++l) {
      if (l == 0)
        Z_[l].noalias() = Xb * W_[l];
      else
        Z_[l].noalias() = A_[l - 1] * W_[l];
      Z_[l].rowwise() += b_[l];
      if (l + 1 < L) A_[l] = Z_[l].cwiseMax(T(0));
    }
    // dL/dZ_L of the mean softmax cross-entropy: (softmax(Z_L) - onehot) / m.
    dZ_ = Z_[L - 1];
    for (Eigen::Index i = 0; i < m; ++i) {
      auto row = dZ_.row(i);
      row.array() = (row.array() - row.maxCoeff()).exp();
      row /= row.sum();
      row(labels[first + i]) -= T(1);
    }
    dZ_ /= T(m);
    for (std::size_t l = L; l-- > 0;) {
      if (l == 0)
        gW_.noalias() = Xb.transpose() * dZ_;
      else
        gW_.noalias() = A_[l - 1].transpose() * dZ_;
      gb_ = dZ_.colwise().sum();
      if (l > 0) {
        dA_.noalias() = dZ_ * W_[l].transpose();
        dZ_ = (Z_[l - 1].array() > T(0)).select(dA_, T(0));
      }
      vW_[l] = mu * vW_[l] + gW_;
      W_[l] -= alpha * vW_[l];
      vb_[l] = mu * vb_[l] + gb_;
      b_[l] -= alpha * vb_[l];
    }
  }

  /// One epoch of sequential batches of M (the last one smaller).
  void epoch(const optim::Dataset<T>& data, Eigen::Index M, T alpha, T mu) {
    for (Eigen::Index first = 0; first < data.size(); first += M)
      step(data.features(), data.labels(), first, std::min(M, data.size() - first), alpha, mu);
  }

  /// The weights in train()'s order, flattened as Parameters stores them.
  std::vector<Matrix<T>> blocks() const {
    std::vector<Matrix<T>> out;
    for (std::size_t l = 0; l < W_.size(); ++l) {
      out.push_back(W_[l]);
      out.push_back(b_[l]);
    }
    return out;
  }

 private:
  std::vector<Matrix<T>> W_, vW_, Z_, A_;
  std::vector<RowVector<T>> b_, vb_;
  Matrix<T> dZ_, dA_, gW_;
  RowVector<T> gb_;
};

constexpr double alpha = 0.01, mu = 0.9;

template <class T>
optim::TrainOptions<T> options(Eigen::Index M, unsigned threads, std::int64_t epochs) {
  optim::TrainOptions<T> o;
  o.epochs = epochs;
  o.batch_size = M;
  o.order = optim::Order::sequential;
  o.optimizer = optim::Momentum<T>(T(mu));
  o.learning_rate = T(alpha);
  o.threads = threads;
  return o;
}

double median(std::vector<double> t) {
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

template <class F>
double ms_per_epoch(F&& one_epoch) {
  one_epoch();  // warm-up
  std::vector<double> t;
  for (int r = 0; r < 5; ++r) {
    const auto start = std::chrono::steady_clock::now();
    one_epoch();
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() * 1e3);
  }
  return median(t);
}

/// Steps from the same weights by train() and by hand: the weights must agree. float64
/// runs a whole epoch; float32 one step, because float32's rounding differences grow
/// over an epoch (a relu whose input is within rounding of 0 goes the other way) until
/// the two runs differ by more than rounding says, though both do the same arithmetic.
template <class T>
void check_same_arithmetic(const optim::Dataset<T>& data, const std::vector<Eigen::Index>& sizes, Eigen::Index M) {
  constexpr bool f64 = sizeof(T) == sizeof(double);
  optim::MLP<T> net(sizes, optim::Nonlinearity::relu, optim::Output::softmax, 1);
  HandWrittenMLP<T> hand(net);
  auto o = options<T>(M, 1, 1);
  if (!f64) o.max_steps = 1;
  (void)optim::train(net, data, o);
  if (f64)
    hand.epoch(data, M, T(alpha), T(mu));
  else
    hand.step(data.features(), data.labels(), 0, M, T(alpha), T(mu));
  const auto blocks = hand.blocks();
  double worst = 0;
  for (std::size_t k = 0; k < blocks.size(); ++k) {
    const Matrix<T> diff = net.parameters()[k] - blocks[k];
    worst = std::max(worst, static_cast<double>(diff.norm() / std::max(blocks[k].norm(), T(1e-30))));
  }
  const double bound = f64 ? 1e-9 : 1e-5;
  if (!(worst <= bound)) {
    std::fprintf(stderr, "FAILED: after %s train() and the hand-written network differ by %.3g (bound %.0e)\n",
                 f64 ? "one epoch" : "one step", worst, bound);
    std::exit(1);
  }
}

/// ms per epoch of one train() call of 6 epochs, timed by its epoch callback: the median
/// of epochs 2-6. The first is the warm-up, where the tapes and buffers get their memory
/// (as in PyTorch's first epoch); a user's run of many epochs pays that once.
template <class T>
double train_ms_per_epoch(optim::MLP<T>& net, const optim::Dataset<T>& data, optim::TrainOptions<T> o) {
  o.epochs = 6;
  std::vector<double> t;
  auto last = std::chrono::steady_clock::now();
  o.on_epoch = [&](const optim::History<T>&) {
    const auto now = std::chrono::steady_clock::now();
    t.push_back(std::chrono::duration<double>(now - last).count() * 1e3);
    last = now;
    return true;
  };
  (void)optim::train(net, data, o);
  t.erase(t.begin());
  return median(t);
}

template <class T>
void row(const char* name, const optim::Dataset<T>& data, const std::vector<Eigen::Index>& sizes, Eigen::Index M,
         unsigned threads) {
  check_same_arithmetic(data, sizes, M);
  optim::MLP<T> net(sizes, optim::Nonlinearity::relu, optim::Output::softmax, 1);
  const double tape1 = train_ms_per_epoch(net, data, options<T>(M, 1, 1));
  const double tapek = threads > 1 ? train_ms_per_epoch(net, data, options<T>(M, threads, 1)) : 0.0;
  HandWrittenMLP<T> hand(net);
  const double by_hand = ms_per_epoch([&] { hand.epoch(data, M, T(alpha), T(mu)); });
  const long steps = static_cast<long>((data.size() + M - 1) / M);
  std::printf("%-4s %-16s %-7s M = %4ld  %6ld rows: tapegrad %9.2f ms", name,
              sizes[1] == 1024 ? "784-1024-1024-10" : "784-256-128-10",
              sizeof(T) == sizeof(double) ? "float64" : "float32", static_cast<long>(M), static_cast<long>(data.size()),
              tape1);
  if (threads > 1) std::printf(" (%u threads %9.2f ms, x%.2f)", threads, tapek, tape1 / tapek);
  std::printf("  by hand %9.2f ms  ratio %.2f  non-product gap %6.1f us/step\n", by_hand, tape1 / by_hand,
              (tape1 - by_hand) * 1e3 / static_cast<double>(steps));
  std::fflush(stdout);
}

template <class T>
optim::Dataset<T> mnist_shaped(Eigen::Index rows) {
  return tapegrad_bench::synthetic_classification<T>(rows, 784, 10);
}

template <class T>
void all_rows(Eigen::Index rows, unsigned threads) {
  const auto t3 = mnist_shaped<T>(rows);
  for (Eigen::Index M : {32, 128, 512}) row<T>("T3", t3, {784, 256, 128, 10}, M, threads);
  const auto t4 = mnist_shaped<T>(768);
  row<T>("T4", t4, {784, 1024, 1024, 10}, 256, threads);
}

}  // namespace

int main(int argc, char** argv) {
  const Eigen::Index rows = argc > 1 ? std::atol(argv[1]) : 3072;
  const unsigned threads = argc > 2 ? static_cast<unsigned>(std::atoi(argv[2])) : 1;
  if (rows < 512 || threads < 1) {
    std::fprintf(stderr, "usage: training_throughput [rows >= 512] [threads >= 1]\n");
    return 2;
  }
  std::printf("training_throughput: Eigen %d.%d.%d, products %s; ms per epoch, median of 5\n", EIGEN_WORLD_VERSION,
              EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION,
#ifdef EIGEN_USE_BLAS
              "through BLAS (EIGEN_USE_BLAS)"
#else
              "Eigen's own kernels"
#endif
  );
  all_rows<double>(rows, threads);
  all_rows<float>(rows, threads);
  return 0;
}
