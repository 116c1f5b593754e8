// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// The tape: recording, the backward sweep, rewinding, custom statements, memory.

#include "test_support.hpp"

using tapegrad::Tape;
using tapegrad::Var;

TEMPLATE_TEST_CASE("backward computes the gradient of a simple expression", "[tape]", float, double, long double) {
  Tape<TestType> tape;
  const Var<TestType> x = tape.variable(TestType(3)), y = tape.variable(TestType(4));
  const Var<TestType> J = x * x + y * y;
  tape.backward(J);
  CHECK_CLOSE(J.value(), 25, test::exact_tol<TestType>());
  CHECK_CLOSE(x.grad(), 6, test::exact_tol<TestType>());
  CHECK_CLOSE(y.grad(), 8, test::exact_tol<TestType>());
  CHECK_CLOSE(J.grad(), 1, test::exact_tol<TestType>());
}

TEST_CASE("calling backward twice gives the same gradients, never their sum", "[tape]") {
  Tape<double> tape;
  const Var<double> x = tape.variable(2.0);
  const Var<double> y = x * x * x;  // dy/dx = 3 x^2 = 12
  tape.backward(y);
  CHECK(x.grad() == 12.0);
  tape.backward(y);
  CHECK(x.grad() == 12.0);
  // A different output on the same tape: its own gradient only.
  const Var<double> z = 5.0 * x;
  tape.backward(z);
  CHECK(x.grad() == 5.0);
}

TEST_CASE("zero_grad clears the adjoints", "[tape]") {
  Tape<double> tape;
  const Var<double> x = tape.variable(2.0);
  tape.backward(x * x);
  REQUIRE(x.grad() == 4.0);
  tape.zero_grad();
  CHECK(x.grad() == 0.0);
}

TEST_CASE("a Var recorded after the last backward has gradient 0", "[tape]") {
  Tape<double> tape;
  const Var<double> x = tape.variable(2.0);
  tape.backward(x * 3.0);
  const Var<double> later = x * x;
  CHECK(later.grad() == 0.0);
  CHECK(x.grad() == 3.0);
}

TEST_CASE("constants are never recorded", "[tape]") {
  Tape<double> tape;
  const Var<double> x = tape.variable(1.5);
  CHECK(tape.size() == 1);
  const Var<double> c = 2.0;
  CHECK(c.is_constant());
  const Var<double> cc = c * c + 1.0;  // constants only: folded, no statement
  CHECK(cc.is_constant());
  CHECK(cc.value() == 5.0);
  CHECK(tape.size() == 1);
  const Var<double> y = x * 2.0 + 1.0;  // one statement with one argument
  CHECK(tape.size() == 2);
  CHECK(tape.argument_count() == 1);
  tape.backward(y);
  CHECK(x.grad() == 2.0);
  CHECK(cc.grad() == 0.0);
}

TEST_CASE("a constant operand costs its statement no argument", "[tape][constants]") {
  Tape<double> tape;
  const Var<double> x = tape.variable(1.5), y = tape.variable(-0.5);
  const Var<double> h = 0.01, two = 2.0;  // generic code's T h = 0.01, T(2)
  const std::size_t before = tape.argument_count();
  const Var<double> a = x + h * y;  // leaves x, h, y: h dropped
  CHECK(tape.argument_count() - before == 2);
  CHECK(tape.arity_at(a.index()) == 2);
  const Var<double> b = two * a * h + x / two - sin(h);  // leaves two, a, h, x, two, h: a and x kept
  CHECK(tape.arity_at(b.index()) == 2);
  const Var<double> c = h * two * Var<double>(3.0) + h;  // only constants: nothing recorded
  CHECK(c.is_constant());
  CHECK(c.value() == 0.01 * 2.0 * 3.0 + 0.01);
  Var<double> s = 0.0;  // s = 0 + c x is a chain statement from the second term on
  for (int i = 0; i < 3; ++i) s = s + two * x * y + h;
  CHECK(tape.arity_at(s.index()) == 3);  // s, x, y
  // chain (s is slot i - 1) and hold (y is also the last argument of the statement below)
  CHECK(tape.hints_at(s.index()) == (tapegrad::detail::kChainFlag | tapegrad::detail::kHoldFlag));
  const Var<double> L = s * b;
  tape.backward(L);
  // L = s b, s = 3 (2 x y + h), b = 2 h a + x / 2 - sin h, a = x + h y
  const double vx = 1.5, vy = -0.5, vh = 0.01;
  const double va = vx + vh * vy, vs = 3 * (2 * vx * vy + vh), vb = 2 * vh * va + vx / 2 - std::sin(vh);
  const double db_dx = 2 * vh + 0.5, db_dy = 2 * vh * vh;
  CHECK_CLOSE(x.grad(), 6 * vy * vb + vs * db_dx, 1e-14);
  CHECK_CLOSE(y.grad(), 6 * vx * vb + vs * db_dy, 1e-14);
  CHECK(h.grad() == 0.0);  // constants have no gradient
}

