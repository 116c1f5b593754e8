// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Tape<T>: the Wengert list that reverse mode records and replays.
///
/// Layout (see docs/design.md for the picture). Statement i produces variable i, so no
/// output index is stored. Per statement one byte, its arity k (and the sweep hints
/// below); per argument a 32-bit index and the partial derivative
/// d(statement)/d(argument) computed on the forward pass. A unary statement costs
/// 1 + 4 + 8 = 13 bytes for double, a binary one 25.
///
///     arity    [ 0 | 0 | 0 | 2 | 1 | ... ]        one byte per statement
///     index    [ 1, 2 | 3 | ... ]                   one entry per argument
///     partial  [ x2, x1 | cos(x3) | ... ]           one entry per argument
///     adjoint  [ dL/dv0 dL/dv1 ... ]                filled by backward()
///
/// backward(y) zeroes the adjoints, sets dL/dy = 1 and runs ONE loop from y down to 1:
/// adjoint[index[j]] += partial[j] * adjoint[i]. Slot 0 is a sink: constants that take
/// part in an expression point there, so no branch is needed to skip them.
///
/// The arity byte holds k in its top five bits (code >> 3) and, in its low three bits,
/// hints that let the sweep keep a running adjoint in a register instead of adding to
/// memory and reading it back:
///
///     kChainFlag  the first argument is slot i - 1: the running value of chains such as
///                 `s += ...` or `p *= ...`. Its contribution becomes the next adjoint.
///     kHoldFlag   the last argument is also the last argument of statement i - 1, e.g. m
///                 in every `s += exp(x_i - m)`. Its contributions are summed in a register
///                 while such statements follow each other ...
///     kFlushFlag  ... and the statement that ends the run (the one below the last
///                 kHoldFlag statement) adds that sum to the shared slot's adjoint.
///
/// The hints change only where a sum is kept, never what is summed. The indices and
/// partials are stored for every argument as usual, so tape walkers ignore the hints.
/// With the hints in the low bits, the codes of small statements form one dense range,
/// so the sweep dispatches on them with a single jump table.
///
/// Custom statements (matrix operations, user primitives) own a block of consecutive
/// slots for their outputs and run their own backward functor when the sweep reaches
/// the top of the block; they live in an arena and are destroyed on rewind/clear.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <new>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "tapegrad/core/arena.hpp"
#include "tapegrad/core/config.hpp"
#include "tapegrad/core/errors.hpp"
#include "tapegrad/core/expression.hpp"
#include "tapegrad/core/ownership.hpp"

namespace tapegrad {

namespace detail {
/// The arity byte of a statement. An enum rather than a char type, so that storing it
/// does not force the compiler to reload every other tape field (char may alias all).
enum class Arity : std::uint8_t {};
/// Bits of the arity byte: three sweep hints (see the file comment) below the number of
/// arguments k = code >> kArgumentShift. kFoldLimit (expression.hpp) keeps k below 32.
inline constexpr unsigned kChainFlag = 0x1;
inline constexpr unsigned kHoldFlag = 0x2;
inline constexpr unsigned kFlushFlag = 0x4;
inline constexpr unsigned kHintMask = 0x7;
inline constexpr unsigned kArgumentShift = 3;
static_assert(kFoldLimit < (1u << (8 - kArgumentShift)), "an arity must fit above the hint bits");
/// A custom statement's output block: hints without arguments, which no scalar statement
/// has. kCustomTop marks the block's top slot, kCustomInner the others.
inline constexpr Arity kCustomTop{kChainFlag};
inline constexpr Arity kCustomInner{kHoldFlag};
/// True for the slots of a custom statement's output block.
constexpr bool is_custom_code(unsigned code) noexcept { return code != 0 && (code >> kArgumentShift) == 0; }

/// x * y + z: one fused instruction where the target has FMA (a shorter dependency chain
/// from one statement to the next in the sweep, and one rounding instead of two), the
/// plain expression elsewhere and for non-floating-point T (Dual).
template <class T>
TAPEGRAD_INLINE T multiply_add(const T& x, const T& y, const T& z) {
#if defined(__FMA__)
  if constexpr (std::is_floating_point_v<T>) return std::fma(x, y, z);
#endif
  return x * y + z;
}
}  // namespace detail

/// True if an adjoint contributes nothing, so the sweep may skip its statement. Found by
/// argument-dependent lookup: Dual<T> overloads it to look at both parts, because an
/// adjoint 0 + c e still carries a second-order term.
template <class T>
TAPEGRAD_INLINE bool is_zero_adjoint(const T& a) noexcept {
  return a == T(0);
}

template <class T>
class StatementRange;  // core/statements.hpp: walks a tape's statements

/// Records operations on Var<T> and computes adjoints by one reverse sweep.
/// Not copyable or movable: Vars and the thread's active-tape pointer refer to it.
template <class T>
class Tape : public detail::TapeOwnership<T> {
  using Base = detail::TapeOwnership<T>;

