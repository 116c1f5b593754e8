// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers

// G1, G2 gmm: the Gaussian mixture model objective of ADBench (Srajer, Kukelova,
// Fitzgibbon, "A benchmark of selected algorithmic differentiation tools on some problems
// in computer vision and machine learning", 2018), written here from its definition.
// G1: d = 2, k = 5; G2: d = 20, k = 25; n = 1,000 points x_i in R^d (fixed seeded data).
//
// Parameters w = (alpha[k], mu[k][d], icf[k][d(d+1)/2]). Component k's icf holds d
// log-diagonal entries q_j, then the d(d-1)/2 strictly lower entries l of the lower
// triangular Q_k, column by column (column c: rows c+1..d-1); Q_k's diagonal is exp(q_j).
//   L(w) = sum_i logsumexp_k( alpha_k + sum_j q_kj - 0.5 ||Q_k (x_i - mu_k)||^2 )
//          - n logsumexp_k(alpha_k)
//          + sum_k [ 0.5 gamma^2 (||exp(q_k)||^2 + ||l_k||^2) - m sum_j q_kj ]
// with the Wishart prior's gamma = 1, m = 0. Dropped, because they do not depend on w:
// ADBench's -n d/2 log(2 pi) and the prior's k log C(d, gamma, m) normalisation.
// Every logsumexp subtracts its maximum (found by comparisons) so that no exp overflows.
// The gradient is with respect to all of w: k (1 + d + d(d+1)/2) = 30 (G1), 5,775 (G2).

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "harness.hpp"

namespace tapegrad_bench {
namespace {

constexpr std::size_t kPoints = 1000;
constexpr double kGamma = 1.0;  // the Wishart prior's constants
constexpr double kM = 0.0;

/// The sizes, the data and where column c of a strictly lower part starts.
struct Data {
  std::size_t d = 0, k = 0, n = 0;
  std::vector<double> x;         // n x d, one point per row
  std::vector<std::size_t> col;  // col[c]: offset of l(c+1, c) in a component's l
  std::size_t icf_size() const { return d * (d + 1) / 2; }
  std::size_t params() const { return k * (1 + d + icf_size()); }
};

std::shared_ptr<const Data> make_data(std::size_t d, std::size_t k, std::uint64_t seed) {
  auto data = std::make_shared<Data>();
  data->d = d;
  data->k = k;
  data->n = kPoints;
  data->x = uniform(kPoints * d, -1.0, 1.0, seed);
  data->col.resize(d);
  for (std::size_t c = 0, at = 0; c < d; at += d - 1 - c, ++c) data->col[c] = at;
  return data;
}

/// The parameters: alphas and means in [-1, 1), icf in [-0.5, 0.5).
std::vector<double> make_point(const Data& data, std::uint64_t seed) {
  std::vector<double> w = uniform(data.k, -1.0, 1.0, seed);
  const std::vector<double> mu = uniform(data.k * data.d, -1.0, 1.0, seed + 1);
  const std::vector<double> icf = uniform(data.k * data.icf_size(), -0.5, 0.5, seed + 2);
  w.insert(w.end(), mu.begin(), mu.end());
  w.insert(w.end(), icf.begin(), icf.end());
  return w;
}

/// Per component, independent of the points: Q's diagonal exp(q) into qdiag (k x d),
/// sum_j q_j into sumq (k); returns the Wishart prior. Shared by the generic objective
/// and the hand-written gradient, which needs the same forward quantities.
template <class S>
S component_terms(const Data& D, const S* icf, S* qdiag, S* sumq) {
  using std::exp;
  const std::size_t d = D.d, ni = D.icf_size();
  S prior = 0.0;
  for (std::size_t c = 0; c < D.k; ++c) {
    const S* q = icf + c * ni;
    S sq = 0.0, frob = 0.0;
    for (std::size_t j = 0; j < d; ++j) {
      qdiag[c * d + j] = exp(q[j]);
      sq += q[j];
      frob += qdiag[c * d + j] * qdiag[c * d + j];
    }
    for (std::size_t j = d; j < ni; ++j) frob += q[j] * q[j];
    sumq[c] = sq;
    prior += 0.5 * kGamma * kGamma * frob - kM * sq;
  }
  return prior;
}

/// L, written once for every scalar type S.
struct GmmObjective {
  std::shared_ptr<const Data> data;

