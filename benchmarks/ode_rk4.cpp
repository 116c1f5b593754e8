// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers

// O1 ode_rk4: 10 explicit Runge-Kutta 4 steps (h = 0.01) of the Lorenz-96 system with
// n = 1,000 states, dx_i/dt = (x_{i+1} - x_{i-2}) x_{i-1} - x_i + F (F = 8, cyclic indices);
// f(x0) = sum_i x_i(T)^2, its gradient with respect to the initial state x0.
// Generic code as users write it: the constants h, F, 0.5, 2 and 1/6 are values of the
// scalar type S, so with S = Var<double> a third of all statement arguments are constants.
// The hand-written gradient is the discrete adjoint of RK4 (the stages run backward).

#include <vector>

#include "harness.hpp"

namespace tapegrad_bench {
namespace {

constexpr std::size_t kStates = 1000;
constexpr int kSteps = 10;
constexpr double kH = 0.01;
constexpr double kForcing = 8.0;

/// Cyclic neighbour indices i+1, i-1, i-2.
struct Neighbours {
  std::vector<std::size_t> next, prev, prev2;
  explicit Neighbours(std::size_t n) : next(n), prev(n), prev2(n) {
    for (std::size_t i = 0; i < n; ++i) {
      next[i] = (i + 1) % n;
      prev[i] = (i + n - 1) % n;
      prev2[i] = (i + n - 2) % n;
    }
  }
};

/// f, written once for every scalar type S.
struct Lorenz96Rk4 {
  std::size_t n;
  std::shared_ptr<const Neighbours> nb;

  template <class S>
  void rhs(const std::vector<S>& x, std::vector<S>& dx) const {
    const S F = kForcing;
    for (std::size_t i = 0; i < n; ++i) dx[i] = (x[nb->next[i]] - x[nb->prev2[i]]) * x[nb->prev[i]] - x[i] + F;
  }

  template <class S>
  S operator()(const S* x0) const {
    std::vector<S> x(x0, x0 + n), k1(n), k2(n), k3(n), k4(n), y(n);
    const S h = kH;
    for (int step = 0; step < kSteps; ++step) {
      rhs(x, k1);
      for (std::size_t i = 0; i < n; ++i) y[i] = x[i] + S(0.5) * h * k1[i];
      rhs(y, k2);
      for (std::size_t i = 0; i < n; ++i) y[i] = x[i] + S(0.5) * h * k2[i];
      rhs(y, k3);
      for (std::size_t i = 0; i < n; ++i) y[i] = x[i] + h * k3[i];
      rhs(y, k4);
      for (std::size_t i = 0; i < n; ++i) x[i] = x[i] + h / S(6) * (k1[i] + S(2) * k2[i] + S(2) * k3[i] + k4[i]);
    }
    S sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) sum += x[i] * x[i];
    return sum;
  }
};

/// The discrete adjoint of the RK4 loop above, by hand: the forward pass keeps every
/// stage's input; the backward pass runs the stages in reverse with J(y)^T.
class HandAdjoint {
 public:
  explicit HandAdjoint(std::shared_ptr<const Neighbours> nb)
      : nb_(std::move(nb)),
        stages_(static_cast<std::size_t>(kSteps) * 4, std::vector<double>(kStates)),
        x_(kStates),
        k_(4, std::vector<double>(kStates)),
        y_(kStates),
        xbar_(kStates),
        kbar_(4, std::vector<double>(kStates)),
        ybar_(kStates) {}

  double operator()(const double* x0, double* g) {
    const std::size_t n = kStates;
    x_.assign(x0, x0 + n);
    for (int s = 0; s < kSteps; ++s) {
      std::vector<double>* in = &stages_[static_cast<std::size_t>(s) * 4];
      in[0] = x_;
      rhs(in[0], k_[0]);
      for (std::size_t i = 0; i < n; ++i) in[1][i] = x_[i] + 0.5 * kH * k_[0][i];
      rhs(in[1], k_[1]);
      for (std::size_t i = 0; i < n; ++i) in[2][i] = x_[i] + 0.5 * kH * k_[1][i];
      rhs(in[2], k_[2]);
      for (std::size_t i = 0; i < n; ++i) in[3][i] = x_[i] + kH * k_[2][i];
      rhs(in[3], k_[3]);
      for (std::size_t i = 0; i < n; ++i) x_[i] += kH / 6 * (k_[0][i] + 2 * k_[1][i] + 2 * k_[2][i] + k_[3][i]);
    }
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      sum += x_[i] * x_[i];
      xbar_[i] = 2 * x_[i];
    }
    for (int s = kSteps - 1; s >= 0; --s) {
      const std::vector<double>* in = &stages_[static_cast<std::size_t>(s) * 4];
      for (std::size_t i = 0; i < n; ++i) {
        kbar_[0][i] = kH / 6 * xbar_[i];
        kbar_[1][i] = kH / 3 * xbar_[i];
        kbar_[2][i] = kH / 3 * xbar_[i];
        kbar_[3][i] = kH / 6 * xbar_[i];
      }
      // Stage j's input is x + c_j h k_{j-1}: its adjoint flows to x and to k_{j-1}.
      const double c[4] = {0.0, 0.5 * kH, 0.5 * kH, kH};
      for (int j = 3; j >= 0; --j) {
        rhs_transpose(in[j], kbar_[static_cast<std::size_t>(j)], ybar_);
        for (std::size_t i = 0; i < n; ++i) {
          xbar_[i] += ybar_[i];
          if (j > 0) kbar_[static_cast<std::size_t>(j - 1)][i] += c[j] * ybar_[i];
        }
      }
    }
    std::copy(xbar_.begin(), xbar_.end(), g);
    return sum;
  }

 private:
  void rhs(const std::vector<double>& x, std::vector<double>& dx) const {
    for (std::size_t i = 0; i < kStates; ++i)
      dx[i] = (x[nb_->next[i]] - x[nb_->prev2[i]]) * x[nb_->prev[i]] - x[i] + kForcing;
  }
  /// ybar = J(y)^T a for the Lorenz-96 right-hand side at y.
  void rhs_transpose(const std::vector<double>& y, const std::vector<double>& a, std::vector<double>& ybar) const {
    std::fill(ybar.begin(), ybar.end(), 0.0);
    for (std::size_t i = 0; i < kStates; ++i) {
      const double p = y[nb_->prev[i]];
      ybar[nb_->next[i]] += a[i] * p;
      ybar[nb_->prev2[i]] -= a[i] * p;
      ybar[nb_->prev[i]] += a[i] * (y[nb_->next[i]] - y[nb_->prev2[i]]);
      ybar[i] -= a[i];
    }
  }

  std::shared_ptr<const Neighbours> nb_;
  std::vector<std::vector<double>> stages_;
  std::vector<double> x_;
  std::vector<std::vector<double>> k_;
  std::vector<double> y_, xbar_;
  std::vector<std::vector<double>> kbar_;
  std::vector<double> ybar_;
};

Problem make() {
  Problem p{"O1", "ode_rk4", "Lorenz-96, 1,000 states, 10 RK4 steps", uniform(kStates, -1.0, 1.0, 7), {}, {}, {}, {}};
  auto nb = std::make_shared<const Neighbours>(kStates);
  add_generic_rows(p, Lorenz96Rk4{kStates, nb});
  p.add(Kind::hand_scalar,
        [x = p.x, nb] { return evaluator([x, h = HandAdjoint(nb)](double* g) mutable { return h(x.data(), g); }); });
  return p;
}

const Register registered(make);

}  // namespace
}  // namespace tapegrad_bench
