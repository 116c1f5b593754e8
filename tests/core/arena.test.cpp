// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// core/arena.hpp: GrowBuffer (grows geometrically, keeps the prefix it is told to keep,
// never shrinks) and Arena (aligned bump allocation over blocks that never move, marks
// and rewinds that keep the memory, release).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "tapegrad/core/arena.hpp"
#include "test_support.hpp"

namespace arena_tests {

using tapegrad::detail::Arena;
using tapegrad::detail::GrowBuffer;

std::uintptr_t address_of(const void* p) { return reinterpret_cast<std::uintptr_t>(p); }

// Fills n bytes at p with a pattern that depends on `seed`, and checks it back.
void fill_pattern(void* p, std::size_t n, unsigned seed) {
  auto* bytes = static_cast<unsigned char*>(p);
  for (std::size_t i = 0; i < n; ++i) bytes[i] = static_cast<unsigned char>((i * 31u + seed * 7u + 1u) & 0xFFu);
}
bool has_pattern(const void* p, std::size_t n, unsigned seed) {
  const auto* bytes = static_cast<const unsigned char*>(p);
  for (std::size_t i = 0; i < n; ++i)
    if (bytes[i] != static_cast<unsigned char>((i * 31u + seed * 7u + 1u) & 0xFFu)) return false;
  return true;
}

// A region [begin, end) handed out by the arena.
struct Region {
  std::uintptr_t begin, end;
};
bool disjoint(std::vector<Region> regions) {
  std::sort(regions.begin(), regions.end(), [](const Region& a, const Region& b) { return a.begin < b.begin; });
  for (std::size_t i = 1; i < regions.size(); ++i)
    if (regions[i - 1].end > regions[i].begin) return false;
  return true;
}

// An element type that is not a plain number, to show GrowBuffer copies whole objects.
struct Pair {
  int key = -1;
  double value = 0.0;
};

TEST_CASE("GrowBuffer starts empty and grows to at least the size asked for", "[arena][growbuffer]") {
  GrowBuffer<double> b;
  CHECK(b.capacity() == 0);
  CHECK(b.data() == nullptr);
  b.grow(10, 0);
  CHECK(b.capacity() >= 10);
  REQUIRE(b.data() != nullptr);
  for (std::size_t i = 0; i < 10; ++i) b.data()[i] = 0.5 * double(i);
  const GrowBuffer<double>& cb = b;
  CHECK(cb.data() == b.data());  // the const view sees the same memory
  CHECK(cb.data()[9] == 4.5);
}

TEST_CASE("GrowBuffer::grow is a no-op when the capacity suffices", "[arena][growbuffer]") {
  GrowBuffer<int> b;
  b.grow(16, 0);
  for (int i = 0; i < 16; ++i) b.data()[i] = i * i;
  const int* before = b.data();
  for (std::size_t wanted : {std::size_t{0}, std::size_t{1}, std::size_t{15}, std::size_t{16}}) {
    b.grow(wanted, 0);  // keep = 0, yet nothing may be lost: nothing moves
    CHECK(b.capacity() == 16);
    CHECK(b.data() == before);
  }
  for (int i = 0; i < 16; ++i) CHECK(b.data()[i] == i * i);
}

TEST_CASE("GrowBuffer at least doubles, and keeps exactly the first `keep` elements", "[arena][growbuffer]") {
  GrowBuffer<long> b;
  b.grow(8, 0);
  for (long i = 0; i < 8; ++i) b.data()[i] = 100 + i;
  b.grow(9, 8);  // a little more: at least doubles
  CHECK(b.capacity() >= 16);
  for (long i = 0; i < 8; ++i) CHECK(b.data()[i] == 100 + i);
  for (long i = 8; i < 16; ++i) b.data()[i] = 100 + i;
  b.grow(1000, 12);  // far more than double: at least what was asked for
  CHECK(b.capacity() >= 1000);
  for (long i = 0; i < 12; ++i) CHECK(b.data()[i] == 100 + i);
  // Geometric growth: one element at a time costs O(log n) reallocations (at least
  // doubling each time: 1, 2, 4, ..., 4096 at most).
  GrowBuffer<long> g;
  int moves = 0;
  for (std::size_t n = 1; n <= 4096; ++n) {
    const std::size_t cap = g.capacity();
    g.grow(n, n - 1);
    g.data()[n - 1] = static_cast<long>(n);
    if (g.capacity() != cap) ++moves;
  }
  CHECK(moves <= 13);
  CHECK(g.capacity() >= 4096);
  bool intact = true;
  for (std::size_t i = 0; i < 4096; ++i) intact = intact && g.data()[i] == static_cast<long>(i + 1);
  CHECK(intact);
}

TEST_CASE("GrowBuffer copies whole objects and release frees everything", "[arena][growbuffer]") {
  GrowBuffer<Pair> b;
  b.grow(3, 0);
  for (int i = 0; i < 3; ++i) b.data()[i] = Pair{i, 1.5 * i};
  b.grow(4, 3);
  CHECK(b.capacity() >= 6);
  for (int i = 0; i < 3; ++i) {
    CHECK(b.data()[i].key == i);
    CHECK(b.data()[i].value == 1.5 * i);
  }
  CHECK(b.data()[5].key == -1);  // new class-type elements are default-constructed
  b.release();
  CHECK(b.capacity() == 0);
  CHECK(b.data() == nullptr);
  b.release();  // twice is harmless
  CHECK(b.capacity() == 0);
  b.grow(2, 0);  // usable again after release
  CHECK(b.capacity() >= 2);
  b.data()[1] = Pair{7, 7.0};
  CHECK(b.data()[1].key == 7);
}

TEST_CASE("Arena::allocate returns aligned, disjoint, writable regions", "[arena]") {
  Arena arena;
  CHECK(arena.capacity_bytes() == 0);
  std::vector<Region> regions;
  std::vector<std::pair<void*, std::size_t>> handed;
  const std::size_t aligns[] = {1, 2, 4, 8, 16, 32, 64, 128, 256, 4096};
  unsigned seed = 0;
  for (int round = 0; round < 40; ++round) {
    for (std::size_t align : aligns) {
      const std::size_t bytes = 1 + (std::size_t(round) * 37 + align * 3) % 300;
      void* p = arena.allocate(bytes, align);
      REQUIRE(p != nullptr);
      CHECK(address_of(p) % align == 0);
      fill_pattern(p, bytes, seed++);
      regions.push_back({address_of(p), address_of(p) + bytes});
      handed.emplace_back(p, bytes);
    }
  }
  CHECK(disjoint(regions));
  // Nothing written later overwrote anything written earlier.
  bool intact = true;
  for (std::size_t i = 0; i < handed.size(); ++i)
    intact = intact && has_pattern(handed[i].first, handed[i].second, static_cast<unsigned>(i));
  CHECK(intact);
}

TEST_CASE("Arena: one block serves many small requests; a larger one gets a block that fits it", "[arena]") {
  Arena arena;
  void* small = arena.allocate(100, 8);
  const std::size_t first_block = arena.capacity_bytes();
  CHECK(first_block >= 100);
  fill_pattern(small, 100, 1);
  // Small requests are carved from the same block: no new memory per request.
  for (int i = 0; i < 30; ++i) arena.allocate(100, 8);
  CHECK(arena.capacity_bytes() == first_block);
  // One request larger than any block so far: a block of its own, at least as large.
  const std::size_t big = 4 * first_block + 1000;
  void* large = arena.allocate(big, 64);
  CHECK(address_of(large) % 64 == 0);
  CHECK(arena.capacity_bytes() >= first_block + big);
  fill_pattern(large, big, 2);
  CHECK(has_pattern(small, 100, 1));  // blocks never move
  CHECK(has_pattern(large, big, 2));
}

TEST_CASE("Arena: a request that exactly fits what is left of a block is served from it", "[arena]") {
  Arena arena;
  arena.allocate(1, 1);
  const std::size_t block = arena.capacity_bytes();
  arena.rewind(Arena::Mark{});
  // The whole block but the worst alignment padding (operator new[] aligns to at least 16).
  const std::size_t bytes = block - 64;
  void* whole = arena.allocate(bytes, 64);
  CHECK(address_of(whole) % 64 == 0);
  CHECK(arena.capacity_bytes() == block);  // no new block
  fill_pattern(whole, bytes, 3);
  CHECK(has_pattern(whole, bytes, 3));
  // At most 64 bytes are left: 65 do not fit. A new block, the first one intact.
  void* next = arena.allocate(65, 64);
  CHECK(arena.capacity_bytes() > block);
  CHECK((address_of(next) >= address_of(whole) + bytes || address_of(next) + 65 <= address_of(whole)));
  fill_pattern(next, 65, 4);
  CHECK(has_pattern(whole, bytes, 3));
}

TEST_CASE("Arena: pointers stay valid while new blocks are added; growth is geometric", "[arena]") {
  Arena arena;
  std::vector<std::pair<void*, std::size_t>> handed;
  std::size_t total = 0;
  for (unsigned i = 0; i < 1500; ++i) {  // about 1.5 MB in pieces of ~1 KB
    const std::size_t bytes = 512 + (i * 97) % 1024;
    void* p = arena.allocate(bytes, 16);
    fill_pattern(p, bytes, i);
    handed.emplace_back(p, bytes);
    total += bytes;
  }
  bool intact = true;
  for (unsigned i = 0; i < handed.size(); ++i) intact = intact && has_pattern(handed[i].first, handed[i].second, i);
  CHECK(intact);
  CHECK(arena.capacity_bytes() >= total);
  // Blocks double: what is held stays below twice what was asked for plus one block.
  Arena one;
  one.allocate(1, 1);
  CHECK(arena.capacity_bytes() < 2 * total + one.capacity_bytes());
}

TEST_CASE("Arena::allocate_array aligns to at least a cache line", "[arena]") {
  Arena arena;
  struct alignas(128) Wide {
    double x[16];
  };
  for (int i = 0; i < 20; ++i) {
    char* c = arena.allocate_array<char>(std::size_t(1 + i));
    double* d = arena.allocate_array<double>(std::size_t(3 + i));
    Wide* w = arena.allocate_array<Wide>(2);
    CHECK(address_of(c) % 64 == 0);
    CHECK(address_of(d) % 64 == 0);
    CHECK(address_of(w) % 128 == 0);  // over-aligned types keep their own alignment
    // The arrays do not overlap: each starts at or after the end of the previous one.
    CHECK(address_of(d) >= address_of(c + 1 + i));
    CHECK(address_of(w) >= address_of(d + 3 + i));
    for (int k = 0; k < 3 + i; ++k) d[k] = double(k);
    w[1].x[15] = 2.5;
    CHECK(d[2 + i] == double(2 + i));
    CHECK(w[1].x[15] == 2.5);
  }
}

TEST_CASE("Arena: rewind to a mark hands out the same memory again and keeps the blocks", "[arena]") {
  Arena arena;
  void* kept = arena.allocate(64, 8);
  fill_pattern(kept, 64, 9);
  const Arena::Mark m = arena.mark();
  // A first pass that spans several blocks.
  std::vector<void*> first;
  for (int i = 0; i < 100; ++i) first.push_back(arena.allocate(4000, 32));
  const std::size_t held = arena.capacity_bytes();
  Arena one;
  one.allocate(1, 1);
  CHECK(held > one.capacity_bytes());  // more than one block
  const Arena::Mark end = arena.mark();
  CHECK((end.block != m.block || end.offset != m.offset));
  arena.rewind(m);
  CHECK(arena.mark().block == m.block);
  CHECK(arena.mark().offset == m.offset);
  // The same sequence again: the same addresses, and not one byte more memory.
  for (int i = 0; i < 100; ++i) CHECK(arena.allocate(4000, 32) == first[std::size_t(i)]);
  CHECK(arena.capacity_bytes() == held);
  CHECK(arena.mark().block == end.block);
  CHECK(arena.mark().offset == end.offset);
  CHECK(has_pattern(kept, 64, 9));  // below the mark: untouched
  // Rewinding to the very start reuses the first block from its beginning.
  arena.rewind(Arena::Mark{});
  CHECK(arena.allocate(64, 8) == kept);
  CHECK(arena.capacity_bytes() == held);
}

TEST_CASE("Arena: after a rewind, a request too large for the kept blocks gets a new one", "[arena]") {
  Arena arena;
  void* a = arena.allocate(1000, 8);
  arena.rewind(Arena::Mark{});
  const std::size_t held = arena.capacity_bytes();
  // Larger than the only block: served from a fresh block, the old one stays.
  void* big = arena.allocate(200 * 1024, 16);
  CHECK(address_of(big) % 16 == 0);
  CHECK(arena.capacity_bytes() >= held + 200 * 1024);
  fill_pattern(big, 200 * 1024, 4);
  CHECK(has_pattern(big, 200 * 1024, 4));
  arena.rewind(Arena::Mark{});
  CHECK(arena.allocate(1000, 8) == a);  // the first block is reused first
}

TEST_CASE("Arena::release frees every block; the arena is usable again", "[arena]") {
  Arena arena;
  for (int i = 0; i < 50; ++i) arena.allocate(8000, 8);
  CHECK(arena.capacity_bytes() > 0);
  arena.release();
  CHECK(arena.capacity_bytes() == 0);
  CHECK(arena.mark().block == 0);
  CHECK(arena.mark().offset == 0);
  void* p = arena.allocate(128, 64);
  CHECK(address_of(p) % 64 == 0);
  CHECK(arena.capacity_bytes() >= 128 + 64);
  fill_pattern(p, 128, 5);
  CHECK(has_pattern(p, 128, 5));
}

TEST_CASE("The tape keeps its arena across rewind and clear", "[arena][tape]") {
  // A matrix variable lives in the tape's arena: recording the same values after a rewind
  // or a clear reuses the same memory.
  tapegrad::Tape<double> tape;
  const tapegrad::MatrixX<double> values = tapegrad::MatrixX<double>::Constant(8, 8, 0.25);
  const auto m = tape.mark();
  const auto A = tapegrad::matrix_variable(tape, values);
  const double* where = A.value().data();
  const std::size_t held = tape.arena().capacity_bytes();
  CHECK(held >= 64 * sizeof(double));
  tape.rewind(m);
  const auto B = tapegrad::matrix_variable(tape, values);
  CHECK(B.value().data() == where);
  tape.clear();
  const auto C = tapegrad::matrix_variable(tape, values);
  CHECK(C.value().data() == where);
  CHECK(tape.arena().capacity_bytes() == held);
  CHECK(C.value()(7, 7) == 0.25);
}

}  // namespace arena_tests
