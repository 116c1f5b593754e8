// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// Each optimizer's first steps against a hand computation, the schedules' values and
// the learning rate that owns alpha_0 and the schedule.

#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tapegrad/optim/optim.hpp"
#include "test_support.hpp"

namespace optim = tapegrad::optim;
using Eigen::VectorXd;

namespace {
// A fixed gradient sequence (as if from three different batches).
VectorXd grad(int t) {
  switch (t) {
    case 0:
      return VectorXd{{1.0, -2.0}};
    case 1:
      return VectorXd{{0.5, 4.0}};
    default:
      return VectorXd{{-1.0, 0.25}};
  }
}
}  // namespace

TEST_CASE("GradientDescent: w <- w - alpha g", "[optim][optimizer]") {
  optim::GradientDescent<double> gd;
  VectorXd w{{1.0, 1.0}};
  gd.step(w, grad(0), 0.1);
  CHECK(w == VectorXd{{1.0 - 0.1, 1.0 + 0.2}});
  gd.step(w, grad(1), 0.5);  // the learning rate is the caller's, step by step
  CHECK_CLOSE(w[0], 0.9 - 0.25, 1e-15);
  CHECK_CLOSE(w[1], 1.2 - 2.0, 1e-15);
}

TEST_CASE("Momentum: v <- mu v + g, w <- w - alpha v (and Nesterov)", "[optim][optimizer]") {
  const double a = 0.1, mu = 0.9;
  optim::Momentum<double> heavy(mu), nesterov(mu, true);
  VectorXd w{{1.0, -1.0}}, wn = w;
  VectorXd v = VectorXd::Zero(2), w_hand = w, wn_hand = w;
  for (int t = 0; t < 3; ++t) {
    heavy.step(w, grad(t), a);
    nesterov.step(wn, grad(t), a);
    v = mu * v + grad(t);
    w_hand -= a * v;
    wn_hand -= a * (grad(t) + mu * v);
    INFO("step " << t);
    CHECK_CLOSE(w[0], w_hand[0], 1e-15);
    CHECK_CLOSE(w[1], w_hand[1], 1e-15);
    CHECK_CLOSE(wn[0], wn_hand[0], 1e-15);
    CHECK_CLOSE(wn[1], wn_hand[1], 1e-15);
  }
  // numbers written out for the first two heavy-ball steps of coordinate 0:
  // v1 = 1, w1 = 1 - 0.1 = 0.9; v2 = 0.9 + 0.5 = 1.4, w2 = 0.9 - 0.14 = 0.76
  optim::Momentum<double> m(mu);
  VectorXd x{{1.0}};
  m.step(x, VectorXd{{1.0}}, a);
  CHECK_CLOSE(x[0], 0.9, 1e-15);
  m.step(x, VectorXd{{0.5}}, a);
  CHECK_CLOSE(x[0], 0.76, 1e-15);
}

TEST_CASE("Adam: bias-corrected moments", "[optim][optimizer]") {
  const double a = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
  optim::Adam<double> adam(b1, b2, eps);
  VectorXd w{{0.5, -0.5}}, hand = w, m = VectorXd::Zero(2), v = VectorXd::Zero(2);
  for (int t = 1; t <= 3; ++t) {
    const VectorXd g = grad(t - 1);
    adam.step(w, g, a);
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g.cwiseAbs2();
    for (int i = 0; i < 2; ++i) {
      const double mhat = m[i] / (1 - std::pow(b1, t)), vhat = v[i] / (1 - std::pow(b2, t));
      hand[i] -= a * mhat / (std::sqrt(vhat) + eps);
    }
    INFO("step " << t);
    CHECK_CLOSE(w[0], hand[0], 1e-14);
    CHECK_CLOSE(w[1], hand[1], 1e-14);
  }
  // The first Adam step moves every coordinate by about alpha (mhat/sqrt(vhat) = sign g).
  optim::Adam<double> fresh;
  VectorXd x{{0.0, 0.0}};
  fresh.step(x, VectorXd{{3.0, -1e-3}}, 0.01);
  CHECK_CLOSE(x[0], -0.01, 1e-9);
  CHECK_CLOSE(x[1], 0.01, 1e-6);
  CHECK(fresh.steps() == 1);
  fresh.reset(2);
  CHECK(fresh.steps() == 0);
}

TEST_CASE("Optimizer holds any optimizer by value", "[optim][optimizer]") {
  optim::Optimizer<double> o = optim::Momentum<double>(0.5);
  optim::Optimizer<double> copy = o;
  VectorXd w{{1.0}}, w2{{1.0}};
  o.step(w, VectorXd{{1.0}}, 0.1);
  o.step(w, VectorXd{{1.0}}, 0.1);
  copy.step(w2, VectorXd{{1.0}}, 0.1);  // the copy has its own (fresh) velocity
  CHECK_CLOSE(w[0], 1.0 - 0.1 - 0.15, 1e-15);
  CHECK_CLOSE(w2[0], 0.9, 1e-15);
  CHECK(o.name() == "Momentum");
  REQUIRE(o.target<optim::Momentum<double>>() != nullptr);
  CHECK(o.target<optim::Adam<double>>() == nullptr);
  CHECK_THROWS_WITH(o.step(w, VectorXd{{1.0, 2.0}}, 0.1), ContainsSubstring("the gradient has 2 entries but w has 1"));
}

