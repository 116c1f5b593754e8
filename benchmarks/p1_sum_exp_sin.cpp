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
  Problem p{"P1", "sum_exp_sin", "n = 10,000", uniform(kN, -2.0, 2.0, 1), {}, {}, {}, {}};
  p.targets.scalar_over_f = 2.0;
  p.targets.vectorized_over_limit = 2.0;
  add_generic_rows(p, SumExpSin{kN});

  const Eigen::ArrayXd xa = Eigen::Map<const Eigen::ArrayXd>(p.x.data(), kN);
  p.add(Kind::f_vectorized, [xa] { return evaluator([xa](double*) { return (xa.sin().exp() * xa).sum(); }); });
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

  // tapegrad, vectorized form: the inputs as one MatrixVar and f as ONE fused element-wise
  // statement, cwise_sum (the slopes come from one forward-mode evaluation per entry).
  p.add(Kind::tapegrad_vectorized, [xv = Eigen::VectorXd(xa.matrix())] {
    return vectorized([xv](tapegrad::Tape<double>& tape, double* g) {
      const tapegrad::MatrixVar<double> X = tapegrad::matrix_variable(tape, xv);
      const tapegrad::Var<double> f = tapegrad::cwise_sum(
          [](auto v) {
            using std::exp;
            using std::sin;
            return exp(sin(v)) * v;
          },
          X);
      tape.backward(f);
      tape.copy_adjoints(X.first_slot(), kN, g);
      return f.value();
    });
  });
  return p;
}

const Register registered(make);

}  // namespace
}  // namespace tapegrad_bench
