// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers

// P4 MLP 16-32-32-1: sigmoid hidden layers, linear output, a batch of 32 examples,
// L = sum over the batch of (yhat - y)^2; the gradient with respect to all 1,633 weights
// and biases. theta = [W1 (32x16, row-major) | b1 (32) | W2 (32x32, row-major) | b2 (32) |
// W3 (1x32) | b3 (1)].

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <memory>

#include "harness.hpp"

namespace tapegrad_bench {
namespace {

constexpr int kIn = 16, kHidden = 32, kBatch = 32;
constexpr std::size_t kW1 = 0, kB1 = kW1 + kHidden * kIn, kW2 = kB1 + kHidden, kB2 = kW2 + kHidden * kHidden,
                      kW3 = kB2 + kHidden, kB3 = kW3 + kHidden, kParams = kB3 + 1;

struct Data {
  std::vector<double> x;  // kBatch x kIn, one example per row
  std::vector<double> y;  // kBatch
};

/// The batch: inputs uniform in [-1, 1), targets uniform in [-1, 1).
std::shared_ptr<const Data> make_data() {
  return std::make_shared<Data>(Data{uniform(kBatch * kIn, -1.0, 1.0, 41), uniform(kBatch, -1.0, 1.0, 42)});
}

/// L, written once for every scalar type S, as a plain loop over examples and neurons.
struct MlpLoss {
  std::shared_ptr<const Data> d;
  template <class S>
  S operator()(const S* theta) const {
    using std::exp;
    const S* W1 = theta + kW1;
    const S* b1 = theta + kB1;
    const S* W2 = theta + kW2;
    const S* b2 = theta + kB2;
    const S* W3 = theta + kW3;
    S h1[kHidden], h2[kHidden];
    S L = 0.0;
    for (int b = 0; b < kBatch; ++b) {
      const double* x = d->x.data() + b * kIn;
      for (int k = 0; k < kHidden; ++k) {
        S a = b1[k];
        for (int j = 0; j < kIn; ++j) a += W1[k * kIn + j] * x[j];
        h1[k] = 1.0 / (1.0 + exp(-a));
      }
      for (int k = 0; k < kHidden; ++k) {
        S a = b2[k];
        for (int j = 0; j < kHidden; ++j) a += W2[k * kHidden + j] * h1[j];
        h2[k] = 1.0 / (1.0 + exp(-a));
      }
      S out = theta[kB3];
      for (int j = 0; j < kHidden; ++j) out += W3[j] * h2[j];
      const S e = out - d->y[b];
      L += e * e;
    }
    return L;
  }
};

/// Backpropagation by hand, one example at a time.
double hand_scalar(const Data& d, const double* theta, double* g) {
  const double* W1 = theta + kW1;
  const double* b1 = theta + kB1;
  const double* W2 = theta + kW2;
  const double* b2 = theta + kB2;
  const double* W3 = theta + kW3;
  std::fill(g, g + kParams, 0.0);
  double h1[kHidden], h2[kHidden], d1[kHidden], d2[kHidden];
  double L = 0;
  for (int b = 0; b < kBatch; ++b) {
    const double* x = d.x.data() + b * kIn;
    for (int k = 0; k < kHidden; ++k) {
      double a = b1[k];
      for (int j = 0; j < kIn; ++j) a += W1[k * kIn + j] * x[j];
      h1[k] = 1.0 / (1.0 + std::exp(-a));
    }
    for (int k = 0; k < kHidden; ++k) {
      double a = b2[k];
      for (int j = 0; j < kHidden; ++j) a += W2[k * kHidden + j] * h1[j];
      h2[k] = 1.0 / (1.0 + std::exp(-a));
    }
    double out = theta[kB3];
    for (int j = 0; j < kHidden; ++j) out += W3[j] * h2[j];
    const double e = out - d.y[b];
    L += e * e;
    const double dout = 2.0 * e;  // dL/d(out)
    g[kB3] += dout;
    for (int k = 0; k < kHidden; ++k) {
      g[kW3 + k] += dout * h2[k];
      d2[k] = dout * W3[k] * h2[k] * (1.0 - h2[k]);  // dL/da2, sigmoid' = h (1 - h)
      d1[k] = 0;
    }
    for (int k = 0; k < kHidden; ++k) {
      g[kB2 + k] += d2[k];
      double* gW2 = g + kW2 + k * kHidden;
      const double* W2k = W2 + k * kHidden;
      for (int j = 0; j < kHidden; ++j) {
        gW2[j] += d2[k] * h1[j];
        d1[j] += d2[k] * W2k[j];  // dL/dh1 = W2^T d2
      }
    }
    for (int k = 0; k < kHidden; ++k) {
      const double da = d1[k] * h1[k] * (1.0 - h1[k]);
      g[kB1 + k] += da;
      double* gW1 = g + kW1 + k * kIn;
      for (int j = 0; j < kIn; ++j) gW1[j] += da * x[j];
    }
  }
  return L;
}

using W1Map = Eigen::Map<const Eigen::Matrix<double, kHidden, kIn, Eigen::RowMajor>>;
using W2Map = Eigen::Map<const Eigen::Matrix<double, kHidden, kHidden, Eigen::RowMajor>>;
using VecMap = Eigen::Map<const Eigen::Matrix<double, kHidden, 1>>;
using Batch = Eigen::Matrix<double, kHidden, kBatch>;  // one column per example

/// The batch as matrices: forward with three matrix products, backward with five.
struct HandVectorized {
  std::shared_ptr<const Data> d;
  std::vector<double> theta;
  Eigen::Matrix<double, kIn, kBatch> X;  // one column per example
  Eigen::Matrix<double, 1, kBatch> Y, D;
  Batch H1, H2, D1, D2;

