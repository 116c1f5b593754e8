// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers

// tapegrad_bench: checks every gradient row against the hand-written gradient, times every
// row with Google Benchmark (5 repetitions by default) and prints ONE table of median
// times and ratios, tapegrad's tape statistics and the targets of the performance issue.
// The Jacobian problems (J1, ...) follow: checked against finite differences, timed in the
// same run, and tabulated after the gradient output.
//
//   tapegrad_bench [--check_only] [--tapegrad_time=cpu|real] [--benchmark_* flags]
//
// --check_only runs the checks and exits (non-zero if any gradient or Jacobian is off).
// --tapegrad_time: the table reports the median CPU time per call (default: on a shared
// machine, time spent descheduled is not the code's) or the median real (wall) time. Every usual
// Google Benchmark flag works: --benchmark_filter=P3, --benchmark_repetitions=9,
// --benchmark_min_time=1, --benchmark_enable_random_interleaving=false (on by default
// here), --benchmark_out=results.json (every repetition, for your own analysis).

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <string>
#include <vector>

#if defined(__unix__) || defined(__APPLE__)
#include <unistd.h>
#endif

#include "harness.hpp"

namespace tapegrad_bench {

namespace {
/// The names of a row kind: its table label, its Google Benchmark name (for
/// --benchmark_filter) and, for peers, the heading of its ratio column.
struct KindNames {
  Kind kind;
  const char* label;
  const char* key;
  const char* peer_column;
};
constexpr KindNames kNames[] = {
    {Kind::f_scalar, "f, scalar loop", "f_scalar", nullptr},
    {Kind::f_vectorized, "f, Eigen vectorized", "f_vectorized", nullptr},
    {Kind::hand_scalar, "hand gradient, scalar loop", "hand_scalar", nullptr},
    {Kind::hand_vectorized, "hand gradient, Eigen vectorized", "hand_vectorized", nullptr},
    {Kind::tapegrad_scalar, "tapegrad, scalar form", "tapegrad_scalar", nullptr},
    {Kind::tapegrad_vectorized, "tapegrad, vectorized form", "tapegrad_vectorized", nullptr},
    {Kind::tapegrad_hvp, "tapegrad, hessian_vector_product", "tapegrad_hvp", nullptr},
    {Kind::adolc_retape, "ADOL-C, retape + gradient()", "adolc_retape", "/ADOL-C retape"},
    {Kind::adolc_retape_keep, "ADOL-C, retape(keep) + fos_reverse", "adolc_retape_keep", "/ADOL-C keep"},
    {Kind::adolc_one_trace, "ADOL-C, gradient() on one trace", "adolc_one_trace", "/ADOL-C 1 trace"},
    {Kind::sacado_rad, "Sacado::Rad, scalar form", "sacado_rad", "/Sacado::Rad"},
};
const KindNames& names(Kind kind) {
  for (const KindNames& n : kNames)
    if (n.kind == kind) return n;
  return kNames[0];  // unreachable: every Kind is listed
}

/// The names of a Jacobian row kind: its table label and its Google Benchmark name.
struct JacobianKindNames {
  JacobianKind kind;
  const char* label;
  const char* key;
};
constexpr JacobianKindNames kJacobianNames[] = {
    {JacobianKind::f, "f, plain residuals (double)", "f"},
    {JacobianKind::hand, "hand-written Jacobian", "hand"},
    {JacobianKind::tapegrad_automatic, "tapegrad::jacobian(f, x), automatic", "tapegrad_jacobian"},
    {JacobianKind::tapegrad_forward, "tapegrad::jacobian, forced forward", "tapegrad_forward"},
    {JacobianKind::tapegrad_reverse, "tapegrad::jacobian, forced reverse", "tapegrad_reverse"},
};
const JacobianKindNames& names(JacobianKind kind) {
  for (const JacobianKindNames& n : kJacobianNames)
    if (n.kind == kind) return n;
  return kJacobianNames[0];  // unreachable: every JacobianKind is listed
}
}  // namespace

const char* label(Kind kind) { return names(kind).label; }
const char* peer_column(Kind kind) { return names(kind).peer_column; }
const char* label(JacobianKind kind) { return names(kind).label; }

namespace {

/// The name of a row for Google Benchmark's output and --benchmark_filter.
std::string bench_name(const Problem& p, const Row& r) { return p.id + "_" + p.name + "/" + names(r.kind).key; }

const Row* find_row(const Problem& p, Kind kind) {
  for (const Row& r : p.rows)
    if (r.kind == kind) return &r;
  return nullptr;
}

// ---- checks ---------------------------------------------------------------------------

constexpr double kTolerance = 1e-8;

/// |a - r| / |r|, except that |r| below `floor` counts as `floor`.
double relative_error(double a, double r, double floor) { return std::abs(a - r) / std::max(std::abs(r), floor); }

/// The larger error; NaN wins, so a NaN is never hidden.
double worse(double a, double b) { return (std::isnan(a) || b <= a) ? a : b; }

/// The largest componentwise relative error. A component far smaller than the largest is
/// measured against 1e-6 of the largest: a component that is ~0 only by cancellation
/// (a sum of large terms) is computed to an absolute, not a relative, accuracy. NaN
/// anywhere gives NaN.
double max_relative_error(const std::vector<double>& a, const std::vector<double>& r) {
  double scale = 0;
  for (double v : r) scale = std::max(scale, std::abs(v));
  const double floor = std::max(1e-6 * scale, std::numeric_limits<double>::min());
  double worst = 0;
  for (std::size_t i = 0; i < r.size(); ++i) worst = worse(worst, relative_error(a[i], r[i], floor));
  return worst;
}

/// Runs every row of every problem twice (the second call on a warm tape or trace) and
/// compares with the hand-written scalar gradient and the plain scalar f. Prints one line
/// per row; returns false if any error exceeds kTolerance. Keeps tapegrad's tape statistics.
bool check_all(std::map<std::string, TapeStats>& stats) {
  std::printf(
      "Gradient checks: max relative error against the hand-written scalar-loop gradient\n"
      "(gradient rows) and the plain scalar f (value), per component; limit %.0e.\n",
      kTolerance);
  bool ok = true;
  for (const Problem& p : problems()) {
    const Row* ref_f = find_row(p, Kind::f_scalar);
    const Row* ref_g = find_row(p, Kind::hand_scalar);
    if (!ref_f || !ref_g) continue;  // a hook without rows yet
    std::printf("  %s %s (%s)\n", p.id.c_str(), p.name.c_str(), p.size.c_str());
    const std::size_t n = p.x.size();
    std::vector<double> g_ref(n);
    const double f_ref = ref_f->make()->run(g_ref.data());
    ref_g->make()->run(g_ref.data());
    for (const Row& r : p.rows) {
      auto ev = r.make();
      const bool gradient_row = is_gradient(r.kind);
      double value_error = 0, gradient_error = 0;
      bool has_value = false;
      std::vector<double> g(n);
      for (int call = 0; call < 2; ++call) {  // the second call reuses the warm tape or trace
        std::fill(g.begin(), g.end(), std::numeric_limits<double>::quiet_NaN());
        const double value = ev->run(g.data());
        if (!gradient_row || !std::isnan(value)) {  // gradient rows may not compute f (NaN)
          value_error = worse(value_error, relative_error(value, f_ref, 1e-300));
          has_value = true;
        }
        if (gradient_row) gradient_error = worse(gradient_error, max_relative_error(g, g_ref));
      }
      char grad_text[32] = "-", value_text[32] = "-";
      if (gradient_row) std::snprintf(grad_text, sizeof grad_text, "%.1e", gradient_error);
      if (has_value) std::snprintf(value_text, sizeof value_text, "%.1e", value_error);
      const bool row_ok = value_error <= kTolerance && gradient_error <= kTolerance;
      std::printf("    %-36s gradient %-8s value %-8s%s\n", label(r.kind), grad_text, value_text,
                  row_ok ? "" : "   <-- FAILED");
      if (!row_ok) {
        std::fprintf(stderr,
                     "tapegrad_bench: FAILED check: %s %s, row \"%s\": gradient error %s, "
                     "value error %s (limit %.0e)\n",
                     p.id.c_str(), p.name.c_str(), label(r.kind), grad_text, value_text, kTolerance);
        ok = false;
      }
      if (const auto s = ev->tape_stats()) stats[p.id + (s->vectorized ? " vectorized" : "")] = *s;
      if (const std::string note = ev->note(); !note.empty()) std::printf("      %s\n", note.c_str());
    }
  }
  return ok;
}

// ---- Jacobian checks --------------------------------------------------------------------

constexpr double kJacobianTolerance = 1e-6;

/// The Jacobian of r at x by fourth-order central differences, per column
/// (8 (r(x + h) - r(x - h)) - (r(x + 2h) - r(x - 2h))) / 12h with h = 1e-3 max(1, |x_j|):
/// truncation O(h^4) and rounding O(eps |r| / h) stay near 1e-13 absolute, so the limit holds
/// even for entries near max_relative_error's floor (1e-6 of the largest), where a
/// second-order difference's error (at best ~1e-10) would not.
Eigen::MatrixXd finite_difference_jacobian(const std::function<Eigen::VectorXd(const Eigen::VectorXd&)>& r,
                                           const Eigen::VectorXd& x) {
  const Eigen::Index n = x.size();
  Eigen::MatrixXd J(r(x).size(), n);
  Eigen::VectorXd y = x;
  for (Eigen::Index j = 0; j < n; ++j) {
    const double h = 1e-3 * std::max(1.0, std::abs(x[j]));
    const auto at = [&](double step) -> Eigen::VectorXd {
      y[j] = x[j] + step;
      Eigen::VectorXd v = r(y);
      y[j] = x[j];
      return v;
    };
    J.col(j) = (8 * (at(h) - at(-h)) - (at(2 * h) - at(-2 * h))) / (12 * h);
  }
  return J;
}

/// The entries of a matrix, column by column, for max_relative_error.
std::vector<double> entries(const Eigen::MatrixXd& A) { return std::vector<double>(A.data(), A.data() + A.size()); }

/// Runs every Jacobian row twice (the second call on a warm workspace) and compares it
/// with the finite-difference Jacobian of the plain residuals; the f row, with the plain
/// residuals. Prints one line per row; returns false if any error exceeds kJacobianTolerance.
bool check_jacobians() {
  if (jacobian_problems().empty()) return true;
  std::printf(
      "\nJacobian checks: max relative error per entry against fourth-order central finite\n"
      "differences of the plain residuals (an entry below 1e-6 of the largest is measured\n"
      "against that); the f row: its residuals against the plain residuals; limit %.0e.\n",
      kJacobianTolerance);
  bool ok = true;
  for (const JacobianProblem& p : jacobian_problems()) {
    std::printf("  %s %s (%s)\n", p.id.c_str(), p.name.c_str(), p.size.c_str());
    if (p.note) std::printf("      %s\n", p.note().c_str());
    const Eigen::MatrixXd r_ref = p.residuals(p.x);
    const Eigen::MatrixXd J_ref = finite_difference_jacobian(p.residuals, p.x);
    for (const JacobianRow& row : p.rows) {
      const auto ev = row.make();
      const bool values = row.kind == JacobianKind::f;
      const Eigen::MatrixXd& ref = values ? r_ref : J_ref;
      double error = 0;
      for (int call = 0; call < 2; ++call) {  // the second call reuses the warm tape
        const Eigen::MatrixXd got = ev->run();
        const bool same_shape = got.rows() == ref.rows() && got.cols() == ref.cols();
        error = same_shape ? worse(error, max_relative_error(entries(got), entries(ref)))
                           : std::numeric_limits<double>::quiet_NaN();
        if (!same_shape) break;
      }
      const bool row_ok = error <= kJacobianTolerance;
      std::printf("    %-40s %-9s %.1e%s\n", label(row.kind), values ? "residuals" : "Jacobian", error,
                  row_ok ? "" : "   <-- FAILED");
      if (!row_ok) {
        std::fprintf(stderr, "tapegrad_bench: FAILED check: %s %s, row \"%s\": error %.1e (limit %.0e)\n", p.id.c_str(),
                     p.name.c_str(), label(row.kind), error, kJacobianTolerance);
        ok = false;
      }
    }
  }
  return ok;
}

// ---- timing -----------------------------------------------------------------------------

/// Forwards one line per row (the median) to the console and keeps every repetition's
/// time per call, from which the table's medians are computed.
class Collector : public benchmark::ConsoleReporter {
 public:
  explicit Collector(bool color) : ConsoleReporter(color ? OO_ColorTabular : OO_Tabular) {}
  std::map<std::string, std::vector<double>> seconds;  // per repetition, per call
  std::map<std::string, double> gb_median;             // when only aggregates arrive
  bool cpu_time = true;                                // else real (wall-clock) time

