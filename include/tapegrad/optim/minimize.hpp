// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// minimize(f, w0, options): full-batch gradient descent on any differentiable scalar
/// function f of a parameter vector, the generic function value_and_gradient takes:
///
///     optim::MinimizeOptions<double> options;
///     options.learning_rate = 0.1;
///     auto result = optim::minimize(
///         [](const auto& w) { return (w.array() - 1.0).square().sum(); },
///         Eigen::VectorXd::Zero(3), options);
///
/// Step t evaluates L_t = f(w_t) and g_t = df/dw(w_t) on a reused per-thread tape, then
/// w_{t+1} = optimizer.step(w_t, g_t, alpha_t) with alpha_t from options.learning_rate.
/// It runs the module's one step loop (step_loop.hpp). The returned w, loss and gradient
/// always belong together, and they are finite: on a NaN/Inf loss, gradient or parameter
/// the run stops with Status::diverged at the last finite point.

#include <Eigen/Core>
#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "tapegrad/core/functional.hpp"
#include "tapegrad/optim/collective.hpp"
#include "tapegrad/optim/history.hpp"
#include "tapegrad/optim/line_search.hpp"
#include "tapegrad/optim/optimizer.hpp"
#include "tapegrad/optim/schedule.hpp"
#include "tapegrad/optim/step_loop.hpp"

namespace tapegrad::optim {

/// How minimize() chooses the step length of gradient descent.
enum class LineSearch {
  none,          ///< alpha_t from the learning rate
  backtracking,  ///< Armijo backtracking from alpha_t (line_search.hpp)
  strong_wolfe   ///< the Moré-Thuente strong-Wolfe search from alpha_t
};

/// Options of minimize().
template <class T>
struct MinimizeOptions {
  Optimizer<T> optimizer;         ///< GradientDescent by default; reset at the start
  LearningRate<T> learning_rate;  ///< alpha_t = schedule(alpha_0, t), t = step; 0.01, constant by default
  std::int64_t max_steps = 1000;  ///< at most this many updates (>= 0)
  T loss_tolerance = T(0);        ///< stop when |L_t - L_{t-1}| <= this (0: off)
  T gradient_tolerance = T(0);    ///< stop when ||g_t|| <= this (0: off)
  /// With a line search (GradientDescent only), alpha_t is where the search starts and
  /// the step length is the one it accepts; Status::line_search_failed if it finds none.
  LineSearch line_search = LineSearch::none;
  LineSearchOptions<T> line_search_options;  ///< c1, c2, shrink, evaluations per search
  /// Called after every evaluation with (t, w_t, L_t, g_t); return false to stop.
  std::function<bool(std::int64_t, const Eigen::VectorX<T>&, T, const Eigen::VectorX<T>&)> on_step;
  std::ostream* progress = nullptr;  ///< if set, prints a line every print_every steps
  std::int64_t print_every = 100;    ///< (>= 1)
};

/// The outcome of minimize() and of every solver (lbfgs, conjugate_gradient, ...).
template <class T>
struct MinimizeResult {
  Eigen::VectorX<T> w;                       ///< the final point
  T loss{};                                  ///< f(w)
  Eigen::VectorX<T> gradient;                ///< df/dw at w
  std::int64_t steps = 0;                    ///< updates (iterations) made
  std::int64_t function_evaluations = 0;     ///< evaluations of f
  std::int64_t gradient_evaluations = 0;     ///< evaluations of the gradient (least squares: of the Jacobian)
  std::int64_t hessian_vector_products = 0;  ///< Hessian-vector products (newton_cg)
  Status status = Status::max_steps;         ///< why it stopped
  std::string message;                       ///< details
  std::vector<T> loss_history;               ///< L_t for every accepted point t = 0, 1, ...
  std::vector<T> gradient_norm;              ///< ||g_t||
  std::vector<T> learning_rate;              ///< the step length alpha_t used for the step from w_t
};

namespace detail {

/// A solver's end (lbfgs, conjugate_gradient, newton_cg, least_squares): the status, the
/// point with its loss and gradient, and `message` unless the run already left one.
template <class T>
void finish_result(MinimizeResult<T>& r, Status status, const Eigen::VectorX<T>& w, const T& loss,
                   const Eigen::VectorX<T>& g, const std::string& message) {
  r.status = status;
  r.w = w;
  r.loss = loss;
  r.gradient = g;
  if (r.message.empty()) r.message = message;
}

/// A solver's run that met a non-finite loss or gradient: says where, returns diverged.
template <class T>
Status diverged_at_iteration(MinimizeResult<T>& r, const std::string& what) {
  r.message = what + " at iteration " + std::to_string(r.steps);
  return Status::diverged;
}

/// minimize()'s driver for the step loop: a learning-rate step of an Optimizer.
template <class F, class T>
class GradientDescentDriver {
 public:
  GradientDescentDriver(F& f, Eigen::VectorX<T> w0, const MinimizeOptions<T>& o, MinimizeResult<T>& r)
      : f_(f), o_(o), r_(r), optimizer_(o.optimizer), w_(std::move(w0)), g_(w_.size()) {}

  std::optional<Status> start() {
    optimizer_.reset(w_.size());
    const auto n = static_cast<std::size_t>(std::min<std::int64_t>(o_.max_steps, 1 << 20) + 1);
    r_.loss_history.reserve(n);
    r_.gradient_norm.reserve(n);
    r_.learning_rate.reserve(n);
    return std::nullopt;
  }
  void evaluate() {
    if (searched_) {  // the line search evaluated the new point already
      searched_ = false;
      return;
    }
    loss_ = evaluate_at(w_, g_);
  }
  const T& loss() const noexcept { return loss_; }
  const Eigen::VectorX<T>& gradient() const noexcept { return g_; }
  Eigen::Ref<Eigen::VectorX<T>> parameters() noexcept { return w_; }

