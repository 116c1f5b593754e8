// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Parameters: the named weight blocks of a model (W1, b1, W2, b2, ...) stored in ONE
/// contiguous vector w, so that optimizers see a single flat w and gradient g.
///
/// Each training step binds w to a tape with one statement (matrix_variable_in_place of
/// the whole vector: the tape reads w where it is) and hands the model a MatrixVar view
/// of every block (same slots, nothing more recorded); after backward, one copy brings
/// dL/dw back. A tape that is cleared and reused makes this allocation-free after the
/// first step.

#include <Eigen/Core>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tapegrad/eigen/matrix_var.hpp"
#include "tapegrad/optim/checks.hpp"

namespace tapegrad::optim {

/// Named matrix blocks laid out one after another (column-major) in a flat vector.
template <class T>
class Parameters {
 public:
  /// Where a block lives in the flat vector.
  struct Block {
    std::string name;
    Eigen::Index rows = 0, cols = 0, offset = 0;
    bool decay = true;  ///< whether weight decay applies (false for biases)
    Eigen::Index size() const noexcept { return rows * cols; }
  };

  /// Appends a rows x cols block holding `init`; returns its index. `decay` marks
  /// whether L2 weight decay applies to it.
  std::size_t add(std::string name, const MatrixX<T>& init, bool decay = true) {
    if (init.size() == 0)
      detail::throw_invalid_argument("Parameters::add: block '" + name + "' is " +
                                     detail::shape_string(init.rows(), init.cols()) + "; expected a non-empty matrix");
    for (const Block& b : blocks_)
      if (b.name == name)
        detail::throw_invalid_argument("Parameters::add: a block named '" + name + "' exists already");
    const Eigen::Index offset = w_.size();
    VectorX<T> grown(offset + init.size());
    grown.head(offset) = w_;
    Eigen::Map<MatrixX<T>>(grown.data() + offset, init.rows(), init.cols()) = init;
    w_ = std::move(grown);
    blocks_.push_back(Block{std::move(name), init.rows(), init.cols(), offset, decay});
    return blocks_.size() - 1;
  }

  /// Parameters from a layout and its values (e.g. read from a checkpoint): the blocks
  /// must lie one after another from offset 0 and cover `values` exactly, with non-empty
  /// shapes and distinct names; otherwise std::invalid_argument naming the first bad block.
  static Parameters from_layout(std::vector<Block> blocks, VectorX<T> values) {
    std::set<std::string> names;
    Eigen::Index end = 0;
    for (const Block& b : blocks) {
      if (b.rows < 1 || b.cols < 1 || b.offset != end)
        detail::throw_invalid_argument("Parameters::from_layout: block '" + b.name + "' is " +
                                       detail::shape_string(b.rows, b.cols) + " at offset " + std::to_string(b.offset) +
                                       "; expected a non-empty block at offset " + std::to_string(end));
      if (!names.insert(b.name).second)
        detail::throw_invalid_argument("Parameters::from_layout: two blocks are named '" + b.name + "'");
      end += b.size();
    }
    if (end != values.size())
      detail::throw_invalid_argument("Parameters::from_layout: the blocks hold " + std::to_string(end) +
                                     " values, given " + std::to_string(values.size()));
    Parameters p;
    p.blocks_ = std::move(blocks);
    p.w_ = std::move(values);
    return p;
  }
  /// Number of blocks.
  std::size_t block_count() const noexcept { return blocks_.size(); }
  /// Number of scalars over all blocks.
  Eigen::Index size() const noexcept { return w_.size(); }
  /// The layout of block i.
  const Block& info(std::size_t i) const { return blocks_.at(i); }
  /// The index of the block called `name` (std::invalid_argument if there is none).
  std::size_t index(const std::string& name) const {
    for (std::size_t i = 0; i < blocks_.size(); ++i)
      if (blocks_[i].name == name) return i;
    detail::throw_invalid_argument("Parameters: no block named '" + name + "'");
  }

  /// Block i as a writable matrix view into the flat vector.
  Eigen::Map<MatrixX<T>> operator[](std::size_t i) {
    const Block& b = blocks_.at(i);
    return Eigen::Map<MatrixX<T>>(w_.data() + b.offset, b.rows, b.cols);
  }
  /// Block i as a read-only matrix view.
  Eigen::Map<const MatrixX<T>> operator[](std::size_t i) const {
    const Block& b = blocks_.at(i);
    return Eigen::Map<const MatrixX<T>>(w_.data() + b.offset, b.rows, b.cols);
  }
  /// The block called `name`.
  Eigen::Map<MatrixX<T>> operator[](const std::string& name) { return (*this)[index(name)]; }
  /// The block called `name`.
  Eigen::Map<const MatrixX<T>> operator[](const std::string& name) const { return (*this)[index(name)]; }

