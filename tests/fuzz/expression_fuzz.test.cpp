// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// Fuzzed gradients: random expression DAGs (depth <= 8, every primitive, shared
// subexpressions, several inputs) at random points inside each primitive's domain,
// tape gradients against long double central differences. The generator, the
// interpreter, the tolerance rule and the skip rule are in expression_fuzz.hpp.
//
//   TAPEGRAD_FUZZ_CASES=100000 build/tests/test_fuzz   # the long run (default 10^4)
//   TAPEGRAD_FUZZ_SEED=<n>                              # another seed (case k uses seed + k)

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "catch_compat.hpp"
#include "expression_fuzz.hpp"

using tapegrad_fuzz::Op;

namespace {

std::uint64_t env_or(const char* name, std::uint64_t fallback) {
  const char* text = std::getenv(name);
  return (text != nullptr && *text != '\0') ? std::strtoull(text, nullptr, 10) : fallback;
}

/// Counts, for the summary and the coverage checks.
struct Tally {
  std::uint64_t generated = 0, checked = 0, skipped = 0, failed = 0, constant = 0;
  std::map<std::string, std::uint64_t> skip_reasons;
  std::map<std::string, std::uint64_t> op_cases;  // well-conditioned cases whose y uses the op
  std::vector<std::string> failures;              // the first few reports

  /// Counts one case; `replay` says how to run a failed case again.
  void record(const tapegrad_fuzz::Program& p, const tapegrad_fuzz::Result& r, const std::string& replay) {
    ++generated;
    if (r.verdict == tapegrad_fuzz::Verdict::ill_conditioned) {
      ++skipped;
      ++skip_reasons[r.reason.substr(0, r.reason.find(" (x"))];  // one line per reason, not per input
      return;
    }
    ++checked;
    if (r.constant) ++constant;
    if (r.verdict == tapegrad_fuzz::Verdict::failed) {
      ++failed;
      if (failures.size() < 3) failures.push_back(r.report + "replay: " + replay + "\n");
    }
    // Coverage: which primitives and forms took part in y (each counted once per case).
    const std::vector<char> in_cone = tapegrad_fuzz::cone(p);
    std::map<std::string, bool> seen;
    for (std::size_t k = p.x.size(); k < p.nodes.size(); ++k) {
      if (!in_cone[k]) continue;
      const auto& n = p.nodes[k];
      if (tapegrad_fuzz::is_binary(n.op) || tapegrad_fuzz::is_compound(n.op)) {
        seen[tapegrad_fuzz::label(n.op) + " " + tapegrad_fuzz::name(n.form)] = true;
      } else if (n.op == Op::UnaryOfBinary || n.op == Op::BinaryOfUnary) {
        seen[tapegrad_fuzz::label(n.op)] = true;
        seen[tapegrad_fuzz::label(n.unary)] = true;
        seen[tapegrad_fuzz::label(n.binary) + " expression"] = true;
      } else {
        seen[tapegrad_fuzz::label(n.op)] = true;
      }
    }
    for (const auto& entry : seen) ++op_cases[entry.first];
  }

  double skipped_fraction() const { return generated ? double(skipped) / double(generated) : 0.0; }

  void print(const char* title, double seconds) const {
    std::printf(
        "%s: %llu cases checked (%llu with y constant near x), %llu skipped as ill-conditioned (%.2f%%), "
        "%llu failed, %.2f s\n",
        title, static_cast<unsigned long long>(checked), static_cast<unsigned long long>(constant),
        static_cast<unsigned long long>(skipped), 100.0 * skipped_fraction(), static_cast<unsigned long long>(failed),
        seconds);
    for (const auto& entry : skip_reasons)
      std::printf("  skipped: %-55s %llu\n", entry.first.c_str(), static_cast<unsigned long long>(entry.second));
  }
};

/// Every primitive and every form the generator can produce, as counted by Tally.
std::vector<std::string> expected_coverage() {
  std::vector<std::string> names;
  for (int k = static_cast<int>(tapegrad_fuzz::kFirstUnary); k <= static_cast<int>(tapegrad_fuzz::kLastUnary); ++k)
    names.push_back(tapegrad_fuzz::label(static_cast<Op>(k)));
  for (int k = static_cast<int>(tapegrad_fuzz::kFirstBinary); k <= static_cast<int>(tapegrad_fuzz::kLastBinary); ++k) {
    for (const char* form : {"Var-Var", "Var-T", "T-Var"})
      names.push_back(tapegrad_fuzz::label(static_cast<Op>(k)) + " " + form);
    names.push_back(tapegrad_fuzz::label(static_cast<Op>(k)) + " expression");
  }
  for (int k = static_cast<int>(tapegrad_fuzz::kFirstCompound); k <= static_cast<int>(tapegrad_fuzz::kLastCompound);
       ++k) {
    for (const char* form : {"Var-Var", "Var-T"})
      names.push_back(tapegrad_fuzz::label(static_cast<Op>(k)) + " " + form);
  }
  for (Op op : {Op::UnaryOfBinary, Op::BinaryOfUnary, Op::Reuse, Op::Wide, Op::Select})
    names.push_back(tapegrad_fuzz::label(op));
  return names;
}

}  // namespace

