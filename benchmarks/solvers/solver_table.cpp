// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// Runs tapegrad's solvers on the Moré-Garbow-Hillstrom problems and the NIST StRD
// nonlinear regression problems and prints one CSV line per run (stdout), for
// compare_scipy.py, which runs SciPy 1.10 on the same functions and writes the tables
// of docs/optim.md. Usable alone: the CSV is readable as it is.
//
//   solver_table <nist_strd directory>
//
// Columns: set,problem,method,start,f,gradient_inf,function_evaluations,
//          gradient_evaluations,iterations,status,digits,parameter_digits,rss_digits
//   MGH:  lbfgs and lm (f = sum r_i^2, SciPy's default tolerances for each);
//   NIST: lm and lbfgs on the sum of squares, from start 1 and 2, tolerances 1e-15
//         (lm) and gtol 1e-10 / ftol 1e-15 (lbfgs), scored as NIST does (digits).
//   NIST lm is also run in long double (method lm_long_double): Lanczos1's residuals at
//   the solution (~1e-13) sit at the rounding level of double.

#include <Eigen/Core>
#include <cstdio>
#include <string>

#include "problems/mgh.hpp"
#include "problems/nist_strd.hpp"
#include "tapegrad/optim/lbfgs.hpp"
#include "tapegrad/optim/least_squares.hpp"

namespace optim = tapegrad::optim;

namespace {

struct Digits {
  double all = -1, parameters = -1, rss = -1;
};

/// NIST's scores of a fit: digits of the parameters, of the RSS, and the smaller.
Digits score(const nist::Problem& p, const Eigen::VectorXd& b, double rss) {
  return {nist::digits(p, b, rss), nist::parameter_digits(p, b), nist::lre(rss, p.certified_rss)};
}

void row(const char* set, const std::string& problem, const char* method, int start, double f, double ginf, long nfev,
         long njev, long iterations, optim::Status status, Digits d = {}) {
  std::printf("%s,%s,%s,%d,%.17g,%.6g,%ld,%ld,%ld,%s,%.2f,%.2f,%.2f\n", set, problem.c_str(), method, start, f, ginf,
              nfev, njev, iterations, optim::to_string(status), d.all, d.parameters, d.rss);
  std::fflush(stdout);
}

void mgh_runs() {
  for (const mgh::Problem& p : mgh::problems()) {
    auto f = [&](const auto& x) { return mgh::sum_of_squares(p.id, x); };
    const auto l = optim::lbfgs(f, p.x0);
    row("mgh", p.name, "lbfgs", 1, l.loss, l.gradient.cwiseAbs().maxCoeff(), long(l.function_evaluations),
        long(l.gradient_evaluations), long(l.steps), l.status);
    const auto q = optim::least_squares([&](const auto& x) { return mgh::residuals(p.id, x); }, p.x0);
    row("mgh", p.name, "lm", 1, 2 * q.loss, 2 * q.gradient.cwiseAbs().maxCoeff(), long(q.function_evaluations),
        long(q.gradient_evaluations), long(q.steps), q.status);
  }
}

template <class T>
void nist_lm(const nist::Problem& p, int start, const char* method) {
  optim::LeastSquaresOptions<T> o;
  o.step_tolerance = o.gradient_tolerance = T(1e-15);
  o.loss_tolerance = T(0);  // the relative decrease of ||r||^2 stalls at ~eps long before the parameters do
  o.max_evaluations = 10000;
  const Eigen::VectorX<T> b0 = (start == 1 ? p.start1 : p.start2).cast<T>();
  const auto r = optim::least_squares([&](const auto& b) { return nist::residuals(p, b); }, b0, o);
  const Eigen::VectorXd b = r.w.template cast<double>();
  const double rss = static_cast<double>(r.residuals.squaredNorm());
  row("nist", p.name, method, start, rss, static_cast<double>(2 * r.gradient.cwiseAbs().maxCoeff()),
      long(r.function_evaluations), long(r.gradient_evaluations), long(r.steps), r.status, score(p, b, rss));
}

void nist_lbfgs(const nist::Problem& p, int start) {
  optim::LbfgsOptions<double> o;
  o.gradient_tolerance = 1e-10;
  o.loss_tolerance = 1e-15;
  o.max_evaluations = 100000;
  o.max_steps = 100000;
  const auto r = optim::lbfgs([&](const auto& b) { return nist::residuals(p, b).squaredNorm(); },
                              start == 1 ? p.start1 : p.start2, o);
  row("nist", p.name, "lbfgs", start, r.loss, r.gradient.cwiseAbs().maxCoeff(), long(r.function_evaluations),
      long(r.gradient_evaluations), long(r.steps), r.status, score(p, r.w, r.loss));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: solver_table <nist_strd directory>\n");
    return 2;
  }
  std::printf(
      "set,problem,method,start,f,gradient_inf,function_evaluations,gradient_evaluations,iterations,status,"
      "digits,parameter_digits,rss_digits\n");
  mgh_runs();
  for (const std::string& name : nist::names()) {
    const nist::Problem p = nist::read(std::string(argv[1]) + "/" + name + ".dat");
    for (int start = 1; start <= 2; ++start) {
      nist_lm<double>(p, start, "lm");
      nist_lm<long double>(p, start, "lm_long_double");
      nist_lbfgs(p, start);
    }
  }
  return 0;
}
