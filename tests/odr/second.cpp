// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#include "tapegrad/tapegrad.hpp"

double gradient_in_second_unit(double x) {
  tapegrad::Tape<double> tape;
  const tapegrad::Var<double> v = tape.variable(x);
  tape.backward(sin(v) * v);
  return v.grad();
}
