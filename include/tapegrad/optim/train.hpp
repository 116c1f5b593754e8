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
///   3. adds weight decay (lambda/2)||W||^2, checks that L_B and dL_B/dw are finite,
///   4. takes the optimizer's step with alpha_t from options.learning_rate.
/// These are the phases of the module's one step loop (step_loop.hpp); train's driver
/// adds the epochs around them. After the first step of each batch size nothing is
/// allocated.
///
/// threads = k splits every batch into up to k contiguous shards, each recorded and swept
/// on its own thread and tape; the gradient is sum_s (M_s / M) g_s, the same as k = 1 up
/// to the order of the floating-point additions. A shard gets at least
/// min_rows_per_thread rows (automatic: 16, or 48 when the gradient is over 256 KiB), so
/// small batches use fewer threads than k (docs/optim.md, "Threads").
///
/// Nothing lost: on a NaN/Inf loss or gradient the run stops with Status::diverged
/// before updating, and an update that makes w non-finite is undone, so w always keeps
/// its last finite values: those after the last step the history accounts for (an epoch
/// cut short is recorded over the batches it completed). An exception from the epoch
/// callback propagates (it is never swallowed) after
/// the history has recorded that epoch and with w at the epoch's end values; use the
/// overload that fills a History you own to keep it. Bad arguments throw
/// std::invalid_argument before anything is changed.
///
/// Many processes (options.collective; distributed/mpi.hpp, docs/distributed.md): rank r
/// of P holds the global rows r, r + P, ... of the data (and of the validation data);
/// every rank draws the same global batches, computes its rows' share of the batch loss
/// and gradient, and one allreduce per step sums (L, g, a failure flag), so every rank
/// takes the same step. The parameters start as rank 0's and are checked equal on all
/// ranks at the end; only rank 0 prints and writes checkpoints; a failure on any rank
/// stops every rank with the same RankError.
///
/// Checkpoints (options.checkpoint_path; docs/checkpoints.md): every checkpoint_every
/// epochs or steps, and when the run ends (unless it diverged), the parameters, the
/// optimizer's state, the position and the history are written atomically, on a
/// background thread (checkpoint_writer.hpp). With options.resume the run continues from
/// the newest usable checkpoint there, and ends bit-identical to a run never interrupted
/// (same options; the same thread count, since threads change the order of additions).

#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <exception>
#include <functional>
#include <iomanip>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "tapegrad/optim/collective.hpp"
#include "tapegrad/optim/dataset.hpp"
#include "tapegrad/optim/history.hpp"
#include "tapegrad/optim/models.hpp"
#include "tapegrad/optim/optimizer.hpp"
#include "tapegrad/optim/parameters.hpp"
#include "tapegrad/optim/schedule.hpp"
#include "tapegrad/optim/step_loop.hpp"
#include "tapegrad/optim/workers.hpp"
#if defined(TAPEGRAD_WITH_ZLIB) && TAPEGRAD_WITH_ZLIB
#include "tapegrad/optim/checkpoint.hpp"
#include "tapegrad/optim/checkpoint_writer.hpp"
#endif

namespace tapegrad::optim {

/// What a count of the run counts: epochs or steps (updates).
enum class Unit { epoch, step };
/// What the schedule's t counts.
using ScheduleUnit = Unit;

/// Options of train(). Defaults follow Keras's fit(): 32 examples per batch, shuffled.
template <class T>
struct TrainOptions {
  std::int64_t epochs = 10;                          ///< passes over the data (>= 0)
  Eigen::Index batch_size = 32;                      ///< M >= 1; M >= N means full batch
  Order order = Order::shuffled;                     ///< sequential chunks or a new permutation each epoch
  std::uint64_t seed = 0;                            ///< seeds the shuffled order
  bool drop_last = false;                            ///< drop the last batch if it has fewer than M examples
  Optimizer<T> optimizer;                            ///< GradientDescent by default; its state is reset at the start
  LearningRate<T> learning_rate;                     ///< alpha_t = schedule(alpha_0, t); 0.01, constant by default
  ScheduleUnit schedule_unit = ScheduleUnit::epoch;  ///< t of the schedule counts epochs or steps (both from 0)
  std::int64_t max_steps = 0;                        ///< stop after this many updates (0: no limit)
  T loss_tolerance = T(0);                           ///< stop when |L_e - L_{e-1}| <= this (0: off)
  T gradient_tolerance = T(0);                       ///< stop when the epoch's gradient norm <= this (0: off)
  T weight_decay = T(0);                             ///< lambda of (lambda/2)||W||^2 over weight blocks (not biases)
  const Dataset<T>* validation = nullptr;            ///< evaluated after every epoch if set (must outlive train)
  std::function<bool(const History<T>&)> on_epoch;   ///< after every epoch; return false to stop
  std::ostream* progress = nullptr;                  ///< if set, one line per epoch is printed here
  unsigned threads = 1;                              ///< up to k >= 1 threads share every batch
  Eigen::Index min_rows_per_thread = 0;              ///< fewer threads than rows / this (0: automatic, 16 or 48)
  std::string checkpoint_path;                       ///< if set, checkpoints are written here (needs zlib)
  std::int64_t checkpoint_every = 1;                 ///< a checkpoint every this many epochs or steps (>= 1)
  Unit checkpoint_unit = Unit::epoch;                ///< what checkpoint_every counts
  int checkpoint_keep = 2;                           ///< versions kept: path, path.1, ... (>= 1)
  bool resume = false;                               ///< continue from the newest usable checkpoint, if there is one
  Collective* collective = nullptr;                  ///< the processes training together (nullptr: this one alone)
};

namespace detail {

template <class M, class = void>
struct has_classify : std::false_type {};
template <class M>
struct has_classify<M, std::void_t<decltype(std::declval<const M&>().is_classifier())>> : std::true_type {};

/// The per-step machinery of train(): shards with their own tapes, batch buffers and
/// gradient, and the worker threads.
template <class Model, class T>
class Trainer {
 public:
  Trainer(const Model& model, const Parameters<T>& params, const Dataset<T>& data, unsigned threads,
          Collective* group = nullptr, Eigen::Index min_rows_per_thread = 0)
      : model_(model),
        params_(params),
        data_(data),
        group_(group),
        min_rows_(min_rows_per_thread > 0 ? min_rows_per_thread : automatic_min_rows(params.size())) {
    for (unsigned s = 0; s < threads; ++s) shards_.push_back(std::make_unique<Shard>());
    grad_.setZero(params.size());
    gradient_ = grad_.data();
    if (threads > 1) pool_ = std::make_unique<WorkerPool>(threads - 1, [this](unsigned s) { run_job(s); });
  }

