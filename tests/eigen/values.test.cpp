// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// variables(), values(), gradients() and their shape checks.

#include "test_support.hpp"

using tapegrad::Var;

TEST_CASE("variables, values and gradients round-trip a matrix", "[eigen][values]") {
  tapegrad::Tape<double> tape;
  Eigen::MatrixXd M(2, 3);
  M << 1, 2, 3, 4, 5, 6;
  const auto V = tapegrad::variables(tape, M);
  STATIC_REQUIRE(std::is_same_v<std::decay_t<decltype(V)>, Eigen::Matrix<Var<double>, Eigen::Dynamic, Eigen::Dynamic>>);
  CHECK(tapegrad::values(V) == M);
  const Var<double> y = (V.array() * V.array()).sum();  // dy/dV = 2V
  tape.backward(y);
  CHECK(tapegrad::gradients(V) == 2.0 * M);
  CHECK(tapegrad::gradients(tape, V) == 2.0 * M);
  Eigen::MatrixXd out(2, 3);
  tapegrad::gradients_into(tape, V, out);
  CHECK(out == 2.0 * M);
  tapegrad::values_into(V, out);
  CHECK(out == M);
  Eigen::MatrixXd big(4, 4);
  tapegrad::gradients_into(tape, V, big.block(1, 1, 2, 3));  // into a block of the right shape
  CHECK(big.block(1, 1, 2, 3) == 2.0 * M);
}

TEST_CASE("fixed-size and row vectors keep their shape", "[eigen][values]") {
  tapegrad::Tape<double> tape;
  const Eigen::RowVector3d r(1.0, 2.0, 3.0);
  const auto vr = tapegrad::variables(tape, r);
  STATIC_REQUIRE(std::decay_t<decltype(vr)>::RowsAtCompileTime == 1);
  STATIC_REQUIRE(std::decay_t<decltype(vr)>::ColsAtCompileTime == 3);
  const Eigen::Vector2d v(4.0, 5.0);
  const auto vv = tapegrad::variables(tape, v);
  tape.backward(vr.sum() * vv.prod());
  CHECK(tapegrad::gradients(vr) == Eigen::RowVector3d::Constant(20.0));
  CHECK(tapegrad::gradients(vv) == Eigen::Vector2d(30.0, 24.0));
}

TEST_CASE("shape mismatches throw invalid_argument naming both shapes", "[eigen][values]") {
  tapegrad::Tape<double> tape;
  const auto V = tapegrad::variables(tape, Eigen::MatrixXd::Ones(3, 2).eval());
  tape.backward(V.sum());
  Eigen::MatrixXd wrong(2, 2);
  CHECK_THROWS_WITH(tapegrad::gradients_into(tape, V, wrong),
                    ContainsSubstring("source is 3x2 but destination is 2x2"));
  CHECK_THROWS_AS(tapegrad::values_into(V, wrong), std::invalid_argument);
}
