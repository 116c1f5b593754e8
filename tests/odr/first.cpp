// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// Two translation units include every header and use the same templates; linking them
// into one program proves the headers define nothing twice (no ODR violations).

#include "catch_compat.hpp"
#include "tapegrad/tapegrad.hpp"

double gradient_in_second_unit(double x);

namespace {
double gradient_here(double x) {
  tapegrad::Tape<double> tape;
  const tapegrad::Var<double> v = tape.variable(x);
  tape.backward(sin(v) * v);
  return v.grad();
}
}  // namespace

TEST_CASE("two translation units share one library", "[odr]") {
  CHECK(gradient_here(0.5) == gradient_in_second_unit(0.5));
  // The thread's active-tape pointer is one object across both units.
  tapegrad::Tape<double> tape;
  CHECK(tapegrad::active_tape<double>() == &tape);
}
