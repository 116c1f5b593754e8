// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// Matrix-level statements: every operation against central differences of the same
// computation in plain doubles, plus shapes, lifetimes and edge values.

#include <cmath>

#include "test_support.hpp"

using Eigen::MatrixXd;
using Eigen::VectorXd;
using tapegrad::MatrixVar;
using tapegrad::Tape;
using tapegrad::Var;

namespace {
const MatrixXd X = (MatrixXd(4, 3) << 0.5, -1.0, 2.0, 1.5, 0.25, -0.75, -2.0, 1.0, 0.1, 0.3, 0.6, -0.9).finished();

// Splits x into W (2 x 3, column-major) and b (2).
MatrixXd W_of(const VectorXd& x) { return Eigen::Map<const MatrixXd>(x.data(), 2, 3); }
VectorXd b_of(const VectorXd& x) { return x.segment(6, 2); }
VectorXd start_point() {
  VectorXd x(8);
  x << 0.2, -0.4, 0.7, 0.1, -0.3, 0.5, 0.05, -0.15;
  return x;
}

// Tape gradient of f_tape(W, b) against central differences of f_plain(W, b).
template <class FTape, class FPlain>
void check_matrix_gradient(FTape f_tape, FPlain f_plain, double tol = 1e-7) {
  const VectorXd x = start_point();
  Tape<double> tape;
  const MatrixVar<double> W = tapegrad::matrix_variable(tape, W_of(x));
  const MatrixVar<double> b = tapegrad::matrix_variable(tape, b_of(x));
  const Var<double> L = f_tape(W, b);
  CHECK_CLOSE(L.value(), f_plain(W_of(x), b_of(x)), 1e-12);
  tape.backward(L);
  VectorXd analytic(8);
  analytic << Eigen::Map<const VectorXd>(tapegrad::gradients(tape, W).data(), 6), tapegrad::gradients(tape, b);
  const VectorXd numerical =
      tapegrad::numerical_gradient([&](const VectorXd& p) { return f_plain(W_of(p), b_of(p)); }, x);
  for (int i = 0; i < 8; ++i) {
    INFO("component " << i);
    CHECK_CLOSE(analytic[i], numerical[i], tol);
  }
}

MatrixXd sigmoid_of(const MatrixXd& z) {
  return z.unaryExpr([](double v) { return 1.0 / (1.0 + std::exp(-v)); });
}
}  // namespace

TEST_CASE("matrix products in every operand order", "[matrix]") {
  const MatrixXd M = (MatrixXd(3, 2) << 1.0, -0.5, 0.25, 2.0, -1.0, 0.75).finished();
  check_matrix_gradient(
      [&](const MatrixVar<double>& W, const MatrixVar<double>&) {
        return tapegrad::sum(W * M) + tapegrad::sum(X * tapegrad::transpose(W)) +
               tapegrad::sum(W * tapegrad::transpose(W));
      },
      [&](const MatrixXd& W, const VectorXd&) {
        return (W * M).sum() + (X * W.transpose()).sum() + (W * W.transpose()).sum();
      });
  check_matrix_gradient(  // M * A with M plain on the left
      [&](const MatrixVar<double>& W, const MatrixVar<double>& b) {
        return tapegrad::squared_norm(M.transpose() * tapegrad::transpose(W)) +
               tapegrad::sum(tapegrad::transpose(b) * W);
      },
      [&](const MatrixXd& W, const VectorXd& b) {
        return (M.transpose() * W.transpose()).squaredNorm() + (b.transpose() * W).sum();
      });
}