// Parts as train() hands them to checked_step: here three uneven parts, each on its own
// thread (the bounds are not multiples of the chunk or of a vector).
const optim::Parts three_threads = [](Eigen::Index n, optim::PartBody body) {
  const Eigen::Index bounds[] = {0, n / 4 + 3, 2 * n / 3 - 5, n};
  std::vector<char> ok(3, 0);
  std::vector<std::thread> threads;
  for (int p = 0; p < 3; ++p) threads.emplace_back([&, p] { ok[p] = body(bounds[p], bounds[p + 1]) ? 1 : 0; });
  for (auto& t : threads) t.join();
  return ok[0] && ok[1] && ok[2];
};

// A user's optimizer without checked_step that clips the gradient: a non-finite g would
// give a finite w, so the generic checked_step must look at g itself.
struct ClippedDescent {
  void reset(Eigen::Index) {}
  void step(Eigen::Ref<VectorXd> w, const Eigen::Ref<const VectorXd>& g, double alpha) {
    w -= alpha * g.cwiseMax(-1.0).cwiseMin(1.0);
  }
  static const char* name() { return "ClippedDescent"; }
};

// checked_step: the step, the old w in the backup and whether the new w is finite, in
// one pass over chunks of 512. 1,300 entries: two whole chunks and a partial one.
TEST_CASE("checked_step equals step, keeps the old w, and sees a non-finite update in any chunk",
          "[optim][optimizer]") {
  const Eigen::Index n = 1300;
  const VectorXd w0 = VectorXd::LinSpaced(n, -2.0, 3.0), g = VectorXd::LinSpaced(n, 1.0, -0.5);
  auto check_same = [&](optim::Optimizer<double> plain, optim::Optimizer<double> checked,
                        optim::Optimizer<double> by_parts) {
    VectorXd w1 = w0, w2 = w0, w3 = w0, backup, backup3;
    for (int t = 0; t < 3; ++t) {  // three steps: the state (velocity, moments) carries over
      INFO(plain.name() << ", step " << t);
      const VectorXd before = w2;
      plain.step(w1, g * double(t + 1), 0.05);
      CHECK(checked.checked_step(w2, g * double(t + 1), 0.05, backup));
      CHECK(by_parts.checked_step(w3, g * double(t + 1), 0.05, backup3, &three_threads));
      CHECK(backup == before);
      CHECK(backup3 == before);
      CHECK((w2 - w1).cwiseAbs().maxCoeff() <= 1e-15 * w1.cwiseAbs().maxCoeff());
      CHECK(w3 == w2);  // the parts do the chunks' arithmetic: bit for bit
    }
  };
  check_same(optim::GradientDescent<double>(), optim::GradientDescent<double>(), optim::GradientDescent<double>());
  check_same(optim::Momentum<double>(0.9), optim::Momentum<double>(0.9), optim::Momentum<double>(0.9));
  check_same(optim::Momentum<double>(0.8, true), optim::Momentum<double>(0.8, true),
             optim::Momentum<double>(0.8, true));
  check_same(optim::Adam<double>(), optim::Adam<double>(), optim::Adam<double>());
  check_same(ClippedDescent(), ClippedDescent(), ClippedDescent());  // the generic path (parts ignored)
  // A gradient that overflows w in one entry (in the first, middle or partial chunk):
  // false, and the backup holds every old entry (the update itself went through).
  for (const Eigen::Index at : {Eigen::Index(0), Eigen::Index(700), n - 1}) {
    INFO("overflow at " << at);
    VectorXd huge = g;
    huge[at] = 1e308;
    for (optim::Optimizer<double> o : {optim::Optimizer<double>(optim::GradientDescent<double>()),
                                       optim::Optimizer<double>(optim::Momentum<double>()),
                                       optim::Optimizer<double>(optim::Adam<double>(0.9, 0.999, 1e-300))}) {
      INFO(o.name());
      VectorXd w = w0, backup;
      w[at] = -1e308;  // -1e308 - alpha * (a huge positive step) is -Inf for GD and Momentum
      const VectorXd before = w;
      const bool finite = o.checked_step(w, huge, 1e10, backup);
      CHECK(backup == before);
      CHECK(finite == tapegrad::optim::detail::all_finite(w));
      if (o.name() != std::string("Adam")) CHECK_FALSE(finite);
    }
  }
  // A non-finite gradient entry (the step loop does not check g before checked_step):
  // the new w is not finite for every optimizer, the clipping one included, with and
  // without parts, and the backup is whole.
  const double inf = std::numeric_limits<double>::infinity();
  for (const double bad : {inf, -inf, std::numeric_limits<double>::quiet_NaN()})
    for (const Eigen::Index at : {Eigen::Index(0), Eigen::Index(700), n - 1})
      for (const optim::Parts* parts : {static_cast<const optim::Parts*>(nullptr), &three_threads})
        for (optim::Optimizer<double> o :
             {optim::Optimizer<double>(optim::GradientDescent<double>()),
              optim::Optimizer<double>(optim::Momentum<double>()),
              optim::Optimizer<double>(optim::Momentum<double>(0.5, true)),
              optim::Optimizer<double>(optim::Adam<double>()), optim::Optimizer<double>(ClippedDescent())}) {
          INFO(o.name() << ", g = " << bad << " at " << at << (parts ? ", by parts" : ""));
          VectorXd w = w0, backup, gb = g;
          gb[at] = bad;
          CHECK_FALSE(o.checked_step(w, gb, 0.05, backup, parts));
          CHECK(backup == w0);
        }
}

