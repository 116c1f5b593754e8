// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// train(): convergence to closed forms, exact trajectories (full batch, hand-computed
// mini-batches), threads, divergence, callbacks, stopping rules, bad input, flat memory.

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "tapegrad/optim/optim.hpp"
#include "test_support.hpp"

namespace optim = tapegrad::optim;
using Eigen::VectorXd;
using tapegrad::MatrixX;
using Index = Eigen::Index;

namespace {

// y = X w* + b* + noise, X uniform in [-1, 1]: a well-conditioned regression problem.
optim::Dataset<double> regression_data(Index n, Index d, std::uint64_t seed) {
  optim::Random rng(seed);
  MatrixX<double> X(n, d), Y(n, 1);
  for (Index i = 0; i < n; ++i) {
    double y = 0.7;
    for (Index j = 0; j < d; ++j) {
      X(i, j) = rng.uniform(-1.0, 1.0);
      y += (1.0 + double(j)) * (j % 2 ? -1.0 : 1.0) * X(i, j);
    }
    Y(i, 0) = y + 0.1 * rng.uniform(-1.0, 1.0);
  }
  return optim::Dataset<double>(X, Y);
}

// Two interleaved spirals-ish classes: a small nonlinear classification problem.
optim::Dataset<double> blobs(Index n, std::uint64_t seed) {
  optim::Random rng(seed);
  MatrixX<double> X(n, 4);
  Eigen::VectorXi labels(n);
  for (Index i = 0; i < n; ++i) {
    const int c = int(i % 3);
    for (Index j = 0; j < 4; ++j) X(i, j) = rng.uniform(-1.0, 1.0) + (j == c ? 1.5 : 0.0);
    labels[i] = c;
  }
  return optim::Dataset<double>::from_labels(X, labels);
}

// The least-squares solution [w; b] of X w + b = y, by the normal equations.
VectorXd normal_equations(const optim::Dataset<double>& data) {
  MatrixX<double> A(data.size(), data.feature_count() + 1);
  A << data.features(), MatrixX<double>::Ones(data.size(), 1);
  return (A.transpose() * A).ldlt().solve(A.transpose() * data.targets().col(0));
}

optim::TrainOptions<double> full_batch(const optim::Dataset<double>& data, double alpha, std::int64_t epochs) {
  optim::TrainOptions<double> o;
  o.epochs = epochs;
  o.batch_size = data.size();
  o.order = optim::Order::sequential;
  o.learning_rate = alpha;  // plain gradient descent (the default optimizer)
  return o;
}

}  // namespace

TEST_CASE("full-batch GD on linear regression converges to the normal-equation solution", "[optim][train]") {
  const auto data = regression_data(60, 3, 1);
  optim::LinearRegression<double> model(3);
  const auto history = optim::train(model, data, full_batch(data, 0.3, 3000));
  CHECK(history.status == optim::Status::max_epochs);
  CHECK(history.epochs() == 3000);
  CHECK(history.steps == 3000);
  const VectorXd exact = normal_equations(data);
  const VectorXd got = model.parameters().values();  // [W (3x1); b]
  INFO("tape: " << got.transpose() << "\nnormal equations: " << exact.transpose());
  CHECK((got - exact).cwiseAbs().maxCoeff() < 1e-6);
  CHECK(history.gradient_norm.back() < 1e-7);
  CHECK(history.loss.back() < history.loss.front());
}

TEST_CASE("weight decay converges to the ridge solution", "[optim][train]") {
  const auto data = regression_data(50, 2, 2);
  const double lambda = 0.3;
  optim::LinearRegression<double> model(2);
  auto options = full_batch(data, 0.3, 3000);
  options.weight_decay = lambda;
  optim::train(model, data, options);
  // d/dw [(1/N)||Xw + b - y||^2 + (lambda/2)||w||^2] = 0 and d/db [...] = 0 (b not decayed)
  const double N = double(data.size());
  MatrixX<double> A(data.size(), 3);
  A << data.features(), MatrixX<double>::Ones(data.size(), 1);
  MatrixX<double> H = 2.0 / N * A.transpose() * A;
  H(0, 0) += lambda;
  H(1, 1) += lambda;
  const VectorXd exact = H.ldlt().solve(2.0 / N * A.transpose() * data.targets().col(0));
  CHECK((model.parameters().values() - exact).cwiseAbs().maxCoeff() < 1e-6);
}

