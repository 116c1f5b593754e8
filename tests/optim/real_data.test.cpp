// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// Training on the real data sets of examples/data: logistic regression on breast cancer
// and a 64-32-10 MLP on digits, both judged on a held-out part never used for fitting
// (the Standardizer is fitted on the training part only).

#include <chrono>
#include <string>

#include "tapegrad/io/csv.hpp"
#include "tapegrad/optim/optim.hpp"
#include "test_support.hpp"

namespace optim = tapegrad::optim;

namespace {
struct Prepared {
  optim::Dataset<double> train, test;
};
Prepared prepare(const std::string& file, double test_fraction, std::uint64_t seed) {
  const auto raw = tapegrad::io::read_labeled_csv<double>(std::string(TAPEGRAD_DATA_DIR) + "/" + file);
  const auto data = optim::classification_dataset(raw);
  const auto split = optim::train_test_split(data, test_fraction, seed);
  const optim::Standardizer<double> scale(split.train);  // training statistics only
  return {scale.transform(split.train), scale.transform(split.test)};
}
}  // namespace

TEST_CASE("logistic regression on breast cancer: >= 95% held-out accuracy", "[optim][data]") {
  const auto [train, test] = prepare("breast_cancer.csv", 0.2, 2026);
  REQUIRE(train.size() + test.size() == 569);
  REQUIRE(test.size() == 114);
  REQUIRE(train.class_count() == 2);

  SECTION("full batch gradient descent") {
    optim::LogisticRegression<double> model(30);
    optim::TrainOptions<double> o;
    o.epochs = 300;
    o.batch_size = train.size();
    o.order = optim::Order::sequential;
    o.learning_rate = 0.5;  // plain gradient descent (the default optimizer)
    o.validation = &test;
    const auto h = optim::train(model, train, o);
    const double acc = optim::accuracy(model, test);
    INFO("held-out accuracy " << acc << ", training loss " << h.loss.back());
    CHECK(acc >= 0.95);
    CHECK(h.validation_accuracy.back() == acc);
    CHECK(h.loss.back() < h.loss.front());
  }
  SECTION("shuffled mini-batches with a decaying rate") {
    optim::LogisticRegression<double> model(30);
    optim::TrainOptions<double> o;
    o.epochs = 30;
    o.batch_size = 16;
    o.seed = 3;
    o.learning_rate = {0.1, optim::InverseTimeDecay<double>(0.1)};
    optim::train(model, train, o);
    const double acc = optim::accuracy(model, test);
    INFO("held-out accuracy " << acc);
    CHECK(acc >= 0.95);
  }
}

TEST_CASE("MLP 64-32-10 on digits: >= 93% held-out accuracy", "[optim][data]") {
  const auto [train, test] = prepare("digits.csv.gz", 0.25, 7);
  REQUIRE(train.size() + test.size() == 1797);
  REQUIRE(train.class_count() == 10);
  optim::MLP<double> model({64, 32, 10}, optim::Nonlinearity::relu, optim::Output::softmax, 1);
  optim::TrainOptions<double> o;
  o.epochs = 30;
  o.batch_size = 32;
  o.seed = 1;
  o.optimizer = optim::Adam<double>();
  o.learning_rate = 0.003;
  o.validation = &test;
  const auto start = std::chrono::steady_clock::now();
  const auto h = optim::train(model, train, o);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double acc = optim::accuracy(model, test);
  INFO("held-out accuracy " << acc << " after " << h.epochs() << " epochs, " << seconds << " s");
  CHECK(acc >= 0.93);
  CHECK(h.status == optim::Status::max_epochs);
  CHECK(h.validation_accuracy.back() == acc);
}
