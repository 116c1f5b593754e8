// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// core/expression.hpp: how an expression folds into ONE statement. Node types and leaf
// counts, the partials a node pushes for each leaf (the products along its paths) as a
// sink and the tape see them, nothing recorded before assignment, operands of more than
// kFoldLimit / 2 leaves recorded as statements of their own when the node is built, and
// values and gradients of folded expressions against closed forms and central differences.

#include <cmath>
#include <algorithm>
#include <cstddef>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "test_support.hpp"

namespace expression_tests {

using tapegrad::Index;
using tapegrad::Statement;
using tapegrad::statements;
using tapegrad::Tape;
using tapegrad::Var;
namespace td = tapegrad::detail;

// Collects what an expression pushes for its leaves: a stand-in for the tape's Sink.
template <class T>
struct RecordingSink {
  std::vector<Index> slots;
  std::vector<T> weights;
  void push(const Var<T>& v, const T& weight) {
    slots.push_back(v.index());
    weights.push_back(weight);
  }
};

// The product v[0] * v[1] * ... * v[N-1], a left-deep chain of binary nodes.
template <std::size_t N, class T>
auto product_of(const Var<T>* v) {
  if constexpr (N == 1) {
    return v[0];
  } else {
    return product_of<N - 1>(v) * v[N - 1];
  }
}

// The arguments and partials of the last statement recorded (slot tape.size()), through
// the tape's statement walker (core/statements.hpp).
template <class T>
Statement<T> last_statement(const Tape<T>& tape) {
  Statement<T> last;
  for (const Statement<T>& s : statements(tape)) last = s;
  REQUIRE(last.slot == static_cast<Index>(tape.size()));
  return last;
}
template <class T>
std::vector<Index> last_indices(const Tape<T>& tape) {
  const Statement<T> s = last_statement(tape);
  return std::vector<Index>(s.indices, s.indices + s.arity);
}
template <class T>
std::vector<T> last_partials(const Tape<T>& tape) {
  const Statement<T> s = last_statement(tape);
  return std::vector<T>(s.partials, s.partials + s.arity);
}

// Neither a Var nor a node: the trait must say no even with the right member names.
struct LooksLikeAnExpression {
  using value_type = double;
  static constexpr std::size_t leaves = 1;
};
struct HasLeavesOnly {
  static constexpr std::size_t leaves = 1;
};

// ---- a generic expression of 6 leaves, 18 leaves, and one over the fold limit ----------
// Plain long double for the finite differences, Var<T> for the tape (R is the scalar).

// x y + sin x - y / (2 + x^2): leaves x, y, x, y, x, x
template <class R, class S>
auto mixed_inner(const S& x, const S& y) {
  using std::sin;
  return x * y + sin(x) - y / (R(2) + x * x);
}
// I(x, y) I(y, z) + cos I(z, x): 18 leaves, no operand above kFoldLimit / 2
template <class R, class S>
auto mixed_outer(const S& x, const S& y, const S& z) {
  using std::cos;
  return mixed_inner<R>(x, y) * mixed_inner<R>(y, z) + cos(mixed_inner<R>(z, x));
}
// a b - a / (3 + b^2) with a = O(x, y, z), b = O(z, x, y): a and b (18 leaves each) are
// recorded wherever they are operands (a twice, b three times), then a root of 5 leaves
// (a, b, a, b, b).
template <class R, class S>
auto mixed_big(const S& x, const S& y, const S& z) {
  const auto a = mixed_outer<R>(x, y, z);
  const auto b = mixed_outer<R>(z, x, y);
  return a * b - a / (R(3) + b * b);
}

// Value and gradient (d/dx, d/dy, d/dz) in long double, by the chain rule written out.
struct Jet {
  long double v, d[3];
};
Jet jet_inner(const Jet& x, const Jet& y) {
  const long double q = 2 + x.v * x.v;
  Jet r{x.v * y.v + std::sin(x.v) - y.v / q, {}};
  const long double dx = y.v + std::cos(x.v) + 2 * x.v * y.v / (q * q), dy = x.v - 1 / q;
  for (int i = 0; i < 3; ++i) r.d[i] = dx * x.d[i] + dy * y.d[i];
  return r;
}
Jet jet_outer(const Jet& x, const Jet& y, const Jet& z) {
  const Jet i1 = jet_inner(x, y), i2 = jet_inner(y, z), i3 = jet_inner(z, x);
  Jet r{i1.v * i2.v + std::cos(i3.v), {}};
  for (int i = 0; i < 3; ++i) r.d[i] = i2.v * i1.d[i] + i1.v * i2.d[i] - std::sin(i3.v) * i3.d[i];
  return r;
}
Jet jet_big(long double x, long double y, long double z) {
  const Jet jx{x, {1, 0, 0}}, jy{y, {0, 1, 0}}, jz{z, {0, 0, 1}};
  const Jet a = jet_outer(jx, jy, jz), b = jet_outer(jz, jx, jy);
  const long double q = 3 + b.v * b.v;
  Jet r{a.v * b.v - a.v / q, {}};
  const long double da = b.v - 1 / q, db = a.v + 2 * a.v * b.v / (q * q);
  for (int i = 0; i < 3; ++i) r.d[i] = da * a.d[i] + db * b.d[i];
  return r;
}

// Tolerance for a composite of some 60 operations in precision T (float: errors up to
// 4e-7 relative were seen; double and long double stay within exact_tol).
template <class T>
constexpr double composite_tol() {
  return std::numeric_limits<T>::digits <= 24 ? 5e-6 : test::exact_tol<T>();
}

// ---- the node types --------------------------------------------------------------------

TEST_CASE("node types and leaf counts: one leaf per Var occurrence, none for plain numbers", "[expression]") {
  Tape<double> tape;
  const Var<double> a = tape.variable(0.5), b = tape.variable(-2.0);
  using V = Var<double>;
  STATIC_REQUIRE(V::leaves == 1);
  STATIC_REQUIRE(std::is_same_v<decltype(a * b), td::BinaryNode<double, V, V>>);
  STATIC_REQUIRE(std::is_same_v<decltype(a * 2.0), td::UnaryNode<double, V>>);  // the scalar is no leaf
  STATIC_REQUIRE(std::is_same_v<decltype(3.0 - a), td::UnaryNode<double, V>>);
  STATIC_REQUIRE(std::is_same_v<decltype(-a), td::UnaryNode<double, V>>);
  STATIC_REQUIRE(std::is_same_v<decltype(sin(a * b)), td::UnaryNode<double, td::BinaryNode<double, V, V>>>);
  STATIC_REQUIRE(decltype(a * b)::leaves == 2);
  STATIC_REQUIRE(decltype(a * a)::leaves == 2);  // the same Var twice: two leaves
  STATIC_REQUIRE(decltype(sin(a * b) / (a + 2.0))::leaves == 3);
  STATIC_REQUIRE(decltype(mixed_inner<double>(a, b))::leaves == 6);
  STATIC_REQUIRE(decltype(mixed_outer<double>(a, b, a))::leaves == 18);
  STATIC_REQUIRE(std::is_same_v<decltype(a * b)::value_type, double>);
  STATIC_REQUIRE(std::is_same_v<td::scalar_arg<float>, float>);
  // Every node is an Expr of itself (CRTP), and derived() is the node, not a copy.
  const auto e = a * b + 1.0;
  const tapegrad::Expr<double, std::decay_t<decltype(e)>>& base = e;
  CHECK(&base.derived() == &e);
  const tapegrad::Expr<double, V>& var_base = a;
  CHECK(&var_base.derived() == &a);
  CHECK(e.value() == 0.5 * -2.0 + 1.0);
}

TEST_CASE("is_expression: Vars and nodes of every scalar type, nothing else", "[expression]") {
  Tape<float> tape;
  const Var<float> x = tape.variable(1.0f);
  STATIC_REQUIRE(td::is_expression<Var<double>>::value);
  STATIC_REQUIRE(td::is_expression<Var<float>>::value);
  STATIC_REQUIRE(td::is_expression<Var<long double>>::value);
  STATIC_REQUIRE(td::is_expression<decltype(x * x)>::value);
  STATIC_REQUIRE(td::is_expression<decltype(exp(x) + 1.0f)>::value);
  STATIC_REQUIRE_FALSE(td::is_expression<float>::value);
  STATIC_REQUIRE_FALSE(td::is_expression<double>::value);
  STATIC_REQUIRE_FALSE(td::is_expression<int>::value);
  STATIC_REQUIRE_FALSE(td::is_expression<std::string>::value);
  STATIC_REQUIRE_FALSE(td::is_expression<LooksLikeAnExpression>::value);
  STATIC_REQUIRE_FALSE(td::is_expression<HasLeavesOnly>::value);
  STATIC_REQUIRE(td::kFoldLimit == 31);  // the limit the arity byte can describe
}

TEST_CASE("a node pushes each leaf once, with the product of the partials on its path", "[expression]") {
  Tape<double> tape;
  const double va = 0.7, vb = -1.3, vc = 0.4;
  const Var<double> a = tape.variable(va), b = tape.variable(vb), c = tape.variable(vc);
  const auto e = sin(a * b) / (c + 2.0);  // leaves a, b, c
  // The value is computed on the forward pass, before anything is recorded.
  CHECK_CLOSE(e.value(), std::sin(va * vb) / (vc + 2.0), 1e-15);
  CHECK(tape.size() == 3);
  CHECK(tape.argument_count() == 0);
  const double q = vc + 2.0, u = va * vb;
  const double expected[3] = {std::cos(u) * vb / q, std::cos(u) * va / q, -std::sin(u) / (q * q)};
  for (const double weight : {1.0, 2.5, -0.125}) {
    RecordingSink<double> sink;
    e.propagate(sink, weight);
    REQUIRE(sink.slots.size() == 3);
    CHECK(sink.slots == std::vector<Index>{a.index(), b.index(), c.index()});
    for (int i = 0; i < 3; ++i) CHECK_CLOSE(sink.weights[std::size_t(i)], weight * expected[i], 1e-15);
  }
  // Each partial is the derivative of the expression along that leaf's path.
  const long double la = va, lb = vb, lc = vc;
  auto f = [](long double x, long double y, long double z) { return std::sin(x * y) / (z + 2); };
  RecordingSink<double> sink;
  e.propagate(sink, 1.0);
  CHECK_CLOSE(sink.weights[0], test::central_difference([&](long double t) { return f(t, lb, lc); }, la), 1e-8);
  CHECK_CLOSE(sink.weights[1], test::central_difference([&](long double t) { return f(la, t, lc); }, lb), 1e-8);
  CHECK_CLOSE(sink.weights[2], test::central_difference([&](long double t) { return f(la, lb, t); }, lc), 1e-8);
  // Still nothing recorded: propagate only pushes to the sink it is given.
  CHECK(tape.size() == 3);
  // Assigned to a Var, the node becomes one statement holding exactly these arguments.
  const Var<double> y = e;
  CHECK(tape.size() == 4);
  CHECK(y.index() == 4);
  CHECK(tape.arity_at(y.index()) == 3);
  CHECK(tape.argument_count() == 3);
  CHECK(last_indices(tape) == sink.slots);
  CHECK(last_partials(tape) == sink.weights);
  CHECK(y.value() == e.value());
}

TEST_CASE("a deep path multiplies every partial along it; a repeated leaf is pushed each time", "[expression]") {
  Tape<double> tape;
  const double vx = 0.9, vy = -0.6, vz = 1.7;
  const Var<double> x = tape.variable(vx), y = tape.variable(vy), z = tape.variable(vz);
  // exp(sin(cos(x y) z) / (1 + x)): leaves x, y, z, x, seven operations deep
  const Var<double> r = exp(sin(cos(x * y) * z) / (1.0 + x));
  CHECK(tape.size() == 4);
  REQUIRE(tape.arity_at(r.index()) == 4);
  CHECK(last_indices(tape) == std::vector<Index>{x.index(), y.index(), z.index(), x.index()});
  const double u = vx * vy, cu = std::cos(u), s = std::sin(cu * vz), w = 1.0 + vx;
  const double R = std::exp(s / w), outer = R * std::cos(cu * vz) / w;
  CHECK_CLOSE(r.value(), R, 1e-15);
  const std::vector<double> partials = last_partials(tape);
  CHECK_CLOSE(partials[0], outer * vz * -std::sin(u) * vy, 1e-14);  // x through x y
  CHECK_CLOSE(partials[1], outer * vz * -std::sin(u) * vx, 1e-14);  // y
  CHECK_CLOSE(partials[2], outer * cu, 1e-14);                      // z
  CHECK_CLOSE(partials[3], -R * s / (w * w), 1e-14);                // x through 1 + x
  tape.backward(r);
  // The two x leaves add up; against a central difference of the same function.
  auto f = [](long double a, long double b, long double c) {
    return std::exp(std::sin(std::cos(a * b) * c) / (1 + a));
  };
  CHECK_CLOSE(x.grad(), partials[0] + partials[3], 1e-15);
  CHECK_CLOSE(x.grad(), test::central_difference([&](long double t) { return f(t, vy, vz); }, vx), 1e-8);
  CHECK_CLOSE(y.grad(), test::central_difference([&](long double t) { return f(vx, t, vz); }, vy), 1e-8);
  CHECK_CLOSE(z.grad(), test::central_difference([&](long double t) { return f(vx, vy, t); }, vz), 1e-8);

  // x x x: three leaves, three arguments (not merged), each with partial x^2.
  const Var<double> cube = x * x * x;
  CHECK(tape.arity_at(cube.index()) == 3);
  CHECK(last_indices(tape) == std::vector<Index>(3, x.index()));
  for (const double p : last_partials(tape)) CHECK(p == vx * vx);
  // A node held in `auto` and used twice pushes its leaves twice.
  const auto ab = x * y;
  RecordingSink<double> sink;
  (ab * ab).propagate(sink, 1.0);
  CHECK(sink.slots == std::vector<Index>{x.index(), y.index(), x.index(), y.index()});
  CHECK(sink.weights == std::vector<double>{vy * u, vx * u, vy * u, vx * u});
  tape.backward(cube);
  CHECK_CLOSE(x.grad(), 3 * vx * vx, 1e-15);
}

TEST_CASE("constant leaves: pushed to the sink as slot 0, dropped by the tape", "[expression]") {
  Tape<double> tape;
  const Var<double> x = tape.variable(1.25);
  const Var<double> c = 3.0;  // a constant: slot 0, never recorded
  const auto e = c * x + sin(c);
  RecordingSink<double> sink;
  e.propagate(sink, 1.0);
  CHECK(sink.slots == std::vector<Index>{0, x.index(), 0});
  CHECK(sink.weights == std::vector<double>{1.25, 3.0, std::cos(3.0)});
  const Var<double> y = e;
  CHECK(tape.arity_at(y.index()) == 1);  // only x costs an argument
  CHECK(last_indices(tape) == std::vector<Index>{x.index()});
  CHECK(last_partials(tape) == std::vector<double>{3.0});
  CHECK(y.value() == 3.0 * 1.25 + std::sin(3.0));
  // An expression of constants only: a constant, nothing recorded.
  const std::size_t size = tape.size(), args = tape.argument_count();
  const Var<double> k = c * c - exp(c / 2.0);
  CHECK(k.is_constant());
  CHECK(k.index() == 0);
  CHECK_CLOSE(k.value(), 9.0 - std::exp(1.5), 1e-15);
  CHECK(tape.size() == size);
  CHECK(tape.argument_count() == args);
  tape.backward(y);
  CHECK(x.grad() == 3.0);
}

namespace {
// A constant the optimizer cannot see through: Sink::push leaves constants it can see out
// at compile time, the rest at run time, and both must record the same statement.
[[gnu::noinline]] Var<double> opaque_constant(double c) { return Var<double>(c); }
}  // namespace

TEST_CASE("constants the compiler can see and constants it cannot record the same statements", "[expression]") {
  // An RK4 stage in generic code, y = x + (1/2) h k, with h and 1/2 constants of type Var.
  Tape<double> tape;
  std::vector<Var<double>> x, k;
  for (int i = 0; i < 6; ++i) {
    x.push_back(tape.variable(0.5 + 0.1 * i));
    k.push_back(tape.variable(-1.0 + 0.3 * i));
  }
  const Var<double> h = 0.01;                          // visible to the optimizer
  const Var<double> h_hidden = opaque_constant(0.01);  // not visible
  std::vector<Var<double>> seen, hidden;
  for (std::size_t i = 0; i < x.size(); ++i) {
    seen.push_back(x[i] + Var<double>(0.5) * h * k[i]);
    CHECK(tape.arity_at(seen.back().index()) == 2);  // x and k only
    CHECK(last_indices(tape) == std::vector<Index>{x[i].index(), k[i].index()});
    CHECK(last_partials(tape) == std::vector<double>{1.0, 0.5 * 0.01});
    hidden.push_back(x[i] + opaque_constant(0.5) * h_hidden * k[i]);
    CHECK(tape.arity_at(hidden.back().index()) == 2);
    CHECK(last_indices(tape) == std::vector<Index>{x[i].index(), k[i].index()});
    CHECK(last_partials(tape) == std::vector<double>{1.0, 0.5 * 0.01});
    CHECK(seen.back().value() == hidden.back().value());
  }
  // Only constants, seen or not: a constant result, nothing recorded.
  const std::size_t size = tape.size(), args = tape.argument_count();
  const Var<double> both = h * Var<double>(2.0) + h_hidden;
  CHECK(both.is_constant());
  CHECK(both.generation() == 0);
  CHECK(both.value() == 0.01 * 2.0 + 0.01);
  CHECK(tape.size() == size);
  CHECK(tape.argument_count() == args);
  // The gradient of sum_i y_i^2 against its closed form: dL/dk_i = 2 y_i h / 2.
  Var<double> L = 0.0;
  for (const Var<double>& y : seen) L += y * y;
  tape.backward(L);
  for (std::size_t i = 0; i < x.size(); ++i) {
    CHECK_CLOSE(x[i].grad(), 2.0 * seen[i].value(), 1e-15);
    CHECK_CLOSE(k[i].grad(), 2.0 * seen[i].value() * 0.005, 1e-15);
  }
}

// ---- folding at the limit ---------------------------------------------------------------

TEST_CASE("an operand of up to kFoldLimit / 2 leaves stays inline; nothing is recorded before assignment",
          "[expression][fold]") {
  Tape<double> tape;
  std::vector<Var<double>> v;
  std::vector<double> x;
  for (int i = 0; i < 31; ++i) {
    x.push_back(1.0 + 0.03 * (i - 15));
    v.push_back(tape.variable(x.back()));
  }
  STATIC_REQUIRE(td::kFoldLimit / 2 == 15);
  const auto p15 = product_of<15>(v.data());
  const auto p16 = product_of<15>(v.data()) * v[15];  // a 15-leaf operand: inline
  STATIC_REQUIRE(decltype(p15)::leaves == 15);
  STATIC_REQUIRE(decltype(p16)::leaves == 16);
  STATIC_REQUIRE(
      std::is_same_v<std::decay_t<decltype(p16)>, td::BinaryNode<double, std::decay_t<decltype(p15)>, Var<double>>>);
  const auto q15 = product_of<15>(v.data() + 15);
  const auto s30 = p15 + q15;  // two operands of 15 leaves: the largest single statement
  STATIC_REQUIRE(decltype(s30)::leaves == 30);
  STATIC_REQUIRE(decltype(sin(p15))::leaves == 15);
  CHECK(tape.size() == 31);  // only the variables so far
  CHECK(tape.argument_count() == 0);

  const Var<double> y = s30;
  CHECK(tape.size() == 32);
  CHECK(tape.arity_at(y.index()) == 30);
  CHECK(tape.argument_count() == 30);
  double P = 1, Q = 1;
  for (int i = 0; i < 15; ++i) {
    P *= x[std::size_t(i)];
    Q *= x[std::size_t(i + 15)];
  }
  CHECK_CLOSE(y.value(), P + Q, 1e-15);
  tape.backward(y);
  for (int i = 0; i < 30; ++i) {
    INFO("i = " << i);
    const double expected = (i < 15 ? P : Q) / x[std::size_t(i)];
    CHECK_CLOSE(v[std::size_t(i)].grad(), expected, 1e-14);
  }
  CHECK(v[30].grad() == 0.0);
}

TEST_CASE("an operand of more than kFoldLimit / 2 leaves is recorded when the node is built", "[expression][fold]") {
  Tape<double> tape;
  std::vector<Var<double>> v;
  std::vector<double> x;
  for (int i = 0; i < 17; ++i) {
    x.push_back(0.8 + 0.025 * i);
    v.push_back(tape.variable(x.back()));
  }
  double P = 1;
  for (int i = 0; i < 16; ++i) P *= x[std::size_t(i)];
  const Var<double>& w = v[16];
  const double vw = x[16];

  SECTION("a binary node") {
    const auto p16 = product_of<16>(v.data());  // 16 leaves: fine as a root, not as an operand
    STATIC_REQUIRE(decltype(p16)::leaves == 16);
    CHECK(tape.size() == 17);
    const auto n = p16 * w;
    STATIC_REQUIRE(std::is_same_v<std::decay_t<decltype(n)>, td::BinaryNode<double, Var<double>, Var<double>>>);
    STATIC_REQUIRE(decltype(n)::leaves == 2);
    // Building n recorded p16 as a statement of its own (16 arguments), in slot 18.
    CHECK(tape.size() == 18);
    CHECK(tape.arity_at(18) == 16);
    CHECK(tape.argument_count() == 16);
    CHECK_CLOSE(n.value(), P * vw, 1e-15);
    const Var<double> y = n;
    CHECK(tape.size() == 19);
    CHECK(tape.arity_at(y.index()) == 2);
    CHECK(tape.argument_count() == 18);
    CHECK(last_indices(tape) == std::vector<Index>{18, w.index()});
    CHECK_CLOSE(last_partials(tape)[0], vw, 1e-15);
    CHECK_CLOSE(last_partials(tape)[1], P, 1e-15);
    tape.backward(y);
    for (int i = 0; i < 16; ++i) CHECK_CLOSE(v[std::size_t(i)].grad(), P * vw / x[std::size_t(i)], 1e-14);
    CHECK_CLOSE(w.grad(), P, 1e-14);
  }
  SECTION("a unary node") {
    const auto s = sin(product_of<16>(v.data()));
    STATIC_REQUIRE(std::is_same_v<std::decay_t<decltype(s)>, td::UnaryNode<double, Var<double>>>);
    CHECK(tape.size() == 18);
    CHECK(tape.arity_at(18) == 16);
    const Var<double> y = s;
    CHECK(tape.size() == 19);
    CHECK(tape.arity_at(y.index()) == 1);
    CHECK_CLOSE(y.value(), std::sin(P), 1e-15);
    tape.backward(y);
    for (int i = 0; i < 16; ++i) CHECK_CLOSE(v[std::size_t(i)].grad(), std::cos(P) * P / x[std::size_t(i)], 1e-14);
    CHECK(w.grad() == 0.0);
  }
  SECTION("a large operand used twice is recorded twice, and stays exact") {
    const auto p16 = product_of<16>(v.data());
    const Var<double> y = p16 * p16;  // P^2
    CHECK(tape.size() == 17 + 3);
    CHECK(tape.arity_at(18) == 16);
    CHECK(tape.arity_at(19) == 16);
    CHECK(tape.arity_at(y.index()) == 2);
    CHECK(tape.argument_count() == 16 + 16 + 2);
    CHECK_CLOSE(y.value(), P * P, 1e-15);
    tape.backward(y);
    for (int i = 0; i < 16; ++i) CHECK_CLOSE(v[std::size_t(i)].grad(), 2 * P * P / x[std::size_t(i)], 1e-14);
  }
  SECTION("a large operand of constants only folds to a constant") {
    std::vector<Var<double>> c(x.begin(), x.begin() + 16);  // constants: Var(double)
    const auto n = product_of<16>(c.data()) * w;
    CHECK(tape.size() == 17);  // the folded operand records nothing ...
    const Var<double> y = n;
    CHECK(tape.size() == 18);  // ... and the root has one argument, w
    CHECK(tape.arity_at(y.index()) == 1);
    CHECK_CLOSE(last_partials(tape)[0], P, 1e-15);
    tape.backward(y);
    CHECK_CLOSE(w.grad(), P, 1e-15);
  }
}

TEMPLATE_TEST_CASE(
    "a folded expression of 95 arguments: values and gradients against the chain rule "
    "written out and central differences",
    "[expression][fold]", float, double, long double) {
  using T = TestType;
  const double tol = composite_tol<T>(), fd = std::max(tol, test::fd_tol<T>());
  const long double points[][3] = {{0.3L, -0.8L, 0.5L}, {-1.1L, 0.4L, 0.9L}, {0.75L, 1.2L, -0.35L}};
  for (const auto& p : points) {
    Tape<T> tape;
    const T px = static_cast<T>(p[0]), py = static_cast<T>(p[1]), pz = static_cast<T>(p[2]);
    const long double lx = px, ly = py, lz = pz;  // the exact same inputs, in long double
    const Var<T> x = tape.variable(px), y = tape.variable(py), z = tape.variable(pz);
    const Var<T> r = mixed_big<T>(x, y, z);
    // a recorded twice and b three times (18 arguments each), then the root: a, b, a, b, b.
    CHECK(tape.size() == 3 + 5 + 1);
    CHECK(tape.argument_count() == 5 * 18 + 5);
    CHECK(tape.arity_at(r.index()) == 5);
    for (Index i = 4; i < r.index(); ++i) CHECK(tape.arity_at(i) == 18);
    tape.backward(r);
    const Jet exact = jet_big(lx, ly, lz);
    INFO("point (" << double(lx) << ", " << double(ly) << ", " << double(lz) << ")");
    CHECK_CLOSE(r.value(), exact.v, tol);
    CHECK_CLOSE(r.value(), mixed_big<long double>(lx, ly, lz), tol);
    CHECK_CLOSE(x.grad(), exact.d[0], tol);
    CHECK_CLOSE(y.grad(), exact.d[1], tol);
    CHECK_CLOSE(z.grad(), exact.d[2], tol);
    auto f = [](long double a, long double b, long double c) { return mixed_big<long double>(a, b, c); };
    CHECK_CLOSE(x.grad(), test::central_difference([&](long double t) { return f(t, ly, lz); }, lx), fd);
    CHECK_CLOSE(y.grad(), test::central_difference([&](long double t) { return f(lx, t, lz); }, ly), fd);
    CHECK_CLOSE(z.grad(), test::central_difference([&](long double t) { return f(lx, ly, t); }, lz), fd);
    // The 18-leaf operand alone is one statement; its gradient agrees with the jets too.
    const Var<T> o = mixed_outer<T>(x, y, z);
    CHECK(tape.arity_at(o.index()) == 18);
    tape.backward(o);
    const Jet jo = jet_outer(Jet{lx, {1, 0, 0}}, Jet{ly, {0, 1, 0}}, Jet{lz, {0, 0, 1}});
    CHECK_CLOSE(o.value(), jo.v, tol);
    CHECK_CLOSE(x.grad(), jo.d[0], tol);
    CHECK_CLOSE(y.grad(), jo.d[1], tol);
    CHECK_CLOSE(z.grad(), jo.d[2], tol);
  }
}

}  // namespace expression_tests
