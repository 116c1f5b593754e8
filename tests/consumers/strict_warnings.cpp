// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// A consumer that builds with -Wshadow -Wconversion -Wsign-conversion -Wold-style-cast
// (and -Wall -Wextra -Wpedantic) as errors: it instantiates every header's templates a
// user reaches, so a warning inside the headers fails the build (issue 12). Eigen is
// included as a system header; tapegrad is not. Run: it must return 0.

#include <Eigen/Dense>
#include <cstdio>
#include <string>
#include <vector>

#include "tapegrad/tapegrad.hpp"

namespace optim = tapegrad::optim;
using tapegrad::Dual;
using tapegrad::MatrixVar;
using tapegrad::Tape;
using tapegrad::Var;

namespace {

// Every scalar primitive, for Var<T> and for Dual<T, K>.
template <class S>
S all_functions(const S& a, const S& b) {
  using std::abs;
  using std::acos;
  using std::asin;
  using std::atan;
  using std::atan2;
  using std::cbrt;
  using std::cos;
  using std::cosh;
  using std::erf;
  using std::erfc;
  using std::exp;
  using std::exp2;
  using std::expm1;
  using std::hypot;
  using std::log;
  using std::log10;
  using std::log1p;
  using std::log2;
  using std::pow;
  using std::sin;
  using std::sinh;
  using std::sqrt;
  using std::tan;
  using std::tanh;
  using tapegrad::relu;
  using tapegrad::sigmoid;
  using tapegrad::softplus;
  const S u = a * S(0.25);  // in (-1, 1) for asin, acos, atanh
  S y = exp(a) + log(b) + sqrt(b) + pow(b, a) + sin(a) * cos(b) + tan(u) + tanh(a) + sigmoid(a);
  y += exp2(a) + expm1(a) + log2(b) + log10(b) + log1p(b) + cbrt(b) + asin(u) + acos(u) + atan(a);
  y += sinh(a) + cosh(a) + asinh(a) + acosh(b + 1) + atanh(u) + erf(a) + erfc(a) + softplus(a);
  y += abs(a) + relu(a) + atan2(a, b) + hypot(a, b) + max(a, b) + min(a, b) + pow(b, 2) + 2 * a - a / 3;
  return y;
}

template <class T>
int run() {
  int failures = 0;
  const auto expect = [&failures](bool ok, const char* what) {
    if (!ok) {
      std::printf("strict_warnings: %s failed\n", what);
      ++failures;
    }
  };

  // Scalar tape, expressions, printing.
  {
    Tape<T> tape;
    Var<T> a = tape.variable(T(0.5)), b = tape.variable(T(2));
    Var<T> y = all_functions(a, b);
    tape.backward(y);
    expect(a.grad() == a.grad() && b.grad() == b.grad(), "Var gradient");
    std::string printed = std::to_string(static_cast<double>(tapegrad::value(a * b)));
    expect(!printed.empty(), "value of an expression");
    unsigned arguments = 0;
    for (const tapegrad::Statement<T>& s : tapegrad::statements(tape)) arguments += s.arity;
    expect(arguments == tape.argument_count(), "walking the statements");
  }
  // Forward mode with K tangents.
  {
    const Dual<T, 3> a(T(0.5), {T(1), T(0), T(0)}), b(T(2), {T(0), T(1), T(0)});
    const Dual<T, 3> y = all_functions(a, b);
    expect(y.tangent(2) == T(0), "Dual<T, 3> third tangent");
  }
  // Functional API: gradient, jacobian, Hessian.
  {
    using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;
    const Vec x = Vec::LinSpaced(4, T(0.5), T(2));
    const auto f = [](const auto& w) { return (w.array() * w.array()).sum() + exp(w[0] * w[1]); };
    const Vec g = tapegrad::gradient(f, x);
    expect(g.size() == 4, "gradient size");
    const auto F = [](const auto& w) {
      using S = typename std::decay_t<decltype(w)>::Scalar;
      Eigen::Matrix<S, Eigen::Dynamic, 1> r(6);
      for (Eigen::Index i = 0; i < 6; ++i) r[i] = sin(w[i % 4]) * w[(i + 1) % 4];
      return r;
    };
    const auto J = tapegrad::jacobian(F, x);
    expect(J.rows() == 6 && J.cols() == 4, "jacobian shape");
    const auto H = tapegrad::hessian(f, x);
    expect(H.rows() == 4, "hessian shape");
    const std::vector<T> xs{T(1), T(2), T(3)};
    const auto gs = tapegrad::gradient([](const std::vector<Var<T>>& w) { return w[0] * w[1] * w[2]; }, xs);
    expect(gs.size() == 3, "std::vector gradient");
    const auto Jf = tapegrad::forward_jacobian(F, x);
    expect(Jf.rows() == 6 && Jf.cols() == 4, "forward_jacobian shape");
    const auto Jr = tapegrad::jacobian(F, x, tapegrad::JacobianMode::reverse);
    expect(Jr.rows() == 6 && Jr.cols() == 4, "jacobian reverse shape");
    const auto Jv = tapegrad::forward_jacobian(
        [](const auto& w) {
          return std::vector<std::decay_t<decltype(w[0])>>{w[0] * w[2], sin(w[1])};
        },
        xs);
    expect(Jv.rows() == 2 && Jv.cols() == 3, "forward_jacobian of std::vector");
    const auto jv = tapegrad::jacobian_vector_product(F, x, Vec::Ones(4));
    expect(jv.size() == 6, "jacobian_vector_product size");
    Vec g2, hv;
    const T value = tapegrad::value_gradient_hvp(f, x, Vec::Ones(4), g2, hv);
    expect(hv.size() == 4 && value > T(0), "value_gradient_hvp");
    Tape<T> tape;
    std::vector<Var<T>> v{tape.variable(T(1)), tape.variable(T(2))};
    Eigen::Matrix<Var<T>, 2, 1> ve(v[1], v[0]);
    tape.backward(v[0] * v[1]);
    expect(tape.gradients(v)[0] == T(2) && tape.gradients(ve)[1] == T(2), "Tape::gradients");
  }
  // Matrix statements, losses, blocks.
  {
    Tape<T> tape;
    using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
    const Mat X = Mat::Random(5, 3), W0 = Mat::Random(3, 2), Y = Mat::Random(5, 2);
    MatrixVar<T> W = tapegrad::matrix_variable(tape, W0);
    MatrixVar<T> Z = tapegrad::rowwise_add(X * W, tapegrad::row(W, 0));
    Var<T> loss = tapegrad::mse(tapegrad::tanh(Z), Y) + tapegrad::logsumexp(tapegrad::block(Z, 1, 0, 2, 2)) +
                  tapegrad::cwise_sum([](auto p, auto q) { return p * q - p; }, Z, tapegrad::sigmoid(Z)) +
                  tapegrad::softmax_cross_entropy(Z, Eigen::VectorXi::Zero(5)) +
                  tapegrad::bce_with_logits(Z, Mat::Zero(5, 2));
    tape.backward(loss);
    expect(W.grad().rows() == 3, "MatrixVar gradient");
  }
  // Optimizer module: data, a model, train, minimize, the solvers.
  {
    using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
    const Mat features = Mat::Random(40, 3);
    Eigen::VectorXi labels(40);
    for (Eigen::Index i = 0; i < 40; ++i) labels[i] = features(i, 0) > T(0) ? 1 : 0;
    const auto data = optim::Dataset<T>::from_labels(features, labels, 2);
    auto [train, test] = optim::train_test_split(data, 0.25, 3);
    optim::MLP<T> network({3, 4, 2}, optim::Nonlinearity::tanh, optim::Output::softmax, 1);
    optim::TrainOptions<T> options;
    options.epochs = 2;
    options.batch_size = 8;
    options.order = optim::Order::shuffled;
    options.optimizer = optim::Adam<T>();
    options.learning_rate = {T(0.01), optim::ExponentialDecay<T>(T(0.9))};
    const auto history = optim::train(network, train, options);
    expect(history.epochs() == 2, "train");
    expect(optim::accuracy(network, test) >= T(0), "accuracy");

    using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;
    const auto rosenbrock = [](const auto& w) {
      return 100 * (w[1] - w[0] * w[0]) * (w[1] - w[0] * w[0]) + (1 - w[0]) * (1 - w[0]);
    };
    const Vec w0 = Vec::Constant(2, T(-1));
    expect(optim::lbfgs(rosenbrock, w0).w.size() == 2, "lbfgs");
    expect(optim::conjugate_gradient(rosenbrock, w0).w.size() == 2, "conjugate_gradient");
    expect(optim::newton_cg(rosenbrock, w0).w.size() == 2, "newton_cg");
    optim::MinimizeOptions<T> mo;
    mo.max_steps = 10;
    mo.learning_rate = T(1e-3);
    expect(optim::minimize(rosenbrock, w0, mo).w.size() == 2, "minimize");
    const auto residuals = [](const auto& w) {
      using S = typename std::decay_t<decltype(w)>::Scalar;
      Eigen::Matrix<S, Eigen::Dynamic, 1> r(2);
      r << 10 * (w[1] - w[0] * w[0]), 1 - w[0];
      return r;
    };
    expect(optim::least_squares(residuals, w0).w.size() == 2, "least_squares");
  }
  // Reading data.
  {
    const auto table = tapegrad::io::parse_csv<T>("a,b\n1,2\n3,4\n", true);
    expect(table.values.rows() == 2, "parse_csv");
    const auto labelled = tapegrad::io::parse_labeled_csv<T>("2,2,no,yes\n0.5,1.5,1\n2.5,3.5,0\n");
    expect(labelled.labels.size() == 2, "parse_labeled_csv");
  }
  return failures;
}

}  // namespace

int main() { return run<double>() + run<float>() == 0 ? 0 : 1; }
