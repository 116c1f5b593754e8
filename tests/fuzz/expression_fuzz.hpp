// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers

// The tables below are aligned by hand, one primitive per row:
// clang-format off
#pragma once

/// \file
/// Random expression DAGs for the fuzzed gradient checks, shared by the property test
/// (tests/fuzz/expression_fuzz.test.cpp) and the libFuzzer target
/// (tests/fuzz/libfuzzer_target.cpp).
///
/// A Program is a list of nodes: the inputs x0..x(n-1), then primitives whose operands
/// are earlier nodes (so nodes are shared: a DAG). One small interpreter, eval_node<S>,
/// evaluates the same program on double, long double, Var<double> and Var<long double>.
/// The generator draws its choices from a Source: a seeded random generator for the
/// property test, or the fuzzer's bytes (ByteSource) for libFuzzer, so both build
/// programs the same way.
///
/// The generator knows the point while it builds, and keeps every primitive inside its
/// domain and away from its kinks: an argument outside log's domain is first passed
/// through a guard made of other primitives (1 + square(a), exp(a), cosh(a),
/// hypot(a, 0.5), ...), a kink (abs, relu, min/max, floor, ...) must be at least
/// min(1e-3 max(1, |u|), 0.05) away, and every value must be finite with |v| <= 1e6.
///
/// Checker::check(program) then verifies, for one program at its point:
///  1. exactness: every node's Var<double> value equals the double interpreter's
///     value exactly (same operations in the same order), likewise for long double;
///  2. repeatability: backward(y) twice gives bit-identical adjoints on every node,
///     and so does re-recording the program after rewind() to a mark;
///  3. the gradient: the tape gradients in double (g) and in long double (gL) against
///     a reference R from central differences of the long double interpreter.
///
/// The reference, per input i: step h = 2^(e-20) with e = ilogb(max(1, |x_i|)) (a power
/// of two, so x_i +- t is exact for t = h, 2h, 4h, 8h), D(t) = (f(x+t) - f(x-t)) / 2t,
/// Richardson R(t) = (4 D(t) - D(2t)) / 3 (error O(t^4)), R_i = R(h).
///
/// The tolerance rule (docs/reliability.md cites it), per case and per component i:
///   e_fd = max(|R(h) - R(2h)|, |R(2h) - R(4h)| / 64) + 2 err_f / h
///          the finite-difference error estimate. The first term is the truncation
///          error (and, being asymptotic, |R(2h) - R(4h)| ~ 16 |R(h) - R(2h)|, it also
///          rejects step sizes where f is not yet smooth); err_f, the rounding error of
///          f as x_i moves, is the larger of 8 eps_ld sum_k |adj_k v_k| over the nodes
///          recomputed from changed operands (first-order error analysis with the long
///          double adjoints) and 4 (eps_ld / eps) max |f_double - f_long double| over
///          the points (the measured rounding error, scaled to long double);
///   e_ad = max(|g_i - gL_i|, 16 eps |g|_abs,i)
///          the rounding error of the double tape: measured against the long double
///          tape, and bounded by the sweep's terms (|g|_abs: the sweep again with every
///          partial replaced by its absolute value, so a sum that cancels is covered);
///   s_i  = |R_i| + 1e-3 max_j |R_j| + 1e-6 |f| / max(1, |x_i|) + 1e-6 |g|_abs,i + 1e-250
///          the scale of component i.
/// A case is ILL-CONDITIONED (skipped and counted; the test bounds the skipped
/// fraction) if, at one of the 8 points per input,
///   - a kink, jump or pole changes side: abs/fabs/relu/cbrt (sign), min/max/fmin/fmax
///     (which argument), floor/ceil/trunc/round (the value), atan2 (the branch cut),
///     division and pow (sign of the denominator or base), tan (between which poles),
///     also inside multi-primitive statements;
///   - the argument of a sin, cos or tan moves by more than 1 (aliasing: a fast
///     oscillation can give consistent but wrong quotients at all four steps);
///   - f is not finite;
/// or if e_fd > 1e-5 s_i or |g_i - gL_i| > 1e-5 s_i for some i. Otherwise it FAILS
/// unless for every i
///   |g_i  - R_i| <= 2 (e_fd + e_ad) + 1e-9 s_i   and
///   |gL_i - R_i| <= 2 e_fd + 1e-3 e_ad + 1e-9 s_i.
/// So in a checked case both tapes agree with the reference to about 1e-5 relative or
/// better (typically 1e-10).
///
/// Exactness (check 1) assumes the compiler does not fuse a * b + c into an FMA in one
/// path and not the other: true for default x86-64 builds (no FMA instructions) and for
/// run_fuzzer.sh (-ffp-contract=off). On failure the report prints the program as assignments
/// and as one infix expression, the point, both tape gradients, R and e_fd.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "tapegrad/core/math.hpp"
#include "tapegrad/core/statements.hpp"

