// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers

// P5 logsumexp, n = 10,000: f(x) = m + log(sum_i exp(x_i - m)), m = max_i x_i, found by
// comparisons in the generic code itself. df/dx_i = exp(x_i - m) / sum_j exp(x_j - m)
// (softmax); the contributions through m cancel, exactly in theory and to rounding on a tape.

#include <Eigen/Core>
#include <cmath>

#include "harness.hpp"

namespace tapegrad_bench {
namespace {

constexpr std::size_t kN = 10000;

/// f, written once for every scalar type S.
struct LogSumExp {
  std::size_t n;
  template <class S>
  S operator()(const S* x) const {
    using std::exp;
    using std::log;
    S m = x[0];
    for (std::size_t i = 1; i < n; ++i)
      if (x[i] > m) m = x[i];
    S s = 0.0;
    for (std::size_t i = 0; i < n; ++i) s += exp(x[i] - m);
    return m + log(s);
  }
};

Problem make() {
  Problem p{"P5", "logsumexp", "n = 10,000", uniform(kN, -3.0, 3.0, 5), {}, {}, {}, {}};
  p.targets.scalar_over_f = 2.0;
  p.targets.vectorized_over_limit = 1.5;
  add_generic_rows(p, LogSumExp{kN});

  const Eigen::ArrayXd xa = Eigen::Map<const Eigen::ArrayXd>(p.x.data(), kN);
  p.add(Kind::f_vectorized, [xa] {
    return evaluator([xa](double*) {
      const double m = xa.maxCoeff();
      return m + std::log((xa - m).exp().sum());
    });
  });
  // Three passes: the max; exp into g while summing; scale g by 1/sum.
  p.add(Kind::hand_scalar, [x = p.x] {
    return evaluator([x](double* g) {
      double m = x[0];
      for (std::size_t i = 1; i < kN; ++i) m = x[i] > m ? x[i] : m;
      double s = 0;
      for (std::size_t i = 0; i < kN; ++i) {
        g[i] = std::exp(x[i] - m);
        s += g[i];
      }
      const double inv = 1.0 / s;
      for (std::size_t i = 0; i < kN; ++i) g[i] *= inv;
      return m + std::log(s);
    });
  });
  p.add(Kind::hand_vectorized, [xa] {
    return evaluator([xa](double* g) {
      Eigen::Map<Eigen::ArrayXd> ga(g, kN);
      const double m = xa.maxCoeff();
      ga = (xa - m).exp();
      const double s = ga.sum();
      ga *= 1.0 / s;
      return m + std::log(s);
    });
  });

  // tapegrad, vectorized form: the inputs as one MatrixVar, logsumexp as one statement.
  p.add(Kind::tapegrad_vectorized, [xv = Eigen::VectorXd(xa.matrix())] {
    return vectorized([xv](tapegrad::Tape<double>& tape, double* g) {
      const tapegrad::MatrixVar<double> X = tapegrad::matrix_variable(tape, xv);
      const tapegrad::Var<double> f = tapegrad::logsumexp(X);
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
