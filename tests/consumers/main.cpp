// SPDX-License-Identifier: MIT
// A program outside the project that uses tapegrad the way a user would.
#include <tapegrad/tapegrad.hpp>

#include <cstdio>

int main() {
  tapegrad::Tape<double> tape;
  const tapegrad::Var<double> x = tape.variable(3.0), y = tape.variable(4.0);
  tape.backward(x * x + y * y);
  std::printf("tapegrad %s: grad = (%g, %g)\n", tapegrad::version_string, x.grad(), y.grad());
  return (x.grad() == 6.0 && y.grad() == 8.0) ? 0 : 1;
}
