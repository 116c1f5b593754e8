// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// After warm-up, recording, sweeping and rewinding allocate nothing: proven with a
// global operator new that counts.

#include <atomic>
#include <cstdlib>
#include <new>

#include "test_support.hpp"

// A sanitizer's allocator owns new/delete; replacing them there only confuses it, so
// under AddressSanitizer the counter is off and the tests say so. The normal builds
// of CI run them.
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
std::atomic<long> allocations{0};
}

#if TAPEGRAD_COUNT_ALLOCATIONS
void* operator new(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
#endif

/// Skips the calling test when allocations are not counted.
#define REQUIRE_ALLOCATION_COUNTER()                                         \
  if (!TAPEGRAD_COUNT_ALLOCATIONS) {                                         \
    WARN("allocation counting is off under AddressSanitizer: test skipped"); \
    return;                                                                  \
  }

using tapegrad::Var;
using VectorXv = Eigen::Matrix<Var<double>, Eigen::Dynamic, 1>;

namespace {
Var<double> loss(const VectorXv& w) {
  Var<double> sum = 0.0;
  for (Eigen::Index i = 0; i + 1 < w.size(); ++i) sum += exp(sin(w[i])) * w[i + 1] + square(w[i] - 1.0);
  return sum;
}
}  // namespace

TEST_CASE("a loop of value_and_gradient allocates nothing after its first call", "[allocations]") {
  REQUIRE_ALLOCATION_COUNTER();
  Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(200, -1.0, 1.0);
  Eigen::VectorXd g;
  double value = tapegrad::value_and_gradient(loss, x, g);  // warm-up: tape and g grow
  const long before = allocations.load();
  for (int step = 0; step < 50; ++step) {
    value = tapegrad::value_and_gradient(loss, x, g);
    x -= 1e-3 * g;
  }
  CHECK(allocations.load() - before == 0);
  CHECK(std::isfinite(value));
}

TEST_CASE("record, backward, rewind: no allocation after the first pass", "[allocations]") {
  REQUIRE_ALLOCATION_COUNTER();
  tapegrad::Tape<double> tape;
  Var<double> w[8];
  for (int i = 0; i < 8; ++i) w[i] = tape.variable(0.1 * i);
  const auto mark = tape.mark();
  auto step = [&] {
    Var<double> sum = 0.0;
    for (int k = 0; k < 1000; ++k) sum += tapegrad::sigmoid(w[k % 8] * w[(k + 3) % 8]);
    tape.backward(sum);
    tape.rewind(mark);
  };
  step();
  const long before = allocations.load();
  for (int i = 0; i < 20; ++i) step();
  CHECK(allocations.load() - before == 0);
}

TEST_CASE("the counter itself works", "[allocations]") {
  REQUIRE_ALLOCATION_COUNTER();
  static int* volatile escaped = nullptr;  // keeps the compiler from eliding the pair
  const long before = allocations.load();
  escaped = new int(3);
  delete escaped;
  CHECK(allocations.load() - before == 1);
}
