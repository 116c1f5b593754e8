// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// The shared harness of tapegrad_bench. A Problem is a point x and a list of Rows; a Row
/// makes an Evaluator, which computes f(x) (and, for gradient rows, the gradient) once
/// per call. main.cpp checks every gradient row against the hand-written gradient, times
/// every row with Google Benchmark and prints one table.
///
/// Every problem writes its function ONCE, as a generic scalar loop
///     struct F { template <class S> S operator()(const S* x) const; };
/// and add_generic_rows() runs that same code with double, Var<double> and the peers'
/// active types, so "the scalar form" means the same source everywhere.

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <tapegrad/tapegrad.hpp>

namespace tapegrad_bench {

/// What a row computes; the order is the order of the table.
enum class Kind {
  f_scalar,             // plain-double f, the generic scalar loop
  f_vectorized,         // plain-double f, Eigen array expressions
  hand_scalar,          // hand-written analytic gradient, scalar loop
  hand_vectorized,      // hand-written analytic gradient, Eigen
  tapegrad_scalar,      // the generic scalar loop run with Var<double>
  tapegrad_vectorized,  // matrix/array statements (MatrixVar), see TapegradVectorized
  tapegrad_hvp,         // second order: Hessian-vector product by hessian_vector_product
  adolc_retape,         // ADOL-C: trace_on ... trace_off, then gradient(): every call
  adolc_retape_keep,    // ADOL-C: trace_on(tag, keep = 1), then fos_reverse: every call
  adolc_one_trace,      // ADOL-C: gradient() on a trace recorded once (no retaping)
  sacado_rad,           // Trilinos Sacado::Rad::ADvar<double>, scalar form
};

/// The row label of the table.
const char* label(Kind kind);
/// A short name for a peer column of the table; nullptr if `kind` is not a peer row.
const char* peer_column(Kind kind);
/// True for rows that compute a gradient (all but the plain-f rows).
inline bool is_gradient(Kind kind) { return kind != Kind::f_scalar && kind != Kind::f_vectorized; }

/// What tapegrad's tape holds after one recording of a problem.
struct TapeStats {
  std::size_t statements = 0;  // tape.size(): independent variables included
  std::size_t inputs = 0;      // statements that are independent variables
  std::size_t arguments = 0;   // tape.argument_count()
  std::size_t bytes = 0;       // tape.recorded_bytes()
  std::vector<std::size_t> by_arity;  // operations (non-input statements) per arity
  std::size_t matrix_statements = 0;  // custom statements (vectorized form)
  bool vectorized = false;            // recorded by the vectorized form
};

/// One row's live state (a tape, a trace, buffers) for one benchmark run or check.
class Evaluator {
 public:
  virtual ~Evaluator() = default;
  /// One call: returns f(x), or NaN if this row does not compute the value; gradient rows
  /// write the gradient to g[0..n).
  virtual double run(double* g) = 0;
  /// The timed Google Benchmark loop over run() (see Timed).
  virtual void time(benchmark::State& state, double* g) = 0;
  /// Statistics of the tape recorded by the last run(), for tapegrad rows.
  virtual std::optional<TapeStats> tape_stats() const { return std::nullopt; }
  /// A line about the row's own recording (peers: trace sizes), printed with the checks.
  virtual std::string note() const { return {}; }
};

/// Implements run() and the timed loop once for every evaluator: Derived provides
/// `double compute(double* g)`, which the loop calls directly (inlined), not through the
/// virtual run().
template <class Derived>
class Timed : public Evaluator {
 public:
  double run(double* g) final { return self().compute(g); }
  void time(benchmark::State& state, double* g) final {
    for (auto _ : state) {
      double value = self().compute(g);
      benchmark::DoNotOptimize(value);
      benchmark::ClobberMemory();  // x is reread every iteration: nothing is hoisted
    }
  }

 private:
  Derived& self() { return static_cast<Derived&>(*this); }
};

/// An Evaluator around a callable double(double* g).
template <class F>
class EvaluatorOf final : public Timed<EvaluatorOf<F>> {
 public:
  explicit EvaluatorOf(F f) : f_(std::move(f)) {}
  TAPEGRAD_INLINE double compute(double* g) { return f_(g); }

 private:
  F f_;
};

/// Wraps a callable double(double* g) (a lambda with its buffers, usually `mutable`).
template <class F>
std::unique_ptr<Evaluator> evaluator(F f) {
  return std::make_unique<EvaluatorOf<F>>(std::move(f));
}

/// A row of the table: its kind and how to make its evaluator.
struct Row {
  Kind kind;
  std::function<std::unique_ptr<Evaluator>()> make;
};

/// Targets that the performance issue sets for a problem (0 = none).
struct Targets {
  double scalar_over_f = 0;            // tapegrad scalar form / plain-double f (scalar loop)
  double vectorized_over_limit = 0;    // tapegrad vectorized form / physical limit
};

/// A benchmark problem: a point, its rows, its targets.
struct Problem {
  std::string id;       // "P1"
  std::string name;     // "sum_exp_sin"
  std::string size;     // "n = 10,000"
  std::vector<double> x;
  std::vector<Row> rows;
  Targets targets;
  std::string note;     // printed instead of rows when the problem cannot run (e.g. no data)
  std::string gradient_of;  // second-order problems: the problem whose gradient they compare with