  /// m + log sum_j exp(v_j - m), m = max_j v_j.
  template <class S>
  static S log_sum_exp(const S* v, std::size_t k) {
    using std::exp;
    using std::log;
    S m = v[0];
    for (std::size_t j = 1; j < k; ++j)
      if (v[j] > m) m = v[j];
    S s = 0.0;
    for (std::size_t j = 0; j < k; ++j) s += exp(v[j] - m);
    return m + log(s);
  }

  template <class S>
  S operator()(const S* w) const {
    using std::exp;
    const Data& D = *data;
    const std::size_t d = D.d, k = D.k, ni = D.icf_size();
    const S* alpha = w;
    const S* mu = w + k;
    const S* icf = w + k + k * d;

    std::vector<S> qdiag(k * d), sumq(k), diff(d), v(k);
    const S prior = component_terms(D, icf, qdiag.data(), sumq.data());

    S total = 0.0;
    for (std::size_t i = 0; i < D.n; ++i) {
      const double* xi = D.x.data() + i * d;
      for (std::size_t c = 0; c < k; ++c) {
        const S* m = mu + c * d;
        const S* l = icf + c * ni + d;
        const S* qd = qdiag.data() + c * d;
        for (std::size_t j = 0; j < d; ++j) diff[j] = xi[j] - m[j];
        // ||Q (x - mu)||^2, one row of Q at a time: y_r = exp(q_r) diff_r + sum_{j<r} l(r, j) diff_j.
        S norm2 = 0.0;
        for (std::size_t r = 0; r < d; ++r) {
          S y = qd[r] * diff[r];
          for (std::size_t j = 0; j < r; ++j) y += l[D.col[j] + r - j - 1] * diff[j];
          norm2 += y * y;
        }
        v[c] = alpha[c] + sumq[c] - 0.5 * norm2;
      }
      total += log_sum_exp(v.data(), k);
    }
    return total - static_cast<double>(D.n) * log_sum_exp(alpha, k) + prior;
  }
};

/// The standard manual gradient. Per point: v_c = alpha_c + sum q_c - 0.5 ||y_c||^2 with
/// y_c = Q_c (x - mu_c), posteriors r_c = softmax(v)_c; then dL/dalpha_c += r_c,
/// dL/dmu_c += r_c Q_c^T y_c, dL/dl(a, b) -= r_c y_a diff_b, dL/dq_j += r_c (1 - y_j diff_j
/// exp(q_j)) (the chain rule through exp, plus the 1 from sum q). After the points:
/// dL/dalpha -= n softmax(alpha) and the prior's gamma^2 exp(2 q) - m and gamma^2 l.
/// Q's lower part is walked column by column, in its storage order.
class HandGradient {
 public:
  explicit HandGradient(std::shared_ptr<const Data> data)
      : data_(std::move(data)),
        qdiag_(data_->k * data_->d),
        sumq_(data_->k),
        diff_(data_->k * data_->d),
        y_(data_->k * data_->d),
        v_(data_->k) {}

