// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// minimize(f, w0, options): full-batch gradient descent on any differentiable scalar
/// function f of a parameter vector, the generic function value_and_gradient takes:
///
///     auto result = optim::minimize(
///         [](const auto& w) { return (w.array() - 1.0).square().sum(); },
///         Eigen::VectorXd::Zero(3), options);
///
/// Step t evaluates L_t = f(w_t) and g_t = df/dw(w_t) on a reused per-thread tape, then
/// w_{t+1} = optimizer.step(w_t, g_t, schedule(alpha_0, t)). The returned w, loss and
/// gradient always belong together, and they are finite: on a NaN/Inf loss, gradient
/// or parameter the run stops with Status::diverged at the last finite point.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "tapegrad/core/functional.hpp"
#include "tapegrad/optim/history.hpp"
#include "tapegrad/optim/optimizer.hpp"
#include "tapegrad/optim/schedule.hpp"

namespace tapegrad::optim {

/// Options of minimize().
template <class T>
struct MinimizeOptions {
  Optimizer<T> optimizer;          ///< GradientDescent(0.01) by default; reset at the start
  Schedule<T> schedule;            ///< alpha_t = schedule(alpha_0, t), t = step; constant by default
  std::int64_t max_steps = 1000;   ///< at most this many updates (>= 0)
  T loss_tolerance = T(0);         ///< stop when |L_t - L_{t-1}| <= this (0: off)
  T gradient_tolerance = T(0);     ///< stop when ||g_t|| <= this (0: off)
  /// Called after every evaluation with (t, w_t, L_t, g_t); return false to stop.
  std::function<bool(std::int64_t, const VectorX<T>&, T, const VectorX<T>&)> on_step;
  std::ostream* progress = nullptr;  ///< if set, prints a line every print_every steps
  std::int64_t print_every = 100;    ///< (>= 1)
};

/// The outcome of minimize().
template <class T>
struct MinimizeResult {
  VectorX<T> w;                      ///< the final point
  T loss{};                          ///< f(w)
  VectorX<T> gradient;               ///< df/dw at w
  std::int64_t steps = 0;            ///< updates made
  Status status = Status::max_steps; ///< why it stopped
  std::string message;               ///< details
  std::vector<T> loss_history;       ///< L_t for every evaluated point t = 0, 1, ...
  std::vector<T> gradient_norm;      ///< ||g_t||
  std::vector<T> learning_rate;      ///< alpha_t used for the step from w_t
};

/// Full-batch gradient descent on f from w0 (see the file comment). Throws
/// std::invalid_argument for an empty or non-finite w0 and bad options.
template <class F, class Derived, class T = typename Derived::Scalar>
MinimizeResult<T> minimize(F&& f, const Eigen::MatrixBase<Derived>& w0, const MinimizeOptions<T>& options) {
  static_assert(Derived::ColsAtCompileTime == 1, "w0 must be a column vector");
  if (w0.size() == 0) detail::throw_invalid_argument("minimize: w0 is empty; expected at least one parameter");
  detail::require_finite(w0, "minimize: w0");
  if (options.max_steps < 0)
    detail::throw_invalid_argument("minimize: max_steps is " + std::to_string(options.max_steps) + "; expected >= 0");
  if (options.print_every < 1)
    detail::throw_invalid_argument("minimize: print_every is " + std::to_string(options.print_every) + "; expected >= 1");
  detail::require_nonnegative(options.loss_tolerance, "minimize: loss_tolerance");
  detail::require_nonnegative(options.gradient_tolerance, "minimize: gradient_tolerance");
  detail::require_positive(options.optimizer.learning_rate(), "minimize: the optimizer's learning_rate");

  MinimizeResult<T> r;
  Optimizer<T> optimizer = options.optimizer;
  const T alpha0 = optimizer.learning_rate();
  optimizer.reset(w0.size());
  VectorX<T> w = w0, g(w0.size());
  const auto reserve = static_cast<std::size_t>(std::min<std::int64_t>(options.max_steps, 1 << 20) + 1);
  r.loss_history.reserve(reserve);
  r.gradient_norm.reserve(reserve);
  r.learning_rate.reserve(reserve);
  bool have_last = false;

  for (std::int64_t t = 0;; ++t) {
    const T loss = value_and_gradient(f, w, g);
    bool finite = std::isfinite(static_cast<double>(loss));
    for (Eigen::Index i = 0; finite && i < g.size(); ++i) finite = std::isfinite(static_cast<double>(g[i]));
    for (Eigen::Index i = 0; finite && i < w.size(); ++i) finite = std::isfinite(static_cast<double>(w[i]));
    if (!finite) {
      r.status = Status::diverged;
      r.message = "non-finite loss, gradient or parameters at step " + std::to_string(t) +
                  (have_last ? "; returning the point of step " + std::to_string(t - 1) : "");
      if (!have_last) {  // f(w0) itself is not finite: report it as it is
        r.w = w;
        r.loss = loss;
        r.gradient = g;
      }
      break;
    }
    const T gnorm = g.norm();
    r.w = w;
    r.loss = loss;
    r.gradient = g;
    have_last = true;
    r.loss_history.push_back(loss);
    r.gradient_norm.push_back(gnorm);
    if (options.progress != nullptr && t % options.print_every == 0)
      *options.progress << "step " << t << "  loss " << static_cast<double>(loss) << "  |g| " << static_cast<double>(gnorm)
                        << "\n";
    if (options.on_step && !options.on_step(t, w, loss, g)) {
      r.status = Status::stopped_by_callback;
      break;
    }
    if (options.gradient_tolerance > T(0) && gnorm <= options.gradient_tolerance) {
      r.status = Status::gradient_tolerance;
      break;
    }
    if (options.loss_tolerance > T(0) && t > 0) {
      using std::abs;
      if (abs(loss - r.loss_history[static_cast<std::size_t>(t - 1)]) <= options.loss_tolerance) {
        r.status = Status::loss_tolerance;
        break;
      }
    }
    if (t == options.max_steps) {
      r.status = Status::max_steps;
      break;
    }
    const T alpha = options.schedule(alpha0, t);
    if (!(alpha >= T(0)) || !std::isfinite(static_cast<double>(alpha)))
      detail::throw_invalid_argument("minimize: the schedule gave learning rate " + detail::number(static_cast<double>(alpha)) +
                                     " at t = " + std::to_string(t) + "; expected a finite number >= 0");
    r.learning_rate.push_back(alpha);
    optimizer.step(w, g, alpha);
    ++r.steps;
  }
  return r;
}

/// minimize with default options except the optimizer.
template <class F, class Derived, class T = typename Derived::Scalar>
MinimizeResult<T> minimize(F&& f, const Eigen::MatrixBase<Derived>& w0, const Optimizer<T>& optimizer,
                           std::int64_t max_steps = 1000) {
  MinimizeOptions<T> o;
  o.optimizer = optimizer;
  o.max_steps = max_steps;
  return minimize(std::forward<F>(f), w0, o);
}

}  // namespace tapegrad::optim
