// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
//
// Example 11: fitting a model to measurements with Levenberg-Marquardt.
//
// NIST's Gauss3 data set (examples/data/nist_strd, "average difficulty"): 250 measurements
// of two overlapping Gaussian peaks on a decaying background,
//     y = b1 exp(-b2 x) + b3 exp(-(x - b4)^2 / b5^2) + b6 exp(-(x - b7)^2 / b8^2).
// The residuals r_i(b) = y_i - model(x_i; b) are written once, generically; tapegrad gives
// their Jacobian J = dr/db, and optim::least_squares minimizes ||r||^2 / 2 by
// Levenberg-Marquardt from NIST's first starting point. NIST certifies the least-squares
// solution to 11 significant digits; the example prints how many digits it reproduces
// (NIST's log relative error, -log10 |estimate - certified| / |certified|) and draws the fit.

#include <Eigen/Core>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "common/expect.hpp"
#include "common/plot.hpp"
#include "problems/nist_strd.hpp"  // reads NIST's .dat format (tests/optim/problems)
#include "tapegrad/tapegrad.hpp"

namespace optim = tapegrad::optim;

/// The model at one x, for plain numbers and for tapegrad's Vars alike.
template <class V>
typename V::Scalar gauss3(const V& b, double x) {
  using S = typename V::Scalar;
  using std::exp;
  return S(b[0] * exp(-b[1] * x) + b[2] * exp(-(x - b[3]) * (x - b[3]) / (b[4] * b[4])) +
           b[5] * exp(-(x - b[6]) * (x - b[6]) / (b[7] * b[7])));
}

int main() {
  const nist::Problem data = nist::read(std::string(TAPEGRAD_DATA_DIR) + "/nist_strd/Gauss3.dat");
  std::printf("Gauss3: %ld measurements, %ld parameters, from NIST's start 1\n", long(data.y.size()),
              long(data.parameters()));

  // r(b) as an Eigen vector of the scalar b carries: double, or Var when tapegrad records it.
  auto residuals = [&](const auto& b) {
    using S = typename std::decay_t<decltype(b)>::Scalar;
    Eigen::Matrix<S, Eigen::Dynamic, 1> r(data.y.size());
    for (Eigen::Index i = 0; i < data.y.size(); ++i) r[i] = S(data.y[i] - gauss3(b, data.x(i, 0)));
    return r;
  };

  optim::LeastSquaresOptions<double> options;  // Levenberg-Marquardt by default
  options.step_tolerance = options.gradient_tolerance = 1e-15;
  options.loss_tolerance = 0;  // run until the steps, not the decrease of ||r||^2, become negligible
  const auto fit = optim::least_squares(residuals, data.start1, options);
  const double rss = fit.residuals.squaredNorm();
  std::printf("%s after %ld iterations: %ld evaluations of r, %ld of J\n\n", optim::to_string(fit.status),
              long(fit.steps), long(fit.function_evaluations), long(fit.gradient_evaluations));

  std::printf("  %-4s %-22s %-22s %s\n", "", "fitted", "certified (NIST)", "digits");
  for (Eigen::Index j = 0; j < fit.w.size(); ++j)
    std::printf("  b%-3ld %-22.12g %-22.12g %.1f\n", long(j + 1), fit.w[j], data.certified[j],
                nist::lre(fit.w[j], data.certified[j]));
  std::printf("  %-4s %-22.12g %-22.12g %.1f\n\n", "RSS", rss, data.certified_rss, nist::lre(rss, data.certified_rss));
  example::expect_true("every parameter to >= 6 digits", nist::parameter_digits(data, fit.w) >= 6);
  example::expect_true("the RSS to >= 6 digits", nist::lre(rss, data.certified_rss) >= 6);
  example::expect_true("converged, not stopped by a limit", fit.status == optim::Status::step_tolerance ||
                                                                fit.status == optim::Status::gradient_tolerance ||
                                                                fit.status == optim::Status::loss_tolerance);

  // The data, the fit and its two peaks and background, on a fine grid.
  example::plot::LinePlot plot;
  plot.title = "NIST Gauss3: Levenberg-Marquardt fit (certified to " +
               example::plot::num(nist::digits(data, fit.w, rss), 2) + " digits)";
  plot.xlabel = "x";
  plot.ylabel = "y";
  example::plot::Series measured{"measurements", {}, {}, true}, model{"fitted model", {}, {}},
      background{"background b1 exp(-b2 x)", {}, {}};
  for (Eigen::Index i = 0; i < data.y.size(); ++i) measured.x.push_back(data.x(i, 0)), measured.y.push_back(data.y[i]);
  std::vector<std::vector<double>> rows;
  for (double x = 0; x <= 250; x += 0.5) {
    model.x.push_back(x), model.y.push_back(gauss3(fit.w, x));
    background.x.push_back(x), background.y.push_back(fit.w[0] * std::exp(-fit.w[1] * x));
    rows.push_back({x, model.y.back(), background.y.back()});
  }
  plot.series = {measured, model, background};
  const bool written = example::plot::write_svg("curve_fitting_gauss3.svg", plot) &&
                       example::plot::write_csv("curve_fitting_gauss3.csv", {"x", "model", "background"}, rows);
  std::printf("  %s curve_fitting_gauss3.svg and curve_fitting_gauss3.csv\n", written ? "wrote" : "could not write");
  return example::expect_status();
}