TEST_CASE("one expression becomes one statement; its partials multiply along paths", "[tape]") {
  Tape<double> tape;
  const Var<double> a = tape.variable(0.3), b = tape.variable(-1.2), c = tape.variable(2.0);
  const Var<double> y = a * b + sin(c) * a / b;
  CHECK(tape.size() == 4);
  CHECK(tape.argument_count() == 5);  // leaves a, b, c, a, b
  tape.backward(y);
  CHECK_CLOSE(a.grad(), -1.2 + std::sin(2.0) / -1.2, 1e-14);
  CHECK_CLOSE(b.grad(), 0.3 - std::sin(2.0) * 0.3 / (1.2 * 1.2), 1e-14);
  CHECK_CLOSE(c.grad(), std::cos(2.0) * 0.3 / -1.2, 1e-14);
}

TEST_CASE("expressions larger than one statement can hold are split exactly", "[tape]") {
  Tape<double> tape;
  const Var<double> x = tape.variable(0.5);
  // 2^7 = 128 leaves in one expression tree: more than a statement holds (kFoldLimit).
  auto e1 = x * x;
  auto e2 = e1 * e1;
  auto e3 = e2 * e2;
  auto e4 = e3 * e3;
  auto e5 = e4 * e4;
  auto e6 = e5 * e5;
  const Var<double> y = e6 * e6;  // x^128
  CHECK(tape.argument_count() <= 2 * tapegrad::detail::kFoldLimit + 4);
  tape.backward(y);
  CHECK_CLOSE(y.value(), std::pow(0.5, 128), 1e-13);
  CHECK_CLOSE(x.grad(), 128 * std::pow(0.5, 127), 1e-13);
}

TEST_CASE("fan-out: one variable used in many places", "[tape]") {
  Tape<double> tape;
  const Var<double> x = tape.variable(0.7);
  Var<double> sum = 0.0;
  for (int k = 1; k <= 50; ++k) sum += static_cast<double>(k) * x + x * x;
  tape.backward(sum);
  // d/dx sum_k (k x + x^2) = sum_k k + 50 * 2x = 1275 + 70
  CHECK_CLOSE(x.grad(), 1275.0 + 70.0, 1e-13);
}

TEST_CASE("recorded bytes: 13 per unary and 25 per binary statement for double", "[tape][memory]") {
  Tape<double> tape;
  const Var<double> x = tape.variable(1.0), y = tape.variable(2.0);
  const std::size_t before = tape.recorded_bytes();
  const Var<double> u = sin(x);
  CHECK(tape.recorded_bytes() - before == 1 + sizeof(tapegrad::Index) + sizeof(double));
  const std::size_t mid = tape.recorded_bytes();
  const Var<double> b = u * y;
  CHECK(tape.recorded_bytes() - mid == 1 + 2 * (sizeof(tapegrad::Index) + sizeof(double)));
  CHECK(tape.memory_bytes() >= tape.recorded_bytes());
  (void)b;
}

TEST_CASE("mark and rewind forget what was recorded after the mark", "[tape]") {
  Tape<double> tape;
  const Var<double> w = tape.variable(3.0);
  const auto mark = tape.mark();
  for (int step = 0; step < 3; ++step) {
    const Var<double> loss = w * w * static_cast<double>(step + 1);
    tape.backward(loss);
    CHECK(w.grad() == 6.0 * (step + 1));
    tape.rewind(mark);
    CHECK(tape.size() == 1);
    CHECK(w.grad() == 6.0 * (step + 1));  // adjoints of surviving Vars are kept
  }
  const std::size_t memory = tape.memory_bytes();
  for (int step = 0; step < 100; ++step) {
    const Var<double> loss = w * w;
    tape.backward(loss);
    tape.rewind(mark);
  }
  CHECK(tape.memory_bytes() == memory);
}

