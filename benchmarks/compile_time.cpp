// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers

// The compile-time probe of docs/benchmarks.md (target: < 3 s at -O2): one translation
// unit that includes the umbrella header (Eigen comes with it) and records one gradient.
// benchmarks/run.sh compiles it with the project's compiler at -O2, times it and runs it;
// it is not part of the CMake build.

#include <tapegrad/tapegrad.hpp>

int main() {
  using tapegrad::Var;
  const Eigen::VectorXd w0 = Eigen::VectorXd::LinSpaced(3, 1.0, 3.0);
  const auto [value, g] = tapegrad::value_and_gradient(
      [](const Eigen::VectorX<Var<double>>& w) {
        Var<double> s = 0.0;
        for (Eigen::Index i = 0; i < w.size(); ++i) s += exp(sin(w[i])) * w[i];
        return s + w.squaredNorm();
      },
      w0);
  // d/dw_i = exp(sin w_i)(w_i cos w_i + 1) + 2 w_i
  const double g0 = std::exp(std::sin(1.0)) * (std::cos(1.0) + 1.0) + 2.0;
  return std::abs(g[0] - g0) < 1e-12 && value > 0 ? 0 : 1;
}