  void ReportRuns(const std::vector<Run>& runs) override {
    std::vector<Run> shown;
    for (const Run& run : runs) {
      const std::string& name = run.run_name.function_name;
      const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
      const double total = cpu_time ? run.cpu_accumulated_time : run.real_accumulated_time;
      if (run.run_type == Run::RT_Iteration && !run.error_occurred && run.iterations > 0)
        seconds[name].push_back(total / static_cast<double>(run.iterations));
      if (median) gb_median[name] = total / static_cast<double>(run.iterations);
      if (run.error_occurred || median || (run.run_type == Run::RT_Iteration && run.repetitions <= 1))
        shown.push_back(run);
    }
    if (!shown.empty()) ConsoleReporter::ReportRuns(shown);
  }
};

struct Timing {
  double median = 0;  // seconds per call
  double cv = 0;      // standard deviation / mean over the repetitions
  bool present = false;
};

Timing timing(const Collector& c, const std::string& name) {
  Timing t;
  if (auto it = c.seconds.find(name); it != c.seconds.end() && !it->second.empty()) {
    std::vector<double> v = it->second;
    std::sort(v.begin(), v.end());
    const std::size_t m = v.size();
    t.median = m % 2 ? v[m / 2] : 0.5 * (v[m / 2 - 1] + v[m / 2]);
    double mean = 0, var = 0;
    for (double x : v) mean += x / static_cast<double>(m);
    for (double x : v) var += (x - mean) * (x - mean);
    t.cv = m > 1 ? std::sqrt(var / static_cast<double>(m - 1)) / mean : 0;
    t.present = true;
  } else if (auto jt = c.gb_median.find(name); jt != c.gb_median.end()) {
    t.median = jt->second;
    t.present = true;
  }
  return t;
}

std::string format_time(double seconds) {
  char buf[32];
  if (seconds < 1e-6)
    std::snprintf(buf, sizeof buf, "%.1f ns", seconds * 1e9);
  else if (seconds < 1e-3)
    std::snprintf(buf, sizeof buf, "%.2f us", seconds * 1e6);
  else
    std::snprintf(buf, sizeof buf, "%.3f ms", seconds * 1e3);
  return buf;
}

std::string format_ratio(double r) {
  char buf[32];
  if (!(r > 0) || !std::isfinite(r)) return "-";
  if (r >= 100)
    std::snprintf(buf, sizeof buf, "%.0f", r);
  else if (r >= 10)
    std::snprintf(buf, sizeof buf, "%.1f", r);
  else if (r >= 0.1)
    std::snprintf(buf, sizeof buf, "%.2f", r);
  else
    std::snprintf(buf, sizeof buf, "%.2g", r);
  return buf;
}

/// Medians of every row, by problem id and kind.
using Medians = std::map<std::string, std::map<Kind, Timing>>;

/// The physical limit of a problem: the faster hand-written gradient (0 if neither ran).
double limit_of(const std::map<Kind, Timing>& t) {
  double best = 0;
  for (Kind k : {Kind::hand_scalar, Kind::hand_vectorized})
    if (auto it = t.find(k); it != t.end() && it->second.present)
      best = best == 0 ? it->second.median : std::min(best, it->second.median);
  return best;
}

void print_table(const Medians& medians, int repetitions, bool interleaved, bool cpu_time) {
  std::vector<Kind> peers;
  for (const KindNames& kn : kNames)
    if (kn.peer_column)
      for (const Problem& p : problems())
        if (find_row(p, kn.kind) && std::find(peers.begin(), peers.end(), kn.kind) == peers.end())
          peers.push_back(kn.kind);

  std::printf("\n=== tapegrad benchmarks: median %s time per call over %d repetitions%s ===\n",
              cpu_time ? "CPU" : "real", repetitions, interleaved ? " (randomly interleaved)" : "");
  std::printf("compiled with %s (%s), whatever CMAKE_BUILD_TYPE; one thread.\n", TAPEGRAD_BENCH_FLAGS,
              TAPEGRAD_BENCH_COMPILER);
  std::printf(
      "cv: standard deviation / mean of the repetitions. /f: time / plain-double f (scalar loop).\n"
      "/limit: time / physical limit, the faster hand-written gradient (marked *).\n"
      "/<peer>: time / that peer row's time (< 1: faster than the peer).\n");
  std::string header = "  " + std::string(38, ' ');
  char cell[64];
  std::snprintf(cell, sizeof cell, "%12s %6s %8s %7s", "time/call", "cv", "/f", "/limit");
  header += cell;
  for (Kind k : peers) {
    std::snprintf(cell, sizeof cell, " %15s", peer_column(k));
    header += cell;
  }
  for (const Problem& p : problems()) {
    std::printf("\n%s %s, %s\n", p.id.c_str(), p.name.c_str(), p.size.c_str());
    if (p.rows.empty()) {
      std::printf("  %s\n", p.note.c_str());
      continue;
    }
    const auto& t = medians.at(p.id);
    if (std::none_of(t.begin(), t.end(), [](const auto& kt) { return kt.second.present; })) {
      std::printf("  (not run: excluded by --benchmark_filter)\n");
      continue;
    }
    std::printf("%s\n", header.c_str());
    const double limit = limit_of(t);
    const double f = t.count(Kind::f_scalar) ? t.at(Kind::f_scalar).median : 0;
    double limit_time = limit;
    for (const KindNames& kn : kNames) {
      const Kind k = kn.kind;
      const Row* r = find_row(p, k);
      if (!r) continue;
      const Timing& tk = t.at(k);
      std::string name = label(k);
      if ((k == Kind::hand_scalar || k == Kind::hand_vectorized) && tk.present && tk.median == limit_time) {
        name += " *";
        limit_time = -1;  // mark one row only
      }
      if (!tk.present) {
        std::printf("  %-38s (not run: excluded by --benchmark_filter)\n", name.c_str());
        continue;
      }
      std::snprintf(cell, sizeof cell, "%5.1f%%", 100 * tk.cv);
      std::printf("  %-38s %12s %6s %8s %7s", name.c_str(), format_time(tk.median).c_str(), cell,
                  format_ratio(f > 0 ? tk.median / f : 0).c_str(),
                  format_ratio(limit > 0 ? tk.median / limit : 0).c_str());
      for (Kind pk : peers) {
        const auto it = t.find(pk);
        const bool has = it != t.end() && it->second.present;
        std::printf(" %15s", format_ratio(has ? tk.median / it->second.median : 0).c_str());
      }
      std::printf("\n");
    }
  }
}

void print_vectorized_stats(const std::map<std::string, TapeStats>& stats) {
  std::printf(
      "\ntapegrad tape per gradient (vectorized form, one recording): matrix statements (each one\n"
      "custom statement with its Eigen backward), slots (one per matrix entry, inputs included).\n");
  std::printf("  %-4s %18s %10s %10s\n", "", "matrix statements", "slots", "scalar args");
  for (const auto& [id, s] : stats)
    if (s.vectorized)
      std::printf("  %-4s %18zu %10zu %10zu\n", id.substr(0, id.find(' ')).c_str(), s.matrix_statements, s.statements,
                  s.arguments);
}

void print_tape_stats(const std::map<std::string, TapeStats>& stats) {
  std::printf(
      "\ntapegrad tape per gradient (scalar form, one recording). A statement with k arguments\n"
      "occupies 1 + 12k bytes (arity byte; per argument a 4-byte index and an 8-byte partial);\n"
      "an input occupies its arity byte only.\n");
  std::printf("  %-4s %11s %8s %11s %10s %8s %12s %9s %9s  %s\n", "", "statements", "inputs", "operations", "arguments",
              "args/op", "rec. bytes", "B/stmt", "B/op", "operations by arity");
  for (const auto& [id, s] : stats) {
    if (s.vectorized) continue;
    const std::size_t ops = s.statements - s.inputs;
    std::string arity;
    for (std::size_t k = 0; k < s.by_arity.size(); ++k)
      if (s.by_arity[k]) arity += (arity.empty() ? "" : ", ") + std::to_string(k) + ":" + std::to_string(s.by_arity[k]);
    const double op_bytes = static_cast<double>(s.bytes - s.inputs - 1);  // minus input bytes and the sink
    std::printf("  %-4s %11zu %8zu %11zu %10zu %8.2f %12zu %9.2f %9.2f  %s\n", id.c_str(), s.statements, s.inputs, ops,
                s.arguments, ops ? double(s.arguments) / double(ops) : 0.0, s.bytes,
                double(s.bytes) / double(s.statements), ops ? op_bytes / double(ops) : 0.0, arity.c_str());
  }
}

/// Bytes one unary and one binary statement add to recorded_bytes(), measured.
std::pair<std::size_t, std::size_t> statement_bytes() {
  tapegrad::Tape<double> tape;
  const tapegrad::Var<double> x = tape.variable(0.5), y = tape.variable(2.0);
  const std::size_t b0 = tape.recorded_bytes();
  const tapegrad::Var<double> u = sin(x);
  const std::size_t b1 = tape.recorded_bytes();
  [[maybe_unused]] const tapegrad::Var<double> v = u * y;
  const std::size_t b2 = tape.recorded_bytes();
  return {b1 - b0, b2 - b1};
}

void print_target(const std::string& what, const char* op, double target, double measured, bool present) {
  char t[32];
  std::snprintf(t, sizeof t, "%s %g", op, target);
  if (!present) {
    std::printf("  %-58s %8s %10s  %s\n", what.c_str(), t, "-", "not measured in this run");
    return;
  }
  const bool met = measured <= target;
  std::printf("  %-58s %8s %10s  %s", what.c_str(), t, format_ratio(measured).c_str(), met ? "met" : "MISSED");
  if (!met) std::printf(" (%.2fx over)", measured / target);
  std::printf("\n");
}

void print_targets(const Medians& medians) {
  std::printf("\nTargets of the performance issue (measured in this run):\n");
  for (const Problem& p : problems()) {
    if (!p.targets.scalar_over_f) continue;
    const auto& t = medians.at(p.id);
    const Timing& tg = t.at(Kind::tapegrad_scalar);
    const Timing& f = t.at(Kind::f_scalar);
    print_target(p.id + " " + p.name + ": tapegrad scalar form / plain f (scalar loop)", "<=", p.targets.scalar_over_f,
                 tg.median / f.median, tg.present && f.present);
  }
  for (const Problem& p : problems()) {
    if (!p.targets.vectorized_over_limit) continue;
    const Row* r = find_row(p, Kind::tapegrad_vectorized);
    if (!r) {
      char t[32];
      std::snprintf(t, sizeof t, "<= %g", p.targets.vectorized_over_limit);
      std::printf("  %-58s %8s %10s  %s\n", (p.id + " " + p.name + ": tapegrad vectorized form / limit").c_str(), t,
                  "-", p.rows.empty() ? "hook: problem not written yet" : "hook: row not written yet");
      continue;
    }
    const auto& t = medians.at(p.id);
    const Timing& tv = t.at(Kind::tapegrad_vectorized);
    const double limit = limit_of(t);
    print_target(p.id + " " + p.name + ": tapegrad vectorized form / limit", "<=", p.targets.vectorized_over_limit,
                 limit > 0 ? tv.median / limit : 0, tv.present && limit > 0);
  }
  // Second order: one Hessian-vector product against one gradient of the same f (the
  // scalar form of the problem named by gradient_of), both measured in this run.
  for (const Problem& p : problems()) {
    if (p.gradient_of.empty()) continue;
    const auto it = medians.find(p.id);
    const auto jt = medians.find(p.gradient_of);
    if (it == medians.end() || jt == medians.end() || !it->second.count(Kind::tapegrad_hvp) ||
        !jt->second.count(Kind::tapegrad_scalar))
      continue;
    const Timing& h = it->second.at(Kind::tapegrad_hvp);
    const Timing& g = jt->second.at(Kind::tapegrad_scalar);
    if (h.present && g.present)
      std::printf("  %s: hessian_vector_product / one gradient (%s scalar form): %s (%s / %s)\n", p.id.c_str(),
                  p.gradient_of.c_str(), format_ratio(h.median / g.median).c_str(), format_time(h.median).c_str(),
                  format_time(g.median).c_str());
    else
      std::printf("  %s: hessian_vector_product / one gradient: not measured in this run\n", p.id.c_str());
  }
  // Faster than every peer row: one line per problem and tapegrad form, all peer ratios.
  for (const Problem& p : problems()) {
    const auto it = medians.find(p.id);
    if (it == medians.end()) continue;
    for (Kind us : {Kind::tapegrad_scalar, Kind::tapegrad_vectorized}) {
      if (!find_row(p, us) || !it->second.at(us).present) continue;
      std::string ratios;
      bool all_met = true, any = false;
      for (const KindNames& kn : kNames) {
        const Kind peer = kn.kind;
        if (!kn.peer_column || !find_row(p, peer) || !it->second.at(peer).present) continue;
        const double r = it->second.at(us).median / it->second.at(peer).median;
        ratios += std::string(ratios.empty() ? "" : ", ") + (peer_column(peer) + 1) + " " + format_ratio(r);
        all_met = all_met && r < 1;
        any = true;
      }
      if (any)
        std::printf("  %s %s / each peer row < 1: %s: %s\n", p.id.c_str(), label(us), ratios.c_str(),
                    all_met ? "met" : "MISSED");
    }
  }
  const auto [unary, binary] = statement_bytes();
  print_target("memory: bytes per unary statement (y = sin(x))", "<=", 16, double(unary), true);
  print_target("memory: bytes per binary statement (z = x * y)", "<=", 28, double(binary), true);
  std::printf(
      "  compile time of one TU with tapegrad.hpp + Eigen (target < 3 s at -O2): "
      "measured by benchmarks/run.sh\n");
}

/// The name of a Jacobian row for Google Benchmark's output and --benchmark_filter.
std::string bench_name(const JacobianProblem& p, const JacobianRow& r) {
  return p.id + "_" + p.name + "/" + names(r.kind).key;
}

/// The Jacobian problems' table (median time per call, ratio to the plain residuals f)
/// and their targets, from the same run as the gradient table.
void print_jacobians(const Collector& collector, int repetitions, bool interleaved, bool cpu_time) {
  if (jacobian_problems().empty()) return;
  std::printf("\n=== tapegrad Jacobians: median %s time per call over %d repetitions%s ===\n",
              cpu_time ? "CPU" : "real", repetitions, interleaved ? " (randomly interleaved)" : "");
  std::printf("/f: time / the plain residual function f (double) of the same problem, same run.\n");
  std::map<std::string, std::map<JacobianKind, Timing>> medians;
  for (const JacobianProblem& p : jacobian_problems()) {
    std::map<JacobianKind, Timing>& t = medians[p.id];
    for (const JacobianRow& r : p.rows) t[r.kind] = timing(collector, bench_name(p, r));
    std::printf("\n%s %s, %s\n", p.id.c_str(), p.name.c_str(), p.size.c_str());
    if (std::none_of(t.begin(), t.end(), [](const auto& kt) { return kt.second.present; })) {
      std::printf("  (not run: excluded by --benchmark_filter)\n");
      continue;
    }
    if (p.note) std::printf("  %s\n", p.note().c_str());
    std::printf("  %-40s %12s %6s %8s\n", "", "time/call", "cv", "/f");
    const double f = t.count(JacobianKind::f) && t.at(JacobianKind::f).present ? t.at(JacobianKind::f).median : 0;
    for (const JacobianRow& r : p.rows) {
      const Timing& tk = t.at(r.kind);
      if (!tk.present) {
        std::printf("  %-40s (not run: excluded by --benchmark_filter)\n", label(r.kind));
        continue;
      }
      char cv[32];
      std::snprintf(cv, sizeof cv, "%5.1f%%", 100 * tk.cv);
      std::printf("  %-40s %12s %6s %8s\n", label(r.kind), format_time(tk.median).c_str(), cv,
                  format_ratio(f > 0 ? tk.median / f : 0).c_str());
    }
  }
  std::printf("\nJacobian targets (measured in this run):\n");
  for (const JacobianProblem& p : jacobian_problems()) {
    if (!p.jacobian_over_f) continue;
    const std::map<JacobianKind, Timing>& t = medians.at(p.id);
    const auto jt = t.find(JacobianKind::tapegrad_automatic), ft = t.find(JacobianKind::f);
    const bool present = jt != t.end() && ft != t.end() && jt->second.present && ft->second.present;
    print_target(p.id + " " + p.name + ": tapegrad::jacobian(f, x) / plain f", "<=", p.jacobian_over_f,
                 present ? jt->second.median / ft->second.median : 0, present);
  }
}

}  // namespace
}  // namespace tapegrad_bench