namespace tapegrad_fuzz {

// ---- the program -------------------------------------------------------------------

/// Every primitive of docs/api.md, and the multi-primitive statements.
enum class Op : std::uint8_t {
  Input,
  Const,  // a constant Var (never recorded)
  // unary
  Neg, Pos, Exp, Exp2, Expm1, Log, Log2, Log10, Log1p, Sqrt, Cbrt, Square,
  Sin, Cos, Tan, Asin, Acos, Atan, Sinh, Cosh, Tanh, Asinh, Acosh, Atanh,
  Erf, Erfc, Sigmoid, Softplus, Relu, Abs, Fabs, Floor, Ceil, Trunc, Round,
  // binary, each as Var-Var, Var-T and T-Var
  Add, Sub, Mul, Div, Pow, Hypot, Atan2, Min, Max, Fmin, Fmax,
  // compound assignment with a Var or a T on the right
  AddAssign, SubAssign, MulAssign, DivAssign,
  // several primitives in ONE statement (expression templates)
  UnaryOfBinary,  // u(a op b), op in + - * /
  BinaryOfUnary,  // op(u(a), b), u in - sin tanh square, op any binary
  Reuse,          // z = a * b (an expression object); z * z + z / (1 + square(a))
  Wide,           // 36 leaves: atan(e3), folded (see eval_node)
  Select,         // a, chosen by comparisons and isnan/isinf/isfinite (nothing recorded)
  Count
};
inline constexpr int kOpCount = static_cast<int>(Op::Count);
inline constexpr Op kFirstUnary = Op::Neg, kLastUnary = Op::Round;
inline constexpr Op kFirstBinary = Op::Add, kLastBinary = Op::Fmax;
inline constexpr Op kFirstCompound = Op::AddAssign, kLastCompound = Op::DivAssign;

inline bool in(Op op, Op first, Op last) { return op >= first && op <= last; }
inline bool is_unary(Op op) { return in(op, kFirstUnary, kLastUnary); }
inline bool is_binary(Op op) { return in(op, kFirstBinary, kLastBinary); }
inline bool is_compound(Op op) { return in(op, kFirstCompound, kLastCompound); }

inline const char* name(Op op) {
  static const char* const names[] = {
      "input", "const", "-", "+", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p",
      "sqrt", "cbrt", "square", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh",
      "tanh", "asinh", "acosh", "atanh", "erf", "erfc", "sigmoid", "softplus", "relu", "abs",
      "fabs", "floor", "ceil", "trunc", "round", "+", "-", "*", "/", "pow", "hypot", "atan2",
      "min", "max", "fmin", "fmax", "+=", "-=", "*=", "/=", "unary(binary)",
      "binary(unary)", "reuse", "wide", "select"};
  static_assert(sizeof(names) / sizeof(names[0]) == static_cast<std::size_t>(Op::Count));
  return names[static_cast<int>(op)];
}
/// A name that is unique per op (for coverage tables): "-" is both Neg and Sub.
inline std::string label(Op op) {
  if (op == Op::Neg) return "unary -";
  if (op == Op::Pos) return "unary +";
  return name(op);
}

/// Operand forms of binary and compound nodes.
enum class Form : std::uint8_t { VV, VC, CV };
inline const char* name(Form f) { return f == Form::VV ? "Var-Var" : f == Form::VC ? "Var-T" : "T-Var"; }

/// One node. Operands are earlier nodes; for Form::CV the Var operand is b.
struct Node {
  Op op = Op::Input;
  Form form = Form::VV;
  Op unary = Op::Neg;   // UnaryOfBinary, BinaryOfUnary: the unary primitive
  Op binary = Op::Add;  // UnaryOfBinary, BinaryOfUnary: the binary primitive
  std::uint32_t a = 0, b = 0;  // operands (Input: the input number)
  double c = 0.0;              // the constant of Const, VC and CV nodes
  int depth = 0;               // primitives on the longest path from an input
};

struct Program {
  std::vector<double> x;    // the point; nodes [0, x.size()) are the inputs
  std::vector<Node> nodes;  // in evaluation order
  std::size_t output = 0;   // the node whose gradient is checked
};

/// Whether node n reads operand a, and operand b.
inline bool reads_a(const Node& n) {
  return n.op != Op::Input && n.op != Op::Const && !(is_binary(n.op) && n.form == Form::CV);
}
inline bool reads_b(const Node& n) {
  return n.op != Op::Input && n.op != Op::Const && !is_unary(n.op) && n.form != Form::VC;
}

// ---- the interpreter: one code path for double, long double and Var ------------------

template <class S>
struct ScalarOf {
  using type = S;
};
template <class T>
struct ScalarOf<tapegrad::Var<T>> {
  using type = T;
};

/// k(op(a)) for a plain number or a tapegrad expression a.
template <class X, class K>
void apply_unary(Op op, const X& a, K&& k) {
  using std::abs, std::acos, std::acosh, std::asin, std::asinh, std::atan, std::atanh, std::cbrt;
  using std::ceil, std::cos, std::cosh, std::erf, std::erfc, std::exp, std::exp2, std::expm1;
  using std::fabs, std::floor, std::log, std::log10, std::log1p, std::log2, std::round, std::sin;
  using std::sinh, std::sqrt, std::tan, std::tanh, std::trunc;
  switch (op) {
    case Op::Neg: k(-a); return;
    case Op::Pos: k(+a); return;
    case Op::Exp: k(exp(a)); return;
    case Op::Exp2: k(exp2(a)); return;
    case Op::Expm1: k(expm1(a)); return;
    case Op::Log: k(log(a)); return;
    case Op::Log2: k(log2(a)); return;
    case Op::Log10: k(log10(a)); return;
    case Op::Log1p: k(log1p(a)); return;
    case Op::Sqrt: k(sqrt(a)); return;
    case Op::Cbrt: k(cbrt(a)); return;
    case Op::Square: k(tapegrad::square(a)); return;
    case Op::Sin: k(sin(a)); return;
    case Op::Cos: k(cos(a)); return;
    case Op::Tan: k(tan(a)); return;
    case Op::Asin: k(asin(a)); return;
    case Op::Acos: k(acos(a)); return;
    case Op::Atan: k(atan(a)); return;
    case Op::Sinh: k(sinh(a)); return;
    case Op::Cosh: k(cosh(a)); return;
    case Op::Tanh: k(tanh(a)); return;
    case Op::Asinh: k(asinh(a)); return;
    case Op::Acosh: k(acosh(a)); return;
    case Op::Atanh: k(atanh(a)); return;
    case Op::Erf: k(erf(a)); return;
    case Op::Erfc: k(erfc(a)); return;
    case Op::Sigmoid: k(tapegrad::sigmoid(a)); return;
    case Op::Softplus: k(tapegrad::softplus(a)); return;
    case Op::Relu: k(tapegrad::relu(a)); return;
    case Op::Abs: k(abs(a)); return;
    case Op::Fabs: k(fabs(a)); return;
    case Op::Floor: k(floor(a)); return;
    case Op::Ceil: k(ceil(a)); return;
    case Op::Trunc: k(trunc(a)); return;
    case Op::Round: k(round(a)); return;
    default: k(a); return;  // not a unary op: never generated
  }
}

/// The unary primitives BinaryOfUnary nests inside a binary one.
inline constexpr Op kInnerUnary[] = {Op::Neg, Op::Sin, Op::Tanh, Op::Square};

/// k(u(a)) for u in kInnerUnary (fewer instantiations than apply_unary).
template <class X, class K>
void apply_inner_unary(Op op, const X& a, K&& k) {
  using std::sin, std::tanh;
  switch (op) {
    case Op::Sin: k(sin(a)); return;
    case Op::Tanh: k(tanh(a)); return;
    case Op::Square: k(tapegrad::square(a)); return;
    default: k(-a); return;
  }
}

/// k(op(a, b)); a and b are plain numbers, expressions, or one of each.
template <class X, class Y, class K>
void apply_binary(Op op, const X& a, const Y& b, K&& k) {
  constexpr bool plain = std::is_arithmetic_v<X> && std::is_arithmetic_v<Y>;
  using std::atan2, std::hypot, std::pow;
  switch (op) {
    case Op::Add: k(a + b); return;
    case Op::Sub: k(a - b); return;
    case Op::Mul: k(a * b); return;
    case Op::Div: k(a / b); return;
    case Op::Pow: k(pow(a, b)); return;
    case Op::Hypot: k(hypot(a, b)); return;
    case Op::Atan2: k(atan2(a, b)); return;
    default: break;
  }
  if constexpr (plain) {
    switch (op) {
      case Op::Min: k(std::min(a, b)); return;
      case Op::Max: k(std::max(a, b)); return;
      case Op::Fmin: k(std::fmin(a, b)); return;
      default: k(std::fmax(a, b)); return;
    }
  } else {
    switch (op) {
      case Op::Min: k(tapegrad::min(a, b)); return;
      case Op::Max: k(tapegrad::max(a, b)); return;
      case Op::Fmin: k(tapegrad::fmin(a, b)); return;
      default: k(tapegrad::fmax(a, b)); return;
    }
  }
}

/// k(a op b) for op in + - * / only (UnaryOfBinary's inner statement).
template <class X, class Y, class K>
void apply_arithmetic(Op op, const X& a, const Y& b, K&& k) {
  switch (op) {
    case Op::Sub: k(a - b); return;
    case Op::Mul: k(a * b); return;
    case Op::Div: k(a / b); return;
    default: k(a + b); return;
  }
}

/// t = a; t op= b; with b a Var (or number) or a constant.
template <class S, class Y>
S apply_compound(Op op, const S& a, const Y& b) {
  S t = a;
  switch (op) {
    case Op::AddAssign: t += b; break;
    case Op::SubAssign: t -= b; break;
    case Op::MulAssign: t *= b; break;
    default: t /= b; break;
  }
  return t;
}

/// The value of node n, given the values v of the earlier nodes and the inputs x.
/// On Var<T> every node is recorded on the active Tape<T> (Const nodes are constants).
template <class S>
S eval_node(const Node& n, const S* v, const S* x) {
  using C = typename ScalarOf<S>::type;
  const C c = static_cast<C>(n.c);
  S out{};
  auto set = [&out](const auto& e) { out = e; };
  if (n.op == Op::Input) return x[n.a];
  if (n.op == Op::Const) return S(c);
  if (is_unary(n.op)) {
    apply_unary(n.op, v[n.a], set);
  } else if (is_binary(n.op)) {
    if (n.form == Form::VV) apply_binary(n.op, v[n.a], v[n.b], set);
    else if (n.form == Form::VC) apply_binary(n.op, v[n.a], c, set);
    else apply_binary(n.op, c, v[n.b], set);
  } else if (is_compound(n.op)) {
    if (n.form == Form::VV) out = apply_compound(n.op, v[n.a], v[n.b]);
    else out = apply_compound(n.op, v[n.a], c);
  } else if (n.op == Op::UnaryOfBinary) {
    apply_arithmetic(n.binary, v[n.a], v[n.b], [&](const auto& e) { apply_unary(n.unary, e, set); });
  } else if (n.op == Op::BinaryOfUnary) {
    apply_inner_unary(n.unary, v[n.a], [&](const auto& e) { apply_binary(n.binary, e, v[n.b], set); });
  } else if (n.op == Op::Reuse) {
    const S& a = v[n.a];
    const auto z = a * v[n.b];  // an expression object used three times in one statement
    out = z * z + z / (C(1) + tapegrad::square(a));
  } else if (n.op == Op::Wide) {
    // One expression of 36 leaves, more than a statement holds (kFoldLimit = 31): the
    // 24-leaf subtree e2 * e2 (over kFoldLimit / 2) is recorded first. Depth 8 from a and b.
    using std::atan, std::cos, std::sin;
    const S& a = v[n.a];
    const S& b = v[n.b];
    const auto e1 = a * b + (a - b);               // 4 leaves
    const auto e2 = sin(e1) * e1 + cos(e1);        // 12 leaves
    const auto e3 = e2 * e2 - e2;                  // 36 leaves
    out = atan(e3);
  } else if (n.op == Op::Select) {
    // Every comparison (Var-Var, Var-T, T-Var) and classification; true for finite a, b.
    using std::isfinite, std::isinf, std::isnan;
    const S& a = v[n.a];
    const S& b = v[n.b];
    const bool vv = (a < b || a >= b) && (a > b || a <= b) && (a == b || a != b);
    const bool vc = (a < c || a >= c) && (a > c || a <= c) && (a == c || a != c);
    const bool cv = (c < a || c >= a) && (c > a || c <= a) && (c == a || c != a);
    const bool finite = isfinite(a) && !isnan(a) && !isinf(a);
    out = (vv && vc && cv && finite) ? a : b;
  }
  return out;
}

/// Evaluates every node of p at the inputs x (for Var, records them on the active tape).
template <class S>
void evaluate(const Program& p, const S* x, std::vector<S>& v) {
  v.assign(p.nodes.size(), S{});
  for (std::size_t k = 0; k < p.nodes.size(); ++k) v[k] = eval_node(p.nodes[k], v.data(), x);
}

// ---- printing ------------------------------------------------------------------------

/// The shortest decimal that reads back as d.
inline std::string number(double d) {
  char buf[40];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  return buf;
}
inline std::string number(long double d) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.21Lg", d);
  return buf;
}