 public:
  using value_type = T;

  /// A position to rewind to (see mark() and rewind()).
  struct Mark {
    std::size_t slots = 0, args = 0, customs = 0;
    detail::Arena::Mark arena;
    Generation stamp = 0;  // generation of the slot below the mark (see ownership.hpp)
  };

  /// Creates an empty tape; by default it becomes this thread's active tape.
  explicit Tape(Activation activation = Activation::now) : Base(activation) {
    arity_.grow(1024, 0);
    arity_.data()[0] = detail::Arity(0);  // slot 0: the constant sink
  }
  ~Tape() { destroy_customs(0); }
  Tape(const Tape&) = delete;
  Tape& operator=(const Tape&) = delete;

  /// Records an independent variable with value x (a statement with no arguments).
  Var<T> variable(const T& x) {
#if TAPEGRAD_CHECKS
    this->check_thread("variable");
#endif
    if (TAPEGRAD_UNLIKELY(size_ >= arity_.capacity())) grow(1, 0);
    arity_.data()[size_] = detail::Arity(0);
    last_target_ = kNoTarget;
    return Var<T>(x, static_cast<Index>(size_++), this->generation());
  }

  /// Records n independent variables with values[0..n) in consecutive slots and writes
  /// them to out[0..n). The slots form one block that backward() steps over at once.
  void variables(const T* values, std::size_t n, Var<T>* out) {
#if TAPEGRAD_CHECKS
    this->check_thread("variables");
#endif
    if (n == 0) return;
    if (n == 1) {
      out[0] = variable(values[0]);
      return;
    }
    const Index first = record_custom(n, InputBlock{});
    const Generation g = this->generation();
    for (std::size_t i = 0; i < n; ++i) out[i] = Var<T>(values[i], static_cast<Index>(first + i), g);
  }

  /// A recorded statement's slot (0 if every operand was a constant: nothing recorded)
  /// and the generation its result Var carries (0 for a constant).
  struct Recorded {
    Index slot;
    Generation generation;
  };

  /// Records the expression e as one statement and returns its slot; returns 0 and
  /// records nothing when every leaf of e is a constant.
  template <class E>
  TAPEGRAD_INLINE Index record(const E& e) {
    return record(e, this->generation()).slot;
  }
  /// record(e) for a caller that has already read generation() into `era` (Var::assign):
  /// also returns the generation of the result.
  template <class E>
  TAPEGRAD_INLINE Recorded record(const E& e, Generation era) {
    constexpr std::size_t k = E::leaves;
    static_assert(k <= detail::kFoldLimit, "expression too large for one statement");
    if (TAPEGRAD_UNLIKELY(size_ >= arity_.capacity() || args_ + k > arg_partial_.capacity())) grow(1, k);
    Sink<k> sink{arg_index_.data() + args_, arg_partial_.data() + args_};
    e.propagate(sink, T(1));
    // k, less the constants the optimizer could see (Sink::push); known at compile time
    // after inlining either way.
    const std::size_t n = sink.pushed;
#if TAPEGRAD_CHECKS
    // The common case, every operand a Var of this era, is one test: the AND of the
    // operands' generations is the era's exactly then (a constant's generation is 0, and
    // every other generation has 16 of 32 bits set, so one that holds all the era's bits
    // is the era's; ownership.hpp).
    if (TAPEGRAD_LIKELY(sink.generations_and == era)) return {commit(n), era};
    return record_uncommon(sink.generations, n, era);
#else
    // Every operand a variable: n arguments (the common case).
    if (TAPEGRAD_LIKELY(sink.lowest_slot != 0)) return {commit(n), era};
    return result(drop_constants_and_commit(n), era);
#endif
  }

  /// Records a custom statement with `outputs` result slots; returns the first slot.
  /// During backward, op(adjoint, first) must read the adjoints of its outputs
  /// adjoint[first .. first+outputs) and add into the adjoints of its inputs.
  template <class Op>
  Index record_custom(std::size_t outputs, Op&& op) {
    using Stored = std::decay_t<Op>;
    if (outputs == 0) detail::throw_invalid_argument("record_custom: a statement needs >= 1 output");
    if (TAPEGRAD_UNLIKELY(size_ + outputs > arity_.capacity())) grow(outputs, 0);
    custom_.reserve(custom_.size() + 1);  // may throw: nothing changed yet
    void* memory = arena_.allocate(sizeof(Stored), alignof(Stored));
    Stored* stored = ::new (memory) Stored(std::forward<Op>(op));
    const auto first = static_cast<Index>(size_);
    std::fill_n(arity_.data() + size_, outputs - 1, detail::kCustomInner);
    arity_.data()[size_ + outputs - 1] = detail::kCustomTop;
    size_ += outputs;
    last_target_ = kNoTarget;
    void (*run)(void*, T*, Index) = &run_custom<Stored>;
    if constexpr (std::is_same_v<Stored, InputBlock>) run = nullptr;  // nothing to run
    custom_.push_back(Custom{stored, run, destroyer<Stored>(), first, static_cast<Index>(outputs)});
    return first;
  }

