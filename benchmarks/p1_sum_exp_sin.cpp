// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers

// P1 sum_exp_sin: f(x) = sum_i exp(sin(x_i)) x_i, n = 10,000.
// df/dx_i = exp(sin x_i) (x_i cos x_i + 1). Transcendental-heavy: the plain f costs two
// libm calls per element, so a tape's bookkeeping should hide behind them.

#include <Eigen/Core>
#include <cmath>

#include "harness.hpp"

namespace tapegrad_bench {
namespace {

constexpr std::size_t kN = 10000;

/// f, written once for every scalar type S.
struct SumExpSin {
  std::size_t n;
  template <class S>
  S operator()(const S* x) const {
    using std::exp;
    using std::sin;
    S s = 0.0;
    for (std::size_t i = 0; i < n; ++i) s += exp(sin(x[i])) * x[i];
    return s;
  }
};

Problem make() {
  Problem p{"P1", "sum_exp_sin", "n = 10,000", uniform(kN, -2.0, 2.0, 1), {}, {}, {}};
  p.targets.scalar_over_f = 2.0;
  p.targets.vectorized_over_limit = 2.0;
  add_generic_rows(p, SumExpSin{kN});

  const Eigen::ArrayXd xa = Eigen::Map<const Eigen::ArrayXd>(p.x.data(), kN);
  p.add(Kind::f_vectorized, [xa] {
    return evaluator([xa](double*) { return (xa.sin().exp() * xa).sum(); });
  });
  p.add(Kind::hand_scalar, [x = p.x] {
    return evaluator([x](double* g) {
      double s = 0;
      for (std::size_t i = 0; i < kN; ++i) {
        const double e = std::exp(std::sin(x[i]));
        s += e * x[i];
        g[i] = e * (x[i] * std::cos(x[i]) + 1.0);
      }
      return s;
    });
  });
  p.add(Kind::hand_vectorized, [xa] {
    return evaluator([xa, e = Eigen::ArrayXd(kN)](double* g) mutable {
      e = xa.sin().exp();
      Eigen::Map<Eigen::ArrayXd>(g, kN) = e * (xa * xa.cos() + 1.0);
      return (e * xa).sum();
    });
  });

  // ---- HOOK: tapegrad vectorized form (the lead engineer writes this row) -------------
  // Add the matrix/array-statement version of f here:
  //   p.add(Kind::tapegrad_vectorized, [x = p.x] { return <an Evaluator>; });
  // The Evaluator's run(g) returns f(x) and writes the gradient to g, the whole gradient
  // timed as in TapegradScalar (harness.hpp). main.cpp then checks it against the
  // hand-written gradient, times it and reports it against the physical limit and the
  // target above; until then the table prints "hook".
  return p;
}

const Register registered(make);

}  // namespace
}  // namespace tapegrad_bench
