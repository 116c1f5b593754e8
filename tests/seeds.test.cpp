// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// The worked numbers of the texts tapegrad is taught from, computed on the tape.

#include <cmath>

#include "test_support.hpp"

using tapegrad::Tape;
using tapegrad::Var;

TEST_CASE("two variables: f(x, w) = x w, loss l = t - f", "[seeds]") {
  Tape<double> tape;
  const double x = 2.0, t = 4.0;
  Var<double> w = tape.variable(1.0);
  Var<double> l = t - x * w;
  tape.backward(l);
  CHECK(l.value() == 2.0);
  CHECK(w.grad() == -2.0);  // dl/dw = -x
  // one step w <- w - 0.1 dl/dw
  const double w1 = w.value() - 0.1 * w.grad();
  CHECK_CLOSE(w1, 1.2, 1e-15);
  tape.clear();
  w = tape.variable(w1);
  l = t - x * w;
  CHECK_CLOSE(l.value(), 1.6, 1e-15);
}

TEST_CASE("the bowl J(x, y) = x^2 + y^2 at (3, 4)", "[seeds]") {
  Tape<double> tape;
  const Var<double> x = tape.variable(3.0), y = tape.variable(4.0);
  const Var<double> J = x * x + y * y;
  tape.backward(J);
  CHECK(J.value() == 25.0);
  CHECK(x.grad() == 6.0);
  CHECK(y.grad() == 8.0);
  CHECK(std::hypot(x.grad(), y.grad()) == 10.0);
  const double alpha = 0.1;
  const double x1 = x.value() - alpha * x.grad(), y1 = y.value() - alpha * y.grad();
  CHECK_CLOSE(x1, 2.4, 1e-15);
  CHECK_CLOSE(y1, 3.2, 1e-15);
  CHECK_CLOSE(x1 * x1 + y1 * y1, 16.0, 1e-14);
}

TEST_CASE("single neuron z = w x, L = (z - y)^2: dL/dw = 2(wx - y)x", "[seeds]") {
  for (const double w0 : {-1.5, 0.0, 0.8, 2.0}) {
    Tape<double> tape;
    const double x = 1.7, y = 0.4;
    const Var<double> w = tape.variable(w0);
    const Var<double> z = w * x;
    const Var<double> L = (z - y) * (z - y);
    tape.backward(L);
    CHECK_CLOSE(w.grad(), 2.0 * (w0 * x - y) * x, 1e-14);
  }
}

namespace {
// A small fixed data set: 5 examples, 3 features.
const double X[5][3] = {{1.0, 0.5, -1.0}, {0.2, -0.3, 2.0}, {-1.0, 1.5, 0.4}, {0.7, 0.7, 0.7}, {2.0, -1.0, 0.0}};
const double Y[5] = {0.3, -1.2, 2.0, 0.5, 1.1};
const double W0[3] = {0.1, -0.4, 0.25};
}  // namespace

TEST_CASE("linear model L = sum_i (y_i - w.x_i)^2: dL/dw_j = -2 sum_i delta_i x_ij", "[seeds]") {
  Tape<double> tape;
  Var<double> w[3];
  for (int j = 0; j < 3; ++j) w[j] = tape.variable(W0[j]);
  Var<double> L = 0.0;
  double delta[5];
  for (int i = 0; i < 5; ++i) {
    const Var<double> d = Y[i] - (w[0] * X[i][0] + w[1] * X[i][1] + w[2] * X[i][2]);
    delta[i] = d.value();
    L += d * d;
  }
  tape.backward(L);
  for (int j = 0; j < 3; ++j) {
    double expected = 0.0;
    for (int i = 0; i < 5; ++i) expected += -2.0 * delta[i] * X[i][j];
    CHECK_CLOSE(w[j].grad(), expected, 1e-14);
  }
}

TEST_CASE("sigmoid model: dL/dw_j = -2 sum_i delta_i s(d_i)(1 - s(d_i)) x_ij", "[seeds]") {
  Tape<double> tape;
  Var<double> w[3];
  for (int j = 0; j < 3; ++j) w[j] = tape.variable(W0[j]);
  Var<double> L = 0.0;
  double delta[5], d[5];
  for (int i = 0; i < 5; ++i) {
    d[i] = W0[0] * X[i][0] + W0[1] * X[i][1] + W0[2] * X[i][2];
    const Var<double> e = Y[i] - tapegrad::sigmoid(w[0] * X[i][0] + w[1] * X[i][1] + w[2] * X[i][2]);
    delta[i] = e.value();
    L += e * e;
  }
  tape.backward(L);
  for (int j = 0; j < 3; ++j) {
    double expected = 0.0;
    for (int i = 0; i < 5; ++i) {
      const double s = 1.0 / (1.0 + std::exp(-d[i]));
      expected += -2.0 * delta[i] * s * (1.0 - s) * X[i][j];
    }
    CHECK_CLOSE(w[j].grad(), expected, 1e-14);
  }
}

TEST_CASE("logistic regression in sub-blocks u = w.x, p = s(u), L = -log p", "[seeds]") {
  Tape<double> tape;
  const double x[3] = {0.5, -1.0, 2.0};
  Var<double> w[3];
  for (int j = 0; j < 3; ++j) w[j] = tape.variable(W0[j]);
  const Var<double> u = w[0] * x[0] + w[1] * x[1] + w[2] * x[2];
  const Var<double> p = tapegrad::sigmoid(u);
  const Var<double> L = -log(p);
  tape.backward(L);
  const double uv = W0[0] * x[0] + W0[1] * x[1] + W0[2] * x[2];
  const double pv = 1.0 / (1.0 + std::exp(-uv));
  CHECK_CLOSE(p.grad(), -1.0 / pv, 1e-14);                                          // dL/dp
  CHECK_CLOSE(u.grad(), -(1.0 - pv), 1e-14);                                        // dL/du = dL/dp * p(1 - p)
  for (int j = 0; j < 3; ++j) CHECK_CLOSE(w[j].grad(), -(1.0 - pv) * x[j], 1e-14);  // dL/dw = dL/du * x
}