TEST_CASE("mini-batch with M = N gives exactly the full-batch trajectory", "[optim][train]") {
  const auto data = regression_data(30, 4, 3);
  optim::LinearRegression<double> a(4), b(4), c(4);
  std::vector<VectorXd> trajectory_a, trajectory_b;
  auto options = full_batch(data, 0.1, 25);
  options.on_epoch = [&](const optim::History<double>&) {
    trajectory_a.push_back(a.parameters().values());
    return true;
  };
  optim::train(a, data, options);

  // The reference: full-batch gradient descent written out with the tape, one step per
  // epoch on all N examples (the same statements, so the same rounding, bit for bit).
  const optim::Batch<double> all = data.all();
  {
    tapegrad::Tape<double> tape;
    optim::BoundParameters<double> bound;
    VectorXd g(c.parameters().size());
    for (int t = 0; t < 25; ++t) {
      tape.clear();
      bound.bind(tape, c.parameters());
      tape.backward(c.loss(bound, all));
      bound.gradient_into(tape, g);
      c.parameters().values() -= 0.1 * g;
      trajectory_b.push_back(c.parameters().values());
    }
  }
  // And by the closed form dL/d[w; b] = (2/N) A^T (A [w; b] - y), A = [X 1], to rounding.
  MatrixX<double> A(data.size(), 5);
  A << data.features(), MatrixX<double>::Ones(data.size(), 1);
  VectorXd w = VectorXd::Zero(5);
  for (int t = 0; t < 25; ++t) w -= 0.1 * (2.0 / 30.0) * A.transpose() * (A * w - data.targets().col(0));
  CHECK((w - trajectory_a.back()).cwiseAbs().maxCoeff() < 1e-13);
  REQUIRE(trajectory_a.size() == 25);
  for (std::size_t t = 0; t < 25; ++t) {
    INFO("epoch " << t);
    CHECK(trajectory_a[t] == trajectory_b[t]);  // bit for bit
  }
  // M > N (without drop_last) is the same single batch.
  auto bigger = full_batch(data, 0.1, 25);
  bigger.batch_size = 1000;
  optim::train(b, data, bigger);
  CHECK(b.parameters().values() == a.parameters().values());
}

TEST_CASE("sequential mini-batches reproduce a trajectory computed by hand", "[optim][train]") {
  // 5 examples, 2 features; y ~ X w + b; batches of 2: {0,1}, {2,3}, {4}.
  MatrixX<double> X(5, 2), Y(5, 1);
  X << 1.0, 0.5, 0.2, -0.3, -1.0, 1.5, 0.7, 0.7, 2.0, -1.0;
  Y << 0.3, -1.2, 2.0, 0.5, 1.1;
  const optim::Dataset<double> data(X, Y);
  optim::LinearRegression<double> model(2);
  optim::TrainOptions<double> o;
  o.epochs = 4;
  o.batch_size = 2;
  o.order = optim::Order::sequential;
  const double alpha = 0.05;
  o.learning_rate = alpha;
  const auto history = optim::train(model, data, o);
  CHECK(history.steps == 12);

  // By hand: L_B = (1/m) sum_{i in B} (x_i w + b - y_i)^2,
  // dL/dw = (2/m) X_B^T r, dL/db = (2/m) sum r, with r = X_B w + b - y_B.
  Eigen::Vector2d w = Eigen::Vector2d::Zero();
  double b = 0.0;
  const int starts[3] = {0, 2, 4}, sizes[3] = {2, 2, 1};
  std::vector<double> epoch_loss;
  for (int epoch = 0; epoch < 4; ++epoch) {
    double sum = 0.0;
    for (int k = 0; k < 3; ++k) {
      const auto XB = X.middleRows(starts[k], sizes[k]);
      const VectorXd r = (XB * w).array() + b - Y.middleRows(starts[k], sizes[k]).col(0).array();
      const double m = sizes[k];
      sum += r.squaredNorm();  // m * L_B
      const Eigen::Vector2d gw = 2.0 / m * XB.transpose() * r;
      const double gb = 2.0 / m * r.sum();
      w -= alpha * gw;
      b -= alpha * gb;
    }
    epoch_loss.push_back(sum / 5.0);
  }
  const auto p = model.parameters().values();
  CHECK_CLOSE(p[0], w[0], 1e-14);
  CHECK_CLOSE(p[1], w[1], 1e-14);
  CHECK_CLOSE(p[2], b, 1e-14);
  for (int e = 0; e < 4; ++e) CHECK_CLOSE(history.loss[std::size_t(e)], epoch_loss[std::size_t(e)], 1e-14);
}

