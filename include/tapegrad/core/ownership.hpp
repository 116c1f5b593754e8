// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Which tape is active on this thread, and which Vars belong to a tape.
///
/// Every Var carries the *generation* of the era it was recorded in. Generations come
/// from one process-wide counter, so a Var of another tape (or thread) never matches.
/// A tape starts a new era on clear() and on rewind(); it keeps a short stack of the
/// eras whose Vars are still alive, each with the first slot it recorded:
///
///     era (generation, start):  (17, 1)  (40, 350)  (41, 360)
///     a Var (g, i) is valid  iff  some era has generation g and start <= i < next start
///
/// rewind(m) pops the eras that started at or after m, so a training loop that rewinds
/// to the same mark each step keeps the stack at a constant depth. The check is one
/// comparison in the common case (the Var is from the current era).

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "tapegrad/core/config.hpp"
#include "tapegrad/core/errors.hpp"

namespace tapegrad {

template <class T>
class Tape;
template <class T>
class Var;
template <class T>
class TapeScope;

/// Whether a new tape becomes this thread's active tape at construction.
enum class Activation { now, later };

namespace detail {

/// Every generation has exactly 16 of its 32 bits set (0 is reserved for constants). No
/// such number is a bitwise subset of another, so the AND of a statement's operand
/// generations is the era's exactly when every operand is a Var of this era: the recording
/// check (Tape::record) is one AND per operand and one compare per statement.
inline constexpr Generation kFirstGeneration = 0x0000FFFFu;

/// The next number after g with the same number of set bits (Gosper's hack), wrapping
/// from the largest (0xFFFF0000) to the smallest. There are C(32, 16) = 601,080,390.
constexpr Generation next_generation(Generation g) noexcept {
  const std::uint64_t x = g, lowest = x & (~x + 1), ripple = x + lowest;
  if (ripple > 0xFFFFFFFFull) return kFirstGeneration;
  return static_cast<Generation>((((ripple ^ x) >> 2) / lowest) | ripple);
}
static_assert(next_generation(0x0000FFFFu) == 0x00017FFFu && next_generation(0xFFFF0000u) == kFirstGeneration,
              "generations step through the 16-of-32-bit numbers");

/// Process-wide source of era generations.
inline std::atomic<Generation> generation_counter{kFirstGeneration};

/// A generation no tape of this process is using (until 601 million eras later).
inline Generation new_generation() noexcept {
  Generation g = generation_counter.load(std::memory_order_relaxed);
  while (!generation_counter.compare_exchange_weak(g, next_generation(g), std::memory_order_relaxed)) {
  }
  return g;
}

/// This thread's active tape for scalar type T (null when there is none).
template <class T>
struct ActiveTape {
  static inline thread_local Tape<T>* current = nullptr;
};

/// The part of Tape<T> that knows its thread, its place in the active-tape chain and
/// its eras. Kept apart from the statement storage so each stays readable.
template <class T>
class TapeOwnership {
 public:
  /// The generation that Vars recorded now receive.
  Generation generation() const noexcept { return current_; }

  /// True if v may be used with this tape (a constant, or recorded in a live era).
  bool owns(const Var<T>& v) const noexcept {
    if (v.index() == 0) return true;  // constants belong everywhere
    const Generation g = v.generation();
    const Era& top = eras_.back();
    if (g == current_) return v.index() >= top.start && v.index() < this->live_slots();
    for (std::size_t k = eras_.size() - 1; k-- > 0;) {
      if (eras_[k].generation == g) return v.index() >= eras_[k].start && v.index() < eras_[k + 1].start;
    }
    return false;
  }

  /// The generation of the live era that recorded `slot`.
  Generation generation_of(Index slot) const noexcept {
    std::size_t k = eras_.size() - 1;
    while (k > 0 && eras_[k].start > slot) --k;
    return eras_[k].generation;
  }

  /// Throws TapeError naming `where` unless owns(v).
  void check_owned(const Var<T>& v, const char* where) const {
    if (TAPEGRAD_UNLIKELY(!owns(v))) foreign_var(v, where);
  }

  /// Throws TapeError unless called from the thread this tape is active on (if any).
  void check_thread(const char* where) const {
    const std::thread::id owner = owner_.load(std::memory_order_relaxed);
    if (owner != std::thread::id() && owner != std::this_thread::get_id())
      throw_tape_error(std::string(where) +
                       ": this tape is active on another thread; a "
                       "tape may only be used by one thread at a time");
  }

 protected:
  explicit TapeOwnership(Activation activation) {
    eras_.reserve(4);
    eras_.push_back(Era{new_generation(), 1});
    current_ = eras_.back().generation;
    if (activation == Activation::now) {
      Tape<T>* self = static_cast<Tape<T>*>(this);
      previous_ = ActiveTape<T>::current;
      ActiveTape<T>::current = self;
      linked_ = true;
      owner_.store(std::this_thread::get_id(), std::memory_order_relaxed);
    }
  }

  ~TapeOwnership() {
    if (!linked_) return;
    // Unlink from this thread's chain of active tapes, even if tapes die out of order.
    Tape<T>* self = static_cast<Tape<T>*>(this);
    if (ActiveTape<T>::current == self) {
      ActiveTape<T>::current = previous_;
      return;
    }
    for (Tape<T>* t = ActiveTape<T>::current; t != nullptr; t = t->previous_) {
      if (t->previous_ == self) {
        t->previous_ = previous_;
        return;
      }
    }
  }