TEST_CASE("clear forgets everything but keeps the memory", "[tape]") {
  Tape<double> tape;
  Var<double> x = tape.variable(1.0);
  for (int k = 0; k < 1000; ++k) x = x * 1.001;
  const std::size_t memory = tape.memory_bytes();
  tape.clear();
  CHECK(tape.size() == 0);
  CHECK(tape.memory_bytes() == memory);
}

namespace {
int live_functors = 0;
struct CountedScale {  // y_i = 3 x for each output i, with its own backward
  tapegrad::Index input;
  CountedScale(tapegrad::Index in) : input(in) { ++live_functors; }
  CountedScale(const CountedScale& other) : input(other.input) { ++live_functors; }
  ~CountedScale() { --live_functors; }
  void operator()(double* adjoint, tapegrad::Index first) const {
    for (tapegrad::Index i = 0; i < 2; ++i) adjoint[input] += 3.0 * adjoint[first + i];
  }
};
}  // namespace

TEST_CASE("custom statements run their own backward and are destroyed", "[tape][custom]") {
  {
    Tape<double> tape;
    const Var<double> x = tape.variable(2.0);
    const tapegrad::Index first = tape.record_custom(2, CountedScale(x.index()));
    CHECK(live_functors == 1);
    CHECK(tape.size() == 3);
    CHECK(tape.custom_count() == 1);
    const auto mark = tape.mark();
    const Var<double> y0 = tape.output_var(first, 6.0), y1 = tape.output_var(first + 1, 6.0);
    tape.backward(y0 * y1);  // dL/dx = 3 y1 + 3 y0
    CHECK(x.grad() == 36.0);
    tape.backward(y0);  // a seed inside the block still runs the block's backward
    CHECK(x.grad() == 3.0);
    CHECK_THROWS_AS(tape.output_var(x.index(), 1.0), std::invalid_argument);
    tape.rewind(mark);
    CHECK(live_functors == 1);
    tape.clear();
    CHECK(live_functors == 0);
    tape.record_custom(2, CountedScale(x.index()));
    CHECK(live_functors == 1);
  }
  CHECK(live_functors == 0);  // destroyed with the tape
}

TEST_CASE("a block of variables is stepped over in one go and reads back exactly", "[tape]") {
  Tape<double> tape;
  const double values[4] = {1.0, 2.0, 3.0, 4.0};
  Var<double> v[4];
  tape.variables(values, 4, v);
  for (int i = 1; i < 4; ++i) CHECK(v[i].index() == v[0].index() + i);
  const Var<double> y = v[0] * v[1] + v[2] * v[3] * v[3];
  tape.backward(y);
  CHECK(v[0].grad() == 2.0);
  CHECK(v[1].grad() == 1.0);
  CHECK(v[2].grad() == 16.0);
  CHECK(v[3].grad() == 24.0);
}

TEST_CASE("chains that feed the next statement are exact (the sweep's register path)", "[tape]") {
  Tape<double> tape;
  const double values[3] = {0.5, 1.5, -2.0};
  Var<double> v[3];
  tape.variables(values, 3, v);
  // Each statement uses the one before it once, twice and four times, mixed with others.
  Var<double> a = v[2] * 2.0;                    // reads the block's top slot
  Var<double> b = a * a + v[0];                  // a twice
  Var<double> c = b * b * b * b + a * v[1] + b;  // b five times, a once
  Var<double> d = sin(c) + c * v[2];             // c twice
  tape.backward(d);
  // Forward-mode by hand for d/dv0, d/dv1, d/dv2.
  const double A = 2 * values[2], B = A * A + values[0];
  const double C = B * B * B * B + A * values[1] + B;
  auto grad = [&](double dA, double dB_extra, double dv1, double dv2) {
    const double dB = 2 * A * dA + dB_extra;
    const double dC = (4 * B * B * B + 1) * dB + values[1] * dA + A * dv1;
    return std::cos(C) * dC + values[2] * dC + C * dv2;
  };
  CHECK_CLOSE(v[0].grad(), grad(0, 1, 0, 0), 1e-13);
  CHECK_CLOSE(v[1].grad(), grad(0, 0, 1, 0), 1e-13);
  CHECK_CLOSE(v[2].grad(), grad(2, 0, 0, 1), 1e-13);
  CHECK_CLOSE(c.grad(), std::cos(C) + values[2], 1e-13);  // intermediate adjoints are stored too
  CHECK_CLOSE(a.grad(), grad(1, 0, 0, 0), 1e-13);
}