// A 4-8-3 tanh network (67 parameters) trained with up to k threads, at least min_rows
// rows each (0: automatic); its weights and history.
std::pair<VectorXd, optim::History<double>> train_threaded(const optim::Dataset<double>& data, unsigned k, Index batch,
                                                           std::int64_t epochs, Index min_rows) {
  optim::MLP<double> model({4, 8, 3}, optim::Nonlinearity::tanh, optim::Output::softmax, 11);
  optim::TrainOptions<double> o;
  o.epochs = epochs;
  o.batch_size = batch;
  o.seed = 5;
  o.threads = k;
  o.min_rows_per_thread = min_rows;
  o.optimizer = optim::Momentum<double>(0.9);
  o.learning_rate = 0.1;
  auto h = optim::train(model, data, o);
  return std::make_pair(model.parameters().values().eval(), h);
}

TEST_CASE("threads = k gives the k = 1 trajectory up to reassociation", "[optim][train][threads]") {
  const auto data = blobs(150, 4);
  // min_rows_per_thread = 1 splits even a batch of 2 (the automatic rule would not).
  auto run = [&](unsigned k, Index batch) { return train_threaded(data, k, batch, 5, 1); };
  for (const Index batch : {Index(16), Index(150), Index(2)}) {
    const auto [w1, h1] = run(1, batch);
    for (const unsigned k : {2u, 3u}) {
      INFO("batch " << batch << ", threads " << k);
      const auto [wk, hk] = run(k, batch);
      CHECK(hk.steps == h1.steps);
      CHECK((wk - w1).cwiseAbs().maxCoeff() <= 1e-10 * (1.0 + w1.cwiseAbs().maxCoeff()));
      for (std::size_t e = 0; e < h1.epochs(); ++e) CHECK_CLOSE(hk.loss[e], h1.loss[e], 1e-10);
    }
  }
}

TEST_CASE("threads: small batches stay on one thread unless min_rows_per_thread says otherwise",
          "[optim][train][threads]") {
  const auto data = blobs(150, 4);
  auto run = [&](unsigned k, Index batch, Index min_rows) { return train_threaded(data, k, batch, 3, min_rows).first; };
  // A 67-parameter model: automatic minimum 16 rows per thread. Batches of 8 and 31 then
  // run on one thread, so 2 and 4 threads give the 1-thread result bit for bit.
  for (const Index batch : {Index(8), Index(31)}) {
    INFO("batch " << batch);
    const VectorXd w1 = run(1, batch, 0);
    CHECK(run(2, batch, 0) == w1);
    CHECK(run(4, batch, 0) == w1);
    // Made to split, the same batches add in another order: equal to rounding only.
    const VectorXd split = run(2, batch, 1);
    CHECK((split - w1).cwiseAbs().maxCoeff() <= 1e-10 * (1.0 + w1.cwiseAbs().maxCoeff()));
    CHECK(split != w1);
  }
  // min_rows_per_thread = 100 keeps a batch of 150 on one thread too.
  CHECK(run(2, 150, 100) == run(1, 150, 0));
}