  double operator()(const double* w, double* g) {
    const Data& D = *data_;
    const std::size_t d = D.d, k = D.k, ni = D.icf_size();
    const double* alpha = w;
    const double* mu = w + k;
    const double* icf = w + k + k * d;
    double* g_alpha = g;
    double* g_mu = g + k;
    double* g_icf = g + k + k * d;
    std::fill(g, g + D.params(), 0.0);

    const double prior = component_terms(D, icf, qdiag_.data(), sumq_.data());

    double total = 0;
    for (std::size_t i = 0; i < D.n; ++i) {
      const double* xi = D.x.data() + i * d;
      // Forward: diff, y = Q diff (column by column) and v for every component.
      for (std::size_t c = 0; c < k; ++c) {
        const double* m = mu + c * d;
        const double* l = icf + c * ni + d;
        const double* qd = qdiag_.data() + c * d;
        double* df = diff_.data() + c * d;
        double* y = y_.data() + c * d;
        for (std::size_t j = 0; j < d; ++j) {
          df[j] = xi[j] - m[j];
          y[j] = qd[j] * df[j];
        }
        for (std::size_t b = 0, at = 0; b < d; ++b)
          for (std::size_t a = b + 1; a < d; ++a, ++at) y[a] += l[at] * df[b];
        double norm2 = 0;
        for (std::size_t j = 0; j < d; ++j) norm2 += y[j] * y[j];
        v_[c] = alpha[c] + sumq_[c] - 0.5 * norm2;
      }
      // logsumexp and the posteriors, in place of v.
      double vmax = v_[0];
      for (std::size_t c = 1; c < k; ++c) vmax = v_[c] > vmax ? v_[c] : vmax;
      double s = 0;
      for (std::size_t c = 0; c < k; ++c) {
        v_[c] = std::exp(v_[c] - vmax);
        s += v_[c];
      }
      total += vmax + std::log(s);
      const double inv = 1.0 / s;
      // Backward: each component's share r of dv.
      for (std::size_t c = 0; c < k; ++c) {
        const double r = v_[c] * inv;
        const double* l = icf + c * ni + d;
        const double* qd = qdiag_.data() + c * d;
        const double* df = diff_.data() + c * d;
        const double* y = y_.data() + c * d;
        double* gm = g_mu + c * d;
        double* gq = g_icf + c * ni;
        double* gl = gq + d;
        g_alpha[c] += r;
        for (std::size_t b = 0, at = 0; b < d; ++b) {
          double qty = qd[b] * y[b];  // (Q^T y)_b
          const double rdb = r * df[b];
          for (std::size_t a = b + 1; a < d; ++a, ++at) {
            qty += l[at] * y[a];
            gl[at] -= rdb * y[a];
          }
          gm[b] += r * qty;
          gq[b] += r * (1.0 - y[b] * df[b] * qd[b]);
        }
      }
    }

    // - n logsumexp(alpha): its value and -n softmax(alpha).
    double amax = alpha[0];
    for (std::size_t c = 1; c < k; ++c) amax = alpha[c] > amax ? alpha[c] : amax;
    double sa = 0;
    for (std::size_t c = 0; c < k; ++c) sa += std::exp(alpha[c] - amax);
    const double n = static_cast<double>(D.n);
    for (std::size_t c = 0; c < k; ++c) g_alpha[c] -= n * std::exp(alpha[c] - amax) / sa;

    // The prior: d/dq_j = gamma^2 exp(2 q_j) - m, d/dl = gamma^2 l.
    for (std::size_t c = 0; c < k; ++c) {
      const double* q = icf + c * ni;
      double* gq = g_icf + c * ni;
      for (std::size_t j = 0; j < d; ++j) gq[j] += kGamma * kGamma * qdiag_[c * d + j] * qdiag_[c * d + j] - kM;
      for (std::size_t j = d; j < ni; ++j) gq[j] += kGamma * kGamma * q[j];
    }
    return total - n * (amax + std::log(sa)) + prior;
  }

 private:
  std::shared_ptr<const Data> data_;
  std::vector<double> qdiag_, sumq_, diff_, y_, v_;
};

/// tapegrad, vectorized form: the points as one plain n x d matrix X and, per component,
/// Y = (X - 1 mu^T) Q^T = X Q^T - 1 (Q mu)^T as matrix statements (Q^T gathered from the
/// parameters' Vars in one statement), the squared row norms as square(Y) times a plain
/// vector of ones. The logsumexp over components of each point is shifted by a plain
/// per-point maximum M (the value of a logsumexp does not depend on the shift, nor does its
/// gradient), so it is sum(log(sum_c exp(V_c - M))) + sum(M): k + 2 element-wise statements.
/// The prior and logsumexp(alpha) are scalar Var code (a few thousand statements).
class VectorizedGmm {
 public:
  VectorizedGmm(std::shared_ptr<const Data> data, const std::vector<double>& w)
      : data_(std::move(data)),
        w_(Eigen::Map<const Eigen::VectorXd>(w.data(), static_cast<Eigen::Index>(w.size()))),
        x_(Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
            data_->x.data(), static_cast<Eigen::Index>(data_->n), static_cast<Eigen::Index>(data_->d))),
        ones_(Eigen::VectorXd::Ones(static_cast<Eigen::Index>(data_->d))),
        shift_(static_cast<Eigen::Index>(data_->n)) {}

