// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// The learning rate: LearningRate<T> = the base rate alpha_0 and a schedule giving
/// alpha_t from alpha_0 and the count t (epochs or steps, see TrainOptions::schedule_unit),
/// t = 0, 1, 2, ...:
///   ConstantRate        alpha_t = alpha_0
///   StepDecay(s, g)     alpha_t = alpha_0 g^floor(t / s)
///   ExponentialDecay(g) alpha_t = alpha_0 g^t
///   InverseTimeDecay(k) alpha_t = alpha_0 / (1 + k t)
/// The options of minimize() and train() own it (`options.learning_rate = 0.05;`); the
/// optimizers only apply the alpha_t they are given. With noisy (mini-batch) gradients a
/// constant rate keeps the iterate bouncing in a region whose size is proportional to
/// alpha; a decaying rate shrinks that region, and the inverse-time schedule satisfies the
/// Robbins-Monro conditions sum alpha_t = Inf, sum alpha_t^2 < Inf under which SGD
/// converges.

#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>

#include "tapegrad/optim/checks.hpp"

namespace tapegrad::optim {

/// alpha_t = alpha_0.
template <class T>
struct ConstantRate {
  T operator()(const T& alpha0, std::int64_t /*t*/) const { return alpha0; }
};

/// alpha_t = alpha_0 gamma^floor(t / step_size): multiply by gamma every step_size.
template <class T>
struct StepDecay {
  std::int64_t step_size;
  T gamma;
  /// Throws std::invalid_argument unless step_size >= 1 and 0 < gamma <= 1.
  StepDecay(std::int64_t step_size_, T gamma_) : step_size(step_size_), gamma(gamma_) {
    if (step_size < 1)
      detail::throw_invalid_argument("StepDecay: step_size is " + std::to_string(step_size) + "; expected >= 1");
    if (!(gamma > T(0) && gamma <= T(1)))
      detail::throw_invalid_argument("StepDecay: gamma is " + detail::number(static_cast<double>(gamma)) +
                                     "; expected a number in (0, 1]");
  }
  /// alpha_0 gamma^floor(t / step_size).
  T operator()(const T& alpha0, std::int64_t t) const {
    using std::pow;
    return alpha0 * pow(gamma, T(t / step_size));
  }
};

/// alpha_t = alpha_0 gamma^t.
template <class T>
struct ExponentialDecay {
  T gamma;
  /// Throws std::invalid_argument unless 0 < gamma <= 1.
  explicit ExponentialDecay(T gamma_) : gamma(gamma_) {
    if (!(gamma > T(0) && gamma <= T(1)))
      detail::throw_invalid_argument("ExponentialDecay: gamma is " + detail::number(static_cast<double>(gamma)) +
                                     "; expected a number in (0, 1]");
  }
  /// alpha_0 gamma^t.
  T operator()(const T& alpha0, std::int64_t t) const {
    using std::pow;
    return alpha0 * pow(gamma, T(t));
  }
};

/// alpha_t = alpha_0 / (1 + k t).
template <class T>
struct InverseTimeDecay {
  T k;
  /// Throws std::invalid_argument unless k >= 0 (finite).
  explicit InverseTimeDecay(T k_) : k(k_) { detail::require_nonnegative(k, "InverseTimeDecay: k"); }
  /// alpha_0 / (1 + k t).
  T operator()(const T& alpha0, std::int64_t t) const { return alpha0 / (T(1) + k * T(t)); }
};

/// Any schedule: a callable alpha_t = f(alpha_0, t). Holds ConstantRate by default.
template <class T>
class Schedule {
 public:
  /// The constant schedule.
  Schedule() : f_(ConstantRate<T>{}) {}
  /// Wraps a schedule object or any callable (alpha_0, t) -> alpha_t.
  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, Schedule>>>
  Schedule(F f) : f_(std::move(f)) {}  // NOLINT: implicit on purpose, Schedule<T> s = StepDecay(...)

  /// alpha_t for base rate alpha0 at count t >= 0.
  T operator()(const T& alpha0, std::int64_t t) const { return f_(alpha0, t); }

 private:
  std::function<T(const T&, std::int64_t)> f_;
};

/// The learning rate of a run: alpha_t = schedule(alpha_0, t). The one place that holds
/// alpha_0 and the one place that checks alpha_t (finite and >= 0).
template <class T>
class LearningRate {
 public:
  /// A constant rate alpha_0 (implicit, so `options.learning_rate = 0.05;` works).
  /// Throws std::invalid_argument unless alpha_0 is finite and > 0.
  LearningRate(T alpha0 = T(0.01)) : LearningRate(alpha0, Schedule<T>()) {}  // NOLINT: implicit on purpose
  /// alpha_0 with a schedule: `{0.1, optim::StepDecay<double>(10, 0.5)}`.
  LearningRate(T alpha0, Schedule<T> schedule) : alpha0_(alpha0), schedule_(std::move(schedule)) {
    detail::require_positive(alpha0_, "learning_rate");
  }

  /// The base rate alpha_0.
  T initial() const noexcept { return alpha0_; }
  /// The schedule.
  const Schedule<T>& schedule() const noexcept { return schedule_; }

  /// alpha_t. Throws std::invalid_argument (naming `who` and t) unless it is finite and >= 0.
  T at(std::int64_t t, const char* who) const {
    const T alpha = schedule_(alpha0_, t);
    if (!(alpha >= T(0)) || !detail::is_finite(alpha))
      detail::throw_invalid_argument(std::string(who) + ": the schedule gives learning rate " +
                                     detail::number(static_cast<double>(alpha)) + " at t = " + std::to_string(t) +
                                     "; expected a finite number >= 0");
    return alpha;
  }

  /// Checks alpha_t for every t in [0, count) before a run changes anything, so that a
  /// schedule turning negative at t = 2 is refused up front, not after two updates. The
  /// cost is one schedule call per planned step, far below the steps themselves.
  void check_first(std::int64_t count, const char* who) const {
    for (std::int64_t t = 0; t < count; ++t) at(t, who);
  }

 private:
  T alpha0_;
  Schedule<T> schedule_;
};

}  // namespace tapegrad::optim