// A large model (33,001 parameters, over run_parts' 256 KiB): with 2 threads the
// optimizer's step and the epoch's gradient sum run in parts on both threads. Batches
// that stay on one shard must give the 1-thread run bit for bit; split ones agree to
// rounding, and so does the recorded epoch gradient norm.
TEST_CASE("threads share the optimizer step of a large model", "[optim][train][threads]") {
  const auto data = regression_data(24, 33000, 12);
  auto run = [&](unsigned k, Index min_rows, optim::Optimizer<double> optimizer) {
    optim::LinearRegression<double> model(33000);
    optim::TrainOptions<double> o;
    o.epochs = 3;
    o.batch_size = 8;
    o.order = optim::Order::sequential;
    o.threads = k;
    o.min_rows_per_thread = min_rows;
    o.optimizer = std::move(optimizer);
    o.learning_rate = 1e-3;
    auto h = optim::train(model, data, o);
    return std::make_pair(model.parameters().values().eval(), h);
  };
  for (const optim::Optimizer<double>& opt :
       {optim::Optimizer<double>(optim::Momentum<double>(0.9)), optim::Optimizer<double>(optim::Adam<double>())}) {
    INFO(opt.name());
    const auto [w1, h1] = run(1, 0, opt);
    REQUIRE(h1.status == optim::Status::max_epochs);
    const auto [w_one_shard, h_one_shard] = run(2, 100, opt);  // batches of 8 stay on one shard
    CHECK(w_one_shard == w1);
    CHECK(h_one_shard.gradient_norm == h1.gradient_norm);
    CHECK(h_one_shard.loss == h1.loss);
    const auto [w2, h2] = run(2, 1, opt);  // split: 4 rows per shard
    CHECK((w2 - w1).cwiseAbs().maxCoeff() <= 1e-10 * (1.0 + w1.cwiseAbs().maxCoeff()));
    for (std::size_t e = 0; e < h1.epochs(); ++e) {
      CHECK_CLOSE(h2.loss[e], h1.loss[e], 1e-10);
      CHECK_CLOSE(h2.gradient_norm[e], h1.gradient_norm[e], 1e-10);
    }
  }
}

// Linear regression plus sqrt(b): at b = 0 the loss is finite but dL/db is +Inf.
struct SqrtOfBias : optim::LinearRegression<double> {
  using optim::LinearRegression<double>::LinearRegression;
  tapegrad::Var<double> loss(const optim::BoundParameters<double>& w, const optim::Batch<double>& batch) const {
    return optim::LinearRegression<double>::loss(w, batch) + sqrt(w[1](0, 0));
  }
  using optim::LinearRegression<double>::loss;
};

// The step loop does not look at g before train's one-pass update; the update's check
// of the new w must still stop at a non-finite gradient, with w unchanged and the
// gradient named, for every optimizer (a clipping one of the user's too), with and
// without threads, with the bad entry in the last chunk (the bias comes last).
TEST_CASE("a non-finite gradient stops train before the update", "[optim][train]") {
  struct Clipped {
    void reset(Index) {}
    void step(Eigen::Ref<VectorXd> w, const Eigen::Ref<const VectorXd>& g, double alpha) {
      w -= alpha * g.cwiseMax(-1.0).cwiseMin(1.0);
    }
    static const char* name() { return "Clipped"; }
  };
  for (const Index d : {Index(3), Index(33000)}) {  // one chunk; run_parts on two threads
    const auto data = regression_data(16, d, 13);
    for (const optim::Optimizer<double>& opt :
         {optim::Optimizer<double>(optim::GradientDescent<double>()),
          optim::Optimizer<double>(optim::Momentum<double>()), optim::Optimizer<double>(optim::Adam<double>()),
          optim::Optimizer<double>(Clipped())})
      for (const unsigned k : {1u, 2u}) {
        INFO(opt.name() << ", " << d << " features, threads " << k);
        SqrtOfBias model(d);
        const VectorXd w0 = model.parameters().values();
        auto o = full_batch(data, 0.01, 5);
        o.optimizer = opt;
        o.threads = k;
        o.min_rows_per_thread = 1;
        const auto h = optim::train(model, data, o);
        CHECK(h.status == optim::Status::diverged);
        CHECK_THAT(h.message, ContainsSubstring("non-finite gradient at epoch 0, batch 0 (after 0 steps)"));
        CHECK(h.steps == 0);
        CHECK(model.parameters().values() == w0);
      }
  }
}

