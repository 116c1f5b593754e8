// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers

// P2 extended Rosenbrock (Moré, Garbow, Hillstrom 1981), n = 10,000:
//   f(x) = sum_{k=0}^{n/2-1} 100 (x_{2k+1} - x_{2k}^2)^2 + (1 - x_{2k})^2.
// With t = x_{2k+1} - x_{2k}^2 and u = 1 - x_{2k}: df/dx_{2k} = -400 x_{2k} t - 2u,
// df/dx_{2k+1} = 200 t. The plain f is a few microseconds of multiply-adds without any
// transcendental function, so every tape's ratio to f is large here (docs/benchmarks.md).

#include <Eigen/Core>

#include "harness.hpp"

namespace tapegrad_bench {
namespace {

constexpr std::size_t kN = 10000;
constexpr Eigen::Index kPairs = kN / 2;

/// f, written once for every scalar type S.
struct Rosenbrock {
  std::size_t n;
  template <class S>
  S operator()(const S* x) const {
    S f = 0.0;
    for (std::size_t k = 0; k + 1 < n; k += 2) {
      const S t = x[k + 1] - x[k] * x[k];
      const S u = 1.0 - x[k];
      f += 100.0 * t * t + u * u;
    }
    return f;
  }
};

/// x as a 2 x n/2 array: row 0 holds x_{2k}, row 1 holds x_{2k+1}.
using Pairs = Eigen::Array<double, 2, Eigen::Dynamic>;

Problem make() {
  Problem p{"P2", "rosenbrock", "extended Rosenbrock, n = 10,000", uniform(kN, -2.0, 2.0, 2), {}, {}, {}};
  p.targets.scalar_over_f = 30.0;
  p.targets.vectorized_over_limit = 3.0;
  add_generic_rows(p, Rosenbrock{kN});

  const Pairs xp = Eigen::Map<const Pairs>(p.x.data(), 2, kPairs);
  p.add(Kind::f_vectorized, [xp] {
    return evaluator([xp](double*) {
      return (100.0 * (xp.row(1) - xp.row(0).square()).square() + (1.0 - xp.row(0)).square()).sum();
    });
  });
  p.add(Kind::hand_scalar, [x = p.x] {
    return evaluator([x](double* g) {
      double f = 0;
      for (std::size_t k = 0; k < kN; k += 2) {
        const double t = x[k + 1] - x[k] * x[k];
        const double u = 1.0 - x[k];
        f += 100.0 * t * t + u * u;
        g[k] = -400.0 * x[k] * t - 2.0 * u;
        g[k + 1] = 200.0 * t;
      }
      return f;
    });
  });
  // The even and odd entries are strided; t and u go to contiguous arrays first so that
  // the arithmetic on them is packet-wise.
  p.add(Kind::hand_vectorized, [xp] {
    return evaluator([xp, t = Eigen::ArrayXd(kPairs), u = Eigen::ArrayXd(kPairs)](double* g) mutable {
      t = xp.row(1).transpose() - xp.row(0).transpose().square();
      u = 1.0 - xp.row(0).transpose();
      Eigen::Map<Pairs> gp(g, 2, kPairs);
      gp.row(0) = (-400.0 * xp.row(0).transpose() * t - 2.0 * u).transpose();
      gp.row(1) = (200.0 * t).transpose();
      return (100.0 * t.square() + u.square()).sum();
    });
  });

  // ---- HOOK: tapegrad vectorized form (the lead engineer writes this row) -------------
  // p.add(Kind::tapegrad_vectorized, ...): see the same hook in p1_sum_exp_sin.cpp.
  return p;
}

const Register registered(make);

}  // namespace
}  // namespace tapegrad_bench