  /// The Var for output `slot` of a custom statement, carrying `value`. Throws
  /// std::invalid_argument if the slot is not an output of a custom statement.
  Var<T> output_var(Index slot, const T& value) const {
    if (slot >= size_ || (arity_.data()[slot] != detail::kCustomInner && arity_.data()[slot] != detail::kCustomTop))
      detail::throw_invalid_argument("output_var: slot " + std::to_string(slot) +
                                     " is not an output of a custom statement");
    return Var<T>(value, slot, this->generation_of(slot));
  }

  /// Computes d y / d v for every v recorded before y: zeroes all adjoints, seeds
  /// dy/dy = 1 and sweeps once. Calling it again gives the same gradients (it never
  /// accumulates across calls; see docs/design.md).
  void backward(const Var<T>& y) {
    this->check_thread("backward");
    this->check_owned(y, "backward");
    // Only the slots up to y's can receive an adjoint: those above are neither zeroed nor
    // read (grad() reports 0 for them).
    const std::size_t top = y.index() == 0 ? 0 : block_top(y.index());
    prepare_adjoints(top + 1);
    if (y.index() != 0) {
      adjoint_.data()[y.index()] = T(1);
      sweep(top);
    }
  }

  /// Reverse mode for several outputs at once, the rows of a Jacobian: for each output
  /// y_r (r < m), writes d y_r / d v_j for the n inputs v_j in slots [first, first + n) to
  /// rows[r * row_stride + j * col_stride]. `lanes` outputs share one sweep (vector
  /// adjoints: each statement's indices and partials are read once for all of them); a
  /// sweep starts at the highest slot of its outputs, stops above the inputs, skips
  /// statements none of its outputs depends on, and zeroes what it used as it goes, so
  /// nothing is cleared between sweeps. The inputs must lie below every statement (as the
  /// functional API records them: one block first) and the tape may hold no custom
  /// statement with a backward above them (matrix statements): then std::invalid_argument.
  /// Throws TapeError for an output that is not on this tape. The adjoints that backward()
  /// computed are left as they were.
  template <std::size_t lanes = 4>
  void backward_rows(const Var<T>* outputs, std::size_t m, Index first, std::size_t n, T* rows,
                     std::ptrdiff_t row_stride, std::ptrdiff_t col_stride) {
    static_assert(lanes >= 1, "at least one output per sweep");
    this->check_thread("backward_rows");
    for (std::size_t r = 0; r < m; ++r) this->check_owned(outputs[r], "backward_rows");
    if (n == 0 || m == 0) return;
    const std::size_t inputs_end = std::size_t{first} + n;  // first slot above the inputs
    if (first == 0 || inputs_end > size_)
      detail::throw_invalid_argument("backward_rows: the inputs are not slots of this tape");
    for (const Custom& c : custom_)
      if (c.backward != nullptr && std::size_t{c.first} + c.count > first)
        detail::throw_invalid_argument(
            "backward_rows: a custom statement (matrix statement) "
            "above the inputs; sweep its outputs one by one with backward()");
    for (std::size_t i = first; i < inputs_end; ++i)
      if (code_at(static_cast<Index>(i)) >> detail::kArgumentShift != 0)
        detail::throw_invalid_argument("backward_rows: slot " + std::to_string(i) +
                                       " among the inputs is a statement, not an input");
    const std::size_t capacity = lanes_.capacity();
    lanes_.grow(lanes * size_, 0);      // keeps nothing: new memory is zeroed once, then the
    if (lanes_.capacity() != capacity)  // sweeps leave it zero
      std::fill(lanes_.data(), lanes_.data() + lanes_.capacity(), T(0));
    T* const lane = lanes_.data();
    for (std::size_t r0 = 0; r0 < m; r0 += lanes) {
      const std::size_t used = std::min(lanes, m - r0);
      std::size_t top = 0;
      for (std::size_t l = 0; l < used; ++l) {
        const Index y = outputs[r0 + l].index();
        lane[y * lanes + l] += T(1);  // an output may be an input, the sink or another output
        top = std::max(top, y == 0 ? std::size_t{0} : block_top(y));
      }
      if (top >= inputs_end) sweep_lanes<lanes>(top, inputs_end - 1, lane);  // down to the inputs
      for (std::size_t l = 0; l < used; ++l)
        for (std::size_t j = 0; j < n; ++j)
          rows[static_cast<std::ptrdiff_t>(r0 + l) * row_stride + static_cast<std::ptrdiff_t>(j) * col_stride] =
              lane[(first + j) * lanes + l];
      std::fill(lane + std::size_t{first} * lanes, lane + inputs_end * lanes, T(0));
      std::fill(lane, lane + lanes, T(0));  // the sink (a constant output seeds it)
    }
  }

