// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// numerical_gradient and gradcheck: accurate where they should be, loud where they must.

#include <cmath>
#include <sstream>

#include "test_support.hpp"

using tapegrad::Var;

TEST_CASE("numerical_gradient is accurate for a smooth function", "[gradcheck]") {
  auto f = [](const Eigen::VectorXd& x) { return std::exp(x[0]) * std::sin(x[1]) + x[0] * x[1] * x[1]; };
  Eigen::VectorXd x(2);
  x << 0.3, -1.1;
  const Eigen::VectorXd g = tapegrad::numerical_gradient(f, x);
  CHECK_CLOSE(g[0], std::exp(0.3) * std::sin(-1.1) + 1.1 * 1.1, 1e-9);
  CHECK_CLOSE(g[1], std::exp(0.3) * std::cos(-1.1) + 2 * 0.3 * -1.1, 1e-9);
  CHECK_THROWS_AS(tapegrad::numerical_gradient(f, x, 0.0), std::invalid_argument);
}

TEST_CASE("gradcheck passes for a correct gradient and reports both", "[gradcheck]") {
  auto f = [](const auto& x) {
    using S = std::decay_t<decltype(x[0])>;
    using std::log1p;
    using std::tanh;
    S s = 0.0;
    for (Eigen::Index i = 0; i < x.size(); ++i) s += tanh(x[i]) * log1p(x[i] * x[i]);
    return s;
  };
  Eigen::VectorXd x(3);
  x << 0.2, -0.7, 1.4;
  const auto report = tapegrad::gradcheck(f, x);
  CHECK(report.passed);
  CHECK(report.max_rel_error < 1e-7);
  CHECK(report.analytic.size() == 3);
  CHECK(report.numerical.size() == 3);
  std::ostringstream text;
  text << report;
  CHECK_THAT(text.str(), ContainsSubstring("gradcheck passed"));
}

namespace {
// y = 2x whose recorded backward wrongly says dy/dx = 3: gradcheck must catch it.
template <class S>
S wrong_double(const S& x) {
  if constexpr (std::is_same_v<S, Var<double>>) {
    auto& tape = *tapegrad::active_tape<double>();
    const tapegrad::Index input = x.index();
    const tapegrad::Index out =
        tape.record_custom(1, [input](double* adj, tapegrad::Index first) { adj[input] += 3.0 * adj[first]; });
    return tape.output_var(out, 2.0 * x.value());
  } else {
    return 2.0 * x;
  }
}
}  // namespace

TEST_CASE("gradcheck fails for a wrong gradient and names the worst index", "[gradcheck]") {
  auto f = [](const auto& x) {
    using S = std::decay_t<decltype(x[0])>;
    return S(x[0] * x[0] + wrong_double(S(x[1])));
  };
  Eigen::VectorXd x(2);
  x << 1.0, 2.0;
  const auto report = tapegrad::gradcheck(f, x);
  CHECK_FALSE(report.passed);
  CHECK(report.worst_index == 1);
  CHECK_CLOSE(report.analytic[1], 3.0, 1e-15);
  CHECK_CLOSE(report.numerical[1], 2.0, 1e-8);
  CHECK_CLOSE(report.max_abs_error, 1.0, 1e-8);
}

TEST_CASE("gradcheck works in float with its default tolerance", "[gradcheck]") {
  auto f = [](const auto& x) {
    using S = std::decay_t<decltype(x[0])>;
    using std::exp;
    return S(exp(x[0] * 0.5f) * x[1]);
  };
  Eigen::VectorXf x(2);
  x << 0.25f, -1.5f;
  const auto report = tapegrad::gradcheck(f, x);
  CHECK(report.passed);
}