/// The infix text of node k with its operands written as given.
inline std::string node_text(const Node& n, const std::string& a, const std::string& b) {
  const std::string c = n.c < 0 ? "(" + number(n.c) + ")" : number(n.c);
  auto call1 = [](Op op, const std::string& s) {
    if (op == Op::Neg) return "(-" + s + ")";
    if (op == Op::Pos) return "(+" + s + ")";
    return std::string(name(op)) + "(" + s + ")";
  };
  auto call2 = [](Op op, const std::string& l, const std::string& r) {
    if (op <= Op::Div || is_compound(op)) return "(" + l + " " + name(op) + " " + r + ")";
    return std::string(name(op)) + "(" + l + ", " + r + ")";
  };
  switch (n.op) {
    case Op::Const: return c;
    case Op::UnaryOfBinary: return call1(n.unary, call2(n.binary, a, b));
    case Op::BinaryOfUnary: return call2(n.binary, call1(n.unary, a), b);
    case Op::Reuse: {
      const std::string z = "(" + a + " * " + b + ")";
      return "(" + z + " * " + z + " + " + z + " / (1 + square(" + a + ")))";
    }
    case Op::Select: return "select(" + a + ", " + b + ")";
    case Op::Wide: {
      const std::string e1 = "(" + a + " * " + b + " + (" + a + " - " + b + "))";
      const std::string e2 = "(sin(" + e1 + ") * " + e1 + " + cos(" + e1 + "))";
      return "atan(" + e2 + " * " + e2 + " - " + e2 + ")";
    }
    default: break;
  }
  if (is_unary(n.op)) return call1(n.op, a);
  if (n.form == Form::VV) return call2(n.op, a, b);
  if (n.form == Form::VC) return call2(n.op, a, c);
  return call2(n.op, c, b);
}

inline std::string node_name(const Program& p, std::size_t k) {
  return (k < p.x.size() ? "x" : "n") + std::to_string(k);
}

/// The program as one assignment per node, e.g. "n5 = sin((x0 * n3))  [depth 2]".
inline std::string listing(const Program& p) {
  std::ostringstream out;
  for (std::size_t k = p.x.size(); k < p.nodes.size(); ++k) {
    const Node& n = p.nodes[k];
    out << "  " << node_name(p, k) << " = ";
    if (is_compound(n.op)) {
      out << node_name(p, n.a) << "; " << node_name(p, k) << " " << name(n.op) << " "
          << (n.form == Form::VV ? node_name(p, n.b) : number(n.c));
    } else {
      out << node_text(n, node_name(p, n.a), node_name(p, n.b));
    }
    out << (n.form == Form::VV ? "" : n.form == Form::VC ? "   [Var-T]" : "   [T-Var]");
    out << "   [depth " << n.depth << "]" << (k == p.output ? "   <- y" : "") << "\n";
  }
  return out.str();
}

/// Node k as one infix expression over the inputs (shared nodes written out again);
/// "..." once it exceeds `budget` characters.
inline std::string infix(const Program& p, std::size_t k, std::size_t budget = 4000) {
  if (k < p.x.size()) return node_name(p, k);
  const Node& n = p.nodes[k];
  if (n.op == Op::Const) return node_text(n, "", "");
  const std::string a = infix(p, n.a, budget);
  if (a.size() > budget) return "...";
  const std::string b = infix(p, n.b, budget);
  const std::string s = node_text(n, a, b);
  return s.size() > budget ? "..." : s;
}

// ---- choices: a seeded generator or the fuzzer's bytes --------------------------------