  /// Loss and gradient (into gradient()) of the batch rows[0..m) at the current w.
  /// `slot` chooses the buffer set (0: full batches, 1: the smaller last batch). With
  /// a group, rows are global: this rank computes its own and the ranks sum.
  T compute(const Eigen::Index* rows, Eigen::Index m, int slot) {
    return group_ == nullptr ? compute_here(rows, m, slot) : compute_over_ranks(rows, m, slot);
  }

  /// The gradient of the last compute(): with one shard where its sweep left it on the
  /// tape (no copy), else the shards' sum. The driver may change it in place (weight
  /// decay) until the next compute().
  Eigen::Map<VectorX<T>> gradient() noexcept { return {gradient_, grad_.size()}; }

  /// Runs body(begin, end) on parts of [0, n), one per thread, and returns whether every
  /// part returned true: the optimizer's step and the epoch's sums. Only after a compute()
  /// that split its batch (the workers are then awake: waking a sleeping one costs more
  /// than it saves) and for n of 256 KiB or more; else one part on this thread. body must
  /// not throw.
  bool run_parts(Eigen::Index n, PartBody body) {
    if (k_ < 2 || n * static_cast<Eigen::Index>(sizeof(T)) < (Eigen::Index(1) << 18)) return body(0, n);
    parts_n_ = n;
    parts_body_ = &body;  // lives until run_on_all returns
    run_on_all(Job::parts);
    bool all = true;
    for (const auto& sh : shards_) all = sh->part_ok && all;
    return all;
  }

  /// The fewest rows a shard gets by default: each extra shard costs passes over the
  /// gradient (zeroing, summing) on top of its rows' products. Measured on the 2-core VM
  /// (docs/optim.md, "Threads"): with a gradient whose shard copies stay in the cores'
  /// caches 16 rows pay for them; beyond 256 KiB they take memory bandwidth the cores share, and
  /// 2 threads were slower than 1 at 16 rows per shard (T3's 0.9 MiB in float32 and 1.8
  /// MiB in float64), faster from 64.
  static Eigen::Index automatic_min_rows(Eigen::Index parameters) {
    return parameters * static_cast<Eigen::Index>(sizeof(T)) <= (Eigen::Index(1) << 18) ? 16 : 48;
  }

  /// A failure outside compute() on this rank (a checkpoint write), reported to every
  /// rank at the next compute() or at the end; none (a null error) changes nothing.
  void defer_error(std::exception_ptr error) {
    if (!pending_) pending_ = std::move(error);
  }
  /// Takes the failure defer_error() kept, if any.
  std::exception_ptr take_error() { return std::exchange(pending_, nullptr); }

  std::size_t tape_bytes() const {
    std::size_t total = 0;
    for (const auto& sh : shards_) total += sh->tape.memory_bytes();
    return total;
  }

 private:
  /// compute() within this process: the batch split over the threads' shards.
  T compute_here(const Eigen::Index* rows, Eigen::Index m, int slot) {
    const auto threads = static_cast<Eigen::Index>(shards_.size());
    const Eigen::Index k = std::clamp<Eigen::Index>(m / min_rows_, 1, threads);
    for (Eigen::Index s = 0; s < threads; ++s) {
      Shard& sh = *shards_[static_cast<std::size_t>(s)];
      const Eigen::Index begin = std::min(s, k) * m / k, end = std::min(s + 1, k) * m / k;  // empty from s = k
      sh.rows = rows + begin;
      sh.count = end - begin;
      sh.slot = slot;
      sh.error = nullptr;
    }
    k_ = k;
    if (k == 1) {  // one shard, on this thread: the optimizer reads its tape's adjoints
      run_shard(0);
      if (shards_[0]->error) std::rethrow_exception(shards_[0]->error);
      gradient_ = shards_[0]->gradient;
      return shards_[0]->loss;
    }
    run_on_all(Job::shards);
    for (auto& sh : shards_)
      if (sh->error) std::rethrow_exception(sh->error);
    // g = sum_s (M_s / M) g_s over the k shards in use (k >= 2, none empty: k <= m), read
    // from their tapes; every thread sums its part of the entries.
    m_ = m;
    run_on_all(Job::sum);
    gradient_ = grad_.data();
    T loss = weight(*shards_[0]) * shards_[0]->loss + weight(*shards_[1]) * shards_[1]->loss;
    for (Eigen::Index s = 2; s < k; ++s) {
      const Shard& sh = *shards_[static_cast<std::size_t>(s)];
      loss += weight(sh) * sh.loss;
    }
    return loss;
  }

