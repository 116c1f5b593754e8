// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// Misuse detection: stale Vars, foreign tapes, other threads, the active-tape chain.

#include <thread>

#include "test_support.hpp"

using tapegrad::Tape;
using tapegrad::TapeError;
using tapegrad::Var;

TEST_CASE("a Var from before clear() is rejected by backward and grad", "[ownership]") {
  Tape<double> tape;
  const Var<double> x = tape.variable(1.0);
  const Var<double> y = x * 2.0;
  tape.clear();
  const Var<double> z = tape.variable(5.0);
  tape.backward(z * 1.0);
  CHECK_THROWS_AS(tape.backward(y), TapeError);
  CHECK_THROWS_WITH(x.grad(), ContainsSubstring("is not on this tape"));
}

TEST_CASE("a Var rewound away is rejected even after the tape has regrown past it", "[ownership]") {
  Tape<double> tape;
  const Var<double> w = tape.variable(1.0);
  const auto mark = tape.mark();
  const Var<double> stale = w * 3.0;  // slot 2
  tape.rewind(mark);
  const Var<double> fresh = w * 4.0;  // slot 2 again, new era
  REQUIRE(fresh.index() == stale.index());
  CHECK(tape.owns(fresh));
  CHECK_FALSE(tape.owns(stale));
  CHECK(tape.owns(w));  // recorded before the mark: still valid
  CHECK_THROWS_AS(tape.backward(stale), TapeError);
  tape.backward(fresh);
  CHECK(w.grad() == 4.0);
}

TEST_CASE("the era stack stays bounded over many rewinds", "[ownership]") {
  Tape<double> tape;
  const Var<double> w = tape.variable(1.0);
  const auto mark = tape.mark();
  tape.backward(w * w);  // warm-up: the adjoint and argument arrays grow once
  tape.rewind(mark);
  const std::size_t memory = tape.memory_bytes();
  for (int i = 0; i < 10000; ++i) {
    const Var<double> loss = w * w;
    tape.backward(loss);
    tape.rewind(mark);
  }
  CHECK(tape.memory_bytes() == memory);
  CHECK(tape.owns(w));
}

TEST_CASE("nested marks: rewinding to an outer mark invalidates inner eras", "[ownership]") {
  Tape<double> tape;
  const Var<double> a = tape.variable(1.0);
  const auto outer = tape.mark();
  const Var<double> b = a * 2.0;
  const auto inner = tape.mark();
  const Var<double> c = b * 2.0;
  tape.rewind(inner);
  CHECK(tape.owns(b));
  CHECK_FALSE(tape.owns(c));
  tape.rewind(outer);
  CHECK_FALSE(tape.owns(b));
  CHECK(tape.owns(a));
  CHECK_THROWS_AS(tape.rewind(inner), TapeError);  // that mark no longer describes the tape
}

TEST_CASE("a Var of another tape is rejected", "[ownership]") {
  Tape<double> first;
  const Var<double> x = first.variable(1.0);
  Tape<double> second;  // now the active tape
  const Var<double> y = second.variable(2.0);
  CHECK_FALSE(second.owns(x));
  CHECK_THROWS_AS(second.backward(x), TapeError);
  CHECK_THROWS_AS(x.grad(), TapeError);  // grad() reads the active tape, which is `second`
  second.backward(y * 3.0);
  CHECK(y.grad() == 3.0);
  CHECK_THROWS_WITH(Var<double>(x * y), ContainsSubstring("an operation"));
}

TEST_CASE("a Var of another thread's tape is rejected", "[ownership][threads]") {
  Var<double> from_worker;
  std::thread worker([&] {
    Tape<double> tape;
    from_worker = tape.variable(1.0) * 2.0;
  });
  worker.join();
  Tape<double> tape;
  CHECK_FALSE(tape.owns(from_worker));
  CHECK_THROWS_AS(tape.backward(from_worker), TapeError);
}

TEST_CASE("a tape active on one thread cannot be used from another", "[ownership][threads]") {
  Tape<double> tape;  // active on this thread
  const Var<double> x = tape.variable(1.0);
  bool scope_threw = false, backward_threw = false;
  std::thread other([&] {
    try {
      tapegrad::TapeScope<double> scope(tape);
    } catch (const TapeError&) {
      scope_threw = true;
    }
    try {
      tape.backward(x);
    } catch (const TapeError&) {
      backward_threw = true;
    }
  });
  other.join();
  CHECK(scope_threw);
  CHECK(backward_threw);
}

