// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// conjugate_gradient(f, x0, options): nonlinear conjugate gradients, Polak-Ribière+
/// with restarts, and the strong-Wolfe line search.
///
/// Iteration k, from w_k with gradient g_k and direction p_k (p_0 = -g_0):
///   1. alpha_k from the Moré-Thuente search along p_k with c2 = 0.1 (conjugacy needs a
///      more exact search than quasi-Newton's 0.9), starting at
///      alpha_{k-1} g_{k-1}^T p_{k-1} / g_k^T p_k (1 / max_i |g_i| at k = 0);
///   2. w_{k+1} = w_k + alpha_k p_k;
///   3. beta = max(0, g_{k+1}^T (g_{k+1} - g_k) / g_k^T g_k)            (PR+)
///      p_{k+1} = -g_{k+1} + beta p_k,
///      restarted (beta = 0) every restart_every iterations (default n), when
///      |g_{k+1}^T g_k| >= 0.1 g_{k+1}^T g_{k+1} (Powell: the gradients stopped being
///      orthogonal), and whenever p_{k+1} is not a descent direction.
/// A failed search is retried once along -g_k. Memory: a few vectors of size n, so it
/// suits problems too large for L-BFGS's m pairs. Stopping rules: see solver.hpp.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include "tapegrad/optim/line_search.hpp"
#include "tapegrad/optim/solver.hpp"

namespace tapegrad::optim {

/// Options of conjugate_gradient(): the shared solver options (line search c2 = 0.1).
template <class T>
struct ConjugateGradientOptions : SolverOptions<T> {
  /// The shared defaults, with the line search's c2 = 0.1.
  ConjugateGradientOptions() { this->line_search.c2 = T(0.1); }
  std::int64_t restart_every = 0;  ///< restart along -g every this many iterations (0: n)
};

namespace detail {

/// conjugate_gradient()'s driver for the step loop.
template <class F, class T>
class ConjugateGradientDriver : public SolverDriver<ConjugateGradientDriver<F, T>, F, T> {
  using Base = SolverDriver<ConjugateGradientDriver<F, T>, F, T>;

 public:
  ConjugateGradientDriver(F& f, Eigen::VectorX<T> x0, const ConjugateGradientOptions<T>& o, MinimizeResult<T>& r)
      : Base(f, std::move(x0), o, r, "conjugate_gradient"),
        opts_(o),
        d_(this->w_.size()),
        old_g_(this->w_.size()),
        trial_w_(this->w_.size()),
        trial_g_(this->w_.size()) {}

  /// One iteration: the search along d (after a failure, along -g once), then the PR+ update.
  std::optional<Status> step() {
    const Eigen::VectorX<T>& g = this->g_;
    if (this->r_.steps == 0) d_ = -g;
    T slope = g.dot(d_);
    bool steepest = restarted_;
    if (!(slope < T(0))) {  // not a descent direction: restart
      d_ = -g;
      slope = -g.squaredNorm();
      steepest = true;
    }
    const T first = T(1) / g.cwiseAbs().maxCoeff();
    if (search(slope, previous_slope_ == T(0) ? first : alpha_ * previous_slope_ / slope)) return std::nullopt;
    if (steepest) return Status::line_search_failed;
    d_ = -g;
    if (search(-g.squaredNorm(), first)) return std::nullopt;
    return Status::line_search_failed;
  }

 private:
  bool search(const T& slope, const T& alpha0) {
    auto phi = [&](const T& alpha) {
      trial_w_.noalias() = this->w_ + alpha * d_;
      trial_loss_ = this->evaluate_at(trial_w_, trial_g_);
      return LinePoint<T>{alpha, trial_loss_, trial_g_.dot(d_)};
    };
    const auto r = strong_wolfe(phi, LinePoint<T>{T(0), this->loss_, slope}, alpha0, T(1e10), opts_.line_search);
    if (!r.found) return false;
    alpha_ = r.point.alpha;
    previous_slope_ = slope;
    old_g_ = this->g_;
    this->accept(trial_w_, trial_loss_, trial_g_, alpha_);
    update_direction();
    return true;
  }

  /// d <- -g + beta d with PR+ beta, or -g at a restart.
  void update_direction() {
    const Eigen::VectorX<T>& g = this->g_;
    const std::int64_t every = opts_.restart_every > 0 ? opts_.restart_every : g.size();
    using std::abs;
    const bool restart = (this->r_.steps + 1) % every == 0 || abs(g.dot(old_g_)) >= T(0.1) * g.squaredNorm();
    const T beta = restart ? T(0) : std::max(T(0), g.dot(g - old_g_) / old_g_.squaredNorm());
    d_ = -g + beta * d_;
    restarted_ = beta == T(0);
  }

  const ConjugateGradientOptions<T>& opts_;
  Eigen::VectorX<T> d_, old_g_, trial_w_, trial_g_;
  T trial_loss_{}, alpha_{}, previous_slope_{};
  bool restarted_ = true;
};

}  // namespace detail

/// Minimizes f from x0 by nonlinear conjugate gradients (see the file comment). Throws
/// std::invalid_argument before anything runs for an empty or non-finite x0 and bad options.
template <class F, class Derived, class T = typename Derived::Scalar>
MinimizeResult<T> conjugate_gradient(F&& f, const Eigen::MatrixBase<Derived>& x0,
                                     const ConjugateGradientOptions<T>& options = {}) {
  static_assert(Derived::ColsAtCompileTime == 1, "x0 must be a column vector");
  detail::check_solver(x0, options, "conjugate_gradient");
  detail::require_at_least(options.restart_every, 0, "conjugate_gradient: restart_every");
  MinimizeResult<T> result;
  detail::ConjugateGradientDriver<std::remove_reference_t<F>, T> driver(f, x0, options, result);
  detail::run_step_loop<T>(driver);
  return result;
}

}  // namespace tapegrad::optim
