// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// The test problems of tests/optim/problems/ behind a C interface, for
// compare_scipy.py: SciPy minimizes and fits the very same functions, with gradients
// and Jacobians computed by tapegrad (so both sides get exact derivatives).
//   MGH:  mgh_count, mgh_name, mgh_n, mgh_m, mgh_x0, mgh_f_star,
//         mgh_f_and_gradient (f = sum r_i^2), mgh_residuals, mgh_jacobian (row-major m x n)
//   NIST: nist_load(path) -> handle (>= 0, or -1), nist_n, nist_m, nist_start(h, 1|2, b),
//         nist_certified, nist_certified_rss, nist_residuals, nist_jacobian, nist_digits

#include <Eigen/Core>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "problems/mgh.hpp"
#include "problems/nist_strd.hpp"
#include "tapegrad/core/functional.hpp"

#if defined(_WIN32)
#define TAPEGRAD_CAPI extern "C" __declspec(dllexport)
#else
#define TAPEGRAD_CAPI extern "C" __attribute__((visibility("default")))
#endif

namespace {
const mgh::Problem& problem(int k) { return mgh::problems().at(static_cast<std::size_t>(k)); }
std::vector<std::unique_ptr<nist::Problem>>& loaded() {
  static std::vector<std::unique_ptr<nist::Problem>> all;
  return all;
}
const nist::Problem& data(int h) { return *loaded().at(static_cast<std::size_t>(h)); }

template <class R>
void jacobian_into(R&& r, const double* x, Eigen::Index n, double* out) {
  const Eigen::MatrixXd J = tapegrad::jacobian(r, Eigen::VectorXd(Eigen::Map<const Eigen::VectorXd>(x, n)));
  Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(out, J.rows(), J.cols()) = J;
}
}  // namespace

TAPEGRAD_CAPI int mgh_count() { return static_cast<int>(mgh::problems().size()); }
TAPEGRAD_CAPI const char* mgh_name(int k) { return problem(k).name.c_str(); }
TAPEGRAD_CAPI int mgh_n(int k) { return static_cast<int>(problem(k).n); }
TAPEGRAD_CAPI int mgh_m(int k) { return static_cast<int>(problem(k).m); }
TAPEGRAD_CAPI double mgh_f_star(int k) { return problem(k).f_star; }
TAPEGRAD_CAPI void mgh_x0(int k, double* x) { Eigen::Map<Eigen::VectorXd>(x, problem(k).n) = problem(k).x0; }

TAPEGRAD_CAPI double mgh_f_and_gradient(int k, const double* x, double* g) {
  const mgh::Problem& p = problem(k);
  Eigen::VectorXd grad;
  const double f = tapegrad::value_and_gradient([&](const auto& v) { return mgh::sum_of_squares(p.id, v); },
                                                Eigen::VectorXd(Eigen::Map<const Eigen::VectorXd>(x, p.n)), grad);
  Eigen::Map<Eigen::VectorXd>(g, p.n) = grad;
  return f;
}
TAPEGRAD_CAPI void mgh_residuals(int k, const double* x, double* r) {
  const mgh::Problem& p = problem(k);
  const Eigen::VectorXd point = Eigen::Map<const Eigen::VectorXd>(x, p.n);
  Eigen::Map<Eigen::VectorXd>(r, p.m) = mgh::residuals(p.id, point);
}
TAPEGRAD_CAPI void mgh_jacobian(int k, const double* x, double* J) {
  const mgh::Problem& p = problem(k);
  jacobian_into([&](const auto& v) { return mgh::residuals(p.id, v); }, x, p.n, J);
}

TAPEGRAD_CAPI int nist_load(const char* path) {
  try {
    loaded().push_back(std::make_unique<nist::Problem>(nist::read(path)));
    return static_cast<int>(loaded().size()) - 1;
  } catch (const std::exception&) {
    return -1;
  }
}
TAPEGRAD_CAPI int nist_n(int h) { return static_cast<int>(data(h).parameters()); }
TAPEGRAD_CAPI int nist_m(int h) { return static_cast<int>(data(h).y.size()); }
TAPEGRAD_CAPI void nist_start(int h, int which, double* b) {
  Eigen::Map<Eigen::VectorXd>(b, data(h).parameters()) = which == 2 ? data(h).start2 : data(h).start1;
}
TAPEGRAD_CAPI void nist_certified(int h, double* b) {
  Eigen::Map<Eigen::VectorXd>(b, data(h).parameters()) = data(h).certified;
}
TAPEGRAD_CAPI double nist_certified_rss(int h) { return data(h).certified_rss; }
TAPEGRAD_CAPI void nist_residuals(int h, const double* b, double* r) {
  const nist::Problem& p = data(h);
  Eigen::Map<Eigen::VectorXd>(r, p.y.size()) =
      nist::residuals(p, Eigen::VectorXd(Eigen::Map<const Eigen::VectorXd>(b, p.parameters())));
}
TAPEGRAD_CAPI void nist_jacobian(int h, const double* b, double* J) {
  const nist::Problem& p = data(h);
  jacobian_into([&](const auto& v) { return nist::residuals(p, v); }, b, p.parameters(), J);
}
TAPEGRAD_CAPI double nist_digits(int h, const double* b, double rss) {
  return nist::digits(data(h), Eigen::VectorXd(Eigen::Map<const Eigen::VectorXd>(b, data(h).parameters())), rss);
}
