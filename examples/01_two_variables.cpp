// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
//
// Example 1: the derivative of a loss with respect to one weight, three ways.
//
// A model f(x, w) = x w predicts t; the loss is l = t - f. At x = 2, t = 4, w = 1:
// l = 2 and dl/dw = -x = -2. We read dl/dw from the tape, check it against the limit
// definition (a finite difference), take the update w <- w + r x with r = 0.1 (the
// seed text's rule; it is w - r dl/dw), and iterate until the loss is gone.

#include <cstdio>

#include "common/expect.hpp"
#include "tapegrad/tapegrad.hpp"

using tapegrad::Tape;
using tapegrad::Var;

int main() {
  const double x = 2.0, t = 4.0, r = 0.1;
  double w = 1.0;

  // 1. Record the loss on a tape and sweep backward.
  Tape<double> tape;
  const Var<double> wv = tape.variable(w);
  const Var<double> l = t - x * wv;
  tape.backward(l);
  std::printf("at x = %g, t = %g, w = %g:\n", x, t, w);
  example::expect("l = t - x w", l.value(), 2.0);
  example::expect("dl/dw from the tape", wv.grad(), -2.0);

  // 2. The limit definition: (l(w + h) - l(w - h)) / 2h.
  const double h = 1e-6;
  const double fd = ((t - x * (w + h)) - (t - x * (w - h))) / (2 * h);
  example::expect("dl/dw by finite difference", fd, -2.0, 1e-8);

  // 3. One update: w <- w - r dl/dw = w + r x.
  w = w - r * wv.grad();
  example::expect("w after one update", w, 1.2);
  example::expect("l after one update", t - x * w, 1.6);

  // 4. Iterate until l reaches 0, reusing the tape: each step rewinds it to the empty
  // mark, records the current weight and the loss, sweeps, and updates the weight.
  tape.clear();
  const auto empty = tape.mark();
  int steps = 1;
  for (; steps < 1000; ++steps) {
    tape.rewind(empty);
    const Var<double> weight = tape.variable(w);
    const Var<double> loss = t - x * weight;
    if (loss.value() <= 1e-12) break;
    tape.backward(loss);
    w -= r * weight.grad();
  }
  std::printf("converged after %d updates:\n", steps);
  example::expect("updates", steps, 5);
  example::expect("w", w, 2.0, 1e-9);
  example::expect("l", t - x * w, 0.0, 1e-9);
  return example::expect_status();
}
