// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Expression nodes: how `a * b + sin(c)` becomes ONE statement on the tape.
///
/// Every operation on Vars returns a small node object that already holds its value and
/// the local partial derivatives of that value with respect to its operands (computed on
/// the forward pass, "Jacobian taping"). Nothing is recorded until a node is assigned to
/// a Var. Then the node walks its own tree once and pushes, for every leaf Var, the
/// product of the partials on the path from the root to that leaf: the chain rule,
/// applied at compile time inside one expression.
///
/// Nodes hold their operands BY VALUE (a Var is 16 bytes), never by reference, so
/// `auto z = a * b;` is safe: z owns copies and cannot dangle. Using such a z twice
/// simply records its leaves twice, which is still exact.

#include <cstddef>
#include <type_traits>

#include "tapegrad/core/config.hpp"

namespace tapegrad {

template <class T>
class Var;

/// Base class of every expression over scalar type T (CRTP). Functions that accept
/// any differentiable argument take `const Expr<T, E>&`.
template <class T, class Derived>
struct Expr {
  using value_type = T;
  /// The concrete expression.
  TAPEGRAD_INLINE const Derived& derived() const noexcept { return static_cast<const Derived&>(*this); }
};

namespace detail {

template <class E>
inline constexpr bool always_false = false;

/// The constructor that every expression node offers for any other expression: it exists
/// only to turn a long "no conversion" error into one sentence. Generic helpers such as
/// `template <class T> T sq(const T& a) { return a * a; }`, called with an expression,
/// deduce T as that expression's node type, which cannot hold a different expression.
template <class E>
constexpr bool reject_node_conversion() {
  static_assert(always_false<E>,
                "tapegrad: a generic function deduced its scalar type as an expression node "
                "(e.g. sq(x - y * y) with template <class T> T sq(const T&)). Call it with a Var: "
                "sq(Var<double>(x - y * y)) or sq<Var<double>>(x - y * y). See docs/faq.md.");
  return true;
}

/// Above this many leaves an operand is first recorded as its own statement, so a
/// statement never has more arguments than the tape's arity byte can describe.
inline constexpr std::size_t kFoldLimit = 31;

/// f(a): value and df/da.
template <class T, class A>
class UnaryNode : public Expr<T, UnaryNode<T, A>> {
 public:
  static constexpr std::size_t leaves = A::leaves;

  TAPEGRAD_INLINE UnaryNode(const A& a, const T& value, const T& da) : a_(a), value_(value), da_(da) {}
  /// Not a conversion: a clear compile error (see reject_node_conversion).
  template <class E, class = std::enable_if_t<!std::is_same_v<E, UnaryNode>>, bool = reject_node_conversion<E>()>
  UnaryNode(const Expr<T, E>&);

  /// The value of this expression.
  TAPEGRAD_INLINE const T& value() const noexcept { return value_; }

  /// Chain rule: the leaves below a receive weight * df/da.
  template <class Sink>
  TAPEGRAD_INLINE void propagate(Sink& sink, const T& weight) const {
    a_.propagate(sink, weight * da_);
  }

 private:
  A a_;
  T value_;
  T da_;
};

/// f(a, b): value, df/da and df/db.
template <class T, class A, class B>
class BinaryNode : public Expr<T, BinaryNode<T, A, B>> {
 public:
  static constexpr std::size_t leaves = A::leaves + B::leaves;

  TAPEGRAD_INLINE BinaryNode(const A& a, const B& b, const T& value, const T& da, const T& db)
      : a_(a), b_(b), value_(value), da_(da), db_(db) {}
  /// Not a conversion: a clear compile error (see reject_node_conversion).
  template <class E, class = std::enable_if_t<!std::is_same_v<E, BinaryNode>>, bool = reject_node_conversion<E>()>
  BinaryNode(const Expr<T, E>&);

  /// The value of this expression.
  TAPEGRAD_INLINE const T& value() const noexcept { return value_; }

  /// Chain rule for both operands.
  template <class Sink>
  TAPEGRAD_INLINE void propagate(Sink& sink, const T& weight) const {
    a_.propagate(sink, weight * da_);
    b_.propagate(sink, weight * db_);
  }

 private:
  A a_;
  B b_;
  T value_;
  T da_;
  T db_;
};

/// The operand type stored in a node: the expression itself while small, else the Var
/// it is recorded into (see kFoldLimit).
template <class T, class E>
TAPEGRAD_INLINE decltype(auto) fold(const Expr<T, E>& e) {
  if constexpr (E::leaves > kFoldLimit / 2) {
    return Var<T>(e);
  } else {
    return e.derived();
  }
}

/// Builds f(a) from its value and local derivative df/da.
template <class T, class A>
TAPEGRAD_INLINE auto unary(const Expr<T, A>& a, const T& value, const T& da) {
  using Operand = std::decay_t<decltype(fold(a))>;
  return UnaryNode<T, Operand>(fold(a), value, da);
}

/// Builds f(a, b) from its value and local derivatives df/da, df/db.
template <class T, class A, class B>
TAPEGRAD_INLINE auto binary(const Expr<T, A>& a, const Expr<T, B>& b, const T& value, const T& da, const T& db) {
  using OperandA = std::decay_t<decltype(fold(a))>;
  using OperandB = std::decay_t<decltype(fold(b))>;
  return BinaryNode<T, OperandA, OperandB>(fold(a), fold(b), value, da, db);
}

/// Lets `x * 2` compile for Var<double> x: the scalar parameter is not deduced.
template <class T>
struct non_deduced {
  using type = T;
};
template <class T>
using scalar_arg = typename non_deduced<T>::type;

/// True for every tapegrad expression type (Var and nodes).
template <class E, class = void>
struct is_expression : std::false_type {};
template <class E>
struct is_expression<E, std::void_t<typename E::value_type, decltype(E::leaves)>>
    : std::is_base_of<Expr<typename E::value_type, E>, E> {};

}  // namespace detail
}  // namespace tapegrad
