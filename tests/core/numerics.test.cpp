// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// Numerics at the edges: huge and subnormal arguments, NaN and Inf inputs, division by
// zero and log(0). Values and derivatives must be what IEEE arithmetic and the math
// say, never an exception or a crash, and never a finite gradient hiding a NaN value.

#include <cmath>
#include <limits>

#include "test_support.hpp"

using Eigen::MatrixXd;
using tapegrad::Tape;
using tapegrad::Var;

namespace {
constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();
constexpr double subnormal = std::numeric_limits<double>::denorm_min() * 1024;  // still subnormal

template <class F>
std::pair<double, double> at(F f, double x) {
  return test::value_and_derivative<double>(f, x);
}
}  // namespace

TEST_CASE("sigmoid and softplus at |z| = 1000 and at subnormal z", "[numerics]") {
  auto sig = [](Var<double> x) { return Var<double>(tapegrad::sigmoid(x)); };
  auto sp = [](Var<double> x) { return Var<double>(tapegrad::softplus(x)); };
  CHECK(at(sig, 1000.0) == std::make_pair(1.0, 0.0));
  CHECK(at(sig, -1000.0) == std::make_pair(0.0, 0.0));
  CHECK(at(sig, -700.0).first == std::exp(-700.0));  // tiny but exact, not 0
  CHECK_CLOSE(at(sig, -700.0).second, std::exp(-700.0), 1e-15);
  CHECK(at(sig, subnormal).first == 0.5);
  CHECK(at(sig, subnormal).second == 0.25);
  CHECK(at(sp, 1000.0) == std::make_pair(1000.0, 1.0));
  CHECK(at(sp, -1000.0) == std::make_pair(0.0, 0.0));
  CHECK_CLOSE(at(sp, subnormal).first, std::log(2.0), 1e-15);
  CHECK(at(sp, subnormal).second == 0.5);
}

TEST_CASE("matrix logsumexp, binary and softmax cross-entropy at |z| = 1000 and subnormal z", "[numerics]") {
  Tape<double> tape;
  const auto Z = tapegrad::matrix_variable(tape, (MatrixXd(2, 2) << 1000.0, -1000.0, subnormal, 999.0).finished());
  const Var<double> lse = tapegrad::logsumexp(Z);
  CHECK_CLOSE(lse.value(), 1000.0 + std::log1p(std::exp(-1.0)), 1e-15);
  tape.backward(lse);
  const MatrixXd g = tapegrad::gradients(tape, Z);
  CHECK_CLOSE(g(0, 0), 1.0 / (1.0 + std::exp(-1.0)), 1e-15);
  CHECK(g(0, 1) < 1e-300);  // softmax weight e^-2000 underflows
  CHECK(std::isfinite(g.sum()));
  const Var<double> bce = tapegrad::bce_with_logits(Z, MatrixXd::Ones(2, 2).eval());
  CHECK(std::isfinite(bce.value()));
  CHECK_CLOSE(bce.value(), (0.0 + 1000.0 + std::log(2.0) + 0.0) / 4.0, 1e-12);
  tape.backward(bce);
  CHECK(tapegrad::gradients(tape, Z).allFinite());
  const Var<double> ce = tapegrad::softmax_cross_entropy(Z, std::vector<int>{1, 0});
  CHECK(std::isfinite(ce.value()));
  tape.backward(ce);
  CHECK(tapegrad::gradients(tape, Z).allFinite());
}

TEST_CASE("NaN and Inf inputs propagate without exceptions", "[numerics]") {
  Tape<double> tape;
  const Var<double> a = tape.variable(not_a_number), b = tape.variable(inf), c = tape.variable(2.0);
  Var<double> y;
  REQUIRE_NOTHROW(y = a * c + exp(c));
  tape.backward(y);
  CHECK(std::isnan(y.value()));
  CHECK(c.grad() != c.grad());  // d/dc (a c) = a = NaN: the NaN reaches the gradient
  Var<double> z;
  REQUIRE_NOTHROW(z = b * c - sin(c));
  CHECK(std::isinf(z.value()));
  tape.backward(z);
  CHECK(std::isinf(c.grad()));
  CHECK_NOTHROW(tape.backward(tapegrad::sigmoid(a) + tapegrad::softplus(b) + sqrt(b)));
  // Backward itself never throws on NaN/Inf; checks of finiteness are the caller's.
}

TEST_CASE("division by zero and log(0) follow IEEE", "[numerics]") {
  auto inv = [](Var<double> x) { return Var<double>(1.0 / x); };
  const auto [v0, d0] = at(inv, 0.0);
  CHECK(v0 == inf);
  CHECK(d0 == -inf);  // d/dx 1/x = -1/x^2
  const auto [vn, dn] = at(inv, -0.0);
  CHECK(vn == -inf);
  CHECK(dn == -inf);
  auto lg = [](Var<double> x) { return Var<double>(log(x)); };
  CHECK(at(lg, 0.0) == std::make_pair(-inf, inf));
  CHECK(std::isnan(at(lg, -1.0).first));
  CHECK(std::isnan(at(lg, -1.0).second));                                  // no finite derivative hides a NaN value
  auto quotient = [](Var<double> x) { return Var<double>(x / (x - x)); };  // 0/0 and x/0
  CHECK(std::isnan(at(quotient, 0.0).first));
  CHECK(at(quotient, 2.0).first == inf);
}

TEST_CASE("subnormal arguments keep exact derivatives", "[numerics]") {
  auto f = [](Var<double> x) { return Var<double>(x * x * 0.5 + exp(x) + tanh(x)); };
  const auto [v, d] = at(f, subnormal);
  CHECK(v == 1.0);  // x^2/2 underflows to 0, exp(x) rounds to 1, tanh(x) = x is absorbed
  CHECK(d == 2.0);  // d/dx = x + e^x + 1 - tanh^2 x = 2 (x negligible)
  auto g = [](Var<double> x) { return Var<double>(x * 1e300); };
  CHECK(at(g, subnormal).first == subnormal * 1e300);
  CHECK(at(g, subnormal).second == 1e300);
}

TEST_CASE("a matrix statement nobody depends on cannot poison gradients either", "[numerics]") {
  Tape<double> tape;
  const auto A = tapegrad::matrix_variable(tape, (MatrixXd(1, 2) << 0.0, 2.0).finished());
  const auto dead = tapegrad::log(A);  // slope 1/0 = Inf in entry 0
  const Var<double> y = tapegrad::sum(A * 3.0);
  tape.backward(y);
  CHECK(tapegrad::gradients(tape, A) == (MatrixXd(1, 2) << 3.0, 3.0).finished());
  tape.backward(tapegrad::sum(dead));
  CHECK(std::isinf(tapegrad::gradients(tape, A)(0)));
}