TEST_CASE("random expression DAGs: tape gradients equal central differences", "[fuzz]") {
  const std::uint64_t cases = env_or("TAPEGRAD_FUZZ_CASES", 10000);
  const std::uint64_t seed = env_or("TAPEGRAD_FUZZ_SEED", 20260601);
  const auto start = std::chrono::steady_clock::now();
  tapegrad_fuzz::Checker checker;
  Tally tally;
  // Case k is generated from seed + k alone, so any case can be replayed by itself:
  // TAPEGRAD_FUZZ_SEED=<seed + k> TAPEGRAD_FUZZ_CASES=1.
  for (std::uint64_t k = 0; tally.checked < cases && k < 2 * cases + 100; ++k) {
    tapegrad_fuzz::RandomSource source(seed + k);
    const tapegrad_fuzz::Program p = tapegrad_fuzz::generate(source);
    const tapegrad_fuzz::Result r = checker.check(p);
    tally.record(p, r, "TAPEGRAD_FUZZ_SEED=" + std::to_string(seed + k) + " TAPEGRAD_FUZZ_CASES=1 test_fuzz");
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  tally.print("fuzzed gradients", seconds);

  for (const std::string& report : tally.failures) FAIL_CHECK(report);
  CHECK(tally.failed == 0);
  CHECK(tally.checked >= cases);
  // The test must not pass by skipping: at most 5% of the cases may be ill-conditioned.
  CHECK(tally.skipped_fraction() <= 0.05);
  // Every primitive, in every form, took part in the output of well-conditioned cases.
  const std::vector<std::string> expected = expected_coverage();
  std::vector<std::pair<std::uint64_t, std::string>> counts;
  for (const std::string& op : expected) counts.emplace_back(tally.op_cases[op], op);
  std::sort(counts.begin(), counts.end());
  std::printf("  %zu primitive forms; least used in y of checked cases:", counts.size());
  for (std::size_t k = 0; k < 4 && k < counts.size(); ++k)
    std::printf(" %s (%llu)", counts[k].second.c_str(), static_cast<unsigned long long>(counts[k].first));
  std::printf("\n");
  const std::uint64_t minimum = cases >= 10000 ? cases / 250 : 0;  // 40 per 10^4 cases
  for (const std::string& op : expected) {
    INFO("primitive " << op << " was in y of " << tally.op_cases[op] << " checked cases");
    CHECK(tally.op_cases[op] >= minimum);
  }
}

TEST_CASE("byte strings decode into programs that pass (the libFuzzer path)", "[fuzz]") {
  tapegrad_fuzz::Checker checker;
  tapegrad_fuzz::RandomSource bytes(7);
  Tally tally;
  std::vector<std::uint8_t> data;
  for (int k = 0; k < 2000; ++k) {
    data.resize(bytes.below(400));
    for (auto& b : data) b = static_cast<std::uint8_t>(bytes.next());
    tapegrad_fuzz::ByteSource source(data.data(), data.size());
    const tapegrad_fuzz::Program p = tapegrad_fuzz::generate(source);
    tally.record(p, checker.check(p), "byte string " + std::to_string(k) + " of this test");
  }
  tally.print("byte-decoded programs", 0.0);
  for (const std::string& report : tally.failures) FAIL_CHECK(report);
  CHECK(tally.failed == 0);
  CHECK(tally.skipped_fraction() <= 0.10);
}

TEST_CASE("the checker detects a wrong partial derivative", "[fuzz]") {
  // A relative error of 1e-4 in the largest gradient component, in both precisions,
  // as a wrong partial inside the library would give: nearly every well-conditioned
  // case must fail. (Exactness and repeatability checks run before the injection.)
  tapegrad_fuzz::Checker checker;
  tapegrad_fuzz::Options wrong;
  wrong.inject = 1e-4;
  std::uint64_t checked = 0, caught = 0;
  for (std::uint64_t k = 0; k < 1000; ++k) {
    tapegrad_fuzz::RandomSource source(900000 + k);
    const tapegrad_fuzz::Program p = tapegrad_fuzz::generate(source);
    const tapegrad_fuzz::Result honest = checker.check(p);
    if (honest.verdict != tapegrad_fuzz::Verdict::passed) continue;
    const tapegrad_fuzz::Result r = checker.check(p, wrong);
    if (!r.injected) continue;  // y is constant near the point: nothing to inject into
    ++checked;
    if (r.verdict == tapegrad_fuzz::Verdict::failed) ++caught;
  }
  INFO(caught << " of " << checked << " injected errors caught");
  CHECK(checked >= 800);
  CHECK(caught >= checked * 99 / 100);
}
