// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers

// P6 product of 1,000 terms x_i in (0.5, 1.5): f(x) = prod_i x_i, df/dx_i = f / x_i
// (no x_i is 0 here). A chain of 1,000 dependent multiplications: the plain f is about a
// microsecond, so fixed costs per gradient (clearing, sweeping, reading) show.

#include <Eigen/Core>

#include "harness.hpp"

namespace tapegrad_bench {
namespace {

constexpr std::size_t kN = 1000;

/// f, written once for every scalar type S.
struct Product {
  std::size_t n;
  template <class S>
  S operator()(const S* x) const {
    S p = 1.0;
    for (std::size_t i = 0; i < n; ++i) p *= x[i];
    return p;
  }
};

Problem make() {
  Problem p{"P6", "product", "1,000 terms in (0.5, 1.5)", uniform(kN, 0.5, 1.5, 6), {}, {}, {}, {}};
  p.targets.scalar_over_f = 8.0;
  add_generic_rows(p, Product{kN});

  const Eigen::ArrayXd xa = Eigen::Map<const Eigen::ArrayXd>(p.x.data(), kN);
  p.add(Kind::f_vectorized, [xa] { return evaluator([xa](double*) { return xa.prod(); }); });
  p.add(Kind::hand_scalar, [x = p.x] {
    return evaluator([x](double* g) {
      double prod = 1;
      for (std::size_t i = 0; i < kN; ++i) prod *= x[i];
      for (std::size_t i = 0; i < kN; ++i) g[i] = prod / x[i];
      return prod;
    });
  });
  p.add(Kind::hand_vectorized, [xa] {
    return evaluator([xa](double* g) {
      const double prod = xa.prod();
      Eigen::Map<Eigen::ArrayXd>(g, kN) = prod / xa;
      return prod;
    });
  });

  // tapegrad, vectorized form: the inputs as one MatrixVar, prod as one statement.
  p.add(Kind::tapegrad_vectorized, [xv = Eigen::VectorXd(xa.matrix())] {
    return vectorized([xv](tapegrad::Tape<double>& tape, double* g) {
      const tapegrad::MatrixVar<double> X = tapegrad::matrix_variable(tape, xv);
      const tapegrad::Var<double> f = tapegrad::prod(X);
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
