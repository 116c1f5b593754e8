// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// Jacobians: the reverse sweeps of several outputs at once (Tape::backward_rows) and
// jacobian(), against closed forms, central differences and one backward() per row.

#include <cmath>
#include <limits>
#include <vector>

#include "test_support.hpp"

using tapegrad::Tape;
using tapegrad::Var;
using VectorXv = Eigen::Matrix<Var<double>, Eigen::Dynamic, 1>;

namespace {

/// A tall residual function F: R^3 -> R^m, r_i = a exp(-b t_i) + c - y_i (curve fitting):
/// generic in the scalar, so the same code gives the values for finite differences.
struct Decay {
  int m;
  template <class V>
  auto operator()(const V& w) const {
    using S = typename V::Scalar;
    Eigen::Matrix<S, Eigen::Dynamic, 1> r(m);
    for (int i = 0; i < m; ++i) {
      using std::exp;
      const double t = 0.1 * i, y = 2.0 * std::exp(-0.7 * t) + 0.3 + 0.01 * std::sin(3.0 * i);
      r[i] = w[0] * exp(-w[1] * t) + w[2] - y;
    }
    return r;
  }
};

/// Central differences of a vector function, column by column, in long double steps.
template <class F>
Eigen::MatrixXd central_jacobian(const F& f, const Eigen::VectorXd& x, double h = 1e-6) {
  const Eigen::VectorXd f0 = f(x);
  Eigen::MatrixXd J(f0.size(), x.size());
  for (Eigen::Index j = 0; j < x.size(); ++j) {
    Eigen::VectorXd xp = x, xm = x;
    xp[j] += h;
    xm[j] -= h;
    J.col(j) = (f(xp) - f(xm)) / (2 * h);
  }
  return J;
}

}  // namespace

TEST_CASE("jacobian of a tall function: closed form and central differences", "[jacobian]") {
  for (int m : {1, 3, 4, 5, 37}) {  // around and across the 4 outputs of one sweep
    INFO("m = " << m);
    const Decay F{m};
    const Eigen::VectorXd x{{1.7, 0.6, 0.2}};
    const Eigen::MatrixXd J = tapegrad::jacobian(F, x);
    REQUIRE(J.rows() == m);
    REQUIRE(J.cols() == 3);
    for (int i = 0; i < m; ++i) {
      const double t = 0.1 * i, e = std::exp(-x[1] * t);
      CHECK_CLOSE(J(i, 0), e, 1e-15);
      CHECK_CLOSE(J(i, 1), -x[0] * t * e, 1e-15);
      CHECK(J(i, 2) == 1.0);
    }
    const Eigen::MatrixXd fd = central_jacobian([&](const Eigen::VectorXd& v) { return F(v); }, x);
    CHECK((J - fd).cwiseAbs().maxCoeff() < 1e-8);
  }
}

TEST_CASE("backward_rows equals one backward() per output, in any order and for any shape",
          "[jacobian]") {
  Tape<double> tape;
  const double values[5] = {0.3, -1.2, 2.0, 0.7, 1.1};
  Var<double> x[5];
  tape.variables(values, 5, x);
  std::vector<Var<double>> y;
  Var<double> s = 0.0;
  for (int i = 0; i < 5; ++i) {
    s += x[i] * x[(i + 2) % 5];
    y.push_back(sin(s) * x[i]);
  }
  y.push_back(x[3]);             // an output that is an input
  y.push_back(Var<double>(4.0)); // a constant output: a zero row
  y.push_back(y[1]);             // the same output twice
  y.push_back(s * s);
  const auto m = static_cast<Eigen::Index>(y.size());
  Eigen::MatrixXd rows(m, 5);
  tape.backward_rows(y.data(), y.size(), x[0].index(), 5, rows.data(), 1, m);
  Eigen::MatrixXd wide(m, 5);  // 8 outputs per sweep this time, written row-major
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> row_major(m, 5);
  tape.backward_rows<8>(y.data(), y.size(), x[0].index(), 5, row_major.data(), 5, 1);
  for (Eigen::Index r = 0; r < m; ++r) {
    INFO("output " << r);
    tape.backward(y[static_cast<std::size_t>(r)]);
    for (int j = 0; j < 5; ++j) {
      CHECK(rows(r, j) == x[j].grad());
      CHECK(row_major(r, j) == x[j].grad());
    }
  }
  CHECK(rows.row(6).isZero());
  CHECK(rows(5, 3) == 1.0);
  // Sweeps do not disturb the adjoints of the last backward().
  tape.backward(y[0]);
  const double g0 = x[0].grad();
  tape.backward_rows(y.data(), y.size(), x[0].index(), 5, rows.data(), 1, m);
  CHECK(x[0].grad() == g0);
}