TEST_CASE("a too-large learning rate diverges: reported, parameters finite", "[optim][train]") {
  const auto data = regression_data(40, 3, 6);
  optim::LinearRegression<double> model(3);
  std::ostringstream log;
  auto options = full_batch(data, 50.0, 10000);
  options.progress = &log;
  VectorXd last_recorded;
  options.on_epoch = [&](const optim::History<double>&) {
    last_recorded = model.parameters().values();
    return true;
  };
  const auto h = optim::train(model, data, options);
  CHECK(h.status == optim::Status::diverged);
  CHECK(h.epochs() < 10000);
  CHECK(h.epochs() == static_cast<std::size_t>(h.steps));  // full batch: one step per recorded epoch
  CHECK_THAT(h.message, ContainsSubstring("parameters are the last finite ones"));
  CHECK_THAT(log.str(), ContainsSubstring("diverged"));
  CHECK(model.parameters().values().allFinite());
  CHECK(model.parameters().values() == last_recorded);  // nothing lost: the end of the last recorded epoch
  for (const double l : h.loss) CHECK(std::isfinite(l));
  CHECK(h.loss.back() > 1e100);  // it really was blowing up

  // Mini-batches diverging mid-epoch: that epoch is recorded over its completed batches.
  optim::LinearRegression<double> mini(3);
  auto o = full_batch(data, 50.0, 10000);
  o.batch_size = 7;
  const auto hm = optim::train(mini, data, o);
  CHECK(hm.status == optim::Status::diverged);
  CHECK(mini.parameters().values().allFinite());
  for (const double l : hm.loss) CHECK(std::isfinite(l));
  // That epoch's record is the one a run stopped by max_steps after the same steps makes:
  // the failed step changed neither w nor the epoch's sums (added only after a step).
  REQUIRE(hm.steps > 0);
  optim::LinearRegression<double> stopped(3);
  auto os = o;
  os.max_steps = hm.steps;
  const auto hs = optim::train(stopped, data, os);
  CHECK(hs.status == optim::Status::max_steps);
  CHECK(hs.loss == hm.loss);
  CHECK(hs.gradient_norm == hm.gradient_norm);
  CHECK(stopped.parameters().values() == mini.parameters().values());
  // and a model whose very first loss is not finite is left exactly as it was
  optim::LinearRegression<double> huge(3);
  huge.parameters().values().setConstant(1e200);
  const auto hh = optim::train(huge, data, full_batch(data, 0.1, 5));
  CHECK(hh.status == optim::Status::diverged);
  CHECK(hh.epochs() == 0);
  CHECK(hh.steps == 0);
  CHECK((huge.parameters().values().array() == 1e200).all());
}

TEST_CASE("an exception from the epoch callback: history complete, parameters of that epoch", "[optim][train]") {
  const auto data = blobs(60, 7);
  optim::MLP<double> model({4, 5, 3}, optim::Nonlinearity::relu, optim::Output::softmax, 3);
  optim::TrainOptions<double> o;
  o.epochs = 10;
  o.batch_size = 8;
  o.optimizer = optim::Adam<double>();
  o.learning_rate = 0.01;
  VectorXd at_throw;
  o.on_epoch = [&](const optim::History<double>& h) -> bool {
    if (h.epochs() == 3) {
      at_throw = model.parameters().values();
      throw std::runtime_error("stop here");
    }
    return true;
  };
  optim::History<double> history;
  CHECK_THROWS_WITH(optim::train(model, data, o, history), "stop here");
  CHECK(history.epochs() == 3);
  CHECK(history.loss.size() == 3);
  CHECK(history.gradient_norm.size() == 3);
  CHECK(history.learning_rate.size() == 3);
  CHECK(history.seconds.size() == 3);
  CHECK(history.steps == 3 * 8);
  CHECK(model.parameters().values() == at_throw);
  CHECK(model.parameters().values().allFinite());
}