int main(int argc, char** argv) {
  using namespace tapegrad_bench;
  // Defaults first, so that the user's own --benchmark_* flags (later) win. Random
  // interleaving spreads each row's repetitions over the whole run, so that a noisy
  // minute on this shared machine spoils one repetition of many rows, which the median
  // discards, rather than every repetition of one row.
  std::vector<char*> args{argv[0]};
  static char repetitions_default[] = "--benchmark_repetitions=5";
  static char interleaving_default[] = "--benchmark_enable_random_interleaving=true";
  args.push_back(repetitions_default);
  args.push_back(interleaving_default);
  bool check_only = false;
  bool cpu_time = true;
  int repetitions = 5;
  bool interleaved = true;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--check_only") == 0) {
      check_only = true;
      continue;
    }
    if (std::strncmp(argv[i], "--tapegrad_time=", 16) == 0) {
      cpu_time = std::strcmp(argv[i] + 16, "real") != 0;
      continue;
    }
    if (std::strncmp(argv[i], "--benchmark_repetitions=", 24) == 0) repetitions = std::atoi(argv[i] + 24);
    if (std::strncmp(argv[i], "--benchmark_enable_random_interleaving=", 39) == 0)
      interleaved = std::strcmp(argv[i] + 39, "true") == 0 || std::strcmp(argv[i] + 39, "1") == 0;
    args.push_back(argv[i]);
  }
  int count = static_cast<int>(args.size());
  benchmark::Initialize(&count, args.data());
  if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 2;

  // Problems by id, rows in the order of Kind (the table's order).
  std::sort(problems().begin(), problems().end(), [](const Problem& a, const Problem& b) { return a.id < b.id; });
  for (Problem& p : problems())
    std::stable_sort(p.rows.begin(), p.rows.end(), [](const Row& a, const Row& b) { return a.kind < b.kind; });
  std::printf("tapegrad_bench, compiled with %s (%s)\n", TAPEGRAD_BENCH_FLAGS, TAPEGRAD_BENCH_COMPILER);
