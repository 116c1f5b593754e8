// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// optim/schedule.hpp: the four schedules against their closed forms at several t, their
// argument checks and messages, Schedule wrapping any callable, and LearningRate (alpha_0
// from a plain number, its check, alpha_t checked by at() and check_first()), in float
// and double.

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <stdexcept>

#include "tapegrad/optim/schedule.hpp"
#include "test_support.hpp"

namespace schedule_tests {

namespace optim = tapegrad::optim;

// Counts t in a schedule's closed forms: 0, the first few, and far out.
const std::int64_t kCounts[] = {0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 99, 100, 1000};

// Tolerance for a schedule value computed in T against long double.
template <class T>
constexpr double rate_tol() {
  return std::numeric_limits<T>::digits <= 24 ? 1e-6 : 1e-14;
}

TEMPLATE_TEST_CASE("ConstantRate: alpha_t = alpha_0 at every t", "[optim][schedule]", float, double) {
  using T = TestType;
  const optim::ConstantRate<T> constant;
  for (const T a0 : {T(0.5), T(1e-3), T(7)})
    for (const std::int64_t t : kCounts) CHECK(constant(a0, t) == a0);
  CHECK(constant(T(0.25), std::numeric_limits<std::int64_t>::max()) == T(0.25));
}

TEMPLATE_TEST_CASE("StepDecay: alpha_0 gamma^floor(t / step_size)", "[optim][schedule]", float, double) {
  using T = TestType;
  const T a0 = T(0.8);
  for (const std::int64_t s : {std::int64_t{1}, std::int64_t{3}, std::int64_t{10}}) {
    for (const T gamma : {T(0.5), T(0.9), T(1)}) {
      const optim::StepDecay<T> step(s, gamma);
      CHECK(step.step_size == s);
      CHECK(step.gamma == gamma);
      for (const std::int64_t t : kCounts) {
        INFO("step_size " << s << ", gamma " << double(gamma) << ", t " << t);
        const long double expected =
            static_cast<long double>(a0) * std::pow(static_cast<long double>(gamma), static_cast<long double>(t / s));
        CHECK_CLOSE(step(a0, t), expected, rate_tol<T>());
      }
    }
  }
  // By hand: step_size 3, gamma 1/2: 0.8 for t < 3, then halved every 3 counts.
  const optim::StepDecay<T> halve(3, T(0.5));
  const double by_hand[] = {0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2, 0.2, 0.2, 0.1};
  for (std::int64_t t = 0; t < 10; ++t) CHECK_CLOSE(halve(a0, t), by_hand[t], rate_tol<T>());
  // The rate is constant inside a step and drops exactly at its end.
  CHECK(halve(a0, 5) == halve(a0, 3));
  CHECK(halve(a0, 6) < halve(a0, 5));
  // gamma = 1: no decay at all.
  CHECK(optim::StepDecay<T>(2, T(1))(a0, 1000) == a0);
}

TEMPLATE_TEST_CASE("ExponentialDecay: alpha_0 gamma^t", "[optim][schedule]", float, double) {
  using T = TestType;
  for (const T gamma : {T(0.5), T(0.9), T(0.999), T(1)}) {
    const optim::ExponentialDecay<T> expo(gamma);
    CHECK(expo.gamma == gamma);
    for (const T a0 : {T(0.1), T(2)})
      for (const std::int64_t t : kCounts) {
        INFO("gamma " << double(gamma) << ", alpha_0 " << double(a0) << ", t " << t);
        const long double expected =
            static_cast<long double>(a0) * std::pow(static_cast<long double>(gamma), static_cast<long double>(t));
        CHECK_CLOSE(expo(a0, t), expected, rate_tol<T>());
      }
  }
  const optim::ExponentialDecay<T> half(T(0.5));
  CHECK(half(T(1), 0) == T(1));
  CHECK(half(T(1), 1) == T(0.5));
  CHECK(half(T(1), 4) == T(0.0625));
  // Each step multiplies by gamma: the ratio of consecutive rates is gamma.
  const optim::ExponentialDecay<T> slow(T(0.9));
  for (std::int64_t t = 0; t < 20; ++t) CHECK_CLOSE(slow(T(1), t + 1) / slow(T(1), t), 0.9, rate_tol<T>());
}

TEMPLATE_TEST_CASE("InverseTimeDecay: alpha_0 / (1 + k t)", "[optim][schedule]", float, double) {
  using T = TestType;
  for (const T k : {T(0), T(0.5), T(1e-3), T(3)}) {
    const optim::InverseTimeDecay<T> inv(k);
    CHECK(inv.k == k);
    for (const std::int64_t t : kCounts) {
      INFO("k " << double(k) << ", t " << t);
      const long double expected = 0.3L / (1 + static_cast<long double>(k) * static_cast<long double>(t));
      CHECK_CLOSE(inv(T(0.3), t), expected, rate_tol<T>());
    }
  }
  const optim::InverseTimeDecay<T> half(T(0.5));
  CHECK(half(T(1), 2) == T(0.5));  // 1 / (1 + 1)
  CHECK(half(T(1), 6) == T(0.25));
  CHECK(optim::InverseTimeDecay<T>(T(0))(T(0.7), 1000000) == T(0.7));  // k = 0: constant
  // The Robbins-Monro schedule: alpha_t t tends to alpha_0 / k.
  CHECK_CLOSE(half(T(1), 1000000) * T(1000000), 2.0, 1e-5);
}

TEST_CASE("the schedules refuse bad arguments, naming the value", "[optim][schedule]") {
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  CHECK_THROWS_AS(optim::StepDecay<double>(0, 0.5), std::invalid_argument);
  CHECK_THROWS_WITH(optim::StepDecay<double>(0, 0.5), "tapegrad: StepDecay: step_size is 0; expected >= 1");
  CHECK_THROWS_WITH(optim::StepDecay<double>(-4, 0.5), "tapegrad: StepDecay: step_size is -4; expected >= 1");
  CHECK_THROWS_WITH(optim::StepDecay<double>(2, 0.0), "tapegrad: StepDecay: gamma is 0; expected a number in (0, 1]");
  CHECK_THROWS_WITH(optim::StepDecay<double>(2, -0.5),
                    "tapegrad: StepDecay: gamma is -0.5; expected a number in (0, 1]");
  CHECK_THROWS_WITH(optim::StepDecay<double>(2, 1.25),
                    "tapegrad: StepDecay: gamma is 1.25; expected a number in (0, 1]");
  CHECK_THROWS_WITH(optim::StepDecay<double>(2, nan), "tapegrad: StepDecay: gamma is NaN; expected a number in (0, 1]");
  CHECK_THROWS_WITH(optim::StepDecay<double>(2, inf), "tapegrad: StepDecay: gamma is Inf; expected a number in (0, 1]");
  // step_size is checked first.
  CHECK_THROWS_WITH(optim::StepDecay<double>(0, 2.0), ContainsSubstring("step_size is 0"));
  CHECK_NOTHROW(optim::StepDecay<double>(1, 1.0));  // both ends of the ranges are allowed
  CHECK_NOTHROW(optim::StepDecay<double>(1, 1e-300));

  CHECK_THROWS_AS(optim::ExponentialDecay<double>(0.0), std::invalid_argument);
  CHECK_THROWS_WITH(optim::ExponentialDecay<double>(0.0),
                    "tapegrad: ExponentialDecay: gamma is 0; expected a number in (0, 1]");
  CHECK_THROWS_WITH(optim::ExponentialDecay<double>(-1.0),
                    "tapegrad: ExponentialDecay: gamma is -1; expected a number in (0, 1]");
  CHECK_THROWS_WITH(optim::ExponentialDecay<double>(1.5),
                    "tapegrad: ExponentialDecay: gamma is 1.5; expected a number in (0, 1]");
  CHECK_THROWS_WITH(optim::ExponentialDecay<double>(nan),
                    "tapegrad: ExponentialDecay: gamma is NaN; expected a number in (0, 1]");
  CHECK_NOTHROW(optim::ExponentialDecay<double>(1.0));

  CHECK_THROWS_AS(optim::InverseTimeDecay<double>(-1.0), std::invalid_argument);
  CHECK_THROWS_WITH(optim::InverseTimeDecay<double>(-1.0),
                    "tapegrad: InverseTimeDecay: k is -1; expected a finite number >= 0");
  CHECK_THROWS_WITH(optim::InverseTimeDecay<double>(-1e-9),
                    "tapegrad: InverseTimeDecay: k is -1e-09; expected a finite number >= 0");
  CHECK_THROWS_WITH(optim::InverseTimeDecay<double>(nan),
                    "tapegrad: InverseTimeDecay: k is NaN; expected a finite number >= 0");
  CHECK_THROWS_WITH(optim::InverseTimeDecay<double>(inf),
                    "tapegrad: InverseTimeDecay: k is Inf; expected a finite number >= 0");
  CHECK_NOTHROW(optim::InverseTimeDecay<double>(0.0));

  // float: the same checks and messages.
  CHECK_THROWS_WITH(optim::StepDecay<float>(0, 0.5f), "tapegrad: StepDecay: step_size is 0; expected >= 1");
  CHECK_THROWS_WITH(optim::StepDecay<float>(3, 1.5f), "tapegrad: StepDecay: gamma is 1.5; expected a number in (0, 1]");
  CHECK_THROWS_WITH(optim::ExponentialDecay<float>(-0.25f),
                    "tapegrad: ExponentialDecay: gamma is -0.25; expected a number in (0, 1]");
  CHECK_THROWS_WITH(optim::InverseTimeDecay<float>(-2.0f),
                    "tapegrad: InverseTimeDecay: k is -2; expected a finite number >= 0");
  CHECK_THROWS_WITH(optim::InverseTimeDecay<float>(std::numeric_limits<float>::infinity()),
                    "tapegrad: InverseTimeDecay: k is Inf; expected a finite number >= 0");
}

// A schedule as a plain function.
double warmup_then_halve(const double& alpha0, std::int64_t t) {
  return t < 2 ? alpha0 * double(t + 1) / 2 : alpha0 / 2;
}

TEST_CASE("Schedule wraps any callable (alpha_0, t) -> alpha_t", "[optim][schedule]") {
  const optim::Schedule<double> constant;  // the default: ConstantRate
  for (const std::int64_t t : kCounts) CHECK(constant(0.3, t) == 0.3);

  // Both arguments reach the callable, in order.
  const optim::Schedule<double> echo = [](const double& alpha0, std::int64_t t) { return 1000 * alpha0 + double(t); };
  CHECK(echo(2.0, 7) == 2007.0);
  CHECK(echo(0.5, 0) == 500.0);

  // The schedule objects convert implicitly and keep their closed forms.
  const optim::Schedule<double> step = optim::StepDecay<double>(2, 0.5);
  CHECK(step(1.0, 1) == 1.0);
  CHECK(step(1.0, 2) == 0.5);
  CHECK(step(1.0, 5) == 0.25);
  const optim::Schedule<double> inv = optim::InverseTimeDecay<double>(0.25);
  CHECK(inv(1.0, 4) == 0.5);

  // A plain function, and a lambda with state of its own (a table of rates).
  const optim::Schedule<double> fn = &warmup_then_halve;
  CHECK(fn(0.8, 0) == 0.4);
  CHECK(fn(0.8, 1) == 0.8);
  CHECK(fn(0.8, 9) == 0.4);
  const double table[] = {1.0, 0.5, 0.25};
  const optim::Schedule<double> piecewise = [table](double alpha0, std::int64_t t) {
    return alpha0 * table[t < 3 ? t : 2];
  };
  CHECK(piecewise(0.2, 0) == 0.2);
  CHECK(piecewise(0.2, 1) == 0.1);
  CHECK(piecewise(0.2, 50) == 0.05);

  // A copy holds a copy of the callable: the original may go away.
  optim::Schedule<double> copy;
  {
    const auto counter = std::make_shared<int>(0);
    const optim::Schedule<double> counting = [counter](double a, std::int64_t) {
      ++*counter;
      return a;
    };
    copy = counting;
    CHECK(counting(1.0, 0) == 1.0);
    CHECK(*counter == 1);
  }
  CHECK(copy(3.0, 4) == 3.0);  // the captured counter lives on in the copy

  // float
  const optim::Schedule<float> fstep = optim::StepDecay<float>(1, 0.5f);
  CHECK(fstep(1.0f, 3) == 0.125f);
  const optim::Schedule<float> flambda = [](float a, std::int64_t t) { return a / float(t + 1); };
  CHECK(flambda(1.0f, 3) == 0.25f);
}

TEMPLATE_TEST_CASE("LearningRate: alpha_0 from a plain number, or with a schedule", "[optim][schedule]", float,
                   double) {
  using T = TestType;
  const optim::LearningRate<T> by_default;
  CHECK(by_default.initial() == T(0.01));
  CHECK(by_default.at(0, "test") == T(0.01));
  CHECK(by_default.at(1000, "test") == T(0.01));

  const optim::LearningRate<T> implicit = T(0.05);  // a plain number converts implicitly
  CHECK(implicit.initial() == T(0.05));
  for (const std::int64_t t : kCounts) CHECK(implicit.at(t, "test") == T(0.05));
  CHECK(implicit.schedule()(T(0.05), 7) == T(0.05));  // the constant schedule

  optim::LearningRate<T> assigned;
  assigned = T(0.125);  // so `options.learning_rate = 0.125;` works
  CHECK(assigned.initial() == T(0.125));
  CHECK(assigned.at(3, "test") == T(0.125));

  const optim::LearningRate<T> step{T(0.8), optim::StepDecay<T>(3, T(0.5))};
  CHECK(step.initial() == T(0.8));
  const double expected[] = {0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2};
  for (std::int64_t t = 0; t < 7; ++t) CHECK_CLOSE(step.at(t, "test"), expected[t], rate_tol<T>());
  CHECK_CLOSE(step.schedule()(T(1), 3), 0.5, rate_tol<T>());  // the schedule alone, any alpha_0

  const optim::LearningRate<T> inv{T(0.6), optim::InverseTimeDecay<T>(T(0.5))};
  for (const std::int64_t t : kCounts)
    CHECK_CLOSE(inv.at(t, "test"), static_cast<long double>(T(0.6)) / (1 + 0.5L * static_cast<long double>(t)),
                rate_tol<T>());

  const optim::LearningRate<T> expo{T(0.2), optim::ExponentialDecay<T>(T(0.9))};
  for (const std::int64_t t : kCounts)
    CHECK_CLOSE(
        expo.at(t, "test"),
        static_cast<long double>(T(0.2)) * std::pow(static_cast<long double>(T(0.9)), static_cast<long double>(t)),
        rate_tol<T>());

  // A copy is independent and equal.
  const optim::LearningRate<T> copy = step;
  CHECK(copy.initial() == T(0.8));
  CHECK(copy.at(6, "test") == step.at(6, "test"));
}

TEMPLATE_TEST_CASE("LearningRate refuses alpha_0 <= 0 or not finite", "[optim][schedule]", float, double) {
  using T = TestType;
  const T nan = std::numeric_limits<T>::quiet_NaN(), inf = std::numeric_limits<T>::infinity();
  CHECK_THROWS_AS(optim::LearningRate<T>(T(0)), std::invalid_argument);
  CHECK_THROWS_WITH(optim::LearningRate<T>(T(0)), "tapegrad: learning_rate is 0; expected a finite number > 0");
  CHECK_THROWS_WITH(optim::LearningRate<T>(T(-0.5)), "tapegrad: learning_rate is -0.5; expected a finite number > 0");
  CHECK_THROWS_WITH(optim::LearningRate<T>(nan), "tapegrad: learning_rate is NaN; expected a finite number > 0");
  CHECK_THROWS_WITH(optim::LearningRate<T>(inf), "tapegrad: learning_rate is Inf; expected a finite number > 0");
  CHECK_THROWS_WITH(optim::LearningRate<T>(-inf), "tapegrad: learning_rate is -Inf; expected a finite number > 0");
  // With a schedule too: alpha_0 is checked whatever the schedule.
  CHECK_THROWS_WITH((optim::LearningRate<T>(T(0), optim::StepDecay<T>(2, T(0.5)))),
                    "tapegrad: learning_rate is 0; expected a finite number > 0");
  CHECK_THROWS_WITH((optim::LearningRate<T>(T(-2), [](T a, std::int64_t) { return -a; })),
                    "tapegrad: learning_rate is -2; expected a finite number > 0");
  // Small but positive is fine.
  CHECK(optim::LearningRate<T>(std::numeric_limits<T>::min()).initial() == std::numeric_limits<T>::min());
}

TEMPLATE_TEST_CASE("LearningRate::at refuses a negative or non-finite alpha_t, naming who and t", "[optim][schedule]",
                   float, double) {
  using T = TestType;
  // 1 - t/4: 1, 0.75, 0.5, 0.25, 0, then negative.
  const optim::LearningRate<T> falling{T(1), [](T a, std::int64_t t) { return a - T(0.25) * T(t); }};
  CHECK(falling.at(1, "who") == T(0.75));
  CHECK(falling.at(4, "who") == T(0));  // 0 is allowed: a schedule may stop
  CHECK_THROWS_AS(falling.at(5, "who"), std::invalid_argument);
  CHECK_THROWS_WITH(falling.at(5, "who"),
                    "tapegrad: who: the schedule gives learning rate -0.25 at t = 5; expected a finite number >= 0");
  CHECK_THROWS_WITH(falling.at(6, "train"),
                    "tapegrad: train: the schedule gives learning rate -0.5 at t = 6; expected a finite number >= 0");

  const optim::LearningRate<T> nan_at_3{
      T(0.5), [](T a, std::int64_t t) { return t == 3 ? std::numeric_limits<T>::quiet_NaN() : a; }};
  CHECK(nan_at_3.at(2, "who") == T(0.5));
  CHECK_THROWS_WITH(nan_at_3.at(3, "minimize"),
                    "tapegrad: minimize: the schedule gives learning rate NaN at t = 3; expected a finite number >= 0");
  CHECK(nan_at_3.at(4, "who") == T(0.5));

  const optim::LearningRate<T> overflow{
      T(0.5), [](T a, std::int64_t t) { return t == 1 ? std::numeric_limits<T>::infinity() : a; }};
  CHECK_THROWS_WITH(overflow.at(1, "who"),
                    "tapegrad: who: the schedule gives learning rate Inf at t = 1; expected a finite number >= 0");
  // A large t is named exactly.
  const optim::LearningRate<T> late{T(0.5), [](T a, std::int64_t t) { return t >= 1234567890123 ? -a : a; }};
  CHECK(late.at(1234567890122, "who") == T(0.5));
  CHECK_THROWS_WITH(late.at(1234567890123, "who"), ContainsSubstring("learning rate -0.5 at t = 1234567890123;"));
}

TEMPLATE_TEST_CASE("LearningRate::check_first checks t = 0 .. count - 1 and names the first bad t", "[optim][schedule]",
                   float, double) {
  using T = TestType;
  auto calls = std::make_shared<std::int64_t>(0);
  // Fine for t < 5, negative from t = 5 on, NaN from t = 8 on.
  const optim::LearningRate<T> rate{T(1), [calls](T a, std::int64_t t) {
                                      ++*calls;
                                      if (t >= 8) return std::numeric_limits<T>::quiet_NaN();
                                      return t >= 5 ? -a : a;
                                    }};
  CHECK_NOTHROW(rate.check_first(0, "who"));  // nothing to check
  CHECK(*calls == 0);
  CHECK_NOTHROW(rate.check_first(5, "who"));  // t = 0 .. 4
  CHECK(*calls == 5);                         // one call per t
  *calls = 0;
  CHECK_THROWS_AS(rate.check_first(6, "who"), std::invalid_argument);
  CHECK(*calls == 6);
  *calls = 0;
  // Up to t = 99 planned: refused at t = 5, the first bad one (not at the NaN of t = 8),
  // and no schedule call after it.
  CHECK_THROWS_WITH(rate.check_first(100, "train"),
                    "tapegrad: train: the schedule gives learning rate -1 at t = 5; expected a finite number >= 0");
  CHECK(*calls == 6);

  // A schedule that is bad from the start is refused at t = 0.
  const optim::LearningRate<T> bad{T(1), [](T, std::int64_t) { return T(-1); }};
  CHECK_THROWS_WITH(bad.check_first(1, "who"),
                    "tapegrad: who: the schedule gives learning rate -1 at t = 0; expected a finite number >= 0");
  // The built-in schedules pass for any count.
  const optim::LearningRate<T> step{T(0.1), optim::StepDecay<T>(10, T(0.5))};
  CHECK_NOTHROW(step.check_first(1000, "who"));
  const optim::LearningRate<T> inv{T(0.1), optim::InverseTimeDecay<T>(T(2))};
  CHECK_NOTHROW(inv.check_first(1000, "who"));
}

}  // namespace schedule_tests