/// splitmix64: a small, fully specified generator (same sequence on every platform).
class RandomSource {
 public:
  explicit RandomSource(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// A choice in [0, n).
  unsigned below(unsigned n) { return static_cast<unsigned>(next() % n); }
  /// A coordinate of the point: mostly in [-2.5, 2.5], one in eight in [-12, 12].
  double point() {
    const double u = static_cast<double>(next() >> 11) * 0x1p-53;
    return below(8) == 0 ? -12.0 + 24.0 * u : -2.5 + 5.0 * u;
  }

 private:
  std::uint64_t state_;
};

/// Reads the choices from bytes (libFuzzer's input); 0 once the bytes run out.
class ByteSource {
 public:
  ByteSource(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  unsigned below(unsigned n) {
    const unsigned r = n <= 256 ? byte() : (byte() | byte() << 8);
    return r % n;
  }
  /// A coordinate on the grid k / 4096 in [-8, 8).
  double point() {
    const int k = static_cast<int>(byte() | byte() << 8) - 32768;
    return k / 4096.0;
  }

 private:
  unsigned byte() {
    if (size_ == 0) return 0;
    --size_;
    return *data_++;
  }
  const std::uint8_t* data_;
  std::size_t size_;
};

// ---- the generator -------------------------------------------------------------------

struct Limits {
  unsigned max_inputs = 4;
  unsigned max_nodes = 20;  // primitives chosen (guards and the final combination come on top)
  int max_depth = 8;
  double max_value = 1e6;
};

inline double scale(double u) { return std::max(1.0, std::abs(u)); }
/// How far an argument must stay from a kink or jump.
inline double kink_margin(double u) { return std::min(1e-3 * scale(u), 0.05); }

/// Is op(u) differentiable in a neighbourhood of u large enough for the checks?
inline bool admissible_unary(Op op, double u) {
  switch (op) {
    case Op::Log: case Op::Log2: case Op::Log10: case Op::Sqrt: return u >= 0.05;
    case Op::Cbrt: return std::abs(u) >= 0.05;
    case Op::Log1p: return u >= -0.95;
    case Op::Asin: case Op::Acos: case Op::Atanh: return std::abs(u) <= 0.95;
    case Op::Acosh: return u >= 1.05;
    case Op::Tan: return std::abs(std::cos(u)) >= 0.1;
    case Op::Abs: case Op::Fabs: case Op::Relu: return std::abs(u) >= kink_margin(u);
    case Op::Floor: case Op::Ceil: case Op::Trunc: return std::abs(u - std::round(u)) >= kink_margin(u);
    case Op::Round: return std::abs(u - std::floor(u) - 0.5) >= kink_margin(u);
    default: return true;
  }
}

/// Is op(a, b) differentiable near (a, b)? `same`: both operands are the same node.
inline bool admissible_binary(Op op, Form form, double a, double b, bool same) {
  switch (op) {
    case Op::Div: case Op::DivAssign: return std::abs(b) >= 0.05;
    case Op::Pow:
      if (form == Form::VC && b == std::round(b)) return std::abs(a) >= 0.05;  // integer power
      return a >= 0.05;
    case Op::Hypot: return std::hypot(a, b) >= 0.05;
    case Op::Atan2: return std::hypot(a, b) >= 0.05 && (b > 0 || std::abs(a) >= 0.05);  // branch cut
    case Op::Min: case Op::Max: case Op::Fmin: case Op::Fmax:
      return same || std::abs(a - b) >= kink_margin(std::max(std::abs(a), std::abs(b)));
    default: return true;
  }
}

/// Domains a guard can map any number into.
enum class Domain { none, positive, nonzero, unit, above_one, above_minus_one, tan_safe };
inline Domain domain_of(Op op) {
  switch (op) {
    case Op::Log: case Op::Log2: case Op::Log10: case Op::Sqrt: return Domain::positive;
    case Op::Cbrt: return Domain::nonzero;
    case Op::Log1p: return Domain::above_minus_one;
    case Op::Asin: case Op::Acos: case Op::Atanh: return Domain::unit;
    case Op::Acosh: return Domain::above_one;
    case Op::Tan: return Domain::tan_safe;
    default: return Domain::none;
  }
}

/// Builds a random program from the choices of `source` (see the file comment).
template <class Source>
class Generator {
 public:
  static constexpr std::uint32_t npos = 0xFFFFFFFFu;

  Generator(Source& source, const Limits& limits) : s_(source), lim_(limits) {}

  Program run() {
    const unsigned inputs = 1 + s_.below(lim_.max_inputs);
    for (unsigned i = 0; i < inputs; ++i) {
      p_.x.push_back(s_.point());
      Node n;
      n.a = i;
      append(n, p_.x.back(), true);
    }
    const unsigned target = 1 + s_.below(lim_.max_nodes);
    for (unsigned k = 0; k < target; ++k) {
      for (int attempt = 0; attempt < 8; ++attempt)
        if (add_random() != npos) break;
    }
    combine_dangling();
    // y: the last node that depends on an input (through something other than rounding).
    p_.output = p_.nodes.size() - 1;
    while (p_.output >= p_.x.size() && !live_[p_.output]) --p_.output;
    if (p_.output < p_.x.size()) {  // nothing was: y = x0 * 0.5
      Node n;
      n.op = Op::Mul;
      n.form = Form::VC;
      n.c = 0.5;
      push(n);
      p_.output = p_.nodes.size() - 1;
    }
    return std::move(p_);
  }

 private:
  // Constants: nonzero, exactly representable, of both signs.
  double constant() {
    static const double table[] = {0.5, 2.0, -1.0, 3.0, 0.25, -0.75, 1.5, -2.5,
                                   0.125, -3.0, 1.25, -0.5, 0.1, 5.0, -0.3, 1.0};
    return table[s_.below(16)];
  }
  double exponent() {  // for pow(a, c): integers (0 included), halves, a third
    static const double table[] = {2.0, 3.0, -1.0, 0.5, 1.5, -0.5, 0.0, 1.0, -2.0, 2.5, 1.0 / 3.0, 4.0};
    return table[s_.below(12)];
  }
  double base() {  // for pow(c, b): positive
    static const double table[] = {2.0, 0.5, 3.0, 1.5, 10.0, 0.25, 2.718281828459045, 1.125};
    return table[s_.below(8)];
  }

  int depth(std::uint32_t k) const { return p_.nodes[k].depth; }
  /// An op in [first, last].
  Op one_of(Op first, Op last) {
    const unsigned count = static_cast<unsigned>(last) - static_cast<unsigned>(first) + 1;
    return static_cast<Op>(static_cast<unsigned>(first) + s_.below(count));
  }

  void append(const Node& n, double v, bool live) {
    p_.nodes.push_back(n);
    value_.push_back(v);
    used_.push_back(0);
    live_.push_back(live ? 1 : 0);
  }
  static bool rounding(Op op) { return op >= Op::Floor && op <= Op::Round; }

