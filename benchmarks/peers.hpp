// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// The peers, run on the same generic scalar loop as tapegrad: ADOL-C (adouble, taping)
/// and Trilinos Sacado reverse mode (Sacado::Rad::ADvar<double>). Each is compiled in
/// only when CMake found it (TAPEGRAD_BENCH_HAVE_ADOLC / _SACADO); included by harness.hpp.

#include <cstddef>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#if TAPEGRAD_BENCH_HAVE_ADOLC
#include <adolc/adolc.h>
#endif
#if TAPEGRAD_BENCH_HAVE_SACADO
#include <Sacado_trad.hpp>
#endif

namespace tapegrad_bench {

#if TAPEGRAD_BENCH_HAVE_ADOLC
/// A trace tag per ADOL-C row: rows never share a trace, and a row's evaluators (which
/// never live at the same time) overwrite its trace instead of piling up new ones.
inline short next_adolc_tag() {
  static short tag = 0;
  return ++tag;
}

/// ADOL-C on the generic loop. Mode retape: every call records a new trace
/// (trace_on ... trace_off) and calls gradient(), which replays it forward (zos_forward)
/// and backward (fos_reverse): the same work as tapegrad, which records every call.
/// Mode retape_keep: the trace keeps its forward values (trace_on(tag, 1)), so one
/// fos_reverse suffices: ADOL-C's cheapest way to a fresh gradient. Mode one_trace: the
/// trace is recorded once and every call is gradient() on it; valid only because the
/// branches taken (P5's max) do not change at the fixed x.
template <class F>
class Adolc final : public Timed<Adolc<F>> {
 public:
  enum class Mode { retape, retape_keep, one_trace };
  Adolc(F f, std::vector<double> x, short tag, Mode mode)
      : f_(std::move(f)), x_(std::move(x)), tag_(tag), mode_(mode), ax_(x_.size()) {
    if (mode_ == Mode::one_trace) record(0);
  }
  // ADOL-C holds at most TBUFNUM (32) Taylor buffers at once, and a trace keeps its buffer
  // until it is removed: with a row's evaluator gone, its trace and buffer go too (the
  // next evaluator of the row records the trace anew).
  ~Adolc() override { removeTape(tag_, ADOLC_REMOVE_COMPLETELY); }
  Adolc(const Adolc&) = delete;
  Adolc& operator=(const Adolc&) = delete;

  TAPEGRAD_INLINE double compute(double* g) {
    const int n = static_cast<int>(x_.size());
    switch (mode_) {
      case Mode::retape: {
        const double value = record(0);
        ::gradient(tag_, n, x_.data(), g);
        return value;
      }
      case Mode::retape_keep: {
        const double value = record(1);
        double one = 1.0;
        fos_reverse(tag_, 1, n, &one, g);
        return value;
      }
      case Mode::one_trace:
        ::gradient(tag_, n, x_.data(), g);
        return std::numeric_limits<double>::quiet_NaN();  // gradient() does not return f
    }
    return 0;
  }

  std::string note() const override {
    std::size_t s[STAT_SIZE];
    tapestats(tag_, s);
    return "ADOL-C trace: " + std::to_string(s[NUM_OPERATIONS]) + " operations, " + std::to_string(s[NUM_LOCATIONS]) +
           " locations, " + std::to_string(s[NUM_VALUES]) + " values" +
           (s[OP_FILE_ACCESS] || s[LOC_FILE_ACCESS] || s[VAL_FILE_ACCESS] ? " (spilled to files!)" : " (in memory)");
  }

 private:
  /// Records the generic loop at x on this row's trace; keep = 1 keeps the forward values.
  double record(int keep) {
    trace_on(tag_, keep);
    for (std::size_t i = 0; i < x_.size(); ++i) ax_[i] <<= x_[i];
    adouble y = f_(ax_.data());
    double value = 0;
    y >>= value;
    trace_off();
    return value;
  }

  F f_;
  std::vector<double> x_;
  short tag_;
  Mode mode_;
  std::vector<adouble> ax_;  // the independent variables, reused across traces
};
#endif

#if TAPEGRAD_BENCH_HAVE_SACADO
/// Sacado::Rad on the generic loop. Every call makes new independent variables, runs the
/// loop and Gradcomp(), which sweeps everything recorded since the previous Gradcomp and
/// lets the next computation reuse Rad's memory: Rad's documented usage.
template <class F>
class SacadoRad final : public Timed<SacadoRad<F>> {
  using AD = Sacado::Rad::ADvar<double>;

 public:
  SacadoRad(F f, std::vector<double> x) : f_(std::move(f)), x_(std::move(x)), ax_(x_.size()) {}

  TAPEGRAD_INLINE double compute(double* g) {
    for (std::size_t i = 0; i < x_.size(); ++i) ax_[i] = x_[i];
    const AD y = f_(ax_.data());
    AD::Gradcomp();
    for (std::size_t i = 0; i < x_.size(); ++i) g[i] = ax_[i].adj();
    return y.val();
  }

 private:
  F f_;
  std::vector<double> x_;
  std::vector<AD> ax_;
};
#endif

/// Adds a row for every peer this build has, all running the generic loop f at p.x.
template <class F>
void add_peer_rows([[maybe_unused]] Problem& p, [[maybe_unused]] const F& f) {
#if TAPEGRAD_BENCH_HAVE_ADOLC
  using A = Adolc<F>;
  const std::vector<double> x = p.x;
  const short retape = next_adolc_tag(), keep = next_adolc_tag(), once = next_adolc_tag();
  p.add(Kind::adolc_retape, [=] { return std::make_unique<A>(f, x, retape, A::Mode::retape); });
  p.add(Kind::adolc_retape_keep, [=] { return std::make_unique<A>(f, x, keep, A::Mode::retape_keep); });
  p.add(Kind::adolc_one_trace, [=] { return std::make_unique<A>(f, x, once, A::Mode::one_trace); });
#endif
#if TAPEGRAD_BENCH_HAVE_SACADO
  p.add(Kind::sacado_rad, [f, x = p.x] { return std::make_unique<SacadoRad<F>>(f, x); });
#endif
}

}  // namespace tapegrad_bench
