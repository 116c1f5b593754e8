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
///
/// Jacobian problems (JacobianProblem, at the end) have their own registry and table: their
/// rows compute an m x n Jacobian, checked against finite differences of the plain f.

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <type_traits>
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
  std::size_t statements = 0;         // tape.size(): independent variables included
  std::size_t inputs = 0;             // statements that are independent variables
  std::size_t arguments = 0;          // tape.argument_count()
  std::size_t bytes = 0;              // tape.recorded_bytes()
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
  double scalar_over_f = 0;          // tapegrad scalar form / plain-double f (scalar loop)
  double vectorized_over_limit = 0;  // tapegrad vectorized form / physical limit
};

/// A benchmark problem: a point, its rows, its targets.
struct Problem {
  std::string id;    // "P1"
  std::string name;  // "sum_exp_sin"
  std::string size;  // "n = 10,000"
  std::vector<double> x;
  std::vector<Row> rows;
  Targets targets;
  std::string note;         // printed instead of rows when the problem cannot run (e.g. no data)
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

// ---- Jacobian problems ------------------------------------------------------------------
// A separate registry beside the gradient problems: a JacobianProblem is a point x, its
// plain residual function (the reference of the finite-difference check) and rows that
// compute the m x n Jacobian (or, the f row, the m residuals). main.cpp checks, times and
// tabulates them after the gradient problems.

/// What a Jacobian row computes; the order is the order of its table.
enum class JacobianKind {
  f,                   // the plain-double residuals r(x): the m values, no Jacobian
  hand,                // a hand-written analytic Jacobian
  tapegrad_automatic,  // tapegrad::jacobian(f, x): the mode picked by shape
  tapegrad_forward,    // tapegrad::jacobian(f, x, JacobianMode::forward)
  tapegrad_reverse,    // tapegrad::jacobian(f, x, JacobianMode::reverse)
};

/// The row label of the Jacobian table.
const char* label(JacobianKind kind);

/// One Jacobian row's live state for one benchmark run or check.
class JacobianEvaluator {
 public:
  virtual ~JacobianEvaluator() = default;
  /// One call: the m x n Jacobian, or the m residuals (m x 1) for the f row.
  virtual Eigen::MatrixXd run() = 0;
  /// The timed Google Benchmark loop over the same call.
  virtual void time(benchmark::State& state) = 0;
};

/// A JacobianEvaluator around a callable returning an Eigen matrix or vector by value.
template <class F>
class JacobianEvaluatorOf final : public JacobianEvaluator {
 public:
  explicit JacobianEvaluatorOf(F f) : f_(std::move(f)) {}
  Eigen::MatrixXd run() override {
    result_ = f_();
    return result_;
  }
  void time(benchmark::State& state) override {
    for (auto _ : state) {
      result_ = f_();  // a move: the result's buffer is the callee's
      double* data = result_.data();
      benchmark::DoNotOptimize(data);
      benchmark::ClobberMemory();  // x is reread and the result written every iteration
    }
  }

 private:
  F f_;
  std::decay_t<std::invoke_result_t<F&>> result_;
};

/// Wraps a callable returning an Eigen matrix or vector (the Jacobian, or f's residuals).
template <class F>
std::unique_ptr<JacobianEvaluator> jacobian_evaluator(F f) {
  return std::make_unique<JacobianEvaluatorOf<F>>(std::move(f));
}

/// A row of a Jacobian table: its kind and how to make its evaluator.
struct JacobianRow {
  JacobianKind kind;
  std::function<std::unique_ptr<JacobianEvaluator>()> make;
};

/// A Jacobian benchmark problem: a point, its plain residuals, its rows, its target.
struct JacobianProblem {
  std::string id;    // "J1"
  std::string name;  // "hand_tracking"
  std::string size;  // "n = 26 pose inputs, m = 600 residuals ..."
  Eigen::VectorXd x;
  std::function<Eigen::VectorXd(const Eigen::VectorXd&)> residuals;  // plain double: the check's reference
  std::vector<JacobianRow> rows;
  double jacobian_over_f = 0;         // target: tapegrad::jacobian(f, x) (automatic) / plain f; 0 = none
  std::function<std::string()> note;  // a line for the checks and the table (the mode jacobian picks)

  /// Adds a row made by `make`, a callable returning std::unique_ptr<JacobianEvaluator>.
  template <class Make>
  void add(JacobianKind kind, Make make) {
    rows.push_back(JacobianRow{kind, std::function<std::unique_ptr<JacobianEvaluator>()>(std::move(make))});
  }
};

/// Every Jacobian problem, registered by the problem files at start-up.
std::vector<JacobianProblem>& jacobian_problems();
/// Registers a Jacobian problem from a static object: `static const RegisterJacobian r(make);`.
struct RegisterJacobian {
  explicit RegisterJacobian(JacobianProblem (*make)()) { jacobian_problems().push_back(make()); }
};

}  // namespace tapegrad_bench
