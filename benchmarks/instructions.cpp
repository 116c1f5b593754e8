// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers

// tapegrad_instructions: the instructions one gradient of each tapegrad row executes,
// counted by callgrind. Run it through benchmarks/instructions.sh, which prints the table.
//
// Wall time on a shared 2-core VM varies by 5-15 % between runs of the same program, more
// than the differences a change to the recording path makes; instruction counts do not
// vary at all. They miss what costs time without costing instructions (store forwarding,
// the depth of dependency chains), so they complement the timings of tapegrad_bench and
// never replace them (docs/benchmarks.md).
//
//   valgrind --tool=callgrind tapegrad_instructions [ID prefix, e.g. P3]
//
// Each row runs two warm-up gradients, then three between CALLGRIND_ZERO_STATS and
// CALLGRIND_DUMP_STATS_AT("<id>_<form>"): every dump holds three gradients.

#include <valgrind/callgrind.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "harness.hpp"

int main(int argc, char** argv) {
  using namespace tapegrad_bench;
  const char* prefix = argc > 1 ? argv[1] : "";
  for (const Problem& p : problems()) {
    if (p.id.compare(0, std::strlen(prefix), prefix) != 0) continue;
    for (const Row& row : p.rows) {
      if (row.kind != Kind::tapegrad_scalar && row.kind != Kind::tapegrad_vectorized) continue;
      const std::unique_ptr<Evaluator> e = row.make();
      std::vector<double> g(p.x.size());
      for (int i = 0; i < 2; ++i) e->run(g.data());  // warm-up: the tape reaches its size
      CALLGRIND_ZERO_STATS;
      for (int i = 0; i < 3; ++i) e->run(g.data());
      char name[96];
      std::snprintf(name, sizeof name, "%s_%s", p.id.c_str(),
                    row.kind == Kind::tapegrad_scalar ? "scalar" : "vectorized");
      CALLGRIND_DUMP_STATS_AT(name);
    }
  }
  return 0;
}