TEST_CASE("callback stop, max_steps, tolerances", "[optim][train]") {
  const auto data = regression_data(40, 2, 8);
  {
    optim::LinearRegression<double> model(2);
    auto o = full_batch(data, 0.1, 100);
    o.on_epoch = [](const optim::History<double>& h) { return h.epochs() < 4; };
    const auto h = optim::train(model, data, o);
    CHECK(h.status == optim::Status::stopped_by_callback);
    CHECK(h.epochs() == 4);
  }
  {
    optim::LinearRegression<double> model(2);
    auto o = full_batch(data, 0.1, 100);
    o.batch_size = 16;  // 3 steps per epoch
    o.max_steps = 7;
    const auto h = optim::train(model, data, o);
    CHECK(h.status == optim::Status::max_steps);
    CHECK(h.steps == 7);
    CHECK(h.epochs() == 3);  // the cut-short third epoch is recorded
  }
  {
    optim::LinearRegression<double> model(2);
    auto o = full_batch(data, 0.3, 100000);
    o.gradient_tolerance = 1e-8;
    const auto h = optim::train(model, data, o);
    CHECK(h.status == optim::Status::gradient_tolerance);
    CHECK(h.gradient_norm.back() <= 1e-8);
    CHECK(h.epochs() < 100000);
  }
  {
    optim::LinearRegression<double> model(2);
    auto o = full_batch(data, 0.3, 100000);
    o.loss_tolerance = 1e-12;
    const auto h = optim::train(model, data, o);
    CHECK(h.status == optim::Status::loss_tolerance);
    const std::size_t e = h.epochs() - 1;
    CHECK(std::abs(h.loss[e] - h.loss[e - 1]) <= 1e-12);
  }
}

TEST_CASE("inverse-time decay converges where a constant rate oscillates", "[optim][train][schedule]") {
  // One parameter b (the feature is 0), examples y = +1 and y = -1, batches of one in
  // sequential order. The minimizer of the mean loss is b = 0. With alpha = 0.25 each
  // step halves the distance to the current example: b cycles -1/3 -> 1/3 -> -1/3 forever.
  MatrixX<double> X = MatrixX<double>::Zero(2, 1), Y(2, 1);
  Y << 1.0, -1.0;
  const optim::Dataset<double> data(X, Y);
  auto run = [&](optim::Schedule<double> schedule) {
    optim::LinearRegression<double> model(1);
    optim::TrainOptions<double> o;
    o.epochs = 2000;
    o.batch_size = 1;
    o.order = optim::Order::sequential;
    o.learning_rate = {0.25, std::move(schedule)};
    o.schedule_unit = optim::ScheduleUnit::step;
    const auto h = optim::train(model, data, o);
    return std::make_pair(model.parameters()["b1"](0, 0), h.loss.back());
  };
  const auto [b_const, loss_const] = run(optim::ConstantRate<double>{});
  const auto [b_inv, loss_inv] = run(optim::InverseTimeDecay<double>(0.5));  // 2 alpha_t ~ 1/t
  CHECK_CLOSE(b_const, -1.0 / 3.0, 1e-12);                                   // still oscillating after 4000 steps
  CHECK_CLOSE(loss_const, 16.0 / 9.0, 1e-12);
  CHECK(std::abs(b_inv) < 1e-3);
  CHECK(loss_inv < 1.0 + 1e-3);  // the minimum of the mean loss is 1
}