  double operator()(tapegrad::Tape<double>& tape, double* g) {
    using tapegrad::MatrixVar;
    using V = tapegrad::Var<double>;
    const Data& D = *data_;
    const auto d = static_cast<Eigen::Index>(D.d), k = static_cast<Eigen::Index>(D.k);
    const auto ni = static_cast<Eigen::Index>(D.icf_size());
    const MatrixVar<double> W = tapegrad::matrix_variable(tape, w_);
    const MatrixVar<double> Wrow = W.reshaped(1, W.rows());
    const Eigen::Index icf0 = k + k * d;

    V prior = 0.0;
    std::vector<MatrixVar<double>> v;  // n x 1 per component: alpha + sum q - 0.5 ||Y_i||^2
    v.reserve(D.k);
    Eigen::Matrix<V, Eigen::Dynamic, Eigen::Dynamic> qt(d, d), a(1, 1);
    for (Eigen::Index c = 0; c < k; ++c) {
      const Eigen::Index q0 = icf0 + c * ni;
      V sq = 0.0, frob = 0.0;
      qt.setConstant(V(0.0));
      for (Eigen::Index j = 0; j < d; ++j) {
        const V e = tapegrad::exp(W(q0 + j, 0));
        qt(j, j) = e;
        sq += W(q0 + j, 0);
        frob += e * e;
      }
      for (Eigen::Index b = 0, at = q0 + d; b < d; ++b)
        for (Eigen::Index r = b + 1; r < d; ++r, ++at) {
          qt(b, r) = W(at, 0);  // Q(r, b)
          frob += W(at, 0) * W(at, 0);
        }
      prior += 0.5 * kGamma * kGamma * frob - kM * sq;
      const MatrixVar<double> Qt = tapegrad::to_matrix_var(qt);
      const MatrixVar<double> mu = tapegrad::block(Wrow, 0, k + c * d, 1, d);
      const MatrixVar<double> Y = tapegrad::rowwise_add(x_ * Qt, -(mu * Qt));
      a(0, 0) = W(c, 0) + sq;
      v.push_back(tapegrad::rowwise_add(-0.5 * (tapegrad::square(Y) * ones_), tapegrad::to_matrix_var(a)));
    }
    shift_ = v[0].value();
    for (Eigen::Index c = 1; c < k; ++c) shift_ = shift_.cwiseMax(v[static_cast<std::size_t>(c)].value());
    MatrixVar<double> s = tapegrad::exp(v[0] - shift_);
    for (Eigen::Index c = 1; c < k; ++c) s = s + tapegrad::exp(v[static_cast<std::size_t>(c)] - shift_);
    const V lse_alpha = tapegrad::logsumexp(tapegrad::block(W, 0, 0, k, 1));
    const V L = tapegrad::sum(tapegrad::log(s)) + shift_.sum() - static_cast<double>(D.n) * lse_alpha + prior;
    tape.backward(L);
    tape.copy_adjoints(W.first_slot(), static_cast<std::size_t>(W.size()), g);
    return L.value();
  }

 private:
  std::shared_ptr<const Data> data_;
  Eigen::VectorXd w_;
  Eigen::MatrixXd x_;      // n x d, column-major for the products
  Eigen::VectorXd ones_;   // referenced by the tape's row-norm statements
  Eigen::VectorXd shift_;  // the per-point maximum M, referenced by the tape
};

Problem make(const char* id, const char* size, std::size_t d, std::size_t k, std::uint64_t seed) {
  const auto data = make_data(d, k, seed);
  Problem p{id, "gmm", size, make_point(*data, seed + 1), {}, {}, {}, {}};
  add_generic_rows(p, GmmObjective{data});
  p.add(Kind::hand_scalar, [data, w = p.x] {
    return evaluator([w, h = HandGradient(data)](double* g) mutable { return h(w.data(), g); });
  });
  p.add(Kind::tapegrad_vectorized, [data, w = p.x] { return vectorized(VectorizedGmm(data, w)); });
  return p;
}

Problem make_g1() { return make("G1", "d = 2, k = 5, n = 1,000", 2, 5, 41); }

Problem make_g2() {
  Problem p = make("G2", "d = 20, k = 25, n = 1,000", 20, 25, 51);
  p.targets.scalar_over_f = 12.0;  // issue 13's target for d = 20, k = 25
  return p;
}

const Register registered_g1(make_g1);
const Register registered_g2(make_g2);

}  // namespace
}  // namespace tapegrad_bench
