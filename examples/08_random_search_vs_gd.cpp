// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
//
// Example 8: why gradients? Random search and a genetic algorithm against gradient
// descent on the same loss, counting loss evaluations.
//
// The loss is the mean squared error of a linear model on 200 synthetic examples (fixed
// seeds) with 5, 20 and 50 weights. Each method runs until the loss has come 99.9% of
// the way from L(0) to the optimum L*: random search (perturb the weights, keep the
// change if the loss falls, adapt the step by the 1/5 success rule); a genetic
// algorithm (30 members, tournaments, blend crossover, mutation, the best one kept);
// gradient descent (w <- w - 0.1 grad L; a step counts 2 evaluations: forward and
// backward). Without a gradient a method must guess directions, and its cost grows
// with the number of weights; the gradient gives every partial derivative at once.
//
// Writes 08_random_search_vs_gd.csv and .svg: best loss so far minus L*, 50 weights.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include <Eigen/Cholesky>

#include "common/expect.hpp"
#include "common/plot.hpp"
#include "tapegrad/tapegrad.hpp"

namespace {

using Vector = Eigen::VectorXd;
constexpr int kExamples = 200, kBudget = 1000000;

/// Uniform and normal numbers from mt19937_64 bits: the same on every platform
/// (std's distributions may differ between standard libraries).
struct Rng {
  std::mt19937_64 bits;
  double uniform() { return double(bits() >> 11) * 0x1.0p-53; }
  double normal() {  // Box-Muller
    return std::sqrt(-2.0 * std::log(1.0 - uniform())) * std::cos(6.283185307179586 * uniform());
  }
};

/// y = x w_true + noise(0.1), x with a column of ones and standard normal features.
struct Problem {
  Eigen::MatrixXd x;
  Vector y;
  double L_star = 0, L0 = 0;
  // Mean squared error of a Vector, or of a vector of Var for the tape. The return type is
  // spelled out so the tape version returns a Var (the statement recorded here), not an
  // expression that the caller records.
  template <class V>
  typename V::Scalar loss(const V& w) const {
    return (y - x * w).squaredNorm() / double(kExamples);
  }
  Problem(int n, Rng& rng) : x(Eigen::MatrixXd::Ones(kExamples, n)), y(kExamples) {
    Vector truth(n);
    for (int j = 0; j < n; ++j) truth[j] = 2.0 * rng.uniform() - 1.0;
    for (int i = 0; i < kExamples; ++i)
      for (int j = 1; j < n; ++j) x(i, j) = rng.normal();
    for (int i = 0; i < kExamples; ++i) y[i] = x.row(i).dot(truth) + 0.1 * rng.normal();
    L_star = loss(Vector((x.transpose() * x).ldlt().solve(x.transpose() * y)));
    L0 = loss(Vector::Zero(n).eval());
  }
};

/// Counts evaluations and records the best loss so far, until the target is reached.
struct Tracker {
  Tracker(const char* name, double goal) : target(goal), curve{name, {}, {}} {}
  double target, best = HUGE_VAL;
  example::plot::Series curve;
  int evaluations = 0;
  bool record(double L, int cost = 1) {  // true: stop
    evaluations += cost;
    best = std::fmin(best, L);
    curve.x.push_back(evaluations);
    curve.y.push_back(best);
    return best <= target || evaluations >= kBudget;
  }
};

void random_search(const Problem& problem, Tracker& t, Rng rng) {
  Vector w = Vector::Zero(problem.x.cols());
  double L = problem.loss(w), sigma = 1.0;
  if (t.record(L)) return;
  for (;;) {
    Vector trial = w;
    for (Eigen::Index j = 0; j < trial.size(); ++j) trial[j] += sigma * rng.normal();
    const double Lt = problem.loss(trial);
    if (Lt < L)
      w = trial, L = Lt, sigma *= 1.5;  // success: bolder
    else
      sigma *= std::pow(1.5, -0.25);  // failure: more careful (1/5 rule)
    if (t.record(Lt)) return;
  }
}

void genetic_algorithm(const Problem& problem, Tracker& t, Rng rng) {
  const int n = int(problem.x.cols()), size = 30;
  std::vector<Vector> people(size);
  std::vector<double> fitness(size);
  for (int i = 0; i < size; ++i) {
    people[i].resize(n);
    for (int j = 0; j < n; ++j) people[i][j] = 4.0 * rng.uniform() - 2.0;
    fitness[i] = problem.loss(people[i]);
    if (t.record(fitness[i])) return;
  }
  auto pick = [&] {  // tournament: the fitter of two random members
    const int a = int(rng.uniform() * size), b = int(rng.uniform() * size);
    return fitness[a] < fitness[b] ? a : b;
  };
  for (double mutation = 0.3;; mutation *= 0.97) {
    const auto best = std::min_element(fitness.begin(), fitness.end()) - fitness.begin();
    std::vector<Vector> next = {people[best]};  // the best stays
    std::vector<double> next_fitness = {fitness[best]};
    while (int(next.size()) < size) {
      const Vector &a = people[pick()], &b = people[pick()];
      Vector child(n);  // blend crossover (near the segment from a to b), then mutation
      for (int j = 0; j < n; ++j)
        child[j] = a[j] + (1.5 * rng.uniform() - 0.25) * (b[j] - a[j]) + mutation * rng.normal();
      next.push_back(child);
      next_fitness.push_back(problem.loss(next.back()));
      if (t.record(next_fitness.back())) return;
    }
    people.swap(next);
    fitness.swap(next_fitness);
  }
}

void gradient_descent(const Problem& problem, Tracker& t) {
  Vector w = Vector::Zero(problem.x.cols()), g;
  for (;;) {
    const double L = tapegrad::value_and_gradient([&](const auto& v) { return problem.loss(v); }, w, g);
    if (t.record(L, 2)) return;  // a forward pass and a backward sweep
    w -= 0.1 * g;
  }
}

}  // namespace

