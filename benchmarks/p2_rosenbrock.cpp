// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers

// P2 extended Rosenbrock (Moré, Garbow, Hillstrom 1981), n = 10,000:
//   f(x) = sum_{k=0}^{n/2-1} 100 (x_{2k+1} - x_{2k}^2)^2 + (1 - x_{2k})^2.
// With t = x_{2k+1} - x_{2k}^2 and u = 1 - x_{2k}: df/dx_{2k} = -400 x_{2k} t - 2u,
// df/dx_{2k+1} = 200 t. The plain f is a few microseconds of multiply-adds without any
// transcendental function, so every tape's ratio to f is large here (docs/benchmarks.md).

#include <Eigen/Core>
#include <limits>

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
  Problem p{"P2", "rosenbrock", "extended Rosenbrock, n = 10,000", uniform(kN, -2.0, 2.0, 2), {}, {}, {}, {}};
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

  // tapegrad, vectorized form: x as a 2 x n/2 MatrixVar whose columns are the pairs
  // (x_{2k}, x_{2k+1}), and the sum of the pair terms as ONE fused statement over them.
  p.add(Kind::tapegrad_vectorized, [xm = Eigen::MatrixXd(xp.matrix())] {
    return vectorized([xm](tapegrad::Tape<double>& tape, double* g) {
      const tapegrad::MatrixVar<double> X = tapegrad::matrix_variable(tape, xm);
      const tapegrad::Var<double> f = tapegrad::colwise_sum(
          [](auto even, auto odd) {
            const auto t = odd - even * even;
            const auto u = 1.0 - even;
            return 100.0 * t * t + u * u;
          },
          X);
      tape.backward(f);
      tape.copy_adjoints(X.first_slot(), kN, g);
      return f.value();
    });
  });
  return p;
}

/// Second order (H2): H(x) v for the same f and x, v uniform in [-1, 1). The rows compute
/// H v: the hand-written row is the analytic product (per pair, with t = x_{2k+1} - x_{2k}^2:
/// d2f/dx_{2k}^2 = 1200 x_{2k}^2 - 400 x_{2k+1} + 2, d2f/dx_{2k}dx_{2k+1} = -400 x_{2k},
/// d2f/dx_{2k+1}^2 = 200), tapegrad's is hessian_vector_product on the generic f
/// (forward-over-reverse: one recording with Var<Dual<double>>, one sweep). main.cpp
/// reports its time over one gradient (P2's scalar form) measured in the same run.
Problem make_hvp() {
  Problem p{"H2",
            "rosenbrock_hvp",
            "H v of extended Rosenbrock, n = 10,000 (rows compute H v)",
            uniform(kN, -2.0, 2.0, 2),
            {},
            {},
            {},
            {}};
  p.gradient_of = "P2";
  const std::vector<double> x = p.x;
  const std::vector<double> v = uniform(kN, -1.0, 1.0, 22);
  p.add(Kind::f_scalar, [x] { return evaluator([x](double*) { return Rosenbrock{kN}(x.data()); }); });
  p.add(Kind::hand_scalar, [x, v] {
    return evaluator([x, v](double* hv) {
      for (std::size_t k = 0; k < kN; k += 2) {
        const double a = x[k], b = x[k + 1];
        hv[k] = (1200.0 * a * a - 400.0 * b + 2.0) * v[k] - 400.0 * a * v[k + 1];
        hv[k + 1] = -400.0 * a * v[k] + 200.0 * v[k + 1];
      }
      return std::numeric_limits<double>::quiet_NaN();
    });
  });
  p.add(Kind::tapegrad_hvp, [x, v] {
    return evaluator([xv = Eigen::VectorXd(Eigen::Map<const Eigen::VectorXd>(x.data(), kN)),
                      vv = Eigen::VectorXd(Eigen::Map<const Eigen::VectorXd>(v.data(), kN))](double* hv) {
      const Eigen::VectorXd r =
          tapegrad::hessian_vector_product([](const auto& xs) { return Rosenbrock{kN}(xs.data()); }, xv, vv);
      Eigen::Map<Eigen::VectorXd>(hv, kN) = r;
      return std::numeric_limits<double>::quiet_NaN();
    });
  });
  return p;
}

const Register registered(make);
const Register registered_hvp(make_hvp);

}  // namespace
}  // namespace tapegrad_bench
