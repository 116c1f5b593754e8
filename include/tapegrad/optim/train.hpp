// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// train(model, data, options): epochs of mini-batch gradient descent.
///
/// Each epoch visits the N examples once, in batches of M (sequential chunks or a fresh
/// seeded permutation); full-batch gradient descent is M = N. Each step
///   1. gathers the batch rows into reused matrices,
///   2. binds the flat parameter vector w to a cleared tape (one statement), records the
///      model's batch loss L_B = (1/M) sum_{i in B} l_i(w) and sweeps once,
///   3. checks that L_B and dL_B/dw are finite, adds weight decay (lambda/2)||W||^2,
///   4. takes the optimizer's step with alpha_t from the schedule.
/// After the first step of each batch size nothing is allocated.
///
/// threads = k splits every batch into k contiguous shards, each recorded and swept on
/// its own thread and tape; the gradient is sum_s (M_s / M) g_s, the same as k = 1 up to
/// the order of the floating-point additions.
///
/// Nothing lost: on a NaN/Inf loss or gradient the run stops with Status::diverged
/// before updating, and an update that makes w non-finite is undone, so w always keeps
/// its last finite values: those after the last step the history accounts for (an epoch
/// cut short is recorded over the batches it completed). An exception from the epoch callback propagates (it is never swallowed) after
/// the history has recorded that epoch and with w at the epoch's end values; use the
/// overload that fills a History you own to keep it. Bad arguments throw
/// std::invalid_argument before anything is changed.

#include <Eigen/Core>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <exception>
#include <functional>
#include <iomanip>
#include <memory>
#include <ostream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "tapegrad/optim/dataset.hpp"
#include "tapegrad/optim/history.hpp"
#include "tapegrad/optim/models.hpp"
#include "tapegrad/optim/optimizer.hpp"
#include "tapegrad/optim/parameters.hpp"
#include "tapegrad/optim/schedule.hpp"
#include "tapegrad/optim/workers.hpp"

namespace tapegrad::optim {

/// What the schedule's t counts.
enum class ScheduleUnit { epoch, step };

/// Options of train(). Defaults follow Keras's fit(): 32 examples per batch, shuffled.
template <class T>
struct TrainOptions {
  std::int64_t epochs = 10;                   ///< passes over the data (>= 0)
  Eigen::Index batch_size = 32;               ///< M >= 1; M >= N means full batch
  Order order = Order::shuffled;              ///< sequential chunks or a new permutation each epoch
  std::uint64_t seed = 0;                     ///< seeds the shuffled order
  bool drop_last = false;                     ///< drop the last batch if it has fewer than M examples
  Optimizer<T> optimizer;                     ///< GradientDescent(0.01) by default; its state is reset at the start
  Schedule<T> schedule;                       ///< alpha_t = schedule(alpha_0, t); constant by default
  ScheduleUnit schedule_unit = ScheduleUnit::epoch;  ///< t counts epochs or steps (both from 0)
  std::int64_t max_steps = 0;                 ///< stop after this many updates (0: no limit)
  T loss_tolerance = T(0);                    ///< stop when |L_e - L_{e-1}| <= this (0: off)
  T gradient_tolerance = T(0);                ///< stop when the epoch's gradient norm <= this (0: off)
  T weight_decay = T(0);                      ///< lambda of (lambda/2)||W||^2 over weight blocks (not biases)
  const Dataset<T>* validation = nullptr;     ///< evaluated after every epoch if set (must outlive train)
  std::function<bool(const History<T>&)> on_epoch;  ///< after every epoch; return false to stop
  std::ostream* progress = nullptr;           ///< if set, one line per epoch is printed here
  unsigned threads = 1;                       ///< k >= 1 threads share every batch
};

namespace detail {

template <class M, class = void>
struct has_classify : std::false_type {};
template <class M>
struct has_classify<M, std::void_t<decltype(std::declval<const M&>().is_classifier())>> : std::true_type {};

template <class D>
bool all_finite(const Eigen::MatrixBase<D>& v) {
  for (Eigen::Index i = 0; i < v.size(); ++i)
    if (!std::isfinite(static_cast<double>(v[i]))) return false;
  return true;
}

/// The per-step machinery of train(): shards with their own tapes, batch buffers and
/// gradient, and the worker threads.
template <class Model, class T>
class Trainer {
 public:
  Trainer(const Model& model, const Parameters<T>& params, const Dataset<T>& data, unsigned threads)
      : model_(model), params_(params), data_(data) {
    for (unsigned s = 0; s < threads; ++s) {
      shards_.push_back(std::make_unique<Shard>());
      shards_.back()->grad.setZero(params.size());
    }
    grad_.setZero(params.size());
    if (threads > 1) pool_ = std::make_unique<WorkerPool>(threads - 1, [this](unsigned s) { run_shard(s); });
  }

