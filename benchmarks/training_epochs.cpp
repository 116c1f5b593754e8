// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers

// The two training-epoch problems of the performance issue, on the real data sets of
// examples/data (UCI, see examples/data/README.md):
//   T1: one epoch of logistic regression on breast_cancer (569 x 30), full batch: ONE
//       gradient step of the mean NLL, theta = [w (30) | b].
//   T2: one epoch of a 64-32-10 MLP (sigmoid hidden layer, softmax cross-entropy) on digits
//       (1797 x 64), mini-batches of 32 in file order: 57 steps (the last batch has 5
//       examples), theta = [W1 (32x64, row-major) | b1 | W2 (10x32, row-major) | b2].
// Features are standardized once, outside the timing. The optimizer is plain gradient
// descent written here (theta -= rate * gradient), the same in every row, so the rows
// differ only in how the gradients are computed. Every gradient row runs the epoch from
// the same starting theta and writes the theta it ends with to g: the checks compare
// the whole epoch's result with the hand-written scalar epoch.
// The plain-f rows compute the epoch's forward work only: the loss at the starting theta
// (T1), or the sum of the 57 batch losses at the starting theta (T2).
//
// Data are read by tapegrad::io::read_labeled_csv (tapegrad/io/csv.hpp, gzip included);
// when a file is missing or unreadable, its problem prints a note and has no rows.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness.hpp"
#include "tapegrad/io/csv.hpp"

#ifndef TAPEGRAD_BENCH_DATA_DIR
#define TAPEGRAD_BENCH_DATA_DIR "examples/data"
#endif

