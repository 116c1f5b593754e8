// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// Jacobians: the reverse sweeps of several outputs at once (Tape::backward_rows), forward
// mode (forward_jacobian, jacobian_vector_product) and jacobian() in each mode, against
// closed forms, central differences and one backward() per row; jacobian()'s choice of
// mode; the bulk gradient getters Tape::gradients.

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <type_traits>
#include <utility>
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

TEST_CASE("backward_rows equals one backward() per output, in any order and for any shape", "[jacobian]") {
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
  y.push_back(x[3]);              // an output that is an input
  y.push_back(Var<double>(4.0));  // a constant output: a zero row
  y.push_back(y[1]);              // the same output twice
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

TEST_CASE("backward_rows: an Inf partial on a branch one output does not use stays out of it", "[jacobian]") {
  Tape<double> tape;
  const double values[2] = {0.0, 2.0};
  Var<double> x[2];
  tape.variables(values, 2, x);
  const Var<double> dead = sqrt(x[0]);  // d/dx sqrt(x) = Inf at 0
  const Var<double> y0 = x[1] * 3.0;    // does not use `dead`
  const Var<double> y1 = dead + x[1];
  const Var<double> ys[2] = {y0, y1};
  Eigen::Matrix<double, 2, 2> J;
  tape.backward_rows(ys, 2, x[0].index(), 2, J.data(), 1, 2);
  CHECK(J(0, 0) == 0.0);  // not NaN: the zero adjoint of `dead` in lane 0 is skipped
  CHECK(J(0, 1) == 3.0);
  CHECK(std::isinf(J(1, 0)));  // where the output really goes through it
  tape.backward(y0);           // the same as one sweep per output
  CHECK(x[0].grad() == 0.0);
  CHECK(J(1, 1) == 1.0);
}

TEST_CASE("jacobian with matrix statements inside f sweeps row by row", "[jacobian]") {
  const Eigen::MatrixXd A{{1.0, 2.0, 0.5}, {-1.0, 0.3, 4.0}};
  const Eigen::VectorXd x{{0.4, -0.2, 1.5}};
  const Eigen::MatrixXd J = tapegrad::jacobian(
      [&](const VectorXv& w) {
        const tapegrad::MatrixVar<double> W =
            tapegrad::to_matrix_var(Eigen::Matrix<Var<double>, Eigen::Dynamic, Eigen::Dynamic>(w));
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
  double out[3] = {};              // room for the 3 inputs claimed below (the call throws before writing)
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

// ---------------------------------------------------------------------------------------
// Forward mode (forward_jacobian, jacobian_vector_product), jacobian()'s choice of mode,
// and the bulk gradient getters Tape::gradients.

namespace {

/// The container f returns for inputs of container kind V and scalar S: a std::vector
/// for std::vector inputs, an Eigen column vector otherwise.
template <class V, class S>
auto make_outputs(Eigen::Index m) {
  if constexpr (std::is_same_v<V, std::vector<S>>) {
    return std::vector<S>(static_cast<std::size_t>(m));
  } else {
    return Eigen::Matrix<S, Eigen::Dynamic, 1>(m);
  }
}
template <class V>
using scalar_of = std::decay_t<decltype(std::declval<const V&>()[0])>;
template <class V>
Eigen::Index count(const V& v) {
  return static_cast<Eigen::Index>(v.size());
}
template <class V>
decltype(auto) at(V& v, Eigen::Index i) {
  if constexpr (std::is_base_of_v<Eigen::EigenBase<std::remove_const_t<V>>, std::remove_const_t<V>>) {
    return v[i];
  } else {
    return v[static_cast<std::size_t>(i)];
  }
}

/// Tall, R^3 -> R^m: r_i = a exp(-b t_i) + c - y_i, generic in the container kind.
struct TallDecay {
  Eigen::Index m;
  template <class V>
  auto operator()(const V& w) const {
    using S = scalar_of<V>;
    using std::exp;
    auto r = make_outputs<V, S>(m);
    for (Eigen::Index i = 0; i < m; ++i) {
      const double t = 0.05 * static_cast<double>(i), y = 2.0 * std::exp(-0.7 * t) + 0.3;
      at(r, i) = at(w, 0) * exp(-at(w, 1) * t) + at(w, 2) - y;
    }
    return r;
  }
  /// The closed-form Jacobian at w.
  Eigen::MatrixXd jacobian(const Eigen::VectorXd& w) const {
    Eigen::MatrixXd J(m, 3);
    for (Eigen::Index i = 0; i < m; ++i) {
      const double t = 0.05 * static_cast<double>(i), e = std::exp(-w[1] * t);
      J.row(i) << e, -w[0] * t * e, 1.0;
    }
    return J;
  }
};

/// Wide, R^n -> R^3: y0 = sum_j c_j w_j^2, y1 = sin(sum_j w_j), y2 = exp(w_0 / 10) w_(n-1).
struct WideMix {
  template <class V>
  auto operator()(const V& w) const {
    using S = scalar_of<V>;
    using std::exp;
    using std::sin;
    const Eigen::Index n = count(w);
    S squares = 0.0, sum = 0.0;
    for (Eigen::Index j = 0; j < n; ++j) {
      squares += (1.0 + 0.1 * static_cast<double>(j)) * at(w, j) * at(w, j);
      sum += at(w, j);
    }
    auto y = make_outputs<V, S>(3);
    at(y, 0) = squares;
    at(y, 1) = sin(sum);
    at(y, 2) = exp(at(w, 0) / 10.0) * at(w, n - 1);
    return y;
  }
  static Eigen::MatrixXd jacobian(const Eigen::VectorXd& w) {
    const Eigen::Index n = w.size();
    Eigen::MatrixXd J = Eigen::MatrixXd::Zero(3, n);
    const double e = std::exp(w[0] / 10.0);
    for (Eigen::Index j = 0; j < n; ++j) {
      J(0, j) = 2.0 * (1.0 + 0.1 * static_cast<double>(j)) * w[j];
      J(1, j) = std::cos(w.sum());
    }
    J(2, 0) = e * w[n - 1] / 10.0;
    J(2, n - 1) += e;
    return J;
  }
};

/// Square, R^n -> R^n: y_i = w_i w_(i+1 mod n) + tanh(w_i).
struct SquareRing {
  template <class V>
  auto operator()(const V& w) const {
    using S = scalar_of<V>;
    using std::tanh;
    const Eigen::Index n = count(w);
    auto y = make_outputs<V, S>(n);
    for (Eigen::Index i = 0; i < n; ++i) at(y, i) = at(w, i) * at(w, (i + 1) % n) + tanh(at(w, i));
    return y;
  }
  static Eigen::MatrixXd jacobian(const Eigen::VectorXd& w) {
    const Eigen::Index n = w.size();
    Eigen::MatrixXd J = Eigen::MatrixXd::Zero(n, n);
    for (Eigen::Index i = 0; i < n; ++i) {
      const double t = std::tanh(w[i]);
      J(i, i) += w[(i + 1) % n] + 1.0 - t * t;
      J(i, (i + 1) % n) += w[i];
    }
    return J;
  }
};

/// Central differences in long double, column by column.
template <class F>
Eigen::MatrixXd central_jacobian_ld(const F& f, const Eigen::VectorXd& x) {
  using VectorLD = Eigen::Matrix<long double, Eigen::Dynamic, 1>;
  const long double h = 1e-6L;
  const VectorLD x0 = x.cast<long double>();
  const auto m = static_cast<Eigen::Index>(f(x0).size());
  Eigen::MatrixXd J(m, x.size());
  for (Eigen::Index j = 0; j < x.size(); ++j) {
    VectorLD xp = x0, xm = x0;
    xp[j] += h;
    xm[j] -= h;
    J.col(j) = ((f(xp) - f(xm)) / (2 * h)).template cast<double>();
  }
  return J;
}

/// forward_jacobian, jacobian() in each mode, for Eigen and std::vector inputs of scalar
/// T, against the closed form J and the central differences fd.
template <class T, class F>
void check_all_modes(const F& f, const Eigen::VectorXd& x, const Eigen::MatrixXd& J, const Eigen::MatrixXd& fd) {
  using MatrixT = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
  const Eigen::Matrix<T, Eigen::Dynamic, 1> xe = x.cast<T>();
  const std::vector<T> xs(xe.data(), xe.data() + xe.size());
  const double tol = test::exact_tol<T>() * 10, fd_tol = test::fd_tol<T>() * 10;
  const MatrixT results[] = {tapegrad::forward_jacobian(f, xe),
                             tapegrad::forward_jacobian(f, xs),
                             tapegrad::forward_jacobian<1>(f, xe),
                             tapegrad::forward_jacobian<3>(f, xs),
                             tapegrad::jacobian(f, xe, tapegrad::JacobianMode::forward),
                             tapegrad::jacobian(f, xs, tapegrad::JacobianMode::forward),
                             tapegrad::jacobian(f, xe, tapegrad::JacobianMode::reverse),
                             tapegrad::jacobian(f, xs, tapegrad::JacobianMode::reverse),
                             tapegrad::jacobian(f, xe),
                             tapegrad::jacobian(f, xs)};
  int k = 0;
  for (const MatrixT& R : results) {
    INFO("result " << k++ << " (forward K=4 Eigen, vector, K=1, K=3; jacobian forward, reverse, automatic)");
    REQUIRE(R.rows() == J.rows());
    REQUIRE(R.cols() == J.cols());
    const double scale = std::max(1.0, J.cwiseAbs().maxCoeff());
    CHECK((R.template cast<double>() - J).cwiseAbs().maxCoeff() <= tol * scale);
    CHECK((R.template cast<double>() - fd).cwiseAbs().maxCoeff() <= fd_tol * scale);
  }
  // Forward and reverse mode use the same derivative rules: they agree to rounding.
  CHECK((results[0] - results[6]).cwiseAbs().maxCoeff() <=
        T(16) * std::numeric_limits<T>::epsilon() * std::max(T(1), results[6].cwiseAbs().maxCoeff()));
}

}  // namespace

TEMPLATE_TEST_CASE("forward and reverse Jacobians agree with closed forms and central differences: tall, wide, square",
                   "[jacobian][forward]", float, double) {
  SECTION("tall 200 x 3") {
    const TallDecay f{200};
    const Eigen::VectorXd x{{1.7, 0.6, 0.2}};
    check_all_modes<TestType>(f, x, f.jacobian(x), central_jacobian_ld(f, x));
  }
  SECTION("wide 3 x 37 (the last chunk of 4 columns is padded)") {
    const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(37, -0.9, 0.8);
    check_all_modes<TestType>(WideMix{}, x, WideMix::jacobian(x), central_jacobian_ld(WideMix{}, x));
  }
  SECTION("square 10 x 10") {
    const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(10, -1.1, 0.9);
    check_all_modes<TestType>(SquareRing{}, x, SquareRing::jacobian(x), central_jacobian_ld(SquareRing{}, x));
  }
  SECTION("one input, one output") {
    const Eigen::VectorXd x{{0.4}};
    check_all_modes<TestType>(SquareRing{}, x, SquareRing::jacobian(x), central_jacobian_ld(SquareRing{}, x));
  }
}

TEST_CASE("jacobian's automatic mode: forward for tall Jacobians, reverse for wide ones", "[jacobian][forward]") {
  using tapegrad::JacobianMode;
  using tapegrad::detail::choose_jacobian_mode;
  CHECK(choose_jacobian_mode(600, 26) == JacobianMode::forward);
  CHECK(choose_jacobian_mode(26, 600) == JacobianMode::reverse);
  CHECK(choose_jacobian_mode(300, 26) == JacobianMode::forward);
  CHECK(choose_jacobian_mode(1, 4) == JacobianMode::forward);  // one call of f
  CHECK(choose_jacobian_mode(50, 50) == JacobianMode::reverse);
  CHECK(choose_jacobian_mode(200, 50) == JacobianMode::forward);
  // And jacobian() follows it: count the calls of f per scalar type.
  int dual_calls = 0, var_calls = 0;
  const auto counting = [&](const auto& w) {
    using S = typename std::decay_t<decltype(w)>::Scalar;
    if constexpr (std::is_same_v<S, Var<double>>)
      ++var_calls;
    else
      ++dual_calls;
    const Eigen::Index n = w.size(), m = n == 26 ? 600 : 26;
    Eigen::Matrix<S, Eigen::Dynamic, 1> y(m);
    for (Eigen::Index i = 0; i < m; ++i) y[i] = w[i % n] * w[(i + 1) % n] + static_cast<double>(i);
    return y;
  };
  const Eigen::MatrixXd tall = tapegrad::jacobian(counting, Eigen::VectorXd::LinSpaced(26, 0.1, 2.6));
  CHECK(dual_calls == 7);  // ceil(26 / 4)
  CHECK(var_calls == 0);
  dual_calls = var_calls = 0;
  const Eigen::MatrixXd wide = tapegrad::jacobian(counting, Eigen::VectorXd::LinSpaced(600, 0.1, 2.6));
  CHECK(dual_calls == 1);  // the first chunk tells m, then reverse mode takes over
  CHECK(var_calls == 1);
  // Both against the closed form: d y_i / d w_(i mod n) = w_(i+1 mod n) and vice versa.
  for (const Eigen::MatrixXd* J : {&tall, &wide}) {
    const Eigen::Index n = J->cols(), m = J->rows();
    const Eigen::VectorXd w = Eigen::VectorXd::LinSpaced(n, 0.1, 2.6);
    Eigen::MatrixXd expected = Eigen::MatrixXd::Zero(m, n);
    for (Eigen::Index i = 0; i < m; ++i) {
      expected(i, i % n) += w[(i + 1) % n];
      expected(i, (i + 1) % n) += w[i % n];
    }
    CHECK((*J - expected).cwiseAbs().maxCoeff() <= 1e-15);
  }
  // A lambda written for Var only is differentiated in reverse mode; forcing forward fails.
  const auto var_only = [](const VectorXv& w) -> VectorXv { return w * w[0]; };
  const Eigen::VectorXd x{{2.0, 3.0}};
  const Eigen::MatrixXd J = tapegrad::jacobian(var_only, x);
  CHECK(J(0, 0) == 4.0);  // d(w0^2)/dw0
  CHECK(J(1, 0) == 3.0);
  CHECK(J(1, 1) == 2.0);
  CHECK_THROWS_WITH(tapegrad::jacobian(var_only, x, tapegrad::JacobianMode::forward),
                    ContainsSubstring("takes only Var inputs"));
}

TEST_CASE("forward_jacobian and jacobian reject empty inputs, empty outputs and changing output counts",
          "[jacobian][forward]") {
  const Eigen::VectorXd empty(0);
  const std::vector<double> empty_vector;
  CHECK_THROWS_WITH(tapegrad::forward_jacobian(SquareRing{}, empty), ContainsSubstring("forward_jacobian: x is empty"));
  CHECK_THROWS_AS(tapegrad::forward_jacobian(SquareRing{}, empty_vector), std::invalid_argument);
  CHECK_THROWS_WITH(tapegrad::jacobian(SquareRing{}, empty), ContainsSubstring("x is empty"));
  CHECK_THROWS_AS(tapegrad::jacobian(SquareRing{}, empty, tapegrad::JacobianMode::reverse), std::invalid_argument);
  const auto nothing = [](const auto& w) {
    return Eigen::Matrix<typename std::decay_t<decltype(w)>::Scalar, Eigen::Dynamic, 1>(0);
  };
  const Eigen::VectorXd x = Eigen::VectorXd::Ones(9);
  CHECK_THROWS_WITH(tapegrad::forward_jacobian(nothing, x), ContainsSubstring("f returned no outputs"));
  CHECK_THROWS_WITH(tapegrad::jacobian(nothing, x, tapegrad::JacobianMode::forward), ContainsSubstring("no outputs"));
  int calls = 0;
  const auto growing = [&calls](const auto& w) {  // one more output per call
    using S = typename std::decay_t<decltype(w)>::Scalar;
    ++calls;
    return Eigen::Matrix<S, Eigen::Dynamic, 1>::Constant(calls, w.sum());
  };
  CHECK_THROWS_WITH(tapegrad::forward_jacobian(growing, x),
                    ContainsSubstring("1 outputs at first, then 2") && ContainsSubstring("must not depend"));
}

TEST_CASE("jacobian_vector_product: J v from one forward call", "[jacobian][forward]") {
  const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(7, -0.5, 1.0);
  const Eigen::VectorXd v = Eigen::VectorXd::LinSpaced(7, 1.0, -2.0);
  const Eigen::VectorXd expected = SquareRing::jacobian(x) * v;
  const Eigen::VectorXd jv = tapegrad::jacobian_vector_product(SquareRing{}, x, v);
  CHECK((jv - expected).cwiseAbs().maxCoeff() <= 1e-14);
  // Central difference along v.
  using VectorLD = Eigen::Matrix<long double, Eigen::Dynamic, 1>;
  const long double h = 1e-6L;
  const VectorLD xl = x.cast<long double>(), vl = v.cast<long double>();
  const VectorLD fd = (SquareRing{}(VectorLD(xl + h * vl)) - SquareRing{}(VectorLD(xl - h * vl))) / (2 * h);
  CHECK((jv - fd.cast<double>()).cwiseAbs().maxCoeff() <= 1e-8);
  const std::vector<double> xs(x.data(), x.data() + 7), vs(v.data(), v.data() + 7);
  const std::vector<double> jvs = tapegrad::jacobian_vector_product(SquareRing{}, xs, vs);
  REQUIRE(jvs.size() == 7);
  for (std::size_t i = 0; i < 7; ++i) CHECK(jvs[i] == jv[static_cast<Eigen::Index>(i)]);
  CHECK_THROWS_WITH(tapegrad::jacobian_vector_product(SquareRing{}, x, Eigen::VectorXd(3)),
                    ContainsSubstring("x has 7 entries but v has 3"));
  CHECK_THROWS_AS(tapegrad::jacobian_vector_product(SquareRing{}, Eigen::VectorXd(0), Eigen::VectorXd(0)),
                  std::invalid_argument);
}

TEST_CASE("Tape::gradients reads many gradients at once, whatever slots the Vars occupy", "[jacobian][gradients]") {
  Tape<double> tape;
  // Vars recorded one by one, interleaved with other statements: not one block of slots.
  std::vector<Var<double>> v;
  std::vector<Var<double>> noise;
  for (int i = 0; i < 6; ++i) {
    v.push_back(tape.variable(0.3 * i - 0.7));
    noise.push_back(v.back() * 2.0 + 1.0);
  }
  // L = sum_i (i + 1) v_i^2 + v_0 sin(v_5) + noise_2 (noise_2 = 2 v_2 + 1).
  const auto loss = [](const auto& w, const auto& extra) {
    using std::sin;
    std::decay_t<decltype(w[0])> L = w[0] * sin(w[5]) + extra;
    for (std::size_t i = 0; i < 6; ++i) L = L + static_cast<double>(i + 1) * w[i] * w[i];
    return L;
  };
  const Var<double> L = loss(v, noise[2]);
  tape.backward(L);
  const std::vector<double> g = tape.gradients(v);
  REQUIRE(g.size() == 6);
  std::vector<double> values(6);
  for (std::size_t i = 0; i < 6; ++i) values[i] = v[i].value();
  for (std::size_t i = 0; i < 6; ++i) {
    INFO("i = " << i);
    double expected = 2.0 * static_cast<double>(i + 1) * values[i];
    if (i == 0) expected += std::sin(values[5]);
    if (i == 5) expected += values[0] * std::cos(values[5]);
    if (i == 2) expected += 2.0;
    CHECK_CLOSE(g[i], expected, 1e-15);
    CHECK(g[i] == v[i].grad());
    const long double fd = test::central_difference(
        [&](long double t) {
          std::vector<long double> w(values.begin(), values.end());
          w[i] = t;
          return loss(w, 2.0L * w[2] + 1.0L);
        },
        static_cast<long double>(values[i]));
    CHECK_CLOSE(g[i], fd, 1e-8);
  }
  // Eigen containers: a matrix filled in an order unlike its storage, and blocks of it.
  Eigen::Matrix<Var<double>, 2, 3> M;
  M << v[5], v[0], v[3], v[1], v[4], v[2];
  const Eigen::Matrix<double, 2, 3> GM = tape.gradients(M);
  for (Eigen::Index r = 0; r < 2; ++r)
    for (Eigen::Index c = 0; c < 3; ++c) CHECK(GM(r, c) == M(r, c).grad());
  const Eigen::RowVector3d row = tape.gradients(M.row(1));
  CHECK(row(0) == g[1]);
  CHECK(row(2) == g[2]);
  const Eigen::Matrix<Var<double>, Eigen::Dynamic, 1> column = M.col(2);
  const Eigen::VectorXd gc = tape.gradients(column);
  CHECK(gc[0] == g[3]);
  CHECK(gc[1] == g[2]);
  // Constants read 0; a Var of another tape is an error, before anything is read.
  CHECK(tape.gradients(std::vector<Var<double>>{Var<double>(3.0)})[0] == 0.0);
  Tape<double> other(tapegrad::Activation::later);
  std::vector<Var<double>> mixed = v;
  mixed.push_back(other.variable(1.0));
  CHECK_THROWS_AS(tape.gradients(mixed), tapegrad::TapeError);
  CHECK(tape.gradients(std::vector<Var<double>>{}).empty());
}