  /// Loss and gradient (into gradient()) of the batch rows[0..m) at the current w.
  /// `slot` chooses the buffer set (0: full batches, 1: the smaller last batch).
  T compute(const Eigen::Index* rows, Eigen::Index m, int slot) {
    const auto k = static_cast<Eigen::Index>(shards_.size());
    for (Eigen::Index s = 0; s < k; ++s) {
      Shard& sh = *shards_[static_cast<std::size_t>(s)];
      const Eigen::Index begin = s * m / k, end = (s + 1) * m / k;
      sh.rows = rows + begin;
      sh.count = end - begin;
      sh.slot = slot;
      sh.error = nullptr;
    }
    if (pool_) pool_->start();
    run_shard(0);
    if (pool_) pool_->wait();
    for (auto& sh : shards_)
      if (sh->error) std::rethrow_exception(sh->error);
    T loss(0);
    grad_.setZero();
    for (auto& sh : shards_) {
      if (sh->count == 0) continue;
      const T weight = T(sh->count) / T(m);  // exactly 1 for k = 1
      loss += weight * sh->loss;
      grad_.noalias() += weight * sh->grad;
    }
    return loss;
  }

  const VectorX<T>& gradient() const noexcept { return grad_; }

  std::size_t tape_bytes() const {
    std::size_t total = 0;
    for (const auto& sh : shards_) total += sh->tape.memory_bytes();
    return total;
  }

 private:
  struct Shard {
    Tape<T> tape{Activation::later};
    BoundParameters<T> bound;
    Batch<T> batch[2];
    VectorX<T> grad;
    T loss{};
    const Eigen::Index* rows = nullptr;
    Eigen::Index count = 0;
    int slot = 0;
    std::exception_ptr error;
  };

  void run_shard(unsigned s) {
    Shard& sh = *shards_[s];
    if (sh.count == 0) return;
    try {
      TapeScope<T> scope(sh.tape);
      sh.tape.clear();
      Batch<T>& batch = sh.batch[sh.slot];
      data_.gather(sh.rows, sh.count, batch);
      sh.bound.bind(sh.tape, params_);
      const Var<T> L = model_.loss(sh.bound, batch);
      sh.tape.backward(L);
      sh.bound.gradient_into(sh.tape, sh.grad);
      sh.loss = L.value();
    } catch (...) {
      sh.error = std::current_exception();
    }
  }