TEST_CASE("a target many statements share collects every contribution before it is read", "[tape]") {
  // m in s += exp(x_i - m) receives a contribution from every statement; the cases put it
  // right below a block of variables, among a custom statement's outputs, and alternate two
  // such targets (they caught an ordering bug in a sweep variant that kept m in a register).
  SECTION("logsumexp: the contributions through m cancel, the gradient is the softmax") {
    for (const bool block : {false, true}) {
      INFO((block ? "inputs as one block" : "inputs one by one"));
      Tape<double> tape;
      double values[40];
      for (int i = 0; i < 40; ++i) values[i] = std::sin(1.7 * i) * 3.0;
      Var<double> x[40];
      if (block)
        tape.variables(values, 40, x);
      else
        for (int i = 0; i < 40; ++i) x[i] = tape.variable(values[i]);
      Var<double> m = x[0];
      for (int i = 1; i < 40; ++i)
        if (x[i] > m) m = x[i];
      Var<double> s = 0.0;
      for (int i = 0; i < 40; ++i) s += exp(x[i] - m);
      tape.backward(m + log(s));
      double total = 0;
      for (int i = 0; i < 40; ++i) total += std::exp(values[i]);
      for (int i = 0; i < 40; ++i) CHECK_CLOSE(x[i].grad(), std::exp(values[i]) / total, 1e-14);
    }
  }
  SECTION("the shared target is the slot right below a block of variables") {
    Tape<double> tape;
    const double values[2] = {3.0, 2.0};
    Var<double> v[2];
    tape.variables(values, 2, v);
    tape.backward(v[1] - v[0] * v[0]);  // one statement, arguments v1, v0, v0
    CHECK(v[0].grad() == -6.0);
    CHECK(v[1].grad() == 1.0);
  }
  SECTION("the shared target is a custom statement's output: its backward sees every contribution") {
    Tape<double> tape;
    const Var<double> x = tape.variable(2.0);
    const tapegrad::Index first = tape.record_custom(2, CountedScale(x.index()));
    const Var<double> y0 = tape.output_var(first, 6.0), y1 = tape.output_var(first + 1, 6.0);
    Var<double> z[5];
    for (int i = 0; i < 5; ++i) z[i] = tape.variable(i + 1.0);
    Var<double> s = y1;
    for (int i = 0; i < 5; ++i) s += z[i] * y0;  // arguments s, z_i, y0
    tape.backward(s);
    CHECK(y0.grad() == 15.0);  // sum of z_i
    CHECK(y1.grad() == 1.0);
    CHECK(x.grad() == 3.0 * (15.0 + 1.0));  // the block's backward saw both
    for (int i = 0; i < 5; ++i) CHECK(z[i].grad() == 6.0);
  }
  SECTION("two shared targets taking turns, and reads of them in between") {
    Tape<double> tape;
    const Var<double> m1 = tape.variable(0.3), m2 = tape.variable(-0.4);
    Var<double> x[6];
    for (int i = 0; i < 6; ++i) x[i] = tape.variable(0.1 * i);
    Var<double> s = 0.0, t = 0.0;
    for (int i = 0; i < 6; ++i) {
      s += exp(x[i] - m1);
      t += exp(x[i] - m2);
      if (i == 3) s = s * m1 + sin(m2);  // m1 and m2 as ordinary arguments too
    }
    tape.backward(s * t);
    const auto L = [](double a, double b) {
      double S = 0, T = 0;
      for (int i = 0; i < 6; ++i) {
        S += std::exp(0.1 * i - a);
        T += std::exp(0.1 * i - b);
        if (i == 3) S = S * a + std::sin(b);
      }
      return S * T;
    };
    const double h = 1e-6;
    CHECK_CLOSE(m1.grad(), (L(0.3 + h, -0.4) - L(0.3 - h, -0.4)) / (2 * h), 1e-8);
    CHECK_CLOSE(m2.grad(), (L(0.3, -0.4 + h) - L(0.3, -0.4 - h)) / (2 * h), 1e-8);
  }
}

