// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// Eigen matrices of Var: traits, arithmetic, products (also mixed with plain matrices),
// reductions and array functions, each gradient checked by central differences.

#include <limits>

#include "test_support.hpp"

using tapegrad::Var;
template <class S>
using MatrixX = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>;
template <class S>
using VectorX = Eigen::Matrix<S, Eigen::Dynamic, 1>;

TEMPLATE_TEST_CASE("NumTraits<Var<T>> mirrors NumTraits<T>", "[eigen]", float, double, long double) {
  using T = TestType;
  using NT = Eigen::NumTraits<Var<T>>;
  using Plain = Eigen::NumTraits<T>;
  STATIC_REQUIRE(NT::IsComplex == 0);
  STATIC_REQUIRE(NT::IsInteger == 0);
  STATIC_REQUIRE(NT::IsSigned == 1);
  STATIC_REQUIRE(NT::RequireInitialization == 1);
  STATIC_REQUIRE(std::is_same_v<typename NT::Real, Var<T>>);
  CHECK(NT::epsilon().value() == Plain::epsilon());
  CHECK(NT::dummy_precision().value() == Plain::dummy_precision());
  CHECK(NT::highest().value() == Plain::highest());
  CHECK(NT::lowest().value() == Plain::lowest());
  CHECK(NT::digits10() == Plain::digits10());
  CHECK(NT::digits() == Plain::digits());
  CHECK(NT::epsilon().is_constant());
  CHECK(std::numeric_limits<Var<T>>::epsilon().value() == std::numeric_limits<T>::epsilon());
  CHECK(std::numeric_limits<Var<T>>::digits == std::numeric_limits<T>::digits);
}

namespace {
Eigen::VectorXd point(int n, double shift) {
  Eigen::VectorXd x(n);
  for (int i = 0; i < n; ++i) x[i] = 0.3 + 0.17 * i + shift * ((i % 2) ? -1 : 1);
  return x;
}
// Unpacks the first 6 inputs into a 2x3 matrix and the rest into a vector.
template <class S, class V>
MatrixX<S> as_matrix(const V& x) {
  MatrixX<S> A(2, 3);
  for (int i = 0; i < 6; ++i) A(i % 2, i / 2) = x[i];
  return A;
}
template <class S, class V>
VectorX<S> as_vector(const V& x, int from, int n) {
  VectorX<S> v(n);
  for (int i = 0; i < n; ++i) v[i] = x[from + i];
  return v;
}
const MatrixX<double> B = (MatrixX<double>(3, 3) << 0.5, -1, 2, 0.25, 3, -0.5, 1, 1, -2).finished();
const VectorX<double> c = (VectorX<double>(3) << 1.5, -0.5, 0.25).finished();

template <class F>
void check_gradient(const F& f, const Eigen::VectorXd& x) {
  const auto report = tapegrad::gradcheck(f, x);
  INFO(report);
  CHECK(report.passed);
}
}  // namespace

TEST_CASE("products of Var matrices and mixed Var/plain products", "[eigen][products]") {
  const Eigen::VectorXd x = point(9, 0.1);
  // Var * Var (matrix-matrix and matrix-vector)
  check_gradient(
      [](const auto& w) {
        using S = std::decay_t<decltype(w[0])>;
        const MatrixX<S> A = as_matrix<S>(w);
        const VectorX<S> v = as_vector<S>(w, 6, 3);
        const MatrixX<S> AAt = A * A.transpose();
        return S((A * v).sum() + AAt.sum());
      },
      x);
  // Var * plain and plain * Var, GEMM and GEMV, both storage orders
  check_gradient(
      [](const auto& w) {
        using S = std::decay_t<decltype(w[0])>;
        const MatrixX<S> A = as_matrix<S>(w);
        const VectorX<S> v = as_vector<S>(w, 6, 3);
        const MatrixX<S> AB = A * B;
        const MatrixX<S> BAt = B * A.transpose();
        const Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> ABr = A * B;
        const VectorX<S> Bv = B * v;
        const VectorX<S> Ac = A * c;
        const VectorX<S> Atc = A.transpose() * c.head(2);
        return S(AB.sum() + BAt.squaredNorm() + ABr(1, 2) + Bv.sum() + Ac.prod() + Atc.sum());
      },
      x);
}

TEST_CASE("reductions and norms of Var vectors", "[eigen]") {
  const Eigen::VectorXd x = point(5, 0.2);
  check_gradient(
      [](const auto& w) {
        using S = std::decay_t<decltype(w[0])>;
        const VectorX<S> v = w;
        const VectorX<S> cv = c.cast<S>();
        return S(v.sum() + v.dot(v) + v.head(3).dot(cv) + v.squaredNorm() + v.norm() + v.mean() + v.prod() +
                 v.maxCoeff() + v.minCoeff() + v.normalized()[0]);
      },
      x);
}

TEST_CASE("coefficient-wise arithmetic, also mixed with plain matrices", "[eigen]") {
  const Eigen::VectorXd x = point(3, 0.3);
  check_gradient(
      [](const auto& w) {
        using S = std::decay_t<decltype(w[0])>;
        const VectorX<S> v = w;
        const VectorX<S> sum = v + c;   // Var + plain
        const VectorX<S> diff = c - v;  // plain - Var
        const VectorX<S> scaled = 2.0 * v / 3.0;
        const VectorX<S> prod = v.cwiseProduct(c);
        const VectorX<S> quot = v.cwiseQuotient(c);
        return S(sum.sum() + diff.squaredNorm() + scaled.sum() + prod.sum() + quot.sum() + (v * 1.5).sum());
      },
      x);
}

TEST_CASE("array functions on Var arrays", "[eigen][array]") {
  const Eigen::VectorXd x = point(4, 0.05);  // positive entries
  check_gradient(
      [](const auto& w) {
        using S = std::decay_t<decltype(w[0])>;
        const Eigen::Array<S, Eigen::Dynamic, 1> a = w.array();
        return S((a.sin() * a.exp()).sum() + a.log().sum() + a.sqrt().sum() + a.square().sum() + a.abs().sum() +
                 a.tanh().sum() + a.pow(2.5).sum() + a.inverse().sum() + (a * 2.0 + 1.0).cos().sum() +
                 a.max(0.5).sum());
      },
      x);
}