  HandVectorized(std::shared_ptr<const Data> data, std::vector<double> th) : d(std::move(data)), theta(std::move(th)) {
    X = Eigen::Map<const Eigen::Matrix<double, kIn, kBatch>>(d->x.data());  // column b = example b
    Y = Eigen::Map<const Eigen::Matrix<double, 1, kBatch>>(d->y.data());
  }
  /// Forward pass; leaves D = yhat - y. Returns L.
  double forward() {
    const W1Map W1(theta.data() + kW1);
    const W2Map W2(theta.data() + kW2);
    H1.noalias() = W1 * X;
    H1 = (1.0 + (-(H1.colwise() + VecMap(theta.data() + kB1)).array()).exp()).inverse().matrix();
    H2.noalias() = W2 * H1;
    H2 = (1.0 + (-(H2.colwise() + VecMap(theta.data() + kB2)).array()).exp()).inverse().matrix();
    D.noalias() = VecMap(theta.data() + kW3).transpose() * H2;
    D.array() += theta[kB3] - Y.array();
    return D.squaredNorm();
  }
  double operator()(double* g) {
    const double L = forward();
    const W2Map W2(theta.data() + kW2);
    D *= 2.0;  // dL/d(yhat)
    Eigen::Map<Eigen::Matrix<double, kHidden, kIn, Eigen::RowMajor>> gW1(g + kW1);
    Eigen::Map<Eigen::Matrix<double, kHidden, 1>> gb1(g + kB1), gb2(g + kB2), gW3(g + kW3);
    Eigen::Map<Eigen::Matrix<double, kHidden, kHidden, Eigen::RowMajor>> gW2(g + kW2);
    gW3.noalias() = H2 * D.transpose();
    g[kB3] = D.sum();
    D2.noalias() = VecMap(theta.data() + kW3) * D;
    D2.array() *= H2.array() * (1.0 - H2.array());
    gW2.noalias() = D2 * H1.transpose();
    gb2 = D2.rowwise().sum();
    D1.noalias() = W2.transpose() * D2;
    D1.array() *= H1.array() * (1.0 - H1.array());
    gW1.noalias() = D1 * X.transpose();
    gb1 = D1.rowwise().sum();
    return L;
  }
};

Problem make() {
  const auto data = make_data();
  Problem p{"P4", "mlp", "16-32-32-1, sigmoid, batch 32, 1,633 parameters", uniform(kParams, -0.5, 0.5, 43), {}, {},
            {},   {}};
  p.targets.vectorized_over_limit = 1.5;
  add_generic_rows(p, MlpLoss{data});

  p.add(Kind::f_vectorized, [data, theta = p.x] {
    return evaluator([h = HandVectorized(data, theta)](double*) mutable { return h.forward(); });
  });
  p.add(Kind::hand_scalar, [data, theta = p.x] {
    return evaluator([data, theta](double* g) { return hand_scalar(*data, theta.data(), g); });
  });
  p.add(Kind::hand_vectorized, [data, theta = p.x] {
    return evaluator([h = HandVectorized(data, theta)](double* g) mutable { return h(g); });
  });

  // tapegrad, vectorized form: the batch as rows, each layer one product, one bias and one
  // sigmoid statement; the weights as MatrixVars whose column-major layout is theta's
  // row-major one (V1 = W1^T is 16 x 32, V2 = W2^T, V3 = W3^T), so the gradient is copied
  // straight into theta's layout; L = n * mse (mse is the mean).
  p.add(Kind::tapegrad_vectorized, [data, theta = p.x] {
    using RowBatch = Eigen::Matrix<double, kBatch, kIn, Eigen::RowMajor>;
    return vectorized([theta, X = Eigen::MatrixXd(Eigen::Map<const RowBatch>(data->x.data())),
                       Y = Eigen::VectorXd(Eigen::Map<const Eigen::VectorXd>(data->y.data(), kBatch))](
                          tapegrad::Tape<double>& tape, double* g) {
      using tapegrad::MatrixVar;
      using Block = Eigen::Map<const Eigen::MatrixXd>;
      const double* t = theta.data();
      const MatrixVar<double> V1 = tapegrad::matrix_variable(tape, Block(t + kW1, kIn, kHidden));
      const MatrixVar<double> b1 = tapegrad::matrix_variable(tape, Block(t + kB1, kHidden, 1));
      const MatrixVar<double> V2 = tapegrad::matrix_variable(tape, Block(t + kW2, kHidden, kHidden));
      const MatrixVar<double> b2 = tapegrad::matrix_variable(tape, Block(t + kB2, kHidden, 1));
      const MatrixVar<double> V3 = tapegrad::matrix_variable(tape, Block(t + kW3, kHidden, 1));
      const MatrixVar<double> b3 = tapegrad::matrix_variable(tape, Block(t + kB3, 1, 1));
      const MatrixVar<double> H1 = tapegrad::sigmoid(tapegrad::rowwise_add(X * V1, b1));
      const MatrixVar<double> H2 = tapegrad::sigmoid(tapegrad::rowwise_add(H1 * V2, b2));
      const MatrixVar<double> out = tapegrad::rowwise_add(H2 * V3, b3);
      const tapegrad::Var<double> L = double(kBatch) * tapegrad::mse(out, Y);
      tape.backward(L);
      for (const MatrixVar<double>* m : {&V1, &b1, &V2, &b2, &V3, &b3}) {
        tape.copy_adjoints(m->first_slot(), static_cast<std::size_t>(m->size()), g);
        g += m->size();
      }
      return L.value();
    });
  });
  return p;
}

const Register registered(make);

}  // namespace
}  // namespace tapegrad_bench