  /// Evaluates n (operands and constants set), checks its value and depth, appends it.
  std::uint32_t push(Node n) {
    const bool has_a = reads_a(n), has_b = reads_b(n);
    int below = 0;
    if (has_a) below = std::max(below, depth(n.a));
    if (has_b) below = std::max(below, depth(n.b));
    const int own = n.op == Op::Const                                           ? 0
                    : n.op == Op::UnaryOfBinary || n.op == Op::BinaryOfUnary ? 2
                    : n.op == Op::Reuse                                     ? 4
                    : n.op == Op::Wide                                      ? 8
                                                                            : 1;
    n.depth = below + own;
    if (n.depth > lim_.max_depth) return npos;
    const double v = eval_node<double>(n, value_.data(), p_.x.data());
    if (!(std::abs(v) <= lim_.max_value)) return npos;  // NaN fails too
    if (has_a) used_[n.a] = 1;
    if (has_b) used_[n.b] = 1;
    const bool live = ((has_a && live_[n.a]) || (has_b && live_[n.b])) && !rounding(n.op) &&
                      !(n.op == Op::UnaryOfBinary && rounding(n.unary));
    append(n, v, live);
    return static_cast<std::uint32_t>(p_.nodes.size() - 1);
  }

  /// An operand of depth <= max_depth: half the time one nothing uses yet.
  std::uint32_t pick(int max_depth) {
    std::vector<std::uint32_t> all, unused;
    for (std::uint32_t k = 0; k < p_.nodes.size(); ++k) {
      if (depth(k) > max_depth) continue;
      all.push_back(k);
      if (!used_[k]) unused.push_back(k);
    }
    if (all.empty()) return npos;
    if (!unused.empty() && s_.below(2) == 0) return unused[s_.below(static_cast<unsigned>(unused.size()))];
    return all[s_.below(static_cast<unsigned>(all.size()))];
  }

  Node unary_node(Op op, std::uint32_t a) {
    Node n;
    n.op = op;
    n.a = a;
    return n;
  }
  Node constant_node(Op op, Form form, std::uint32_t var, double c) {
    Node n;
    n.op = op;
    n.form = form;
    n.c = c;
    (form == Form::CV ? n.b : n.a) = var;
    return n;
  }

  /// A node computing g(a) with g(a) in domain d for any a, made of other primitives.
  std::uint32_t guard(Domain d, std::uint32_t a) {
    auto then = [&](std::uint32_t k, Node n) {
      if (k == npos) return npos;
      (n.form == Form::CV ? n.b : n.a) = k;
      return push(n);
    };
    auto un = [&](Op op) { return unary_node(op, 0); };
    auto vc = [&](Op op, double c) { return constant_node(op, Form::VC, 0, c); };
    auto cv = [&](Op op, double c) { return constant_node(op, Form::CV, 0, c); };
    switch (d) {
      case Domain::positive:
      case Domain::nonzero: {
        std::uint32_t k = npos;
        switch (s_.below(5)) {
          case 0: k = then(then(a, un(Op::Square)), cv(Op::Add, 1.0)); break;  // 1 + square(a)
          case 1: k = then(a, un(Op::Exp)); break;
          case 2: k = then(a, un(Op::Cosh)); break;
          case 3: k = then(a, vc(Op::Hypot, 0.5)); break;
          default: k = then(then(a, un(Op::Softplus)), vc(Op::Add, 0.25)); break;
        }
        if (d == Domain::nonzero && s_.below(2) == 0) k = then(k, un(Op::Neg));
        return k;
      }
      case Domain::unit:
        switch (s_.below(4)) {
          case 0: return then(then(a, un(Op::Tanh)), vc(Op::Mul, 0.9));
          case 1: return then(then(a, un(Op::Sin)), cv(Op::Mul, 0.9));
          case 2: return then(then(a, un(Op::Erf)), vc(Op::Mul, 0.9));
          default: return then(then(then(a, un(Op::Sigmoid)), vc(Op::Mul, 1.8)), vc(Op::Sub, 0.9));
        }
      case Domain::above_one:
        switch (s_.below(3)) {
          case 0: return then(then(a, un(Op::Cosh)), vc(Op::Add, 0.25));
          case 1: return then(then(a, un(Op::Square)), cv(Op::Add, 1.25));
          default: return then(a, vc(Op::Hypot, 1.25));
        }
      case Domain::above_minus_one:
        switch (s_.below(3)) {
          case 0: return then(a, un(Op::Square));
          case 1: return then(then(a, un(Op::Exp)), vc(Op::Sub, 0.5));
          default: return then(a, un(Op::Sigmoid));
        }
      case Domain::tan_safe: return then(a, s_.below(2) ? un(Op::Tanh) : un(Op::Sin));
      default: return npos;
    }
  }

  /// a itself if op accepts it, else a guard of a; npos if neither works.
  std::uint32_t into_domain(Op op, std::uint32_t a) {
    if (admissible_unary(op, value_[a])) return a;
    const Domain d = domain_of(op);
    if (d == Domain::none) return npos;
    const std::uint32_t g = guard(d, a);
    return (g != npos && admissible_unary(op, value_[g])) ? g : npos;
  }

  /// Adds one random node (with its guards); npos if the choice was not admissible.
  std::uint32_t add_random() {
    const unsigned r = s_.below(100);
    const int max_d = lim_.max_depth;
    if (r < 2) {
      Node n;
      n.op = Op::Const;
      n.c = constant();
      return push(n);
    }
    if (r < 3) {
      Node n;
      n.op = Op::Select;
      n.c = constant();
      n.a = pick(max_d - 1);
      n.b = pick(max_d - 1);
      if (n.a == npos || n.b == npos) return npos;
      return push(n);
    }
    if (r < 48) {  // a unary primitive
      const Op op = one_of(kFirstUnary, kLastUnary);
      std::uint32_t a = pick(max_d - 1);
      if (a == npos || (a = into_domain(op, a)) == npos) return npos;
      return push(unary_node(op, a));
    }
    if (r < 80) {  // a binary primitive in one of its three forms
      const Op op = one_of(kFirstBinary, kLastBinary);
      return add_binary(op, static_cast<Form>(s_.below(3)));
    }
    if (r < 88) {  // compound assignment
      const Op op = one_of(kFirstCompound, kLastCompound);
      return add_binary(op, s_.below(2) ? Form::VV : Form::VC);
    }
    if (r < 94) {  // u(a op b) in one statement
      Node n;
      n.op = Op::UnaryOfBinary;
      n.unary = one_of(kFirstUnary, kLastUnary);
      n.binary = one_of(Op::Add, Op::Div);
      n.a = pick(max_d - 2);
      n.b = pick(max_d - 2);
      if (n.a == npos || n.b == npos) return npos;
      const double va = value_[n.a], vb = value_[n.b];
      if (!admissible_binary(n.binary, Form::VV, va, vb, n.a == n.b)) return npos;
      double w = 0;
      apply_arithmetic(n.binary, va, vb, [&](double e) { w = e; });
      if (!(std::abs(w) <= lim_.max_value) || !admissible_unary(n.unary, w)) return npos;
      return push(n);
    }
    if (r < 96) {  // op(u(a), b) in one statement
      Node n;
      n.op = Op::BinaryOfUnary;
      n.unary = kInnerUnary[s_.below(4)];
      n.binary = one_of(kFirstBinary, kLastBinary);
      n.a = pick(max_d - 2);
      n.b = pick(max_d - 2);
      if (n.a == npos || n.b == npos) return npos;
      double w = 0;
      apply_inner_unary(n.unary, value_[n.a], [&](double e) { w = e; });
      if (!admissible_binary(n.binary, Form::VV, w, value_[n.b], false)) return npos;
      return push(n);
    }
    Node n;
    n.op = r < 98 ? Op::Reuse : Op::Wide;
    const int operand_depth = n.op == Op::Reuse ? max_d - 4 : max_d - 8;
    n.a = pick(operand_depth);
    n.b = pick(operand_depth);
    if (n.a == npos || n.b == npos) return npos;
    return push(n);
  }