// Large enough that Eigen takes its blocked product path (and, built with EIGEN_USE_BLAS
// as test_eigen_blas is, hands the products to the BLAS): a dense layer at 40 x 30 x 25.
TEST_CASE("products of layer size: closed-form gradients, also through a BLAS", "[matrix][blas]") {
#ifdef EIGEN_USE_BLAS
  INFO("Eigen's products go to the BLAS (EIGEN_USE_BLAS)");
#endif
  const MatrixXd A0 = MatrixXd::Random(40, 30), W0 = MatrixXd::Random(30, 25), G0 = MatrixXd::Random(40, 25);
  Tape<double> tape;
  const MatrixVar<double> A = tapegrad::matrix_variable(tape, A0);
  const MatrixVar<double> W = tapegrad::matrix_variable(tape, W0);
  // L = sum(G0 .* (A W)) + sum(G0 .* (A W)) with the product recorded twice, so every
  // adjoint is accumulated (+=) by the second statement on top of the first.
  const Var<double> L =
      tapegrad::sum(tapegrad::cwise_product(A * W, G0)) + tapegrad::sum(tapegrad::cwise_product(A * W, G0));
  CHECK_CLOSE(L.value(), 2.0 * (A0 * W0).cwiseProduct(G0).sum(), 1e-10);
  tape.backward(L);
  // dL/dA = 2 G0 W0^T and dL/dW = 2 A0^T G0, entry by entry in plain loops.
  MatrixXd dA = MatrixXd::Zero(40, 30), dW = MatrixXd::Zero(30, 25);
  for (int i = 0; i < 40; ++i)
    for (int j = 0; j < 25; ++j)
      for (int k = 0; k < 30; ++k) {
        dA(i, k) += 2.0 * G0(i, j) * W0(k, j);
        dW(k, j) += 2.0 * A0(i, k) * G0(i, j);
      }
  CHECK((tapegrad::gradients(tape, A) - dA).cwiseAbs().maxCoeff() < 1e-12);
  CHECK((tapegrad::gradients(tape, W) - dW).cwiseAbs().maxCoeff() < 1e-12);
  // And one entry against central differences of the plain computation.
  const auto plain = [&](double a) {
    MatrixXd Ap = A0;
    Ap(7, 11) = a;
    return 2.0 * (Ap * W0).cwiseProduct(G0).sum();
  };
  const double h = 1e-5;
  CHECK_CLOSE(tapegrad::gradients(tape, A)(7, 11), (plain(A0(7, 11) + h) - plain(A0(7, 11) - h)) / (2 * h), 1e-7);
}

TEST_CASE("matrix_variable_in_place reads the values where they are, gradients as with a copy", "[matrix]") {
  MatrixXd M0 = X;
  Tape<double> tape;
  const MatrixVar<double> A = tapegrad::matrix_variable_in_place(tape, M0);
  CHECK(A.value().data() == M0.data());  // no copy
  CHECK(tape.custom_count() == 1);
  CHECK(tape.size() == static_cast<std::size_t>(M0.size()));
  // L = sum(A .* A) + sum(A W^T): dL/dA = 2 A + 1 w^T for W = 1 w^T, w = (1, 2, 3) as rows.
  const MatrixXd W = (MatrixXd(2, 3) << 1.0, 2.0, 3.0, 1.0, 2.0, 3.0).finished();
  const Var<double> L = tapegrad::sum(tapegrad::cwise_product(A, A)) + tapegrad::sum(A * W.transpose());
  CHECK_CLOSE(L.value(), M0.squaredNorm() + (M0 * W.transpose()).sum(), 1e-12);
  tape.backward(L);
  MatrixXd expected = 2.0 * M0;
  for (int j = 0; j < 3; ++j) expected.col(j).array() += 2.0 * double(j + 1);
  CHECK((tapegrad::gradients(tape, A) - expected).cwiseAbs().maxCoeff() < 1e-12);
  CHECK_THROWS_AS(tapegrad::matrix_variable_in_place(tape, MatrixXd()), std::invalid_argument);
}

TEST_CASE("a dense layer: rowwise bias and activations", "[matrix]") {
  for (int activation = 0; activation < 6; ++activation) {
    INFO("activation " << activation);
    auto act_tape = [activation](const MatrixVar<double>& Z) {
      switch (activation) {
        case 0:
          return tapegrad::sigmoid(Z);
        case 1:
          return tapegrad::tanh(Z);
        case 2:
          return tapegrad::relu(Z);
        case 3:
          return tapegrad::exp(Z);
        case 4:
          return tapegrad::square(Z);
        default:
          return tapegrad::softplus(Z);
      }
    };
    auto act_plain = [activation](const MatrixXd& Z) -> MatrixXd {
      switch (activation) {
        case 0:
          return sigmoid_of(Z);
        case 1:
          return Z.array().tanh().matrix();
        case 2:
          return Z.cwiseMax(0.0);
        case 3:
          return Z.array().exp().matrix();
        case 4:
          return Z.array().square().matrix();
        default:
          return Z.unaryExpr([](double v) { return std::log1p(std::exp(v)); });
      }
    };
    check_matrix_gradient(
        [&](const MatrixVar<double>& W, const MatrixVar<double>& b) {
          return tapegrad::squared_norm(act_tape(tapegrad::rowwise_add(X * tapegrad::transpose(W), b)));
        },
        [&](const MatrixXd& W, const VectorXd& b) {
          return act_plain((X * W.transpose()).rowwise() + b.transpose()).squaredNorm();
        });
  }
}

