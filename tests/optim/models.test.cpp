// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// Models: gradients of every loss against finite differences (gradcheck), plain and
// taped forward passes agree, deterministic initialization, the seeds' network.

#include <cmath>

#include "tapegrad/optim/optim.hpp"
#include "test_support.hpp"

namespace optim = tapegrad::optim;
using Eigen::VectorXd;
using tapegrad::MatrixX;
using Index = Eigen::Index;

namespace {

// The model's batch loss as a generic function of the flat parameter vector: taped for
// Var vectors (through to_matrix_var and the block views), plain for double vectors.
template <class Model>
auto loss_of(const Model& model, const optim::Batch<double>& batch) {
  return [&model, &batch](const auto& w) {
    using V = std::decay_t<decltype(w)>;
    if constexpr (std::is_same_v<typename V::Scalar, double>) {
      Model copy = model;
      copy.parameters().assign(w);
      const optim::Dataset<double> d =
          batch.labels.size()
              ? optim::Dataset<double>::from_labels(batch.features, batch.labels, int(model.output_count()))
              : optim::Dataset<double>(batch.features, batch.targets);
      return copy.loss(d);
    } else {
      optim::BoundParameters<double> bound;
      bound.view(tapegrad::to_matrix_var(w), model.parameters());
      return model.loss(bound, batch);
    }
  };
}

optim::Batch<double> batch_of(Index m, Index d, Index k, bool labels, std::uint64_t seed) {
  optim::Random rng(seed);
  optim::Batch<double> b;
  b.features.resize(m, d);
  b.targets.resize(m, k);
  for (Index i = 0; i < m; ++i)
    for (Index j = 0; j < d; ++j) b.features(i, j) = rng.uniform(-2.0, 2.0);
  for (Index i = 0; i < m; ++i)
    for (Index j = 0; j < k; ++j) b.targets(i, j) = rng.uniform() < 0.5 ? 0.0 : 1.0;
  if (labels) {
    b.labels.resize(m);
    for (Index i = 0; i < m; ++i) b.labels[i] = int(rng.below(std::uint64_t(k)));
    b.targets = b.labels.cast<double>();
  }
  return b;
}

template <class Model>
void check_gradient(const Model& model, const optim::Batch<double>& batch) {
  const auto report = tapegrad::gradcheck(loss_of(model, batch), model.parameters().values(), 1e-6, 1e-8);
  INFO(report);
  CHECK(report.passed);
  CHECK(report.analytic.size() == model.parameters().size());
}

}  // namespace

TEST_CASE("model gradients agree with finite differences", "[optim][models]") {
  using optim::Nonlinearity;
  using optim::Output;
  SECTION("linear regression") {
    optim::LinearRegression<double> m(3, 2);
    m.parameters().values() = VectorXd::LinSpaced(m.parameters().size(), -1.0, 1.0);
    check_gradient(m, batch_of(7, 3, 2, false, 1));
  }
  SECTION("logistic regression") {
    optim::LogisticRegression<double> m(4);
    m.parameters().values() = VectorXd::LinSpaced(m.parameters().size(), -0.5, 0.8);
    check_gradient(m, batch_of(9, 4, 1, false, 2));
  }
  SECTION("MLP, softmax, every activation") {
    for (const auto a : {Nonlinearity::sigmoid, Nonlinearity::tanh, Nonlinearity::relu}) {
      INFO(optim::to_string(a));
      check_gradient(optim::MLP<double>({3, 5, 4, 3}, a, Output::softmax, 7), batch_of(6, 3, 3, true, 3));
    }
  }
  SECTION("MLP with mixed activations and a sigmoid output") {
    optim::MLP<double> m({2, 4, 3, 1}, {Nonlinearity::tanh, Nonlinearity::sigmoid}, Output::sigmoid, 8);
    check_gradient(m, batch_of(10, 2, 1, false, 4));
  }
  SECTION("the seeds' y = s(W3 s(W2 s(W1 x))) with squared error, no biases") {
    optim::MLP<double> m({3, 4, 4, 2}, Nonlinearity::sigmoid, Output::sigmoid_squared_error, 9, false);
    CHECK(m.parameters().block_count() == 3);
    CHECK(m.parameters().info(2).name == "W3");
    check_gradient(m, batch_of(5, 3, 2, false, 5));
    // its forward pass written out: y = s(s(s(x W1) W2) W3) per example (rows)
    const auto b = batch_of(5, 3, 2, false, 6);
    auto s = [](const MatrixX<double>& z) {
      return MatrixX<double>(z.unaryExpr([](double v) { return 1.0 / (1.0 + std::exp(-v)); }));
    };
    const auto& p = m.parameters();
    const MatrixX<double> y = s(s(s(b.features * p[0]) * p[1]) * p[2]);
    CHECK((m.predict(b.features) - y).cwiseAbs().maxCoeff() < 1e-15);
  }
}

