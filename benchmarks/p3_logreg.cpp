// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers

// P3 logistic regression, negative log-likelihood: X is 2,000 x 50 (fixed seeded data),
// labels y_i in {0, 1}, z = X w, L(w) = sum_i softplus(z_i) - y_i z_i, gradient with
// respect to w (50): dL/dw = X^T (sigmoid(z) - y).

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <memory>

#include "harness.hpp"

namespace tapegrad_bench {
namespace {

constexpr Eigen::Index kRows = 2000, kCols = 50;
using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct Data {
  RowMajor X;        // one example per row
  Eigen::ArrayXd y;  // 0 or 1
};

/// Features uniform in [-1, 1); labels drawn from the model with true weights uniform in
/// [-1, 1), so that both classes and both signs of z occur.
std::shared_ptr<const Data> make_data() {
  auto d = std::make_shared<Data>();
  const std::vector<double> x = uniform(static_cast<std::size_t>(kRows * kCols), -1.0, 1.0, 31);
  const std::vector<double> w = uniform(kCols, -1.0, 1.0, 32);
  const std::vector<double> u = uniform(kRows, 0.0, 1.0, 33);
  d->X = Eigen::Map<const RowMajor>(x.data(), kRows, kCols);
  d->y.resize(kRows);
  const Eigen::VectorXd z = d->X * Eigen::Map<const Eigen::VectorXd>(w.data(), kCols);
  for (Eigen::Index i = 0; i < kRows; ++i) d->y[i] = u[i] < 1.0 / (1.0 + std::exp(-z[i])) ? 1.0 : 0.0;
  return d;
}

/// L, written once for every scalar type S. softplus(z) = log(1 + e^z), evaluated on the
/// branch where the exponential cannot overflow.
struct LogregNll {
  std::shared_ptr<const Data> d;
  template <class S>
  S operator()(const S* w) const {
    using std::exp;
    using std::log;
    S L = 0.0;
    for (Eigen::Index i = 0; i < kRows; ++i) {
      const double* xi = d->X.data() + i * kCols;
      S z = 0.0;
      for (Eigen::Index j = 0; j < kCols; ++j) z += xi[j] * w[j];
      if (z > 0.0)
        L += z + log(1.0 + exp(-z)) - d->y[i] * z;
      else
        L += log(1.0 + exp(z)) - d->y[i] * z;
    }
    return L;
  }
};

Problem make() {
  const auto data = make_data();
  Problem p{"P3", "logreg", "X 2,000 x 50, gradient wrt w (50)", uniform(kCols, -1.0, 1.0, 34), {}, {}, {}, {}};
  p.targets.vectorized_over_limit = 1.5;
  add_generic_rows(p, LogregNll{data});

  p.add(Kind::f_vectorized, [data, w = p.x] {
    return evaluator([data, w, z = Eigen::ArrayXd(kRows)](double*) mutable {
      z.matrix().noalias() = data->X * Eigen::Map<const Eigen::VectorXd>(w.data(), kCols);
      return (z.max(0.0) + (-z.abs()).exp().log1p() - data->y * z).sum();
    });
  });
  // One pass over X: z_i = x_i . w, then g += (sigmoid(z_i) - y_i) x_i while x_i is in cache.
  p.add(Kind::hand_scalar, [data, w = p.x] {
    return evaluator([data, w](double* g) {
      std::fill(g, g + kCols, 0.0);
      double L = 0;
      for (Eigen::Index i = 0; i < kRows; ++i) {
        const double* xi = data->X.data() + i * kCols;
        double z = 0;
        for (Eigen::Index j = 0; j < kCols; ++j) z += xi[j] * w[j];
        const double e = std::exp(-std::abs(z));  // <= 1: no overflow
        L += (z > 0 ? z : 0.0) + std::log1p(e) - data->y[i] * z;
        const double s = (z > 0 ? 1.0 : e) / (1.0 + e);
        const double r = s - data->y[i];
        for (Eigen::Index j = 0; j < kCols; ++j) g[j] += r * xi[j];
      }
      return L;
    });
  });
  // Two matrix-vector products: z = X w, g = X^T (sigmoid(z) - y).
  p.add(Kind::hand_vectorized, [data, w = p.x] {
    return evaluator([data, w, z = Eigen::ArrayXd(kRows), e = Eigen::ArrayXd(kRows)](double* g) mutable {
      z.matrix().noalias() = data->X * Eigen::Map<const Eigen::VectorXd>(w.data(), kCols);
      e = (-z.abs()).exp();
      const double L = (z.max(0.0) + e.log1p() - data->y * z).sum();
      e = (z > 0.0).select(1.0, e) / (1.0 + e) - data->y;  // sigmoid(z) - y
      Eigen::Map<Eigen::VectorXd>(g, kCols).noalias() = data->X.transpose() * e.matrix();
      return L;
    });
  });

  // tapegrad, vectorized form: w as a MatrixVar, z = X w as one product statement (X a
  // plain column-major matrix, referenced), L = n * bce_with_logits(z, y) (the mean loss).
  p.add(Kind::tapegrad_vectorized, [data, w = p.x] {
    return vectorized([X = Eigen::MatrixXd(data->X), y = Eigen::VectorXd(data->y.matrix()),
                       wv = Eigen::VectorXd(Eigen::Map<const Eigen::VectorXd>(w.data(), kCols))](
                          tapegrad::Tape<double>& tape, double* g) {
      const tapegrad::MatrixVar<double> W = tapegrad::matrix_variable(tape, wv);
      const tapegrad::Var<double> L = double(kRows) * tapegrad::bce_with_logits(X * W, y);
      tape.backward(L);
      tape.copy_adjoints(W.first_slot(), kCols, g);
      return L.value();
    });
  });
  return p;
}

const Register registered(make);

}  // namespace
}  // namespace tapegrad_bench
