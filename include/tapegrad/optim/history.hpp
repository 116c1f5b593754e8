// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// What a training run reports: why it stopped (Status) and, per epoch, the training
/// loss, the validation loss and accuracy, the gradient norm, the learning rate, the
/// elapsed time and the tape memory.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tapegrad::optim {

/// Why training, minimize or a solver stopped.
enum class Status {
  max_epochs,           ///< ran every requested epoch
  max_steps,            ///< reached the step limit
  loss_tolerance,       ///< the loss changed by <= loss_tolerance
  gradient_tolerance,   ///< the gradient norm fell to <= gradient_tolerance
  diverged,             ///< a NaN or infinite loss, gradient or parameter; parameters are the last finite ones
  stopped_by_callback,  ///< the callback returned false
  max_evaluations,      ///< a solver reached its limit on evaluations of f
  step_tolerance,       ///< a solver's step became smaller than its step_tolerance
  line_search_failed    ///< no step along the search direction (and along -g) lowered L enough
};

/// "max_epochs", "diverged", ...
inline const char* to_string(Status s) noexcept {
  switch (s) {
    case Status::max_epochs:
      return "max_epochs";
    case Status::max_steps:
      return "max_steps";
    case Status::loss_tolerance:
      return "loss_tolerance";
    case Status::gradient_tolerance:
      return "gradient_tolerance";
    case Status::diverged:
      return "diverged";
    case Status::stopped_by_callback:
      return "stopped_by_callback";
    case Status::max_evaluations:
      return "max_evaluations";
    case Status::step_tolerance:
      return "step_tolerance";
    case Status::line_search_failed:
      return "line_search_failed";
  }
  return "?";
}

/// Per-epoch records of a train() run; entry e belongs to epoch e (0-based).
template <class T>
struct History {
  std::vector<T> loss;                      ///< mean training loss over the epoch's batches (weighted by batch size)
  std::vector<T> validation_loss;           ///< loss on the validation set after the epoch (if one was given)
  std::vector<double> validation_accuracy;  ///< accuracy on it (if given and the model is a classifier)
  std::vector<T> gradient_norm;             ///< norm of the epoch's mean mini-batch gradient (exact for full batch)
  std::vector<T> learning_rate;             ///< the learning rate of the epoch's last step
  std::vector<double> seconds;              ///< wall-clock time since the start of train() at the epoch's end
  std::vector<std::size_t> tape_bytes;      ///< memory held by the tapes at the epoch's end
  std::int64_t steps = 0;                   ///< parameter updates made
  Status status = Status::max_epochs;       ///< why the run stopped
  std::string message;                      ///< details (e.g. where it diverged)

  /// Number of recorded epochs.
  std::size_t epochs() const noexcept { return loss.size(); }
  /// Empties every record.
  void clear() { *this = History(); }
  /// Reserves room for n epochs (so recording allocates nothing).
  void reserve(std::size_t n) {
    loss.reserve(n);
    validation_loss.reserve(n);
    validation_accuracy.reserve(n);
    gradient_norm.reserve(n);
    learning_rate.reserve(n);
    seconds.reserve(n);
    tape_bytes.reserve(n);
  }
};

}  // namespace tapegrad::optim