  /// A binary or compound node; guards a denominator or a pow base when needed.
  std::uint32_t add_binary(Op op, Form form) {
    const bool division = op == Op::Div || op == Op::DivAssign;
    Node n;
    n.op = op;
    n.form = form;
    if (form == Form::CV) {
      n.c = op == Op::Pow ? base() : constant();
      n.b = pick(lim_.max_depth - 1);
      if (n.b == npos) return npos;
      if (division && !admissible_binary(op, form, n.c, value_[n.b], false))
        n.b = guard(Domain::nonzero, n.b);
      if (n.b == npos || !admissible_binary(op, form, n.c, value_[n.b], false)) return npos;
      return push(n);
    }
    n.a = pick(lim_.max_depth - 1);
    if (n.a == npos) return npos;
    if (form == Form::VC) {
      n.c = op == Op::Pow ? exponent() : constant();
      if (op == Op::Pow && !admissible_binary(op, form, value_[n.a], n.c, false)) n.a = guard(Domain::positive, n.a);
      if (n.a == npos || !admissible_binary(op, form, value_[n.a], n.c, false)) return npos;
      return push(n);
    }
    n.b = s_.below(8) == 0 ? n.a : pick(lim_.max_depth - 1);  // a op a: one slot twice
    if (n.b == npos) return npos;
    if (division && std::abs(value_[n.b]) < 0.05) n.b = guard(Domain::nonzero, n.b);
    if (op == Op::Pow && value_[n.a] < 0.05) n.a = guard(Domain::positive, n.a);
    if (n.a == npos || n.b == npos) return npos;
    if (!admissible_binary(op, form, value_[n.a], value_[n.b], n.a == n.b)) return npos;
    return push(n);
  }

  /// Joins nodes nothing uses (and that depend on an input) into the output, so most
  /// of the program reaches y.
  void combine_dangling() {
    static const Op joins[] = {Op::Add, Op::Sub, Op::Mul, Op::Div, Op::Max, Op::Hypot, Op::Atan2,
                               Op::AddAssign, Op::MulAssign, Op::Min};
    for (int round = 0; round < 8; ++round) {
      std::vector<std::uint32_t> open;
      for (std::uint32_t k = 0; k < p_.nodes.size(); ++k)
        if (!used_[k] && depth(k) < lim_.max_depth && live_[k]) open.push_back(k);
      if (open.size() < 2) return;
      const std::uint32_t a = open.back();
      const std::uint32_t b = open[s_.below(static_cast<unsigned>(open.size() - 1))];
      for (int attempt = 0; attempt < 4; ++attempt) {
        Node n;
        n.op = joins[s_.below(10)];
        n.a = a;
        n.b = b;
        if (admissible_binary(n.op, Form::VV, value_[a], value_[b], false) && push(n) != npos) break;
      }
      if (used_[a] == 0) return;  // could not join: leave the rest
    }
  }

  Source& s_;
  Limits lim_;
  Program p_;
  std::vector<double> value_;
  std::vector<char> used_, live_;  // live: depends on an input other than through rounding
};

template <class Source>
Program generate(Source& source, const Limits& limits = {}) {
  return Generator<Source>(source, limits).run();
}

/// The nodes y depends on (its cone), as flags.
inline std::vector<char> cone(const Program& p) {
  std::vector<char> in_cone(p.nodes.size(), 0);
  in_cone[p.output] = 1;
  for (std::size_t k = p.output + 1; k-- > p.x.size();) {
    if (!in_cone[k]) continue;
    if (reads_a(p.nodes[k])) in_cone[p.nodes[k].a] = 1;
    if (reads_b(p.nodes[k])) in_cone[p.nodes[k].b] = 1;
  }
  return in_cone;
}

/// Which side of its kinks, jumps and poles a unary primitive is on (0 for smooth ones).
template <class T>
T side_unary(Op op, T u) {
  using std::ceil, std::floor, std::round, std::trunc;
  const T sign = u > 0 ? T(1) : (u < 0 ? T(-1) : T(0));
  switch (op) {
    case Op::Abs: case Op::Fabs: case Op::Relu: case Op::Cbrt: return sign;
    case Op::Tan: return floor(u / T(3.141592653589793238462643383279502884L) + T(0.5));  // between poles
    case Op::Floor: return floor(u);
    case Op::Ceil: return ceil(u);
    case Op::Trunc: return trunc(u);
    case Op::Round: return round(u);
    default: return T(0);
  }
}
/// The same for binary primitives: the selected argument, atan2's branch cut, the sign
/// of a denominator or of a power's base.
template <class T>
T side_binary(Op op, T a, T b) {
  switch (op) {
    case Op::Min: case Op::Max: case Op::Fmin: case Op::Fmax: return a < b ? T(1) : (b < a ? T(-1) : T(0));
    case Op::Atan2: return b < 0 ? (a < 0 ? T(-1) : T(1)) : T(0);  // y = a, x = b
    case Op::Div: case Op::DivAssign: return b > 0 ? T(1) : (b < 0 ? T(-1) : T(0));
    case Op::Pow: return a > 0 ? T(1) : (a < 0 ? T(-1) : T(0));
    default: return T(0);
  }
}
/// Node n's side of its kinks, jumps and poles at the operand values v. The checker
/// requires the same sides at every finite-difference point: a difference quotient
/// across a kink, jump or pole says nothing about the derivative.
template <class T>
T branch_of(const Node& n, const T* v) {
  const T c = static_cast<T>(n.c);
  if (is_unary(n.op)) return side_unary(n.op, v[n.a]);
  if (is_binary(n.op) || is_compound(n.op))
    return side_binary(n.op, n.form == Form::CV ? c : v[n.a], n.form == Form::VC ? c : v[n.b]);
  T w = 0;
  if (n.op == Op::UnaryOfBinary) {
    apply_arithmetic(n.binary, v[n.a], v[n.b], [&w](T e) { w = e; });
    return side_unary(n.unary, w) * 4 + side_binary(n.binary, v[n.a], v[n.b]);
  }
  if (n.op == Op::BinaryOfUnary) {
    apply_inner_unary(n.unary, v[n.a], [&w](T e) { w = e; });
    return side_binary(n.binary, w, v[n.b]);
  }
  return T(0);
}
/// The argument of node n's sin, cos or tan (0 if it has none). The checker requires it
/// to move by at most 1 within the finite-difference steps: a faster oscillation could
/// alias, giving consistent but wrong difference quotients at every step size.
template <class T>
T phase_of(const Node& n, const T* v) {
  auto trig = [](Op op) { return op == Op::Sin || op == Op::Cos || op == Op::Tan; };
  if (is_unary(n.op)) return trig(n.op) ? v[n.a] : T(0);
  if (n.op == Op::UnaryOfBinary && trig(n.unary)) {
    T w = 0;
    apply_arithmetic(n.binary, v[n.a], v[n.b], [&w](T e) { w = e; });
    return w;
  }
  if (n.op == Op::BinaryOfUnary && n.unary == Op::Sin) return v[n.a];
  if (n.op == Op::Wide) return v[n.a] * v[n.b] + (v[n.a] - v[n.b]);  // e1, under sin and cos
  return T(0);
}

// ---- the checks ----------------------------------------------------------------------

enum class Verdict { passed, ill_conditioned, failed };

struct Result {
  Verdict verdict = Verdict::passed;
  std::string reason;  // why it failed or was skipped
  std::string report;  // for failures: program, point, gradients
  bool constant = false;  // y does not depend on x near the point (all of R is 0)
  bool injected = false;  // Options::inject changed a gradient
};

struct Options {
  /// For the checker's own test: add inject * |R_i| to the largest gradient component
  /// of both tapes, as a wrong partial in the library would. 0 in real runs.
  double inject = 0.0;
};

/// Runs the checks of the file comment on programs. Owns one tape per precision and
/// reuses them (clear() between programs).
class Checker {
 public:
  Checker() : tape_(tapegrad::Activation::later), tape_ld_(tapegrad::Activation::later) {}