int main() {
  Rng data_rng{std::mt19937_64(1)};
  std::printf("loss evaluations to reach L* + 0.001 (L(0) - L*)  (a gradient step counts 2):\n");
  std::printf("  %8s %14s %18s %17s\n", "weights", "random search", "genetic algorithm", "gradient descent");
  std::vector<example::plot::Series> curves;
  std::vector<std::array<int, 3>> counts;  // RS, GA, GD for 5, 20, 50 weights
  for (const int n : {5, 20, 50}) {
    const Problem problem(n, data_rng);
    const double target = problem.L_star + 1e-3 * (problem.L0 - problem.L_star);
    Tracker rs("random search", target), ga("genetic algorithm", target), gd("gradient descent", target);
    random_search(problem, rs, Rng{std::mt19937_64(2)});
    genetic_algorithm(problem, ga, Rng{std::mt19937_64(3)});
    gradient_descent(problem, gd);
    counts.push_back({rs.evaluations, ga.evaluations, gd.evaluations});
    std::printf("  %8d %14d %18d %17d\n", n, rs.evaluations, ga.evaluations, gd.evaluations);
    const double worst = std::fmax(rs.best, std::fmax(ga.best, gd.best));
    example::expect_true("each reached the target", worst <= target);
    curves = {rs.curve, ga.curve, gd.curve};
    for (auto& c : curves)
      for (double& L : c.y) L -= problem.L_star;
  }
  std::printf("with 50 weights:\n");
  example::expect_true("GD needs 10x fewer than RS", 10 * counts[2][2] <= counts[2][0]);
  example::expect_true("GD needs 10x fewer than GA", 10 * counts[2][2] <= counts[2][1]);
  example::expect_true("RS grew > 5x from 5 weights", counts[2][0] > 5 * counts[0][0]);
  example::expect_true("GD grew < 2x from 5 weights", counts[2][2] < 2 * counts[0][2]);

  const example::plot::LinePlot plot{"linear regression, 50 weights: best loss so far", "loss evaluations", "L - L*",
                                     /*log_y=*/true, curves};
  const bool ok = example::plot::write_csv("08_random_search_vs_gd.csv", plot.series) &&
                  example::plot::write_svg("08_random_search_vs_gd.svg", plot);
  std::printf("wrote 08_random_search_vs_gd.csv and .svg%s\n", ok ? "" : " (failed)");
  return example::expect_status();
}