TEST_CASE("operating on Vars with no active tape is an error", "[ownership]") {
  Var<double> x;
  {
    Tape<double> tape;
    x = tape.variable(1.0);
  }
  REQUIRE(tapegrad::active_tape<double>() == nullptr);
  CHECK_THROWS_WITH(Var<double>(x * x), ContainsSubstring("no active tape"));
  CHECK_THROWS_AS(x.grad(), TapeError);
}

TEST_CASE("tapes destroyed out of order leave the active chain consistent", "[ownership]") {
  auto first = std::make_unique<Tape<double>>();
  auto second = std::make_unique<Tape<double>>();
  auto third = std::make_unique<Tape<double>>();
  CHECK(tapegrad::active_tape<double>() == third.get());
  second.reset();  // not the active one
  CHECK(tapegrad::active_tape<double>() == third.get());
  third.reset();
  CHECK(tapegrad::active_tape<double>() == first.get());  // skips the destroyed second
  first.reset();
  CHECK(tapegrad::active_tape<double>() == nullptr);
}

TEST_CASE("TapeScope activates a tape and restores the previous one", "[ownership]") {
  Tape<double> outer;
  Tape<double> later(tapegrad::Activation::later);
  CHECK(tapegrad::active_tape<double>() == &outer);
  {
    tapegrad::TapeScope<double> scope(later);
    CHECK(tapegrad::active_tape<double>() == &later);
    const Var<double> x = later.variable(2.0);
    later.backward(x * x);
    CHECK(x.grad() == 4.0);
  }
  CHECK(tapegrad::active_tape<double>() == &outer);
}

TEST_CASE("tapes of different scalar types are active independently", "[ownership]") {
  Tape<double> d;
  Tape<float> f;
  const Var<double> x = d.variable(1.5);
  const Var<float> y = f.variable(2.5f);
  d.backward(x * x);
  f.backward(y * y);
  CHECK(x.grad() == 3.0);
  CHECK(y.grad() == 5.0f);
}

TEST_CASE("a mark stays valid across any number of rewinds to it", "[ownership]") {
  Tape<double> tape;
  const auto empty = tape.mark();
  double w = 1.0;
  for (int step = 0; step < 5; ++step) {  // the training-loop pattern: rewind, record, sweep
    tape.rewind(empty);
    const Var<double> x = tape.variable(w);
    tape.backward(x * x);
    w -= 0.1 * x.grad();
  }
  CHECK_CLOSE(w, std::pow(0.8, 5), 1e-15);
  const Var<double> base = tape.variable(1.0);
  const auto mark = tape.mark();
  for (int step = 0; step < 5; ++step) {
    tape.rewind(mark);
    tape.backward(base * static_cast<double>(step));
    CHECK(base.grad() == step);
  }
  tape.clear();
  CHECK_THROWS_AS(tape.rewind(mark), TapeError);  // cleared below the mark
  tape.rewind(empty);                             // an empty-tape mark survives clear(): nothing lies below it
}

TEST_CASE("generations have 16 of 32 bits set, so none is a bitwise subset of another", "[ownership]") {
  // The recording check relies on it: g & ~era == 0 only for g = 0 and g = era.
  const auto bits = [](std::uint32_t g) {
    int n = 0;
    for (; g != 0; g &= g - 1) ++n;
    return n;
  };
  std::uint32_t g = tapegrad::detail::kFirstGeneration;
  for (int i = 0; i < 100000; ++i) {
    const std::uint32_t next = tapegrad::detail::next_generation(g);
    REQUIRE(bits(next) == 16);
    REQUIRE(next > g);  // strictly increasing until the wrap
    REQUIRE((next & ~g) != 0);
    g = next;
  }
  // The largest wraps to the smallest.
  CHECK(tapegrad::detail::next_generation(0xFFFF0000u) == tapegrad::detail::kFirstGeneration);
  CHECK(tapegrad::detail::next_generation(0xFFFE8000u) == 0xFFFF0000u);
  // Every tape's generation is one of them.
  Tape<double> tape;
  CHECK(bits(tape.generation()) == 16);
  tape.clear();
  CHECK(bits(tape.generation()) == 16);
}
