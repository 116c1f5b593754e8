// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Error reporting. Throws live out of line and are marked cold, so the checks in hot
/// paths cost one predictable branch and no code bloat.

#include <stdexcept>
#include <string>

#include "tapegrad/core/config.hpp"

namespace tapegrad {

/// Thrown when a Var, a mark or a tape is used in a way the tape cannot honour:
/// a Var from another tape or thread, a Var recorded before clear() or rewound away,
/// recording with no active tape. Derives from std::logic_error: it is a program bug.
class TapeError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

namespace detail {

[[noreturn]] TAPEGRAD_COLD inline void throw_tape_error(const std::string& what) {
  throw TapeError("tapegrad: " + what);
}

[[noreturn]] TAPEGRAD_COLD inline void throw_invalid_argument(const std::string& what) {
  throw std::invalid_argument("tapegrad: " + what);
}

/// "3x2": the shape of a matrix in error messages.
inline std::string shape_string(long rows, long cols) { return std::to_string(rows) + "x" + std::to_string(cols); }

}  // namespace detail
}  // namespace tapegrad
