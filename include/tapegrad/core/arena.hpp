// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Growable storage for the tape: a flat array that only grows, and a bump arena for
/// variable-sized records (custom statements, matrix values). Both keep their memory on
/// rewind/clear, so a training loop allocates only while the tape is warming up.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <vector>

#include "tapegrad/core/config.hpp"

namespace tapegrad::detail {

/// A heap array with a capacity; elements are default-initialized (raw for doubles).
template <class U>
class GrowBuffer {
 public:
  /// Pointer to the first element.
  U* data() noexcept { return data_.get(); }
  /// Pointer to the first element.
  const U* data() const noexcept { return data_.get(); }
  /// Number of elements the buffer can hold.
  std::size_t capacity() const noexcept { return capacity_; }

  /// Grows to at least `wanted` elements, keeping the first `keep` of them.
  void grow(std::size_t wanted, std::size_t keep) {
    if (wanted <= capacity_) return;
    const std::size_t new_capacity = std::max(wanted, capacity_ * 2);
    std::unique_ptr<U[]> bigger(new U[new_capacity]);
    std::copy(data_.get(), data_.get() + keep, bigger.get());
    data_ = std::move(bigger);
    capacity_ = new_capacity;
  }

  /// Frees the memory.
  void release() noexcept {
    data_.reset();
    capacity_ = 0;
  }

 private:
  std::unique_ptr<U[]> data_;
  std::size_t capacity_ = 0;
};

/// Bump allocator over a list of blocks. Blocks never move, so pointers into the arena
/// stay valid until the arena is rewound past them.
class Arena {
 public:
  /// A position to rewind to.
  struct Mark {
    std::size_t block = 0;
    std::size_t offset = 0;
  };

  /// Returns `bytes` bytes aligned to `align` (a power of two), valid until rewound past.
  void* allocate(std::size_t bytes, std::size_t align) {
    while (true) {
      if (block_ < blocks_.size()) {
        Block& b = blocks_[block_];
        const auto base = reinterpret_cast<std::uintptr_t>(b.memory.get());
        const std::size_t start = ((base + offset_ + align - 1) & ~(align - 1)) - base;
        if (start + bytes <= b.size) {
          offset_ = start + bytes;
          return b.memory.get() + start;
        }
        if (block_ + 1 == blocks_.size()) append_block(bytes + align);
        ++block_;  // blocks kept from an earlier pass are reused in order
        offset_ = 0;
      } else {
        append_block(bytes + align);
        block_ = blocks_.size() - 1;
        offset_ = 0;
      }
    }
  }

  /// Typed allocation of n uninitialized objects.
  template <class U>
  U* allocate_array(std::size_t n) {
    return static_cast<U*>(allocate(n * sizeof(U), alignof(U) < 64 ? 64 : alignof(U)));
  }

  /// The current position.
  Mark mark() const noexcept { return {block_, offset_}; }
  /// Forgets everything allocated after `m`; keeps the blocks for reuse.
  void rewind(const Mark& m) noexcept {
    block_ = m.block;
    offset_ = m.offset;
  }
  /// Bytes held (all blocks).
  std::size_t capacity_bytes() const noexcept {
    std::size_t total = 0;
    for (const Block& b : blocks_) total += b.size;
    return total;
  }
  /// Frees every block.
  void release() noexcept {
    blocks_.clear();
    block_ = 0;
    offset_ = 0;
  }

 private:
  struct Block {
    std::unique_ptr<std::byte[]> memory;
    std::size_t size;
  };

  TAPEGRAD_NOINLINE void append_block(std::size_t at_least) {
    const std::size_t last = blocks_.empty() ? 0 : blocks_.back().size;
    const std::size_t size = std::max({at_least, std::size_t{64} * 1024, 2 * last});
    blocks_.push_back(Block{std::unique_ptr<std::byte[]>(new std::byte[size]), size});
  }

  std::vector<Block> blocks_;
  std::size_t block_ = 0;
  std::size_t offset_ = 0;
};

}  // namespace tapegrad::detail