  /// Starts a new era whose first slot is `start` (after rewinding to `start`).
  void start_era(Index start) {
    while (eras_.size() > 1 && eras_.back().start >= start) eras_.pop_back();
    if (eras_.back().start >= start)
      eras_.back() = Era{new_generation(), start};
    else
      eras_.push_back(Era{new_generation(), start});
    current_ = eras_.back().generation;
  }

  /// Invalidates every Var (clear()).
  void reset_eras() {
    eras_.clear();
    eras_.push_back(Era{new_generation(), 1});
    current_ = eras_.back().generation;
  }

  /// What a mark at `slots` remembers: the generation of the slot just below it
  /// (0 for an empty tape). The mark stays valid while that slot is unchanged.
  Generation mark_stamp(std::size_t slots) const noexcept {
    return slots > 1 ? generation_of(static_cast<Index>(slots - 1)) : 0;
  }

  /// True if a mark at `slots` with `stamp` still describes this tape: nothing below
  /// it was rewound or cleared away since it was taken.
  bool mark_alive(Generation stamp, std::size_t slots, std::size_t size) const noexcept {
    if (slots > size) return false;
    return slots <= 1 || generation_of(static_cast<Index>(slots - 1)) == stamp;
  }

  std::size_t era_bytes() const noexcept { return eras_.capacity() * sizeof(Era); }

 private:
  friend class TapeScope<T>;

  struct Era {
    Generation generation;
    Index start;
  };

  std::size_t live_slots() const noexcept { return static_cast<const Tape<T>*>(this)->size() + 1; }

  [[noreturn]] TAPEGRAD_COLD void foreign_var(const Var<T>& v, const char* where) const {
    const std::string var =
        "Var #" + std::to_string(v.index()) + " (generation " + std::to_string(v.generation()) + ")";
    if (enclosing_tape_owns(v))
      throw_tape_error(std::string(where) + ": " + var +
                       " belongs to an enclosing tape that is "
                       "still active on this thread, not to this one. Typically the function "
                       "given to gradient(), jacobian() or hessian() captured a Var of the outer "
                       "computation: inside it, use value(a) to take a's value as a constant, "
                       "or pass a as one of the function's inputs.");
    throw_tape_error(std::string(where) + ": " + var + " is not on this tape (generation " +
                     std::to_string(generation()) +
                     "): it was recorded on another tape or "
                     "thread (perhaps one destroyed since), before clear(), or after a mark "
                     "this tape was rewound to");
  }

  /// For the error message only: true if a tape that was active on this thread before this
  /// one became active (through construction or a TapeScope) owns v.
  bool enclosing_tape_owns(const Var<T>& v) const noexcept {
    int steps = 0;  // the chains are short; the bound guards against any cycle
    for (const TapeScope<T>* s = TapeScope<T>::innermost(); s != nullptr && steps < 64; s = s->outer_, ++steps)
      if (s->previous_ != nullptr && s->previous_ != this && s->previous_->owns(v)) return true;
    for (const Tape<T>* t = previous_; t != nullptr && steps < 128; t = t->previous_, ++steps)
      if (t != this && t->owns(v)) return true;
    return false;
  }

  std::vector<Era> eras_;
  Generation current_ = 0;       // eras_.back().generation, kept at hand for the hot path
  Tape<T>* previous_ = nullptr;  // the tape that was active before this one
  bool linked_ = false;
  std::atomic<std::thread::id> owner_{};
};

}  // namespace detail

/// Makes `tape` this thread's active tape until the scope ends, then restores the one
/// before. Throws TapeError if the tape is active on another thread.
template <class T>
class TapeScope {
 public:
  explicit TapeScope(Tape<T>& tape) : tape_(tape), previous_(detail::ActiveTape<T>::current), outer_(innermost_ref()) {
    std::thread::id none{};
    const std::thread::id me = std::this_thread::get_id();
    if (!tape.owner_.compare_exchange_strong(none, me) && none != me)
      detail::throw_tape_error("TapeScope: this tape is active on another thread");
    claimed_ = (none == std::thread::id());
    detail::ActiveTape<T>::current = &tape;
    innermost_ref() = this;
  }
  ~TapeScope() {
    detail::ActiveTape<T>::current = previous_;
    innermost_ref() = outer_;
    if (claimed_) tape_.owner_.store(std::thread::id(), std::memory_order_relaxed);
  }
  TapeScope(const TapeScope&) = delete;
  TapeScope& operator=(const TapeScope&) = delete;

 private:
  friend class detail::TapeOwnership<T>;  // walks the scopes to explain a foreign Var

  /// This thread's innermost live TapeScope for T (scopes nest, so they form a chain).
  static const TapeScope*& innermost_ref() noexcept {
    static thread_local const TapeScope* innermost = nullptr;
    return innermost;
  }
  static const TapeScope* innermost() noexcept { return innermost_ref(); }

  Tape<T>& tape_;
  Tape<T>* previous_;       // the tape active before this scope
  const TapeScope* outer_;  // the scope that was innermost before this one
  bool claimed_ = false;
};

/// This thread's active tape for scalar type T, or nullptr.
template <class T>
Tape<T>* active_tape() noexcept {
  return detail::ActiveTape<T>::current;
}

}  // namespace tapegrad