  /// d y / d v after backward(y); 0 for constants and for v recorded after the sweep.
  /// Throws TapeError if v is not on this tape.
  T grad(const Var<T>& v) const {
    this->check_thread("grad");
    this->check_owned(v, "grad");
    return adjoint_at(v.index());
  }

  /// out[j] = grad(vars[j]) for j < n, with one thread check: the way to read many
  /// gradients. Throws TapeError, before writing anything, if some Var is not on this tape.
  void grads(const Var<T>* vars, std::size_t n, T* out) const {
    this->check_thread("grads");
    for (std::size_t j = 0; j < n; ++j) this->check_owned(vars[j], "grads");
    for (std::size_t j = 0; j < n; ++j) out[j] = adjoint_at(vars[j].index());
  }

  /// The gradients d y / d v of vars after backward(y), in order; the Vars may sit in any
  /// slots. Throws TapeError, before reading anything, if some Var is not on this tape.
  std::vector<T> gradients(const std::vector<Var<T>>& vars) const {
    std::vector<T> out(vars.size());
    grads(vars.data(), vars.size(), out.data());
    return out;
  }

  /// The gradients of an Eigen matrix, vector or block of Vars after backward(y), as a
  /// plain Eigen matrix of T of the same shape. Throws TapeError as the vector form does.
  template <class Vars, class = typename Vars::PlainObject>
  auto gradients(const Vars& vars) const {
    this->check_thread("gradients");
    for (decltype(vars.cols()) j = 0; j < vars.cols(); ++j)
      for (decltype(vars.rows()) i = 0; i < vars.rows(); ++i) this->check_owned(vars(i, j), "gradients");
    return vars.unaryExpr([this](const Var<T>& v) { return adjoint_at(v.index()); }).eval();
  }

  /// The adjoint in slot i (0 if the last sweep did not reach it). Unchecked.
  T adjoint_at(Index i) const noexcept { return (i != 0 && i < swept_) ? adjoint_.data()[i] : T(0); }

  /// Copies the adjoints of slots [first, first + n) to out (0 where the last sweep
  /// did not reach). Unchecked: for code that owns a block of slots, such as the inputs
  /// recorded by variables() (first = out[0].index()) or a matrix statement's outputs.
  /// One pass over contiguous memory: the fast way to read a whole input gradient.
  void copy_adjoints(Index first, std::size_t n, T* out) const noexcept {
    const std::size_t end = std::min<std::size_t>(first + n, swept_);
    std::size_t k = 0;
    for (; first + k < end; ++k) out[k] = adjoint_.data()[first + k];
    for (; k < n; ++k) out[k] = T(0);
  }

  /// The adjoints of slots [first, first + n) where the last sweep left them, to read or
  /// change in place, or nullptr if that sweep did not reach all of them (their adjoints
  /// are then 0 and not stored). Valid until the tape records or sweeps again. Unchecked,
  /// like copy_adjoints.
  T* adjoints_in_place(Index first, std::size_t n) noexcept {
    return std::size_t(first) + n <= swept_ ? adjoint_.data() + first : nullptr;
  }

  /// Sets every adjoint to zero.
  void zero_grad() noexcept { std::fill(adjoint_.data(), adjoint_.data() + swept_, T(0)); }

  /// The current position, to rewind to later.
  Mark mark() const { return Mark{size_, args_, custom_.size(), arena_.mark(), this->mark_stamp(size_)}; }

  /// Forgets every statement recorded after m; Vars recorded before m stay valid, later
  /// ones become invalid (and are detected). Memory is kept for reuse.
  void rewind(const Mark& m) {
    this->check_thread("rewind");
    if (!this->mark_alive(m.stamp, m.slots, size_) || m.args > args_ || m.customs > custom_.size())
      detail::throw_tape_error(
          "rewind: the mark is not from this tape, or the tape was cleared "
          "or rewound past it");
    if (m.slots == size_) return;
    destroy_customs(m.customs);
    size_ = m.slots;
    args_ = m.args;
    const bool statement_below = size_ > 1 && arity_at(static_cast<Index>(size_ - 1)) != 0;
    last_target_ = statement_below ? arg_index_.data()[args_ - 1] : kNoTarget;
    arena_.rewind(m.arena);
    swept_ = std::min(swept_, size_);
    this->start_era(static_cast<Index>(size_));
  }

  /// Forgets every statement; every Var recorded so far becomes invalid. Keeps memory.
  void clear() {
    this->check_thread("clear");
    destroy_customs(0);
    size_ = 1;
    args_ = 0;
    last_target_ = kNoTarget;
    swept_ = 0;
    arena_.rewind({});
    this->reset_eras();
  }