#if TAPEGRAD_BENCH_HAVE_ADOLC
  std::printf("peer ADOL-C: found\n");
#else
  std::printf("peer ADOL-C: not found at configure time (libadolc-dev); its rows are skipped\n");
#endif
#if TAPEGRAD_BENCH_HAVE_SACADO
  std::printf("peer Trilinos Sacado::Rad: found\n");
#else
  std::printf(
      "peer Trilinos Sacado::Rad: not found at configure time (libtrilinos-sacado-dev, "
      "libtrilinos-kokkos-dev); its rows are skipped\n");
#endif

  std::map<std::string, TapeStats> stats;
  const bool gradients_ok = check_all(stats);
  const bool jacobians_ok = check_jacobians();
  if (!gradients_ok || !jacobians_ok) {
    std::fprintf(stderr, "tapegrad_bench: %s checks failed; nothing was timed\n",
                 gradients_ok   ? "Jacobian"
                 : jacobians_ok ? "gradient"
                                : "gradient and Jacobian");
    return 1;
  }
  if (check_only) return 0;

  for (const Problem& p : problems())
    for (const Row& r : p.rows)
      benchmark::RegisterBenchmark(
          bench_name(p, r).c_str(),
          [&p, &r](benchmark::State& state) {
            const auto ev = r.make();
            std::vector<double> g(p.x.size());
            ev->run(g.data());  // warm-up: tapes and traces reach their size outside the timing
            ev->time(state, g.data());
          })
          ->Unit(benchmark::kMicrosecond)
          ->UseRealTime();
  for (const JacobianProblem& p : jacobian_problems())
    for (const JacobianRow& r : p.rows)
      benchmark::RegisterBenchmark(bench_name(p, r).c_str(),
                                   [&r](benchmark::State& state) {
                                     const auto ev = r.make();
                                     ev->run();  // warm-up: the per-thread tape reaches its size outside the timing
                                     ev->time(state);
                                   })
          ->Unit(benchmark::kMicrosecond)
          ->UseRealTime();

  std::printf("\nTiming (one line per row: the median of the repetitions)...\n");
  std::fflush(stdout);
#if defined(__unix__) || defined(__APPLE__)
  Collector collector(isatty(fileno(stdout)) != 0);  // no colour codes in a pipe or a file
#else
  Collector collector(false);
#endif
  collector.cpu_time = cpu_time;
  benchmark::RunSpecifiedBenchmarks(&collector);

  Medians medians;
  for (const Problem& p : problems())
    for (const Row& r : p.rows) medians[p.id][r.kind] = timing(collector, bench_name(p, r));
  print_table(medians, repetitions, interleaved, cpu_time);
  print_tape_stats(stats);
  print_vectorized_stats(stats);
  print_targets(medians);
  print_jacobians(collector, repetitions, interleaved, cpu_time);
  benchmark::Shutdown();
  return 0;
}