TEST_CASE("backward_rows: an Inf partial on a branch one output does not use stays out of it",
          "[jacobian]") {
  Tape<double> tape;
  const double values[2] = {0.0, 2.0};
  Var<double> x[2];
  tape.variables(values, 2, x);
  const Var<double> dead = sqrt(x[0]);  // d/dx sqrt(x) = Inf at 0
  const Var<double> y0 = x[1] * 3.0;      // does not use `dead`
  const Var<double> y1 = dead + x[1];
  const Var<double> ys[2] = {y0, y1};
  Eigen::Matrix<double, 2, 2> J;
  tape.backward_rows(ys, 2, x[0].index(), 2, J.data(), 1, 2);
  CHECK(J(0, 0) == 0.0);  // not NaN: the zero adjoint of `dead` in lane 0 is skipped
  CHECK(J(0, 1) == 3.0);
  CHECK(std::isinf(J(1, 0)));  // where the output really goes through it
  tape.backward(y0);  // the same as one sweep per output
  CHECK(x[0].grad() == 0.0);
  CHECK(J(1, 1) == 1.0);
}

TEST_CASE("jacobian with matrix statements inside f sweeps row by row", "[jacobian]") {
  const Eigen::MatrixXd A{{1.0, 2.0, 0.5}, {-1.0, 0.3, 4.0}};
  const Eigen::VectorXd x{{0.4, -0.2, 1.5}};
  const Eigen::MatrixXd J = tapegrad::jacobian(
      [&](const VectorXv& w) {
        const tapegrad::MatrixVar<double> W = tapegrad::to_matrix_var(Eigen::Matrix<Var<double>, Eigen::Dynamic, Eigen::Dynamic>(w));
        const tapegrad::MatrixVar<double> Y = tapegrad::tanh(A * W);  // two matrix statements
        VectorXv out(2);
        out << Y(0, 0) * w[0], Y(1, 0);
        return out;
      },
      x);
  const Eigen::VectorXd u = A * x;
  const double t0 = std::tanh(u[0]), t1 = std::tanh(u[1]);
  for (int j = 0; j < 3; ++j) {
    CHECK_CLOSE(J(0, j), (1 - t0 * t0) * A(0, j) * x[0] + (j == 0 ? t0 : 0.0), 1e-14);
    CHECK_CLOSE(J(1, j), (1 - t1 * t1) * A(1, j), 1e-14);
  }
}

TEST_CASE("backward_rows refuses what it cannot sweep", "[jacobian]") {
  Tape<double> tape;
  const double values[2] = {1.0, 2.0};
  Var<double> x[2];
  tape.variables(values, 2, x);
  const Var<double> y = x[0] * x[1];
  double out[2];
  const Var<double> z = y * x[0];  // a statement inside the claimed input range below
  CHECK_THROWS_AS(tape.backward_rows(&z, 1, x[0].index(), 3, out, 1, 1), std::invalid_argument);
  Tape<double> other;
  const Var<double> foreign = other.variable(1.0) * 2.0;
  CHECK_THROWS_AS(tape.backward_rows(&foreign, 1, x[0].index(), 2, out, 1, 1), tapegrad::TapeError);
  tapegrad::TapeScope<double> scope(tape);
  const tapegrad::MatrixVar<double> M = tapegrad::matrix_variable(tape, Eigen::MatrixXd::Ones(2, 2));
  const Var<double> s = tapegrad::sum(tapegrad::square(M)) * x[0];
  CHECK_THROWS_AS(tape.backward_rows(&s, 1, x[0].index(), 2, out, 1, 1), std::invalid_argument);
}