  /// Number of recorded statements (independent variables included).
  std::size_t size() const noexcept { return size_ - 1; }
  /// Number of recorded arguments over all statements.
  std::size_t argument_count() const noexcept { return args_; }
  /// Number of custom statements recorded.
  std::size_t custom_count() const noexcept { return custom_.size(); }
  /// Bytes the recorded statements occupy (arity, indices, partials; no adjoints).
  std::size_t recorded_bytes() const noexcept { return size_ + args_ * (sizeof(Index) + sizeof(T)); }
  /// Bytes of memory held by the tape, adjoints and arena included.
  std::size_t memory_bytes() const noexcept {
    return arity_.capacity() + arg_index_.capacity() * sizeof(Index) +
           (arg_partial_.capacity() + adjoint_.capacity() + lanes_.capacity()) * sizeof(T) + arena_.capacity_bytes() +
           custom_.capacity() * sizeof(Custom) + this->era_bytes();
  }

  /// Arena memory for data that custom statements keep until rewind (e.g. matrix values).
  detail::Arena& arena() noexcept { return arena_; }
  /// Raw view of the adjoints (valid after backward; size() + 1 slots). For extensions.
  const T* adjoints() const noexcept { return adjoint_.data(); }
  /// Number of arguments stored for slot i: k for a scalar statement, 0 for an
  /// independent variable and for the slots of a custom statement (to walk a tape's
  /// statements with their arguments: tapegrad::statements, core/statements.hpp).
  unsigned arity_at(Index i) const noexcept { return code_at(i) >> detail::kArgumentShift; }
  /// True if slot i is an output of a custom statement (a matrix statement, a user
  /// primitive, or a block of inputs recorded by variables()).
  bool custom_at(Index i) const noexcept { return detail::is_custom_code(code_at(i)); }
  /// True if slot i is the top (last) output slot of a custom statement.
  bool custom_top_at(Index i) const noexcept { return code_at(i) == static_cast<unsigned>(detail::kCustomTop); }
  /// The sweep hints of the scalar statement in slot i: detail::kChainFlag, kHoldFlag and
  /// kFlushFlag bits (see the file comment); 0 for other slots. For tests and tools.
  unsigned hints_at(Index i) const noexcept { return custom_at(i) ? 0u : code_at(i) & detail::kHintMask; }

 private:
  friend class StatementRange<T>;  // walks the argument arrays (core/statements.hpp)
  /// Argument indices and partials of all statements, in recording order.
  const Index* argument_indices() const noexcept { return arg_index_.data(); }
  /// See argument_indices().
  const T* argument_partials() const noexcept { return arg_partial_.data(); }

  unsigned code_at(Index i) const noexcept { return static_cast<unsigned>(arity_.data()[i]); }

  /// The operands' generations of one statement, kept for the exact check. A value, not
  /// tape memory: after inlining each entry lives in a register, and only the uncommon
  /// path ever stores them.
  template <std::size_t K>
  struct OperandGenerations {
    Generation of[K > 0 ? K : 1];
  };
  /// Writes the arguments of one statement of K operands straight into the tape arrays.
  template <std::size_t K>
  struct Sink {
    Index* index;
    T* partial;
    std::size_t pushed = 0;  // operands written so far (a constant after inlining)
#if TAPEGRAD_CHECKS
    Generation generations_and = ~Generation(0);  // AND of the operands' generations (see record())
    OperandGenerations<K> generations = {};       // the operands' generations, in order
#else
    Index lowest_slot = std::numeric_limits<Index>::max();  // 0 iff some operand is a constant
#endif
    TAPEGRAD_INLINE void push(const Var<T>& v, const T& weight) {
#if defined(__GNUC__)
      // A constant the compiler can see (a literal, a local `const S h = 0.01`) is left
      // out here at no cost, so its statement stays on the common path.
      const Index slot = v.index();
      if (__builtin_constant_p(slot) && slot == 0) return;
#endif
      index[pushed] = v.index();
      partial[pushed] = weight;
#if TAPEGRAD_CHECKS
      // No branch per operand: record() tests the AND once per statement.
      const Generation g = v.generation();
      generations_and &= g;
      generations.of[pushed] = g;
#else
      lowest_slot = std::min(lowest_slot, v.index());
#endif
      ++pushed;
    }
  };

  /// What a statement's result carries: its slot and, unless it is a constant (slot 0),
  /// the era's generation.
  static TAPEGRAD_INLINE Recorded result(Index slot, Generation era) { return {slot, slot != 0 ? era : 0}; }

  /// record()'s path when some operand is a constant or not of the current era. Inline, so
  /// that the generations stay in registers; only the exact check is out of line.
  template <std::size_t K>
  TAPEGRAD_INLINE Recorded record_uncommon(const OperandGenerations<K>& generations, std::size_t n, Generation era) {
    Generation any = 0;
    for (std::size_t j = 0; j < K; ++j) any |= generations.of[j];  // entries past n are 0
    if (TAPEGRAD_UNLIKELY((any & ~era) != 0)) {
      // Some operand is neither a constant nor of this era: from an earlier live era
      // (valid, e.g. weights recorded before a mark) or foreign. The exact check decides;
      // nothing is recorded yet.
      // A copy for the call: taking the Sink's own array's address would keep it in memory
      // on the common path too.
      Generation copy[K > 0 ? K : 1];
      for (std::size_t j = 0; j < K; ++j) copy[j] = generations.of[j];
      // n is known only after inlining: a K the out-of-line call can be specialized for
      // in the usual case, every leaf an operand.
      if (n == K) return result(check_and_commit(copy, std::integral_constant<std::size_t, K>()), era);
      return result(check_and_commit(copy, n), era);
    }
    return result(drop_constants_and_commit(n), era);  // some operands are constants
  }

