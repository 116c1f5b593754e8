// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Examples check their own numbers: each expect() prints the value and whether it
/// matches; main returns expect_status(), so ctest fails if any number is wrong.

#include <cmath>
#include <cstdio>

namespace example {

inline int& failures() {
  static int count = 0;
  return count;
}

/// Prints `name = value` and records a failure unless |value - expected| <= tol.
inline void expect(const char* name, double value, double expected, double tol = 1e-9) {
  const bool ok = std::fabs(value - expected) <= tol * (1.0 + std::fabs(expected));
  std::printf("  %-28s = %-12.6g %s\n", name, value, ok ? "" : "<-- expected a different value");
  if (!ok) {
    std::printf("    expected %.12g (tolerance %g)\n", expected, tol);
    ++failures();
  }
}

/// Records a failure unless `condition` holds.
inline void expect_true(const char* what, bool condition) {
  std::printf("  %-28s : %s\n", what, condition ? "yes" : "NO  <-- expected yes");
  if (!condition) ++failures();
}

/// The exit status for main: 0 if every expectation held.
inline int expect_status() {
  if (failures() != 0) std::printf("%d expectation(s) failed\n", failures());
  return failures() == 0 ? 0 : 1;
}

}  // namespace example
