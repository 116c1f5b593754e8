// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// A fixed set of worker threads that run one job per round, for train()'s `threads`
/// option: the caller starts a round, does its own share, then waits for the workers.
/// Threads are created once per train() call, not per step.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace tapegrad::optim::detail {

/// How long a worker (and the caller in wait()) spins before it sleeps: a training step
/// of a small model takes tens of microseconds, and waking a sleeping thread costs about
/// as much (measured: 2 threads took the flagship's epoch from 1.9 to 2.8 ms when every
/// round woke the worker), so a worker that spins through the gap between two rounds
/// starts the next one at once. Longer gaps (validation, the end of training) put it to
/// sleep.
inline constexpr std::chrono::microseconds kSpinBeforeSleep{200};

/// A hint to the CPU that this thread is spinning (x86 `pause`; nothing elsewhere).
inline void spin_pause() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

/// Spins until ready() or kSpinBeforeSleep has passed; returns ready().
template <class Ready>
bool spin_until(Ready&& ready) {
  const auto until = std::chrono::steady_clock::now() + kSpinBeforeSleep;
  for (unsigned i = 1;; ++i) {
    if (ready()) return true;
    spin_pause();
    if (i % 64 == 0 && std::chrono::steady_clock::now() > until) return ready();
  }
}

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
      stop_.store(true, std::memory_order_release);
    }
    start_.notify_all();
    for (auto& t : threads_) t.join();
  }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  /// Starts a round: every worker runs job once.
  void start() {
    if (threads_.empty()) return;
    pending_.store(static_cast<unsigned>(threads_.size()), std::memory_order_relaxed);
    {
      // Under the mutex: a worker about to sleep either sees the new round or is
      // already waiting when notify_all runs.
      std::lock_guard<std::mutex> lock(mutex_);
      round_.fetch_add(1, std::memory_order_release);
    }
    start_.notify_all();
  }
  /// Waits until every worker has finished the current round.
  void wait() {
    if (threads_.empty()) return;
    const auto done = [this] { return pending_.load(std::memory_order_acquire) == 0; };
    if (spin_until(done)) return;
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, done);
  }

 private:
  void loop(unsigned i) {
    std::uint64_t seen = 0;
    for (;;) {
      const auto ready = [&] {
        return stop_.load(std::memory_order_acquire) || round_.load(std::memory_order_acquire) != seen;
      };
      if (!spin_until(ready)) {
        std::unique_lock<std::mutex> lock(mutex_);
        start_.wait(lock, ready);
      }
      if (stop_.load(std::memory_order_acquire)) return;
      seen = round_.load(std::memory_order_acquire);
      job_(i);
      if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard<std::mutex> lock(mutex_);  // the caller is spinning, or waiting under it
        done_.notify_one();
      }
    }
  }

  std::function<void(unsigned)> job_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable start_, done_;
  std::atomic<std::uint64_t> round_{0};
  std::atomic<unsigned> pending_{0};
  std::atomic<bool> stop_{false};
};

}  // namespace tapegrad::optim::detail