namespace tapegrad_bench {
namespace {

using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// A data set: one example per row, integer labels; `error` says why it is empty.
struct Labeled {
  RowMajor X;
  std::vector<int> y;
  std::string error;
};

/// The labelled data set at `path` (features, then the label; gzip or not), read by
/// tapegrad::io::read_labeled_csv. Empty, with the reader's message in `error`, on failure.
Labeled load_labeled(const std::string& path) {
  Labeled d;
  try {
    tapegrad::io::LabeledData<double> data = tapegrad::io::read_labeled_csv<double>(path);
    d.X = data.features;
    d.y.assign(data.labels.data(), data.labels.data() + data.labels.size());
  } catch (const std::exception& e) {
    d = Labeled{};
    d.error = e.what();
  }
  return d;
}

/// Columns to mean 0 and standard deviation 1 (constant columns: centred only).
void standardize(RowMajor& X) {
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    const double mean = X.col(j).mean();
    X.col(j).array() -= mean;
    const double sd = std::sqrt(X.col(j).squaredNorm() / double(X.rows()));
    if (sd > 0) X.col(j) /= sd;
  }
}

std::string data_path(const char* file) { return std::string(TAPEGRAD_BENCH_DATA_DIR) + "/" + file; }

// ============================ T1: logistic regression, full batch ============================

constexpr double kRateT1 = 0.5;

struct LogregData {
  RowMajor X;          // examples as rows, standardized
  Eigen::MatrixXd Xc;  // the same, column-major (the vectorized rows reference it)
  Eigen::VectorXd y;   // 0 or 1
};

/// The mean NLL, written once for every scalar type S; theta = [w | b].
struct LogregMeanNll {
  std::shared_ptr<const LogregData> d;
  template <class S>
  S operator()(const S* theta) const {
    using std::exp;
    using std::log;
    const Eigen::Index n = d->X.rows(), m = d->X.cols();
    S L = 0.0;
    for (Eigen::Index i = 0; i < n; ++i) {
      const double* xi = d->X.data() + i * m;
      S z = theta[m];
      for (Eigen::Index j = 0; j < m; ++j) z += xi[j] * theta[j];
      if (z > 0.0)
        L += z + log(1.0 + exp(-z)) - d->y[i] * z;
      else
        L += log(1.0 + exp(z)) - d->y[i] * z;
    }
    return L / double(n);
  }
};

/// theta_out = theta - rate * gradient (gradient given in theta_out).
void descend(const std::vector<double>& theta, double rate, double* g) {
  for (std::size_t i = 0; i < theta.size(); ++i) g[i] = theta[i] - rate * g[i];
}

Problem make_logreg_epoch() {
  Problem p{"T1", "logreg_epoch", "breast_cancer 569 x 30, full batch, one gradient step", {}, {}, {}, {}, {}};
  p.targets.vectorized_over_limit = 1.5;
  Labeled raw = load_labeled(data_path("breast_cancer.csv"));
  if (raw.X.size() == 0) {
    p.note = "not run: " + raw.error;
    return p;
  }
  auto data = std::make_shared<LogregData>();
  standardize(raw.X);
  data->X = raw.X;
  data->Xc = raw.X;
  data->y.resize(raw.X.rows());
  for (Eigen::Index i = 0; i < raw.X.rows(); ++i) data->y[i] = raw.y[std::size_t(i)];
  const Eigen::Index n = data->X.rows(), m = data->X.cols();
  p.x = uniform(std::size_t(m + 1), -0.1, 0.1, 71);

  const LogregMeanNll loss{data};
  p.add(Kind::f_scalar,
        [loss, theta = p.x] { return evaluator([loss, theta](double*) { return loss(theta.data()); }); });
  p.add(Kind::f_vectorized, [data, theta = p.x, n, m] {
    return evaluator([data, theta, n, m, z = Eigen::ArrayXd(n)](double*) mutable {
      z.matrix().noalias() = data->Xc * Eigen::Map<const Eigen::VectorXd>(theta.data(), m);
      z += theta[std::size_t(m)];
      return (z.max(0.0) + (-z.abs()).exp().log1p() - data->y.array() * z).sum() / double(n);
    });
  });
  // One pass over the examples: z_i, then g += (sigmoid(z_i) - y_i) x_i / n.
  p.add(Kind::hand_scalar, [data, theta = p.x, n, m] {
    return evaluator([data, theta, n, m](double* g) {
      std::fill(g, g + m + 1, 0.0);
      double L = 0;
      for (Eigen::Index i = 0; i < n; ++i) {
        const double* xi = data->X.data() + i * m;
        double z = theta[std::size_t(m)];
        for (Eigen::Index j = 0; j < m; ++j) z += xi[j] * theta[std::size_t(j)];
        const double e = std::exp(-std::abs(z));
        L += (z > 0 ? z : 0.0) + std::log1p(e) - data->y[i] * z;
        const double r = ((z > 0 ? 1.0 : e) / (1.0 + e) - data->y[i]) / double(n);
        for (Eigen::Index j = 0; j < m; ++j) g[j] += r * xi[j];
        g[m] += r;
      }
      descend(theta, kRateT1, g);
      return L / double(n);
    });
  });
  p.add(Kind::hand_vectorized, [data, theta = p.x, n, m] {
    return evaluator([data, theta, n, m, z = Eigen::ArrayXd(n), e = Eigen::ArrayXd(n)](double* g) mutable {
      z.matrix().noalias() = data->Xc * Eigen::Map<const Eigen::VectorXd>(theta.data(), m);
      z += theta[std::size_t(m)];
      e = (-z.abs()).exp();
      const double L = (z.max(0.0) + e.log1p() - data->y.array() * z).sum() / double(n);
      e = ((z > 0.0).select(1.0, e) / (1.0 + e) - data->y.array()) / double(n);
      Eigen::Map<Eigen::VectorXd>(g, m).noalias() = data->Xc.transpose() * e.matrix();
      g[m] = e.sum();
      descend(theta, kRateT1, g);
      return L;
    });
  });
  p.add(Kind::tapegrad_scalar, [loss, theta = p.x] {
    return evaluator([inner = std::make_shared<TapegradScalar<LogregMeanNll>>(loss, theta), theta](double* g) {
      const double L = inner->run(g);
      descend(theta, kRateT1, g);
      return L;
    });
  });
  // The vectorized form: z = X w + b (one product, one bias statement), the mean loss as
  // one bce_with_logits statement.
  p.add(Kind::tapegrad_vectorized, [data, theta = p.x, m] {
    return vectorized([data, theta, m](tapegrad::Tape<double>& tape, double* g) {
      using tapegrad::MatrixVar;
      const MatrixVar<double> w = tapegrad::matrix_variable(tape, Eigen::Map<const Eigen::VectorXd>(theta.data(), m));
      const MatrixVar<double> b =
          tapegrad::matrix_variable(tape, Eigen::Map<const Eigen::VectorXd>(theta.data() + m, 1));
      const tapegrad::Var<double> L = tapegrad::bce_with_logits(tapegrad::rowwise_add(data->Xc * w, b), data->y);
      tape.backward(L);
      tape.copy_adjoints(w.first_slot(), std::size_t(m), g);
      tape.copy_adjoints(b.first_slot(), 1, g + m);
      descend(theta, kRateT1, g);
      return L.value();
    });
  });
  return p;
}

// ============================ T2: MLP 64-32-10, mini-batches of 32 ============================

constexpr int kIn = 64, kHidden = 32, kClasses = 10, kBatch = 32;
constexpr std::size_t kW1 = 0, kB1 = kW1 + kHidden * kIn, kW2 = kB1 + kHidden, kB2 = kW2 + kClasses * kHidden,
                      kParams = kB2 + kClasses;
constexpr double kRateT2 = 0.1;

struct Batch {
  RowMajor X;               // examples as rows
  Eigen::MatrixXd Xc;       // the same, column-major
  std::vector<int> labels;  // 0..9
  Eigen::MatrixXd onehot;   // rows x kClasses
};

struct DigitsData {
  std::vector<Batch> batches;  // in file order
};

double sigmoid(double a) { return a >= 0 ? 1.0 / (1.0 + std::exp(-a)) : std::exp(a) / (1.0 + std::exp(a)); }

/// The mean softmax cross-entropy of one batch, written once for every scalar type S.
struct MlpBatchLoss {
  const Batch* b;
  template <class S>
  S operator()(const S* theta) const {
    using std::exp;
    using std::log;
    const S* W1 = theta + kW1;
    const S* b1 = theta + kB1;
    const S* W2 = theta + kW2;
    const S* b2 = theta + kB2;
    S h[kHidden], z[kClasses];
    S L = 0.0;
    const Eigen::Index rows = b->X.rows();
    for (Eigen::Index r = 0; r < rows; ++r) {
      const double* x = b->X.data() + r * kIn;
      for (int k = 0; k < kHidden; ++k) {
        S a = b1[k];
        for (int j = 0; j < kIn; ++j) a += W1[k * kIn + j] * x[j];
        h[k] = 1.0 / (1.0 + exp(-a));
      }
      S zmax = 0.0;
      for (int c = 0; c < kClasses; ++c) {
        S a = b2[c];
        for (int j = 0; j < kHidden; ++j) a += W2[c * kHidden + j] * h[j];
        z[c] = a;
        if (c == 0 || a > zmax) zmax = a;
      }
      S s = 0.0;
      for (int c = 0; c < kClasses; ++c) s += exp(z[c] - zmax);
      L += zmax + log(s) - z[b->labels[std::size_t(r)]];
    }
    return L / double(rows);
  }
};

/// Backpropagation by hand for one batch, one example at a time; adds into g (zeroed by the caller).
double mlp_hand_scalar(const Batch& b, const double* theta, double* g) {
  const double* W1 = theta + kW1;
  const double* b1 = theta + kB1;
  const double* W2 = theta + kW2;
  const double* b2 = theta + kB2;
  double h[kHidden], p[kClasses], d1[kHidden];
  double L = 0;
  const Eigen::Index rows = b.X.rows();
  const double inv = 1.0 / double(rows);
  for (Eigen::Index r = 0; r < rows; ++r) {
    const double* x = b.X.data() + r * kIn;
    for (int k = 0; k < kHidden; ++k) {
      double a = b1[k];
      for (int j = 0; j < kIn; ++j) a += W1[k * kIn + j] * x[j];
      h[k] = sigmoid(a);
    }
    double zmax = -std::numeric_limits<double>::infinity();
    for (int c = 0; c < kClasses; ++c) {
      double a = b2[c];
      for (int j = 0; j < kHidden; ++j) a += W2[c * kHidden + j] * h[j];
      p[c] = a;
      zmax = std::max(zmax, a);
    }
    const int label = b.labels[std::size_t(r)];
    double s = 0;
    for (int c = 0; c < kClasses; ++c) s += (p[c] = std::exp(p[c] - zmax));
    L += zmax + std::log(s) - (std::log(p[label]) + zmax);
    for (int k = 0; k < kHidden; ++k) d1[k] = 0;
    for (int c = 0; c < kClasses; ++c) {
      const double d = (p[c] / s - (c == label ? 1.0 : 0.0)) * inv;  // dL/dz_c
      g[kB2 + c] += d;
      for (int j = 0; j < kHidden; ++j) {
        g[kW2 + c * kHidden + j] += d * h[j];
        d1[j] += d * W2[c * kHidden + j];
      }
    }
    for (int k = 0; k < kHidden; ++k) {
      const double da = d1[k] * h[k] * (1.0 - h[k]);
      g[kB1 + k] += da;
      for (int j = 0; j < kIn; ++j) g[kW1 + k * kIn + j] += da * x[j];
    }
  }
  return L * inv;
}

using W1Map = Eigen::Map<const Eigen::Matrix<double, kHidden, kIn, Eigen::RowMajor>>;
using W2Map = Eigen::Map<const Eigen::Matrix<double, kClasses, kHidden, Eigen::RowMajor>>;

/// Backpropagation by hand for one batch with Eigen matrix products (examples as columns).
struct MlpHandVectorized {
  Eigen::Matrix<double, kHidden, Eigen::Dynamic> H, D1;
  Eigen::Matrix<double, kClasses, Eigen::Dynamic> P;
  double operator()(const Batch& b, const double* theta, double* g) {
    const Eigen::Index rows = b.X.rows();
    const W1Map W1(theta + kW1);
    const W2Map W2(theta + kW2);
    H.noalias() = W1 * b.X.transpose();
    H.colwise() += Eigen::Map<const Eigen::Matrix<double, kHidden, 1>>(theta + kB1);
    H = (1.0 + (-H.array()).exp()).inverse().matrix();
    P.noalias() = W2 * H;
    P.colwise() += Eigen::Map<const Eigen::Matrix<double, kClasses, 1>>(theta + kB2);
    double L = 0;
    for (Eigen::Index r = 0; r < rows; ++r) {
      const double zmax = P.col(r).maxCoeff();
      const double zlabel = P(b.labels[std::size_t(r)], r);
      P.col(r) = (P.col(r).array() - zmax).exp().matrix();
      const double s = P.col(r).sum();
      L += zmax + std::log(s) - zlabel;
      P.col(r) /= s;
    }
    P -= b.onehot.transpose();
    P /= double(rows);  // dL/dZ
    Eigen::Map<Eigen::Matrix<double, kClasses, kHidden, Eigen::RowMajor>>(g + kW2).noalias() = P * H.transpose();
    Eigen::Map<Eigen::Matrix<double, kClasses, 1>>(g + kB2) = P.rowwise().sum();
    D1.noalias() = W2.transpose() * P;
    D1.array() *= H.array() * (1.0 - H.array());
    Eigen::Map<Eigen::Matrix<double, kHidden, kIn, Eigen::RowMajor>>(g + kW1).noalias() = D1 * b.X;
    Eigen::Map<Eigen::Matrix<double, kHidden, 1>>(g + kB1) = D1.rowwise().sum();
    return L / double(rows);
  }
};

/// One epoch: for each batch, `grad(batch, theta, g)` writes the batch gradient to g; theta
/// steps down it. Returns NaN (the check compares the final theta, written to out).
template <class Grad>
double epoch(const DigitsData& d, const std::vector<double>& theta0, std::vector<double>& theta,
             std::vector<double>& grad_buffer, double* out, Grad&& grad) {
  std::copy(theta0.begin(), theta0.end(), theta.begin());
  for (const Batch& b : d.batches) {
    grad(b, theta.data(), grad_buffer.data());
    for (std::size_t i = 0; i < kParams; ++i) theta[i] -= kRateT2 * grad_buffer[i];
  }
  std::copy(theta.begin(), theta.end(), out);
  return std::numeric_limits<double>::quiet_NaN();
}

Problem make_mlp_epoch() {
  Problem p{"T2", "mlp_epoch", "digits 1797 x 64, MLP 64-32-10, mini-batch 32 (57 steps)", {}, {}, {}, {}, {}};
  p.targets.vectorized_over_limit = 1.5;
  Labeled raw = load_labeled(data_path("digits.csv.gz"));
  if (raw.X.size() == 0 || raw.X.cols() != kIn) {
    p.note = "not run: " + (raw.error.empty()
                                ? data_path("digits.csv.gz") + ": expected " + std::to_string(kIn) + " features"
                                : raw.error);
    return p;
  }
  standardize(raw.X);
  auto data = std::make_shared<DigitsData>();
  for (Eigen::Index start = 0; start < raw.X.rows(); start += kBatch) {
    const Eigen::Index rows = std::min<Eigen::Index>(kBatch, raw.X.rows() - start);
    Batch b;
    b.X = raw.X.middleRows(start, rows);
    b.Xc = b.X;
    b.labels.assign(raw.y.begin() + start, raw.y.begin() + start + rows);
    b.onehot = Eigen::MatrixXd::Zero(rows, kClasses);
    for (Eigen::Index r = 0; r < rows; ++r) b.onehot(r, b.labels[std::size_t(r)]) = 1.0;
    data->batches.push_back(std::move(b));
  }
  p.x = uniform(kParams, -0.1, 0.1, 72);
  const std::vector<double> theta0 = p.x;

  // Plain f: the forward work of the epoch, the batch losses at the starting theta.
  p.add(Kind::f_scalar, [data, theta0] {
    return evaluator([data, theta0](double*) {
      double total = 0;
      for (const Batch& b : data->batches) total += MlpBatchLoss{&b}(theta0.data());
      return total;
    });
  });
  p.add(Kind::hand_scalar, [data, theta0] {
    return evaluator([data, theta0, theta = theta0, gb = theta0](double* out) mutable {
      return epoch(*data, theta0, theta, gb, out, [](const Batch& b, const double* th, double* g) {
        std::fill(g, g + kParams, 0.0);
        mlp_hand_scalar(b, th, g);
      });
    });
  });
  p.add(Kind::hand_vectorized, [data, theta0] {
    return evaluator([data, theta0, theta = theta0, gb = theta0, h = MlpHandVectorized()](double* out) mutable {
      return epoch(*data, theta0, theta, gb, out, [&h](const Batch& b, const double* th, double* g) { h(b, th, g); });
    });
  });
  // The scalar form: per batch, the generic loss with Var<double> on one reused tape.
  p.add(Kind::tapegrad_scalar, [data, theta0] {
    return evaluator([data, theta0, theta = theta0, gb = theta0, vars = std::vector<tapegrad::Var<double>>(kParams),
                      tape = std::make_shared<tapegrad::Tape<double>>()](double* out) mutable {
      return epoch(*data, theta0, theta, gb, out, [&](const Batch& b, const double* th, double* g) {
        tape->clear();
        tape->variables(th, kParams, vars.data());
        const tapegrad::Var<double> L = MlpBatchLoss{&b}(vars.data());
        tape->backward(L);
        tape->copy_adjoints(vars[0].index(), kParams, g);
      });
    });
  });
  // The vectorized form: per batch, the weights as MatrixVars (V1 = W1^T, V2 = W2^T: their
  // column-major layout is theta's row-major one), one product, bias and sigmoid statement
  // for the hidden layer, one product and bias for the logits, one softmax_cross_entropy.
  p.add(Kind::tapegrad_vectorized, [data, theta0] {
    return evaluator([data, theta0, theta = theta0, gb = theta0,
                      tape = std::make_shared<tapegrad::Tape<double>>()](double* out) mutable {
      return epoch(*data, theta0, theta, gb, out, [&](const Batch& b, const double* th, double* g) {
        using tapegrad::MatrixVar;
        using Block = Eigen::Map<const Eigen::MatrixXd>;
        tapegrad::Tape<double>& t = *tape;
        t.clear();
        const MatrixVar<double> V1 = tapegrad::matrix_variable(t, Block(th + kW1, kIn, kHidden));
        const MatrixVar<double> b1 = tapegrad::matrix_variable(t, Block(th + kB1, kHidden, 1));
        const MatrixVar<double> V2 = tapegrad::matrix_variable(t, Block(th + kW2, kHidden, kClasses));
        const MatrixVar<double> b2 = tapegrad::matrix_variable(t, Block(th + kB2, kClasses, 1));
        const MatrixVar<double> H = tapegrad::sigmoid(tapegrad::rowwise_add(b.Xc * V1, b1));
        const tapegrad::Var<double> L = tapegrad::softmax_cross_entropy(tapegrad::rowwise_add(H * V2, b2), b.labels);
        t.backward(L);
        for (const MatrixVar<double>* m : {&V1, &b1, &V2, &b2}) {
          t.copy_adjoints(m->first_slot(), static_cast<std::size_t>(m->size()), g);
          g += m->size();
        }
      });
    });
  });
  return p;
}

const Register logreg_epoch(make_logreg_epoch);
const Register mlp_epoch(make_mlp_epoch);

}  // namespace
}  // namespace tapegrad_bench