  const Model& model_;
  const Parameters<T>& params_;
  const Dataset<T>& data_;
  std::vector<std::unique_ptr<Shard>> shards_;
  VectorX<T> grad_;
  std::unique_ptr<WorkerPool> pool_;  // last: its threads stop before the shards go
};

template <class Model, class T>
void check_train_arguments(const Model& model, const Dataset<T>& data, const TrainOptions<T>& o) {
  if (o.epochs < 0)
    throw_invalid_argument("train: epochs is " + std::to_string(o.epochs) + "; expected epochs >= 0");
  if (data.size() < 1) throw_invalid_argument("train: the dataset is empty; expected N >= 1 examples");
  BatchSampler(data.size(), o.batch_size, o.order, o.seed, o.drop_last);  // checks M
  if (o.threads < 1) throw_invalid_argument("train: threads is 0; expected threads >= 1");
  if (o.max_steps < 0)
    throw_invalid_argument("train: max_steps is " + std::to_string(o.max_steps) + "; expected >= 0 (0: no limit)");
  require_nonnegative(o.loss_tolerance, "train: loss_tolerance");
  require_nonnegative(o.gradient_tolerance, "train: gradient_tolerance");
  require_nonnegative(o.weight_decay, "train: weight_decay");
  require_positive(o.optimizer.learning_rate(), "train: the optimizer's learning_rate");
  const T alpha0 = o.schedule(o.optimizer.learning_rate(), 0);
  require_nonnegative(alpha0, "train: the schedule's learning rate at t = 0");
  model.check(data);
  if (o.validation != nullptr) model.check(*o.validation);
  const auto& w = model.parameters().values();
  if (w.size() == 0) throw_invalid_argument("train: the model has no parameters");
  require_finite(w, "train: parameter ");
}

template <class Model, class T>
void print_epoch(std::ostream& out, const History<T>& h, std::int64_t epochs) {
  const std::size_t e = h.epochs() - 1;
  const auto flags = out.flags();
  const auto precision = out.precision();
  out << "epoch " << std::setw(static_cast<int>(std::to_string(epochs).size())) << e + 1 << "/" << epochs
      << std::setprecision(6) << "  loss " << static_cast<double>(h.loss[e]);
  if (e < h.validation_loss.size()) out << "  val_loss " << static_cast<double>(h.validation_loss[e]);
  if (e < h.validation_accuracy.size())
    out << "  val_acc " << std::fixed << std::setprecision(2) << 100.0 * h.validation_accuracy[e] << "%"
        << std::defaultfloat;
  out << std::setprecision(3) << "  |g| " << static_cast<double>(h.gradient_norm[e]) << "  lr "
      << static_cast<double>(h.learning_rate[e]) << "  " << std::fixed << std::setprecision(2) << h.seconds[e] << "s\n";
  out.flags(flags);
  out.precision(precision);
}

}  // namespace detail

/// Trains `model` on `data`, recording into `history` (cleared first). On return or on
/// an exception, `history` holds every completed epoch and the model's parameters are
/// finite (see the file comment). Throws std::invalid_argument for bad options or data
/// before changing anything.
template <class Model, class T>
void train(Model& model, const Dataset<T>& data, const TrainOptions<T>& options, History<T>& history) {
  detail::check_train_arguments(model, data, options);
  history.clear();
  history.reserve(static_cast<std::size_t>(options.epochs));

  Parameters<T>& params = model.parameters();
  const Eigen::Index P = params.size();
  Optimizer<T> optimizer = options.optimizer;
  optimizer.reset(P);
  const T alpha0 = optimizer.learning_rate();
  BatchSampler sampler(data.size(), options.batch_size, options.order, options.seed, options.drop_last);
  const Eigen::Index M = sampler.nominal_batch_size();
  detail::Trainer<Model, T> trainer(model, params, data, options.threads);
  VectorX<T> backup = params.values(), g(P), epoch_grad(P);
  const bool decay = options.weight_decay > T(0);
  const VectorX<T> mask = decay ? params.decay_mask() : VectorX<T>();
  const auto start = std::chrono::steady_clock::now();

  auto diverge = [&](const std::string& what, std::int64_t epoch, Eigen::Index b) {
    history.status = Status::diverged;
    history.message = what + " at epoch " + std::to_string(epoch) + ", batch " + std::to_string(b) + " (after " +
                      std::to_string(history.steps) + " steps); parameters are the last finite ones";
  };

  for (std::int64_t epoch = 0; epoch < options.epochs; ++epoch) {
    sampler.start_epoch(static_cast<std::uint64_t>(epoch));
    T loss_sum(0), alpha(alpha0);
    Eigen::Index seen = 0;
    epoch_grad.setZero();
    bool stop = false;
    for (Eigen::Index b = 0; b < sampler.batch_count(); ++b) {
      const Eigen::Index m = sampler.batch_size(b);
      T loss = trainer.compute(sampler.batch(b), m, m == M ? 0 : 1);
      g = trainer.gradient();
      if (decay) {
        loss += options.weight_decay / T(2) * (mask.array() * params.values().array()).matrix().squaredNorm();
        g.array() += options.weight_decay * mask.array() * params.values().array();
      }
      // A non-finite loss or gradient: stop before the update (w stays finite).
      if (!std::isfinite(static_cast<double>(loss)) || !detail::all_finite(g)) {
        diverge(std::isfinite(static_cast<double>(loss)) ? std::string("non-finite gradient")
                                                         : "loss " + detail::number(static_cast<double>(loss)),
                epoch, b);
        stop = true;
        break;
      }
      const std::int64_t t = options.schedule_unit == ScheduleUnit::epoch ? epoch : history.steps;
      alpha = options.schedule(alpha0, t);
      if (!(alpha >= T(0)) || !std::isfinite(static_cast<double>(alpha)))
        detail::throw_invalid_argument("train: the schedule gave learning rate " + detail::number(static_cast<double>(alpha)) +
                                       " at t = " + std::to_string(t) + "; expected a finite number >= 0");
      backup = params.values();
      optimizer.step(params.values(), g, alpha);
      // An update that overflows is undone: w keeps its last finite values.
      if (!detail::all_finite(params.values())) {
        params.values() = backup;
        diverge("non-finite parameters after the update (undone)", epoch, b);
        stop = true;
        break;
      }
      ++history.steps;
      loss_sum += loss * T(m);
      epoch_grad.noalias() += T(m) * g;
      seen += m;
      if (options.max_steps > 0 && history.steps >= options.max_steps) {
        history.status = Status::max_steps;
        stop = true;
        break;
      }
    }
    if (seen == 0) break;  // stopped before the epoch's first update: nothing to record

    // Record the epoch (also a partial one cut short by divergence or max_steps).
    history.loss.push_back(loss_sum / T(seen));
    history.gradient_norm.push_back((epoch_grad / T(seen)).norm());
    history.learning_rate.push_back(alpha);
    if (options.validation != nullptr) {
      history.validation_loss.push_back(model.loss(*options.validation));
      if constexpr (detail::has_classify<Model>::value)
        if (model.is_classifier()) history.validation_accuracy.push_back(accuracy(model, *options.validation));
    }
    history.seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    history.tape_bytes.push_back(trainer.tape_bytes());
    if (options.progress != nullptr) detail::print_epoch<Model>(*options.progress, history, options.epochs);
    if (options.on_epoch && !options.on_epoch(history) && !stop) {
      history.status = Status::stopped_by_callback;
      break;
    }
    if (stop) break;
    const std::size_t e = history.epochs() - 1;
    if (options.gradient_tolerance > T(0) && history.gradient_norm[e] <= options.gradient_tolerance) {
      history.status = Status::gradient_tolerance;
      break;
    }
    if (options.loss_tolerance > T(0) && e > 0) {
      using std::abs;
      if (abs(history.loss[e] - history.loss[e - 1]) <= options.loss_tolerance) {
        history.status = Status::loss_tolerance;
        break;
      }
    }
  }
  if (history.status == Status::diverged && options.progress != nullptr)
    *options.progress << "diverged: " << history.message << "\n";
}

/// Trains `model` on `data` and returns the history (see the other overload).
template <class Model, class T>
History<T> train(Model& model, const Dataset<T>& data, const TrainOptions<T>& options) {
  History<T> history;
  train(model, data, options, history);
  return history;
}

}  // namespace tapegrad::optim