  /// Completes the statement whose k arguments a Sink has just written; returns its slot,
  /// or 0 when k = 0, every operand a constant (then nothing is recorded). K is
  /// std::size_t (known at run time) or a std::integral_constant (known at compile time).
  template <class K>
  TAPEGRAD_INLINE Index commit(K k) {
    if (TAPEGRAD_UNLIKELY(k == 0)) return 0;  // only constants: the result is a constant
    arity_.data()[size_] = detail::Arity((std::size_t{k} << detail::kArgumentShift) | sweep_hints(k));
    args_ += k;
    return static_cast<Index>(size_++);
  }
  /// record()'s path when some of the k operands just written are constants: they are
  /// removed (a constant contributes nothing to the sweep, so it costs no argument), and
  /// the rest is committed; nothing is recorded when all of them are constants.
  TAPEGRAD_INLINE Index drop_constants_and_commit(std::size_t k) {
    Index* const index = arg_index_.data() + args_;
    T* const partial = arg_partial_.data() + args_;
    std::size_t kept = 0;
    for (std::size_t j = 0; j < k; ++j) {
      if (index[j] == 0) continue;
      index[kept] = index[j];
      partial[kept] = partial[j];
      ++kept;
    }
    return commit(kept);
  }
  /// check_operands, then the commit: record()'s path for operands outside the era. K as
  /// for commit().
  template <class K>
  TAPEGRAD_NOINLINE Index check_and_commit(const Generation* generations, K k) {
    check_operands(generations, k);
    return drop_constants_and_commit(k);
  }

  /// The exact ownership check of the k operands just written by a Sink (see record()):
  /// passes operands of earlier live eras (weights recorded before a mark), throws
  /// TapeError for any other. Reads the operands' slots back from the tape arrays, so the
  /// hot path keeps the expression in registers.
  TAPEGRAD_NOINLINE void check_operands(const Generation* generations, std::size_t k) const {
    const Index* index = arg_index_.data() + args_;
    for (std::size_t j = 0; j < k; ++j) {
      const Var<T> v(T(0), index[j], generations[j]);
      this->check_owned(v, "an operation");
    }
  }

  /// The custom statement of a block of inputs (variables()): no backward to run.
  struct InputBlock {
    void operator()(T*, Index) const noexcept {}
  };

  struct Custom {
    void* object;
    void (*backward)(void*, T*, Index);
    void (*destroy)(void*);
    Index first;
    Index count;
  };
  template <class Op>
  static void run_custom(void* op, T* adjoint, Index first) {
    (*static_cast<Op*>(op))(adjoint, first);
  }
  template <class Op>
  static constexpr void (*destroyer())(void*) {
    if constexpr (std::is_trivially_destructible_v<Op>) {
      return nullptr;
    } else {
      return [](void* op) { static_cast<Op*>(op)->~Op(); };
    }
  }

  /// No slot has this index (a tape holds fewer than 2^32 - 1 slots).
  static constexpr Index kNoTarget = std::numeric_limits<Index>::max();

  /// The sweep hints of the k-argument statement about to be recorded in slot size_,
  /// whose arguments are already written at args_. When it holds the last argument it
  /// shares with the statement below, that one is marked kFlushFlag unless it holds too.
  template <class K>
  TAPEGRAD_INLINE unsigned sweep_hints(K k) {
    const Index* const arg = arg_index_.data() + args_;
    unsigned hints = arg[0] == size_ - 1 ? detail::kChainFlag : 0u;
    // k >= 2: the held argument is not also the chain argument
    if (k >= 2 && arg[k - 1] == last_target_) {
      hints |= detail::kHoldFlag;
      detail::Arity& below = arity_.data()[size_ - 1];
      const unsigned below_code = static_cast<unsigned>(below);
      if ((below_code & detail::kHoldFlag) == 0) below = detail::Arity(below_code | detail::kFlushFlag);
    }
    last_target_ = arg[k - 1];
    return hints;
  }

  TAPEGRAD_NOINLINE void grow(std::size_t slots, std::size_t args) {
    if (size_ + slots > std::numeric_limits<Index>::max())
      throw std::length_error("tapegrad: tape exceeds 2^32 - 1 statements");
    arity_.grow(size_ + slots, size_);
    arg_index_.grow(args_ + args, args_);
    arg_partial_.grow(args_ + args, args_);
  }