  /// compute() over the group: this rank's rows of the global batch (global row i is
  /// local row i / P on rank i mod P), weighted by their share m_r / m, then one sum of
  /// [L, g, failed] over the ranks. With one rank the weight is exactly 1 and the result
  /// is bit-identical to compute_here.
  T compute_over_ranks(const Eigen::Index* rows, Eigen::Index m, int slot) {
    const Eigen::Index ranks = group_->size(), rank = group_->rank(), n = grad_.size();
    local_rows_.clear();
    for (Eigen::Index i = 0; i < m; ++i)
      if (rows[i] % ranks == rank) local_rows_.push_back(rows[i] / ranks);
    const auto mine = static_cast<Eigen::Index>(local_rows_.size());
    reduced_.resize(n + 2);  // [L, g, failed]
    std::exception_ptr error = take_error();
    if (mine == 0)
      reduced_.head(n + 1).setZero();  // what a rank without rows of this batch adds
    else if (!error)
      error = capture([&] {
        const T loss = compute_here(local_rows_.data(), mine, slot);
        const T weight = T(mine) / T(m);
        reduced_[0] = weight * loss;
        reduced_.segment(1, n).noalias() = weight * gradient();
      });
    sum_or_agree(*group_, reduced_.data(), static_cast<std::size_t>(n + 1), error);
    grad_ = reduced_.segment(1, n);
    gradient_ = grad_.data();
    return reduced_[0];
  }

  struct Shard {
    Tape<T> tape{Activation::later};
    BoundParameters<T> bound;
    Batch<T> batch[2];
    T* gradient = nullptr;  // its share's gradient: on its tape, or in spare
    VectorX<T> spare;       // the gradient when the tape cannot hold it (L recorded before w)
    bool part_ok = true;    // what this thread's part of run_parts returned
    T loss{};
    const Eigen::Index* rows = nullptr;
    Eigen::Index count = 0;
    int slot = 0;
    std::exception_ptr error;
  };

  /// Shard sh's share of the batch, M_s / M.
  T weight(const Shard& sh) const { return T(sh.count) / T(m_); }

  enum class Job { shards, sum, parts };

  /// Runs job on this thread (as thread 0) and on every worker, and waits for them.
  void run_on_all(Job job) {
    job_ = job;
    pool_->start();
    run_job(0);
    pool_->wait();
  }
  void run_job(unsigned s) {
    switch (job_) {
      case Job::shards:
        return run_shard(s);
      case Job::sum:
        return sum_part(s);
      case Job::parts: {
        const auto [begin, end] = part_of(s, parts_n_);
        shards_[s]->part_ok = begin >= end || (*parts_body_)(begin, end);
        return;
      }
    }
  }

  /// Thread s's part [begin, end) of n entries: whole cache lines, so that no two
  /// threads write the same line.
  std::pair<Eigen::Index, Eigen::Index> part_of(unsigned s, Eigen::Index n) const {
    const auto parts = static_cast<Eigen::Index>(shards_.size());
    constexpr Eigen::Index line = std::max<Eigen::Index>(1, 64 / static_cast<Eigen::Index>(sizeof(T)));
    const auto bound = [&](Eigen::Index p) { return p >= parts ? n : std::min(n, p * n / parts / line * line); };
    return {bound(s), bound(s + 1)};
  }

  /// Thread s's part of g = sum_s (M_s / M) g_s.
  void sum_part(unsigned s) {
    const auto range = part_of(s, grad_.size());  // no structured binding: a C++17 lambda cannot capture one
    const Eigen::Index begin = range.first, count = range.second - range.first;
    if (count <= 0) return;
    const auto part = [&](Eigen::Index i) {
      return Eigen::Map<const VectorX<T>>(shards_[static_cast<std::size_t>(i)]->gradient + begin, count);
    };
    auto g = grad_.segment(begin, count);
    g.noalias() = weight(*shards_[0]) * part(0) + weight(*shards_[1]) * part(1);
    for (Eigen::Index i = 2; i < k_; ++i) g.noalias() += weight(*shards_[static_cast<std::size_t>(i)]) * part(i);
  }

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
      sh.gradient = sh.bound.gradient_in_place(sh.tape);  // read where the sweep left it
      if (sh.gradient == nullptr) {
        sh.spare.resize(params_.size());
        sh.bound.gradient_into(sh.tape, sh.spare);
        sh.gradient = sh.spare.data();
      }
      sh.loss = L.value();
    } catch (...) {
      sh.error = std::current_exception();
    }
  }

  const Model& model_;
  const Parameters<T>& params_;
  const Dataset<T>& data_;
  Collective* group_;
  std::vector<std::unique_ptr<Shard>> shards_;
  VectorX<T> grad_, reduced_;
  T* gradient_;                 // the last compute()'s gradient (grad_ or a tape's adjoints)
  Eigen::Index min_rows_;       // the fewest rows a shard gets
  Eigen::Index m_ = 0, k_ = 0;  // the batch's rows and shards (for the sum)
  Job job_ = Job::shards;       // what run_on_all runs
  Eigen::Index parts_n_ = 0;    // run_parts' n and body
  const PartBody* parts_body_ = nullptr;
  std::vector<Eigen::Index> local_rows_;
  std::exception_ptr pending_;
  std::unique_ptr<WorkerPool> pool_;  // last: its threads stop before the shards go
};

