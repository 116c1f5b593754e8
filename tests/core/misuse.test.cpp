// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// Every kind of misuse raises TapeError in every build. This file is compiled twice: into
// test_core with the build's own flags, and into test_misuse_ndebug with -DNDEBUG forced
// (tests/CMakeLists.txt), so the checks are proven in the build users ship. Each test
// would have passed silently with a wrong gradient before the per-operand checks were
// made unconditional (they used to follow NDEBUG).

#include <memory>
#include <thread>
#include <vector>

#include "test_support.hpp"

using tapegrad::Tape;
using tapegrad::TapeError;
using tapegrad::Var;
using VectorXv = Eigen::Matrix<Var<double>, Eigen::Dynamic, 1>;

TEST_CASE("the build under test has the per-operand checks on", "[misuse]") {
  CHECK(TAPEGRAD_CHECKS == 1);
#ifdef TAPEGRAD_TEST_EXPECT_NDEBUG
  // test_misuse_ndebug, or test_core in an optimized build: prove the flags reached this file.
#ifndef NDEBUG
  FAIL("this copy of the misuse tests must be compiled with -DNDEBUG");
#endif
#endif
}

TEST_CASE("a function given to gradient() that captures a Var of an outer tape", "[misuse]") {
  Tape<double> outer;
  const Var<double> a = outer.variable(10.0);
  const auto f = [&](const VectorXv& w) {
    const Var<double> s = w.sum();
    return a * s * s;  // a lives on `outer`, not on the tape gradient() records on
  };
  CHECK_THROWS_AS(tapegrad::gradient(f, Eigen::VectorXd{{1.0, 2.0}}), TapeError);
  CHECK_THROWS_WITH(tapegrad::gradient(f, Eigen::VectorXd{{1.0, 2.0}}),
                    ContainsSubstring("enclosing tape") && ContainsSubstring("value(a)"));
  // The remedy the message names: capture the value, a constant of the inner function.
  const double va = tapegrad::value(a);
  const Eigen::VectorXd g = tapegrad::gradient(
      [&](const VectorXv& w) {
        const Var<double> s = w.sum();
        return va * s * s;
      },
      Eigen::VectorXd{{1.0, 2.0}});
  CHECK(g[0] == 60.0);  // d/dw_i 10 (w_1 + w_2)^2 = 20 (w_1 + w_2)
  CHECK(g[1] == 60.0);
}

TEST_CASE("jacobian() and hessian() functions that capture an outer Var", "[misuse]") {
  Tape<double> outer;
  const Var<double> a = outer.variable(2.0);
  CHECK_THROWS_WITH(tapegrad::jacobian(
                        [&](const VectorXv& w) {
                          VectorXv r(2);
                          r << a * w[0], w[1];
                          return r;
                        },
                        Eigen::VectorXd{{1.0, 2.0}}),
                    ContainsSubstring("value(a)"));
  using D = tapegrad::Dual<double>;
  Tape<D> outer_dual;
  const Var<D> b = outer_dual.variable(D(3.0));
  CHECK_THROWS_WITH(
      tapegrad::hessian([&](const Eigen::Matrix<Var<D>, Eigen::Dynamic, 1>& w) { return b * w[0] * w[1]; },
                        Eigen::VectorXd{{1.0, 2.0}}),
      ContainsSubstring("value(a)"));
}

TEST_CASE("a Var from before clear() used in an operation", "[misuse]") {
  Tape<double> outer;
  const Var<double> a = outer.variable(10.0);
  outer.clear();
  const Var<double> b = outer.variable(3.0);  // slot 1 again: a's slot, a new era
  REQUIRE(b.index() == a.index());
  const std::size_t size = outer.size();
  CHECK_THROWS_WITH(Var<double>(a * b), ContainsSubstring("an operation") && ContainsSubstring("is not on this tape"));
  CHECK(outer.size() == size);  // nothing was recorded
  CHECK_THROWS_AS(outer.backward(a), TapeError);
  CHECK_THROWS_AS(a.grad(), TapeError);
}

TEST_CASE("a Var rewound away used in an operation", "[misuse]") {
  Tape<double> tape;
  const Var<double> w = tape.variable(2.0);
  const auto mark = tape.mark();
  const Var<double> stale = w * 3.0;
  tape.rewind(mark);
  const Var<double> fresh = w * 4.0;  // stale's slot, a new era
  REQUIRE(fresh.index() == stale.index());
  CHECK_THROWS_AS(Var<double>(stale + fresh), TapeError);
  CHECK_THROWS_AS(Var<double>(sin(stale)), TapeError);
  CHECK_THROWS_AS(Var<double>(fresh * 2.0 + w * stale), TapeError);  // foreign among valid ones
}

TEST_CASE("Vars of earlier live eras are accepted: no false alarm", "[misuse]") {
  Tape<double> tape;
  const Var<double> w1 = tape.variable(2.0);
  const auto outer = tape.mark();
  const Var<double> w2 = w1 * 3.0;  // era of `outer`
  const auto inner = tape.mark();
  for (int step = 0; step < 3; ++step) {
    tape.rewind(inner);  // a new era each time: w1 and w2 are from earlier ones
    const Var<double> y = w1 * w2 + 2.0 * w2 + exp(w1 - w2);
    tape.backward(y);
    CHECK_CLOSE(w2.grad(), 2.0 + 2.0 - std::exp(2.0 - 6.0), 1e-14);
    // d/dw1 = w2 + w1 * 3 + 3 * 2 + exp(w1 - w2) (1 - 3)
    CHECK_CLOSE(w1.grad(), 6.0 + 6.0 + 6.0 - 2.0 * std::exp(-4.0), 1e-14);
  }
  tape.rewind(outer);
  CHECK_THROWS_AS(Var<double>(w1 * w2), TapeError);  // w2 is gone now
}

