// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// The line searches: backtracking against a hand computation, the strong-Wolfe search
// judged by the conditions themselves (computed here from phi, independently of the
// search), on Moré and Thuente's own test functions and on a function with a domain.

#include <cmath>
#include <stdexcept>
#include <vector>

#include "tapegrad/optim/line_search.hpp"
#include "test_support.hpp"

namespace optim = tapegrad::optim;

namespace {
// phi(a) = (a - 2)^2: the minimizer of L(w) = (w - 2)^2 along p = 1 from w = 0.
optim::LinePoint<double> parabola(double a) { return {a, (a - 2) * (a - 2), 2 * (a - 2)}; }

bool strong_wolfe_holds(const optim::LinePoint<double>& start, const optim::LinePoint<double>& t, double c1,
                        double c2) {
  return t.value <= start.value + c1 * t.alpha * start.slope && std::abs(t.slope) <= c2 * std::abs(start.slope);
}
}  // namespace

TEST_CASE("backtracking halves alpha until the Armijo condition holds", "[optim][line_search]") {
  // From alpha = 8: phi(8) = 36 and phi(4) = 4 exceed phi(0) + 1e-4 alpha phi'(0) = 4 - 4e-4 alpha;
  // phi(2) = 0 does not. Three trials, alpha = 2.
  int calls = 0;
  auto phi = [&](double a) { return ++calls, parabola(a); };
  const auto r = optim::backtracking(phi, parabola(0), 8.0, 1e10);
  CHECK(r.found);
  CHECK(r.point.alpha == 2.0);
  CHECK(r.evaluations == 3);
  CHECK(calls == 3);
  // alpha_max caps the first trial; shrink 0.25 takes other steps: 8 -> 2 at once.
  optim::LineSearchOptions<double> o;
  o.shrink = 0.25;
  CHECK(optim::backtracking(parabola, parabola(0), 8.0, 1e10, o).evaluations == 2);
  CHECK(optim::backtracking(parabola, parabola(0), 8.0, 3.0).point.alpha == 3.0);
  // No decrease is possible along an ascent direction: found = false after max_evaluations.
  auto up = [](double a) { return optim::LinePoint<double>{a, a, 1.0}; };
  const auto none = optim::backtracking(up, optim::LinePoint<double>{0, 0, -1}, 1.0, 1e10);
  CHECK_FALSE(none.found);
  CHECK(none.evaluations == 20);
}

TEST_CASE("strong Wolfe: accepted points satisfy both conditions", "[optim][line_search]") {
  for (const double alpha0 : {1e-3, 0.1, 1.0, 3.9, 100.0}) {
    INFO("alpha0 = " << alpha0);
    const auto r = optim::strong_wolfe(parabola, parabola(0), alpha0, 1e10);
    REQUIRE(r.found);
    CHECK(strong_wolfe_holds(parabola(0), r.point, 1e-4, 0.9));
    CHECK(r.point.value == parabola(r.point.alpha).value);  // the returned point is the last evaluated
  }
  // alpha = 1 already satisfies them: one evaluation.
  CHECK(optim::strong_wolfe(parabola, parabola(0), 1.0, 1e10).evaluations == 1);
}

TEST_CASE("strong Wolfe on Moré and Thuente's test functions", "[optim][line_search]") {
  // Their functions (1) phi(a) = -a / (a^2 + b), b = 2, and (2) phi(a) = (a + b)^5 - 2 (a + b)^4, b = 0.004,
  // with their c1 = 1e-3 and c2 = 0.1 (1) or 0.1 (2), from alpha0 = 1e-3, 1e-1, 10, 1000.
  auto f1 = [](double a) {
    const double d = a * a + 2;
    return optim::LinePoint<double>{a, -a / d, (a * a - 2) / (d * d)};
  };
  auto f2 = [](double a) {
    const double x = a + 0.004;
    return optim::LinePoint<double>{a, std::pow(x, 5) - 2 * std::pow(x, 4), 5 * std::pow(x, 4) - 8 * std::pow(x, 3)};
  };
  optim::LineSearchOptions<double> o;
  o.c1 = 1e-3;
  o.c2 = 0.1;
  for (const double alpha0 : {1e-3, 1e-1, 10.0, 1000.0}) {
    INFO("alpha0 = " << alpha0);
    const auto r1 = optim::strong_wolfe(f1, f1(0), alpha0, 1e10, o);
    REQUIRE(r1.found);
    CHECK(strong_wolfe_holds(f1(0), r1.point, o.c1, o.c2));
    CHECK(r1.evaluations <= 10);
    const auto r2 = optim::strong_wolfe(f2, f2(0), alpha0, 1e10, o);
    REQUIRE(r2.found);
    CHECK(strong_wolfe_holds(f2(0), r2.point, o.c1, o.c2));
    CHECK(r2.evaluations <= 15);
  }
}

TEST_CASE("strong Wolfe retreats from points outside f's domain", "[optim][line_search]") {
  // phi(a) = -log(3 - a) + a^2 / 2 - ... undefined (NaN) for a >= 3; the minimizer is a = 1.38.
  std::vector<double> tried;
  auto phi = [&](double a) {
    tried.push_back(a);
    const double v = a < 3 ? -std::log(3 - a) + a * a / 2 - 2 * a : std::nan("");
    return optim::LinePoint<double>{a, v, a < 3 ? 1 / (3 - a) + a - 2 : std::nan("")};
  };
  const optim::LinePoint<double> start{0, -std::log(3.0), 1.0 / 3.0 - 2};
  const auto r = optim::strong_wolfe(phi, start, 10.0, 1e10);
  REQUIRE(r.found);
  CHECK(tried.front() == 10.0);  // NaN there
  CHECK(r.point.alpha < 3.0);
  CHECK(strong_wolfe_holds(start, r.point, 1e-4, 0.9));
}

TEST_CASE("line search options are checked", "[optim][line_search]") {
  optim::LineSearchOptions<double> o;
  o.c1 = 0.95;  // c1 >= c2
  CHECK_THROWS_WITH(optim::detail::check_line_search(o, "who"), ContainsSubstring("expected 0 < c1 < c2 < 1"));
  o = {};
  o.shrink = 1.0;
  CHECK_THROWS_WITH(optim::detail::check_line_search(o, "who"), ContainsSubstring("shrink is 1"));
  o = {};
  o.max_evaluations = 0;
  CHECK_THROWS_AS(optim::detail::check_line_search(o, "who"), std::invalid_argument);
}
