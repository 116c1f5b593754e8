// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
//
// Example 10: Newton's method with exact Hessians vs gradient descent.
//
// Gradient descent steps along -g; Newton's method solves H p = -g, the minimum of the
// local quadratic model, so near a minimum it converges quadratically. Both use the same
// backtracking line search (halve t until f(x + t p) <= f(x) + 1e-4 t g.p). Where H is
// not positive definite, Newton adds mu I (damping) until the Cholesky factorization
// succeeds, so p is always a descent direction. f is written once, generically; tapegrad
// gives g and H (value_gradient_hessian, forward over reverse). Problems: the 2-D
// Rosenbrock function from (-1.2, 1), and L2-regularized logistic regression on the UCI
// breast cancer data (569 examples, 30 standardized features and a bias).

#include <Eigen/Cholesky>
#include <cstdio>
#include <string>
#include <vector>

#include "common/expect.hpp"
#include "common/plot.hpp"
#include "tapegrad/tapegrad.hpp"

namespace {

struct Result {
  Eigen::VectorXd x;                  // the last iterate
  double value = 0;                   // f(x)
  int iterations = 0;                 // steps taken
  std::vector<Eigen::VectorXd> path;  // x0, x1, ...
};

/// Backtracking: the largest t = 1, 1/2, 1/4, ... with sufficient decrease.
template <class F>
double line_search(F& f, const Eigen::VectorXd& x, double fx, const Eigen::VectorXd& g, const Eigen::VectorXd& p) {
  double t = 1.0;
  while (f(Eigen::VectorXd(x + t * p)) > fx + 1e-4 * t * g.dot(p) && t > 1e-20) t *= 0.5;
  return t;
}

/// Minimizes f from x0 until |g| <= tol; newton selects the direction.
template <class F>
Result minimize(F f, Eigen::VectorXd x, bool newton, double tol, int max_iterations) {
  Result r;
  Eigen::VectorXd g;
  Eigen::MatrixXd H;
  r.path.push_back(x);
  for (; r.iterations < max_iterations; ++r.iterations) {
    double fx;
    Eigen::VectorXd p;
    if (newton) {
      fx = tapegrad::value_gradient_hessian(f, x, g, H);
      if (g.norm() <= tol) break;
      Eigen::LLT<Eigen::MatrixXd> llt(H);
      for (double mu = 1e-6 * H.diagonal().cwiseAbs().maxCoeff(); llt.info() != Eigen::Success; mu *= 10)
        llt.compute(H + mu * Eigen::MatrixXd::Identity(x.size(), x.size()));
      p = llt.solve(-g);
    } else {
      fx = tapegrad::value_and_gradient(f, x, g);
      if (g.norm() <= tol) break;
      p = -g;
    }
    x += line_search(f, x, fx, g, p) * p;
    r.path.push_back(x);
  }
  r.x = x, r.value = f(x);
  return r;
}

/// f(x, y) = 100 (y - x^2)^2 + (1 - x)^2, for double and every Var.
struct Rosenbrock {
  template <class V>
  typename V::Scalar operator()(const V& w) const {
    using S = typename V::Scalar;
    const S a = w[1] - w[0] * w[0], b = 1.0 - w[0];
    return S(100.0 * a * a + b * b);
  }
};

/// Mean log-loss of the logistic model sigmoid(X w + bias) + (lambda/2)|w|^2, with
/// log(1 + e^-m) for the margin m = (2 y - 1) z of each example.
struct LogisticLoss {
  const Eigen::MatrixXd* X;
  const Eigen::VectorXd* sign;  // 2 y - 1: +1 or -1
  double lambda;
  template <class V>
  typename V::Scalar operator()(const V& w) const {
    using S = typename V::Scalar;
    using tapegrad::softplus;  // for plain doubles; Vars find theirs by ADL
    const Eigen::Index n = X->rows(), d = X->cols();
    S loss = 0.0;
    for (Eigen::Index i = 0; i < n; ++i) {
      S z = w[d];  // the bias
      for (Eigen::Index j = 0; j < d; ++j) z += (*X)(i, j) * w[j];
      loss += softplus(-(*sign)[i] * z);  // log(1 + e^-m), stable for every m
    }
    return S(loss / double(n) + 0.5 * lambda * w.head(d).squaredNorm());
  }
};

}  // namespace

