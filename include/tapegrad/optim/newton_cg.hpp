// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// newton_cg(f, x0, options): a trust-region Newton method whose subproblem is solved by
/// conjugate gradients (Steihaug-Toint) with exact Hessian-vector products
/// H v = tapegrad::hessian_vector_product(f, w, v), so the Hessian is never formed: for
/// problems where H is cheap to apply but too big to store. f must be generic enough
/// for Var<Dual<T>> (as hessian_vector_product requires).
///
/// Iteration k, with trust radius Delta_k:
///   1. p_k approximately minimizes the model m(p) = L + g^T p + (1/2) p^T H p over
///      ||p|| <= Delta_k: CG on H p = -g from p = 0, stopped when the residual
///      ||H p + g|| <= min(1/2, sqrt(||g||)) ||g|| (superlinear convergence), when a
///      direction of non-positive curvature d^T H d <= 0 appears, or when p would leave
///      the region (then p goes to the boundary along the current CG direction);
///   2. rho = (L(w) - L(w + p)) / (m(0) - m(p)), the actual over the predicted decrease;
///   3. rho < 1/4: Delta <- Delta / 4; rho > 3/4 and ||p|| = Delta: Delta <- min(2 Delta,
///      max_radius); w_{k+1} = w_k + p_k if rho > eta, else w stays (a rejected step).
/// Defaults are SciPy's trust-ncg ones (Delta_0 = 1, max_radius = 1000, eta = 0.15).
/// Stops with Status::step_tolerance when Delta falls below eps (1 + ||w||); other
/// rules: see solver.hpp. result.hessian_vector_products counts the products.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <utility>

#include "tapegrad/core/hessian.hpp"
#include "tapegrad/optim/collective.hpp"
#include "tapegrad/optim/solver.hpp"

namespace tapegrad::optim {

/// Options of newton_cg(): the shared solver options plus the trust region's.
template <class T>
struct NewtonCgOptions : SolverOptions<T> {
  T initial_radius = T(1);             ///< Delta_0
  T max_radius = T(1000);              ///< Delta never grows beyond this
  T eta = T(0.15);                     ///< accept the step if rho > eta (0 <= eta < 1/4)
  std::int64_t max_cg_iterations = 0;  ///< CG iterations per subproblem (0: n)
};

namespace detail {

/// newton_cg()'s driver for the step loop.
template <class F, class T>
class NewtonCgDriver : public SolverDriver<NewtonCgDriver<F, T>, F, T> {
  using Base = SolverDriver<NewtonCgDriver<F, T>, F, T>;

 public:
  NewtonCgDriver(F& f, Eigen::VectorX<T> x0, const NewtonCgOptions<T>& o, MinimizeResult<T>& r)
      : Base(f, std::move(x0), o, r, "newton_cg"), opts_(o), radius_(o.initial_radius) {}

  /// One trust-region iteration (the step may be rejected: w stays).
  std::optional<Status> step() {
    const T predicted = solve_subproblem();
    if (!(predicted > T(0))) return Status::line_search_failed;  // the model predicts no decrease
    trial_w_ = this->w_ + p_;
    const T trial_loss = this->evaluate_at(trial_w_, trial_g_);
    const T rho = is_finite(trial_loss) && all_finite(trial_g_) ? (this->loss_ - trial_loss) / predicted
                                                                : -std::numeric_limits<T>::infinity();
    if (rho < T(0.25))
      radius_ /= T(4);
    else if (rho > T(0.75) && boundary_)
      radius_ = std::min(T(2) * radius_, opts_.max_radius);
    if (rho > opts_.eta) this->accept(trial_w_, trial_loss, trial_g_, T(1));
    if (radius_ <= std::numeric_limits<T>::epsilon() * (T(1) + this->w_.norm())) return Status::step_tolerance;
    return std::nullopt;
  }

 private:
  /// H v at w, counted.
  void product(const Eigen::VectorX<T>& v, Eigen::VectorX<T>& hv) {
    ++this->r_.hessian_vector_products;
    hv = objective_hessian_vector_product(this->f_, this->w_, v);
  }

  /// Steihaug's CG: p_ within the radius, and the model's predicted decrease m(0) - m(p).
  T solve_subproblem() {
    const Eigen::VectorX<T>& g = this->g_;
    const Eigen::Index n = g.size();
    p_.setZero(n);
    hp_.setZero(n);  // H p, kept along so the model needs no extra product
    Eigen::VectorX<T> r = g, d = -g, hd(n);
    const T tolerance = std::min(T(0.5), std::sqrt(g.norm())) * g.norm();
    const std::int64_t limit = opts_.max_cg_iterations > 0 ? opts_.max_cg_iterations : n;
    boundary_ = false;
    for (std::int64_t j = 0; j < limit; ++j) {
      product(d, hd);
      const T curvature = d.dot(hd);
      if (curvature <= T(0)) return to_boundary(d, hd);  // negative curvature: follow d to the edge
      const T a = r.squaredNorm() / curvature;
      if ((p_ + a * d).norm() >= radius_) return to_boundary(d, hd);
      p_ += a * d;
      hp_ += a * hd;
      const T previous = r.squaredNorm();
      r += a * hd;
      if (r.norm() <= tolerance) break;
      d = -r + (r.squaredNorm() / previous) * d;
    }
    return model_decrease();
  }
  /// p + tau d with ||p + tau d|| = Delta, tau > 0.
  T to_boundary(const Eigen::VectorX<T>& d, const Eigen::VectorX<T>& hd) {
    const T a = d.squaredNorm(), b = T(2) * p_.dot(d), c = p_.squaredNorm() - radius_ * radius_;
    const T tau = (-b + std::sqrt(b * b - T(4) * a * c)) / (T(2) * a);
    p_ += tau * d;
    hp_ += tau * hd;
    boundary_ = true;
    return model_decrease();
  }
  /// m(0) - m(p) = -(g^T p + p^T H p / 2).
  T model_decrease() const { return -(this->g_.dot(p_) + p_.dot(hp_) / T(2)); }

  const NewtonCgOptions<T>& opts_;
  T radius_;
  bool boundary_ = false;
  Eigen::VectorX<T> p_, hp_, trial_w_, trial_g_;
};

}  // namespace detail

/// Minimizes f from x0 by the trust-region Newton-CG method (see the file comment).
/// Throws std::invalid_argument before anything runs for an empty or non-finite x0 and
/// bad options.
template <class F, class Derived, class T = typename Derived::Scalar>
MinimizeResult<T> newton_cg(F&& f, const Eigen::MatrixBase<Derived>& x0, const NewtonCgOptions<T>& options = {}) {
  static_assert(Derived::ColsAtCompileTime == 1, "x0 must be a column vector");
  detail::check_solver(x0, options, "newton_cg");
  detail::require_positive(options.initial_radius, "newton_cg: initial_radius");
  detail::require_positive(options.max_radius, "newton_cg: max_radius");
  if (!(options.initial_radius <= options.max_radius))
    detail::throw_invalid_argument("newton_cg: initial_radius exceeds max_radius");
  detail::require_in(options.eta, 0.0, 0.25, "newton_cg: eta", "[0, 1/4)");
  detail::require_at_least(options.max_cg_iterations, 0, "newton_cg: max_cg_iterations");
  MinimizeResult<T> result;
  detail::NewtonCgDriver<std::remove_reference_t<F>, T> driver(f, x0, options, result);
  detail::run_step_loop<T>(driver);
  return result;
}

}  // namespace tapegrad::optim