TEST_CASE("the sweep hints are recorded exactly where they apply", "[tape][hints]") {
  using tapegrad::detail::kChainFlag;
  using tapegrad::detail::kFlushFlag;
  using tapegrad::detail::kHoldFlag;
  Tape<double> tape;
  Var<double> x[4];
  const double values[4] = {0.5, -1.0, 2.0, 1.5};
  for (int i = 0; i < 4; ++i) x[i] = tape.variable(values[i]);
  const Var<double> m = x[2];
  Var<double> s = 0.0;
  for (int i = 0; i < 4; ++i) s += exp(x[i] - m);  // slots 5..8: arguments s, x_i, m
  const tapegrad::Index first = 5;
  CHECK(s.index() == 8);
  // The first has a constant s (slot 0): no chain. It ends the run of m, so it flushes.
  CHECK(tape.hints_at(first) == kFlushFlag);
  for (tapegrad::Index i = first + 1; i <= 8; ++i) {
    INFO("slot " << i);
    CHECK(tape.hints_at(i) == (kChainFlag | kHoldFlag));
    CHECK(tape.arity_at(i) == 3);  // the hints do not change what is stored
  }
  const Var<double> t = x[0] * s;     // s is slot i - 1 but the second argument: no chain
  const Var<double> u = t * x[1];     // chain; last argument x1 differs from t's s: no hold
  const Var<double> v = x[3] * x[1];  // last argument x1 again, below has k = 2: hold
  CHECK(tape.hints_at(t.index()) == 0);
  CHECK(tape.hints_at(u.index()) == (kChainFlag | kFlushFlag));
  CHECK(tape.hints_at(v.index()) == kHoldFlag);
  const Var<double> w = sin(v);  // one argument: chain only, never hold
  CHECK(tape.hints_at(w.index()) == kChainFlag);
  for (tapegrad::Index i = 1; i <= 4; ++i) CHECK(tape.hints_at(i) == 0);  // inputs
  // Custom slots report no arguments and no hints.
  const tapegrad::Index block = tape.record_custom(2, CountedScale(x[0].index()));
  CHECK(tape.custom_at(block));
  CHECK(tape.custom_at(block + 1));
  CHECK_FALSE(tape.custom_top_at(block));
  CHECK(tape.custom_top_at(block + 1));
  CHECK(tape.arity_at(block) == 0);
  CHECK(tape.hints_at(block + 1) == 0);
  CHECK_FALSE(tape.custom_at(w.index()));
  CHECK_FALSE(tape.custom_at(1));
}

