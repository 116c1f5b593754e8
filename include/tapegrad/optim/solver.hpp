// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// What the deterministic solvers (lbfgs, conjugate_gradient, newton_cg) share: their
/// options and stopping rules, written once, and the base of their drivers for the step
/// loop (step_loop.hpp). A solver step ends at a new point whose loss and gradient it
/// has already evaluated (in its line search or trust-region trial), so the loop's
/// evaluate() only evaluates the starting point.
///
/// Stopping rules, checked at every accepted point, in this order (SciPy's for L-BFGS-B,
/// so a SciPy user's tolerances mean the same here):
///   gradient_tolerance   max_i |pg_i| <= it, pg the projected gradient (the gradient
///                        itself without bounds): Status::gradient_tolerance
///   loss_tolerance       (L_k - L_{k+1}) / max(|L_k|, |L_{k+1}|, 1) <= it after a step:
///                        Status::loss_tolerance
///   max_steps            k = max_steps: Status::max_steps
///   max_evaluations      evaluations of f >= max_evaluations: Status::max_evaluations

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <utility>

#include "tapegrad/core/functional.hpp"
#include "tapegrad/optim/checks.hpp"
#include "tapegrad/optim/line_search.hpp"
#include "tapegrad/optim/minimize.hpp"
#include "tapegrad/optim/step_loop.hpp"

namespace tapegrad::optim {

/// Options every solver has (its own options struct adds the rest).
template <class T>
struct SolverOptions {
  std::int64_t max_steps = 15000;              ///< iterations (SciPy's maxiter)
  std::int64_t max_evaluations = 15000;        ///< evaluations of f (SciPy's maxfun)
  T gradient_tolerance = T(1e-5);              ///< stop when max_i |projected g_i| <= this (SciPy's gtol)
  T loss_tolerance = T(2.220446049250313e-9);  ///< stop when the relative decrease of L <= this (SciPy's ftol)
  LineSearchOptions<T> line_search;            ///< the strong-Wolfe search's parameters
  /// Called at every accepted point with (k, w_k, L_k, g_k); return false to stop.
  std::function<bool(std::int64_t, const Eigen::VectorX<T>&, T, const Eigen::VectorX<T>&)> on_step;
  std::ostream* progress = nullptr;  ///< if set, prints a line every print_every iterations
  std::int64_t print_every = 1;      ///< (>= 1)
};

namespace detail {

/// Throws std::invalid_argument for a bad start point or options (before anything runs).
template <class T, class Derived>
void check_solver(const Eigen::MatrixBase<Derived>& x0, const SolverOptions<T>& o, const std::string& who) {
  require_start_point(x0, who, "x0");
  require_at_least(o.max_steps, 0, (who + ": max_steps").c_str());
  require_at_least(o.max_evaluations, 1, (who + ": max_evaluations").c_str());
  require_at_least(o.print_every, 1, (who + ": print_every").c_str());
  require_nonnegative(o.gradient_tolerance, (who + ": gradient_tolerance").c_str());
  require_nonnegative(o.loss_tolerance, (who + ": loss_tolerance").c_str());
  check_line_search(o.line_search, who);
}

/// The stopping rules of the file comment. `stationarity` is max_i |pg_i|; `previous`
/// is L before the last step (none at the start).
template <class T>
std::optional<Status> solver_stop(const SolverOptions<T>& o, const MinimizeResult<T>& r, const T& stationarity,
                                  const std::optional<T>& previous, const T& loss) {
  using std::abs;
  if (stationarity <= o.gradient_tolerance) return Status::gradient_tolerance;
  if (previous && (*previous - loss) <= o.loss_tolerance * std::max({abs(*previous), abs(loss), T(1)}))
    return Status::loss_tolerance;
  if (r.steps >= o.max_steps) return Status::max_steps;
  if (r.function_evaluations >= o.max_evaluations) return Status::max_evaluations;
  return std::nullopt;
}

/// The base of the solvers' drivers: the current point (w, L, g), counted evaluations
/// of f, the record of every accepted point, the stopping rules and the result. Derived
/// supplies step() and may shadow stationarity() (bounds project the gradient).
template <class Derived, class F, class T>
class SolverDriver {
 public:
  SolverDriver(F& f, Eigen::VectorX<T> x0, const SolverOptions<T>& o, MinimizeResult<T>& r, const char* who)
      : f_(f), o_(o), r_(r), who_(who), w_(std::move(x0)), g_(w_.size()) {}

