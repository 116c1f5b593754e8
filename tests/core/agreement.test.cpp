// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// The cross-mode agreement table, the project's analogue of Stan Math's expect_ad: ONE list
// of primitives (below, `unary_rows` and `binary_rows`), and for every primitive at every
// point, every mode that differentiates gives the same value and derivative:
//   Var<T>                 the reference: value and gradient from one backward sweep
//   Dual<T>                forward mode, seed 1
//   Dual<T, 3>             tangents seeded (1, -0.5, 0) (binary: a (1, 0, -0.5), b (0, 1, 2)):
//                          each equals its own Dual<T> run, the first equals Var's gradient
//                          and the second -1/2 of it (binary: the first two equal Var's two
//                          partials), and a zero seed gives exactly 0
//   Var<Dual<T>>           first order = Var<T>; the e part of the value = f'; the second
//                          derivative = Dual<Dual<T>> (forward over forward)
//   Var<Dual<T, 2>>        two Hessian-vector products in one sweep = two Var<Dual<T>> sweeps
//   cwise, cwise_sum       on a column of all points (each repeated, so that Eigen's packets
//                          see every point) and on 1 x 1 matrices; binary: also colwise_sum
//   MatrixVar f(A)         where the element-wise function exists, on the same column
// "The same" is bit for bit: values equal with the same sign or both NaN, derivatives equal
// or both NaN (a gradient is a sum that starts at +0, so the sign of a zero derivative is
// not compared). One exception is stated and checked: a MatrixVar function's values come
// from Eigen's vectorized kernels, which differ from libm's by a few ulps (and clamp at the
// ends of the range: double exp(-1e5) is a subnormal there, 0 in libm), so MatrixVar
// values are within kEigenUlps ulps of Var's, plus an absolute floor of T's smallest normal
// number; its slopes likewise (relative to max(|slope|, 1) for the rules whose slope is 1 -
// v^2 or a sine), and bit for bit for long double, which Eigen does not vectorize, and for
// the rules that need no kernel (square, relu, abs). NaN is exactly where Var has NaN in
// every mode, MatrixVar included.
//
// At regular points the derivatives are also checked against closed forms written out here
// (first order within k ulps of T, in long double; second order) and central differences
// (mathtest::check_unary, check_binary, check_second_order, check_second_partials). Every
// primitive is also evaluated at a standard set of edge points (+-0, +-Inf, NaN, the largest
// and smallest normal numbers, subnormals; binary rules: each with a regular partner and with
// itself) and at its own domain limits, where the row states the documented derivative
// (docs/design.md, "Edge rules").
//
// The arithmetic operators compute tangents with plain IEEE arithmetic (docs/design.md):
// where one of their partials is not finite (a / 0, Inf * b) a tangent of a direction that
// the other operand does not depend on is 0 * Inf = NaN in forward mode, while reverse mode
// gives the partial alone. Their rows say so (ieee_tangents), and at those points the
// forward columns are checked against their own Dual<T> runs instead of against Var (and
// the e part of a Var<Dual<T>> value, computed in Dual arithmetic, only where it is finite).
//
// A new primitive is one rule in include/tapegrad/core/rules/ plus one row here.

// The tables below are aligned by hand, one primitive per row:
// clang-format off

#include <cmath>
#include <cstdint>
#include <iomanip>
#include <limits>
#include <sstream>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/math_checks.hpp"

using tapegrad::Dual;
using tapegrad::MatrixVar;
using tapegrad::MatrixX;
using tapegrad::Tape;
using tapegrad::Var;