/// Checks alpha_t for every t the run can reach: the planned steps are epochs x batches
/// (or max_steps if fewer), and t counts them or the epochs they span.
template <class T>
void check_planned_rates(const TrainOptions<T>& o, Eigen::Index batches) {
  const auto per_epoch = static_cast<std::int64_t>(batches);
  const std::int64_t most = std::numeric_limits<std::int64_t>::max();
  std::int64_t steps = o.epochs > most / per_epoch ? most : o.epochs * per_epoch;
  if (o.max_steps > 0 && o.max_steps < steps) steps = o.max_steps;
  const std::int64_t count = o.schedule_unit == ScheduleUnit::step ? steps : (steps + batches - 1) / batches;
  o.learning_rate.check_first(count, "train");
}

/// The scalar types a checkpoint stores (IEEE binary32 and binary64).
template <class T>
inline constexpr bool checkpointable = std::is_same_v<T, float> || std::is_same_v<T, double>;

template <class T>
void check_checkpoint_options(const TrainOptions<T>& o) {
  if (o.checkpoint_path.empty()) {
    if (o.resume) throw_invalid_argument("train: resume is set but checkpoint_path is empty");
    return;
  }
#if !defined(TAPEGRAD_WITH_ZLIB) || !TAPEGRAD_WITH_ZLIB
  throw_invalid_argument(
      "train: checkpoints need zlib (their CRC-32), and this build has none: install zlib "
      "(Debian: zlib1g-dev) and link tapegrad::tapegrad, or define TAPEGRAD_WITH_ZLIB=1 and link -lz");
#else
  if (o.checkpoint_every < 1)
    throw_invalid_argument("train: checkpoint_every is " + std::to_string(o.checkpoint_every) + "; expected >= 1");
  if (o.checkpoint_keep < 1)
    throw_invalid_argument("train: checkpoint_keep is " + std::to_string(o.checkpoint_keep) + "; expected >= 1");
  if constexpr (!checkpointable<T>)
    throw_invalid_argument("train: checkpoints hold float or double numbers; this run's scalar type is neither");
  (void)o.optimizer.state();  // an optimizer that cannot be checkpointed fails here, before any step
#endif
}

/// With a group: every rank holds its strided shard of the N (and validation) examples;
/// `largest` is the largest training shard of any rank.
template <class T>
void check_shards(const Dataset<T>& data, const TrainOptions<T>& o, Eigen::Index n, Eigen::Index validation_n,
                  Eigen::Index largest) {
  const Collective& g = *o.collective;
  const int rank = g.rank(), ranks = g.size();
  const auto check = [&](const char* what, Eigen::Index held, Eigen::Index total) {
    if (total < ranks)
      throw_invalid_argument("train: " + std::to_string(total) + " " + what + " examples over " +
                             std::to_string(ranks) + " ranks; expected at least one per rank");
    if (held != shard_size(total, rank, ranks))
      throw_invalid_argument("train: the ranks' " + std::string(what) +
                             " data are not strided shards (rank r holds global rows r, r + P, ...: "
                             "optim::shard_rows): rank " +
                             std::to_string(rank) + " holds " + std::to_string(held) +
                             " of N = " + std::to_string(total) + ", where its shard over " + std::to_string(ranks) +
                             " ranks has " + std::to_string(shard_size(total, rank, ranks)) +
                             "; the largest training shard has " + std::to_string(largest));
  };
  check("training", data.size(), n);
  if (o.validation != nullptr)
    check("validation", o.validation->size(), validation_n);
  else if (validation_n > 0)
    throw_invalid_argument("train: rank " + std::to_string(rank) + " has no validation data and other ranks do");
}

/// The options every rank must share (they decide the collectives each rank calls).
template <class T>
Eigen::VectorXd shared_options(const TrainOptions<T>& o) {
  Eigen::VectorXd v(12);
  v << double(o.epochs), double(o.batch_size), double(int(o.order)), double(o.seed), double(o.drop_last),
      double(o.max_steps), double(bool(o.on_epoch)), double(o.checkpoint_path.empty()), double(o.checkpoint_every),
      double(int(o.checkpoint_unit)), double(o.resume), static_cast<double>(o.weight_decay);
  return v;
}

template <class Model, class T>
void check_train_arguments(const Model& model, const Dataset<T>& data, const TrainOptions<T>& o, Eigen::Index n,
                           Eigen::Index validation_n, Eigen::Index largest) {
  if (o.epochs < 0) throw_invalid_argument("train: epochs is " + std::to_string(o.epochs) + "; expected epochs >= 0");
  if (o.collective != nullptr) check_shards(data, o, n, validation_n, largest);
  if (data.size() < 1) throw_invalid_argument("train: the dataset is empty; expected N >= 1 examples");
  const BatchSampler sampler(n, o.batch_size, o.order, o.seed, o.drop_last);  // checks M
  if (o.threads < 1) throw_invalid_argument("train: threads is 0; expected threads >= 1");
  if (o.min_rows_per_thread < 0)
    throw_invalid_argument("train: min_rows_per_thread is " + std::to_string(o.min_rows_per_thread) +
                           "; expected >= 0 (0: automatic)");
  if (o.max_steps < 0)
    throw_invalid_argument("train: max_steps is " + std::to_string(o.max_steps) + "; expected >= 0 (0: no limit)");
  check_tolerances(o.loss_tolerance, o.gradient_tolerance, "train");
  require_nonnegative(o.weight_decay, "train: weight_decay");
  check_planned_rates(o, sampler.batch_count());
  check_checkpoint_options(o);
  model.check(data);
  if (o.validation != nullptr) model.check(*o.validation);
  const auto& w = model.parameters().values();
  if (w.size() == 0) throw_invalid_argument("train: the model has no parameters");
  require_finite(w, "train: parameter ");
}