TEST_CASE("optimizer arguments are checked", "[optim][optimizer]") {
  CHECK_THROWS_WITH(optim::LearningRate<double>(0.0),
                    ContainsSubstring("learning_rate is 0; expected a finite number > 0"));
  CHECK_THROWS_WITH(optim::LearningRate<double>(-0.5), ContainsSubstring("learning_rate is -0.5"));
  CHECK_THROWS_WITH(optim::LearningRate<double>(std::nan("")), ContainsSubstring("learning_rate is NaN"));
  CHECK_THROWS_WITH(optim::Momentum<double>(1.0), ContainsSubstring("momentum is 1; expected a number in [0, 1)"));
  CHECK_THROWS_WITH(optim::Adam<double>(-0.1), ContainsSubstring("Adam: beta1 is -0.1"));
  CHECK_THROWS_WITH(optim::Adam<double>(0.9, 1.5), ContainsSubstring("beta2 is 1.5"));
  CHECK_THROWS_WITH(optim::Adam<double>(0.9, 0.999, 0.0), ContainsSubstring("epsilon is 0"));
}

TEST_CASE("schedules: constant, step, exponential, inverse-time", "[optim][schedule]") {
  const double a0 = 0.8;
  const optim::Schedule<double> constant;
  const optim::Schedule<double> step = optim::StepDecay<double>(3, 0.5);
  const optim::Schedule<double> expo = optim::ExponentialDecay<double>(0.9);
  const optim::Schedule<double> inv = optim::InverseTimeDecay<double>(0.5);
  const double step_expected[] = {0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2};
  for (int t = 0; t < 7; ++t) {
    INFO("t = " << t);
    CHECK(constant(a0, t) == a0);
    CHECK_CLOSE(step(a0, t), step_expected[t], 1e-15);
    CHECK_CLOSE(expo(a0, t), a0 * std::pow(0.9, t), 1e-15);
    CHECK_CLOSE(inv(a0, t), a0 / (1.0 + 0.5 * t), 1e-15);
  }
  CHECK_CLOSE(inv(a0, 2), 0.4, 1e-15);
  const optim::Schedule<double> custom = [](double alpha0, std::int64_t t) { return alpha0 / double(t + 1); };
  CHECK(custom(1.0, 3) == 0.25);
  CHECK_THROWS_WITH(optim::StepDecay<double>(0, 0.5), ContainsSubstring("step_size is 0; expected >= 1"));
  CHECK_THROWS_WITH(optim::StepDecay<double>(2, 1.5), ContainsSubstring("gamma is 1.5; expected a number in (0, 1]"));
  CHECK_THROWS_WITH(optim::ExponentialDecay<double>(0.0), ContainsSubstring("gamma is 0"));
  CHECK_THROWS_WITH(optim::InverseTimeDecay<double>(-1.0), ContainsSubstring("k is -1; expected a finite number >= 0"));
}

TEST_CASE("LearningRate: alpha_0 and a schedule, alpha_t checked", "[optim][schedule]") {
  const optim::LearningRate<double> constant = 0.3;  // implicit from alpha_0
  CHECK(constant.initial() == 0.3);
  CHECK(constant.at(0, "test") == 0.3);
  CHECK(constant.at(1000, "test") == 0.3);
  const optim::LearningRate<double> decaying{0.8, optim::StepDecay<double>(3, 0.5)};
  CHECK(decaying.at(2, "test") == 0.8);
  CHECK(decaying.at(3, "test") == 0.4);
  CHECK(decaying.schedule()(0.8, 6) == 0.2);
  // a schedule may reach 0, never a negative or non-finite rate
  const optim::LearningRate<double> to_zero{1.0, [](double a, std::int64_t t) { return t < 2 ? a : 0.0; }};
  CHECK(to_zero.at(5, "test") == 0.0);
  const optim::LearningRate<double> negative{1.0, [](double a, std::int64_t t) { return a - 0.6 * double(t); }};
  CHECK(negative.at(1, "test") == 0.4);
  CHECK_THROWS_WITH(
      negative.at(2, "who"),
      ContainsSubstring("who: the schedule gives learning rate -0.2 at t = 2; expected a finite number >= 0"));
  const optim::LearningRate<double> nan{1.0, [](double, std::int64_t) { return std::nan(""); }};
  CHECK_THROWS_WITH(nan.at(0, "who"), ContainsSubstring("learning rate NaN at t = 0"));
}
