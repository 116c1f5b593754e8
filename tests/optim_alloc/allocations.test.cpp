// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// train() allocates nothing per step once warm: a global operator new that counts is
// switched on from the end of the second epoch and must see no allocation in the
// epochs after it (its own program, because it replaces operator new). Eigen's own
// buffers come from malloc, not operator new: with glibc, malloc, calloc and realloc
// are replaced too (forwarding to glibc's __libc_* functions), so they are counted.

#include <atomic>
#include <cstdlib>
#include <new>

#include "tapegrad/optim/optim.hpp"
#include "test_support.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define TAPEGRAD_COUNT_ALLOCATIONS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TAPEGRAD_COUNT_ALLOCATIONS 0
#endif
#endif
#ifndef TAPEGRAD_COUNT_ALLOCATIONS
#define TAPEGRAD_COUNT_ALLOCATIONS 1
#endif

namespace {
std::atomic<bool> counting{false};
std::atomic<long> allocations{0};
std::atomic<long> mallocs{0};
}  // namespace

#if TAPEGRAD_COUNT_ALLOCATIONS && defined(__GLIBC__)
#define TAPEGRAD_COUNT_MALLOC 1
extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void __libc_free(void*);
void* malloc(std::size_t size) {
  if (counting.load(std::memory_order_relaxed)) mallocs.fetch_add(1, std::memory_order_relaxed);
  return __libc_malloc(size);
}
void* calloc(std::size_t n, std::size_t size) {
  if (counting.load(std::memory_order_relaxed)) mallocs.fetch_add(1, std::memory_order_relaxed);
  return __libc_calloc(n, size);
}
void* realloc(void* p, std::size_t size) {
  if (counting.load(std::memory_order_relaxed)) mallocs.fetch_add(1, std::memory_order_relaxed);
  return __libc_realloc(p, size);
}
}
#else
#define TAPEGRAD_COUNT_MALLOC 0
#endif

#if TAPEGRAD_COUNT_ALLOCATIONS
namespace {
/// Frees what the replaced operator new got from malloc (glibc's own free where malloc
/// is replaced, so the compiler sees no new/free mismatch).
void release(void* p) noexcept {
#if TAPEGRAD_COUNT_MALLOC
  __libc_free(p);
#else
  std::free(p);
#endif
}
}  // namespace

void* operator new(std::size_t size) {
  if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }
#endif

namespace optim = tapegrad::optim;

TEST_CASE("train() allocates nothing per step after warm-up", "[optim][allocations]") {
  if (!TAPEGRAD_COUNT_ALLOCATIONS) {
    WARN("allocation counting is off under AddressSanitizer: test skipped");
    return;
  }
  optim::Random rng(1);
  Eigen::MatrixXd X(203, 6);
  Eigen::VectorXi labels(203);
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    for (Eigen::Index j = 0; j < X.cols(); ++j) X(i, j) = rng.uniform(-1.0, 1.0);
    labels[i] = int(i % 4);
  }
  const auto data = optim::Dataset<double>::from_labels(X, labels);
  for (const unsigned threads : {1u, 2u}) {
    for (const bool adam : {false, true}) {
      optim::MLP<double> model({6, 16, 16, 4}, optim::Nonlinearity::tanh, optim::Output::softmax, 3);
      optim::TrainOptions<double> o;
      o.epochs = 8;
      o.batch_size = 20;  // 10 batches of 20 and one of 3: both sizes warm up in epoch 0
      o.threads = threads;
      o.min_rows_per_thread = 1;  // split every batch, also the last one of 3
      o.weight_decay = 1e-4;
      o.learning_rate = {adam ? 0.01 : 0.05, optim::InverseTimeDecay<double>(0.1)};
      if (adam)
        o.optimizer = optim::Adam<double>();
      else
        o.optimizer = optim::Momentum<double>(0.9, true);
      allocations = 0;
      mallocs = 0;
      o.on_epoch = [](const optim::History<double>& h) {
        if (h.epochs() == 2) counting = true;  // from here on, every step must be allocation-free
        return true;
      };
      const auto h = optim::train(model, data, o);
      counting = false;
      INFO("threads " << threads << (adam ? ", Adam" : ", Momentum"));
      CHECK(h.epochs() == 8);
      CHECK(h.steps == 8 * 11);
      CHECK(allocations.load() == 0);
      if (TAPEGRAD_COUNT_MALLOC) CHECK(mallocs.load() == 0);  // operator new's own mallocs included
    }
  }
}

TEST_CASE("the malloc counter itself works", "[optim][allocations]") {
  if (!TAPEGRAD_COUNT_ALLOCATIONS || !TAPEGRAD_COUNT_MALLOC) {
    WARN("malloc counting needs glibc and no AddressSanitizer: test skipped");
    return;
  }
  mallocs = 0;
  counting = true;
  Eigen::MatrixXd m(7, 9);  // Eigen's storage comes from malloc
  m.setZero();
  counting = false;
  CHECK(mallocs.load() >= 1);
  CHECK(m.sum() == 0.0);
}