TEST_CASE("held and chained sums give exact gradients in every configuration", "[tape][hints]") {
  SECTION("a held run whose last statement y does not depend on still adds the run's sum") {
    Tape<double> tape;
    const Var<double> m = tape.variable(0.7), x1 = tape.variable(2.0), x2 = tape.variable(-3.0);
    const Var<double> t1 = x1 * m;  // ends the run: flush, but its own adjoint is 0
    const Var<double> t2 = x2 * m;  // holds m's contribution
    REQUIRE(tape.hints_at(t1.index()) == tapegrad::detail::kFlushFlag);
    REQUIRE(tape.hints_at(t2.index()) == tapegrad::detail::kHoldFlag);
    tape.backward(t2);
    CHECK(m.grad() == -3.0);
    CHECK(x2.grad() == 0.7);
    CHECK(x1.grad() == 0.0);
  }
  SECTION("no run continues across an input or a custom statement") {
    Tape<double> tape;
    const Var<double> m = tape.variable(0.5), x = tape.variable(2.0);
    const Var<double> s1 = x * m;              // last argument m
    const Var<double> v = tape.variable(3.0);  // an input between: no hold across it
    const Var<double> s2 = v * m;
    const tapegrad::Index block = tape.record_custom(2, CountedScale(x.index()));
    const Var<double> y1 = tape.output_var(block + 1, 6.0);
    const Var<double> s3 = y1 * m;                                     // a custom statement between: no hold
    CHECK(tape.hints_at(s2.index()) == tapegrad::detail::kChainFlag);  // v is slot i - 1
    CHECK(tape.hints_at(s3.index()) == tapegrad::detail::kChainFlag);  // so is y1
    CHECK_FALSE(tape.custom_at(v.index()));
    CHECK(tape.custom_top_at(block + 1));
    tape.backward(s1 + s2 + s3);
    CHECK(m.grad() == 2.0 + 3.0 + 6.0);
    CHECK(v.grad() == 0.5);
    CHECK(x.grad() == 0.5 + 3.0 * 0.5);  // through s1 and through the custom statement
  }
  SECTION("the held slot is also an ordinary argument of the held statements") {
    // s += m * x_i + x_i * m: arguments s, m, x_i, x_i, m (five: the generic path).
    Tape<double> tape;
    const Var<double> m = tape.variable(0.5);
    Var<double> x[6];
    for (int i = 0; i < 6; ++i) x[i] = tape.variable(0.25 * i - 0.5);
    Var<double> s = 0.0;
    for (int i = 0; i < 6; ++i) s += m * x[i] + x[i] * m;
    CHECK((tape.hints_at(s.index()) & tapegrad::detail::kHoldFlag) != 0);
    tape.backward(s * s);  // L = s^2, s = 2 m sum x_i
    double sum = 0;
    for (int i = 0; i < 6; ++i) sum += 0.25 * i - 0.5;
    const double S = 2 * 0.5 * sum;
    CHECK_CLOSE(m.grad(), 2 * S * 2 * sum, 1e-14);
    for (int i = 0; i < 6; ++i) CHECK_CLOSE(x[i].grad(), 2 * S * 2 * 0.5, 1e-14);
  }
  SECTION("backward from the middle of a run, and a run cut by rewind") {
    Tape<double> tape;
    const Var<double> m = tape.variable(0.3);
    Var<double> x[8];
    for (int i = 0; i < 8; ++i) x[i] = tape.variable(0.1 * i);
    Var<double> s = 0.0;
    Var<double> partial_sums[8];
    Tape<double>::Mark after_first;
    for (int i = 0; i < 8; ++i) {
      s += exp(x[i] - m);
      partial_sums[i] = s;
      if (i == 0) after_first = tape.mark();
    }
    REQUIRE(tape.hints_at(partial_sums[0].index()) == tapegrad::detail::kFlushFlag);
    tape.backward(partial_sums[4]);  // y is a held statement in the middle of the run
    double e = 0;
    for (int i = 0; i <= 4; ++i) e += std::exp(0.1 * i - 0.3);
    CHECK_CLOSE(m.grad(), -e, 1e-14);
    CHECK_CLOSE(x[4].grad(), std::exp(0.4 - 0.3), 1e-14);
    CHECK(x[5].grad() == 0.0);
    // The run's first statement keeps its flush mark after the rest is rewound; with
    // nothing held it must add nothing.
    tape.rewind(after_first);
    const Var<double> y = partial_sums[0] * x[1];  // chained, a different last argument
    tape.backward(y);
    const double e0 = std::exp(0.0 - 0.3);
    CHECK_CLOSE(m.grad(), -0.1 * e0, 1e-15);
    CHECK_CLOSE(x[0].grad(), 0.1 * e0, 1e-15);
    CHECK_CLOSE(x[1].grad(), e0, 1e-15);
  }
  SECTION("a statement whose later argument is also slot i - 1 (chained and not)") {
    Tape<double> tape;
    const Var<double> c = tape.variable(-2.0), x = tape.variable(1.5);
    const Var<double> a = x * x;          // chain (x is slot i - 1) and x again
    const Var<double> b = a * c + c * a;  // chain, and a again as the fourth argument
    const Var<double> d = c * b + b;      // b only as a later argument: no chain
    REQUIRE((tape.hints_at(a.index()) & tapegrad::detail::kChainFlag) != 0);
    REQUIRE((tape.hints_at(b.index()) & tapegrad::detail::kChainFlag) != 0);
    REQUIRE((tape.hints_at(d.index()) & tapegrad::detail::kChainFlag) == 0);
    tape.backward(d);  // d = (c + 1) 2 c x^2
    CHECK_CLOSE(x.grad(), (-2.0 + 1) * 2 * -2.0 * 2 * 1.5, 1e-14);
    CHECK_CLOSE(c.grad(), (4 * -2.0 + 2) * 1.5 * 1.5, 1e-14);
  }
}

TEST_CASE("statements y does not depend on are skipped, and their arguments too", "[tape]") {
  Tape<double> tape;
  const Var<double> x = tape.variable(2.0), unused = tape.variable(-1.0);
  const Var<double> a = x * x;                    // used
  const Var<double> dead = unused * x * 7.0;      // not used by y: adjoint 0
  const Var<double> dead2 = sqrt(unused) + dead;  // NaN partial, not used by y
  const Var<double> y = a * x + sin(a);
  tape.backward(y);
  CHECK_CLOSE(x.grad(), 3 * 4.0 + std::cos(4.0) * 4.0, 1e-14);  // d/dx (x^3 + sin x^2)
  CHECK(unused.grad() == 0.0);
  CHECK(dead2.grad() == 0.0);
  tape.backward(dead2);              // and the other way round: the dead statements are live now
  CHECK(std::isnan(unused.grad()));  // d sqrt(u)/du at u = -1 is NaN
}
