// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers

// The registries the problem files add themselves to (Register, RegisterJacobian in
// harness.hpp), shared by tapegrad_bench and tapegrad_instructions.

#include <vector>

#include "harness.hpp"

namespace tapegrad_bench {

std::vector<Problem>& problems() {
  static std::vector<Problem> all;
  return all;
}

std::vector<JacobianProblem>& jacobian_problems() {
  static std::vector<JacobianProblem> all;
  return all;
}

}  // namespace tapegrad_bench
