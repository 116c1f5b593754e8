// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Var<T>: a differentiable scalar. It holds its value, the slot of the statement that
/// produced it, and the generation of the tape era it belongs to: 16 bytes for double.
/// A Var made from a plain T is a constant: slot 0, never recorded.

#include <cstddef>
#include <limits>
#include <ostream>
#include <type_traits>

#include "tapegrad/core/tape.hpp"

namespace tapegrad {

namespace detail {
template <class T>
struct VarAccess;
[[noreturn]] TAPEGRAD_COLD inline void throw_no_active_tape() {
  throw_tape_error(
      "no active tape on this thread: create a tapegrad::Tape<T> (it activates itself) "
      "or a TapeScope before computing with Vars");
}
}  // namespace detail

/// A differentiable scalar recorded on this thread's active Tape<T>.
template <class T>
class Var : public Expr<T, Var<T>> {
 public:
  using value_type = T;
  static constexpr std::size_t leaves = 1;

  /// The constant 0 (not recorded).
  Var() noexcept : value_(), index_(0), generation_(0) {}
  /// A constant (not recorded). Implicit, so `Var<double> c = 2.0;` works.
  Var(const T& constant) noexcept : value_(constant), index_(0), generation_(0) {}
  /// A constant from a plain number of another type, e.g. `Var<Dual<double>> c = 0.0;`.
  template <class U, class = std::enable_if_t<std::is_arithmetic_v<U> && !std::is_same_v<U, T>>>
  Var(U constant) noexcept : value_(static_cast<T>(constant)), index_(0), generation_(0) {}
  /// Records the expression e as one statement on the active tape.
  template <class E>
  TAPEGRAD_INLINE Var(const Expr<T, E>& e) {
    assign(e.derived());
  }
  /// Records the expression e as one statement on the active tape.
  template <class E>
  TAPEGRAD_INLINE Var& operator=(const Expr<T, E>& e) {
    assign(e.derived());
    return *this;
  }
  Var(const Var&) noexcept = default;
  Var& operator=(const Var&) noexcept = default;

  /// The value computed on the forward pass.
  TAPEGRAD_INLINE const T& value() const noexcept { return value_; }
  /// The slot of this Var's statement (0 for constants).
  TAPEGRAD_INLINE Index index() const noexcept { return index_; }
  /// The tape era this Var was recorded in (0 for constants).
  TAPEGRAD_INLINE Generation generation() const noexcept { return generation_; }
  /// True if this Var is a constant (depends on no variable).
  bool is_constant() const noexcept { return index_ == 0; }

  /// dy/d(this) after backward(y) on this thread's active tape. Throws TapeError if
  /// there is no active tape or this Var is not on it.
  T grad() const {
    const Tape<T>* tape = detail::ActiveTape<T>::current;
    if (tape == nullptr) detail::throw_no_active_tape();
    return tape->grad(*this);
  }

  /// A Var is a leaf of every expression: it receives the accumulated weight.
  template <class Sink>
  TAPEGRAD_INLINE void propagate(Sink& sink, const T& weight) const {
    sink.push(*this, weight);
  }

 private:
  friend class Tape<T>;
  friend struct detail::VarAccess<T>;
  Var(const T& value, Index index, Generation generation) noexcept
      : value_(value), index_(index), generation_(generation) {}

  template <class E>
  TAPEGRAD_INLINE void assign(const E& e) {
    Tape<T>* tape = detail::ActiveTape<T>::current;
    if (TAPEGRAD_UNLIKELY(tape == nullptr)) detail::throw_no_active_tape();
    const T value = e.value();
    const typename Tape<T>::Recorded recorded = tape->record(e, tape->generation());
    index_ = recorded.slot;
    value_ = value;
    generation_ = recorded.generation;
  }

  T value_;
  Index index_;
  Generation generation_;
};

namespace detail {
/// Lets extensions (matrix statements) name a slot they recorded as a Var.
template <class T>
struct VarAccess {
  static Var<T> make(const T& value, Index index, Generation generation) noexcept {
    return Var<T>(value, index, generation);
  }
};
}  // namespace detail

/// The value of a Var or expression; the identity for plain numbers. Lets generic code
/// branch on values: `if (value(x) > 0)`.
template <class T, class E>
TAPEGRAD_INLINE T value(const Expr<T, E>& e) {
  return e.derived().value();
}
/// The value of a plain number (itself).
template <class T, class = std::enable_if_t<std::is_arithmetic_v<T>>>
TAPEGRAD_INLINE T value(T x) {
  return x;
}

/// Prints the value of a Var or of an expression (`std::cout << x * y`); records nothing.
template <class T, class E>
std::ostream& operator<<(std::ostream& out, const Expr<T, E>& x) {
  return out << x.derived().value();
}

}  // namespace tapegrad

/// numeric_limits for Var mirror those of T; the limits themselves are constants.
namespace std {
template <class T>
struct numeric_limits<tapegrad::Var<T>> : numeric_limits<T> {
  static tapegrad::Var<T> min() noexcept { return numeric_limits<T>::min(); }
  static tapegrad::Var<T> max() noexcept { return numeric_limits<T>::max(); }
  static tapegrad::Var<T> lowest() noexcept { return numeric_limits<T>::lowest(); }
  static tapegrad::Var<T> epsilon() noexcept { return numeric_limits<T>::epsilon(); }
  static tapegrad::Var<T> round_error() noexcept { return numeric_limits<T>::round_error(); }
  static tapegrad::Var<T> infinity() noexcept { return numeric_limits<T>::infinity(); }
  static tapegrad::Var<T> quiet_NaN() noexcept { return numeric_limits<T>::quiet_NaN(); }
  static tapegrad::Var<T> signaling_NaN() noexcept { return numeric_limits<T>::signaling_NaN(); }
  static tapegrad::Var<T> denorm_min() noexcept { return numeric_limits<T>::denorm_min(); }
};
}  // namespace std