  /// Zeroes the adjoints of slots [0, slots), the ones the coming sweep can reach.
  void prepare_adjoints(std::size_t slots) {
    adjoint_.grow(size_, 0);
    std::fill(adjoint_.data(), adjoint_.data() + slots, T(0));
    swept_ = slots;
  }

  /// The sweep of backward_rows(): `lanes` adjoints per slot, statements from `top` down to
  /// `bottom` (exclusive); every slot it passes is left with zero adjoints.
  template <std::size_t lanes>
  void sweep_lanes(std::size_t top, std::size_t bottom, T* lane) const {
    const detail::Arity* const arity = arity_.data();
    const Index* const index = arg_index_.data();
    const T* const partial = arg_partial_.data();
    std::size_t p = args_, c = custom_.size();
    for (std::size_t i = size_ - 1; i > top; --i) {  // skip what was recorded after the outputs
      if (arity[i] == detail::kCustomTop)
        i = custom_[--c].first;
      else
        p -= static_cast<unsigned>(arity[i]) >> detail::kArgumentShift;
    }
    for (std::size_t i = top; i > bottom; --i) {
      if (arity[i] == detail::kCustomTop) {  // a block of inputs (backward_rows checked it)
        i = custom_[--c].first;
        continue;
      }
      const unsigned k = static_cast<unsigned>(arity[i]) >> detail::kArgumentShift;
      p -= k;
      T* const a = lane + i * lanes;
      bool live = false;
      for (std::size_t l = 0; l < lanes; ++l) live |= !is_zero_adjoint(a[l]);
      if (!live) continue;  // no output of this sweep depends on it
      for (unsigned j = 0; j < k; ++j) {
        T* const target = lane + std::size_t{index[p + j]} * lanes;
        const T d = partial[p + j];
        // A lane with a zero adjoint adds nothing, as in sweep(): 0 x Inf would be NaN.
        for (std::size_t l = 0; l < lanes; ++l) target[l] += is_zero_adjoint(a[l]) ? T(0) : d * a[l];
      }
      for (std::size_t l = 0; l < lanes; ++l) a[l] = T(0);
    }
  }

  /// A seed inside a custom block must start the sweep at the block's top slot.
  std::size_t block_top(std::size_t i) const noexcept {
    while (arity_.data()[i] == detail::kCustomInner) ++i;
    return i;
  }

  /// Adds the contributions of one scalar statement whose arity code is known at compile
  /// time (the common ones) or only at run time (code_c = std::integral_constant<unsigned,
  /// 0>, the dynamic fallback, with `code` the byte). `a` is its finished adjoint; on
  /// return `a` is the adjoint of slot below = i - 1 and `held` the kHoldFlag register.
  template <class CodeC>
  TAPEGRAD_INLINE static void statement(CodeC, unsigned code, const Index* arg, const T* d, T* adjoint,
                                        std::size_t below, T& a, T& held) {
    if constexpr (CodeC::value != 0) code = CodeC::value;
    const unsigned k = code >> detail::kArgumentShift;
    const bool chain = (code & detail::kChainFlag) != 0;
    const bool hold = (code & detail::kHoldFlag) != 0;
    const bool flush = (code & detail::kFlushFlag) != 0;
    // A statement with a zero adjoint (one y does not depend on) contributes nothing;
    // skipping it keeps an Inf or NaN partial from turning 0 into NaN elsewhere. A run
    // of held contributions that ends here is still added. (The flush is written on both
    // paths: one shared flush after a `live` test slowed the sweep by 5-8 %.)
    if (is_zero_adjoint(a)) {
      if (flush) add_held(adjoint[arg[k - 1]], held);
      a = adjoint[below];
      return;
    }
    // Memory arguments first: every store lands before slot i - 1's adjoint is read.
    const unsigned memory_end = hold ? k - 1 : k;
    for (unsigned j = chain ? 1 : 0; j < memory_end; ++j) {
      T& target = adjoint[arg[j]];
      target = detail::multiply_add(d[j], a, target);
    }
    if (flush) add_held(adjoint[arg[k - 1]], held);
    if (hold) held = detail::multiply_add(d[k - 1], a, held);
    a = chain ? detail::multiply_add(d[0], a, adjoint[below]) : adjoint[below];
  }

  /// Ends a run of kHoldFlag statements: their summed contributions join the adjoint of
  /// the slot they share.
  TAPEGRAD_INLINE static void add_held(T& target, T& held) {
    target += held;
    held = T(0);
  }

  /// Runs custom statement number c if any of its outputs has a nonzero adjoint (like a
  /// scalar statement, a block nobody depends on is skipped; input blocks have no
  /// backward at all). Returns the block's first slot.
  TAPEGRAD_NOINLINE std::size_t custom_statement(std::size_t c) {
    const Custom& s = custom_[c];
    T* const adjoint = adjoint_.data();
    const T* out = adjoint + s.first;
    if (s.backward != nullptr && std::any_of(out, out + s.count, [](const T& g) { return !is_zero_adjoint(g); }))
      s.backward(s.object, adjoint, s.first);
    return s.first;
  }

