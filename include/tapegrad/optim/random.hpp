// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Reproducible random numbers for shuffling and initialization. std::mt19937_64's
/// output is fixed by the standard, but std::shuffle and the std distributions are not,
/// so the permutation and the uniform numbers are drawn here: the same seed gives the
/// same batches and the same initial weights with every standard library.

#include <cstdint>
#include <random>
#include <vector>

namespace tapegrad::optim {

/// One step of SplitMix64: a good 64-bit mix of x (used to derive seeds).
inline std::uint64_t splitmix64(std::uint64_t x) noexcept {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

/// A 64-bit generator with portable helpers.
class Random {
 public:
  /// A generator whose stream is determined by `seed` alone.
  explicit Random(std::uint64_t seed) : engine_(splitmix64(seed)) {}
  /// A generator for stream `stream` of `seed` (e.g. the epoch number).
  Random(std::uint64_t seed, std::uint64_t stream) : engine_(splitmix64(seed ^ splitmix64(stream + 1))) {}

  /// A uniform 64-bit integer.
  std::uint64_t next() { return engine_(); }
  /// A uniform integer in [0, n) without modulo bias (n >= 1).
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % n);  // multiple of n
    std::uint64_t x = next();
    while (x >= limit) x = next();
    return x % n;
  }
  /// A uniform double in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  /// A uniform double in [a, b).
  double uniform(double a, double b) { return a + (b - a) * uniform(); }

  /// Fisher-Yates: a uniformly random permutation of v in place.
  template <class I>
  void shuffle(std::vector<I>& v) {
    for (std::size_t i = v.size(); i > 1; --i) {
      const auto j = static_cast<std::size_t>(below(i));
      std::swap(v[i - 1], v[j]);
    }
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace tapegrad::optim