TEST_CASE("sums, scaling, reductions and log", "[matrix]") {
  const MatrixXd C = MatrixXd::Constant(2, 3, 0.5);
  check_matrix_gradient(
      [&](const MatrixVar<double>& W, const MatrixVar<double>& b) {
        const Var<double> s = b(0, 0) * 3.0;  // a scalar Var taken from a matrix
        const MatrixVar<double> A = W + C;
        const MatrixVar<double> B = (C - W) * 2.0 - A / 4.0 + (-W);
        return tapegrad::mean(s * A) + tapegrad::dot(A, B) + tapegrad::logsumexp(B) +
               tapegrad::sum(tapegrad::log(tapegrad::exp(W) + C)) + tapegrad::sum(A - W) + tapegrad::sum(W + A);
      },
      [&](const MatrixXd& W, const VectorXd& b) {
        const double s = b[0] * 3.0;
        const MatrixXd A = W + C;
        const MatrixXd B = (C - W) * 2.0 - A / 4.0 - W;
        const double lse = std::log(B.array().exp().sum());
        return (s * A).mean() + A.cwiseProduct(B).sum() + lse + (W.array().exp() + 0.5).log().sum() + (A - W).sum() +
               (W + A).sum();
      });
}

TEST_CASE("losses: mse, binary and softmax cross-entropy", "[matrix][loss]") {
  const MatrixXd Y = (MatrixXd(4, 2) << 1, 0, 0, 1, 1, 1, 0, 0).finished();
  const std::vector<int> labels{1, 0, 1, 1};
  check_matrix_gradient(
      [&](const MatrixVar<double>& W, const MatrixVar<double>& b) {
        const MatrixVar<double> Z = tapegrad::rowwise_add(X * tapegrad::transpose(W), b);
        return tapegrad::mse(Z, Y) + tapegrad::bce_with_logits(Z, Y) + tapegrad::softmax_cross_entropy(Z, labels);
      },
      [&](const MatrixXd& W, const VectorXd& b) {
        const MatrixXd Z = (X * W.transpose()).rowwise() + b.transpose();
        double bce = 0, ce = 0;
        for (int k = 0; k < 8; ++k) bce += std::log1p(std::exp(Z(k))) - Y(k) * Z(k);
        for (int i = 0; i < 4; ++i)
          ce += std::log(Z.row(i).array().exp().sum()) - Z(i, labels[static_cast<std::size_t>(i)]);
        return (Z - Y).squaredNorm() / 8 + bce / 8 + ce / 4;
      });
}

TEST_CASE("losses stay finite and exact at |z| = 1000", "[matrix][loss]") {
  Tape<double> tape;
  const MatrixVar<double> Z = tapegrad::matrix_variable(tape, (MatrixXd(1, 2) << 1000.0, -1000.0).finished());
  const Var<double> bce = tapegrad::bce_with_logits(Z, (MatrixXd(1, 2) << 0.0, 0.0).finished());
  CHECK_CLOSE(bce.value(), 500.0, 1e-12);  // (softplus(1000) + softplus(-1000)) / 2
  tape.backward(bce);
  const MatrixXd g = tapegrad::gradients(tape, Z);
  CHECK_CLOSE(g(0), 0.5, 1e-15);  // (s(1000) - 0)/2
  CHECK(std::abs(g(1)) < 1e-300);
  const Var<double> ce = tapegrad::softmax_cross_entropy(Z, std::vector<int>{1});
  CHECK_CLOSE(ce.value(), 2000.0, 1e-12);
  tape.backward(ce);
  CHECK_CLOSE(tapegrad::gradients(tape, Z)(0), 1.0, 1e-15);
  CHECK_CLOSE(tapegrad::gradients(tape, Z)(1), -1.0, 1e-15);
}