template <class T>
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

/// train()'s driver for the step loop: one step per batch, epochs around them.
template <class Model, class T>
class TrainDriver {
 public:
  /// n and validation_n: the examples over all ranks (this process's without a group).
  TrainDriver(Model& model, const Dataset<T>& data, const TrainOptions<T>& o, History<T>& history, Eigen::Index n,
              Eigen::Index validation_n)
      : model_(model),
        o_(o),
        h_(history),
        group_(o.collective),
        out_(group_ != nullptr && group_->rank() != 0 ? nullptr : o.progress),
        params_(model.parameters()),
        optimizer_(o.optimizer),
        sampler_(n, o.batch_size, o.order, o.seed, o.drop_last),
        trainer_(model, params_, data, o.threads, o.collective, o.min_rows_per_thread),
        validation_n_(validation_n),
        parts_([this](Eigen::Index size, PartBody body) { return trainer_.run_parts(size, body); }),
        epoch_grad_(params_.size()),
        mask_(o.weight_decay > T(0) ? params_.decay_mask() : Eigen::VectorX<T>()),
        start_(std::chrono::steady_clock::now()) {}

  std::optional<Status> start() {
    h_.clear();
    optimizer_.reset(params_.size());
    if (group_ != nullptr) broadcast_values<T>(*group_, params_.values());  // every rank starts from rank 0's w
#if defined(TAPEGRAD_WITH_ZLIB) && TAPEGRAD_WITH_ZLIB
    if (!o_.checkpoint_path.empty()) {
      if (group_ == nullptr || group_->rank() == 0)  // one writer per run
        writer_ = std::make_unique<CheckpointWriter>(o_.checkpoint_path, o_.checkpoint_keep);
      if (o_.resume) resume();
      saved_steps_ = h_.steps;
    }
#endif
    h_.reserve(static_cast<std::size_t>(o_.epochs));
    if (epoch_ >= o_.epochs) return Status::max_epochs;
    if (o_.max_steps > 0 && h_.steps >= o_.max_steps) return Status::max_steps;
    if (batch_ == 0 && h_.epochs() > 0) {  // a resumed run: the last epoch's stop rules
      const std::size_t e = h_.epochs() - 1;
      const T* previous = e > 0 ? &h_.loss[e - 1] : nullptr;
      return tolerance_stop(o_.loss_tolerance, o_.gradient_tolerance, h_.gradient_norm[e], previous, h_.loss[e]);
    }
    return std::nullopt;
  }
  void evaluate() {
    if (batch_ == 0) begin_epoch();
    const Eigen::Index m = sampler_.batch_size(batch_);
    loss_ = trainer_.compute(sampler_.batch(batch_), m, m == sampler_.nominal_batch_size() ? 0 : 1);
    if (mask_.size() != 0) {  // weight decay (lambda/2)||W||^2 over the weight blocks
      const Eigen::VectorX<T>& w = std::as_const(params_).values();  // a reference, not a temporary Ref
      const auto decayed = (mask_.array() * w.array()).matrix();
      loss_ += o_.weight_decay / T(2) * decayed.squaredNorm();
      trainer_.gradient().noalias() += o_.weight_decay * decayed;
    }
  }
  const T& loss() const noexcept { return loss_; }
  /// g of this step, used where the trainer wrote it (no copy per step).
  Eigen::Map<Eigen::VectorX<T>> gradient() noexcept { return trainer_.gradient(); }
  Eigen::Ref<Eigen::VectorX<T>> parameters() noexcept { return params_.values(); }
  std::optional<Status> observe() { return std::nullopt; }  // train's rules act per epoch
  /// The update with the old w kept in backup and the new w checked, in one pass where
  /// the optimizer can (Optimizer::checked_step): the step loop's phases 4 and 5.
  std::optional<Status> checked_step(Eigen::VectorX<T>& backup, bool& finite) {
    const std::int64_t t = o_.schedule_unit == ScheduleUnit::epoch ? epoch_ : h_.steps;
    alpha_ = o_.learning_rate.at(t, "train");
    finite = optimizer_.checked_step(params_.values(), trainer_.gradient(), alpha_, backup, &parts_);
    return std::nullopt;
  }
  std::optional<Status> after_step();
  Status diverged(const std::string& what) {
    h_.message = what + " at epoch " + std::to_string(epoch_) + ", batch " + std::to_string(batch_) + " (after " +
                 std::to_string(h_.steps) + " steps); parameters are the last finite ones";
    return Status::diverged;
  }
  void finish(Status status) {
    h_.status = status;
    if (group_ == nullptr) {
      finish_checkpoints(status);
    } else {  // a failure of rank 0's writes stops every rank; all end with the same w
      std::exception_ptr error = trainer_.take_error();
      if (!error) error = capture([&] { finish_checkpoints(status); });
      agree(*group_, error);
    }
    if (seen_ > 0) record_epoch();  // an epoch cut short: recorded over its completed batches
    if (group_ != nullptr) check_same_on_every_rank(*group_, std::as_const(params_).values(), "the parameters");
    if (status == Status::diverged && out_ != nullptr) *out_ << "diverged: " << h_.message << "\n";
  }

