// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// Dataset checks, batching (sequential, shuffled, drop_last), the seeded split and the
// Standardizer fitted on the training part only.

#include <algorithm>
#include <limits>
#include <set>
#include <stdexcept>
#include <vector>

#include "tapegrad/optim/optim.hpp"
#include "test_support.hpp"

namespace optim = tapegrad::optim;
using tapegrad::MatrixX;
using Index = Eigen::Index;

namespace {
optim::Dataset<double> numbered(Index n) {
  MatrixX<double> X(n, 2), Y(n, 1);
  for (Index i = 0; i < n; ++i) {
    X(i, 0) = double(i);
    X(i, 1) = -double(i);
    Y(i, 0) = 10.0 * double(i);
  }
  return optim::Dataset<double>(X, Y);
}
std::vector<Index> epoch_order(optim::BatchSampler& s, std::uint64_t epoch) {
  s.start_epoch(epoch);
  std::vector<Index> all;
  for (Index b = 0; b < s.batch_count(); ++b)
    for (Index r = 0; r < s.batch_size(b); ++r) all.push_back(s.batch(b)[r]);
  return all;
}
}  // namespace

TEST_CASE("Dataset rejects bad data with messages naming the value", "[optim][dataset]") {
  CHECK_THROWS_WITH(optim::Dataset<double>(MatrixX<double>(0, 3), MatrixX<double>(0, 1)),
                    ContainsSubstring("no examples (expected N >= 1"));
  CHECK_THROWS_WITH(optim::Dataset<double>(MatrixX<double>::Zero(4, 3), MatrixX<double>::Zero(5, 1)),
                    ContainsSubstring("features have 4 rows but targets have 5"));
  MatrixX<double> X = MatrixX<double>::Zero(3, 2);
  X(1, 1) = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH(optim::Dataset<double>(X, MatrixX<double>::Zero(3, 1)),
                    ContainsSubstring("feature (1, 1) is NaN; expected a finite number"));
  X(1, 1) = 0.0;
  MatrixX<double> Y = MatrixX<double>::Zero(3, 1);
  Y(2, 0) = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH(optim::Dataset<double>(X, Y), ContainsSubstring("target (2, 0) is Inf; expected a finite number"));
  Eigen::VectorXi labels(2);
  labels << 0, 1;
  CHECK_THROWS_WITH(optim::Dataset<double>::from_labels(X, labels), ContainsSubstring("3 rows but there are 2 labels"));
  Eigen::VectorXi bad(3);
  bad << 0, -1, 1;
  CHECK_THROWS_WITH(optim::Dataset<double>::from_labels(X, bad), ContainsSubstring("label -1 of row 1 is outside"));
}

TEST_CASE("from_labels keeps labels and their targets", "[optim][dataset]") {
  Eigen::VectorXi labels(4);
  labels << 2, 0, 1, 2;
  const auto d = optim::Dataset<double>::from_labels(MatrixX<double>::Ones(4, 3), labels);
  CHECK(d.has_labels());
  CHECK(d.class_count() == 3);
  CHECK(d.targets()(0, 0) == 2.0);
  const auto s = d.subset({3, 1});
  CHECK(s.labels()[0] == 2);
  CHECK(s.labels()[1] == 0);
  CHECK(s.class_count() == 3);
}

TEST_CASE("sequential batches are contiguous chunks in order; drop_last", "[optim][dataset]") {
  optim::BatchSampler keep(10, 4, optim::Order::sequential);
  CHECK(keep.batch_count() == 3);
  CHECK(keep.batch_size(2) == 2);
  CHECK(keep.batch(1)[0] == 4);
  CHECK(keep.batch(2)[1] == 9);
  optim::BatchSampler drop(10, 4, optim::Order::sequential, 0, true);
  CHECK(drop.batch_count() == 2);
  optim::BatchSampler big(10, 25, optim::Order::sequential);  // M > N without drop_last: one batch of N
  CHECK(big.batch_count() == 1);
  CHECK(big.batch_size(0) == 10);
}

TEST_CASE("shuffled batches: every example once per epoch, reproducible, new each epoch", "[optim][dataset]") {
  optim::BatchSampler a(103, 10, optim::Order::shuffled, 7), b(103, 10, optim::Order::shuffled, 7),
      c(103, 10, optim::Order::shuffled, 8);
  std::vector<std::vector<Index>> orders;
  for (std::uint64_t e = 0; e < 4; ++e) {
    const auto oa = epoch_order(a, e);
    REQUIRE(oa.size() == 103);
    CHECK(std::set<Index>(oa.begin(), oa.end()).size() == 103);  // each example exactly once
    CHECK(*std::min_element(oa.begin(), oa.end()) == 0);
    CHECK(*std::max_element(oa.begin(), oa.end()) == 102);
    CHECK(oa == epoch_order(b, e));                           // same seed, same order
    CHECK(oa != epoch_order(c, e));                           // another seed, another order
    for (const auto& earlier : orders) CHECK(oa != earlier);  // a new permutation every epoch
    orders.push_back(oa);
  }
  // An epoch's order depends on (seed, epoch) only: regenerating epoch 1 later gives it again.
  CHECK(epoch_order(a, 1) == orders[1]);
  // and it is not the identity
  std::vector<Index> identity(103);
  for (Index i = 0; i < 103; ++i) identity[static_cast<std::size_t>(i)] = i;
  CHECK(orders[0] != identity);
}

