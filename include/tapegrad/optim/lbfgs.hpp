// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// lbfgs(f, x0, options): limited-memory BFGS with a strong-Wolfe line search and
/// optional box bounds lower <= w <= upper.
///
///     auto r = optim::lbfgs([](const auto& w) { return rosenbrock(w); }, x0);
///     // r.w, r.loss, r.gradient, r.steps, r.function_evaluations, r.status, ...
///
/// Iteration k, from w_k with gradient g_k:
///   1. p_k = -H_k g_k, with H_k the L-BFGS inverse-Hessian estimate built from the m
///      newest pairs s_i = w_{i+1} - w_i, y_i = g_{i+1} - g_i by the two-loop recursion,
///      starting from H_0 = (s^T y / y^T y) I of the newest pair;
///   2. alpha_k from the Moré-Thuente strong-Wolfe search along p_k, starting at
///      alpha = 1 (1 / ||p_k|| while there is no pair yet);
///   3. w_{k+1} = w_k + alpha_k p_k; the pair is kept if s^T y > eps (-g_k^T s), which
///      the Wolfe curvature condition guarantees (it keeps H positive definite).
/// If the search fails, the memory is dropped and the step retried along -g_k (as
/// L-BFGS-B does); if that fails too, the run stops with Status::line_search_failed.
///
/// Bounds (a projected variant, not Byrd, Lu, Nocedal and Zhu's L-BFGS-B): a variable at
/// a bound whose gradient pushes it out is *active* and held there; the direction is
/// p = -P H P g with P zeroing the active variables (a descent direction, because H is
/// positive definite), and the search is capped at the largest step that stays inside
/// the box (a variable that reaches its bound is set exactly to it, and is active from
/// then on while its gradient keeps pushing out). So every iterate is feasible, each
/// step can add one bound at a time (L-BFGS-B's Cauchy point can add many), and the
/// stopping test uses the projected gradient pg = P_box(w - g) - w. Stopping rules: see
/// solver.hpp.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tapegrad/optim/line_search.hpp"
#include "tapegrad/optim/solver.hpp"

namespace tapegrad::optim {

/// Options of lbfgs(): the shared solver options plus the memory and the bounds.
template <class T>
struct LbfgsOptions : SolverOptions<T> {
  int history = 10;                ///< m, the number of (s, y) pairs kept (>= 1)
  Eigen::VectorX<T> lower, upper;  ///< box bounds (empty: none; entries may be -Inf / +Inf)
};

namespace detail {

/// The m newest pairs (s, y) in a ring, and the two-loop recursion q <- H q.
template <class T>
class LbfgsMemory {
 public:
  LbfgsMemory(int m, Eigen::Index n)
      : s_(static_cast<std::size_t>(m), Eigen::VectorX<T>::Zero(n)),
        y_(static_cast<std::size_t>(m), Eigen::VectorX<T>::Zero(n)),
        rho_(static_cast<std::size_t>(m)),
        a_(static_cast<std::size_t>(m)) {}

  bool empty() const noexcept { return count_ == 0; }
  void clear() noexcept { count_ = 0; }

  /// Keeps the pair unless s^T y <= eps (-g^T s) (L-BFGS-B's test); `descent` = -g^T s.
  void add(const Eigen::VectorX<T>& s, const Eigen::VectorX<T>& y, const T& descent) {
    const T sy = s.dot(y);
    if (!(sy > std::numeric_limits<T>::epsilon() * descent)) return;
    newest_ = (newest_ + 1) % size();
    s_[newest_] = s;
    y_[newest_] = y;
    rho_[newest_] = T(1) / sy;
    gamma_ = sy / y.squaredNorm();
    count_ = std::min(count_ + 1, size());
  }

  /// q <- H q: the two-loop recursion over the kept pairs, newest first.
  void apply(Eigen::VectorX<T>& q) {
    for (std::size_t k = 0; k < count_; ++k) {
      const std::size_t i = slot(k);
      a_[i] = rho_[i] * s_[i].dot(q);
      q.noalias() -= a_[i] * y_[i];
    }
    q *= gamma_;
    for (std::size_t k = count_; k-- > 0;) {
      const std::size_t i = slot(k);
      const T b = rho_[i] * y_[i].dot(q);
      q.noalias() += (a_[i] - b) * s_[i];
    }
  }