 private:
  double seconds() const {
    return earlier_seconds_ + std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  void begin_epoch() {
    sampler_.start_epoch(static_cast<std::uint64_t>(epoch_));
    loss_sum_ = T(0);
    epoch_grad_.setZero();
    seen_ = 0;
  }
  bool record_epoch();
  void validate();
  bool continue_after_callback();
  void finish_checkpoints([[maybe_unused]] Status status) {
#if defined(TAPEGRAD_WITH_ZLIB) && TAPEGRAD_WITH_ZLIB
    if (writer_) {  // the final state (not a diverged one: older checkpoints stay the newest)
      if (status != Status::diverged) final_checkpoint();
      writer_->wait();
    }
#endif
  }
  // Runs one of rank 0's checkpoint writes. With a group its failure is deferred to the
  // next step's reduction (or the end), so that it stops every rank at the same point.
  template <class Write>
  void write_checkpoint(Write&& write) {
    if (group_ == nullptr) return write();
    trainer_.defer_error(capture(std::forward<Write>(write)));
  }
  void checkpoint_if_due() {
    write_checkpoint([this] { checkpoint_if_due_here(); });
  }
#if defined(TAPEGRAD_WITH_ZLIB) && TAPEGRAD_WITH_ZLIB
  TrainPosition<T> position() const;
  void checkpoint();
  // A checkpoint falls due every checkpoint_every epochs or steps. While the writer is
  // still busy with the previous one it is deferred to the first step after the writer
  // is free, and then taken of the state at that step: nothing is encoded only to be
  // replaced before it is written (every step's state is as good to resume from).
  void checkpoint_if_due_here() {
    if (!writer_) return;
    const std::int64_t count = o_.checkpoint_unit == Unit::epoch ? (batch_ == 0 ? epoch_ : 0) : h_.steps;
    if (count > 0 && count % o_.checkpoint_every == 0 && h_.steps != saved_steps_) deferred_ = true;
    if (deferred_ && writer_->idle()) checkpoint();
  }
  void final_checkpoint() {
    if (writer_ && h_.steps != saved_steps_) checkpoint();
  }
  void resume();
  std::optional<Checkpoint<T>> load_on_rank_0(std::string& file, std::ostream& out);
  void replace_unusable(const std::string& file, std::ostream& out);
  void restore(const Checkpoint<T>& c, const std::string& path);
#else
  void checkpoint_if_due_here() {}
  void final_checkpoint() {}
#endif

  Model& model_;
  const TrainOptions<T>& o_;
  History<T>& h_;
  Collective* group_;  // the ranks training together, or nullptr
  std::ostream* out_;  // progress (rank 0's only)
  Parameters<T>& params_;
  Optimizer<T> optimizer_;
  BatchSampler sampler_;
  Trainer<Model, T> trainer_;
  Eigen::Index validation_n_;
  Parts parts_;  // the optimizer's step and the epoch's sums over the trainer's threads
  Eigen::VectorX<T> epoch_grad_, mask_;
  std::chrono::steady_clock::time_point start_;
  double earlier_seconds_ = 0.0;  // training time before a resume
  T loss_{}, loss_sum_{}, alpha_{};
  std::int64_t epoch_ = 0;
  Eigen::Index batch_ = 0, seen_ = 0;
#if defined(TAPEGRAD_WITH_ZLIB) && TAPEGRAD_WITH_ZLIB
  std::int64_t saved_steps_ = -1;  // the step count of the last checkpoint handed over
  bool deferred_ = false;          // a checkpoint is due and waits for the writer
  std::unique_ptr<CheckpointWriter> writer_;
#endif
};

/// Counts the step into the epoch; at the epoch's end (or at max_steps) records it and
/// applies the stop rules: max_steps, then the callback, the tolerances, the epoch count.
template <class Model, class T>
std::optional<Status> TrainDriver<Model, T>::after_step() {
  ++h_.steps;
  const Eigen::Index m = sampler_.batch_size(batch_);
  loss_sum_ += loss_ * T(m);
  const auto g = trainer_.gradient();
  parts_(g.size(), [&](Eigen::Index begin, Eigen::Index end) {
    epoch_grad_.segment(begin, end - begin).noalias() += T(m) * g.segment(begin, end - begin);
    return true;
  });
  seen_ += m;
  ++batch_;
  const bool step_limit = o_.max_steps > 0 && h_.steps >= o_.max_steps;
  if (batch_ < sampler_.batch_count()) {
    if (!step_limit) {
      checkpoint_if_due();
      return std::nullopt;
    }
    write_checkpoint([this] { final_checkpoint(); });  // a stop inside an epoch: the state before its partial record
  }
  const bool go_on = record_epoch();
  if (step_limit) return Status::max_steps;
  if (!go_on) return Status::stopped_by_callback;
  const std::size_t e = h_.epochs() - 1;
  const T* previous = e > 0 ? &h_.loss[e - 1] : nullptr;
  if (auto stop = tolerance_stop(o_.loss_tolerance, o_.gradient_tolerance, h_.gradient_norm[e], previous, h_.loss[e]))
    return stop;
  ++epoch_;
  batch_ = 0;
  checkpoint_if_due();
  if (epoch_ == o_.epochs) return Status::max_epochs;
  return std::nullopt;
}

/// Appends the epoch's records (validation too), prints its line, runs the callback and
/// returns what the callback returned (true without one).
template <class Model, class T>
bool TrainDriver<Model, T>::record_epoch() {
  h_.loss.push_back(loss_sum_ / T(seen_));
  h_.gradient_norm.push_back((epoch_grad_ / T(seen_)).norm());
  h_.learning_rate.push_back(alpha_);
  seen_ = 0;
  if (o_.validation != nullptr) validate();
  h_.seconds.push_back(seconds());
  h_.tape_bytes.push_back(trainer_.tape_bytes());
  if (out_ != nullptr) print_epoch(*out_, h_, o_.epochs);
  return continue_after_callback();
}

/// Records the validation loss (and accuracy): with a group, each rank's share of the
/// means, summed.
template <class Model, class T>
void TrainDriver<Model, T>::validate() {
  constexpr bool classifies = has_classify<Model>::value;
  const auto evaluate = [&](T& loss, double& accuracy_) {
    loss = model_.loss(*o_.validation);
    if constexpr (classifies)
      if (model_.is_classifier()) accuracy_ = accuracy(model_, *o_.validation);
  };
  T loss(0);
  double correct = 0.0;
  if (group_ == nullptr) {
    evaluate(loss, correct);
  } else {
    T sums[3];  // [share x loss, share x accuracy, failed]
    const std::exception_ptr error = capture([&] {
      evaluate(loss, correct);
      const T share = T(o_.validation->size()) / T(validation_n_);
      sums[0] = share * loss;
      sums[1] = share * T(correct);
    });
    sum_or_agree(*group_, sums, 2, error);
    loss = sums[0];
    correct = static_cast<double>(sums[1]);
  }
  h_.validation_loss.push_back(loss);
  if constexpr (classifies)
    if (model_.is_classifier()) h_.validation_accuracy.push_back(correct);
}

/// Runs the epoch callback; with a group on every rank, and the run goes on only if it
/// returned true on all of them.
template <class Model, class T>
bool TrainDriver<Model, T>::continue_after_callback() {
  if (group_ == nullptr) return !o_.on_epoch || o_.on_epoch(h_);
  bool go_on = true;
  on_every_rank(*group_, [&] { go_on = !o_.on_epoch || o_.on_epoch(h_); });
  return group_->min(go_on ? 1 : 0) == 1;
}

#if defined(TAPEGRAD_WITH_ZLIB) && TAPEGRAD_WITH_ZLIB
/// The run's position for a checkpoint; an epoch whose batches are all done (a stop at
/// its end) counts as completed.
template <class Model, class T>
TrainPosition<T> TrainDriver<Model, T>::position() const {
  TrainPosition<T> p;
  const bool epoch_done = batch_ == sampler_.batch_count();
  p.epoch = epoch_done ? epoch_ + 1 : epoch_;
  p.batch = epoch_done ? 0 : batch_;
  p.steps = h_.steps;
  if (p.batch > 0) {
    p.seen = seen_;
    p.loss_sum = loss_sum_;
    p.gradient_sum = epoch_grad_;
  }
  p.learning_rate = alpha_;
  p.seconds = seconds();
  p.data_size = static_cast<std::int64_t>(sampler_.order().size());
  p.batch_size = sampler_.nominal_batch_size();
  p.order = o_.order;
  p.seed = o_.seed;
  p.drop_last = o_.drop_last;
  p.weight_decay = o_.weight_decay;
  return p;
}

/// Encodes the state now (a copy) and hands it to the background writer.
template <class Model, class T>
void TrainDriver<Model, T>::checkpoint() {
  if constexpr (checkpointable<T>) {  // else refused by check_checkpoint_options
    writer_->submit(encode_checkpoint(std::as_const(params_), optimizer_.state(), position(), h_));
    saved_steps_ = h_.steps;
    deferred_ = false;
  }
}

/// Continues from the newest usable checkpoint, if there is one (see train()). With a
/// group, rank 0 reads it and sends it to every rank.
template <class Model, class T>
void TrainDriver<Model, T>::resume() {
  if constexpr (checkpointable<T>) {  // else refused by check_checkpoint_options
    std::ostream& out = out_ != nullptr ? *out_ : std::cerr;
    std::string file = o_.checkpoint_path;
    std::optional<Checkpoint<T>> c = group_ == nullptr
                                         ? load_newest_checkpoint<T>(o_.checkpoint_path, o_.checkpoint_keep, out, &file)
                                         : load_on_rank_0(file, out);
    if (!c) {
      if (out_ != nullptr) *out_ << "no checkpoint at '" << o_.checkpoint_path << "': starting fresh\n";
      return;
    }
    if (group_ == nullptr) {
      restore(*c, file);
      replace_unusable(file, out);
    } else {
      on_every_rank(*group_, [&] { restore(*c, file); });
      on_every_rank(*group_, [&] { replace_unusable(file, out); });
    }
    if (out_ != nullptr)
      *out_ << "resumed from '" << o_.checkpoint_path << "' at epoch " << epoch_ + 1 << ", batch " << batch_ << " ("
            << h_.steps << " steps done)\n";
  }
}

/// Rank 0's newest usable checkpoint (see load_newest_checkpoint), on every rank.
template <class Model, class T>
std::optional<Checkpoint<T>> TrainDriver<Model, T>::load_on_rank_0(std::string& file, std::ostream& out) {
  std::string bytes;
  on_every_rank(*group_, [&] {
    if (group_->rank() != 0) return;
    if (auto c = load_newest_checkpoint<T>(o_.checkpoint_path, o_.checkpoint_keep, out, &file))
      bytes = encode_checkpoint(c->parameters, c->optimizer, c->position, c->history);
  });
  auto size = static_cast<std::int64_t>(bytes.size());
  group_->broadcast(reinterpret_cast<unsigned char*>(&size), sizeof size, 0);
  if (size == 0) return std::nullopt;
  bytes.resize(static_cast<std::size_t>(size));
  group_->broadcast(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), 0);
  std::optional<Checkpoint<T>> c;
  on_every_rank(*group_, [&] { c = decode_checkpoint<T>(bytes, file); });
  return c;
}

