// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
//
// Example 12: L-BFGS where Adam stalls.
//
// NIST's Misra1a (examples/data/nist_strd): 14 measurements of a dental adsorption study
// fitted with y = b1 (1 - exp(-b2 x)), minimizing the sum of squared residuals
// L(b) = sum_i (y_i - b1 (1 - exp(-b2 x_i)))^2 from NIST's start b = (500, 1e-4). The
// solution is b = (238.9, 5.5e-4): the two parameters differ by six orders of magnitude
// and trade off against each other along a long, curved valley of L.
//
// Adam moves every coordinate by about its learning rate alpha per step, whatever its
// scale: a step small enough for b2 (1e-4) takes hundreds of thousands of steps to move
// b1 from 500 to 239, and one large enough for b1 throws b2 out of the valley. It stalls
// far above the minimum with every rate tried. L-BFGS builds a curvature model from the
// gradients it sees (the pairs s = w_{k+1} - w_k, y = g_{k+1} - g_k), which rescales and
// rotates the step to the valley, and reaches NIST's certified values in ~150 evaluations.

#include <Eigen/Core>
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "common/expect.hpp"
#include "common/plot.hpp"
#include "problems/nist_strd.hpp"  // reads NIST's .dat format (tests/optim/problems)
#include "tapegrad/tapegrad.hpp"

namespace optim = tapegrad::optim;

int main() {
  const nist::Problem data = nist::read(std::string(TAPEGRAD_DATA_DIR) + "/nist_strd/Misra1a.dat");
  auto loss = [&](const auto& b) {  // sum of squared residuals, for double and for Var
    using S = typename std::decay_t<decltype(b)>::Scalar;
    using std::exp;
    S sum = 0.0;
    for (Eigen::Index i = 0; i < data.y.size(); ++i) {
      const S r = S(data.y[i] - b[0] * (1.0 - exp(-b[1] * data.x(i, 0))));
      sum += r * r;
    }
    return sum;
  };
  const double minimum = data.certified_rss;
  example::plot::LinePlot plot;
  plot.title = "Misra1a: L-BFGS vs Adam (first 1,000 of Adam's 5,000 steps)";
  plot.xlabel = "evaluations of L and its gradient";
  plot.ylabel = "(L - L*) / L*";
  plot.log_y = true;
  auto curve = [&](const std::string& name, const std::vector<double>& losses) {  // the first 1,000 evaluations
    example::plot::Series s{name, {}, {}};
    for (std::size_t k = 0; k < std::min<std::size_t>(losses.size(), 1000); ++k)
      s.x.push_back(double(k)), s.y.push_back((losses[k] - minimum) / minimum);
    return s;
  };

  // L-BFGS (m = 10), until the gradient vanishes; every evaluation recorded for the plot.
  std::vector<double> lbfgs_losses;
  auto counted = [&](const auto& b) {
    const auto value = loss(b);
    lbfgs_losses.push_back(tapegrad::value(value));
    return value;
  };
  optim::LbfgsOptions<double> o;
  o.gradient_tolerance = 1e-10;
  o.loss_tolerance = 0;
  const auto lbfgs = optim::lbfgs(counted, data.start1, o);
  const double digits = nist::digits(data, lbfgs.w, lbfgs.loss);
  std::printf("L-BFGS: %s after %ld iterations, %ld evaluations: b = (%.10g, %.10g), L = %.10g (%.1f digits)\n",
              optim::to_string(lbfgs.status), long(lbfgs.steps), long(lbfgs.function_evaluations), lbfgs.w[0],
              lbfgs.w[1], lbfgs.loss, digits);
  plot.series.push_back(curve("L-BFGS (" + std::to_string(lbfgs.function_evaluations) + " evaluations)", lbfgs_losses));

  // Adam, 5,000 full-batch steps at each of three learning rates (1e-4 does no better).
  double adam_best = 1e300;
  for (const double alpha : {1e-3, 1e-2, 1e-1}) {
    optim::MinimizeOptions<double> a;
    a.optimizer = optim::Adam<double>();
    a.learning_rate = alpha;
    a.max_steps = 5000;
    const auto adam = optim::minimize(loss, data.start1, a);
    const double best = *std::min_element(adam.loss_history.begin(), adam.loss_history.end());
    adam_best = std::min(adam_best, best);
    std::printf("Adam, alpha = %-5g: L = %.6g after %ld steps (lowest %.6g); b = (%.6g, %.3g)\n", alpha, adam.loss,
                long(adam.steps), best, adam.w[0], adam.w[1]);
    plot.series.push_back(curve("Adam, alpha = " + example::plot::num(alpha), adam.loss_history));
  }
  std::printf("certified: b = (%.10g, %.10g), L* = %.10g\n", data.certified[0], data.certified[1], minimum);

  example::expect_true("L-BFGS: certified values to >= 6 digits", digits >= 6);
  example::expect_true("L-BFGS: < 300 evaluations", lbfgs.function_evaluations < 300);
  example::expect_true("Adam stalls: best L > 10 L*", adam_best > 10 * minimum);
  const bool written =
      example::plot::write_svg("lbfgs_vs_adam.svg", plot) && example::plot::write_csv("lbfgs_vs_adam.csv", plot.series);
  std::printf("  %s lbfgs_vs_adam.svg and lbfgs_vs_adam.csv\n", written ? "wrote" : "could not write");
  return example::expect_status();
}
