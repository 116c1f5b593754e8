// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
//
// Example 3: backpropagation through one neuron, adjoint by adjoint.
//
// A neuron without activation computes z = w x; its squared error against a target y is
// L = (z - y)^2. The chain rule gives dL/dw = dL/dz dz/dw = 2(z - y) x = 2(wx - y)x.
//
// The forward pass records each statement with the partial derivatives of its result
// with respect to its arguments. The backward pass starts from dL/dL = 1 and visits the
// statements in reverse, adding partial * adjoint into each argument's adjoint:
//
//     adjoint(L) = 1
//     adjoint(z) += dL/dz * adjoint(L)       = 2(z - y)
//     adjoint(w) += dz/dw * adjoint(z)       = x * 2(z - y)
//     adjoint(x) += dz/dx * adjoint(z)       = w * 2(z - y)
//
// With x = 2, w = 0.5, y = 3: z = 1, L = 4, dL/dz = -4, dL/dw = -8, dL/dx = -2.

#include <cmath>
#include <cstdio>

#include "common/expect.hpp"
#include "tapegrad/tapegrad.hpp"

using tapegrad::Tape;
using tapegrad::Var;

int main() {
  const double x0 = 2.0, w0 = 0.5, y = 3.0;

  // 1. Forward: record x and w as variables, then z and L.
  Tape<double> tape;
  const Var<double> x = tape.variable(x0);
  const Var<double> w = tape.variable(w0);
  const Var<double> z = w * x;
  const Var<double> L = (z - y) * (z - y);
  std::printf("forward pass (x = %g, w = %g, y = %g):\n", x0, w0, y);
  example::expect("z = w x", z.value(), 1.0);
  example::expect("L = (z - y)^2", L.value(), 4.0);

  // 2. What the tape holds: for each statement, its arguments and stored partials.
  // (z - y) * (z - y) is one statement whose argument z appears twice, with partial
  // (z - y) each time: together 2(z - y).
  std::printf("the tape (each statement <- its arguments, with the stored partials):\n");
  const char* names[] = {"", "x", "w", "z", "L"};
  for (const tapegrad::Statement<double>& s : tapegrad::statements(tape)) {
    std::printf("  %s  %s", names[s.slot], s.arity == 0 ? "input" : "<-");
    for (unsigned j = 0; j < s.arity; ++j)
      std::printf("%s %s (partial %g)", j ? "," : "", names[s.argument(j)], s.partial(j));
    std::printf("\n");
  }

  // 3. Backward: one sweep fills every adjoint.
  tape.backward(L);
  std::printf("backward pass, adjoints from the tape:\n");
  example::expect("dL/dL", L.grad(), 1.0);
  example::expect("dL/dz = 2(z - y)", z.grad(), -4.0);
  example::expect("dL/dw = dL/dz * x", w.grad(), -8.0);
  example::expect("dL/dx = dL/dz * w", x.grad(), -2.0);

  // 4. The same adjoints by hand, in the order the sweep computes them.
  const double adj_L = 1.0;
  const double adj_z = 2.0 * (z.value() - y) * adj_L;
  const double adj_w = x0 * adj_z, adj_x = w0 * adj_z;
  std::printf("by hand:\n");
  example::expect("adjoint(z)", adj_z, z.grad());
  example::expect("adjoint(w)", adj_w, w.grad());
  example::expect("adjoint(x)", adj_x, x.grad());
  example::expect("2(wx - y)x", 2.0 * (w0 * x0 - y) * x0, w.grad());

  // 5. dL/dw next to 2(wx - y)x for other weights (x = 1.7, y = 0.4), one tape reused.
  std::printf("dL/dw at x = 1.7, y = 0.4:\n");
  std::printf("  %6s %14s %14s\n", "w", "tape", "2(wx - y)x");
  double worst = 0.0;
  for (const double wi : {-1.5, 0.0, 0.8, 2.0}) {
    tape.clear();
    const Var<double> wv = tape.variable(wi);
    const Var<double> loss = (wv * 1.7 - 0.4) * (wv * 1.7 - 0.4);
    tape.backward(loss);
    const double closed = 2.0 * (wi * 1.7 - 0.4) * 1.7;
    std::printf("  %6g %14.10g %14.10g\n", wi, wv.grad(), closed);
    worst = std::fmax(worst, std::fabs(wv.grad() - closed));
  }
  example::expect("largest difference", worst, 0.0, 1e-12);
  return example::expect_status();
}