namespace {
using namespace mathtest;

// ---- the rows ------------------------------------------------------------------------

/// A primitive without a MatrixVar function.
struct NoMatrix {};
/// How a MatrixVar function compares with Var: bit for bit (its rule needs no Eigen kernel),
/// or within kEigenUlps with slopes relative to max(|slope|, slope_scale). Eigen's log
/// kernel takes a subnormal argument for the smallest normal number: there only its value
/// is not compared (it is finite where Var's is).
struct Kernel {
  bool exact;
  LD slope_scale;
  bool flushes_subnormal_arguments;
};
constexpr Kernel kExact{true, 0, false}, kEigen{false, 0, false}, kEigenUnitSlope{false, 1, false},
    kEigenLog{false, 0, true};
constexpr LD kEigenUlps = 8;

/// A documented derivative at an edge point (NaN: the derivative is NaN).
struct Edge {
  LD x, slope;
};
/// A documented pair of partials at an edge point of a binary primitive.
struct Edge2 {
  LD a, b, da, db;
};

template <class F, class D1, class D2, class S, class M>
struct UnaryRow {
  // (an arithmetic operator's row sets ieee_tangents: see the file comment)
  const char* name;
  F f;                       // generic: std:: for numbers, tapegrad by ADL for Var and Dual
  D1 d1;                     // f' in long double
  D2 d2;                     // f'' in long double
  S scale;                   // central-difference steps are 1e-6 * scale(x)
  std::vector<LD> points;    // regular points: closed forms and central differences
  std::vector<Edge> edges;   // domain limits with their documented derivative
  M matrix;                  // the MatrixVar function, or NoMatrix
  Kernel kernel;             // how that function compares with Var
  LD k;                      // ulps of T for the closed-form first derivative
  bool ieee_tangents;        // an arithmetic operator (see the file comment)
};
template <class F, class D1, class D2, class S, class M = NoMatrix>
UnaryRow<F, D1, D2, S, M> unary(const char* name, F f, D1 d1, D2 d2, S scale, std::vector<LD> points,
                                std::vector<Edge> edges, M matrix = {}, Kernel kernel = kEigen, LD k = 16) {
  return {name, f, d1, d2, scale, std::move(points), std::move(edges), matrix, kernel, k, false};
}
/// The row of an arithmetic operator with one constant operand.
template <class F, class D1, class D2>
auto arithmetic(const char* name, F f, D1 d1, D2 d2, std::vector<LD> points, std::vector<Edge> edges) {
  auto row = unary(name, f, d1, d2, unit_or_size, std::move(points), std::move(edges), NoMatrix{}, kExact, 16);
  row.ieee_tangents = true;
  return row;
}

/// The constant c in the arithmetic of x: T for T, Var<T> and Dual<T, K>, Dual<T> for
/// Var<Dual<T>>, so that pow(x, constant(x, 2.5)) computes in T in every mode.
template <class X>
auto constant(const X&, LD c) {
  if constexpr (std::is_arithmetic_v<X>) {
    return X(c);
  } else {
    return typename X::value_type(c);
  }
}

template <class F, class G, class H, class S>
struct BinaryRow {
  const char* name;
  F f;                                       // generic f(a, b)
  G grad;                                    // (f_a, f_b) in long double
  H hess;                                    // (f_aa, f_ab, f_bb) in long double
  S scale;                                   // central-difference steps are 1e-6 * scale(a, b)
  std::vector<std::pair<LD, LD>> points;     // regular points
  std::vector<Edge2> edges;                  // documented partials at edge points
  bool ieee_tangents;                        // an arithmetic operator (see the file comment)
  LD k;                                      // ulps of T for the closed-form partials
};
template <class F, class G, class H, class S>
BinaryRow<F, G, H, S> binary(const char* name, F f, G grad, H hess, S scale, std::vector<std::pair<LD, LD>> points,
                             std::vector<Edge2> edges, bool ieee_tangents = false, LD k = 16) {
  return {name, f, grad, hess, scale, std::move(points), std::move(edges), ieee_tangents, k};
}

using G2 = std::pair<LD, LD>;
using H3 = std::tuple<LD, LD, LD>;
const LD pi = std::acos(-1.0L);
const LD nan_ld = std::numeric_limits<LD>::quiet_NaN();
const LD inf_ld = std::numeric_limits<LD>::infinity();
const auto inside_unit = [](LD x) { return 1 - std::fabs(x); };
const auto sig = [](LD x) { return 1 / (1 + std::exp(-x)); };
const auto sig1 = [](LD x) { return 1 / (4 * std::cosh(x / 2) * std::cosh(x / 2)); };  // s(1 - s)

#define TG_F(NS, NAME) [](const auto& x) { using NS::NAME; return NAME(x); }
#define TG_M(NAME) [](const MatrixVar<T>& A) { return tapegrad::NAME(A); }
#define TG_F2(NS, NAME) [](const auto& a, const auto& b) { using NS::NAME; return NAME(a, b); }

/// Every unary primitive, for scalar type T.
template <class T>
auto unary_rows() {
  const LD ln2 = std::log(2.0L), ln10 = std::log(10.0L), c = 2 / std::sqrt(pi);
  return std::make_tuple(
      // ---- exponentials, logarithms, roots
      unary("exp", TG_F(std, exp), [](LD x) { return std::exp(x); }, [](LD x) { return std::exp(x); },
            unit_or_size, {-20.0L, -1.0L, -1e-8L, 0.0L, 0.5L, 3.0L, 20.0L},
            {{inf_ld, inf_ld}, {-inf_ld, 0}, {1e5L, inf_ld}, {-1e5L, 0}}, TG_M(exp)),
      unary("exp2", TG_F(std, exp2), [=](LD x) { return ln2 * std::exp2(x); },
            [=](LD x) { return ln2 * ln2 * std::exp2(x); }, unit_or_size, {-30.0L, -0.5L, 0.0L, 1.0L, 10.25L, 60.0L},
            {{inf_ld, inf_ld}, {-inf_ld, 0}, {1e5L, inf_ld}, {-1e5L, 0}}),
      unary("expm1", TG_F(std, expm1), [](LD x) { return std::exp(x); }, [](LD x) { return std::exp(x); },
            unit_or_size, {-40.0L, -20.0L, -1.0L, -1e-9L, 0.0L, 1e-6L, 0.5L, 15.0L},
            {{inf_ld, inf_ld}, {-inf_ld, 0}, {1e5L, inf_ld}, {-1e5L, 0}}),
      // log: NaN outside the domain (the log(-2)), +Inf at both zeros
      unary("log", TG_F(std, log), [](LD x) { return 1 / x; }, [](LD x) { return -1 / (x * x); }, size_of,
            {1e-30L, 1e-3L, 0.5L, 1.0L, 1.0009765625L, 2.0L, 1e3L, 1e30L},
            {{-2, nan_ld}, {-1e-30L, nan_ld}, {-inf_ld, nan_ld}, {0, inf_ld}, {-0.0L, inf_ld}, {inf_ld, 0}},
            TG_M(log), kEigenLog),
      unary("log2", TG_F(std, log2), [=](LD x) { return 1 / (x * ln2); }, [=](LD x) { return -1 / (x * x * ln2); },
            size_of, {1e-30L, 1e-3L, 0.5L, 1.0L, 2.0L, 1e3L, 1e30L},
            {{-2, nan_ld}, {0, inf_ld}, {-0.0L, inf_ld}, {inf_ld, 0}}),
      unary("log10", TG_F(std, log10), [=](LD x) { return 1 / (x * ln10); },
            [=](LD x) { return -1 / (x * x * ln10); }, size_of, {1e-30L, 1e-3L, 0.5L, 1.0L, 2.0L, 1e3L, 1e30L},
            {{-2, nan_ld}, {0, inf_ld}, {-0.0L, inf_ld}, {inf_ld, 0}}),
      unary("log1p", TG_F(std, log1p), [](LD x) { return 1 / (1 + x); },
            [](LD x) { return -1 / ((1 + x) * (1 + x)); }, [](LD x) { return std::min(1 + x, unit_or_size(x)); },
            {-1.0L + 0x1p-20L, -0.5L, -1e-10L, 0.0L, 1e-10L, 0.75L, 1e6L},
            {{-1, inf_ld}, {-2, nan_ld}, {-inf_ld, nan_ld}, {inf_ld, 0}}),
      unary("sqrt", TG_F(std, sqrt), [](LD x) { return 0.5L / std::sqrt(x); },
            [](LD x) { return -0.25L / (x * std::sqrt(x)); }, size_of, {1e-30L, 1e-4L, 0.25L, 2.0L, 1e10L, 1e30L},
            {{0, inf_ld}, {-0.0L, inf_ld}, {-1, nan_ld}, {inf_ld, 0}, {-inf_ld, nan_ld}}, TG_M(sqrt)),
      unary("cbrt", TG_F(std, cbrt), [](LD x) { return 1 / (3 * std::cbrt(x) * std::cbrt(x)); },
            [](LD x) { return -2 / (9 * x * std::cbrt(x * x)); }, size_of,
            {-27.0L, -2.5L, -1e-3L, 1e-24L, 0.125L, 0.7L, 8.0L, 1e9L},
            {{0, inf_ld}, {-0.0L, inf_ld}, {inf_ld, 0}, {-inf_ld, 0}}),
      unary("square", TG_F(tapegrad, square), [](LD x) { return 2 * x; }, [](LD) { return 2.0L; }, unit_or_size,
            {-3.0L, -1e-5L, 0.0L, 0.5L, 1e10L}, {{inf_ld, inf_ld}, {-inf_ld, -inf_ld}}, TG_M(square), kExact),
      // ---- trigonometric and hyperbolic
      unary("sin", TG_F(std, sin), [](LD x) { return std::cos(x); }, [](LD x) { return -std::sin(x); },
            unit_or_size, {-10.0L, -1.0L, -1e-6L, 0.0L, 0.5L, 1.5707963267948966L, 3.0L, 100.0L},
            {{inf_ld, nan_ld}, {-inf_ld, nan_ld}}, TG_M(sin), kEigenUnitSlope),
      unary("cos", TG_F(std, cos), [](LD x) { return -std::sin(x); }, [](LD x) { return -std::cos(x); },
            unit_or_size, {-10.0L, -1.0L, -1e-6L, 0.0L, 0.5L, 1.5707963267948966L, 3.0L, 100.0L},
            {{inf_ld, nan_ld}, {-inf_ld, nan_ld}}, TG_M(cos), kEigenUnitSlope),
      unary("tan", TG_F(std, tan), [](LD x) { return 1 / (std::cos(x) * std::cos(x)); },
            [](LD x) { return 2 * std::tan(x) / (std::cos(x) * std::cos(x)); },
            [](LD x) { return std::fabs(std::cos(x)); }, {-1.5L, -0.5L, 0.0L, 0.25L, 1.0L, 1.5L, 1.5698L, 4.0L},
            {{inf_ld, nan_ld}}),
      unary("asin", TG_F(std, asin), [](LD x) { return 1 / std::sqrt((1 - x) * (1 + x)); },
            [](LD x) { return x / std::pow((1 - x) * (1 + x), 1.5L); }, inside_unit,
            {-1.0L + 0x1p-20L, -0.5L, -1e-4L, 0.0L, 0.3L, 0.9L, 1.0L - 0x1p-20L},
            {{1, inf_ld}, {-1, inf_ld}, {1.5L, nan_ld}, {-2, nan_ld}}),
      unary("acos", TG_F(std, acos), [](LD x) { return -1 / std::sqrt((1 - x) * (1 + x)); },
            [](LD x) { return -x / std::pow((1 - x) * (1 + x), 1.5L); }, inside_unit,
            {-1.0L + 0x1p-20L, -0.5L, -1e-4L, 0.0L, 0.3L, 0.9L, 1.0L - 0x1p-20L},
            {{1, -inf_ld}, {-1, -inf_ld}, {1.5L, nan_ld}, {-2, nan_ld}}),
      unary("atan", TG_F(std, atan), [](LD x) { return 1 / (1 + x * x); },
            [](LD x) { return -2 * x / ((1 + x * x) * (1 + x * x)); }, unit_or_size,
            {-1e3L, -1.0L, -1e-3L, 0.0L, 0.5L, 2.0L, 1e6L}, {{inf_ld, 0}, {-inf_ld, 0}}),
      unary("sinh", TG_F(std, sinh), [](LD x) { return std::cosh(x); }, [](LD x) { return std::sinh(x); },
            unit_or_size, {-20.0L, -1.0L, -1e-5L, 0.0L, 0.7L, 5.0L, 20.0L}, {{inf_ld, inf_ld}, {-inf_ld, inf_ld}}),
      unary("cosh", TG_F(std, cosh), [](LD x) { return std::sinh(x); }, [](LD x) { return std::cosh(x); },
            unit_or_size, {-20.0L, -1.0L, -1e-5L, 0.0L, 0.7L, 5.0L, 20.0L}, {{inf_ld, inf_ld}, {-inf_ld, -inf_ld}}),
      // tanh' = 1 - tanh^2 is computed from the rounded tanh: a few ulps relative while
      // tanh^2 <= 0.9 (these points); beyond, a few eps absolute (math_trig.test.cpp)
      unary("tanh", TG_F(std, tanh), [](LD x) { return 1 / (std::cosh(x) * std::cosh(x)); },
            [](LD x) { return -2 * std::tanh(x) / (std::cosh(x) * std::cosh(x)); }, unit_or_size,
            {-1.5L, -0.5L, -1e-4L, 0.0L, 0.3L, 1.0L, 1.5L}, {{inf_ld, 0}, {-inf_ld, 0}, {30, 0}, {-30, 0}},
            TG_M(tanh), kEigenUnitSlope),
      unary("asinh", TG_F(std, asinh), [](LD x) { return 1 / std::sqrt(x * x + 1); },
            [](LD x) { return -x / std::pow(x * x + 1, 1.5L); }, unit_or_size,
            {-1e10L, -3.0L, -1e-6L, 0.0L, 0.5L, 2.0L, 1e10L, 1e30L}, {{inf_ld, 0}, {-inf_ld, 0}}),
      unary("acosh", TG_F(std, acosh), [](LD x) { return 1 / std::sqrt((x - 1) * (x + 1)); },
            [](LD x) { return -x / std::pow((x - 1) * (x + 1), 1.5L); }, [](LD x) { return x - 1; },
            {1.0L + 0x1p-20L, 1.5L, 2.0L, 10.0L, 1e10L, 1e30L},
            {{1, inf_ld}, {0.5L, nan_ld}, {-1, nan_ld}, {-2, nan_ld}, {inf_ld, 0}}),
      // atanh: NaN beyond |x| = 1 (the atanh'(2)), +Inf at +-1
      unary("atanh", TG_F(std, atanh), [](LD x) { return 1 / ((1 - x) * (1 + x)); },
            [](LD x) { return 2 * x / ((1 - x) * (1 + x) * (1 - x) * (1 + x)); }, inside_unit,
            {-1.0L + 0x1p-20L, -0.5L, -1e-6L, 0.0L, 0.25L, 0.9L, 1.0L - 0x1p-20L},
            {{2, nan_ld}, {-2, nan_ld}, {1.5L, nan_ld}, {1, inf_ld}, {-1, inf_ld}, {inf_ld, nan_ld}}),
      // ---- special functions and activations
      unary("erf", TG_F(std, erf), [=](LD x) { return c * std::exp(-x * x); },
            [=](LD x) { return -2 * x * c * std::exp(-x * x); }, unit_or_size,
            {-9.0L, -2.5L, -1.0L, -1e-4L, 0.0L, 0.5L, 1.5L, 3.0L, 9.0L}, {{inf_ld, 0}, {-inf_ld, 0}}),
      unary("erfc", TG_F(std, erfc), [=](LD x) { return -c * std::exp(-x * x); },
            [=](LD x) { return 2 * x * c * std::exp(-x * x); }, unit_or_size,
            {-9.0L, -2.5L, -1.0L, -1e-4L, 0.0L, 0.5L, 1.5L, 3.0L, 9.0L}, {{inf_ld, 0}, {-inf_ld, 0}}),
      unary("sigmoid", TG_F(tapegrad, sigmoid), sig1,
            [](LD x) { return sig(x) * (1 - sig(x)) * (1 - 2 * sig(x)); }, unit_or_size,
            {-80.0L, -30.0L, -8.0L, -2.0L, -0.5L, -1e-3L, 0.0L, 0.7L, 3.0L, 8.0L, 30.0L, 80.0L},
            {{inf_ld, 0}, {-inf_ld, 0}, {1000, sig1(1000)}, {-1000, sig1(-1000)}}, TG_M(sigmoid)),
      unary("softplus", TG_F(tapegrad, softplus), sig, [](LD x) { return sig(x) * (1 - sig(x)); }, unit_or_size,
            {-80.0L, -30.0L, -8.0L, -2.0L, -0.5L, -1e-3L, 0.0L, 0.7L, 3.0L, 8.0L, 30.0L, 80.0L},
            {{inf_ld, 1}, {-inf_ld, 0}, {1000, 1}, {-1000, sig(-1000)}}, TG_M(softplus)),
      // ---- kinks: the derivative at the kink is a documented choice, 0
      unary("abs", TG_F(std, abs), [](LD x) { return x > 0 ? 1.0L : -1.0L; }, [](LD) { return 0.0L; }, size_of,
            {-1e10L, -3.0L, -1e-20L, 1e-20L, 0.5L, 7.0L}, {{0, 0}, {-0.0L, 0}, {inf_ld, 1}, {-inf_ld, -1}},
            TG_M(abs), kExact, 0),
      unary("fabs", TG_F(std, fabs), [](LD x) { return x > 0 ? 1.0L : -1.0L; }, [](LD) { return 0.0L; }, size_of,
            {-1e10L, -3.0L, -1e-20L, 1e-20L, 0.5L, 7.0L}, {{0, 0}, {-0.0L, 0}}, NoMatrix{}, kExact, 0),
      unary("relu", TG_F(tapegrad, relu), [](LD x) { return x > 0 ? 1.0L : 0.0L; }, [](LD) { return 0.0L; },
            size_of, {-1e10L, -3.0L, -1e-20L, 1e-20L, 0.5L, 7.0L}, {{0, 0}, {-0.0L, 0}, {inf_ld, 1}, {-inf_ld, 0}},
            TG_M(relu), kExact, 0),
      unary("floor", TG_F(std, floor), [](LD) { return 0.0L; }, [](LD) { return 0.0L; }, unit_or_size,
            {-2.5L, -0.2L, 0.49L, 2.7L}, {{0, 0}, {1, 0}, {inf_ld, 0}}, NoMatrix{}, kExact, 0),
      unary("ceil", TG_F(std, ceil), [](LD) { return 0.0L; }, [](LD) { return 0.0L; }, unit_or_size,
            {-2.5L, -0.2L, 0.49L, 2.7L}, {{0, 0}, {1, 0}, {inf_ld, 0}}, NoMatrix{}, kExact, 0),
      unary("trunc", TG_F(std, trunc), [](LD) { return 0.0L; }, [](LD) { return 0.0L; }, unit_or_size,
            {-2.5L, -0.2L, 0.49L, 2.7L}, {{0, 0}, {1, 0}, {inf_ld, 0}}, NoMatrix{}, kExact, 0),
      unary("round", TG_F(std, round), [](LD) { return 0.0L; }, [](LD) { return 0.0L; }, unit_or_size,
            {-2.7L, -0.2L, 0.49L, 2.7L}, {{0.5L, 0}, {-0.5L, 0}, {inf_ld, 0}}, NoMatrix{}, kExact, 0),
      // ---- arithmetic with one operand: -x, and with a constant on either side
      arithmetic("-x", [](const auto& x) { return -x; }, [](LD) { return -1.0L; }, [](LD) { return 0.0L; },
                 {-3.0L, 0.0L, 2.5L}, {{inf_ld, -1}}),
      arithmetic("3 / x", [](const auto& x) { return constant(x, 3) / x; }, [](LD x) { return -3 / (x * x); },
                 [](LD x) { return 6 / (x * x * x); }, {-1.7L, -0.3L, 0.4L, 2.5L}, {{inf_ld, 0}, {0, -inf_ld}}),
      arithmetic("x / 4 - 2 x + 1 - (-x)",
                 [](const auto& x) { return x / constant(x, 4) - constant(x, 2) * x + constant(x, 1) - (-x); },
                 [](LD) { return -0.75L; }, [](LD) { return 0.0L; }, {-1.7L, 0.4L, 2.5L}, {}),
      arithmetic("x * 3 + 3 - x", [](const auto& x) { return x * constant(x, 3) + constant(x, 3) - x; },
                 [](LD) { return 2.0L; }, [](LD) { return 0.0L; }, {-1.7L, 0.4L, 2.5L}, {{inf_ld, 2}}),
      // ---- binary primitives with one constant argument
      unary("pow(x, 2.5)", [](const auto& x) { using std::pow; return pow(x, constant(x, 2.5)); },
            [](LD x) { return 2.5L * std::pow(x, 1.5L); }, [](LD x) { return 3.75L * std::pow(x, 0.5L); }, size_of,
            {0.2L, 0.7L, 1.0L, 2.5L, 10.0L}, {{0, 0}, {-1, nan_ld}, {inf_ld, inf_ld}}),
      unary("pow(x, -3)", [](const auto& x) { using std::pow; return pow(x, constant(x, -3)); },
            [](LD x) { return -3 / std::pow(x, 4.0L); }, [](LD x) { return 12 / std::pow(x, 5.0L); }, size_of,
            {-1.7L, -0.3L, 0.4L, 1.1L, 2.5L}, {{0, -inf_ld}, {inf_ld, 0}}),
      unary("pow(1.7, x)", [](const auto& x) { using std::pow; return pow(constant(x, 1.7L), x); },
            [](LD x) { return std::pow(1.7L, x) * std::log(1.7L); },
            [](LD x) { return std::pow(1.7L, x) * std::log(1.7L) * std::log(1.7L); }, unit_or_size,
            {-1.7L, -0.3L, 0.4L, 1.1L, 2.5L}, {{inf_ld, inf_ld}, {-inf_ld, 0}}),
      unary("pow(-2, x)", [](const auto& x) { using std::pow; return pow(constant(x, -2), x); }, [](LD) { return nan_ld; },
            [](LD) { return nan_ld; }, unit_or_size, {}, {{3, nan_ld}, {0.5L, nan_ld}}),
      unary("hypot(x, 1.5)", [](const auto& x) { using std::hypot; return hypot(x, constant(x, 1.5)); },
            [](LD x) { return x / std::hypot(x, 1.5L); },
            [](LD x) { return 2.25L / std::pow(x * x + 2.25L, 1.5L); }, unit_or_size,
            {-1.7L, -0.3L, 0.4L, 1.1L, 2.5L}, {{0, 0}, {inf_ld, nan_ld}}),
      unary("atan2(x, 1.5)", [](const auto& x) { using std::atan2; return atan2(x, constant(x, 1.5)); },
            [](LD x) { return 1.5L / (x * x + 2.25L); }, [](LD x) { return -3 * x / ((x * x + 2.25L) * (x * x + 2.25L)); },
            unit_or_size, {-1.7L, -0.3L, 0.4L, 1.1L, 2.5L}, {{inf_ld, 0}, {-inf_ld, 0}}),
      unary("atan2(1.5, x)", [](const auto& x) { using std::atan2; return atan2(constant(x, 1.5), x); },
            [](LD x) { return -1.5L / (x * x + 2.25L); }, [](LD x) { return 3 * x / ((x * x + 2.25L) * (x * x + 2.25L)); },
            unit_or_size, {-1.7L, -0.3L, 0.4L, 1.1L, 2.5L}, {{inf_ld, 0}, {-inf_ld, 0}, {0, -1 / 1.5L}}));
}

/// Every binary primitive.
inline auto binary_rows() {
  return std::make_tuple(
      binary("a + b", [](const auto& a, const auto& b) { return a + b; }, [](LD, LD) { return G2{1, 1}; },
             [](LD, LD) { return H3{0, 0, 0}; }, [](LD a, LD b) { return std::max(unit_or_size(a), unit_or_size(b)); },
             {{1.5L, -0.75L}, {0.4L, 2.0L}, {-2.0L, 0.5L}}, {{inf_ld, 1, 1, 1}}, true),
      binary("a - b", [](const auto& a, const auto& b) { return a - b; }, [](LD, LD) { return G2{1, -1}; },
             [](LD, LD) { return H3{0, 0, 0}; }, [](LD a, LD b) { return std::max(unit_or_size(a), unit_or_size(b)); },
             {{1.5L, -0.75L}, {0.4L, 2.0L}, {-2.0L, 0.5L}}, {{inf_ld, inf_ld, 1, -1}}, true),
      binary("a * b", [](const auto& a, const auto& b) { return a * b; }, [](LD a, LD b) { return G2{b, a}; },
             [](LD, LD) { return H3{0, 1, 0}; }, [](LD a, LD b) { return std::max(unit_or_size(a), unit_or_size(b)); },
             {{1.5L, -0.75L}, {0.4L, 2.0L}, {-2.0L, 0.5L}, {3.0L, 1.25L}}, {{0, inf_ld, inf_ld, 0}}, true),
      // a/b: f_a = 1/b, f_b = -a/b^2, f_aa = 0, f_ab = -1/b^2, f_bb = 2a/b^3
      binary("a / b", [](const auto& a, const auto& b) { return a / b; },
             [](LD a, LD b) { return G2{1 / b, -a / (b * b)}; },
             [](LD a, LD b) { return H3{0, -1 / (b * b), 2 * a / (b * b * b)}; },
             [](LD, LD b) { return std::fabs(b); }, {{1.5L, -0.75L}, {0.4L, 2.0L}, {-2.0L, 0.5L}, {3.0L, 1.25L}},
             {{1, 0, inf_ld, -inf_ld}, {0, 0, inf_ld, nan_ld}, {1, inf_ld, 0, 0}}, true),
      // a^b: f_aa = b(b-1)a^(b-2), f_ab = a^(b-1)(1 + b ln a), f_bb = a^b ln^2 a; at
      // a = 0 d/db = 0, at b = 0 d/da = 0, for a < 0 d/db is NaN
      binary("pow(a, b)", TG_F2(std, pow), [](LD a, LD b) { return G2{b * std::pow(a, b - 1), std::pow(a, b) * std::log(a)}; },
             [](LD a, LD b) {
               const LD l = std::log(a);
               return H3{b * (b - 1) * std::pow(a, b - 2), std::pow(a, b - 1) * (1 + b * l), std::pow(a, b) * l * l};
             },
             [](LD a, LD) { return std::min(LD(1), a); },
             {{0.5L, 1.5L}, {2.0L, -0.75L}, {3.5L, 2.25L}, {1e-3L, 0.5L}, {10.0L, 3.0L}, {1.0L, 7.5L},
              {0.9990234375L, 100.0L}, {1.5L, -0.75L}, {0.4L, 2.0L}},
             {{0, 0, 0, 0}, {2, 0, 0, std::log(2.0L)}, {0, 3, 0, 0}, {0, 1, 1, 0}, {0, 0.5L, inf_ld, 0},
              {-2, 3, 12, nan_ld}, {-8, 1 / 3.0L, nan_ld, nan_ld}, {0, -1, -inf_ld, 0}}),
      // hypot: h = sqrt(a^2 + b^2); f_aa = b^2/h^3, f_ab = -ab/h^3, f_bb = a^2/h^3
      binary("hypot(a, b)", TG_F2(std, hypot),
             [](LD a, LD b) { return G2{a / std::hypot(a, b), b / std::hypot(a, b)}; },
             [](LD a, LD b) {
               const LD h3 = std::pow(std::hypot(a, b), 3.0L);
               return H3{b * b / h3, -a * b / h3, a * a / h3};
             },
             [](LD a, LD b) { return std::hypot(a, b); },
             {{3.0L, 4.0L}, {-1e-3L, 2.0L}, {0.5L, -0.25L}, {-7.0L, 0.5L}, {1e30L, -2e30L}, {1e-30L, 3e-30L},
              {1.5L, -0.75L}, {-2.0L, 0.5L}},
             {{0, 0, 0, 0}, {-7, 0, -1, 0}, {inf_ld, 1, nan_ld, 0}}),
      // atan2(y, x), r^2 = x^2 + y^2: f_y = x/r^2, f_x = -y/r^2; f_yy = -2xy/r^4,
      // f_yx = (y^2 - x^2)/r^4, f_xx = 2xy/r^4. Partials 0 at the origin and at infinity;
      // the atan2(1e200, 1e200), where r^2 overflows, in the standard edges.
      binary("atan2(y, x)", TG_F2(std, atan2), [](LD y, LD x) { return G2{x / (x * x + y * y), -y / (x * x + y * y)}; },
             [](LD y, LD x) {
               const LD r4 = (x * x + y * y) * (x * x + y * y);
               return H3{-2 * x * y / r4, (y * y - x * x) / r4, 2 * x * y / r4};
             },
             [](LD y, LD x) { return std::hypot(x, y); },
             {{1.0L, 1.0L}, {0.5L, -2.0L}, {-3.0L, 0.25L}, {-1e-3L, -4.0L}, {0.0L, 2.0L}, {2.0L, 0.0L},
              {1e-6L, 1.0L}, {7.0L, -1e-5L}, {1.5L, -0.75L}},
             {{0, 0, 0, 0}, {inf_ld, 1, 0, 0}, {1, inf_ld, 0, 0}, {inf_ld, inf_ld, 0, 0}}),
      // selections: 1 to the selected argument, 1/2 to each on a tie; NaN as std::
      binary("max(a, b)", TG_F2(std, max), [](LD a, LD b) { return G2{a > b ? 1.0L : 0.0L, b > a ? 1.0L : 0.0L}; },
             [](LD, LD) { return H3{0, 0, 0}; }, [](LD a, LD b) { return std::fabs(a - b) / 2; },
             {{1.0L, 2.0L}, {-3.0L, -4.0L}, {0.5L, -0.5L}, {-1e-20L, 1e-20L}, {1e10L, 3.0L}},
             {{2, 2, 0.5L, 0.5L}, {0, -0.0L, 0.5L, 0.5L}, {nan_ld, 1, 1, 0}, {1, nan_ld, 1, 0}}),
      binary("min(a, b)", TG_F2(std, min), [](LD a, LD b) { return G2{a < b ? 1.0L : 0.0L, b < a ? 1.0L : 0.0L}; },
             [](LD, LD) { return H3{0, 0, 0}; }, [](LD a, LD b) { return std::fabs(a - b) / 2; },
             {{1.0L, 2.0L}, {-3.0L, -4.0L}, {0.5L, -0.5L}, {-1e-20L, 1e-20L}, {1e10L, 3.0L}},
             {{2, 2, 0.5L, 0.5L}, {nan_ld, 1, 1, 0}, {1, nan_ld, 1, 0}}),
      binary("fmax(a, b)", TG_F2(std, fmax), [](LD a, LD b) { return G2{a > b ? 1.0L : 0.0L, b > a ? 1.0L : 0.0L}; },
             [](LD, LD) { return H3{0, 0, 0}; }, [](LD a, LD b) { return std::fabs(a - b) / 2; },
             {{1.0L, 2.0L}, {-3.0L, -4.0L}, {0.5L, -0.5L}, {1e10L, 3.0L}},
             {{2, 2, 0.5L, 0.5L}, {nan_ld, 1, 0, 1}, {1, nan_ld, 1, 0}, {nan_ld, nan_ld, 1, 0}}),
      binary("fmin(a, b)", TG_F2(std, fmin), [](LD a, LD b) { return G2{a < b ? 1.0L : 0.0L, b < a ? 1.0L : 0.0L}; },
             [](LD, LD) { return H3{0, 0, 0}; }, [](LD a, LD b) { return std::fabs(a - b) / 2; },
             {{1.0L, 2.0L}, {-3.0L, -4.0L}, {0.5L, -0.5L}, {1e10L, 3.0L}},
             {{2, 2, 0.5L, 0.5L}, {nan_ld, 1, 0, 1}, {1, nan_ld, 1, 0}, {nan_ld, nan_ld, 1, 0}}));
}

// ---- the edge points every primitive is evaluated at --------------------------------

template <class T>
std::vector<T> standard_edges() {
  using L = std::numeric_limits<T>;
  return {T(0), -T(0), L::infinity(), -L::infinity(), L::quiet_NaN(), L::max(), -L::max(), L::min(), -L::min(),
          T(3) * L::denorm_min(), -T(3) * L::denorm_min(), T(1e10), T(-1e10)};
}
template <class T>
std::vector<std::pair<T, T>> standard_edges2() {
  using L = std::numeric_limits<T>;
  const T big = T(4) * std::sqrt(L::max()), tiny = std::sqrt(L::min()) / T(4096);
  // the atan2(1e200, 1e200) (Inf in float), and points around sqrt(max), sqrt(min)
  std::vector<std::pair<T, T>> e{{T(1e200L), T(1e200L)}, {big, -big / T(2)}, {tiny, T(3) * tiny}};
  for (const T s : {T(0), -T(0), L::infinity(), -L::infinity(), L::quiet_NaN(), L::max(), T(3) * L::denorm_min()}) {
    e.push_back({s, T(1.5)});
    e.push_back({T(1.5), s});
    e.push_back({s, s});
  }
  return e;
}

// ---- comparing the modes -------------------------------------------------------------

/// Collects every disagreement of one row as a line of text; empty when all modes agree.
class Report {
 public:
  template <class T>
  void value(const std::string& where, const std::string& mode, T actual, T expected) {
    if (!same<T>(actual, expected)) add(where, mode + " value", actual, expected);
  }
  template <class T>
  void derivative(const std::string& where, const std::string& mode, T actual, T expected) {
    if (!same_derivative<T>(actual, expected)) add(where, mode, actual, expected);
  }
  /// Within k ulps of T relative to max(|expected|, scale), plus T's smallest normal number;
  /// Inf and NaN exactly.
  template <class T>
  void near(const std::string& where, const std::string& mode, T actual, T expected, LD k, LD scale) {
    const bool ok = (std::isnan(expected) || std::isinf(expected))
                        ? same_derivative<T>(actual, expected)
                        : !std::isnan(actual) && std::fabs(LD(actual) - LD(expected)) <=
                                                     ulps<T>(k) * std::max(std::fabs(LD(expected)), scale) +
                                                         LD(std::numeric_limits<T>::min());
    if (!ok) add(where, mode, actual, expected);
  }
  /// Equal, or both NaN, the sign of a zero aside (cwise_sum's value is a sum from +0).
  template <class T>
  void sum(const std::string& where, const std::string& mode, T actual, T expected) {
    if (!same_derivative<T>(actual, expected)) add(where, mode + " value", actual, expected);
  }
  template <class T>
  void documented(const std::string& where, T actual, LD expected, LD k) {
    const bool ok = std::isnan(expected) ? std::isnan(actual)
                                         : (std::isinf(expected) ? LD(actual) == expected
                                                                 : rel_error(actual, static_cast<T>(expected)) <= ulps<T>(k));
    if (!ok) add(where, "documented derivative", actual, expected);
  }
  void fail(const std::string& line) { lines_ += line + "\n"; }
  const std::string& text() const { return lines_; }