TEST_CASE("matrix statements agree with the scalar-Var path", "[matrix]") {
  const VectorXd x = start_point();
  Tape<double> tape;
  const MatrixVar<double> W = tapegrad::matrix_variable(tape, W_of(x));
  const auto Wv = tapegrad::to_vars(W);  // the same slots, as scalar Vars
  Eigen::Matrix<Var<double>, Eigen::Dynamic, Eigen::Dynamic> H = X * Wv.transpose();
  for (Eigen::Index k = 0; k < H.size(); ++k) H(k) = tapegrad::sigmoid(H(k));
  const MatrixVar<double> Hm = tapegrad::to_matrix_var(H);  // back into a matrix statement
  const Var<double> L = tapegrad::squared_norm(Hm) + (Wv.array() * Wv.array()).sum();
  tape.backward(L);
  const MatrixXd Hp = sigmoid_of(X * W_of(x).transpose());
  const MatrixXd expected =
      (2.0 * Hp.cwiseProduct(Hp).cwiseProduct(MatrixXd::Ones(4, 2) - Hp)).transpose() * X + 2.0 * W_of(x);
  const MatrixXd g = tapegrad::gradients(tape, W);
  for (Eigen::Index k = 0; k < g.size(); ++k) CHECK_CLOSE(g(k), expected(k), 1e-13);
  CHECK(tapegrad::gradients(tape, Wv) == g);
}

TEST_CASE("plain temporaries are copied, so they may die before backward", "[matrix][lifetime]") {
  Tape<double> tape;
  const MatrixVar<double> A = tapegrad::matrix_variable(tape, MatrixXd::Ones(2, 2).eval());
  const MatrixXd M = (MatrixXd(2, 2) << 1, 2, 3, 4).finished();
  const MatrixVar<double> C = A * (M * 2.0);  // the product expression is a temporary
  const MatrixVar<double> D = (M.transpose() * 3.0) * A;
  tape.backward(tapegrad::sum(C) + tapegrad::sum(D));
  const MatrixXd expected = MatrixXd::Ones(2, 2) * (2.0 * M).transpose() + (3.0 * M) * MatrixXd::Ones(2, 2);
  CHECK(tapegrad::gradients(tape, A) == expected);
}

TEST_CASE("matrix shapes and stale matrices are reported", "[matrix][errors]") {
  Tape<double> tape;
  const MatrixVar<double> A = tapegrad::matrix_variable(tape, MatrixXd::Ones(2, 3).eval());
  const MatrixVar<double> B = tapegrad::matrix_variable(tape, MatrixXd::Ones(2, 2).eval());
  CHECK_THROWS_WITH(A * A, ContainsSubstring("A is 2x3 and B is 2x3"));
  CHECK_THROWS_WITH(A + B, ContainsSubstring("operands are 2x3 and 2x2"));
  CHECK_THROWS_AS(tapegrad::rowwise_add(A, B), std::invalid_argument);
  CHECK_THROWS_AS(tapegrad::mse(A, MatrixXd::Ones(3, 2).eval()), std::invalid_argument);
  CHECK_THROWS_AS(tapegrad::softmax_cross_entropy(A, std::vector<int>{0, 3}), std::invalid_argument);
  CHECK_THROWS_AS(tapegrad::softmax_cross_entropy(A, std::vector<int>{0}), std::invalid_argument);
  CHECK_THROWS_AS(A(2, 0), std::invalid_argument);
  const auto mark = tape.mark();
  const MatrixVar<double> C = A * 2.0;
  tape.rewind(mark);
  CHECK_THROWS_AS(tapegrad::sum(C), tapegrad::TapeError);
  tape.clear();
  CHECK_THROWS_AS(A * 2.0, tapegrad::TapeError);
}

TEST_CASE("more element-wise functions, products of entries, scalar offsets", "[matrix]") {
  const MatrixXd M = (MatrixXd(2, 3) << 0.5, -1.5, 2.0, 1.0, 0.25, -0.75).finished();
  check_matrix_gradient(
      [&](const MatrixVar<double>& W, const MatrixVar<double>& b) {
        const MatrixVar<double> P = W + 2.0;  // positive entries for sqrt
        return tapegrad::sum(tapegrad::sin(W)) + tapegrad::sum(tapegrad::cos(W * 2.0)) +
               tapegrad::sum(tapegrad::sqrt(P)) + tapegrad::sum(tapegrad::abs(W - 0.05)) +
               tapegrad::sum(tapegrad::cwise_product(W, P)) + tapegrad::sum(tapegrad::cwise_product(W, M)) +
               tapegrad::prod(W + 1.0) + tapegrad::prod(b) + tapegrad::sum(1.0 - W) + tapegrad::sum(3.0 + W);
      },
      [&](const MatrixXd& W, const VectorXd& b) {
        const MatrixXd P = W.array() + 2.0;
        return W.array().sin().sum() + (2.0 * W).array().cos().sum() + P.array().sqrt().sum() +
               (W.array() - 0.05).abs().sum() + W.cwiseProduct(P).sum() + W.cwiseProduct(M).sum() +
               (W.array() + 1.0).prod() + b.prod() + (1.0 - W.array()).sum() + (3.0 + W.array()).sum();
      });
}