int main() {
  // 1. Rosenbrock from (-1.2, 1); the minimum is f(1, 1) = 0.
  Eigen::VectorXd x0(2);
  x0 << -1.2, 1.0;
  const Result newton = minimize(Rosenbrock{}, x0, true, 1e-8, 100);
  const Result gd = minimize(Rosenbrock{}, x0, false, 1e-8, 200000);
  std::printf("Rosenbrock: Newton %d iterations (f = %.3g), gradient descent %d (f = %.3g)\n", newton.iterations,
              newton.value, gd.iterations, gd.value);
  example::expect("Newton: |x - (1, 1)|", (newton.x - Eigen::Vector2d(1, 1)).norm(), 0.0, 1e-8);
  example::expect("GD: |x - (1, 1)|", (gd.x - Eigen::Vector2d(1, 1)).norm(), 0.0, 1e-6);
  example::expect_true("Newton < 50 iterations", newton.iterations < 50);
  example::expect_true("GD needs > 100x as many", gd.iterations > 100 * newton.iterations);

  // Both paths over the contour lines of f; after its first 100 points the long GD path
  // is thinned to about 200 more (the CSV has every point).
  example::plot::ContourPlot c;
  c.title = "Rosenbrock from (-1.2, 1): Newton vs gradient descent";
  c.x_min = -1.5, c.x_max = 1.5, c.y_min = -0.5, c.y_max = 1.5;
  c.f = [](double x, double y) { return 100 * (y - x * x) * (y - x * x) + (1 - x) * (1 - x); };
  for (double level = 0.25; level < 2000; level *= 2.5) c.levels.push_back(level);
  for (const auto* r : {&newton, &gd}) {
    example::plot::Series s;
    s.name = (r == &newton ? "Newton (" : "gradient descent (") + std::to_string(r->iterations) + " iterations)";
    const std::size_t stride = r->path.size() / 200 + 1;
    for (std::size_t i = 0; i < r->path.size(); ++i)
      if (i < 100 || i % stride == 0 || i + 1 == r->path.size())
        s.x.push_back(r->path[i][0]), s.y.push_back(r->path[i][1]);
    c.paths.push_back(s);
  }
  std::vector<std::vector<double>> rows;  // method (0 Newton, 1 GD), iteration, x, y
  for (int k = 0; k < 2; ++k)
    for (std::size_t i = 0; i < (k ? gd : newton).path.size(); ++i)
      rows.push_back({double(k), double(i), (k ? gd : newton).path[i][0], (k ? gd : newton).path[i][1]});
  const bool written =
      example::plot::write_csv("newton_rosenbrock_paths.csv", {"newton0_gd1", "iteration", "x", "y"}, rows) &&
      example::plot::write_svg("newton_rosenbrock.svg", c);
  std::printf("  %s newton_rosenbrock_paths.csv and newton_rosenbrock.svg\n", written ? "wrote" : "could not write");

  // 2. Logistic regression on breast cancer, standardized features, lambda = 1e-3.
  const auto data = tapegrad::io::read_labeled_csv<double>(std::string(TAPEGRAD_DATA_DIR) + "/breast_cancer.csv");
  Eigen::MatrixXd X = data.features.rowwise() - data.features.colwise().mean();
  X = X.array().rowwise() / X.array().square().colwise().mean().sqrt();  // mean 0, variance 1
  const Eigen::VectorXd sign = 2.0 * data.labels.cast<double>().array() - 1.0;
  const LogisticLoss loss{&X, &sign, 1e-3};
  const Result ln = minimize(loss, Eigen::VectorXd::Zero(X.cols() + 1), true, 1e-8, 100);
  const Result lg = minimize(loss, Eigen::VectorXd::Zero(X.cols() + 1), false, 1e-8, 200000);
  std::printf("Logistic regression: Newton %d iterations, gradient descent %d (loss %.10g)\n", ln.iterations,
              lg.iterations, ln.value);
  const Eigen::ArrayXd margin = sign.array() * ((X * ln.x.head(X.cols())).array() + ln.x[X.cols()]);
  const double accuracy = double((margin > 0).count()) / double(X.rows());
  std::printf("  training accuracy %.4f\n", accuracy);
  example::expect("same loss both ways", lg.value, ln.value, 1e-10);
  example::expect_true("Newton < 30 iterations", ln.iterations < 30);
  example::expect_true("GD needs > 20x as many", lg.iterations > 20 * ln.iterations);
  example::expect_true("training accuracy > 0.97", accuracy > 0.97);
  return example::expect_status();
}