  /// Adds a row made by `make`, a callable returning std::unique_ptr<Evaluator>.
  template <class Make>
  void add(Kind kind, Make make) {
    rows.push_back(Row{kind, std::function<std::unique_ptr<Evaluator>()>(std::move(make))});
  }
};

/// Every problem, registered by the problem files at start-up (see Register).
std::vector<Problem>& problems();
/// Registers a problem from a static object: `static const Register r(make_problem);`.
struct Register {
  explicit Register(Problem (*make)()) { problems().push_back(make()); }
};

// ---- data -----------------------------------------------------------------------

/// n numbers uniform in [lo, hi), from a fixed seed (the figures and checks repeat).
inline std::vector<double> uniform(std::size_t n, double lo, double hi, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> dist(lo, hi);
  std::vector<double> v(n);
  for (double& e : v) e = dist(rng);
  return v;
}

// ---- the generic rows -------------------------------------------------------------

/// The tapegrad scalar form as a user writes it: one tape reused across calls (cleared
/// each call), the inputs recorded as one block, the generic loop run with Var<double>,
/// one backward sweep, and the gradient read into a plain vector in one bulk copy (the
/// inputs are one block of slots: Tape::copy_adjoints). All of it is timed.
template <class F>
class TapegradScalar final : public Timed<TapegradScalar<F>> {
 public:
  TapegradScalar(F f, std::vector<double> x) : f_(std::move(f)), x_(std::move(x)), vars_(x_.size()) {}

  TAPEGRAD_INLINE double compute(double* g) {
    tape_.clear();
    tape_.variables(x_.data(), x_.size(), vars_.data());
    const tapegrad::Var<double> y = f_(vars_.data());
    tape_.backward(y);
    tape_.copy_adjoints(vars_[0].index(), x_.size(), g);  // the inputs are one block
    return y.value();
  }

  std::optional<TapeStats> tape_stats() const override {
    TapeStats s;
    s.statements = tape_.size();
    s.arguments = tape_.argument_count();
    s.bytes = tape_.recorded_bytes();
    for (tapegrad::Index i = 1; i <= s.statements; ++i) {
      const unsigned k = tape_.arity_at(i);
      if (k == 0) {  // a variable, or an input block slot (custom_at)
        ++s.inputs;
        continue;
      }
      if (s.by_arity.size() <= k) s.by_arity.resize(k + 1);
      ++s.by_arity[k];
    }
    return s;
  }

 private:
  F f_;
  std::vector<double> x_;
  tapegrad::Tape<double> tape_;  // this thread's active tape while the evaluator lives
  std::vector<tapegrad::Var<double>> vars_;
};

/// The tapegrad vectorized form: one tape reused across calls (cleared each call). The
/// callable `double(tapegrad::Tape<double>&, double* g)` records the inputs as MatrixVars
/// and the function with matrix statements, calls backward and reads the gradient into g;
/// it returns f(x). All of it is timed.
template <class F>
class TapegradVectorized final : public Timed<TapegradVectorized<F>> {
 public:
  explicit TapegradVectorized(F f) : f_(std::move(f)) {}

  TAPEGRAD_INLINE double compute(double* g) {
    tape_.clear();
    return f_(tape_, g);
  }

  std::optional<TapeStats> tape_stats() const override {
    TapeStats s;
    s.statements = tape_.size();
    s.arguments = tape_.argument_count();
    s.bytes = tape_.recorded_bytes();
    s.matrix_statements = tape_.custom_count();
    s.vectorized = true;
    return s;
  }

 private:
  F f_;
  tapegrad::Tape<double> tape_;  // this thread's active tape while the evaluator lives
};

/// Wraps a callable double(tapegrad::Tape<double>&, double* g) as a vectorized-form row.
template <class F>
std::unique_ptr<Evaluator> vectorized(F f) {
  return std::make_unique<TapegradVectorized<F>>(std::move(f));
}

}  // namespace tapegrad_bench

#include "peers.hpp"  // the peers' evaluators build on Timed and Problem

namespace tapegrad_bench {

/// Adds the rows that run the generic scalar loop f: plain double, tapegrad's scalar
/// form, and every peer found at configure time.
template <class F>
void add_generic_rows(Problem& p, const F& f) {
  const std::vector<double> x = p.x;
  p.add(Kind::f_scalar, [f, x] { return evaluator([f, x](double*) { return f(x.data()); }); });
  p.add(Kind::tapegrad_scalar, [f, x] { return std::make_unique<TapegradScalar<F>>(f, x); });
  add_peer_rows(p, f);
}

}  // namespace tapegrad_bench
