// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// libFuzzer target: the fuzzer's bytes choose a program (inputs, point, nodes) through
// the same generator as the property test (expression_fuzz.hpp, ByteSource), and the
// same Checker runs on it: exact values, repeatable sweeps, finite-difference agreement
// where well-conditioned. A failed check prints the program and aborts; a crash or a
// sanitizer report is a finding too. Build and run with tests/fuzz/run_fuzzer.sh.

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "expression_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static tapegrad_fuzz::Checker checker;  // tapes are reused across inputs
  tapegrad_fuzz::ByteSource source(data, size);
  const tapegrad_fuzz::Program program = tapegrad_fuzz::generate(source);
  const tapegrad_fuzz::Result result = checker.check(program);
  if (result.verdict == tapegrad_fuzz::Verdict::failed) {
    std::fputs(result.report.c_str(), stderr);
    std::fflush(stderr);
    std::abort();
  }
  return 0;
}
