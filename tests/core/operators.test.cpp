// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// Arithmetic operators in every form against closed forms and finite differences.

#include "test_support.hpp"

using tapegrad::Tape;
using tapegrad::Var;

namespace {
// Points (a, b) away from b = 0, with mixed signs and magnitudes.
const long double points[][2] = {{0.5L, 1.5L}, {-2.25L, 0.75L}, {3.0L, -4.0L}, {1e-3L, 7.0L}, {12.5L, -0.2L}};
}  // namespace

TEMPLATE_TEST_CASE("binary operators: closed forms and finite differences", "[operators]", float, double, long double) {
  using T = TestType;
  const double tol = test::exact_tol<T>(), fd = test::fd_tol<T>();
  for (const auto& p : points) {
    const T a = static_cast<T>(p[0]), b = static_cast<T>(p[1]);
    const long double la = a, lb = b;  // the exact same inputs, in long double
    {
      auto [da, db] = test::partials([](auto x, auto y) { return Var<T>(x + y); }, a, b);
      CHECK_CLOSE(da, 1, tol);
      CHECK_CLOSE(db, 1, tol);
    }
    {
      auto [da, db] = test::partials([](auto x, auto y) { return Var<T>(x - y); }, a, b);
      CHECK_CLOSE(da, 1, tol);
      CHECK_CLOSE(db, -1, tol);
    }
    {
      auto [da, db] = test::partials([](auto x, auto y) { return Var<T>(x * y); }, a, b);
      CHECK_CLOSE(da, b, tol);
      CHECK_CLOSE(db, a, tol);
      CHECK_CLOSE(da, test::central_difference([&](long double t) { return t * lb; }, la), fd);
    }
    {
      auto [da, db] = test::partials([](auto x, auto y) { return Var<T>(x / y); }, a, b);
      CHECK_CLOSE(da, 1 / lb, tol);
      CHECK_CLOSE(db, -la / (lb * lb), tol);
      CHECK_CLOSE(db, test::central_difference([&](long double t) { return la / t; }, lb), fd);
    }
  }
}

TEMPLATE_TEST_CASE("mixed operators with a plain constant on either side", "[operators]", float, double, long double) {
  using T = TestType;
  const double tol = test::exact_tol<T>();
  const T c = T(2.5);
  for (const auto& p : points) {
    const T a = static_cast<T>(p[0]);
    const long double la = a, lc = c;
    auto d = [&](auto f) { return test::value_and_derivative<T>(f, a); };
    CHECK_CLOSE(d([&](Var<T> x) { return Var<T>(x + c); }).second, 1, tol);
    CHECK_CLOSE(d([&](Var<T> x) { return Var<T>(c + x); }).second, 1, tol);
    CHECK_CLOSE(d([&](Var<T> x) { return Var<T>(x - c); }).second, 1, tol);
    CHECK_CLOSE(d([&](Var<T> x) { return Var<T>(c - x); }).second, -1, tol);
    CHECK_CLOSE(d([&](Var<T> x) { return Var<T>(x * c); }).second, lc, tol);
    CHECK_CLOSE(d([&](Var<T> x) { return Var<T>(c * x); }).second, lc, tol);
    CHECK_CLOSE(d([&](Var<T> x) { return Var<T>(x / c); }).second, 1 / lc, tol);
    CHECK_CLOSE(d([&](Var<T> x) { return Var<T>(c / x); }).second, -lc / (la * la), tol);
    CHECK_CLOSE(d([&](Var<T> x) { return Var<T>(-x); }).second, -1, tol);
    CHECK_CLOSE(d([&](Var<T> x) { return Var<T>(+x); }).second, 1, tol);
    CHECK_CLOSE(d([&](Var<T> x) { return Var<T>(x * 2); }).second, 2, tol);  // int literal converts
    CHECK_CLOSE(d([&](Var<T> x) { return Var<T>(c / x); }).first, lc / la, tol);
  }
}

TEMPLATE_TEST_CASE("compound assignment records x = x op e", "[operators]", float, double, long double) {
  using T = TestType;
  const double tol = test::exact_tol<T>();
  Tape<T> tape;
  const Var<T> x = tape.variable(T(1.5)), y = tape.variable(T(-0.5));
  Var<T> z = x;
  z += y;         // x + y
  z *= x;         // (x + y) x
  z -= T(2) * y;  // (x + y) x - 2y
  z /= y;         // ((x + y) x - 2y) / y
  z += T(1);
  z -= T(3);
  z *= T(4);
  z /= T(8);  // (((x + y) x - 2y)/y - 2) / 2
  tape.backward(z);
  const long double lx = 1.5L, ly = -0.5L;
  // With N = (x + y)x - 2y: dz/dx = (2x + y)/(2y), dz/dy = ((x - 2)/y - N/y^2)/2
  const long double N = (lx + ly) * lx - 2 * ly;
  CHECK_CLOSE(x.grad(), (2 * lx + ly) / (2 * ly), tol);
  CHECK_CLOSE(y.grad(), ((lx - 2) / ly - N / (ly * ly)) / 2, tol);
}

TEST_CASE("comparisons look at values and record nothing", "[operators]") {
  Tape<double> tape;
  const Var<double> x = tape.variable(1.0), y = tape.variable(2.0);
  const std::size_t size = tape.size();
  CHECK(x < y);
  CHECK(x <= y);
  CHECK(y > x);
  CHECK(y >= x);
  CHECK(x != y);
  CHECK_FALSE(x == y);
  CHECK(x == 1.0);
  CHECK(2.0 == y);
  CHECK(x < 1.5);
  CHECK(0.5 < x);
  CHECK(x * 3.0 > y);  // an expression compares by value too
  CHECK(tape.size() == size);
}

TEST_CASE("auto holds an expression by value: it never dangles", "[operators]") {
  Tape<double> tape;
  Var<double> a = tape.variable(2.0);
  const Var<double> b = tape.variable(3.0);
  auto product = a * b;                     // an expression node holding copies of a and b
  a = tape.variable(100.0);                 // rebinding a does not change the expression
  const Var<double> y = product + product;  // used twice: leaves recorded twice, still exact
  CHECK(y.value() == 12.0);
  tape.backward(y);
  CHECK(b.grad() == 4.0);
  CHECK(a.grad() == 0.0);  // the new a does not appear in y
}