TEST_CASE("batch size checks", "[optim][dataset]") {
  CHECK_THROWS_WITH(optim::BatchSampler(10, 0), ContainsSubstring("batch_size is 0; expected a batch size M >= 1"));
  CHECK_THROWS_WITH(optim::BatchSampler(10, 11, optim::Order::sequential, 0, true),
                    ContainsSubstring("batch_size is 11 with drop_last, but the dataset has only N = 10"));
  CHECK_NOTHROW(optim::BatchSampler(10, 10, optim::Order::sequential, 0, true));
}

TEST_CASE("gather copies the rows and reuses the batch's memory", "[optim][dataset]") {
  const auto d = numbered(20);
  optim::Batch<double> batch;
  const Index rows[3] = {5, 0, 19};
  d.gather(rows, 3, batch);
  CHECK(batch.features(0, 0) == 5.0);
  CHECK(batch.features(2, 1) == -19.0);
  CHECK(batch.targets(1, 0) == 0.0);
  const double* features = batch.features.data();
  const double* targets = batch.targets.data();
  const Index more[3] = {1, 2, 3};
  d.gather(more, 3, batch);
  CHECK(batch.features.data() == features);  // same size: no new allocation
  CHECK(batch.targets.data() == targets);
  CHECK(batch.targets(2, 0) == 30.0);
}

TEST_CASE("gather: runs of consecutive rows, single rows and repeats all land in order", "[optim][dataset]") {
  const auto d = numbered(20);
  optim::Batch<double> batch;
  // Two runs (3-6, 10-11), a descending pair, a repeat and a lone last row.
  const Index rows[10] = {3, 4, 5, 6, 10, 11, 9, 8, 8, 19};
  d.gather(rows, 10, batch);
  REQUIRE(batch.features.rows() == 10);
  for (Index r = 0; r < 10; ++r) {
    INFO("batch row " << r);
    CHECK(batch.features(r, 0) == double(rows[r]));
    CHECK(batch.features(r, 1) == -double(rows[r]));
    CHECK(batch.targets(r, 0) == 10.0 * double(rows[r]));
  }
  const Index all[20] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19};
  d.gather(all, 20, batch);  // one run: the whole data set
  CHECK(batch.features == d.features());
  CHECK(batch.targets == d.targets());
}

TEST_CASE("train_test_split: seeded, disjoint, complete", "[optim][dataset]") {
  const auto d = numbered(50);
  const auto s1 = optim::train_test_split(d, 0.2, 3), s2 = optim::train_test_split(d, 0.2, 3),
             s3 = optim::train_test_split(d, 0.2, 4);
  CHECK(s1.test.size() == 10);
  CHECK(s1.train.size() == 40);
  CHECK(s1.test.features() == s2.test.features());
  CHECK(s1.test.features() != s3.test.features());
  std::set<double> ids;
  for (Index i = 0; i < 40; ++i) ids.insert(s1.train.features()(i, 0));
  for (Index i = 0; i < 10; ++i) ids.insert(s1.test.features()(i, 0));
  CHECK(ids.size() == 50);
  CHECK(s1.test.targets()(0, 0) == 10.0 * s1.test.features()(0, 0));  // rows stay together
  CHECK_THROWS_WITH(optim::train_test_split(d, 1.5, 0),
                    ContainsSubstring("test_fraction is 1.5; expected a number in (0, 1)"));
  CHECK_THROWS_WITH(optim::train_test_split(numbered(3), 0.01, 0), ContainsSubstring("leaves 0 test"));
}

TEST_CASE("Standardizer uses the training part only", "[optim][dataset]") {
  MatrixX<double> X(4, 2);
  X << 1.0, 5.0, 3.0, 5.0, 5.0, 5.0, 7.0, 5.0;  // column 2 is constant
  const optim::Dataset<double> train(X, MatrixX<double>::Zero(4, 1));
  const optim::Standardizer<double> scale(train);
  CHECK(scale.mean()[0] == 4.0);
  CHECK_CLOSE(scale.scale()[0], std::sqrt(5.0), 1e-15);
  CHECK(scale.scale()[1] == 1.0);
  const auto t = scale.transform(train);
  CHECK_CLOSE(t.features().col(0).mean(), 0.0, 1e-15);
  CHECK_CLOSE(t.features().col(0).squaredNorm() / 4.0, 1.0, 1e-15);
  MatrixX<double> other(1, 2);
  other << 9.0, 6.0;
  const MatrixX<double> o = scale.transform(other);  // the test part uses the training statistics
  CHECK_CLOSE(o(0, 0), 5.0 / std::sqrt(5.0), 1e-15);
  CHECK(o(0, 1) == 1.0);
  CHECK_THROWS_WITH(scale.transform(MatrixX<double>::Zero(2, 3)), ContainsSubstring("fitted on 2 features, given 3"));
}