/// When an older version (`file`) was the newest usable one, it replaces the unusable
/// newest, so that the next writes rotate good versions (and keep this one).
template <class Model, class T>
void TrainDriver<Model, T>::replace_unusable(const std::string& file, std::ostream& out) {
  if (file == o_.checkpoint_path) return;
  if (std::rename(file.c_str(), o_.checkpoint_path.c_str()) != 0)
    throw CheckpointError("cannot rename '" + file + "' over the unusable '" + o_.checkpoint_path + "'");
  out << "tapegrad: warning: '" << file << "' replaces the unusable '" << o_.checkpoint_path << "'\n";
}

/// Restores the run from `c` after checking it fits this model, data and options; throws
/// CheckpointError naming what differs and changes nothing if not.
template <class Model, class T>
void TrainDriver<Model, T>::restore(const Checkpoint<T>& c, const std::string& path) {
  const TrainPosition<T>& p = c.position;
  const auto mismatch = [&](const std::string& what, const std::string& saved, const std::string& now) {
    throw CheckpointError("checkpoint '" + path + "' was written by a run with " + what + " " + saved +
                          "; this run has " + now + " (resuming needs the same data order and loss)");
  };
  const auto n = static_cast<std::int64_t>(sampler_.order().size());
  if (p.data_size != n) mismatch("N =", std::to_string(p.data_size), std::to_string(n));
  if (p.batch_size != sampler_.nominal_batch_size())
    mismatch("batch_size", std::to_string(p.batch_size), std::to_string(sampler_.nominal_batch_size()));
  if (p.order != o_.order || p.seed != o_.seed || p.drop_last != o_.drop_last)
    mismatch("order/seed/drop_last",
             std::to_string(int(p.order)) + "/" + std::to_string(p.seed) + "/" + std::to_string(p.drop_last),
             std::to_string(int(o_.order)) + "/" + std::to_string(o_.seed) + "/" + std::to_string(o_.drop_last));
  if (!(p.weight_decay == o_.weight_decay))
    mismatch("weight_decay", number(static_cast<double>(p.weight_decay)), number(static_cast<double>(o_.weight_decay)));
  if (p.batch >= sampler_.batch_count() || (p.batch > 0 && p.gradient_sum.size() != params_.size()) ||
      c.history.epochs() != static_cast<std::size_t>(p.epoch) || c.history.steps != p.steps)
    throw CheckpointError("checkpoint '" + path + "': its position (epoch " + std::to_string(p.epoch) + ", batch " +
                          std::to_string(p.batch) + ", step " + std::to_string(p.steps) +
                          ") does not agree with its history or this data");
  check_parameters_fit(std::as_const(params_), c.parameters, path);
  Optimizer<T> optimizer = optimizer_;
  try {
    optimizer.load_state(c.optimizer, params_.size());
  } catch (const std::invalid_argument& e) {
    throw CheckpointError("checkpoint '" + path + "' does not fit this run's optimizer: " + e.what());
  }
  params_.values() = c.parameters.values();
  optimizer_ = std::move(optimizer);
  h_ = c.history;
  epoch_ = p.epoch;
  batch_ = static_cast<Eigen::Index>(p.batch);
  seen_ = static_cast<Eigen::Index>(p.seen);
  loss_sum_ = p.loss_sum;
  if (batch_ > 0) {
    epoch_grad_ = p.gradient_sum;
    sampler_.start_epoch(static_cast<std::uint64_t>(epoch_));
  }
  alpha_ = p.learning_rate;
  earlier_seconds_ = p.seconds;
}
#endif

}  // namespace detail