 private:
  template <class A, class B>
  void add(const std::string& where, const std::string& what, A actual, B expected) {
    std::ostringstream out;
    out << std::setprecision(21) << "  at " << where << ": " << what << " = " << static_cast<LD>(actual)
        << ", expected " << static_cast<LD>(expected);
    fail(out.str());
  }
  std::string lines_;
};

template <class T>
std::string point_name(T x) {
  std::ostringstream out;
  out << std::setprecision(std::numeric_limits<T>::max_digits10) << static_cast<LD>(x);
  if (x == T(0) && std::signbit(x)) return "-0";
  return out.str();
}

/// The value and derivative of f at x on a Var<T> tape (the reference).
template <class T, class F>
std::pair<T, T> reference(const F& f, T x) {
  return test::value_and_derivative<T>([&](const Var<T>& v) { return Var<T>(f(v)); }, x);
}

/// Every mode of a unary row at one point x, against Var<T>.
template <class T, class Row>
void unary_point(const Row& row, T x, Report& r) {
  const std::string at = std::string(row.name) + "(" + point_name(x) + ")";
  const auto [v, d] = reference(row.f, x);
  r.value(at, "plain f", T(row.f(x)), v);
  // Dual<T>
  const Dual<T> fd = row.f(Dual<T>(x, T(1)));
  r.value(at, "Dual<T>", fd.value, v);
  r.derivative(at, "Dual<T> derivative", fd.derivative, d);
  // Dual<T, 3>: each tangent is its own Dual<T> run; the first is Var's; a zero seed gives 0
  const Dual<T, 3> fk = row.f(Dual<T, 3>(x, {T(1), T(-0.5), T(0)}));
  r.value(at, "Dual<T, 3>", fk.value, v);
  r.derivative(at, "Dual<T, 3> tangent 0", fk.tangent(0), d);
  r.derivative(at, "Dual<T, 3> tangent 1", fk.tangent(1), row.f(Dual<T>(x, T(-0.5))).derivative);
  r.derivative(at, "Dual<T, 3> tangent 1 = -d/2", fk.tangent(1), T(T(-0.5) * d));
  r.derivative(at, "Dual<T, 3> tangent 2", fk.tangent(2), row.f(Dual<T>(x, T(0))).derivative);
  if (!row.ieee_tangents && fk.tangent(2) != T(0)) r.fail("  at " + at + ": a zero tangent does not stay 0");
  // Var<Dual<T>>: first order = Var<T>, the e part of the value = f', and f'' =
  // Dual<Dual<T>>'s (forward over forward)
  const Second<T> s = second_derivative([&](const auto& u) { return Var<Dual<T>>(row.f(u)); }, x);
  r.value(at, "Var<Dual<T>>", s.value, v);
  r.derivative(at, "Var<Dual<T>> gradient", s.d1, d);
  // (An arithmetic row's value is computed in Dual arithmetic, plain IEEE: at an infinite
  // or NaN value its e part may be NaN where the partials are finite, see the file comment.)
  if (!row.ieee_tangents || std::isfinite(v)) r.derivative(at, "Var<Dual<T>> e part of the value", s.forward_d1, d);
  const Dual<Dual<T>> ff = row.f(Dual<Dual<T>>(Dual<T>(x, T(1)), Dual<T>(T(1), T(0))));
  r.derivative(at, "Dual<Dual<T>> derivative", ff.derivative.value, d);
  r.derivative(at, "Var<Dual<T>> second derivative vs Dual<Dual<T>>", s.d2, ff.derivative.derivative);
  // Var<Dual<T, 2>>: directions 1 and -0.5 in one sweep = one sweep each
  {
    Tape<Dual<T, 2>> tape;
    const Var<Dual<T, 2>> u = tape.variable(Dual<T, 2>(x, {T(1), T(-0.5)}));
    const Var<Dual<T, 2>> y = row.f(u);
    tape.backward(y);
    const Second<T> half = second_derivative([&](const auto& w) { return Var<Dual<T>>(row.f(w)); }, x);
    Tape<Dual<T>> tape1;
    const Var<Dual<T>> u1 = tape1.variable(Dual<T>(x, T(-0.5)));
    const Var<Dual<T>> y1 = row.f(u1);
    tape1.backward(y1);
    r.derivative(at, "Var<Dual<T, 2>> gradient", u.grad().value, d);
    r.derivative(at, "Var<Dual<T, 2>> H v_0", u.grad().tangent(0), half.d2);
    r.derivative(at, "Var<Dual<T, 2>> H v_1", u.grad().tangent(1), u1.grad().derivative);
  }
  // cwise_sum and cwise on a 1 x 1 matrix
  {
    Tape<T> tape;
    const MatrixVar<T> A = tapegrad::matrix_variable(tape, MatrixX<T>::Constant(1, 1, x));
    const Var<T> y = tapegrad::cwise_sum(row.f, A);
    tape.backward(y);
    r.sum(at, "cwise_sum", y.value(), v);
    r.derivative(at, "cwise_sum slope", A.grad()(0, 0), d);
  }
}

/// The MatrixVar function and cwise on a column of all points, each repeated kCopies
/// times, so that every point fills whole packets of Eigen's kernels.
template <class T, class Row>
void unary_column(const Row& row, const std::vector<T>& xs, Report& r) {
  constexpr int kCopies = 16;
  const Eigen::Index n = static_cast<Eigen::Index>(xs.size()) * kCopies;
  MatrixX<T> X(n, 1);
  for (Eigen::Index k = 0; k < n; ++k) X(k, 0) = xs[static_cast<std::size_t>(k / kCopies)];
  std::vector<std::pair<T, T>> expected;
  for (const T x : xs) expected.push_back(reference(row.f, x));
  const auto compare = [&](const char* mode, const MatrixX<T>& values, const MatrixX<T>& slopes, bool exact,
                           Kernel kernel) {
    for (Eigen::Index k = 0; k < n; ++k) {
      const auto [v, d] = expected[static_cast<std::size_t>(k / kCopies)];
      const T x = X(k, 0);
      const std::string at = std::string(row.name) + "(" + point_name(x) + ")";
      if (exact) {
        r.value(at, mode, values(k), v);
        r.derivative(at, std::string(mode) + " slope", slopes(k), d);
        continue;
      }
      if (kernel.flushes_subnormal_arguments && x != T(0) && std::fabs(x) < std::numeric_limits<T>::min()) {
        if (std::isfinite(values(k)) != std::isfinite(v)) r.fail("  at " + at + ": MatrixVar value not finite");
      } else {
        r.near(at, std::string(mode) + " value", values(k), v, kEigenUlps, 0);
      }
      r.near(at, std::string(mode) + " slope", slopes(k), d, kEigenUlps, kernel.slope_scale);
    }
  };
  {
    Tape<T> tape;
    const MatrixVar<T> A = tapegrad::matrix_variable(tape, X);
    const MatrixVar<T> C = tapegrad::cwise(row.f, A);
    tape.backward(tapegrad::sum(C));
    compare("cwise", C.value(), A.grad(), true, kExact);
  }
  if constexpr (!std::is_same_v<std::decay_t<decltype(row.matrix)>, NoMatrix>) {
    Tape<T> tape;
    const MatrixVar<T> A = tapegrad::matrix_variable(tape, X);
    const MatrixVar<T> C = row.matrix(A);
    tape.backward(tapegrad::sum(C));
    // Eigen has no vectorized kernels for long double: its scalar path calls libm too.
    const bool exact = row.kernel.exact || std::is_same_v<T, long double>;
    compare("MatrixVar", C.value(), A.grad(), exact, row.kernel);
  }
}

/// The regular points where second derivatives are checked against closed forms: those
/// with |x| in [1e-4, 100] (or 0). Beyond, f'' of the rows leaves float's range (log'' at
/// 1e-30 is -1e60) and x f(x)'' = 2 f' + x f'' cancels; the cross-mode checks still run there.
inline std::vector<LD> second_order_points(const std::vector<LD>& points) {
  std::vector<LD> kept;
  for (const LD x : points)
    if (x == 0 || (std::fabs(x) >= 1e-4L && std::fabs(x) <= 100)) kept.push_back(x);
  return kept;
}

/// The same for binary rows, whose Hessians are checked against central differences with
/// steps 1e-6 * max(1, |a|), max(1, |b|) (fd_hessian): |a| and |b| in [0.1, 100] or 0.
inline std::vector<std::pair<LD, LD>> second_order_points(const std::vector<std::pair<LD, LD>>& points) {
  const auto moderate = [](LD x) { return x == 0 || (std::fabs(x) >= 0.1L && std::fabs(x) <= 100); };
  std::vector<std::pair<LD, LD>> kept;
  for (const auto& p : points)
    if (moderate(p.first) && moderate(p.second)) kept.push_back(p);
  return kept;
}

template <class T, class Row>
void check_unary_row(const Row& row) {
  INFO("unary row " << row.name);
  // closed forms and central differences at the regular points (first and second order)
  check_unary<T>(row.name, row.f, row.d1, row.scale, row.points, row.k);
  check_second_order<T>(row.name, [&](const auto& u) { return row.f(u); }, row.d1, row.d2, row.scale,
                        second_order_points(row.points));
  // every mode at every point
  Report r;
  std::vector<T> xs;
  for (const LD p : row.points) xs.push_back(static_cast<T>(p));
  for (const Edge& e : row.edges) xs.push_back(static_cast<T>(e.x));
  for (const T x : standard_edges<T>()) xs.push_back(x);
  for (const T x : xs) unary_point(row, x, r);
  unary_column(row, xs, r);
  // the documented derivative at the row's edges
  for (const Edge& e : row.edges) {
    const T x = static_cast<T>(e.x);
    r.documented(std::string(row.name) + "(" + point_name(x) + ")", reference(row.f, x).second, e.slope, 16);
  }
  INFO("disagreements:\n" << r.text());
  CHECK(r.text().empty());
}

/// The partials of f at (a, b) on a Var<T> tape (the reference).
template <class T, class F>
std::tuple<T, T, T> reference2(const F& f, T a, T b) {
  Tape<T> tape;
  const Var<T> va = tape.variable(a), vb = tape.variable(b);
  const Var<T> y = f(va, vb);
  tape.backward(y);
  return {y.value(), va.grad(), vb.grad()};
}

/// Every mode of a binary row at one point (a, b), against Var<T>.
template <class T, class Row>
void binary_point(const Row& row, T a, T b, Report& r) {
  const std::string at = std::string(row.name) + " at (" + point_name(a) + ", " + point_name(b) + ")";
  const auto [v, da, db] = reference2(row.f, a, b);
  r.value(at, "plain f", T(row.f(a, b)), v);
  // (Var, T) and (T, Var): one partial each
  {
    Tape<T> tape;
    const Var<T> va = tape.variable(a), vb = tape.variable(b);
    const Var<T> ya = row.f(va, b), yb = row.f(a, vb);
    r.value(at, "f(Var, T)", ya.value(), v);
    r.value(at, "f(T, Var)", yb.value(), v);
    tape.backward(ya);
    r.derivative(at, "f(Var, T) d/da", va.grad(), da);
    tape.backward(yb);
    r.derivative(at, "f(T, Var) d/db", vb.grad(), db);
  }
  // Dual<T>: one operand seeded, the other a constant Dual or a plain T
  const Dual<T> fa = row.f(Dual<T>(a, T(1)), Dual<T>(b, T(0))), fb = row.f(Dual<T>(a, T(0)), Dual<T>(b, T(1)));
  r.value(at, "Dual<T>", fa.value, v);
  const Dual<T> fac = row.f(Dual<T>(a, T(1)), b), fbc = row.f(a, Dual<T>(b, T(1)));
  r.value(at, "f(Dual<T>, T)", fac.value, v);
  r.value(at, "f(T, Dual<T>)", fbc.value, v);
  r.derivative(at, "f(Dual<T>, T) d/da", fac.derivative, da);
  r.derivative(at, "f(T, Dual<T>) d/db", fbc.derivative, db);
  // Dual<T, 3>: a (1, 0, -0.5), b (0, 1, 2); each tangent is its own Dual<T> run
  const Dual<T, 3> fk = row.f(Dual<T, 3>(a, {T(1), T(0), T(-0.5)}), Dual<T, 3>(b, {T(0), T(1), T(2)}));
  r.value(at, "Dual<T, 3>", fk.value, v);
  r.derivative(at, "Dual<T, 3> tangent 0", fk.tangent(0), fa.derivative);
  r.derivative(at, "Dual<T, 3> tangent 1", fk.tangent(1), fb.derivative);
  r.derivative(at, "Dual<T, 3> tangent 2", fk.tangent(2), row.f(Dual<T>(a, T(-0.5)), Dual<T>(b, T(2))).derivative);
  // Var<Dual<T>> (one direction per sweep) and Var<Dual<T, 2>> (both in one sweep)
  Tape<Dual<T>> t1;
  const Var<Dual<T>> a1 = t1.variable(Dual<T>(a, T(1))), b1 = t1.variable(Dual<T>(b, T(0)));
  const Var<Dual<T>> y1 = row.f(a1, b1);
  t1.backward(y1);
  const Dual<T> ga1 = a1.grad(), gb1 = b1.grad();
  Tape<Dual<T>> t2;
  const Var<Dual<T>> a2 = t2.variable(Dual<T>(a, T(0))), b2 = t2.variable(Dual<T>(b, T(1)));
  const Var<Dual<T>> y2 = row.f(a2, b2);
  t2.backward(y2);
  r.value(at, "Var<Dual<T>>", y1.value().value, v);
  r.derivative(at, "Var<Dual<T>> d/da", ga1.value, da);
  r.derivative(at, "Var<Dual<T>> d/db", gb1.value, db);
  {
    Tape<Dual<T, 2>> tape;
    const Var<Dual<T, 2>> a3 = tape.variable(Dual<T, 2>::seed(a, 0)), b3 = tape.variable(Dual<T, 2>::seed(b, 1));
    const Var<Dual<T, 2>> y = row.f(a3, b3);
    tape.backward(y);
    r.derivative(at, "Var<Dual<T, 2>> d2/da2", a3.grad().tangent(0), ga1.derivative);
    r.derivative(at, "Var<Dual<T, 2>> d2/dadb", b3.grad().tangent(0), gb1.derivative);
    r.derivative(at, "Var<Dual<T, 2>> d2/dbda", a3.grad().tangent(1), a2.grad().derivative);
    r.derivative(at, "Var<Dual<T, 2>> d2/db2", b3.grad().tangent(1), b2.grad().derivative);
  }
  // cwise_sum, colwise_sum and cwise on one entry (f called with Dual<T, 2>)
  Tape<T> tape;
  const MatrixVar<T> A = tapegrad::matrix_variable(tape, MatrixX<T>::Constant(1, 1, a));
  const MatrixVar<T> B = tapegrad::matrix_variable(tape, MatrixX<T>::Constant(1, 1, b));
  MatrixX<T> pair(2, 1);
  pair << a, b;
  const MatrixVar<T> P = tapegrad::matrix_variable(tape, pair);
  const Var<T> s = tapegrad::cwise_sum(row.f, A, B), c = tapegrad::colwise_sum(row.f, P);
  const MatrixVar<T> C = tapegrad::cwise(row.f, A, B);
  r.sum(at, "cwise_sum", s.value(), v);
  r.sum(at, "colwise_sum", c.value(), v);
  r.value(at, "cwise", C.value()(0, 0), v);
  // Where a partial is not finite, an arithmetic operator's forward tangents are IEEE
  // (0 * Inf = NaN in the direction the other operand does not depend on): compare them
  // with their own Dual<T> runs, everything else with Var.
  const bool ieee_point = row.ieee_tangents && !(std::isfinite(da) && std::isfinite(db));
  const T fwd_a = ieee_point ? fa.derivative : da, fwd_b = ieee_point ? fb.derivative : db;
  r.derivative(at, "Dual<T> d/da", fa.derivative, fwd_a);
  r.derivative(at, "Dual<T> d/db", fb.derivative, fwd_b);
  tape.backward(s);
  r.derivative(at, "cwise_sum d/da", A.grad()(0, 0), fwd_a);
  r.derivative(at, "cwise_sum d/db", B.grad()(0, 0), fwd_b);
  tape.backward(c);
  r.derivative(at, "colwise_sum d/da", P.grad()(0, 0), fwd_a);
  r.derivative(at, "colwise_sum d/db", P.grad()(1, 0), fwd_b);
  tape.backward(tapegrad::sum(C));
  r.derivative(at, "cwise d/da", A.grad()(0, 0), fwd_a);
  r.derivative(at, "cwise d/db", B.grad()(0, 0), fwd_b);
  // second order: Var<Dual<T>> against Dual<Dual<T>> (forward over forward), where the
  // arithmetic's IEEE tangents do not stand in the way
  if (!ieee_point) {
    const Dual<Dual<T>> fda = row.f(Dual<Dual<T>>(Dual<T>(a, T(1)), Dual<T>(T(1), T(0))),
                                    Dual<Dual<T>>(Dual<T>(b, T(0)), Dual<T>(T(0), T(0))));
    const Dual<Dual<T>> fdb = row.f(Dual<Dual<T>>(Dual<T>(a, T(1)), Dual<T>(T(0), T(0))),
                                    Dual<Dual<T>>(Dual<T>(b, T(0)), Dual<T>(T(1), T(0))));
    r.derivative(at, "Var<Dual<T>> d2/da2 vs Dual<Dual<T>>", ga1.derivative, fda.derivative.derivative);
    r.derivative(at, "Var<Dual<T>> d2/dadb vs Dual<Dual<T>>", gb1.derivative, fdb.derivative.derivative);
  }
}

template <class T, class Row>
void check_binary_row(const Row& row) {
  INFO("binary row " << row.name);
  check_binary<T>(row.name, row.f, [&](LD a, LD b) { return row.grad(a, b).first; },
                  [&](LD a, LD b) { return row.grad(a, b).second; }, row.scale, row.points, row.k);
  check_second_partials<T>(row.name, row.f, row.grad, row.hess, second_order_points(row.points));
  Report r;
  std::vector<std::pair<T, T>> ps;
  for (const auto& [a, b] : row.points) ps.push_back({static_cast<T>(a), static_cast<T>(b)});
  for (const Edge2& e : row.edges) ps.push_back({static_cast<T>(e.a), static_cast<T>(e.b)});
  for (const auto& p : standard_edges2<T>()) ps.push_back(p);
  for (const auto& [a, b] : ps) binary_point(row, a, b, r);
  for (const Edge2& e : row.edges) {
    const T a = static_cast<T>(e.a), b = static_cast<T>(e.b);
    const auto [v, da, db] = reference2(row.f, a, b);
    (void)v;
    const std::string at = std::string(row.name) + " at (" + point_name(a) + ", " + point_name(b) + ")";
    r.documented(at + " d/da", da, e.da, 16);
    r.documented(at + " d/db", db, e.db, 16);
  }
  INFO("disagreements:\n" << r.text());
  CHECK(r.text().empty());
}

template <class Tuple, class F>
void for_each_row(const Tuple& rows, F&& f) {
  std::apply([&](const auto&... row) { (f(row), ...); }, rows);
}
}  // namespace

