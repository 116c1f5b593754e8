// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// A fixed set of worker threads that run one job per round, for train()'s `threads`
/// option: the caller starts a round, does its own share, then waits for the workers.
/// Threads are created once per train() call, not per step.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace tapegrad::optim::detail {

class WorkerPool {
 public:
  /// Starts `workers` threads; in each round worker i (1-based) calls job(i). job must
  /// not throw (catch inside and report another way).
  WorkerPool(unsigned workers, std::function<void(unsigned)> job) : job_(std::move(job)) {
    threads_.reserve(workers);
    for (unsigned i = 1; i <= workers; ++i) threads_.emplace_back([this, i] { loop(i); });
  }
  ~WorkerPool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    start_.notify_all();
    for (auto& t : threads_) t.join();
  }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  /// Starts a round: every worker runs job once.
  void start() {
    if (threads_.empty()) return;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      pending_ = static_cast<unsigned>(threads_.size());
      ++round_;
    }
    start_.notify_all();
  }
  /// Waits until every worker has finished the current round.
  void wait() {
    if (threads_.empty()) return;
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return pending_ == 0; });
  }

 private:
  void loop(unsigned i) {
    std::uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        start_.wait(lock, [&] { return stop_ || round_ != seen; });
        if (stop_) return;
        seen = round_;
      }
      job_(i);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (--pending_ == 0) done_.notify_one();
      }
    }
  }

  std::function<void(unsigned)> job_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable start_, done_;
  std::uint64_t round_ = 0;
  unsigned pending_ = 0;
  bool stop_ = false;
};

}  // namespace tapegrad::optim::detail