TEST_CASE("validation history, learning-rate history and the progress printer", "[optim][train]") {
  const auto all = blobs(120, 9);
  const auto split = optim::train_test_split(all, 0.25, 1);
  optim::MLP<double> model({4, 6, 3}, optim::Nonlinearity::sigmoid, optim::Output::softmax, 2);
  std::ostringstream log;
  optim::TrainOptions<double> o;
  o.epochs = 3;
  o.batch_size = 10;
  o.learning_rate = {0.5, optim::StepDecay<double>(2, 0.1)};
  o.validation = &split.test;
  o.progress = &log;
  const auto h = optim::train(model, split.train, o);
  CHECK(h.validation_loss.size() == 3);
  CHECK(h.validation_accuracy.size() == 3);
  CHECK(h.validation_loss.back() == model.loss(split.test));
  CHECK(h.validation_accuracy.back() == optim::accuracy(model, split.test));
  CHECK_CLOSE(h.learning_rate[0], 0.5, 1e-15);
  CHECK_CLOSE(h.learning_rate[2], 0.05, 1e-15);
  CHECK(h.seconds[2] >= h.seconds[0]);
  const std::string text = log.str();
  CHECK(std::count(text.begin(), text.end(), '\n') == 3);
  CHECK_THAT(text, ContainsSubstring("epoch 1/3  loss "));
  CHECK_THAT(text, ContainsSubstring("val_acc "));
}

TEST_CASE("tape memory stays flat after the first epoch", "[optim][train][memory]") {
  const auto data = blobs(100, 10);
  optim::MLP<double> model({4, 16, 16, 3}, optim::Nonlinearity::relu, optim::Output::softmax, 4);
  optim::TrainOptions<double> o;
  o.epochs = 30;
  o.batch_size = 32;  // 3 batches of 32 and a last one of 4
  o.threads = 2;
  o.optimizer = optim::Adam<double>();
  o.learning_rate = 0.01;
  const auto h = optim::train(model, data, o);
  REQUIRE(h.tape_bytes.size() == 30);
  CHECK(h.tape_bytes[0] > 0);
  for (std::size_t e = 1; e < 30; ++e) CHECK(h.tape_bytes[e] == h.tape_bytes[0]);
}

