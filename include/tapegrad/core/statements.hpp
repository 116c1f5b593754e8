// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Walking a recorded tape without knowing its layout: the statements in recording
/// order, each with its kind, the slots it produced and (for a scalar statement) its
/// arguments with the partial derivatives recorded for them.
///
///     for (const tapegrad::Statement<double>& s : tapegrad::statements(tape))
///       for (unsigned j = 0; j < s.arity; ++j)         // scalar statements only
///         use(s.slot, s.argument(j), s.partial(j));     // d v_slot / d v_argument
///
/// io/dot.hpp draws a tape this way and the fuzz tests bound a sweep's rounding with it;
/// an extension (a tape optimizer, an exporter) needs nothing else. The tape's arrays
/// themselves (one code byte per slot, the arguments of all statements back to back) stay
/// the tape's own: design.md, "Tape layout".

#include <cstddef>
#include <iterator>

#include "tapegrad/core/config.hpp"
#include "tapegrad/core/tape.hpp"

namespace tapegrad {

/// What a statement of the tape is.
enum class StatementKind {
  input,   ///< an independent variable (tape.variable): one slot, no arguments
  scalar,  ///< v = f(arguments): one slot, k arguments with their partials
  custom   ///< a custom statement (a matrix statement, a user primitive, a block of inputs
           ///< from tape.variables): slots first .. last, its own backward
};

/// One statement as a tape walker sees it (see the file comment).
template <class T>
struct Statement {
  StatementKind kind = StatementKind::input;
  Index first = 0;                 ///< its first slot (custom statements may produce many)
  Index slot = 0;                  ///< its last slot: the one it produced (custom: the top one)
  unsigned arity = 0;              ///< scalar: k, its number of arguments; 0 otherwise
  unsigned hints = 0;              ///< scalar: the sweep hints (detail::kChainFlag, kHoldFlag, kFlushFlag)
  const Index* indices = nullptr;  ///< scalar: the arguments' slots (0: a constant operand)
  const T* partials = nullptr;     ///< scalar: d v_slot / d argument, as recorded

  /// The slot of argument j < arity (0 for a constant operand).
  Index argument(unsigned j) const noexcept { return indices[j]; }
  /// The partial derivative recorded for argument j < arity.
  const T& partial(unsigned j) const noexcept { return partials[j]; }
};

/// The statements of a tape in recording order, slot 1 upward (slot 0 is the sink of
/// constants). Valid while the tape records nothing new, is not rewound and not cleared.
template <class T>
class StatementRange {
 public:
  /// A forward iterator over the statements.
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Statement<T>;
    using difference_type = std::ptrdiff_t;
    using pointer = const Statement<T>*;
    using reference = const Statement<T>&;

    iterator() = default;
    reference operator*() const noexcept { return current_; }
    pointer operator->() const noexcept { return &current_; }
    iterator& operator++() noexcept {
      next_ = static_cast<std::size_t>(current_.slot) + 1;
      offset_ += current_.arity;
      load();
      return *this;
    }
    iterator operator++(int) noexcept {
      iterator before = *this;
      ++*this;
      return before;
    }
    friend bool operator==(const iterator& a, const iterator& b) noexcept { return a.next_ == b.next_; }
    friend bool operator!=(const iterator& a, const iterator& b) noexcept { return a.next_ != b.next_; }

   private:
    friend class StatementRange;
    iterator(const Tape<T>* tape, std::size_t slot) : tape_(tape), next_(slot) { load(); }
    /// Reads the statement that starts at slot next_ (none past the end).
    void load() noexcept {
      if (tape_ == nullptr || next_ > tape_->size()) {
        next_ = end_slot();
        return;
      }
      const auto i = static_cast<Index>(next_);
      current_ = Statement<T>{};
      current_.first = current_.slot = i;
      if (tape_->custom_at(i)) {
        current_.kind = StatementKind::custom;
        while (!tape_->custom_top_at(current_.slot)) ++current_.slot;
        return;
      }
      current_.arity = tape_->arity_at(i);
      if (current_.arity == 0) return;  // an input
      current_.kind = StatementKind::scalar;
      current_.hints = tape_->hints_at(i);
      current_.indices = tape_->argument_indices() + offset_;
      current_.partials = tape_->argument_partials() + offset_;
    }
    std::size_t end_slot() const noexcept { return tape_ == nullptr ? 0 : tape_->size() + 1; }

    const Tape<T>* tape_ = nullptr;
    std::size_t next_ = 0;    // the first slot of the current statement (end_slot(): none)
    std::size_t offset_ = 0;  // where its arguments start in the tape's argument arrays
    Statement<T> current_;
  };

  explicit StatementRange(const Tape<T>& tape) noexcept : tape_(&tape) {}
  iterator begin() const { return iterator(tape_, 1); }
  iterator end() const { return iterator(tape_, tape_->size() + 1); }

 private:
  const Tape<T>* tape_;
};

/// The statements of `tape` in recording order (see the file comment).
template <class T>
StatementRange<T> statements(const Tape<T>& tape) noexcept {
  return StatementRange<T>(tape);
}

}  // namespace tapegrad
