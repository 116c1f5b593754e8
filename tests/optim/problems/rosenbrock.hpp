// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// The two-variable Rosenbrock function f(w) = (1 - w0)^2 + 100 (w1 - w0^2)^2, written once
/// generically (plain numbers, Var, Dual) for the solver tests; minimum 0 at (1, 1).

namespace test_problems {

/// Rosenbrock's banana valley in two variables.
inline constexpr auto rosenbrock = [](const auto& w) {
  return (1.0 - w[0]) * (1.0 - w[0]) + 100.0 * (w[1] - w[0] * w[0]) * (w[1] - w[0] * w[0]);
};

}  // namespace test_problems