TEST_CASE("bad input throws std::invalid_argument naming the value, and changes nothing", "[optim][train]") {
  const auto data = regression_data(20, 3, 12);
  optim::LinearRegression<double> model(3);
  model.parameters().values().setConstant(0.5);
  const VectorXd before = model.parameters().values();
  auto expect = [&](optim::TrainOptions<double> o, const std::string& message) {
    optim::History<double> h;
    INFO(message);
    CHECK_THROWS_AS(optim::train(model, data, o, h), std::invalid_argument);
    CHECK_THROWS_WITH(optim::train(model, data, o, h), ContainsSubstring(message));
    CHECK(model.parameters().values() == before);
    CHECK(h.epochs() == 0);
  };
  auto o = full_batch(data, 0.1, 5);
  auto bad = o;
  bad.epochs = -1;
  expect(bad, "epochs is -1; expected epochs >= 0");
  bad = o;
  bad.batch_size = 0;
  expect(bad, "batch_size is 0; expected a batch size M >= 1");
  bad = o;
  bad.batch_size = 21;
  bad.drop_last = true;
  expect(bad, "batch_size is 21 with drop_last, but the dataset has only N = 20");
  bad = o;
  bad.threads = 0;
  expect(bad, "threads is 0; expected threads >= 1");
  bad = o;
  bad.min_rows_per_thread = -1;
  expect(bad, "min_rows_per_thread is -1; expected >= 0 (0: automatic)");
  bad = o;
  bad.weight_decay = -0.1;
  expect(bad, "weight_decay is -0.1; expected a finite number >= 0");
  bad = o;
  bad.max_steps = -3;
  expect(bad, "max_steps is -3");
  bad = o;
  bad.learning_rate = {0.1, [](double, std::int64_t) { return -1.0; }};
  expect(bad, "train: the schedule gives learning rate -1 at t = 0; expected a finite number >= 0");

  // alpha_0 <= 0 is caught when the learning rate is made
  CHECK_THROWS_WITH(optim::LearningRate<double>(0.0),
                    ContainsSubstring("learning_rate is 0; expected a finite number > 0"));

  // the data do not fit the model
  optim::LinearRegression<double> wide(4);
  CHECK_THROWS_WITH(optim::train(wide, data, o),
                    ContainsSubstring("the data have 3 features; the model expects 4 inputs"));
  const auto other = regression_data(10, 2, 1);
  bad = o;
  bad.validation = &other;
  expect(bad, "the data have 2 features; the model expects 3 inputs");
  optim::MLP<double> classifier({3, 4, 2}, optim::Nonlinearity::tanh, optim::Output::softmax);
  CHECK_THROWS_WITH(optim::train(classifier, data, o), ContainsSubstring("softmax output needs integer labels"));
  optim::LogisticRegression<double> logistic(3);
  CHECK_THROWS_WITH(optim::train(logistic, data, o),
                    ContainsSubstring("binary cross-entropy expects targets in [0, 1]"));

  // parameter shapes that do not match the model
  CHECK_THROWS_WITH(model.parameters().set("W1", MatrixX<double>::Zero(2, 1)),
                    ContainsSubstring("block 'W1' is 3x1, given 2x1"));
  CHECK_THROWS_WITH(model.parameters().assign(VectorXd::Zero(3)),
                    ContainsSubstring("3 values for a model with 4 parameters"));
  VectorXd nan = VectorXd::Zero(4);
  nan[2] = std::nan("");
  CHECK_THROWS_WITH(model.parameters().assign(nan), ContainsSubstring("value (2, 0) is NaN"));
  CHECK(model.parameters().values() == before);

  // empty data, row mismatch, NaN/Inf are refused when the Dataset is made
  CHECK_THROWS_WITH(optim::Dataset<double>(MatrixX<double>(0, 3), MatrixX<double>(0, 1)),
                    ContainsSubstring("no examples"));
  CHECK_THROWS_WITH(optim::Dataset<double>(MatrixX<double>::Zero(3, 3), MatrixX<double>::Zero(2, 1)),
                    ContainsSubstring("features have 3 rows but targets have 2"));
}

TEST_CASE("a schedule that turns negative at t = 2 is refused before the first update", "[optim][train][schedule]") {
  // alpha_t = 0.1 - 0.06 t: 0.1, 0.04, then -0.02 at t = 2.
  const optim::LearningRate<double> rate{0.1, [](double a, std::int64_t t) { return a - 0.06 * double(t); }};
  const auto data = regression_data(30, 2, 21);
  auto refused = [&](optim::TrainOptions<double> o) {
    optim::LinearRegression<double> model(2);
    model.parameters().values().setConstant(0.25);
    const VectorXd before = model.parameters().values();
    int epochs_seen = 0;
    o.on_epoch = [&](const optim::History<double>&) { return ++epochs_seen, true; };
    optim::History<double> h;
    CHECK_THROWS_WITH(optim::train(model, data, o, h),
                      ContainsSubstring("train: the schedule gives learning rate -0.02 at t = 2"));
    CHECK(model.parameters().values() == before);  // not one update
    CHECK(h.steps == 0);
    CHECK(epochs_seen == 0);
  };
  auto o = full_batch(data, 0.1, 5);
  o.learning_rate = rate;
  refused(o);  // t counts epochs: epoch 2 is planned
  o.epochs = 1;
  o.batch_size = 10;  // 3 steps in the one epoch
  o.schedule_unit = optim::ScheduleUnit::step;
  refused(o);  // t counts steps: step 2 is planned

  // Only planned steps are checked: two epochs, or max_steps = 2, never reach t = 2.
  optim::LinearRegression<double> model(2);
  auto two = full_batch(data, 0.1, 2);
  two.learning_rate = rate;
  CHECK(optim::train(model, data, two).steps == 2);
  two.epochs = 50;
  two.max_steps = 2;
  CHECK(optim::train(model, data, two).status == optim::Status::max_steps);
}
