// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
//
// Example 2: gradient descent on the bowl J(x, y) = x^2 + y^2.
//
// The gradient (dJ/dx, dJ/dy) = (2x, 2y) points uphill, so we step against it:
// (x, y) <- (x, y) - alpha grad J. From (3, 4) with alpha = 0.1 the gradient is (6, 8),
// of magnitude 10, and one step lands on (2.4, 3.2) where J = 16 (it was 25). Each step
// multiplies (x, y) by 1 - 2 alpha, so the walk runs straight down to the minimum at
// (0, 0). With alpha = 0.9 the factor is -0.8: just as fast, but zig-zagging across the
// bottom; with alpha > 1 it is below -1 and the walk climbs out of the bowl.
//
// Writes 02_bowl_path.csv (every point of each walk) and 02_bowl_path.svg (contour lines
// of J with the walks over them).

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "common/expect.hpp"
#include "common/plot.hpp"
#include "tapegrad/tapegrad.hpp"

using tapegrad::Tape;
using tapegrad::Var;

namespace {

struct Evaluation {
  double J, dx, dy;
};

/// J(x, y) and its gradient, recorded on the tape and swept backward.
Evaluation evaluate(Tape<double>& tape, double x, double y) {
  tape.clear();  // forget the previous point; the memory is kept
  const Var<double> xv = tape.variable(x), yv = tape.variable(y);
  const Var<double> J = xv * xv + yv * yv;
  tape.backward(J);
  return {J.value(), xv.grad(), yv.grad()};
}

/// Gradient descent from (x, y) until J < 1e-10 or `max_steps` steps; returns the walk.
example::plot::Series descend(Tape<double>& tape, const std::string& name, double x, double y, double alpha,
                              int max_steps) {
  example::plot::Series path{name, {x}, {y}};
  for (int step = 0; step < max_steps; ++step) {
    const Evaluation e = evaluate(tape, x, y);
    if (e.J < 1e-10) break;
    x -= alpha * e.dx;
    y -= alpha * e.dy;
    path.x.push_back(x);
    path.y.push_back(y);
  }
  return path;
}

}  // namespace

int main() {
  Tape<double> tape;

  // 1. One step by hand, with the numbers of the text.
  const double alpha = 0.1;
  const Evaluation start = evaluate(tape, 3.0, 4.0);
  std::printf("at (3, 4):\n");
  example::expect("J", start.J, 25.0);
  example::expect("dJ/dx", start.dx, 6.0);
  example::expect("dJ/dy", start.dy, 8.0);
  example::expect("|grad J|", std::hypot(start.dx, start.dy), 10.0);
  const double x1 = 3.0 - alpha * start.dx, y1 = 4.0 - alpha * start.dy;
  std::printf("one step with alpha = %g:\n", alpha);
  example::expect("x", x1, 2.4);
  example::expect("y", y1, 3.2);
  example::expect("J", evaluate(tape, x1, y1).J, 16.0);

  // 2. Walk to the minimum: J shrinks by (1 - 2 alpha)^2 = 0.64 a step, from 25 to
  // below 1e-10 in 59 steps.
  const auto slow = descend(tape, "alpha = 0.1 from (3, 4)", 3.0, 4.0, 0.1, 1000);
  std::printf("descent with alpha = 0.1 from (3, 4):\n");
  example::expect("steps", double(slow.x.size() - 1), 59.0);
  example::expect("x at the end", slow.x.back(), 0.0, 1e-5);
  example::expect("y at the end", slow.y.back(), 0.0, 1e-5);

  // 3. alpha = 0.9 from (-4, 3), also at J = 25: factor -0.8, the same 59 steps.
  const auto zigzag = descend(tape, "alpha = 0.9 from (-4, 3)", -4.0, 3.0, 0.9, 1000);
  std::printf("descent with alpha = 0.9 from (-4, 3):\n");
  example::expect("steps", double(zigzag.x.size() - 1), 59.0);
  example::expect("x after one step (-0.8 x)", zigzag.x[1], 3.2);
  example::expect("y after one step (-0.8 y)", zigzag.y[1], -2.4);

  // 4. alpha = 1.05: factor -1.1, so after 20 steps J = 25 * 1.21^20.
  const auto away = descend(tape, "alpha = 1.05", 3.0, 4.0, 1.05, 20);
  const double J20 = evaluate(tape, away.x.back(), away.y.back()).J;
  std::printf("alpha = 1.05 overshoots further each step:\n");
  example::expect("J after 20 steps", J20, 25.0 * std::pow(1.21, 20), 1e-9);

  // 5. The pictures: every point as CSV, and the two walks over contour lines of J.
  std::vector<std::vector<double>> rows;
  for (const auto* walk : {&slow, &zigzag})
    for (std::size_t i = 0; i < walk->x.size(); ++i) {
      const double x = walk->x[i], y = walk->y[i];
      rows.push_back({walk == &slow ? 0.1 : 0.9, double(i), x, y, x * x + y * y});
    }
  example::plot::ContourPlot picture;
  picture.title = "gradient descent on J(x, y) = x^2 + y^2";
  picture.x_min = picture.y_min = -5.5;
  picture.x_max = picture.y_max = 5.5;
  picture.f = [](double x, double y) { return x * x + y * y; };
  for (double r = 1; r <= 7; ++r) picture.levels.push_back(r * r);  // circles of radius r
  picture.paths = {slow, zigzag};
  const bool csv = example::plot::write_csv("02_bowl_path.csv", {"alpha", "step", "x", "y", "J"}, rows);
  const bool svg = example::plot::write_svg("02_bowl_path.svg", picture);
  std::printf("wrote 02_bowl_path.csv%s and 02_bowl_path.svg%s\n", csv ? "" : " (failed)", svg ? "" : " (failed)");
  return example::expect_status();
}