  std::optional<Status> start() { return std::nullopt; }
  void evaluate() {  // the start point only: every step evaluates the point it moves to
    if (r_.function_evaluations == 0) loss_ = evaluate_at(w_, g_);
  }
  const T& loss() const noexcept { return loss_; }
  const Eigen::VectorX<T>& gradient() const noexcept { return g_; }
  Eigen::Ref<Eigen::VectorX<T>> parameters() noexcept { return w_; }

  /// Records a new point and applies the stopping rules (a rejected trust-region step
  /// leaves the point as it was: only the limits are checked then).
  std::optional<Status> observe() {
    const T stationarity = derived().stationarity();
    const std::int64_t k = r_.steps;
    if (!moved_) return solver_stop(o_, r_, stationarity, std::optional<T>(), loss_);
    moved_ = false;
    r_.loss_history.push_back(loss_);
    r_.gradient_norm.push_back(g_.norm());
    if (o_.progress != nullptr && k % o_.print_every == 0)
      *o_.progress << who_ << " " << k << "  loss " << static_cast<double>(loss_) << "  max|pg| "
                   << static_cast<double>(stationarity) << "  evaluations " << r_.function_evaluations << "\n";
    if (o_.on_step && !o_.on_step(k, w_, loss_, g_)) return Status::stopped_by_callback;
    const auto stop = solver_stop(o_, r_, stationarity, previous_, loss_);
    previous_ = loss_;
    return stop;
  }
  std::optional<Status> after_step() {
    ++r_.steps;
    return std::nullopt;
  }
  Status diverged(const std::string& what) { return diverged_at_iteration(r_, what); }
  void finish(Status status) { finish_result(r_, status, w_, loss_, g_, message(status)); }

  /// max_i |g_i| (no bounds).
  T stationarity() const { return g_.cwiseAbs().maxCoeff(); }
  /// L and g at w, counted (the line searches evaluate through this).
  T evaluate_trial(const Eigen::VectorX<T>& w, Eigen::VectorX<T>& g) { return evaluate_at(w, g); }

 protected:
  /// L and g at w, counted.
  T evaluate_at(const Eigen::VectorX<T>& w, Eigen::VectorX<T>& g) {
    ++r_.function_evaluations;
    ++r_.gradient_evaluations;
    return evaluate_objective(f_, w, g);
  }
  /// Moves to an evaluated point (w, L, g), swapping buffers; records the step length.
  void accept(Eigen::VectorX<T>& w, const T& loss, Eigen::VectorX<T>& g, const T& step_length) {
    w_.swap(w);
    g_.swap(g);
    loss_ = loss;
    moved_ = true;
    r_.learning_rate.push_back(step_length);
  }
  Derived& derived() { return static_cast<Derived&>(*this); }

  static std::string message(Status s) {
    switch (s) {
      case Status::gradient_tolerance:
        return "the projected gradient is below gradient_tolerance";
      case Status::loss_tolerance:
        return "the relative decrease of the loss is below loss_tolerance";
      case Status::max_steps:
        return "reached max_steps iterations";
      case Status::max_evaluations:
        return "reached max_evaluations evaluations of f";
      case Status::line_search_failed:
        return "the line search found no lower point along the search direction nor along -g";
      case Status::step_tolerance:
        return "the trust region shrank below machine precision";
      default:
        return to_string(s);
    }
  }

  F& f_;
  const SolverOptions<T>& o_;
  MinimizeResult<T>& r_;
  const char* who_;
  Eigen::VectorX<T> w_, g_;
  T loss_{};
  std::optional<T> previous_;
  bool moved_ = true;  // the point changed since the last observe()
};

}  // namespace detail
}  // namespace tapegrad::optim