  Result check(const Program& p, const Options& options = {}) {
    using LD = long double;
    const std::size_t n = p.x.size(), m = p.nodes.size(), y = p.output;
    Result r;

    // Plain evaluations: the references for the values.
    evaluate(p, p.x.data(), value_);
    x_ld_.assign(p.x.begin(), p.x.end());
    evaluate(p, x_ld_.data(), value_ld_);

    // Var<double>: values, two sweeps, a re-recording after rewind.
    {
      tapegrad::TapeScope<double> scope(tape_);
      tape_.clear();
      xv_.resize(n);
      for (std::size_t i = 0; i < n; ++i) xv_[i] = tape_.variable(p.x[i]);
      const auto mark = tape_.mark();
      evaluate(p, xv_.data(), var_);
      for (std::size_t k = 0; k < m; ++k)
        if (!same(var_[k].value(), value_[k]))
          return fail(p, r, "value of " + node_name(p, k) + ": tape " + number(var_[k].value()) +
                                ", double interpreter " + number(value_[k]));
      tape_.backward(var_[y]);
      adjoints(tape_, var_, adj_);
      tape_.backward(var_[y]);
      adjoints(tape_, var_, adj2_);
      if (!bitwise_equal(adj_, adj2_)) return fail(p, r, "a second backward(y) gave different adjoints");
      tape_.rewind(mark);
      evaluate(p, xv_.data(), var_);
      tape_.backward(var_[y]);
      adjoints(tape_, var_, adj2_);
      if (!bitwise_equal(adj_, adj2_))
        return fail(p, r, "re-recording after rewind(mark) gave different adjoints");
    }
    // Var<long double>: values and gradient.
    {
      tapegrad::TapeScope<LD> scope(tape_ld_);
      tape_ld_.clear();
      xv_ld_.resize(n);
      for (std::size_t i = 0; i < n; ++i) xv_ld_[i] = tape_ld_.variable(x_ld_[i]);
      evaluate(p, xv_ld_.data(), var_ld_);
      for (std::size_t k = 0; k < m; ++k)
        if (!same(var_ld_[k].value(), value_ld_[k]))
          return fail(p, r, "value of " + node_name(p, k) + ": long double tape " + number(var_ld_[k].value()) +
                                ", long double interpreter " + number(value_ld_[k]));
      tape_ld_.backward(var_ld_[y]);
      g_ld_.resize(n);
      for (std::size_t i = 0; i < n; ++i) g_ld_[i] = tape_ld_.grad(xv_ld_[i]);
      adj_ld_.resize(m);
      for (std::size_t k = 0; k < m; ++k) adj_ld_[k] = tape_ld_.grad(var_ld_[k]);
      absolute_adjoints(var_ld_[y].index());
    }
    g_.assign(adj_.begin(), adj_.begin() + static_cast<std::ptrdiff_t>(n));

    // Where the kinks are at x; the long double values must be finite.
    for (std::size_t k = 0; k < m; ++k)
      if (!std::isfinite(value_ld_[k])) return skip(r, "a long double value is not finite");
    const LD eps = std::numeric_limits<double>::epsilon(), eps_ld = std::numeric_limits<LD>::epsilon();
    const LD f = value_ld_[y];
    const LD noise_at_x = std::abs(static_cast<LD>(value_[y]) - f);  // |f_double - f_long_double|
    side_.resize(m);
    phase_.resize(m);
    for (std::size_t k = 0; k < m; ++k) {
      side_[k] = branch_of(p.nodes[k], value_ld_.data());
      phase_[k] = phase_of(p.nodes[k], value_ld_.data());
    }
    crossed_ = aliased_ = false;

    // Central differences at h, 2h, 4h, 8h for every input, then the error of f.
    x_d_ = p.x;
    fd_.resize(n);
    e_fd_.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      const LD xi = x_ld_[i];
      const LD h = std::ldexp(1.0L, std::ilogb(std::max<LD>(1, std::abs(xi))) - 20);
      LD d[4], noise = noise_at_x;
      moved_.assign(m, 0);
      bool flat = true;  // f took exactly the value f(x) at all eight points
      for (int j = 0; j < 4; ++j) {
        const LD t = h * (1 << j);
        const LD up = at(p, i, xi + t, noise), down = at(p, i, xi - t, noise);
        if (!std::isfinite(up) || !std::isfinite(down)) return skip(r, "f is not finite within 8h");
        d[j] = (up - down) / (2 * t);
        flat = flat && up == f && down == f;
      }
      x_ld_[i] = xi;
      x_d_[i] = p.x[i];
      if (crossed_) return skip(r, "a kink, jump or pole lies within 8h (" + node_name(p, i) + ")");
      if (aliased_) return skip(r, "a sin/cos/tan argument moves by more than 1 within 8h (" + node_name(p, i) + ")");
      // Richardson: R(t) = (4 D(t) - D(2t)) / 3 has error O(t^4), so in the asymptotic
      // regime |R(2h) - R(4h)| is about 16 |R(h) - R(2h)|.
      const LD r1 = (4 * d[0] - d[1]) / 3, r2 = (4 * d[1] - d[2]) / 3, r3 = (4 * d[2] - d[3]) / 3;
      fd_[i] = r1;
      e_fd_[i] = std::max(std::abs(r1 - r2), std::abs(r2 - r3) / 64);
      // The rounding error of f as x_i moves: first order over the nodes recomputed from
      // changed operands (the others make the same rounding error at every point), or measured
      // (double against long double, scaled by eps_ld / eps) unless f never changed.
      LD sum_abs = 0;
      for (std::size_t k = 0; k < m; ++k) {
        const Node& nd = p.nodes[k];
        const bool recomputed = moved_[k] || (reads_a(nd) && moved_[nd.a]) || (reads_b(nd) && moved_[nd.b]);
        if (recomputed) sum_abs += std::abs(adj_ld_[k] * value_ld_[k]);
      }
      const LD err_f = std::max(8 * eps_ld * sum_abs, flat ? 0 : 4 * noise * (eps_ld / eps));
      e_fd_[i] += 2 * err_f / h;
    }
    LD big = 0;
    for (std::size_t i = 0; i < n; ++i) big = std::max(big, std::abs(fd_[i]));
    r.constant = (big == 0);