TEST_CASE("prod is exact with a zero entry", "[matrix]") {
  Tape<double> tape;
  const auto A = tapegrad::matrix_variable(tape, (MatrixXd(1, 4) << 2.0, 0.0, 3.0, 5.0).finished());
  const Var<double> p = tapegrad::prod(A);
  CHECK(p.value() == 0.0);
  tape.backward(p);
  CHECK(tapegrad::gradients(tape, A) == (MatrixXd(1, 4) << 0.0, 30.0, 0.0, 0.0).finished());
}

TEST_CASE("prod: the product of the other entries on both paths (quotient, prefix and suffix)", "[matrix]") {
  // A finite normal product takes prod / a_k; zeros, NaN and a subnormal product take the
  // prefix and suffix products. Both against the product of the other entries, in long double.
  const auto others = [](const MatrixXd& a, Eigen::Index k) {
    long double p = 1;
    for (Eigen::Index j = 0; j < a.size(); ++j)
      if (j != k) p *= static_cast<long double>(a(j));
    return static_cast<double>(p);
  };
  const MatrixXd normal = (MatrixXd::Random(1, 200).array() * 0.5 + 1.0).matrix();  // in [0.5, 1.5]
  const MatrixXd subnormal = (MatrixXd(1, 3) << 1e-200, 1e-110, 2.0).finished();    // product 2e-310
  const MatrixXd with_nan = (MatrixXd(1, 3) << 2.0, std::nan(""), 3.0).finished();
  for (const MatrixXd& values : {normal, subnormal, with_nan}) {
    Tape<double> tape;
    const auto A = tapegrad::matrix_variable(tape, values);
    const Var<double> p = tapegrad::prod(A);
    tape.backward(p);
    const MatrixXd g = tapegrad::gradients(tape, A);
    for (Eigen::Index k = 0; k < values.size(); ++k) {
      INFO("entry " << k << " of " << values.size());
      const double expected = others(values, k);
      if (std::isnan(expected)) {
        CHECK(std::isnan(g(k)));
      } else {
        CHECK_THAT(g(k), WithinRel(expected, 1e-13));
      }
    }
  }
}

TEST_CASE("blocks, rows, columns and reshaped views", "[matrix]") {
  check_matrix_gradient(
      [&](const MatrixVar<double>& W, const MatrixVar<double>& b) {
        const MatrixVar<double> x = b.reshaped(1, 2);  // a view: same slots
        return tapegrad::squared_norm(tapegrad::block(W, 0, 1, 2, 2)) + tapegrad::sum(tapegrad::row(W, 1)) * 3.0 +
               tapegrad::dot(tapegrad::col(W, 2), b) + tapegrad::sum(x * tapegrad::block(W, 0, 0, 2, 2)) +
               tapegrad::sum(tapegrad::square(W.reshaped(3, 2)));
      },
      [&](const MatrixXd& W, const VectorXd& b) {
        return W.block(0, 1, 2, 2).squaredNorm() + W.row(1).sum() * 3.0 + W.col(2).dot(b) +
               (b.transpose() * W.block(0, 0, 2, 2)).sum() + W.squaredNorm();
      });
  Tape<double> tape;
  const auto A = tapegrad::matrix_variable(tape, MatrixXd::Ones(2, 3).eval());
  CHECK_THROWS_WITH(tapegrad::block(A, 1, 1, 2, 2), ContainsSubstring("does not fit in a 2x3 matrix"));
  CHECK_THROWS_AS(A.reshaped(4, 2), std::invalid_argument);
  CHECK(A.reshaped(3, 2)(2, 1).index() == A(1, 2).index());
}

