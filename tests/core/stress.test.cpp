// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// Shapes that break naive AD: deep shared subexpressions and very long tapes.

#include <cmath>

#include "test_support.hpp"

using tapegrad::Tape;
using tapegrad::Var;

// y_{k+1} = y_k * y_k sixty times: a tree-walking AD visits 2^60 paths. A tape records
// 60 statements and sweeps them once. (ctest's timeout catches a blow-up.)
TEST_CASE("shared subexpressions in a 60-deep chain are linear", "[stress]") {
  Tape<double> tape;
  const Var<double> x = tape.variable(1.0);
  Var<double> y = x;
  for (int k = 0; k < 60; ++k) y = y * y;
  CHECK(tape.size() == 61);
  CHECK(tape.argument_count() == 120);
  tape.backward(y);
  CHECK(y.value() == 1.0);
  CHECK(x.grad() == std::ldexp(1.0, 60));  // d/dx x^(2^60) at x = 1 is 2^60, exactly
}

TEST_CASE("the same shape off x = 1 matches the closed form", "[stress]") {
  Tape<double> tape;
  const Var<double> x = tape.variable(0.9);
  Var<double> y = x;
  for (int k = 0; k < 60; ++k) y = sin(y) * y + y;  // reuses y three times per step
  tape.backward(y);
  // The same chain by forward-mode dual numbers, written out by hand.
  double v = 0.9, dv = 1.0;
  for (int k = 0; k < 60; ++k) {
    const double s = std::sin(v), c = std::cos(v);
    dv = (c * v + s + 1.0) * dv;
    v = s * v + v;
  }
  CHECK_CLOSE(y.value(), v, 1e-12);
  CHECK_CLOSE(x.grad(), dv, 1e-12);
}

TEST_CASE("a 10^6-statement tape records and sweeps correctly", "[stress]") {
  Tape<double> tape;
  constexpr int n = 500000;
  std::vector<Var<double>> x;
  x.reserve(n);
  Var<double> sum = 0.0;
  for (int i = 0; i < n; ++i) {
    x.push_back(tape.variable(1.0 + 1e-6 * i));
    sum += x.back() * static_cast<double>(i % 7);
  }
  CHECK(tape.size() >= 1000000);
  tape.backward(sum);
  for (int i = 0; i < n; i += 9973) CHECK(x[static_cast<std::size_t>(i)].grad() == static_cast<double>(i % 7));
}
