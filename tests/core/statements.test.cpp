// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// Walking a tape (core/statements.hpp): kinds, slots, arguments and partials, checked
// against closed forms, and a reverse sweep rebuilt from the walk alone that must give
// the tape's own gradient.

#include <cmath>
#include <iterator>
#include <vector>

#include "test_support.hpp"

using tapegrad::Index;
using tapegrad::Statement;
using tapegrad::StatementKind;
using tapegrad::Tape;
using tapegrad::Var;

namespace {

std::vector<Statement<double>> walk(const Tape<double>& tape) {
  std::vector<Statement<double>> all;
  for (const Statement<double>& s : tapegrad::statements(tape)) all.push_back(s);
  return all;
}

}  // namespace

TEST_CASE("statements: inputs and a folded scalar statement with its arguments and partials", "[tape][statements]") {
  Tape<double> tape;
  CHECK(tapegrad::statements(tape).begin() == tapegrad::statements(tape).end());  // an empty tape
  const Var<double> x = tape.variable(0.5), y = tape.variable(2.0);
  const Var<double> c(4.0);                      // a constant: slot 0, never recorded
  const Var<double> z = x * y + sin(x) + c * y;  // one statement, with a constant operand
  const auto all = walk(tape);
  REQUIRE(all.size() == 3);
  CHECK(all[0].kind == StatementKind::input);
  CHECK((all[0].first == 1 && all[0].slot == 1 && all[0].arity == 0));
  CHECK(all[1].kind == StatementKind::input);
  CHECK(all[1].slot == 2);
  const Statement<double>& s = all[2];
  CHECK(s.kind == StatementKind::scalar);
  CHECK((s.first == z.index() && s.slot == z.index()));
  CHECK(s.arity == tape.arity_at(z.index()));
  // Summed per argument, the partials are dz/dx = y + cos x and dz/dy = x + c (the
  // constant costs no argument, or one pointing at the sink, slot 0).
  double dx = 0, dy = 0, dc = 0;
  for (unsigned j = 0; j < s.arity; ++j) {
    const Index a = s.argument(j);
    REQUIRE((a == x.index() || a == y.index() || a == 0));
    (a == x.index() ? dx : a == y.index() ? dy : dc) += s.partial(j);
  }
  CHECK_CLOSE(dx, 2.0 + std::cos(0.5), 1e-15);
  CHECK_CLOSE(dy, 4.5, 1e-15);
  (void)dc;
  CHECK(std::distance(tapegrad::statements(tape).begin(), tapegrad::statements(tape).end()) == 3);
}

TEST_CASE("statements: a custom statement is one statement over all its slots", "[tape][statements]") {
  Tape<double> tape;
  const Var<double> a = tape.variable(1.0);
  const Eigen::MatrixXd W0 = (Eigen::MatrixXd(2, 3) << 1, 2, 3, 4, 5, 6).finished();
  const tapegrad::MatrixVar<double> W = tapegrad::matrix_variable(tape, W0);  // one custom block of 6 slots
  const Var<double> L = tapegrad::sum(W) * a;
  const auto all = walk(tape);
  REQUIRE(all.size() >= 3);
  CHECK(all[0].kind == StatementKind::input);
  CHECK(all[1].kind == StatementKind::custom);
  CHECK(all[1].first == 2);
  CHECK(all[1].slot == 7);  // slots 2 .. 7
  CHECK(all[1].arity == 0);
  CHECK(all.back().slot == L.index());
  Index next = 1;  // the statements tile the slots 1 .. size() without gaps
  for (const auto& s : all) {
    CHECK(s.first == next);
    CHECK(s.slot >= s.first);
    next = s.slot + 1;
  }
  CHECK(next == static_cast<Index>(tape.size()) + 1);
}

TEST_CASE("statements: a reverse sweep over the walk reproduces backward's gradient", "[tape][statements]") {
  Tape<double> tape;
  std::vector<Var<double>> x;
  for (int i = 0; i < 5; ++i) x.push_back(tape.variable(0.3 * (i + 1)));
  Var<double> acc = x[0];
  for (int i = 1; i < 5; ++i) acc = acc * x[static_cast<std::size_t>(i)] + exp(-x[static_cast<std::size_t>(i - 1)]);
  const Var<double> y = log(acc) + x[2] * x[4];
  tape.backward(y);
  // The sweep written over the walked statements (all scalar or input here).
  const auto all = walk(tape);
  std::vector<double> adjoint(tape.size() + 1, 0.0);
  adjoint[static_cast<std::size_t>(y.index())] = 1.0;
  for (auto s = all.rbegin(); s != all.rend(); ++s) {
    REQUIRE(s->kind != StatementKind::custom);
    for (unsigned j = 0; j < s->arity; ++j)
      adjoint[static_cast<std::size_t>(s->argument(j))] += s->partial(j) * adjoint[static_cast<std::size_t>(s->slot)];
  }
  for (const auto& xi : x) CHECK_CLOSE(adjoint[static_cast<std::size_t>(xi.index())], xi.grad(), 1e-14);
}
