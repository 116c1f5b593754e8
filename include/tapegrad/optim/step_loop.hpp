// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// The one step loop of the optimizer module. minimize(), train() and every solver
/// (lbfgs, conjugate_gradient, newton_cg, least_squares) run it; they differ only in
/// the driver they hand it. One iteration:
///
///   1. d.evaluate()    the loss L and gradient g at the current point w (train: of
///                      its next batch; a solver whose step already evaluated the new
///                      point just keeps it);
///   2. finite check    a NaN/Inf L or g stops the run: Status::diverged, w unchanged;
///   3. d.observe()     record the point, per-point callbacks and stop rules;
///   4. d.step()        the update of w (a learning-rate step, or a solver's search);
///   5. finite check    an update that made w NaN/Inf is undone: Status::diverged
///                      (a driver with checked_step(backup, finite), train's, does 4
///                      and 5 in one pass over w; its optimizers' new w is not finite
///                      where g is not, so that pass also stands for 2's check of g,
///                      and g is looked at only to name the failure);
///   6. d.after_step()  per-update bookkeeping and stop rules (train: an epoch's end).
///
/// d.start() may end the run before the first iteration (train with 0 epochs) and
/// d.finish(status) is called once at the end, with what stopped the run. Hooks return
/// std::nullopt to go on, or the Status that ends the run.
///
/// Where later features go, without a second loop: a checkpoint is written in
/// after_step() (train: at an epoch's end) and a resumed run restores its counters and
/// optimizer state in start(); a distributed run sums loss and gradient over ranks
/// inside evaluate() (and inside a solver's line search, which evaluates through the
/// same objective), so every rank sees the same numbers at the finite check and takes
/// the same step.

#include <Eigen/Core>
#include <cmath>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "tapegrad/optim/checks.hpp"
#include "tapegrad/optim/history.hpp"

namespace tapegrad::optim::detail {

inline constexpr const char* kNonFiniteGradient = "non-finite gradient";

/// Why a loss is unusable ("loss NaN"), or an empty string if it is finite.
template <class T>
std::string non_finite_loss(const T& loss) {
  return is_finite(loss) ? std::string() : "loss " + number(static_cast<double>(loss));
}

/// Why a loss and gradient are unusable ("loss NaN", "non-finite gradient"), or an
/// empty string if both are finite.
template <class T, class G>
std::string non_finite(const T& loss, const Eigen::MatrixBase<G>& gradient) {
  if (!is_finite(loss)) return non_finite_loss(loss);
  if (!all_finite(gradient)) return kNonFiniteGradient;
  return std::string();
}

/// Throws unless both tolerances are finite and >= 0 (0 switches a rule off).
template <class T>
void check_tolerances(const T& loss_tolerance, const T& gradient_tolerance, const std::string& who) {
  require_nonnegative(loss_tolerance, (who + ": loss_tolerance").c_str());
  require_nonnegative(gradient_tolerance, (who + ": gradient_tolerance").c_str());
}

/// The tolerance stops of minimize (per point) and train (per epoch):
/// gradient_tolerance when ||g|| <= it, loss_tolerance when |L - L_previous| <= it
/// (only with a previous loss); a tolerance of 0 is off.
template <class T>
std::optional<Status> tolerance_stop(const T& loss_tolerance, const T& gradient_tolerance, const T& gradient_norm,
                                     const T* previous_loss, const T& loss) {
  using std::abs;
  if (gradient_tolerance > T(0) && gradient_norm <= gradient_tolerance) return Status::gradient_tolerance;
  if (loss_tolerance > T(0) && previous_loss != nullptr && abs(loss - *previous_loss) <= loss_tolerance)
    return Status::loss_tolerance;
  return std::nullopt;
}

/// Whether a driver does phases 4-5 itself in one pass: checked_step(backup, finite)
/// keeps the old w in backup, updates w and sets finite, false also when g was not
/// finite (train's driver). Such a driver's observe() must not rely on a finite g.
template <class Driver, class Backup, class = void>
struct has_checked_step : std::false_type {};
template <class Driver, class Backup>
struct has_checked_step<
    Driver, Backup,
    std::void_t<decltype(std::declval<Driver&>().checked_step(std::declval<Backup&>(), std::declval<bool&>()))>>
    : std::true_type {};

/// One iteration of the loop (see the file comment); std::nullopt to go on.
template <class Driver, class Backup>
std::optional<Status> loop_iteration(Driver& d, Backup& backup) {
  d.evaluate();
  constexpr bool one_pass = has_checked_step<Driver, Backup>::value;
  // A driver with checked_step checks g with the new w (above), saving a pass over g.
  const std::string bad = one_pass ? non_finite_loss(d.loss()) : non_finite(d.loss(), d.gradient());
  if (!bad.empty()) return d.diverged(bad);
  if (std::optional<Status> stop = d.observe()) return stop;
  auto w = d.parameters();
  bool finite = true;
  if constexpr (one_pass) {
    if (std::optional<Status> stop = d.checked_step(backup, finite)) return stop;
  } else {
    backup = w;  // same size every step: allocates only the first time
    if (std::optional<Status> stop = d.step()) return stop;
    finite = all_finite(w);
  }
  if (!finite) {
    w = backup;
    if (!all_finite(d.gradient())) return d.diverged(kNonFiniteGradient);  // w unchanged, as in phase 2
    return d.diverged("non-finite parameters after the update (undone)");
  }
  return d.after_step();
}

/// Runs d to the end and returns why it stopped.
template <class T, class Driver>
Status run_step_loop(Driver& d) {
  Eigen::VectorX<T> backup;
  std::optional<Status> stop = d.start();
  while (!stop) stop = loop_iteration(d, backup);
  d.finish(*stop);
  return *stop;
}

}  // namespace tapegrad::optim::detail