  /// The reverse sweep: one loop over the statements from `top` down to slot 1.
  TAPEGRAD_NOINLINE void sweep(std::size_t top) {
    using detail::kChainFlag;
    using detail::kFlushFlag;
    using detail::kHoldFlag;
    constexpr unsigned custom_top = static_cast<unsigned>(detail::kCustomTop);
    const detail::Arity* const arity = arity_.data();
    const Index* const index = arg_index_.data();
    const T* const partial = arg_partial_.data();
    T* const adjoint = adjoint_.data();
    std::size_t p = args_, c = custom_.size();
    for (std::size_t i = size_ - 1; i > top; --i) {  // skip what was recorded after y
      if (arity[i] == detail::kCustomTop)
        i = custom_[--c].first;
      else
        p -= static_cast<unsigned>(arity[i]) >> detail::kArgumentShift;
    }
    // `a` is the finished adjoint of slot i, carried in a register from one statement to
    // the next; `held` sums the kHoldFlag contributions (see the file comment).
    T a = adjoint[top];
    T held = T(0);
    for (std::size_t i = top; i > 0; --i) {
      const unsigned code = static_cast<unsigned>(arity[i]);
      adjoint[i] = a;
      const std::size_t below = i - 1;
      p -= code >> detail::kArgumentShift;  // 0 for the slots of a custom statement
      const Index* const arg = index + p;
      const T* const d = partial + p;
      using C = std::integral_constant<unsigned, 0>;
      switch (code) {  // one jump table; the common codes get straight-line code
        case custom_top:
          i = custom_statement(--c);  // the loop continues below the block
          a = adjoint[i - 1];         // the custom backward may have added to it
          break;
// One case per common code: statement() inlined with the code as a constant.
#define TAPEGRAD_SWEEP_CASE(k, hints)                                                                               \
  case ((k) << detail::kArgumentShift) | (hints):                                                                   \
    statement(std::integral_constant<unsigned, ((k) << detail::kArgumentShift) | (hints)>(), code, arg, d, adjoint, \
              below, a, held);                                                                                      \
    break;
          TAPEGRAD_SWEEP_CASE(1, 0)
          TAPEGRAD_SWEEP_CASE(2, 0)
          TAPEGRAD_SWEEP_CASE(3, 0)
          TAPEGRAD_SWEEP_CASE(4, 0)
          TAPEGRAD_SWEEP_CASE(5, 0)
          TAPEGRAD_SWEEP_CASE(1, kChainFlag)
          TAPEGRAD_SWEEP_CASE(2, kChainFlag)
          TAPEGRAD_SWEEP_CASE(3, kChainFlag)
          TAPEGRAD_SWEEP_CASE(4, kChainFlag)
          TAPEGRAD_SWEEP_CASE(5, kChainFlag)
          TAPEGRAD_SWEEP_CASE(2, kHoldFlag)
          TAPEGRAD_SWEEP_CASE(3, kHoldFlag)
          TAPEGRAD_SWEEP_CASE(2, kChainFlag | kHoldFlag)
          TAPEGRAD_SWEEP_CASE(3, kChainFlag | kHoldFlag)
          TAPEGRAD_SWEEP_CASE(2, kFlushFlag)
          TAPEGRAD_SWEEP_CASE(3, kFlushFlag)
          TAPEGRAD_SWEEP_CASE(2, kChainFlag | kFlushFlag)
          TAPEGRAD_SWEEP_CASE(3, kChainFlag | kFlushFlag)
#undef TAPEGRAD_SWEEP_CASE
        default:  // larger statements, and k = 0 (an independent variable)
          statement(C(), code, arg, d, adjoint, below, a, held);
      }
    }
    adjoint[0] = a;  // the sink (a statement at slot 1 may point at slot 0)
  }

  void destroy_customs(std::size_t keep) noexcept {
    while (custom_.size() > keep) {
      if (custom_.back().destroy) custom_.back().destroy(custom_.back().object);
      custom_.pop_back();
    }
  }

  detail::GrowBuffer<detail::Arity> arity_;
  detail::GrowBuffer<Index> arg_index_;
  detail::GrowBuffer<T> arg_partial_;
  detail::GrowBuffer<T> adjoint_;
  detail::GrowBuffer<T> lanes_;  // backward_rows' vector adjoints: all zero between calls
  std::size_t size_ = 1;         // slots in use; slot 0 is the constant sink
  std::size_t args_ = 0;         // arguments in use
  // The last argument of the scalar statement in slot size_ - 1, or kNoTarget if that
  // slot holds an input or a custom statement (see sweep_hints()).
  Index last_target_ = kNoTarget;
  std::size_t swept_ = 0;  // slots whose adjoints the last backward computed
  std::vector<Custom> custom_;
  detail::Arena arena_;
};

}  // namespace tapegrad

#include "tapegrad/core/var.hpp"