  std::optional<Status> observe() {
    const T gnorm = g_.norm();
    const std::optional<T> previous = r_.loss_history.empty() ? std::nullopt : std::optional<T>(r_.loss_history.back());
    keep_point();
    r_.gradient_norm.push_back(gnorm);
    const std::int64_t t = r_.steps;
    if (o_.progress != nullptr && t % o_.print_every == 0)
      *o_.progress << "step " << t << "  loss " << static_cast<double>(loss_) << "  |g| " << static_cast<double>(gnorm)
                   << "\n";
    if (o_.on_step && !o_.on_step(t, w_, loss_, g_)) return Status::stopped_by_callback;
    const T* last = previous ? &*previous : nullptr;
    if (auto stop = tolerance_stop(o_.loss_tolerance, o_.gradient_tolerance, gnorm, last, loss_)) return stop;
    if (t == o_.max_steps) return Status::max_steps;
    return std::nullopt;
  }
  std::optional<Status> step() {
    const T alpha = o_.learning_rate.at(r_.steps, "minimize");
    if (o_.line_search != LineSearch::none) return search(alpha);
    r_.learning_rate.push_back(alpha);
    optimizer_.step(w_, g_, alpha);
    return std::nullopt;
  }
  std::optional<Status> after_step() {
    ++r_.steps;
    return std::nullopt;
  }
  Status diverged(const std::string& what) {
    r_.message = what + " at step " + std::to_string(r_.steps);
    if (r_.loss_history.empty())
      keep_point();  // f(w0) itself is not finite: report it as it is
    else
      r_.message += "; returning the last finite point (step " + std::to_string(r_.loss_history.size() - 1) + ")";
    return Status::diverged;
  }
  void finish(Status status) { r_.status = status; }

 private:
  T evaluate_at(const Eigen::VectorX<T>& w, Eigen::VectorX<T>& g) {
    ++r_.function_evaluations;
    ++r_.gradient_evaluations;
    return evaluate_objective(f_, w, g);
  }
  /// Gradient descent with a line search along p = -g from alpha: moves to the accepted
  /// point, whose loss and gradient the search computed.
  std::optional<Status> search(const T& alpha) {
    auto phi = [&](const T& a) {
      trial_w_.noalias() = w_ - a * g_;
      trial_loss_ = evaluate_at(trial_w_, trial_g_);
      return LinePoint<T>{a, trial_loss_, -trial_g_.dot(g_)};
    };
    const LinePoint<T> start{T(0), loss_, -g_.squaredNorm()};
    const auto r = o_.line_search == LineSearch::backtracking
                       ? backtracking(phi, start, alpha, std::numeric_limits<T>::max(), o_.line_search_options)
                       : strong_wolfe(phi, start, alpha, T(1e10) * alpha, o_.line_search_options);
    if (!r.found) return Status::line_search_failed;
    r_.learning_rate.push_back(r.point.alpha);
    w_.swap(trial_w_);
    g_.swap(trial_g_);
    loss_ = trial_loss_;
    searched_ = true;
    return std::nullopt;
  }
  void keep_point() {  // the result always holds the newest evaluated point
    r_.w = w_;
    r_.loss = loss_;
    r_.gradient = g_;
    if (is_finite(loss_)) r_.loss_history.push_back(loss_);
  }

  F& f_;
  const MinimizeOptions<T>& o_;
  MinimizeResult<T>& r_;
  Optimizer<T> optimizer_;
  Eigen::VectorX<T> w_, g_, trial_w_, trial_g_;
  T loss_{}, trial_loss_{};
  bool searched_ = false;
};

}  // namespace detail

/// Full-batch gradient descent on f from w0 (see the file comment). Throws
/// std::invalid_argument for an empty or non-finite w0 and bad options.
template <class F, class Derived, class T = typename Derived::Scalar>
MinimizeResult<T> minimize(F&& f, const Eigen::MatrixBase<Derived>& w0, const MinimizeOptions<T>& options) {
  static_assert(Derived::ColsAtCompileTime == 1, "w0 must be a column vector");
  detail::require_start_point(w0, "minimize", "w0");
  detail::require_at_least(options.max_steps, 0, "minimize: max_steps");
  detail::require_at_least(options.print_every, 1, "minimize: print_every");
  detail::check_tolerances(options.loss_tolerance, options.gradient_tolerance, "minimize");
  if (options.line_search != LineSearch::none) {
    detail::check_line_search(options.line_search_options, "minimize");
    if (options.optimizer.template target<GradientDescent<T>>() == nullptr)
      detail::throw_invalid_argument(
          "minimize: a line search needs the GradientDescent optimizer (it searches along -g); got " +
          options.optimizer.name());
  }
  options.learning_rate.check_first(options.max_steps, "minimize");  // t = 0 .. max_steps - 1
  MinimizeResult<T> result;
  detail::GradientDescentDriver<std::remove_reference_t<F>, T> driver(f, w0, options, result);
  detail::run_step_loop<T>(driver);
  return result;
}

/// minimize with default options except the optimizer and its learning rate.
template <class F, class Derived, class T = typename Derived::Scalar>
MinimizeResult<T> minimize(F&& f, const Eigen::MatrixBase<Derived>& w0, const Optimizer<T>& optimizer,
                           const LearningRate<T>& learning_rate, std::int64_t max_steps = 1000) {
  MinimizeOptions<T> o;
  o.optimizer = optimizer;
  o.learning_rate = learning_rate;
  o.max_steps = max_steps;
  return minimize(std::forward<F>(f), w0, o);
}

}  // namespace tapegrad::optim