 private:
  std::size_t size() const noexcept { return s_.size(); }
  std::size_t slot(std::size_t k) const noexcept { return (newest_ + size() - k) % size(); }  // k-th newest

  std::vector<Eigen::VectorX<T>> s_, y_;
  std::vector<T> rho_, a_;
  std::size_t newest_ = 0, count_ = 0;
  T gamma_ = T(1);
};

/// lbfgs()'s driver for the step loop.
template <class F, class T>
class LbfgsDriver : public SolverDriver<LbfgsDriver<F, T>, F, T> {
  using Base = SolverDriver<LbfgsDriver<F, T>, F, T>;

 public:
  LbfgsDriver(F& f, Eigen::VectorX<T> x0, const LbfgsOptions<T>& o, MinimizeResult<T>& r)
      : Base(f, std::move(x0), o, r, "lbfgs"),
        opts_(o),
        memory_(o.history, this->w_.size()),
        d_(this->w_.size()),
        trial_w_(this->w_.size()),
        trial_g_(this->w_.size()) {}

  /// max_i |pg_i| with pg = P_box(w - g) - w (= max_i |g_i| without bounds).
  T stationarity() const {
    if (!bounded()) return Base::stationarity();
    const auto& w = this->w_;
    return ((w - this->g_).cwiseMax(opts_.lower).cwiseMin(opts_.upper) - w).cwiseAbs().maxCoeff();
  }

  /// One iteration: the L-BFGS direction and its line search, or -g once after a failure.
  std::optional<Status> step() {
    for (int attempt = 0; attempt < 2; ++attempt) {
      const bool steepest = attempt == 1 || memory_.empty();
      direction(steepest);
      const T slope = this->g_.dot(d_);
      if (slope < T(0) && search(slope, steepest)) return std::nullopt;
      if (steepest) break;
      memory_.clear();  // drop the curvature pairs and try steepest descent
    }
    return Status::line_search_failed;
  }

 private:
  bool bounded() const noexcept { return opts_.lower.size() != 0; }
  bool at_lower(Eigen::Index i) const { return bounded() && this->w_[i] <= opts_.lower[i]; }
  bool at_upper(Eigen::Index i) const { return bounded() && this->w_[i] >= opts_.upper[i]; }
  /// Held at its bound: the gradient pushes the variable out of the box.
  bool active(Eigen::Index i) const {
    return (at_lower(i) && this->g_[i] > T(0)) || (at_upper(i) && this->g_[i] < T(0));
  }

  /// d = -P H P g (or -P g), with no component pointing out of the box.
  void direction(bool steepest) {
    const Eigen::Index n = d_.size();
    d_ = this->g_;
    for (Eigen::Index i = 0; i < n; ++i)
      if (active(i)) d_[i] = T(0);
    if (!steepest) memory_.apply(d_);
    d_ = -d_;
    for (Eigen::Index i = 0; i < n; ++i)
      if (active(i) || (at_lower(i) && d_[i] < T(0)) || (at_upper(i) && d_[i] > T(0))) d_[i] = T(0);
  }

  /// The step at which variable i reaches its bound along d (Inf if never).
  T breakpoint(Eigen::Index i) const {
    const T inf = std::numeric_limits<T>::infinity();
    if (!bounded() || d_[i] == T(0)) return inf;
    return d_[i] < T(0) ? (opts_.lower[i] - this->w_[i]) / d_[i] : (opts_.upper[i] - this->w_[i]) / d_[i];
  }

  /// The largest step inside the box (SciPy's 1e10 without bounds).
  T largest_step() const {
    T most = T(1e10);
    for (Eigen::Index i = 0; bounded() && i < d_.size(); ++i) most = std::min(most, breakpoint(i));
    return most;
  }