    if (options.inject != 0.0 && big > 0) {
      std::size_t i = 0;
      while (std::abs(fd_[i]) != big) ++i;
      g_[i] += options.inject * static_cast<double>(big);
      g_ld_[i] += static_cast<LD>(options.inject) * big;
      r.injected = true;
    }

    // Classify, then compare.
    for (std::size_t i = 0; i < n; ++i) {
      const LD s = scale_of(i, big, f, p.x[i]);
      const LD measured = std::abs(static_cast<LD>(g_[i]) - g_ld_[i]);
      if (!(e_fd_[i] <= 1e-5L * s))
        return skip(r, "finite-difference error estimate above 1e-5 (" + node_name(p, i) + ")");
      if (!(measured <= 1e-5L * s)) return skip(r, "double tape rounding error above 1e-5 (" + node_name(p, i) + ")");
    }
    for (std::size_t i = 0; i < n; ++i) {
      const LD s = scale_of(i, big, f, p.x[i]);
      const LD measured = std::abs(static_cast<LD>(g_[i]) - g_ld_[i]);
      const LD e_ad = std::max(measured, 16 * eps * abs_adj_[i]);
      const LD err = std::abs(static_cast<LD>(g_[i]) - fd_[i]);
      const LD err_ld = std::abs(g_ld_[i] - fd_[i]);
      const LD tol = 2 * (e_fd_[i] + e_ad) + 1e-9L * s;
      const LD tol_ld = 2 * e_fd_[i] + 1e-3L * e_ad + 1e-9L * s;
      if (!(err <= tol))
        return fail(p, r, "double tape gradient d y/d " + node_name(p, i) + " differs from finite differences");
      if (!(err_ld <= tol_ld))
        return fail(p, r, "long double tape gradient d y/d " + node_name(p, i) + " differs from finite differences");
    }
    return r;
  }

 private:
  template <class A, class B>
  static bool same(const A& a, const B& b) {
    return a == b || (a != a && b != b);
  }
  static bool bitwise_equal(const std::vector<double>& a, const std::vector<double>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
  }
  static void adjoints(const tapegrad::Tape<double>& tape, const std::vector<tapegrad::Var<double>>& v,
                       std::vector<double>& out) {
    out.resize(v.size());
    for (std::size_t k = 0; k < v.size(); ++k) out[k] = tape.grad(v[k]);
  }
  /// The scale s_i of the file comment.
  long double scale_of(std::size_t i, long double big, long double f, double xi) const {
    return std::abs(fd_[i]) + 1e-3L * big + 1e-6L * std::abs(f) / std::max(1.0, std::abs(xi)) + 1e-6L * abs_adj_[i] +
           1e-250L;
  }

  /// f at x with coordinate i set to xi, in long double. Notes which nodes moved, whether
  /// a kink, jump or pole changed side and whether a trig argument moved too far, and
  /// updates noise = max |f_double - f_long_double| where the point is exact in double.
  long double at(const Program& p, std::size_t i, long double xi, long double& noise) {
    x_ld_[i] = xi;
    evaluate(p, x_ld_.data(), probe_);
    for (std::size_t k = 0; k < p.nodes.size(); ++k) {
      if (probe_[k] != value_ld_[k]) moved_[k] = 1;
      if (!crossed_) crossed_ = !same(branch_of(p.nodes[k], probe_.data()), side_[k]);
      if (!aliased_) aliased_ = !(std::abs(phase_of(p.nodes[k], probe_.data()) - phase_[k]) <= 1);
    }
    const long double f = probe_[p.output];
    x_d_[i] = static_cast<double>(xi);
    if (static_cast<long double>(x_d_[i]) == xi) {
      evaluate(p, x_d_.data(), probe_d_);
      noise = std::max(noise, std::abs(static_cast<long double>(probe_d_[p.output]) - f));
    }
    return f;
  }

  /// abs_adj_[i] = |g|_abs for input i: the reverse sweep again, with every partial
  /// replaced by its absolute value. It bounds the terms whose sum the sweep computes,
  /// so 16 eps |g|_abs bounds the sweep's rounding error. Runs on the long double tape
  /// (its partials are the accurate ones), through the tape's statement walker (every
  /// statement here is a scalar one or an input).
  void absolute_adjoints(tapegrad::Index top) {
    const std::size_t slots = tape_ld_.size() + 1;
    statement_of_.assign(slots, tapegrad::Statement<long double>{});
    for (const auto& s : tapegrad::statements(tape_ld_)) statement_of_[static_cast<std::size_t>(s.slot)] = s;
    abs_.assign(slots, 0.0L);
    if (top != 0) abs_[top] = 1;
    for (std::size_t i = top; i > 0; --i) {
      if (abs_[i] == 0) continue;
      const auto& s = statement_of_[i];
      for (unsigned j = 0; j < s.arity; ++j) abs_[s.argument(j)] += std::abs(s.partial(j)) * abs_[i];
    }
    abs_adj_.resize(xv_ld_.size());
    for (std::size_t i = 0; i < xv_ld_.size(); ++i) abs_adj_[i] = abs_[xv_ld_[i].index()];
  }

  Result& skip(Result& r, const std::string& why) {
    r.verdict = Verdict::ill_conditioned;
    r.reason = why;
    return r;
  }
  /// A failure: the reason, the program, the point and whatever gradients exist.
  Result& fail(const Program& p, Result& r, const std::string& why) {
    std::ostringstream out;
    out << "FAILED: " << why << "\n"
        << "program (" << p.nodes.size() - p.x.size() << " nodes, y = " << node_name(p, p.output) << "):\n"
        << listing(p) << "y = " << infix(p, p.output) << "\n";
    for (std::size_t i = 0; i < p.x.size(); ++i) {
      out << "  x" << i << " = " << number(p.x[i]);
      if (i < fd_.size() && g_.size() == p.x.size()) {
        out << "   dy/dx" << i << ": tape " << number(g_[i]) << ", long double tape " << number(g_ld_[i])
            << ", finite differences " << number(fd_[i]) << " (error estimate " << number(e_fd_[i]) << ")";
      }
      out << "\n";
    }
    if (p.output < value_.size()) out << "  y = " << number(value_[p.output]) << "\n";
    r.verdict = Verdict::failed;
    r.reason = why;
    r.report = out.str();
    return r;
  }

  tapegrad::Tape<double> tape_;
  tapegrad::Tape<long double> tape_ld_;
  std::vector<double> value_, adj_, adj2_, g_;
  std::vector<double> x_d_, probe_d_;
  std::vector<long double> x_ld_, value_ld_, probe_, g_ld_, fd_, e_fd_, side_, phase_, abs_, abs_adj_, adj_ld_;
  std::vector<char> moved_;  // node k's value changed at some point of the current input
  std::vector<tapegrad::Statement<long double>> statement_of_;
  bool crossed_ = false, aliased_ = false;
  std::vector<tapegrad::Var<double>> xv_, var_;
  std::vector<tapegrad::Var<long double>> xv_ld_, var_ld_;
};

}  // namespace tapegrad_fuzz