TEST_CASE("taped and plain losses agree; initialization is deterministic", "[optim][models]") {
  optim::MLP<double> a({4, 6, 3}, optim::Nonlinearity::relu, optim::Output::softmax, 42),
      b({4, 6, 3}, optim::Nonlinearity::relu, optim::Output::softmax, 42),
      c({4, 6, 3}, optim::Nonlinearity::relu, optim::Output::softmax, 43);
  CHECK(a.parameters().values() == b.parameters().values());
  CHECK(a.parameters().values() != c.parameters().values());
  CHECK(a.parameters()["b1"].isZero());
  CHECK(a.parameters()["W1"].cwiseAbs().maxCoeff() <= std::sqrt(6.0 / 4.0));  // He bound before relu
  CHECK(a.parameters()["W2"].cwiseAbs().maxCoeff() <= std::sqrt(6.0 / 9.0));  // Glorot bound
  const auto batch = batch_of(8, 4, 3, true, 1);
  tapegrad::Tape<double> tape;
  optim::BoundParameters<double> bound;
  bound.bind(tape, a.parameters());
  const tapegrad::Var<double> L = a.loss(bound, batch);
  const auto d = optim::Dataset<double>::from_labels(batch.features, batch.labels, 3);
  CHECK_CLOSE(L.value(), a.loss(d), 1e-14);
  const MatrixX<double> P = a.predict(batch.features);
  CHECK((P.rowwise().sum().array() - 1.0).abs().maxCoeff() < 1e-14);  // probabilities
  const Eigen::VectorXi c1 = a.classify(batch.features);
  for (Index i = 0; i < 8; ++i) {
    Index best;
    P.row(i).maxCoeff(&best);
    CHECK(c1[i] == int(best));
  }
  CHECK_THROWS_WITH(optim::MLP<double>({4}, optim::Nonlinearity::relu), ContainsSubstring("expected at least 2"));
  CHECK_THROWS_WITH(optim::LinearRegression<double>(2).classify(MatrixX<double>::Zero(1, 2)),
                    ContainsSubstring("not a classifier"));
  CHECK_THROWS_WITH(a.predict(MatrixX<double>::Zero(2, 5)), ContainsSubstring("X has 5 columns; the model expects 4"));
}

TEST_CASE("parameters: one flat vector, named blocks, one statement to bind", "[optim][parameters]") {
  optim::Parameters<double> p;
  p.add("W", MatrixX<double>::Constant(2, 3, 1.0));
  p.add("b", MatrixX<double>::Constant(1, 3, 2.0), false);
  CHECK(p.size() == 9);
  CHECK(p.block_count() == 2);
  CHECK(p.info(1).offset == 6);
  CHECK(p.decay_mask().head(6).isOnes());
  CHECK(p.decay_mask().tail(3).isZero());
  p["W"](1, 2) = 5.0;
  CHECK(p.values()[5] == 5.0);  // column-major inside the flat vector
  CHECK_THROWS_WITH(p.add("W", MatrixX<double>::Ones(1, 1)), ContainsSubstring("a block named 'W' exists already"));
  CHECK_THROWS_WITH(p.index("V"), ContainsSubstring("no block named 'V'"));

  tapegrad::Tape<double> tape;
  optim::BoundParameters<double> bound;
  bound.bind(tape, p);
  CHECK(tape.custom_count() == 1);  // all blocks with one statement
  CHECK(bound[0](1, 2).value() == 5.0);
  const tapegrad::Var<double> L = tapegrad::sum(bound[0]) + 3.0 * tapegrad::sum(bound[1]);
  tape.backward(L);
  VectorXd g(9);
  bound.gradient_into(tape, g);
  CHECK(g.head(6).isOnes());
  CHECK((g.tail(3).array() == 3.0).all());
}

TEST_CASE("float and long double models train too", "[optim][models]") {
  auto run = [](auto zero) {
    using T = decltype(zero);
    tapegrad::MatrixX<T> X(40, 2);
    Eigen::VectorXi labels(40);
    for (Index i = 0; i < 40; ++i) {
      X(i, 0) = T(i % 2 ? 1 : -1) + T(0.01) * T(i);
      X(i, 1) = T(0.5);
      labels[i] = int(i % 2);
    }
    const auto data = optim::Dataset<T>::from_labels(X, labels);
    optim::MLP<T> model({2, 4, 2}, optim::Nonlinearity::tanh, optim::Output::softmax, 1);
    optim::TrainOptions<T> o;
    o.epochs = 20;
    o.batch_size = 8;
    o.optimizer = optim::Adam<T>();
    o.learning_rate = T(0.05);
    const auto h = optim::train(model, data, o);
    CHECK(h.loss.back() < h.loss.front());
    CHECK(optim::accuracy(model, data) == 1.0);
  };
  run(0.0f);
  run(0.0L);
}