TEST_CASE("cwise and cwise_sum: fused element-wise statements of a generic f", "[matrix][cwise]") {
  // Unary and binary, mapped and summed; W and a same-shape part of W for the binary ones,
  // so the two operands also share slots (their contributions must add up).
  const auto f1 = [](auto a) {
    using std::exp;
    using std::sin;
    return exp(sin(a)) * a;
  };
  const auto f2 = [](auto a, auto b) {
    const auto t = b - a * a;
    const auto u = 1.0 - a;
    return 100.0 * t * t + u * u + a / (2.0 + b * b);
  };
  check_matrix_gradient(
      [&](const MatrixVar<double>& W, const MatrixVar<double>& b) {
        const MatrixVar<double> left = tapegrad::block(W, 0, 0, 2, 2);
        const MatrixVar<double> right = tapegrad::block(W, 0, 1, 2, 2);
        return tapegrad::cwise_sum(f1, W) + tapegrad::sum(tapegrad::cwise(f1, b)) * 0.5 +
               tapegrad::cwise_sum(f2, left, right) + tapegrad::dot(tapegrad::cwise(f2, right, left), left) +
               tapegrad::cwise_sum(f2, W, W);
      },
      [&](const MatrixXd& W, const VectorXd& b) {
        double total = 0;
        for (Eigen::Index k = 0; k < W.size(); ++k) total += f1(W(k)) + f2(W(k), W(k));
        for (Eigen::Index k = 0; k < b.size(); ++k) total += 0.5 * f1(b(k));
        const MatrixXd left = W.block(0, 0, 2, 2), right = W.block(0, 1, 2, 2);
        for (Eigen::Index k = 0; k < 4; ++k) total += f2(left(k), right(k)) + f2(right(k), left(k)) * left(k);
        return total;
      },
      1e-6);
  Tape<double> tape;
  const auto A = tapegrad::matrix_variable(tape, MatrixXd::Ones(2, 3).eval());
  const auto B = tapegrad::matrix_variable(tape, MatrixXd::Ones(3, 2).eval());
  CHECK_THROWS_WITH(tapegrad::cwise_sum(f2, A, B), ContainsSubstring("must have the same shape"));
  CHECK_THROWS_AS(tapegrad::cwise(f2, A, B), std::invalid_argument);
}

TEST_CASE("colwise_sum: f over the column pairs of a 2-row matrix, one statement", "[matrix][cwise]") {
  const auto f2 = [](auto a, auto b) {
    const auto t = b - a * a;
    const auto u = 1.0 - a;
    return 100.0 * t * t + u * u + a / (2.0 + b * b);
  };
  // Against finite differences: the columns of W (2 x 3) and the one column of b (2 x 1).
  check_matrix_gradient(
      [&](const MatrixVar<double>& W, const MatrixVar<double>& b) {
        return tapegrad::colwise_sum(f2, W) + 0.5 * tapegrad::colwise_sum(f2, b);
      },
      [&](const MatrixXd& W, const VectorXd& b) {
        double total = 0.5 * f2(b(0), b(1));
        for (Eigen::Index j = 0; j < W.cols(); ++j) total += f2(W(0, j), W(1, j));
        return total;
      },
      1e-6);
  // Against the closed form: extended Rosenbrock, x viewed as 2 x n/2 (pairs in columns),
  // more pairs than one chunk of the forward loop.
  const int n = 1200;
  VectorXd x(n);
  for (int i = 0; i < n; ++i) x[i] = std::sin(0.37 * i) * 1.5;
  Tape<double> tape;
  const MatrixVar<double> X = tapegrad::matrix_variable(tape, x).reshaped(2, n / 2);
  const Var<double> f = tapegrad::colwise_sum(
      [](auto a, auto b) { return 100.0 * (b - a * a) * (b - a * a) + (1.0 - a) * (1.0 - a); }, X);
  tape.backward(f);
  const MatrixXd g = tapegrad::gradients(tape, X);
  double expected_f = 0;
  for (int k = 0; k < n; k += 2) {
    const double t = x[k + 1] - x[k] * x[k], u = 1.0 - x[k];
    expected_f += 100.0 * t * t + u * u;
    CHECK_CLOSE(g(0, k / 2), -400.0 * x[k] * t - 2.0 * u, 1e-12);
    CHECK_CLOSE(g(1, k / 2), 200.0 * t, 1e-12);
  }
  CHECK_CLOSE(f.value(), expected_f, 1e-12);
  const auto A = tapegrad::matrix_variable(tape, MatrixXd::Ones(3, 2).eval());
  CHECK_THROWS_WITH(tapegrad::colwise_sum(f2, A), ContainsSubstring("expected 2 rows"));
}