  /// The flat vector of all parameters.
  const VectorX<T>& values() const noexcept { return w_; }
  /// The flat vector, writable (its size cannot change through this reference).
  Eigen::Ref<VectorX<T>> values() noexcept { return w_; }

  /// Replaces all values from a flat vector. Throws std::invalid_argument (and changes
  /// nothing) if its size differs or an entry is not finite.
  void assign(const VectorX<T>& w) {
    if (w.size() != w_.size())
      detail::throw_invalid_argument("Parameters::assign: " + std::to_string(w.size()) + " values for a model with " +
                                     std::to_string(w_.size()) + " parameters");
    detail::require_finite(w, "Parameters::assign: value ");
    w_ = w;
  }
  /// Replaces block `name`. Throws std::invalid_argument (and changes nothing) if the
  /// shape differs or an entry is not finite.
  void set(const std::string& name, const MatrixX<T>& value) {
    const Block& b = blocks_[index(name)];
    if (value.rows() != b.rows || value.cols() != b.cols)
      detail::throw_invalid_argument("Parameters::set: block '" + name + "' is " +
                                     detail::shape_string(b.rows, b.cols) + ", given " +
                                     detail::shape_string(value.rows(), value.cols()));
    detail::require_finite(value, "Parameters::set: '" + name + "' value ");
    (*this)[index(name)] = value;
  }

  /// 1 for the entries weight decay applies to, 0 for the others (e.g. biases).
  VectorX<T> decay_mask() const {
    VectorX<T> mask = VectorX<T>::Zero(w_.size());
    for (const Block& b : blocks_)
      if (b.decay) mask.segment(b.offset, b.size()).setOnes();
    return mask;
  }

 private:
  VectorX<T> w_;
  std::vector<Block> blocks_;
};

/// The parameters of a model bound to a tape: the whole flat vector as one MatrixVar,
/// and a MatrixVar view of each block (the same slots: nothing extra is recorded).
template <class T>
class BoundParameters {
 public:
  /// Records p's values on `tape` (one statement) and makes the block views. The tape
  /// reads the values in place (no copy per step), so p must not change until backward()
  /// has run. Reuses this object's storage: binding the same model again allocates nothing.
  void bind(Tape<T>& tape, const Parameters<T>& p) { view(matrix_variable_in_place(tape, p.values()), p); }

  /// Views `flat` (a MatrixVar of p.size() entries, e.g. to_matrix_var of the Vars
  /// value_and_gradient passes in) as p's blocks.
  void view(const MatrixVar<T>& flat, const Parameters<T>& p) {
    if (flat.size() != p.size())
      detail::throw_invalid_argument("BoundParameters: " + std::to_string(flat.size()) + " values for " +
                                     std::to_string(p.size()) + " parameters");
    flat_ = flat;
    blocks_.resize(p.block_count());
    const T* values = flat.value().data();
    for (std::size_t i = 0; i < p.block_count(); ++i) {
      const auto& b = p.info(i);
      blocks_[i] = MatrixVar<T>::from_block(values + b.offset, static_cast<Index>(flat.first_slot() + b.offset),
                                            flat.generation(), b.rows, b.cols);
    }
  }

  /// Block i on the tape.
  const MatrixVar<T>& operator[](std::size_t i) const { return blocks_[i]; }
  /// Number of blocks.
  std::size_t size() const noexcept { return blocks_.size(); }
  /// All parameters as one column MatrixVar.
  const MatrixVar<T>& flat() const noexcept { return flat_; }

  /// After tape.backward(L): writes dL/dw (flat, p.size() entries) into g.
  void gradient_into(const Tape<T>& tape, Eigen::Ref<VectorX<T>> g) const {
    if (g.size() != flat_.size())
      detail::throw_invalid_argument("BoundParameters::gradient_into: output has " + std::to_string(g.size()) +
                                     " entries; expected " + std::to_string(flat_.size()));
    tape.check_owned(flat_(0, 0), "BoundParameters::gradient_into");
    tape.copy_adjoints(flat_.first_slot(), static_cast<std::size_t>(flat_.size()), g.data());
  }

  /// After tape.backward(L): dL/dw (flat) where the sweep left it, on the tape, with no
  /// copy; it may be changed in place and stays valid until the tape records or sweeps
  /// again. nullptr if L was recorded before the parameters (then use gradient_into).
  T* gradient_in_place(Tape<T>& tape) const {
    tape.check_owned(flat_(0, 0), "BoundParameters::gradient_in_place");
    return tape.adjoints_in_place(flat_.first_slot(), static_cast<std::size_t>(flat_.size()));
  }

 private:
  MatrixVar<T> flat_;
  std::vector<MatrixVar<T>> blocks_;
};

}  // namespace tapegrad::optim