/// Trains `model` on `data`, recording into `history` (cleared first). On return or on
/// an exception, `history` holds every completed epoch and the model's parameters are
/// finite (see the file comment). Throws std::invalid_argument for bad options or data
/// before changing anything (with options.collective: RankError on every rank, naming
/// the rank whose options or shard are wrong).
template <class Model, class T>
void train(Model& model, const Dataset<T>& data, const TrainOptions<T>& options, History<T>& history) {
  Collective* group = options.collective;
  if (group == nullptr) {
    detail::check_train_arguments(model, data, options, data.size(), Eigen::Index(0), data.size());
    detail::TrainDriver<Model, T> driver(model, data, options, history, data.size(), Eigen::Index(0));
    detail::run_step_loop<T>(driver);
    return;
  }
  std::int64_t sizes[2] = {data.size(), options.validation != nullptr ? options.validation->size() : 0};
  group->sum(sizes, 2);  // N and the validation N over all ranks
  const std::int64_t largest = -group->min(-static_cast<std::int64_t>(data.size()));
  detail::check_same_on_every_rank(*group, detail::shared_options(options), "train's options");
  detail::on_every_rank(*group,
                        [&] { detail::check_train_arguments(model, data, options, sizes[0], sizes[1], largest); });
  detail::TrainDriver<Model, T> driver(model, data, options, history, sizes[0], sizes[1]);
  detail::run_step_loop<T>(driver);
}

/// Trains `model` on `data` and returns the history (see the other overload).
template <class Model, class T>
History<T> train(Model& model, const Dataset<T>& data, const TrainOptions<T>& options) {
  History<T> history;
  train(model, data, options, history);
  return history;
}

}  // namespace tapegrad::optim