TEMPLATE_TEST_CASE("agreement table: every unary primitive in every mode", "[agreement]", float, double, long double) {
  using T = TestType;
  for_each_row(unary_rows<T>(), [](const auto& row) { check_unary_row<T>(row); });
}

TEMPLATE_TEST_CASE("agreement table: every binary primitive in every mode", "[agreement]", float, double,
                   long double) {
  using T = TestType;
  for_each_row(binary_rows(), [](const auto& row) { check_binary_row<T>(row); });
}

TEST_CASE("agreement table: the three disagreements of issue 12 are gone", "[agreement]") {
  // log at -2: cwise_sum's slope was -0.5 (Var: NaN); atanh' at 2: Dual's was -1/3 (Var:
  // NaN); atan2 at (1e200, 1e200): Dual's d/dy was 0 (Var: 5e-201, no hypot fallback).
  // The table above covers them; here they are spelled out.
  Tape<double> tape;
  const MatrixVar<double> A = tapegrad::matrix_variable(tape, MatrixX<double>::Constant(1, 1, -2.0));
  const Var<double> s = tapegrad::cwise_sum([](const auto& x) { using std::log; return log(x); }, A);
  tape.backward(s);
  CHECK(std::isnan(s.value()));
  CHECK(std::isnan(A.grad()(0, 0)));
  CHECK(std::isnan(atanh(Dual<double>(2.0, 1.0)).derivative));
  const auto [v, dy, dx] = reference2([](const auto& y, const auto& x) { using std::atan2; return atan2(y, x); }, 1e200,
                                      1e200);
  CHECK(v == std::atan2(1e200, 1e200));
  CHECK_THAT(dy, WithinRel(5e-201, 1e-15));
  CHECK_THAT(dx, WithinRel(-5e-201, 1e-15));
  const Dual<double> t = atan2(Dual<double>(1e200, 1.0), Dual<double>(1e200, 0.0));
  CHECK(t.value == v);
  CHECK(t.derivative == dy);
}