  /// The strong-Wolfe search along d; on success moves there and updates the memory.
  bool search(const T& slope, bool first) {
    const T alpha_max = largest_step();
    if (!(alpha_max > T(0))) return false;
    const T alpha0 = std::min(first ? T(1) / d_.norm() : T(1), alpha_max);
    auto phi = [&](const T& alpha) {
      trial_w_.noalias() = this->w_ + alpha * d_;
      for (Eigen::Index i = 0; bounded() && i < d_.size(); ++i)  // exactly onto a bound it reaches
        if (alpha >= breakpoint(i)) trial_w_[i] = d_[i] < T(0) ? opts_.lower[i] : opts_.upper[i];
      trial_loss_ = this->evaluate_at(trial_w_, trial_g_);
      return LinePoint<T>{alpha, trial_loss_, trial_g_.dot(d_)};
    };
    const LineSearchResult<T> r =
        strong_wolfe(phi, LinePoint<T>{T(0), this->loss_, slope}, alpha0, alpha_max, opts_.line_search);
    if (!r.found) return false;
    const Eigen::VectorX<T> s = trial_w_ - this->w_;
    memory_.add(s, trial_g_ - this->g_, -this->g_.dot(s));
    this->accept(trial_w_, trial_loss_, trial_g_, r.point.alpha);
    return true;
  }

  const LbfgsOptions<T>& opts_;
  LbfgsMemory<T> memory_;
  Eigen::VectorX<T> d_, trial_w_, trial_g_;
  T trial_loss_{};
};

/// Throws std::invalid_argument for bad bounds or memory (see lbfgs()).
template <class T, class Derived>
void check_bounds(const Eigen::MatrixBase<Derived>& x0, const LbfgsOptions<T>& o) {
  if (o.history < 1)
    throw_invalid_argument("lbfgs: history is " + std::to_string(o.history) + "; expected m >= 1 pairs");
  if (o.lower.size() == 0 && o.upper.size() == 0) return;
  const Eigen::Index n = x0.size();
  if (o.lower.size() != n || o.upper.size() != n)
    throw_invalid_argument("lbfgs: lower has " + std::to_string(o.lower.size()) + " and upper " +
                           std::to_string(o.upper.size()) + " entries; expected " + std::to_string(n) +
                           " each (or both empty)");
  for (Eigen::Index i = 0; i < n; ++i) {
    const std::string at = "(" + std::to_string(i) + ") = ";
    if (std::isnan(static_cast<double>(o.lower[i])) || std::isnan(static_cast<double>(o.upper[i])) ||
        !(o.lower[i] <= o.upper[i]))
      throw_invalid_argument("lbfgs: lower" + at + number(static_cast<double>(o.lower[i])) + " and upper" + at +
                             number(static_cast<double>(o.upper[i])) + "; expected lower <= upper");
    if (!(o.lower[i] <= x0[i] && x0[i] <= o.upper[i]))
      throw_invalid_argument("lbfgs: x0" + at + number(static_cast<double>(x0[i])) + " is outside [" +
                             number(static_cast<double>(o.lower[i])) + ", " + number(static_cast<double>(o.upper[i])) +
                             "]");
  }
}

}  // namespace detail

/// Minimizes f from x0 by L-BFGS (see the file comment). f is the generic function
/// value_and_gradient takes. Throws std::invalid_argument before anything runs for an
/// empty or non-finite x0, history < 1, bounds of the wrong size, lower > upper, x0
/// outside the bounds, or bad tolerances.
template <class F, class Derived, class T = typename Derived::Scalar>
MinimizeResult<T> lbfgs(F&& f, const Eigen::MatrixBase<Derived>& x0, const LbfgsOptions<T>& options = {}) {
  static_assert(Derived::ColsAtCompileTime == 1, "x0 must be a column vector");
  detail::check_solver(x0, options, "lbfgs");
  detail::check_bounds(x0, options);
  MinimizeResult<T> result;
  detail::LbfgsDriver<std::remove_reference_t<F>, T> driver(f, x0, options, result);
  detail::run_step_loop<T>(driver);
  return result;
}

}  // namespace tapegrad::optim