TEST_CASE("a Var of another live tape used in an operation", "[misuse]") {
  Tape<double> first;
  const Var<double> x = first.variable(1.0);
  Tape<double> second;  // now the active tape
  const Var<double> y = second.variable(2.0);
  CHECK_THROWS_WITH(Var<double>(x * y), ContainsSubstring("an operation"));
  CHECK_THROWS_AS(Var<double>(y * y * y + x), TapeError);
}

TEST_CASE("a foreign operand beside constants is caught; constant results record nothing", "[misuse]") {
  // record() tells "every operand a Var of this era" apart from the rest in one test; the
  // rest (constants, earlier eras, foreign Vars) must still be told apart exactly.
  Tape<double> first;
  const Var<double> x = first.variable(1.0);
  Tape<double> second;  // now the active tape
  const Var<double> y = second.variable(2.0);
  const Var<double> c = Var<double>(2.0) * Var<double>(3.0);  // every operand a constant
  CHECK(c.index() == 0);
  CHECK(c.generation() == 0);  // a constant result carries no era
  const std::size_t size = second.size();
  const std::size_t arguments = second.argument_count();
  CHECK_THROWS_AS(Var<double>(c * x), TapeError);
  CHECK_THROWS_AS(Var<double>(Var<double>(1.0) + x), TapeError);
  CHECK_THROWS_AS(Var<double>(c * y + x), TapeError);
  CHECK_THROWS_AS(Var<double>(x * c + c * y), TapeError);
  CHECK(second.size() == size);  // nothing was recorded
  CHECK(second.argument_count() == arguments);
  const Var<double> z = c * y + c + sin(c);  // one statement: y's argument only
  CHECK(second.argument_count() == arguments + 1);
  second.backward(z);
  CHECK(y.grad() == 6.0);
  const auto mark = second.mark();
  const Var<double> u = c * y + y * y;  // an earlier era's Var beside a constant
  CHECK(second.argument_count() == arguments + 4);
  second.backward(u);
  CHECK(y.grad() == 10.0);
  second.rewind(mark);
  const Var<double> w = y * 2.0;
  CHECK_THROWS_AS(Var<double>(c * u + w), TapeError);  // u was rewound away
}

TEST_CASE("a foreign operand beside constants the compiler can see is caught", "[misuse]") {
  // Constants built from literals are left out of a statement at compile time (Sink::push);
  // the operands that remain are still checked, in a loop as in an ODE integrator.
  Tape<double> first;
  const Var<double> foreign = first.variable(1.0);
  Tape<double> second;
  std::vector<Var<double>> x;
  for (int i = 0; i < 4; ++i) x.push_back(second.variable(0.25 * i));
  const Var<double> h = 0.01;
  std::size_t caught = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const Var<double>& operand = i % 2 == 0 ? x[i] : foreign;
    try {
      const Var<double> y = operand + Var<double>(0.5) * h * x[i] + Var<double>(8.0);
      CHECK(i % 2 == 0);
      CHECK(second.arity_at(y.index()) == 2);
    } catch (const TapeError&) {
      ++caught;
    }
  }
  CHECK(caught == 2);
  const auto mark = second.mark();
  const Var<double> stale = x[1] * x[2];
  second.rewind(mark);
  CHECK_THROWS_AS(Var<double>(stale + h * Var<double>(2.0)), TapeError);
  CHECK_THROWS_AS(Var<double>(h * stale), TapeError);
}

TEST_CASE("a Var of a destroyed tape used in an operation", "[misuse]") {
  Var<double> orphan;
  {
    Tape<double> gone;
    orphan = gone.variable(1.0) * 2.0;
  }
  Tape<double> tape;
  const Var<double> x = tape.variable(3.0);
  CHECK_THROWS_WITH(Var<double>(orphan * x), ContainsSubstring("is not on this tape"));
  CHECK_THROWS_AS(tape.backward(orphan), TapeError);
}

TEST_CASE("a Var of another thread used in an operation", "[misuse][threads]") {
  Var<double> from_worker;
  Tape<double> tape;
  const Var<double> x = tape.variable(3.0);
  std::thread worker([&] {
    Tape<double> own;
    from_worker = own.variable(1.0) * 2.0;
  });
  worker.join();
  CHECK_THROWS_AS(Var<double>(from_worker * x), TapeError);

  // The other way round: this thread's Var on a worker's tape, while this tape lives.
  bool threw = false;
  std::thread user([&] {
    Tape<double> own;
    const Var<double> z = own.variable(1.0);
    try {
      const Var<double> bad = x * z;
      (void)bad;
    } catch (const TapeError&) {
      threw = true;
    }
  });
  user.join();
  CHECK(threw);
}

TEST_CASE("a tape active on one thread is not recorded on, swept or read from another", "[misuse][threads]") {
  Tape<double> tape;
  const Var<double> x = tape.variable(2.0);
  tape.backward(x * x);
  int errors = 0;
  std::thread other([&] {
    const auto expect_error = [&errors](auto&& f) {
      try {
        f();
      } catch (const TapeError&) {
        ++errors;
      }
    };
    expect_error([&] { (void)tape.variable(1.0); });
    expect_error([&] {
      double v = 1.0;
      Var<double> out;
      tape.variables(&v, 1, &out);
    });
    expect_error([&] { tape.backward(x); });
    expect_error([&] { (void)tape.grad(x); });
    expect_error([&] { tape.rewind(tape.mark()); });
    expect_error([&] { tape.clear(); });
  });
  other.join();
  CHECK(errors == 6);
  CHECK(x.grad() == 4.0);  // untouched
}
